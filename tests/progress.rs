//! Progress of a long read: a bar with the time left on a terminal (a pseudo-terminal made by
//! `script`), one line per phase in a log. The test kit turns progress off for every other
//! test; these turn it back on.

mod support;

use std::process::Command;

use connect_rules::progress::PROGRESS_ENV;
use support::credentials::isolate;
use support::rule_text::RuleText;
use support::{Env, INSTANCE};

const RULES: usize = 200;

/// An instance with [`RULES`] rules, all managed by the project's files.
async fn two_hundred_rules() -> Env {
    let env = Env::start().await;
    for index in 0..RULES {
        let name = format!("rule-{index:03}");
        env.write_rule(&name, &RuleText::new(&name).build());
    }
    env.run(&[
        "apply",
        "--auto-approve",
        "--requests-per-second",
        "1000",
        "--burst",
        "100",
    ])
    .await
    .expect(0);
    env
}

#[tokio::test(flavor = "multi_thread")]
async fn a_drift_in_a_log_prints_one_line_per_phase() {
    let env = two_hundred_rules().await;
    // Unset (empty): the mode follows stderr, which is a pipe here.
    let drift = env
        .cli(&["drift", "--no-cache", "--requests-per-second", "1000"])
        .env(PROGRESS_ENV, "")
        .run_async()
        .await;
    drift.expect(0);
    let lines: Vec<&str> = drift
        .stderr
        .lines()
        .filter(|line| line.starts_with("reading the rules of "))
        .collect();
    assert_eq!(
        lines.len(),
        1,
        "one line for the one read: {}",
        drift.stderr
    );
    assert!(
        lines[0].contains(&format!(
            ": {RULES} rules, {RULES} described, 0 from the cache in "
        )),
        "the line says what was read and how long it took: {}",
        lines[0]
    );
    assert!(
        !drift.stderr.contains("left"),
        "no bar in a log: {}",
        drift.stderr
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_drift_on_a_terminal_draws_the_time_left() {
    let env = two_hundred_rules().await;
    // 200 descriptions at 100 a second: about two seconds, past the second a bar waits for.
    let program = env!("CARGO_BIN_EXE_connect-rules");
    let url = env.url();
    let command_line = format!(
        "'{program}' drift --no-cache --instance-id {INSTANCE} --region us-east-1 \
         --endpoint-url {url} --requests-per-second 100 --burst 5 --color never"
    );
    let shown = on_a_terminal(&env, &command_line, "", "xterm");
    assert!(
        shown.contains("describing: ") && shown.contains(&format!("/{RULES}, ")),
        "the bar counts the descriptions: {shown}"
    );
    assert!(
        shown.contains(" left"),
        "the bar says how long is left: {shown}"
    );
    assert!(
        !shown.contains(" described, 0 from the cache in "),
        "a terminal gets the bar, not the log line: {shown}"
    );

    // A dumb terminal cannot redraw a bar: it gets the log line, even when bars are asked for.
    let shown = on_a_terminal(&env, &command_line, "bars", "dumb");
    assert!(
        shown.contains(" described, 0 from the cache in ") && !shown.contains(" left"),
        "a dumb terminal gets the line: {shown}"
    );
}

/// What `command_line` shows on a pseudo-terminal (`script`, from util-linux) of type `term`,
/// with `CONNECT_RULES_PROGRESS` set to `progress`; the drift it runs must find none.
fn on_a_terminal(env: &Env, command_line: &str, progress: &str, term: &str) -> String {
    let mut script = Command::new("script");
    let _home = isolate(&mut script);
    let output = script
        .current_dir(env.path())
        .env(PROGRESS_ENV, progress)
        .env("TERM", term)
        .args([
            "--quiet",
            "--return",
            "--command",
            command_line,
            "/dev/null",
        ])
        .output()
        .expect("`script` (util-linux) runs the CLI on a pseudo-terminal");
    let shown = String::from_utf8_lossy(&output.stdout).into_owned();
    assert_eq!(output.status.code(), Some(0), "drift in sync: {shown}");
    shown
}
