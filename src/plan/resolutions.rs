//! The `${KIND:NAME}` references a plan's rules were resolved with, each with the id it
//! resolved to: what the readers show beside an id, what the JSON plan keeps, and what a saved
//! plan checks again before it is applied. Pure.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::reference::{Directory, Lookup, Reference, ResourceKind};

/// One reference and the id it resolved to on the plan's instance.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Resolution {
    /// As written: `${flow:Callback}`.
    pub reference: String,
    /// The kind (`flow`).
    pub kind: ResourceKind,
    /// The name (`Callback`).
    pub name: String,
    /// The id the rules were sent with.
    pub id: String,
}

impl Resolution {
    /// The reference this resolution is for.
    pub fn as_reference(&self) -> Reference {
        Reference {
            kind: self.kind,
            name: self.name.clone(),
        }
    }

    /// How a reader sees the resource beside its id: `flow "Callback"`.
    pub fn label(&self) -> String {
        format!("{} \"{}\"", self.kind.noun(), self.name)
    }
}

/// The resolutions of a load ([`crate::load::LoadedRules::resolved`]), sorted by reference.
pub fn from_resolved(resolved: &BTreeMap<Reference, String>) -> Vec<Resolution> {
    resolved
        .iter()
        .map(|(reference, id)| Resolution {
            reference: reference.to_string(),
            kind: reference.kind,
            name: reference.name.clone(),
            id: id.clone(),
        })
        .collect()
}

/// Each resolved id with how a reader sees it (`flow "Callback"`). An id that references of
/// two kinds resolved to (ids are unique per kind only) reads with both labels.
pub fn labels(resolutions: &[Resolution]) -> BTreeMap<String, String> {
    let mut labels: BTreeMap<String, String> = BTreeMap::new();
    for resolution in resolutions.iter().filter(|r| !r.id.is_empty()) {
        labels
            .entry(resolution.id.clone())
            .and_modify(|label| {
                label.push_str(" or ");
                label.push_str(&resolution.label());
            })
            .or_insert_with(|| resolution.label());
    }
    labels
}

/// Each resolved id with the reference it was written as (`${flow:Callback}`), for readings
/// that show the name instead of the id.
pub fn references_by_id(resolutions: &[Resolution]) -> BTreeMap<String, String> {
    let mut by_id: BTreeMap<String, Vec<&Resolution>> = BTreeMap::new();
    for resolution in resolutions.iter().filter(|r| !r.id.is_empty()) {
        by_id
            .entry(resolution.id.clone())
            .or_default()
            .push(resolution);
    }
    // An id that two references share stays an id: either name would be half the truth.
    by_id
        .into_iter()
        .filter_map(|(id, found)| match found.as_slice() {
            [one] => Some((id, one.reference.clone())),
            _ => None,
        })
        .collect()
}

/// How the references a saved plan used resolve on the instance now, for each one that no
/// longer resolves to the id the plan holds: `` `${queue:Billing}` was `q-1` when the plan
/// was made; now it is `q-2` ``. Kinds `directory` did not read are not judged.
pub fn stale(resolutions: &[Resolution], directory: &Directory) -> Vec<String> {
    resolutions
        .iter()
        .filter_map(|resolution| {
            let reference = resolution.as_reference();
            let noun = resolution.kind.noun();
            let now = match directory.lookup(&reference) {
                // A reference in an ARN condition resolved to the ARN (see `reference::substitute`).
                Lookup::Found(resource)
                    if resource.id == resolution.id || resource.arn == resolution.id =>
                {
                    return None
                }
                Lookup::NotRead => return None,
                Lookup::Found(resource) => format!("now it is `{}`", resource.id),
                Lookup::Missing { .. } => {
                    format!(
                        "now no {noun} is named `{}` on the instance",
                        reference.name
                    )
                }
                Lookup::Ambiguous(resources) => format!(
                    "now {} {noun}s are named `{}` ({})",
                    resources.len(),
                    reference.name,
                    crate::reference::listed_ids(&resources)
                ),
            };
            Some(format!(
                "`{}` resolved to `{}` when the plan was made; {now}",
                resolution.reference, resolution.id
            ))
        })
        .collect()
}

/// `line` with the label of every resolved id it shows appended, in the order they appear:
/// `ContactFlowId: 4444... (flow "Callback")`. An id counts only as a whole word (not inside
/// a longer id), but inside an ARN it counts: the ARN names the same resource.
pub fn annotate(line: &str, labels: &BTreeMap<String, String>) -> String {
    if labels.is_empty() {
        return line.to_owned();
    }
    let mut found: Vec<(usize, &str)> = Vec::new();
    for (id, label) in labels {
        if let Some(at) = whole_word(line, id) {
            found.push((at, label));
        }
    }
    if found.is_empty() {
        return line.to_owned();
    }
    found.sort_unstable();
    let shown: Vec<&str> = found.into_iter().map(|(_, label)| label).collect();
    // A JSON line's comma stays last, after the label it belongs with.
    let (body, comma) = line
        .strip_suffix(',')
        .map_or((line, ""), |body| (body, ","));
    format!("{body} ({}){comma}", shown.join(", "))
}

