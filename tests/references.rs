//! `${KIND:NAME}` references (issue 17): names resolved against the target's instance through
//! the resource list operations, end to end through aws-sdk-connect and the emulator.

mod support;

use connect_rules::emulator::{parse_seed, EmulatorConfig};
use support::{Env, Project};

const SEED: &str = "\
queues:
  - Name: Retention
    Id: 11111111-0000-4000-8000-00000000a11e
  - Name: Billing
    Id: 22222222-0000-4000-8000-00000000b111
  - Name: Support
    Id: 33333333-0000-4000-8000-000000000001
  - Name: Support
    Id: 33333333-0000-4000-8000-000000000002
contact_flows:
  - Name: Callback
    Id: 44444444-0000-4000-8000-0000000ca11b
users:
  - Username: jdoe
    Id: 55555555-0000-4000-8000-00000000d0e0
";

/// A post-call rule whose queue, task flow and notified user are written by name.
fn rule(queue: &str, flow: &str) -> String {
    format!(
        r#"Name: retention-callback
TriggerEventSource:
  EventSourceName: OnPostCallAnalysisAvailable
Function:
  Version: "2022-11-25"
  RuleFunction:
    Operator: AND
    Operands:
      - Operator: CONTAINS_ANY
        Operands: ["{queue}"]
        ComparisonValue: $.ContactLens.PostCall.Queue.QueueId
        Negate: false
      - Operator: EQUALS
        Operands: [NEGATIVE]
        ComparisonValue: $.ContactLens.PostCall.Sentiment.State
        FilterClause:
          LogicOperator: AND
          Filters:
            - Type: ParticipantRole
              Data: CUSTOMER
        Negate: false
PublishStatus: PUBLISHED
Actions:
  - ActionType: CREATE_TASK
    TaskAction:
      Name: Call back the customer
      ContactFlowId: "{flow}"
  - ActionType: SEND_NOTIFICATION
    SendNotificationAction:
      DeliveryMethod: EMAIL
      Subject: "Cost: $${{queue:not a reference}}"
      Content: A callback task was created.
      ContentType: PLAIN_TEXT
      Recipient:
        UserIds: ["${{user:jdoe}}"]
"#
    )
}

async fn seeded() -> Env {
    let seed = parse_seed(std::path::Path::new("seed.yaml"), SEED).expect("seed parses");
    Env::with(EmulatorConfig::default().with_resources(seed)).await
}

#[tokio::test(flavor = "multi_thread")]
async fn names_in_rules_and_variables_apply_as_the_ids_they_resolve_to() {
    let env = seeded().await;
    env.write_rule("retention", &rule("${var.retention}", "${flow:Callback}"));
    env.run(&[
        "apply",
        "--auto-approve",
        "--var",
        "retention=${queue:Retention}",
    ])
    .await
    .expect(0);
    let live = env.live_by_name().await;
    let rule = &live["retention-callback"].rule;
    let function = &rule.function;
    assert!(
        function.contains("11111111-0000-4000-8000-00000000a11e"),
        "the queue's id, through a variable: {function}"
    );
    let actions = serde_json::to_string(&rule.actions).expect("actions serialise");
    assert!(
        actions.contains("44444444-0000-4000-8000-0000000ca11b"),
        "{actions}"
    );
    assert!(
        actions.contains("55555555-0000-4000-8000-00000000d0e0"),
        "{actions}"
    );
    assert!(
        actions.contains("Cost: ${queue:not a reference}"),
        "an escaped reference is text: {actions}"
    );
    // Planned again with the same names: nothing to do.
    env.run(&[
        "plan",
        "--detailed-exitcode",
        "--var",
        "retention=${queue:Retention}",
    ])
    .await
    .expect(0);
}

