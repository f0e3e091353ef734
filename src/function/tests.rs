//! Behaviour of the checker and the reading, entry by entry over the whole catalog.

use serde_json::{json, Value as Json};

use super::catalog::{
    CompoundSpec, ConditionSpec, FieldValue, FilterData, OperandSpec, Placement, SourceCatalog,
    SOURCES,
};
use super::{check, path, Finding, FunctionDoc, Level};

/// A value that satisfies one placeholder.
fn placeholder_value(name: &str) -> String {
    format!("example-{name}")
}

/// The spec's path with its placeholders filled.
fn concrete_path(pattern: &str) -> String {
    pattern
        .split('.')
        .map(|segment| {
            match segment
                .strip_prefix('{')
                .and_then(|inner| inner.strip_suffix('}'))
            {
                Some(name) => placeholder_value(name),
                None => segment.to_owned(),
            }
        })
        .collect::<Vec<_>>()
        .join(".")
}

fn valid_operands(spec: &OperandSpec) -> Json {
    match spec {
        OperandSpec::Strings { min, .. } => Json::Array(
            (0..(*min).max(1))
                .map(|i| json!(format!("value-{i}")))
                .collect(),
        ),
        OperandSpec::OneOf { values, min, .. } => Json::Array(
            values
                .iter()
                .take((*min).max(1))
                .map(|v| json!(v))
                .collect(),
        ),
        OperandSpec::Numbers { count, min, max } => {
            let value = if min.is_finite() {
                *min
            } else if max.is_finite() {
                *max
            } else {
                1.5
            };
            Json::Array((0..*count).map(|_| json!(value)).collect())
        }
        OperandSpec::Patterns { min, .. } => Json::Array(
            (0..(*min).max(1))
                .map(|i| json!([{"Type": "PLAIN", "Value": format!("p{i}")}]))
                .collect(),
        ),
        OperandSpec::Integers { count, min, max } => {
            let value = min.or(*max).unwrap_or(3);
            Json::Array((0..*count).map(|_| json!(value)).collect())
        }
        OperandSpec::Empty => json!([]),
        OperandSpec::DateTimes { count } => Json::Array(
            (0..*count)
                .map(|_| json!("2023-11-11T11:11:11.111111Z"))
                .collect(),
        ),
    }
}

fn valid_filter_data(data: &FilterData) -> Json {
    match data {
        FilterData::OneOf(values) => json!(values[0]),
        FilterData::Object | FilterData::Any => json!({}),
        FilterData::List { values, min, .. } => Json::Array(
            (0..*min)
                .map(|i| {
                    json!(values
                        .get(i)
                        .map_or_else(|| format!("id-{i}"), |v| (*v).to_owned()))
                })
                .collect(),
        ),
        FilterData::Fields {
            fields,
            exactly_one,
        } => {
            let take = if *exactly_one { 1 } else { fields.len() };
            let members: serde_json::Map<String, Json> = fields
                .iter()
                .take(take)
                .map(|field| {
                    let value = match &field.value {
                        FieldValue::Number => json!(30),
                        FieldValue::Bool => json!(true),
                        FieldValue::OneOf(values) => json!(values[0]),
                    };
                    (field.key.to_owned(), value)
                })
                .collect();
            Json::Object(members)
        }
    }
}

/// An operand of the wrong type, out of range or not in the set, with the words its error
/// must use; `None` for specs whose operands cannot be wrong that way.
fn wrong_operand(spec: &OperandSpec) -> Option<(Json, &'static str)> {
    match spec {
        OperandSpec::Strings { .. } => Some((json!(5), "must be a string")),
        OperandSpec::OneOf { .. } => Some((json!("NOT_A_VALUE"), "which is not one of")),
        OperandSpec::Numbers { min, .. } if min.is_finite() => {
            Some((json!(min - 1.0), "but it must be"))
        }
        OperandSpec::Numbers { .. } => Some((json!("seven"), "must be a number")),
        OperandSpec::Integers { min: Some(min), .. } => Some((json!(min - 1), "but it must be")),
        OperandSpec::Integers { .. } => Some((json!(2.5), "must be a whole number")),
        OperandSpec::Patterns { .. } => Some((json!("plain"), "must be a list of pattern objects")),
        OperandSpec::DateTimes { .. } => Some((json!("yesterday"), "must be a date-time")),
        OperandSpec::Empty => None,
    }
}

