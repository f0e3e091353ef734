//! `--only NAME|GLOB`: the rules a partial `plan`, `apply` or `drift` works on. Pure.
//!
//! A partial plan is the whole plan's changes that touch a selected rule name: rules that are
//! not selected are neither created, changed, deleted, nor replaced, nor listed, and a rule
//! renamed in its file stays one change (an update or a replace) whichever of its two names is
//! selected. A pattern that matches no rule (in the files or on the instance) is an error with a
//! did-you-mean: a typo must never read as "no changes".

use crate::diff::{diff, DiffOptions};
use crate::error::UserError;
use crate::glob::glob_match;
use crate::model::{DesiredRule, LiveRule};
use crate::plan::{Change, Plan, PlanTarget};

/// The `--only` patterns (rule names, or globs with `*` and `?`); empty selects every rule.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Selection {
    patterns: Vec<String>,
}

impl Selection {
    /// The rules matching any of `patterns`; every rule when there are none, or when one is
    /// `*`. The patterns are kept sorted and once each, so the same selection given in another
    /// order is the same selection (a saved plan compares them).
    pub fn new(mut patterns: Vec<String>) -> Self {
        if patterns.iter().any(|pattern| pattern == "*") {
            patterns.clear();
        }
        patterns.sort();
        patterns.dedup();
        Selection { patterns }
    }

    /// Whether only some rules are selected.
    pub fn is_partial(&self) -> bool {
        !self.patterns.is_empty()
    }

    /// The patterns, as given.
    pub fn patterns(&self) -> &[String] {
        &self.patterns
    }

    /// A line for stderr that says the run was partial (`None` for every rule).
    pub fn note(&self) -> Option<String> {
        self.is_partial().then(|| {
            let flags: Vec<String> = self
                .patterns
                .iter()
                .map(|p| format!("`--only {p}`"))
                .collect();
            format!(
                "partial: only the rules matching {} were compared",
                flags.join(", ")
            )
        })
    }

    /// Whether rule `name` is selected.
    pub fn contains(&self, name: &str) -> bool {
        !self.is_partial()
            || self
                .patterns
                .iter()
                .any(|pattern| glob_match(pattern, name))
    }

    /// The plan for the selected rules only (see [`Selection::select`]), marked partial when
    /// the selection is.
    pub fn diff(
        &self,
        target: PlanTarget,
        desired: &[DesiredRule],
        live: &[LiveRule],
        options: &DiffOptions,
    ) -> Result<Plan, UserError> {
        if self.is_partial() {
            self.check_matches(&names_of(desired, live))?;
        }
        Ok(self.filtered_diff(target, desired, live, options))
    }

    /// [`Selection::diff`] without the check that every pattern matches a rule: for the
    /// re-plan after an apply, where a selected rule may be gone for good.
    pub fn filtered_diff(
        &self,
        target: PlanTarget,
        desired: &[DesiredRule],
        live: &[LiveRule],
        options: &DiffOptions,
    ) -> Plan {
        let whole = diff(target, desired, live, options);
        if !self.is_partial() {
            return whole;
        }
        // The whole plan's changes that touch a selected name: a rule renamed in its file is
        // one change under both names (an update, or a replace `apply` must be allowed), so
        // selecting either name never turns it into a create beside the old rule, or a delete.
        let changes = whole
            .changes
            .into_iter()
            .filter(|change| change_names(change).any(|name| self.contains(name)))
            .collect();
        let unmanaged = whole
            .unmanaged
            .into_iter()
            .filter(|rule| self.contains(&rule.name))
            .collect();
        let mut plan = Plan::new(whole.target, changes, unmanaged);
        plan.only.clone_from(&self.patterns);
        plan
    }

    /// The selected rule files and live rules. Fails when a pattern matches no rule of either,
    /// naming the closest rule name when one is close.
    pub fn select(
        &self,
        desired: &[DesiredRule],
        live: &[LiveRule],
    ) -> Result<(Vec<DesiredRule>, Vec<LiveRule>), UserError> {
        self.check_matches(&names_of(desired, live))?;
        Ok((
            desired
                .iter()
                .filter(|d| self.contains(&d.rule.name))
                .cloned()
                .collect(),
            live.iter()
                .filter(|l| self.contains(&l.rule.name))
                .cloned()
                .collect(),
        ))
    }

