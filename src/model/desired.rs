//! A rule as the files want it: the typed rule and where it was written.

use std::path::PathBuf;

use crate::node::Pos;

use super::Rule;

/// A valid rule with where it came from.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct DesiredRule {
    /// The rule, ready for the API.
    pub rule: Rule,
    /// Its file.
    pub path: PathBuf,
    /// Where its `Name` is written.
    pub name_pos: Pos,
}