/// A condition that `spec` accepts: its first operator, valid operands, every filter.
fn valid_condition(spec: &ConditionSpec) -> Json {
    let mut condition = json!({
        "Operator": spec.operators[0],
        "Operands": valid_operands(&spec.operands),
        "ComparisonValue": concrete_path(spec.path),
        "Negate": false,
    });
    if !spec.filters.is_empty() {
        let filters: Vec<Json> = spec
            .filters
            .iter()
            .map(|filter| json!({"Type": filter.kind, "Data": valid_filter_data(&filter.data)}))
            .collect();
        condition["FilterClause"] = json!({"LogicOperator": "AND", "Filters": filters});
    }
    condition
}

fn document(operands: &[Json]) -> Json {
    json!({"Version": "2022-11-25", "RuleFunction": {"Operator": "AND", "Operands": operands}})
}

/// `document`, with each operand in a group of its own where the source's page makes every
/// operand of the `RuleFunction` a group (the metric groups).
fn document_for(catalog: &SourceCatalog, operands: &[Json]) -> Json {
    if catalog.groups.is_none() {
        return document(operands);
    }
    let groups: Vec<Json> = operands
        .iter()
        .map(|operand| json!({"Operator": "AND", "Operands": [operand]}))
        .collect();
    document(&groups)
}

fn spec_for<'a>(conditions: &'a [ConditionSpec], pattern: &str) -> &'a ConditionSpec {
    conditions
        .iter()
        .find(|spec| spec.path == pattern)
        .unwrap_or_else(|| panic!("{pattern} is a spec of its source"))
}

fn compound_group(conditions: &[ConditionSpec], compound: &CompoundSpec) -> Json {
    let parts: Vec<Json> = compound
        .parts
        .iter()
        .map(|part| valid_condition(spec_for(conditions, part[0])))
        .collect();
    json!({"Operator": compound.operator, "Operands": parts})
}

fn findings(source: &str, json: &Json) -> Vec<Finding> {
    check(source, &FunctionDoc::from_json(json).expect("an object"))
}

fn errors(source: &str, json: &Json) -> Vec<String> {
    findings(source, json)
        .into_iter()
        .filter(|finding| finding.level == Level::Error)
        .map(|finding| finding.message)
        .collect()
}

/// Every condition of every source: one valid condition passes with no finding at all, and
/// it round-trips through the typed tree.
#[test]
fn every_catalog_entry_accepts_a_valid_condition() {
    let mut checked = 0;
    for catalog in SOURCES {
        for spec in catalog.conditions {
            let json = match spec.placement {
                Placement::Anywhere => document_for(catalog, &[valid_condition(spec)]),
                Placement::CompoundOnly => continue,
            };
            let found = findings(catalog.source, &json);
            assert!(
                found.is_empty(),
                "{} {}: {found:#?}",
                catalog.source,
                spec.path
            );
            assert_eq!(
                FunctionDoc::from_json(&json).map(|doc| doc.to_json()),
                Some(json)
            );
            checked += 1;
        }
        for compound in catalog.compounds {
            let json = document(&[compound_group(catalog.conditions, compound)]);
            let found = findings(catalog.source, &json);
            assert!(
                found.is_empty(),
                "{} {}: {found:#?}",
                catalog.source,
                compound.subject
            );
            checked += 1;
        }
    }
    assert!(checked > 50, "only {checked} entries checked");
}

