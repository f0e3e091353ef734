//! The service's rules for a rule that the model cannot express, written once over the
//! document tree: `validate` reads them from rule files, the emulator from request bodies.
//!
//! Each breach names the member it concerns (in the validator's spelling, `Actions[0].TaskAction`)
//! and where to point in a file; the caller words it for its reader (a diagnostic with a hint,
//! or the service's `Value .. at '..' failed to satisfy constraint` message).

use crate::model::enums;
use crate::node::{Node, Pos, Value};

/// Total UTF-8 bytes a task's references may take (keys plus values).
pub const MAX_REFERENCE_BYTES: usize = 4096;

/// One breach of a rule the model cannot express.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Breach {
    /// The member concerned, e.g. `Actions[0].TaskAction` or `Function`.
    pub path: String,
    /// Where a reader of the file should look.
    pub pos: Pos,
    /// What is wrong.
    pub kind: BreachKind,
}

/// What is wrong.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BreachKind {
    /// A Zendesk or Salesforce event source without `IntegrationAssociationId`.
    IntegrationMissing {
        /// The event source.
        source: String,
    },
    /// `Function` is a string that is not JSON.
    FunctionNotJson {
        /// The parser's message, without its position.
        error: String,
        /// The line in the JSON text.
        line: usize,
        /// The column in the JSON text.
        column: usize,
    },
    /// `Function` is JSON but not an object.
    FunctionNotObject {
        /// What it is instead (`a list`, `a string`, ...).
        found: &'static str,
    },
    /// An action without the definition member its `ActionType` names.
    DefinitionMissing {
        /// The action's index in `Actions`.
        index: usize,
        /// Its `ActionType`.
        action_type: String,
        /// The member it needs.
        member: &'static str,
    },
    /// An action carrying the definition member of another `ActionType`.
    DefinitionForeign {
        /// The action's index in `Actions`.
        index: usize,
        /// Its `ActionType`.
        action_type: String,
        /// The member it needs.
        expected: &'static str,
        /// The member that does not belong.
        member: &'static str,
        /// The `ActionType` that member belongs to.
        owner: &'static str,
    },
    /// A task's references take more than [`MAX_REFERENCE_BYTES`].
    ReferencesTooLong {
        /// The action's index in `Actions`.
        index: usize,
        /// The bytes they take.
        bytes: usize,
    },
}

/// Every breach in a rule (a `CreateRule`/`UpdateRule` body or a rule file's tree). Members of
/// the wrong kind are left to the model's checks; an explicit null counts as absent, as the
/// service treats it.
pub fn check_rule(rule: &Node) -> Vec<Breach> {
    let mut found = Vec::new();
    check_trigger(rule, &mut found);
    check_function(rule, &mut found);
    if let Some(Value::Seq(actions)) = rule.get("Actions").map(|actions| &actions.value) {
        for (index, action) in actions.iter().enumerate() {
            check_action(index, action, &mut found);
        }
    }
    found
}

fn present<'a>(node: &'a Node, member: &str) -> Option<&'a Node> {
    node.get(member).filter(|value| value.value != Value::Null)
}

fn check_trigger(rule: &Node, found: &mut Vec<Breach>) {
    let Some(trigger) = rule.get("TriggerEventSource") else {
        return;
    };
    let Some(source) = trigger.get("EventSourceName").and_then(Node::as_str) else {
        return;
    };
    if enums::INTEGRATION_EVENT_SOURCES.contains(&source)
        && present(trigger, "IntegrationAssociationId").is_none()
    {
        found.push(Breach {
            path: "TriggerEventSource.IntegrationAssociationId".to_owned(),
            pos: trigger.pos,
            kind: BreachKind::IntegrationMissing {
                source: source.to_owned(),
            },
        });
    }
}

/// A string `Function` must hold a JSON object (a rule file's mapping form is one already).
fn check_function(rule: &Node, found: &mut Vec<Breach>) {
    let Some(function) = rule.get("Function") else {
        return;
    };
    let Some(text) = function.as_str() else {
        return;
    };
    let kind = match serde_json::from_str::<serde_json::Value>(text) {
        Ok(serde_json::Value::Object(_)) => return,
        Ok(other) => BreachKind::FunctionNotObject {
            found: Node::from_json(&other).value.kind(),
        },
        Err(err) => BreachKind::FunctionNotJson {
            error: json_error_text(&err),
            line: err.line(),
            column: err.column(),
        },
    };
    found.push(Breach {
        path: "Function".to_owned(),
        pos: function.pos,
        kind,
    });
}

/// serde_json's message without its own ` at line L column C` suffix.
fn json_error_text(err: &serde_json::Error) -> String {
    let text = err.to_string();
    match text.rfind(" at line ") {
        Some(index) => text[..index].to_owned(),
        None => text,
    }
}

