//! Notification contents and recipients stay out of PR comments: markdown plans redact them by
//! default, `--redact` does the same for any format, and the plan file for `apply` keeps them.

mod support;

use support::{Project, RuleText};

const SECRETS: &[&str] = &[
    "Ms Smith",
    "account 4242",
    "vip-escalations",
    "5d2e7a10-user",
];

/// A notification whose subject, content and recipients hold the secrets.
const NOTIFICATION: &str = "  - ActionType: SEND_NOTIFICATION
    SendNotificationAction:
      DeliveryMethod: EMAIL
      Subject: Call back Ms Smith
      Content: The customer on account 4242 asked for a refund.
      ContentType: PLAIN_TEXT
      Recipient:
        UserTags: {team: vip-escalations}
        UserIds: [5d2e7a10-user]
";

fn project() -> Project {
    Project::new().rule_file(
        "notify.yaml",
        &RuleText::new("notify-vip").actions(NOTIFICATION).build(),
    )
}

fn plan(project: &Project, args: &[&str]) -> String {
    let run = project
        .cli()
        .arg("plan")
        .args(args)
        .env("NO_COLOR", "1")
        .run();
    assert_eq!(run.code, 0, "{}", run.stderr);
    run.stdout
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
