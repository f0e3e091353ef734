//! The one handler of the eight list operations: the seeded resources of the operation's kind,
//! filtered by the query members the kind declares, one page at a time.

use serde_json::{json, Map, Value as Json};

use crate::emulator::api_error::ApiError;
use crate::emulator::call::Call;
use crate::emulator::config::EmulatorConfig;
use crate::emulator::http::Answer;
use crate::emulator::store::Store;
use crate::service::{model, ShapeKind};

use super::kinds::{self, ResourceKind};
use super::seed::generated;
use super::SeededResource;

/// When seeded resources were made and last changed, unless the seed says: a fixed time
/// (2025-01-01T00:00:00Z), so answers repeat from run to run.
const SEED_TIME: i64 = 1_735_689_600;

/// Answers `ListQueues`, `ListContactFlows`, `ListUsers`, ... for the kind the call's operation
/// lists.
pub(in crate::emulator) fn list(store: &Store, call: &Call) -> Result<Answer, ApiError> {
    let operation = call.binding.operation;
    let kind = kinds::listed_by(operation)
        .ok_or_else(|| ApiError::internal(format!("{operation} lists no kind of resource")))?;
    let instance_id = call.label("InstanceId");
    let filters: Vec<(&str, Vec<String>)> = kind
        .filters
        .iter()
        .map(|(query, member)| (*member, call.values(query)))
        .filter(|(_, values)| !values.is_empty())
        .collect();
    let scope = filters.iter().fold(
        format!("{operation}|{instance_id}"),
        |scope, (member, values)| format!("{scope}|{member}={}", values.join(",")),
    );
    let config = store.config();
    let matching = config
        .resources
        .of(kind)
        .iter()
        .enumerate()
        .filter(|(_, resource)| {
            filters.iter().all(|(member, values)| {
                resource
                    .get(*member)
                    .and_then(Json::as_str)
                    .is_some_and(|value| values.iter().any(|wanted| wanted == value))
            })
        });
    let page = store.tokens.page(
        &scope,
        &call.page_request(),
        matching,
        |(index, _)| *index as u64,
        |(_, resource)| summary(kind, resource, instance_id, config),
    )?;
    let list_member = call.binding.output_list.unwrap_or(kind.summary);
    Ok(Answer::Json(page.to_json(list_member)))
}

/// The summary as the service answers it, members in model order: what the seed gave, plus
/// the ARN, the instance and the required bookkeeping members where the seed left them out.
fn summary(
    kind: &ResourceKind,
    resource: &SeededResource,
    instance_id: &str,
    config: &EmulatorConfig,
) -> Json {
    let mut out = Map::new();
    for member in model().members(kind.summary) {
        let name = member.name.as_str();
        let value = if let Some(given) = resource.get(name) {
            given.clone()
        } else if name == kind.arn {
            let id = resource
                .get(kind.id)
                .and_then(Json::as_str)
                .unwrap_or_default();
            json!(format!(
                "arn:aws:connect:{}:{}:instance/{instance_id}/{}/{id}",
                config.region, config.account_id, kind.arn_resource
            ))
        } else if name == "InstanceId" {
            json!(instance_id)
        } else if is_required(kind, name) && generated(kind, name) {
            match model().shape(&member.shape).kind {
                ShapeKind::Timestamp => json!(SEED_TIME),
                ShapeKind::Integer => json!(1),
                _ => json!(format!(
                    "arn:aws:iam::{}:user/connect-rules-emulator",
                    config.account_id
                )),
            }
        } else {
            continue;
        };
        out.insert(name.to_owned(), value);
    }
    Json::Object(out)
}

fn is_required(kind: &ResourceKind, member: &str) -> bool {
    match &model().shape(kind.summary).kind {
        ShapeKind::Structure { required, .. } => required.iter().any(|r| r == member),
        _ => false,
    }
}
