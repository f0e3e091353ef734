//! The checks that stand between a plan and the instance. Pure.

use std::collections::BTreeMap;

use crate::diff::{changed_fields, DiffOptions};
use crate::model::ownership::{Claim, Ownership};
use crate::model::{epoch_millis as millis, LiveRule};
use crate::plan::{Change, Plan};

/// How many deletes are allowed without `--force`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum DeleteLimit {
    /// At most this many rules.
    Count(usize),
    /// At most this percentage of the managed rules, once there are at least `floor` of them.
    Percent {
        /// The percentage.
        percent: f64,
        /// Below this many managed rules, any number of deletes is allowed.
        floor: usize,
    },
}

impl Default for DeleteLimit {
    fn default() -> Self {
        DeleteLimit::Percent {
            percent: 30.0,
            floor: 10,
        }
    }
}

impl std::str::FromStr for DeleteLimit {
    type Err = String;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let parse_error = || format!("`{text}` is not a count (e.g. 5) or a percentage (e.g. 20%)");
        match text.strip_suffix('%') {
            Some(percent) => {
                let percent: f64 = percent.trim().parse().map_err(|_| parse_error())?;
                if !(0.0..=100.0).contains(&percent) {
                    return Err(format!("`{text}` is not between 0% and 100%"));
                }
                Ok(DeleteLimit::Percent { percent, floor: 0 })
            }
            None => text
                .trim()
                .parse()
                .map(DeleteLimit::Count)
                .map_err(|_| parse_error()),
        }
    }
}

/// The permissions the user gave.
#[derive(Debug, Clone, Copy, Default)]
#[allow(clippy::struct_excessive_bools)] // each is an independent command-line permission
pub struct Permissions {
    /// `--allow-delete`.
    pub allow_delete: bool,
    /// `--allow-replace`.
    pub allow_replace: bool,
    /// `--force`: past the delete limit.
    pub force: bool,
    /// `--max-delete`.
    pub delete_limit: DeleteLimit,
    /// `--manage-all`: every live rule counts as owned.
    pub manage_all: bool,
}

pub use crate::plan::refusal::{Refusal, RefusalKind};

/// What `apply` would refuse in `plan`, made from `live` with `options`, under `permissions`:
/// the one computation behind `plan`'s warning and `apply`'s refusal, so they always agree.
pub fn refusals(
    plan: &Plan,
    live: &[LiveRule],
    permissions: &Permissions,
    options: &DiffOptions,
) -> Vec<Refusal> {
    let ownership = options.ownership();
    let managed = live
        .iter()
        .filter(|rule| options.manage_all || ownership.claim(rule) == Claim::Ours)
        .count();
    check(plan, permissions, managed, &ownership)
}

