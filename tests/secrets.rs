//! Credentials never leak: the CLI runs every command that talks to an instance, on success and
//! on failure, with distinctive fake credentials (key id, secret and session token) in its
//! environment, and neither what it prints nor any file it writes may contain them or the
//! request signing headers built from them. The `emulator` subcommand is checked the same way
//! while it serves signed requests. All traffic stays on 127.0.0.1.

use std::io::{BufRead, BufReader, Read};
use std::path::Path;
use std::process::Child;
use std::sync::mpsc;
use std::time::Duration;

use aws_sdk_connect::config::{BehaviorVersion, Credentials, Region};
use connect_rules::emulator::{ErrorKind, Operation};

mod support;

use support::rule_text::REFUND_FUNCTION_JSON;
use support::{Cli, Env, RuleText, Run, INSTANCE};

const ACCESS_KEY_ID: &str = "AKIAFAKESECRETKEY123";
const SECRET_ACCESS_KEY: &str = "fakeSecretAccessKey/DoNotPrint+0123456789abcdef";
const SESSION_TOKEN: &str = "FakeSessionTokenDoNotPrint//////////wEaCXVzLWVhc3QtMSJHMEUCIQ";

/// Text that must appear nowhere: the credentials, and the signing headers and query
/// parameters that carry them (SigV4 `Authorization: ... Credential=..., Signature=...` and
/// the presigned-URL forms).
const FORBIDDEN: &[&str] = &[
    ACCESS_KEY_ID,
    SECRET_ACCESS_KEY,
    SESSION_TOKEN,
    "Authorization",
    "authorization:",
    "Signature=",
    "Credential=",
    "X-Amz-Security-Token",
    "x-amz-security-token",
    "X-Amz-Signature",
];

/// No run may take longer; a hang is a failure, not a stuck CI job.
const TIMEOUT: Duration = Duration::from_mins(1);

/// What every run here adds to the kit's environment (which already turns off file and
/// metadata look-ups): the fake credentials for the default chain, and the most talkative
/// logging a library might honour.
fn credential_env() -> Vec<(&'static str, &'static str)> {
    vec![
        ("AWS_ACCESS_KEY_ID", ACCESS_KEY_ID),
        ("AWS_SECRET_ACCESS_KEY", SECRET_ACCESS_KEY),
        ("AWS_SESSION_TOKEN", SESSION_TOKEN),
        ("RUST_LOG", "trace"),
        ("RUST_BACKTRACE", "1"),
    ]
}

/// A rule the instance accepts; `name` keeps several apart.
fn rule_yaml(name: &str) -> String {
    RuleText::new(name)
        .function_json(REFUND_FUNCTION_JSON)
        .actions("  - ActionType: CREATE_TASK\n    TaskAction:\n      Name: Call back\n      ContactFlowId: flow-1\n")
        .tag("team", "retention")
        .build()
}

/// What one run printed, with the command line for messages.
struct Labelled {
    label: String,
    run: Run,
}

impl std::ops::Deref for Labelled {
    type Target = Run;

    fn deref(&self) -> &Run {
        &self.run
    }
}

/// Everything the tool printed or wrote, checked once at the end so one failure shows all.
#[derive(Default)]
struct Leaks {
    found: Vec<String>,
    outputs_checked: usize,
    files_checked: usize,
}

impl Leaks {
    fn check_text(&mut self, place: &str, text: &str) {
        self.outputs_checked += 1;
        for secret in FORBIDDEN {
            if text.contains(secret) {
                self.found
                    .push(format!("{place} contains `{secret}`:\n{text}"));
            }
        }
    }

    fn check_run(&mut self, run: &Labelled) {
        self.check_text(&format!("stdout of `{}`", run.label), &run.stdout);
        self.check_text(&format!("stderr of `{}`", run.label), &run.stderr);
    }

    /// Every file under `dir`, recursively (bounded: a project here holds a few dozen).
    fn check_files(&mut self, dir: &Path) {
        let mut pending = vec![dir.to_path_buf()];
        while let Some(current) = pending.pop() {
            for entry in std::fs::read_dir(&current).expect("a readable folder") {
                let path = entry.expect("a directory entry").path();
                if path.is_dir() {
                    pending.push(path);
                    continue;
                }
                let bytes = std::fs::read(&path).expect("a readable file");
                self.files_checked += 1;
                self.check_text(
                    &format!("file `{}`", path.display()),
                    &String::from_utf8_lossy(&bytes),
                );
            }
        }
    }

