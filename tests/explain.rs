//! `explain` through the CLI: every pattern type, contact periods, every operator, metric
//! rules with their grouping, SLA rules, where variables came from, and files outside the
//! rules folder. Every reading is checked to hold no JSON and no raw operator name.

use std::path::Path;

mod support;

use support::rule_text::all_of;
use support::{Cli, Project, RuleText};

impl Project {
    /// A rule file `rules/NAME.yaml` for `source` with `function` (YAML, indented two spaces)
    /// and one action.
    fn rule(self, name: &str, source: &str, function: &str) -> Self {
        let text = rule_text(name, source, function);
        self.file(&format!("rules/{name}.yaml"), &text)
    }
}

fn run_in(dir: &Path, args: &[&str]) -> (i32, String, String) {
    Cli::new(dir).args(args).env("NO_COLOR", "1").run().parts()
}

fn rule_text(name: &str, source: &str, function: &str) -> String {
    RuleText::new(name)
        .source(source)
        .function(function)
        .build()
}

/// What a reading must never hold: JSON, filter or pattern member names, raw operator names.
fn assert_in_words(reading: &str) {
    const RAW: &[&str] = &[
        "{",
        "}\"",
        "\"Type\"",
        "Type:",
        "Data",
        "ComparisonValue",
        "CONTAINS",
        "EQUALS",
        "Number",
        "PLAIN",
        "LIST",
        "PROXIMITY",
        "NUMERICAL",
        "IsWithin",
        "Distance",
        "Past",
        "ParticipantRole",
        "ContactPeriodSeconds",
        "MetricData",
        "FilterClause",
    ];
    for raw in RAW {
        // `${var.NAME}` is how a variable the file wrote reads; it is not JSON.
        let without_variables = reading.replace("${var.", "");
        assert!(
            !without_variables.contains(raw),
            "the reading holds `{raw}`:\n{reading}"
        );
    }
}

const POST_CALL: &str = "OnPostCallAnalysisAvailable";
const REAL_TIME: &str = "OnRealTimeCallAnalysisAvailable";

#[test]
fn every_pattern_type_reads_as_words() {
    let list = |items: &[&str]| {
        let items: Vec<String> = items
            .iter()
            .map(|item| format!("{{Type: PLAIN, Value: \"{item}\"}}"))
            .collect();
        format!("{{Type: LIST, Value: [{}]}}", items.join(", "))
    };
    let space = "{Type: PLAIN, Value: \" \"}";
    let near = |distance: u32, within: bool| {
        format!("{{Type: PROXIMITY, Value: {{Distance: {distance}, IsWithin: {within}}}}}")
    };
    let operands = [
        // List, proximity, list: one pattern, read together.
        format!("[{}, {space}, {}, {space}, {}]", list(&["escalate", "supervisor"]), near(5, true), list(&["call", "case"])),
        // Text, proximity (not within), text.
        format!("[{{Type: PLAIN, Value: \"refund \"}}, {}, {{Type: PLAIN, Value: \" never\"}}]", near(1, false)),
        // Text and a short list: spelled out.
        format!("[{{Type: PLAIN, Value: \"trust \"}}, {}]", list(&["us", "me"])),
        // A number, whole and decimal.
        "[{Type: PLAIN, Value: \"order \"}, {Type: NUMERICAL, Value: {Decimal: false}}]".to_owned(),
        "[{Type: PLAIN, Value: \"pay \"}, {Type: NUMERICAL, Value: {Decimal: true}}, {Type: PLAIN, Value: \" dollars\"}]".to_owned(),
    ];
    let one = format!(
        "      - Operator: CONTAINS_ANY\n        Operands: [{}]\n        ComparisonValue: $.ContactLens.PostCall.PatternMatch.Transcript\n        FilterClause: {{LogicOperator: AND, Filters: [{{Type: ParticipantRole, Data: CUSTOMER}}, {{Type: PatternMatchLanguageFilter, Data: EN}}]}}\n",
        operands[0]
    );
    let many = format!(
        "      - Operator: CONTAINS_ANY\n        Operands: [{}]\n        ComparisonValue: $.ContactLens.RealTimeCall.PatternMatch.Transcript\n        FilterClause: {{LogicOperator: AND, Filters: [{{Type: ParticipantRole, Data: AGENT}}]}}\n",
        operands.join(", ")
    );
    let project = Project::new()
        .rule("escalation", POST_CALL, &all_of(&one))
        .rule("every-pattern", REAL_TIME, &all_of(&many));
    let (_, stdout, stderr) = project.run(&["explain"]);
    assert_in_words(&stdout);
    assert!(
        stdout.contains("the transcript (pattern match) matches 'escalate' or 'supervisor' within 5 words of 'call' or 'case', said by the customer, in English"),
        "{stdout}\n{stderr}"
    );
    insta::assert_snapshot!("explain_patterns", stdout);
}

