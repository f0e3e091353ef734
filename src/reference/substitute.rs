//! Replacing references in a rule file's string values: with ids when the instance was read,
//! or only checking their form when it was not (`validate`, offline).

use std::collections::{BTreeMap, BTreeSet};

use super::directory::{Directory, Lookup};
use super::kind::ResourceKind;
use super::parse::{replace_references, Reference, ReferenceError};
use crate::node::{Node, Pos, Value};

/// What references are resolved against.
#[derive(Debug, Clone, Copy)]
pub enum Resolver<'a> {
    /// Nothing: references are checked for their form and kind, and kept as written.
    Offline,
    /// The resources read from the target's instance.
    Instance(&'a Directory),
}

/// A reference that cannot be used, at the string value that holds it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReferenceProblem {
    pub pos: Pos,
    pub message: String,
    pub hint: String,
}

/// What substitution found in one file.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Substituted {
    /// The text each changed string value had as written, by position.
    pub written: BTreeMap<Pos, String>,
    /// Each reference resolved, with the id it resolved to.
    pub resolved: BTreeMap<Reference, String>,
    /// References that could not be used.
    pub problems: Vec<ReferenceProblem>,
    /// The kinds named, resolved or not.
    pub kinds: BTreeSet<ResourceKind>,
}

/// Replaces references in every string value under `node`, a rule file's top mapping (keys
/// are left alone). A reference of the wrong kind for its place ([`super::place_at`]) is a
/// problem there.
pub fn substitute_node(node: &mut Node, resolver: Resolver<'_>, found: &mut Substituted) {
    substitute_at(node, resolver, found, &mut Vec::new(), Written::Id);
}

/// What a reference is replaced with: the resource's id, or its ARN where the value compared
/// is an ARN (a Function condition on `...Agent.HierarchyGroup.ARN`: an id there would never
/// match, and the rule would silently never fire).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Written {
    Id,
    Arn,
}

/// Whether `entries` are a Function condition whose `ComparisonValue` is an ARN attribute.
fn compares_arns(entries: &[crate::node::Entry]) -> bool {
    entries.iter().any(|entry| {
        entry.key == "ComparisonValue"
            && matches!(&entry.value.value, Value::Str(attribute) if is_arn_attribute(attribute))
    })
}

fn is_arn_attribute(attribute: &str) -> bool {
    attribute.rsplit('.').next() == Some("ARN")
}

/// For a Function written as a JSON string: how each well-formed reference in `text` is
/// written, in the order the text holds them (an ARN in the `Operands` of a condition on an
/// ARN attribute, as for a Function written as a mapping). `None` when the text is not JSON,
/// or when its decoded strings do not hold the references the text does (one in a key, or
/// spelled with JSON escapes): those are written as ids.
fn function_string_places(text: &str) -> Option<Vec<Written>> {
    fn walk(value: &serde_json::Value, written: Written, places: &mut Vec<Written>) {
        match value {
            serde_json::Value::String(text) => {
                let count = super::parse::references_in(text)
                    .iter()
                    .filter(|reference| reference.is_ok())
                    .count();
                places.extend(std::iter::repeat_n(written, count));
            }
            serde_json::Value::Array(items) => {
                for item in items {
                    walk(item, written, places);
                }
            }
            serde_json::Value::Object(members) => {
                let arns = members
                    .get("ComparisonValue")
                    .and_then(serde_json::Value::as_str)
                    .is_some_and(is_arn_attribute);
                // Members in the text's order (serde_json keeps it), so places follow the text.
                for (key, member) in members {
                    let written = if arns && key == "Operands" {
                        Written::Arn
                    } else {
                        written
                    };
                    walk(member, written, places);
                }
            }
            _ => {}
        }
    }
    let value: serde_json::Value = serde_json::from_str(text).ok()?;
    let mut places = Vec::new();
    walk(&value, Written::Id, &mut places);
    let scanned = super::parse::references_in(text)
        .iter()
        .filter(|reference| reference.is_ok())
        .count();
    (places.len() == scanned).then_some(places)
}

