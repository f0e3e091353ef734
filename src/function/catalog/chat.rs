//! Post-chat analytics.

use super::values::{
    filtered, leaf, part, AI_AGENT_FILTERS, AT_LEAST_ONE, CONTAINS_ANY, DISCONNECT_REASONS, EQUALS,
    FIRST_OR_LAST_SECONDS, INITIATION_METHODS, NUMBER_RANGE, ONE_STRING, PARTICIPANT_ROLE,
    PATTERN_MATCHES, PATTERN_MATCH_LANGUAGE, SENTIMENT_SCORE, SENTIMENT_STATES, SOME_STRINGS,
    ZERO_OR_MORE,
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
            false,
            "the agent hierarchy group",
        ),
        leaf(
            "$.ContactLens.PostChat.InitiationMethod",
            CONTAINS_ANY,
            INITIATION_METHODS,
            false,
            "the initiation method",
        ),
        leaf(
            "$.ContactLens.PostChat.DisconnectReason",
            CONTAINS_ANY,
            DISCONNECT_REASONS,
            false,
            "the disconnect reason",
        ),
        leaf(
            "$.ContactLens.PostChat.Agent.AfterContactWorkDurationSecs",
            NUMBER_RANGE,
            ZERO_OR_MORE,
            false,
            "the after contact work duration in seconds",
        ),
        leaf(
            "$.ContactLens.PostChat.Agent.RoutingProfile",
            CONTAINS_ANY,
            SOME_STRINGS,
            false,
            "the routing profile",
        ),
        // "CONTAINS_ANY where it is matched by a possible operand or EQUALS where the operand
        // has to have no value"; the page lists no enum values.
        leaf(
            "$.ContactLens.PostChat.PotentialDisconnectIssue",
            CONTAINS_ANY,
            SOME_STRINGS,
            false,
            "the potential disconnect issue",
        ),
        leaf(
            "$.ContactLens.PostChat.PotentialDisconnectIssue",
            EQUALS,
            OperandSpec::Empty,
            false,
            "the potential disconnect issue",
        ),
        leaf(
            "$.ContactLens.PostChat.SegmentAttributes.UserDefined.{key}",
            CONTAINS_ANY,
            SOME_STRINGS,
            false,
            "segment attribute {key}",
        ),
        filtered(
            "$.ContactLens.PostChat.AiAgent.IdWithVersion",
            CONTAINS_ANY,
            SOME_STRINGS,
            AI_AGENT_FILTERS,
            false,
            "the Connect AI agent",
        ),
        filtered(
            "$.ContactLens.PostChat.ExactMatch.Transcript",
            CONTAINS_ANY,
            SOME_STRINGS,
            TRANSCRIPT_FILTERS,
            true,
            "the transcript (exact match)",
        ),
        filtered(
            "$.ContactLens.PostChat.SemanticMatch.Transcript",
            CONTAINS_ANY,
            SOME_STRINGS,
            TRANSCRIPT_FILTERS,
            true,
            "the transcript (semantic match)",
        ),
        leaf(
            "$.ContactLens.PostChat.SemanticMatch.Phrase",
            EQUALS,
            ONE_STRING,
            true,
            "the conversation (natural-language match)",
        ),
        filtered(
            "$.ContactLens.PostChat.PatternMatch.Transcript",
            CONTAINS_ANY,
            PATTERN_MATCHES,
            &[PERIOD, PARTICIPANT_ROLE, PATTERN_MATCH_LANGUAGE],
            true,
            "the transcript (pattern match)",
        ),
        leaf(
            "$.ContactLens.PostChat.Agent.AgentId",
            CONTAINS_ANY,
            SOME_STRINGS,
            false,
            "the agent",
        ),
        leaf(
            "$.ContactLens.PostChat.Queue.QueueId",
            CONTAINS_ANY,
            SOME_STRINGS,
            false,
            "the queue",
        ),
        // "PostChat no queue condition".
        leaf(
            "$.ContactLens.PostChat.Queue.QueueId",
            EQUALS,
            OperandSpec::Empty,
            false,
            "the queue",
        ),
        leaf(
            "$.ContactLens.PostChat.ContactAttribute.{key}",
            EQUALS,
            ONE_STRING,
            true,
            "contact attribute {key}",
        ),
        filtered(
            "$.ContactLens.PostChat.Sentiment.State",
            EQUALS,
            SENTIMENT_STATES,
            &[PARTICIPANT_ROLE],
            false,
            "the sentiment",
        ),
        filtered(
            "$.ContactLens.PostChat.Sentiment.OverallScore",
            NUMBER_RANGE,
            SENTIMENT_SCORE,
            &[PARTICIPANT_ROLE],
            false,
            "the overall sentiment score",
        ),
        part(
            "$.ContactLens.PostChat.Sentiment.Score.Beginning",
            NUMBER_RANGE,
            SENTIMENT_SCORE,
            &[PARTICIPANT_ROLE],
            false,
            "the sentiment score at the beginning",
        ),
        part(
            "$.ContactLens.PostChat.Sentiment.Score.End",
            NUMBER_RANGE,
            SENTIMENT_SCORE,
            &[PARTICIPANT_ROLE],
            false,
            "the sentiment score at the end",
        ),
        leaf(
            "$.ContactLens.PostChat.ResponseTime.Agent.FirstResponseTimeSecs",
            NUMBER_RANGE,
            AT_LEAST_ONE,
            false,
            "the agent's first response time in seconds",
        ),
        leaf(
            "$.ContactLens.PostChat.ResponseTime.Agent.AverageTimeSecs",
            NUMBER_RANGE,
            AT_LEAST_ONE,
            false,
            "the agent's average response time in seconds",
        ),
        leaf(
            "$.ContactLens.PostChat.ResponseTime.Agent.LongestTimeSecs",
            NUMBER_RANGE,
            AT_LEAST_ONE,
            false,
            "the agent's longest response time in seconds",
        ),
        leaf(
            "$.ContactLens.PostChat.Agent.AgentInteractionDurationSecs",
            NUMBER_RANGE,
            AT_LEAST_ONE,
            false,
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
