//! A `Function` schema per event source, from the condition catalogue.
//!
//! For each source the catalogue knows, four definitions are added:
//! `<Source>Function` (the document), `<Source>Expression` (a compound or a condition),
//! `<Source>Compound` (`AND`/`OR` over expressions; `<Source>RuleFunction` is the top one) and
//! `<Source>Condition` (a leaf, see [`super::condition`]). The rule schema then says: if `TriggerEventSource.EventSourceName`
//! is that source, a `Function` written as a mapping must match `<Source>Function`. A
//! `Function` written as a JSON string stays a string: JSON Schema cannot look inside it, and
//! `validate` checks it either way.

use serde_json::{json, Map, Value};

use crate::function::ast::VERSION;
use crate::function::catalog::{SourceCatalog, SOURCES};

use super::condition::condition_schema;
use super::{def_ref, push_all_of};

/// Adds each source's definitions to `defs` and its `if`/`then` to the root rule schema.
pub(super) fn add_source_functions(root: &mut Map<String, Value>, defs: &mut Map<String, Value>) {
    let mut by_source = Vec::new();
    for catalog in SOURCES {
        let source = catalog.source;
        defs.insert(format!("{source}Function"), document(catalog));
        defs.insert(format!("{source}Expression"), expression(source));
        defs.insert(format!("{source}Compound"), compound(source, false));
        defs.insert(format!("{source}RuleFunction"), compound(source, true));
        defs.insert(format!("{source}Condition"), condition_schema(catalog));
        by_source.push(json!({
            "if": {
                "properties": {
                    "TriggerEventSource": {
                        "properties": { "EventSourceName": { "const": source } },
                        "required": ["EventSourceName"]
                    }
                },
                "required": ["TriggerEventSource"]
            },
            "then": {
                "properties": {
                    "Function": {
                        "if": { "type": "object" },
                        "then": def_ref(&format!("{source}Function"))
                    }
                }
            }
        }));
    }
    push_all_of(root, by_source);
}

fn document(catalog: &SourceCatalog) -> Value {
    let source = catalog.source;
    let coverage = if catalog.complete {
        "every condition its page defines"
    } else {
        "the conditions read from its page so far (others are allowed)"
    };
    json!({
        "description": format!(
            "A Rules Function for `{source}` (rules run when {}): {coverage}. See {}",
            catalog.when, catalog.page
        ),
        "type": "object",
        "properties": {
            "Version": { "type": "string", "const": VERSION },
            "RuleFunction": def_ref(&format!("{source}RuleFunction"))
        },
        "required": ["Version", "RuleFunction"],
        "additionalProperties": false
    })
}

/// A condition or a group. `anyOf` rather than `if`/`then`/`else` on the `Operator`: the YAML
/// language server reads an `Operator:` being typed as matching the `if`, and would then offer
/// only `AND`/`OR`; with `anyOf` it offers the operators of the condition's path.
fn expression(source: &str) -> Value {
    json!({
        "anyOf": [
            def_ref(&format!("{source}Condition")),
            def_ref(&format!("{source}Compound"))
        ]
    })
}

/// `AND`/`OR` over expressions. The top one may also carry a `FilterClause`: some sources
/// (metric rules) group the whole function by one; `validate` says which sources may.
fn compound(source: &str, top: bool) -> Value {
    let mut properties = json!({
        "Operator": {
            "description": "`AND`: every operand holds; `OR`: at least one does.",
            "type": "string",
            "enum": ["AND", "OR"]
        },
        "Operands": {
            "type": "array",
            "minItems": 1,
            "items": def_ref(&format!("{source}Expression"))
        },
        "Negate": { "type": "boolean" }
    });
    if top {
        properties["FilterClause"] = json!({ "type": "object" });
    }
    json!({
        "type": "object",
        "properties": properties,
        "required": ["Operator", "Operands"],
        "additionalProperties": false
    })
}
