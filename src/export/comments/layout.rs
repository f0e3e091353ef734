//! Where each value of a YAML text starts, by its path: the ground on which a comment of the
//! old file is tied to a value, and on which that value is found again in the new text. Read
//! from the project's own parser ([`crate::load::yaml`]), so any layout YAML allows is read the
//! way `plan` reads it.

use std::collections::BTreeMap;

use crate::load::yaml;
use crate::node::{Node, Pos, Value};

use super::super::Step;
use super::ends::collection_ends;

/// A parsed text with the start of every value under its path.
pub(super) struct Layout<'a> {
    lines: Vec<&'a str>,
    /// Every path but the top, by where it starts; at one place, the outer path first.
    starts: Vec<(Pos, Vec<Step>)>,
    by_path: BTreeMap<Vec<Step>, Pos>,
    /// Each flow collection by where its closing bracket is.
    ends: BTreeMap<Pos, Vec<Step>>,
    /// The parsed document.
    pub root: Node,
}

impl<'a> Layout<'a> {
    /// The layout of `text`; `None` when it is not YAML.
    pub fn read(text: &'a str) -> Option<Self> {
        let root = yaml::parse(text).ok()?;
        let mut starts = Vec::new();
        collect(&root, &mut Vec::new(), &mut starts);
        starts.sort_by(|a, b| a.0.cmp(&b.0).then_with(|| a.1.len().cmp(&b.1.len())));
        let by_path = starts
            .iter()
            .map(|(pos, path)| (path.clone(), *pos))
            .collect();
        Some(Layout {
            lines: text.lines().collect(),
            starts,
            by_path,
            ends: collection_ends(text),
            root,
        })
    }

    /// The text of line `line` (1-based); empty past the end.
    pub fn line(&self, line: usize) -> &'a str {
        line.checked_sub(1)
            .and_then(|index| self.lines.get(index))
            .copied()
            .unwrap_or("")
    }

    /// How many lines the text has.
    pub fn line_count(&self) -> usize {
        self.lines.len()
    }

    /// Where `path` starts (a key, or a list item's value).
    pub fn start(&self, path: &[Step]) -> Option<Pos> {
        self.by_path.get(path).copied()
    }

    /// The outermost path that starts where line `line`'s content starts (after any `- `);
    /// `None` when nothing starts there (a line inside a block scalar, the rest of a flow
    /// collection, a closing bracket).
    pub fn line_path(&self, line: usize) -> Option<&[Step]> {
        let col = node_col(self.line(line))?;
        let at = Pos { line, col };
        self.starts
            .iter()
            .find(|(pos, _)| *pos == at)
            .map(|(_, path)| path.as_slice())
    }

    /// The path of the `{...}` or `[...]` that line `line` closes, when the line starts with
    /// its closing bracket.
    pub fn closing(&self, line: usize) -> Option<&[Step]> {
        let text = self.line(line);
        let indent = leading(text);
        if !matches!(text.chars().nth(indent), Some('}' | ']')) {
            return None;
        }
        self.ends
            .get(&Pos {
                line,
                col: indent + 1,
            })
            .map(Vec::as_slice)
    }

    /// Every path that starts on line `line`.
    pub fn paths_on(&self, line: usize) -> impl Iterator<Item = &[Step]> {
        self.starts
            .iter()
            .filter(move |(pos, _)| pos.line == line)
            .map(|(_, path)| path.as_slice())
    }

    /// The innermost path of the last value that starts at or before line `line`: what a line
    /// that starts no value (a block scalar's content) belongs to.
    pub fn owner_of(&self, line: usize) -> Option<&[Step]> {
        self.starts
            .iter()
            .rev()
            .find(|(pos, _)| pos.line <= line)
            .map(|(_, path)| path.as_slice())
    }

    /// The last line of `path`'s value: the line before the next path outside it starts.
    pub fn end_of(&self, path: &[Step]) -> Option<usize> {
        let start = self.start(path)?;
        let next = self
            .starts
            .iter()
            .find(|(pos, other)| *pos > start && !other.starts_with(path));
        Some(next.map_or(self.lines.len(), |(pos, _)| (pos.line - 1).max(start.line)))
    }

    /// The value at `path`.
    pub fn node_at(&self, path: &[Step]) -> Option<&Node> {
        let mut node = &self.root;
        for step in path {
            node = match (step, &node.value) {
                (Step::Key(key), Value::Map(_)) => node.get(key)?,
                (Step::Index(index), Value::Seq(items)) => items.get(*index)?,
                _ => return None,
            };
        }
        Some(node)
    }

    /// Whether the value at `path` is a block mapping or list (not `{...}` or `[...]`) whose
    /// first entry or item starts on line `line`; then that first one's path.
    pub fn first_on_line(&self, path: &[Step], line: usize) -> Option<Vec<Step>> {
        let node = self.node_at(path)?;
        let first = match &node.value {
            Value::Map(entries) => Step::Key(entries.first()?.key.clone()),
            Value::Seq(items) if !items.is_empty() => Step::Index(0),
            _ => return None,
        };
        let opener = self
            .line(node.pos.line)
            .chars()
            .nth(node.pos.col.checked_sub(1)?);
        if matches!(opener, Some('{' | '[')) {
            return None;
        }
        let mut child = path.to_vec();
        child.push(first);
        (self.start(&child)?.line == line).then_some(child)
    }

    /// The indentation of the first entry or item of the value at `path`; `path`'s own when
    /// it has none.
    pub fn child_indent(&self, path: &[Step]) -> Option<usize> {
        let first = match &self.node_at(path)?.value {
            Value::Map(entries) if !entries.is_empty() => Some(Step::Key(entries[0].key.clone())),
            Value::Seq(items) if !items.is_empty() => Some(Step::Index(0)),
            _ => None,
        };
        match first {
            Some(first) => {
                let mut child = path.to_vec();
                child.push(first);
                self.indent_of(&child)
            }
            None => self.indent_of(path),
        }
    }

    /// The indentation (in characters) at which `path` stands: its key's column, or its
    /// list item's `-`.
    pub fn indent_of(&self, path: &[Step]) -> Option<usize> {
        let start = self.start(path)?;
        let col = start.col - 1;
        if !matches!(path.last(), Some(Step::Index(_))) {
            return Some(col);
        }
        let before: Vec<char> = self.line(start.line).chars().take(col).collect();
        let dash = before.iter().rposition(|c| !c.is_whitespace());
        Some(match dash {
            Some(dash) if before[dash] == '-' => dash,
            _ => col,
        })
    }
}

