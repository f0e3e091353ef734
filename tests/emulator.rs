//! The emulator driven through `aws-sdk-connect`, as the plan/apply code drives a real instance,
//! plus raw HTTP for the wire details the SDK hides. All traffic stays on 127.0.0.1.

use std::collections::HashSet;
use std::net::SocketAddr;
use std::time::{Duration, Instant};

use aws_sdk_connect::config::retry::RetryConfig;
use aws_sdk_connect::config::timeout::TimeoutConfig;
use aws_sdk_connect::error::ProvideErrorMetadata;
use aws_sdk_connect::operation::create_rule::builders::CreateRuleFluentBuilder;
use aws_sdk_connect::operation::create_rule::CreateRuleError;
use aws_sdk_connect::operation::delete_rule::DeleteRuleError;
use aws_sdk_connect::operation::describe_rule::DescribeRuleError;
use aws_sdk_connect::operation::list_rules::ListRulesError;
use aws_sdk_connect::operation::update_rule::UpdateRuleError;
use aws_sdk_connect::types::{
    ActionType, AssignContactCategoryActionDefinition, EventBridgeActionDefinition,
    EventSourceName, RuleAction, RulePublishStatus, RuleTriggerEventSource,
};
use aws_sdk_connect::Client;
use connect_rules::emulator::{Emulator, EmulatorConfig, ErrorKind, Operation, RunningEmulator};
use serde_json::{json, Value as Json};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

mod support;

use support::credentials::sdk_config;

const INSTANCE: &str = "11111111-2222-3333-4444-555555555555";
const FUNCTION: &str = r#"{"Version":"2022-11-25","RuleFunction":{"Operator":"CONTAINS_ANY","Operands":["refund"],"ComparisonValue":"$.ContactLens.PostCall.ExactMatch.Transcript"}}"#;

/// A running emulator and an SDK client pointed at it.
struct Harness {
    emulator: Emulator,
    running: RunningEmulator,
    client: Client,
}

impl Harness {
    async fn start() -> Self {
        Self::with(EmulatorConfig::default(), RetryConfig::disabled()).await
    }

    async fn with(config: EmulatorConfig, retry: RetryConfig) -> Self {
        let emulator = Emulator::new(config).expect("emulator starts");
        let running = emulator.serve_local().await.expect("emulator binds");
        let client = client(&running.endpoint_url(), retry);
        Harness {
            emulator,
            running,
            client,
        }
    }

    fn addr(&self) -> SocketAddr {
        self.running.addr
    }

    /// A `CreateRule` call for a valid `DRAFT` rule on the test instance.
    fn create(&self, name: &str) -> CreateRuleFluentBuilder {
        self.client
            .create_rule()
            .instance_id(INSTANCE)
            .name(name)
            .trigger_event_source(source(EventSourceName::OnPostCallAnalysisAvailable))
            .function(FUNCTION)
            .actions(category_action())
            .publish_status(RulePublishStatus::Draft)
    }
}

fn client(endpoint: &str, retry: RetryConfig) -> Client {
    let config = sdk_config(endpoint)
        .retry_config(retry)
        .timeout_config(
            TimeoutConfig::builder()
                .operation_timeout(Duration::from_secs(20))
                .build(),
        )
        .build();
    Client::from_conf(config)
}

/// Retries as the SDK does by default, but with short back-offs so tests stay fast.
fn quick_retries(attempts: u32) -> RetryConfig {
    RetryConfig::standard()
        .with_max_attempts(attempts)
        .with_initial_backoff(Duration::from_millis(5))
        .with_max_backoff(Duration::from_millis(20))
}

fn source(name: EventSourceName) -> RuleTriggerEventSource {
    RuleTriggerEventSource::builder()
        .event_source_name(name)
        .build()
        .unwrap()
}

fn category_action() -> RuleAction {
    RuleAction::builder()
        .action_type(ActionType::AssignContactCategory)
        .assign_contact_category_action(AssignContactCategoryActionDefinition::builder().build())
        .build()
        .unwrap()
}

fn eventbridge_action(name: &str) -> RuleAction {
    RuleAction::builder()
        .action_type(ActionType::GenerateEventbridgeEvent)
        .event_bridge_action(
            EventBridgeActionDefinition::builder()
                .name(name)
                .build()
                .unwrap(),
        )
        .build()
        .unwrap()
}

