//! The seed file: YAML whose top-level keys are the kinds (`queues`, `contact_flows`, ...),
//! each a list of mappings whose keys are members of that kind's summary shape. Read once,
//! checked in full: every problem is reported at its `file:line:col`.

use std::collections::BTreeMap;
use std::fmt;
use std::path::Path;

use serde_json::Value as Json;

use crate::diagnostic::Diagnostic;
use crate::load::yaml;
use crate::node::{Node, Value};
use crate::service::{self, model, Problem, ShapeKind, UnknownMembers};

use super::kinds::{self, ResourceKind, KINDS};
use super::{Resources, SeededResource};
use crate::emulator::ids::stable_uuid;

/// A seed file that cannot be used, with every problem found in it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SeedError {
    /// The problems, in file order.
    pub diagnostics: Vec<Diagnostic>,
}

impl fmt::Display for SeedError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("the resources file cannot be used:")?;
        for diagnostic in &self.diagnostics {
            write!(f, "\n{diagnostic}")?;
        }
        Ok(())
    }
}

impl std::error::Error for SeedError {}

/// Reads and checks the seed file at `path`.
pub fn load_seed(path: &Path) -> Result<Resources, SeedError> {
    let text = std::fs::read_to_string(path).map_err(|err| SeedError {
        diagnostics: vec![Diagnostic::error(
            path,
            None,
            format!("cannot read the resources file: {err}"),
        )
        .with_hint("give the path of a YAML file with keys such as `queues:` and `users:`")],
    })?;
    parse_seed(path, &text)
}

/// Checks the seed `text`, read from `path` (named in messages).
pub fn parse_seed(path: &Path, text: &str) -> Result<Resources, SeedError> {
    let root = yaml::parse(text).map_err(|err| {
        let diagnostic = Diagnostic::error(path, Some(err.pos), err.message);
        SeedError {
            diagnostics: vec![match err.hint {
                Some(hint) => diagnostic.with_hint(hint),
                None => diagnostic,
            }],
        }
    })?;
    let mut found = Vec::new();
    let mut resources = Resources::default();
    match &root.value {
        Value::Null => {}
        Value::Map(entries) => {
            for entry in entries {
                let Some(kind) = kinds::by_key(&entry.key) else {
                    found.push(unknown_kind(path, &entry.key, entry.key_pos));
                    continue;
                };
                match &entry.value.value {
                    Value::Null => {}
                    Value::Seq(items) => {
                        let seeded = seed_kind(path, kind, items, &mut found);
                        resources.by_kind.insert(kind.key, seeded);
                    }
                    other => found.push(
                        Diagnostic::error(
                            path,
                            Some(entry.value.pos),
                            format!("`{}` must be a list, but it is {}", kind.key, other.kind()),
                        )
                        .with_hint(format!(
                            "write each {} on its own line starting with `- `",
                            kind.name
                        )),
                    ),
                }
            }
        }
        other => found.push(
            Diagnostic::error(
                path,
                Some(root.pos),
                format!(
                    "a resources file must be a mapping, but it is {}",
                    other.kind()
                ),
            )
            .with_hint(format!("use the keys {}", key_list())),
        ),
    }
    if found.is_empty() {
        Ok(resources)
    } else {
        crate::diagnostic::sort(&mut found);
        Err(SeedError { diagnostics: found })
    }
}

fn key_list() -> String {
    KINDS
        .iter()
        .map(|kind| format!("`{}`", kind.key))
        .collect::<Vec<_>>()
        .join(", ")
}

fn unknown_kind(path: &Path, key: &str, pos: crate::node::Pos) -> Diagnostic {
    let keys: Vec<String> = KINDS.iter().map(|kind| kind.key.to_owned()).collect();
    let diagnostic = Diagnostic::error(
        path,
        Some(pos),
        format!("unknown key `{key}` in the resources file"),
    );
    match service::closest(key, &keys) {
        Some(suggestion) => diagnostic.with_hint(format!("did you mean `{suggestion}`?")),
        None => diagnostic.with_hint(format!("expected one of: {}", keys.join(", "))),
    }
}

/// The entries of one kind, checked against its summary shape; ids are given or generated from
/// the name and how many entries before had that name, so they stay the same from run to run.
fn seed_kind(
    path: &Path,
    kind: &ResourceKind,
    items: &[Node],
    found: &mut Vec<Diagnostic>,
) -> Vec<SeededResource> {
    let mut seeded = Vec::new();
    let mut seen_names: BTreeMap<String, usize> = BTreeMap::new();
    let mut seen_ids: BTreeMap<String, String> = BTreeMap::new();
    for (index, item) in items.iter().enumerate() {
        let here = format!("{}[{index}]", kind.key);
        let mut violations = Vec::new();
        service::validate(
            model(),
            kind.summary,
            item,
            &here,
            UnknownMembers::Reject,
            &mut violations,
        );
        violations.retain(|violation| match &violation.problem {
            Problem::Missing { member } => !generated(kind, member),
            _ => true,
        });
        found.extend(
            violations
                .iter()
                .map(|v| crate::validate::describe(path, v)),
        );
        let Json::Object(mut summary) = item.to_json() else {
            continue;
        };
        let name = summary
            .get(kind.name)
            .and_then(Json::as_str)
            .unwrap_or_default()
            .to_owned();
        let before = seen_names.entry(name.clone()).or_default();
        *before += 1;
        let id = match summary.get(kind.id) {
            Some(Json::String(id)) => id.clone(),
            Some(_) => continue,
            None => {
                let id = stable_uuid(&[kind.key, &name, &before.to_string()]);
                summary.insert(kind.id.to_owned(), Json::from(id.clone()));
                id
            }
        };
        if let Some(first) = seen_ids.get(&id) {
            let pos = item.entry(kind.id).map_or(item.pos, |entry| entry.key_pos);
            found.push(
                Diagnostic::error(
                    path,
                    Some(pos),
                    format!(
                        "`{here}` has the {} `{id}`, which `{first}` already has",
                        kind.id
                    ),
                )
                .with_hint(format!(
                    "ids are unique within `{}`: change one, or leave it out and one is made up",
                    kind.key
                )),
            );
            continue;
        }
        seen_ids.insert(id, here);
        seeded.push(summary);
    }
    seeded
}

