//! Checks a `Function` against the catalog of its rule's event source. Pure.
//!
//! Two kinds of finding: errors, where the document breaks a rule the catalog states (an operator
//! a path does not take, an operand out of range, a path that belongs to another source), and
//! "not in the catalog", where the document uses something the catalog does not list. The service
//! may be newer than the catalog, so the second kind is a warning unless the user asks for
//! `--strict`.

use std::fmt::Write as _;

use super::ast::{Compound, Condition, Expr, ExprKind, FunctionDoc, VERSION};
use super::catalog::{
    self, CompoundSpec, ConditionSpec, DataField, FieldValue, FilterData, FilterSpec, OperandSpec,
    Placement, SourceCatalog,
};
use super::path;
use crate::node::{Entry, Node, Pos, Value};
use crate::service::closest;

/// How much a finding matters.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Level {
    /// The document breaks a rule the catalog states.
    Error,
    /// The document uses something the catalog does not list.
    NotInCatalog,
}

/// One problem in a `Function`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    pub level: Level,
    /// Where it is; `0:0` when the `Function` was a JSON string.
    pub pos: Pos,
    pub message: String,
    pub hint: Option<String>,
    /// The `ComparisonValue` a "not in the catalog" finding is about, so a project can allow it.
    pub path: Option<String>,
}

/// Checks `doc` for a rule triggered by `source`.
pub fn check(source: &str, doc: &FunctionDoc) -> Vec<Finding> {
    let mut checker = Checker {
        catalog: catalog::for_source(source),
        source,
        found: Vec::new(),
    };
    checker.doc(doc);
    checker.found
}

struct Checker<'a> {
    catalog: Option<&'static SourceCatalog>,
    source: &'a str,
    found: Vec<Finding>,
}

