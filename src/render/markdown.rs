//! The markdown plan, for a pull-request comment: a summary table and a collapsible diff per
//! rule, kept under GitHub's comment limit.

use std::fmt::Write as _;

use similar::ChangeTag;

use crate::plan::{Change, Plan};

use super::{field_diff_lines, rule_lines};

/// GitHub refuses comments longer than this many characters.
pub const GITHUB_COMMENT_LIMIT: usize = 65_536;

/// Renders the plan as markdown no longer than `limit` characters.
pub fn render(plan: &Plan, limit: usize) -> String {
    let mut head = String::new();
    let target = &plan.target;
    let _ = writeln!(
        head,
        "### connect-rules plan for `{}` (instance `{}`)\n",
        target.name, target.instance_id
    );
    if plan.has_changes() {
        head.push_str("| | Rule | Change | Detail |\n|---|---|---|---|\n");
        for change in &plan.changes {
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
            let _ = writeln!(
                head,
                "| {marker} | `{}` | {kind} | {detail} |",
                change.name()
            );
        }
        head.push('\n');
    } else {
        head.push_str("No changes: the instance matches the rule files.\n\n");
    }
    if !plan.unmanaged.is_empty() {
        let names: Vec<String> = plan
            .unmanaged
            .iter()
            .map(|r| format!("`{}`", r.name))
            .collect();
        let _ = writeln!(head, "Left alone (unmanaged): {}\n", names.join(", "));
    }
    let foot = format!("**{}**\n", plan.summary_line());

    let mut body = String::new();
    let mut omitted = 0;
    for (index, change) in plan.changes.iter().enumerate() {
        let block = details(change);
        let note_room = 200;
        if head.len() + body.len() + block.len() + foot.len() + note_room > limit {
            omitted = plan.changes.len() - index;
            break;
        }
        body.push_str(&block);
    }
    let mut out = head;
    out.push_str(&body);
    if omitted > 0 {
        let _ = writeln!(
            out,
            "> **Note:** the diffs of {omitted} more rule{} are left out to stay under GitHub's comment limit; run `connect-rules plan` to see them all.\n",
            if omitted == 1 { "" } else { "s" }
        );
    }
    out.push_str(&foot);
    out
}

fn details(change: &Change) -> String {
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
    let mut diff = String::new();
    match change {
        Change::Create { after, .. } => {
            for line in rule_lines(after) {
                let _ = writeln!(diff, "+ {line}");
            }
        }
        Change::Delete { before } => {
            for line in rule_lines(&before.rule) {
                let _ = writeln!(diff, "- {line}");
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
                    let _ = writeln!(diff, "{marker}   {line}");
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