#[test]
fn contact_periods_read_as_parts_of_the_contact() {
    let project = Project::new()
        .rule("real-time-sentiment", REAL_TIME, &all_of("      - {Operator: EQUALS, Operands: [NEGATIVE], ComparisonValue: $.ContactLens.RealTimeCall.Sentiment.State, FilterClause: {LogicOperator: AND, Filters: [{Type: ParticipantRole, Data: CUSTOMER}, {Type: RealTimeCallContactPeriodSeconds, Data: {Past: 30}}]}}\n"))
        .rule("post-call-periods", POST_CALL, &all_of("      - {Operator: CONTAINS_ANY, Operands: [hello, hi], ComparisonValue: $.ContactLens.PostCall.ExactMatch.Transcript, FilterClause: {LogicOperator: AND, Filters: [{Type: PostCallContactPeriodSeconds, Data: {First: 45}}, {Type: ParticipantRole, Data: AGENT}]}}\n      - {Operator: CONTAINS_ANY, Operands: [goodbye], ComparisonValue: $.ContactLens.PostCall.ExactMatch.Transcript, FilterClause: {LogicOperator: AND, Filters: [{Type: PostCallContactPeriodSeconds, Data: {Last: 120}}]}}\n"))
        .rule("post-chat-period", "OnPostChatAnalysisAvailable", &all_of("      - {Operator: CONTAINS_ANY, Operands: [refund], ComparisonValue: $.ContactLens.PostChat.ExactMatch.Transcript, FilterClause: {LogicOperator: AND, Filters: [{Type: PostChatContactPeriodSeconds, Data: {First: 60}}, {Type: ParticipantRole, Data: ANY}]}}\n"));
    let (code, stdout, stderr) = project.run(&["explain"]);
    assert_eq!(code, 0, "{stderr}");
    assert_in_words(&stdout);
    assert!(
        stdout.contains("for the customer, in the last 30 seconds"),
        "{stdout}"
    );
    assert!(
        stdout.contains("in the first 45 seconds of the call"),
        "{stdout}"
    );
    assert!(
        stdout.contains("in the last 2 minutes of the call"),
        "{stdout}"
    );
    assert!(
        stdout.contains("in the first minute of the chat"),
        "{stdout}"
    );
    insta::assert_snapshot!("explain_contact_periods", stdout);
}

#[test]
fn every_operator_reads_as_words() {
    let project = Project::new()
        .rule("operators-call", POST_CALL, &all_of(concat!(
            "      - {Operator: CONTAINS_ANY, Operands: [refund, cancel], ComparisonValue: $.ContactLens.PostCall.ExactMatch.Transcript, Negate: true}\n",
            "      - {Operator: CONTAINS_ANY, Operands: [q-1], ComparisonValue: $.ContactLens.PostCall.Queue.QueueId}\n",
            "      - {Operator: CONTAINS_ANY, Operands: [a-1, a-2], ComparisonValue: $.ContactLens.PostCall.Agent.AgentId}\n",
            "      - {Operator: EQUALS, Operands: [], ComparisonValue: $.ContactLens.PostCall.Queue.QueueId}\n",
            "      - {Operator: EQUALS, Operands: [gold], ComparisonValue: $.ContactLens.PostCall.ContactAttribute.tier, Negate: true}\n",
            "      - {Operator: NumberGreaterOrEqualTo, Operands: [5], ComparisonValue: $.ContactLens.PostCall.Interruptions.Instances}\n",
            "      - {Operator: NumberLessOrEqualTo, Operands: [2.0], ComparisonValue: $.ContactLens.PostCall.Sentiment.OverallScore, FilterClause: {LogicOperator: AND, Filters: [{Type: ParticipantRole, Data: CUSTOMER}]}}\n",
        )))
        .rule("operators-case", "OnCaseUpdate", &all_of(concat!(
            "      - {Operator: CONTAINS, Operands: [urgent], ComparisonValue: $.Case.Fields.summary}\n",
            "      - {Operator: EQUALS, Operands: [closed], ComparisonValue: $.Case.Fields.status}\n",
        )));
    let (_, stdout, _) = project.run(&["explain"]);
    assert_in_words(&stdout);
    for words in [
        "contains none of \"refund\", \"cancel\"",
        "the queue is \"q-1\"",
        "is one of \"a-1\", \"a-2\"",
        "the queue is not set",
        "is not \"gold\"",
        "is at least 5",
        "is at most 2 for the customer",
        "contains \"urgent\"",
    ] {
        assert!(stdout.contains(words), "`{words}` is not in:\n{stdout}");
    }
    insta::assert_snapshot!("explain_operators", stdout);
}

