//! Parses one YAML document into a [`Node`] tree with positions.
//!
//! Built on the event parser so that the tree keeps line and column for every key and value,
//! and so that hostile input stays bounded: aliases are expanded with a budget (an alias bomb
//! is an error, not a hang), nesting has a depth limit, duplicate keys and custom tags are
//! errors, and a file may hold only one document.

use std::collections::HashMap;

use yaml_rust2::parser::{Event, MarkedEventReceiver, Parser, Tag};
use yaml_rust2::scanner::{Marker, TScalarStyle};

use crate::node::{Entry, Node, Pos, Value};

/// The deepest nesting a rule file may use (rules need fewer than 15 levels).
pub const MAX_DEPTH: usize = 64;
/// The most nodes a file may expand to, counting every alias expansion.
pub const MAX_NODES: usize = 200_000;

/// A problem that stops the file from being read as a document.
#[derive(Debug, Clone, PartialEq)]
pub struct SyntaxError {
    /// Where the parser stopped.
    pub pos: Pos,
    /// What went wrong.
    pub message: String,
    /// How to fix it, where that is known.
    pub hint: Option<String>,
}

/// Parses `text` (one YAML document) into a tree. An empty document is `Null`.
pub fn parse(text: &str) -> Result<Node, SyntaxError> {
    let mut builder = Builder {
        end: end_of_text(text),
        ..Builder::default()
    };
    let mut parser = Parser::new_from_str(text);
    let loaded = parser.load(&mut builder, true);
    // The builder's own limits (depth, size) explain more than the parser's late failure.
    if let Some(err) = builder.error.take() {
        return Err(err);
    }
    if let Err(err) = loaded {
        if err.info().contains("recursion limit") {
            return Err(SyntaxError {
                pos: to_pos(*err.marker()),
                message: format!("the document nests deeper than {MAX_DEPTH} levels"),
                hint: Some("a rule needs fewer than 15 levels; is this the right file?".to_owned()),
            });
        }
        return Err(SyntaxError {
            pos: clamp_to_text(to_pos(*err.marker()), text),
            message: format!("invalid YAML: {}", err.info()),
            hint: Some(
                "check the indentation (spaces, not tabs) and the quotes and brackets around here"
                    .to_owned(),
            ),
        });
    }
    if let Some(err) = builder.error {
        return Err(err);
    }
    Ok(builder.root.unwrap_or(Node {
        value: Value::Null,
        pos: Pos { line: 1, col: 1 },
    }))
}

/// A parser that fails at the end of input reports the line after the last one; point at the
/// end of the last line instead, which an editor can show.
fn clamp_to_text(pos: Pos, text: &str) -> Pos {
    let lines: Vec<&str> = text.lines().collect();
    if pos.line > lines.len() && !lines.is_empty() {
        let last = lines[lines.len() - 1];
        Pos {
            line: lines.len(),
            col: last.chars().count() + 1,
        }
    } else {
        pos
    }
}

/// Where the last character of `text` ends, counting lines as YAML does (LF, CRLF or a lone CR).
fn end_of_text(text: &str) -> Pos {
    let mut end = Pos { line: 1, col: 1 };
    let mut chars = text.chars().peekable();
    while let Some(character) = chars.next() {
        let crlf = character == '\r' && chars.peek() == Some(&'\n');
        if character == '\n' || (character == '\r' && !crlf) {
            end = Pos {
                line: end.line + 1,
                col: 1,
            };
        } else if !crlf {
            end.col += 1;
        }
    }
    end
}

fn to_pos(marker: Marker) -> Pos {
    // yaml-rust2 counts lines from 1 and columns from 0.
    Pos {
        line: marker.line(),
        col: marker.col() + 1,
    }
}

enum Open {
    Seq(Node),
    Map {
        node: Node,
        pending_key: Option<(String, Pos)>,
    },
}

#[derive(Default)]
struct Builder {
    stack: Vec<(Open, usize)>,
    anchors: HashMap<usize, Node>,
    root: Option<Node>,
    documents: usize,
    nodes: usize,
    error: Option<SyntaxError>,
    /// The end of the text: a value the input ends before (`- ` as the last bytes) is placed
    /// by the parser on the line after the last; it is shown here instead.
    end: Pos,
}

impl Builder {
    fn fail(&mut self, pos: Pos, message: impl Into<String>, hint: Option<&str>) {
        if self.error.is_none() {
            self.error = Some(SyntaxError {
                pos,
                message: message.into(),
                hint: hint.map(str::to_owned),
            });
        }
    }

    fn count(&mut self, node: &Node, added: usize) -> bool {
        self.nodes = self.nodes.saturating_add(added);
        if self.nodes > MAX_NODES {
            self.fail(
                node.pos,
                format!("the document expands to more than {MAX_NODES} values"),
                Some("aliases (`*name`) that repeat large anchors multiply; write the values out or split the file"),
            );
            return false;
        }
        true
    }

