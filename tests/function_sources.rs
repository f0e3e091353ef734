//! The Rules Function checker on the shapes real rules use: pattern matches written as lists of
//! pattern objects, metric rules with their groups and grouping, SLA and case rules, and the
//! wording of number findings. Every fixture here is written for this file.

use std::fmt::Write as _;

mod support;

use support::rule_text::function_of;
use support::{Project, RuleText};

const POST_CALL: &str = "OnPostCallAnalysisAvailable";
const REAL_TIME: &str = "OnRealTimeCallAnalysisAvailable";
const POST_CHAT: &str = "OnPostChatAnalysisAvailable";
const METRICS: &str = "OnMetricDataUpdate";

/// A rule file for `source` whose `Function` is `function` (YAML lines indented by two).
fn rule(source: &str, function: &str) -> String {
    RuleText::new("rule")
        .source(source)
        .function(function)
        .build()
}

/// `Function` with `operands` (YAML lines indented for `Operands:`) under `operator`.
fn function(operator: &str, operands: &str) -> String {
    function_of(operator, operands)
}

/// `validate` (with `args`) over one rule: exit code and stderr.
fn validate(text: &str, args: &[&str]) -> (i32, String) {
    let project = Project::new().rule_file("rule.yaml", text);
    let run = project
        .cli()
        .arg("validate")
        .args(args)
        .env("NO_COLOR", "1")
        .run();
    (run.code, run.stderr)
}

/// Passes `--strict` with no finding at all.
fn assert_clean(label: &str, text: &str) {
    let (code, stderr) = validate(text, &["--strict"]);
    assert_eq!(code, 0, "{label}: {stderr}");
    assert!(
        !stderr.contains(": warning: ") && !stderr.contains(": error: "),
        "{label}: {stderr}"
    );
    assert!(stderr.contains("0 errors, 0 warnings"), "{label}: {stderr}");
}

/// Fails without `--strict`, with an error; returns the findings for a snapshot.
fn assert_error(label: &str, text: &str, expected: &str) -> String {
    let (code, stderr) = validate(text, &[]);
    assert_eq!(code, 1, "{label}: {stderr}");
    assert!(stderr.contains(": error: "), "{label}: {stderr}");
    assert!(stderr.contains(expected), "{label}: {stderr}");
    format!("## {label}\n{stderr}\n")
}

/// A pattern-match condition on `path` whose one operand is `patterns` (a YAML flow list).
fn pattern_condition(path: &str, patterns: &str, filters: &str) -> String {
    format!(
        "      - Operator: CONTAINS_ANY\n        Operands:\n          - {patterns}\n        ComparisonValue: {path}\n        FilterClause:\n          LogicOperator: AND\n          Filters: {filters}\n"
    )
}

const EVERY_PATTERN_TYPE: &str = "[{Type: LIST, Value: [{Type: PLAIN, Value: escalate}, {Type: PLAIN, Value: supervisor}]}, {Type: PLAIN, Value: \" \"}, {Type: PROXIMITY, Value: {Distance: 5, IsWithin: true}}, {Type: PLAIN, Value: \" \"}, {Type: LIST, Value: [{Type: PLAIN, Value: call}, {Type: PLAIN, Value: case}]}]";

