//! The emulator's eight list operations driven through `aws-sdk-connect`, as the resolution of
//! `${queue:NAME}` references will drive a real instance: every page, page-size limits, filters,
//! tokens and errors, from a seed file. All traffic stays on 127.0.0.1.

mod support;

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Command, Stdio};
use std::sync::mpsc;
use std::time::Duration;

use aws_sdk_connect::config::retry::RetryConfig;
use aws_sdk_connect::error::ProvideErrorMetadata;
use aws_sdk_connect::operation::list_evaluation_forms::ListEvaluationFormsError;
use aws_sdk_connect::operation::list_queues::ListQueuesError;
use aws_sdk_connect::operation::list_users::ListUsersError;
use aws_sdk_connect::types::{AgentStatusType, ContactFlowType, IntegrationType, QueueType};
use aws_sdk_connect::Client;
use connect_rules::emulator::{
    parse_seed, Emulator, EmulatorConfig, ErrorKind, Operation, RunningEmulator,
};

const INSTANCE: &str = "11111111-2222-3333-4444-555555555555";

const SEED: &str = "\
queues:
  - Name: Billing
    QueueType: STANDARD
  - Name: Sales
    QueueType: STANDARD
    Id: q-sales
  - Name: Support
    QueueType: STANDARD
  - Name: Agent Ana
    QueueType: AGENT
  - Name: Billing
    QueueType: STANDARD
contact_flows:
  - Name: Callback
    ContactFlowType: CONTACT_FLOW
  - Name: Whisper
    ContactFlowType: AGENT_WHISPER
  - Name: Main
    ContactFlowType: CONTACT_FLOW
users:
  - Username: ana
  - Username: bo
  - Username: cy
routing_profiles:
  - Name: Basic
  - Name: Premium
evaluation_forms:
  - Title: Quality
  - Title: Compliance
    EvaluationFormId: form-2
    LatestVersion: 3
integration_associations:
  - IntegrationType: APPLICATION
    SourceApplicationName: Zendesk
  - IntegrationType: CASES_DOMAIN
agent_statuses:
  - Name: Available
    Type: ROUTABLE
  - Name: Lunch
    Type: CUSTOM
  - Name: Offline
    Type: OFFLINE
hierarchy_groups:
  - Name: North
  - Name: South
";

struct Harness {
    emulator: Emulator,
    _running: RunningEmulator,
    client: Client,
}

async fn start(seed: &str) -> Harness {
    let resources = parse_seed(Path::new("seed.yaml"), seed).expect("the seed is valid");
    let emulator = Emulator::new(EmulatorConfig::default().with_resources(resources))
        .expect("emulator starts");
    let running = emulator.serve_local().await.expect("emulator binds");
    let client = client(&running.endpoint_url());
    Harness {
        emulator,
        _running: running,
        client,
    }
}

fn client(endpoint: &str) -> Client {
    Client::from_conf(
        support::credentials::sdk_config(endpoint)
            .retry_config(RetryConfig::disabled())
            .build(),
    )
}

/// Every item of a paginated listing, by the SDK's own paginator, two at a time.
macro_rules! every_item {
    ($client:expr, $op:ident $(, $setter:ident($value:expr))*) => {
        $client
            .$op()
            .instance_id(INSTANCE)
            $(.$setter($value))*
            .max_results(2)
            .into_paginator()
            .items()
            .send()
            .collect::<Result<Vec<_>, _>>()
            .await
            .expect(stringify!($op))
    };
}

