//! `${var.NAME}` substitution in string values.
//!
//! IDs differ per instance (contact flows, users, evaluation forms), so rule files name them
//! by variable and each target supplies the values. `$${var.NAME}` writes the text literally.

use std::collections::BTreeMap;

use crate::node::{Node, Pos, Value};

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
    match &mut node.value {
        Value::Str(text) if text.contains("${") => {
            *text = substitute(text, variables, |name| {
                undefined.push(UndefinedVariable {
                    name: name.to_owned(),
                    pos: node.pos,
                });
            });
        }
        Value::Seq(items) => {
            for item in items {
                interpolate(item, variables, undefined);
            }
        }
        Value::Map(entries) => {
            for entry in entries {
                interpolate(&mut entry.value, variables, undefined);
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
    fn escapes_and_leaves_other_dollars_alone() {
        let mut missing = Vec::new();
        let out = substitute("$${var.flow} ${env.X} $.Path ${var.", &vars(), |n| {
            missing.push(n.to_owned());
        });
        assert_eq!(out, "${var.flow} ${env.X} $.Path ${var.");
        assert!(missing.is_empty());
    }
}