/// A metric rule as the OnMetricDataUpdate page writes one: two metric groups, each condition
/// with its filters, and the grouping on the `RuleFunction`.
const METRIC_FUNCTION: &str = r#"  Version: "2022-11-25"
  RuleFunction:
    Operator: OR
    Operands:
      - Operator: AND
        Operands:
          - Operator: NumberGreaterOrEqualTo
            ComparisonValue: $.MetricData.CONTACTS_IN_QUEUE
            Operands: [100]
            FilterClause:
              LogicOperator: AND
              Filters:
                - {Type: MetricDataFilterByQueue, Data: [queue-1, queue-2]}
                - {Type: MetricDataFilterByChannel, Data: [VOICE, CHAT]}
          - Operator: NumberLessOrEqualTo
            ComparisonValue: $.MetricData.AGENTS_AVAILABLE
            Operands: [5]
            FilterClause:
              LogicOperator: AND
              Filters:
                - {Type: MetricDataFilterByQueue, Data: [queue-1, queue-2]}
      - Operator: AND
        Operands:
          - Operator: NumberGreaterOrEqualTo
            ComparisonValue: $.MetricData.AVG_HANDLE_TIME
            Operands: [300]
            FilterClause:
              LogicOperator: AND
              Filters:
                - {Type: MetricDataFilterByQueue, Data: [queue-1]}
                - {Type: MetricDataDurationSeconds, Data: {Past: 28800}}
          - Operator: NumberLessOrEqualTo
            ComparisonValue: $.MetricData.SERVICE_LEVEL
            Operands: [80]
            FilterClause:
              LogicOperator: AND
              Filters:
                - {Type: MetricDataFilterByQueue, Data: [queue-1]}
                - {Type: MetricDataDurationSeconds, Data: {Past: 28800}}
                - {Type: MetricDataThresholdSeconds, Data: {Comparison: LT, ThresholdValue: 60}}
    FilterClause:
      LogicOperator: AND
      Filters:
        - {Type: MetricDataGrouping, Data: [QUEUE]}
"#;

#[test]
fn a_metric_rule_reads_its_metrics_filters_and_grouping() {
    let agent = r#"  Version: "2022-11-25"
  RuleFunction:
    Operator: AND
    Operands:
      - Operator: AND
        Operands:
          - {Operator: EQUALS, ComparisonValue: $.MetricData.AGENT_ACTIVITY, Operands: [ON_CONTACT], Negate: true, FilterClause: {LogicOperator: AND, Filters: [{Type: MetricDataFilterByAgentHierarchyLevelOne, Data: [group-1]}, {Type: AgentActivityDurationSeconds, Data: {Past: 600}}]}}
    FilterClause: {LogicOperator: AND, Filters: [{Type: MetricDataGrouping, Data: [AGENT]}]}
"#;
    let project = Project::new()
        .rule("queue-health", "OnMetricDataUpdate", METRIC_FUNCTION)
        .rule("agent-activity", "OnMetricDataUpdate", agent);
    let (_, stdout, stderr) = project.run(&["explain"]);
    assert_in_words(&stdout);
    assert!(
        stdout.contains("When metric data is updated and for each queue, "),
        "{stdout}\n{stderr}"
    );
    assert!(
        stdout.contains("the average handle time is at least 300 seconds"),
        "{stdout}"
    );
    assert!(stdout.contains("for each agent"), "{stdout}");
    insta::assert_snapshot!("explain_metrics", stdout);
}

