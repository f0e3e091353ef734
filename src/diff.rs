//! The diff: desired rules against live rules, matched by name. Pure.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use serde_json::Value;

use crate::model::ownership::{with_source, with_tags, Claim, Ownership, SOURCE_TAG_KEY};
use crate::model::{enums, DesiredRule, EmptyDefinition, LiveRule, Rule};
use crate::plan::{Change, FieldChange, Plan, PlanTarget, UnmanagedRule};

/// Choices that shape the diff.
#[derive(Debug, Clone, Default)]
pub struct DiffOptions {
    /// Treat every live rule nobody else owns as owned by the tool.
    pub manage_all: bool,
    /// Names or globs (`*`, `?`) of rules managed elsewhere.
    pub ignore: Vec<String>,
    /// The config's `owner:`, written as the owner tag on what the tool creates.
    pub owner: Option<String>,
    /// The folder of the config file. The source tag records a rule file relative to it, so a
    /// plan run from `rules/chat` tags `rules/chat/x.yaml`, as one from the root does, and
    /// renames are still paired by file.
    pub source_base: PathBuf,
}

impl DiffOptions {
    /// How these options decide what is owned.
    pub fn ownership(&self) -> Ownership {
        Ownership {
            owner: self.owner.clone(),
            manage_all: self.manage_all,
            ignore: self.ignore.clone(),
        }
    }
}

/// Compares desired with live and returns the plan.
///
/// `ignore` comes before every other matching step: an ignored live rule is listed as ignored
/// and is never matched by name or by rename, changed or deleted; an ignored desired rule is
/// not planned. A rule another repository owns is listed as such and never changed.
pub fn diff(
    target: PlanTarget,
    desired: &[DesiredRule],
    live: &[LiveRule],
    options: &DiffOptions,
) -> Plan {
    let ownership = options.ownership();
    let mut unmanaged = Vec::new();
    let mut matchable: Vec<&LiveRule> = Vec::with_capacity(live.len());
    for current in live {
        let name = current.rule.name.as_str();
        if ownership.ignores(name) {
            unmanaged.push(UnmanagedRule {
                name: name.to_owned(),
                rule_id: current.rule_id.clone(),
                reason: "ignored by the config's `ignore` list".to_owned(),
                ignored: true,
            });
        } else if let claim @ Claim::Other(_) = ownership.claim(current) {
            unmanaged.push(UnmanagedRule {
                name: name.to_owned(),
                rule_id: current.rule_id.clone(),
                reason: claim.describe(),
                ignored: false,
            });
        } else {
            matchable.push(current);
        }
    }
    let desired: Vec<&DesiredRule> = desired
        .iter()
        .filter(|wanted| !ownership.ignores(&wanted.rule.name))
        .collect();
    let live_by_name: BTreeMap<&str, &LiveRule> = matchable
        .iter()
        .map(|rule| (rule.rule.name.as_str(), *rule))
        .collect();
    // Names another repository's rules hold: a desired rule of that name is not created
    // beside it (the service would refuse the duplicate name) nor paired with anything.
    let taken: BTreeSet<&str> = live
        .iter()
        .filter(|rule| !ownership.ignores(&rule.rule.name))
        .map(|rule| rule.rule.name.as_str())
        .filter(|name| !live_by_name.contains_key(name))
        .collect();
    let desired_names: BTreeSet<&str> = desired.iter().map(|d| d.rule.name.as_str()).collect();
    let renamed = find_renames(
        &desired,
        &matchable,
        &live_by_name,
        &desired_names,
        &ownership,
        &options.source_base,
    );
    let ownership_tags = ownership.tags();
    let no_tags = BTreeMap::new();

    let mut changes = Vec::new();
    for wanted in &desired {
        if taken.contains(wanted.rule.name.as_str()) {
            continue;
        }
        let current = live_by_name
            .get(wanted.rule.name.as_str())
            .or_else(|| renamed.get(wanted.rule.name.as_str()));
        match current {
            None => {
                let source = source_of(&wanted.path, &options.source_base);
                changes.push(Change::Create {
                    after: with_source(&with_tags(&wanted.rule, &ownership_tags), &source),
                    source,
                });
            }
            Some(current) => {
                // Ownership is given by creating or by `adopt`, never as a side effect of an
                // update: a rule in git that the tool does not own keeps its tags as they are,
                // so an export is followed by a plan with no changes.
                let owned = ownership.claim(current) == Claim::Ours;
                let added = if owned { &ownership_tags } else { &no_tags };
                if plainly_equal(&current.rule, &wanted.rule, added) {
                    continue;
                }
                let after = with_tags(&wanted.rule, added);
                let fields = changed_fields(&current.rule, &after);
                if fields.is_empty() {
                    continue;
                }
                let source = source_of(&wanted.path, &options.source_base);
                let before = (*current).clone();
                if let Some(reason) = replace_reason(&current.rule, &after) {
                    // The replacement is a new rule: it carries its file, as a create does, so
                    // a later rename of that file is still seen as a rename.
                    changes.push(Change::Replace {
                        before,
                        after: with_source(&after, &source),
                        source,
                        reason,
                        fields,
                    });
                } else {
                    changes.push(Change::Update {
                        before,
                        after,
                        source,
                        fields,
                    });
                }
            }
        }
    }

    let renamed_ids: BTreeSet<&str> = renamed.values().map(|r| r.rule_id.as_str()).collect();
    for current in matchable {
        let name = current.rule.name.as_str();
        if desired_names.contains(name) || renamed_ids.contains(current.rule_id.as_str()) {
            continue;
        }
        if ownership.may_remove(current) {
            changes.push(Change::Delete {
                before: current.clone(),
            });
        } else {
            unmanaged.push(UnmanagedRule {
                name: name.to_owned(),
                rule_id: current.rule_id.clone(),
                reason: format!("not in git and {}", Claim::Unowned.describe()),
                ignored: false,
            });
        }
    }
    Plan::new(target, changes, unmanaged)
}

