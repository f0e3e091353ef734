//! A target that pins `account_id` is only changed with that account's credentials, and only
//! on its own instance: `apply` asks STS GetCallerIdentity (served by the emulator here) and
//! refuses otherwise, before any change.

use assert_cmd::Command;
use connect_rules::emulator::{Emulator, EmulatorConfig, Operation, RunningEmulator};
use tempfile::TempDir;

const ACCOUNT: &str = "111122223333";

const RULE: &str = r#"Name: refund-callback
TriggerEventSource:
  EventSourceName: OnPostCallAnalysisAvailable
Function:
  Version: "2022-11-25"
  RuleFunction:
    Operator: AND
    Operands:
      - {Operator: CONTAINS_ANY, Operands: [refund], ComparisonValue: $.ContactLens.PostCall.ExactMatch.Transcript}
PublishStatus: PUBLISHED
Actions:
  - ActionType: ASSIGN_CONTACT_CATEGORY
    AssignContactCategoryAction: {}
"#;

struct Setup {
    emulator: Emulator,
    running: RunningEmulator,
    dir: TempDir,
}

async fn setup(pinned_account: &str) -> Setup {
    let emulator = Emulator::new(EmulatorConfig {
        account_id: ACCOUNT.to_owned(),
        ..EmulatorConfig::default()
    })
    .expect("emulator");
    let running = emulator.serve_local().await.expect("binds");
    let dir = tempfile::tempdir().expect("temp dir");
    std::fs::create_dir(dir.path().join("rules")).expect("rules dir");
    std::fs::write(dir.path().join("rules/refund.yaml"), RULE).expect("rule");
    std::fs::write(
        dir.path().join("connect-rules.yaml"),
        format!(
            "default_target: prod\ntargets:\n  prod:\n    instance_id: inst-1\n    region: us-east-1\n    endpoint_url: {}\n    account_id: \"{pinned_account}\"\n",
            running.endpoint_url()
        ),
    )
    .expect("config");
    Setup {
        emulator,
        running,
        dir,
    }
}

impl Setup {
    fn apply(&self, extra: &[&str]) -> (i32, String) {
        let output = Command::cargo_bin("connect-rules")
            .expect("binary")
            .args(["apply", "--auto-approve"])
            .args(extra)
            .current_dir(self.dir.path())
            .env("NO_COLOR", "1")
            .env("AWS_ACCESS_KEY_ID", "AKIDTEST")
            .env("AWS_SECRET_ACCESS_KEY", "secret")
            .env("AWS_EC2_METADATA_DISABLED", "true")
            .env("AWS_CONFIG_FILE", "/nonexistent")
            .env("AWS_SHARED_CREDENTIALS_FILE", "/nonexistent")
            .output()
            .expect("runs");
        (
            output.status.code().unwrap_or(-1),
            format!(
                "{}{}",
                String::from_utf8_lossy(&output.stdout),
                String::from_utf8_lossy(&output.stderr)
            ),
        )
    }

    fn creates(&self) -> usize {
        self.emulator.count(Operation::CreateRule)
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn apply_goes_ahead_when_the_credentials_are_in_the_pinned_account() {
    let setup = setup(ACCOUNT).await;
    let (code, output) = setup.apply(&[]);
    assert_eq!(code, 0, "{output}");
    assert_eq!(setup.creates(), 1, "{output}");
    setup.running.shutdown().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn apply_refuses_credentials_of_another_account() {
    let setup = setup("999988887777").await;
    let (code, output) = setup.apply(&[]);
    assert_eq!(code, 1, "{output}");
    assert!(
        output.contains("pins account 999988887777, but the credentials belong to account 111122223333; nothing was changed"),
        "{output}"
    );
    assert_eq!(setup.creates(), 0, "{output}");
    assert_eq!(setup.emulator.count(Operation::ListRules), 0, "{output}");
    setup.running.shutdown().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn apply_refuses_another_instance_than_the_pinned_one() {
    let setup = setup(ACCOUNT).await;
    let (code, output) = setup.apply(&["--instance-id", "inst-2"]);
    assert_eq!(code, 1, "{output}");
    assert!(
        output.contains("pins instance inst-1, but this run names instance inst-2"),
        "{output}"
    );
    assert_eq!(setup.creates(), 0, "{output}");
    setup.running.shutdown().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_pin_that_contradicts_the_instance_arn_or_is_not_an_account_is_a_config_error() {
    let setup = setup(ACCOUNT).await;
    std::fs::write(
        setup.dir.path().join("connect-rules.yaml"),
        "targets:\n  prod:\n    instance_arn: arn:aws:connect:us-east-1:444455556666:instance/inst-1\n    account_id: \"111122223333\"\n",
    )
    .expect("config");
    let (code, output) = setup.apply(&[]);
    assert_eq!(code, 1, "{output}");
    assert!(
        output.contains(
            "`instance_arn` is in account 444455556666, but `account_id` pins 111122223333"
        ),
        "{output}"
    );
    std::fs::write(
        setup.dir.path().join("connect-rules.yaml"),
        "targets:\n  prod:\n    instance_id: inst-1\n    account_id: \"12345\"\n",
    )
    .expect("config");
    let (code, output) = setup.apply(&[]);
    assert_eq!(code, 1, "{output}");
    assert!(output.contains("is not an AWS account id"), "{output}");
    assert_eq!(setup.creates(), 0);
    setup.running.shutdown().await;
}
