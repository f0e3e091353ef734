//! Reading `${KIND:NAME}` out of a string value.
//!
//! A reference is `${`, a kind word (`queue`, `flow`, ...), a colon, the resource's name and
//! `}`. `$${` writes `${` literally, as for variables. Text after `${` that is not shaped like
//! `word:` (such as `${var.NAME}` or `${ x }`) is not a reference and is left to the variable
//! pass or kept as written.

use std::fmt;

use super::kind::ResourceKind;

/// A reference to an instance resource by name.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Reference {
    pub kind: ResourceKind,
    pub name: String,
}

impl fmt::Display for Reference {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "${{{}:{}}}", self.kind.token(), self.name)
    }
}

/// What is wrong with text written as a reference.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ReferenceError {
    /// `${queues:Billing}`: the word before the colon is not a kind.
    UnknownKind {
        written: String,
        suggestion: Option<ResourceKind>,
    },
    /// `${queue:}`.
    EmptyName { kind: ResourceKind },
    /// `${queue:Billing` with no closing brace.
    Unclosed { kind: ResourceKind },
}

impl ReferenceError {
    /// What to do about it.
    pub fn hint(&self) -> String {
        match self {
            ReferenceError::UnknownKind {
                suggestion: Some(kind),
                ..
            } => format!("did you mean `{kind}`? To write `${{` literally, write `$${{`"),
            ReferenceError::UnknownKind { .. } => format!(
                "the kinds are {}; to write `${{` literally, write `$${{`",
                kinds_list()
            ),
            ReferenceError::EmptyName { kind } => format!(
                "write the {}'s name after the colon, e.g. `${{{}:NAME}}`",
                kind.noun(),
                kind.token()
            ),
            ReferenceError::Unclosed { kind } => {
                format!("close it with `}}`: `${{{}:NAME}}`", kind.token())
            }
        }
    }
}

impl fmt::Display for ReferenceError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ReferenceError::UnknownKind { written, .. } => {
                write!(f, "`${{{written}:...}}` names no kind of resource")
            }
            ReferenceError::EmptyName { kind } => {
                write!(f, "`${{{}:}}` names no {}", kind.token(), kind.noun())
            }
            ReferenceError::Unclosed { kind } => {
                write!(f, "the reference `${{{}:` is not closed", kind.token())
            }
        }
    }
}

impl std::error::Error for ReferenceError {}

/// The kinds, as a reader would list them: `queue`, `flow`, ... .
pub fn kinds_list() -> String {
    ResourceKind::ALL
        .iter()
        .map(|kind| format!("`{}`", kind.token()))
        .collect::<Vec<_>>()
        .join(", ")
}

/// Reads a reference at the start of `after`, the text that follows a `${`.
///
/// Returns how many bytes of `after` it spans (the closing brace included) and what it is, or
/// `None` when the text is not shaped like a reference and stays as written.
pub fn read(after: &str) -> Option<(usize, Result<Reference, ReferenceError>)> {
    let colon = kind_word_end(after)?;
    let word = &after[..colon];
    let rest = &after[colon + 1..];
    let kind = ResourceKind::from_token(word);
    let Some(close) = rest.find('}') else {
        // Unclosed text that does not even name a kind is ordinary text.
        return kind.map(|kind| (after.len(), Err(ReferenceError::Unclosed { kind })));
    };
    let span = colon + 1 + close + 1;
    let name = &rest[..close];
    let found = match kind {
        None => Err(ReferenceError::UnknownKind {
            written: word.to_owned(),
            suggestion: closest_kind(word),
        }),
        Some(kind) if name.trim().is_empty() => Err(ReferenceError::EmptyName { kind }),
        Some(kind) => Ok(Reference {
            kind,
            name: name.to_owned(),
        }),
    };
    Some((span, found))
}

/// Every reference (or malformed reference) in `text`, in order; escaped `$${` text skipped.
pub fn references_in(text: &str) -> Vec<Result<Reference, ReferenceError>> {
    let mut found = Vec::new();
    replace_with(text, |scanned| {
        found.push(scanned.clone());
        None
    });
    found
}

/// `text` with each well-formed reference replaced by what `resolve` gives for it (kept as
/// written where it gives nothing). `$${` escapes are kept as written, for the variable pass.
pub fn replace_references(
    text: &str,
    mut resolve: impl FnMut(&Reference) -> Option<String>,
) -> String {
    replace_with(text, |scanned| match scanned {
        Ok(reference) => resolve(reference),
        Err(_) => None,
    })
}

