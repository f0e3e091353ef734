//! A rule as the service returns it: the desired-state fields plus the server-owned ones.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::Rule;

/// `Rule` as DescribeRule returns it. Timestamps are epoch seconds, as on the wire.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "PascalCase")]
pub struct LiveRule {
    /// The rule's members as in a rule file.
    #[serde(flatten)]
    pub rule: Rule,
    /// Server-assigned id.
    pub rule_id: String,
    /// `arn:aws:connect:REGION:ACCOUNT:instance/INSTANCE/rule/RULE_ID`.
    pub rule_arn: String,
    /// Capability tiers the service derived (e.g. `GenerativeAI`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub rule_capability_tiers: Vec<String>,
    /// Creation time, epoch seconds.
    pub created_time: f64,
    /// Last change, epoch seconds; any update moves it.
    pub last_updated_time: f64,
    /// ARN of who changed it last.
    pub last_updated_by: String,
}

/// Epoch seconds as whole milliseconds: the service's precision, and exact to compare (the
/// model keeps timestamps as the `f64` seconds the wire carries).
pub fn epoch_millis(epoch_seconds: f64) -> i64 {
    (epoch_seconds * 1000.0).round() as i64
}

/// `RuleSummary` as ListRules returns it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "PascalCase")]
pub struct RuleSummary {
    /// Rule name.
    pub name: String,
    /// Server-assigned id.
    pub rule_id: String,
    /// Rule ARN.
    pub rule_arn: String,
    /// The trigger's event source.
    pub event_source_name: String,
    /// `DRAFT` or `PUBLISHED`.
    pub publish_status: String,
    /// Capability tiers.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub rule_capability_tiers: Vec<String>,
    /// `[{"ActionType": ...}]`.
    pub action_summaries: Vec<ActionSummary>,
    /// Creation time, epoch seconds.
    pub created_time: f64,
    /// Last change, epoch seconds.
    pub last_updated_time: f64,
}

/// `ActionSummary`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "PascalCase")]
pub struct ActionSummary {
    /// The action's type.
    pub action_type: String,
}
