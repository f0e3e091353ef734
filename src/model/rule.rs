//! The rule model: one type serves the YAML files, the emulator's wire bodies and the JSON plan.
//!
//! Member names are spelled exactly as the Connect API spells them. Enum-valued members are
//! strings so that values from a newer service survive a round trip; `validate` checks them.

use std::collections::BTreeMap;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::enums;

/// A rule as the user writes it and as `CreateRule` receives it, without server-owned fields.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "PascalCase")]
#[schemars(deny_unknown_fields, title = "Amazon Connect rule")]
pub struct Rule {
    /// Unique within the instance: 1-200 characters of `0-9 a-z A-Z . _ -`.
    #[schemars(length(min = 1, max = 200), regex(pattern = r"^[0-9a-zA-Z._-]+$"))]
    pub name: String,
    /// The event that makes the service evaluate the rule. Changing it replaces the rule.
    pub trigger_event_source: RuleTriggerEventSource,
    /// The conditions, in the Rules Function language: a JSON document, given as a string or as a
    /// mapping that is kept as JSON.
    #[schemars(schema_with = "function_schema")]
    pub function: String,
    /// What the rule does when its conditions match.
    pub actions: Vec<RuleAction>,
    /// `DRAFT` or `PUBLISHED`.
    #[schemars(schema_with = "enums::publish_status_schema")]
    pub publish_status: String,
    /// Filters evaluated before the rule's function.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pre_evaluation_filters: Option<PreEvaluationFilters>,
    /// Tags on the rule (at most 50). `managed-by: connect-rules` is added by the tool on create.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    #[schemars(length(max = 50))]
    pub tags: BTreeMap<String, String>,
}

/// A string or a mapping, written without `oneOf` so that a validator points at the member that
/// is wrong (`minLength` applies to the string, the rest to the mapping). The schema for each
/// event source narrows the mapping further (`crate::schema`).
fn function_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
    schemars::json_schema!({
        "description": "Rules Function language document ({\"Version\":\"2022-11-25\",\"RuleFunction\":{...}}), as a JSON string or a YAML mapping.",
        "type": ["string", "object"],
        "minLength": 1,
        "required": ["Version", "RuleFunction"],
        "properties": {
            "Version": { "type": "string", "enum": ["2022-11-25"] },
            "RuleFunction": { "type": "object" }
        }
    })
}

/// `RuleTriggerEventSource`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "PascalCase")]
#[schemars(deny_unknown_fields)]
pub struct RuleTriggerEventSource {
    /// The event source, e.g. `OnPostCallAnalysisAvailable`.
    #[schemars(schema_with = "enums::event_source_schema")]
    pub event_source_name: String,
    /// Required for the Zendesk and Salesforce sources.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(length(min = 1, max = 200))]
    pub integration_association_id: Option<String>,
}

/// `RuleAction`: an `ActionType` and the one definition member that matches it.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "PascalCase")]
#[schemars(deny_unknown_fields)]
pub struct RuleAction {
    /// The kind of action; the member carrying its definition must match it.
    #[schemars(schema_with = "enums::action_type_schema")]
    pub action_type: String,
    /// For `CREATE_TASK`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub task_action: Option<TaskActionDefinition>,
    /// For `GENERATE_EVENTBRIDGE_EVENT`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub event_bridge_action: Option<EventBridgeActionDefinition>,
    /// For `ASSIGN_CONTACT_CATEGORY` (an empty mapping).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub assign_contact_category_action: Option<EmptyDefinition>,
    /// For `SEND_NOTIFICATION`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub send_notification_action: Option<SendNotificationActionDefinition>,
    /// For `CREATE_CASE`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub create_case_action: Option<CreateCaseActionDefinition>,
    /// For `UPDATE_CASE`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub update_case_action: Option<UpdateCaseActionDefinition>,
    /// For `ASSIGN_SLA`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub assign_sla_action: Option<AssignSlaActionDefinition>,
    /// For `END_ASSOCIATED_TASKS` (an empty mapping).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub end_associated_tasks_action: Option<EmptyDefinition>,
    /// For `END_ASSOCIATED_EMAILS` (an empty mapping).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub end_associated_emails_action: Option<EmptyDefinition>,
    /// For `SUBMIT_AUTO_EVALUATION`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub submit_auto_evaluation_action: Option<SubmitAutoEvaluationActionDefinition>,
    /// For `EXTRACT_INFORMATION`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub extract_information_action: Option<ExtractInformationActionDefinition>,
    /// For `SEND_IN_APP_NOTIFICATION`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub send_in_app_notification_action: Option<SendInAppNotificationActionDefinition>,
}

/// A definition with no members, written `{}`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[schemars(deny_unknown_fields)]
pub struct EmptyDefinition {}

/// `TaskActionDefinition` (`CREATE_TASK`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "PascalCase")]
#[schemars(deny_unknown_fields)]
pub struct TaskActionDefinition {
    /// Task name, 1-512 characters; may use the service's `$.` expressions.
    #[schemars(length(min = 1, max = 512))]
    pub name: String,
    /// Task description, up to 4096 characters.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(length(max = 4096))]
    pub description: Option<String>,
    /// The flow that runs the task.
    #[schemars(length(max = 500))]
    pub contact_flow_id: String,
    /// References shown on the task, by name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub references: Option<BTreeMap<String, Reference>>,
}