fn substitute_at(
    node: &mut Node,
    resolver: Resolver<'_>,
    found: &mut Substituted,
    path: &mut Vec<String>,
    written: Written,
) {
    match &mut node.value {
        Value::Str(text) if text.contains("${") => {
            if let Some(place) = super::place_at(path) {
                found
                    .problems
                    .extend(
                        misplaced(text, place).map(|(message, hint)| ReferenceProblem {
                            pos: node.pos,
                            message,
                            hint,
                        }),
                    );
            }
            let places = (path.len() == 1 && path[0] == "Function")
                .then(|| function_string_places(text))
                .flatten();
            let replaced = match places {
                Some(places) => {
                    let mut places = places.into_iter();
                    substitute_text_as(text, resolver, node.pos, found, || {
                        places.next().unwrap_or(written)
                    })
                }
                None => substitute_text_as(text, resolver, node.pos, found, || written),
            };
            if replaced != *text {
                let written = std::mem::replace(text, replaced);
                found.written.insert(node.pos, written);
            }
        }
        Value::Seq(items) => {
            for item in items {
                substitute_at(item, resolver, found, path, written);
            }
        }
        Value::Map(entries) => {
            let arns = compares_arns(entries);
            for entry in entries {
                let written = if arns && entry.key == "Operands" {
                    Written::Arn
                } else {
                    written
                };
                path.push(entry.key.clone());
                substitute_at(&mut entry.value, resolver, found, path, written);
                path.pop();
            }
        }
        _ => {}
    }
}

/// The message and hint of each reference in `text` whose kind `place` does not take.
fn misplaced(text: &str, place: super::Place) -> impl Iterator<Item = (String, String)> + '_ {
    super::parse::references_in(text)
        .into_iter()
        .filter_map(Result::ok)
        .filter(move |reference| reference.kind != place.kind)
        .map(move |reference| {
            (
                format!(
                    "`{reference}` names a {}, but {} takes a {}",
                    reference.kind.noun(),
                    place.what,
                    place.kind.noun()
                ),
                format!(
                    "write `${{{}:NAME}}` with the {}'s {}",
                    place.kind.token(),
                    place.kind.noun(),
                    place.kind.name_member()
                ),
            )
        })
}

/// `text` with its references replaced by ids (where `resolver` can); problems recorded at `pos`.
pub fn substitute_text(
    text: &str,
    resolver: Resolver<'_>,
    pos: Pos,
    found: &mut Substituted,
) -> String {
    substitute_text_as(text, resolver, pos, found, || Written::Id)
}

/// `written` says how each well-formed reference, in the text's order, is written.
fn substitute_text_as(
    text: &str,
    resolver: Resolver<'_>,
    pos: Pos,
    found: &mut Substituted,
    mut written: impl FnMut() -> Written,
) -> String {
    for malformed in super::parse::references_in(text)
        .into_iter()
        .filter_map(Result::err)
    {
        found.problems.push(malformed_problem(pos, &malformed));
    }
    replace_references(text, |reference| {
        found.kinds.insert(reference.kind);
        let written = written();
        let Resolver::Instance(directory) = resolver else {
            return None;
        };
        match directory.lookup(reference) {
            Lookup::Found(resource) => {
                let value = match written {
                    Written::Id => &resource.id,
                    Written::Arn => &resource.arn,
                };
                found.resolved.insert(reference.clone(), value.clone());
                Some(value.clone())
            }
            lookup => {
                found.problems.push(lookup_problem(pos, reference, &lookup));
                None
            }
        }
    })
}

fn malformed_problem(pos: Pos, error: &ReferenceError) -> ReferenceProblem {
    ReferenceProblem {
        pos,
        message: error.to_string(),
        hint: error.hint(),
    }
}

