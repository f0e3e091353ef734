//! The enum values the service model defines, kept as data.
//!
//! The rule model stores these members as plain strings so that a value from a newer service
//! survives a round trip; validation of files checks them against these lists.

use schemars::{json_schema, Schema, SchemaGenerator};

/// `EventSourceName` values known to this build.
pub const EVENT_SOURCE_NAMES: &[&str] = &[
    "OnPostCallAnalysisAvailable",
    "OnRealTimeCallAnalysisAvailable",
    "OnRealTimeChatAnalysisAvailable",
    "OnPostChatAnalysisAvailable",
    "OnAfterCallWorkAvailable",
    "OnAfterChatWorkAvailable",
    "OnEmailAnalysisAvailable",
    "OnZendeskTicketCreate",
    "OnZendeskTicketStatusUpdate",
    "OnSalesforceCaseCreate",
    "OnContactEvaluationSubmit",
    "OnMetricDataUpdate",
    "OnCaseCreate",
    "OnCaseUpdate",
    "OnSlaBreach",
    "OnAlertUpdate",
    "OnSchedulePublish",
    "OnScheduleUpdate",
    "OnScheduleTimeOffRequestActivity",
];

/// Event sources whose rules UpdateRule may rename.
pub const RENAMABLE_EVENT_SOURCES: &[&str] = &[
    "OnZendeskTicketCreate",
    "OnZendeskTicketStatusUpdate",
    "OnSalesforceCaseCreate",
];

/// Event sources that need `TriggerEventSource.IntegrationAssociationId`.
pub const INTEGRATION_EVENT_SOURCES: &[&str] = RENAMABLE_EVENT_SOURCES;

/// Each `ActionType` with the member of `RuleAction` that carries its definition.
pub const ACTION_DEFINITIONS: &[(&str, &str)] = &[
    ("CREATE_TASK", "TaskAction"),
    ("ASSIGN_CONTACT_CATEGORY", "AssignContactCategoryAction"),
    ("GENERATE_EVENTBRIDGE_EVENT", "EventBridgeAction"),
    ("SEND_NOTIFICATION", "SendNotificationAction"),
    ("CREATE_CASE", "CreateCaseAction"),
    ("UPDATE_CASE", "UpdateCaseAction"),
    ("ASSIGN_SLA", "AssignSlaAction"),
    ("END_ASSOCIATED_TASKS", "EndAssociatedTasksAction"),
    ("END_ASSOCIATED_EMAILS", "EndAssociatedEmailsAction"),
    ("SUBMIT_AUTO_EVALUATION", "SubmitAutoEvaluationAction"),
    ("EXTRACT_INFORMATION", "ExtractInformationAction"),
    ("SEND_IN_APP_NOTIFICATION", "SendInAppNotificationAction"),
];

/// `RulePublishStatus` values.
pub const PUBLISH_STATUSES: &[&str] = &["DRAFT", "PUBLISHED"];

/// The member of `RuleAction` that must carry the definition for `action_type`.
pub fn definition_member(action_type: &str) -> Option<&'static str> {
    ACTION_DEFINITIONS
        .iter()
        .find(|(kind, _)| *kind == action_type)
        .map(|(_, member)| *member)
}

/// Whether UpdateRule may rename a rule of this event source.
pub fn is_renamable(event_source: &str) -> bool {
    RENAMABLE_EVENT_SOURCES.contains(&event_source)
}

fn string_enum(values: &[&str]) -> Schema {
    json_schema!({ "type": "string", "enum": values })
}

pub(crate) fn event_source_schema(_: &mut SchemaGenerator) -> Schema {
    string_enum(EVENT_SOURCE_NAMES)
}

pub(crate) fn action_type_schema(_: &mut SchemaGenerator) -> Schema {
    let kinds: Vec<&str> = ACTION_DEFINITIONS.iter().map(|(kind, _)| *kind).collect();
    string_enum(&kinds)
}

pub(crate) fn publish_status_schema(_: &mut SchemaGenerator) -> Schema {
    string_enum(PUBLISH_STATUSES)
}