/// Every condition of every source refuses an operator it does not list, the wrong number
/// of operands, `Negate: true` where not allowed, and a filter it does not take.
#[test]
fn every_catalog_entry_rejects_each_kind_of_violation() {
    for catalog in SOURCES {
        for spec in catalog.conditions {
            let wrap = |condition: Json| match spec.placement {
                Placement::Anywhere => document_for(catalog, &[condition]),
                Placement::CompoundOnly => {
                    let compound = catalog
                        .compounds
                        .iter()
                        .find(|compound| {
                            compound.parts.iter().any(|part| part.contains(&spec.path))
                        })
                        .expect("a compound-only condition belongs to a compound");
                    let mut group = compound_group(catalog.conditions, compound);
                    let parts = group["Operands"].as_array_mut().expect("parts");
                    let index = compound
                        .parts
                        .iter()
                        .position(|part| part.contains(&spec.path))
                        .expect("its part");
                    parts[index] = condition;
                    document(&[group])
                }
            };
            let label = format!("{} {}", catalog.source, spec.path);

            let mut bad = valid_condition(spec);
            bad["Operator"] = json!("NOT_AN_OPERATOR");
            let found = errors(catalog.source, &wrap(bad));
            assert!(
                found.iter().any(|m| m.contains("is not allowed with")),
                "{label}: {found:?}"
            );

            let (min, max) = spec.operands.count();
            let wrong_count = match max {
                Some(max) => Some(max + 1),
                None if min > 0 => Some(0),
                None => None,
            };
            if let Some(wrong_count) = wrong_count {
                let mut bad = valid_condition(spec);
                let first = bad["Operands"].get(0).cloned().unwrap_or(json!("extra"));
                bad["Operands"] = Json::Array(vec![first; wrong_count]);
                let found = errors(catalog.source, &wrap(bad));
                assert!(
                    found.iter().any(|m| m.contains("but `Operands` has")),
                    "{label}: {wrong_count} operands: {found:?}"
                );
            }

            let mut bad = valid_condition(spec);
            bad["Operands"] = json!("not a list");
            let found = errors(catalog.source, &wrap(bad));
            assert!(
                found
                    .iter()
                    .any(|m| m.contains("`Operands` must be a list")),
                "{label}: {found:?}"
            );

            if !spec.negatable {
                let mut bad = valid_condition(spec);
                bad["Negate"] = json!(true);
                let found = errors(catalog.source, &wrap(bad));
                assert!(
                    found.iter().any(|m| m.contains("`Negate: true`")),
                    "{label}: {found:?}"
                );
            }

            let mut bad = valid_condition(spec);
            bad["FilterClause"] =
                json!({"LogicOperator": "AND", "Filters": [{"Type": "NotAFilter", "Data": "X"}]});
            let found = errors(catalog.source, &wrap(bad));
            let expected = if spec.filters.is_empty() {
                "takes no `FilterClause`"
            } else {
                "filter type \"NotAFilter\" is not allowed"
            };
            assert!(
                found.iter().any(|m| m.contains(expected)),
                "{label}: {found:?}"
            );

            if let Some((operand, expected)) = wrong_operand(&spec.operands) {
                let mut bad = valid_condition(spec);
                bad["Operands"][0] = operand;
                let found = errors(catalog.source, &wrap(bad));
                assert!(
                    found.iter().any(|m| m.contains(expected)),
                    "{label}: {found:?}"
                );
            }
        }
    }
}

/// A condition written for one source and used in another is an error naming its source.
#[test]
fn a_path_of_another_source_is_an_error() {
    let post_call = super::catalog::for_source("OnPostCallAnalysisAvailable").expect("post-call");
    let real_time =
        super::catalog::for_source("OnRealTimeCallAnalysisAvailable").expect("real-time");
    let only_post_call = post_call
        .conditions
        .iter()
        .find(|spec| {
            spec.placement == Placement::Anywhere
                && path::candidates(real_time, &concrete_path(spec.path)).is_empty()
        })
        .expect("a post-call-only condition");
    let json = document(&[valid_condition(only_post_call)]);
    let found = errors("OnRealTimeCallAnalysisAvailable", &json);
    assert!(
        found
            .iter()
            .any(|m| m.contains("is a condition of") && m.contains("OnPostCallAnalysisAvailable")),
        "{found:?}"
    );
}

#[test]
fn an_unknown_path_is_only_not_in_the_catalog() {
    let json = document(&[json!({
        "Operator": "CONTAINS_ANY",
        "Operands": ["x"],
        "ComparisonValue": "$.ContactLens.PostCall.SomethingNew.Score",
    })]);
    let found = findings("OnPostCallAnalysisAvailable", &json);
    assert_eq!(found.len(), 1, "{found:#?}");
    assert_eq!(found[0].level, Level::NotInCatalog);
    assert_eq!(
        found[0].path.as_deref(),
        Some("$.ContactLens.PostCall.SomethingNew.Score")
    );
}
