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
    // A rule whose file has an error is not valid, even when the error is found across files
    // (a name used twice): the summary never counts a file both valid and in error.
    let in_error: std::collections::BTreeSet<&std::path::Path> = loaded
        .diagnostics
        .iter()
        .filter(|d| d.severity == Severity::Error)
        .map(|d| d.file.as_path())
        .collect();
    let valid_rules = loaded
        .rules
        .iter()
        .filter(|rule| !in_error.contains(rule.path.as_path()))
        .count();
    match format {
        FindingsFormat::Text => print_findings(&loaded.diagnostics, styles.stderr),
        FindingsFormat::Json => crate::out::out!(
            "{}",
            findings::json(
                &loaded.diagnostics,
                Checked {
                    files: &loaded.paths,
                    valid_rules,
                },
            )
        ),
        FindingsFormat::Github => crate::out::out!("{}", findings::github(&loaded.diagnostics)),
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
        valid_rules,
        plural(valid_rules),
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
