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
pub(super) fn completions(shell: clap_complete::Shell) -> ExitStatus {
    crate::out::write(&completion_script(shell));
    ExitStatus::Success
}

/// The commands that work on one target: their hidden `--all-targets` (kept so that passing
/// it gets a clear refusal) is not offered for completion.
const ONE_TARGET_COMMANDS: [&str; 3] = ["adopt", "apply", "export"];

/// The completion script for `shell`, mended where clap_complete's falls short:
/// - bash: the case arms of subcommands are spelled `connect__subcmd__rules__subcmd__NAME`
///   while the variable they match is `connect__rules__subcmd__NAME` (a hyphen in the binary's
///   name; clap-rs/clap#6421), so no subcommand's flags were ever completed;
/// - every shell: clap_complete offers hidden flags, so `apply --<TAB>` offered
///   `--all-targets`, which apply refuses.
pub fn completion_script(shell: clap_complete::Shell) -> String {
    let mut generated = Vec::new();
    clap_complete::generate(shell, &mut Cli::command(), BIN, &mut generated);
    let script = String::from_utf8_lossy(&generated).replace(
        "connect__subcmd__rules__subcmd__",
        "connect__rules__subcmd__",
    );
    let mut mended = String::with_capacity(script.len());
    let mut one_target = false;
    for line in script.split_inclusive('\n') {
        let (section, line_only) = section_of(line.trim());
        if let Some(name) = section {
            let is_one_target = ONE_TARGET_COMMANDS.contains(&name);
            if line_only {
                if is_one_target && line.contains("all-targets") {
                    continue;
                }
                mended.push_str(line);
                continue;
            }
            one_target = is_one_target;
        }
        if one_target && line.contains("all-targets") {
            if line.trim_start().starts_with("opts=") {
                mended.push_str(&line.replace(" --all-targets", ""));
            }
            continue;
        }
        mended.push_str(line);
    }
    mended
}

/// The subcommand whose completions a line of a script starts (or, for fish, where each line
/// names its own: the `bool` is then true).
fn section_of(line: &str) -> (Option<&str>, bool) {
    let between = |prefix: &str, suffix: &str| {
        line.strip_prefix(prefix)
            .and_then(|rest| rest.strip_suffix(suffix))
            .filter(|name| !name.is_empty() && !name.contains([' ', ';', '_']))
    };
    if let Some(name) = line
        .split("__fish_connect_rules_using_subcommand ")
        .nth(1)
        .and_then(|rest| rest.split('"').next())
    {
        return (Some(name), true);
    }
    let section = between("connect__rules__subcmd__", ")")
        .or_else(|| between("(", ")"))
        .or_else(|| between("'connect-rules;", "' {"))
        .or_else(|| between("&'connect-rules;", "'= {"));
    (section, false)
}

/// Prints the main page, or writes every page to `out_dir`.
pub(super) fn man(out_dir: Option<&Path>) -> anyhow::Result<ExitStatus> {
    let command = Cli::command();
    let Some(dir) = out_dir else {
        let mut out = Vec::new();
        clap_mangen::Man::new(command)
            .render(&mut out)
            .context("failed to render the page")?;
        crate::out::write(&String::from_utf8_lossy(&out));
        return Ok(ExitStatus::Success);
    };
    std::fs::create_dir_all(dir)
        .with_context(|| format!("failed to create `{}`", dir.display()))?;
    // clap_mangen's own `generate_to` writes through a symbolic link planted where a page goes;
    // each page is rendered here and written as export writes rule files (never through a link).
    let mut command = command.disable_help_subcommand(true);
    command.build();
    let mut pages = Vec::new();
    collect_pages(command, &mut pages);
    // Every place is checked before the first page is written: a link found at the last one
    // would leave the others half-updated.
    for man in &pages {
        let path = dir.join(man.get_filename());
        crate::safe_write::refuse_link(&path).with_context(|| {
            format!("failed to write `{}`; nothing was written", path.display())
        })?;
    }
    for man in &pages {
        let path = dir.join(man.get_filename());
        let mut page = Vec::new();
        man.render(&mut page).context("failed to render the page")?;
        crate::safe_write::write_file(&path, &page, crate::safe_write::Durability::Buffered)
            .with_context(|| format!("failed to write `{}`", path.display()))?;
    }
    eprintln!("wrote {} pages to `{}`", pages.len(), dir.display());
    Ok(ExitStatus::Success)
}

/// A page for `command` and for each of its subcommands that is not hidden, as
/// `clap_mangen::generate_to` makes them.
fn collect_pages(command: clap::Command, pages: &mut Vec<clap_mangen::Man>) {
    for sub in command.get_subcommands().filter(|sub| !sub.is_hide_set()) {
        collect_pages(sub.clone(), pages);
    }
    pages.push(clap_mangen::Man::new(command));
}
