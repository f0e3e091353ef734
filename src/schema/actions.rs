//! Each `ActionType` tied to the one member of `RuleAction` that carries its definition.

use serde_json::{json, Map, Value};

use crate::model::enums::ACTION_DEFINITIONS;

use super::push_all_of;

/// Adds to the `RuleAction` schema one `if ActionType is T then MEMBER is required and no
/// other definition member is written`, per action type.
pub(super) fn tie_definitions(action: &mut Map<String, Value>) {
    let ties = ACTION_DEFINITIONS.iter().map(|(kind, member)| {
        let others: Map<String, Value> = ACTION_DEFINITIONS
            .iter()
            .filter(|(_, other)| other != member)
            .map(|(_, other)| ((*other).to_owned(), Value::Bool(false)))
            .collect();
        json!({
            "if": {
                "properties": { "ActionType": { "const": kind } },
                "required": ["ActionType"]
            },
            "then": {
                "required": [member],
                "properties": others
            }
        })
    });
    push_all_of(action, ties);
}
