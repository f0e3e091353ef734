//! The rule model shared by the file format, the emulator and the plan: the rule itself, the
//! desired rule (a rule with the place in the files it came from), the live rule, and who owns
//! a rule.

mod desired;
pub mod enums;
mod live;
pub mod ownership;
mod rule;

pub use desired::DesiredRule;
pub use live::{epoch_millis, ActionSummary, LiveRule, RuleSummary};
pub use rule::*;

/// Tag values longer than this are refused by the service.
pub const MAX_TAG_VALUE: usize = 256;
