//! Email analytics.

use super::values::{
    leaf, Negation, AT_LEAST_ONE, CONTAINS_ANY, EQUALS, NUMBER_RANGE, ONE_STRING, SOME_STRINGS,
    ZERO_OR_MORE,
};
use super::{Family, OperandSpec, SourceCatalog};

// https://docs.aws.amazon.com/connect/latest/APIReference/OnEmailAnalysisAvailable.html
// (read in full, as the page's markdown source)
pub static EMAIL: SourceCatalog = SourceCatalog {
    source: "OnEmailAnalysisAvailable",
    family: Family::Email,
    when: "email analysis is available",
    page: "https://docs.aws.amazon.com/connect/latest/APIReference/OnEmailAnalysisAvailable.html",
    conditions: &[
        leaf(
            "$.ContactLens.Email.Agent.HierarchyGroup.ARN",
            CONTAINS_ANY,
            SOME_STRINGS,
            Negation::NotAllowed,
            "the agent hierarchy group",
        ),
        leaf(
            "$.ContactLens.Email.InitiationMethod",
            CONTAINS_ANY,
            OperandSpec::OneOf {
                values: &["INBOUND", "OUTBOUND", "AGENT_REPLY", "FLOW"],
                min: 1,
                max: None,
            },
            Negation::NotAllowed,
            "the initiation method",
        ),
        leaf(
            "$.ContactLens.Email.DisconnectReason",
            CONTAINS_ANY,
            OperandSpec::OneOf {
                values: &[
                    "AGENT_DISCONNECT",
                    "CONTACT_FLOW_DISCONNECT",
                    "EXPIRED",
                    "DISCARDED",
                    "OTHER",
                    "API",
                    "TRANSFERRED",
                ],
                min: 1,
                max: None,
            },
            Negation::NotAllowed,
            "the disconnect reason",
        ),
        leaf(
            "$.ContactLens.Email.Agent.AfterContactWorkDurationSecs",
            NUMBER_RANGE,
            ZERO_OR_MORE,
            Negation::NotAllowed,
            "the after contact work duration in seconds",
        ),
        leaf(
            "$.ContactLens.Email.Agent.RoutingProfile",
            CONTAINS_ANY,
            SOME_STRINGS,
            Negation::NotAllowed,
            "the routing profile",
        ),
        leaf(
            "$.ContactLens.Email.SegmentAttributes.UserDefined.{key}",
            CONTAINS_ANY,
            SOME_STRINGS,
            Negation::Allowed,
            "segment attribute {key}",
        ),
        leaf(
            "$.ContactLens.Email.Agent.AgentId",
            CONTAINS_ANY,
            SOME_STRINGS,
            Negation::NotAllowed,
            "the agent",
        ),
        leaf(
            "$.ContactLens.Email.Queue.QueueId",
            CONTAINS_ANY,
            SOME_STRINGS,
            Negation::NotAllowed,
            "the queue",
        ),
        // "Email no queue condition".
        leaf(
            "$.ContactLens.Email.Queue.QueueId",
            EQUALS,
            OperandSpec::Empty,
            Negation::NotAllowed,
            "the queue",
        ),
        leaf(
            "$.ContactLens.Email.ContactAttribute.{key}",
            EQUALS,
            ONE_STRING,
            Negation::Allowed,
            "contact attribute {key}",
        ),
        leaf(
            "$.ContactLens.Email.Agent.AgentInteractionDurationSecs",
            NUMBER_RANGE,
            AT_LEAST_ONE,
            Negation::NotAllowed,
            "the agent interaction duration in seconds",
        ),
    ],
    compounds: &[],
    rule_filters: &[],
    groups: None,
    complete: true,
};
