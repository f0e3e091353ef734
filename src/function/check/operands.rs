//! `Operands`: their count, and each operand against the spec's type, range or set.

use super::{plural, shown, Checker};
use crate::function::ast::Condition;
use crate::function::catalog::{ConditionSpec, OperandSpec};
use crate::node::{Node, Pos, Value};
use crate::service::closest;

impl Checker<'_> {
    pub(super) fn operands(
        &mut self,
        pos: Pos,
        condition: &Condition,
        spec: &ConditionSpec,
        path: &str,
    ) {
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
        if let OperandSpec::Patterns { .. } = spec.operands {
            if !self.flat_patterns(node, items, path) {
                for (index, item) in items.iter().enumerate() {
                    self.pattern_operand(item, index, path);
                }
            }
            return;
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
}

impl OperandSpec {
    /// How many operands are allowed: at least the first, at most the second.
    pub fn count(&self) -> (usize, Option<usize>) {
        match *self {
            OperandSpec::Strings { min, max }
            | OperandSpec::OneOf { min, max, .. }
            | OperandSpec::Patterns { min, max } => (min, max),
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
                        "is {}, but it must be {}",
                        number_text(number),
                        number_range(*min, *max)
                    ),
                    None,
                )
            })
        }
        // Checked object by object in `patterns.rs`.
        OperandSpec::Patterns { .. } => None,
        OperandSpec::Integers { min, max, .. } => {
            let Value::Int(int) = item.value else {
                let numeric_text = item
                    .as_str()
                    .is_some_and(|text| text.trim().parse::<i64>().is_ok());
                // A YAML or JSON number with a decimal point is read as a float; a whole one
                // that fits is still a whole number, but nothing on the pages says the service
                // reads `2.0` where it wants an integer, so ask for it without the point.
                let (problem, hint) = match &item.value {
                    Value::Float(float)
                        if float.fract() == 0.0 && float.abs() < WHOLE_NUMBER_LIMIT =>
                    {
                        (
                            format!(
                                "is {}, written with a decimal point, but this condition takes a whole number",
                                shown(item)
                            ),
                            Some(format!("write it as {float:.0}, without the decimal point")),
                        )
                    }
                    Value::Float(float) if float.is_finite() && float.fract() == 0.0 => (
                        format!("is {}, too large to be held as a whole number", shown(item)),
                        None,
                    ),
                    _ => (
                        format!("must be a whole number, but it is {}", shown(item)),
                        numeric_text.then(|| "write it without quotes".to_owned()),
                    ),
                };
                return Some((problem, hint));
            };
            let below = min.is_some_and(|min| int < min);
            let above = max.is_some_and(|max| int > max);
            (below || above).then(|| {
                (
                    format!("is {int}, but it must be {}", integer_range(*min, *max)),
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

/// The largest magnitude below which every whole `f64` is also an `i64`.
const WHOLE_NUMBER_LIMIT: f64 = 9_223_372_036_854_775_808.0;

/// A range as a message states it: "between 0 and 100", "at least 1", "at most 5".
fn integer_range(min: Option<i64>, max: Option<i64>) -> String {
    match (min, max) {
        (Some(min), Some(max)) => format!("between {min} and {max}"),
        (Some(min), None) => format!("at least {min}"),
        (None, Some(max)) => format!("at most {max}"),
        (None, None) => "any whole number".to_owned(),
    }
}

/// A range of numbers as a message states it; infinite bounds are no bound.
fn number_range(min: f64, max: f64) -> String {
    match (min.is_finite(), max.is_finite()) {
        (true, true) => format!("between {} and {}", number_text(min), number_text(max)),
        (true, false) => format!("at least {}", number_text(min)),
        (false, true) => format!("at most {}", number_text(max)),
        (false, false) => "a number".to_owned(),
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
        OperandSpec::Numbers { min, max, .. } if min.is_finite() || max.is_finite() => {
            format!("{count} number{s} ({})", number_range(*min, *max))
        }
        OperandSpec::Numbers { .. } => format!("{count} number{s}"),
        OperandSpec::Patterns { .. } => {
            format!(
                "{count} pattern match{}, each a list of pattern objects",
                if s.is_empty() { "" } else { "es" }
            )
        }
        OperandSpec::Integers { min, max, .. } => {
            if min.is_none() && max.is_none() {
                format!("{count} whole number{s}")
            } else {
                format!("{count} whole number{s} ({})", integer_range(*min, *max))
            }
        }
        OperandSpec::Empty => "an empty list".to_owned(),
        OperandSpec::DateTimes { .. } => format!("{count} date-times"),
    }
}

pub(super) fn suggestion(node: &Node, values: &[&str]) -> Option<String> {
    let candidates: Vec<String> = values.iter().map(|&value| value.to_owned()).collect();
    node.as_str()
        .and_then(|text| closest(text, &candidates))
        .map(|near| format!("did you mean {near}?"))
}

fn number_text(number: f64) -> String {
    number.to_string()
}
