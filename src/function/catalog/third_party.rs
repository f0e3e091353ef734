//! Third-party integrations: Zendesk tickets and Salesforce cases.
//!
//! Every condition on these pages may be negated ("Negate - true or false").

use super::values::{CONTAINS, EQUALS, EQUALS_OR_CONTAINS, ONE_STRING};
use super::{ConditionSpec, Family, OperandSpec, Placement, SourceCatalog};

/// A negatable condition without filters.
const fn ticket(
    path: &'static str,
    operators: &'static [&'static str],
    operands: OperandSpec,
    subject: &'static str,
) -> ConditionSpec {
    ConditionSpec {
        path,
        operators,
        operands,
        filters: &[],
        negatable: true,
        subject,
        placement: Placement::Anywhere,
        required_one_of: &[],
        repeatable_filters: &[],
        groupings: &[],
    }
}

// https://docs.aws.amazon.com/connect/latest/APIReference/OnZendeskTicketCreate.html
// (read in full, as the page's markdown source)
pub static ZENDESK_TICKET_CREATE: SourceCatalog = SourceCatalog {
    source: "OnZendeskTicketCreate",
    family: Family::ThirdParty,
    when: "a Zendesk ticket is created",
    page: "https://docs.aws.amazon.com/connect/latest/APIReference/OnZendeskTicketCreate.html",
    conditions: &[
        ticket(
            "$.ThirdParty.Zendesk.TicketCreate.Type",
            EQUALS,
            OperandSpec::OneOf {
                values: &["question", "incident", "problem", "task"],
                min: 1,
                max: Some(1),
            },
            "the ticket type",
        ),
        ticket(
            "$.ThirdParty.Zendesk.TicketCreate.Priority",
            EQUALS,
            OperandSpec::OneOf {
                values: &["low", "normal", "high", "urgent"],
                min: 1,
                max: Some(1),
            },
            "the ticket priority",
        ),
        ticket(
            "$.ThirdParty.Zendesk.TicketCreate.Status",
            EQUALS,
            OperandSpec::OneOf {
                values: &["open", "pending", "solved", "close", "hold"],
                min: 1,
                max: Some(1),
            },
            "the ticket status",
        ),
        ticket(
            "$.ThirdParty.Zendesk.TicketCreate.RequesterId",
            EQUALS,
            ONE_STRING,
            "the requester",
        ),
        ticket(
            "$.ThirdParty.Zendesk.TicketCreate.SubmitterId",
            EQUALS,
            ONE_STRING,
            "the submitter",
        ),
        ticket(
            "$.ThirdParty.Zendesk.TicketCreate.AssigneeId",
            EQUALS,
            ONE_STRING,
            "the assignee",
        ),
        ticket(
            "$.ThirdParty.Zendesk.TicketCreate.OrganizationId",
            EQUALS,
            ONE_STRING,
            "the organization",
        ),
        ticket(
            "$.ThirdParty.Zendesk.TicketCreate.BrandId",
            EQUALS,
            ONE_STRING,
            "the brand",
        ),
        ticket(
            "$.ThirdParty.Zendesk.TicketCreate.FormId",
            EQUALS,
            ONE_STRING,
            "the ticket form",
        ),
        ticket(
            "$.ThirdParty.Zendesk.TicketCreate.ExternalId",
            EQUALS,
            ONE_STRING,
            "the external id",
        ),
        ticket(
            "$.ThirdParty.Zendesk.TicketCreate.Channel",
            EQUALS,
            ONE_STRING,
            "the channel",
        ),
        ticket(
            "$.ThirdParty.Zendesk.TicketCreate.Tags",
            CONTAINS,
            ONE_STRING,
            "the ticket tags",
        ),
    ],
    compounds: &[],
    rule_filters: &[],
    groups: None,
    complete: true,
};

