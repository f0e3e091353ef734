//! The JSON plan: the [`Plan`] itself, serialised. `format_version` says which schema.
//!
//! Each change carries `action` (`create`, `update`, `replace`, `delete`), the rule `before`
//! (as DescribeRule returned it, with `RuleId` and `LastUpdatedTime`) and `after` (as it will
//! be sent), the changed `fields`, a `reason` for replacements, and `api_calls`.

use serde::Serialize;

use crate::plan::{Change, Plan, PlanTarget, Summary, UnmanagedRule};

#[derive(Serialize)]
struct JsonChange<'a> {
    name: &'a str,
    api_calls: Vec<&'static str>,
    #[serde(flatten)]
    change: &'a Change,
}

#[derive(Serialize)]
struct JsonPlan<'a> {
    format_version: u32,
    target: &'a PlanTarget,
    summary: Summary,
    changes: Vec<JsonChange<'a>>,
    unmanaged: &'a [UnmanagedRule],
}

/// The plan as pretty JSON with a trailing newline.
pub fn render(plan: &Plan) -> String {
    let view = JsonPlan {
        format_version: plan.format_version,
        target: &plan.target,
        summary: plan.summary,
        changes: plan
            .changes
            .iter()
            .map(|change| JsonChange {
                name: change.name(),
                api_calls: change.api_calls(),
                change,
            })
            .collect(),
        unmanaged: &plan.unmanaged,
    };
    let mut text = serde_json::to_string_pretty(&view).expect("a plan serialises to JSON");
    text.push('\n');
    text
}
