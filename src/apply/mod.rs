//! Apply: carries out a plan on an instance. Every change is independent (rules are matched
//! by name, and a replace deletes before it creates), so changes run concurrently up to the
//! parallelism; a failure is recorded and the rest go on.

mod report;
pub mod safety;

use std::collections::BTreeMap;
use std::sync::Arc;

use tokio::task::JoinSet;

use crate::client::{ApiErrorKind, ConnectClient};
use crate::model::SOURCE_TAG_KEY;
use crate::plan::{Change, FieldChange, Plan};

pub use report::{ApplyReport, Outcome, RuleOutcome};

/// The ClientToken for creating `name` under `plan_id`: a retried create (even from a second
/// `apply` of the same plan file) never makes a duplicate.
pub fn client_token(plan_id: &str, name: &str) -> String {
    crate::digest::sha256_hex(format!("{plan_id}\n{name}").as_bytes())
}

/// Called after each change, for progress output.
pub type Progress = Arc<dyn Fn(&RuleOutcome) + Send + Sync>;

/// Applies every change of `plan`; never stops at the first failure.
///
/// At most `parallelism` changes are in flight, each task holding its own copy of its change;
/// a task is started only when one finishes, so a plan of thousands of changes is not copied
/// into thousands of waiting tasks.
pub async fn apply(
    client: &ConnectClient,
    plan: &Plan,
    parallelism: usize,
    progress: Progress,
) -> ApplyReport {
    let parallelism = parallelism.max(1);
    let mut tasks = JoinSet::new();
    let mut outcomes = Vec::with_capacity(plan.changes.len());
    for change in &plan.changes {
        if tasks.len() >= parallelism {
            outcomes.extend(next_outcome(&mut tasks).await);
        }
        let change = change.clone();
        let client = client.clone();
        let token = client_token(&plan.plan_id, change.name());
        let progress = Arc::clone(&progress);
        tasks.spawn(async move {
            let outcome = apply_change(&client, &change, &token).await;
            let row = RuleOutcome {
                name: change.name().to_owned(),
                action: action_name(&change),
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

/// `create`, `update`, `replace` or `delete`.
pub fn action_name(change: &Change) -> &'static str {
    match change {
        Change::Create { .. } => "create",
        Change::Update { .. } => "update",
        Change::Replace { .. } => "replace",
        Change::Delete { .. } => "delete",
    }
}

async fn apply_change(client: &ConnectClient, change: &Change, token: &str) -> Outcome {
    let failed = |err: crate::client::ApiError| Outcome::Failed {
        message: describe_failure(client, &err),
    };
    match change {
        Change::Create { after, .. } => match client.create_rule(after, token).await {
            Ok(_) => Outcome::Applied,
            Err(err) => failed(err),
        },
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
            match client.create_rule(after, token).await {
                Ok(_) => Outcome::Applied,
                Err(err) => Outcome::Failed {
                    message: format!(
                        "deleted the old rule, but {}; re-run apply to create it",
                        describe_failure(client, &err)
                    ),
                },
            }
        }
        Change::Delete { before } => match client.delete_rule(&before.rule_id).await {
            Ok(()) => Outcome::Applied,
            Err(err) if err.kind == ApiErrorKind::NotFound => Outcome::Applied,
            Err(err) => failed(err),
        },
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