/// A rule file's path as its source tag records it: relative to the config's folder when the
/// file is under it (as written otherwise: a `--rules` folder outside the project).
fn source_of(path: &Path, base: &Path) -> String {
    path.strip_prefix(base)
        .ok()
        .filter(|_| !base.as_os_str().is_empty())
        .unwrap_or(path)
        .display()
        .to_string()
}

/// Desired rules whose name is not live, paired with the owned live rule (not desired by its
/// own name) that their file created: the name in that file was changed. Only rules this
/// repository owns pair (never an ignored one: those are not in `live` here).
fn find_renames<'a>(
    desired: &[&DesiredRule],
    live: &[&'a LiveRule],
    live_by_name: &BTreeMap<&str, &'a LiveRule>,
    desired_names: &BTreeSet<&str>,
    ownership: &Ownership,
    source_base: &Path,
) -> BTreeMap<String, &'a LiveRule> {
    let mut by_source: BTreeMap<&str, Vec<&'a LiveRule>> = BTreeMap::new();
    for rule in live {
        if ownership.claim(rule) == Claim::Ours && !desired_names.contains(rule.rule.name.as_str())
        {
            if let Some(source) = rule.rule.tags.get(SOURCE_TAG_KEY) {
                by_source.entry(source.as_str()).or_default().push(rule);
            }
        }
    }
    desired
        .iter()
        .filter(|wanted| !live_by_name.contains_key(wanted.rule.name.as_str()))
        .filter_map(|wanted| {
            let path = source_of(&wanted.path, source_base);
            match by_source.get(path.as_str()).map(Vec::as_slice) {
                // Only an unambiguous pair is a rename.
                Some([only]) => Some((wanted.rule.name.clone(), *only)),
                _ => None,
            }
        })
        .collect()
}

fn replace_reason(live: &Rule, desired: &Rule) -> Option<String> {
    let before = &live.trigger_event_source;
    let after = &desired.trigger_event_source;
    if before.event_source_name != after.event_source_name {
        return Some(format!(
            "TriggerEventSource changes from `{}` to `{}`, which UpdateRule cannot change",
            before.event_source_name, after.event_source_name
        ));
    }
    if before.integration_association_id != after.integration_association_id {
        return Some(
            "TriggerEventSource.IntegrationAssociationId changes, which UpdateRule cannot change"
                .to_owned(),
        );
    }
    if live.name != desired.name && !enums::is_renamable(&before.event_source_name) {
        return Some(format!(
            "`Name` changes from `{}` to `{}`, and UpdateRule cannot rename a rule of `{}`",
            live.name, desired.name, before.event_source_name
        ));
    }
    None
}

