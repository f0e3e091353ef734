//! Post-call analytics.

use super::values::{
    filtered, leaf, part, Negation, AI_AGENT_FILTERS, ANY_INTEGER, AT_LEAST_ONE, CONTAINS_ANY,
    CONTAINS_ANY_OR_EQUALS, DISCONNECT_REASONS, EQUALS, FIRST_OR_LAST_SECONDS, INITIATION_METHODS,
    NUMBER_RANGE, ONE_STRING, PARTICIPANT_ROLE, PATTERN_MATCHES, PATTERN_MATCH_LANGUAGE, PERCENT,
    SENTIMENT_SCORE, SENTIMENT_STATES, SOME_STRINGS, ZERO_OR_MORE,
};
use super::{
    CompoundSpec, ConditionSpec, Family, FilterData, FilterSpec, OperandSpec, SourceCatalog,
};

/// `{"Type": "PostCallContactPeriodSeconds", "Data": {"First": number}}`: "Optional filter
/// type. If omitted, the rule applies to the full contact."
const PERIOD: FilterSpec = FilterSpec {
    kind: "PostCallContactPeriodSeconds",
    data: FIRST_OR_LAST_SECONDS,
    required: false,
};

/// The page gives one `ParticipantRole` filter per condition. AWS's Contact Lens rules library
/// writes two on the post-call exact-match and pattern-match transcript, one `CUSTOMER` and
/// one `AGENT` (General/Voice/Post-Call/Disrespectful-Agent/
/// create-disrespectful-agent-voice-postcall.json), so the role filter may repeat there with
/// another role; the same role twice is still an error.
const BOTH_ROLES: &[&str] = &["ParticipantRole"];

/// The transcript filters: period, then participant role.
const TRANSCRIPT_FILTERS: &[FilterSpec] = &[PERIOD, PARTICIPANT_ROLE];

/// Talk time: "required!!", "only allows one of the object", `'AGENT'` or `'CUSTOMER'`.
const TALKER: FilterSpec = FilterSpec {
    kind: "ParticipantRole",
    data: FilterData::OneOf(&["AGENT", "CUSTOMER"]),
    required: true,
};

/// Loudness: "only one object", `'CUSTOMER'` or `'AGENT'` (the page does not say required).
const LOUD_PARTY: FilterSpec = FilterSpec {
    kind: "ParticipantRole",
    data: FilterData::OneOf(&["CUSTOMER", "AGENT"]),
    required: false,
};