#[tokio::test(flavor = "multi_thread")]
async fn an_unknown_or_shared_name_stops_the_plan_before_anything_is_sent() {
    let env = seeded().await;
    env.write_rule("retention", &rule("${queue:Retension}", "${flow:Callback}"));
    let run = env.run(&["apply", "--auto-approve"]).await;
    run.expect(1);
    assert!(
        run.stderr.contains(
            "retention.yaml:10:20: error: `${queue:Retension}`: no queue is named `Retension` on this instance"
        ),
        "{run}"
    );
    assert!(run.stderr.contains("did you mean `Retention`?"), "{run}");
    assert_eq!(env.mutations(), 0, "nothing was sent");

    env.write_rule("retention", &rule("${queue:Support}", "${flow:Callback}"));
    let run = env.run(&["plan"]).await;
    run.expect(1);
    assert!(
        run.stderr.contains("2 queues are named `Support` (`33333333-0000-4000-8000-000000000001`, `33333333-0000-4000-8000-000000000002`)"),
        "{run}"
    );
    assert_eq!(env.mutations(), 0);
}

#[test]
fn validate_checks_the_form_of_references_offline() {
    let project = Project::new().rule_file(
        "rules/retention.yaml",
        &rule("${queues:Retention}", "${flow:Callback}"),
    );
    let (code, _, stderr) = project.run(&["validate"]);
    assert_eq!(code, 1, "{stderr}");
    assert!(
        stderr.contains("`${queues:...}` names no kind of resource"),
        "{stderr}"
    );
    assert!(stderr.contains("did you mean `queue`?"), "{stderr}");

    let project = Project::new().rule_file(
        "rules/retention.yaml",
        &rule("${queue:Retention}", "${flow:Callback}"),
    );
    let (code, _, stderr) = project.run(&["validate"]);
    assert_eq!(
        code, 0,
        "a well-formed reference is checked against the instance later: {stderr}"
    );
}

#[test]
fn validate_refuses_a_reference_of_the_wrong_kind_for_its_place() {
    let project = Project::new().rule_file(
        "retention.yaml",
        &rule("${queue:Retention}", "${queue:Callback}"),
    );
    let (code, _, stderr) = project.run(&["validate"]);
    assert_eq!(code, 1, "{stderr}");
    assert!(
        stderr.contains("retention.yaml:27:22: error: `${queue:Callback}` names a queue, but `ContactFlowId` of a task action takes a flow"),
        "{stderr}"
    );
    assert!(
        stderr.contains("hint: write `${flow:NAME}` with the flow's Name"),
        "{stderr}"
    );
    // In the Function the model does not say what a value is: a queue there is not judged.
    let project = Project::new().rule_file(
        "retention.yaml",
        &rule("${flow:Callback}", "${flow:Callback}"),
    );
    let (code, _, stderr) = project.run(&["validate"]);
    assert_eq!(code, 0, "{stderr}");
}

#[test]
fn a_queue_renamed_on_the_local_instance_is_a_plan_change() {
    let project = Project::new()
        .file("seed.yaml", SEED)
        .config(
            "rules: rules\ntargets:\n  local:\n    local_state: state.json\n    resources: seed.yaml\n",
        )
        .rule_file(
            "rules/retention.yaml",
            &rule("${queue:Retention}", "${flow:Callback}"),
        );
    let (code, _, stderr) = project.run(&["apply", "--auto-approve"]);
    assert_eq!(code, 0, "{stderr}");
    // Someone renames the queues in the console: "Retention" is now the other queue.
    let swapped = SEED
        .replace("Name: Retention", "Name: Old retention")
        .replace("Name: Billing", "Name: Retention");
    std::fs::write(project.path().join("seed.yaml"), swapped).expect("seed rewritten");
    let (code, stdout, stderr) = project.run(&["plan", "--detailed-exitcode"]);
    assert_eq!(code, 2, "{stdout}\n{stderr}");
    assert!(stdout.contains("1 to update"), "{stdout}");
    assert!(
        stdout.contains("22222222-0000-4000-8000-00000000b111"),
        "the new queue's id: {stdout}"
    );
}