#[tokio::test]
async fn create_describe_list_update_delete() {
    let h = Harness::start().await;
    let created = h
        .create("escalate")
        .tags("team", "qa")
        .send()
        .await
        .unwrap();
    let rule_id = created.rule_id().to_owned();
    assert_eq!(
        created.rule_arn(),
        format!("arn:aws:connect:us-east-1:123456789012:instance/{INSTANCE}/rule/{rule_id}")
    );

    let described = h
        .client
        .describe_rule()
        .instance_id(INSTANCE)
        .rule_id(&rule_id)
        .send()
        .await
        .unwrap();
    let rule = described.rule().unwrap();
    assert_eq!(rule.name(), "escalate");
    assert_eq!(rule.function(), FUNCTION);
    assert_eq!(rule.publish_status(), &RulePublishStatus::Draft);
    assert_eq!(rule.actions(), [category_action()]);
    assert_eq!(
        rule.trigger_event_source().unwrap().event_source_name(),
        &EventSourceName::OnPostCallAnalysisAvailable
    );
    assert_eq!(rule.tags().unwrap()["team"], "qa");
    assert!(rule
        .last_updated_by()
        .starts_with("arn:aws:iam::123456789012:"));
    let created_time = *rule.created_time();
    let first_update = *rule.last_updated_time();

    let listed = h
        .client
        .list_rules()
        .instance_id(INSTANCE)
        .send()
        .await
        .unwrap();
    let summaries = listed.rule_summary_list();
    assert_eq!(summaries.len(), 1);
    assert_eq!(summaries[0].rule_id(), rule_id);
    assert_eq!(
        summaries[0].action_summaries()[0].action_type(),
        &ActionType::AssignContactCategory
    );
    assert_eq!(listed.next_token(), None);

    h.client
        .update_rule()
        .instance_id(INSTANCE)
        .rule_id(&rule_id)
        .name("escalate")
        .function(FUNCTION)
        .actions(eventbridge_action("escalated"))
        .publish_status(RulePublishStatus::Published)
        .send()
        .await
        .unwrap();
    let updated = h
        .client
        .describe_rule()
        .instance_id(INSTANCE)
        .rule_id(&rule_id)
        .send()
        .await
        .unwrap();
    let updated = updated.rule().unwrap();
    assert_eq!(updated.publish_status(), &RulePublishStatus::Published);
    assert_eq!(updated.actions(), [eventbridge_action("escalated")]);
    assert_eq!(
        updated.tags().unwrap()["team"],
        "qa",
        "UpdateRule keeps tags"
    );
    assert_eq!(*updated.created_time(), created_time);
    assert!(*updated.last_updated_time() > first_update);

    h.client
        .delete_rule()
        .instance_id(INSTANCE)
        .rule_id(&rule_id)
        .send()
        .await
        .unwrap();
    let gone = h
        .client
        .describe_rule()
        .instance_id(INSTANCE)
        .rule_id(&rule_id)
        .send()
        .await
        .unwrap_err()
        .into_service_error();
    assert!(
        matches!(gone, DescribeRuleError::ResourceNotFoundException(_)),
        "{gone:?}"
    );
    let again = h
        .client
        .delete_rule()
        .instance_id(INSTANCE)
        .rule_id(&rule_id)
        .send()
        .await
        .unwrap_err()
        .into_service_error();
    assert!(
        matches!(again, DeleteRuleError::ResourceNotFoundException(_)),
        "{again:?}"
    );
}

#[tokio::test]
async fn the_paginator_sees_every_rule_once() {
    let h = Harness::start().await;
    for index in 0..7 {
        h.create(&format!("rule-{index}")).send().await.unwrap();
    }
    h.emulator.clear_requests();
    let summaries = h
        .client
        .list_rules()
        .instance_id(INSTANCE)
        .max_results(2)
        .into_paginator()
        .items()
        .send()
        .try_collect()
        .await
        .unwrap();
    let names: Vec<&str> = summaries
        .iter()
        .map(aws_sdk_connect::types::RuleSummary::name)
        .collect();
    assert_eq!(
        names,
        ["rule-0", "rule-1", "rule-2", "rule-3", "rule-4", "rule-5", "rule-6"]
    );
    let unique: HashSet<&str> = summaries
        .iter()
        .map(aws_sdk_connect::types::RuleSummary::rule_id)
        .collect();
    assert_eq!(unique.len(), 7);
    assert_eq!(h.emulator.count(Operation::ListRules), 4);
}

