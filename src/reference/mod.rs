//! Instance resources named in rule files: `${queue:Billing}` instead of a queue's id.
//!
//! Rules point at queues, flows, users and other resources by opaque id, which differ per
//! instance. A rule file may name them instead; each target resolves the names against its
//! instance (through the resource list operations) before anything is compared or sent. This
//! module is pure: the kinds, reading references out of text, and lookups over what an
//! instance was read to hold.

mod directory;
mod kind;
mod parse;
mod place;
mod substitute;

pub use directory::{listed_ids, Directory, Lookup, Resource};
pub use kind::ResourceKind;
pub use parse::{kinds_list, read, references_in, replace_references, Reference, ReferenceError};
pub use place::{place_at, Place};
pub use substitute::{
    lookup_problem, substitute_node, substitute_text, ReferenceProblem, Resolver, Substituted,
};
