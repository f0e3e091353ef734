//! The handlers of the rule and tag operations: each takes a checked [`Call`], asks the store
//! and shapes the answer's members.

use serde_json::json;

use super::api_error::ApiError;
use super::call::Call;
use super::http::Answer;
use super::store::{ListRulesQuery, Store};

/// Answers one call of an operation.
pub(crate) type Handler = fn(&Store, &Call) -> Result<Answer, ApiError>;

pub(super) fn create_rule(store: &Store, call: &Call) -> Result<Answer, ApiError> {
    let created = store.create_rule(call.label("InstanceId"), &call.body()?)?;
    Ok(Answer::Json(json!({
        "RuleArn": created.rule_arn,
        "RuleId": created.rule_id,
    })))
}

pub(super) fn update_rule(store: &Store, call: &Call) -> Result<Answer, ApiError> {
    store.update_rule(
        call.label("InstanceId"),
        call.label("RuleId"),
        &call.body()?,
    )?;
    Ok(Answer::Empty)
}

pub(super) fn describe_rule(store: &Store, call: &Call) -> Result<Answer, ApiError> {
    let rule = store.describe_rule(call.label("InstanceId"), call.label("RuleId"))?;
    Ok(Answer::Json(json!({ "Rule": rule })))
}

pub(super) fn list_rules(store: &Store, call: &Call) -> Result<Answer, ApiError> {
    let query = ListRulesQuery {
        page: call.page_request(),
        publish_status: call.text("PublishStatus").map(str::to_owned),
        event_source_name: call.text("EventSourceName").map(str::to_owned),
    };
    let page = store.list_rules(call.label("InstanceId"), &query)?;
    Ok(Answer::Json(page.to_json("RuleSummaryList")))
}

pub(super) fn delete_rule(store: &Store, call: &Call) -> Result<Answer, ApiError> {
    store.delete_rule(call.label("InstanceId"), call.label("RuleId"))?;
    Ok(Answer::Empty)
}

pub(super) fn tag_resource(store: &Store, call: &Call) -> Result<Answer, ApiError> {
    store.tag_resource(call.label("resourceArn"), &call.body()?)?;
    Ok(Answer::Empty)
}

pub(super) fn untag_resource(store: &Store, call: &Call) -> Result<Answer, ApiError> {
    store.untag_resource(call.label("resourceArn"), &call.list("tagKeys"))?;
    Ok(Answer::Empty)
}

pub(super) fn list_tags_for_resource(store: &Store, call: &Call) -> Result<Answer, ApiError> {
    let tags = store.list_tags(call.label("resourceArn"))?;
    Ok(Answer::Json(json!({ "tags": tags })))
}
