//! Pattern-match operands: each operand is a list of pattern objects, each object a `Type`
//! from [`PATTERN_TYPES`] with the `Value` that type takes
//! (<https://docs.aws.amazon.com/connect/latest/APIReference/patternmatch-operands.html>).

use super::filters::field_mismatch;
use super::{shown, Checker};
use crate::function::catalog::{pattern_type, PatternValue, PATTERN_TYPES};
use crate::node::{Node, Value};
use crate::service::closest;

/// How one pattern match is written, for hints.
const SHAPE: &str = "`Operands: [[{Type: PLAIN, Value: refund}, {Type: PROXIMITY, Value: {Distance: 5, IsWithin: true}}, {Type: PLAIN, Value: now}]]`";

impl Checker<'_> {
    /// `Operands` written as one flat list of pattern objects instead of a list of lists: one
    /// finding for the whole list. Returns whether it was reported.
    pub(super) fn flat_patterns(&mut self, node: &Node, items: &[Node], path: &str) -> bool {
        let flat = !items.is_empty()
            && items
                .iter()
                .all(|item| matches!(item.value, Value::Map(_)) && item.get("Type").is_some());
        if flat {
            self.error(
                node.pos,
                format!(
                    "`Operands` of `{path}` is a flat list of pattern objects, but each operand must itself be a list of pattern objects"
                ),
                Some(format!(
                    "wrap the objects of one pattern in a list of their own: {SHAPE}"
                )),
            );
        }
        flat
    }

    /// One operand of a pattern-match condition: a non-empty list of pattern objects.
    pub(super) fn pattern_operand(&mut self, item: &Node, index: usize, path: &str) {
        let at = format!("operand {} of `{path}`", index + 1);
        let Value::Seq(objects) = &item.value else {
            let single = matches!(item.value, Value::Map(_));
            self.error(
                item.pos,
                if single {
                    format!(
                        "{at} is a single pattern object, but it must be a list of pattern objects"
                    )
                } else {
                    format!(
                        "{at} must be a list of pattern objects, but it is {}",
                        item.value.kind()
                    )
                },
                Some(format!("write each pattern as a list of objects: {SHAPE}")),
            );
            return;
        };
        if objects.is_empty() {
            self.error(
                item.pos,
                format!("{at} is an empty list of pattern objects"),
                Some(format!("add at least one pattern object: {SHAPE}")),
            );
        }
        for object in objects {
            self.pattern_object(object, &at, false);
        }
    }

    /// One pattern object; `in_list` for the `PLAIN` objects inside a `LIST`.
    fn pattern_object(&mut self, object: &Node, at: &str, in_list: bool) {
        let Value::Map(entries) = &object.value else {
            self.error(
                object.pos,
                format!(
                    "each pattern object of {at} must be a mapping with `Type` and `Value`, but this one is {}",
                    object.value.kind()
                ),
                Some("write `{Type: PLAIN, Value: word}`".to_owned()),
            );
            return;
        };
        for entry in entries {
            if entry.key != "Type" && entry.key != "Value" {
                self.unknown(
                    entry.key_pos,
                    format!(
                        "a pattern object of {at} has a member `{}` that the Rules Function language does not define",
                        entry.key
                    ),
                    Some("a pattern object has only `Type` and `Value`".to_owned()),
                );
            }
        }
        let types = || {
            PATTERN_TYPES
                .iter()
                .map(|pattern| pattern.kind)
                .collect::<Vec<_>>()
                .join(", ")
        };
        let Some(kind) = object.get("Type") else {
            self.error(
                object.pos,
                format!("a pattern object of {at} has no `Type`"),
                Some(format!("add `Type:` one of {}", types())),
            );
            return;
        };
        let Some(pattern) = kind.as_str().and_then(pattern_type) else {
            let names: Vec<String> = PATTERN_TYPES
                .iter()
                .map(|pattern| pattern.kind.to_owned())
                .collect();
            let hint = match kind.as_str().and_then(|name| closest(name, &names)) {
                Some(near) => format!("did you mean {near}?"),
                None => format!(
                    "a pattern object's `Type` is one of {}; there is no regular-expression type",
                    types()
                ),
            };
            self.error(
                kind.pos,
                format!(
                    "pattern object type {} in {at} is not one of {}",
                    shown(kind),
                    types()
                ),
                Some(hint),
            );
            return;
        };
        if in_list && pattern.kind != "PLAIN" {
            self.error(
                kind.pos,
                format!(
                    "a LIST in {at} holds a {} pattern object, but a LIST holds only PLAIN objects",
                    pattern.kind
                ),
                Some("write each word of the list as `{Type: PLAIN, Value: word}`".to_owned()),
            );
            return;
        }
        let Some(value) = object.get("Value") else {
            self.error(
                object.pos,
                format!("the {} pattern object of {at} has no `Value`", pattern.kind),
                None,
            );
            return;
        };
        self.pattern_value(value, &pattern.value, pattern.kind, at);
    }

    fn pattern_value(&mut self, value: &Node, expected: &PatternValue, kind: &str, at: &str) {
        match expected {
            PatternValue::Text => {
                if value.as_str().is_none() {
                    self.error(
                        value.pos,
                        format!(
                            "the `Value` of a PLAIN pattern object of {at} must be a string, but it is {}",
                            value.value.kind()
                        ),
                        Some("write one word or phrase: `{Type: PLAIN, Value: refund}`".to_owned()),
                    );
                }
            }
            PatternValue::PlainList => match &value.value {
                Value::Seq(words) if !words.is_empty() => {
                    for word in words {
                        self.pattern_object(word, at, true);
                    }
                }
                Value::Seq(_) => self.error(
                    value.pos,
                    format!("the `Value` of a LIST pattern object of {at} is an empty list"),
                    Some("add at least one `{Type: PLAIN, Value: word}`".to_owned()),
                ),
                other => self.error(
                    value.pos,
                    format!(
                        "the `Value` of a LIST pattern object of {at} must be a list of PLAIN pattern objects, but it is {}",
                        other.kind()
                    ),
                    Some("write `Value: [{Type: PLAIN, Value: word}, ...]`".to_owned()),
                ),
            },
            PatternValue::Fields(fields) => {
                let keys = fields
                    .iter()
                    .map(|field| format!("`{}`", field.key))
                    .collect::<Vec<_>>()
                    .join(" and ");
                let Value::Map(entries) = &value.value else {
                    self.error(
                        value.pos,
                        format!(
                            "the `Value` of a {kind} pattern object of {at} must be a mapping with {keys}, but it is {}",
                            value.value.kind()
                        ),
                        None,
                    );
                    return;
                };
                for field in *fields {
                    if value.get(field.key).is_none() {
                        self.error(
                            value.pos,
                            format!(
                                "the `Value` of a {kind} pattern object of {at} has no `{}`",
                                field.key
                            ),
                            Some(format!("it takes {keys}")),
                        );
                    }
                }
                for entry in entries {
                    let Some(field) = fields.iter().find(|field| field.key == entry.key) else {
                        self.error(
                            entry.key_pos,
                            format!(
                                "the `Value` of a {kind} pattern object of {at} has an unknown key `{}`",
                                entry.key
                            ),
                            Some(format!("it takes {keys}")),
                        );
                        continue;
                    };
                    if let Some(should) = field_mismatch(&field.value, &entry.value) {
                        self.error(
                            entry.value.pos,
                            format!(
                                "`{}` of a {kind} pattern object of {at} must be {should}, but it is {}",
                                field.key,
                                shown(&entry.value)
                            ),
                            None,
                        );
                    }
                }
            }
        }
    }
}