#[test]
fn an_sla_rule_reads_the_sla_name() {
    let project = Project::new().rule(
        "sla-breach",
        "OnSlaBreach",
        &all_of("      - {Operator: CONTAINS_ANY, Operands: [highPrioritySla, vipSla], ComparisonValue: $.RelatedItem.SlaConfiguration.Name, Negate: false}\n"),
    );
    let (_, stdout, _) = project.run(&["explain"]);
    assert_in_words(&stdout);
    insta::assert_snapshot!("explain_sla", stdout);
}

#[test]
fn a_variable_reads_as_a_variable_only_where_the_file_wrote_one() {
    // `queue-1` is the value of `queue`: written literally it stays a literal, written as
    // `${var.queue}` it reads as the variable, in a mapping and in a JSON string alike.
    let mapping = all_of("      - {Operator: CONTAINS_ANY, Operands: [\"${var.queue}\", queue-1, \"x-${var.queue}\"], ComparisonValue: $.ContactLens.PostCall.Queue.QueueId}\n");
    let json = "Name: as-json\nTriggerEventSource:\n  EventSourceName: OnPostCallAnalysisAvailable\nFunction: '{\"Version\":\"2022-11-25\",\"RuleFunction\":{\"Operator\":\"AND\",\"Operands\":[{\"Operator\":\"CONTAINS_ANY\",\"Operands\":[\"queue-1\",\"${var.queue}\"],\"ComparisonValue\":\"$.ContactLens.PostCall.Queue.QueueId\"}]}}'\nPublishStatus: PUBLISHED\nActions:\n  - ActionType: CREATE_TASK\n    TaskAction:\n      Name: \"Call back ${var.queue}\"\n      ContactFlowId: queue-1\n";
    let project = Project::new()
        .rule("as-mapping", POST_CALL, &mapping)
        .file("rules/as-json.yaml", json);
    let (code, stdout, stderr) = project.run(&["explain", "--var", "queue=queue-1"]);
    assert_eq!(code, 0, "{stderr}");
    assert!(
        stdout.contains("the queue is one of ${var.queue}, \"queue-1\", \"x-${var.queue}\""),
        "{stdout}"
    );
    assert!(
        stdout.contains("the queue is one of \"queue-1\", ${var.queue}"),
        "{stdout}"
    );
    assert!(
        stdout.contains("create task \"Call back ${var.queue}\""),
        "{stdout}"
    );
    // Without the variable in the file, the same value is never read as one.
    let literal = Project::new().rule("literal", POST_CALL, &all_of("      - {Operator: CONTAINS_ANY, Operands: [queue-1], ComparisonValue: $.ContactLens.PostCall.Queue.QueueId}\n"));
    let (_, stdout, _) = literal.run(&["explain", "--var", "queue=queue-1"]);
    assert!(stdout.contains("the queue is \"queue-1\""), "{stdout}");
    assert!(!stdout.contains("${var."), "{stdout}");
}

#[test]
fn a_file_outside_the_rules_folder_is_read_with_only_its_own_findings() {
    let project = Project::new()
        .rule("inside", POST_CALL, &all_of("      - {Operator: CONTAINS_ANY, Operands: [refund], ComparisonValue: $.ContactLens.PostCall.ExactMatch.Transcript}\n"))
        .file("rules/broken.yaml", "Name: broken\nTriggerEventSource: {EventSourceName: OnPostCallAnalysisAvailable}\nPublishStatus: PUBLISHED\n")
        .file(
            "elsewhere/outside.yaml",
            &rule_text("outside", POST_CALL, &all_of("      - {Operator: CONTAINS_ANY, Operands: [cancel], ComparisonValue: $.ContactLens.PostCall.ExactMatch.Transcript}\n")),
        );
    // By a relative path, from the project.
    let (code, stdout, stderr) = project.run(&["explain", "elsewhere/outside.yaml"]);
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(
        stdout,
        "outside (elsewhere/outside.yaml)\nWhen post-call analysis is available and the transcript (exact match) contains any of \"cancel\", then: assign contact category \"outside\".\n"
    );
    assert_eq!(stderr, "", "another file's findings were shown");
    // By an absolute path, from another folder that has no rules folder at all.
    let absolute = project.dir.path().join("elsewhere/outside.yaml");
    let (code, stdout, stderr) = run_in(
        &project.dir.path().join("elsewhere"),
        &["explain", absolute.to_str().expect("utf-8 path")],
    );
    assert_eq!(code, 0, "{stderr}");
    assert!(stdout.starts_with("outside ("), "{stdout}");
    assert_eq!(stderr, "");
    // A rule name is still looked up in the rules folder, with only its file's findings.
    let (code, stdout, stderr) = project.run(&["explain", "inside"]);
    assert_eq!(code, 0, "{stderr}");
    assert!(stdout.starts_with("inside (rules/inside.yaml)"), "{stdout}");
    assert_eq!(stderr, "");
}

