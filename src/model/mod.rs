//! The rule model shared by the file format, the emulator and the plan.

pub mod enums;
mod live;
mod rule;

pub use live::{epoch_millis, ActionSummary, LiveRule, RuleSummary};
pub use rule::*;

/// The tag the tool puts on every rule it creates; deletes touch only rules that carry it.
pub const OWNERSHIP_TAG_KEY: &str = "managed-by";
/// The value of [`OWNERSHIP_TAG_KEY`].
pub const OWNERSHIP_TAG_VALUE: &str = "connect-rules";
/// The tag that remembers which file created a rule, so renaming the rule in that file is
/// planned as a rename (or a replace) rather than as an unrelated create and delete.
pub const SOURCE_TAG_KEY: &str = "connect-rules-source";
/// Tag values longer than this are refused by the service.
pub const MAX_TAG_VALUE: usize = 256;