impl Checker<'_> {
    fn error(&mut self, pos: Pos, message: String, hint: Option<String>) {
        self.found.push(Finding {
            level: Level::Error,
            pos,
            message,
            hint,
            path: None,
        });
    }

    fn unknown(&mut self, pos: Pos, message: String, hint: Option<String>) {
        self.found.push(Finding {
            level: Level::NotInCatalog,
            pos,
            message,
            hint,
            path: None,
        });
    }

    /// Records on the last finding the path it is about, so a project can allow that path.
    fn mark_path(&mut self, path: &str) {
        if let Some(finding) = self.found.last_mut() {
            finding.path = Some(path.to_owned());
        }
    }

    fn unknown_members(&mut self, what: &str, rest: &[Entry], known: &[&str]) {
        for entry in rest {
            let known: Vec<String> = known.iter().map(|&key| key.to_owned()).collect();
            let hint = closest(&entry.key, &known).map(|key| format!("did you mean `{key}`?"));
            self.unknown(
                entry.key_pos,
                format!(
                    "{what} has a member `{}` that the Rules Function language does not define",
                    entry.key
                ),
                hint,
            );
        }
    }

    fn negate_type(&mut self, negate: Option<&Node>) {
        if let Some(negate) = negate.filter(|node| !matches!(node.value, Value::Bool(_))) {
            self.error(
                negate.pos,
                format!(
                    "`Negate` must be true or false, but it is {}",
                    shown(negate)
                ),
                Some("write `Negate: true` or `Negate: false`, without quotes".to_owned()),
            );
        }
    }

    fn doc(&mut self, doc: &FunctionDoc) {
        match doc.version.as_ref().map(|node| (node, node.as_str())) {
            None => self.error(
                doc.pos,
                "`Function` has no `Version`".to_owned(),
                Some(format!("add `Version: \"{VERSION}\"`")),
            ),
            Some((_, Some(VERSION))) => {}
            Some((node, _)) => self.error(
                node.pos,
                format!(
                    "`Version` is {}, but the only version of the Rules Function language is \"{VERSION}\"",
                    shown(node)
                ),
                Some(format!("write `Version: \"{VERSION}\"` (quoted, so YAML keeps it a string)")),
            ),
        }
        self.unknown_members("`Function`", &doc.rest, &["Version", "RuleFunction"]);
        let Some(rule_function) = &doc.rule_function else {
            self.error(
                doc.pos,
                "`Function` has no `RuleFunction`".to_owned(),
                Some("add `RuleFunction: {Operator: AND, Operands: [...]}`".to_owned()),
            );
            return;
        };
        match &rule_function.kind {
            ExprKind::Compound(compound) => self.compound(rule_function.pos, compound, true),
            ExprKind::Condition(_) => self.error(
                rule_function.pos,
                "`RuleFunction` is a single condition, but it must be an AND or OR over a list of conditions".to_owned(),
                Some("wrap it: `RuleFunction: {Operator: AND, Operands: [<the condition>]}`".to_owned()),
            ),
            ExprKind::Other(node) => self.error(
                node.pos,
                match &node.value {
                    Value::Map(_) => "`RuleFunction` has neither `Operator` AND or OR nor `Operands`".to_owned(),
                    other => format!(
                        "`RuleFunction` must be a mapping with `Operator` AND or OR and a list of `Operands`, but it is {}",
                        other.kind()
                    ),
                },
                Some("write `RuleFunction: {Operator: AND, Operands: [<conditions>]}`".to_owned()),
            ),
        }
    }

    fn compound(&mut self, pos: Pos, compound: &Compound, top: bool) {
        let what = if top {
            "`RuleFunction`"
        } else {
            "a nested condition group"
        };
        match compound.operator.as_ref().map(|node| (node, node.as_str())) {
            None => self.error(
                pos,
                format!("{what} has no `Operator`"),
                Some("add `Operator: AND` or `Operator: OR`".to_owned()),
            ),
            Some((_, Some("AND" | "OR"))) => {}
            Some((node, _)) if top => self.error(
                node.pos,
                format!(
                    "the top `Operator` must be AND or OR, but it is {}",
                    shown(node)
                ),
                Some("use AND (every condition must hold) or OR (any one is enough)".to_owned()),
            ),
            Some((node, _)) => self.unknown(
                node.pos,
                format!(
                    "{what} uses `Operator` {}, which the catalog does not know for groups",
                    shown(node)
                ),
                Some("groups normally use AND or OR".to_owned()),
            ),
        }
        match &compound.operands_other {
            Some(other) => self.error(
                other.pos,
                format!(
                    "{what}'s `Operands` must be a list of conditions, but it is {}",
                    other.value.kind()
                ),
                Some("write `Operands:` then one `- Operator: ...` item per condition".to_owned()),
            ),
            None if !compound.operands_written => self.error(
                pos,
                format!("{what} has no `Operands`"),
                Some("add `Operands:` with at least one condition".to_owned()),
            ),
            None if compound.operands.is_empty() => self.error(
                pos,
                format!("{what} has an empty `Operands` list"),
                Some("add at least one condition".to_owned()),
            ),
            None => {}
        }
        self.negate_type(compound.negate.as_ref());
        self.unknown_members(what, &compound.rest, &["Operator", "Operands", "Negate"]);
        for operand in &compound.operands {
            self.expr(operand, top);
        }
        if !top {
            self.group_shape(pos, compound);
        }
    }

    /// A nested group holding parts of a compound condition (an evaluation form with its
    /// score, say) must hold all of that compound's parts and nothing else.
    fn group_shape(&mut self, pos: Pos, compound: &Compound) {
        let Some(catalog) = self.catalog else {
            return;
        };
        let paths: Vec<&str> = compound
            .operands
            .iter()
            .filter_map(|operand| match &operand.kind {
                ExprKind::Condition(condition) => condition.path(),
                _ => None,
            })
            .collect();
        let in_compound = |path: &&str| compound_for(catalog, path).is_some();
        if !paths.iter().any(in_compound) {
            return;
        }
        let fits = |spec: &CompoundSpec| {
            compound.operator_name() == Some(spec.operator)
                && paths.len() == spec.parts.len()
                && spec.parts.iter().all(|part| {
                    paths.iter().any(|path| {
                        part.iter()
                            .any(|pattern| path::bindings(pattern, path).is_some())
                    })
                })
        };
        if !catalog.compounds.iter().any(fits) {
            let expected = catalog
                .compounds
                .iter()
                .filter(|spec| {
                    spec.parts
                        .iter()
                        .flat_map(|part| part.iter())
                        .any(|pattern| {
                            paths
                                .iter()
                                .any(|path| path::bindings(pattern, path).is_some())
                        })
                })
                .map(|spec| {
                    format!(
                        "{} (`Operator: {}` with {})",
                        spec.subject,
                        spec.operator,
                        parts_text(spec)
                    )
                })
                .collect::<Vec<_>>()
                .join("; or ");
            self.error(
                pos,
                "this group is not a compound condition the catalog lists: it must hold each part exactly once".to_owned(),
                Some(format!("expected {expected}")),
            );
        }
    }

    fn expr(&mut self, expr: &Expr, top: bool) {
        match &expr.kind {
            ExprKind::Compound(compound) => self.compound(expr.pos, compound, false),
            ExprKind::Condition(condition) => self.condition(expr.pos, condition, top),
            ExprKind::Other(node) if matches!(node.value, Value::Map(_)) => self.unknown(
                node.pos,
                "this operand has no `ComparisonValue` and no list of `Operands`, so it is neither a condition nor a group the catalog knows".to_owned(),
                None,
            ),
            ExprKind::Other(node) => self.error(
                node.pos,
                format!(
                    "each operand must be a condition (a mapping with `ComparisonValue`), but this one is {}",
                    node.value.kind()
                ),
                None,
            ),
        }
    }

    fn condition(&mut self, pos: Pos, condition: &Condition, top: bool) {
        self.unknown_members(
            "a condition",
            &condition.rest,
            &[
                "Operator",
                "Operands",
                "ComparisonValue",
                "FilterClause",
                "Negate",
            ],
        );
        self.negate_type(condition.negate.as_ref());
        let Some(node) = &condition.comparison_value else {
            return;
        };
        let Some(path) = node.as_str() else {
            self.error(
                node.pos,
                format!(
                    "`ComparisonValue` must be a JSON path string, but it is {}",
                    node.value.kind()
                ),
                None,
            );
            return;
        };
        let Some(catalog) = self.catalog else {
            self.unknown(
                node.pos,
                format!(
                    "the catalog has no conditions for event source {}, so `{path}` is not checked",
                    self.source
                ),
                Some("the service checks it when the rule is applied.".to_owned()),
            );
            self.mark_path(path);
            return;
        };
        let candidates = path::candidates(catalog, path);
        if candidates.is_empty() {
            self.unlisted_path(node.pos, path, catalog);
            return;
        }
        let Some(spec) = self.operator(pos, condition, &candidates, path) else {
            return;
        };
        if top && spec.placement == Placement::CompoundOnly {
            let group = compound_for(catalog, path).map_or_else(
                || "its group".to_owned(),
                |compound| format!("a group for {}", compound.subject),
            );
            self.error(
                pos,
                format!("`{path}` only stands inside {group}, not directly in `RuleFunction`"),
                compound_for(catalog, path).map(|compound| {
                    format!(
                        "write an `Operator: {}` group with: {}",
                        compound.operator,
                        parts_text(compound)
                    )
                }),
            );
        }
        self.operands(pos, condition, spec, path);
        self.filters(pos, condition, spec, path);
        if condition.negated() && !spec.negatable {
            let at = condition.negate.as_ref().map_or(pos, |node| node.pos);
            self.error(
                at,
                format!("`Negate: true` is not allowed with `{path}`"),
                Some("remove `Negate` or set it to false".to_owned()),
            );
        }
    }

    fn unlisted_path(&mut self, pos: Pos, path: &str, catalog: &SourceCatalog) {
        let offered: Vec<String> = catalog
            .conditions
            .iter()
            .map(|spec| spec.path.to_owned())
            .collect();
        let suggestion = closest_path(path, &offered);
        let owners: Vec<&str> = catalog::SOURCES
            .iter()
            .filter(|other| {
                other.source != catalog.source && !path::candidates(other, path).is_empty()
            })
            .map(|other| other.source)
            .collect();
        let hint = match &suggestion {
            Some(near) => format!("did you mean `{near}`?"),
            None => format!(
                "{} offers: {}",
                catalog.source,
                nearest_paths(path, &offered, catalog.page)
            ),
        };
        // A table transcribed from part of its page may lack a path the service accepts.
        if owners.is_empty() || !catalog.complete {
            self.unknown(
                pos,
                format!(
                    "`{path}` is not a condition the catalog lists for {}",
                    catalog.source
                ),
                Some(hint),
            );
            self.mark_path(path);
        } else {
            self.error(
                pos,
                format!(
                    "`{path}` is a condition of {}, not of {}, so this rule would never match it",
                    owners.join(", "),
                    catalog.source
                ),
                Some(hint),
            );
        }
    }

    /// Checks `Operator` against the specs for `path` and returns the spec it selects.
    fn operator(
        &mut self,
        pos: Pos,
        condition: &Condition,
        candidates: &[&'static ConditionSpec],
        path: &str,
    ) -> Option<&'static ConditionSpec> {
        let mut allowed: Vec<&str> = candidates
            .iter()
            .flat_map(|spec| spec.operators.iter().copied())
            .collect();
        allowed.dedup();
        let allowed = allowed.join(", ");
        match condition
            .operator
            .as_ref()
            .map(|node| (node, node.as_str()))
        {
            None => self.error(
                pos,
                format!("the condition on `{path}` has no `Operator`"),
                Some(format!("`{path}` takes: {allowed}")),
            ),
            Some((node, operator)) => {
                let spec = candidates.iter().copied().find(|spec| {
                    operator.is_some_and(|operator| spec.operators.contains(&operator))
                });
                if spec.is_some() {
                    return spec;
                }
                self.error(
                    node.pos,
                    format!("`Operator` {} is not allowed with `{path}`", shown(node)),
                    Some(format!("`{path}` takes: {allowed}")),
                );
            }
        }
        None
    }

    fn operands(&mut self, pos: Pos, condition: &Condition, spec: &ConditionSpec, path: &str) {
        let Some(node) = &condition.operands else {
            self.error(
                pos,
                format!("the condition on `{path}` has no `Operands`"),
                Some(format!(
                    "`{path}` takes {}",
                    describe_operands(&spec.operands)
                )),
            );
            return;
        };
        let Value::Seq(items) = &node.value else {
            self.error(
                node.pos,
                format!("`Operands` must be a list, but it is {}", node.value.kind()),
                Some(format!(
                    "`{path}` takes {}",
                    describe_operands(&spec.operands)
                )),
            );
            return;
        };
        let (min, max) = spec.operands.count();
        if items.len() < min || max.is_some_and(|max| items.len() > max) {
            self.error(
                node.pos,
                format!(
                    "`{path}` takes {}, but `Operands` has {}",
                    describe_operands(&spec.operands),
                    plural(items.len(), "item")
                ),
                None,
            );
        }
        for (index, item) in items.iter().enumerate() {
            if let Some((message, hint)) = operand_problem(&spec.operands, item) {
                self.error(
                    item.pos,
                    format!("operand {} of `{path}` {message}", index + 1),
                    hint,
                );
            }
        }
    }

    fn filters(&mut self, pos: Pos, condition: &Condition, spec: &ConditionSpec, path: &str) {
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

    fn filter_data(&mut self, filter: &Node, spec: &FilterSpec) {
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

    fn filter_fields(&mut self, data: &Node, kind: &str, fields: &[DataField], exactly_one: bool) {
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

/// The offered path `path` was most likely meant to be: a few edits away, or the same last
/// two segments under another prefix (`PostCall.ExactMatch.Transcript` written in a real-time
/// rule). Paths share long prefixes, so a plain similarity score would suggest nonsense.
fn closest_path(path: &str, offered: &[String]) -> Option<String> {
    offered
        .iter()
        .map(|candidate| (strsim::levenshtein(path, candidate), candidate))
        .filter(|(distance, candidate)| {
            *distance <= (path.len() / 6).max(3) || last_two(path) == last_two(candidate)
        })
        .min_by_key(|(distance, _)| *distance)
        .map(|(_, candidate)| candidate.clone())
}

/// Up to eight offered paths, those sharing the most leading segments with `path` first.
fn nearest_paths(path: &str, offered: &[String], page: &str) -> String {
    const SHOWN: usize = 8;
    let shared = |candidate: &str| {
        path.split('.')
            .zip(candidate.split('.'))
            .take_while(|(a, b)| a == b)
            .count()
    };
    let mut unique: Vec<&String> = Vec::new();
    for candidate in offered {
        if !unique.contains(&candidate) {
            unique.push(candidate);
        }
    }
    unique.sort_by_key(|candidate| std::cmp::Reverse(shared(candidate)));
    let mut text = unique
        .iter()
        .take(SHOWN)
        .map(|candidate| format!("`{candidate}`"))
        .collect::<Vec<_>>()
        .join(", ");
    if unique.len() > SHOWN {
        let _ = write!(text, " and {} more, listed at {page}", unique.len() - SHOWN);
    }
    text
}

fn last_two(path: &str) -> (Option<&str>, Option<&str>) {
    let mut segments = path.rsplit('.');
    (segments.next(), segments.next())
}

/// The compound condition `path` is a part of.
fn compound_for(catalog: &SourceCatalog, path: &str) -> Option<&'static CompoundSpec> {
    catalog.compounds.iter().find(|compound| {
        compound.parts.iter().any(|part| {
            part.iter()
                .any(|pattern| path::bindings(pattern, path).is_some())
        })
    })
}

/// A compound's parts as `a`, `b or c`.
fn parts_text(compound: &CompoundSpec) -> String {
    compound
        .parts
        .iter()
        .map(|part| {
            part.iter()
                .map(|path| format!("`{path}`"))
                .collect::<Vec<_>>()
                .join(" or ")
        })
        .collect::<Vec<_>>()
        .join(", ")
}

impl OperandSpec {
    /// How many operands are allowed: at least the first, at most the second.
    pub fn count(&self) -> (usize, Option<usize>) {
        match *self {
            OperandSpec::Strings { min, max }
            | OperandSpec::OneOf { min, max, .. }
            | OperandSpec::Objects { min, max } => (min, max),
            OperandSpec::Numbers { count, .. }
            | OperandSpec::Integers { count, .. }
            | OperandSpec::DateTimes { count } => (count, Some(count)),
            OperandSpec::Empty => (0, Some(0)),
        }
    }
}

/// What is wrong with one operand, and how to fix it.
fn operand_problem(spec: &OperandSpec, item: &Node) -> Option<(String, Option<String>)> {
    match spec {
        OperandSpec::Strings { .. } => match &item.value {
            Value::Str(text) if text.is_empty() => Some(("is empty".to_owned(), None)),
            Value::Str(_) => None,
            other => Some((
                format!("must be a string, but it is {}", other.kind()),
                Some("quote it".to_owned()),
            )),
        },
        OperandSpec::OneOf { values, .. } => {
            if item.as_str().is_some_and(|text| values.contains(&text)) {
                None
            } else {
                Some((
                    format!(
                        "is {}, which is not one of {}",
                        shown(item),
                        values.join(", ")
                    ),
                    suggestion(item, values),
                ))
            }
        }
        OperandSpec::Numbers { min, max, .. } => {
            let number = match &item.value {
                Value::Int(int) => *int as f64,
                Value::Float(float) if !float.is_finite() => {
                    return Some((
                        "is not a finite number (it would be sent as null)".to_owned(),
                        Some("write a number the service can hold, such as 60".to_owned()),
                    ));
                }
                Value::Float(float) => *float,
                Value::Str(text) if text.trim().parse::<f64>().is_ok() => {
                    return Some((
                        format!("must be a number, but it is the string {}", shown(item)),
                        Some("write it without quotes".to_owned()),
                    ));
                }
                other => {
                    return Some((
                        format!("must be a number, but it is {}", other.kind()),
                        None,
                    ));
                }
            };
            (number < *min || number > *max).then(|| {
                (
                    format!(
                        "is {}, outside {}..{}",
                        number_text(number),
                        number_text(*min),
                        number_text(*max)
                    ),
                    None,
                )
            })
        }
        OperandSpec::Objects { .. } => (!matches!(item.value, Value::Map(_))).then(|| {
            (
                format!("must be a mapping, but it is {}", item.value.kind()),
                None,
            )
        }),
        OperandSpec::Integers { min, max, .. } => {
            let Value::Int(int) = item.value else {
                let numeric_text = item
                    .as_str()
                    .is_some_and(|text| text.trim().parse::<i64>().is_ok());
                let problem = match &item.value {
                    Value::Float(float) if float.fract() == 0.0 && float.is_finite() => {
                        format!("is {}, too large for a whole number", shown(item))
                    }
                    _ => format!("must be a whole number, but it is {}", shown(item)),
                };
                let hint = numeric_text.then(|| "write it without quotes".to_owned());
                return Some((problem, hint));
            };
            let below = min.is_some_and(|min| int < min);
            let above = max.is_some_and(|max| int > max);
            (below || above).then(|| {
                (
                    format!("is {int}, outside {}", integer_range(*min, *max)),
                    None,
                )
            })
        }
        OperandSpec::Empty => Some((
            "should not be there: this condition takes an empty list".to_owned(),
            None,
        )),
        OperandSpec::DateTimes { .. } => match item.as_str() {
            Some(text) if is_date_time(text) => None,
            _ => Some((
                format!(
                    "must be a date-time such as \"2023-11-11T11:11:11.111111Z\", but it is {}",
                    shown(item)
                ),
                None,
            )),
        },
    }
}

fn integer_range(min: Option<i64>, max: Option<i64>) -> String {
    match (min, max) {
        (Some(min), Some(max)) => format!("{min}..{max}"),
        (Some(min), None) => format!("at least {min}"),
        (None, Some(max)) => format!("at most {max}"),
        (None, None) => "any".to_owned(),
    }
}

/// `YYYY-MM-DDTHH:MM:SS` followed by an optional fraction and a zone.
fn is_date_time(text: &str) -> bool {
    let bytes = text.as_bytes();
    let digits = |range: std::ops::Range<usize>| {
        bytes
            .get(range)
            .is_some_and(|part| part.iter().all(u8::is_ascii_digit))
    };
    bytes.len() >= 20
        && digits(0..4)
        && bytes[4] == b'-'
        && digits(5..7)
        && bytes[7] == b'-'
        && digits(8..10)
        && bytes[10] == b'T'
        && digits(11..13)
        && bytes[13] == b':'
        && digits(14..16)
        && bytes[16] == b':'
        && digits(17..19)
        && (text.ends_with('Z') || text[19..].contains(['+', '-']))
}

/// `takes ...` wording for an operand spec.
pub fn describe_operands(spec: &OperandSpec) -> String {
    let (min, max) = spec.count();
    let count = match (min, max) {
        (min, Some(max)) if min == max => format!("exactly {min}"),
        (0, Some(max)) => format!("at most {max}"),
        (min, Some(max)) => format!("{min} to {max}"),
        (1, None) => "one or more".to_owned(),
        (min, None) => format!("at least {min}"),
    };
    let s = if max == Some(1) { "" } else { "s" };
    match spec {
        OperandSpec::Strings { .. } => format!("{count} string{s}"),
        OperandSpec::OneOf { values, .. } => format!("{count} of {}", values.join(", ")),
        OperandSpec::Numbers { min, max, .. } if min.is_finite() || max.is_finite() => format!(
            "{count} number{s} from {} to {}",
            number_text(*min),
            number_text(*max)
        ),
        OperandSpec::Numbers { .. } => format!("{count} number{s}"),
        OperandSpec::Objects { .. } => format!("{count} mapping{s}"),
        OperandSpec::Integers { min, max, .. } => {
            format!("{count} whole number{s} ({})", integer_range(*min, *max))
        }
        OperandSpec::Empty => "an empty list".to_owned(),
        OperandSpec::DateTimes { .. } => format!("{count} date-times"),
    }
}

fn suggestion(node: &Node, values: &[&str]) -> Option<String> {
    let candidates: Vec<String> = values.iter().map(|&value| value.to_owned()).collect();
    node.as_str()
        .and_then(|text| closest(text, &candidates))
        .map(|near| format!("did you mean {near}?"))
}

fn number_text(number: f64) -> String {
    let mut text = String::new();
    let _ = write!(text, "{number}");
    text
}

fn plural(count: usize, word: &str) -> String {
    if count == 1 {
        format!("1 {word}")
    } else {
        format!("{count} {word}s")
    }
}

/// A value as a message quotes it.
fn shown(node: &Node) -> String {
    match &node.value {
        Value::Str(text) => format!("\"{text}\""),
        Value::Float(float) if !float.is_finite() => "a number too large to hold".to_owned(),
        Value::Map(_) | Value::Seq(_) => node.value.kind().to_owned(),
        _ => node.to_json().to_string(),
    }
}
