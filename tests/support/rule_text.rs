//! The rule builder: the text of a rule file, with a valid default for every part, so a test
//! names only what it is about. `RuleText::new("x").build()` is a published post-call rule
//! that flags "refund" and assigns a category.

use std::fmt::Write as _;

/// The default event source.
pub const POST_CALL: &str = "OnPostCallAnalysisAvailable";

/// The transcript path of post-call analysis.
pub const POST_CALL_TRANSCRIPT: &str = "$.ContactLens.PostCall.ExactMatch.Transcript";

/// The default condition (CONTAINS_ANY [refund] on the post-call transcript) as the API
/// carries a `Function`: JSON text.
pub const REFUND_FUNCTION_JSON: &str = r#"{"Version":"2022-11-25","RuleFunction":{"Operator":"AND","Operands":[{"Operator":"CONTAINS_ANY","Operands":["refund"],"ComparisonValue":"$.ContactLens.PostCall.ExactMatch.Transcript","Negate":false}]}}"#;

/// One ASSIGN_CONTACT_CATEGORY action, as a YAML list item under `Actions:`.
pub const CATEGORY_ACTION: &str =
    "  - ActionType: ASSIGN_CONTACT_CATEGORY\n    AssignContactCategoryAction: {}\n";

/// The event sources whose rules name an integration association.
pub const THIRD_PARTY_SOURCES: [&str; 3] = [
    "OnZendeskTicketCreate",
    "OnZendeskTicketStatusUpdate",
    "OnSalesforceCaseCreate",
];

/// The `IntegrationAssociationId` line (with its leading newline) a rule on `source` needs
/// after `EventSourceName`, or nothing.
pub fn integration_line(source: &str) -> &'static str {
    if THIRD_PARTY_SOURCES.contains(&source) {
        "\n  IntegrationAssociationId: integration-1"
    } else {
        ""
    }
}

/// Every action type, each with its definition, as list items under `Actions:`.
const ALL_ACTIONS: &str = r#"
  - ActionType: CREATE_TASK
    TaskAction:
      Name: Follow up
      Description: DESCRIPTION
      ContactFlowId: flow-1
      References:
        Ticket: {Type: URL, Value: "https://example.com/t/1"}
        Count: {Type: NUMBER, Value: "3"}
  - ActionType: ASSIGN_CONTACT_CATEGORY
    AssignContactCategoryAction: {}
  - ActionType: GENERATE_EVENTBRIDGE_EVENT
    EventBridgeAction: {Name: something-happened}
  - ActionType: SEND_NOTIFICATION
    SendNotificationAction:
      DeliveryMethod: EMAIL
      Subject: Heads up
      Content: Something happened.
      ContentType: PLAIN_TEXT
      Recipient: {UserIds: [user-1, user-2]}
      Exclusion: {UserTags: {team: interns}}
  - ActionType: CREATE_CASE
    CreateCaseAction:
      TemplateId: template-1
      Fields:
        - {Id: title, Value: {StringValue: From a rule}}
        - {Id: urgent, Value: {BooleanValue: false}}
        - {Id: score, Value: {DoubleValue: 4.5}}
        - {Id: notes, Value: {EmptyValue: {}}}
  - ActionType: UPDATE_CASE
    UpdateCaseAction:
      Fields:
        - {Id: status, Value: {StringValue: escalated}}
  - ActionType: ASSIGN_SLA
    AssignSlaAction:
      SlaAssignmentType: CASES
      CaseSlaConfiguration:
        Name: first response
        Type: CaseField
        FieldId: status
        TargetFieldValues: [{StringValue: responded}]
        TargetSlaMinutes: 240
  - ActionType: END_ASSOCIATED_TASKS
    EndAssociatedTasksAction: {}
  - ActionType: END_ASSOCIATED_EMAILS
    EndAssociatedEmailsAction: {}
  - ActionType: SUBMIT_AUTO_EVALUATION
    SubmitAutoEvaluationAction: {EvaluationFormId: form-1}
  - ActionType: EXTRACT_INFORMATION
    ExtractInformationAction:
      RulesExtractionDefinitions: [{Identifier: extraction-1}]
  - ActionType: SEND_IN_APP_NOTIFICATION
    SendInAppNotificationAction:
      Content: {en_US: Hello, de_DE: Hallo}
      Recipient: {UserTags: {role: supervisor}}
      Priority: LOW
