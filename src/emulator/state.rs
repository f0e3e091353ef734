//! The emulator's data: instances, their rules and client tokens, as persisted.
//!
//! Rule members are kept as the JSON the client sent, so every member comes back byte for byte.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_json::{json, Value as Json};

/// The version of the state file format this build writes and reads.
pub const FORMAT_VERSION: u32 = 1;

/// Everything the emulator holds.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct State {
    /// Always [`FORMAT_VERSION`] when written by this build.
    pub format_version: u32,
    /// Instances by id; an instance appears when first written to.
    pub instances: BTreeMap<String, InstanceState>,
}

impl Default for State {
    fn default() -> Self {
        State {
            format_version: FORMAT_VERSION,
            instances: BTreeMap::new(),
        }
    }
}

/// One instance's rules.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct InstanceState {
    /// The sequence number the next created rule gets; sequence numbers order listings.
    pub next_seq: u64,
    /// Rules in creation order (ascending `seq`).
    pub rules: Vec<StoredRule>,
    /// `CreateRule` results by `ClientToken`, for idempotent retries.
    #[serde(default)]
    pub client_tokens: BTreeMap<String, ClientTokenRecord>,
}

impl InstanceState {
    /// The rule with `rule_id`.
    pub fn rule(&self, rule_id: &str) -> Option<&StoredRule> {
        self.rules.iter().find(|rule| rule.rule_id == rule_id)
    }

    /// The rule with `rule_id`, to change.
    pub fn rule_mut(&mut self, rule_id: &str) -> Option<&mut StoredRule> {
        self.rules.iter_mut().find(|rule| rule.rule_id == rule_id)
    }

    /// The id of the rule named `name`, if any.
    pub fn rule_named(&self, name: &str) -> Option<&StoredRule> {
        self.rules.iter().find(|rule| rule.name == name)
    }
}

/// What a `CreateRule` with a client token produced.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ClientTokenRecord {
    /// SHA-256 of the request's members (without the token), canonicalised.
    pub fingerprint: String,
    /// The rule created.
    pub rule_id: String,
    /// Its ARN.
    pub rule_arn: String,
    /// When the token was first used, epoch milliseconds; tokens expire after
    /// [`CLIENT_TOKEN_LIFETIME_MS`].
    #[serde(default)]
    pub used_ms: i64,
}

/// How long a client token is remembered (a day), so the state does not grow without bound.
pub const CLIENT_TOKEN_LIFETIME_MS: i64 = 24 * 60 * 60 * 1000;

/// A rule: its members as sent, and the server-owned fields.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StoredRule {
    /// Creation order within the instance.
    pub seq: u64,
    /// Server-assigned id.
    pub rule_id: String,
    /// `arn:aws:connect:REGION:ACCOUNT:instance/INSTANCE/rule/RULE_ID`.
    pub rule_arn: String,
    /// `Name`.
    pub name: String,
    /// `TriggerEventSource`, as sent.
    pub trigger_event_source: Json,
    /// `Function`, as sent.
    pub function: String,
    /// `Actions`, as sent.
    pub actions: Json,
    /// `PublishStatus`.
    pub publish_status: String,
    /// `PreEvaluationFilters`, as sent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pre_evaluation_filters: Option<Json>,
    /// Tags.
    #[serde(default)]
    pub tags: BTreeMap<String, String>,
    /// Creation time, epoch milliseconds.
    pub created_ms: i64,
    /// Last change, epoch milliseconds; strictly increases with every update.
    pub last_updated_ms: i64,
    /// ARN of who changed it last.
    pub last_updated_by: String,
}

impl StoredRule {
    /// `TriggerEventSource.EventSourceName`.
    pub fn event_source_name(&self) -> &str {
        self.trigger_event_source
            .get("EventSourceName")
            .and_then(Json::as_str)
            .unwrap_or_default()
    }