/// The fields that differ, each as pretty text for the line diff.
pub fn changed_fields(live: &Rule, desired: &Rule) -> Vec<FieldChange> {
    if plainly_equal(live, desired, &BTreeMap::new()) {
        return Vec::new();
    }
    let live = normalized(live);
    let desired = normalized(desired);
    let mut fields = Vec::new();
    let mut compare = |field: &str, before: Option<Value>, after: Option<Value>| {
        let before = before.filter(|v| !is_empty(v));
        let after = after.filter(|v| !is_empty(v));
        if before.as_ref().map(canonical) != after.as_ref().map(canonical) {
            fields.push(FieldChange {
                field: field.to_owned(),
                before: before.as_ref().map(pretty).unwrap_or_default(),
                after: after.as_ref().map(pretty).unwrap_or_default(),
            });
        }
    };
    compare(
        "Name",
        Some(Value::String(live.name.clone())),
        Some(Value::String(desired.name.clone())),
    );
    compare(
        "TriggerEventSource",
        to_json(&live.trigger_event_source),
        to_json(&desired.trigger_event_source),
    );
    compare(
        "Function",
        Some(function_json(&live.function)),
        Some(function_json(&desired.function)),
    );
    compare("Actions", to_json(&live.actions), to_json(&desired.actions));
    compare(
        "PublishStatus",
        Some(Value::String(live.publish_status.clone())),
        Some(Value::String(desired.publish_status.clone())),
    );
    compare(
        "PreEvaluationFilters",
        to_json(&live.pre_evaluation_filters),
        to_json(&desired.pre_evaluation_filters),
    );
    // The source tag is the tool's bookkeeping, set on create; it is never a change.
    let without_source = |tags: &BTreeMap<String, String>| {
        let mut tags = tags.clone();
        tags.remove(SOURCE_TAG_KEY);
        to_json(&tags)
    };
    compare(
        "Tags",
        without_source(&live.tags),
        without_source(&desired.tags),
    );
    fields
}

/// Whether `live` equals `desired` as written, the source tag aside and with the `added`
/// (ownership) tags added to `desired`: then no field can differ, and the comparison through
/// JSON in [`changed_fields`] is not needed. That is the common case (a plan with nothing to
/// do compares every rule), and equal values always serialize equally, so this never hides a
/// change; whatever it cannot tell takes the slow path.
fn plainly_equal(live: &Rule, desired: &Rule, added: &BTreeMap<String, String>) -> bool {
    // Destructured so that a new field of `Rule` cannot be forgotten here.
    let Rule {
        name,
        trigger_event_source,
        function,
        actions,
        publish_status,
        pre_evaluation_filters,
        tags,
    } = live;
    *name == desired.name
        && *function == desired.function
        && *publish_status == desired.publish_status
        && *trigger_event_source == desired.trigger_event_source
        && *actions == desired.actions
        && *pre_evaluation_filters == desired.pre_evaluation_filters
        && tags_match(tags, &desired.tags, added)
}

/// Whether the live tags are the desired ones plus `added`, the source tag aside.
fn tags_match(
    live: &BTreeMap<String, String>,
    desired: &BTreeMap<String, String>,
    added: &BTreeMap<String, String>,
) -> bool {
    let wanted = |key: &str| {
        added
            .get(key)
            .or_else(|| desired.get(key))
            .map(String::as_str)
    };
    let counted = |tags: &BTreeMap<String, String>| {
        tags.keys()
            .filter(|key| key.as_str() != SOURCE_TAG_KEY)
            .count()
    };
    let extra = added
        .keys()
        .filter(|key| !desired.contains_key(*key))
        .count();
    counted(live) == counted(desired) + extra
        && live
            .iter()
            .filter(|(key, _)| key.as_str() != SOURCE_TAG_KEY)
            .all(|(key, value)| wanted(key) == Some(value.as_str()))
}

