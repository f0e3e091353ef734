//! `export --update`: a string the file wrote with `${var.NAME}` is never written back as a
//! literal. Pure.
//!
//! Where the live value is not what the file's text stands for, either the variable's value
//! changed in the config (not applied yet: the file's text is kept, and a plan sets the
//! instance to it) or the text around the variable changed on the instance (a console edit:
//! the variable is put back into the live value, where its value still stands). When neither
//! holds, the file is not rewritten: writing the live literal would drop the variable.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use crate::load::is_variable_name;

use super::Step;

/// A `${var.NAME}` string kept although the live value is another: a plan will set the
/// instance to what the file gives.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeptVariable {
    /// Where it stands, as `Actions[0].TaskAction.ContactFlowId`.
    pub place: String,
    /// Where it stands, as a JSON pointer into the rule's value.
    pub pointer: String,
    /// The file's text, as written.
    pub written: String,
    /// The value on the instance.
    pub live: String,
    /// What the file's text stands for with the config's variables.
    pub file_value: String,
}

impl KeptVariable {
    /// One sentence: what was kept, where, and what a plan will do.
    pub fn describe(&self) -> String {
        let given = if whole_variable(&self.written) {
            "the variable is"
        } else {
            "the file gives"
        };
        format!(
            "kept `{}` at {}: the instance has `{}`, {given} `{}`; a plan will set the instance \
             to the file's value",
            self.written, self.place, self.live, self.file_value
        )
    }
}

/// Why a `${var.NAME}` the file wrote cannot be placed in the live rule by its position: the
/// instance added, removed or reordered items of a list on its path, so the item at the same
/// index may be another one, and keeping the variable there would overwrite a console edit (or
/// dropping it would write a literal). `file` and `live` are the two rules as JSON values
/// (`Function` as a mapping). `None` when every such variable stands where it did.
pub fn moved_variable(
    kept: &super::Kept,
    file: &serde_json::Value,
    live: &serde_json::Value,
) -> Option<String> {
    use serde_json::Value;
    for (path, written) in kept {
        if variables_in(written).is_empty() {
            continue;
        }
        let (mut in_file, mut in_live) = (Some(file), Some(live));
        for (depth, step) in path.iter().enumerate() {
            match step {
                Step::Key(key) => {
                    in_file = in_file.and_then(|value| value.get(key));
                    in_live = in_live.and_then(|value| value.get(key));
                }
                Step::Index(index) => {
                    let (Some(Value::Array(file_items)), Some(Value::Array(live_items))) =
                        (in_file, in_live)
                    else {
                        return Some(format!(
                            "`{written}` at {}: the instance has no list there",
                            place(path)
                        ));
                    };
                    let list = place(&path[..depth]);
                    let (file_item, live_item) = (file_items.get(*index), live_items.get(*index));
                    // What the variable's string is, in the file's item and in each live item:
                    // the item it belongs to is the one where the file's value stands.
                    let rest = &path[depth + 1..];
                    let file_value = file_item.and_then(|item| value_at(item, rest));
                    let live_value = live_item.and_then(|item| value_at(item, rest));
                    let elsewhere = live_items.iter().enumerate().any(|(other, item)| {
                        other != *index
                            && file_value.is_some()
                            && value_at(item, rest) == file_value
                    });
                    if file_value != live_value && elsewhere {
                        return Some(format!(
                            "`{written}` at {}: its value stands in another item of `{list}` on the instance",
                            place(path)
                        ));
                    }
                    // Items added or removed: this one is placeable only where its value
                    // still stands.
                    if file_items.len() != live_items.len()
                        && (live_item.is_none() || file_value != live_value)
                    {
                        return Some(format!(
                            "`{written}` at {}: `{list}` has {} on the instance and {} in the file",
                            place(path),
                            items(live_items.len()),
                            file_items.len()
                        ));
                    }
                    in_file = file_item;
                    in_live = live_item;
                }
            }
        }
    }
    None
}

/// `1 item`, `2 items`.
fn items(count: usize) -> String {
    format!("{count} item{}", if count == 1 { "" } else { "s" })
}

/// The value at `steps` under `value`.
fn value_at<'a>(value: &'a serde_json::Value, steps: &[Step]) -> Option<&'a serde_json::Value> {
    value.pointer(&pointer(steps))
}

/// `Actions[0].TaskAction.ContactFlowId` for a path.
pub fn place(path: &[Step]) -> String {
    let mut out = String::new();
    for step in path {
        match step {
            Step::Key(key) if out.is_empty() => out.push_str(key),
            Step::Key(key) => {
                out.push('.');
                out.push_str(key);
            }
            Step::Index(index) => {
                let _ = write!(out, "[{index}]");
            }
        }
    }
    out
}

