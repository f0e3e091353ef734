//! Renderers: each turns a plan (or `validate`'s findings) into one output format. Pure: data
//! in, text out.

pub mod caveats;
pub mod drift;
pub mod findings;
pub mod json;
pub mod markdown;
pub mod text;

use similar::{ChangeTag, TextDiff};

use std::collections::BTreeMap;

use crate::function::explain::explain_named;
use crate::model::Rule;
use crate::plan::resolutions::annotate;
use crate::plan::{Change, FieldChange};

/// The output formats of a plan or a drift report on stdout.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OutputFormat {
    /// For a terminal (coloured when colour is on).
    Text,
    /// Versioned JSON (`format_version`).
    Json,
    /// A pull-request comment.
    Markdown,
}

/// Fields whose change alters what a rule does, so the plan reads the rule aloud.
const BEHAVIOUR_FIELDS: &[&str] = &["Function", "Actions", "PublishStatus", "TriggerEventSource"];

/// A change's plain-language readings, each with its label: the new rule for a create; the
/// rule before and after for an update or replace that changes what it does; none for a
/// delete or a tag-only change. An id in `names` (id to `${KIND:NAME}`) reads as its name.
pub(crate) fn readings(
    change: &Change,
    names: &BTreeMap<String, String>,
) -> Vec<(&'static str, String)> {
    let explain = |rule: &Rule| explain_named(rule, names);
    match change {
        Change::Create { after, .. } => vec![("reads", explain(after))],
        Change::Update {
            before,
            after,
            fields,
            ..
        }
        | Change::Replace {
            before,
            after,
            fields,
            ..
        } if fields
            .iter()
            .any(|field| BEHAVIOUR_FIELDS.contains(&field.field.as_str())) =>
        {
            vec![("before", explain(&before.rule)), ("after", explain(after))]
        }
        _ => Vec::new(),
    }
}

/// The lines of a field's change, each with its `+`, `-` or ` ` marker. `Function` is shown
/// as YAML, as the rule files write it and as a create shows it, in every format.
pub(crate) fn field_diff_lines(change: &FieldChange) -> Vec<(ChangeTag, String)> {
    let (before, after) = (as_yaml(&change.before), as_yaml(&change.after));
    let diff = TextDiff::from_lines(&before, &after);
    diff.iter_all_changes()
        .map(|line| {
            (
                line.tag(),
                line.value().trim_end_matches(['\n', '\r']).to_owned(),
            )
        })
        .collect()
}

/// A field's value as the plan carries it (JSON text: the `Function` itself, or the
/// pretty-printed `Actions`, `Tags`, ...) written as YAML, as a create shows the rule; text
/// that is not a JSON object or list is kept as it is.
fn as_yaml(text: &str) -> String {
    match serde_json::from_str::<serde_json::Value>(text) {
        Ok(value) if value.is_object() || value.is_array() => {
            serde_yaml::to_string(&value).unwrap_or_else(|_| text.to_owned())
        }
        _ => text.to_owned(),
    }
}

/// Writes a field's line diff for a terminal: `-`/`+` markers, coloured when `style` allows,
/// indented under the field's heading; a line showing an id in `labels` ends with its label.
pub(crate) fn write_field_diff(
    out: &mut String,
    change: &FieldChange,
    style: crate::style::Style,
    labels: &BTreeMap<String, String>,
) {
    use std::fmt::Write as _;
    for (tag, line) in field_diff_lines(change) {
        let line = annotate(&line, labels);
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
