//! Renderers: each turns a plan into one output format. Pure: a plan in, text out.

pub mod drift;
pub mod json;
pub mod markdown;
pub mod text;

use similar::{ChangeTag, TextDiff};

use crate::model::Rule;
use crate::plan::FieldChange;

/// The lines of a field's change, each with its `+`, `-` or ` ` marker.
pub(crate) fn field_diff_lines(change: &FieldChange) -> Vec<(ChangeTag, String)> {
    let diff = TextDiff::from_lines(&change.before, &change.after);
    diff.iter_all_changes()
        .map(|line| {
            (
                line.tag(),
                line.value().trim_end_matches(['\n', '\r']).to_owned(),
            )
        })
        .collect()
}

/// Writes a field's line diff for a terminal: `-`/`+` markers, coloured when `style` allows,
/// indented under the field's heading.
pub(crate) fn write_field_diff(out: &mut String, change: &FieldChange, style: crate::style::Style) {
    use std::fmt::Write as _;
    for (tag, line) in field_diff_lines(change) {
        let rendered = match tag {
            ChangeTag::Delete => style.removed(&format!("- {line}")),
            ChangeTag::Insert => style.added(&format!("+ {line}")),
            ChangeTag::Equal => format!("  {line}"),
        };
        let _ = writeln!(out, "        {rendered}");
    }
}

/// A rule as YAML-like lines for a create or delete, with `Function` pretty-printed.
pub(crate) fn rule_lines(rule: &Rule) -> Vec<String> {
    let mut value = serde_json::to_value(rule).unwrap_or_default();
    if let Some(function) = value.get_mut("Function") {
        if let Some(parsed) = function
            .as_str()
            .and_then(|text| serde_json::from_str::<serde_json::Value>(text).ok())
        {
            *function = parsed;
        }
    }
    serde_yaml::to_string(&value)
        .unwrap_or_default()
        .lines()
        .map(str::to_owned)
        .collect()
}