#[tokio::test]
async fn every_kind_lists_every_page_once_in_seed_order() {
    let h = start(SEED).await;
    let c = &h.client;
    let names = |items: Vec<Option<&str>>| -> Vec<String> {
        items
            .into_iter()
            .map(|n| n.unwrap_or("-").to_owned())
            .collect()
    };
    let queues = every_item!(c, list_queues);
    assert_eq!(
        names(queues.iter().map(|q| q.name()).collect()),
        ["Billing", "Sales", "Support", "Agent Ana", "Billing"]
    );
    let flows = every_item!(c, list_contact_flows);
    assert_eq!(
        names(flows.iter().map(|f| f.name()).collect()),
        ["Callback", "Whisper", "Main"]
    );
    let users = every_item!(c, list_users);
    assert_eq!(
        names(users.iter().map(|u| u.username()).collect()),
        ["ana", "bo", "cy"]
    );
    let profiles = every_item!(c, list_routing_profiles);
    assert_eq!(
        names(profiles.iter().map(|p| p.name()).collect()),
        ["Basic", "Premium"]
    );
    let forms = every_item!(c, list_evaluation_forms);
    assert_eq!(
        forms
            .iter()
            .map(aws_sdk_connect::types::EvaluationFormSummary::title)
            .collect::<Vec<_>>(),
        ["Quality", "Compliance"]
    );
    let integrations = every_item!(c, list_integration_associations);
    assert_eq!(
        names(
            integrations
                .iter()
                .map(|i| i.source_application_name())
                .collect()
        ),
        ["Zendesk", "-"]
    );
    let statuses = every_item!(c, list_agent_statuses);
    assert_eq!(
        names(statuses.iter().map(|s| s.name()).collect()),
        ["Available", "Lunch", "Offline"]
    );
    let groups = every_item!(c, list_user_hierarchy_groups);
    assert_eq!(
        names(groups.iter().map(|g| g.name()).collect()),
        ["North", "South"]
    );
    // Pages of two: 3 + 2 + 2 + 1 + 1 + 1 + 2 + 1 calls.
    let listed: usize = [
        Operation::ListQueues,
        Operation::ListContactFlows,
        Operation::ListUsers,
        Operation::ListRoutingProfiles,
        Operation::ListEvaluationForms,
        Operation::ListIntegrationAssociations,
        Operation::ListAgentStatuses,
        Operation::ListUserHierarchyGroups,
    ]
    .into_iter()
    .map(|op| h.emulator.count(op))
    .sum();
    assert_eq!(listed, 13);
}

#[tokio::test]
async fn ids_and_arns_are_given_or_made_up_stably() {
    let h = start(SEED).await;
    let again = start(SEED).await;
    let queues = every_item!(h.client, list_queues);
    let same = every_item!(again.client, list_queues);
    let ids: Vec<&str> = queues.iter().map(|q| q.id().unwrap()).collect();
    assert_eq!(
        ids,
        same.iter().map(|q| q.id().unwrap()).collect::<Vec<_>>()
    );
    assert_eq!(ids[1], "q-sales");
    assert_ne!(ids[0], ids[4], "two queues named Billing are two queues");
    for queue in &queues {
        assert_eq!(
            queue.arn().unwrap(),
            format!(
                "arn:aws:connect:us-east-1:123456789012:instance/{INSTANCE}/queue/{}",
                queue.id().unwrap()
            )
        );
    }
    let forms = every_item!(h.client, list_evaluation_forms);
    assert_eq!(forms[1].evaluation_form_id(), "form-2");
    assert_eq!(forms[1].latest_version(), 3);
    // The members a form summary requires are there even when the seed leaves them out.
    assert_eq!(forms[0].latest_version(), 1);
    assert!(forms[0]
        .created_by()
        .starts_with("arn:aws:iam::123456789012:"));
    assert!(forms[0]
        .evaluation_form_arn()
        .ends_with(forms[0].evaluation_form_id()));
    let integrations = every_item!(h.client, list_integration_associations);
    assert_eq!(integrations[0].instance_id(), Some(INSTANCE));
}

