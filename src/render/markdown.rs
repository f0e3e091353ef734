//! The markdown plan, for a pull-request comment: a summary table and a collapsible diff per
//! rule, kept under GitHub's comment limit.

use std::fmt::Write as _;

use similar::ChangeTag;

use crate::plan::resolutions::{annotate, references_by_id};
use crate::plan::{Change, Plan};

use super::{field_diff_lines, readings, rule_lines};

/// GitHub refuses comments longer than this many characters.
pub const GITHUB_COMMENT_LIMIT: usize = 65_536;

/// What `plan --format markdown` fills: GitHub's limit less room for a marker or a header
/// that a workflow adds around the plan.
pub const COMMENT_BUDGET: usize = GITHUB_COMMENT_LIMIT - 1_024;

/// Room kept for the notes that say what was left out.
const NOTE_ROOM: usize = 400;

/// Renders the plan as markdown no longer than `limit` bytes (so no longer than `limit`
/// characters). The title, the summary line and notes about what was left out always fit;
/// table rows, unmanaged names and diffs are added in that order while they fit. An id the
/// rule files named is shown with its name, as in the text plan.
pub fn render(plan: &Plan, limit: usize) -> String {
    let labels = plan.labels();
    let references = references_by_id(&plan.resolutions);
    let target = &plan.target;
    let mut out = format!(
        "### connect-rules plan for `{}` ({})\n\n",
        target.name,
        target.instance_in_title()
    );
    let foot = format!("**{}**\n", plan.summary_line());
    let budget = limit.saturating_sub(foot.len() + NOTE_ROOM);
    out.push_str(&super::caveats::markdown(plan));

    if plan.has_changes() {
        out.push_str("| | Rule | Change | Detail |\n|---|---|---|---|\n");
        let mut shown = 0;
        for change in &plan.changes {
            let row = table_row(change);
            if out.len() + row.len() > budget {
                break;
            }
            out.push_str(&row);
            shown += 1;
        }
        if shown < plan.changes.len() {
            let _ = writeln!(
                out,
                "| | … | | {} more change{} not listed |",
                plan.changes.len() - shown,
                plural(plan.changes.len() - shown)
            );
        }
        out.push('\n');
    } else {
        out.push_str("No changes: the instance matches the rule files.\n\n");
    }

    if !plan.unmanaged.is_empty() {
        let mut line = String::from("Left alone (unmanaged):");
        let mut shown = 0;
        for rule in &plan.unmanaged {
            let name = if rule.ignored {
                format!(" `{}` (ignored)", rule.name)
            } else if rule.reason.starts_with("owned by") {
                format!(" `{}` ({})", rule.name, rule.reason)
            } else {
                format!(" `{}`", rule.name)
            };
            if out.len() + line.len() + name.len() + 1 > budget {
                break;
            }
            line.push_str(&name);
            if shown + 1 < plan.unmanaged.len() {
                line.push(',');
            }
            shown += 1;
        }
        if shown < plan.unmanaged.len() {
            let _ = write!(line, " and {} more", plan.unmanaged.len() - shown);
        }
        let _ = writeln!(out, "{}\n", line.trim_end_matches(','));
    }

    let mut omitted = 0;
    for (index, change) in plan.changes.iter().enumerate() {
        let block = details(change, &labels, &references);
        if out.len() + block.len() > budget {
            omitted = plan.changes.len() - index;
            break;
        }
        out.push_str(&block);
    }
    if omitted > 0 {
        let _ = writeln!(
            out,
            "> **Note:** the diffs of {omitted} more rule{} are left out to stay under GitHub's comment limit; run `connect-rules plan` to see them all.\n",
            plural(omitted)
        );
    }
    out.push_str(&foot);
    out
}

fn plural(count: usize) -> &'static str {
    if count == 1 {
        ""
    } else {
        "s"
    }
}

fn table_row(change: &Change) -> String {
    let (marker, kind, detail) = match change {
        Change::Create { source, .. } => ("➕", "create", format!("`{source}`")),
        Change::Update { fields, .. } => (
            "✏️",
            "update",
            fields
                .iter()
                .map(|f| format!("`{}`", f.field))
                .collect::<Vec<_>>()
                .join(", "),
        ),
        Change::Replace { reason, .. } => ("♻️", "**replace**", escape(reason)),
        Change::Delete { .. } => ("🗑️", "**delete**", "not in the rule files".to_owned()),
    };
    format!("| {marker} | `{}` | {kind} | {detail} |\n", change.name())
}

fn details(
    change: &Change,
    labels: &std::collections::BTreeMap<String, String>,
    references: &std::collections::BTreeMap<String, String>,
) -> String {
    let mut block = String::new();
    let verb = match change {
        Change::Create { .. } => "create",
        Change::Update { .. } => "update",
        Change::Replace { .. } => "replace",
        Change::Delete { .. } => "delete",
    };
    let _ = writeln!(
        block,
        "<details><summary>{verb} <code>{}</code></summary>\n",
        change.name()
    );
    if let Change::Replace { reason, .. } = change {
        let _ = writeln!(block, "Must be replaced: {}\n", escape(reason));
    }
    for (label, reading) in readings(change, references) {
        let mut label = label.to_owned();
        label[..1].make_ascii_uppercase();
        // Operands are the rule author's text: keep it from becoming HTML in the comment.
        let reading = escape(&reading).replace('<', "&lt;").replace('>', "&gt;");
        let _ = writeln!(block, "**{label}:** {reading}\n");
    }
    let mut diff = String::new();
    match change {
        Change::Create { after, .. } => {
            for line in rule_lines(after) {
                let _ = writeln!(diff, "+ {}", annotate(&line, labels));
            }
        }
        Change::Delete { before } => {
            for line in rule_lines(&before.rule) {
                let _ = writeln!(diff, "- {}", annotate(&line, labels));
            }
        }
        Change::Update { fields, .. } | Change::Replace { fields, .. } => {
            for field in fields {
                let _ = writeln!(diff, "  {}:", field.field);
                for (tag, line) in field_diff_lines(field) {
                    let marker = match tag {
                        ChangeTag::Delete => '-',
                        ChangeTag::Insert => '+',
                        ChangeTag::Equal => ' ',
                    };
                    let _ = writeln!(diff, "{marker}   {}", annotate(&line, labels));
                }
            }
        }
    }
    // A fence longer than any backtick run inside cannot be closed early by the content.
    let fence = "`".repeat(longest_backtick_run(&diff).max(2) + 1);
    let _ = write!(block, "{fence}diff\n{diff}{fence}\n\n</details>\n\n");
    block
}

fn longest_backtick_run(text: &str) -> usize {
    text.split(|c| c != '`').map(str::len).max().unwrap_or(0)
}

fn escape(text: &str) -> String {
    text.replace('|', "\\|").replace('\n', " ")
}
