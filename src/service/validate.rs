//! Checks a document tree against a shape of the service model.
//!
//! Returns every violation, not just the first, each with the member path the service would
//! name and the position in the file (when the tree came from one).

use crate::node::{Node, Pos, Value};

use super::shapes::{ServiceModel, ShapeKind};

/// What to do with members the model does not define.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UnknownMembers {
    /// Report them (rule files: a typo must not pass silently).
    Reject,
    /// Ignore them (the service ignores members it does not know).
    Ignore,
}

/// One problem found in a value.
#[derive(Debug, Clone, PartialEq)]
pub struct Violation {
    /// Member path, e.g. `Actions[0].TaskAction.Name`.
    pub path: String,
    /// Where the offending value (or, for unknown keys, the key) starts.
    pub pos: Pos,
    /// What is wrong.
    pub problem: Problem,
}

/// What is wrong with a value.
#[derive(Debug, Clone, PartialEq)]
pub enum Problem {
    /// A required member is absent.
    Missing {
        /// The member's name.
        member: String,
    },
    /// A member the shape does not have.
    Unknown {
        /// The key as written.
        key: String,
        /// The closest member name, if one is close.
        suggestion: Option<String>,
        /// Every member the shape has.
        expected: Vec<String>,
    },
    /// The value has the wrong kind.
    WrongType {
        /// What the shape needs.
        expected: &'static str,
        /// What was found.
        found: &'static str,
    },
    /// A string not among the allowed values.
    NotInEnum {
        /// The value given.
        value: String,
        /// The allowed values.
        allowed: Vec<String>,
        /// The closest allowed value, if one is close.
        suggestion: Option<String>,
    },
    /// Too short or too long (characters for strings, entries for lists and maps).
    Length {
        /// The actual length.
        len: usize,
        /// The minimum.
        min: Option<i64>,
        /// The maximum.
        max: Option<i64>,
        /// `characters`, `items` or `entries`.
        unit: &'static str,
    },
    /// A string that does not match the shape's pattern.
    Pattern {
        /// The pattern, as the model writes it.
        pattern: String,
    },
    /// A number outside the shape's range.
    Range {
        /// The value given.
        value: f64,
        /// The minimum.
        min: Option<i64>,
        /// The maximum.
        max: Option<i64>,
    },
    /// A union with other than exactly one member set.
    UnionCount {
        /// How many members were set.
        set: usize,
    },
}

/// Checks `node` against `shape`, appending every violation to `out`.
pub fn validate(
    model: &ServiceModel,
    shape: &str,
    node: &Node,
    path: &str,
    unknown: UnknownMembers,
    out: &mut Vec<Violation>,
) {
    Checker {
        model,
        unknown,
        out,
    }
    .check(shape, node, path);
}

struct Checker<'a> {
    model: &'a ServiceModel,
    unknown: UnknownMembers,
    out: &'a mut Vec<Violation>,
}

