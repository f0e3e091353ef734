//! Post-chat analytics.

use super::values::{
    filtered, leaf, part, Negation, AI_AGENT_FILTERS, AT_LEAST_ONE, CONTAINS_ANY,
    DISCONNECT_REASONS, EQUALS, FIRST_OR_LAST_SECONDS, INITIATION_METHODS, NUMBER_RANGE,
    ONE_STRING, PARTICIPANT_ROLE, PATTERN_MATCHES, PATTERN_MATCH_LANGUAGE, SENTIMENT_SCORE,
    SENTIMENT_STATES, SOME_STRINGS, ZERO_OR_MORE,
};
use super::{CompoundSpec, Family, FilterSpec, OperandSpec, SourceCatalog};

/// `{"Type": "PostChatContactPeriodSeconds", "Data": {"First": number}}`: "Optional filter
/// type. If omitted, the rule applies to the full contact."
const PERIOD: FilterSpec = FilterSpec {
    kind: "PostChatContactPeriodSeconds",
    data: FIRST_OR_LAST_SECONDS,
    required: false,
};

/// The transcript filters: period, then participant role.
const TRANSCRIPT_FILTERS: &[FilterSpec] = &[PERIOD, PARTICIPANT_ROLE];

// https://docs.aws.amazon.com/connect/latest/APIReference/OnPostChatAnalysisAvailable.html
// (read in full, as the page's markdown source)
pub static POST_CHAT: SourceCatalog = SourceCatalog {
    source: "OnPostChatAnalysisAvailable",
    family: Family::Chat,
    when: "post-chat analysis is available",
    page:
        "https://docs.aws.amazon.com/connect/latest/APIReference/OnPostChatAnalysisAvailable.html",
    conditions: &[
        leaf(
            "$.ContactLens.PostChat.Agent.HierarchyGroup.ARN",
            CONTAINS_ANY,
            SOME_STRINGS,
            Negation::NotAllowed,
            "the agent hierarchy group",
        ),
        leaf(
            "$.ContactLens.PostChat.InitiationMethod",
            CONTAINS_ANY,
            INITIATION_METHODS,
            Negation::NotAllowed,
            "the initiation method",
        ),
        leaf(
            "$.ContactLens.PostChat.DisconnectReason",
            CONTAINS_ANY,
            DISCONNECT_REASONS,
            Negation::NotAllowed,
            "the disconnect reason",
        ),
        leaf(
            "$.ContactLens.PostChat.Agent.AfterContactWorkDurationSecs",
            NUMBER_RANGE,
            ZERO_OR_MORE,
            Negation::NotAllowed,
            "the after contact work duration in seconds",
        ),
        leaf(
            "$.ContactLens.PostChat.Agent.RoutingProfile",
            CONTAINS_ANY,
            SOME_STRINGS,
            Negation::NotAllowed,
            "the routing profile",
        ),
        // "CONTAINS_ANY where it is matched by a possible operand or EQUALS where the operand
        // has to have no value"; the page lists no enum values.
        leaf(
            "$.ContactLens.PostChat.PotentialDisconnectIssue",
            CONTAINS_ANY,
            SOME_STRINGS,
            Negation::NotAllowed,
            "the potential disconnect issue",
        ),
        leaf(
            "$.ContactLens.PostChat.PotentialDisconnectIssue",
            EQUALS,
            OperandSpec::Empty,
            Negation::NotAllowed,
            "the potential disconnect issue",
        ),
        leaf(
            "$.ContactLens.PostChat.SegmentAttributes.UserDefined.{key}",
            CONTAINS_ANY,
            SOME_STRINGS,
            Negation::NotAllowed,
            "segment attribute {key}",
        ),
        filtered(
            "$.ContactLens.PostChat.AiAgent.IdWithVersion",
            CONTAINS_ANY,
            SOME_STRINGS,
            AI_AGENT_FILTERS,
            Negation::NotAllowed,
            "the Connect AI agent",
        ),
        filtered(
            "$.ContactLens.PostChat.ExactMatch.Transcript",
            CONTAINS_ANY,
            SOME_STRINGS,
            TRANSCRIPT_FILTERS,
            Negation::Allowed,
            "the transcript (exact match)",
        ),
        filtered(
            "$.ContactLens.PostChat.SemanticMatch.Transcript",
            CONTAINS_ANY,
            SOME_STRINGS,
            TRANSCRIPT_FILTERS,
            Negation::Allowed,
            "the transcript (semantic match)",
        ),
        leaf(
            "$.ContactLens.PostChat.SemanticMatch.Phrase",
            EQUALS,
            ONE_STRING,
            Negation::Allowed,
            "the conversation (natural-language match)",
        ),
        filtered(
            "$.ContactLens.PostChat.PatternMatch.Transcript",
            CONTAINS_ANY,
            PATTERN_MATCHES,
            &[PERIOD, PARTICIPANT_ROLE, PATTERN_MATCH_LANGUAGE],
            Negation::Allowed,
            "the transcript (pattern match)",
        ),
        leaf(
            "$.ContactLens.PostChat.Agent.AgentId",
            CONTAINS_ANY,
            SOME_STRINGS,
            Negation::NotAllowed,
            "the agent",
        ),
        leaf(
            "$.ContactLens.PostChat.Queue.QueueId",
            CONTAINS_ANY,
            SOME_STRINGS,
            Negation::NotAllowed,
            "the queue",
        ),
        // "PostChat no queue condition".
        leaf(
            "$.ContactLens.PostChat.Queue.QueueId",
            EQUALS,
            OperandSpec::Empty,
            Negation::NotAllowed,
            "the queue",
        ),
        leaf(
            "$.ContactLens.PostChat.ContactAttribute.{key}",
            EQUALS,
            ONE_STRING,
            Negation::Allowed,
            "contact attribute {key}",
        ),
        filtered(
            "$.ContactLens.PostChat.Sentiment.State",
            EQUALS,
            SENTIMENT_STATES,
            &[PARTICIPANT_ROLE],
            Negation::NotAllowed,
            "the sentiment",
        ),
        filtered(
            "$.ContactLens.PostChat.Sentiment.OverallScore",
            NUMBER_RANGE,
            SENTIMENT_SCORE,
            &[PARTICIPANT_ROLE],
            Negation::NotAllowed,
            "the overall sentiment score",
        ),
        part(
            "$.ContactLens.PostChat.Sentiment.Score.Beginning",
            NUMBER_RANGE,
            SENTIMENT_SCORE,
            &[PARTICIPANT_ROLE],
            Negation::NotAllowed,
            "the sentiment score at the beginning",
        ),
        part(
            "$.ContactLens.PostChat.Sentiment.Score.End",
            NUMBER_RANGE,
            SENTIMENT_SCORE,
            &[PARTICIPANT_ROLE],
            Negation::NotAllowed,
            "the sentiment score at the end",
        ),
        leaf(
            "$.ContactLens.PostChat.ResponseTime.Agent.FirstResponseTimeSecs",
            NUMBER_RANGE,
            AT_LEAST_ONE,
            Negation::NotAllowed,
            "the agent's first response time in seconds",
        ),
        leaf(
            "$.ContactLens.PostChat.ResponseTime.Agent.AverageTimeSecs",
            NUMBER_RANGE,
            AT_LEAST_ONE,
            Negation::NotAllowed,
            "the agent's average response time in seconds",
        ),
        leaf(
            "$.ContactLens.PostChat.ResponseTime.Agent.LongestTimeSecs",
            NUMBER_RANGE,
            AT_LEAST_ONE,
            Negation::NotAllowed,
            "the agent's longest response time in seconds",
        ),
        leaf(
            "$.ContactLens.PostChat.Agent.AgentInteractionDurationSecs",
            NUMBER_RANGE,
            AT_LEAST_ONE,
            Negation::NotAllowed,
            "the agent interaction duration in seconds",
        ),
    ],
    compounds: &[CompoundSpec {
        operator: "AND",
        parts: &[
            &["$.ContactLens.PostChat.Sentiment.Score.Beginning"],
            &["$.ContactLens.PostChat.Sentiment.Score.End"],
        ],
        subject: "the sentiment score shift",
    }],
    rule_filters: &[],
    groups: None,
    complete: true,
};