#[tokio::test]
async fn a_tampered_or_foreign_next_token_is_refused() {
    let h = Harness::start().await;
    for index in 0..3 {
        h.create(&format!("rule-{index}")).send().await.unwrap();
    }
    let page = h
        .client
        .list_rules()
        .instance_id(INSTANCE)
        .max_results(1)
        .send()
        .await
        .unwrap();
    let token = page.next_token().unwrap().to_owned();
    let mut tampered = token.clone().into_bytes();
    tampered[2] = if tampered[2] == b'0' { b'1' } else { b'0' };
    let other = Harness::start().await;
    for bad in [String::from_utf8(tampered).unwrap(), "garbage".to_owned()] {
        let error = h
            .client
            .list_rules()
            .instance_id(INSTANCE)
            .next_token(bad)
            .send()
            .await
            .unwrap_err()
            .into_service_error();
        assert!(
            matches!(error, ListRulesError::InvalidRequestException(_)),
            "{error:?}"
        );
        assert!(error.message().unwrap().contains("invalid nextToken"));
    }
    let foreign = other
        .client
        .list_rules()
        .instance_id(INSTANCE)
        .next_token(token)
        .send()
        .await
        .unwrap_err()
        .into_service_error();
    assert!(
        matches!(foreign, ListRulesError::InvalidRequestException(_)),
        "{foreign:?}"
    );
}

#[tokio::test]
async fn list_filters_by_publish_status_and_event_source() {
    let h = Harness::start().await;
    h.create("draft-call").send().await.unwrap();
    h.create("published-call")
        .publish_status(RulePublishStatus::Published)
        .send()
        .await
        .unwrap();
    h.create("draft-chat")
        .trigger_event_source(source(EventSourceName::OnPostChatAnalysisAvailable))
        .send()
        .await
        .unwrap();
    let names = |output: aws_sdk_connect::operation::list_rules::ListRulesOutput| -> Vec<String> {
        output
            .rule_summary_list()
            .iter()
            .map(|s| s.name().to_owned())
            .collect()
    };
    let published = h
        .client
        .list_rules()
        .instance_id(INSTANCE)
        .publish_status(RulePublishStatus::Published)
        .send()
        .await
        .unwrap();
    assert_eq!(names(published), ["published-call"]);
    let chats = h
        .client
        .list_rules()
        .instance_id(INSTANCE)
        .event_source_name(EventSourceName::OnPostChatAnalysisAvailable)
        .send()
        .await
        .unwrap();
    assert_eq!(names(chats), ["draft-chat"]);
    let bad = h
        .client
        .list_rules()
        .instance_id(INSTANCE)
        .max_results(500)
        .send()
        .await
        .unwrap_err()
        .into_service_error();
    assert!(
        bad.message().unwrap().contains("at 'maxResults'"),
        "{bad:?}"
    );
}

