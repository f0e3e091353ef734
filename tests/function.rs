//! The Rules Function language through the CLI: each kind of finding with its position,
//! `--strict` and `allowed_conditions`, `explain` for every family of event source, and the
//! round trip of every example's `Function` through the typed tree.

use std::fmt::Write as _;
use std::path::Path;

use connect_rules::function::FunctionDoc;
use connect_rules::validate::FunctionPolicy;

mod support;

use support::rule_text::all_of;
use support::{Project, RuleText};

impl Project {
    /// `rules/FILE` for `source` with `function`; third-party sources get an integration.
    fn rule(self, file: &str, source: &str, function: &str) -> Self {
        let mut text = RuleText::new(file.trim_end_matches(".yaml"))
            .source(source)
            .function(function);
        if source.contains("Zendesk") || source.contains("Salesforce") {
            text = text.integration("integration-1");
        }
        self.rule_file(file, &text.build())
    }
}

/// A `Function` mapping with `conditions` (YAML lines indented for `Operands:`) under AND.
fn function(conditions: &str) -> String {
    all_of(conditions)
}

/// `validate` on one rule: its exit code and findings.
fn findings(source: &str, body: &str) -> (i32, String) {
    let (code, _, stderr) = Project::new()
        .rule("rule.yaml", source, body)
        .run(&["validate"]);
    (code, stderr)
}

const POST_CALL: &str = "OnPostCallAnalysisAvailable";
const REAL_TIME: &str = "OnRealTimeCallAnalysisAvailable";

#[test]
fn each_kind_of_finding_names_its_place() {
    let cases: &[(&str, &str, String)] = &[
        ("missing Version", POST_CALL, "  RuleFunction:\n    Operator: AND\n    Operands:\n      - {Operator: CONTAINS_ANY, Operands: [refund], ComparisonValue: $.ContactLens.PostCall.ExactMatch.Transcript}\n".to_owned()),
        ("wrong Version", POST_CALL, function("      - {Operator: CONTAINS_ANY, Operands: [refund], ComparisonValue: $.ContactLens.PostCall.ExactMatch.Transcript}\n").replace("\"2022-11-25\"", "\"2023-01-01\"")),
        ("top operator", POST_CALL, function("      - {Operator: CONTAINS_ANY, Operands: [refund], ComparisonValue: $.ContactLens.PostCall.ExactMatch.Transcript}\n").replace("Operator: AND", "Operator: XOR")),
        ("single condition at the top", POST_CALL, "  Version: \"2022-11-25\"\n  RuleFunction: {Operator: CONTAINS_ANY, Operands: [refund], ComparisonValue: $.ContactLens.PostCall.ExactMatch.Transcript}\n".to_owned()),
        ("post-call path in a real-time rule", REAL_TIME, function("      - {Operator: CONTAINS_ANY, Operands: [refund], ComparisonValue: $.ContactLens.PostCall.ExactMatch.Transcript}\n")),
        ("operator not allowed", POST_CALL, function("      - {Operator: EQUALS, Operands: [refund], ComparisonValue: $.ContactLens.PostCall.ExactMatch.Transcript}\n")),
        ("operand count", POST_CALL, function("      - {Operator: EQUALS, Operands: [paid, free], ComparisonValue: $.ContactLens.PostCall.ContactAttribute.plan}\n")),
        ("operand type", POST_CALL, function("      - {Operator: NumberGreaterOrEqualTo, Operands: [\"3\"], ComparisonValue: $.ContactLens.PostCall.Sentiment.OverallScore}\n")),
        ("number out of range", POST_CALL, function("      - {Operator: NumberGreaterOrEqualTo, Operands: [9], ComparisonValue: $.ContactLens.PostCall.Sentiment.OverallScore}\n")),
        ("enum operand", POST_CALL, function("      - {Operator: EQUALS, Operands: [NEGATIV], ComparisonValue: $.ContactLens.PostCall.Sentiment.State}\n")),
        ("filter type", POST_CALL, function("      - Operator: CONTAINS_ANY\n        Operands: [refund]\n        ComparisonValue: $.ContactLens.PostCall.ExactMatch.Transcript\n        FilterClause:\n          LogicOperator: AND\n          Filters:\n            - {Type: ParticipantRol, Data: CUSTOMER}\n")),
        ("filter data", POST_CALL, function("      - Operator: CONTAINS_ANY\n        Operands: [refund]\n        ComparisonValue: $.ContactLens.PostCall.ExactMatch.Transcript\n        FilterClause:\n          LogicOperator: AND\n          Filters:\n            - {Type: ParticipantRole, Data: CALLER}\n")),
        ("negate not allowed", POST_CALL, function("      - {Operator: EQUALS, Operands: [NEGATIVE], ComparisonValue: $.ContactLens.PostCall.Sentiment.State, Negate: true}\n")),
        ("score outside its form group", "OnContactEvaluationSubmit", function("      - {Operator: NumberLessOrEqualTo, Operands: [50], ComparisonValue: $.ContactLens.ContactEvaluation.Form.Score}\n")),
        ("group whose Operands is not a list", POST_CALL, function("      - {Operator: OR, Operands: oops}\n")),
        ("a filter twice", POST_CALL, function("      - Operator: CONTAINS_ANY\n        Operands: [refund]\n        ComparisonValue: $.ContactLens.PostCall.ExactMatch.Transcript\n        FilterClause:\n          LogicOperator: AND\n          Filters:\n            - {Type: ParticipantRole, Data: CUSTOMER}\n            - {Type: ParticipantRole, Data: CUSTOMER}\n")),
        ("a number too large to hold", "OnContactEvaluationSubmit", function("      - Operator: AND\n        Operands:\n          - {Operator: EQUALS, Operands: [form-1], ComparisonValue: $.ContactLens.ContactEvaluation.Form.FormId}\n          - {Operator: NumberLessOrEqualTo, Operands: [1e400], ComparisonValue: $.ContactLens.ContactEvaluation.Form.Score}\n")),
        ("inside a JSON string", POST_CALL, "  '{\"Version\":\"2022-11-25\",\"RuleFunction\":{\"Operator\":\"AND\",\"Operands\":[{\"Operator\":\"EQUALS\",\"Operands\":[\"refund\"],\"ComparisonValue\":\"$.ContactLens.PostCall.ExactMatch.Transcript\"}]}}'\n".to_owned()),
    ];
    let mut report = String::new();
    for (label, source, body) in cases {
        let (code, stderr) = findings(source, body);
        assert_eq!(code, 1, "{label}: {stderr}");
        assert!(stderr.contains("rules/rule.yaml:"), "{label}: {stderr}");
        assert!(stderr.contains(": error: "), "{label}: {stderr}");
        let _ = writeln!(report, "## {label}\n{stderr}");
    }
    insta::assert_snapshot!("function_findings", report);
}

