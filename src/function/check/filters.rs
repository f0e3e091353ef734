//! `FilterClause`: its shape, the filter types a path takes, and each filter's `Data`.

use super::operands::suggestion;
use super::{shown, Checker};
use crate::function::ast::Condition;
use crate::function::catalog::{ConditionSpec, DataField, FieldValue, FilterData, FilterSpec};
use crate::node::{Entry, Node, Pos, Value};
use crate::service::closest;

impl Checker<'_> {
    pub(super) fn filters(
        &mut self,
        pos: Pos,
        condition: &Condition,
        spec: &ConditionSpec,
        path: &str,
    ) {
        let present: Vec<&str> = condition.filters().iter().map(|(kind, _)| *kind).collect();
        for required in spec.filters.iter().filter(|filter| filter.required) {
            if !present.contains(&required.kind) {
                self.error(
                    condition.filter_clause.as_ref().map_or(pos, |clause| clause.pos),
                    format!("the condition on `{path}` needs a {} filter", required.kind),
                    Some(format!(
                        "add `FilterClause: {{LogicOperator: AND, Filters: [{{Type: {}, Data: ...}}]}}`",
                        required.kind
                    )),
                );
            }
        }
        let Some(clause) = &condition.filter_clause else {
            return;
        };
        let allowed = || {
            spec.filters
                .iter()
                .map(|filter| filter.kind)
                .collect::<Vec<_>>()
                .join(", ")
        };
        if spec.filters.is_empty() {
            self.error(
                clause.pos,
                format!("`{path}` takes no `FilterClause`"),
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
                Some(format!("`{path}` takes filters: {}", allowed())),
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
        let mut seen: Vec<&str> = Vec::new();
        for filter in filters {
            if !matches!(filter.value, Value::Map(_)) {
                self.error(
                    filter.pos,
                    format!(
                        "each filter must be a mapping with `Type` and `Data`, but this one is {}",
                        filter.value.kind()
                    ),
                    Some(format!("`{path}` takes filters: {}", allowed())),
                );
                continue;
            }
            let Some(kind) = filter.get("Type") else {
                self.error(
                    filter.pos,
                    "this filter has no `Type`".to_owned(),
                    Some(format!("`{path}` takes filters: {}", allowed())),
                );
                continue;
            };
            if let Some(name) = kind.as_str() {
                if seen.contains(&name) {
                    self.error(
                        kind.pos,
                        format!("the {name} filter appears twice in this condition"),
                        Some("keep one: a condition takes each filter at most once".to_owned()),
                    );
                }
                seen.push(name);
            }
            let Some(spec) = kind
                .as_str()
                .and_then(|name| spec.filters.iter().find(|filter| filter.kind == name))
            else {
                let names: Vec<String> = spec
                    .filters
                    .iter()
                    .map(|filter| filter.kind.to_owned())
                    .collect();
                let hint = match kind.as_str().and_then(|name| closest(name, &names)) {
                    Some(near) => format!("did you mean `{near}`?"),
                    None => format!("`{path}` takes filters: {}", allowed()),
                };
                self.error(
                    kind.pos,
                    format!("filter type {} is not allowed with `{path}`", shown(kind)),
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
            FilterData::Fields {
                fields,
                exactly_one,
            } => self.filter_fields(data, spec.kind, fields, *exactly_one),
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
            let fine = match &field.value {
                FieldValue::Number => matches!(entry.value.value, Value::Int(_) | Value::Float(_)),
                FieldValue::OneOf(values) => entry
                    .value
                    .as_str()
                    .is_some_and(|text| values.contains(&text)),
            };
            if !fine {
                let expected = match &field.value {
                    FieldValue::Number => "a number".to_owned(),
                    FieldValue::OneOf(values) => format!("one of {}", values.join(", ")),
                };
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
