//! Checks a `Function` against the catalog of its rule's event source. Pure.
//!
//! Two kinds of finding: errors, where the document breaks a rule the catalog states (an operator
//! a path does not take, an operand out of range, a path that belongs to another source), and
//! "not in the catalog", where the document uses something the catalog does not list. The service
//! may be newer than the catalog, so the second kind is a warning unless the user asks for
//! `--strict`.

use std::fmt::Write as _;

use super::ast::{Compound, Condition, Expr, ExprKind, FunctionDoc, VERSION};
use super::catalog::{self, CompoundSpec, ConditionSpec, FilterData, Placement, SourceCatalog};
use super::path;

mod filters;
mod operands;
mod patterns;

use filters::ClauseRules;

use crate::node::{Entry, Node, Pos, Value};
use crate::service::closest;
pub use operands::describe_operands;

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
        grouping: None,
        found: Vec::new(),
    };
    checker.doc(doc);
    checker.found
}

struct Checker<'a> {
    catalog: Option<&'static SourceCatalog>,
    source: &'a str,
    /// The rule-level metric grouping (`QUEUE`, ...), when the `RuleFunction` names one.
    grouping: Option<String>,
    found: Vec<Finding>,
}

impl Checker<'_> {
    fn error(&mut self, pos: Pos, message: String, hint: Option<String>) {
        self.push(Level::Error, pos, message, hint);
    }

    fn unknown(&mut self, pos: Pos, message: String, hint: Option<String>) {
        self.push(Level::NotInCatalog, pos, message, hint);
    }

    fn push(&mut self, level: Level, pos: Pos, message: String, hint: Option<String>) {
        self.found.push(Finding {
            level,
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
        let rule_filters = self.catalog.map_or(&[][..], |catalog| catalog.rule_filters);
        if top && !rule_filters.is_empty() {
            let rest: Vec<Entry> = compound
                .rest
                .iter()
                .filter(|entry| entry.key != "FilterClause")
                .cloned()
                .collect();
            self.unknown_members(
                what,
                &rest,
                &["Operator", "Operands", "Negate", "FilterClause"],
            );
            let rules = ClauseRules {
                owner: "`RuleFunction`".to_owned(),
                subject: "`RuleFunction`".to_owned(),
                allowed: rule_filters,
                required_one_of: &[],
                repeatable: &[],
            };
            self.filter_clause(pos, compound.filter_clause(), &rules);
            // A grouping the page does not list is reported by the clause check; reading
            // every metric against it as well would only repeat that finding.
            self.grouping = compound
                .grouping()
                .filter(|grouping| {
                    rule_filters.iter().any(|filter| match &filter.data {
                        FilterData::List { values, .. } => values.contains(grouping),
                        _ => false,
                    })
                })
                .map(str::to_owned);
        } else {
            self.unknown_members(what, &compound.rest, &["Operator", "Operands", "Negate"]);
        }
        if top {
            self.groups(pos, compound);
        }
        for operand in &compound.operands {
            self.expr(operand, top);
        }
        if !top {
            self.group_shape(pos, compound);
        }
    }

    /// Where the page makes every operand of the `RuleFunction` a group (the metric groups):
    /// how many groups, how many conditions in each, and nothing but groups at the top.
    fn groups(&mut self, pos: Pos, compound: &Compound) {
        let Some(limits) = self.catalog.and_then(|catalog| catalog.groups) else {
            return;
        };
        let name = limits.name;
        if compound.operands.len() > limits.max_groups {
            self.error(
                pos,
                format!(
                    "`RuleFunction` has {}, but a rule takes at most {}",
                    plural(compound.operands.len(), name),
                    plural(limits.max_groups, name)
                ),
                Some(format!(
                    "combine the conditions into at most {}",
                    plural(limits.max_groups, name)
                )),
            );
        }
        for operand in &compound.operands {
            match &operand.kind {
                ExprKind::Condition(condition) => self.error(
                    operand.pos,
                    format!(
                        "the condition on `{}` stands directly in `RuleFunction`, but each operand of an {} rule is a {name}",
                        condition.path().unwrap_or("?"),
                        self.source
                    ),
                    Some(format!(
                        "wrap it in a {name}: `{{Operator: AND, Operands: [<the condition>]}}`"
                    )),
                ),
                ExprKind::Compound(group) => {
                    if group.operands.len() > limits.max_conditions {
                        self.error(
                            operand.pos,
                            format!(
                                "this {name} has {}, but a {name} takes at most {}",
                                plural(group.operands.len(), "condition"),
                                limits.max_conditions
                            ),
                            Some(format!("split it into two {name}s")),
                        );
                    }
                    for inner in &group.operands {
                        if matches!(inner.kind, ExprKind::Compound(_)) {
                            self.error(
                                inner.pos,
                                format!("a {name} holds conditions, not nested groups"),
                                Some(format!("move these conditions into the {name} itself")),
                            );
                        }
                    }
                }
                ExprKind::Other(_) => {}
            }
        }
    }

    /// A condition whose spec names the groupings it takes, in a rule grouped another way.
    fn grouping_fits(&mut self, pos: Pos, spec: &ConditionSpec, path: &str) {
        let Some(grouping) = self.grouping.clone() else {
            return;
        };
        if spec.groupings.is_empty() || spec.groupings.contains(&grouping.as_str()) {
            return;
        }
        let takes = spec.groupings.join(" or ");
        self.error(
            pos,
            format!(
                "`{path}` cannot be grouped by {grouping}: it takes the grouping {takes}"
            ),
            Some(format!(
                "group the rule by {takes} (`MetricDataGrouping`), or put this metric in a rule of its own"
            )),
        );
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
        self.grouping_fits(pos, spec, path);
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