#[test]
fn every_pattern_type_is_accepted_on_every_pattern_match_path() {
    let post_call_filters = "[{Type: ParticipantRole, Data: CUSTOMER}, {Type: PatternMatchLanguageFilter, Data: EN}, {Type: PostCallContactPeriodSeconds, Data: {Last: 45}}]";
    let cases = [
        (
            POST_CALL,
            "$.ContactLens.PostCall.PatternMatch.Transcript",
            post_call_filters,
        ),
        (
            REAL_TIME,
            "$.ContactLens.RealTimeCall.PatternMatch.Transcript",
            "[{Type: ParticipantRole, Data: AGENT}, {Type: PatternMatchLanguageFilter, Data: ES}]",
        ),
        (
            POST_CHAT,
            "$.ContactLens.PostChat.PatternMatch.Transcript",
            "[{Type: ParticipantRole, Data: ANY}]",
        ),
    ];
    for (source, path, filters) in cases {
        let operands = [
            pattern_condition(path, EVERY_PATTERN_TYPE, filters),
            pattern_condition(path, "[{Type: PLAIN, Value: order}, {Type: PROXIMITY, Value: {Distance: 3, IsWithin: false}}, {Type: NUMERICAL, Value: {Decimal: false}}]", filters),
            pattern_condition(path, "[{Type: PLAIN, Value: total}, {Type: NUMERICAL, Value: {Decimal: true}}]", filters),
        ]
        .concat();
        assert_clean(source, &rule(source, &function("OR", &operands)));
    }
    // The same patterns inside a `Function` written as a JSON string.
    let json = "  '{\"Version\":\"2022-11-25\",\"RuleFunction\":{\"Operator\":\"OR\",\"Operands\":[{\"Operator\":\"CONTAINS_ANY\",\"Operands\":[[{\"Type\":\"LIST\",\"Value\":[{\"Type\":\"PLAIN\",\"Value\":\"refund\"}]},{\"Type\":\"PLAIN\",\"Value\":\" \"},{\"Type\":\"PROXIMITY\",\"Value\":{\"Distance\":2,\"IsWithin\":true}},{\"Type\":\"PLAIN\",\"Value\":\" \"},{\"Type\":\"PLAIN\",\"Value\":\"now\"}]],\"ComparisonValue\":\"$.ContactLens.PostCall.PatternMatch.Transcript\",\"FilterClause\":{\"LogicOperator\":\"AND\",\"Filters\":[{\"Type\":\"ParticipantRole\",\"Data\":\"CUSTOMER\"}]},\"Negate\":false}]}}'\n";
    assert_clean("JSON string", &rule(POST_CALL, json));
}

#[test]
fn pattern_mistakes_are_errors_without_strict() {
    let path = "$.ContactLens.PostCall.PatternMatch.Transcript";
    let filters = "[{Type: ParticipantRole, Data: CUSTOMER}]";
    let flat = format!(
        "      - Operator: CONTAINS_ANY\n        Operands: [{{Type: PLAIN, Value: refund}}, {{Type: PLAIN, Value: now}}]\n        ComparisonValue: {path}\n"
    );
    let cases = [
        (
            "a flat list of pattern objects",
            flat,
            "is a flat list of pattern objects",
        ),
        (
            "an unknown type",
            pattern_condition(path, "[{Type: REGEX, Value: \"refund.*\"}]", filters),
            "pattern object type \"REGEX\"",
        ),
        (
            "a misspelt type",
            pattern_condition(
                path,
                "[{Type: PROXIMTY, Value: {Distance: 5, IsWithin: true}}]",
                filters,
            ),
            "did you mean PROXIMITY?",
        ),
        (
            "a LIST holding a LIST",
            pattern_condition(
                path,
                "[{Type: LIST, Value: [{Type: LIST, Value: []}]}]",
                filters,
            ),
            "a LIST holds only PLAIN objects",
        ),
        (
            "proximity without IsWithin and with a string distance",
            pattern_condition(
                path,
                "[{Type: PROXIMITY, Value: {Distance: five}}]",
                filters,
            ),
            "has no `IsWithin`",
        ),
        (
            "a plain value that is not a string",
            pattern_condition(path, "[{Type: PLAIN, Value: [refund]}]", filters),
            "must be a string",
        ),
        (
            "a pattern object without a type",
            pattern_condition(path, "[{Value: refund}]", filters),
            "has no `Type`",
        ),
        (
            "an empty pattern",
            pattern_condition(path, "[]", filters),
            "is an empty list of pattern objects",
        ),
        (
            "an unknown language",
            pattern_condition(
                path,
                "[{Type: PLAIN, Value: refund}]",
                "[{Type: PatternMatchLanguageFilter, Data: XX}]",
            ),
            "PatternMatchLanguageFilter filter data \"XX\"",
        ),
    ];
    let mut report = String::new();
    for (label, condition, expected) in cases {
        report += &assert_error(
            label,
            &rule(POST_CALL, &function("OR", &condition)),
            expected,
        );
    }
    insta::assert_snapshot!("pattern_mistakes", report);
}