#[test]
fn an_unknown_path_warns_fails_under_strict_and_can_be_allowed() {
    let body = function("      - {Operator: CONTAINS_ANY, Operands: [x], ComparisonValue: $.ContactLens.PostCall.Brand.New}\n");
    let project = Project::new().rule("rule.yaml", POST_CALL, &body);

    let (code, _, warned) = project.run(&["validate"]);
    assert_eq!(code, 0, "{warned}");
    assert!(
        warned.contains("rules/rule.yaml:9:66: warning: "),
        "{warned}"
    );

    let (code, _, strict) = project.run(&["validate", "--strict"]);
    assert_eq!(code, 1, "{strict}");
    assert!(strict.contains("rules/rule.yaml:9:66: error: "), "{strict}");

    let project = project.config("allowed_conditions: [\"$.ContactLens.PostCall.Brand.*\"]\n");
    let (code, _, allowed) = project.run(&["validate", "--strict"]);
    assert_eq!(code, 0, "{allowed}");
    assert!(!allowed.contains(": warning: "), "{allowed}");
    insta::assert_snapshot!(
        "function_unknown_path",
        format!("## validate\n{warned}\n## validate --strict\n{strict}\n## allowed\n{allowed}")
    );
}

#[test]
fn a_bad_function_stops_plan_before_any_request() {
    // No instance is named, so plan would use the embedded local one; the checks run first.
    let body = function("      - {Operator: EQUALS, Operands: [refund], ComparisonValue: $.ContactLens.PostCall.ExactMatch.Transcript}\n");
    let project = Project::new().rule("rule.yaml", POST_CALL, &body);
    let (code, stdout, stderr) = project.run(&["plan"]);
    assert_eq!(code, 1, "{stdout}{stderr}");
    assert!(stderr.contains("is not allowed with"), "{stderr}");
    assert!(
        !project
            .dir
            .path()
            .join(".connect-rules/local-instance.json")
            .exists(),
        "the local instance was not even created"
    );
}

