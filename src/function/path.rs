//! Matching a `ComparisonValue` against the catalog's paths, whose `{name}` segments are
//! placeholders for something the user chooses (a contact attribute key, say).

use super::catalog::{ConditionSpec, SourceCatalog};

/// The specs of `source` whose path matches `path`: those written out in full when any are,
/// so `$.Case.Fields.status` is the status condition and not the custom field `{field_id}`.
/// Several specs may share a path with different operators.
pub fn candidates<'a>(source: &'a SourceCatalog, path: &str) -> Vec<&'a ConditionSpec> {
    let matching: Vec<&ConditionSpec> = source
        .conditions
        .iter()
        .filter(|spec| bindings(spec.path, path).is_some())
        .collect();
    let literal: Vec<&ConditionSpec> = matching
        .iter()
        .copied()
        .filter(|spec| !spec.path.contains('{'))
        .collect();
    if literal.is_empty() {
        matching
    } else {
        literal
    }
}

/// The spec of `source` for `path` with `operator`, or the first for `path` when no spec
/// takes that operator.
pub fn find<'a>(
    source: &'a SourceCatalog,
    path: &str,
    operator: Option<&str>,
) -> Option<&'a ConditionSpec> {
    let candidates = candidates(source, path);
    candidates
        .iter()
        .copied()
        .find(|spec| operator.is_some_and(|operator| spec.operators.contains(&operator)))
        .or_else(|| candidates.first().copied())
}

/// Matches `path` against `pattern` and returns each placeholder with the text it stands for.
///
/// A placeholder matches one segment; a placeholder at the end matches the rest of the path,
/// because keys such as contact attribute names may themselves contain dots.
pub fn bindings<'a>(pattern: &'a str, path: &'a str) -> Option<Vec<(&'a str, &'a str)>> {
    // Most catalog paths have no placeholder; every condition is matched against every path
    // of its source, so this case must not allocate.
    if !pattern.contains('{') {
        return (pattern == path).then(Vec::new);
    }
    let mut found = Vec::new();
    let mut rest = path;
    let mut segments = pattern.split('.').peekable();
    while let Some(segment) = segments.next() {
        let last = segments.peek().is_none();
        let (head, tail) = if last {
            (rest, "")
        } else {
            rest.split_once('.')?
        };
        match segment
            .strip_prefix('{')
            .and_then(|inner| inner.strip_suffix('}'))
        {
            Some(name) if !head.is_empty() => found.push((name, head)),
            None if segment == head => {}
            _ => return None,
        }
        rest = tail;
    }
    Some(found)
}

/// `pattern` with its placeholders replaced by what they matched in `path`.
pub fn fill(text: &str, bound: &[(&str, &str)]) -> String {
    bound.iter().fold(text.to_owned(), |text, (name, value)| {
        text.replace(&format!("{{{name}}}"), value)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn literal_paths_match_exactly() {
        assert_eq!(bindings("$.A.B", "$.A.B"), Some(vec![]));
        assert_eq!(bindings("$.A.B", "$.A.B.C"), None);
        assert_eq!(bindings("$.A.B", "$.A"), None);
        assert_eq!(bindings("$.A.B", "$.A.b"), None);
    }

    #[test]
    fn placeholders_bind_segments_and_the_tail() {
        assert_eq!(
            bindings("$.A.{key}", "$.A.tier.gold"),
            Some(vec![("key", "tier.gold")])
        );
        assert_eq!(
            bindings("$.A.{id}.Score", "$.A.form-1.Score"),
            Some(vec![("id", "form-1")])
        );
        assert_eq!(bindings("$.A.{key}", "$.A."), None);
        assert_eq!(bindings("$.A.{id}.Score", "$.A.form-1.Other"), None);
    }

    #[test]
    fn fill_replaces_placeholders() {
        assert_eq!(
            fill("contact attribute {key}", &[("key", "tier")]),
            "contact attribute tier"
        );
    }
}
