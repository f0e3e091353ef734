//! The last look before a change: what the instance says now, read live (never from the
//! describe cache), must still be what the plan saw, and still this repository's to change.
//! Pure: the caller does the DescribeRule.

use crate::model::ownership::{Claim, Ownership};
use crate::model::{epoch_millis as millis, LiveRule};
use crate::plan::Change;

/// Why a change must not go ahead, given the rule as DescribeRule returned it just now
/// (`None`: not found); `None` when it may.
///
/// Every change to a live rule needs it unchanged since the plan (same RuleId, name and
/// LastUpdatedTime), not ignored, not another repository's, and owned as the plan saw it (a
/// tag change does not move LastUpdatedTime). A delete, a replace and an update that renames
/// a rule also need it to be this repository's (or nobody's under `--manage-all`).
pub fn refusal(change: &Change, now: Option<&LiveRule>, ownership: &Ownership) -> Option<String> {
    let (before, removes) = match change {
        Change::Create { .. } => return None,
        Change::Update { before, after, .. } => (before, after.name != before.rule.name),
        Change::Replace { before, .. } | Change::Delete { before } => (before, true),
    };
    let planned = &before.rule.name;
    let Some(now) = now else {
        return Some(format!(
            "`{planned}` (RuleId {}) no longer exists; re-run plan",
            before.rule_id
        ));
    };
    if now.rule_id != before.rule_id {
        return Some(format!(
            "DescribeRule of RuleId {} answered with RuleId {}; nothing was sent",
            before.rule_id, now.rule_id
        ));
    }
    if now.rule_arn != before.rule_arn || !crate::fetch::arn_names_rule(&now.rule_arn, &now.rule_id)
    {
        return Some(format!(
            "DescribeRule of `{planned}` answered with RuleArn `{}`, not the planned `{}`; nothing was sent",
            now.rule_arn, before.rule_arn
        ));
    }
    if now.rule.name != *planned {
        return Some(format!(
            "the rule was renamed from `{planned}` to `{}` since the plan; re-run plan",
            now.rule.name
        ));
    }
    if millis(now.last_updated_time) != millis(before.last_updated_time) {
        return Some(format!(
            "`{planned}` was changed since the plan (last by {}); re-run plan",
            now.last_updated_by
        ));
    }
    if let Some(name) = [planned.as_str(), change.name()]
        .into_iter()
        .find(|name| ownership.ignores(name))
    {
        return Some(format!("`{name}` is in the config's `ignore` list"));
    }
    let claim = ownership.claim(now);
    if let Claim::Other(_) = claim {
        return Some(format!("`{planned}` is {}", claim.describe()));
    }
    if claim != ownership.claim(before) {
        return Some(format!(
            "the ownership of `{planned}` changed since the plan (it is now {}); re-run plan",
            claim.describe()
        ));
    }
    if removes && !ownership.may_remove(now) {
        return Some(format!(
            "`{planned}` is {}, so connect-rules does not {} it; `connect-rules adopt {planned}` first if it should",
            claim.describe(),
            match change {
                Change::Update { .. } => "rename",
                Change::Replace { .. } => "replace",
                _ => "delete",
            }
        ));
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::ownership::{OWNERSHIP_TAG_KEY, OWNERSHIP_TAG_VALUE, OWNER_TAG_KEY};
    use crate::model::Rule;

    fn owned(name: &str) -> LiveRule {
        Rule::test(name)
            .tag(OWNERSHIP_TAG_KEY, OWNERSHIP_TAG_VALUE)
            .live("id-1")
    }

    fn delete(before: &LiveRule) -> Change {
        Change::Delete {
            before: before.clone(),
        }
    }

    #[test]
    fn an_unchanged_owned_rule_may_be_deleted() {
        let rule = owned("a");
        assert_eq!(
            refusal(&delete(&rule), Some(&rule), &Ownership::default()),
            None
        );
    }

    #[test]
    fn a_rule_untagged_since_the_plan_is_not_deleted() {
        let planned = owned("a");
        let mut now = planned.clone();
        now.rule.tags.clear();
        let reason = refusal(&delete(&planned), Some(&now), &Ownership::default()).unwrap();
        assert!(reason.contains("ownership of `a` changed"), "{reason}");
    }

    #[test]
    fn a_plan_that_claims_an_unowned_rule_is_owned_is_still_refused() {
        // The plan (or the describe cache it came from) says owned; the instance says not.
        let now = Rule::test("console").live("id-1");
        let mut planned = now.clone();
        planned
            .rule
            .tags
            .insert(OWNERSHIP_TAG_KEY.into(), OWNERSHIP_TAG_VALUE.into());
        assert!(refusal(&delete(&planned), Some(&now), &Ownership::default()).is_some());
        // Even when the plan agrees that it is unowned, a delete needs ownership.
        let reason = refusal(&delete(&now), Some(&now), &Ownership::default()).unwrap();
        assert!(reason.contains("adopt console"), "{reason}");
    }

    #[test]
    fn moved_renamed_gone_or_ignored_rules_are_refused() {
        let planned = owned("a");
        let ownership = Ownership::default();
        let mut touched = planned.clone();
        touched.last_updated_time += 1.0;
        assert!(refusal(&delete(&planned), Some(&touched), &ownership).is_some());
        let mut renamed = planned.clone();
        renamed.rule.name = "b".into();
        assert!(refusal(&delete(&planned), Some(&renamed), &ownership).is_some());
        let mut other_id = planned.clone();
        other_id.rule_id = "id-2".into();
        assert!(refusal(&delete(&planned), Some(&other_id), &ownership).is_some());
        assert!(refusal(&delete(&planned), None, &ownership).is_some());
        let ignoring = Ownership {
            ignore: vec!["a".into()],
            ..Ownership::default()
        };
        assert!(refusal(&delete(&planned), Some(&planned), &ignoring).is_some());
    }

    #[test]
    fn another_owners_rule_is_never_changed_even_under_manage_all() {
        let mut theirs = owned("a");
        theirs
            .rule
            .tags
            .insert(OWNER_TAG_KEY.into(), "team-b".into());
        let update = Change::Update {
            before: theirs.clone(),
            after: theirs.rule.clone(),
            source: "rules/a.yaml".into(),
            fields: vec![],
        };
        let all = Ownership {
            manage_all: true,
            ..Ownership::default()
        };
        let reason = refusal(&update, Some(&theirs), &all).unwrap();
        assert_eq!(reason, "`a` is owned by `team-b`");
    }

    #[test]
    fn an_update_of_an_unowned_rule_in_git_goes_ahead_but_a_rename_does_not() {
        let console = Rule::test("a").live("id-1");
        let update = |name: &str| {
            let mut after = console.rule.clone();
            after.name = name.into();
            Change::Update {
                before: console.clone(),
                after,
                source: "rules/a.yaml".into(),
                fields: vec![],
            }
        };
        let ownership = Ownership::default();
        assert_eq!(refusal(&update("a"), Some(&console), &ownership), None);
        assert!(refusal(&update("b"), Some(&console), &ownership).is_some());
    }
}