/// `Reference` on a task.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "PascalCase")]
#[schemars(deny_unknown_fields)]
pub struct Reference {
    /// The reference's value, up to 4096 characters.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(length(max = 4096))]
    pub value: Option<String>,
    /// `URL`, `STRING`, `NUMBER`, `DATE`, `EMAIL`, ...
    #[serde(rename = "Type")]
    #[schemars(extend("enum" = ["URL", "ATTACHMENT", "CONTACT_ANALYSIS", "NUMBER", "STRING", "DATE", "EMAIL", "EMAIL_MESSAGE", "EMAIL_MESSAGE_PLAIN_TEXT", "EMAIL_MESSAGE_PLAIN_TEXT_REDACTED", "EMAIL_MESSAGE_REDACTED", "VOICEMAIL_RECORDING", "VOICEMAIL_RECORDING_REDACTED", "VOICEMAIL_ANALYSIS", "VOICEMAIL_ANALYSIS_REDACTED"]))]
    pub reference_type: String,
    /// Reference status.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<String>,
    /// Reference ARN.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub arn: Option<String>,
    /// Why the reference has its status.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status_reason: Option<String>,
}

/// `EventBridgeActionDefinition` (`GENERATE_EVENTBRIDGE_EVENT`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "PascalCase")]
#[schemars(deny_unknown_fields)]
pub struct EventBridgeActionDefinition {
    /// Event name, 1-100 characters.
    #[schemars(length(min = 1, max = 100))]
    pub name: String,
}

/// `SendNotificationActionDefinition` (`SEND_NOTIFICATION`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "PascalCase")]
#[schemars(deny_unknown_fields)]
pub struct SendNotificationActionDefinition {
    /// `EMAIL`.
    #[schemars(extend("enum" = ["EMAIL"]))]
    pub delivery_method: String,
    /// Subject, 1-200 characters.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(length(min = 1, max = 200))]
    pub subject: Option<String>,
    /// Body, 1-1024 characters.
    #[schemars(length(min = 1, max = 1024))]
    pub content: String,
    /// `PLAIN_TEXT`.
    #[schemars(extend("enum" = ["PLAIN_TEXT"]))]
    pub content_type: String,
    /// Who receives it.
    pub recipient: NotificationRecipientType,
    /// Who does not, even when matched by `Recipient`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub exclusion: Option<NotificationRecipientType>,
}

/// `NotificationRecipientType`: users by id or by tag.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "PascalCase")]
#[schemars(deny_unknown_fields)]
pub struct NotificationRecipientType {
    /// Users carrying all of these tags.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user_tags: Option<BTreeMap<String, String>>,
    /// User ids (or ARNs).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user_ids: Option<Vec<String>>,
}

/// `CreateCaseActionDefinition` (`CREATE_CASE`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "PascalCase")]
#[schemars(deny_unknown_fields)]
pub struct CreateCaseActionDefinition {
    /// Case fields to set.
    pub fields: Vec<FieldValue>,
    /// The case template.
    #[schemars(length(min = 1, max = 500))]
    pub template_id: String,
}

/// `UpdateCaseActionDefinition` (`UPDATE_CASE`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "PascalCase")]
#[schemars(deny_unknown_fields)]
pub struct UpdateCaseActionDefinition {
    /// Case fields to set.
    pub fields: Vec<FieldValue>,
}

/// `FieldValue`: a case field id and its value.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "PascalCase")]
#[schemars(deny_unknown_fields)]
pub struct FieldValue {
    /// Field id, 1-500 characters.
    #[schemars(length(min = 1, max = 500))]
    pub id: String,
    /// The value: exactly one of its members.
    pub value: FieldValueUnion,
}

/// `FieldValueUnion`: one of a boolean, a number, an empty value or a string.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "PascalCase")]
#[schemars(deny_unknown_fields)]
pub struct FieldValueUnion {
    /// A boolean value.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub boolean_value: Option<bool>,
    /// A number.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub double_value: Option<f64>,
    /// An empty value, written `{}`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub empty_value: Option<EmptyDefinition>,
    /// A string, up to 500 characters.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(length(max = 500))]
    pub string_value: Option<String>,
}

/// `AssignSlaActionDefinition` (`ASSIGN_SLA`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "PascalCase")]
#[schemars(deny_unknown_fields)]
pub struct AssignSlaActionDefinition {
    /// `CASES`.
    #[schemars(extend("enum" = ["CASES"]))]
    pub sla_assignment_type: String,
    /// The SLA for a case.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub case_sla_configuration: Option<CaseSlaConfiguration>,
}

