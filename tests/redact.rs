//! Notification contents and recipients stay out of PR comments: markdown plans redact them by
//! default, `--redact` does the same for any format, and the plan file for `apply` keeps them.

use assert_cmd::Command;
use tempfile::TempDir;

const SECRETS: &[&str] = &[
    "Ms Smith",
    "account 4242",
    "vip-escalations",
    "5d2e7a10-user",
];

const RULE: &str = r#"Name: notify-vip
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
  - ActionType: SEND_NOTIFICATION
    SendNotificationAction:
      DeliveryMethod: EMAIL
      Subject: Call back Ms Smith
      Content: The customer on account 4242 asked for a refund.
      ContentType: PLAIN_TEXT
      Recipient:
        UserTags: {team: vip-escalations}
        UserIds: [5d2e7a10-user]
"#;

fn project() -> TempDir {
    let dir = tempfile::tempdir().expect("temp dir");
    std::fs::create_dir(dir.path().join("rules")).expect("rules dir");
    std::fs::write(dir.path().join("rules/notify.yaml"), RULE).expect("rule file");
    dir
}

fn plan(dir: &TempDir, args: &[&str]) -> String {
    let output = Command::cargo_bin("connect-rules")
        .expect("binary")
        .arg("plan")
        .args(args)
        .current_dir(dir.path())
        .env("NO_COLOR", "1")
        .env_remove("GITHUB_STEP_SUMMARY")
        .output()
        .expect("runs");
    assert_eq!(
        output.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8_lossy(&output.stdout).into_owned()
}

fn hidden(text: &str) -> bool {
    SECRETS.iter().all(|secret| !text.contains(secret)) && text.contains("(redacted ")
}

fn shown(text: &str) -> bool {
    SECRETS.iter().all(|secret| text.contains(secret))
}

#[test]
fn markdown_redacts_by_default_and_on_request_only() {
    let dir = project();
    let markdown = plan(&dir, &["--format", "markdown"]);
    assert!(hidden(&markdown), "{markdown}");
    let markdown = plan(&dir, &["--format", "markdown", "--no-redact"]);
    assert!(shown(&markdown), "{markdown}");
}

#[test]
fn redact_hides_in_text_and_json_but_not_in_the_plan_file() {
    let dir = project();
    let text = plan(&dir, &[]);
    assert!(shown(&text), "{text}");
    let text = plan(&dir, &["--redact"]);
    assert!(hidden(&text), "{text}");
    let json = plan(
        &dir,
        &["--redact", "--format", "json", "--out", "plan.json"],
    );
    assert!(hidden(&json), "{json}");
    let file = std::fs::read_to_string(dir.path().join("plan.json")).expect("plan file");
    assert!(shown(&file), "{file}");
}