    fn push_value(&mut self, node: Node, anchor: usize) {
        if anchor > 0 {
            self.anchors.insert(anchor, node.clone());
        }
        match self.stack.last_mut() {
            None => self.root = Some(node),
            Some((Open::Seq(seq), _)) => {
                if let Value::Seq(items) = &mut seq.value {
                    items.push(node);
                }
            }
            Some((
                Open::Map {
                    node: map,
                    pending_key,
                },
                _,
            )) => match pending_key.take() {
                None => {
                    let key = match &node.value {
                        Value::Str(text) => text.clone(),
                        Value::Int(int) => int.to_string(),
                        Value::Float(float) => float.to_string(),
                        Value::Bool(flag) => flag.to_string(),
                        Value::Null => "null".to_owned(),
                        Value::Seq(_) | Value::Map(_) => {
                            let pos = node.pos;
                            self.fail(
                                pos,
                                "a mapping key must be a plain value, not a list or mapping",
                                None,
                            );
                            return;
                        }
                    };
                    if let Value::Map(entries) = &map.value {
                        if let Some(first) = entries.iter().find(|entry| entry.key == key) {
                            let message = format!(
                                "duplicate key `{key}` (first given at line {})",
                                first.key_pos.line
                            );
                            self.fail(
                                node.pos,
                                message,
                                Some("remove one of the two; YAML keeps only one value per key"),
                            );
                            return;
                        }
                    }
                    // A block mapping's start event points after its first key; the first key's
                    // own position is where a reader looks for the mapping.
                    if matches!(&map.value, Value::Map(entries) if entries.is_empty())
                        && node.pos < map.pos
                    {
                        map.pos = node.pos;
                    }
                    *pending_key = Some((key, node.pos));
                }
                Some((key, key_pos)) => {
                    if let Value::Map(entries) = &mut map.value {
                        entries.push(Entry {
                            key,
                            key_pos,
                            value: node,
                        });
                    }
                }
            },
        }
    }

    fn open(&mut self, open: Open, anchor: usize, pos: Pos) {
        if self.stack.len() >= MAX_DEPTH {
            self.fail(
                pos,
                format!("the document nests deeper than {MAX_DEPTH} levels"),
                Some("a rule needs fewer than 15 levels; is this the right file?"),
            );
        }
        self.stack.push((open, anchor));
    }

    fn close(&mut self) {
        if let Some((open, anchor)) = self.stack.pop() {
            let node = match open {
                Open::Seq(node) | Open::Map { node, .. } => node,
            };
            self.push_value(node, anchor);
        }
    }
}

/// The YAML core-schema tags a rule file may use: they only restate what a value already is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum CoreTag {
    Str,
    Int,
    Float,
    Bool,
    Null,
    Map,
    Seq,
}

impl CoreTag {
    fn name(self) -> &'static str {
        match self {
            CoreTag::Str => "!!str",
            CoreTag::Int => "!!int",
            CoreTag::Float => "!!float",
            CoreTag::Bool => "!!bool",
            CoreTag::Null => "!!null",
            CoreTag::Map => "!!map",
            CoreTag::Seq => "!!seq",
        }
    }
}

/// The core tag `tag` names, or the tag as written when it is any other.
fn check_tag(tag: Option<&Tag>) -> Result<Option<CoreTag>, String> {
    match tag {
        None => Ok(None),
        Some(tag) if tag.handle == "!!" || tag.handle == "tag:yaml.org,2002:" => {
            match tag.suffix.as_str() {
                "str" => Ok(Some(CoreTag::Str)),
                "int" => Ok(Some(CoreTag::Int)),
                "float" => Ok(Some(CoreTag::Float)),
                "bool" => Ok(Some(CoreTag::Bool)),
                "null" => Ok(Some(CoreTag::Null)),
                "map" => Ok(Some(CoreTag::Map)),
                "seq" => Ok(Some(CoreTag::Seq)),
                other => Err(format!("!!{other}")),
            }
        }
        Some(tag) => Err(format!("{}{}", tag.handle, tag.suffix)),
    }
}

/// A scalar's value under its tag, or `None` when the text is not of the tagged kind (a
/// YAML loader refuses `!!int callback`; keeping the text would hide the mistake).
fn tagged_scalar(text: String, style: TScalarStyle, tag: Option<CoreTag>) -> Option<Value> {
    match tag {
        None if style == TScalarStyle::Plain => Some(resolve_plain(&text)),
        None | Some(CoreTag::Str) => Some(Value::Str(text)),
        Some(CoreTag::Map | CoreTag::Seq) => None,
        Some(kind) => match (kind, resolve_plain(&text)) {
            (CoreTag::Int, value @ Value::Int(_))
            | (CoreTag::Float, value @ Value::Float(_))
            | (CoreTag::Bool, value @ Value::Bool(_))
            | (CoreTag::Null, value @ Value::Null) => Some(value),
            (CoreTag::Float, Value::Int(int)) => Some(Value::Float(int as f64)),
            _ => None,
        },
    }
}