"#;

/// [`ALL_ACTIONS`] with `description` as the task's description.
pub fn all_actions(description: &str) -> String {
    ALL_ACTIONS.replace("DESCRIPTION", description)
}

/// A `Function` mapping (lines indented by two, for under `Function:`) whose `RuleFunction`
/// joins `operands` (YAML list items indented for `Operands:`) with `operator`.
pub fn function_of(operator: &str, operands: &str) -> String {
    format!("  Version: \"2022-11-25\"\n  RuleFunction:\n    Operator: {operator}\n    Operands:\n{operands}")
}

/// [`function_of`] with AND.
pub fn all_of(conditions: &str) -> String {
    function_of("AND", conditions)
}

/// A CONTAINS_ANY condition on `path` for `words`, in block style with `Negate: false`.
pub fn contains_any(words: &str, path: &str) -> String {
    format!("      - Operator: CONTAINS_ANY\n        Operands: [{words}]\n        ComparisonValue: {path}\n        Negate: false\n")
}

/// The text of one rule file.
#[derive(Debug, Clone)]
pub struct RuleText {
    comment: Option<String>,
    name: String,
    source: String,
    integration: Option<String>,
    /// What follows `Function:` on its line: a newline and a mapping, or ` '<json>'` and one.
    function: String,
    status: String,
    actions: String,
    tags: Vec<(String, String)>,
}

impl RuleText {
    /// Rule `name`: post-call, CONTAINS_ANY [refund] on the transcript (flow style), published,
    /// one category action, no tags.
    pub fn new(name: &str) -> Self {
        RuleText {
            comment: None,
            name: name.to_owned(),
            source: POST_CALL.to_owned(),
            integration: None,
            function: format!(
                "\n{}",
                all_of(&format!(
                    "      - {{Operator: CONTAINS_ANY, Operands: [refund], ComparisonValue: {POST_CALL_TRANSCRIPT}}}\n"
                ))
            ),
            status: "PUBLISHED".to_owned(),
            actions: CATEGORY_ACTION.to_owned(),
            tags: Vec::new(),
        }
    }

    /// A `# ...` line above `Name:`.
    pub fn comment(mut self, text: &str) -> Self {
        self.comment = Some(text.to_owned());
        self
    }

    pub fn source(mut self, source: &str) -> Self {
        source.clone_into(&mut self.source);
        self
    }

    /// `IntegrationAssociationId` under `TriggerEventSource` (third-party sources need one).
    pub fn integration(mut self, id: &str) -> Self {
        self.integration = Some(id.to_owned());
        self
    }

    /// `Function` as a YAML mapping: `mapping` is its lines, indented by two (see [`all_of`]).
    pub fn function(mut self, mapping: &str) -> Self {
        self.function = format!("\n{mapping}");
        self
    }

    /// `Function` as a JSON string, as the API carries it.
    pub fn function_json(mut self, json: &str) -> Self {
        self.function = format!(" '{}'\n", json.replace('\'', "''"));
        self
    }

    /// `PUBLISHED` or `DRAFT`.
    pub fn status(mut self, status: &str) -> Self {
        status.clone_into(&mut self.status);
        self
    }

    /// The list items under `Actions:` (indented by two, see [`CATEGORY_ACTION`]).
    pub fn actions(mut self, items: &str) -> Self {
        items.clone_into(&mut self.actions);
        self
    }

    /// One more tag, in the order given.
    pub fn tag(mut self, key: &str, value: &str) -> Self {
        self.tags.push((key.to_owned(), value.to_owned()));
        self
    }

    /// The file's text.
    pub fn build(&self) -> String {
        let mut text = String::new();
        if let Some(comment) = &self.comment {
            let _ = writeln!(text, "# {comment}");
        }
        let _ = write!(
            text,
            "Name: {}\nTriggerEventSource:\n  EventSourceName: {}\n",
            self.name, self.source
        );
        if let Some(id) = &self.integration {
            let _ = writeln!(text, "  IntegrationAssociationId: {id}");
        }
        let _ = write!(
            text,
            "Function:{}PublishStatus: {}\nActions:\n{}",
            self.function, self.status, self.actions
        );
        if !self.tags.is_empty() {
            text.push_str("Tags:\n");
            for (key, value) in &self.tags {
                let _ = writeln!(text, "  {key}: {value}");
            }
        }
        text
    }
}
