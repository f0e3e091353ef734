//! The Rules Function language as a typed tree.
//!
//! The tree is built over positioned nodes, so a finding inside a `Function` written as a YAML
//! mapping points at its own line; a `Function` written as a JSON string has no positions and
//! findings fall back to the `Function` key. Members the language does not define are kept in
//! `rest`, in order, so `to_json` gives back the document it was parsed from (compared as JSON).

use serde_json::{Map, Value as Json};

use crate::node::{Entry, Node, Pos, Value};

/// The one version of the language the service accepts.
pub const VERSION: &str = "2022-11-25";

/// A whole `Function` document: `{"Version": ..., "RuleFunction": ...}`.
#[derive(Debug, Clone, PartialEq)]
pub struct FunctionDoc {
    /// Where the document starts.
    pub pos: Pos,
    /// `Version`, as written (it may be of the wrong type).
    pub version: Option<Node>,
    /// `RuleFunction`.
    pub rule_function: Option<Expr>,
    /// Members the language does not define.
    pub rest: Vec<Entry>,
}

/// One operand of a compound: a condition, a nested compound, or something else kept as written.
#[derive(Debug, Clone, PartialEq)]
pub struct Expr {
    /// Where it starts.
    pub pos: Pos,
    /// What it is.
    pub kind: ExprKind,
}

/// The shapes an operand takes.
#[derive(Debug, Clone, PartialEq)]
pub enum ExprKind {
    /// A mapping with `Operands` or an `AND`/`OR` operator, and no `ComparisonValue`.
    Compound(Compound),
    /// A condition on one `ComparisonValue`.
    Condition(Condition),
    /// Neither: kept as written so it round-trips, and reported by the checker.
    Other(Node),
}

/// `Operator` over a list of expressions.
#[derive(Debug, Clone, PartialEq)]
pub struct Compound {
    /// `Operator`, normally `AND` or `OR`.
    pub operator: Option<Node>,
    /// `Operands`, when it is a list.
    pub operands: Vec<Expr>,
    /// `Operands` when it is not a list, kept as written.
    pub operands_other: Option<Node>,
    /// Whether `Operands` is written at all.
    pub operands_written: bool,
    /// `Negate`, if written.
    pub negate: Option<Node>,
    /// Members the language does not define.
    pub rest: Vec<Entry>,
}

/// A leaf condition.
#[derive(Debug, Clone, PartialEq)]
pub struct Condition {
    /// `Operator`, e.g. `CONTAINS_ANY`.
    pub operator: Option<Node>,
    /// `Operands`: normally a list of strings, numbers or objects.
    pub operands: Option<Node>,
    /// `ComparisonValue`: the JSON path the condition tests.
    pub comparison_value: Option<Node>,
    /// `FilterClause`, if written.
    pub filter_clause: Option<Node>,
    /// `Negate`, if written.
    pub negate: Option<Node>,
    /// Members the language does not define.
    pub rest: Vec<Entry>,
}

impl Condition {
    /// `ComparisonValue` when it is a string.
    pub fn path(&self) -> Option<&str> {
        self.comparison_value.as_ref().and_then(Node::as_str)
    }

    /// `Operator` when it is a string.
    pub fn operator_name(&self) -> Option<&str> {
        self.operator.as_ref().and_then(Node::as_str)
    }

    /// Whether `Negate` is `true`.
    pub fn negated(&self) -> bool {
        is_true(self.negate.as_ref())
    }

    /// The operands when they are a list.
    pub fn operand_list(&self) -> &[Node] {
        match self.operands.as_ref().map(|node| &node.value) {
            Some(Value::Seq(items)) => items,
            _ => &[],
        }
    }

    /// The `(Type, Data)` filters of the `FilterClause`, when it has that shape.
    pub fn filters(&self) -> Vec<(&str, &Node)> {
        clause_filters(self.filter_clause.as_ref())
    }
}

/// The `(Type, Data)` filters of a `FilterClause`, when it has that shape.
pub fn clause_filters(clause: Option<&Node>) -> Vec<(&str, &Node)> {
    let Some(Value::Seq(filters)) = clause
        .and_then(|clause| clause.get("Filters"))
        .map(|node| &node.value)
    else {
        return Vec::new();
    };
    filters
        .iter()
        .filter_map(|filter| Some((filter.get("Type")?.as_str()?, filter.get("Data")?)))
        .collect()
}

impl Compound {
    /// The `FilterClause` written on the group itself: on the `RuleFunction` of a metric rule
    /// it holds the grouping. Kept in `rest`, where it also round-trips.
    pub fn filter_clause(&self) -> Option<&Node> {
        self.rest
            .iter()
            .find(|entry| entry.key == "FilterClause")
            .map(|entry| &entry.value)
    }