/// A metric condition on `metric` with its filters (a YAML flow list).
fn metric(metric: &str, operator: &str, operand: &str, filters: &str) -> String {
    format!(
        "          - Operator: {operator}\n            Operands: [{operand}]\n            ComparisonValue: $.MetricData.{metric}\n            FilterClause:\n              LogicOperator: AND\n              Filters: {filters}\n            Negate: false\n"
    )
}

/// A metric rule: `groups` (each a list of conditions) under a `MetricDataGrouping` of `by`.
fn metric_rule(by: &str, groups: &[String]) -> String {
    let mut operands = String::new();
    for group in groups {
        let _ = write!(
            operands,
            "      - Operator: AND\n        Operands:\n{group}"
        );
    }
    let function = format!(
        "{}    FilterClause:\n      LogicOperator: AND\n      Filters:\n        - {{Type: MetricDataGrouping, Data: [{by}]}}\n",
        function("OR", &operands)
    );
    rule(METRICS, &function)
}

const QUEUES: &str = "{Type: MetricDataFilterByQueue, Data: [queue-1, queue-2]}";
const VOICE: &str = "{Type: MetricDataFilterByChannel, Data: [VOICE]}";
const LAST_5_MINUTES: &str = "{Type: MetricDataDurationSeconds, Data: {Past: 300}}";

fn queue_groups() -> Vec<String> {
    vec![
        [
            metric("CONTACTS_IN_QUEUE", "NumberGreaterOrEqualTo", "20", &format!("[{QUEUES}, {VOICE}]")),
            metric("OLDEST_CONTACT_AGE", "NumberGreaterOrEqualTo", "900", &format!("[{QUEUES}]")),
        ]
        .concat(),
        [
            metric("AVG_HANDLE_TIME", "NumberGreaterOrEqualTo", "600", &format!("[{QUEUES}, {LAST_5_MINUTES}, {VOICE}]")),
            metric(
                "SERVICE_LEVEL",
                "NumberLessOrEqualTo",
                "80",
                &format!("[{QUEUES}, {LAST_5_MINUTES}, {{Type: MetricDataThresholdSeconds, Data: {{Comparison: LT, ThresholdValue: 60}}}}]"),
            ),
        ]
        .concat(),
    ]
}

#[test]
fn documented_metric_sla_and_case_rules_pass_strict() {
    assert_clean("metrics by queue", &metric_rule("QUEUE", &queue_groups()));
    let agent_groups = vec![
        metric("AGENT_OCCUPANCY", "NumberGreaterOrEqualTo", "90", "[{Type: MetricDataFilterByAgent, Data: [agent-1]}, {Type: MetricDataPeriodSeconds, Data: {Past: 600}}]"),
        "          - Operator: EQUALS\n            Operands: [AFTER_CONTACT_WORK]\n            ComparisonValue: $.MetricData.AGENT_ACTIVITY\n            FilterClause:\n              LogicOperator: AND\n              Filters:\n                - {Type: MetricDataFilterByAgentHierarchyLevelOne, Data: [level-1]}\n                - {Type: AgentActivityDurationSeconds, Data: {Past: 600}}\n            Negate: true\n".to_owned(),
    ];
    assert_clean("metrics by agent", &metric_rule("AGENT", &agent_groups));
    let flow_group = vec![metric(
        "PERCENT_FLOWS_OUTCOME",
        "NumberGreaterOrEqualTo",
        "50",
        &format!("[{{Type: MetricDataFilterByFlow, Data: [flow-1]}}, {{Type: MetricDataFilterByFlowOutcomeType, Data: [DROPPED]}}, {LAST_5_MINUTES}]"),
    )];
    assert_clean("metrics by flow", &metric_rule("FLOW", &flow_group));
    assert_clean(
        "SLA",
        &rule(
            "OnSlaBreach",
            &function("OR", "      - {Operator: CONTAINS_ANY, Operands: [high-priority], ComparisonValue: $.RelatedItem.SlaConfiguration.Name, Negate: false}\n"),
        ),
    );
    assert_clean(
        "case template on create",
        &rule(
            "OnCaseCreate",
            &function("AND", "      - {Operator: CONTAINS_ANY, Operands: [template-1], ComparisonValue: $.Case.TemplateId, Negate: true}\n"),
        ),
    );
}