// https://docs.aws.amazon.com/connect/latest/APIReference/OnZendeskTicketStatusUpdate.html
// (read in full, as the page's markdown source)
pub static ZENDESK_TICKET_STATUS_UPDATE: SourceCatalog = SourceCatalog {
    source: "OnZendeskTicketStatusUpdate",
    family: Family::ThirdParty,
    when: "a Zendesk ticket's status is updated",
    page:
        "https://docs.aws.amazon.com/connect/latest/APIReference/OnZendeskTicketStatusUpdate.html",
    conditions: &[
        ticket(
            "$.ThirdParty.Zendesk.StatusUpdate.Type",
            EQUALS,
            OperandSpec::OneOf {
                values: &["question", "incident", "problem", "task"],
                min: 1,
                max: Some(1),
            },
            "the ticket type",
        ),
        ticket(
            "$.ThirdParty.Zendesk.StatusUpdate.Priority",
            EQUALS,
            OperandSpec::OneOf {
                values: &["low", "normal", "high", "urgent"],
                min: 1,
                max: Some(1),
            },
            "the ticket priority",
        ),
        ticket(
            "$.ThirdParty.Zendesk.StatusUpdate.Status",
            EQUALS,
            OperandSpec::OneOf {
                values: &["open", "pending", "solved", "close", "hold"],
                min: 1,
                max: Some(1),
            },
            "the ticket status",
        ),
        ticket(
            "$.ThirdParty.Zendesk.StatusUpdate.RequesterId",
            EQUALS,
            ONE_STRING,
            "the requester",
        ),
        ticket(
            "$.ThirdParty.Zendesk.StatusUpdate.SubmitterId",
            EQUALS,
            ONE_STRING,
            "the submitter",
        ),
        ticket(
            "$.ThirdParty.Zendesk.StatusUpdate.AssigneeId",
            EQUALS,
            ONE_STRING,
            "the assignee",
        ),
        ticket(
            "$.ThirdParty.Zendesk.StatusUpdate.OrganizationId",
            EQUALS,
            ONE_STRING,
            "the organization",
        ),
        ticket(
            "$.ThirdParty.Zendesk.StatusUpdate.BrandId",
            EQUALS,
            ONE_STRING,
            "the brand",
        ),
        ticket(
            "$.ThirdParty.Zendesk.StatusUpdate.FormId",
            EQUALS,
            ONE_STRING,
            "the ticket form",
        ),
        ticket(
            "$.ThirdParty.Zendesk.StatusUpdate.ExternalId",
            EQUALS,
            ONE_STRING,
            "the external id",
        ),
        ticket(
            "$.ThirdParty.Zendesk.StatusUpdate.Channel",
            EQUALS,
            ONE_STRING,
            "the channel",
        ),
        ticket(
            "$.ThirdParty.Zendesk.StatusUpdate.Tags",
            CONTAINS,
            ONE_STRING,
            "the ticket tags",
        ),
    ],
    compounds: &[],
    rule_filters: &[],
    groups: None,
    complete: true,
};

// https://docs.aws.amazon.com/connect/latest/APIReference/OnSalesforceCaseCreate.html
// (read in full, as the page's markdown source; some rendered copies give the company
// condition the phone path, the source gives `...CaseCreate.Company`)
pub static SALESFORCE_CASE_CREATE: SourceCatalog = SourceCatalog {
    source: "OnSalesforceCaseCreate",
    family: Family::ThirdParty,
    when: "a Salesforce case is created",
    page: "https://docs.aws.amazon.com/connect/latest/APIReference/OnSalesforceCaseCreate.html",
    conditions: &[
        ticket(
            "$.ThirdParty.Salesforce.CaseCreate.AccountId",
            EQUALS,
            ONE_STRING,
            "the account id",
        ),
        ticket(
            "$.ThirdParty.Salesforce.CaseCreate.Name",
            EQUALS_OR_CONTAINS,
            ONE_STRING,
            "the name",
        ),
        ticket(
            "$.ThirdParty.Salesforce.CaseCreate.Email",
            EQUALS_OR_CONTAINS,
            ONE_STRING,
            "the email",
        ),
        ticket(
            "$.ThirdParty.Salesforce.CaseCreate.Phone",
            EQUALS_OR_CONTAINS,
            ONE_STRING,
            "the phone",
        ),
        ticket(
            "$.ThirdParty.Salesforce.CaseCreate.Company",
            EQUALS_OR_CONTAINS,
            ONE_STRING,
            "the company",
        ),
        ticket(
            "$.ThirdParty.Salesforce.CaseCreate.Type",
            EQUALS,
            ONE_STRING,
            "the case type",
        ),
        ticket(
            "$.ThirdParty.Salesforce.CaseCreate.Reason",
            EQUALS,
            ONE_STRING,
            "the case reason",
        ),
        ticket(
            "$.ThirdParty.Salesforce.CaseCreate.Origin",
            EQUALS,
            ONE_STRING,
            "the case origin",
        ),
        ticket(
            "$.ThirdParty.Salesforce.CaseCreate.Subject",
            EQUALS_OR_CONTAINS,
            ONE_STRING,
            "the case subject",
        ),
        ticket(
            "$.ThirdParty.Salesforce.CaseCreate.Priority",
            EQUALS,
            ONE_STRING,
            "the case priority",
        ),
        ticket(
            "$.ThirdParty.Salesforce.CaseCreate.Description",
            EQUALS_OR_CONTAINS,
            ONE_STRING,
            "the case description",
        ),
        ticket(
            "$.ThirdParty.Salesforce.CaseCreate.CustomAttribute.{key}",
            EQUALS,
            ONE_STRING,
            "custom attribute {key}",
        ),
    ],
    compounds: &[],
    rule_filters: &[],
    groups: None,
    complete: true,
};