    /// The `Rule` structure `DescribeRule` returns.
    pub fn to_describe_json(&self) -> Json {
        let mut rule = json!({
            "Name": self.name,
            "RuleId": self.rule_id,
            "RuleArn": self.rule_arn,
            "TriggerEventSource": self.trigger_event_source,
            "Function": self.function,
            "Actions": self.actions,
            "PublishStatus": self.publish_status,
        });
        let members = rule.as_object_mut().expect("a rule is an object");
        if let Some(filters) = &self.pre_evaluation_filters {
            members.insert("PreEvaluationFilters".to_owned(), filters.clone());
        }
        members.insert("CreatedTime".to_owned(), epoch_seconds(self.created_ms));
        members.insert(
            "LastUpdatedTime".to_owned(),
            epoch_seconds(self.last_updated_ms),
        );
        members.insert("LastUpdatedBy".to_owned(), json!(self.last_updated_by));
        if !self.tags.is_empty() {
            members.insert("Tags".to_owned(), json!(self.tags));
        }
        rule
    }

    /// The `RuleSummary` `ListRules` returns.
    pub fn to_summary_json(&self) -> Json {
        let action_summaries: Vec<Json> = self
            .actions
            .as_array()
            .map(|actions| {
                actions
                    .iter()
                    .map(|action| json!({ "ActionType": action.get("ActionType") }))
                    .collect()
            })
            .unwrap_or_default();
        json!({
            "Name": self.name,
            "RuleId": self.rule_id,
            "RuleArn": self.rule_arn,
            "EventSourceName": self.event_source_name(),
            "PublishStatus": self.publish_status,
            "ActionSummaries": action_summaries,
            "CreatedTime": epoch_seconds(self.created_ms),
            "LastUpdatedTime": epoch_seconds(self.last_updated_ms),
        })
    }
}

/// Epoch milliseconds as the rest-json timestamp: epoch seconds, a JSON number.
pub fn epoch_seconds(ms: i64) -> Json {
    json!(ms as f64 / 1000.0)
}

/// One change to the state, as the journal records it. Each sets one thing to a value (or
/// removes it), so replaying changes that the state file already holds changes nothing: a
/// crash between writing the state file and emptying the journal loses and doubles nothing.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "change", rename_all = "snake_case", deny_unknown_fields)]
pub enum Change {
    /// A rule created or changed: stored whole, in its place by `seq`.
    PutRule {
        /// The instance.
        instance: String,
        /// The rule as it is now.
        rule: Box<StoredRule>,
    },
    /// A rule deleted (nothing if it is not there).
    DeleteRule {
        /// The instance.
        instance: String,
        /// The rule's id.
        rule_id: String,
    },
    /// A client token remembered.
    PutToken {
        /// The instance.
        instance: String,
        /// The token.
        token: String,
        /// What its create produced.
        record: ClientTokenRecord,
    },
    /// Expired client tokens forgotten.
    DropTokens {
        /// The instance.
        instance: String,
        /// The tokens.
        tokens: Vec<String>,
    },
}

impl State {
    /// Makes `change`; the journal replays changes through this very function.
    pub fn apply(&mut self, change: Change) {
        match change {
            Change::PutRule { instance, rule } => {
                let instance = self.instances.entry(instance).or_default();
                instance.next_seq = instance.next_seq.max(rule.seq + 1);
                if let Some(stored) = instance.rule_mut(&rule.rule_id) {
                    *stored = *rule;
                } else {
                    let at = instance.rules.partition_point(|other| other.seq < rule.seq);
                    instance.rules.insert(at, *rule);
                }
            }
            Change::DeleteRule { instance, rule_id } => {
                if let Some(instance) = self.instances.get_mut(&instance) {
                    instance.rules.retain(|rule| rule.rule_id != rule_id);
                }
            }
            Change::PutToken {
                instance,
                token,
                record,
            } => {
                self.instances
                    .entry(instance)
                    .or_default()
                    .client_tokens
                    .insert(token, record);
            }
            Change::DropTokens { instance, tokens } => {
                if let Some(instance) = self.instances.get_mut(&instance) {
                    for token in tokens {
                        instance.client_tokens.remove(&token);
                    }
                }
            }
        }
    }

    /// How many rules all instances hold.
    pub fn rule_count(&self) -> usize {
        self.instances
            .values()
            .map(|instance| instance.rules.len())
            .sum()
    }
}
