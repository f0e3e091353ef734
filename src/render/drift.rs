//! Renders a drift report as text, JSON or markdown.

use std::fmt::Write as _;

use crate::drift::DriftReport;
use crate::style::Style;

use super::write_field_diff;

/// One line counting the drift.
pub fn summary_line(report: &DriftReport) -> String {
    format!(
        "Drift: {} changed outside git, {} not in git, {} deleted outside git.",
        report.changed_outside_git.len(),
        report.not_in_git.len(),
        report.deleted_outside_git.len()
    )
}

/// For a terminal; an id the rule files named is shown with its name, as in the text plan.
pub fn text(report: &DriftReport, style: Style) -> String {
    let labels = crate::plan::resolutions::labels(&report.resolutions);
    let mut out = String::new();
    let target = &report.target;
    if !report.has_drift() {
        let _ = writeln!(
            out,
            "No drift: {} (target `{}`) matches the rule files.",
            target.instance(),
            target.name
        );
        if !report.only.is_empty() {
            out.push('\n');
            out.push_str(super::caveats::drift_text(&report.only, style).trim_end());
            out.push('\n');
        }
        return out;
    }
    let _ = writeln!(
        out,
        "{} (target `{}`) has drifted from the rule files.\n",
        target.instance_capitalised(),
        target.name
    );
    out.push_str(&super::caveats::drift_text(&report.only, style));
    if !report.changed_outside_git.is_empty() {
        let _ = writeln!(out, "{}", style.bold("Changed outside git:"));
        for rule in &report.changed_outside_git {
            let _ = writeln!(
                out,
                "  {} `{}` (id {}), last changed by {} at {}",
                style.changed("~"),
                rule.name,
                rule.rule_id,
                rule.last_updated_by,
                rule.last_updated_time
            );
            if let Some(reason) = &rule.replace_reason {
                let _ = writeln!(out, "      needs a replace to undo: {reason}");
            }
            for field in &rule.fields {
                let _ = writeln!(out, "      {} (- live, + git):", field.field);
                write_field_diff(&mut out, field, style, &labels);
            }
        }
        out.push('\n');
    }
    if !report.not_in_git.is_empty() {
        let _ = writeln!(out, "{}", style.bold("Not in git:"));
        for rule in &report.not_in_git {
            let _ = writeln!(
                out,
                "  {} `{}` (id {}), {}, last changed by {} at {}",
                style.added("+"),
                rule.name,
                rule.rule_id,
                if rule.owned {
                    "managed by connect-rules but its file is gone"
                } else {
                    "created outside git"
                },
                rule.last_updated_by,
                rule.last_updated_time
            );
        }
        out.push('\n');
    }
    if !report.deleted_outside_git.is_empty() {
        let _ = writeln!(out, "{}", style.bold("Deleted outside git:"));
        for rule in &report.deleted_outside_git {
            let _ = writeln!(
                out,
                "  {} `{}` ({})",
                style.removed("-"),
                rule.name,
                rule.source
            );
        }
        out.push('\n');
    }
    let _ = writeln!(out, "{}", style.bold(&summary_line(report)));
    out
}

/// One report as the JSON document of [`json_all`].
pub fn json(report: &DriftReport) -> String {
    json_all(std::slice::from_ref(report))
}

/// Pretty JSON, one document whatever the number of targets: `format_version` (the plan's,
/// [`crate::plan::FORMAT_VERSION`]), `drift` (whether any target drifted) and `targets`, each
/// report with its own `drift`.
pub fn json_all(reports: &[DriftReport]) -> String {
    #[derive(serde::Serialize)]
    struct Target<'a> {
        drift: bool,
        #[serde(flatten)]
        report: &'a DriftReport,
    }
    #[derive(serde::Serialize)]
    struct Document<'a> {
        format_version: u32,
        drift: bool,
        targets: Vec<Target<'a>>,
    }
    let mut text = serde_json::to_string_pretty(&Document {
        format_version: crate::plan::FORMAT_VERSION,
        drift: reports.iter().any(DriftReport::has_drift),
        targets: reports
            .iter()
            .map(|report| Target {
                drift: report.has_drift(),
                report,
            })
            .collect(),
    })
    .expect("a drift report serialises to JSON");
    text.push('\n');
    text
}

/// For an issue or a step summary.
pub fn markdown(report: &DriftReport) -> String {
    let mut out = String::new();
    let target = &report.target;
    let _ = writeln!(
        out,
        "### connect-rules drift for `{}` ({})\n",
        target.name,
        target.instance_in_title()
    );
    out.push_str(&super::caveats::drift_markdown(&report.only));
    if !report.has_drift() {
        out.push_str("No drift: the instance matches the rule files.\n");
        return out;
    }
    out.push_str("| Kind | Rule | Last changed by | When |\n|---|---|---|---|\n");
    for rule in &report.changed_outside_git {
        let fields: Vec<&str> = rule.fields.iter().map(|f| f.field.as_str()).collect();
        let _ = writeln!(
            out,
            "| changed outside git ({}) | `{}` | `{}` | {} |",
            fields.join(", "),
            rule.name,
            rule.last_updated_by,
            rule.last_updated_time
        );
    }
    for rule in &report.not_in_git {
        let _ = writeln!(
            out,
            "| not in git{} | `{}` | `{}` | {} |",
            if rule.owned { " (file removed)" } else { "" },
            rule.name,
            rule.last_updated_by,
            rule.last_updated_time
        );
    }
    for rule in &report.deleted_outside_git {
        let _ = writeln!(
            out,
            "| deleted outside git (file `{}`) | `{}` | | |",
            rule.source, rule.name
        );
    }
    let _ = writeln!(out, "\n**{}**", summary_line(report));
    out
}