/// Where `id` first stands in `line` as a whole word: not preceded or followed by a letter,
/// digit, `-` or `_`.
fn whole_word(line: &str, id: &str) -> Option<usize> {
    let is_word = |c: char| c.is_alphanumeric() || c == '-' || c == '_';
    let mut from = 0;
    while let Some(offset) = line[from..].find(id) {
        let at = from + offset;
        let end = at + id.len();
        let before = line[..at].chars().next_back();
        let after = line[end..].chars().next();
        if !before.is_some_and(is_word) && !after.is_some_and(is_word) {
            return Some(at);
        }
        from = at + line[at..].chars().next().map_or(1, char::len_utf8);
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::reference::Resource;

    fn resolution(kind: ResourceKind, name: &str, id: &str) -> Resolution {
        Resolution {
            reference: format!("${{{}:{name}}}", kind.token()),
            kind,
            name: name.to_owned(),
            id: id.to_owned(),
        }
    }

    fn resolutions() -> Vec<Resolution> {
        vec![
            resolution(ResourceKind::Flow, "Callback", "f-1"),
            resolution(ResourceKind::User, "jdoe", "u-1"),
            resolution(ResourceKind::Queue, "Billing", "q-1"),
        ]
    }

    #[test]
    fn loads_resolutions_become_sorted_records_with_their_written_form() {
        let resolved = BTreeMap::from([
            (
                Reference {
                    kind: ResourceKind::Queue,
                    name: "Billing".into(),
                },
                "q-1".to_owned(),
            ),
            (
                Reference {
                    kind: ResourceKind::Flow,
                    name: "Callback".into(),
                },
                "f-1".to_owned(),
            ),
        ]);
        let found = from_resolved(&resolved);
        assert_eq!(
            found,
            [
                resolution(ResourceKind::Queue, "Billing", "q-1"),
                resolution(ResourceKind::Flow, "Callback", "f-1"),
            ]
        );
        assert_eq!(found[0].reference, "${queue:Billing}");
    }

    #[test]
    fn lines_showing_an_id_get_its_label_in_the_order_they_show_them() {
        let labels = labels(&resolutions());
        assert_eq!(
            annotate("ContactFlowId: f-1", &labels),
            "ContactFlowId: f-1 (flow \"Callback\")"
        );
        assert_eq!(
            annotate("UserIds: [u-1, f-1]", &labels),
            "UserIds: [u-1, f-1] (user \"jdoe\", flow \"Callback\")"
        );
        assert_eq!(
            annotate("    \"u-1\",", &labels),
            "    \"u-1\" (user \"jdoe\"),",
            "a JSON line keeps its comma last"
        );
        assert_eq!(
            annotate("arn:aws:connect:r:1:instance/i/queue/q-1", &labels),
            "arn:aws:connect:r:1:instance/i/queue/q-1 (queue \"Billing\")",
            "an ARN names the same resource"
        );
        for untouched in ["Id: f-10", "Id: xf-1", "Name: q-1_b", "nothing here"] {
            assert_eq!(annotate(untouched, &labels), untouched, "not a whole id");
        }
        assert_eq!(
            annotate("a f-10 then f-1", &labels),
            "a f-10 then f-1 (flow \"Callback\")",
            "a partial match earlier in the line does not hide a whole one"
        );
    }

    #[test]
    fn an_id_two_references_share_reads_as_both_but_names_neither() {
        let shared = vec![
            resolution(ResourceKind::Queue, "A", "x-1"),
            resolution(ResourceKind::Flow, "B", "x-1"),
        ];
        assert_eq!(labels(&shared)["x-1"], "queue \"A\" or flow \"B\"");
        assert!(references_by_id(&shared).is_empty());
        assert_eq!(
            references_by_id(&resolutions())["q-1"],
            "${queue:Billing}".to_owned()
        );
    }

    #[test]
    fn a_saved_plans_references_are_stale_when_they_resolve_elsewhere_or_not_at_all() {
        let resource = |id: &str, name: &str| Resource {
            id: id.to_owned(),
            arn: format!("arn:{id}"),
            name: name.to_owned(),
        };
        let mut directory = Directory::default();
        directory.insert(ResourceKind::Flow, vec![resource("f-1", "Callback")]);
        directory.insert(ResourceKind::Queue, vec![resource("q-2", "Billing")]);
        directory.insert(ResourceKind::User, vec![]);
        assert_eq!(
            stale(&resolutions(), &directory),
            [
                "`${user:jdoe}` resolved to `u-1` when the plan was made; now no user is named `jdoe` on the instance",
                "`${queue:Billing}` resolved to `q-1` when the plan was made; now it is `q-2`",
            ]
        );
        directory.insert(
            ResourceKind::Queue,
            vec![resource("q-1", "Billing"), resource("q-3", "Billing")],
        );
        let found = stale(&resolutions()[2..], &directory);
        assert_eq!(
            found,
            ["`${queue:Billing}` resolved to `q-1` when the plan was made; now 2 queues are named `Billing` (`q-1`, `q-3`)"]
        );
    }
}