/// Checks a plan against the permissions; `managed` is how many live rules the tool owns.
/// (What the plan says about ownership is checked again, live, before each change.)
pub fn check(
    plan: &Plan,
    permissions: &Permissions,
    managed: usize,
    ownership: &Ownership,
) -> Vec<Refusal> {
    let names = |wanted: fn(&Change) -> bool| -> Vec<String> {
        plan.changes
            .iter()
            .filter(|c| wanted(c))
            .map(|c| format!("`{}`", c.name()))
            .collect()
    };
    let mut refusals = Vec::new();
    let deletes = names(|c| matches!(c, Change::Delete { .. }));
    if !deletes.is_empty() && !permissions.allow_delete {
        refusals.push(Refusal {
            kind: RefusalKind::Delete,
            message: format!(
                "the plan deletes {} rule{}: {}",
                deletes.len(),
                if deletes.len() == 1 { "" } else { "s" },
                deletes.join(", ")
            ),
            hint: "pass `--allow-delete` if these rules should go, or restore their files"
                .to_owned(),
        });
    }
    let unowned: Vec<String> = plan
        .changes
        .iter()
        .filter_map(|change| match change {
            Change::Replace { before, .. } if !ownership.may_remove(before) => {
                Some(format!("`{}`", before.rule.name))
            }
            _ => None,
        })
        .collect();
    if !unowned.is_empty() {
        refusals.push(Refusal {
            kind: RefusalKind::NotOwned,
            message: format!(
                "replacing deletes the live rule, and connect-rules does not own {}",
                unowned.join(", ")
            ),
            hint: format!(
                "adopt it first (`connect-rules adopt {}`), or pass `--manage-all`",
                unowned
                    .iter()
                    .map(|n| n.trim_matches('`'))
                    .collect::<Vec<_>>()
                    .join(" ")
            ),
        });
    }
    let replaces = names(|c| matches!(c, Change::Replace { .. }));
    if !replaces.is_empty() && !permissions.allow_replace {
        refusals.push(Refusal {
            kind: RefusalKind::Replace,
            message: format!(
                "the plan replaces (deletes and re-creates) {} rule{}: {}",
                replaces.len(),
                if replaces.len() == 1 { "" } else { "s" },
                replaces.join(", ")
            ),
            hint: "pass `--allow-replace`; a replaced rule gets a new RuleId".to_owned(),
        });
    }
    let limit_exceeded = match permissions.delete_limit {
        DeleteLimit::Count(max) => deletes.len() > max,
        DeleteLimit::Percent { percent, floor } => {
            managed >= floor
                && managed > 0
                && (deletes.len() as f64) > (managed as f64) * percent / 100.0
        }
    };
    if limit_exceeded && !permissions.force {
        refusals.push(Refusal {
            kind: RefusalKind::DeleteLimit,
            message: format!(
                "the plan deletes {} of {managed} managed rules, more than the limit ({})",
                deletes.len(),
                match permissions.delete_limit {
                    DeleteLimit::Count(max) => format!("{max} rules"),
                    DeleteLimit::Percent { percent, .. } => format!("{percent}%"),
                }
            ),
            hint: "check that the rules folder is complete; pass `--force` (or a higher `--max-delete`) if this is intended".to_owned(),
        });
    }
    refusals
}

/// The re-plan after an apply, split: `.0` the changes left on rules the apply changed
/// (`applied`: it did not converge), `.1` for a saved plan (`from_file`) the changes to rules
/// the plan did not include, which the files or the instance came to call for after the plan
/// was made and which were rightly not applied. Without a saved plan every change is in `.0`.
/// Each is `None` when it has no change.
pub fn leftovers(
    after: Plan,
    applied: &std::collections::BTreeSet<&str>,
    from_file: bool,
) -> (Option<Plan>, Option<Plan>) {
    let (target, id, only, unmanaged) = (
        after.target.clone(),
        after.plan_id.clone(),
        after.only.clone(),
        after.unmanaged.clone(),
    );
    let (unfinished, not_planned): (Vec<Change>, Vec<Change>) = after
        .changes
        .into_iter()
        .partition(|change| !from_file || applied.contains(change.name()));
    let part = |changes: Vec<Change>, unmanaged: Vec<crate::plan::UnmanagedRule>| {
        (!changes.is_empty()).then(|| {
            let mut plan = Plan::new(target.clone(), changes, unmanaged).with_id(id.clone());
            plan.only.clone_from(&only);
            plan
        })
    };
    (part(unfinished, unmanaged), part(not_planned, Vec::new()))
}

/// Why a saved plan no longer matches the instance.
pub fn stale_reasons(plan: &Plan, live: &[LiveRule]) -> Vec<String> {
    let by_name: BTreeMap<&str, &LiveRule> =
        live.iter().map(|r| (r.rule.name.as_str(), r)).collect();
    let mut reasons = Vec::new();
    for change in &plan.changes {
        match change {
            Change::Create { after, .. } => {
                if by_name.contains_key(after.name.as_str()) {
                    reasons.push(format!("`{}` now exists on the instance", after.name));
                }
            }
            Change::Update { before, .. }
            | Change::Replace { before, .. }
            | Change::Delete { before } => match by_name.get(before.rule.name.as_str()) {
                None => reasons.push(format!("`{}` no longer exists", before.rule.name)),
                Some(current) if current.rule_id != before.rule_id => reasons.push(format!(
                    "`{}` was re-created (RuleId {} is now {})",
                    before.rule.name, before.rule_id, current.rule_id
                )),
                Some(current)
                    if millis(current.last_updated_time) != millis(before.last_updated_time) =>
                {
                    reasons.push(format!(
                        "`{}` was changed since the plan (last by {})",
                        before.rule.name, current.last_updated_by
                    ));
                }
                Some(_) => {}
            },
        }
    }
    reasons
}

