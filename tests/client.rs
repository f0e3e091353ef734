//! The SDK edge: every event source and every action type survives a round trip through
//! aws-sdk-connect and the emulator (create, describe, diff = no change), and updates,
//! tagging and deletes land as planned.

use std::collections::BTreeMap;
use std::path::PathBuf;

use connect_rules::client::{ConnectClient, Endpoint};
use connect_rules::diff::{diff, DiffOptions};
use connect_rules::emulator::{Emulator, EmulatorConfig, Operation};
use connect_rules::fetch::fetch_live;
use connect_rules::load::{parse_rule_file, RuleFile};
use connect_rules::model::enums::{ACTION_DEFINITIONS, EVENT_SOURCE_NAMES};
use connect_rules::model::DesiredRule;
use connect_rules::plan::PlanTarget;
use connect_rules::validate::validate;

mod support;

use support::rule_text::{all_actions, integration_line};

fn rule_yaml(index: usize, source: &str, actions: &str) -> String {
    let integration = integration_line(source);
    format!(
        r#"Name: rule-{index:02}-{source}
TriggerEventSource:
  EventSourceName: {source}{integration}
Function:
  Version: "2022-11-25"
  RuleFunction:
    Operator: AND
    Operands:
      - {condition}
PublishStatus: PUBLISHED
PreEvaluationFilters:
  AndConditions:
    - {{ResourceType: CONTACT, FilterType: TAG, FilterKey: team, FilterValue: billing, Operator: EQUALS}}
Actions:{actions}Tags:
  team: qa
"#,
        condition = condition_for(source),
    )
}

/// A condition the rule's source accepts in `RuleFunction.Operands`: metric conditions stand in
/// a metric group; any other source takes an (unchecked) path.
fn condition_for(source: &str) -> &'static str {
    if source == "OnMetricDataUpdate" {
        r#"{Operator: AND, Operands: [{Operator: NumberGreaterOrEqualTo, Operands: [20], ComparisonValue: "$.MetricData.CONTACTS_IN_QUEUE", FilterClause: {LogicOperator: AND, Filters: [{Type: MetricDataFilterByQueue, Data: [queue-1]}]}}]}"#
    } else {
        r#"{Operator: NumberGreaterOrEqualTo, Operands: [60.0], ComparisonValue: "$.Some.Path", Negate: false}"#
    }
}

fn desired_rules() -> Vec<DesiredRule> {
    let files: Vec<RuleFile> = EVENT_SOURCE_NAMES
        .iter()
        .enumerate()
        .map(|(index, source)| RuleFile {
            path: PathBuf::from(format!("rules/{source}.yaml")),
            bytes: rule_yaml(index, source, &all_actions("Call the customer back.")).into_bytes(),
        })
        .collect();
    let sources = files
        .iter()
        .map(|file| parse_rule_file(file, &BTreeMap::new()).expect("test rules parse"))
        .collect();
    let validated = validate(sources);
    assert!(!validated.has_errors(), "{:?}", validated.diagnostics);
    validated.rules
}

async fn client_for(url: String) -> ConnectClient {
    ConnectClient::connect(&Endpoint::local("inst-1", url))
        .await
        .expect("the client connects")
}

