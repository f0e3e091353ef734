//! Metric data updates: conditions on `$.MetricData.<METRIC>`, each with its filters, standing
//! in up to two metric groups, under a rule-level grouping.
//!
//! Transcribed from <https://docs.aws.amazon.com/connect/latest/APIReference/OnMetricDataUpdate.html>
//! (read in full, as the page's markdown source). The page contradicts itself in places; where
//! it does, both forms are accepted and the entry says so:
//! - the trailing-window filter is `MetricDataPeriodSeconds` under "Required filters" but
//!   `MetricDataDurationSeconds` in every metric's section and every full example;
//! - the agent activity window is `AgentActivityDurationSeconds` in its heading and in the
//!   `AGENT_ACTIVITY` section, `AgentActvityDurationSeconds` (sic) in its JSON snippet, and
//!   `MetricDataDurationSeconds` in "Example 2";
//! - "Exactly one of the below [end dimension] filters is required", yet the flow examples
//!   carry both `MetricDataFilterByFlow` and `MetricDataFilterByFlowOutcomeType`: at least one
//!   is required, and more are accepted;
//! - `AVG_HANDLE_TIME` and `AGENT_OCCUPANCY` name `MetricDataFilterByAgentLevelX`, which is
//!   the `MetricDataFilterByAgentHierarchyLevelX` family under another name: the hierarchy
//!   filters are accepted.
//!
//! Not checked here (the page states them, the checker does not yet): that the conditions of
//! one group share the same window and end-dimension filter, that the historical metrics are
//! not mixed with others in one group, and that windows are under 86400 seconds.

use super::values::{EQUALS, NUMBER_RANGE, ONE_STRING};
use super::{
    ConditionSpec, DataField, Family, FieldValue, FilterData, FilterSpec, GroupLimits, OperandSpec,
    Placement, SourceCatalog,
};

/// "Operands: [900]": one number; the page gives no bound.
const THRESHOLD: OperandSpec = OperandSpec::Numbers {
    count: 1,
    min: f64::NEG_INFINITY,
    max: f64::INFINITY,
};

/// `{"Past": 300}`.
const PAST: FilterData = FilterData::Fields {
    fields: &[DataField {
        key: "Past",
        value: FieldValue::Number,
    }],
    exactly_one: true,
};

const fn window(kind: &'static str) -> FilterSpec {
    FilterSpec {
        kind,
        data: PAST,
        required: false,
    }
}

/// "Provide the list of ... IDs in MetricCondition. Up to 25 values can be provided."
const fn ids(kind: &'static str) -> FilterSpec {
    FilterSpec {
        kind,
        data: FilterData::List {
            values: &[],
            min: 1,
            max: Some(25),
        },
        required: false,
    }
}

/// "Provide the Agent Hierarchy ID in the filter": "One array element only".
const fn hierarchy(kind: &'static str) -> FilterSpec {
    FilterSpec {
        kind,
        data: FilterData::List {
            values: &[],
            min: 1,
            max: Some(1),
        },
        required: false,
    }
}

const DURATION: FilterSpec = window("MetricDataDurationSeconds");
const PERIOD: FilterSpec = window("MetricDataPeriodSeconds");
const AGENT_ACTIVITY_DURATION: FilterSpec = window("AgentActivityDurationSeconds");
const AGENT_ACTIVITY_DURATION_SIC: FilterSpec = window("AgentActvityDurationSeconds");

/// `SERVICE_LEVEL`'s threshold: `{"Comparison": "LT", "ThresholdValue": 300}`, "Comparison ==
/// "LT" only".
const THRESHOLD_SECONDS: FilterSpec = FilterSpec {
    kind: "MetricDataThresholdSeconds",
    data: FilterData::Fields {
        fields: &[
            DataField {
                key: "Comparison",
                value: FieldValue::OneOf(&["LT"]),
            },
            DataField {
                key: "ThresholdValue",
                value: FieldValue::Number,
            },
        ],
        exactly_one: false,
    },
    required: true,
};