#[tokio::test]
async fn filters_keep_the_types_asked_for() {
    let h = start(SEED).await;
    let c = &h.client;
    let agent = every_item!(c, list_queues, queue_types(QueueType::Agent));
    assert_eq!(agent.len(), 1);
    let both = every_item!(
        c,
        list_queues,
        queue_types(QueueType::Agent),
        queue_types(QueueType::Standard)
    );
    assert_eq!(both.len(), 5);
    let whispers = every_item!(
        c,
        list_contact_flows,
        contact_flow_types(ContactFlowType::AgentWhisper)
    );
    assert_eq!(whispers[0].name(), Some("Whisper"));
    assert_eq!(whispers.len(), 1);
    let cases = every_item!(
        c,
        list_integration_associations,
        integration_type(IntegrationType::CasesDomain)
    );
    assert_eq!(cases.len(), 1);
    let custom = every_item!(
        c,
        list_agent_statuses,
        agent_status_types(AgentStatusType::Custom)
    );
    assert_eq!(custom[0].name(), Some("Lunch"));
    assert_eq!(custom.len(), 1);
}

/// A seed with `count` users named `user0000`, ...
fn users(count: usize) -> String {
    let mut text = String::from("users:\n");
    text.extend((0..count).map(|index| format!("  - Username: user{index:04}\n")));
    text
}

#[tokio::test]
async fn page_sizes_default_to_100_and_stop_at_the_models_limit() {
    let h = start(&(users(1001) + "evaluation_forms:\n  - Title: Quality\n")).await;
    let default = h
        .client
        .list_users()
        .instance_id(INSTANCE)
        .send()
        .await
        .unwrap();
    assert_eq!(default.user_summary_list().len(), 100);
    assert!(default.next_token().is_some());
    let largest = h
        .client
        .list_users()
        .instance_id(INSTANCE)
        .max_results(1000)
        .send()
        .await
        .unwrap();
    assert_eq!(largest.user_summary_list().len(), 1000);
    let rest = h
        .client
        .list_users()
        .instance_id(INSTANCE)
        .max_results(1000)
        .next_token(largest.next_token().unwrap())
        .send()
        .await
        .unwrap();
    assert_eq!(rest.user_summary_list()[0].username(), Some("user1000"));
    assert_eq!(rest.next_token(), None);

    let too_many = h
        .client
        .list_users()
        .instance_id(INSTANCE)
        .max_results(1001)
        .send()
        .await
        .unwrap_err();
    assert_eq!(
        too_many.raw_response().map(|r| r.status().as_u16()),
        Some(400)
    );
    let error = too_many.into_service_error();
    assert!(
        matches!(error, ListUsersError::InvalidRequestException(_)),
        "{error:?}"
    );
    assert_eq!(
        error.message(),
        Some("1 validation error detected: Value '1001' at 'maxResults' failed to satisfy constraint: Member must have value less than or equal to 1000")
    );
    // ListEvaluationForms pages hold at most 100, and its model answers bad input with
    // InvalidParameterException (it lists no InvalidRequestException).
    let forms = h
        .client
        .list_evaluation_forms()
        .instance_id(INSTANCE)
        .max_results(101)
        .send()
        .await
        .unwrap_err()
        .into_service_error();
    assert!(
        matches!(
            forms,
            ListEvaluationFormsError::InvalidParameterException(_)
        ),
        "{forms:?}"
    );
    assert!(forms
        .message()
        .unwrap()
        .contains("less than or equal to 100"));
}

