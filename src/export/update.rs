//! `export --update`: what a rule file keeps when it is written again from the live rule.
//! Pure: the file's text in, what to keep out.
//!
//! The file is rewritten whole (a YAML document cannot be edited in place without a parser that
//! keeps its layout), so what a person wrote is carried over where it still holds: the comment
//! lines at the top (the `$schema` line, the rule's description) and every string written with
//! `${var.NAME}` or `${KIND:NAME}` that still stands for the live value. The comments further
//! down are put back by [`super::carry_comments`].

use crate::load::yaml;
use crate::node::{Node, Value};

use super::{Kept, Step};

/// What a rule file keeps when it is written again.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Keeping {
    /// The comment (and blank) lines before the first line of YAML, each ending in a newline.
    pub header: String,
    /// The strings written with a variable or a reference, by where they stand.
    pub kept: Kept,
}

/// `new`, a file's text as the tool writes it, in the form of the file's `old` text: its
/// line endings (CRLF when most of its lines end so) and its byte-order mark, so a rewrite
/// shows in `git diff` as the lines that changed, not every line.
pub fn in_the_form_of(old: &str, new: &str) -> String {
    let lines = old.matches('\n').count();
    let crlf = old.matches("\r\n").count();
    let mut text = new.replace("\r\n", "\n");
    if lines > 0 && crlf * 2 > lines {
        text = text.replace('\n', "\r\n");
    }
    let bom = '\u{feff}';
    match (old.starts_with(bom), text.starts_with(bom)) {
        (true, false) => text.insert(0, bom),
        (false, true) => {
            text.remove(0);
        }
        _ => {}
    }
    text
}

/// What the rule file `text` keeps; an error when it is not YAML (the load reports it first).
pub fn keeping(text: &str) -> Result<Keeping, String> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let node = yaml::parse(text).map_err(|err| err.message)?;
    let mut kept = Kept::new();
    collect(&node, &mut Vec::new(), &mut kept);
    let mut header = String::new();
    let mut document_started = false;
    for line in text.lines() {
        let trimmed = line.trim_start();
        // The document marker, once, before any YAML: what follows it is still the header.
        let marker = !document_started && line.trim_end() == "---";
        if trimmed.is_empty() || trimmed.starts_with('#') || marker {
            document_started |= marker;
            header.push_str(line);
            header.push('\n');
        } else {
            break;
        }
    }
    // Trailing blank lines of the header would open the document with a gap.
    while header.ends_with("\n\n") {
        header.pop();
    }
    if header.trim().is_empty() {
        header.clear();
    }
    Ok(Keeping { header, kept })
}

fn collect(node: &Node, path: &mut Vec<Step>, kept: &mut Kept) {
    match &node.value {
        // A Function written as a JSON string is written back as a mapping: its strings are
        // kept by where they stand in it.
        Value::Str(text)
            if text.contains("${") && path.as_slice() == [Step::Key("Function".into())] =>
        {
            match serde_json::from_str::<serde_json::Value>(text) {
                Ok(function) => collect_json(&function, path, kept),
                Err(_) => {
                    kept.insert(path.clone(), text.clone());
                }
            }
        }
        Value::Str(text) if text.contains("${") => {
            kept.insert(path.clone(), text.clone());
        }
        Value::Seq(items) => {
            for (index, item) in items.iter().enumerate() {
                path.push(Step::Index(index));
                collect(item, path, kept);
                path.pop();
            }
        }
        Value::Map(entries) => {
            for entry in entries {
                path.push(Step::Key(entry.key.clone()));
                collect(&entry.value, path, kept);
                path.pop();
            }
        }
        _ => {}
    }
}

fn collect_json(value: &serde_json::Value, path: &mut Vec<Step>, kept: &mut Kept) {
    match value {
        serde_json::Value::String(text) if text.contains("${") => {
            kept.insert(path.clone(), text.clone());
        }
        serde_json::Value::Array(items) => {
            for (index, item) in items.iter().enumerate() {
                path.push(Step::Index(index));
                collect_json(item, path, kept);
                path.pop();
            }
        }
        serde_json::Value::Object(members) => {
            for (key, member) in members {
                path.push(Step::Key(key.clone()));
                collect_json(member, path, kept);
                path.pop();
            }
        }
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_rewrite_keeps_the_files_line_endings_and_byte_order_mark() {
        assert_eq!(
            in_the_form_of("a: 1\r\nb: 2\r\n", "a: 3\nb: 2\n"),
            "a: 3\r\nb: 2\r\n"
        );
        assert_eq!(in_the_form_of("\u{feff}a: 1\n", "a: 3\n"), "\u{feff}a: 3\n");
        assert_eq!(in_the_form_of("a: 1\n", "a: 3\r\n"), "a: 3\n");
        assert_eq!(
            in_the_form_of("a: 1\r\nb: 2\n", "a: 3\nb: 2\n"),
            "a: 3\nb: 2\n",
            "half and half stays LF"
        );
    }

    #[test]
    fn the_header_and_the_written_variables_and_references_are_kept() {
        let text = "# yaml-language-server: $schema=../schema/rule.schema.json\n# Why this rule.\n\nName: a\nActions:\n  - TaskAction:\n      # the flow\n      ContactFlowId: ${flow:Callback}\n      Name: ${var.task} for $${x}\n      Description: plain\n";
        let keeping = keeping(text).unwrap();
        assert_eq!(
            keeping.header,
            "# yaml-language-server: $schema=../schema/rule.schema.json\n# Why this rule.\n"
        );
        let at = |last: &str| {
            vec![
                Step::Key("Actions".into()),
                Step::Index(0),
                Step::Key("TaskAction".into()),
                Step::Key(last.into()),
            ]
        };
        assert_eq!(
            keeping.kept,
            Kept::from([
                (at("ContactFlowId"), "${flow:Callback}".to_owned()),
                (at("Name"), "${var.task} for $${x}".to_owned()),
            ])
        );
        assert!(super::keeping("Name: [").is_err());
    }

    #[test]
    fn what_follows_the_document_marker_is_header_too() {
        let text = "# Owned by billing.\n---\n# yaml-language-server: $schema=s.json\nName: a\n";
        assert_eq!(
            keeping(text).unwrap().header,
            "# Owned by billing.\n---\n# yaml-language-server: $schema=s.json\n"
        );
    }

    #[test]
    fn the_variables_of_a_function_written_as_json_are_kept_where_they_stand_in_it() {
        let text = r#"Name: a
Function: '{"Version":"2022-11-25","RuleFunction":{"Operands":["${var.q}"]}}'
"#;
        let kept = keeping(text).unwrap().kept;
        let path = vec![
            Step::Key("Function".into()),
            Step::Key("RuleFunction".into()),
            Step::Key("Operands".into()),
            Step::Index(0),
        ];
        assert_eq!(kept, Kept::from([(path, "${var.q}".to_owned())]));
    }
}