/// How many characters of white space `line` starts with.
pub(super) fn leading(line: &str) -> usize {
    line.chars().take_while(|c| c.is_whitespace()).count()
}

/// The 1-based column where `line`'s first value starts, after its indentation and any `- `
/// item markers; `None` for a line with no value (blank, a comment, a lone `-`).
fn node_col(line: &str) -> Option<usize> {
    let chars: Vec<char> = line.chars().collect();
    let mut at = leading(line);
    while chars.get(at) == Some(&'-') && chars.get(at + 1).is_none_or(|c| c.is_whitespace()) {
        at += 1;
        while chars.get(at).is_some_and(|c| c.is_whitespace()) {
            at += 1;
        }
    }
    match chars.get(at) {
        None | Some('#') => None,
        Some(_) => Some(at + 1),
    }
}

fn collect(node: &Node, path: &mut Vec<Step>, starts: &mut Vec<(Pos, Vec<Step>)>) {
    match &node.value {
        Value::Seq(items) => {
            for (index, item) in items.iter().enumerate() {
                path.push(Step::Index(index));
                starts.push((item.pos, path.clone()));
                collect(item, path, starts);
                path.pop();
            }
        }
        Value::Map(entries) => {
            for entry in entries {
                path.push(Step::Key(entry.key.clone()));
                starts.push((entry.key_pos, path.clone()));
                collect(&entry.value, path, starts);
                path.pop();
            }
        }
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn path(steps: &[&str]) -> Vec<Step> {
        steps
            .iter()
            .map(|step| {
                step.parse()
                    .map_or_else(|_| Step::Key((*step).to_owned()), Step::Index)
            })
            .collect()
    }

    #[test]
    fn lines_start_paths_after_their_item_markers() {
        let text = "Name: a\nActions:\n  - ActionType: X\n    \"TaskAction\":\n      Name: t\n  - {ActionType: Y}\nTags: [a,\n  b]\nD: |\n  x\n";
        let layout = Layout::read(text).unwrap();
        assert_eq!(layout.line_path(1), Some(path(&["Name"]).as_slice()));
        assert_eq!(
            layout.line_path(3),
            Some(path(&["Actions", "0"]).as_slice())
        );
        assert_eq!(
            layout.line_path(4),
            Some(path(&["Actions", "0", "TaskAction"]).as_slice())
        );
        assert_eq!(
            layout.line_path(6),
            Some(path(&["Actions", "1"]).as_slice())
        );
        assert_eq!(layout.line_path(8), Some(path(&["Tags", "1"]).as_slice()));
        assert_eq!(layout.line_path(10), None, "block scalar content");
        assert_eq!(layout.indent_of(&path(&["Actions", "0"])), Some(2));
        assert_eq!(
            layout.indent_of(&path(&["Actions", "0", "TaskAction"])),
            Some(4)
        );
        assert_eq!(layout.end_of(&path(&["Actions", "0"])), Some(5));
        assert_eq!(layout.end_of(&path(&["D"])), Some(10));
        assert_eq!(layout.owner_of(10), Some(path(&["D"]).as_slice()));
    }
}
