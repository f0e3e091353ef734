//! The schema of one leaf condition of a source, from its catalogue table.
//!
//! `ComparisonValue` lists every path of the source (one `const` or `pattern` each, described
//! by the catalogue's subject phrase), so an editor completes them; then, per path, an
//! `if`/`then` narrows `Operator`, `Negate`, the `FilterClause` filter types and, per
//! operator, `Operands`.

use serde_json::{json, Map, Value};

use crate::function::catalog::{ConditionSpec, OperandSpec, SourceCatalog};
use crate::function::path::bindings;

/// `<Source>Condition`.
pub(super) fn condition_schema(catalog: &SourceCatalog) -> Value {
    let groups = group_by_path(catalog.conditions);
    let literals: Vec<&str> = groups
        .iter()
        .map(|(path, _)| *path)
        .filter(|path| !path.contains('{'))
        .collect();

    let mut paths: Vec<Value> = groups
        .iter()
        .map(|(path, specs)| {
            let mut choice = path_matcher(path, &[]);
            choice["description"] = json!(describe(specs));
            choice
        })
        .collect();
    let mut operators: Vec<&str> = Vec::new();
    for spec in catalog.conditions {
        for operator in spec.operators {
            if !operators.contains(operator) {
                operators.push(operator);
            }
        }
    }
    let mut operator = json!({ "type": "string", "enum": operators });
    if !catalog.complete {
        // The table covers only part of its page: other paths and operators may be valid.
        paths.push(json!({ "type": "string", "pattern": "^\\$\\." }));
        operator = json!({ "type": "string", "examples": operators });
    }

    let ties: Vec<Value> = groups
        .iter()
        .map(|(path, specs)| {
            json!({
                "if": {
                    "properties": { "ComparisonValue": path_matcher(path, &literals) },
                    "required": ["ComparisonValue"]
                },
                "then": narrowed(specs)
            })
        })
        .collect();

    json!({
        "description": format!(
            "A condition of a `{}` rule: a `ComparisonValue` path, an `Operator` and its `Operands`.",
            catalog.source
        ),
        "type": "object",
        "properties": {
            "ComparisonValue": {
                "description": "The value the condition tests, as a JSON path.",
                "type": "string",
                "anyOf": paths
            },
            "Operator": operator,
            "Operands": { "type": "array" },
            "FilterClause": filter_clause(),
            "Negate": { "type": "boolean" }
        },
        "required": ["ComparisonValue", "Operator", "Operands"],
        "additionalProperties": false,
        "allOf": ties
    })
}

/// The specs of the table grouped by path, in table order.
fn group_by_path(
    specs: &'static [ConditionSpec],
) -> Vec<(&'static str, Vec<&'static ConditionSpec>)> {
    let mut groups: Vec<(&str, Vec<&ConditionSpec>)> = Vec::new();
    for spec in specs {
        match groups.iter_mut().find(|(path, _)| *path == spec.path) {
            Some((_, group)) => group.push(spec),
            None => groups.push((spec.path, vec![spec])),
        }
    }
    groups
}

/// A schema matching `path`: a `const`, or for a path with `{name}` placeholders a `pattern`
/// (a placeholder is one segment, or the rest of the path when it is the last one, as
/// [`bindings`] reads it) that excludes the `literals` the catalogue lists on their own.
fn path_matcher(path: &str, literals: &[&str]) -> Value {
    if !path.contains('{') {
        return json!({ "const": path });
    }
    let segments: Vec<&str> = path.split('.').collect();
    let pattern: Vec<String> = segments
        .iter()
        .enumerate()
        .map(|(index, segment)| {
            if segment.starts_with('{') {
                if index + 1 == segments.len() {
                    ".+".to_owned()
                } else {
                    "[^.]+".to_owned()
                }
            } else {
                escape_regex(segment)
            }
        })
        .collect();
    let mut matcher = json!({ "type": "string", "pattern": format!("^{}$", pattern.join("\\.")) });
    let shadowed: Vec<&str> = literals
        .iter()
        .copied()
        .filter(|literal| bindings(path, literal).is_some())
        .collect();
    if !shadowed.is_empty() {
        matcher["not"] = json!({ "enum": shadowed });
    }
    matcher
}

fn escape_regex(text: &str) -> String {
    let mut escaped = String::with_capacity(text.len());
    for c in text.chars() {
        if "\\^$.|?*+()[]{}/-".contains(c) {
            escaped.push('\\');
        }
        escaped.push(c);
    }
    escaped
}