/// `/Actions/0/TaskAction/ContactFlowId` for a path.
pub fn pointer(path: &[Step]) -> String {
    let mut out = String::new();
    for step in path {
        out.push('/');
        match step {
            Step::Key(key) => out.push_str(&key.replace('~', "~0").replace('/', "~1")),
            Step::Index(index) => out.push_str(&index.to_string()),
        }
    }
    out
}

/// A piece of a written string: text as it reads (escapes undone, references resolved), or a
/// variable.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Piece {
    Text(String),
    Variable(String),
}

/// The variables `written` names, once each, in order.
pub fn variables_in(written: &str) -> Vec<String> {
    let mut names = Vec::new();
    for piece in pieces(written, |token| Some(token.to_owned())).unwrap_or_default() {
        if let Piece::Variable(name) = piece {
            if !names.contains(&name) {
                names.push(name);
            }
        }
    }
    names
}

/// Whether `written` is one `${var.NAME}` and nothing else.
fn whole_variable(written: &str) -> bool {
    matches!(
        pieces(written, |token| Some(token.to_owned())).as_deref(),
        Some([Piece::Variable(_)])
    )
}

/// `written` cut into pieces; `resolve` gives what a `${KIND:NAME}` token stands for (`None`
/// when it does not resolve, which makes the whole `None`).
fn pieces(written: &str, resolve: impl Fn(&str) -> Option<String>) -> Option<Vec<Piece>> {
    let mut out = Vec::new();
    let mut text = String::new();
    let mut rest = written;
    while let Some(start) = rest.find("${") {
        if rest[..start].ends_with('$') {
            text.push_str(&rest[..start - 1]);
            text.push_str("${");
            rest = &rest[start + 2..];
            continue;
        }
        text.push_str(&rest[..start]);
        let after = &rest[start + 2..];
        let Some(end) = after.find('}') else {
            text.push_str(&rest[start..]);
            rest = "";
            break;
        };
        let inner = &after[..end];
        match inner
            .strip_prefix("var.")
            .filter(|name| is_variable_name(name))
        {
            Some(name) => {
                if !text.is_empty() {
                    out.push(Piece::Text(std::mem::take(&mut text)));
                }
                out.push(Piece::Variable(name.to_owned()));
            }
            None => text.push_str(&resolve(&rest[start..=start + 2 + end])?),
        }
        rest = &after[end + 1..];
    }
    text.push_str(rest);
    if !text.is_empty() {
        out.push(Piece::Text(text));
    }
    Some(out)
}

/// Whether `live` is `written` with some value in place of each variable: the text around
/// the variables is the same, so only a variable's value differs.
pub fn same_around_variables(
    written: &str,
    live: &str,
    resolve: impl Fn(&str) -> Option<String>,
) -> bool {
    pieces(written, resolve).is_some_and(|pieces| matches(&pieces, live))
}

fn matches(pieces: &[Piece], text: &str) -> bool {
    match pieces.split_first() {
        None => text.is_empty(),
        Some((Piece::Text(expected), rest)) => text
            .strip_prefix(expected.as_str())
            .is_some_and(|tail| matches(rest, tail)),
        Some((Piece::Variable(_), rest)) => (0..=text.len())
            .filter(|&at| text.is_char_boundary(at))
            .any(|at| matches(rest, &text[at..])),
    }
}