fn resolve_plain(text: &str) -> Value {
    match text {
        "" | "~" | "null" | "Null" | "NULL" => return Value::Null,
        "true" | "True" | "TRUE" => return Value::Bool(true),
        "false" | "False" | "FALSE" => return Value::Bool(false),
        _ => {}
    }
    if let Ok(int) = text.parse::<i64>() {
        return Value::Int(int);
    }
    if let Some(hex) = text.strip_prefix("0x") {
        if let Ok(int) = i64::from_str_radix(hex, 16) {
            return Value::Int(int);
        }
    }
    let looks_numeric = text
        .chars()
        .all(|c| c.is_ascii_digit() || matches!(c, '.' | '-' | '+' | 'e' | 'E'))
        && text.chars().any(|c| c.is_ascii_digit());
    if looks_numeric {
        if let Ok(float) = text.parse::<f64>() {
            return Value::Float(float);
        }
    }
    Value::Str(text.to_owned())
}

impl MarkedEventReceiver for Builder {
    fn on_event(&mut self, event: Event, marker: Marker) {
        if self.error.is_some() {
            return;
        }
        let pos = to_pos(marker).min(self.end);
        let is_sequence = matches!(event, Event::SequenceStart(..));
        match event {
            Event::DocumentStart => {
                self.documents += 1;
                if self.documents > 1 {
                    self.fail(
                        pos,
                        "a rule file holds one document, but this one has a second (`---`)",
                        Some("put each rule in a file of its own"),
                    );
                }
            }
            Event::Scalar(text, style, anchor, tag) => {
                let tag = match check_tag(tag.as_ref()) {
                    Ok(tag) => tag,
                    Err(tag) => {
                        self.fail(pos, format!("the YAML tag `{tag}` is not supported"), Some("remove the tag; rule files use plain strings, numbers, lists and mappings"));
                        return;
                    }
                };
                let shown = shorten(&text);
                let Some(value) = tagged_scalar(text, style, tag) else {
                    let tag = tag.map_or("", CoreTag::name);
                    self.fail(
                        pos,
                        format!("the value `{shown}` does not match its YAML tag `{tag}`"),
                        Some("remove the tag; rule files use plain strings, numbers, lists and mappings"),
                    );
                    return;
                };
                let node = Node { value, pos };
                if self.count(&node, 1) {
                    self.push_value(node, anchor);
                }
            }
            Event::SequenceStart(anchor, tag) | Event::MappingStart(anchor, tag) => {
                let expected = if is_sequence {
                    CoreTag::Seq
                } else {
                    CoreTag::Map
                };
                match check_tag(tag.as_ref()) {
                    Ok(None) => {}
                    Ok(Some(tag)) if tag == expected => {}
                    Ok(Some(tag)) => {
                        let kind = if is_sequence { "a list" } else { "a mapping" };
                        self.fail(
                            pos,
                            format!("the YAML tag `{}` is on {kind}", tag.name()),
                            Some("remove the tag"),
                        );
                        return;
                    }
                    Err(tag) => {
                        self.fail(
                            pos,
                            format!("the YAML tag `{tag}` is not supported"),
                            Some("remove the tag"),
                        );
                        return;
                    }
                }
                let open = if is_sequence {
                    Open::Seq(Node {
                        value: Value::Seq(Vec::new()),
                        pos,
                    })
                } else {
                    Open::Map {
                        node: Node {
                            value: Value::Map(Vec::new()),
                            pos,
                        },
                        pending_key: None,
                    }
                };
                self.open(open, anchor, pos);
            }
            Event::SequenceEnd | Event::MappingEnd => self.close(),
            Event::Alias(anchor) => match self.anchors.get(&anchor).cloned() {
                Some(mut node) => {
                    let size = count_nodes(&node);
                    node.pos = pos;
                    if self.count(&node, size) {
                        self.push_value(node, 0);
                    }
                }
                None => self.fail(
                    pos,
                    "an alias refers to an anchor that is not defined",
                    None,
                ),
            },
            _ => {}
        }
    }
}

/// `text` cut to 40 characters for a message.
fn shorten(text: &str) -> String {
    if text.chars().count() > 40 {
        format!("{}...", text.chars().take(40).collect::<String>())
    } else {
        text.to_owned()
    }
}

fn count_nodes(node: &Node) -> usize {
    match &node.value {
        Value::Seq(items) => 1 + items.iter().map(count_nodes).sum::<usize>(),
        Value::Map(entries) => {
            1 + entries
                .iter()
                .map(|e| 1 + count_nodes(&e.value))
                .sum::<usize>()
        }
        _ => 1,
    }
}