/// "The transcript (exact match). Operators: CONTAINS_ANY."
fn describe(specs: &[&ConditionSpec]) -> String {
    let subject = specs[0].subject;
    let mut first = subject.chars();
    let subject = first.next().map_or_else(String::new, |c| {
        c.to_uppercase().chain(first).collect::<String>()
    });
    let operators: Vec<&str> = specs
        .iter()
        .flat_map(|spec| spec.operators)
        .copied()
        .collect();
    format!("{subject}. Operators: {}.", operators.join(", "))
}

/// What the specs of one path allow.
fn narrowed(specs: &[&ConditionSpec]) -> Value {
    let operators: Vec<&str> = specs
        .iter()
        .flat_map(|spec| spec.operators)
        .copied()
        .collect();
    let mut filter_kinds: Vec<&str> = Vec::new();
    for filter in specs.iter().flat_map(|spec| spec.filters) {
        if !filter_kinds.contains(&filter.kind) {
            filter_kinds.push(filter.kind);
        }
    }
    let mut properties = Map::new();
    properties.insert("Operator".to_owned(), json!({ "enum": operators }));
    if specs.iter().all(|spec| !spec.negatable) {
        properties.insert("Negate".to_owned(), json!({ "const": false }));
    }
    let filter_clause = if filter_kinds.is_empty() {
        Value::Bool(false)
    } else {
        json!({
            "properties": {
                "Filters": { "items": { "properties": { "Type": { "enum": filter_kinds } } } }
            }
        })
    };
    properties.insert("FilterClause".to_owned(), filter_clause);
    let operands: Vec<Value> = specs
        .iter()
        .map(|spec| {
            json!({
                "if": {
                    "properties": { "Operator": { "enum": spec.operators } },
                    "required": ["Operator"]
                },
                "then": { "properties": { "Operands": operands_schema(&spec.operands) } }
            })
        })
        .collect();
    json!({ "properties": properties, "allOf": operands })
}

/// What `Operands` must hold. Operand kinds this generator does not describe stay any list,
/// and `validate` checks them.
#[allow(clippy::match_wildcard_for_single_variants)]
fn operands_schema(operands: &OperandSpec) -> Value {
    let list = |items: Value, min: usize, max: Option<usize>| {
        let mut list = json!({ "type": "array", "items": items, "minItems": min });
        if let Some(max) = max {
            list["maxItems"] = json!(max);
        }
        list
    };
    let bounded = |kind: &str, min: Option<Value>, max: Option<Value>| {
        let mut item = json!({ "type": kind });
        if let Some(min) = min {
            item["minimum"] = min;
        }
        if let Some(max) = max {
            item["maximum"] = max;
        }
        item
    };
    let finite = |bound: f64| bound.is_finite().then(|| json!(bound));
    match *operands {
        OperandSpec::Strings { min, max } => list(json!({ "type": "string" }), min, max),
        OperandSpec::OneOf { values, min, max } => {
            list(json!({ "type": "string", "enum": values }), min, max)
        }
        OperandSpec::Numbers { count, min, max } => list(
            bounded("number", finite(min), finite(max)),
            count,
            Some(count),
        ),
        OperandSpec::Integers { count, min, max } => list(
            bounded("integer", min.map(|v| json!(v)), max.map(|v| json!(v))),
            count,
            Some(count),
        ),
        OperandSpec::Empty => json!({ "type": "array", "maxItems": 0 }),
        OperandSpec::DateTimes { count } => list(json!({ "type": "string" }), count, Some(count)),
        // Pattern-match operands are being reshaped in the checker; `validate` checks them.
        _ => json!({ "type": "array" }),
    }
}

/// `FilterClause`: `LogicOperator` AND over a list of `{Type, Data}` filters.
fn filter_clause() -> Value {
    json!({
        "type": "object",
        "properties": {
            "LogicOperator": { "type": "string", "enum": ["AND"] },
            "Filters": {
                "type": "array",
                "items": {
                    "type": "object",
                    "properties": { "Type": { "type": "string" }, "Data": {} },
                    "required": ["Type", "Data"],
                    "additionalProperties": false
                }
            }
        },
        "required": ["LogicOperator", "Filters"],
        "additionalProperties": false
    })
}