/// `live` written with the variables `written` names put back where their values stand (as
/// many times as `written` has each); `None` when a variable's value is not in `live`.
pub fn put_back(written: &str, live: &str, variables: &BTreeMap<String, String>) -> Option<String> {
    let mut names = variables_in(written);
    // Longest value first, so a value inside another is not taken for it.
    names.sort_by_key(|name| std::cmp::Reverse(variables.get(name).map_or(0, String::len)));
    let mut out = live.replace("${", "$${");
    for name in names {
        let value = variables.get(&name).filter(|value| !value.is_empty())?;
        let written_token = format!("${{var.{name}}}");
        let count = written.matches(&written_token).count();
        let escaped = value.replace("${", "$${");
        if !out.contains(&escaped) {
            return None;
        }
        out = out.replacen(&escaped, &written_token, count);
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_variable_in_a_list_the_instance_changed_is_not_placed_by_its_index() {
        let at = |steps: &[Step]| steps.to_vec();
        let subject = at(&[
            Step::Key("Actions".into()),
            Step::Index(0),
            Step::Key("Subject".into()),
        ]);
        let kept = super::super::Kept::from([(subject, "${var.subj}".to_owned())]);
        let file = serde_json::json!({"Actions": [{"Subject": "Hello"}]});
        let same = serde_json::json!({"Actions": [{"Subject": "Changed"}]});
        assert_eq!(
            moved_variable(&kept, &file, &same),
            None,
            "only the value changed"
        );
        let inserted =
            serde_json::json!({"Actions": [{"Subject": "Ops alert"}, {"Subject": "Hello"}]});
        assert!(moved_variable(&kept, &file, &inserted)
            .is_some_and(|why| why.contains("its value stands in another item of `Actions`")));
        let keyword = at(&[Step::Key("Operands".into()), Step::Index(0)]);
        let kept = super::super::Kept::from([(keyword, "${var.kw}".to_owned())]);
        let file = serde_json::json!({"Operands": ["refund", "cancel"]});
        let reordered = serde_json::json!({"Operands": ["cancel", "refund"]});
        assert!(moved_variable(&kept, &file, &reordered)
            .is_some_and(|why| why.contains("stands in another item")));
        let literal = super::super::Kept::from([(
            at(&[Step::Key("Operands".into()), Step::Index(0)]),
            "${flow:Callback}".to_owned(),
        )]);
        assert_eq!(
            moved_variable(&literal, &file, &reordered),
            None,
            "only variables"
        );
    }

    #[allow(clippy::unnecessary_wraps)] // the shape `same_around_variables` takes
    fn no_references(token: &str) -> Option<String> {
        Some(token.to_owned())
    }

    #[test]
    fn places_read_as_paths() {
        let path = [
            Step::Key("Actions".into()),
            Step::Index(0),
            Step::Key("TaskAction".into()),
            Step::Key("ContactFlowId".into()),
        ];
        assert_eq!(place(&path), "Actions[0].TaskAction.ContactFlowId");
        assert_eq!(pointer(&path), "/Actions/0/TaskAction/ContactFlowId");
        assert_eq!(pointer(&[Step::Key("a/b~".into())]), "/a~1b~0");
    }

    #[test]
    fn only_a_variables_value_differing_is_told_from_an_edit_around_it() {
        let same = |written, live| same_around_variables(written, live, no_references);
        assert!(same("${var.flow}", "1111"));
        assert!(same("Call back for ${var.team}", "Call back for sales"));
        assert!(same("$${x} ${var.a}-${var.b}", "${x} 1-2-3"));
        assert!(!same(
            "Call back for ${var.team}",
            "Call back soon for retention"
        ));
        assert!(!same("a ${var.x}", "b 1"));
        let resolve = |token: &str| (token == "${queue:Q}").then(|| "q-1".to_owned());
        assert!(same_around_variables(
            "${queue:Q}/${var.x}",
            "q-1/9",
            resolve
        ));
        assert!(!same_around_variables(
            "${queue:Q}/${var.x}",
            "q-2/9",
            resolve
        ));
        assert!(!same_around_variables(
            "${queue:Gone}/${var.x}",
            "q-1/9",
            resolve
        ));
    }

    #[test]
    fn variables_are_put_back_where_their_values_stand() {
        let variables = BTreeMap::from([
            ("team".to_owned(), "retention".to_owned()),
            ("x".to_owned(), "1".to_owned()),
        ]);
        assert_eq!(
            put_back(
                "Call back for ${var.team}",
                "Call back soon for retention",
                &variables
            )
            .as_deref(),
            Some("Call back soon for ${var.team}")
        );
        // Only as many times as the file wrote it; a literal `${` stays escaped.
        assert_eq!(
            put_back("${var.x}", "1 and 1 ${y}", &variables).as_deref(),
            Some("${var.x} and 1 $${y}")
        );
        assert_eq!(put_back("for ${var.team}", "for sales", &variables), None);
        assert_eq!(put_back("${var.undefined}", "x", &variables), None);
    }

    #[test]
    fn the_sentence_says_whether_the_whole_value_is_the_variable() {
        let kept = KeptVariable {
            place: "Actions[0].TaskAction.ContactFlowId".into(),
            pointer: "/Actions/0/TaskAction/ContactFlowId".into(),
            written: "${var.flow}".into(),
            live: "1111".into(),
            file_value: "2222".into(),
        };
        assert_eq!(
            kept.describe(),
            "kept `${var.flow}` at Actions[0].TaskAction.ContactFlowId: the instance has `1111`, \
             the variable is `2222`; a plan will set the instance to the file's value"
        );
        assert_eq!(
            variables_in("${var.a} ${var.b} ${var.a} $${var.c}"),
            ["a", "b"]
        );
    }
}
