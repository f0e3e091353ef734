//! Apply: carries out a plan on an instance. Every change is independent (rules are matched
//! by name, and a replace deletes before it creates), so changes run concurrently up to the
//! parallelism; a failure is recorded and the rest go on.
//!
//! Before a change to a live rule, the rule is described afresh and [`guard::refusal`] decides
//! whether it may still go ahead; a refused change is reported as skipped. After a create,
//! the rule the service answered with is described: an answer naming a rule that does not
//! exist (a ClientToken the service remembers from a rule since deleted) is a failure.

pub mod guard;
mod report;
pub mod safety;

use std::collections::BTreeMap;
use std::sync::Arc;

use tokio::sync::watch;
use tokio::task::JoinSet;

use crate::client::{ApiErrorKind, ConnectClient};
use crate::model::ownership::{Ownership, SOURCE_TAG_KEY};
use crate::model::Rule;
use crate::plan::{Change, FieldChange, Plan};

pub use report::{ApplyReport, ChangeAction, Outcome, RuleOutcome};

/// The ClientToken for creating `rule` under `plan_id`: a retried create (even from a second
/// `apply` of the same plan file) never makes a duplicate, and other content (an edited plan,
/// a file changed since) never gets the answer given to the first.
pub fn client_token(plan_id: &str, rule: &Rule) -> String {
    let content = serde_json::to_string(rule).unwrap_or_default();
    crate::digest::sha256_hex(format!("{plan_id}\n{}\n{content}", rule.name).as_bytes())
}

/// Why a change was not started when apply was stopped.
pub const NOT_STARTED: &str = "not started: apply was interrupted";

/// Tells apply to start no new change (SIGINT, SIGTERM); changes in flight finish.
#[derive(Debug, Clone)]
pub struct Stop(watch::Receiver<bool>);

impl Stop {
    /// A stop and the sender that triggers it (send `true`).
    pub fn new() -> (watch::Sender<bool>, Self) {
        let (sender, receiver) = watch::channel(false);
        (sender, Stop(receiver))
    }

    /// A stop that never comes.
    pub fn never() -> Self {
        Stop::new().1
    }

    /// Whether a stop was asked for.
    pub fn requested(&self) -> bool {
        *self.0.borrow()
    }

    /// Waits until a stop is asked for (forever when its sender is gone without asking).
    async fn asked(&mut self) {
        if self.0.wait_for(|stop| *stop).await.is_err() {
            std::future::pending::<()>().await;
        }
    }
}

/// Called after each change, for progress output.
pub type Progress = Arc<dyn Fn(&RuleOutcome) + Send + Sync>;

/// Applies every change of `plan`; never stops at the first failure.
///
/// At most `parallelism` changes are in flight, each task holding its own copy of its change;
/// a task is started only when one finishes, so a plan of thousands of changes is not copied
/// into thousands of waiting tasks.
///
/// Once `stop` is asked for, no change is started: the ones in flight finish, and the rest
/// are reported as skipped ([`NOT_STARTED`]).
pub async fn apply(
    client: &ConnectClient,
    plan: &Plan,
    parallelism: usize,
    ownership: &Ownership,
    mut stop: Stop,
    progress: Progress,
) -> ApplyReport {
    let parallelism = parallelism.max(1);
    let mut tasks = JoinSet::new();
    let mut outcomes = Vec::with_capacity(plan.changes.len());
    for change in &plan.changes {
        while tasks.len() >= parallelism && !stop.requested() {
            tokio::select! {
                row = next_outcome(&mut tasks) => outcomes.extend(row),
                () = stop.asked() => {}
            }
        }
        if stop.requested() {
            outcomes.push(RuleOutcome {
                name: change.name().to_owned(),
                action: ChangeAction::of(change),
                outcome: Outcome::Skipped {
                    reason: NOT_STARTED.to_owned(),
                },
            });
            continue;
        }
        let change = change.clone();
        let client = client.clone();
        let ownership = ownership.clone();
        let token = match &change {
            Change::Create { after, .. } | Change::Replace { after, .. } => {
                client_token(&plan.plan_id, after)
            }
            _ => String::new(),
        };
        let progress = Arc::clone(&progress);
        tasks.spawn(async move {
            let outcome = apply_change(&client, &change, &token, &ownership).await;
            let row = RuleOutcome {
                name: change.name().to_owned(),
                action: ChangeAction::of(&change),
                outcome,
            };
            progress(&row);
            row
        });
    }
    while let Some(row) = next_outcome(&mut tasks).await {
        outcomes.push(row);
    }
    outcomes.sort_by(|a, b| a.name.cmp(&b.name));
    ApplyReport { outcomes }
}

/// The next change to finish, or `None` when none is in flight; a panic in one is re-raised.
async fn next_outcome(tasks: &mut JoinSet<RuleOutcome>) -> Option<RuleOutcome> {
    match tasks.join_next().await? {
        Ok(row) => Some(row),
        Err(err) => std::panic::resume_unwind(err.into_panic()),
    }
}

/// The operation and the service's message, noting when the SDK had already retried.
fn describe_failure(client: &ConnectClient, err: &crate::client::ApiError) -> String {
    let retried = matches!(
        err.kind,
        ApiErrorKind::Throttled | ApiErrorKind::Internal | ApiErrorKind::Transport
    );
    if retried {
        format!(
            "{}: {} (gave up after {} attempts)",
            err.operation,
            err.message,
            client.max_attempts()
        )
    } else {
        format!("{}: {}", err.operation, err.message)
    }
}