/// Fills in the empty definitions that some clients drop (aws-sdk-connect cannot read
/// `EndAssociatedEmailsAction`), and treats empty filters as none, so neither shows as a change.
pub fn normalized(rule: &Rule) -> Rule {
    let mut rule = rule.clone();
    for action in &mut rule.actions {
        let slot = match enums::definition_member(&action.action_type) {
            Some("AssignContactCategoryAction") => &mut action.assign_contact_category_action,
            Some("EndAssociatedTasksAction") => &mut action.end_associated_tasks_action,
            Some("EndAssociatedEmailsAction") => &mut action.end_associated_emails_action,
            _ => continue,
        };
        slot.get_or_insert(EmptyDefinition {});
    }
    if rule
        .pre_evaluation_filters
        .as_ref()
        .is_some_and(|f| f.and_conditions.as_ref().is_none_or(Vec::is_empty))
    {
        rule.pre_evaluation_filters = None;
    }
    rule
}

fn to_json<T: serde::Serialize>(value: &T) -> Option<Value> {
    serde_json::to_value(value).ok()
}

/// The Function as JSON; text that is not JSON is compared as text.
fn function_json(function: &str) -> Value {
    serde_json::from_str(function).unwrap_or_else(|_| Value::String(function.to_owned()))
}

fn is_empty(value: &Value) -> bool {
    match value {
        Value::Null => true,
        Value::Object(map) => map.is_empty(),
        Value::Array(items) => items.is_empty(),
        _ => false,
    }
}

/// A form in which equal documents are equal: keys sorted, numbers as f64.
fn canonical(value: &Value) -> Value {
    match value {
        Value::Object(map) => {
            let sorted: BTreeMap<&String, Value> =
                map.iter().map(|(k, v)| (k, canonical(v))).collect();
            Value::Object(sorted.into_iter().map(|(k, v)| (k.clone(), v)).collect())
        }
        Value::Array(items) => Value::Array(items.iter().map(canonical).collect()),
        Value::Number(number) => number
            .as_f64()
            .and_then(serde_json::Number::from_f64)
            .map_or_else(|| value.clone(), Value::Number),
        other => other.clone(),
    }
}

fn pretty(value: &Value) -> String {
    match value {
        Value::String(text) => text.clone(),
        other => serde_json::to_string_pretty(other).unwrap_or_default(),
    }
}

#[cfg(test)]
mod source_tests {
    use super::source_of;
    use std::path::Path;

    #[test]
    fn a_source_is_recorded_from_the_config_folder_wherever_the_command_runs() {
        let from_subfolder = Path::new("../../rules/chat/x.yaml");
        assert_eq!(
            source_of(from_subfolder, Path::new("../..")),
            "rules/chat/x.yaml"
        );
        assert_eq!(
            source_of(Path::new("rules/x.yaml"), Path::new("")),
            "rules/x.yaml"
        );
        assert_eq!(
            source_of(Path::new("/elsewhere/x.yaml"), Path::new("../..")),
            "/elsewhere/x.yaml",
            "a folder outside the project keeps its path"
        );
    }
}

#[cfg(test)]
mod tests {
    use std::path::PathBuf;

    use super::*;
    use crate::model::ownership::{
        with_ownership, OWNERSHIP_TAG_KEY, OWNERSHIP_TAG_VALUE, OWNER_TAG_KEY,
    };
    use crate::model::{EventBridgeActionDefinition, RuleAction};
    use crate::plan::Summary;

    fn target() -> PlanTarget {
        PlanTarget {
            name: "test".into(),
            instance_id: "i".into(),
            local_state: None,
        }
    }

    fn desired(rules: &[Rule]) -> Vec<DesiredRule> {
        rules
            .iter()
            .map(|rule| DesiredRule {
                rule: rule.clone(),
                path: PathBuf::from(format!("rules/{}.yaml", rule.name)),
                name_pos: crate::node::Pos { line: 1, col: 7 },
            })
            .collect()
    }

    fn owned(rule: Rule) -> Rule {
        rule.tag(OWNERSHIP_TAG_KEY, OWNERSHIP_TAG_VALUE)
    }

    fn plan(want: &[Rule], live: &[LiveRule], options: &DiffOptions) -> Plan {
        diff(target(), &desired(want), live, options)
    }

    fn plan_for(want: &[Rule], live: &[LiveRule]) -> Plan {
        plan(want, live, &DiffOptions::default())
    }