/// Whether the emulator fills `member` in when a seed entry leaves it out: the id and ARN, and
/// the bookkeeping members a summary requires (an evaluation form's times, authors and version);
/// never the name people know the resource by.
pub(super) fn generated(kind: &ResourceKind, member: &str) -> bool {
    if member == kind.name {
        return false;
    }
    member == kind.id
        || member == kind.arn
        || model()
            .members(kind.summary)
            .iter()
            .find(|m| m.name == member)
            .is_some_and(|m| {
                matches!(
                    model().shape(&m.shape).kind,
                    ShapeKind::Timestamp | ShapeKind::Integer
                ) || m.shape == "ARN"
            })
}

#[cfg(test)]
mod tests {
    use std::path::PathBuf;

    use super::*;

    fn parse(text: &str) -> Result<Resources, SeedError> {
        parse_seed(&PathBuf::from("seed.yaml"), text)
    }

    fn errors(text: &str) -> Vec<String> {
        parse(text)
            .unwrap_err()
            .diagnostics
            .iter()
            .map(ToString::to_string)
            .collect()
    }

    fn kind(key: &str) -> &'static ResourceKind {
        kinds::by_key(key).unwrap()
    }

    #[test]
    fn entries_keep_their_members_and_get_stable_ids() {
        let text = "queues:\n  - Name: Billing\n    QueueType: STANDARD\n  - Name: Billing\n  - Name: Sales\n    Id: q-sales\nusers:\n  - Username: jdoe\n";
        let first = parse(text).unwrap();
        let queues = first.of(kind("queues"));
        assert_eq!(queues.len(), 3);
        assert_eq!(queues[0]["QueueType"], "STANDARD");
        assert_eq!(queues[2]["Id"], "q-sales");
        assert_ne!(queues[0]["Id"], queues[1]["Id"], "two queues named alike");
        assert_eq!(
            first,
            parse(text).unwrap(),
            "the same file gives the same ids"
        );
        let reordered = "queues:\n  - Name: Sales\n    Id: q-sales\n  - Name: Billing\n    QueueType: STANDARD\n  - Name: Billing\n";
        assert_eq!(
            parse(reordered).unwrap().of(kind("queues"))[1]["Id"],
            queues[0]["Id"],
            "ids do not depend on the order of other names"
        );
        assert_eq!(first.of(kind("users")).len(), 1);
        assert_eq!(first.len(), 4);
        assert!(parse("").unwrap().is_empty());
    }

    #[test]
    fn unknown_keys_are_located_with_a_suggestion() {
        assert_eq!(
            errors("queues:\n  - Name: Billing\n    QueueTyp: STANDARD\n"),
            ["seed.yaml:3:5: error: unknown key `QueueTyp` in `queues[0]`\n  hint: did you mean `QueueType`?"]
        );
        assert_eq!(
            errors("queue:\n  - Name: Billing\n"),
            ["seed.yaml:1:1: error: unknown key `queue` in the resources file\n  hint: did you mean `queues`?"]
        );
    }

    #[test]
    fn values_are_checked_against_the_summary_shape() {
        let found = errors("queues:\n  - Name: Billing\n    QueueType: SPECIAL\nevaluation_forms:\n  - EvaluationFormId: f-1\n");
        assert_eq!(found.len(), 2, "{found:?}");
        assert!(
            found[0].starts_with(
                "seed.yaml:3:16: error: `queues[0].QueueType` has the unknown value `SPECIAL`"
            ),
            "{found:?}"
        );
        assert!(
            found[1].starts_with(
                "seed.yaml:5:5: error: `evaluation_forms[0]` is missing the required key `Title`"
            ),
            "{found:?}"
        );
    }

    #[test]
    fn ids_are_unique_within_a_kind() {
        let found = errors("users:\n  - Username: a\n    Id: u-1\n  - Username: b\n    Id: u-1\n");
        assert_eq!(found.len(), 1);
        assert!(
            found[0].starts_with(
                "seed.yaml:5:5: error: `users[1]` has the Id `u-1`, which `users[0]` already has"
            ),
            "{found:?}"
        );
    }

    #[test]
    fn the_shape_of_the_file_is_checked() {
        assert!(errors("- queues\n")[0]
            .contains("a resources file must be a mapping, but it is a list"));
        assert!(
            errors("queues: Billing\n")[0].contains("`queues` must be a list, but it is a string")
        );
        assert!(errors("queues: [\n")[0].starts_with("seed.yaml:"));
    }
}
