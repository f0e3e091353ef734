//! The rule store: the service's behaviour for each operation, without HTTP.
//!
//! Every operation takes the decoded labels, body and query, validates them as the service does
//! and answers with the response members or an [`ApiError`]. Mutations run under one lock and,
//! with a state file, are journalled before the lock is released, so no update is lost or
//! reordered; the state file itself is held by one process at a time (see [`persist`]).

use std::sync::{Mutex, MutexGuard, PoisonError};

use serde_json::{json, Value as Json};

use crate::model::enums;

use super::api_error::{ApiError, ErrorKind};
use super::config::EmulatorConfig;
use super::ids::{fingerprint, new_uuid, now_ms};
use super::pagination::{Page, PageRequest, TokenCodec};
use super::persist::{self, Persisted};
use super::state::{
    Change, ClientTokenRecord, InstanceState, State, StoredRule, CLIENT_TOKEN_LIFETIME_MS,
};
use super::tags::tag_map;
use super::validation::{check_body, check_value, into_result};

/// `CreateRule`'s answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CreatedRule {
    /// The new rule's id.
    pub rule_id: String,
    /// Its ARN.
    pub rule_arn: String,
}

/// `ListRules`' query, checked.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ListRulesQuery {
    /// Page size and where to continue.
    pub page: PageRequest,
    /// Only rules with this `PublishStatus`.
    pub publish_status: Option<String>,
    /// Only rules with this event source.
    pub event_source_name: Option<String>,
}

/// The state of every instance, behind one lock.
#[derive(Debug)]
pub struct Store {
    pub(super) state: Mutex<State>,
    pub(super) config: EmulatorConfig,
    pub(super) tokens: TokenCodec,
    /// The state file's journal and lock; always locked after `state`, never before.
    persisted: Option<Mutex<Persisted>>,
}

impl Store {
    /// A store set up by `config`, loading its state file when it has one. The state file is
    /// locked against other processes until the store is dropped: when another process holds
    /// it, this waits (saying so on stderr) up to `config.lock_timeout`, then fails naming it.
    pub fn new(config: EmulatorConfig) -> anyhow::Result<Self> {
        let (state, persisted) = match &config.state_file {
            Some(path) => {
                let (state, persisted) = persist::open(path, config.lock_timeout, |holder| {
                    eprintln!(
                        "waiting for the local instance `{}`: it is in use by {holder}",
                        path.display()
                    );
                })?;
                (state, Some(Mutex::new(persisted)))
            }
            None => (State::default(), None),
        };
        Ok(Store {
            state: Mutex::new(state),
            config,
            tokens: TokenCodec::random(),
            persisted,
        })
    }

    /// Folds the journal into the state file, so the file alone holds the whole state (as
    /// after a clean close). The store stays open and keeps its lock.
    pub fn flush(&self) -> anyhow::Result<()> {
        let state = self.lock();
        if let (Some(persisted), Some(path)) = (&self.persisted, &self.config.state_file) {
            lock_persisted(persisted).close(&state).map_err(|err| {
                anyhow::anyhow!("failed to write the state file `{}`: {err}", path.display())
            })?;
        }
        Ok(())
    }

    /// The settings the store was made with.
    pub fn config(&self) -> &EmulatorConfig {
        &self.config
    }

    /// A copy of the whole state (for inspection in tests).
    pub fn snapshot(&self) -> State {
        self.lock().clone()
    }

    pub(super) fn lock(&self) -> MutexGuard<'_, State> {
        // A panic in another request must not take the emulator down; the state is only ever
        // replaced whole, so it is consistent even after one.
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Runs `change`, which reads the state and says what to change; with a state file the
    /// changes are journalled before they are made, so a failed write changes nothing. The
    /// cost does not grow with the number of rules (no copy, no rewrite of the whole state).
    pub(super) fn mutate<T>(
        &self,
        change: impl FnOnce(&State) -> Result<(T, Vec<Change>), ApiError>,
    ) -> Result<T, ApiError> {
        let mut state = self.lock();
        let (answer, changes) = change(&state)?;
        if changes.is_empty() {
            return Ok(answer);
        }
        if let (Some(persisted), Some(path)) = (&self.persisted, &self.config.state_file) {
            lock_persisted(persisted)
                .record(&state, &changes)
                .map_err(|err| {
                    ApiError::internal(format!(
                        "failed to write the state file `{}`: {err}",
                        path.display()
                    ))
                })?;
        }
        for change in changes {
            state.apply(change);
        }
        Ok(answer)
    }