    /// Fails when a pattern matches none of `names` (sorted): one error lists every such
    /// pattern, with a did-you-mean for each that is close to a name.
    pub fn check_matches(&self, names: &[String]) -> Result<(), UserError> {
        let unmatched: Vec<&String> = self
            .patterns
            .iter()
            .filter(|pattern| !names.iter().any(|name| glob_match(pattern, name)))
            .collect();
        if unmatched.is_empty() {
            return Ok(());
        }
        let listed: Vec<String> = unmatched.iter().map(|p| format!("`--only {p}`")).collect();
        let message = format!(
            "{} {} no rule in the rule files or on the instance; nothing was compared",
            listed.join(", "),
            if unmatched.len() == 1 {
                "matches"
            } else {
                "match"
            },
        );
        let suggestions: Vec<(&String, String)> = unmatched
            .iter()
            .filter_map(|&pattern| {
                crate::service::closest(pattern, names).map(|name| (pattern, name))
            })
            .collect();
        let hint = match suggestions.as_slice() {
            [] => format!(
                "`--only` takes rule names (the `Name` in a rule file) or globs with `*` and `?`; {}",
                some_names(names)
            ),
            [(_, name)] if unmatched.len() == 1 => format!("did you mean `{name}`?"),
            many => format!(
                "did you mean {}?",
                many.iter()
                    .map(|(pattern, name)| format!("`{name}` for `{pattern}`"))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        };
        Err(UserError::new(message).with_hint(hint))
    }
}

/// The names a change touches: the live rule's and the desired rule's (two for a rename).
fn change_names(change: &Change) -> impl Iterator<Item = &str> {
    let before = change.before().map(|before| before.rule.name.as_str());
    before.into_iter().chain(std::iter::once(change.name()))
}

/// Every rule name in the files and on the instance, sorted, once each.
fn names_of(desired: &[DesiredRule], live: &[LiveRule]) -> Vec<String> {
    let mut names: Vec<String> = desired
        .iter()
        .map(|d| d.rule.name.clone())
        .chain(live.iter().map(|l| l.rule.name.clone()))
        .collect();
    names.sort();
    names.dedup();
    names
}

/// A few of the rule names, to show what a name looks like.
fn some_names(names: &[String]) -> String {
    const SHOWN: usize = 5;
    if names.is_empty() {
        return "there are no rules yet".to_owned();
    }
    let shown: Vec<String> = names.iter().take(SHOWN).map(|n| format!("`{n}`")).collect();
    let more = names.len().saturating_sub(SHOWN);
    if more == 0 {
        format!("the rules are {}", shown.join(", "))
    } else {
        format!("the rules include {} and {more} more", shown.join(", "))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Rule;

    fn desired(name: &str) -> DesiredRule {
        DesiredRule {
            rule: Rule::test(name),
            path: format!("rules/{name}.yaml").into(),
            name_pos: crate::node::Pos::default(),
        }
    }

    fn only(patterns: &[&str]) -> Selection {
        Selection::new(patterns.iter().map(|&p| p.to_owned()).collect())
    }

    #[test]
    fn no_pattern_selects_every_rule() {
        let all = Selection::default();
        assert!(!all.is_partial());
        assert!(all.contains("anything"));
        let (files, live) = all
            .select(&[desired("a")], &[Rule::test("b").live("id-b")])
            .expect("nothing to match");
        assert_eq!((files.len(), live.len()), (1, 1));
    }

    #[test]
    fn the_same_patterns_in_another_order_are_the_same_selection_and_a_star_is_every_rule() {
        assert_eq!(only(&["b", "a", "b"]), only(&["a", "b"]));
        assert_eq!(only(&["a", "b"]).patterns(), ["a", "b"]);
        assert!(!only(&["chat-*", "*"]).is_partial());
    }

    #[test]
    fn names_and_globs_select_both_sides_of_the_diff() {
        let selection = only(&["chat-*", "refund"]);
        assert!(selection.is_partial());
        let files = [desired("chat-a"), desired("refund"), desired("voice-a")];
        let live = [
            Rule::test("chat-b").live("1"),
            Rule::test("refund-old").live("2"),
            Rule::test("voice-a").live("3"),
        ];
        let (files, live) = selection.select(&files, &live).expect("all match");
        let names = |names: Vec<&str>| names.join(",");
        assert_eq!(
            names(files.iter().map(|d| d.rule.name.as_str()).collect()),
            "chat-a,refund"
        );
        assert_eq!(
            names(live.iter().map(|l| l.rule.name.as_str()).collect()),
            "chat-b",
            "`refund` is a name, not a prefix"
        );
        assert!(only(&["r?fund"]).contains("refund"));
    }

    #[test]
    fn a_pattern_matching_nothing_is_an_error_with_a_did_you_mean() {
        let files = [desired("chat-escalation"), desired("refund")];
        let err = only(&["chat-escalaton"])
            .select(&files, &[])
            .expect_err("a typo");
        assert_eq!(
            err.message,
            "`--only chat-escalaton` matches no rule in the rule files or on the instance; nothing was compared"
        );
        assert_eq!(err.hint.as_deref(), Some("did you mean `chat-escalation`?"));

        // Every unmatched pattern is named; one that matches is not.
        let err = only(&["refund", "refnd", "zzz-*"])
            .select(&files, &[])
            .expect_err("two miss");
        assert!(
            err.message
                .starts_with("`--only refnd`, `--only zzz-*` match no rule"),
            "{}",
            err.message
        );
        assert_eq!(
            err.hint.as_deref(),
            Some("did you mean `refund` for `refnd`?")
        );

        // A live rule counts as a match: a rule deleted from git can still be selected.
        assert!(only(&["gone"])
            .select(&files, &[Rule::test("gone").live("1")])
            .is_ok());
    }

    #[test]
    fn with_nothing_close_the_hint_shows_what_names_look_like() {
        let files: Vec<DesiredRule> = (1..=7).map(|i| desired(&format!("rule-{i}"))).collect();
        let err = only(&["zzz"]).select(&files, &[]).expect_err("no match");
        assert_eq!(
            err.hint.as_deref(),
            Some("`--only` takes rule names (the `Name` in a rule file) or globs with `*` and `?`; the rules include `rule-1`, `rule-2`, `rule-3`, `rule-4`, `rule-5` and 2 more")
        );
        let err = only(&["zzz"]).select(&[], &[]).expect_err("no rules");
        assert!(err.hint.unwrap().ends_with("there are no rules yet"));
    }
}
