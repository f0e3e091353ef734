//! The emulator's list operations checked with another client: boto3 (through
//! `tests/fidelity/list_resources.py`) lists every page of every kind, at the default, smallest
//! and largest page sizes, and gets the model's errors for too-large pages, made-up tokens and
//! bad filters. Traffic stays on 127.0.0.1.

use std::path::Path;
use std::process::Command;

use connect_rules::emulator::{parse_seed, Emulator, EmulatorConfig};
use serde_json::json;

/// The seed: enough of each kind to need several pages, with the limits at their edges (1,001
/// users for a 1,000 page, 101 evaluation forms for a 100 page).
fn seed() -> String {
    let mut text = String::from("queues:\n");
    text.extend(
        (0..110).map(|index| format!("  - Name: Queue {index:03}\n    QueueType: STANDARD\n")),
    );
    text.extend(
        (0..10).map(|index| format!("  - Name: Agent queue {index}\n    QueueType: AGENT\n")),
    );
    text += "contact_flows:\n";
    text.extend((0..30).map(|index| {
        let kind = if index < 20 {
            "CONTACT_FLOW"
        } else {
            "AGENT_WHISPER"
        };
        format!("  - Name: Flow {index}\n    ContactFlowType: {kind}\n")
    }));
    text += "users:\n";
    text.extend((0..1001).map(|index| format!("  - Username: user{index:04}\n")));
    text += "routing_profiles:\n";
    text.extend((0..5).map(|index| format!("  - Name: Profile {index}\n")));
    text += "evaluation_forms:\n";
    text.extend((0..101).map(|index| format!("  - Title: Form {index}\n")));
    text += "integration_associations:\n  - IntegrationType: CASES_DOMAIN\n";
    text.extend((0..3).map(|index| {
        format!("  - IntegrationType: APPLICATION\n    SourceApplicationName: App {index}\n")
    }));
    text += "agent_statuses:\n  - Name: Available\n    Type: ROUTABLE\n  - Name: Offline\n    Type: OFFLINE\n";
    text.extend((0..4).map(|index| format!("  - Name: Break {index}\n    Type: CUSTOM\n")));
    text += "hierarchy_groups:\n  - Name: North\n  - Name: South\n  - Name: East\n";
    text
}

fn expected() -> serde_json::Value {
    json!({
        "ListQueues": {"count": 120,
            "filters": [{"args": {"QueueTypes": ["AGENT"]}, "count": 10},
                        {"args": {"QueueTypes": ["STANDARD", "AGENT"]}, "count": 120}],
            "bad_filters": [{"QueueTypes": ["SPECIAL"]}]},
        "ListContactFlows": {"count": 30,
            "filters": [{"args": {"ContactFlowTypes": ["AGENT_WHISPER"]}, "count": 10}],
            "bad_filters": [{"ContactFlowTypes": ["NOPE"]}]},
        "ListUsers": {"count": 1001},
        "ListRoutingProfiles": {"count": 5},
        "ListEvaluationForms": {"count": 101},
        "ListIntegrationAssociations": {"count": 4,
            "filters": [{"args": {"IntegrationType": "APPLICATION"}, "count": 3}],
            "bad_filters": [{"IntegrationType": "NOPE"}]},
        "ListAgentStatuses": {"count": 6,
            "filters": [{"args": {"AgentStatusTypes": ["CUSTOM"]}, "count": 4}],
            "bad_filters": [{"AgentStatusTypes": ["CUSTOM", "ROUTABLE", "OFFLINE", "CUSTOM"]}]},
        "ListUserHierarchyGroups": {"count": 3},
    })
}

/// Fails with how to install boto3 when python3 or boto3 is missing.
fn require_boto3() {
    let probe = Command::new("python3")
        .args(["-c", "import boto3"])
        .output();
    match probe {
        Ok(output) if output.status.success() => {}
        Ok(output) => panic!(
            "the fidelity check needs boto3 for python3: run `pip install boto3` (python3 said: {})",
            String::from_utf8_lossy(&output.stderr).trim()
        ),
        Err(err) => panic!(
            "the fidelity check needs python3 with boto3: install python3, then run `pip install boto3` ({err})"
        ),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn boto3_lists_every_kind_as_the_model_binds_it() {
    require_boto3();
    let resources = parse_seed(Path::new("seed.yaml"), &seed()).expect("the seed is valid");
    let emulator = Emulator::new(EmulatorConfig::default().with_resources(resources))
        .expect("emulator starts");
    let running = emulator.serve_local().await.expect("emulator binds");
    let endpoint = running.endpoint_url();
    assert!(endpoint.starts_with("http://127.0.0.1:"), "{endpoint}");
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fidelity/list_resources.py");
    let output = tokio::task::spawn_blocking(move || {
        Command::new("python3")
            .arg(script)
            .arg(endpoint)
            .arg(expected().to_string())
            // No profile, metadata service or proxy: the credentials are the script's.
            .env("AWS_CONFIG_FILE", "/dev/null")
            .env("AWS_SHARED_CREDENTIALS_FILE", "/dev/null")
            .env("AWS_EC2_METADATA_DISABLED", "true")
            .env("NO_PROXY", "127.0.0.1")
            .env_remove("HTTP_PROXY")
            .env_remove("HTTPS_PROXY")
            .output()
    })
    .await
    .expect("the script's thread")
    .expect("python3 runs");
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        output.status.success(),
        "boto3 disagrees with the emulator:\n{stderr}\n{stdout}"
    );
    let summary = stdout.lines().last().unwrap_or_default();
    assert!(
        summary.starts_with("checked 8 operations, ") && !summary.contains(" 0 errors"),
        "the script did not check every operation: {stdout}"
    );
    // boto3's calls all reached the emulator, as the list operations they are.
    let listed = emulator
        .requests()
        .iter()
        .filter(|record| {
            record
                .operation
                .is_some_and(|op| op.name().starts_with("List"))
        })
        .count();
    assert!(listed > 100, "only {listed} list calls arrived");
}
