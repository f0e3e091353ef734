//! `${var.NAME}` substitution in string values.
//!
//! IDs differ per instance (contact flows, users, evaluation forms), so rule files name them
//! by variable and each target supplies the values. `$${var.NAME}` writes the text literally.

use std::collections::BTreeMap;

use crate::node::{Node, Pos, Value};

/// Where substituted text came from: each string value that used a variable, as the file wrote
/// it, by the position of the value. Kept so a reading of the rule (`explain`) names a variable
/// exactly where the file wrote one, and shows a literal that merely equals some variable's
/// value as that literal.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Provenance {
    written: BTreeMap<Pos, String>,
}

impl Provenance {
    /// Provenance that starts from strings already changed by an earlier pass (references),
    /// by position, with the text the file wrote.
    pub fn from_written(written: BTreeMap<Pos, String>) -> Self {
        Provenance { written }
    }

    /// The text written at `pos` before substitution, when that string used a variable.
    pub fn written_at(&self, pos: Pos) -> Option<&str> {
        self.written.get(&pos).map(String::as_str)
    }

    /// Whether no string used a variable.
    pub fn is_empty(&self) -> bool {
        self.written.is_empty()
    }

    /// `node` with every string that used a variable put back as the file wrote it.
    pub fn restore(&self, node: &Node) -> Node {
        let value = match &node.value {
            Value::Str(_) => match self.written_at(node.pos) {
                Some(written) => Value::Str(written.to_owned()),
                None => node.value.clone(),
            },
            Value::Seq(items) => Value::Seq(items.iter().map(|item| self.restore(item)).collect()),
            Value::Map(entries) => Value::Map(
                entries
                    .iter()
                    .map(|entry| crate::node::Entry {
                        value: self.restore(&entry.value),
                        ..entry.clone()
                    })
                    .collect(),
            ),
            other => other.clone(),
        };
        Node {
            value,
            pos: node.pos,
        }
    }
}

/// A variable used in a file but not defined.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UndefinedVariable {
    /// The variable's name.
    pub name: String,
    /// The string value that uses it.
    pub pos: Pos,
}

/// Replaces variables in every string value of `node` (keys are left alone).
pub fn interpolate(
    node: &mut Node,
    variables: &BTreeMap<String, String>,
    undefined: &mut Vec<UndefinedVariable>,
) {
    interpolate_traced(node, variables, undefined, &mut Provenance::default());
}

/// [`interpolate`], recording in `provenance` the written text of each string it changed.
pub fn interpolate_traced(
    node: &mut Node,
    variables: &BTreeMap<String, String>,
    undefined: &mut Vec<UndefinedVariable>,
    provenance: &mut Provenance,
) {
    match &mut node.value {
        Value::Str(text) if text.contains("${") => {
            let substituted = substitute(text, variables, |name| {
                undefined.push(UndefinedVariable {
                    name: name.to_owned(),
                    pos: node.pos,
                });
            });
            if substituted != *text {
                let written = std::mem::replace(text, substituted);
                // An earlier pass may have changed the string already: keep what the file wrote.
                provenance.written.entry(node.pos).or_insert(written);
            }
        }
        Value::Seq(items) => {
            for item in items {
                interpolate_traced(item, variables, undefined, provenance);
            }
        }
        Value::Map(entries) => {
            for entry in entries {
                interpolate_traced(&mut entry.value, variables, undefined, provenance);
            }
        }
        _ => {}
    }
}

/// Substitutes `${var.NAME}` in `text`, calling `missing` for each undefined name.
pub fn substitute(
    text: &str,
    variables: &BTreeMap<String, String>,
    mut missing: impl FnMut(&str),
) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(start) = rest.find("${") {
        if rest[..start].ends_with('$') {
            out.push_str(&rest[..start - 1]);
            out.push_str("${");
            rest = &rest[start + 2..];
            continue;
        }
        out.push_str(&rest[..start]);
        let after = &rest[start + 2..];
        let reference = after
            .strip_prefix("var.")
            .and_then(|tail| tail.find('}').map(|end| &tail[..end]))
            .filter(|name| is_variable_name(name));
        if let Some(name) = reference {
            // `${var.` + name + `}`
            let written = 2 + 4 + name.len() + 1;
            if let Some(value) = variables.get(name) {
                out.push_str(value);
            } else {
                missing(name);
                out.push_str(&rest[start..start + written]);
            }
            rest = &rest[start + written..];
        } else {
            out.push_str("${");
            rest = after;
        }
    }
    out.push_str(rest);
    out
}

/// Whether `name` can be written as `${var.NAME}`.
pub fn is_variable_name(name: &str) -> bool {
    let mut chars = name.chars();
    chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
}

#[cfg(test)]
mod tests {
    use super::*;

    fn vars() -> BTreeMap<String, String> {
        BTreeMap::from([("flow".to_owned(), "abc-123".to_owned())])
    }

    #[test]
    fn replaces_known_variables() {
        let mut missing = Vec::new();
        let out = substitute("id ${var.flow}!", &vars(), |n| missing.push(n.to_owned()));
        assert_eq!(out, "id abc-123!");
        assert!(missing.is_empty());
    }

    #[test]
    fn reports_undefined_variables_and_keeps_the_text() {
        let mut missing = Vec::new();
        let out = substitute("${var.queue} and ${var.flow}", &vars(), |n| {
            missing.push(n.to_owned());
        });
        assert_eq!(out, "${var.queue} and abc-123");
        assert_eq!(missing, ["queue"]);
    }

    #[test]
    fn provenance_keeps_the_written_text_of_each_substituted_string_only() {
        let at = |line| Pos { line, col: 3 };
        let string = |text: &str, line| Node {
            value: Value::Str(text.to_owned()),
            pos: at(line),
        };
        let mut node = Node::new(Value::Seq(vec![
            string("${var.flow}", 1),
            string("abc-123", 2),
            string("$${var.flow}", 3),
        ]));
        let mut provenance = Provenance::default();
        interpolate_traced(&mut node, &vars(), &mut Vec::new(), &mut provenance);
        // The literal that equals the variable's value was not substituted: no record.
        assert_eq!(provenance.written_at(at(1)), Some("${var.flow}"));
        assert_eq!(provenance.written_at(at(2)), None);
        assert_eq!(provenance.written_at(at(3)), Some("$${var.flow}"));
        let Value::Seq(items) = &node.value else {
            unreachable!()
        };
        assert_eq!(items[0].as_str(), Some("abc-123"));
        let restored = provenance.restore(&node);
        let Value::Seq(items) = &restored.value else {
            unreachable!()
        };
        assert_eq!(items[0].as_str(), Some("${var.flow}"));
        assert_eq!(items[1].as_str(), Some("abc-123"));
    }

    #[test]
    fn escapes_and_leaves_other_dollars_alone() {
        let mut missing = Vec::new();
        let out = substitute("$${var.flow} ${env.X} $.Path ${var.", &vars(), |n| {
            missing.push(n.to_owned());
        });
        assert_eq!(out, "${var.flow} ${env.X} $.Path ${var.");
        assert!(missing.is_empty());
    }
}
