//! Operator lists, enumerations, filters and constructors that several pages repeat word for word.

use super::{ConditionSpec, DataField, FieldValue, FilterData, FilterSpec, OperandSpec, Placement};

pub(super) const CONTAINS_ANY: &[&str] = &["CONTAINS_ANY"];
pub(super) const EQUALS: &[&str] = &["EQUALS"];
pub(super) const CONTAINS: &[&str] = &["CONTAINS"];
pub(super) const EQUALS_OR_CONTAINS: &[&str] = &["EQUALS", "CONTAINS"];
pub(super) const CONTAINS_ANY_OR_EQUALS: &[&str] = &["CONTAINS_ANY", "EQUALS"];
/// `"NumberLessOrEqualTo" | "NumberGreaterOrEqualTo"`.
pub(super) const NUMBER_RANGE: &[&str] = &["NumberLessOrEqualTo", "NumberGreaterOrEqualTo"];

/// One or more strings (IDs, ARNs, words).
pub(super) const SOME_STRINGS: OperandSpec = OperandSpec::Strings { min: 1, max: None };
/// "An array of string, array length can only be 1."
pub(super) const ONE_STRING: OperandSpec = OperandSpec::Strings {
    min: 1,
    max: Some(1),
};
/// "A list of pattern match objects": one or more operands, "each operand is an array of
/// Pattern match objects" (patternmatch-operands.html).
pub(super) const PATTERN_MATCHES: OperandSpec = OperandSpec::Patterns { min: 1, max: None };
/// "An array of number, array length can only be 1. Value is an integer between -5 and 5."
pub(super) const SENTIMENT_SCORE: OperandSpec = OperandSpec::Integers {
    count: 1,
    min: Some(-5),
    max: Some(5),
};
/// "An array of numbers, array length can only be 1. Value is an integer between 0 and 100."
pub(super) const PERCENT: OperandSpec = OperandSpec::Integers {
    count: 1,
    min: Some(0),
    max: Some(100),
};
/// "Value is an integer with minimum value 1."
pub(super) const AT_LEAST_ONE: OperandSpec = OperandSpec::Integers {
    count: 1,
    min: Some(1),
    max: None,
};
/// "A positive integer or zero."
pub(super) const ZERO_OR_MORE: OperandSpec = OperandSpec::Integers {
    count: 1,
    min: Some(0),
    max: None,
};
/// "An integer." (no bound given)
pub(super) const ANY_INTEGER: OperandSpec = OperandSpec::Integers {
    count: 1,
    min: None,
    max: None,
};
/// "An array of number, array length can only be 1." (no bound given)
pub(super) const ANY_NUMBER: OperandSpec = OperandSpec::Numbers {
    count: 1,
    min: f64::NEG_INFINITY,
    max: f64::INFINITY,
};

pub(super) const SENTIMENT_STATES: OperandSpec = OperandSpec::OneOf {
    values: &["POSITIVE", "NEGATIVE", "NEUTRAL"],
    min: 1,
    max: Some(1),
};

/// Initiation methods on the call, chat and evaluation pages.
pub(super) const INITIATION_METHODS: OperandSpec = OperandSpec::OneOf {
    values: &[
        "INBOUND",
        "OUTBOUND",
        "TRANSFER",
        "QUEUE_TRANSFER",
        "CALLBACK",
        "API",
        "DISCONNECT",
    ],
    min: 1,
    max: None,
};

/// Disconnect reasons on the call, chat and evaluation pages.
pub(super) const DISCONNECT_REASONS: OperandSpec = OperandSpec::OneOf {
    values: &[
        "TELECOM_BUSY",
        "TELECOM_NUMBER_INVALID",
        "TELECOM_POTENTIAL_BLOCKING",
        "TELECOM_UNANSWERED",
        "TELECOM_TIMEOUT",
        "TELECOM_ORIGINATOR_CANCEL",
        "TELECOM_PROBLEM",
        "CUSTOMER_NEVER_ARRIVED",
        "THIRD_PARTY_DISCONNECT",
        "CUSTOMER_DISCONNECT",
        "AGENT_DISCONNECT",
        "BARGED",
        "CONTACT_FLOW_DISCONNECT",
        "OTHER",
        "OUTBOUND_DESTINATION_ENDPOINT_ERROR",
        "OUTBOUND_RESOURCE_ERROR",
        "OUTBOUND_ATTEMPT_FAILED",
        "EXPIRED",
        "AGENT_NETWORK_DISCONNECT",
        "CUSTOMER_CONNECTION_NOT_ESTABLISHED",
        "API",
        "IDLE_DISCONNECT",
        "SYSTEM_ERROR",
        "AGENT_COMPLETED",
        "TRANSFERRED",
        "DISCARDED",
    ],
    min: 1,
    max: None,
};

