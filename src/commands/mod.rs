//! The imperative shell: each command reads its inputs, calls the pure stages, and writes
//! results. Data goes to stdout; diagnostics and progress go to stderr.

mod adopt;
mod apply;
mod confirm;
mod drift;
mod explain;
mod export;
mod plan;
mod project;
mod rules;
mod schema;
mod session;
mod validate;

use std::io::IsTerminal;
use std::process::ExitCode;

use clap::Parser;

use crate::cli::{Cli, Command};
use crate::style::Style;

pub use rules::{load_rules, load_rules_cached, LoadedRules};

/// How a command ended, mapped to the process exit code.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExitStatus {
    /// 0: success, nothing pending.
    Success,
    /// 1: an error, or invalid input.
    Failure,
    /// 2: success, and changes are pending (plan with `--detailed-exitcode`, drift).
    Changes,
}

impl From<ExitStatus> for ExitCode {
    fn from(status: ExitStatus) -> Self {
        match status {
            ExitStatus::Success => ExitCode::SUCCESS,
            ExitStatus::Failure => ExitCode::from(1),
            ExitStatus::Changes => ExitCode::from(2),
        }
    }
}

/// Styles for the two output streams.
#[derive(Debug, Clone, Copy)]
pub struct Streams {
    /// For standard output.
    pub stdout: Style,
    /// For standard error.
    pub stderr: Style,
}

/// Parses the process arguments and runs the command.
pub fn main() -> ExitCode {
    // clap's own exit code for a usage error is 2, which here means "changes pending": a
    // typo in a flag must never read as that, so usage errors exit 1.
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(err) => {
            let _ = err.print();
            return if err.use_stderr() {
                ExitStatus::Failure.into()
            } else {
                ExitStatus::Success.into()
            };
        }
    };
    let no_color = std::env::var("NO_COLOR").ok();
    let streams = Streams {
        stdout: Style::new(
            cli.global.color,
            std::io::stdout().is_terminal(),
            no_color.as_deref(),
        ),
        stderr: Style::new(
            cli.global.color,
            std::io::stderr().is_terminal(),
            no_color.as_deref(),
        ),
    };
    match run(cli, streams) {
        Ok(status) => status.into(),
        Err(err) => {
            eprintln!("{} {err:#}", streams.stderr.error("error:"));
            ExitStatus::Failure.into()
        }
    }
}

fn run(cli: Cli, streams: Streams) -> anyhow::Result<ExitStatus> {
    match cli.command {
        Command::Validate(args) => validate::run(&args, streams),
        Command::Schema(args) => schema::run(&args),
        Command::Explain(args) => explain::run(&args, streams),
        Command::Plan(args) => runtime()?.block_on(plan::run(&args, streams)),
        Command::Apply(args) => runtime()?.block_on(apply::run(&args, streams)),
        Command::Export(args) => runtime()?.block_on(export::run(&args)),
        Command::Adopt(args) => runtime()?.block_on(adopt::run(&args)),
        Command::Drift(args) => runtime()?.block_on(drift::run(&args, streams)),
        Command::Emulator(args) => {
            runtime()?.block_on(crate::emulator::run(args))?;
            Ok(ExitStatus::Success)
        }
    }
}

/// A fresh plan id: unique per plan, so client tokens never collide across plans.
pub fn new_plan_id() -> String {
    format!("{:032x}", rand::random::<u128>())
}

fn runtime() -> anyhow::Result<tokio::runtime::Runtime> {
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|err| anyhow::anyhow!("failed to start the async runtime: {err}"))
}