fn check_action(index: usize, action: &Node, found: &mut Vec<Breach>) {
    let Value::Map(entries) = &action.value else {
        return;
    };
    let Some(action_type) = action.get("ActionType").and_then(Node::as_str) else {
        return;
    };
    let here = format!("Actions[{index}]");
    if let Some(expected) = enums::definition_member(action_type) {
        if present(action, expected).is_none() {
            found.push(Breach {
                path: format!("{here}.{expected}"),
                pos: action.pos,
                kind: BreachKind::DefinitionMissing {
                    index,
                    action_type: action_type.to_owned(),
                    member: expected,
                },
            });
        }
        for entry in entries
            .iter()
            .filter(|entry| entry.value.value != Value::Null)
        {
            let Some((owner, member)) = enums::ACTION_DEFINITIONS
                .iter()
                .find(|(_, member)| *member == entry.key && *member != expected)
            else {
                continue;
            };
            found.push(Breach {
                path: format!("{here}.{member}"),
                pos: entry.key_pos,
                kind: BreachKind::DefinitionForeign {
                    index,
                    action_type: action_type.to_owned(),
                    expected,
                    member,
                    owner,
                },
            });
        }
    }
    if let Some(references) = action
        .get("TaskAction")
        .and_then(|task| task.get("References"))
    {
        let bytes = reference_bytes(references);
        if bytes > MAX_REFERENCE_BYTES {
            found.push(Breach {
                path: format!("{here}.TaskAction.References"),
                pos: references.pos,
                kind: BreachKind::ReferencesTooLong { index, bytes },
            });
        }
    }
}

/// The UTF-8 bytes of a references map: every key and every `Value`.
fn reference_bytes(references: &Node) -> usize {
    let Value::Map(entries) = &references.value else {
        return 0;
    };
    entries
        .iter()
        .map(|entry| {
            entry.key.len()
                + entry
                    .value
                    .get("Value")
                    .and_then(Node::as_str)
                    .map_or(0, str::len)
        })
        .sum()
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn kinds(rule: &serde_json::Value) -> Vec<BreachKind> {
        check_rule(&Node::from_json(rule))
            .into_iter()
            .map(|breach| breach.kind)
            .collect()
    }

    fn rule(actions: &serde_json::Value) -> serde_json::Value {
        json!({
            "TriggerEventSource": {"EventSourceName": "OnPostCallAnalysisAvailable"},
            "Function": "{}",
            "Actions": actions,
        })
    }

    #[test]
    fn a_sound_rule_has_no_breach() {
        let actions = json!([{"ActionType": "CREATE_TASK",
            "TaskAction": {"Name": "n", "ContactFlowId": "f",
                "References": {"k": {"Type": "STRING", "Value": "v"}}}}]);
        assert_eq!(kinds(&rule(&actions)), []);
    }

    #[test]
    fn integration_sources_need_an_association_and_null_is_absent() {
        let mut body = rule(&json!([]));
        body["TriggerEventSource"] =
            json!({"EventSourceName": "OnZendeskTicketCreate", "IntegrationAssociationId": null});
        let breaches = check_rule(&Node::from_json(&body));
        assert_eq!(
            breaches[0].path,
            "TriggerEventSource.IntegrationAssociationId"
        );
        assert_eq!(
            breaches[0].kind,
            BreachKind::IntegrationMissing {
                source: "OnZendeskTicketCreate".to_owned()
            }
        );
    }

    #[test]
    fn function_strings_must_be_json_objects() {
        let mut body = rule(&json!([]));
        body["Function"] = json!("[1]");
        assert_eq!(
            kinds(&body),
            [BreachKind::FunctionNotObject { found: "a list" }]
        );
        body["Function"] = json!("{");
        assert!(matches!(
            kinds(&body)[0],
            BreachKind::FunctionNotJson { line: 1, .. }
        ));
    }

    #[test]
    fn actions_carry_exactly_their_definition() {
        let actions = json!([{"ActionType": "CREATE_TASK",
            "AssignContactCategoryAction": {}, "EventBridgeAction": null}]);
        let breaches = check_rule(&Node::from_json(&rule(&actions)));
        let paths: Vec<&str> = breaches.iter().map(|b| b.path.as_str()).collect();
        assert_eq!(
            paths,
            [
                "Actions[0].TaskAction",
                "Actions[0].AssignContactCategoryAction"
            ]
        );
    }

    #[test]
    fn references_are_limited_in_total_bytes() {
        // 4,094 bytes of value: with a two-byte key exactly at the limit, with three over it.
        let fits = "é".repeat((MAX_REFERENCE_BYTES - 2) / 2);
        let at_limit = json!([{"ActionType": "CREATE_TASK", "TaskAction": {"Name": "n",
            "ContactFlowId": "f", "References": {"kk": {"Type": "STRING", "Value": fits}}}}]);
        assert_eq!(kinds(&rule(&at_limit)), []);
        let over = json!([{"ActionType": "CREATE_TASK", "TaskAction": {"Name": "n",
            "ContactFlowId": "f", "References": {"kkk": {"Type": "STRING", "Value": fits}}}}]);
        assert_eq!(
            kinds(&rule(&over)),
            [BreachKind::ReferencesTooLong {
                index: 0,
                bytes: MAX_REFERENCE_BYTES + 1
            }]
        );
    }
}