/// `CaseSlaConfiguration`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "PascalCase")]
#[schemars(deny_unknown_fields)]
pub struct CaseSlaConfiguration {
    /// SLA name, 1-500 characters, not ending in white space.
    #[schemars(length(min = 1, max = 500))]
    pub name: String,
    /// `CaseField`.
    #[serde(rename = "Type")]
    #[schemars(extend("enum" = ["CaseField"]))]
    pub sla_type: String,
    /// The case field the SLA watches.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(length(min = 1, max = 500))]
    pub field_id: Option<String>,
    /// The field value that meets the SLA (at most one).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(length(max = 1))]
    pub target_field_values: Option<Vec<FieldValueUnion>>,
    /// Minutes to meet the SLA, 1-1051200.
    #[schemars(range(min = 1, max = 1_051_200))]
    pub target_sla_minutes: i64,
}

/// `SubmitAutoEvaluationActionDefinition` (`SUBMIT_AUTO_EVALUATION`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "PascalCase")]
#[schemars(deny_unknown_fields)]
pub struct SubmitAutoEvaluationActionDefinition {
    /// The evaluation form to submit, 1-256 characters.
    #[schemars(length(min = 1, max = 256))]
    pub evaluation_form_id: String,
}

/// `ExtractInformationActionDefinition` (`EXTRACT_INFORMATION`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "PascalCase")]
#[schemars(deny_unknown_fields)]
pub struct ExtractInformationActionDefinition {
    /// Extraction definitions to run.
    pub rules_extraction_definitions: Vec<RulesExtractionDefinitionIdentifier>,
}

/// `RulesExtractionDefinitionIdentifier`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "PascalCase")]
#[schemars(deny_unknown_fields)]
pub struct RulesExtractionDefinitionIdentifier {
    /// Definition id, 1-256 characters.
    #[schemars(length(min = 1, max = 256))]
    pub identifier: String,
}

/// `SendInAppNotificationActionDefinition` (`SEND_IN_APP_NOTIFICATION`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "PascalCase")]
#[schemars(deny_unknown_fields)]
pub struct SendInAppNotificationActionDefinition {
    /// Text per locale (`en_US`, `de_DE`, ...), up to 3000 characters each.
    pub content: BTreeMap<String, String>,
    /// Who receives it.
    pub recipient: NotificationRecipientType,
    /// Who does not.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub exclusion: Option<NotificationRecipientType>,
    /// `HIGH` or `LOW`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(extend("enum" = ["HIGH", "LOW"]))]
    pub priority: Option<String>,
}

/// `PreEvaluationFilters`: conditions checked before the rule's function.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "PascalCase")]
#[schemars(deny_unknown_fields)]
pub struct PreEvaluationFilters {
    /// All must hold.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub and_conditions: Option<Vec<PreEvaluationFilter>>,
}

/// `PreEvaluationFilter`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "PascalCase")]
#[schemars(deny_unknown_fields)]
pub struct PreEvaluationFilter {
    /// `CONTACT` or `CONTACT_EVALUATION`.
    #[schemars(extend("enum" = ["CONTACT", "CONTACT_EVALUATION"]))]
    pub resource_type: String,
    /// `TAG`.
    #[schemars(extend("enum" = ["TAG"]))]
    pub filter_type: String,
    /// The tag key.
    pub filter_key: String,
    /// The tag value.
    pub filter_value: String,
    /// `EQUALS`.
    #[schemars(extend("enum" = ["EQUALS"]))]
    pub operator: String,
}

#[cfg(test)]
impl Rule {
    /// A small valid post-call rule named `name`, for tests.
    pub fn test(name: &str) -> Self {
        Rule {
            name: name.to_owned(),
            trigger_event_source: RuleTriggerEventSource {
                event_source_name: "OnPostCallAnalysisAvailable".to_owned(),
                integration_association_id: None,
            },
            function: r#"{"Version":"2022-11-25","RuleFunction":{"Operator":"AND","Operands":[{"Operator":"CONTAINS_ANY","Operands":["refund"],"ComparisonValue":"$.ContactLens.PostCall.ExactMatch.Transcript","Negate":false}]}}"#.to_owned(),
            actions: vec![RuleAction {
                action_type: "ASSIGN_CONTACT_CATEGORY".to_owned(),
                assign_contact_category_action: Some(EmptyDefinition {}),
                ..RuleAction::default()
            }],
            publish_status: "PUBLISHED".to_owned(),
            pre_evaluation_filters: None,
            tags: BTreeMap::new(),
        }
    }

    /// The same rule with a tag.
    #[must_use]
    pub fn tag(mut self, key: &str, value: &str) -> Self {
        self.tags.insert(key.to_owned(), value.to_owned());
        self
    }

    /// The same rule, live, with the given id.
    pub fn live(self, rule_id: &str) -> super::LiveRule {
        super::LiveRule {
            rule_arn: format!("arn:aws:connect:us-east-1:123456789012:instance/i/rule/{rule_id}"),
            rule_id: rule_id.to_owned(),
            rule: self,
            rule_capability_tiers: Vec::new(),
            created_time: 1_700_000_000.0,
            last_updated_time: 1_700_000_100.0,
            last_updated_by: "arn:aws:iam::123456789012:user/someone".to_owned(),
        }
    }
}