/// A project on the local instance, seeded from `seed.yaml`, with the retention rule written
/// by name.
fn local_project() -> Project {
    Project::new()
        .file("seed.yaml", SEED)
        .config(
            "rules: rules\ntargets:\n  local:\n    local_state: state.json\n    resources: seed.yaml\n",
        )
        .rule_file(
            "retention.yaml",
            &rule("${queue:Retention}", "${flow:Callback}"),
        )
}

/// The run filters, with each seeded id named for what it is first (the generic filter would
/// make every id `[RULE_ID]`).
fn filters_with_seed_ids(project: &Project) -> Vec<(String, String)> {
    let mut filters = vec![
        (
            "11111111-0000-4000-8000-00000000a11e".to_owned(),
            "[QUEUE_RETENTION]".to_owned(),
        ),
        (
            "22222222-0000-4000-8000-00000000b111".to_owned(),
            "[QUEUE_BILLING]".to_owned(),
        ),
        (
            "44444444-0000-4000-8000-0000000ca11b".to_owned(),
            "[FLOW_CALLBACK]".to_owned(),
        ),
        (
            "55555555-0000-4000-8000-00000000d0e0".to_owned(),
            "[USER_JDOE]".to_owned(),
        ),
    ];
    filters.extend(support::snapshot::run_filters(project.path()));
    filters
}

#[test]
fn plans_show_each_resolved_id_with_its_name_and_keep_the_reference_in_json() {
    let project = local_project();
    let (code, stdout, stderr) = project.run(&["plan"]);
    assert_eq!(code, 0, "{stderr}");
    assert!(
        stdout.contains("ContactFlowId: 44444444-0000-4000-8000-0000000ca11b (flow \"Callback\")"),
        "{stdout}"
    );
    assert!(stdout.contains("the queue is Retention"), "{stdout}");
    support::snapshot::assert_filtered!(
        filters_with_seed_ids(&project),
        "plan_text_with_names",
        stdout
    );

    let (code, markdown, stderr) = project.run(&["plan", "--format", "markdown"]);
    assert_eq!(code, 0, "{stderr}");
    assert!(
        markdown
            .contains("ContactFlowId: 44444444-0000-4000-8000-0000000ca11b (flow \"Callback\")"),
        "{markdown}"
    );
    assert!(
        !markdown.contains("jdoe"),
        "a comment hides who is notified, by id and by name: {markdown}"
    );

    let (code, json, stderr) = project.run(&["plan", "--format", "json"]);
    assert_eq!(code, 0, "{stderr}");
    let document: serde_json::Value = serde_json::from_str(&json).expect("the JSON plan parses");
    assert_eq!(document["format_version"], 2);
    let resolutions = &document["targets"][0]["resolutions"];
    assert_eq!(
        resolutions,
        &serde_json::json!([
            {"reference": "${flow:Callback}", "kind": "flow", "name": "Callback",
             "id": "44444444-0000-4000-8000-0000000ca11b"},
            {"reference": "${queue:Retention}", "kind": "queue", "name": "Retention",
             "id": "11111111-0000-4000-8000-00000000a11e"},
            {"reference": "${user:jdoe}", "kind": "user", "name": "jdoe",
             "id": "55555555-0000-4000-8000-00000000d0e0"},
        ]),
        "{json}"
    );
    // The JSON plan applies ids: the rule's Function holds the queue's id, not its name.
    let function = document["targets"][0]["changes"][0]["after"]["Function"]
        .as_str()
        .expect("the Function");
    assert!(
        function.contains("11111111-0000-4000-8000-00000000a11e") && !function.contains("${"),
        "{function}"
    );

    // Drift reads the same names.
    let (code, drift, stderr) = project.run(&["drift", "--format", "json"]);
    assert_eq!(code, 2, "{stderr}");
    let drift: serde_json::Value = serde_json::from_str(&drift).expect("the drift JSON parses");
    assert_eq!(drift["targets"][0]["resolutions"], *resolutions);
}

