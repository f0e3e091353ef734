//! The instance's other resources that rules refer to (queues, contact flows, users, ...):
//! seeded from a file, read-only, the same for every instance id, and served by the eight list
//! operations.

mod kinds;
mod list;
mod seed;

use std::collections::BTreeMap;

use serde_json::{Map, Value as Json};

pub use kinds::{ResourceKind, KINDS};
pub(super) use list::list;
pub use seed::{load_seed, parse_seed, SeedError};

/// One seeded resource: the summary members the seed gave, with its id (given or generated).
pub type SeededResource = Map<String, Json>;

/// The seeded resources by kind, each kind in file order.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Resources {
    by_kind: BTreeMap<&'static str, Vec<SeededResource>>,
}

impl Resources {
    /// The resources of `kind`, in file order.
    pub fn of(&self, kind: &ResourceKind) -> &[SeededResource] {
        self.by_kind.get(kind.key).map_or(&[], Vec::as_slice)
    }

    /// How many resources of every kind.
    pub fn len(&self) -> usize {
        self.by_kind.values().map(Vec::len).sum()
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}
