//! The plan renderers (text, JSON, markdown) on a hand-built plan with every kind of change.
//! Pure: no instance, no network.

use std::path::PathBuf;

use connect_rules::diff::{diff, DiffOptions};
use connect_rules::model::{DesiredRule, LiveRule, Rule};
use connect_rules::node::Pos;
use connect_rules::plan::{Change, Plan, PlanTarget};
use connect_rules::render;
use connect_rules::render::markdown::GITHUB_COMMENT_LIMIT;
use connect_rules::style::Style;

const FUNCTION: &str = r#"{"Version":"2022-11-25","RuleFunction":{"Operator":"AND","Operands":[{"Operator":"CONTAINS_ANY","Operands":["refund"],"ComparisonValue":"$.ContactLens.PostCall.ExactMatch.Transcript","Negate":false}]}}"#;
/// The same condition for a post-chat rule.
const CHAT_FUNCTION: &str = r#"{"Version":"2022-11-25","RuleFunction":{"Operator":"AND","Operands":[{"Operator":"CONTAINS_ANY","Operands":["refund"],"ComparisonValue":"$.ContactLens.PostChat.ExactMatch.Transcript","Negate":false}]}}"#;

/// A valid rule from YAML (the `Function` given as a JSON string).
fn rule(name: &str, source: &str, function: &str, tags: &[(&str, &str)]) -> Rule {
    let yaml = format!(
        "Name: {name}\nTriggerEventSource:\n  EventSourceName: {source}\nFunction: '{function}'\nPublishStatus: PUBLISHED\nActions:\n  - ActionType: ASSIGN_CONTACT_CATEGORY\n    AssignContactCategoryAction: {{}}\n"
    );
    let mut rule: Rule = serde_yaml::from_str(&yaml).expect("test rule parses");
    for (key, value) in tags {
        rule.tags.insert((*key).to_owned(), (*value).to_owned());
    }
    rule
}

fn desired(rule: Rule) -> DesiredRule {
    DesiredRule {
        path: PathBuf::from(format!("rules/{}.yaml", rule.name)),
        rule,
        name_pos: Pos { line: 1, col: 7 },
    }
}

fn live(rule: Rule, id: &str) -> LiveRule {
    LiveRule {
        rule_arn: format!("arn:aws:connect:us-east-1:123456789012:instance/inst-1/rule/{id}"),
        rule_id: id.to_owned(),
        rule,
        rule_capability_tiers: Vec::new(),
        created_time: 1_700_000_000.0,
        last_updated_time: 1_700_000_100.0,
        last_updated_by: "arn:aws:iam::123456789012:user/console".to_owned(),
    }
}

fn target() -> PlanTarget {
    PlanTarget {
        name: "prod".to_owned(),
        instance_id: "inst-1".to_owned(),
        local_state: None,
    }
}

const OWNED: (&str, &str) = ("managed-by", "connect-rules");

/// Create, update (Function and Tags), replace, delete, an unchanged rule and two unmanaged.
fn full_plan() -> Plan {
    let other_function = FUNCTION.replace("refund", "cancel");
    let desired_rules = vec![
        desired(rule(
            "new-rule",
            "OnPostCallAnalysisAvailable",
            FUNCTION,
            &[("team", "billing")],
        )),
        desired(rule(
            "changed-rule",
            "OnPostCallAnalysisAvailable",
            &other_function,
            &[("team", "support")],
        )),
        desired(rule(
            "moved-rule",
            "OnPostChatAnalysisAvailable",
            CHAT_FUNCTION,
            &[],
        )),
        desired(rule(
            "same-rule",
            "OnPostCallAnalysisAvailable",
            FUNCTION,
            &[],
        )),
    ];
    let live_rules = vec![
        live(
            rule(
                "changed-rule",
                "OnPostCallAnalysisAvailable",
                FUNCTION,
                &[OWNED, ("team", "sales")],
            ),
            "id-changed",
        ),
        live(
            rule(
                "moved-rule",
                "OnPostCallAnalysisAvailable",
                FUNCTION,
                &[OWNED],
            ),
            "id-moved",
        ),
        live(
            rule(
                "same-rule",
                "OnPostCallAnalysisAvailable",
                FUNCTION,
                &[OWNED],
            ),
            "id-same",
        ),
        live(
            rule(
                "old-rule",
                "OnPostCallAnalysisAvailable",
                FUNCTION,
                &[OWNED],
            ),
            "id-old",
        ),
        live(
            rule("console-rule", "OnPostCallAnalysisAvailable", FUNCTION, &[]),
            "id-console",
        ),
        live(
            rule(
                "legacy-rule",
                "OnPostChatAnalysisAvailable",
                CHAT_FUNCTION,
                &[("team", "x")],
            ),
            "id-legacy",
        ),
    ];
    diff(
        target(),
        &desired_rules,
        &live_rules,
        &DiffOptions::default(),
    )
    .with_id("plan-1")
}

