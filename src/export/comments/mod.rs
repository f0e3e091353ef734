//! `export --update`: the comments of a rule file carried into its new text. Pure: the old
//! file and the new text in, the new text with the comments out.
//!
//! Each comment below the file's header is tied to the path of the value it belongs to (the
//! value that starts on the line below a comment block, or on the line a trailing comment
//! ends), read with the project's YAML parser, so any layout the file was written in is read
//! the way `plan` reads it. The new text is written by [`super::export_rule`], so each path is
//! found there again and the comment is put back above, at the end of, or after the same
//! value. A comment is not kept when its value is gone from the live rule or when what it
//! belongs to is unclear; the text with the comments must load to the same value as without,
//! or the comments that change it are left out. Every comment not kept is named.

mod ends;
mod find;
mod layout;

use std::collections::BTreeMap;

use crate::node::{Node, Value};

use super::Step;
use find::{comments, value_of, Anchor, Comment};
use layout::{leading, Layout};

/// The new text of a rule file with the old file's comments, and the comments left out.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Carried {
    /// The new text with the comments put back.
    pub text: String,
    /// How many comments (blocks of comment lines, or trailing comments) were put back.
    pub kept: usize,
    /// The comments left out, in the old file's order.
    pub not_kept: Vec<NotKept>,
}

/// A comment of the old file that the new text does not have.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NotKept {
    /// Its first line in the old file (1-based).
    pub line: usize,
    /// That line's text, from its `#`.
    pub text: String,
    /// Why it was left out.
    pub why: Why,
}

/// Why a comment was left out.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Why {
    /// The value it belonged to is not in the live rule.
    Gone,
    /// What it belonged to could not be told for certain from the old file's layout.
    Unclear,
    /// Putting it back would change what the file loads to.
    WouldChange,
}

impl Why {
    /// The reason, as words that follow "not kept: ".
    pub fn reason(self) -> &'static str {
        match self {
            Why::Gone => "the value it was about is not in the live rule",
            Why::Unclear => "which value it was about is unclear from the file's layout",
            Why::WouldChange => "putting it back would change what the file loads to",
        }
    }
}

/// `new` (a rule file's new text, as [`super::export_rule`] writes it) with the comments of
/// `old` (the file's text before) below its header put back where their values still are.
pub fn carry_comments(old: &str, new: &str) -> Carried {
    let old = old.strip_prefix('\u{feff}').unwrap_or(old);
    let old = old.replace("\r\n", "\n");
    let all_not_kept = |found: Vec<Comment>, why| Carried {
        text: new.to_owned(),
        kept: 0,
        not_kept: found
            .into_iter()
            .map(|comment| not_kept(&comment, why))
            .collect(),
    };
    let (Some(before), Some(after)) = (Layout::read(&old), Layout::read(new)) else {
        return all_not_kept(Vec::new(), Why::Unclear);
    };
    let found = comments(&old, &before);
    // A lone CR ends a line for YAML but not for `lines()`: the line numbers would not agree.
    if old.contains('\r') {
        return all_not_kept(found, Why::Unclear);
    }
    let mut placements = Vec::new();
    let mut not_kept_list = Vec::new();
    for comment in &found {
        match place(comment, &before.root, &after) {
            // A line has room for one comment at its end: a second goes above it.
            Ok(Placement::Trailing(line, text))
                if placements.iter().any(
                    |(_, placed)| matches!(placed, Placement::Trailing(at, _) if *at == line),
                ) =>
            {
                let indent = leading(after.line(line));
                placements.push((comment, Placement::Before(line, indent, vec![text])));
            }
            Ok(placement) => placements.push((comment, placement)),
            Err(why) => not_kept_list.push(self::not_kept(comment, why)),
        }
    }
    let baseline = value_of(new);
    let all: Vec<&Placement> = placements.iter().map(|(_, placement)| placement).collect();
    let mut text = assemble(&after, &all);
    let mut kept = placements.len();
    if value_of(&text) != baseline {
        // One by one, so a comment that changes the value leaves out only itself.
        let mut accepted: Vec<&Placement> = Vec::new();
        for (comment, placement) in &placements {
            accepted.push(placement);
            if value_of(&assemble(&after, &accepted)) != baseline {
                accepted.pop();
                not_kept_list.push(self::not_kept(comment, Why::WouldChange));
            }
        }
        kept = accepted.len();
        text = assemble(&after, &accepted);
        not_kept_list.sort_by_key(|comment| comment.line);
    }
    Carried {
        text,
        kept,
        not_kept: not_kept_list,
    }
}

fn not_kept(comment: &Comment, why: Why) -> NotKept {
    NotKept {
        line: comment.line,
        text: comment.lines[0].clone(),
        why,
    }
}

/// Where a comment goes in the new text.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Placement {
    /// Full lines, indented so, before this line (1-based).
    Before(usize, usize, Vec<String>),
    /// At the end of this line.
    Trailing(usize, String),
    /// Full lines, indented so, after this line.
    After(usize, usize, Vec<String>),
}