    /// `CreateRule`.
    pub fn create_rule(&self, instance_id: &str, body: &Json) -> Result<CreatedRule, ApiError> {
        check_labels(instance_id, None)?;
        check_body("CreateRuleRequest", body)?;
        let client_token = body.get("ClientToken").and_then(Json::as_str);
        let fingerprint = fingerprint(body);
        let rule_id = new_uuid();
        let rule_arn = format!(
            "arn:aws:connect:{}:{}:instance/{instance_id}/rule/{rule_id}",
            self.config.region, self.config.account_id
        );
        let name = str_member(body, "Name");
        self.mutate(|state| {
            let empty = InstanceState::default();
            let instance = state.instances.get(instance_id).unwrap_or(&empty);
            let now = now_ms();
            let live = |record: &ClientTokenRecord| now - record.used_ms < CLIENT_TOKEN_LIFETIME_MS;
            let expired: Vec<String> = instance
                .client_tokens
                .iter()
                .filter(|(_, record)| !live(record))
                .map(|(token, _)| token.clone())
                .collect();
            let mut changes = Vec::new();
            if !expired.is_empty() {
                changes.push(Change::DropTokens {
                    instance: instance_id.to_owned(),
                    tokens: expired,
                });
            }
            // A retry with the same token answers as the first call did, even if the rule's
            // name is now taken (by that very rule).
            let remembered = client_token
                .and_then(|token| instance.client_tokens.get(token))
                .filter(|record| live(record));
            if let Some(record) = remembered {
                if record.fingerprint == fingerprint {
                    let created = CreatedRule {
                        rule_id: record.rule_id.clone(),
                        rule_arn: record.rule_arn.clone(),
                    };
                    return Ok((created, changes));
                }
                return Err(ApiError::new(
                    ErrorKind::ResourceConflict,
                    format!(
                        "ClientToken {} was already used with different parameters",
                        client_token.unwrap_or_default()
                    ),
                ));
            }
            if instance.rule_named(&name).is_some() {
                return Err(name_taken(&name, instance_id));
            }
            if instance.rules.len() >= self.config.rule_quota {
                return Err(ApiError::new(
                    ErrorKind::ServiceQuotaExceeded,
                    format!(
                        "Instance {instance_id} already has {} rules, the maximum allowed",
                        self.config.rule_quota
                    ),
                ));
            }
            changes.push(Change::PutRule {
                instance: instance_id.to_owned(),
                rule: Box::new(StoredRule {
                    seq: instance.next_seq,
                    rule_id: rule_id.clone(),
                    rule_arn: rule_arn.clone(),
                    name: name.clone(),
                    trigger_event_source: body["TriggerEventSource"].clone(),
                    function: str_member(body, "Function"),
                    actions: body["Actions"].clone(),
                    publish_status: str_member(body, "PublishStatus"),
                    pre_evaluation_filters: present(body, "PreEvaluationFilters"),
                    tags: tag_map(body.get("Tags")),
                    created_ms: now,
                    last_updated_ms: now,
                    last_updated_by: self.last_updated_by(),
                }),
            });
            if let Some(token) = client_token {
                changes.push(Change::PutToken {
                    instance: instance_id.to_owned(),
                    token: token.to_owned(),
                    record: ClientTokenRecord {
                        fingerprint: fingerprint.clone(),
                        rule_id: rule_id.clone(),
                        rule_arn: rule_arn.clone(),
                        used_ms: now,
                    },
                });
            }
            let created = CreatedRule {
                rule_id: rule_id.clone(),
                rule_arn: rule_arn.clone(),
            };
            Ok((created, changes))
        })
    }

    /// `UpdateRule`: replaces the rule's members, keeps its source and tags.
    pub fn update_rule(
        &self,
        instance_id: &str,
        rule_id: &str,
        body: &Json,
    ) -> Result<(), ApiError> {
        check_labels(instance_id, Some(rule_id))?;
        check_body("UpdateRuleRequest", body)?;
        let name = str_member(body, "Name");
        let last_updated_by = self.last_updated_by();
        self.mutate(|state| {
            let instance = state
                .instances
                .get(instance_id)
                .ok_or_else(|| ApiError::rule_not_found(instance_id, rule_id))?;
            let current = instance
                .rule(rule_id)
                .ok_or_else(|| ApiError::rule_not_found(instance_id, rule_id))?;
            if current.name != name {
                let source = current.event_source_name();
                if !enums::is_renamable(source) {
                    return Err(ApiError::invalid_request(format!(
                        "Rule {rule_id} cannot be renamed from {} to {name}: only rules of the event sources {} can be renamed, and this one's is {source}",
                        current.name,
                        enums::RENAMABLE_EVENT_SOURCES.join(", "),
                    )));
                }
                if instance.rule_named(&name).is_some() {
                    return Err(name_taken(&name, instance_id));
                }
            }
            let mut rule = current.clone();
            rule.name = name;
            rule.function = str_member(body, "Function");
            rule.actions = body["Actions"].clone();
            rule.publish_status = str_member(body, "PublishStatus");
            rule.pre_evaluation_filters = present(body, "PreEvaluationFilters");
            // Strictly later than the last change even when both fall in one millisecond, so
            // a reader can always tell that an update happened.
            rule.last_updated_ms = now_ms().max(rule.last_updated_ms + 1);
            rule.last_updated_by = last_updated_by;
            let change = Change::PutRule {
                instance: instance_id.to_owned(),
                rule: Box::new(rule),
            };
            Ok(((), vec![change]))
        })
    }