/// Where a saved plan no longer says what the rule files and the instance call for now:
/// `derived` is the plan made afresh from them. Every change of `saved` must be in `derived`,
/// the same action on the same rule with the same content; each difference names the rule.
pub fn disagreements(saved: &Plan, derived: &Plan) -> Vec<String> {
    let mut reasons = Vec::new();
    for change in &saved.changes {
        let name = change.name();
        let Some(now) = derived.changes.iter().find(|c| c.name() == name) else {
            reasons.push(format!(
                "`{name}`: the plan says {}, but the rule files and the instance call for no change to it now",
                super::action_name(change)
            ));
            continue;
        };
        if std::mem::discriminant(change) != std::mem::discriminant(now) {
            reasons.push(format!(
                "`{name}`: the plan says {}, but the rule files and the instance call for {} now",
                super::action_name(change),
                super::action_name(now)
            ));
            continue;
        }
        let (planned_before, now_before) = (before_of(change), before_of(now));
        if let (Some(planned), Some(current)) = (planned_before, now_before) {
            if planned.rule_id != current.rule_id
                || planned.rule.name != current.rule.name
                || planned.rule_arn != current.rule_arn
            {
                reasons.push(format!(
                    "`{name}`: the plan changes RuleId {} (`{}`, {}), but the files now match RuleId {} (`{}`, {})",
                    planned.rule_id,
                    planned.rule.name,
                    planned.rule_arn,
                    current.rule_id,
                    current.rule.name,
                    current.rule_arn
                ));
                continue;
            }
        }
        if let (Some(planned), Some(current)) = (after_of(change), after_of(now)) {
            if planned != current {
                let fields: Vec<String> = changed_fields(current, planned)
                    .into_iter()
                    .map(|f| f.field)
                    .collect();
                reasons.push(format!(
                    "`{name}`: the plan sends content the rule file does not say now ({})",
                    if fields.is_empty() {
                        "its source or ownership tags differ".to_owned()
                    } else {
                        let verb = if fields.len() == 1 {
                            "differs"
                        } else {
                            "differ"
                        };
                        format!("{} {verb}", fields.join(", "))
                    }
                ));
            }
        }
    }
    reasons
}

fn before_of(change: &Change) -> Option<&LiveRule> {
    match change {
        Change::Create { .. } => None,
        Change::Update { before, .. }
        | Change::Replace { before, .. }
        | Change::Delete { before } => Some(before),
    }
}

