use serde_json::json;

use super::*;

fn document(source: &str, rule_function: &Json) -> Json {
    json!({
        "Name": "r",
        "TriggerEventSource": {"EventSourceName": source},
        "Function": json!({"Version": "2022-11-25", "RuleFunction": rule_function}).to_string(),
        "Actions": [{"ActionType": "ASSIGN_CONTACT_CATEGORY", "AssignContactCategoryAction": {}}],
        "PublishStatus": "PUBLISHED",
    })
}

#[test]
fn odd_shapes_are_named_in_words_never_dumped() {
    let read = explain_document(&document(
        "OnPostCallAnalysisAvailable",
        &json!({"Operator": "XOR", "Operands": [
            "a bare string",
            {"Something": {"deep": [1, 2]}},
            {"Operator": "EQUALS", "Operands": [{"a": 1}], "ComparisonValue": "$.ContactLens.PostCall.Queue.QueueId",
             "FilterClause": {"LogicOperator": "AND", "Filters": [{"Type": "BrandNewFilter", "Data": {"Past": 5}}]}},
        ]}),
    ));
    for raw in ["{", "}", "\"Type\"", "XOR", "EQUALS"] {
        assert!(!read.contains(raw), "`{raw}` in: {read}");
    }
    assert!(
        read.contains("(a part that is \"a bare string\" instead of a condition)"),
        "{read}"
    );
    assert!(read.contains("with brand new filter past 5"), "{read}");
}

#[test]
fn a_rule_of_the_model_reads_as_its_document() {
    let mut rule = crate::model::Rule::test("r");
    rule.function = json!({"Version": "2022-11-25", "RuleFunction": {"Operator": "AND", "Operands": [
        {"Operator": "NumberGreaterOrEqualTo", "Operands": [2.0], "ComparisonValue": "$.ContactLens.PostCall.Interruptions.Instances"}
    ]}}).to_string();
    let read = explain(&rule);
    assert!(
        read.starts_with("When post-call analysis is available and "),
        "{read}"
    );
    assert!(read.contains("is at least 2,"), "{read}");
}

#[test]
fn metric_grouping_and_sla_sources_read_without_a_catalogue_table() {
    let read = explain_document(&document(
        "OnMetricDataUpdate",
        &json!({"Operator": "AND", "Operands": [{"Operator": "AND", "Operands": [
            {"Operator": "NumberGreaterOrEqualTo", "Operands": [80], "ComparisonValue": "$.MetricData.AGENT_OCCUPANCY",
             "FilterClause": {"LogicOperator": "AND", "Filters": [{"Type": "MetricDataFilterByRoutingProfile", "Data": ["rp-1"]}]}}
        ]}], "FilterClause": {"LogicOperator": "AND", "Filters": [{"Type": "MetricDataGrouping", "Data": ["ROUTING_PROFILE"]}]}}),
    ));
    assert_eq!(
        read,
        "When metric data is updated and for each routing profile, the agent occupancy is at least 80% for routing profile \"rp-1\", then: assign contact category \"r\"."
    );
}

#[test]
fn actions_name_the_flow_form_and_users_the_file_names() {
    let mut document = document(
        "OnPostCallAnalysisAvailable",
        &json!({"Operator": "AND", "Operands": []}),
    );
    document["Actions"] = json!([
        {"ActionType": "CREATE_TASK", "TaskAction": {"Name": "Call back", "ContactFlowId": "${flow:Callback}"}},
        {"ActionType": "SUBMIT_AUTO_EVALUATION", "SubmitAutoEvaluationAction": {"EvaluationFormId": "${evaluation-form:Call quality}"}},
        {"ActionType": "SEND_IN_APP_NOTIFICATION", "SendInAppNotificationAction": {
            "Content": {"en_US": "x"}, "Priority": "HIGH",
            "Recipient": {"UserIds": ["${user:jdoe}", "${var.lead}"], "UserTags": {"role": "coach"}}}},
        {"ActionType": "SEND_NOTIFICATION", "SendNotificationAction": {
            "Subject": "Opened", "Content": "x", "DeliveryMethod": "EMAIL", "ContentType": "PLAIN_TEXT",
            "Recipient": {"UserIds": ["${user:jdoe}", "u-1234"]}}},
        {"ActionType": "CREATE_TASK", "TaskAction": {"Name": "By id", "ContactFlowId": "1111-2222"}},
    ]);
    let read = explain_document(&document);
    assert!(
        read.ends_with(
            "then: create task \"Call back\" with flow Callback; submit an automated evaluation with form Call quality; send an in-app notification to jdoe and ${var.lead}, and to the users tagged role: \"coach\"; send notification \"Opened\"; create task \"By id\"."
        ),
        "a bare id, or a list with one, names nobody: {read}"
    );
}
