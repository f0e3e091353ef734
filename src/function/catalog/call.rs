//! Real-time call analytics.

use super::values::{
    filtered, leaf, Negation, CONTAINS_ANY, EQUALS, ONE_STRING, PARTICIPANT_ROLE, PATTERN_MATCHES,
    PATTERN_MATCH_LANGUAGE, SENTIMENT_STATES, SOME_STRINGS,
};
use super::{DataField, Family, FieldValue, FilterData, FilterSpec, SourceCatalog};

/// `{"Type": "RealTimeCallContactPeriodSeconds", "Data": {"Past": number}}`.
const PAST_SECONDS: FilterSpec = FilterSpec {
    kind: "RealTimeCallContactPeriodSeconds",
    data: FilterData::Fields {
        fields: &[DataField {
            key: "Past",
            value: FieldValue::Number,
        }],
        exactly_one: true,
    },
    required: false,
};

// https://docs.aws.amazon.com/connect/latest/APIReference/OnRealTimeCallAnalysisAvailable.html
// (read in full, as the page's markdown source)
pub static REAL_TIME_CALL: SourceCatalog = SourceCatalog {
    source: "OnRealTimeCallAnalysisAvailable",
    family: Family::Call,
    when: "real-time call analysis is available",
    page: "https://docs.aws.amazon.com/connect/latest/APIReference/OnRealTimeCallAnalysisAvailable.html",
    conditions: &[
        filtered(
            "$.ContactLens.RealTimeCall.ExactMatch.Transcript",
            CONTAINS_ANY,
            SOME_STRINGS,
            &[PARTICIPANT_ROLE],
            // The page's parameter list says false, but its own example rule function
            // (example-rule-function.html) uses this path and explains `Negate: true` as "the
            // word was NOT mentioned"; the post-call and chat pages allow it too.
            Negation::Allowed,
            "the transcript (exact match)",
        ),
        filtered(
            "$.ContactLens.RealTimeCall.PatternMatch.Transcript",
            CONTAINS_ANY,
            PATTERN_MATCHES,
            &[PARTICIPANT_ROLE, PATTERN_MATCH_LANGUAGE],
            Negation::NotAllowed,
            "the transcript (pattern match)",
        ),
        leaf(
            "$.ContactLens.RealTimeCall.Agent.AgentId",
            CONTAINS_ANY,
            SOME_STRINGS,
            Negation::NotAllowed,
            "the agent",
        ),
        leaf(
            "$.ContactLens.RealTimeCall.Queue.QueueId",
            CONTAINS_ANY,
            SOME_STRINGS,
            Negation::Allowed,
            "the queue",
        ),
        leaf(
            "$.ContactLens.RealTimeCall.ContactAttribute.{key}",
            EQUALS,
            ONE_STRING,
            Negation::Allowed,
            "contact attribute {key}",
        ),
        filtered(
            "$.ContactLens.RealTimeCall.Sentiment.State",
            EQUALS,
            SENTIMENT_STATES,
            &[PARTICIPANT_ROLE, PAST_SECONDS],
            Negation::NotAllowed,
            "the sentiment",
        ),
    ],
    compounds: &[],
    rule_filters: &[],
    groups: None,
    complete: true,
};
