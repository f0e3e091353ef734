//! What `apply` would refuse in a plan: plain data, carried in the plan so that `plan` can say
//! it before the merge and the JSON plan lists it. [`crate::apply::safety::check`] decides.

use serde::{Deserialize, Serialize};

/// Which check refuses.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RefusalKind {
    /// Deletes without `--allow-delete` (or the config's `allow_delete`).
    Delete,
    /// Replacements without `--allow-replace` (or the config's `allow_replace`).
    Replace,
    /// A replacement of a live rule connect-rules does not own.
    NotOwned,
    /// More deletes than `--max-delete` allows, without `--force`.
    DeleteLimit,
}

/// Why a plan may not be applied as asked.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Refusal {
    /// Which check.
    pub kind: RefusalKind,
    /// What is refused.
    pub message: String,
    /// What to do.
    pub hint: String,
}