#[test]
fn metric_rule_mistakes_are_errors() {
    let mut report = String::new();
    let mut groups = queue_groups();
    groups[0] += "          - {Operator: CONTAINS_ANY, Operands: [queue-1], ComparisonValue: $.ContactLens.PostCall.Queue.QueueId}\n";
    report += &assert_error(
        "a path of another source",
        &metric_rule("QUEUE", &groups),
        "is a condition of OnPostCallAnalysisAvailable, not of OnMetricDataUpdate",
    );
    report += &assert_error(
        "a grouping the page does not list",
        &metric_rule("TEAM", &queue_groups()),
        "MetricDataGrouping filter value \"TEAM\"",
    );
    report += &assert_error(
        "a metric under a grouping it does not take",
        &metric_rule("AGENT", &queue_groups()),
        "cannot be grouped by AGENT",
    );
    let missing = vec![metric(
        "AVG_HOLD_TIME",
        "NumberGreaterOrEqualTo",
        "60",
        &format!("[{VOICE}]"),
    )];
    report += &assert_error(
        "a metric without its window and end dimension",
        &metric_rule("QUEUE", &missing),
        "needs one of the filters MetricDataDurationSeconds, MetricDataPeriodSeconds",
    );
    let three = vec![queue_groups()[0].clone(); 3];
    report += &assert_error(
        "three metric groups",
        &metric_rule("QUEUE", &three),
        "at most 2 metric groups",
    );
    let bare = rule(
        METRICS,
        &function("AND", &format!("      - {{Operator: NumberGreaterOrEqualTo, Operands: [20], ComparisonValue: $.MetricData.CONTACTS_IN_QUEUE, FilterClause: {{LogicOperator: AND, Filters: [{QUEUES}]}}}}\n")),
    );
    report += &assert_error(
        "a metric condition outside a group",
        &bare,
        "stands directly in `RuleFunction`",
    );
    insta::assert_snapshot!("metric_rule_mistakes", report);
}

#[test]
fn a_rule_level_filter_clause_is_only_documented_for_metrics() {
    let text = rule(
        POST_CALL,
        &format!(
            "{}    FilterClause: {{LogicOperator: AND, Filters: [{{Type: MetricDataGrouping, Data: [QUEUE]}}]}}\n",
            function("AND", "      - {Operator: CONTAINS_ANY, Operands: [refund], ComparisonValue: $.ContactLens.PostCall.ExactMatch.Transcript}\n")
        ),
    );
    let (code, stderr) = validate(&text, &[]);
    assert_eq!(code, 0, "{stderr}");
    assert!(
        stderr.contains(
            "has a member `FilterClause` that the Rules Function language does not define"
        ),
        "{stderr}"
    );
}

#[test]
fn number_findings_read_as_sentences() {
    let cases = [
        (
            "a whole number written with a decimal point",
            POST_CALL,
            "      - {Operator: NumberGreaterOrEqualTo, Operands: [2.0], ComparisonValue: $.ContactLens.PostCall.Interruptions.Instances}\n",
            "is 2.0, written with a decimal point",
        ),
        (
            "below a minimum",
            POST_CALL,
            "      - {Operator: NumberGreaterOrEqualTo, Operands: [0], ComparisonValue: $.ContactLens.PostCall.Interruptions.Instances}\n",
            "is 0, but it must be at least 1",
        ),
        (
            "above a range",
            POST_CALL,
            "      - {Operator: NumberGreaterOrEqualTo, Operands: [101], ComparisonValue: $.ContactLens.PostCall.Agent.NonTalkTimePct}\n",
            "is 101, but it must be between 0 and 100",
        ),
        (
            "a fraction",
            POST_CALL,
            "      - {Operator: NumberGreaterOrEqualTo, Operands: [2.5], ComparisonValue: $.ContactLens.PostCall.Interruptions.Instances}\n",
            "must be a whole number, but it is 2.5",
        ),
    ];
    let mut report = String::new();
    for (label, source, condition, expected) in cases {
        report += &assert_error(label, &rule(source, &function("AND", condition)), expected);
    }
    assert!(!report.contains("outside"), "{report}");
    assert!(!report.contains("too large"), "{report}");
    insta::assert_snapshot!("number_findings", report);
}
