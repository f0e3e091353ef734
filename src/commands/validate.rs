//! `connect-rules validate`: offline checks of the rule files.

use crate::diagnostic::Severity;
use crate::load::load_rules;
use crate::render::findings::{self, Checked, FindingsFormat};
use crate::settings::OfflineSettings;
use crate::style::Styles;

use super::{print_findings, ExitStatus};

/// Checks the rule files and writes the findings in `format`: text on stderr, or JSON or
/// GitHub workflow commands on stdout. The summary line always goes to stderr, for people.
pub(super) fn run(
    settings: &OfflineSettings,
    format: FindingsFormat,
    styles: Styles,
) -> ExitStatus {
    let rules = &settings.rules;
    let loaded = load_rules(&rules.dir, &settings.variables, &rules.policy);
    match format {
        FindingsFormat::Text => print_findings(&loaded.diagnostics, styles.stderr),
        FindingsFormat::Json => print!(
            "{}",
            findings::json(
                &loaded.diagnostics,
                Checked {
                    files: &loaded.paths,
                    valid_rules: loaded.rules.len(),
                },
            )
        ),
        FindingsFormat::Github => print!("{}", findings::github(&loaded.diagnostics)),
    }
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
    if errors > 0 {
        ExitStatus::Failure
    } else {
        ExitStatus::Success
    }
}

fn plural(count: usize) -> &'static str {
    if count == 1 {
        ""
    } else {
        "s"
    }
}