fn target() -> PlanTarget {
    PlanTarget {
        name: "test".into(),
        instance_id: "inst-1".into(),
        local_state: None,
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn every_event_source_and_action_type_round_trips_through_the_sdk() {
    let emulator = Emulator::new(EmulatorConfig::default()).unwrap();
    let running = emulator.serve_local().await.unwrap();
    let client = client_for(running.endpoint_url()).await;
    let desired = desired_rules();
    assert_eq!(desired.len(), EVENT_SOURCE_NAMES.len());
    assert_eq!(desired[0].rule.actions.len(), ACTION_DEFINITIONS.len());

    for (index, rule) in desired.iter().enumerate() {
        let owned = connect_rules::model::ownership::with_ownership(&rule.rule);
        client
            .create_rule(&owned, &format!("token-{index}"))
            .await
            .unwrap_or_else(|err| panic!("{}: {err}", rule.rule.name));
    }
    let (live, stats) = fetch_live(&client, 4).await.unwrap();
    assert_eq!(live.len(), desired.len());
    assert_eq!(stats.describe_calls, desired.len());

    let plan = diff(target(), &desired, &live, &DiffOptions::default());
    assert!(
        !plan.has_changes(),
        "round trip changed something: {:#?}",
        plan.changes
    );
    // What the SDK cannot read back is only the memberless END_ASSOCIATED_EMAILS definition.
    let sent = &desired[0].rule.actions;
    let read = &live[0].rule.actions;
    for (sent, read) in sent.iter().zip(read) {
        if sent.action_type != "END_ASSOCIATED_EMAILS" {
            assert_eq!(sent, read);
        }
    }
    running.shutdown().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn updates_tags_and_deletes_land_as_planned() {
    let emulator = Emulator::new(EmulatorConfig::default()).unwrap();
    let running = emulator.serve_local().await.unwrap();
    let client = client_for(running.endpoint_url()).await;
    let mut desired = desired_rules();
    desired.truncate(2);
    for (index, rule) in desired.iter().enumerate() {
        let owned = connect_rules::model::ownership::with_ownership(&rule.rule);
        client
            .create_rule(&owned, &format!("t-{index}"))
            .await
            .unwrap();
    }
    // Edit the first rule's function and tags; drop the second from git.
    desired[0].rule.function = desired[0].rule.function.replace("60.0", "75");
    desired[0]
        .rule
        .tags
        .insert("team".into(), "retention".into());
    desired[0].rule.tags.insert("tier".into(), "gold".into());
    let kept = vec![desired[0].clone()];
    let (live, _) = fetch_live(&client, 2).await.unwrap();
    let plan = diff(target(), &kept, &live, &DiffOptions::default()).with_id("plan-1");
    assert_eq!((plan.summary.update, plan.summary.delete), (1, 1));

    let report = connect_rules::apply::apply(
        &client,
        &plan,
        2,
        &connect_rules::model::ownership::Ownership::default(),
        connect_rules::apply::Stop::never(),
        std::sync::Arc::new(|_| {}),
    )
    .await;
    assert!(!report.has_failures(), "{}", report.table());
    let (after, _) = fetch_live(&client, 2).await.unwrap();
    assert!(!diff(target(), &kept, &after, &DiffOptions::default()).has_changes());
    assert_eq!(after.len(), 1);
    assert_eq!(
        after[0].rule.tags.get("tier").map(String::as_str),
        Some("gold")
    );
    assert_eq!(emulator.count(Operation::UpdateRule), 1);
    assert_eq!(emulator.count(Operation::TagResource), 1);
    assert_eq!(emulator.count(Operation::DeleteRule), 1);
    running.shutdown().await;
}

/// A server that takes a request and never answers must not hang a run: each attempt gives up
/// after the attempt timeout and, after the last attempt, the call fails with an error.
#[tokio::test(flavor = "multi_thread")]
async fn an_answer_that_never_comes_times_out_each_attempt() {
    let emulator = Emulator::new(EmulatorConfig::default()).unwrap();
    let running = emulator.serve_local().await.unwrap();
    // Far longer than the attempt timeout below: for this test the answer never comes.
    emulator
        .faults()
        .set_latency(std::time::Duration::from_hours(1));
    let client = ConnectClient::connect(&Endpoint {
        max_attempts: 2,
        attempt_timeout: std::time::Duration::from_millis(300),
        ..Endpoint::local("inst-1", running.endpoint_url())
    })
    .await
    .expect("the client connects");
    let error = client
        .describe_rule("rule-1")
        .await
        .expect_err("no answer is an error");
    let text = error.to_string();
    assert!(
        text.to_lowercase().contains("timeout") || text.contains("timed out"),
        "{text}"
    );
}