#[tokio::test]
async fn tokens_belong_to_their_listing() {
    let h = start(&users(5)).await;
    let made_up = h
        .client
        .list_users()
        .instance_id(INSTANCE)
        .next_token("made-up")
        .send()
        .await
        .unwrap_err()
        .into_service_error();
    assert!(
        matches!(made_up, ListUsersError::InvalidRequestException(_)),
        "{made_up:?}"
    );
    let token = h
        .client
        .list_users()
        .instance_id(INSTANCE)
        .max_results(1)
        .send()
        .await
        .unwrap()
        .next_token()
        .unwrap()
        .to_owned();
    let other_instance = h
        .client
        .list_users()
        .instance_id("another-instance")
        .next_token(&token)
        .send()
        .await
        .unwrap_err()
        .into_service_error();
    assert!(
        other_instance
            .message()
            .unwrap()
            .contains("invalid nextToken"),
        "{other_instance:?}"
    );
    let other_operation = h
        .client
        .list_queues()
        .instance_id(INSTANCE)
        .next_token(&token)
        .send()
        .await
        .unwrap_err()
        .into_service_error();
    assert!(
        matches!(other_operation, ListQueuesError::InvalidRequestException(_)),
        "{other_operation:?}"
    );
    let bad_filter = h
        .client
        .list_queues()
        .instance_id(INSTANCE)
        .queue_types(QueueType::from("SPECIAL"))
        .send()
        .await
        .unwrap_err()
        .into_service_error();
    assert!(
        bad_filter
            .message()
            .unwrap()
            .contains("at 'queueTypes.1.member' failed to satisfy constraint: Member must satisfy enum value set: [STANDARD, AGENT]"),
        "{bad_filter:?}"
    );
}

#[tokio::test]
async fn faults_reach_the_list_operations() {
    let h = start(SEED).await;
    h.emulator
        .faults()
        .fail_next(Operation::ListQueues, ErrorKind::Throttling, 1);
    let throttled = h
        .client
        .list_queues()
        .instance_id(INSTANCE)
        .send()
        .await
        .unwrap_err()
        .into_service_error();
    assert!(
        matches!(throttled, ListQueuesError::ThrottlingException(_)),
        "{throttled:?}"
    );
    let listed = h
        .client
        .list_queues()
        .instance_id(INSTANCE)
        .send()
        .await
        .unwrap();
    assert_eq!(listed.queue_summary_list().len(), 5);
    assert_eq!(h.emulator.count(Operation::ListQueues), 2);
    assert_eq!(
        "ListQueues:Throttling:2"
            .parse::<connect_rules::emulator::FailSpec>()
            .map(|s| s.operation),
        Ok(Operation::ListQueues)
    );
}

#[test]
fn the_command_refuses_a_bad_seed_at_its_place() {
    let dir = tempfile::tempdir().unwrap();
    let seed = dir.path().join("seed.yaml");
    std::fs::write(
        &seed,
        "queues:\n  - Name: Billing\n    QueueTyp: STANDARD\n",
    )
    .unwrap();
    let output = Command::new(env!("CARGO_BIN_EXE_connect-rules"))
        .args(["emulator", "--listen", "127.0.0.1:0", "--resources"])
        .arg(&seed)
        .output()
        .unwrap();
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains(&format!(
            "{}:3:5: error: unknown key `QueueTyp` in `queues[0]`",
            seed.display()
        )) && stderr.contains("hint: did you mean `QueueType`?"),
        "{stderr}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_command_serves_its_seed_file() {
    let dir = tempfile::tempdir().unwrap();
    let seed = dir.path().join("seed.yaml");
    std::fs::write(&seed, SEED).unwrap();
    let mut child = Command::new(env!("CARGO_BIN_EXE_connect-rules"))
        .args(["emulator", "--listen", "127.0.0.1:0", "--resources"])
        .arg(&seed)
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let stderr = child.stderr.take().unwrap();
    let (sender, receiver) = mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stderr).lines().map_while(Result::ok) {
            if sender.send(line).is_err() {
                break;
            }
        }
    });
    let announced = receiver
        .recv_timeout(Duration::from_secs(30))
        .expect("the emulator announces its address");
    let endpoint = announced.rsplit(' ').next().expect("an address").to_owned();
    assert!(endpoint.starts_with("http://127.0.0.1:"), "{announced}");
    let listed = client(&endpoint)
        .list_users()
        .instance_id(INSTANCE)
        .send()
        .await;
    child.kill().unwrap();
    child.wait().unwrap();
    let names: Vec<&str> = listed
        .as_ref()
        .unwrap()
        .user_summary_list()
        .iter()
        .filter_map(|user| user.username())
        .collect();
    assert_eq!(names, ["ana", "bo", "cy"]);
}
