//! A target that pins `account_id` is only changed with that account's credentials, and only
//! on its own instance: `apply` asks STS GetCallerIdentity (served by the emulator here) and
//! refuses otherwise, before any change.

use connect_rules::emulator::{EmulatorConfig, Operation};

mod support;

use support::{Cli, Env, RuleText};

const ACCOUNT: &str = "111122223333";

async fn setup(pinned_account: &str) -> Env {
    let env = Env::with(EmulatorConfig {
        account_id: ACCOUNT.to_owned(),
        ..EmulatorConfig::default()
    })
    .await;
    env.write_rule("refund", &RuleText::new("refund-callback").build());
    env.write_config(&format!(
        "default_target: prod\ntargets:\n  prod:\n    instance_id: inst-1\n    region: us-east-1\n    endpoint_url: {}\n    account_id: \"{pinned_account}\"\n",
        env.url()
    ));
    env
}

impl Env {
    fn apply(&self, extra: &[&str]) -> (i32, String) {
        let run = Cli::new(self.path())
            .args(["apply", "--auto-approve"])
            .args(extra)
            .env("NO_COLOR", "1")
            .run();
        (run.code, format!("{}{}", run.stdout, run.stderr))
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
