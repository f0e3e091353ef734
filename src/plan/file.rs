//! The plan file: the [`Plan`] itself as versioned JSON, with a checksum so `apply` can tell a
//! plan file was edited; written by `plan --out` (and printed by `--format json`), read back
//! by `apply PLAN_FILE`. `format_version` says which schema. Pure: text in, text out; the
//! commands read and write the file.
//!
//! The document is `{"format_version": 2, "targets": [...]}` whatever the number of targets,
//! so a script reads one shape. Each target's plan carries its own `checksum`, its `target`,
//! `summary`, `changes`, `unmanaged` rules and `resolutions` (each `${KIND:NAME}` reference
//! the rules were resolved with: `reference`, `kind`, `name` and the `id` sent).
//!
//! Each change carries `name`, `action` (`create`, `update`, `replace`, `delete`),
//! `api_calls`, the rule `before` (as DescribeRule returned it, with `RuleId` and
//! `LastUpdatedTime`) and `after` (as it will be sent), the changed `fields`, and a `reason`
//! for replacements.

use serde::{Deserialize, Serialize};

use super::{Change, Plan, PlanTarget, Resolution, Summary, UnmanagedRule, FORMAT_VERSION};

#[derive(Serialize, Deserialize)]
struct JsonChange {
    name: String,
    api_calls: Vec<String>,
    #[serde(flatten)]
    change: Change,
}

/// One target's plan in the document.
#[derive(Serialize, Deserialize)]
struct JsonPlan {
    plan_id: String,
    target: PlanTarget,
    summary: Summary,
    changes: Vec<JsonChange>,
    unmanaged: Vec<UnmanagedRule>,
    resolutions: Vec<Resolution>,
    /// Whether `--only` limited the plan to some rules (then `only` names them).
    #[serde(default)]
    partial: bool,
    #[serde(default)]
    only: Vec<String>,
    /// What `apply` would refuse (informational: apply checks again).
    #[serde(default)]
    refusals: Vec<super::refusal::Refusal>,
    /// SHA-256 of this target's plan serialised with `checksum` empty.
    checksum: String,
}

/// The document: the same shape for one target or several.
#[derive(Serialize, Deserialize)]
struct JsonDocument {
    format_version: u32,
    targets: Vec<JsonPlan>,
}

/// Why a plan file cannot be used.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PlanFileError {
    /// Not a plan this version can read.
    #[error("the file is not a connect-rules plan: {0}")]
    NotAPlan(String),
    /// Written by another format version.
    #[error("the plan has format_version {found}, written by {}; this connect-rules reads only format_version {FORMAT_VERSION}", if *found < FORMAT_VERSION { "an older connect-rules" } else { "a newer connect-rules" })]
    Version {
        /// The version in the file.
        found: u32,
    },
    /// A plan of several targets (or none), where one is applied at a time.
    #[error("the plan holds {count} targets ({names}); apply takes the plan of one target")]
    NotOneTarget {
        /// How many.
        count: usize,
        /// Their names, for the message.
        names: String,
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
    let mut view = JsonPlan {
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
        resolutions: plan.resolutions.clone(),
        partial: !plan.only.is_empty(),
        only: plan.only.clone(),
        refusals: plan.refusals.clone(),
        checksum: String::new(),
    };
    view.checksum = checksum_of(&view);
    view
}

/// The plan file's text for one target: [`to_text_all`] of that plan alone.
pub fn to_text(plan: &Plan) -> String {
    to_text_all(std::slice::from_ref(plan))
}

/// The JSON document of the plans of every target given, as pretty JSON with a trailing
/// newline: `{"format_version": 2, "targets": [...]}`, each target's plan with its checksum.
pub fn to_text_all(plans: &[Plan]) -> String {
    let document = JsonDocument {
        format_version: FORMAT_VERSION,
        targets: plans.iter().map(to_view).collect(),
    };
    let mut text = serde_json::to_string_pretty(&document).expect("a plan serialises to JSON");
    text.push('\n');
    text
}

/// Reads a plan of one target written by [`to_text`], checking its version and checksum.
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
    let document: JsonDocument =
        serde_json::from_value(probe).map_err(|err| PlanFileError::NotAPlan(err.to_string()))?;
    let mut view = match <[JsonPlan; 1]>::try_from(document.targets) {
        Ok([view]) => view,
        Err(targets) => {
            return Err(PlanFileError::NotOneTarget {
                count: targets.len(),
                names: targets
                    .iter()
                    .map(|plan| format!("`{}`", plan.target.name))
                    .collect::<Vec<_>>()
                    .join(", "),
            })
        }
    };
    let claimed = std::mem::take(&mut view.checksum);
    if checksum_of(&view) != claimed {
        return Err(PlanFileError::Tampered);
    }
    let mut plan = Plan::new(
        view.target,
        view.changes.into_iter().map(|c| c.change).collect(),
        view.unmanaged,
    )
    .with_id(view.plan_id)
    .with_resolutions(view.resolutions);
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
                local_state: None,
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
        .with_resolutions(vec![Resolution {
            reference: "${flow:Callback}".into(),
            kind: crate::reference::ResourceKind::Flow,
            name: "Callback".into(),
            id: "f-1".into(),
        }])
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
    fn the_resolutions_are_kept_and_covered_by_the_checksum() {
        let text = to_text(&sample());
        assert!(
            text.contains("\"reference\": \"${flow:Callback}\""),
            "{text}"
        );
        let moved = text.replace("\"id\": \"f-1\"", "\"id\": \"f-2\"");
        assert_ne!(moved, text);
        assert_eq!(parse(&moved), Err(PlanFileError::Tampered));
    }

    #[test]
    fn one_target_or_several_is_the_same_document_but_apply_takes_one() {
        let one: serde_json::Value = serde_json::from_str(&to_text(&sample())).unwrap();
        assert_eq!(one["format_version"], FORMAT_VERSION);
        assert_eq!(one["targets"].as_array().map(Vec::len), Some(1));
        let mut other = sample();
        other.target.name = "u".into();
        let both = to_text_all(&[sample(), other]);
        let parsed: serde_json::Value = serde_json::from_str(&both).unwrap();
        assert_eq!(parsed["targets"][1]["target"]["name"], "u");
        assert_eq!(
            parse(&both),
            Err(PlanFileError::NotOneTarget {
                count: 2,
                names: "`t`, `u`".into()
            })
        );
    }

    #[test]
    fn other_versions_and_other_files_are_refused() {
        let text = to_text(&sample()).replace("\"format_version\": 2", "\"format_version\": 9");
        assert_eq!(parse(&text), Err(PlanFileError::Version { found: 9 }));
        // A plan of version 1: one target's plan at the top of the document.
        let old = r#"{"format_version": 1, "plan_id": "p", "target": {"name": "t", "instance_id": "i"}, "changes": []}"#;
        let refused = parse(old).unwrap_err();
        assert_eq!(refused, PlanFileError::Version { found: 1 });
        assert_eq!(
            refused.to_string(),
            "the plan has format_version 1, written by an older connect-rules; this connect-rules reads only format_version 2"
        );
        assert!(matches!(parse("{}"), Err(PlanFileError::NotAPlan(_))));
        assert!(matches!(parse("not json"), Err(PlanFileError::NotAPlan(_))));
    }
}
