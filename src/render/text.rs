//! The terminal plan: Terraform-like markers and a line diff of the changed fields only.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use crate::plan::resolutions::{annotate, references_by_id};
use crate::plan::{Change, Plan};
use crate::style::Style;

use super::{readings, rule_lines, write_field_diff};

/// Renders the plan for a terminal; colour only when `style` allows it. An id the rule files
/// named (`${flow:Callback}`) is shown with its name: each line of a value that shows it ends
/// with `(flow "Callback")`, and the readings say the name.
pub fn render(plan: &Plan, style: Style) -> String {
    let names = Names {
        labels: plan.labels(),
        references: references_by_id(&plan.resolutions),
    };
    let mut out = String::new();
    let target = &plan.target;
    if plan.has_changes() {
        let _ = writeln!(
            out,
            "connect-rules will make these changes on {} (target `{}`):\n",
            target.instance(),
            target.name
        );
        for change in &plan.changes {
            render_change(&mut out, change, style, &names);
            out.push('\n');
        }
    } else {
        let _ = writeln!(
            out,
            "No changes. {} (target `{}`) matches the rule files.",
            target.instance_capitalised(),
            target.name
        );
    }
    if !plan.unmanaged.is_empty() {
        let _ = writeln!(out, "Left alone (unmanaged):");
        for rule in &plan.unmanaged {
            let _ = writeln!(out, "  {} ({})", rule.name, rule.reason);
        }
        out.push('\n');
    }
    out.push_str(&super::caveats::text(plan, style));
    let _ = writeln!(out, "{}", style.bold(&plan.summary_line()));
    out
}

/// What the plan's resolutions give a reader: each id's label, and the reference each id was
/// written as.
struct Names {
    labels: BTreeMap<String, String>,
    references: BTreeMap<String, String>,
}

fn render_change(out: &mut String, change: &Change, style: Style, names: &Names) {
    render_head(out, change, style);
    for (label, reading) in readings(change, &names.references) {
        let _ = writeln!(out, "      {label}: {reading}");
    }
    match change {
        Change::Create { after, .. } => {
            for line in rule_lines(after) {
                let line = annotate(&line, &names.labels);
                let _ = writeln!(out, "      {}", style.added(&format!("+ {line}")));
            }
        }
        Change::Update { fields, .. } | Change::Replace { fields, .. } => {
            render_fields(out, fields, style, &names.labels);
        }
        Change::Delete { .. } => {}
    }
}

fn render_head(out: &mut String, change: &Change, style: Style) {
    match change {
        Change::Create { after, source } => {
            let _ = writeln!(
                out,
                "  {} rule `{}` will be created (from {source})",
                style.added("+"),
                after.name
            );
        }
        Change::Update { before, source, .. } => {
            let renamed = if before.rule.name == change.name() {
                String::new()
            } else {
                format!(", renamed from `{}`", before.rule.name)
            };
            let _ = writeln!(
                out,
                "  {} rule `{}` will be updated in place (from {source}, id {}{renamed})",
                style.changed("~"),
                change.name(),
                before.rule_id
            );
        }
        Change::Replace {
            before,
            reason,
            source,
            ..
        } => {
            let _ = writeln!(
                out,
                "  {} rule `{}` must be replaced (from {source}, id {})",
                style.removed("-/+"),
                before.rule.name,
                before.rule_id
            );
            let _ = writeln!(out, "      reason: {reason}");
        }
        Change::Delete { before } => {
            let _ = writeln!(
                out,
                "  {} rule `{}` will be deleted (id {}; not in the rule files)",
                style.removed("-"),
                before.rule.name,
                before.rule_id
            );
        }
    }
}

fn render_fields(
    out: &mut String,
    fields: &[crate::plan::FieldChange],
    style: Style,
    labels: &BTreeMap<String, String>,
) {
    for field in fields {
        let _ = writeln!(out, "      {}:", field.field);
        write_field_diff(out, field, style, labels);
    }
}