    fn assert_none(&self) {
        // Shown with `--nocapture`; RELIABILITY.md quotes these counts.
        eprintln!(
            "checked {} outputs, {} of them files, for {} forbidden strings",
            self.outputs_checked,
            self.files_checked,
            FORBIDDEN.len()
        );
        assert!(
            self.found.is_empty(),
            "secrets leaked:\n{}",
            self.found.join("\n---\n")
        );
    }
}

impl Env {
    /// Runs `connect-rules ARGS` against the emulator (validate takes no instance) with the
    /// fake credentials and a step summary file.
    async fn run_labelled(&self, args: &[&str]) -> Labelled {
        let mut cli = Cli::new(self.path())
            .color_never()
            .args(args)
            .args(["--rules", "rules"])
            .envs(credential_env())
            .env("GITHUB_STEP_SUMMARY", self.path().join("step-summary.md"))
            .timeout(TIMEOUT);
        if args[0] != "validate" {
            cli = cli.target(INSTANCE, &self.url());
        }
        Labelled {
            label: format!("connect-rules {}", args.join(" ")),
            run: cli.run_async().await,
        }
    }
}

fn expect_code(run: &Labelled, code: i32) {
    assert_eq!(
        run.code, code,
        "`{}` exit code\n--- stdout\n{}\n--- stderr\n{}",
        run.label, run.stdout, run.stderr
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn no_command_prints_or_writes_credentials() {
    let env = Env::start().await;
    let mut leaks = Leaks::default();
    env.write_rule("callback", &rule_yaml("callback"));
    env.write_rule("escalation", &rule_yaml("escalation"));

    let mut runs = Vec::new();
    runs.push((env.run_labelled(&["validate"]).await, 0));
    runs.push((
        env.run_labelled(&[
            "plan",
            "--format",
            "json",
            "--out",
            "plan.json",
            "--detailed-exitcode",
        ])
        .await,
        2,
    ));
    runs.push((env.run_labelled(&["plan", "--format", "markdown"]).await, 0));
    runs.push((env.run_labelled(&["apply", "plan.json"]).await, 0));
    assert_eq!(env.emulator.count(Operation::CreateRule), 2);

    // A rule changed outside git, and one more in git: drift, a text plan, then apply.
    std::fs::write(
        env.dir.path().join("rules/callback.yaml"),
        rule_yaml("callback").replace("Call back", "Call the customer back"),
    )
    .expect("change a rule");
    env.write_rule("follow-up", &rule_yaml("follow-up"));
    runs.push((env.run_labelled(&["drift", "--format", "text"]).await, 2));
    runs.push((env.run_labelled(&["drift", "--format", "json"]).await, 2));
    runs.push((env.run_labelled(&["plan"]).await, 0));
    runs.push((env.run_labelled(&["apply", "--auto-approve"]).await, 0));
    // Export writes only live rules that are not in git.
    std::fs::remove_file(env.dir.path().join("rules/escalation.yaml")).expect("remove a rule");
    runs.push((
        env.run_labelled(&["export", "--out-dir", "exported"]).await,
        0,
    ));
    for (run, code) in &runs {
        expect_code(run, *code);
        leaks.check_run(run);
    }
    leaks.check_files(env.dir.path());
    assert!(
        env.dir.path().join(".connect-rules").is_dir(),
        "the cache folder was written, so its files were checked"
    );
    let exported = std::fs::read_dir(env.dir.path().join("exported"))
        .expect("the export folder")
        .count();
    assert_eq!(
        exported, 1,
        "the rule not in git was exported, so its file was checked"
    );
    assert!(env.dir.path().join("step-summary.md").is_file());
    leaks.assert_none();
    assert_eq!(leaks.outputs_checked, 2 * runs.len() + leaks.files_checked);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn failed_calls_print_no_credentials() {
    let env = Env::start().await;
    let mut leaks = Leaks::default();
    env.write_rule("callback", &rule_yaml("callback"));
    env.write_rule("escalation", &rule_yaml("escalation"));
    let faults = env.emulator.faults();
    let mut runs = Vec::new();

    // The instance refuses to be read, then answers 500 on every attempt of every retry.
    faults.fail_next(Operation::ListRules, ErrorKind::AccessDenied, 1);
    runs.push(env.run_labelled(&["plan"]).await);
    faults.fail_next(Operation::ListRules, ErrorKind::InternalService, 100);
    runs.push(env.run_labelled(&["drift"]).await);
    faults.clear();
    // Apply with one create denied and one failing with 500 past the retries.
    faults.fail_next(Operation::CreateRule, ErrorKind::AccessDenied, 1);
    faults.fail_next(Operation::CreateRule, ErrorKind::InternalService, 100);
    runs.push(env.run_labelled(&["apply", "--auto-approve"]).await);
    faults.clear();
    // The export reads rules that fail to describe.
    runs.push(env.run_labelled(&["apply", "--auto-approve"]).await);
    faults.fail_next(Operation::DescribeRule, ErrorKind::AccessDenied, 100);
    runs.push(
        env.run_labelled(&["export", "--out-dir", "exported", "--no-cache"])
            .await,
    );
    faults.clear();

    let codes: Vec<i32> = runs.iter().map(|run| run.code).collect();
    assert_eq!(codes, [1, 1, 1, 0, 1], "plan, drift, apply, apply, export");
    assert!(
        runs[0].stderr.contains("AccessDenied"),
        "the refusal is reported:\n{}",
        runs[0].stderr
    );
    for run in &runs {
        leaks.check_run(run);
    }
    leaks.check_files(env.dir.path());
    leaks.assert_none();
}

/// Reads the child's stderr on a thread, so the test can wait for a line with a time-out.
fn stderr_lines(child: &mut Child) -> mpsc::Receiver<String> {
    let stderr = child.stderr.take().expect("stderr is piped");
    let (sender, receiver) = mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stderr).lines() {
            let Ok(line) = line else { break };
            if sender.send(line).is_err() {
                break;
            }
        }
    });
    receiver
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_emulator_command_does_not_echo_credentials() {
    let dir = tempfile::tempdir().expect("a temporary folder");
    let state = dir.path().join("state.json");
    let emulator = Cli::new(dir.path())
        .args(["emulator", "--listen", "127.0.0.1:0", "--state"])
        .arg(&state)
        .args(["--fail", "CreateRule:AccessDeniedException:1"])
        .envs(credential_env())
        .spawn(false);
    let mut child = emulator.child;
    let lines = stderr_lines(&mut child);
    let announced = lines
        .recv_timeout(TIMEOUT)
        .expect("the emulator announces its address");
    let url = announced
        .split_whitespace()
        .find(|word| word.starts_with("http://127.0.0.1:"))
        .unwrap_or_else(|| panic!("no address in `{announced}`"))
        .to_owned();

    // Signed requests with a session token, as the CLI sends them, succeeding and failing.
    let config = aws_sdk_connect::Config::builder()
        .behavior_version(BehaviorVersion::latest())
        .region(Region::new("us-east-1"))
        .endpoint_url(&url)
        .credentials_provider(Credentials::new(
            ACCESS_KEY_ID,
            SECRET_ACCESS_KEY,
            Some(SESSION_TOKEN.to_owned()),
            None,
            "test",
        ))
        .build();
    let client = aws_sdk_connect::Client::from_conf(config);
    let create = || {
        client
            .create_rule()
            .instance_id("inst-1")
            .name("callback")
            .trigger_event_source(
                aws_sdk_connect::types::RuleTriggerEventSource::builder()
                    .event_source_name(
                        aws_sdk_connect::types::EventSourceName::OnPostCallAnalysisAvailable,
                    )
                    .build()
                    .expect("a trigger"),
            )
            .function(r#"{"Version":"2022-11-25","RuleFunction":{}}"#)
            .actions(
                aws_sdk_connect::types::RuleAction::builder()
                    .action_type(aws_sdk_connect::types::ActionType::AssignContactCategory)
                    .assign_contact_category_action(
                        aws_sdk_connect::types::AssignContactCategoryActionDefinition::builder()
                            .build(),
                    )
                    .build()
                    .expect("an action"),
            )
            .publish_status(aws_sdk_connect::types::RulePublishStatus::Published)
            .send()
    };
    assert!(create().await.is_err(), "the first create is refused");
    create().await.expect("the second create succeeds");
    let listed = client
        .list_rules()
        .instance_id("inst-1")
        .send()
        .await
        .expect("list rules");
    assert_eq!(listed.rule_summary_list().len(), 1);
    assert!(client
        .describe_rule()
        .instance_id("inst-1")
        .rule_id("no-such-rule")
        .send()
        .await
        .is_err());

    child.kill().expect("stop the emulator");
    child.wait().expect("the emulator exits");
    let mut stdout = String::new();
    child
        .stdout
        .take()
        .expect("stdout is piped")
        .read_to_string(&mut stdout)
        .expect("read stdout");
    let rest: Vec<String> = lines.iter().collect();
    let stderr = format!("{announced}\n{}", rest.join("\n"));

    let mut leaks = Leaks::default();
    leaks.check_text("emulator stdout", &stdout);
    leaks.check_text("emulator stderr", &stderr);
    leaks.check_files(dir.path());
    assert!(
        state.is_file(),
        "the state file was written, so it was checked"
    );
    leaks.assert_none();
}