#[test]
fn the_plan_has_every_kind_of_change() {
    let plan = full_plan();
    let kinds: Vec<(&str, &str)> = plan
        .changes
        .iter()
        .map(|change| {
            let kind = match change {
                Change::Create { .. } => "create",
                Change::Update { .. } => "update",
                Change::Replace { .. } => "replace",
                Change::Delete { .. } => "delete",
            };
            (change.name(), kind)
        })
        .collect();
    assert_eq!(
        kinds,
        [
            ("changed-rule", "update"),
            ("moved-rule", "replace"),
            ("new-rule", "create"),
            ("old-rule", "delete"),
        ]
    );
    let Change::Update { fields, .. } = &plan.changes[0] else {
        panic!("changed-rule is an update");
    };
    let names: Vec<&str> = fields.iter().map(|f| f.field.as_str()).collect();
    assert_eq!(names, ["Function", "Tags"]);
    let unmanaged: Vec<&str> = plan.unmanaged.iter().map(|r| r.name.as_str()).collect();
    assert_eq!(unmanaged, ["console-rule", "legacy-rule"]);
    assert_eq!(
        plan.summary_line(),
        "Plan: 1 to create, 1 to update, 1 to replace, 1 to delete. 2 unmanaged rules left alone."
    );
}

#[test]
fn text_plan() {
    insta::assert_snapshot!(render::text::render(&full_plan(), Style::plain()));
}

#[test]
fn json_plan() {
    let text = render::json::render(&full_plan());
    let document: serde_json::Value = serde_json::from_str(&text).expect("the JSON plan parses");
    assert_eq!(document["format_version"], 2);
    let value = &document["targets"][0];
    assert_eq!(value["plan_id"], "plan-1");
    assert_eq!(value["changes"].as_array().map(Vec::len), Some(4));
    assert_eq!(
        connect_rules::plan::file::parse(&text).expect("the plan reads back"),
        full_plan()
    );
    insta::assert_snapshot!(text);
}

#[test]
fn markdown_plan() {
    let text = render::markdown::render(&full_plan(), GITHUB_COMMENT_LIMIT);
    assert!(text.len() <= GITHUB_COMMENT_LIMIT);
    assert_balanced_fences(&text);
    insta::assert_snapshot!(text);
}

/// Every fence line opens or closes a block: an even count of them.
fn assert_balanced_fences(text: &str) {
    let fences = text
        .lines()
        .filter(|line| line.trim_start().starts_with("```"))
        .count();
    assert_eq!(fences % 2, 0, "unbalanced ``` fences in:\n{text}");
}

/// `count` creates, each with a `Function` of some 600 characters.
fn large_plan(count: usize) -> Plan {
    let big = "x".repeat(600);
    let desired_rules: Vec<DesiredRule> = (0..count)
        .map(|i| {
            let function = FUNCTION.replace("refund", &format!("refund-{i:03}-{big}"));
            desired(rule(
                &format!("rule-{i:03}"),
                "OnPostCallAnalysisAvailable",
                &function,
                &[],
            ))
        })
        .collect();
    diff(target(), &desired_rules, &[], &DiffOptions::default()).with_id("plan-1")
}

/// The size guard's promises: under the limit, whole blocks, the note, the summary last.
fn assert_size_guarded(text: &str, limit: usize, summary: &str) {
    assert!(text.len() <= limit, "{} > {limit}", text.len());
    let last = text.lines().last().unwrap_or_default();
    assert_eq!(last, format!("**{summary}**"));
    assert!(
        text.contains("are left out to stay under GitHub's comment limit"),
        "no left-out note in:\n{text}"
    );
    assert_balanced_fences(text);
    // Each diff block kept is whole: as many `<details>` open as close.
    assert_eq!(
        text.matches("<details>").count(),
        text.matches("</details>").count()
    );
}

#[test]
fn markdown_leaves_out_diffs_to_stay_under_the_limit() {
    let plan = large_plan(60);
    let limit = 20_000;
    let text = render::markdown::render(&plan, limit);
    assert_size_guarded(&text, limit, &plan.summary_line());
    // Every rule is still in the summary table.
    assert_eq!(text.matches("| ➕ |").count(), 60);
}