    #[test]
    fn identical_rules_need_no_change() {
        let live = [owned(Rule::test("a")).live("r1")];
        let plan = plan(&[Rule::test("a")], &live, &DiffOptions::default());
        assert!(!plan.has_changes(), "{:?}", plan.changes);
    }

    /// The shortcut for equal rules must agree with the full comparison: whenever it says
    /// "equal", the fields compared through JSON show no change either, and a difference it
    /// misses would be a change never applied.
    #[test]
    fn the_shortcut_for_equal_rules_agrees_with_the_full_comparison() {
        let base = Rule::test("a").tag("team", "x");
        let mut reformatted = base.clone();
        reformatted.function =
            serde_json::to_string_pretty(&serde_json::from_str::<Value>(&base.function).unwrap())
                .unwrap();
        let mut no_definition = base.clone();
        no_definition.actions[0].assign_contact_category_action = None;
        let mut draft = base.clone();
        draft.publish_status = "DRAFT".to_owned();
        let variants = [
            ("same", base.clone(), false),
            ("source tag only", with_source(&base, "rules/a.yaml"), false),
            ("function reformatted", reformatted, false),
            ("empty definition dropped", no_definition, false),
            ("other tag value", base.clone().tag("team", "y"), true),
            ("extra tag", base.clone().tag("cost", "1"), true),
            ("draft", draft, true),
        ];
        for owned_live in [false, true] {
            for (label, live, differs) in &variants {
                let live = if owned_live {
                    owned(live.clone())
                } else {
                    live.clone()
                };
                let after = if owned_live {
                    with_ownership(&base)
                } else {
                    base.clone()
                };
                let changed = changed_fields(&live, &after);
                assert_eq!(!changed.is_empty(), *differs, "{label}: {changed:?}");
                let added = if owned_live {
                    Ownership::default().tags()
                } else {
                    BTreeMap::new()
                };
                if plainly_equal(&live, &base, &added) {
                    assert!(changed.is_empty(), "{label}: the shortcut hid {changed:?}");
                }
            }
        }
        let ours = Ownership::default().tags();
        // Equal as written, with the ownership tag the update would keep: no change.
        assert!(plainly_equal(&owned(base.clone()), &base, &ours));
        // The desired file naming the ownership tag itself changes nothing either.
        assert!(plainly_equal(
            &owned(base.clone()),
            &owned(base.clone()),
            &ours
        ));
        // A live rule that is not owned, compared as owned, lacks the tag: not equal.
        assert!(!plainly_equal(&base, &base, &ours));
    }

    #[test]
    fn a_rule_only_in_git_is_created_with_the_ownership_tag() {
        let plan = plan(&[Rule::test("a")], &[], &DiffOptions::default());
        let [Change::Create { after, source }] = plan.changes.as_slice() else {
            panic!("{:?}", plan.changes)
        };
        assert_eq!(
            after.tags.get(OWNERSHIP_TAG_KEY).map(String::as_str),
            Some(OWNERSHIP_TAG_VALUE)
        );
        assert_eq!(source, "rules/a.yaml");
        assert_eq!(
            plan.summary,
            Summary {
                create: 1,
                ..Summary::default()
            }
        );
    }

    #[test]
    fn functions_equal_as_json_are_not_a_change() {
        let mut reformatted = Rule::test("a");
        let value: Value = serde_json::from_str(&reformatted.function).unwrap();
        reformatted.function = serde_json::to_string_pretty(&value).unwrap();
        // Key order and 1 vs 1.0 do not matter either.
        reformatted.function = reformatted
            .function
            .replacen("\"Version\": \"2022-11-25\",", "", 1)
            .replacen('{', "{\"Version\": \"2022-11-25\",", 1);
        let live = [owned(Rule::test("a")).live("r1")];
        let plan = plan(&[reformatted], &live, &DiffOptions::default());
        assert!(!plan.has_changes(), "{:?}", plan.changes);
    }

    #[test]
    fn a_rule_in_git_but_not_owned_is_not_tagged_by_an_update() {
        let live = [Rule::test("imported").live("r1")];
        let plan1 = plan_for(&[Rule::test("imported")], &live);
        assert!(!plan1.has_changes(), "{:?}", plan1.changes);
        let plan2 = plan_for(&[Rule::test("imported").tag("team", "qa")], &live);
        let [Change::Update { after, .. }] = plan2.changes.as_slice() else {
            panic!("{:?}", plan2.changes)
        };
        assert!(!after.tags.contains_key(OWNERSHIP_TAG_KEY));
    }