#[tokio::test]
async fn typed_errors_from_the_service_rules() {
    let h = Harness::with(
        EmulatorConfig::default().with_rule_quota(2),
        RetryConfig::disabled(),
    )
    .await;
    h.create("taken").send().await.unwrap();

    let conflict = h
        .create("taken")
        .send()
        .await
        .unwrap_err()
        .into_service_error();
    assert!(
        matches!(conflict, CreateRuleError::ResourceConflictException(_)),
        "{conflict:?}"
    );

    let invalid = h
        .create(&"x".repeat(201))
        .send()
        .await
        .unwrap_err()
        .into_service_error();
    assert!(
        matches!(invalid, CreateRuleError::InvalidRequestException(_)),
        "{invalid:?}"
    );
    let message = invalid.message().unwrap();
    assert!(
        message.starts_with("1 validation error detected: Value '")
            && message.contains("' at 'name' failed to satisfy constraint: Member must have length less than or equal to 200"),
        "{message}"
    );

    let mismatched = h
        .create("mismatched")
        .actions(
            RuleAction::builder()
                .action_type(ActionType::CreateTask)
                .event_bridge_action(
                    EventBridgeActionDefinition::builder()
                        .name("e")
                        .build()
                        .unwrap(),
                )
                .build()
                .unwrap(),
        )
        .send()
        .await
        .unwrap_err()
        .into_service_error();
    let message = mismatched.message().unwrap();
    assert!(
        message.contains("'actions.2.member.taskAction'"),
        "{message}"
    );
    assert!(
        message.contains("'actions.2.member.eventBridgeAction'"),
        "{message}"
    );

    let missing = h
        .client
        .describe_rule()
        .instance_id(INSTANCE)
        .rule_id("no-such-rule")
        .send()
        .await
        .unwrap_err()
        .into_service_error();
    assert!(
        matches!(missing, DescribeRuleError::ResourceNotFoundException(_)),
        "{missing:?}"
    );

    h.create("second").send().await.unwrap();
    let quota = h
        .create("third")
        .send()
        .await
        .unwrap_err()
        .into_service_error();
    assert!(
        matches!(quota, CreateRuleError::ServiceQuotaExceededException(_)),
        "{quota:?}"
    );
}

#[tokio::test]
async fn injected_faults_arrive_as_typed_errors() {
    let h = Harness::start().await;
    let faults = h.emulator.faults();
    faults.fail_next(Operation::ListRules, ErrorKind::Throttling, 1);
    faults.fail_next(Operation::ListRules, ErrorKind::InternalService, 1);
    faults.fail_next(Operation::DescribeRule, ErrorKind::AccessDenied, 1);
    let list = || h.client.list_rules().instance_id(INSTANCE).send();

    let throttled = list().await.unwrap_err().into_service_error();
    assert!(
        matches!(throttled, ListRulesError::ThrottlingException(_)),
        "{throttled:?}"
    );
    let internal = list().await.unwrap_err().into_service_error();
    assert!(
        matches!(internal, ListRulesError::InternalServiceException(_)),
        "{internal:?}"
    );
    list().await.expect("faults run out");

    let denied = h
        .client
        .describe_rule()
        .instance_id(INSTANCE)
        .rule_id("any")
        .send()
        .await
        .unwrap_err()
        .into_service_error();
    assert!(
        matches!(denied, DescribeRuleError::AccessDeniedException(_)),
        "{denied:?}"
    );

    faults.set_failure_rate(1.0, 42);
    let random = list().await.unwrap_err().into_service_error();
    assert!(
        matches!(
            random,
            ListRulesError::ThrottlingException(_) | ListRulesError::InternalServiceException(_)
        ),
        "{random:?}"
    );
    faults.clear();
    list().await.expect("cleared");
}

#[tokio::test]
async fn throttles_then_success_counts_the_sdk_retries() {
    let h = Harness::with(EmulatorConfig::default(), quick_retries(4)).await;
    h.emulator
        .faults()
        .fail_next(Operation::CreateRule, ErrorKind::Throttling, 3);
    h.create("patient")
        .send()
        .await
        .expect("the fourth attempt succeeds");
    assert_eq!(h.emulator.count(Operation::CreateRule), 4);
    let statuses: Vec<u16> = h.emulator.requests().iter().map(|r| r.status).collect();
    assert_eq!(statuses, [429, 429, 429, 200]);
    let rules = h
        .client
        .list_rules()
        .instance_id(INSTANCE)
        .send()
        .await
        .unwrap();
    assert_eq!(
        rules.rule_summary_list().len(),
        1,
        "retries created one rule"
    );
}

#[tokio::test]
async fn the_rate_limit_throttles_past_the_burst() {
    let h = Harness::start().await;
    h.emulator.faults().set_rate_limit(0.001, 2);
    let mut throttled = 0;
    for _ in 0..4 {
        if let Err(error) = h.client.list_rules().instance_id(INSTANCE).send().await {
            assert!(matches!(
                error.into_service_error(),
                ListRulesError::ThrottlingException(_)
            ));
            throttled += 1;
        }
    }
    assert_eq!(throttled, 2);
}