impl Checker<'_> {
    fn report(&mut self, path: &str, pos: Pos, problem: Problem) {
        self.out.push(Violation {
            path: path.to_owned(),
            pos,
            problem,
        });
    }

    fn wrong_type(&mut self, path: &str, node: &Node, expected: &'static str) {
        self.report(
            path,
            node.pos,
            Problem::WrongType {
                expected,
                found: node.value.kind(),
            },
        );
    }

    fn check(&mut self, shape_name: &str, node: &Node, path: &str) {
        let shape = self.model.shape(shape_name);
        match (&shape.kind, &node.value) {
            (
                ShapeKind::Structure {
                    members,
                    required,
                    union,
                },
                Value::Map(entries),
            ) => {
                for name in required {
                    let member = members.iter().find(|m| &m.name == name);
                    let bound_elsewhere = member.is_some_and(|m| m.location.is_some());
                    if !bound_elsewhere && !entries.iter().any(|e| &e.key == name) {
                        self.report(
                            path,
                            node.pos,
                            Problem::Missing {
                                member: name.clone(),
                            },
                        );
                    }
                }
                let body_members: Vec<&super::Member> =
                    members.iter().filter(|m| m.location.is_none()).collect();
                for entry in entries {
                    let child = join(path, &entry.key);
                    match body_members.iter().find(|m| m.name == entry.key) {
                        Some(member) => {
                            // The service treats an explicit null like an absent member.
                            if entry.value.value != Value::Null {
                                self.check(&member.shape, &entry.value, &child);
                            } else if required.contains(&member.name) {
                                self.report(
                                    path,
                                    entry.key_pos,
                                    Problem::Missing {
                                        member: member.name.clone(),
                                    },
                                );
                            }
                        }
                        None if self.unknown == UnknownMembers::Reject => {
                            let expected: Vec<String> =
                                body_members.iter().map(|m| m.name.clone()).collect();
                            self.report(
                                &child,
                                entry.key_pos,
                                Problem::Unknown {
                                    key: entry.key.clone(),
                                    suggestion: closest(&entry.key, &expected),
                                    expected,
                                },
                            );
                        }
                        None => {}
                    }
                }
                if *union {
                    let set = entries
                        .iter()
                        .filter(|e| e.value.value != Value::Null)
                        .count();
                    if set != 1 {
                        self.report(path, node.pos, Problem::UnionCount { set });
                    }
                }
            }
            (ShapeKind::List { member }, Value::Seq(items)) => {
                self.check_length(path, node.pos, items.len(), shape, "items");
                for (index, item) in items.iter().enumerate() {
                    self.check(member, item, &format!("{path}[{index}]"));
                }
            }
            (ShapeKind::List { .. }, _) => self.wrong_type(path, node, "a list"),
            (ShapeKind::Map { key, value }, Value::Map(entries)) => {
                self.check_length(path, node.pos, entries.len(), shape, "entries");
                for entry in entries {
                    let child = join(path, &entry.key);
                    let key_node = Node {
                        value: Value::Str(entry.key.clone()),
                        pos: entry.key_pos,
                    };
                    self.check(key, &key_node, &child);
                    self.check(value, &entry.value, &child);
                }
            }
            (ShapeKind::Structure { .. } | ShapeKind::Map { .. }, _) => {
                self.wrong_type(path, node, "a mapping");
            }
            (ShapeKind::String, Value::Str(text)) => {
                if !shape.enum_values.is_empty() && !shape.enum_values.contains(text) {
                    self.report(
                        path,
                        node.pos,
                        Problem::NotInEnum {
                            value: text.clone(),
                            allowed: shape.enum_values.clone(),
                            suggestion: closest(text, &shape.enum_values),
                        },
                    );
                    return;
                }
                self.check_length(path, node.pos, text.chars().count(), shape, "characters");
                if let Some((pattern, regex)) = &shape.pattern {
                    // A pattern too costly to evaluate is treated as a mismatch, never a hang.
                    if !regex.is_match(text).unwrap_or(false) {
                        self.report(
                            path,
                            node.pos,
                            Problem::Pattern {
                                pattern: pattern.clone(),
                            },
                        );
                    }
                }
            }
            (ShapeKind::String, _) => self.wrong_type(path, node, "a string"),
            (ShapeKind::Integer | ShapeKind::Double | ShapeKind::Timestamp, Value::Int(int)) => {
                self.check_range(path, node.pos, *int as f64, shape);
            }
            (ShapeKind::Integer, _) => self.wrong_type(path, node, "an integer"),
            (ShapeKind::Double | ShapeKind::Timestamp, Value::Float(float)) => {
                self.check_range(path, node.pos, *float, shape);
            }
            (ShapeKind::Double | ShapeKind::Timestamp, _) => {
                self.wrong_type(path, node, "a number");
            }
            (ShapeKind::Boolean, Value::Bool(_)) => {}
            (ShapeKind::Boolean, _) => self.wrong_type(path, node, "a boolean"),
        }
    }

    fn check_length(
        &mut self,
        path: &str,
        pos: Pos,
        len: usize,
        shape: &super::Shape,
        unit: &'static str,
    ) {
        let len_i64 = i64::try_from(len).unwrap_or(i64::MAX);
        let too_short = shape.min.is_some_and(|min| len_i64 < min);
        let too_long = shape.max.is_some_and(|max| len_i64 > max);
        if too_short || too_long {
            self.report(
                path,
                pos,
                Problem::Length {
                    len,
                    min: shape.min,
                    max: shape.max,
                    unit,
                },
            );
        }
    }

    fn check_range(&mut self, path: &str, pos: Pos, value: f64, shape: &super::Shape) {
        let below = shape.min.is_some_and(|min| value < min as f64);
        let above = shape.max.is_some_and(|max| value > max as f64);
        if below || above {
            self.report(
                path,
                pos,
                Problem::Range {
                    value,
                    min: shape.min,
                    max: shape.max,
                },
            );
        }
    }
}