#[test]
fn a_saved_plan_whose_names_resolve_elsewhere_now_is_refused_before_anything_is_sent() {
    let project = local_project();
    let (code, _, stderr) = project.run(&["plan", "--out", "plan.json"]);
    assert_eq!(code, 0, "{stderr}");
    let seed = project.path().join("seed.yaml");

    // "Retention" now names the other queue, and the task flow is gone.
    let moved = SEED
        .replace("Name: Retention", "Name: Old retention")
        .replace("Name: Billing", "Name: Retention")
        .replace("Name: Callback", "Name: Callback (old)");
    std::fs::write(&seed, moved).expect("seed rewritten");
    let (code, stdout, stderr) = project.run(&["apply", "plan.json"]);
    assert_eq!(code, 1, "{stdout}\n{stderr}");
    assert!(
        stderr.contains("the plan is stale: the resources it names resolve differently"),
        "{stderr}"
    );
    assert!(
        stderr.contains("`${queue:Retention}` resolved to `11111111-0000-4000-8000-00000000a11e` when the plan was made; now it is `22222222-0000-4000-8000-00000000b111`"),
        "{stderr}"
    );
    assert!(
        stderr.contains("`${flow:Callback}` resolved to `44444444-0000-4000-8000-0000000ca11b` when the plan was made; now no flow is named `Callback` on the instance"),
        "{stderr}"
    );
    assert!(stderr.contains("hint: re-run plan"), "{stderr}");
    support::snapshot::assert_filtered!(
        filters_with_seed_ids(&project),
        "stale_resolutions_stderr",
        stderr
    );
    // Back as it was: nothing was written, so the instance (read through ListRules and
    // DescribeRule) still lacks the rule...
    std::fs::write(&seed, SEED).expect("seed restored");
    let (code, json, stderr) = project.run(&["plan", "--format", "json"]);
    assert_eq!(code, 0, "{stderr}");
    let document: serde_json::Value = serde_json::from_str(&json).expect("the JSON plan parses");
    assert_eq!(document["targets"][0]["summary"]["create"], 1, "{json}");
    assert_eq!(document["targets"][0]["summary"]["update"], 0, "{json}");

    // ... and the same saved plan applies, with the ids it holds.
    let (code, stdout, stderr) = project.run(&["apply", "plan.json"]);
    assert_eq!(code, 0, "{stdout}\n{stderr}");
    assert_eq!(
        support::project::rule_names_in(&project.path().join("state.json")),
        ["retention-callback"]
    );
}

/// One resource of every kind, each with its id (and, for the hierarchy group, its ARN) given.
const EVERY_KIND: &str = "\
queues:
  - {Name: Billing, Id: q-billing}
contact_flows:
  - {Name: Callback, Id: f-callback}
users:
  - {Username: jdoe, Id: u-jdoe}
routing_profiles:
  - {Name: Front line, Id: rp-front}
evaluation_forms:
  - {Title: Call quality, EvaluationFormId: ef-quality}
integration_associations:
  - {SourceApplicationName: Salesforce, IntegrationAssociationId: ia-salesforce, SourceType: SALESFORCE}
agent_statuses:
  - {Name: Lunch, Id: as-lunch}
hierarchy_groups:
  - {Name: Tier 1, Id: hg-tier-1, Arn: 'arn:aws:connect:us-east-1:123456789012:instance/inst-1/agent-group/hg-tier-1'}
";

/// A post-chat rule naming a queue, a user, a routing profile and a hierarchy group in its
/// Function and a flow in its task.
const CHAT_RULE: &str = r#"Name: chat-every-kind
TriggerEventSource:
  EventSourceName: OnPostChatAnalysisAvailable
Function:
  Version: "2022-11-25"
  RuleFunction:
    Operator: AND
    Operands:
      - {Operator: CONTAINS_ANY, Operands: ["${queue:Billing}"], ComparisonValue: $.ContactLens.PostChat.Queue.QueueId, Negate: false}
      - {Operator: CONTAINS_ANY, Operands: ["${user:jdoe}"], ComparisonValue: $.ContactLens.PostChat.Agent.AgentId, Negate: false}
      - {Operator: CONTAINS_ANY, Operands: ["${routing-profile:Front line}"], ComparisonValue: $.ContactLens.PostChat.Agent.RoutingProfile, Negate: false}
      - {Operator: CONTAINS_ANY, Operands: ["${hierarchy-group:Tier 1}"], ComparisonValue: $.ContactLens.PostChat.Agent.HierarchyGroup.ARN, Negate: false}