#[test]
fn a_file_with_errors_is_read_as_written_and_fails() {
    // A flat list of pattern objects (not the documented shape) and an unknown operator.
    let project = Project::new().file(
        "odd.yaml",
        &rule_text("odd", POST_CALL, &all_of(concat!(
            "      - {Operator: CONTAINS_ANY, Operands: [{Type: PLAIN, Value: refund}, {Type: PLAIN, Value: \" now\"}], ComparisonValue: $.ContactLens.PostCall.PatternMatch.Transcript}\n",
            "      - {Operator: SOUNDS_LIKE, Operands: [refund], ComparisonValue: $.ContactLens.PostCall.ExactMatch.Transcript}\n",
        ))),
    );
    let (code, stdout, stderr) = project.run(&["explain", "odd.yaml"]);
    assert_eq!(code, 1, "{stdout}\n{stderr}");
    assert!(stderr.contains("odd.yaml:"), "{stderr}");
    assert!(stderr.contains("read aloud as written"), "{stderr}");
    assert!(
        stdout.contains("the transcript (pattern match) matches 'refund now'"),
        "{stdout}"
    );
    assert!(!stdout.contains('{'), "{stdout}");
    // A file that is not a rule at all is named, not read.
    let project = project.file("not-yaml.yaml", "Name: [unclosed\n");
    let (code, stdout, _) = project.run(&["explain", "not-yaml.yaml"]);
    assert_eq!(code, 1);
    assert!(stdout.contains("cannot be read aloud"), "{stdout}");
}

#[test]
fn a_resource_named_by_reference_reads_as_its_name() {
    let post_call = all_of("      - {Operator: CONTAINS_ANY, Operands: [\"${queue:Billing}\", \"${queue:Tier 2 Support}\"], ComparisonValue: $.ContactLens.PostCall.Queue.QueueId, Negate: false}\n      - {Operator: CONTAINS_ANY, Operands: [\"${user:jdoe}\"], ComparisonValue: $.ContactLens.PostCall.Agent.AgentId, Negate: false}\n      - {Operator: CONTAINS_ANY, Operands: [\"${var.group}\"], ComparisonValue: $.ContactLens.PostCall.Agent.HierarchyGroup.ARN}\n");
    let metrics = r#"  Version: "2022-11-25"
  RuleFunction:
    Operator: AND
    Operands:
      - Operator: AND
        Operands:
          - Operator: NumberGreaterOrEqualTo
            Operands: [100]
            ComparisonValue: $.MetricData.CONTACTS_IN_QUEUE
            FilterClause:
              LogicOperator: AND
              Filters:
                - {Type: MetricDataFilterByQueue, Data: ["${queue:Billing}"]}
    FilterClause: {LogicOperator: AND, Filters: [{Type: MetricDataGrouping, Data: [QUEUE]}]}
"#;
    let project = Project::new()
        .rule("billing-sentiment", POST_CALL, &post_call)
        .rule("billing-backlog", "OnMetricDataUpdate", metrics);
    let (code, stdout, stderr) =
        project.run(&["explain", "--var", "group=${hierarchy-group:Tier 1}"]);
    assert_eq!(code, 0, "{stderr}");
    assert_in_words(&stdout);
    assert!(
        stdout.contains("the queue is one of Billing, Tier 2 Support"),
        "{stdout}"
    );
    assert!(stdout.contains("the agent is jdoe"), "{stdout}");
    assert!(stdout.contains("in queue Billing"), "{stdout}");
    assert!(
        !stdout.contains("${queue:"),
        "never the reference: {stdout}"
    );
    assert!(
        stdout.contains("${var.group}"),
        "a variable the file wrote reads as the variable: {stdout}"
    );
    insta::assert_snapshot!("explain_references", stdout);
}