    /// A live rule the tool created from `rules/{file}.yaml`.
    fn created_from(rule: Rule, file: &str, id: &str) -> LiveRule {
        with_source(&owned(rule), &format!("rules/{file}.yaml")).live(id)
    }

    fn desired_in(rule: Rule, file: &str) -> DesiredRule {
        DesiredRule {
            rule,
            path: PathBuf::from(format!("rules/{file}.yaml")),
            name_pos: crate::node::Pos::default(),
        }
    }

    #[test]
    fn creates_remember_their_file_and_the_source_tag_is_never_a_change() {
        let plan = plan_for(&[Rule::test("a")], &[]);
        let [Change::Create { after, .. }] = plan.changes.as_slice() else {
            panic!("{:?}", plan.changes)
        };
        assert_eq!(
            after.tags.get(SOURCE_TAG_KEY).map(String::as_str),
            Some("rules/a.yaml")
        );
        let live = [created_from(Rule::test("a"), "moved-elsewhere", "r1")];
        assert!(!plan_for(&[Rule::test("a")], &live).has_changes());
    }

    #[test]
    fn renaming_a_renamable_rule_in_its_file_is_an_update() {
        let mut salesforce = Rule::test("old-name");
        salesforce.trigger_event_source.event_source_name = "OnSalesforceCaseCreate".into();
        salesforce.trigger_event_source.integration_association_id = Some("i-1".into());
        let live = [created_from(salesforce.clone(), "case", "r1")];
        let mut renamed = salesforce;
        renamed.name = "new-name".into();
        let plan = diff(
            target(),
            &[desired_in(renamed, "case")],
            &live,
            &DiffOptions::default(),
        );
        let [change @ Change::Update { before, fields, .. }] = plan.changes.as_slice() else {
            panic!("{:?}", plan.changes)
        };
        assert_eq!(before.rule_id, "r1");
        assert_eq!(change.name(), "new-name");
        assert_eq!(fields[0].field, "Name");
        assert_eq!(plan.summary.delete, 0);
    }

    #[test]
    fn renaming_a_rule_whose_source_cannot_be_renamed_is_a_replace() {
        let live = [created_from(Rule::test("old-name"), "post-call", "r1")];
        let plan = diff(
            target(),
            &[desired_in(Rule::test("new-name"), "post-call")],
            &live,
            &DiffOptions::default(),
        );
        let [Change::Replace { reason, before, .. }] = plan.changes.as_slice() else {
            panic!("{:?}", plan.changes)
        };
        assert_eq!(before.rule.name, "old-name");
        assert!(
            reason.contains("cannot rename a rule of `OnPostCallAnalysisAvailable`"),
            "{reason}"
        );
        assert_eq!((plan.summary.create, plan.summary.delete), (0, 0));
    }

    #[test]
    fn an_ignored_rule_is_never_paired_as_a_rename() {
        let live = [created_from(Rule::test("legacy-foo"), "foo", "r1")];
        let options = DiffOptions {
            ignore: vec!["legacy-*".into()],
            ..DiffOptions::default()
        };
        let plan = diff(
            target(),
            &[desired_in(Rule::test("foo-v2"), "foo")],
            &live,
            &options,
        );
        let [Change::Create { after, .. }] = plan.changes.as_slice() else {
            panic!("{:?}", plan.changes)
        };
        assert_eq!(after.name, "foo-v2");
        assert_eq!(plan.unmanaged.len(), 1);
        assert!(plan.unmanaged[0].ignored, "{:?}", plan.unmanaged);
    }

    #[test]
    fn an_ignored_rule_still_in_git_is_listed_as_ignored() {
        let live = [owned(Rule::test("legacy-1")).live("r1")];
        let options = DiffOptions {
            ignore: vec!["legacy-*".into()],
            ..DiffOptions::default()
        };
        let plan = plan(&[Rule::test("legacy-1")], &live, &options);
        assert!(!plan.has_changes());
        assert_eq!(plan.unmanaged[0].name, "legacy-1");
        assert!(plan.unmanaged[0].ignored);
    }