#[tokio::test]
async fn latency_delays_answers() {
    let h = Harness::start().await;
    h.emulator.faults().set_latency(Duration::from_millis(150));
    let started = Instant::now();
    h.client
        .list_rules()
        .instance_id(INSTANCE)
        .send()
        .await
        .unwrap();
    assert!(started.elapsed() >= Duration::from_millis(150));
}

#[tokio::test]
async fn client_tokens_make_create_idempotent() {
    let h = Harness::start().await;
    let first = h
        .create("once")
        .client_token("token-1")
        .send()
        .await
        .unwrap();
    let second = h
        .create("once")
        .client_token("token-1")
        .send()
        .await
        .unwrap();
    assert_eq!(first.rule_id(), second.rule_id());
    assert_eq!(first.rule_arn(), second.rule_arn());
    let rules = h
        .client
        .list_rules()
        .instance_id(INSTANCE)
        .send()
        .await
        .unwrap();
    assert_eq!(rules.rule_summary_list().len(), 1);

    let reused = h
        .create("other-name")
        .client_token("token-1")
        .send()
        .await
        .unwrap_err()
        .into_service_error();
    assert!(
        matches!(reused, CreateRuleError::ResourceConflictException(_)),
        "{reused:?}"
    );
    assert!(reused.message().unwrap().contains("different parameters"));
}

#[tokio::test]
async fn renames_follow_the_event_source() {
    let h = Harness::start().await;
    let call = h.create("call-rule").send().await.unwrap();
    let case = h
        .create("case-rule")
        .trigger_event_source(
            RuleTriggerEventSource::builder()
                .event_source_name(EventSourceName::OnSalesforceCaseCreate)
                .integration_association_id("assoc-1")
                .build()
                .unwrap(),
        )
        .send()
        .await
        .unwrap();
    let rename = |rule_id: &str, name: &str| {
        h.client
            .update_rule()
            .instance_id(INSTANCE)
            .rule_id(rule_id)
            .name(name)
            .function(FUNCTION)
            .actions(category_action())
            .publish_status(RulePublishStatus::Draft)
            .send()
    };
    rename(case.rule_id(), "case-rule-renamed").await.unwrap();
    let renamed = h
        .client
        .describe_rule()
        .instance_id(INSTANCE)
        .rule_id(case.rule_id())
        .send()
        .await
        .unwrap();
    assert_eq!(renamed.rule().unwrap().name(), "case-rule-renamed");

    let refused = rename(call.rule_id(), "call-rule-renamed")
        .await
        .unwrap_err()
        .into_service_error();
    assert!(
        matches!(refused, UpdateRuleError::InvalidRequestException(_)),
        "{refused:?}"
    );
    assert!(refused
        .message()
        .unwrap()
        .contains("OnPostCallAnalysisAvailable"));

    let taken = rename(case.rule_id(), "call-rule")
        .await
        .unwrap_err()
        .into_service_error();
    assert!(
        matches!(taken, UpdateRuleError::ResourceConflictException(_)),
        "{taken:?}"
    );

    let no_integration = h
        .create("zendesk")
        .trigger_event_source(source(EventSourceName::OnZendeskTicketCreate))
        .send()
        .await
        .unwrap_err()
        .into_service_error();
    assert!(no_integration
        .message()
        .unwrap()
        .contains("'triggerEventSource.integrationAssociationId'"));
}