#[test]
fn markdown_stays_under_the_limit_with_400_large_changes() {
    let plan = large_plan(400);
    assert_eq!(plan.summary.create, 400);
    let limit = 20_000;
    let text = render::markdown::render(&plan, limit);
    assert_size_guarded(&text, limit, &plan.summary_line());
}

#[test]
fn markdown_stays_under_githubs_limit_with_400_long_rule_names() {
    let desired_rules: Vec<DesiredRule> = (0..400)
        .map(|i| {
            let name = format!("{i:03}-{}", "n".repeat(150));
            desired(rule(&name, "OnPostCallAnalysisAvailable", FUNCTION, &[]))
        })
        .collect();
    let plan = diff(target(), &desired_rules, &[], &DiffOptions::default()).with_id("plan-1");
    let text = render::markdown::render(&plan, GITHUB_COMMENT_LIMIT);
    assert_size_guarded(&text, GITHUB_COMMENT_LIMIT, &plan.summary_line());
}

#[test]
fn markdown_with_the_default_limit_keeps_many_changes_under_githubs_limit() {
    let big = "y".repeat(2_000);
    let desired_rules: Vec<DesiredRule> = (0..400)
        .map(|i| {
            let function = FUNCTION.replace("refund", &format!("{big}{i}"));
            desired(rule(
                &format!("r{i:03}"),
                "OnPostCallAnalysisAvailable",
                &function,
                &[],
            ))
        })
        .collect();
    let plan = diff(target(), &desired_rules, &[], &DiffOptions::default()).with_id("plan-1");
    let text = render::markdown::render(&plan, GITHUB_COMMENT_LIMIT);
    assert_size_guarded(&text, GITHUB_COMMENT_LIMIT, &plan.summary_line());
}

#[test]
fn a_plan_without_changes_says_no_changes() {
    let rules = [rule(
        "same-rule",
        "OnPostCallAnalysisAvailable",
        FUNCTION,
        &[],
    )];
    let desired_rules: Vec<DesiredRule> = rules.iter().cloned().map(desired).collect();
    let live_rules = vec![live(
        rule(
            "same-rule",
            "OnPostCallAnalysisAvailable",
            FUNCTION,
            &[OWNED],
        ),
        "id-same",
    )];
    let plan = diff(
        target(),
        &desired_rules,
        &live_rules,
        &DiffOptions::default(),
    )
    .with_id("plan-1");
    assert!(!plan.has_changes());
    let text = render::text::render(&plan, Style::plain());
    assert!(text.starts_with("No changes."), "{text}");
    insta::assert_snapshot!("no_changes_text", text);
    let markdown = render::markdown::render(&plan, GITHUB_COMMENT_LIMIT);
    assert!(markdown.contains("No changes"), "{markdown}");
    insta::assert_snapshot!("no_changes_markdown", markdown);
    let json: serde_json::Value =
        serde_json::from_str(&render::json::render(&plan)).expect("JSON parses");
    assert_eq!(json["targets"][0]["changes"], serde_json::json!([]));
}

// Names beside ids (issue 17) ----------------------------------------------------------------

const QUEUE_ID: &str = "7a1c0d2e-0000-4000-8000-00000000b111";
const OLD_FLOW_ID: &str = "11111111-0000-4000-8000-000000000f10";
const FLOW_ID: &str = "44444444-0000-4000-8000-0000000ca11b";
const USER_ID: &str = "55555555-0000-4000-8000-00000000d0e0";
const OTHER_USER_ID: &str = "66666666-0000-4000-8000-00000000d0e1";

/// A post-call rule naming a queue in its Function, a task flow and two notified users, all
/// by id (as the files' references resolved).
fn rule_with_ids(name: &str, flow: &str) -> Rule {
    let function = format!(
        r#"{{"Version":"2022-11-25","RuleFunction":{{"Operator":"AND","Operands":[{{"Operator":"CONTAINS_ANY","Operands":["{QUEUE_ID}"],"ComparisonValue":"$.ContactLens.PostCall.Queue.QueueId","Negate":false}}]}}}}"#
    );
    let yaml = format!(
        r"Name: {name}
TriggerEventSource:
  EventSourceName: OnPostCallAnalysisAvailable
Function: '{function}'
PublishStatus: PUBLISHED
Actions:
  - ActionType: CREATE_TASK
    TaskAction:
      Name: Call back
      ContactFlowId: {flow}
  - ActionType: SEND_NOTIFICATION
    SendNotificationAction:
      DeliveryMethod: EMAIL
      Content: A callback task was created.
      ContentType: PLAIN_TEXT
      Recipient:
        UserIds: [{USER_ID}, {OTHER_USER_ID}]
"
    );
    serde_yaml::from_str(&yaml).expect("test rule parses")
}