fn replace_with(
    text: &str,
    mut replace: impl FnMut(&Result<Reference, ReferenceError>) -> Option<String>,
) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(start) = rest.find("${") {
        if rest[..start].ends_with('$') {
            out.push_str(&rest[..start + 2]);
            rest = &rest[start + 2..];
            continue;
        }
        out.push_str(&rest[..start]);
        let after = &rest[start + 2..];
        let Some((span, scanned)) = read(after) else {
            out.push_str("${");
            rest = after;
            continue;
        };
        match replace(&scanned) {
            Some(replacement) => out.push_str(&replacement),
            None => out.push_str(&rest[start..start + 2 + span]),
        }
        rest = &after[span..];
    }
    out.push_str(rest);
    out
}

/// The index of the colon ending a kind-shaped word (`[a-z][a-z0-9-]*:`) at the start of `text`.
fn kind_word_end(text: &str) -> Option<usize> {
    let mut chars = text.char_indices();
    let (_, first) = chars.next()?;
    if !first.is_ascii_lowercase() {
        return None;
    }
    for (index, c) in chars {
        if c == ':' {
            return Some(index);
        }
        if !(c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || c == '_') {
            return None;
        }
    }
    None
}

fn closest_kind(word: &str) -> Option<ResourceKind> {
    let normalized = word.replace('_', "-");
    ResourceKind::ALL
        .into_iter()
        .map(|kind| (strsim::jaro_winkler(&normalized, kind.token()), kind))
        .filter(|(score, _)| *score >= 0.8)
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, kind)| kind)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn reference(kind: ResourceKind, name: &str) -> Reference {
        Reference {
            kind,
            name: name.to_owned(),
        }
    }

    #[test]
    fn reads_every_kind_with_names_that_have_spaces_and_colons() {
        for kind in ResourceKind::ALL {
            let text = format!("{}:Billing: EU west}}tail", kind.token());
            let (span, found) = read(&text).unwrap();
            assert_eq!(&text[span..], "tail");
            assert_eq!(found, Ok(reference(kind, "Billing: EU west")));
        }
    }

    #[test]
    fn variables_and_other_text_are_not_references() {
        assert_eq!(read("var.flow}"), None);
        assert_eq!(read(" queue:x}"), None);
        assert_eq!(read("Queue:x}"), None);
        assert_eq!(read("nothing here"), None);
        assert_eq!(read("amount:USD"), None, "unclosed and no kind: plain text");
    }

    #[test]
    fn unknown_kinds_empty_names_and_unclosed_references_are_errors() {
        assert_eq!(
            read("queues:Billing}").map(|(_, found)| found),
            Some(Err(ReferenceError::UnknownKind {
                written: "queues".to_owned(),
                suggestion: Some(ResourceKind::Queue),
            }))
        );
        assert_eq!(
            read("routing_profile:Sales}").map(|(_, found)| found),
            Some(Err(ReferenceError::UnknownKind {
                written: "routing_profile".to_owned(),
                suggestion: Some(ResourceKind::RoutingProfile),
            }))
        );
        let Some((_, Err(unknown))) = read("price:USD}") else {
            panic!("expected an error")
        };
        assert!(unknown.hint().contains("$${"), "{}", unknown.hint());
        assert_eq!(
            read("flow: }").map(|(_, found)| found),
            Some(Err(ReferenceError::EmptyName {
                kind: ResourceKind::Flow
            }))
        );
        assert_eq!(
            read("user:jdoe").map(|(_, found)| found),
            Some(Err(ReferenceError::Unclosed {
                kind: ResourceKind::User
            }))
        );
    }

    #[test]
    fn escapes_are_skipped_and_kept_for_the_variable_pass() {
        let text = "$${queue:Billing} and ${queue:Sales} and ${var.x}";
        assert_eq!(
            references_in(text),
            vec![Ok(reference(ResourceKind::Queue, "Sales"))]
        );
        let replaced = replace_references(text, |found| Some(format!("<{}>", found.name)));
        assert_eq!(replaced, "$${queue:Billing} and <Sales> and ${var.x}");
    }

    #[test]
    fn unresolved_references_stay_as_written() {
        let text = "a ${flow:Callback} b ${flow:Missing}";
        let replaced = replace_references(text, |found| {
            (found.name == "Callback").then(|| "1111".to_owned())
        });
        assert_eq!(replaced, "a 1111 b ${flow:Missing}");
    }

    #[test]
    fn a_reference_prints_as_it_is_written() {
        let written = reference(ResourceKind::EvaluationForm, "QA form").to_string();
        assert_eq!(written, "${evaluation-form:QA form}");
        assert_eq!(
            read(&written[2..]).map(|(_, found)| found),
            Some(Ok(reference(ResourceKind::EvaluationForm, "QA form")))
        );
    }
}