    #[test]
    fn another_owners_rules_are_listed_and_never_changed() {
        let theirs = |name: &str| {
            owned(Rule::test(name))
                .tag(OWNER_TAG_KEY, "team-b")
                .tag(SOURCE_TAG_KEY, "rules/renamed.yaml")
        };
        let mut edited = Rule::test("shared");
        edited.publish_status = "DRAFT".into();
        let live = [
            theirs("shared").live("r1"),
            theirs("gone").live("r2"),
            theirs("old-name").live("r3"),
        ];
        let options = DiffOptions {
            owner: Some("team-a".into()),
            manage_all: true,
            ..DiffOptions::default()
        };
        let plan = diff(
            target(),
            &[
                desired_in(edited, "shared"),
                desired_in(Rule::test("new-name"), "renamed"),
            ],
            &live,
            &options,
        );
        let [Change::Create { after, .. }] = plan.changes.as_slice() else {
            panic!("{:?}", plan.changes)
        };
        assert_eq!(after.name, "new-name");
        assert_eq!(
            after.tags.get(OWNER_TAG_KEY).map(String::as_str),
            Some("team-a")
        );
        assert_eq!(plan.unmanaged.len(), 3);
        assert!(plan
            .unmanaged
            .iter()
            .all(|rule| rule.reason == "owned by `team-b`"));
    }

    #[test]
    fn an_owned_rule_with_the_owner_tag_needs_no_change() {
        let options = DiffOptions {
            owner: Some("team-a".into()),
            ..DiffOptions::default()
        };
        let live = [owned(Rule::test("a"))
            .tag(OWNER_TAG_KEY, "team-a")
            .live("r1")];
        assert!(!plan(&[Rule::test("a")], &live, &options).has_changes());
        let mut edited = Rule::test("a");
        edited.publish_status = "DRAFT".into();
        let plan = plan(&[edited], &live, &options);
        let [Change::Update { after, fields, .. }] = plan.changes.as_slice() else {
            panic!("{:?}", plan.changes)
        };
        assert_eq!(fields.len(), 1, "{fields:?}");
        assert_eq!(
            after.tags.get(OWNER_TAG_KEY).map(String::as_str),
            Some("team-a")
        );
    }

    #[test]
    fn a_file_that_created_two_live_rules_is_not_guessed_at() {
        let live = [
            created_from(Rule::test("x"), "same", "r1"),
            created_from(Rule::test("y"), "same", "r2"),
        ];
        let plan = diff(
            target(),
            &[desired_in(Rule::test("z"), "same")],
            &live,
            &DiffOptions::default(),
        );
        assert_eq!((plan.summary.create, plan.summary.delete), (1, 2));
    }

    #[test]
    fn a_changed_function_is_an_update_with_a_pretty_diff() {
        let mut changed = Rule::test("a");
        changed.function = changed.function.replace("refund", "cancel");
        let live = [owned(Rule::test("a")).live("r1")];
        let plan = plan(&[changed], &live, &DiffOptions::default());
        let [Change::Update { fields, .. }] = plan.changes.as_slice() else {
            panic!("{:?}", plan.changes)
        };
        assert_eq!(fields.len(), 1);
        assert_eq!(fields[0].field, "Function");
        assert!(
            fields[0].before.lines().count() > 5,
            "not pretty-printed: {}",
            fields[0].before
        );
        assert!(fields[0].before.contains("\"refund\""));
        assert!(fields[0].after.contains("\"cancel\""));
        assert_eq!(plan.changes[0].api_calls(), ["UpdateRule"]);
    }

    #[test]
    fn a_tag_only_change_uses_the_tagging_calls() {
        let live = [owned(Rule::test("a")).live("r1")];
        let plan = plan(
            &[Rule::test("a").tag("team", "qa")],
            &live,
            &DiffOptions::default(),
        );
        let [change @ Change::Update { fields, .. }] = plan.changes.as_slice() else {
            panic!("{:?}", plan.changes)
        };
        assert_eq!(fields[0].field, "Tags");
        assert_eq!(change.api_calls(), ["TagResource"]);
        let removed = plan_for(
            &[Rule::test("a")],
            &[owned(Rule::test("a").tag("old", "x")).live("r1")],
        );
        assert_eq!(removed.changes[0].api_calls(), ["UntagResource"]);
    }