#[tokio::test]
async fn tags_through_the_tag_operations() {
    let h = Harness::start().await;
    let created = h
        .create("tagged")
        .tags("team", "qa")
        .tags("env", "dev")
        .send()
        .await
        .unwrap();
    let arn = created.rule_arn();
    let tags = |h: &Harness| {
        let request = h.client.list_tags_for_resource().resource_arn(arn).send();
        async move {
            let mut tags: Vec<(String, String)> = request
                .await
                .unwrap()
                .tags()
                .unwrap()
                .clone()
                .into_iter()
                .collect();
            tags.sort();
            tags
        }
    };
    let pair = |k: &str, v: &str| (k.to_owned(), v.to_owned());
    assert_eq!(tags(&h).await, [pair("env", "dev"), pair("team", "qa")]);

    h.client
        .tag_resource()
        .resource_arn(arn)
        .tags("owner", "ops")
        .tags("env", "prod")
        .send()
        .await
        .unwrap();
    h.client
        .untag_resource()
        .resource_arn(arn)
        .tag_keys("team")
        .tag_keys("absent")
        .send()
        .await
        .unwrap();
    assert_eq!(tags(&h).await, [pair("env", "prod"), pair("owner", "ops")]);

    let rule = h
        .client
        .describe_rule()
        .instance_id(INSTANCE)
        .rule_id(created.rule_id())
        .send()
        .await
        .unwrap();
    assert_eq!(rule.rule().unwrap().tags().unwrap().len(), 2);

    let missing = h
        .client
        .list_tags_for_resource()
        .resource_arn(arn.replace(created.rule_id(), "nope"))
        .send()
        .await
        .unwrap_err()
        .into_service_error();
    assert!(missing.is_resource_not_found_exception(), "{missing:?}");
}

#[tokio::test]
async fn state_survives_a_restart_and_a_corrupt_file_is_an_error() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("local-instance.json");
    let config = EmulatorConfig::default().with_state_file(&path);
    let rule_id = {
        let h = Harness::with(config.clone(), RetryConfig::disabled()).await;
        let id = h
            .create("durable")
            .tags("k", "v")
            .send()
            .await
            .unwrap()
            .rule_id()
            .to_owned();
        h.running.shutdown().await;
        id
    };
    let saved: Json = serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
    assert_eq!(saved["format_version"], 1);

    let h = Harness::with(config.clone(), RetryConfig::disabled()).await;
    let rule = h
        .client
        .describe_rule()
        .instance_id(INSTANCE)
        .rule_id(&rule_id)
        .send()
        .await
        .unwrap();
    assert_eq!(rule.rule().unwrap().name(), "durable");
    assert_eq!(rule.rule().unwrap().function(), FUNCTION);
    // The running emulator holds the state file's lock; it is released when it is gone.
    h.running.shutdown().await;
    drop(h.emulator);

    std::fs::write(&path, "{\"format_version\":1,\"instances\":{").unwrap();
    let error = Emulator::new(config).unwrap_err();
    let message = format!("{error:#}");
    assert!(message.contains("local-instance.json"), "{message}");
    assert!(message.contains("not valid JSON"), "{message}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_creates_lose_nothing() {
    let h = Harness::start().await;
    let mut tasks = tokio::task::JoinSet::new();
    for task in 0..16 {
        let client = h.client.clone();
        tasks.spawn(async move {
            for index in (task..500).step_by(16) {
                client
                    .create_rule()
                    .instance_id(INSTANCE)
                    .name(format!("rule-{index:03}"))
                    .trigger_event_source(source(EventSourceName::OnRealTimeCallAnalysisAvailable))
                    .function(FUNCTION)
                    .actions(category_action())
                    .publish_status(RulePublishStatus::Published)
                    .send()
                    .await
                    .unwrap();
            }
        });
    }
    while let Some(done) = tasks.join_next().await {
        done.unwrap();
    }
    let summaries = h
        .client
        .list_rules()
        .instance_id(INSTANCE)
        .max_results(200)
        .into_paginator()
        .items()
        .send()
        .try_collect()
        .await
        .unwrap();
    let names: HashSet<&str> = summaries
        .iter()
        .map(aws_sdk_connect::types::RuleSummary::name)
        .collect();
    let ids: HashSet<&str> = summaries
        .iter()
        .map(aws_sdk_connect::types::RuleSummary::rule_id)
        .collect();
    assert_eq!(summaries.len(), 500);
    assert_eq!(names.len(), 500);
    assert_eq!(ids.len(), 500);
}

/// An HTTP answer read off the wire.
struct RawResponse {
    status: u16,
    headers: Vec<(String, String)>,
    body: String,
}

impl RawResponse {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(key, _)| key.eq_ignore_ascii_case(name))
            .map(|(_, value)| value.as_str())
    }

    fn json(&self) -> Json {
        serde_json::from_str(&self.body).unwrap()
    }
}

