//! What an instance holds of each kind, read once per run, and the lookups over it: a name to
//! its resource (for references) and an id to its name (for plans, `explain` and `export`).

use std::collections::{BTreeMap, HashMap};

use super::kind::ResourceKind;
use super::parse::Reference;

/// One resource as its list operation summarises it.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Resource {
    pub id: String,
    pub arn: String,
    /// The member named by [`ResourceKind::name_member`].
    pub name: String,
}

/// The ids of `resources`, as a message lists them: `` `q-3`, `q-4` ``.
pub fn listed_ids(resources: &[&Resource]) -> String {
    resources
        .iter()
        .map(|resource| format!("`{}`", resource.id))
        .collect::<Vec<_>>()
        .join(", ")
}

/// The outcome of looking a reference up.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Lookup<'a> {
    /// Exactly one resource has the name.
    Found(&'a Resource),
    /// None has it; the closest names of that kind, best first (at most three).
    Missing { suggestions: Vec<&'a str> },
    /// Several have it: a reference must pick one, so it names none.
    Ambiguous(Vec<&'a Resource>),
    /// The kind was not read from the instance (a bug in the caller: every kind the files use
    /// is read before resolving).
    NotRead,
}

/// The resources of an instance, by kind; only the kinds that were read.
///
/// Looked up by name once per reference and by id once per id shown, over thousands of users:
/// both go through indexes built when a kind is inserted (a scan per lookup was a fifth of a
/// warm plan of 1,000 rules against 5,000 users).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Directory {
    resources_by_kind: BTreeMap<ResourceKind, Vec<Resource>>,
    /// Positions in `resources_by_kind[kind]` of each name, in order.
    name_index: HashMap<(ResourceKind, String), Vec<usize>>,
    /// Kinds and positions of each id and each ARN.
    id_index: HashMap<String, Vec<(ResourceKind, usize)>>,
}

impl Directory {
    /// Records every resource of `kind`, replacing what was there.
    pub fn insert(&mut self, kind: ResourceKind, mut resources: Vec<Resource>) {
        resources.sort();
        self.name_index.retain(|(indexed, _), _| *indexed != kind);
        for positions in self.id_index.values_mut() {
            positions.retain(|(indexed, _)| *indexed != kind);
        }
        self.id_index.retain(|_, positions| !positions.is_empty());
        for (position, resource) in resources.iter().enumerate() {
            self.name_index
                .entry((kind, resource.name.clone()))
                .or_default()
                .push(position);
            self.id_index
                .entry(resource.id.clone())
                .or_default()
                .push((kind, position));
            if resource.arn != resource.id {
                self.id_index
                    .entry(resource.arn.clone())
                    .or_default()
                    .push((kind, position));
            }
        }
        self.resources_by_kind.insert(kind, resources);
    }

    /// Whether `kind` was read.
    pub fn has(&self, kind: ResourceKind) -> bool {
        self.resources_by_kind.contains_key(&kind)
    }

    /// The resources of `kind` (empty when not read).
    pub fn resources(&self, kind: ResourceKind) -> &[Resource] {
        self.resources_by_kind.get(&kind).map_or(&[], Vec::as_slice)
    }

    /// Looks `reference` up by exact name.
    pub fn lookup(&self, reference: &Reference) -> Lookup<'_> {
        let Some(resources) = self.resources_by_kind.get(&reference.kind) else {
            return Lookup::NotRead;
        };
        let matching: Vec<&Resource> = self
            .name_index
            .get(&(reference.kind, reference.name.clone()))
            .map_or_else(Vec::new, |positions| {
                positions.iter().map(|&at| &resources[at]).collect()
            });
        match matching.len() {
            0 => Lookup::Missing {
                suggestions: suggestions(&reference.name, resources),
            },
            1 => Lookup::Found(matching[0]),
            _ => Lookup::Ambiguous(matching),
        }
    }

    /// The kind and name of the resource whose id or ARN is `id`, when exactly one resource
    /// (over every kind read) has it.
    pub fn name_of(&self, id: &str) -> Option<(ResourceKind, &Resource)> {
        match self.id_index.get(id)?.as_slice() {
            [(kind, at)] => Some((*kind, &self.resources_by_kind[kind][*at])),
            _ => None,
        }
    }

    /// The reference that writes `id` by name: only when one resource has that id and no other
    /// resource of its kind shares its name, so the reference resolves back to the same id.
    /// `kind` narrows the search where the place an id stands in says what it must be.
    pub fn reference_for(&self, id: &str, kind: Option<ResourceKind>) -> Option<Reference> {
        self.reference_by(id, kind, |resource| &resource.id)
    }

    /// [`Directory::reference_for`] for a resource's ARN, where the place holds ARNs (a
    /// Function condition on `...Agent.HierarchyGroup.ARN`), so the reference resolves back
    /// to the same ARN there.
    pub fn reference_for_arn(&self, arn: &str, kind: Option<ResourceKind>) -> Option<Reference> {
        self.reference_by(arn, kind, |resource| &resource.arn)
    }

    fn reference_by(
        &self,
        value: &str,
        kind: Option<ResourceKind>,
        member: impl Fn(&Resource) -> &String,
    ) -> Option<Reference> {
        let (found_kind, resource) = self.name_of(value)?;
        if kind.is_some_and(|kind| kind != found_kind) || member(resource) != value {
            return None;
        }
        let reference = Reference {
            kind: found_kind,
            name: resource.name.clone(),
        };
        match self.lookup(&reference) {
            Lookup::Found(back) if member(back) == value && is_writable_name(&reference.name) => {
                Some(reference)
            }
            _ => None,
        }
    }
}