PublishStatus: PUBLISHED
Actions:
  - ActionType: CREATE_TASK
    TaskAction:
      Name: Call back
      ContactFlowId: ${flow:Callback}
"#;

/// An evaluation rule naming its form.
const EVALUATION_RULE: &str = r#"Name: evaluation-every-kind
TriggerEventSource:
  EventSourceName: OnContactEvaluationSubmit
Function:
  Version: "2022-11-25"
  RuleFunction:
    Operator: AND
    Operands:
      - Operator: AND
        Operands:
          - {Operator: EQUALS, Operands: ["${evaluation-form:Call quality}"], ComparisonValue: $.ContactLens.ContactEvaluation.Form.FormId, Negate: false}
          - {Operator: NumberLessOrEqualTo, Operands: [60], ComparisonValue: $.ContactLens.ContactEvaluation.Form.Score, Negate: false}
PublishStatus: PUBLISHED
Actions:
  - ActionType: SEND_IN_APP_NOTIFICATION
    SendInAppNotificationAction:
      Content: {en_US: Low score.}
      Recipient: {UserIds: ["${user:jdoe}"]}
      Priority: HIGH
"#;

/// A Salesforce rule naming its integration.
const SALESFORCE_RULE: &str = r#"Name: salesforce-every-kind
TriggerEventSource:
  EventSourceName: OnSalesforceCaseCreate
  IntegrationAssociationId: ${integration:Salesforce}
Function:
  Version: "2022-11-25"
  RuleFunction:
    Operator: AND
    Operands:
      - {Operator: EQUALS, Operands: ["001KEY"], ComparisonValue: $.ThirdParty.Salesforce.CaseCreate.AccountId, Negate: false}
PublishStatus: DRAFT
Actions:
  - ActionType: CREATE_TASK
    TaskAction:
      Name: New case
      ContactFlowId: ${flow:Callback}
"#;

/// A metric rule naming an agent status.
const METRIC_RULE: &str = r#"Name: metric-every-kind
TriggerEventSource:
  EventSourceName: OnMetricDataUpdate
Function:
  Version: "2022-11-25"
  RuleFunction:
    Operator: OR
    Operands:
      - Operator: AND
        Operands:
          - Operator: EQUALS
            Operands: ["${agent-status:Lunch}"]
            ComparisonValue: $.MetricData.AGENT_ACTIVITY
            FilterClause:
              LogicOperator: AND
              Filters:
                - {Type: MetricDataFilterByAgentHierarchyLevelOne, Data: [level-1]}
                - {Type: AgentActivityDurationSeconds, Data: {Past: 600}}
            Negate: true
    FilterClause:
      LogicOperator: AND
      Filters:
        - {Type: MetricDataGrouping, Data: [AGENT]}
PublishStatus: PUBLISHED
Actions:
  - ActionType: ASSIGN_CONTACT_CATEGORY
    AssignContactCategoryAction: {}
"#;

