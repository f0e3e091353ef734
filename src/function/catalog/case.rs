//! Amazon Connect Cases.

use super::values::{
    leaf, Negation, CONTAINS_ANY, EQUALS, EQUALS_OR_CONTAINS, NUMBER_RANGE, ONE_STRING,
    SOME_STRINGS,
};
use super::{ConditionSpec, Family, OperandSpec, SourceCatalog};

/// "An array of strings in which the array length can only be 1. The value is interpreted as a
/// numeric value", e.g. `"2023-11-11T11:11:11.111111Z"`.
const DATE_TIME: OperandSpec = OperandSpec::DateTimes { count: 1 };

/// The conditions at the top of both case pages, in the page's order.
const ASSIGNED_QUEUE: ConditionSpec = leaf(
    "$.Case.Fields.assigned_queue",
    CONTAINS_ANY,
    SOME_STRINGS,
    Negation::NotAllowed,
    "the assigned queue",
);
const ASSIGNED_USER: ConditionSpec = leaf(
    "$.Case.Fields.assigned_user",
    CONTAINS_ANY,
    SOME_STRINGS,
    Negation::NotAllowed,
    "the assigned user",
);
const CASE_REASON: ConditionSpec = leaf(
    "$.Case.Fields.case_reason",
    EQUALS,
    ONE_STRING,
    Negation::Allowed,
    "the case reason",
);
const STATUS: ConditionSpec = leaf(
    "$.Case.Fields.status",
    EQUALS,
    ONE_STRING,
    Negation::NotAllowed,
    "the case status",
);
// The page writes the operators with curly quotes: “CONTAINS” | “EQUALS”.
const SUMMARY: ConditionSpec = leaf(
    "$.Case.Fields.summary",
    EQUALS_OR_CONTAINS,
    ONE_STRING,
    Negation::NotAllowed,
    "the case summary",
);

/// "Case template condition": "Operands – A list of template ids", "Negate - true/false".
/// Transcribed from OnCaseUpdate.html, whose section carries the anchor
/// `OnCaseCreate-ctcu-condition`; the service's release note of 2025-04-17 adds
/// "'$.Case.TemplateId' comparison value for 'OnCaseCreate' and 'OnCaseUpdate' event sources".
const TEMPLATE: ConditionSpec = leaf(
    "$.Case.TemplateId",
    CONTAINS_ANY,
    SOME_STRINGS,
    Negation::Allowed,
    "the case template",
);

// https://docs.aws.amazon.com/connect/latest/APIReference/OnCaseCreate.html
// Only the first part of this page could be read (through the case summary condition); the
// template condition is added from the sources named on `TEMPLATE`. What else the page may
// list after the summary is unknown, so the table stays marked incomplete: another case path
// is a warning here, not an error.
pub static CASE_CREATE: SourceCatalog = SourceCatalog {
    source: "OnCaseCreate",
    family: Family::Case,
    when: "a case is created",
    page: "https://docs.aws.amazon.com/connect/latest/APIReference/OnCaseCreate.html",
    conditions: &[
        ASSIGNED_QUEUE,
        ASSIGNED_USER,
        CASE_REASON,
        STATUS,
        SUMMARY,
        TEMPLATE,
    ],
    compounds: &[],
    rule_filters: &[],
    groups: None,
    complete: false,
};

// https://docs.aws.amazon.com/connect/latest/APIReference/OnCaseUpdate.html
// (read in full, as the page's markdown source)
pub static CASE_UPDATE: SourceCatalog = SourceCatalog {
    source: "OnCaseUpdate",
    family: Family::Case,
    when: "a case is updated",
    page: "https://docs.aws.amazon.com/connect/latest/APIReference/OnCaseUpdate.html",
    conditions: &[
        ASSIGNED_QUEUE,
        ASSIGNED_USER,
        CASE_REASON,
        STATUS,
        SUMMARY,
        leaf(
            "$.Case.Fields.last_closed_datetime",
            NUMBER_RANGE,
            DATE_TIME,
            Negation::NotAllowed,
            "the date and time the case was last closed",
        ),
        leaf(
            "$.Case.Fields.last_updated_datetime",
            NUMBER_RANGE,
            DATE_TIME,
            Negation::NotAllowed,
            "the date and time the case was last updated",
        ),
        leaf(
            "$.Case.Fields.created_datetime",
            NUMBER_RANGE,
            DATE_TIME,
            Negation::Allowed,
            "the date and time the case was opened",
        ),
        // "Negate - true" on the page (its example has false).
        leaf(
            "$.Case.Fields.reference_number",
            EQUALS_OR_CONTAINS,
            ONE_STRING,
            Negation::Allowed,
            "the case reference number",
        ),
        // "Case customer fields condition": the page writes `$.Case.Fields.custom_case_field_id`.
        leaf(
            "$.Case.Fields.{field_id}",
            EQUALS_OR_CONTAINS,
            ONE_STRING,
            Negation::Allowed,
            "case field {field_id}",
        ),
        TEMPLATE,
    ],
    compounds: &[],
    rule_filters: &[],
    groups: None,
    complete: true,
};

// https://docs.aws.amazon.com/connect/latest/APIReference/OnSlaBreach.html
// (read in full: the page has this one condition)
pub static SLA_BREACH: SourceCatalog = SourceCatalog {
    source: "OnSlaBreach",
    family: Family::Sla,
    when: "a case SLA is breached",
    page: "https://docs.aws.amazon.com/connect/latest/APIReference/OnSlaBreach.html",
    conditions: &[
        // "Cases SLA name condition": "Operands – A list of SLA names", "Negate - false".
        leaf(
            "$.RelatedItem.SlaConfiguration.Name",
            CONTAINS_ANY,
            SOME_STRINGS,
            Negation::NotAllowed,
            "the SLA name",
        ),
    ],
    compounds: &[],
    rule_filters: &[],
    groups: None,
    complete: true,
};
