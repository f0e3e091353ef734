//! Drift: how the live instance differs from git, and who changed it. Pure: a plan and the
//! live rules in, a report out.

use std::collections::BTreeMap;

use serde::Serialize;

use crate::model::LiveRule;
use crate::plan::{Change, FieldChange, Plan, PlanTarget, Resolution};

/// A live rule that differs from its file.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ChangedRule {
    /// The rule.
    pub name: String,
    /// Its id.
    pub rule_id: String,
    /// The fields that differ (before = live, after = git).
    pub fields: Vec<FieldChange>,
    /// Set when the difference can only be undone by replacing the rule.
    pub replace_reason: Option<String>,
    /// Who changed it last (an ARN).
    pub last_updated_by: String,
    /// When, as RFC 3339 UTC.
    pub last_updated_time: String,
}

/// A live rule with no file.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct LiveOnlyRule {
    /// The rule.
    pub name: String,
    /// Its id.
    pub rule_id: String,
    /// Whether it carries the ownership tag (a file was removed but not applied) or not
    /// (created outside git).
    pub owned: bool,
    /// Who changed it last.
    pub last_updated_by: String,
    /// When, as RFC 3339 UTC.
    pub last_updated_time: String,
}

/// A rule in git that is not live.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct MissingRule {
    /// The rule.
    pub name: String,
    /// Its file.
    pub source: String,
}

/// Everything that drifted, by kind, each sorted by name.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DriftReport {
    /// The instance.
    pub target: PlanTarget,
    /// Rules changed outside git.
    pub changed_outside_git: Vec<ChangedRule>,
    /// Live rules that are not in git.
    pub not_in_git: Vec<LiveOnlyRule>,
    /// Rules in git that are gone from the instance.
    pub deleted_outside_git: Vec<MissingRule>,
    /// The `${KIND:NAME}` references the rule files were resolved with on this instance.
    pub resolutions: Vec<Resolution>,
    /// Whether `--only` limited the report to some rules (then `only` names them): a partial
    /// report without drift says nothing of the other rules.
    pub partial: bool,
    /// `--only`: the names or globs the report was limited to; empty for a whole report.
    pub only: Vec<String>,
}

impl DriftReport {
    /// Whether anything drifted.
    pub fn has_drift(&self) -> bool {
        !(self.changed_outside_git.is_empty()
            && self.not_in_git.is_empty()
            && self.deleted_outside_git.is_empty())
    }
}

/// Epoch seconds as RFC 3339 UTC (`2026-11-25T12:00:00Z`).
pub fn rfc3339(epoch_seconds: f64) -> String {
    // The service keeps milliseconds; rounding first keeps float noise out of the text.
    aws_smithy_types::DateTime::from_millis(crate::model::epoch_millis(epoch_seconds))
        .fmt(aws_smithy_types::date_time::Format::DateTime)
        .unwrap_or_else(|_| format!("{epoch_seconds}"))
}

/// Reads drift out of a plan made with the live rules (ignored rules are not drift).
pub fn drift(plan: &Plan, live: &[LiveRule]) -> DriftReport {
    let by_name: BTreeMap<&str, &LiveRule> = live
        .iter()
        .map(|rule| (rule.rule.name.as_str(), rule))
        .collect();
    let mut report = DriftReport {
        target: plan.target.clone(),
        changed_outside_git: Vec::new(),
        not_in_git: Vec::new(),
        deleted_outside_git: Vec::new(),
        resolutions: plan.resolutions.clone(),
        partial: !plan.only.is_empty(),
        only: plan.only.clone(),
    };
    let live_only = |rule: &LiveRule, owned: bool| LiveOnlyRule {
        name: rule.rule.name.clone(),
        rule_id: rule.rule_id.clone(),
        owned,
        last_updated_by: rule.last_updated_by.clone(),
        last_updated_time: rfc3339(rule.last_updated_time),
    };
    for change in &plan.changes {
        match change {
            Change::Create { after, source } => report.deleted_outside_git.push(MissingRule {
                name: after.name.clone(),
                source: source.clone(),
            }),
            Change::Update { before, fields, .. } => {
                report
                    .changed_outside_git
                    .push(changed(before, fields, None));
            }
            Change::Replace {
                before,
                fields,
                reason,
                ..
            } => report
                .changed_outside_git
                .push(changed(before, fields, Some(reason.clone()))),
            Change::Delete { before } => report.not_in_git.push(live_only(before, true)),
        }
    }
    for unmanaged in plan.unmanaged.iter().filter(|u| !u.ignored) {
        if let Some(rule) = by_name.get(unmanaged.name.as_str()) {
            report.not_in_git.push(live_only(rule, false));
        }
    }
    report.not_in_git.sort_by(|a, b| a.name.cmp(&b.name));
    report
}

fn changed(
    before: &LiveRule,
    fields: &[FieldChange],
    replace_reason: Option<String>,
) -> ChangedRule {
    ChangedRule {
        name: before.rule.name.clone(),
        rule_id: before.rule_id.clone(),
        fields: fields.to_vec(),
        replace_reason,
        last_updated_by: before.last_updated_by.clone(),
        last_updated_time: rfc3339(before.last_updated_time),
    }
}

#[cfg(test)]
mod tests {
    use std::path::PathBuf;

    use super::*;
    use crate::diff::{diff, DiffOptions};
    use crate::model::ownership::with_ownership;
    use crate::model::DesiredRule;
    use crate::model::Rule;

    #[test]
    fn sorts_drift_into_its_three_kinds() {
        let desired: Vec<DesiredRule> = ["changed", "gone", "same"]
            .iter()
            .map(|name| DesiredRule {
                rule: Rule::test(name),
                path: PathBuf::from(format!("rules/{name}.yaml")),
                name_pos: crate::node::Pos::default(),
            })
            .collect();
        let mut edited = with_ownership(&Rule::test("changed"));
        edited.publish_status = "DRAFT".into();
        let live = vec![
            edited.live("r1"),
            with_ownership(&Rule::test("same")).live("r2"),
            Rule::test("console-made").live("r3"),
            Rule::test("legacy-1").live("r4"),
        ];
        let options = DiffOptions {
            ignore: vec!["legacy-*".into()],
            ..DiffOptions::default()
        };
        let plan = diff(
            PlanTarget {
                name: "t".into(),
                instance_id: "i".into(),
                local_state: None,
            },
            &desired,
            &live,
            &options,
        );
        let report = drift(&plan, &live);
        assert!(report.has_drift());
        assert_eq!(report.changed_outside_git.len(), 1);
        assert_eq!(
            report.changed_outside_git[0].last_updated_by,
            "arn:aws:iam::123456789012:user/someone"
        );
        assert_eq!(
            report.changed_outside_git[0].last_updated_time,
            "2023-11-14T22:15:00Z"
        );
        assert_eq!(report.not_in_git.len(), 1, "ignored rules are not drift");
        assert!(!report.not_in_git[0].owned);
        assert_eq!(report.deleted_outside_git[0].name, "gone");
    }
}