    /// `DescribeRule`: the `Rule` structure.
    pub fn describe_rule(&self, instance_id: &str, rule_id: &str) -> Result<Json, ApiError> {
        check_labels(instance_id, Some(rule_id))?;
        let state = self.lock();
        state
            .instances
            .get(instance_id)
            .and_then(|instance| instance.rule(rule_id))
            .map(StoredRule::to_describe_json)
            .ok_or_else(|| ApiError::rule_not_found(instance_id, rule_id))
    }

    /// `ListRules`: one page of `RuleSummary` objects, in creation order.
    pub fn list_rules(&self, instance_id: &str, query: &ListRulesQuery) -> Result<Page, ApiError> {
        check_labels(instance_id, None)?;
        let publish_status = query.publish_status.as_deref();
        let event_source_name = query.event_source_name.as_deref();
        let scope = format!(
            "ListRules|{instance_id}|{}|{}",
            publish_status.unwrap_or_default(),
            event_source_name.unwrap_or_default()
        );
        let state = self.lock();
        let empty = InstanceState::default();
        let instance = state.instances.get(instance_id).unwrap_or(&empty);
        let matching = instance
            .rules
            .iter()
            .filter(|rule| publish_status.is_none_or(|status| rule.publish_status == status))
            .filter(|rule| {
                event_source_name.is_none_or(|source| rule.event_source_name() == source)
            });
        self.tokens.page(
            &scope,
            &query.page,
            matching,
            |rule| rule.seq,
            StoredRule::to_summary_json,
        )
    }

    /// `DeleteRule`.
    pub fn delete_rule(&self, instance_id: &str, rule_id: &str) -> Result<(), ApiError> {
        check_labels(instance_id, Some(rule_id))?;
        self.mutate(|state| {
            state
                .instances
                .get(instance_id)
                .and_then(|instance| instance.rule(rule_id))
                .ok_or_else(|| ApiError::rule_not_found(instance_id, rule_id))?;
            let change = Change::DeleteRule {
                instance: instance_id.to_owned(),
                rule_id: rule_id.to_owned(),
            };
            Ok(((), vec![change]))
        })
    }

    pub(super) fn last_updated_by(&self) -> String {
        format!(
            "arn:aws:iam::{}:user/connect-rules-emulator",
            self.config.account_id
        )
    }
}

impl Drop for Store {
    /// A clean close: the journal is folded into the state file, so the file alone holds the
    /// whole state; if that fails, the journal stays and is replayed at the next open.
    fn drop(&mut self) {
        if let Some(persisted) = &mut self.persisted {
            let state = self.state.get_mut().unwrap_or_else(PoisonError::into_inner);
            let _ = persisted
                .get_mut()
                .unwrap_or_else(PoisonError::into_inner)
                .close(state);
        }
    }
}

fn lock_persisted(persisted: &Mutex<Persisted>) -> MutexGuard<'_, Persisted> {
    persisted.lock().unwrap_or_else(PoisonError::into_inner)
}

fn name_taken(name: &str, instance_id: &str) -> ApiError {
    ApiError::new(
        ErrorKind::ResourceConflict,
        format!("A rule named {name} already exists in instance {instance_id}"),
    )
}

fn check_labels(instance_id: &str, rule_id: Option<&str>) -> Result<(), ApiError> {
    let mut failures = Vec::new();
    check_value(
        "InstanceId",
        "instanceId",
        &json!(instance_id),
        &mut failures,
    );
    if let Some(rule_id) = rule_id {
        check_value("RuleId", "ruleId", &json!(rule_id), &mut failures);
    }
    into_result(&failures)
}

/// A string member that validation has already required.
fn str_member(body: &Json, name: &str) -> String {
    body.get(name)
        .and_then(Json::as_str)
        .unwrap_or_default()
        .to_owned()
}

/// A member's value unless absent or null (the service treats both alike).
fn present(body: &Json, name: &str) -> Option<Json> {
    body.get(name).filter(|value| !value.is_null()).cloned()
}

#[cfg(test)]
#[path = "store_tests.rs"]
mod tests;