/// `{"Type": "ParticipantRole", "Data": "CUSTOMER" | "AGENT" | "ANY"}`.
pub(super) const PARTICIPANT_ROLE: FilterSpec = FilterSpec {
    kind: "ParticipantRole",
    data: FilterData::OneOf(&["CUSTOMER", "AGENT", "ANY"]),
    required: false,
};

/// `{"Type": "PatternMatchLanguageFilter", "Data": "EN" | "ES" | ...}`.
pub(super) const PATTERN_MATCH_LANGUAGE: FilterSpec = FilterSpec {
    kind: "PatternMatchLanguageFilter",
    data: FilterData::OneOf(&[
        "EN", "ES", "AR", "DE", "FR", "HI", "IT", "PT", "KO", "JA", "ZH",
    ]),
    required: false,
};

/// `{"First": number}` or `{"Last": number}`: "Either First or Last needs to be specified."
pub(super) const FIRST_OR_LAST_SECONDS: FilterData = FilterData::Fields {
    fields: &[
        DataField {
            key: "First",
            value: FieldValue::Number,
        },
        DataField {
            key: "Last",
            value: FieldValue::Number,
        },
    ],
    exactly_one: true,
};

/// The Connect AI agent filters of the post-call and post-chat pages: a required use case and
/// an optional escalated-to-human flag.
pub(super) const AI_AGENT_FILTERS: &[FilterSpec] = &[
    FilterSpec {
        kind: "AiAgentUseCase",
        data: FilterData::Fields {
            fields: &[DataField {
                key: "Value",
                value: FieldValue::OneOf(&["SelfService", "AgentAssistance"]),
            }],
            exactly_one: true,
        },
        required: true,
    },
    FilterSpec {
        kind: "AiAgentEscalatedToHuman",
        data: FilterData::OneOf(&["TRUE", "FALSE"]),
        required: false,
    },
];

/// Whether a condition's `Negate` may be `true`, as its page says ([`ConditionSpec::negatable`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Negation {
    /// `Negate` may be `true` or `false`.
    Allowed,
    /// `Negate` may only be `false`.
    NotAllowed,
}

/// A condition with no filters that may stand anywhere.
pub(super) const fn leaf(
    path: &'static str,
    operators: &'static [&'static str],
    operands: OperandSpec,
    negation: Negation,
    subject: &'static str,
) -> ConditionSpec {
    ConditionSpec {
        path,
        operators,
        operands,
        filters: &[],
        negatable: matches!(negation, Negation::Allowed),
        subject,
        placement: Placement::Anywhere,
        required_one_of: &[],
        repeatable_filters: &[],
        groupings: &[],
    }
}

/// A condition with filters that may stand anywhere.
pub(super) const fn filtered(
    path: &'static str,
    operators: &'static [&'static str],
    operands: OperandSpec,
    filters: &'static [FilterSpec],
    negation: Negation,
    subject: &'static str,
) -> ConditionSpec {
    ConditionSpec {
        filters,
        ..leaf(path, operators, operands, negation, subject)
    }
}

/// A condition that only appears as a part of a compound.
pub(super) const fn part(
    path: &'static str,
    operators: &'static [&'static str],
    operands: OperandSpec,
    filters: &'static [FilterSpec],
    negation: Negation,
    subject: &'static str,
) -> ConditionSpec {
    ConditionSpec {
        placement: Placement::CompoundOnly,
        ..filtered(path, operators, operands, filters, negation, subject)
    }
}
