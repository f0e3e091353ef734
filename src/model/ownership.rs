//! Who owns a live rule: this repository, nobody (a console rule), or another repository; and
//! the tags that say so. Pure. Ownership is read from the rule's tags, and only tags read live
//! at the moment of a change decide a write (see `apply::guard`); everything else uses it to
//! plan and to list.
//!
//! A rule is owned by this repository when it carries `managed-by: connect-rules` and its
//! [`OWNER_TAG_KEY`] tag is this repository's `owner:` (or, with no `owner:` configured, it
//! has no owner tag). A rule whose owner tag names another id, or that has none while this
//! repository has one, belongs to another repository and is never changed or deleted.

use std::collections::BTreeMap;

use crate::glob::glob_match;

use super::{LiveRule, Rule, MAX_TAG_VALUE};

/// The tag the tool puts on every rule it creates; deletes touch only rules that carry it.
pub const OWNERSHIP_TAG_KEY: &str = "managed-by";
/// The value of [`OWNERSHIP_TAG_KEY`].
pub const OWNERSHIP_TAG_VALUE: &str = "connect-rules";
/// The tag that remembers which file created a rule, so renaming the rule in that file is
/// planned as a rename (or a replace) rather than as an unrelated create and delete.
pub const SOURCE_TAG_KEY: &str = "connect-rules-source";
/// The tag naming which repository owns a rule, written beside `managed-by` when the config
/// sets `owner:`.
pub const OWNER_TAG_KEY: &str = "managed-by-owner";

/// How this repository decides what it owns and what it leaves alone.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Ownership {
    /// The config's `owner:`; `None` owns only rules without an owner tag.
    pub owner: Option<String>,
    /// `--manage-all`: every rule nobody else owns counts as owned.
    pub manage_all: bool,
    /// Names or globs of rules managed elsewhere: never matched, changed or deleted.
    pub ignore: Vec<String>,
}

/// Whose a live rule is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Claim {
    /// This repository's.
    Ours,
    /// Nobody's: not tagged `managed-by: connect-rules` (a console rule).
    Unowned,
    /// Another repository's: its owner id, or `None` for a rule managed by connect-rules
    /// without an owner id while this repository has one.
    Other(Option<String>),
}

impl Ownership {
    /// Whose `tags` say the rule is.
    pub fn claim_of_tags(&self, tags: &BTreeMap<String, String>) -> Claim {
        let owner_tag = tags.get(OWNER_TAG_KEY).map(String::as_str);
        let managed = tags.get(OWNERSHIP_TAG_KEY).map(String::as_str) == Some(OWNERSHIP_TAG_VALUE);
        match (owner_tag, self.owner.as_deref()) {
            (Some(theirs), ours) if Some(theirs) != ours => Claim::Other(Some(theirs.to_owned())),
            (None, Some(_)) if managed => Claim::Other(None),
            _ if managed => Claim::Ours,
            _ => Claim::Unowned,
        }
    }

    /// Whose a live rule is.
    pub fn claim(&self, rule: &LiveRule) -> Claim {
        self.claim_of_tags(&rule.rule.tags)
    }

    /// Whether this run may delete or replace the rule: ours, or nobody's under `manage_all`.
    pub fn may_remove(&self, rule: &LiveRule) -> bool {
        match self.claim(rule) {
            Claim::Ours => true,
            Claim::Unowned => self.manage_all,
            Claim::Other(_) => false,
        }
    }

    /// Whether the `ignore` list names `name`.
    pub fn ignores(&self, name: &str) -> bool {
        self.ignore.iter().any(|pattern| glob_match(pattern, name))
    }

    /// The tags this repository writes on the rules it creates or adopts.
    pub fn tags(&self) -> BTreeMap<String, String> {
        let mut tags =
            BTreeMap::from([(OWNERSHIP_TAG_KEY.to_owned(), OWNERSHIP_TAG_VALUE.to_owned())]);
        if let Some(owner) = &self.owner {
            tags.insert(OWNER_TAG_KEY.to_owned(), owner.clone());
        }
        tags
    }
}

impl Claim {
    /// `owned by `team-a`` and the like, for plans and refusals.
    pub fn describe(&self) -> String {
        match self {
            Claim::Ours => "owned by this repository".to_owned(),
            Claim::Unowned => {
                format!("not tagged `{OWNERSHIP_TAG_KEY}: {OWNERSHIP_TAG_VALUE}`")
            }
            Claim::Other(Some(id)) => format!("owned by `{id}`"),
            Claim::Other(None) => format!(
                "owned by a connect-rules repository without an owner id (no `{OWNER_TAG_KEY}` tag)"
            ),
        }
    }
}

/// The desired rule as the tool will write it: with the ownership tag (no owner id).
pub fn with_ownership(rule: &Rule) -> Rule {
    with_tags(rule, &Ownership::default().tags())
}

/// The same rule with `extra` tags added.
pub fn with_tags(rule: &Rule, extra: &BTreeMap<String, String>) -> Rule {
    let mut tagged = rule.clone();
    tagged
        .tags
        .extend(extra.iter().map(|(k, v)| (k.clone(), v.clone())));
    tagged
}

/// The same rule tagged with the file that creates it (when the path fits in a tag value).
pub fn with_source(rule: &Rule, path: &str) -> Rule {
    let mut tagged = rule.clone();
    if !path.is_empty() && path.chars().count() <= MAX_TAG_VALUE {
        tagged
            .tags
            .insert(SOURCE_TAG_KEY.to_owned(), path.to_owned());
    }
    tagged
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rule(tags: &[(&str, &str)]) -> LiveRule {
        let mut rule = Rule::test("r");
        for (key, value) in tags {
            rule = rule.tag(key, value);
        }
        rule.live("id")
    }

    fn owner(id: Option<&str>) -> Ownership {
        Ownership {
            owner: id.map(str::to_owned),
            ..Ownership::default()
        }
    }

    #[test]
    fn without_an_owner_id_only_untagged_owners_are_ours() {
        let none = owner(None);
        assert_eq!(
            none.claim(&rule(&[("managed-by", "connect-rules")])),
            Claim::Ours
        );
        assert_eq!(none.claim(&rule(&[])), Claim::Unowned);
        assert_eq!(
            none.claim(&rule(&[
                ("managed-by", "connect-rules"),
                (OWNER_TAG_KEY, "team-b")
            ])),
            Claim::Other(Some("team-b".into()))
        );
    }

    #[test]
    fn with_an_owner_id_only_that_id_is_ours() {
        let a = owner(Some("team-a"));
        let tagged = |id| rule(&[("managed-by", "connect-rules"), (OWNER_TAG_KEY, id)]);
        assert_eq!(a.claim(&tagged("team-a")), Claim::Ours);
        assert_eq!(
            a.claim(&tagged("team-b")),
            Claim::Other(Some("team-b".into()))
        );
        assert_eq!(
            a.claim(&rule(&[("managed-by", "connect-rules")])),
            Claim::Other(None)
        );
        assert_eq!(a.claim(&rule(&[])), Claim::Unowned);
        // An owner tag without `managed-by` still says someone else's, never ours.
        assert_eq!(a.claim(&rule(&[(OWNER_TAG_KEY, "team-a")])), Claim::Unowned);
    }

    #[test]
    fn manage_all_never_reaches_another_owner() {
        let all = Ownership {
            manage_all: true,
            ..owner(Some("team-a"))
        };
        assert!(all.may_remove(&rule(&[])));
        assert!(!all.may_remove(&rule(&[
            ("managed-by", "connect-rules"),
            (OWNER_TAG_KEY, "team-b")
        ])));
    }
}