/// Whether a name can be written inside `${KIND:NAME}` and read back as the same name.
fn is_writable_name(name: &str) -> bool {
    !name.trim().is_empty() && !name.contains('}') && !name.contains("${")
}

fn suggestions<'a>(name: &str, resources: &'a [Resource]) -> Vec<&'a str> {
    let lowered = name.to_lowercase();
    let mut scored: Vec<(f64, &str)> = resources
        .iter()
        .map(|resource| {
            let score = strsim::jaro_winkler(&lowered, &resource.name.to_lowercase());
            (score, resource.name.as_str())
        })
        .filter(|(score, _)| *score >= 0.8)
        .collect();
    scored.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(b.1)));
    scored.dedup_by(|a, b| a.1 == b.1);
    scored.into_iter().take(3).map(|(_, name)| name).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn resource(id: &str, name: &str) -> Resource {
        Resource {
            id: id.to_owned(),
            arn: format!("arn:aws:connect:eu-west-2:111122223333:instance/i/queue/{id}"),
            name: name.to_owned(),
        }
    }

    fn queue(name: &str) -> Reference {
        Reference {
            kind: ResourceKind::Queue,
            name: name.to_owned(),
        }
    }

    fn directory() -> Directory {
        let mut directory = Directory::default();
        directory.insert(
            ResourceKind::Queue,
            vec![
                resource("q-1", "Billing"),
                resource("q-2", "Sales"),
                resource("q-3", "Support"),
                resource("q-4", "Support"),
            ],
        );
        directory.insert(ResourceKind::Flow, vec![resource("f-1", "Billing")]);
        directory
    }

    #[test]
    fn a_unique_name_resolves_to_its_resource() {
        let directory = directory();
        assert_eq!(
            directory.lookup(&queue("Billing")),
            Lookup::Found(&resource("q-1", "Billing"))
        );
    }

    #[test]
    fn a_missing_name_suggests_close_names_of_its_kind_only() {
        let directory = directory();
        let Lookup::Missing { suggestions } = directory.lookup(&queue("billing ")) else {
            panic!("expected a miss")
        };
        assert_eq!(suggestions, ["Billing"]);
        let Lookup::Missing { suggestions } = directory.lookup(&queue("Zzz")) else {
            panic!("expected a miss")
        };
        assert!(suggestions.is_empty());
    }

    #[test]
    fn a_shared_name_is_ambiguous_and_lists_every_resource() {
        let directory = directory();
        let Lookup::Ambiguous(found) = directory.lookup(&queue("Support")) else {
            panic!("expected ambiguity")
        };
        let ids: Vec<&str> = found.iter().map(|resource| resource.id.as_str()).collect();
        assert_eq!(ids, ["q-3", "q-4"]);
    }

    #[test]
    fn kinds_not_read_are_said_so() {
        let reference = Reference {
            kind: ResourceKind::User,
            name: "jdoe".to_owned(),
        };
        assert_eq!(directory().lookup(&reference), Lookup::NotRead);
    }

    #[test]
    fn ids_name_their_resource_and_write_back_only_when_the_name_is_unique() {
        let directory = directory();
        assert_eq!(directory.reference_for("q-1", None), Some(queue("Billing")));
        assert_eq!(
            directory.reference_for("q-1", Some(ResourceKind::Flow)),
            None
        );
        assert_eq!(
            directory.reference_for("q-3", None),
            None,
            "the name is shared"
        );
        assert_eq!(directory.reference_for("nope", None), None);
        let (kind, found) = directory.name_of("f-1").unwrap();
        assert_eq!((kind, found.name.as_str()), (ResourceKind::Flow, "Billing"));
    }

    #[test]
    fn inserting_a_kind_again_replaces_its_names_and_ids() {
        let mut directory = directory();
        directory.insert(ResourceKind::Queue, vec![resource("q-7", "Billing")]);
        assert_eq!(
            directory.lookup(&queue("Billing")),
            Lookup::Found(&resource("q-7", "Billing"))
        );
        assert!(matches!(
            directory.lookup(&queue("Support")),
            Lookup::Missing { .. }
        ));
        assert_eq!(directory.name_of("q-1"), None, "the old queue is gone");
        let (kind, _) = directory.name_of("f-1").expect("other kinds stay");
        assert_eq!(kind, ResourceKind::Flow);
    }

    #[test]
    fn an_id_two_kinds_share_names_neither() {
        let mut directory = Directory::default();
        directory.insert(ResourceKind::Queue, vec![resource("x-1", "A")]);
        directory.insert(ResourceKind::Flow, vec![resource("x-1", "B")]);
        assert_eq!(directory.name_of("x-1"), None);
    }

    #[test]
    fn names_that_cannot_be_written_back_stay_ids() {
        let mut directory = Directory::default();
        directory.insert(ResourceKind::Queue, vec![resource("q-9", "odd } name")]);
        assert_eq!(directory.reference_for("q-9", None), None);
    }
}