/// The problem a failed lookup makes.
pub fn lookup_problem(pos: Pos, reference: &Reference, lookup: &Lookup<'_>) -> ReferenceProblem {
    let noun = reference.kind.noun();
    match lookup {
        Lookup::Missing { suggestions } => ReferenceProblem {
            pos,
            message: format!(
                "`{reference}`: no {noun} is named `{}` on this instance",
                reference.name
            ),
            hint: match suggestions.as_slice() {
                [] => format!(
                    "names are matched exactly, case included; check the {noun}'s {} in the console",
                    reference.kind.name_member()
                ),
                [one] => format!("did you mean `{one}`?"),
                many => format!(
                    "did you mean one of {}?",
                    many.iter()
                        .map(|name| format!("`{name}`"))
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            },
        },
        Lookup::Ambiguous(resources) => ReferenceProblem {
            pos,
            message: format!(
                "`{reference}`: {} {noun}s are named `{}` ({})",
                resources.len(),
                reference.name,
                super::listed_ids(resources)
            ),
            hint: format!(
                "a reference must name one {noun}: rename one of them, or write the id you mean"
            ),
        },
        Lookup::NotRead | Lookup::Found(_) => ReferenceProblem {
            pos,
            message: format!("`{reference}`: the {noun}s of this instance were not read"),
            hint: "this is a bug in connect-rules; please report it with the command you ran"
                .to_owned(),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::reference::Resource;

    fn directory() -> Directory {
        let mut directory = Directory::default();
        let resource = |id: &str, name: &str| Resource {
            id: id.to_owned(),
            arn: format!("arn:{id}"),
            name: name.to_owned(),
        };
        directory.insert(
            ResourceKind::Queue,
            vec![
                resource("q-1", "Billing"),
                resource("q-3", "Support"),
                resource("q-4", "Support"),
            ],
        );
        directory
    }

    /// `directory` with the hierarchy group `Tier 1` (`h-1`), whose ARN differs from its id.
    fn with_tier_1(mut directory: Directory) -> Directory {
        directory.insert(
            ResourceKind::HierarchyGroup,
            vec![Resource {
                id: "h-1".to_owned(),
                arn: "arn:aws:connect:eu-west-2:1:instance/i/agent-group/h-1".to_owned(),
                name: "Tier 1".to_owned(),
            }],
        );
        directory
    }

    fn string(text: &str, line: usize) -> Node {
        Node {
            value: Value::Str(text.to_owned()),
            pos: Pos { line, col: 5 },
        }
    }

    #[test]
    fn a_condition_that_compares_arns_gets_the_arn_and_others_the_id() {
        let directory = with_tier_1(directory());
        let mut node = crate::load::yaml::parse(
            "Function:\n  RuleFunction:\n    Operator: AND\n    Operands:\n      - Operator: CONTAINS_ANY\n        Operands: [\"${hierarchy-group:Tier 1}\"]\n        ComparisonValue: $.ContactLens.PostCall.Agent.HierarchyGroup.ARN\n      - Operator: CONTAINS_ANY\n        Operands: [\"${queue:Billing}\"]\n        ComparisonValue: $.ContactLens.PostCall.Queue.QueueId\n",
        )
        .expect("YAML");
        let mut found = Substituted::default();
        substitute_node(&mut node, Resolver::Instance(&directory), &mut found);
        assert!(found.problems.is_empty(), "{:?}", found.problems);
        let values: Vec<&str> = found.resolved.values().map(String::as_str).collect();
        assert_eq!(
            values,
            [
                "q-1",
                "arn:aws:connect:eu-west-2:1:instance/i/agent-group/h-1"
            ],
            "the queue by id, the hierarchy group by ARN"
        );
    }

    #[test]
    fn a_function_written_as_json_gets_the_arn_where_its_condition_compares_arns() {
        let directory = with_tier_1(directory());
        // The queue comes first and after, so the order of the places is what is checked.
        let function = r#"{"RuleFunction":{"Operator":"AND","Operands":[{"Operands":["${queue:Billing}"],"Operator":"CONTAINS_ANY","ComparisonValue":"$.ContactLens.PostCall.Queue.QueueId"},{"Operator":"CONTAINS_ANY","Operands":["${hierarchy-group:Tier 1}"],"ComparisonValue":"$.ContactLens.PostCall.Agent.HierarchyGroup.ARN"},{"Operator":"CONTAINS_ANY","ComparisonValue":"$.ContactLens.PostCall.Queue.QueueId","Operands":["${queue:Billing}"]}]}}"#;
        let mut node =
            crate::load::yaml::parse(&format!("Function: '{function}'\n")).expect("YAML");
        let mut found = Substituted::default();
        substitute_node(&mut node, Resolver::Instance(&directory), &mut found);
        assert!(found.problems.is_empty(), "{:?}", found.problems);
        let Value::Map(entries) = &node.value else {
            unreachable!()
        };
        assert_eq!(
            entries[0].value.as_str(),
            Some(
                function
                    .replace("${queue:Billing}", "q-1")
                    .replace(
                        "${hierarchy-group:Tier 1}",
                        "arn:aws:connect:eu-west-2:1:instance/i/agent-group/h-1"
                    )
                    .as_str()
            )
        );
        // A reference the JSON hides from the walk (spelled with an escape) leaves every
        // reference in the string written as an id, as before.
        assert_eq!(
            function_string_places(
                r#"{"Operands":["${queue:Billing}", "\u0024{queue:Billing}"], "ComparisonValue":"$.X.ARN"}"#
            ),
            None
        );
        assert_eq!(function_string_places("not json ${queue:Billing}"), None);
    }

    #[test]
    fn resolved_references_become_ids_and_remember_what_was_written() {
        let directory = directory();
        let mut node = Node::new(Value::Seq(vec![
            string("${queue:Billing}", 1),
            string("plain", 2),
            string("$${queue:Billing}", 3),
        ]));
        let mut found = Substituted::default();
        substitute_node(&mut node, Resolver::Instance(&directory), &mut found);
        let Value::Seq(items) = &node.value else {
            unreachable!()
        };
        assert_eq!(items[0].as_str(), Some("q-1"));
        assert_eq!(items[1].as_str(), Some("plain"));
        assert_eq!(
            items[2].as_str(),
            Some("$${queue:Billing}"),
            "left for the variable pass"
        );
        assert_eq!(
            found
                .written
                .get(&Pos { line: 1, col: 5 })
                .map(String::as_str),
            Some("${queue:Billing}")
        );
        assert_eq!(found.written.len(), 1);
        assert!(found.problems.is_empty());
        assert_eq!(found.resolved.values().collect::<Vec<_>>(), ["q-1"]);
    }

    #[test]
    fn missing_and_ambiguous_names_are_problems_where_they_are_written() {
        let directory = directory();
        let mut found = Substituted::default();
        let pos = Pos { line: 7, col: 9 };
        let text = substitute_text(
            "${queue:billing} ${queue:Support}",
            Resolver::Instance(&directory),
            pos,
            &mut found,
        );
        assert_eq!(text, "${queue:billing} ${queue:Support}");
        assert_eq!(found.problems.len(), 2);
        assert!(found.problems.iter().all(|problem| problem.pos == pos));
        assert_eq!(found.problems[0].hint, "did you mean `Billing`?");
        assert!(
            found.problems[1].message.contains("`q-3`, `q-4`"),
            "{}",
            found.problems[1].message
        );
    }

    #[test]
    fn a_reference_of_the_wrong_kind_for_its_place_is_a_problem_there_even_offline() {
        let text = "Actions:\n  - TaskAction:\n      ContactFlowId: ${queue:Billing}\n      Name: ${queue:Billing}\n  - SendNotificationAction:\n      Recipient:\n        UserIds: [\"${user:jdoe}\", \"${flow:Callback}\"]\n";
        let mut node = crate::load::yaml::parse(text).expect("yaml");
        let mut found = Substituted::default();
        substitute_node(&mut node, Resolver::Offline, &mut found);
        let problems: Vec<(usize, &str, &str)> = found
            .problems
            .iter()
            .map(|p| (p.pos.line, p.message.as_str(), p.hint.as_str()))
            .collect();
        assert_eq!(
            problems,
            [
                (
                    3,
                    "`${queue:Billing}` names a queue, but `ContactFlowId` of a task action takes a flow",
                    "write `${flow:NAME}` with the flow's Name"
                ),
                (
                    7,
                    "`${flow:Callback}` names a flow, but `UserIds` of notification recipients takes a user",
                    "write `${user:NAME}` with the user's Username"
                ),
            ]
        );
    }

    #[test]
    fn offline_only_the_form_is_checked_and_references_stay() {
        let mut found = Substituted::default();
        let pos = Pos { line: 2, col: 1 };
        let text = substitute_text(
            "${queue:Billing} ${queues:X}",
            Resolver::Offline,
            pos,
            &mut found,
        );
        assert_eq!(text, "${queue:Billing} ${queues:X}");
        assert_eq!(found.problems.len(), 1);
        assert!(found.problems[0].hint.contains("`queue`"));
        assert_eq!(found.kinds, BTreeSet::from([ResourceKind::Queue]));
    }
}