/// `create`, `update`, `replace` or `delete`, for messages.
pub fn action_name(change: &Change) -> &'static str {
    ChangeAction::of(change).verb()
}

async fn apply_change(
    client: &ConnectClient,
    change: &Change,
    token: &str,
    ownership: &Ownership,
) -> Outcome {
    let failed = |err: crate::client::ApiError| Outcome::Failed {
        message: describe_failure(client, &err),
    };
    if let Change::Update { before, .. }
    | Change::Replace { before, .. }
    | Change::Delete { before } = change
    {
        // Read afresh, never from the describe cache: the plan may be old, the cache edited,
        // and a tag change in the console does not move LastUpdatedTime.
        let now = match client.describe_rule(&before.rule_id).await {
            Ok(now) => now,
            Err(err) => return failed(err),
        };
        if let Some(reason) = guard::refusal(change, now.as_ref(), ownership) {
            return Outcome::Skipped { reason };
        }
    }
    match change {
        Change::Create { after, .. } => create(client, after, token).await,
        Change::Update {
            before,
            after,
            fields,
            ..
        } => {
            if fields.iter().any(|f| f.field != "Tags") {
                if let Err(err) = client.update_rule(&before.rule_id, after).await {
                    return failed(err);
                }
            }
            if fields.iter().any(|f| f.field == "Tags") {
                if let Err(err) =
                    sync_tags(client, &before.rule_arn, &before.rule.tags, &after.tags).await
                {
                    return failed(err);
                }
            }
            Outcome::Applied
        }
        Change::Replace { before, after, .. } => {
            match client.delete_rule(&before.rule_id).await {
                Ok(()) => {}
                // Already gone (a retried apply): the create below still has to happen.
                Err(err) if err.kind == ApiErrorKind::NotFound => {}
                Err(err) => return failed(err),
            }
            match create(client, after, token).await {
                Outcome::Failed { message } => Outcome::Failed {
                    message: format!(
                        "deleted the old rule, but {message}; re-run apply to create it"
                    ),
                },
                other => other,
            }
        }
        Change::Delete { before } => match client.delete_rule(&before.rule_id).await {
            Ok(()) => Outcome::Applied,
            Err(err) if err.kind == ApiErrorKind::NotFound => Outcome::Applied,
            Err(err) => failed(err),
        },
    }
}

/// CreateRule, then DescribeRule of the id it answered with: success only when that rule
/// exists under the name asked for. A ClientToken the service still remembers (a plan applied
/// again after its rule was deleted) is answered with the old, deleted rule's id.
async fn create(client: &ConnectClient, rule: &Rule, token: &str) -> Outcome {
    /// Describes of the new rule before it counts as missing; the service may take a moment
    /// to show what it just created.
    const LOOKS: u32 = 3;
    let rule_id = match client.create_rule(rule, token).await {
        Ok((_, rule_id)) => rule_id,
        Err(err) => {
            return Outcome::Failed {
                message: describe_failure(client, &err),
            }
        }
    };
    for look in 1..=LOOKS {
        match client.describe_rule(&rule_id).await {
            Ok(Some(created)) if created.rule.name == rule.name && created.rule_id == rule_id => {
                return Outcome::Applied;
            }
            Ok(Some(other)) => {
                return Outcome::Failed {
                    message: format!(
                        "CreateRule answered with RuleId {rule_id}, but that rule is `{}`, not `{}`",
                        other.rule.name, rule.name
                    ),
                };
            }
            Ok(None) if look < LOOKS => {
                tokio::time::sleep(std::time::Duration::from_millis(100 * u64::from(look))).await;
            }
            Ok(None) => break,
            Err(err) => {
                return Outcome::Failed {
                    message: format!(
                        "created RuleId {rule_id}, but could not read it back: {}",
                        describe_failure(client, &err)
                    ),
                };
            }
        }
    }
    Outcome::Failed {
        message: format!(
            "CreateRule answered with RuleId {rule_id}, which does not exist: the service remembered this plan's ClientToken from a rule since deleted; run `connect-rules plan` again (a new plan creates it)"
        ),
    }
}

async fn sync_tags(
    client: &ConnectClient,
    arn: &str,
    live: &BTreeMap<String, String>,
    desired: &BTreeMap<String, String>,
) -> Result<(), crate::client::ApiError> {
    let to_set: BTreeMap<String, String> = desired
        .iter()
        .filter(|(key, value)| live.get(*key) != Some(value))
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect();
    let to_remove: Vec<String> = live
        .keys()
        .filter(|key| !desired.contains_key(*key) && key.as_str() != SOURCE_TAG_KEY)
        .cloned()
        .collect();
    if !to_set.is_empty() {
        client.tag_rule(arn, &to_set).await?;
    }
    if !to_remove.is_empty() {
        client.untag_rule(arn, &to_remove).await?;
    }
    Ok(())
}

/// Whether a field list changes anything UpdateRule carries.
pub fn needs_update_call(fields: &[FieldChange]) -> bool {
    fields.iter().any(|f| f.field != "Tags")
}
