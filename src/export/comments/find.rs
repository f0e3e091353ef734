//! The comments of a rule file below its top, and the value each one belongs to.
//!
//! A `#` is a comment only where YAML says so: not inside a quoted string, not on a line of a
//! block scalar. Rather than guess from the characters, each candidate is checked with the
//! parser itself: a line (or the end of a line) is a comment when the file without it loads to
//! the same value.

use crate::load::yaml;
use crate::node::Node;

use super::super::Step;
use super::layout::{leading, Layout};

/// A comment of the old file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Comment {
    /// Its first line in the old file (1-based).
    pub line: usize,
    /// Its lines, without their indentation (a trailing comment has one).
    pub lines: Vec<String>,
    /// What it belongs to.
    pub anchor: Anchor,
}

/// Where a comment stands, by the path of the value it belongs to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum Anchor {
    /// Full lines above the line where this value starts.
    Above(Vec<Step>),
    /// At the end of the line where this value starts.
    Trailing(Vec<Step>),
    /// Full lines at the end of this value (indented under it, with nothing after them at
    /// that indentation).
    After(Vec<Step>),
    /// Full lines at the end of the file.
    End,
    /// Nothing it could be tied to for certain.
    Unclear,
}

/// The comments of `text` below the top of the file (the lines before the first value are
/// kept whole, as the file's header), read on `layout` (the layout of the same text, its line
/// ends `\n`).
pub(super) fn comments(text: &str, layout: &Layout<'_>) -> Vec<Comment> {
    let lines: Vec<&str> = text.lines().collect();
    let Some(mut first) = lines.iter().position(|line| !is_blank_or_comment(line)) else {
        return Vec::new();
    };
    // The comments after a document marker at the top are the header too.
    if lines[first].trim_end() == "---" {
        let Some(after) = lines[first + 1..]
            .iter()
            .position(|line| !is_blank_or_comment(line))
        else {
            return Vec::new();
        };
        first += 1 + after;
    }
    let Some(baseline) = value_of(text) else {
        return Vec::new();
    };
    let candidates: Vec<usize> = (first..lines.len())
        .filter(|&index| lines[index].trim_start().starts_with('#'))
        .collect();
    let full: Vec<usize> = if same_value(&lines, &baseline, &blanked(&candidates)) {
        candidates
    } else {
        candidates
            .into_iter()
            .filter(|&index| same_value(&lines, &baseline, &blanked(&[index])))
            .collect()
    };
    let content: Vec<usize> = (first..lines.len())
        .filter(|index| !lines[*index].trim().is_empty() && !full.contains(index))
        .collect();

    let mut found = Vec::new();
    let mut block: Vec<usize> = Vec::new();
    for (at, &index) in full.iter().enumerate() {
        block.push(index);
        if full.get(at + 1) != Some(&(index + 1)) {
            found.push(block_comment(&block, &lines, &content, layout));
            block.clear();
        }
    }
    for &index in &content {
        if let Some(comment) = trailing_comment(index, &lines, &baseline, layout) {
            found.push(comment);
        }
    }
    found.sort_by_key(|comment| comment.line);
    found
}

fn is_blank_or_comment(line: &str) -> bool {
    let trimmed = line.trim_start();
    trimmed.is_empty() || trimmed.starts_with('#')
}

/// A block of consecutive comment lines: at the end of the `{...}` or `[...]` the next line
/// closes; above the value the next line starts when it stands at that value's indentation or
/// less; otherwise at the end of the value it is indented under (or of the file).
fn block_comment(block: &[usize], lines: &[&str], content: &[usize], layout: &Layout) -> Comment {
    let first = block[0];
    let last = block[block.len() - 1];
    let indent = leading(lines[first]);
    let next = content.iter().find(|&&index| index > last);
    let previous = content.iter().rev().find(|&&index| index < first);
    let closed = next.and_then(|&next| layout.closing(next + 1));
    let anchor = match (next, closed) {
        (_, Some(closed)) => at_the_end_of(closed),
        (Some(&next), None) if indent <= leading(lines[next]) => layout
            .line_path(next + 1)
            .map_or(Anchor::Unclear, |path| Anchor::Above(path.to_vec())),
        _ => match previous.and_then(|&previous| layout.owner_of(previous + 1)) {
            None => Anchor::Unclear,
            Some(owner) => (1..=owner.len())
                .rev()
                .map(|len| &owner[..len])
                .find(|path| layout.indent_of(path).is_some_and(|at| at < indent))
                .map_or(Anchor::End, |path| Anchor::After(path.to_vec())),
        },
    };
    Comment {
        line: first + 1,
        lines: block
            .iter()
            .map(|&index| lines[index].trim().to_owned())
            .collect(),
        anchor,
    }
}

/// The comment at the end of line `index`, if it has one: the first ` #` whose removal leaves
/// the file's value as it is (one inside a quoted string or a block scalar changes it). It
/// belongs to the innermost value the line opens, or, on a line that starts with a closing
/// bracket, to the end of that collection.
fn trailing_comment(
    index: usize,
    lines: &[&str],
    baseline: &serde_json::Value,
    layout: &Layout,
) -> Option<Comment> {
    let line = lines[index];
    let hash = line.char_indices().find(|&(at, c)| {
        c == '#'
            && line[..at].ends_with(char::is_whitespace)
            && same_value(lines, baseline, &[(index, line[..at].trim_end())])
    })?;
    let number = index + 1;
    // The innermost value the line opens: `- ActionType: X  # c` is about `ActionType`, while
    // `Tags: {a: b}  # c` is about `Tags`.
    let anchor = match (layout.line_path(number), layout.closing(number)) {
        (None, Some(closed)) => at_the_end_of(closed),
        (Some(outer), _) if layout.paths_on(number).all(|path| path.starts_with(outer)) => {
            let mut path = outer.to_vec();
            while let Some(first) = layout.first_on_line(&path, number) {
                path = first;
            }
            Anchor::Trailing(path)
        }
        _ => Anchor::Unclear,
    };
    Some(Comment {
        line: number,
        lines: vec![line[hash.0..].trim_end().to_owned()],
        anchor,
    })
}

/// At the end of the value at `path` (of the file, for the top).
fn at_the_end_of(path: &[Step]) -> Anchor {
    if path.is_empty() {
        Anchor::End
    } else {
        Anchor::After(path.to_vec())
    }
}

fn blanked(indexes: &[usize]) -> Vec<(usize, &'static str)> {
    indexes.iter().map(|&index| (index, "")).collect()
}

/// Whether `lines` with the lines `edits` names replaced load to `baseline`.
fn same_value(lines: &[&str], baseline: &serde_json::Value, edits: &[(usize, &str)]) -> bool {
    let mut text = String::new();
    for (index, line) in lines.iter().enumerate() {
        let edited = edits.iter().find(|(at, _)| *at == index);
        text.push_str(edited.map_or(*line, |(_, replaced)| replaced));
        text.push('\n');
    }
    value_of(&text).as_ref() == Some(baseline)
}

/// What `text` loads to (positions left out); `None` when it is not YAML.
pub(super) fn value_of(text: &str) -> Option<serde_json::Value> {
    yaml::parse(text).ok().as_ref().map(Node::to_json)
}
