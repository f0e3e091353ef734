//! `connect-rules completions SHELL` and `connect-rules man`: both generated from the clap
//! definition in `cli.rs` when asked, so they always describe the binary that prints them.
//! (A page written at build time would need `build.rs` to compile the whole command line,
//! which names types from across the crate; a packager runs `connect-rules man` instead.)

use std::path::Path;

use anyhow::Context as _;
use clap::CommandFactory as _;

use crate::cli::Cli;

use super::ExitStatus;

/// The binary's name, as completions and pages call it.
const BIN: &str = "connect-rules";

/// Prints the completion script for `shell`.
pub(super) fn completions(shell: clap_complete::Shell) -> anyhow::Result<ExitStatus> {
    let mut out = Vec::new();
    clap_complete::generate(shell, &mut Cli::command(), BIN, &mut out);
    write_stdout(&out)
}

/// Prints the main page, or writes every page to `out_dir`.
pub(super) fn man(out_dir: Option<&Path>) -> anyhow::Result<ExitStatus> {
    let command = Cli::command();
    let Some(dir) = out_dir else {
        let mut out = Vec::new();
        clap_mangen::Man::new(command)
            .render(&mut out)
            .context("failed to render the page")?;
        return write_stdout(&out);
    };
    std::fs::create_dir_all(dir)
        .with_context(|| format!("failed to create `{}`", dir.display()))?;
    clap_mangen::generate_to(command, dir)
        .with_context(|| format!("failed to write the pages to `{}`", dir.display()))?;
    eprintln!("wrote the pages to `{}`", dir.display());
    Ok(ExitStatus::Success)
}

fn write_stdout(bytes: &[u8]) -> anyhow::Result<ExitStatus> {
    use std::io::Write as _;
    let mut stdout = std::io::stdout().lock();
    stdout
        .write_all(bytes)
        .and_then(|()| stdout.flush())
        .context("failed to write to standard output")?;
    Ok(ExitStatus::Success)
}