fn join(path: &str, key: &str) -> String {
    if path.is_empty() {
        key.to_owned()
    } else {
        format!("{path}.{key}")
    }
}

/// The candidate closest to `given`, if it is close enough to be the likely intent.
pub fn closest(given: &str, candidates: &[String]) -> Option<String> {
    let lowered = given.to_lowercase();
    candidates
        .iter()
        .map(|candidate| {
            let score = strsim::jaro_winkler(&lowered, &candidate.to_lowercase());
            (score, candidate)
        })
        .filter(|(score, _)| *score >= 0.8)
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, candidate)| candidate.clone())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::service::model;

    fn check(shape: &str, json: &serde_json::Value) -> Vec<Violation> {
        let mut out = Vec::new();
        validate(
            model(),
            shape,
            &Node::from_json(json),
            "",
            UnknownMembers::Reject,
            &mut out,
        );
        out
    }

    #[test]
    fn a_complete_task_action_passes() {
        let found = check(
            "RuleAction",
            &serde_json::json!({"ActionType": "CREATE_TASK",
                "TaskAction": {"Name": "Call back", "ContactFlowId": "abc"}}),
        );
        assert_eq!(found, vec![]);
    }

    #[test]
    fn reports_every_problem_with_its_path() {
        let found = check(
            "RuleAction",
            &serde_json::json!({"ActionType": "CREATE_TASKS",
                "TaskAction": {"Name": "", "ContactFlowID": "abc"}}),
        );
        let paths: Vec<&str> = found.iter().map(|v| v.path.as_str()).collect();
        assert_eq!(
            paths,
            [
                "ActionType",
                "TaskAction",
                "TaskAction.Name",
                "TaskAction.ContactFlowID"
            ]
        );
        assert!(matches!(
            &found[0].problem,
            Problem::NotInEnum { suggestion: Some(s), .. } if s == "CREATE_TASK"
        ));
        assert!(
            matches!(&found[1].problem, Problem::Missing { member } if member == "ContactFlowId")
        );
        assert!(
            matches!(&found[3].problem, Problem::Unknown { suggestion: Some(s), .. } if s == "ContactFlowId")
        );
    }

    #[test]
    fn numbers_are_range_checked() {
        let found = check(
            "CaseSlaConfiguration",
            &serde_json::json!({"Name": "s", "Type": "CaseField", "TargetSlaMinutes": 0}),
        );
        assert!(matches!(
            found[0].problem,
            Problem::Range { min: Some(1), .. }
        ));
    }

    #[test]
    fn unknown_members_can_be_ignored() {
        let mut out = Vec::new();
        validate(
            model(),
            "EventBridgeActionDefinition",
            &Node::from_json(&serde_json::json!({"Name": "x", "Extra": 1})),
            "",
            UnknownMembers::Ignore,
            &mut out,
        );
        assert!(out.is_empty());
    }
}
