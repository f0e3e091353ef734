//! `FilterClause`: its shape, the filter types a path takes, and each filter's `Data`.

use super::operands::suggestion;
use super::{shown, Checker};
use crate::function::ast::{clause_filters, Condition};
use crate::function::catalog::{ConditionSpec, DataField, FieldValue, FilterData, FilterSpec};
use crate::node::{Entry, Node, Pos, Value};
use crate::service::closest;

/// What a `FilterClause` belongs to and what it may hold.
pub(super) struct ClauseRules<'a> {
    /// "the condition on `$.A`" or "`RuleFunction`", for "... needs a X filter".
    pub owner: String,
    /// "`$.A`" or "`RuleFunction`", for "filter type X is not allowed with ...".
    pub subject: String,
    pub allowed: &'a [FilterSpec],
    pub required_one_of: &'a [&'a [&'a str]],
    /// Filter types that may repeat with other `Data`.
    pub repeatable: &'a [&'a str],
}

impl Checker<'_> {
    pub(super) fn filters(
        &mut self,
        pos: Pos,
        condition: &Condition,
        spec: &ConditionSpec,
        path: &str,
    ) {
        let rules = ClauseRules {
            owner: format!("the condition on `{path}`"),
            subject: format!("`{path}`"),
            allowed: spec.filters,
            required_one_of: spec.required_one_of,
            repeatable: spec.repeatable_filters,
        };
        self.filter_clause(pos, condition.filter_clause.as_ref(), &rules);
    }

    /// Checks a `FilterClause` (absent: `None`) against `rules`.
    pub(super) fn filter_clause(&mut self, pos: Pos, clause: Option<&Node>, rules: &ClauseRules) {
        let ClauseRules {
            owner,
            subject,
            allowed: specs,
            required_one_of,
            repeatable,
        } = rules;
        let present: Vec<&str> = clause_filters(clause)
            .iter()
            .map(|(kind, _)| *kind)
            .collect();
        let at = clause.map_or(pos, |clause| clause.pos);
        for required in specs.iter().filter(|filter| filter.required) {
            if !present.contains(&required.kind) {
                self.error(
                    at,
                    format!("{owner} needs a {} filter", required.kind),
                    Some(format!(
                        "add `FilterClause: {{LogicOperator: AND, Filters: [{{Type: {}, Data: ...}}]}}`",
                        required.kind
                    )),
                );
            }
        }
        for group in *required_one_of {
            if !group.iter().any(|kind| present.contains(kind)) {
                self.error(
                    at,
                    format!("{owner} needs one of the filters {}", group.join(", ")),
                    Some(format!(
                        "add `{{Type: {}, Data: ...}}` to its `FilterClause.Filters`",
                        group[0]
                    )),
                );
            }
        }
        let Some(clause) = clause else {
            return;
        };
        let allowed = || {
            specs
                .iter()
                .map(|filter| filter.kind)
                .collect::<Vec<_>>()
                .join(", ")
        };
        if specs.is_empty() {
            self.error(
                clause.pos,
                format!("{subject} takes no `FilterClause`"),
                Some("remove the `FilterClause`".to_owned()),
            );
            return;
        }
        let Value::Map(entries) = &clause.value else {
            self.error(
                clause.pos,
                format!(
                    "`FilterClause` must be a mapping, but it is {}",
                    clause.value.kind()
                ),
                Some(
                    "write `FilterClause: {LogicOperator: AND, Filters: [{Type: ..., Data: ...}]}`"
                        .to_owned(),
                ),
            );
            return;
        };
        let rest: Vec<Entry> = entries
            .iter()
            .filter(|entry| entry.key != "LogicOperator" && entry.key != "Filters")
            .cloned()
            .collect();
        self.unknown_members("`FilterClause`", &rest, &["LogicOperator", "Filters"]);
        if let Some(logic) = clause.get("LogicOperator") {
            if logic.as_str() != Some("AND") {
                self.error(
                    logic.pos,
                    format!("`LogicOperator` must be AND, but it is {}", shown(logic)),
                    Some("the service only combines filters with AND".to_owned()),
                );
            }
        }
        let Some(filters) = clause.get("Filters") else {
            self.error(
                clause.pos,
                "`FilterClause` has no `Filters`".to_owned(),
                Some(format!("{subject} takes filters: {}", allowed())),
            );
            return;
        };
        let Value::Seq(filters) = &filters.value else {
            self.error(
                filters.pos,
                format!(
                    "`Filters` must be a list, but it is {}",
                    filters.value.kind()
                ),
                None,
            );
            return;
        };
        let mut seen: Vec<(&str, Option<serde_json::Value>)> = Vec::new();
        for filter in filters {
            if !matches!(filter.value, Value::Map(_)) {
                self.error(
                    filter.pos,
                    format!(
                        "each filter must be a mapping with `Type` and `Data`, but this one is {}",
                        filter.value.kind()
                    ),
                    Some(format!("{subject} takes filters: {}", allowed())),
                );
                continue;
            }
            let Some(kind) = filter.get("Type") else {
                self.error(
                    filter.pos,
                    "this filter has no `Type`".to_owned(),
                    Some(format!("{subject} takes filters: {}", allowed())),
                );
                continue;
            };
            if let Some(name) = kind.as_str() {
                let data = filter.get("Data").map(Node::to_json);
                let repeatable = repeatable.contains(&name);
                let twice = seen.iter().any(|(other, other_data)| {
                    *other == name && (!repeatable || *other_data == data)
                });
                if twice {
                    self.error(
                        kind.pos,
                        format!("the {name} filter appears twice in this condition"),
                        Some(if repeatable {
                            format!("keep one: a condition may name each {name} value once")
                        } else {
                            "keep one: a condition takes each filter at most once".to_owned()
                        }),
                    );
                }
                seen.push((name, data));
            }
            let Some(spec) = kind
                .as_str()
                .and_then(|name| specs.iter().find(|filter| filter.kind == name))
            else {
                let names: Vec<String> =
                    specs.iter().map(|filter| filter.kind.to_owned()).collect();
                let hint = match kind.as_str().and_then(|name| closest(name, &names)) {
                    Some(near) => format!("did you mean `{near}`?"),
                    None => format!("{subject} takes filters: {}", allowed()),
                };
                self.error(
                    kind.pos,
                    format!("filter type {} is not allowed with {subject}", shown(kind)),
                    Some(hint),
                );
                continue;
            };
            self.filter_data(filter, spec);
        }
    }

    pub(super) fn filter_data(&mut self, filter: &Node, spec: &FilterSpec) {
        let Some(data) = filter.get("Data") else {
            self.error(
                filter.pos,
                format!("the {} filter has no `Data`", spec.kind),
                None,
            );
            return;
        };
        match &spec.data {
            FilterData::OneOf(values) => {
                if !data.as_str().is_some_and(|text| values.contains(&text)) {
                    self.error(
                        data.pos,
                        format!(
                            "{} filter data {} is not one of {}",
                            spec.kind,
                            shown(data),
                            values.join(", ")
                        ),
                        suggestion(data, values),
                    );
                }
            }
            FilterData::Object => {
                if !matches!(data.value, Value::Map(_)) {
                    self.error(
                        data.pos,
                        format!(
                            "{} filter data must be a mapping, but it is {}",
                            spec.kind,
                            data.value.kind()
                        ),
                        None,
                    );
                }
            }
            FilterData::Any => {}
            FilterData::List { values, min, max } => {
                self.filter_list(data, spec.kind, values, *min, *max);
            }
            FilterData::Fields {
                fields,
                exactly_one,
            } => self.filter_fields(data, spec.kind, fields, *exactly_one),
        }
    }

    fn filter_list(
        &mut self,
        data: &Node,
        kind: &str,
        values: &[&str],
        min: usize,
        max: Option<usize>,
    ) {
        let what = if values.is_empty() {
            "IDs".to_owned()
        } else {
            format!("of {}", values.join(", "))
        };
        let Value::Seq(items) = &data.value else {
            self.error(
                data.pos,
                format!(
                    "{kind} filter data must be a list {what}, but it is {}",
                    data.value.kind()
                ),
                Some(format!(
                    "write `Data: [{}]`",
                    values.first().unwrap_or(&"id")
                )),
            );
            return;
        };
        if items.len() < min || max.is_some_and(|max| items.len() > max) {
            let count = match max {
                Some(max) if max == min => format!("exactly {min}"),
                Some(max) => format!("{min} to {max}"),
                None => format!("at least {min}"),
            };
            self.error(
                data.pos,
                format!(
                    "{kind} filter data holds {}, but it takes {count}",
                    items.len()
                ),
                None,
            );
        }
        for item in items {
            let fine = match item.as_str() {
                Some(text) if values.is_empty() => !text.is_empty(),
                Some(text) => values.contains(&text),
                None => false,
            };
            if !fine {
                let expected = if values.is_empty() {
                    "a non-empty string".to_owned()
                } else {
                    format!("one of {}", values.join(", "))
                };
                self.error(
                    item.pos,
                    format!("{kind} filter value {} is not {expected}", shown(item)),
                    suggestion(item, values),
                );
            }
        }
    }

    pub(super) fn filter_fields(
        &mut self,
        data: &Node,
        kind: &str,
        fields: &[DataField],
        exactly_one: bool,
    ) {
        let keys = fields
            .iter()
            .map(|field| format!("`{}`", field.key))
            .collect::<Vec<_>>()
            .join(if exactly_one { " or " } else { " and " });
        let Value::Map(entries) = &data.value else {
            self.error(
                data.pos,
                format!(
                    "{kind} filter data must be a mapping with {keys}, but it is {}",
                    data.value.kind()
                ),
                None,
            );
            return;
        };
        let known = entries
            .iter()
            .filter(|entry| fields.iter().any(|field| field.key == entry.key))
            .count();
        let count_ok = if exactly_one {
            known == 1
        } else {
            known == fields.len()
        };
        if !count_ok {
            let needs = if exactly_one {
                "exactly one of"
            } else {
                "all of"
            };
            self.error(
                data.pos,
                format!("{kind} filter data needs {needs} {keys}"),
                None,
            );
        }
        for entry in entries {
            let Some(field) = fields.iter().find(|field| field.key == entry.key) else {
                self.error(
                    entry.key_pos,
                    format!("{kind} filter data has an unknown key `{}`", entry.key),
                    Some(format!("it takes {keys}")),
                );
                continue;
            };
            if let Some(expected) = field_mismatch(&field.value, &entry.value) {
                self.error(
                    entry.value.pos,
                    format!(
                        "`{}` of the {kind} filter must be {expected}, but it is {}",
                        field.key,
                        shown(&entry.value)
                    ),
                    None,
                );
            }
        }
    }
}

/// What `value` should have been, when it does not fit `expected`.
pub(super) fn field_mismatch(expected: &FieldValue, value: &Node) -> Option<String> {
    let fine = match expected {
        FieldValue::Number => matches!(value.value, Value::Int(_) | Value::Float(_)),
        FieldValue::Bool => matches!(value.value, Value::Bool(_)),
        FieldValue::OneOf(values) => value.as_str().is_some_and(|text| values.contains(&text)),
    };
    (!fine).then(|| match expected {
        FieldValue::Number => "a number".to_owned(),
        FieldValue::Bool => "true or false".to_owned(),
        FieldValue::OneOf(values) => format!("one of {}", values.join(", ")),
    })
}
