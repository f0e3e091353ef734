//! `validate`'s findings for machines: a versioned JSON document, or GitHub workflow commands
//! (annotations on the lines of a pull request). Pure: findings in, text out. The text format
//! is [`Diagnostic`]'s own `Display`.

use std::fmt::Write as _;

use serde_json::json;

use crate::diagnostic::{Diagnostic, Severity};

/// The version of the JSON findings document; bumped when a field changes meaning or goes.
pub const FINDINGS_FORMAT_VERSION: u32 = 1;

/// How `validate` writes its findings.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum FindingsFormat {
    /// `file:line:col: error: message` and a `hint:` line, on stderr (coloured when allowed).
    #[default]
    Text,
    /// One JSON document on stdout ([`json`]).
    Json,
    /// One GitHub workflow command per finding on stdout ([`github`]).
    Github,
}

/// What was checked, for the JSON document's totals.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Checked<'a> {
    /// Rule files read.
    pub files: &'a [std::path::PathBuf],
    /// Rules that passed every check.
    pub valid_rules: usize,
}

/// The findings as one pretty JSON document with a trailing newline:
///
/// ```json
/// { "format_version": 1, "files_checked": 2, "files": ["rules/a.yaml", "rules/b.yaml"],
///   "valid_rules": 1, "errors": 1, "warnings": 1,
///   "findings": [ { "file": "rules/a.yaml", "line": 3, "column": 5, "severity": "error",
///                   "message": "...", "hint": "..." } ] }
/// ```
///
/// `line` and `column` are 1-based, and `null` for a finding about a whole file or folder;
/// `hint` is `null` when there is none. Findings keep the order they are given in.
/// `files` lists every rule file checked, with or without findings, in the order read.
pub fn json(diagnostics: &[Diagnostic], checked: Checked<'_>) -> String {
    let errors = diagnostics.iter().filter(|d| d.is_error()).count();
    let findings: Vec<serde_json::Value> = diagnostics
        .iter()
        .map(|diagnostic| {
            json!({
                "file": diagnostic.file.display().to_string(),
                "line": diagnostic.pos.map(|pos| pos.line),
                "column": diagnostic.pos.map(|pos| pos.col),
                "severity": severity_name(diagnostic.severity),
                "message": diagnostic.message,
                "hint": diagnostic.hint,
            })
        })
        .collect();
    let document = json!({
        "format_version": FINDINGS_FORMAT_VERSION,
        "files_checked": checked.files.len(),
        "files": checked
            .files
            .iter()
            .map(|path| path.display().to_string())
            .collect::<Vec<_>>(),
        "valid_rules": checked.valid_rules,
        "errors": errors,
        "warnings": diagnostics.len() - errors,
        "findings": findings,
    });
    let mut text = serde_json::to_string_pretty(&document).unwrap_or_default();
    text.push('\n');
    text
}

/// The findings as GitHub workflow commands, one line each:
/// `::error file=F,line=L,col=C,title=connect-rules::MESSAGE` (`::warning` for a warning),
/// the hint on a second line of the message. `line` and `col` are left out when the finding
/// has no position. Escaped as GitHub's toolkit escapes: `%`, `\r` and `\n` everywhere, and
/// `,` and `:` in the properties too, so no text can end a property or the command early.
pub fn github(diagnostics: &[Diagnostic]) -> String {
    let mut out = String::new();
    for diagnostic in diagnostics {
        let mut properties = vec![format!(
            "file={}",
            escape_property(&diagnostic.file.display().to_string())
        )];
        if let Some(pos) = diagnostic.pos {
            properties.push(format!("line={}", pos.line));
            properties.push(format!("col={}", pos.col));
        }
        properties.push("title=connect-rules".to_owned());
        let mut message = diagnostic.message.clone();
        if let Some(hint) = &diagnostic.hint {
            let _ = write!(message, "\nhint: {hint}");
        }
        let _ = writeln!(
            out,
            "::{} {}::{}",
            severity_name(diagnostic.severity),
            properties.join(","),
            escape_data(&message)
        );
    }
    out
}

fn severity_name(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
    }
}

/// A workflow command's message, as `escapeData` in `@actions/core` writes it.
fn escape_data(text: &str) -> String {
    text.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// A workflow command's property value, as `escapeProperty` in `@actions/core` writes it.
fn escape_property(text: &str) -> String {
    escape_data(text).replace(':', "%3A").replace(',', "%2C")
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use super::*;
    use crate::node::Pos;

    #[test]
    fn github_escapes_the_message_and_the_file_name() {
        let finding = Diagnostic::error(
            Path::new("rules/a,b:c%.yaml"),
            Some(Pos { line: 3, col: 7 }),
            "100% wrong\r\nsecond line",
        )
        .with_hint("use 50%, not 100%");
        assert_eq!(
            github(&[finding]),
            "::error file=rules/a%2Cb%3Ac%25.yaml,line=3,col=7,title=connect-rules::\
             100%25 wrong%0D%0Asecond line%0Ahint: use 50%25, not 100%25\n"
        );
    }

    #[test]
    fn github_leaves_out_the_position_of_a_finding_without_one() {
        let finding = Diagnostic::warning(Path::new("rules"), None, "no rule files");
        assert_eq!(
            github(&[finding]),
            "::warning file=rules,title=connect-rules::no rule files\n"
        );
    }

    #[test]
    fn json_has_nulls_for_what_a_finding_lacks() {
        let finding = Diagnostic::warning(Path::new("rules"), None, "no rule files");
        let document: serde_json::Value = serde_json::from_str(&json(
            &[finding],
            Checked {
                files: &[],
                valid_rules: 0,
            },
        ))
        .unwrap();
        assert_eq!(document["format_version"], 1);
        assert_eq!(document["warnings"], 1);
        assert_eq!(document["errors"], 0);
        let finding = &document["findings"][0];
        assert!(finding["line"].is_null() && finding["column"].is_null());
        assert!(finding["hint"].is_null());
        assert_eq!(finding["severity"], "warning");
    }

    #[test]
    fn json_lists_every_file_checked_not_only_those_with_findings() {
        let files = [
            std::path::PathBuf::from("rules/clean.yaml"),
            std::path::PathBuf::from("rules/team/broken.yaml"),
        ];
        let finding = Diagnostic::error(
            Path::new("rules/team/broken.yaml"),
            Some(Pos { line: 1, col: 1 }),
            "broken",
        );
        let document: serde_json::Value = serde_json::from_str(&json(
            &[finding],
            Checked {
                files: &files,
                valid_rules: 1,
            },
        ))
        .unwrap();
        assert_eq!(document["files_checked"], 2);
        assert_eq!(
            document["files"],
            serde_json::json!(["rules/clean.yaml", "rules/team/broken.yaml"])
        );
    }
}
