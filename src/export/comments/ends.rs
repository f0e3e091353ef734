//! Where each `{...}` and `[...]` of a YAML text closes, by its path: a comment just before a
//! closing bracket is at the end of that collection. The tree of [`crate::load::yaml`] keeps
//! where values start only, so the parser's end events are read here.

use std::collections::BTreeMap;

use yaml_rust2::parser::{Event, MarkedEventReceiver, Parser};
use yaml_rust2::scanner::Marker;

use crate::node::Pos;

use super::super::Step;

/// The path of each collection by the place its end event points at (a flow collection's
/// closing bracket); empty when the text is not YAML.
pub(super) fn collection_ends(text: &str) -> BTreeMap<Pos, Vec<Step>> {
    let mut ends = Ends::default();
    if Parser::new_from_str(text).load(&mut ends, false).is_err() {
        return BTreeMap::new();
    }
    ends.ends
}

enum Frame {
    Seq {
        path: Vec<Step>,
        next: usize,
    },
    Map {
        path: Vec<Step>,
        key: Option<String>,
    },
}

#[derive(Default)]
struct Ends {
    stack: Vec<Frame>,
    ends: BTreeMap<Pos, Vec<Step>>,
}

impl Ends {
    /// The path of the value that comes now; `None` for a mapping's key.
    fn next_value(&mut self, key_text: Option<&str>) -> Option<Vec<Step>> {
        match self.stack.last_mut() {
            None => Some(Vec::new()),
            Some(Frame::Seq { path, next }) => {
                let mut path = path.clone();
                path.push(Step::Index(*next));
                *next += 1;
                Some(path)
            }
            Some(Frame::Map { path, key }) => {
                if let Some(key) = key.take() {
                    let mut path = path.clone();
                    path.push(Step::Key(key));
                    return Some(path);
                }
                // This is a key: the value that follows stands under it (a key that is a
                // collection, which a rule file cannot hold, is named "").
                *key = Some(key_text.unwrap_or_default().to_owned());
                None
            }
        }
    }
}

impl MarkedEventReceiver for Ends {
    fn on_event(&mut self, event: Event, marker: Marker) {
        match event {
            Event::Scalar(text, ..) => {
                self.next_value(Some(&text));
            }
            Event::Alias(_) => {
                self.next_value(Some(""));
            }
            Event::SequenceStart(..) | Event::MappingStart(..) => {
                let is_sequence = matches!(event, Event::SequenceStart(..));
                let path = self.next_value(None).unwrap_or_default();
                self.stack.push(if is_sequence {
                    Frame::Seq { path, next: 0 }
                } else {
                    Frame::Map { path, key: None }
                });
            }
            Event::SequenceEnd | Event::MappingEnd => {
                if let Some(Frame::Seq { path, .. } | Frame::Map { path, .. }) = self.stack.pop() {
                    let pos = Pos {
                        line: marker.line(),
                        col: marker.col() + 1,
                    };
                    self.ends.insert(pos, path);
                }
            }
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn flow_collections_end_at_their_closing_brackets() {
        let ends = collection_ends("{\n  \"a\": [1,\n    2\n  ],\n  \"b\": {\"c\": []}\n}\n");
        let at = |line, col| ends.get(&Pos { line, col }).cloned();
        assert_eq!(at(4, 3), Some(vec![Step::Key("a".into())]));
        assert_eq!(
            at(5, 15),
            Some(vec![Step::Key("b".into()), Step::Key("c".into())])
        );
        assert_eq!(at(5, 16), Some(vec![Step::Key("b".into())]));
        assert_eq!(at(6, 1), Some(Vec::new()));
    }
}