    /// The `(Type, Data)` filters of the group's `FilterClause`.
    pub fn filters(&self) -> Vec<(&str, &Node)> {
        clause_filters(self.filter_clause())
    }

    /// The metric grouping (`MetricDataGrouping`), e.g. `QUEUE`, when it names one.
    pub fn grouping(&self) -> Option<&str> {
        self.filters()
            .into_iter()
            .find(|(kind, _)| *kind == "MetricDataGrouping")
            .and_then(|(_, data)| match &data.value {
                Value::Seq(values) => values.first().and_then(Node::as_str),
                _ => data.as_str(),
            })
    }

    /// `Operator` when it is a string.
    pub fn operator_name(&self) -> Option<&str> {
        self.operator.as_ref().and_then(Node::as_str)
    }

    /// Whether `Negate` is `true`.
    pub fn negated(&self) -> bool {
        is_true(self.negate.as_ref())
    }
}

fn is_true(node: Option<&Node>) -> bool {
    matches!(node.map(|node| &node.value), Some(Value::Bool(true)))
}

impl FunctionDoc {
    /// Reads a document from a positioned tree; `None` when it is not a mapping.
    pub fn parse(node: &Node) -> Option<Self> {
        let Value::Map(entries) = &node.value else {
            return None;
        };
        let mut doc = FunctionDoc {
            pos: node.pos,
            version: None,
            rule_function: None,
            rest: Vec::new(),
        };
        for entry in entries {
            match entry.key.as_str() {
                "Version" => doc.version = Some(entry.value.clone()),
                "RuleFunction" => doc.rule_function = Some(Expr::parse(&entry.value)),
                _ => doc.rest.push(entry.clone()),
            }
        }
        Some(doc)
    }

    /// Reads a document from JSON (no positions); `None` when it is not an object.
    pub fn from_json(json: &Json) -> Option<Self> {
        Self::parse(&Node::from_json(json))
    }

    /// Reads the document carried in a rule's `Function` string.
    pub fn from_text(text: &str) -> Option<Self> {
        serde_json::from_str::<Json>(text)
            .ok()
            .and_then(|json| Self::from_json(&json))
    }

    /// The document as JSON.
    pub fn to_json(&self) -> Json {
        let mut members = Map::new();
        put(&mut members, "Version", self.version.as_ref());
        if let Some(rule_function) = &self.rule_function {
            members.insert("RuleFunction".to_owned(), rule_function.to_json());
        }
        put_rest(&mut members, &self.rest);
        Json::Object(members)
    }

    /// Every condition, depth first, with the compounds above it.
    pub fn conditions(&self) -> Vec<&Condition> {
        let mut found = Vec::new();
        if let Some(expr) = &self.rule_function {
            expr.collect_conditions(&mut found);
        }
        found
    }
}

impl Expr {
    /// Classifies one operand.
    pub fn parse(node: &Node) -> Self {
        let kind = match &node.value {
            Value::Map(entries) if node.get("ComparisonValue").is_some() => {
                ExprKind::Condition(Condition::parse(entries))
            }
            Value::Map(entries)
                if node.get("Operands").is_some()
                    || matches!(
                        node.get("Operator").and_then(Node::as_str),
                        Some("AND" | "OR")
                    ) =>
            {
                ExprKind::Compound(Compound::parse(entries))
            }
            _ => ExprKind::Other(node.clone()),
        };
        Expr {
            pos: node.pos,
            kind,
        }
    }

    /// The expression as JSON.
    pub fn to_json(&self) -> Json {
        match &self.kind {
            ExprKind::Compound(compound) => compound.to_json(),
            ExprKind::Condition(condition) => condition.to_json(),
            ExprKind::Other(node) => node.to_json(),
        }
    }

    fn collect_conditions<'a>(&'a self, found: &mut Vec<&'a Condition>) {
        match &self.kind {
            ExprKind::Compound(compound) => {
                for operand in &compound.operands {
                    operand.collect_conditions(found);
                }
            }
            ExprKind::Condition(condition) => found.push(condition),
            ExprKind::Other(_) => {}
        }
    }
}

impl Compound {
    fn parse(entries: &[Entry]) -> Self {
        let mut compound = Compound {
            operator: None,
            operands: Vec::new(),
            operands_other: None,
            operands_written: false,
            negate: None,
            rest: Vec::new(),
        };
        for entry in entries {
            match (entry.key.as_str(), &entry.value.value) {
                ("Operator", _) => compound.operator = Some(entry.value.clone()),
                ("Operands", Value::Seq(items)) => {
                    compound.operands = items.iter().map(Expr::parse).collect();
                    compound.operands_written = true;
                }
                ("Operands", _) => {
                    compound.operands_other = Some(entry.value.clone());
                    compound.operands_written = true;
                }
                ("Negate", _) => compound.negate = Some(entry.value.clone()),
                _ => compound.rest.push(entry.clone()),
            }
        }
        compound
    }