const BY_AGENT: FilterSpec = ids("MetricDataFilterByAgent");
const BY_QUEUE: FilterSpec = ids("MetricDataFilterByQueue");
const BY_ROUTING_PROFILE: FilterSpec = ids("MetricDataFilterByRoutingProfile");
const BY_FLOW: FilterSpec = ids("MetricDataFilterByFlow");
const BY_FLOW_MODULE: FilterSpec = ids("MetricDataFilterByFlowModule");
const BY_LEVEL_ONE: FilterSpec = hierarchy("MetricDataFilterByAgentHierarchyLevelOne");
const BY_LEVEL_TWO: FilterSpec = hierarchy("MetricDataFilterByAgentHierarchyLevelTwo");
const BY_LEVEL_THREE: FilterSpec = hierarchy("MetricDataFilterByAgentHierarchyLevelThree");
const BY_LEVEL_FOUR: FilterSpec = hierarchy("MetricDataFilterByAgentHierarchyLevelFour");
const BY_LEVEL_FIVE: FilterSpec = hierarchy("MetricDataFilterByAgentHierarchyLevelFive");

/// "Multiple values can be provided."
const BY_FLOW_OUTCOME: FilterSpec = FilterSpec {
    kind: "MetricDataFilterByFlowOutcomeType",
    data: FilterData::List {
        values: &[
            "DROPPED",
            "DISCONNECTED_PARTICIPANT",
            "ENDED_FLOW_EXECUTION",
            "TRANSFERRED_TO_QUEUE",
            "TRANSFERRED_TO_AGENT",
            "TRANSFERRED_TO_FLOW",
            "TRANSFERRED_TO_PHONE_NUMBER",
            "RETURNED_TO_FLOW",
        ],
        min: 1,
        max: None,
    },
    required: false,
};

/// "Optional filter ... supported in MetricCondition for all metrics" except `AGENT_ACTIVITY`
/// and `AGENT_OCCUPANCY`: "any subset of" VOICE, CHAT, TASK.
const BY_CHANNEL: FilterSpec = FilterSpec {
    kind: "MetricDataFilterByChannel",
    data: FilterData::List {
        values: &["VOICE", "CHAT", "TASK"],
        min: 1,
        max: Some(3),
    },
    required: false,
};

/// The two names of the trailing window (see the module comment).
const WINDOW_NAMES: &[&str] = &["MetricDataDurationSeconds", "MetricDataPeriodSeconds"];
/// The three names of the agent activity window (see the module comment).
const AGENT_WINDOW_NAMES: &[&str] = &[
    "AgentActivityDurationSeconds",
    "AgentActvityDurationSeconds",
    "MetricDataDurationSeconds",
];
const QUEUE_OR_ROUTING_PROFILE: &[&str] = &[
    "MetricDataFilterByQueue",
    "MetricDataFilterByRoutingProfile",
];
const ANY_AGENT_DIMENSION: &[&str] = &[
    "MetricDataFilterByAgent",
    "MetricDataFilterByAgentHierarchyLevelOne",
    "MetricDataFilterByAgentHierarchyLevelTwo",
    "MetricDataFilterByAgentHierarchyLevelThree",
    "MetricDataFilterByAgentHierarchyLevelFour",
    "MetricDataFilterByAgentHierarchyLevelFive",
    "MetricDataFilterByQueue",
    "MetricDataFilterByRoutingProfile",
];
const FLOW_DIMENSION: &[&str] = &["MetricDataFilterByFlow", "MetricDataFilterByFlowModule"];
const FLOW_OUTCOME_DIMENSION: &[&str] = &[
    "MetricDataFilterByFlow",
    "MetricDataFilterByFlowModule",
    "MetricDataFilterByFlowOutcomeType",
];

/// Queue metrics over a window: end dimension by queue or routing profile, optional channel.
const QUEUE_WINDOW_FILTERS: &[FilterSpec] =
    &[DURATION, PERIOD, BY_QUEUE, BY_ROUTING_PROFILE, BY_CHANNEL];
const QUEUE_WINDOW_REQUIRED: &[&[&str]] = &[WINDOW_NAMES, QUEUE_OR_ROUTING_PROFILE];
/// Real-time queue metrics: no window.
const QUEUE_NOW_FILTERS: &[FilterSpec] = &[BY_QUEUE, BY_ROUTING_PROFILE, BY_CHANNEL];
const QUEUE_NOW_REQUIRED: &[&[&str]] = &[QUEUE_OR_ROUTING_PROFILE];
const FLOW_OUTCOME_FILTERS: &[FilterSpec] = &[
    DURATION,
    PERIOD,
    BY_FLOW,
    BY_FLOW_MODULE,
    BY_FLOW_OUTCOME,
    BY_CHANNEL,
];
const FLOW_OUTCOME_REQUIRED: &[&[&str]] = &[WINDOW_NAMES, FLOW_OUTCOME_DIMENSION];