/// One HTTP/1.1 request on its own connection, bounded in time.
async fn raw(addr: SocketAddr, method: &str, path: &str, body: &str) -> RawResponse {
    let exchange = async {
        let mut stream = tokio::net::TcpStream::connect(addr).await.unwrap();
        let request = format!(
            "{method} {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\
             Content-Type: application/json\r\nContent-Length: {}\r\n\r\n{body}",
            body.len()
        );
        stream.write_all(request.as_bytes()).await.unwrap();
        let mut answer = String::new();
        stream.read_to_string(&mut answer).await.unwrap();
        answer
    };
    let answer = tokio::time::timeout(Duration::from_secs(10), exchange)
        .await
        .expect("the emulator answers");
    let (head, body) = answer.split_once("\r\n\r\n").unwrap();
    let mut lines = head.lines();
    let status = lines
        .next()
        .unwrap()
        .split(' ')
        .nth(1)
        .unwrap()
        .parse()
        .unwrap();
    let headers = lines
        .filter_map(|line| line.split_once(": "))
        .map(|(key, value)| (key.to_owned(), value.to_owned()))
        .collect();
    RawResponse {
        status,
        headers,
        body: body.to_owned(),
    }
}

#[tokio::test]
async fn wire_errors_carry_the_type_header_and_both_message_keys() {
    let h = Harness::start().await;
    let body = json!({
        "Name": "bad name",
        "TriggerEventSource": {"EventSourceName": "OnPostCallAnalysisAvailable"},
        "Function": FUNCTION,
        "Actions": [{"ActionType": "ASSIGN_CONTACT_CATEGORY", "AssignContactCategoryAction": {}}],
        "PublishStatus": "LIVE"
    });
    let answer = raw(
        h.addr(),
        "POST",
        &format!("/rules/{INSTANCE}"),
        &body.to_string(),
    )
    .await;
    assert_eq!(answer.status, 400);
    assert_eq!(
        answer.header("x-amzn-ErrorType"),
        Some("InvalidRequestException")
    );
    assert_eq!(answer.header("content-type"), Some("application/json"));
    assert!(answer.header("x-amzn-RequestId").is_some());
    let json = answer.json();
    assert_eq!(json["message"], json["Message"]);
    insta::assert_snapshot!(
        "invalid_create_error_body",
        serde_json::to_string_pretty(&json).unwrap()
    );

    let unknown = raw(h.addr(), "GET", "/instances/abc", "").await;
    assert_eq!(unknown.status, 404);
    assert_eq!(
        unknown.header("x-amzn-ErrorType"),
        Some("UnknownOperationException")
    );
    assert!(unknown.json()["message"]
        .as_str()
        .unwrap()
        .contains("GET /instances/abc"));
    let records = h.emulator.requests();
    assert_eq!(records.last().unwrap().operation, None);
    assert_eq!(records.last().unwrap().status, 404);

    let malformed = raw(
        h.addr(),
        "POST",
        &format!("/rules/{INSTANCE}"),
        "{\"Name\":",
    )
    .await;
    assert_eq!(malformed.status, 400);
    assert_eq!(
        malformed.header("x-amzn-ErrorType"),
        Some("SerializationException")
    );

    let throttled = {
        h.emulator
            .faults()
            .fail_next(Operation::ListRules, ErrorKind::Throttling, 1);
        raw(h.addr(), "GET", &format!("/rules/{INSTANCE}"), "").await
    };
    assert_eq!(throttled.status, 429);
    assert_eq!(
        throttled.header("x-amzn-ErrorType"),
        Some("ThrottlingException")
    );
}