fn place(comment: &Comment, old_root: &Node, after: &Layout<'_>) -> Result<Placement, Why> {
    let new_path = |path: &[Step]| map_path(old_root, &after.root, path).ok_or(Why::Gone);
    let start_line = |path: &[Step]| after.start(path).map(|pos| pos.line).ok_or(Why::Gone);
    match &comment.anchor {
        Anchor::Above(path) => {
            let line = start_line(&new_path(path)?)?;
            Ok(Placement::Before(
                line,
                leading(after.line(line)),
                comment.lines.clone(),
            ))
        }
        Anchor::Trailing(path) => {
            let line = start_line(&new_path(path)?)?;
            if ends_in_a_value(after.line(line)) {
                Ok(Placement::Trailing(line, comment.lines[0].clone()))
            } else {
                Ok(Placement::Before(
                    line,
                    leading(after.line(line)),
                    comment.lines.clone(),
                ))
            }
        }
        Anchor::After(path) => {
            let path = new_path(path)?;
            let (Some(line), Some(indent)) = (after.end_of(&path), after.child_indent(&path))
            else {
                return Err(Why::Gone);
            };
            Ok(Placement::After(line, indent, comment.lines.clone()))
        }
        Anchor::End => Ok(Placement::After(
            after.line_count(),
            0,
            comment.lines.clone(),
        )),
        Anchor::Unclear => Err(Why::Unclear),
    }
}

/// Whether a comment at the end of `line` would follow its value: not a block scalar's
/// header (`|`, `>-`), whose content starts on the next line.
fn ends_in_a_value(line: &str) -> bool {
    let last = line.split_whitespace().last().unwrap_or("");
    let block_header = last.starts_with(['|', '>'])
        && last[1..]
            .chars()
            .all(|c| matches!(c, '+' | '-') || c.is_ascii_digit());
    !block_header
}

/// The path in `new` of the value at `path` in `old`: the same keys, and list items paired
/// by position when the lists are as long, otherwise by equal value.
fn map_path(old: &Node, new: &Node, path: &[Step]) -> Option<Vec<Step>> {
    let mut old = old;
    let mut new = new;
    let mut mapped = Vec::with_capacity(path.len());
    for step in path {
        match (step, &old.value, &new.value) {
            (Step::Key(key), Value::Map(_), Value::Map(_)) => {
                old = old.get(key)?;
                new = new.get(key)?;
                mapped.push(step.clone());
            }
            (Step::Index(index), Value::Seq(olds), Value::Seq(news)) => {
                let paired = pair_items(olds, news).get(index).copied()?;
                old = &olds[*index];
                new = &news[paired];
                mapped.push(Step::Index(paired));
            }
            _ => return None,
        }
    }
    Some(mapped)
}

/// Old item index to new item index. Lists as long are paired by position (mappings only when
/// they are of the same kind: an action replaced by another is not the same action). Otherwise
/// first the items whose value is unchanged, in order, then, between those, items of the same
/// kind (mappings that agree on one entry, such as the same `ActionType`).
fn pair_items(olds: &[Node], news: &[Node]) -> BTreeMap<usize, usize> {
    let olds: Vec<serde_json::Value> = olds.iter().map(Node::to_json).collect();
    let news: Vec<serde_json::Value> = news.iter().map(Node::to_json).collect();
    if olds.len() == news.len() {
        return (0..olds.len())
            .filter(|&index| {
                let (old, new) = (&olds[index], &news[index]);
                old == new || !(old.is_object() || new.is_object()) || same_kind(old, new)
            })
            .map(|index| (index, index))
            .collect();
    }
    let mut pairs = BTreeMap::new();
    let mut from = 0;
    for (index, item) in olds.iter().enumerate() {
        if let Some(found) = news[from..].iter().position(|new| new == item) {
            pairs.insert(index, from + found);
            from += found + 1;
        }
    }
    let mut bounds: Vec<(usize, usize)> = pairs.iter().map(|(&old, &new)| (old, new)).collect();
    bounds.push((olds.len(), news.len()));
    let (mut old_from, mut new_from) = (0, 0);
    for (old_to, new_to) in bounds {
        let mut next = new_from;
        for (offset, item) in olds[old_from..old_to].iter().enumerate() {
            if let Some(found) = (next..new_to).find(|&new| same_kind(item, &news[new])) {
                pairs.insert(old_from + offset, found);
                next = found + 1;
            }
        }
        (old_from, new_from) = (old_to + 1, new_to + 1);
    }
    pairs
}

/// Two mappings that agree on at least one entry.
fn same_kind(old: &serde_json::Value, new: &serde_json::Value) -> bool {
    match (old, new) {
        (serde_json::Value::Object(old), serde_json::Value::Object(new)) => {
            old.iter().any(|(key, value)| new.get(key) == Some(value))
        }
        _ => false,
    }
}

/// The new text with `placements` put in.
fn assemble(after: &Layout<'_>, placements: &[&Placement]) -> String {
    let mut text = String::new();
    let comment_lines = |text: &mut String, indent: usize, lines: &[String]| {
        for line in lines {
            text.push_str(&" ".repeat(indent));
            text.push_str(line);
            text.push('\n');
        }
    };
    for number in 1..=after.line_count() {
        for placement in placements {
            if let Placement::Before(line, indent, lines) = placement {
                if *line == number {
                    comment_lines(&mut text, *indent, lines);
                }
            }
        }
        text.push_str(after.line(number));
        let trailing = placements.iter().find_map(|placement| match placement {
            Placement::Trailing(line, comment) if *line == number => Some(comment),
            _ => None,
        });
        if let Some(comment) = trailing {
            text.push_str("  ");
            text.push_str(comment);
        }
        text.push('\n');
        for placement in placements {
            if let Placement::After(line, indent, lines) = placement {
                if *line == number {
                    comment_lines(&mut text, *indent, lines);
                }
            }
        }
    }
    text
}

#[cfg(test)]
mod tests;