/// "Operator: "NumberGreaterOrEqualTo", // also supports "NumberLessOrEqualTo"", with
/// "Negate: false, // fixed value".
const fn metric(
    path: &'static str,
    filters: &'static [FilterSpec],
    required_one_of: &'static [&'static [&'static str]],
    groupings: &'static [&'static str],
    subject: &'static str,
) -> ConditionSpec {
    ConditionSpec {
        path,
        operators: NUMBER_RANGE,
        operands: THRESHOLD,
        filters,
        negatable: false,
        subject,
        placement: Placement::Anywhere,
        required_one_of,
        repeatable_filters: &[],
        groupings,
    }
}

/// The rule-level grouping: `{"Type": "MetricDataGrouping", "Data": ["QUEUE"]}`, "Only one is
/// supported". The page does not say the grouping is required, so it is not.
const GROUPING: FilterSpec = FilterSpec {
    kind: "MetricDataGrouping",
    data: FilterData::List {
        values: &["AGENT", "QUEUE", "ROUTING_PROFILE", "FLOW"],
        min: 1,
        max: Some(1),
    },
    required: false,
};

pub static METRIC_DATA_UPDATE: SourceCatalog = SourceCatalog {
    source: "OnMetricDataUpdate",
    family: Family::Metrics,
    when: "metric data is updated",
    page: "https://docs.aws.amazon.com/connect/latest/APIReference/OnMetricDataUpdate.html",
    conditions: &[
        // "The AGENT_ACTIVITY metric supports an agent statusId, or string values of one of
        // the following states"; "Operator: "EQUALS", // Fixed value"; "Negate: true, // or
        // false".
        ConditionSpec {
            path: "$.MetricData.AGENT_ACTIVITY",
            operators: EQUALS,
            operands: ONE_STRING,
            filters: &[
                AGENT_ACTIVITY_DURATION,
                AGENT_ACTIVITY_DURATION_SIC,
                DURATION,
                BY_AGENT,
                BY_LEVEL_ONE,
                BY_LEVEL_TWO,
                BY_LEVEL_THREE,
                BY_LEVEL_FOUR,
                BY_LEVEL_FIVE,
                BY_QUEUE,
                BY_ROUTING_PROFILE,
            ],
            negatable: true,
            subject: "the agent activity",
            placement: Placement::Anywhere,
            required_one_of: &[AGENT_WINDOW_NAMES, ANY_AGENT_DIMENSION],
            repeatable_filters: &[],
            groupings: &["AGENT"],
        },
        // "Required filters: MetricDataFilterByQueue, MetricDataFilterByRoutingProfile": the
        // end dimension, one of them.
        metric(
            "$.MetricData.OLDEST_CONTACT_AGE",
            QUEUE_NOW_FILTERS,
            QUEUE_NOW_REQUIRED,
            &["QUEUE"],
            "the age of the oldest contact in queue, in seconds",
        ),
        metric(
            "$.MetricData.AGENTS_AVAILABLE",
            QUEUE_NOW_FILTERS,
            QUEUE_NOW_REQUIRED,
            &["QUEUE", "ROUTING_PROFILE"],
            "the number of agents available",
        ),
        metric(
            "$.MetricData.CONTACTS_IN_QUEUE",
            QUEUE_NOW_FILTERS,
            QUEUE_NOW_REQUIRED,
            &["QUEUE"],
            "the number of contacts in queue",
        ),
        metric(
            "$.MetricData.AVG_QUEUE_ANSWER_TIME",
            QUEUE_WINDOW_FILTERS,
            QUEUE_WINDOW_REQUIRED,
            &["QUEUE"],
            "the average queue answer time, in seconds",
        ),
        metric(
            "$.MetricData.AVG_INTERACTION_TIME",
            QUEUE_WINDOW_FILTERS,
            QUEUE_WINDOW_REQUIRED,
            &["QUEUE"],
            "the average interaction time, in seconds",
        ),
        metric(
            "$.MetricData.AVG_HOLD_TIME",
            QUEUE_WINDOW_FILTERS,
            QUEUE_WINDOW_REQUIRED,
            &["QUEUE"],
            "the average hold time, in seconds",
        ),
        // "For QUEUE end dimension, MetricDataFilterByQueue and MetricDataFilterByRoutingProfile
        // are supported. For AGENT end dimensions, [those,] MetricDataFilterByAgent, and
        // MetricDataFilterByAgentLevelX are supported." Which end dimension a rule uses is
        // the rule's grouping; the filters are accepted for both.
        metric(
            "$.MetricData.AVG_HANDLE_TIME",
            &[
                DURATION,
                PERIOD,
                BY_QUEUE,
                BY_ROUTING_PROFILE,
                BY_AGENT,
                BY_LEVEL_ONE,
                BY_LEVEL_TWO,
                BY_LEVEL_THREE,
                BY_LEVEL_FOUR,
                BY_LEVEL_FIVE,
                BY_CHANNEL,
            ],
            &[WINDOW_NAMES, ANY_AGENT_DIMENSION],
            &["QUEUE", "AGENT"],
            "the average handle time, in seconds",
        ),
        // No channel filter: "It cannot be used with AGENT_ACTIVITY and AGENT_OCCUPANCY".
        metric(
            "$.MetricData.AGENT_OCCUPANCY",
            &[
                DURATION,
                PERIOD,
                BY_AGENT,
                BY_LEVEL_ONE,
                BY_LEVEL_TWO,
                BY_LEVEL_THREE,
                BY_LEVEL_FOUR,
                BY_LEVEL_FIVE,
                BY_ROUTING_PROFILE,
            ],
            &[
                WINDOW_NAMES,
                &[
                    "MetricDataFilterByAgent",
                    "MetricDataFilterByAgentHierarchyLevelOne",
                    "MetricDataFilterByAgentHierarchyLevelTwo",
                    "MetricDataFilterByAgentHierarchyLevelThree",
                    "MetricDataFilterByAgentHierarchyLevelFour",
                    "MetricDataFilterByAgentHierarchyLevelFive",
                    "MetricDataFilterByRoutingProfile",
                ],
            ],
            &["AGENT"],
            "the agent occupancy percentage",
        ),
        // "Required filters: MetricDataDurationSeconds, MetricDataThresholdSeconds".
        metric(
            "$.MetricData.SERVICE_LEVEL",
            &[
                DURATION,
                PERIOD,
                THRESHOLD_SECONDS,
                BY_QUEUE,
                BY_ROUTING_PROFILE,
                BY_CHANNEL,
            ],
            QUEUE_WINDOW_REQUIRED,
            &["QUEUE"],
            "the service level percentage",
        ),
        metric(
            "$.MetricData.FLOWS_STARTED",
            &[DURATION, PERIOD, BY_FLOW, BY_FLOW_MODULE, BY_CHANNEL],
            &[WINDOW_NAMES, FLOW_DIMENSION],
            &["FLOW"],
            "the number of flows started",
        ),
        metric(
            "$.MetricData.AVG_FLOW_TIME",
            FLOW_OUTCOME_FILTERS,
            FLOW_OUTCOME_REQUIRED,
            &["FLOW"],
            "the average flow time, in seconds",
        ),
        metric(
            "$.MetricData.MAX_FLOW_TIME",
            FLOW_OUTCOME_FILTERS,
            FLOW_OUTCOME_REQUIRED,
            &["FLOW"],
            "the longest flow time, in seconds",
        ),
        metric(
            "$.MetricData.MIN_FLOW_TIME",
            FLOW_OUTCOME_FILTERS,
            FLOW_OUTCOME_REQUIRED,
            &["FLOW"],
            "the shortest flow time, in seconds",
        ),
        metric(
            "$.MetricData.FLOWS_OUTCOME",
            FLOW_OUTCOME_FILTERS,
            FLOW_OUTCOME_REQUIRED,
            &["FLOW"],
            "the number of flow outcomes",
        ),
        metric(
            "$.MetricData.PERCENT_FLOWS_OUTCOME",
            FLOW_OUTCOME_FILTERS,
            FLOW_OUTCOME_REQUIRED,
            &["FLOW"],
            "the percentage of flow outcomes",
        ),
    ],
    compounds: &[],
    rule_filters: &[GROUPING],
    // "Operands – An array of MetricGroup, can support up to two groups"; "Each MetricGroup
    // can have up to compatible 10 MetricConditions".
    groups: Some(GroupLimits {
        max_groups: 2,
        max_conditions: 10,
        name: "metric group",
    }),
    complete: true,
};