fn resolution(kind: &str, name: &str, id: &str) -> connect_rules::plan::Resolution {
    serde_json::from_value(serde_json::json!({
        "reference": format!("${{{kind}:{name}}}"),
        "kind": kind,
        "name": name,
        "id": id,
    }))
    .expect("a resolution")
}

/// A create and an update whose task flow moved to another flow, with the resolutions the
/// files used: the queue, the new flow and one of the two users (the other written as an id).
fn plan_with_names() -> Plan {
    let owned = |rule: Rule| {
        let mut rule = rule;
        rule.tags.insert(OWNED.0.to_owned(), OWNED.1.to_owned());
        rule
    };
    diff(
        target(),
        &[
            desired(rule_with_ids("callback", FLOW_ID)),
            desired(rule_with_ids("new-callback", FLOW_ID)),
        ],
        &[live(
            owned(rule_with_ids("callback", OLD_FLOW_ID)),
            "id-callback",
        )],
        &DiffOptions::default(),
    )
    .with_id("plan-2")
    .with_resolutions(vec![
        resolution("queue", "Billing", QUEUE_ID),
        resolution("flow", "Callback", FLOW_ID),
        resolution("user", "jdoe", USER_ID),
    ])
}

#[test]
fn text_plan_with_names() {
    let text = render::text::render(&plan_with_names(), Style::plain());
    assert!(
        text.contains(&format!("ContactFlowId: {FLOW_ID} (flow \"Callback\")")),
        "a created rule's line: {text}"
    );
    assert!(
        text.contains(&format!(
            "+     ContactFlowId: {FLOW_ID} (flow \"Callback\")"
        )),
        "an updated field's line: {text}"
    );
    let old = text
        .lines()
        .find(|line| line.contains(OLD_FLOW_ID))
        .expect("the old flow is shown");
    assert!(
        !old.contains("(flow"),
        "an id no reference resolved to is shown as it is: {old}"
    );
    assert!(text.contains("the queue is Billing"), "{text}");
    insta::assert_snapshot!(text);
}

#[test]
fn markdown_plan_with_names() {
    let text = render::markdown::render(&plan_with_names(), GITHUB_COMMENT_LIMIT);
    assert!(
        text.contains(&format!("- {USER_ID} (user \"jdoe\")")),
        "list items are named one by one: {text}"
    );
    assert_balanced_fences(&text);
    insta::assert_snapshot!(text);
}

#[test]
fn json_plan_keeps_each_reference_and_its_id() {
    let plan = plan_with_names();
    let text = render::json::render(&plan);
    let document: serde_json::Value = serde_json::from_str(&text).expect("JSON");
    let resolutions = &document["targets"][0]["resolutions"];
    assert_eq!(
        resolutions[0],
        serde_json::json!({
            "reference": "${flow:Callback}",
            "kind": "flow",
            "name": "Callback",
            "id": FLOW_ID,
        })
    );
    assert_eq!(resolutions.as_array().map(Vec::len), Some(3));
    assert_eq!(
        connect_rules::plan::file::parse(&text).expect("reads back"),
        plan
    );
    // Two targets: the same document, one entry each.
    let both = render::json::render_all(&[plan.clone(), full_plan()]);
    let document: serde_json::Value = serde_json::from_str(&both).expect("JSON");
    assert_eq!(document["format_version"], 2);
    let names: Vec<&str> = document["targets"]
        .as_array()
        .expect("targets")
        .iter()
        .map(|plan| plan["plan_id"].as_str().expect("plan id"))
        .collect();
    assert_eq!(names, ["plan-2", "plan-1"]);
}

#[test]
fn drift_text_with_names() {
    let plan = plan_with_names();
    let live = [live(rule_with_ids("callback", OLD_FLOW_ID), "id-callback")];
    let report = connect_rules::drift::drift(&plan, &live);
    let text = render::drift::text(&report, Style::plain());
    assert!(
        text.contains(&format!(
            "+     ContactFlowId: {FLOW_ID} (flow \"Callback\")"
        )),
        "{text}"
    );
    insta::assert_snapshot!(text);
    let json: serde_json::Value =
        serde_json::from_str(&render::drift::json(&report)).expect("JSON");
    assert_eq!(json["targets"][0]["resolutions"][2]["name"], "jdoe");
}