fn after_of(change: &Change) -> Option<&crate::model::Rule> {
    match change {
        Change::Create { after, .. }
        | Change::Update { after, .. }
        | Change::Replace { after, .. } => Some(after),
        Change::Delete { .. } => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Rule;
    use crate::plan::PlanTarget;

    fn plan(changes: Vec<Change>) -> Plan {
        Plan::new(
            PlanTarget {
                name: "t".into(),
                instance_id: "i".into(),
                local_state: None,
            },
            changes,
            vec![],
        )
    }

    fn deletes(count: usize) -> Vec<Change> {
        (0..count)
            .map(|i| Change::Delete {
                before: Rule::test(&format!("r{i}")).live(&format!("id{i}")),
            })
            .collect()
    }

    #[test]
    fn deletes_and_replaces_need_their_flags() {
        let mut changes = deletes(1);
        let mut moved = Rule::test("m");
        moved.trigger_event_source.event_source_name = "OnPostChatAnalysisAvailable".into();
        changes.push(Change::Replace {
            before: Rule::test("m")
                .tag(
                    crate::model::ownership::OWNERSHIP_TAG_KEY,
                    crate::model::ownership::OWNERSHIP_TAG_VALUE,
                )
                .live("idm"),
            after: moved,
            source: "rules/m.yaml".into(),
            reason: "r".into(),
            fields: vec![],
        });
        let plan = plan(changes);
        assert_eq!(
            check(&plan, &Permissions::default(), 100, &Ownership::default()).len(),
            2
        );
        let allowed = Permissions {
            allow_delete: true,
            allow_replace: true,
            ..Permissions::default()
        };
        assert!(check(&plan, &allowed, 100, &Ownership::default()).is_empty());
    }

    #[test]
    fn a_rule_the_tool_does_not_own_is_never_replaced() {
        let mut moved = Rule::test("console");
        moved.trigger_event_source.event_source_name = "OnPostChatAnalysisAvailable".into();
        let plan = plan(vec![Change::Replace {
            before: Rule::test("console").live("id"),
            after: moved,
            source: "rules/console.yaml".into(),
            reason: "r".into(),
            fields: vec![],
        }]);
        let allowed = Permissions {
            allow_replace: true,
            ..Permissions::default()
        };
        let refusals = check(&plan, &allowed, 0, &Ownership::default());
        assert_eq!(refusals.len(), 1);
        assert!(refusals[0].hint.contains("connect-rules adopt console"));
        let managing_all = Ownership {
            manage_all: true,
            ..Ownership::default()
        };
        assert!(check(&plan, &allowed, 0, &managing_all).is_empty());
    }

    #[test]
    fn the_default_limit_is_thirty_percent_from_ten_rules() {
        let allowed = Permissions {
            allow_delete: true,
            ..Permissions::default()
        };
        assert!(check(&plan(deletes(3)), &allowed, 10, &Ownership::default()).is_empty());
        assert_eq!(
            check(&plan(deletes(4)), &allowed, 10, &Ownership::default()).len(),
            1
        );
        assert!(
            check(&plan(deletes(5)), &allowed, 9, &Ownership::default()).is_empty(),
            "below the floor"
        );
        let forced = Permissions {
            force: true,
            ..allowed
        };
        assert!(check(&plan(deletes(4)), &forced, 10, &Ownership::default()).is_empty());
    }

    #[test]
    fn delete_limits_parse_as_count_or_percent() {
        assert_eq!("5".parse(), Ok(DeleteLimit::Count(5)));
        assert_eq!(
            "20%".parse(),
            Ok(DeleteLimit::Percent {
                percent: 20.0,
                floor: 0
            })
        );
        assert!("lots".parse::<DeleteLimit>().is_err());
        assert!("120%".parse::<DeleteLimit>().is_err());
    }

    #[test]
    fn a_saved_plan_must_say_what_the_files_and_the_instance_say_now() {
        let mine = Rule::test("a").live("id-a");
        let derived = plan(vec![
            Change::Create {
                after: Rule::test("b"),
                source: "rules/b.yaml".into(),
            },
            Change::Delete {
                before: mine.clone(),
            },
        ]);
        assert!(disagreements(&derived, &derived).is_empty());
        // A subset of what the files call for is fine: the rest is left for the next plan.
        let fewer = plan(vec![derived.changes[0].clone()]);
        assert!(disagreements(&fewer, &derived).is_empty());

        let mut other_content = Rule::test("b");
        other_content.publish_status = "DRAFT".into();
        let forged = plan(vec![Change::Create {
            after: other_content,
            source: "rules/b.yaml".into(),
        }]);
        let reasons = disagreements(&forged, &derived);
        assert_eq!(reasons.len(), 1);
        assert!(reasons[0].contains("PublishStatus differs"), "{reasons:?}");

        let console = plan(vec![Change::Delete {
            before: Rule::test("console").live("id-c"),
        }]);
        assert!(disagreements(&console, &derived)[0].contains("no change to it now"));

        let mut elsewhere = mine.clone();
        elsewhere.rule_arn = "arn:other".into();
        let retargeted = plan(vec![Change::Delete { before: elsewhere }]);
        assert!(disagreements(&retargeted, &derived)[0].contains("arn:other"));
    }

    #[test]
    fn a_plan_is_stale_when_its_rules_moved() {
        let before = Rule::test("a").live("id-a");
        let plan = plan(vec![
            Change::Delete {
                before: before.clone(),
            },
            Change::Create {
                after: Rule::test("b"),
                source: "rules/b.yaml".into(),
            },
        ]);
        assert!(stale_reasons(&plan, std::slice::from_ref(&before)).is_empty());
        let mut touched = before.clone();
        touched.last_updated_time += 1.0;
        assert_eq!(stale_reasons(&plan, &[touched]).len(), 1);
        let taken = Rule::test("b").live("id-b");
        assert_eq!(stale_reasons(&plan, &[before, taken]).len(), 1);
        assert_eq!(stale_reasons(&plan, &[]).len(), 1);
    }
}