#[cfg(test)]
mod tests {
    use std::fmt::Write as _;

    use super::*;

    #[test]
    fn keeps_positions_of_keys_and_values() {
        let node = parse("Name: a\nActions:\n  - ActionType: CREATE_TASK\n").unwrap();
        let entry = node.entry("Actions").unwrap();
        assert_eq!(entry.key_pos, Pos { line: 2, col: 1 });
        let Value::Seq(items) = &entry.value.value else {
            panic!("not a list")
        };
        let action_type = items[0].entry("ActionType").unwrap();
        assert_eq!(action_type.key_pos, Pos { line: 3, col: 5 });
        assert_eq!(action_type.value.pos, Pos { line: 3, col: 17 });
    }

    #[test]
    fn resolves_plain_scalars_and_keeps_quoted_ones() {
        let node = parse("a: 12\nb: '12'\nc: true\nd: 1.5\ne: ~\nf: !!str 7\n").unwrap();
        assert_eq!(node.get("a").unwrap().value, Value::Int(12));
        assert_eq!(node.get("b").unwrap().value, Value::Str("12".into()));
        assert_eq!(node.get("c").unwrap().value, Value::Bool(true));
        assert_eq!(node.get("d").unwrap().value, Value::Float(1.5));
        assert_eq!(node.get("e").unwrap().value, Value::Null);
        assert_eq!(node.get("f").unwrap().value, Value::Str("7".into()));
    }

    #[test]
    fn expands_small_aliases() {
        let node = parse("a: &x {k: v}\nb: *x\n").unwrap();
        assert_eq!(node.get("a").unwrap().value, node.get("b").unwrap().value);
    }

    #[test]
    fn stops_an_alias_bomb() {
        let mut text = String::from("a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n");
        for level in 1..12 {
            let prev = level - 1;
            let _ = writeln!(
                text,
                "a{level}: &a{level} [*a{prev}, *a{prev}, *a{prev}, *a{prev}, *a{prev}, *a{prev}, *a{prev}, *a{prev}, *a{prev}, *a{prev}]"
            );
        }
        let err = parse(&text).unwrap_err();
        assert!(
            err.message.contains("expands to more than"),
            "{}",
            err.message
        );
    }

    #[test]
    fn refuses_duplicate_keys_deep_nesting_tags_and_second_documents() {
        assert!(parse("a: 1\na: 2\n")
            .unwrap_err()
            .message
            .contains("duplicate key `a`"));
        let deep = format!("{}{}", "[".repeat(100), "]".repeat(100));
        assert!(parse(&deep).unwrap_err().message.contains("nests deeper"));
        assert!(parse("a: !custom x\n")
            .unwrap_err()
            .message
            .contains("tag `!custom`"));
        assert!(parse("a: 1\n---\nb: 2\n")
            .unwrap_err()
            .message
            .contains("second"));
    }

    #[test]
    fn a_value_missing_at_the_end_of_the_text_points_into_the_text() {
        // Found by fuzzing (load_and_validate): the null item was placed on line 3, past the end.
        let node = parse("Actions:\n  - ").unwrap();
        let Value::Seq(items) = &node.get("Actions").unwrap().value else {
            panic!("not a list")
        };
        assert_eq!(items[0].pos, Pos { line: 2, col: 5 });
        let node = parse("a:\r\nb:").unwrap();
        assert_eq!(node.get("b").unwrap().pos, Pos { line: 2, col: 3 });
    }

    #[test]
    fn core_tags_must_match_the_value() {
        let node = parse("a: !!int 7\nb: !!float 2\nc: !!bool true\nd: !!null ~\ne: !!map {k: v}\nf: !!seq [x]\n")
            .unwrap();
        assert_eq!(node.get("a").unwrap().value, Value::Int(7));
        assert_eq!(node.get("b").unwrap().value, Value::Float(2.0));
        assert_eq!(node.get("c").unwrap().value, Value::Bool(true));
        assert_eq!(node.get("d").unwrap().value, Value::Null);
        // Found by the corpus in tests/bad-inputs: these were read as the untagged text.
        for text in [
            "a: !!int callback\n",
            "a: !!bool yes\n",
            "a: !!map x\n",
            "a: !!seq x\n",
        ] {
            let err = parse(text).unwrap_err();
            assert!(
                err.message.contains("does not match its YAML tag"),
                "{text}: {}",
                err.message
            );
            assert_eq!(err.pos.line, 1, "{text}");
        }
        for text in ["a: !!seq {k: v}\n", "a: !!map [x]\n", "a: !!str [x]\n"] {
            assert!(parse(text).unwrap_err().message.contains("is on"), "{text}");
        }
    }
}