#[tokio::test(flavor = "multi_thread")]
async fn every_kind_applies_as_the_id_or_arn_its_place_takes() {
    let seed = parse_seed(std::path::Path::new("seed.yaml"), EVERY_KIND).expect("seed parses");
    let env = Env::with(EmulatorConfig::default().with_resources(seed)).await;
    env.write_rule("chat", CHAT_RULE);
    env.write_rule("evaluation", EVALUATION_RULE);
    env.write_rule("salesforce", SALESFORCE_RULE);
    env.write_rule("metric", METRIC_RULE);
    env.run(&["apply", "--auto-approve"]).await.expect(0);

    // What the service holds, as DescribeRule answers it.
    let live = env.live_by_name().await;
    let described =
        |name: &str| serde_json::to_string(&live[name].rule).expect("a rule serialises");
    let chat = described("chat-every-kind");
    for id in [
        "q-billing",
        "u-jdoe",
        "rp-front",
        "f-callback",
        "arn:aws:connect:us-east-1:123456789012:instance/inst-1/agent-group/hg-tier-1",
    ] {
        assert!(chat.contains(id), "{id} in {chat}");
    }
    assert!(
        !chat.contains("\\\"hg-tier-1\\\""),
        "a condition on the hierarchy group's ARN gets the ARN, not the id: {chat}"
    );
    let evaluation = described("evaluation-every-kind");
    assert!(
        evaluation.contains("ef-quality") && evaluation.contains("u-jdoe"),
        "{evaluation}"
    );
    let salesforce = described("salesforce-every-kind");
    assert!(salesforce.contains("ia-salesforce"), "{salesforce}");
    assert!(described("metric-every-kind").contains("as-lunch"));
    assert!(!format!("{chat}{evaluation}{salesforce}").contains("${"));

    // Planned again by name: nothing to do.
    env.run(&["plan", "--detailed-exitcode"]).await.expect(0);
}

/// The chat rule's Function written as a JSON string, as the console and `export --raw-ids`
/// write it.
const CHAT_RULE_JSON_FUNCTION: &str = r#"Name: chat-json-function
TriggerEventSource:
  EventSourceName: OnPostChatAnalysisAvailable
Function: '{"Version":"2022-11-25","RuleFunction":{"Operator":"AND","Operands":[{"Operator":"CONTAINS_ANY","Operands":["${hierarchy-group:Tier 1}"],"ComparisonValue":"$.ContactLens.PostChat.Agent.HierarchyGroup.ARN","Negate":false},{"Operator":"CONTAINS_ANY","Operands":["${queue:Billing}"],"ComparisonValue":"$.ContactLens.PostChat.Queue.QueueId","Negate":false}]}}'
PublishStatus: PUBLISHED
Actions:
  - ActionType: GENERATE_EVENTBRIDGE_EVENT
    EventBridgeAction:
      Name: chat-json-function
"#;

#[tokio::test(flavor = "multi_thread")]
async fn a_function_written_as_json_gets_the_hierarchy_groups_arn_too() {
    let seed = parse_seed(std::path::Path::new("seed.yaml"), EVERY_KIND).expect("seed parses");
    let env = Env::with(EmulatorConfig::default().with_resources(seed)).await;
    env.write_rule("chat", CHAT_RULE_JSON_FUNCTION);
    // Through a saved plan, whose check of its resolutions takes the ARN too.
    env.run(&["plan", "--out", "plan.json"]).await.expect(0);
    env.run(&["apply", "plan.json", "--auto-approve"])
        .await
        .expect(0);
    let live = env.live_by_name().await;
    let function = &live["chat-json-function"].rule.function;
    assert!(
        function.contains(
            r#"["arn:aws:connect:us-east-1:123456789012:instance/inst-1/agent-group/hg-tier-1"]"#
        ) && function.contains(r#"["q-billing"]"#),
        "the hierarchy group by ARN, the queue by id: {function}"
    );
    env.run(&["plan", "--detailed-exitcode"]).await.expect(0);

    // Export names the group's ARN as it names ids, and the file plans as no change.
    std::fs::remove_file(env.path().join("rules/chat.yaml")).expect("remove the rule file");
    let export = env.run(&["export"]).await;
    export.expect(0);
    let exported = std::fs::read_to_string(env.path().join("rules/chat-json-function.yaml"))
        .unwrap_or_else(|err| panic!("the exported file: {err}\n{export}"));
    assert!(
        exported.contains("${hierarchy-group:Tier 1}") && exported.contains("${queue:Billing}"),
        "{exported}"
    );
    assert!(!exported.contains("agent-group/hg-tier-1"), "{exported}");
    env.run(&["plan", "--detailed-exitcode"]).await.expect(0);
}