#[tokio::test]
async fn wire_bodies_keep_members_byte_for_byte_with_numeric_timestamps() {
    let h = Harness::start().await;
    // Odd spacing, key order and escapes that a re-serialisation would change.
    let function = "{ \"Version\" : \"2022-11-25\",\n  \"RuleFunction\":{\"Operator\":\"OR\",\"Operands\":[\"caf\\u00e9\", 1.50]} }";
    let body = json!({
        "Name": "wire",
        "TriggerEventSource": {"EventSourceName": "OnSalesforceCaseCreate", "IntegrationAssociationId": "assoc-1"},
        "Function": function,
        "Actions": [{"ActionType": "GENERATE_EVENTBRIDGE_EVENT", "EventBridgeAction": {"Name": "evt"}}],
        "PublishStatus": "PUBLISHED",
        "Tags": {"team": "qa"}
    });
    let created = raw(
        h.addr(),
        "POST",
        &format!("/rules/{INSTANCE}"),
        &body.to_string(),
    )
    .await;
    assert_eq!(created.status, 200, "{}", created.body);
    let rule_id = created.json()["RuleId"].as_str().unwrap().to_owned();

    let described = raw(h.addr(), "GET", &format!("/rules/{INSTANCE}/{rule_id}"), "").await;
    assert_eq!(described.status, 200);
    let mut json = described.json();
    let rule = &json["Rule"];
    assert_eq!(rule["Function"].as_str().unwrap(), function);
    assert!(rule["CreatedTime"].is_number() && rule["LastUpdatedTime"].is_number());
    let live: connect_rules::model::LiveRule = serde_json::from_value(rule.clone()).unwrap();
    assert_eq!(live.rule.function, function);

    let arn = rule["RuleArn"].as_str().unwrap().to_owned();
    for (key, placeholder) in [
        ("RuleId", "[rule-id]"),
        ("RuleArn", "[rule-arn]"),
        ("CreatedTime", "[time]"),
        ("LastUpdatedTime", "[time]"),
    ] {
        json["Rule"][key] = json!(placeholder);
    }
    insta::assert_json_snapshot!("describe_rule_body", json);

    let summaries = raw(
        h.addr(),
        "GET",
        &format!("/rules/{INSTANCE}?maxResults=5"),
        "",
    )
    .await;
    let summary = &summaries.json()["RuleSummaryList"][0];
    assert!(summary["CreatedTime"].is_number());
    assert_eq!(
        summary["ActionSummaries"],
        json!([{"ActionType": "GENERATE_EVENTBRIDGE_EVENT"}])
    );

    // The ARN label with its slashes left unencoded still reaches the rule.
    let tags = raw(h.addr(), "GET", &format!("/tags/{arn}"), "").await;
    assert_eq!(tags.json(), json!({"tags": {"team": "qa"}}));
}

/// A `CREATE_TASK` action whose references take `bytes` bytes in total (keys and values).
fn task_with_reference_bytes(bytes: usize) -> RuleAction {
    use aws_sdk_connect::types::{Reference, ReferenceType, TaskActionDefinition};
    let key = "playbook";
    let reference = Reference::builder()
        .r#type(ReferenceType::String)
        .value("x".repeat(bytes - key.len()))
        .build()
        .unwrap();
    RuleAction::builder()
        .action_type(ActionType::CreateTask)
        .task_action(
            TaskActionDefinition::builder()
                .name("Call back")
                .contact_flow_id("flow-1")
                .references(key, reference)
                .build()
                .unwrap(),
        )
        .build()
        .unwrap()
}

#[tokio::test]
async fn task_references_over_4096_bytes_are_refused_as_validate_refuses_them() {
    let h = Harness::start().await;
    // `create` carries a category action already: the task is the second action.
    // The limit `validate` enforces (tests/validate.rs::references_over_4096_bytes), one rule
    // written once and shared: exactly 4,096 bytes pass, one more does not.
    h.create("at-the-limit")
        .actions(task_with_reference_bytes(4096))
        .send()
        .await
        .expect("4,096 bytes of references are allowed");
    let refused = h
        .create("over-the-limit")
        .actions(task_with_reference_bytes(4097))
        .send()
        .await
        .unwrap_err();
    let status = refused.raw_response().map(|raw| raw.status().as_u16());
    assert_eq!(status, Some(400), "{refused:?}");
    let error = refused.into_service_error();
    assert!(
        matches!(error, CreateRuleError::InvalidRequestException(_)),
        "{error:?}"
    );
    let message = error.message().unwrap();
    assert!(
        message.starts_with("1 validation error detected: ")
            && message.contains("at 'actions.2.member.taskAction.references' failed to satisfy constraint: Member must have keys and values of total length less than or equal to 4096 bytes"),
        "{message}"
    );
    assert_eq!(
        h.emulator.store().snapshot().instances[INSTANCE]
            .rules
            .len(),
        1
    );
}
