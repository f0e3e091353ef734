//! `connect-rules validate`: offline checks of the rule files.

use crate::cli::ValidateArgs;
use crate::diagnostic::Severity;

use super::project::Project;
use super::{load_rules, ExitStatus, Streams};

pub(super) fn run(args: &ValidateArgs, streams: Streams) -> anyhow::Result<ExitStatus> {
    let project = Project::open(&args.project)?;
    let variables = project.variables(args.target.as_deref())?;
    let loaded = load_rules(&project.rules_dir, &variables, &project.function_policy);
    loaded.print_diagnostics(streams.stderr);
    let errors = loaded
        .diagnostics
        .iter()
        .filter(|d| d.severity == Severity::Error)
        .count();
    let warnings = loaded.diagnostics.len() - errors;
    let files = loaded.files;
    let summary = format!(
        "{files} file{} checked: {} valid rule{}, {errors} error{}, {warnings} warning{}",
        plural(files),
        loaded.rules.len(),
        plural(loaded.rules.len()),
        plural(errors),
        plural(warnings),
    );
    eprintln!("{summary}");
    Ok(if errors > 0 {
        ExitStatus::Failure
    } else {
        ExitStatus::Success
    })
}

fn plural(count: usize) -> &'static str {
    if count == 1 {
        ""
    } else {
        "s"
    }
}
