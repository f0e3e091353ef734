//! The imperative shell: parses the command line, resolves it into settings, and runs the
//! command, which reads its inputs, calls the pure stages and writes results. Data goes to
//! stdout; diagnostics, progress and errors (rendered by `error::render`) go to stderr.

mod adopt;
mod apply;
mod confirm;
mod drift;
mod explain;
mod export;
mod init;
mod manual;
mod plan;
mod schema;
mod session;
mod validate;

use std::io::IsTerminal;
use std::process::ExitCode;

use clap::Parser;

use crate::cli::{Cli, ColorChoice, Command, ValidateFormat};
use crate::diagnostic::Diagnostic;
use crate::render::findings::FindingsFormat;
use crate::settings::{
    AdoptSettings, ApplySettings, ConfigFile, DriftSettings, ExplainSettings, ExportSettings,
    OfflineSettings, PlanSettings,
};
use crate::style::{ColorMode, Style, Styles};

/// How a command ended, mapped to the process exit code.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExitStatus {
    /// 0: success, nothing pending.
    Success,
    /// 1: an error, or invalid input.
    Failure,
    /// 2: success, and changes are pending (plan with `--detailed-exitcode`, drift).
    Changes,
    /// 3: a plan was made, and `apply` would refuse it (plan with `--fail-on-refusal`).
    Refused,
}

impl From<ExitStatus> for ExitCode {
    fn from(status: ExitStatus) -> Self {
        match status {
            ExitStatus::Success => ExitCode::SUCCESS,
            ExitStatus::Failure => ExitCode::from(1),
            ExitStatus::Changes => ExitCode::from(2),
            ExitStatus::Refused => ExitCode::from(3),
        }
    }
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
    let mode = match cli.global.color {
        ColorChoice::Auto => ColorMode::Auto,
        ColorChoice::Always => ColorMode::Always,
        ColorChoice::Never => ColorMode::Never,
    };
    let no_color = std::env::var("NO_COLOR").ok();
    let styles = Styles {
        stdout: Style::new(mode, std::io::stdout().is_terminal(), no_color.as_deref()),
        stderr: Style::new(mode, std::io::stderr().is_terminal(), no_color.as_deref()),
    };
    match run(cli, styles) {
        Ok(status) => status.into(),
        Err(err) => {
            eprint!("{}", crate::error::render(&err, styles.stderr));
            ExitStatus::Failure.into()
        }
    }
}

/// Resolves the command's settings (reading the config file), then runs it.
fn run(cli: Cli, styles: Styles) -> anyhow::Result<ExitStatus> {
    let file = match cli.command.project() {
        Some(project) => ConfigFile::read(project.config.as_deref())?,
        None => ConfigFile::default(),
    };
    match cli.command {
        Command::Validate(args) => Ok(validate::run(
            &OfflineSettings::for_validate(&args, &file)?,
            findings_format(args.format),
            styles,
        )),
        Command::Schema(args) => schema::run(args.out.as_deref()),
        Command::Explain(args) => Ok(explain::run(
            &ExplainSettings::resolve(&args, &file)?,
            styles,
        )),
        Command::Plan(args) => {
            let settings = PlanSettings::resolve(&args, &file)?;
            runtime()?.block_on(plan::run(&settings, styles))
        }
        Command::Apply(args) => {
            // A saved plan names its target, so it is read before the settings are resolved.
            let saved = args
                .plan_file
                .as_deref()
                .map(apply::read_plan)
                .transpose()?;
            let settings = ApplySettings::resolve(&args, &file, saved.as_ref().map(|p| &p.target))?;
            runtime()?.block_on(apply::run(&settings, saved, styles))
        }
        Command::Export(args) => {
            let settings = ExportSettings::resolve(&args, &file)?;
            runtime()?.block_on(export::run(&settings, styles))
        }
        Command::Adopt(args) => {
            let settings = AdoptSettings::resolve(&args, &file)?;
            runtime()?.block_on(adopt::run(&settings))
        }
        Command::Drift(args) => {
            let settings = DriftSettings::resolve(&args, &file)?;
            runtime()?.block_on(drift::run(&settings, styles))
        }
        Command::Emulator(args) => {
            runtime()?.block_on(crate::emulator::run(args))?;
            Ok(ExitStatus::Success)
        }
        Command::Init(args) => init::run(&args.dir, args.github),
        Command::Completions(args) => Ok(manual::completions(args.shell)),
        Command::Man(args) => manual::man(args.out_dir.as_deref()),
    }
}

/// `validate --format`, as the renderer names it (like `--color`, a plain choice that needs
/// no config, so it is mapped here rather than in `settings`).
fn findings_format(choice: ValidateFormat) -> FindingsFormat {
    match choice {
        ValidateFormat::Text => FindingsFormat::Text,
        ValidateFormat::Json => FindingsFormat::Json,
        ValidateFormat::Github => FindingsFormat::Github,
    }
}

/// Writes findings in the rule files to stderr, their labels coloured by `style`.
fn print_findings(diagnostics: &[Diagnostic], style: Style) {
    for diagnostic in diagnostics {
        eprintln!("{}", diagnostic.paint(style));
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
