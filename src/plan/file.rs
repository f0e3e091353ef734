//! The plan file: the [`Plan`] itself as versioned JSON, with a checksum so `apply` can tell a
//! plan file was edited; written by `plan --out` (and printed by `--format json`), read back
//! by `apply --plan`. `format_version` says which schema. Pure: text in, text out; the
//! commands read and write the file.
//!
//! Each change carries `name`, `action` (`create`, `update`, `replace`, `delete`),
//! `api_calls`, the rule `before` (as DescribeRule returned it, with `RuleId` and
//! `LastUpdatedTime`) and `after` (as it will be sent), the changed `fields`, and a `reason`
//! for replacements.

use serde::{Deserialize, Serialize};

use super::{Change, Plan, PlanTarget, Summary, UnmanagedRule, FORMAT_VERSION};

#[derive(Serialize, Deserialize)]
struct JsonChange {
    name: String,
    api_calls: Vec<String>,
    #[serde(flatten)]
    change: Change,
}

#[derive(Serialize, Deserialize)]
struct JsonPlan {
    format_version: u32,
    plan_id: String,
    target: PlanTarget,
    summary: Summary,
    changes: Vec<JsonChange>,
    unmanaged: Vec<UnmanagedRule>,
    /// Whether `--only` limited the plan to some rules (then `only` names them).
    #[serde(default)]
    partial: bool,
    #[serde(default)]
    only: Vec<String>,
    /// What `apply` would refuse (informational: apply checks again).
    #[serde(default)]
    refusals: Vec<super::refusal::Refusal>,
    /// SHA-256 of this document serialised with `checksum` empty.
    checksum: String,
}

/// Why a plan file cannot be used.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PlanFileError {
    /// Not a plan this version can read.
    #[error("the file is not a connect-rules plan: {0}")]
    NotAPlan(String),
    /// Written by another format version.
    #[error("the plan has format_version {found}, but this connect-rules reads version {FORMAT_VERSION}")]
    Version {
        /// The version in the file.
        found: u32,
    },
    /// Edited after it was written.
    #[error("the plan's checksum does not match its contents: the file was changed after `plan` wrote it")]
    Tampered,
}

fn checksum_of(plan: &JsonPlan) -> String {
    let text = serde_json::to_string(plan).expect("a plan serialises to JSON");
    crate::digest::sha256_hex(text.as_bytes())
}

fn to_view(plan: &Plan) -> JsonPlan {
    JsonPlan {
        format_version: plan.format_version,
        plan_id: plan.plan_id.clone(),
        target: plan.target.clone(),
        summary: plan.summary,
        changes: plan
            .changes
            .iter()
            .map(|change| JsonChange {
                name: change.name().to_owned(),
                api_calls: change.api_calls().into_iter().map(str::to_owned).collect(),
                change: change.clone(),
            })
            .collect(),
        unmanaged: plan.unmanaged.clone(),
        partial: !plan.only.is_empty(),
        only: plan.only.clone(),
        refusals: plan.refusals.clone(),
        checksum: String::new(),
    }
}

/// The plan file's text: the plan as pretty JSON with its checksum and a trailing newline.
pub fn to_text(plan: &Plan) -> String {
    let mut view = to_view(plan);
    view.checksum = checksum_of(&view);
    let mut text = serde_json::to_string_pretty(&view).expect("a plan serialises to JSON");
    text.push('\n');
    text
}

/// Reads a plan written by [`to_text`], checking its version and checksum.
pub fn parse(text: &str) -> Result<Plan, PlanFileError> {
    let probe: serde_json::Value =
        serde_json::from_str(text).map_err(|err| PlanFileError::NotAPlan(err.to_string()))?;
    let found = probe
        .get("format_version")
        .and_then(serde_json::Value::as_u64)
        .ok_or_else(|| PlanFileError::NotAPlan("it has no `format_version`".to_owned()))?;
    if found != u64::from(FORMAT_VERSION) {
        return Err(PlanFileError::Version {
            found: u32::try_from(found).unwrap_or(u32::MAX),
        });
    }
    let mut view: JsonPlan =
        serde_json::from_value(probe).map_err(|err| PlanFileError::NotAPlan(err.to_string()))?;
    let claimed = std::mem::take(&mut view.checksum);
    if checksum_of(&view) != claimed {
        return Err(PlanFileError::Tampered);
    }
    let mut plan = Plan::new(
        view.target,
        view.changes.into_iter().map(|c| c.change).collect(),
        view.unmanaged,
    )
    .with_id(view.plan_id);
    plan.only = view.only;
    plan.refusals = view.refusals;
    if plan.summary != view.summary {
        return Err(PlanFileError::Tampered);
    }
    Ok(plan)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Rule;

    fn sample() -> Plan {
        Plan::new(
            PlanTarget {
                name: "t".into(),
                instance_id: "i".into(),
            },
            vec![
                Change::Create {
                    after: Rule::test("a"),
                    source: "rules/a.yaml".into(),
                },
                Change::Delete {
                    before: Rule::test("b").live("r2"),
                },
            ],
            vec![],
        )
        .with_id("p-1")
    }

    #[test]
    fn a_plan_round_trips_through_its_file() {
        let plan = sample();
        assert_eq!(parse(&to_text(&plan)).unwrap(), plan);
    }

    #[test]
    fn an_edited_plan_is_refused() {
        let text = to_text(&sample()).replace("\"PUBLISHED\"", "\"DRAFT\"");
        assert_eq!(parse(&text), Err(PlanFileError::Tampered));
    }

    #[test]
    fn other_versions_and_other_files_are_refused() {
        let text = to_text(&sample()).replace("\"format_version\": 1", "\"format_version\": 9");
        assert_eq!(parse(&text), Err(PlanFileError::Version { found: 9 }));
        assert!(matches!(parse("{}"), Err(PlanFileError::NotAPlan(_))));
        assert!(matches!(parse("not json"), Err(PlanFileError::NotAPlan(_))));
    }
}