// https://docs.aws.amazon.com/connect/latest/APIReference/OnPostCallAnalysisAvailable.html
// (read in full, as the page's markdown source)
pub static POST_CALL: SourceCatalog = SourceCatalog {
    source: "OnPostCallAnalysisAvailable",
    family: Family::Call,
    when: "post-call analysis is available",
    page:
        "https://docs.aws.amazon.com/connect/latest/APIReference/OnPostCallAnalysisAvailable.html",
    conditions: &[
        leaf(
            "$.ContactLens.PostCall.Agent.HierarchyGroup.ARN",
            CONTAINS_ANY,
            SOME_STRINGS,
            Negation::NotAllowed,
            "the agent hierarchy group",
        ),
        leaf(
            "$.ContactLens.PostCall.Agent.NonTalkTimePct",
            NUMBER_RANGE,
            PERCENT,
            Negation::NotAllowed,
            "the non-talk time percentage",
        ),
        leaf(
            "$.ContactLens.PostCall.Agent.CustomerHoldDurationPct",
            NUMBER_RANGE,
            PERCENT,
            Negation::NotAllowed,
            "the customer hold duration percentage",
        ),
        leaf(
            "$.ContactLens.PostCall.InitiationMethod",
            CONTAINS_ANY,
            INITIATION_METHODS,
            Negation::NotAllowed,
            "the initiation method",
        ),
        leaf(
            "$.ContactLens.PostCall.DisconnectReason",
            CONTAINS_ANY,
            DISCONNECT_REASONS,
            Negation::NotAllowed,
            "the disconnect reason",
        ),
        filtered(
            "$.ContactLens.PostCall.TalkTime.TotalTimeSecs",
            NUMBER_RANGE,
            ANY_INTEGER,
            &[TALKER],
            Negation::NotAllowed,
            "the talk time in seconds",
        ),
        filtered(
            "$.ContactLens.PostCall.Loudness.HighestLoudnessScore",
            NUMBER_RANGE,
            ANY_INTEGER,
            &[LOUD_PARTY],
            Negation::NotAllowed,
            "the highest loudness score in decibels",
        ),
        leaf(
            "$.ContactLens.PostCall.Agent.AfterContactWorkDurationSecs",
            NUMBER_RANGE,
            ZERO_OR_MORE,
            Negation::NotAllowed,
            "the after contact work duration in seconds",
        ),
        leaf(
            "$.ContactLens.PostCall.Agent.RoutingProfile",
            CONTAINS_ANY,
            SOME_STRINGS,
            Negation::NotAllowed,
            "the routing profile",
        ),
        // "A validated enum of possible values"; the page lists none, and `EQUALS` may go
        // with no value, so an empty list is allowed.
        leaf(
            "$.ContactLens.PostCall.PotentialDisconnectIssue",
            CONTAINS_ANY_OR_EQUALS,
            OperandSpec::Strings { min: 0, max: None },
            Negation::NotAllowed,
            "the potential disconnect issue",
        ),
        leaf(
            "$.ContactLens.PostCall.SegmentAttributes.UserDefined.{key}",
            CONTAINS_ANY,
            SOME_STRINGS,
            Negation::Allowed,
            "segment attribute {key}",
        ),
        filtered(
            "$.ContactLens.PostCall.AiAgent.IdWithVersion",
            CONTAINS_ANY,
            SOME_STRINGS,
            AI_AGENT_FILTERS,
            Negation::NotAllowed,
            "the Connect AI agent",
        ),
        // Both roles in one condition: see `BOTH_ROLES`.
        ConditionSpec {
            repeatable_filters: BOTH_ROLES,
            ..filtered(
                "$.ContactLens.PostCall.ExactMatch.Transcript",
                CONTAINS_ANY,
                SOME_STRINGS,
                TRANSCRIPT_FILTERS,
                Negation::Allowed,
                "the transcript (exact match)",
            )
        },
        filtered(
            "$.ContactLens.PostCall.SemanticMatch.Transcript",
            CONTAINS_ANY,
            SOME_STRINGS,
            TRANSCRIPT_FILTERS,
            Negation::Allowed,
            "the transcript (semantic match)",
        ),
        leaf(
            "$.ContactLens.PostCall.SemanticMatch.Phrase",
            EQUALS,
            ONE_STRING,
            Negation::Allowed,
            "the conversation (natural-language match)",
        ),
        ConditionSpec {
            repeatable_filters: BOTH_ROLES,
            ..filtered(
                "$.ContactLens.PostCall.PatternMatch.Transcript",
                CONTAINS_ANY,
                PATTERN_MATCHES,
                &[PERIOD, PARTICIPANT_ROLE, PATTERN_MATCH_LANGUAGE],
                Negation::Allowed,
                "the transcript (pattern match)",
            )
        },
        leaf(
            "$.ContactLens.PostCall.Agent.AgentId",
            CONTAINS_ANY,
            SOME_STRINGS,
            Negation::NotAllowed,
            "the agent",
        ),
        leaf(
            "$.ContactLens.PostCall.Queue.QueueId",
            CONTAINS_ANY,
            SOME_STRINGS,
            Negation::NotAllowed,
            "the queue",
        ),
        // "PostCall no queue condition".
        leaf(
            "$.ContactLens.PostCall.Queue.QueueId",
            EQUALS,
            OperandSpec::Empty,
            Negation::NotAllowed,
            "the queue",
        ),
        leaf(
            "$.ContactLens.PostCall.ContactAttribute.{key}",
            EQUALS,
            ONE_STRING,
            Negation::Allowed,
            "contact attribute {key}",
        ),
        // The page lists only the participant role here. AWS's Contact Lens rules library
        // also filters the post-call sentiment state by period, `{"First": 45}` and
        // `{"Last": 45}` (General/Voice/Post-Call/Sentiment/Sentiment-Negative-Positive/
        // create-sentiment-negative-positive-postcall.json and
        // .../Sentiment-Neg-Last-45s/create-sentiment-voice-postcall.json), so the period
        // filter is accepted, in the shape the transcript conditions give it.
        filtered(
            "$.ContactLens.PostCall.Sentiment.State",
            EQUALS,
            SENTIMENT_STATES,
            &[PARTICIPANT_ROLE, PERIOD],
            Negation::NotAllowed,
            "the sentiment",
        ),
        filtered(
            "$.ContactLens.PostCall.Sentiment.OverallScore",
            NUMBER_RANGE,
            SENTIMENT_SCORE,
            &[PARTICIPANT_ROLE],
            Negation::NotAllowed,
            "the overall sentiment score",
        ),
        part(
            "$.ContactLens.PostCall.Sentiment.Score.Beginning",
            NUMBER_RANGE,
            SENTIMENT_SCORE,
            &[PARTICIPANT_ROLE],
            Negation::NotAllowed,
            "the sentiment score at the beginning",
        ),
        part(
            "$.ContactLens.PostCall.Sentiment.Score.End",
            NUMBER_RANGE,
            SENTIMENT_SCORE,
            &[PARTICIPANT_ROLE],
            Negation::NotAllowed,
            "the sentiment score at the end",
        ),
        leaf(
            "$.ContactLens.PostCall.NonTalkTime.TotalTimeSecs",
            NUMBER_RANGE,
            AT_LEAST_ONE,
            Negation::NotAllowed,
            "the total non-talk time in seconds",
        ),
        leaf(
            "$.ContactLens.PostCall.NonTalkTime.LongestTimeSecs",
            NUMBER_RANGE,
            AT_LEAST_ONE,
            Negation::NotAllowed,
            "the longest non-talk time in seconds",
        ),
        leaf(
            "$.ContactLens.PostCall.Interruptions.Instances",
            NUMBER_RANGE,
            AT_LEAST_ONE,
            Negation::NotAllowed,
            "the number of interruptions",
        ),
        leaf(
            "$.ContactLens.PostCall.Agent.CustomerHoldDurationSecs",
            NUMBER_RANGE,
            AT_LEAST_ONE,
            Negation::NotAllowed,
            "the total hold time in seconds",
        ),
        leaf(
            "$.ContactLens.PostCall.Agent.LongestHoldDurationSecs",
            NUMBER_RANGE,
            AT_LEAST_ONE,
            Negation::NotAllowed,
            "the longest hold time in seconds",
        ),
        leaf(
            "$.ContactLens.PostCall.Agent.NumberOfHolds",
            NUMBER_RANGE,
            AT_LEAST_ONE,
            Negation::NotAllowed,
            "the number of holds",
        ),
        leaf(
            "$.ContactLens.PostCall.Agent.AgentInteractionDurationSecs",
            NUMBER_RANGE,
            AT_LEAST_ONE,
            Negation::NotAllowed,
            "the agent interaction duration in seconds",
        ),
    ],
    compounds: &[CompoundSpec {
        operator: "AND",
        parts: &[
            &["$.ContactLens.PostCall.Sentiment.Score.Beginning"],
            &["$.ContactLens.PostCall.Sentiment.Score.End"],
        ],
        subject: "the sentiment score shift",
    }],
    rule_filters: &[],
    groups: None,
    complete: true,
};