    #[test]
    fn a_new_event_source_means_replace_with_the_reason() {
        let mut moved = Rule::test("a");
        moved.trigger_event_source.event_source_name = "OnRealTimeCallAnalysisAvailable".into();
        let live = [owned(Rule::test("a")).live("r1")];
        let plan = plan(&[moved], &live, &DiffOptions::default());
        let [Change::Replace { reason, .. }] = plan.changes.as_slice() else {
            panic!("{:?}", plan.changes)
        };
        assert!(reason
            .contains("from `OnPostCallAnalysisAvailable` to `OnRealTimeCallAnalysisAvailable`"));
    }

    #[test]
    fn a_replacement_carries_its_file_like_a_create() {
        let mut moved = Rule::test("a");
        moved.trigger_event_source.event_source_name = "OnRealTimeCallAnalysisAvailable".into();
        let live = [owned(Rule::test("a")).live("r1")];
        let plan = plan(&[moved], &live, &DiffOptions::default());
        let [Change::Replace { after, source, .. }] = plan.changes.as_slice() else {
            panic!("{:?}", plan.changes)
        };
        assert_eq!(after.tags.get(SOURCE_TAG_KEY), Some(source));
    }

    #[test]
    fn only_owned_rules_are_deleted_unless_manage_all() {
        let live = [
            owned(Rule::test("mine")).live("r1"),
            Rule::test("theirs").live("r2"),
        ];
        let plan1 = plan(&[], &live, &DiffOptions::default());
        assert_eq!(
            plan1.summary,
            Summary {
                delete: 1,
                unmanaged: 1,
                ..Summary::default()
            }
        );
        assert_eq!(plan1.changes[0].name(), "mine");
        assert_eq!(plan1.unmanaged[0].name, "theirs");
        let plan2 = plan(
            &[],
            &live,
            &DiffOptions {
                manage_all: true,
                ..DiffOptions::default()
            },
        );
        assert_eq!(plan2.summary.delete, 2);
    }

    #[test]
    fn ignored_rules_are_never_touched() {
        let live = [owned(Rule::test("legacy-1")).live("r1")];
        let mut edited = Rule::test("legacy-2");
        edited.publish_status = "DRAFT".into();
        let options = DiffOptions {
            ignore: vec!["legacy-*".into()],
            ..DiffOptions::default()
        };
        let plan = plan(&[edited], &live, &options);
        assert!(!plan.has_changes(), "{:?}", plan.changes);
        assert_eq!(
            plan.unmanaged[0].reason,
            "ignored by the config's `ignore` list"
        );
    }

    #[test]
    fn unknown_enum_values_survive_and_show() {
        let mut newer = owned(Rule::test("a"));
        newer.actions.push(RuleAction {
            action_type: "SEND_CARRIER_PIGEON".into(),
            ..RuleAction::default()
        });
        let live = [newer.live("r1")];
        let plan = plan(&[Rule::test("a")], &live, &DiffOptions::default());
        let [Change::Update { fields, before, .. }] = plan.changes.as_slice() else {
            panic!("{:?}", plan.changes)
        };
        assert!(fields[0].before.contains("SEND_CARRIER_PIGEON"));
        assert_eq!(before.rule.actions[1].action_type, "SEND_CARRIER_PIGEON");
    }

    #[test]
    fn dropped_empty_definitions_are_not_a_change() {
        let mut live_rule = owned(Rule::test("a"));
        live_rule.actions[0].assign_contact_category_action = None;
        let plan = plan(
            &[Rule::test("a")],
            &[live_rule.live("r1")],
            &DiffOptions::default(),
        );
        assert!(!plan.has_changes());
    }

    #[test]
    fn action_order_is_significant() {
        let mut two = Rule::test("a");
        two.actions.push(RuleAction {
            action_type: "GENERATE_EVENTBRIDGE_EVENT".into(),
            event_bridge_action: Some(EventBridgeActionDefinition { name: "e".into() }),
            ..RuleAction::default()
        });
        let mut swapped = owned(two.clone());
        swapped.actions.reverse();
        let plan = plan(&[two], &[swapped.live("r1")], &DiffOptions::default());
        assert_eq!(plan.summary.update, 1);
    }
}