#[test]
fn explain_reads_every_family_of_event_source() {
    let project = Project::new()
        .rule("call.yaml", REAL_TIME, &function("      - Operator: CONTAINS_ANY\n        Operands: [\"speak to a manager\"]\n        ComparisonValue: $.ContactLens.RealTimeCall.ExactMatch.Transcript\n        FilterClause: {LogicOperator: AND, Filters: [{Type: ParticipantRole, Data: CUSTOMER}]}\n      - {Operator: CONTAINS_ANY, Operands: [q-1, q-2], ComparisonValue: $.ContactLens.RealTimeCall.Queue.QueueId, Negate: true}\n"))
        .rule("post-call.yaml", POST_CALL, &function("      - {Operator: NumberLessOrEqualTo, Operands: [-2], ComparisonValue: $.ContactLens.PostCall.Sentiment.OverallScore, FilterClause: {LogicOperator: AND, Filters: [{Type: ParticipantRole, Data: CUSTOMER}]}}\n      - {Operator: EQUALS, Operands: [gold], ComparisonValue: $.ContactLens.PostCall.ContactAttribute.tier}\n"))
        .rule("chat.yaml", "OnPostChatAnalysisAvailable", &function("      - {Operator: CONTAINS_ANY, Operands: [refund], ComparisonValue: $.ContactLens.PostChat.SemanticMatch.Transcript}\n"))
        .rule("email.yaml", "OnEmailAnalysisAvailable", &function("      - {Operator: CONTAINS_ANY, Operands: [INBOUND], ComparisonValue: $.ContactLens.Email.InitiationMethod}\n"))
        .rule("evaluation.yaml", "OnContactEvaluationSubmit", &function("      - Operator: AND\n        Operands:\n          - {Operator: EQUALS, Operands: [form-1], ComparisonValue: $.ContactLens.ContactEvaluation.Form.FormId}\n          - {Operator: NumberLessOrEqualTo, Operands: [50], ComparisonValue: $.ContactLens.ContactEvaluation.Form.Score}\n"))
        .rule("case.yaml", "OnCaseUpdate", &function("      - {Operator: EQUALS, Operands: [closed], ComparisonValue: $.Case.Fields.status}\n"))
        .rule("zendesk.yaml", "OnZendeskTicketCreate", &function("      - {Operator: EQUALS, Operands: [incident], ComparisonValue: $.ThirdParty.Zendesk.TicketCreate.Type}\n"))
        .rule("sla.yaml", "OnSlaBreach", &function("      - {Operator: CONTAINS_ANY, Operands: [sla-1], ComparisonValue: $.RelatedItem.SlaConfiguration.Name}\n"))
        .rule("metrics.yaml", "OnMetricDataUpdate", &function("      - Operator: AND\n        Operands:\n          - {Operator: NumberGreaterOrEqualTo, Operands: [20], ComparisonValue: $.MetricData.CONTACTS_IN_QUEUE, FilterClause: {LogicOperator: AND, Filters: [{Type: MetricDataFilterByQueue, Data: [q-1]}]}}\n"))
        .rule("schedule.yaml", "OnSchedulePublish", &function("      - {Operator: CONTAINS_ANY, Operands: [team-a], ComparisonValue: $.Schedule.StaffingGroupId}\n"));
    let (code, stdout, stderr) = project.run(&["explain"]);
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(stdout.matches("\nWhen ").count(), 10, "{stdout}");
    insta::assert_snapshot!(
        "explain_every_family",
        format!("{stdout}\n--- stderr\n{stderr}")
    );

    let (code, stdout, _) = project.run(&["explain", "rules/case.yaml", "chat"]);
    assert_eq!(code, 0);
    assert!(stdout.starts_with("case ("), "{stdout}");
    assert!(stdout.contains("\nchat ("), "{stdout}");
}

#[test]
fn explain_of_an_unknown_rule_fails_with_a_suggestion() {
    let project = Project::new().rule("refund.yaml", POST_CALL, &function("      - {Operator: CONTAINS_ANY, Operands: [refund], ComparisonValue: $.ContactLens.PostCall.ExactMatch.Transcript}\n"));
    let (code, _, stderr) = project.run(&["explain", "refnd"]);
    assert_eq!(code, 1);
    assert!(
        stderr.contains("no rule named or stored in `refnd`"),
        "{stderr}"
    );
    assert!(stderr.contains("did you mean `refund`?"), "{stderr}");
}

/// Every example rule validates with no finding at all, and every example's `Function`
/// survives the typed tree unchanged.
#[test]
fn the_examples_are_clean_and_every_function_round_trips() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let config: serde_yaml::Value = serde_yaml::from_str(
        &std::fs::read_to_string(root.join("connect-rules.yaml")).expect("config"),
    )
    .expect("config parses");
    let variables = config["targets"]["local"]["variables"]
        .as_mapping()
        .expect("local variables")
        .iter()
        .map(|(k, v)| {
            (
                k.as_str().expect("name").to_owned(),
                v.as_str().expect("value").to_owned(),
            )
        })
        .collect();
    let policy = FunctionPolicy {
        strict: true,
        allowed_conditions: Vec::new(),
    };
    let loaded = connect_rules::load::load_rules(&root.join("rules"), &variables, &policy);
    assert!(loaded.diagnostics.is_empty(), "{:#?}", loaded.diagnostics);
    assert_eq!(loaded.rules.len(), loaded.files);
    for desired in &loaded.rules {
        let json: serde_json::Value =
            serde_json::from_str(&desired.rule.function).expect("the function is JSON");
        let doc = FunctionDoc::from_json(&json).expect("an object");
        assert_eq!(doc.to_json(), json, "{}", desired.path.display());
        assert!(!doc.conditions().is_empty(), "{}", desired.path.display());
    }
}