    fn to_json(&self) -> Json {
        let mut members = Map::new();
        put(&mut members, "Operator", self.operator.as_ref());
        match &self.operands_other {
            Some(other) => {
                members.insert("Operands".to_owned(), other.to_json());
            }
            None if !self.operands_written => {}
            None => {
                members.insert(
                    "Operands".to_owned(),
                    Json::Array(self.operands.iter().map(Expr::to_json).collect()),
                );
            }
        }
        put(&mut members, "Negate", self.negate.as_ref());
        put_rest(&mut members, &self.rest);
        Json::Object(members)
    }
}

impl Condition {
    fn parse(entries: &[Entry]) -> Self {
        let mut condition = Condition {
            operator: None,
            operands: None,
            comparison_value: None,
            filter_clause: None,
            negate: None,
            rest: Vec::new(),
        };
        for entry in entries {
            let slot = match entry.key.as_str() {
                "Operator" => &mut condition.operator,
                "Operands" => &mut condition.operands,
                "ComparisonValue" => &mut condition.comparison_value,
                "FilterClause" => &mut condition.filter_clause,
                "Negate" => &mut condition.negate,
                _ => {
                    condition.rest.push(entry.clone());
                    continue;
                }
            };
            *slot = Some(entry.value.clone());
        }
        condition
    }

    fn to_json(&self) -> Json {
        let mut members = Map::new();
        put(&mut members, "Operator", self.operator.as_ref());
        put(&mut members, "Operands", self.operands.as_ref());
        put(
            &mut members,
            "ComparisonValue",
            self.comparison_value.as_ref(),
        );
        put(&mut members, "FilterClause", self.filter_clause.as_ref());
        put(&mut members, "Negate", self.negate.as_ref());
        put_rest(&mut members, &self.rest);
        Json::Object(members)
    }
}

fn put(members: &mut Map<String, Json>, key: &str, node: Option<&Node>) {
    if let Some(node) = node {
        members.insert(key.to_owned(), node.to_json());
    }
}

fn put_rest(members: &mut Map<String, Json>, rest: &[Entry]) {
    for entry in rest {
        members.insert(entry.key.clone(), entry.value.to_json());
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn round_trip(json: &Json) {
        let doc = FunctionDoc::from_json(json).expect("an object");
        assert_eq!(&doc.to_json(), json);
    }

    #[test]
    fn a_documented_function_round_trips_and_is_typed() {
        let json = json!({
            "Version": "2022-11-25",
            "RuleFunction": {"Operator": "AND", "Operands": [
                {"Operator": "CONTAINS_ANY", "Operands": ["refund"],
                 "ComparisonValue": "$.ContactLens.RealTimeCall.ExactMatch.Transcript",
                 "FilterClause": {"LogicOperator": "AND", "Filters": [{"Type": "ParticipantRole", "Data": "CUSTOMER"}]},
                 "Negate": false},
                {"Operator": "OR", "Operands": [
                    {"Operator": "CONTAINS_ANY", "Operands": ["q1"], "ComparisonValue": "$.ContactLens.RealTimeCall.Queue.QueueId", "Negate": true}
                ]}
            ]}
        });
        round_trip(&json);
        let doc = FunctionDoc::from_json(&json).expect("an object");
        let conditions = doc.conditions();
        assert_eq!(conditions.len(), 2);
        assert_eq!(
            conditions[0].filters(),
            vec![("ParticipantRole", &Node::from_json(&json!("CUSTOMER")))]
        );
        assert!(conditions[1].negated());
        assert!(matches!(
            doc.rule_function.map(|expr| expr.kind),
            Some(ExprKind::Compound(_))
        ));
    }

    #[test]
    fn unknown_members_and_odd_shapes_round_trip() {
        round_trip(&json!({
            "Version": 20_221_125,
            "Extra": {"a": [1, 2.5, null]},
            "RuleFunction": {"Operator": "XOR", "Operands": [
                "a bare string",
                {"Operator": "EQUALS", "Operands": "not a list", "ComparisonValue": 7, "Future": true},
                {"Operands": [1, 2]}
            ], "Hint": "kept"}
        }));
        round_trip(&json!({"RuleFunction": "not an object"}));
        round_trip(&json!({"RuleFunction": {"Operator": "AND"}}));
        round_trip(&json!({"RuleFunction": {"Operator": "OR", "Operands": "oops"}}));
        round_trip(&json!({"RuleFunction": {"Operator": "AND", "Operands": {"a": 1}}}));
        round_trip(&json!({}));
    }

    #[test]
    fn a_non_object_is_not_a_document() {
        assert!(FunctionDoc::from_json(&json!([1])).is_none());
        assert!(FunctionDoc::from_text("not json").is_none());
    }
}
