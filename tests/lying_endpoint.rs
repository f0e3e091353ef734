//! A lying or broken endpoint is never believed and never hangs a run: the real
//! `aws-sdk-connect` client (and the CLI) against servers on 127.0.0.1 that answer with another
//! rule than the one asked for, list a rule twice, repeat a page token, list without end, send
//! an enormous body, or answer byte by byte. Each stops with an error naming the call and what
//! was wrong, and nothing is changed.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

use connect_rules::client::{ApiError, ApiErrorKind, ConnectClient, Endpoint};
use connect_rules::emulator::{Emulator, EmulatorConfig};
use connect_rules::fetch::fetch_live;
use serde_json::{json, Value as Json};
use tokio::io::AsyncWriteExt;

mod support;

use support::lying_server::{raw_server, Answer, Call, LyingServer};
use support::rule_text::REFUND_FUNCTION_JSON;
use support::{Cli, Project, RuleText, INSTANCE};

/// Long enough for any honest answer on loopback; a test that hits it has hung.
const HANG: Duration = Duration::from_mins(2);

const FUNCTION: &str = REFUND_FUNCTION_JSON;

/// Creates a rule in the emulator's store, as a console user or an earlier apply would.
fn seed(emulator: &Emulator, name: &str, owned: bool) -> (String, String) {
    let mut body = json!({
        "Name": name,
        "TriggerEventSource": {"EventSourceName": "OnPostCallAnalysisAvailable"},
        "Function": FUNCTION,
        "Actions": [{"ActionType": "ASSIGN_CONTACT_CATEGORY", "AssignContactCategoryAction": {}}],
        "PublishStatus": "PUBLISHED",
    });
    if owned {
        body["Tags"] = json!({"managed-by": "connect-rules"});
    }
    let created = emulator
        .store()
        .create_rule(INSTANCE, &body)
        .expect("seed rule created");
    (created.rule_id, created.rule_arn)
}

fn rule_file(name: &str) -> String {
    RuleText::new(name).function_json(FUNCTION).build()
}

async fn client(url: String, max_attempts: u32, attempt_timeout: Duration) -> ConnectClient {
    ConnectClient::connect(&Endpoint {
        max_attempts,
        attempt_timeout,
        ..Endpoint::local(INSTANCE, url)
    })
    .await
    .expect("the client connects")
}

/// Reads the instance behind `server`, failing the test if that hangs.
async fn read_through(server: &LyingServer) -> Result<usize, ApiError> {
    let client = client(
        server.endpoint_url(),
        3,
        connect_rules::client::ATTEMPT_TIMEOUT,
    )
    .await;
    tokio::time::timeout(HANG, fetch_live(&client, 4))
        .await
        .expect("reading the instance ended")
        .map(|(rules, _)| rules.len())
}

fn page(summaries: &[Json], next_token: Option<&str>) -> Answer {
    let mut answer = json!({ "RuleSummaryList": summaries });
    if let Some(token) = next_token {
        answer["NextToken"] = json!(token);
    }
    (200, answer.to_string())
}

/// The emulator's honest listing of `INSTANCE`.
fn honest_summaries(emulator: &Emulator) -> Vec<Json> {
    let (_, text) = emulator.answer("GET", &format!("/rules/{INSTANCE}"), "maxResults=200", b"");
    let listing: Json = serde_json::from_str(&text).expect("a listing");
    listing["RuleSummaryList"]
        .as_array()
        .expect("summaries")
        .clone()
}

fn expect_bad_answer(result: Result<usize, ApiError>) -> ApiError {
    let error = result.expect_err("the read is refused");
    assert_eq!(error.kind, ApiErrorKind::BadAnswer, "{error}");
    error
}

/// The error as a person reads it, ids replaced.
fn shown(error: &ApiError, ids: &[(&str, &str)]) -> String {
    let mut text = format!("{error}\n  hint: {}", error.hint());
    for (id, label) in ids {
        text = text.replace(id, label);
    }
    text
}

#[tokio::test(flavor = "multi_thread")]
async fn a_describe_answer_about_another_rule_is_refused() {
    let emulator = Emulator::new(EmulatorConfig::default()).unwrap();
    let (asked, _) = seed(&emulator, "gone", true);
    let (other, _) = seed(&emulator, "console", false);
    let (lied_about, carried) = (asked.clone(), other.clone());
    let server = LyingServer::start(emulator, move |call, (status, text)| {
        if call.described_rule() == Some(lied_about.as_str()) {
            (status, text.replace(&lied_about, &carried))
        } else {
            (status, text)
        }
    })
    .await;
    let error = expect_bad_answer(read_through(&server).await);
    insta::assert_snapshot!(
        "describe_names_another_rule",
        shown(&error, &[(&asked, "[ASKED]"), (&other, "[OTHER]")])
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_describe_answer_that_disagrees_with_the_listing_is_refused() {
    let emulator = Emulator::new(EmulatorConfig::default()).unwrap();
    let (id, _) = seed(&emulator, "billing", true);
    let described = id.clone();
    let server = LyingServer::start(emulator, move |call, (status, text)| {
        if call.described_rule() == Some(described.as_str()) {
            (status, text.replace("\"billing\"", "\"payroll\""))
        } else {
            (status, text)
        }
    })
    .await;
    let error = expect_bad_answer(read_through(&server).await);
    insta::assert_snapshot!(
        "describe_disagrees_with_listing",
        shown(&error, &[(&id, "[ID]")])
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_describe_answer_without_a_rule_is_refused() {
    let emulator = Emulator::new(EmulatorConfig::default()).unwrap();
    seed(&emulator, "billing", true);
    let server = LyingServer::start(emulator, |call, answer| {
        if call.described_rule().is_some() {
            (200, "{}".to_owned())
        } else {
            answer
        }
    })
    .await;
    let error = expect_bad_answer(read_through(&server).await);
    assert!(error.message.contains("the answer held no rule"), "{error}");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_rule_listed_on_two_pages_is_refused() {
    let emulator = Emulator::new(EmulatorConfig::default()).unwrap();
    let (id, _) = seed(&emulator, "billing", true);
    seed(&emulator, "support", true);
    let summaries = honest_summaries(&emulator);
    let server = LyingServer::start(emulator, move |call, answer| {
        if !call.is_list_rules() {
            return answer;
        }
        match call.next_token().as_deref() {
            None => page(&summaries[..1], Some("page-2")),
            _ => page(&summaries, None),
        }
    })
    .await;
    let error = expect_bad_answer(read_through(&server).await);
    insta::assert_snapshot!("rule_listed_twice", shown(&error, &[(&id, "[ID]")]));
}

#[tokio::test(flavor = "multi_thread")]
async fn two_rules_with_one_name_are_refused() {
    let emulator = Emulator::new(EmulatorConfig::default()).unwrap();
    seed(&emulator, "billing", true);
    seed(&emulator, "support", true);
    let mut summaries = honest_summaries(&emulator);
    summaries[1]["Name"] = json!("billing");
    let server = LyingServer::start(emulator, move |call, answer| {
        if call.is_list_rules() {
            page(&summaries, None)
        } else {
            answer
        }
    })
    .await;
    let error = expect_bad_answer(read_through(&server).await);
    assert!(
        error.message.contains("two rules are named `billing`"),
        "{error}"
    );
}

/// Today's main asks for the same page for ever; now the second sight of a token stops it.
#[tokio::test(flavor = "multi_thread")]
async fn a_page_token_that_repeats_is_refused() {
    let emulator = Emulator::new(EmulatorConfig::default()).unwrap();
    let server = LyingServer::start(emulator, |call, answer| {
        if call.is_list_rules() {
            page(&[], Some("same-token"))
        } else {
            answer
        }
    })
    .await;
    let error = expect_bad_answer(read_through(&server).await);
    insta::assert_snapshot!("page_token_repeats", shown(&error, &[]));
    let list_calls = server.calls().iter().filter(|c| c.is_list_rules()).count();
    assert_eq!(list_calls, 2);
}

/// Fresh tokens for ever, each page empty: stopped after the page bound.
#[tokio::test(flavor = "multi_thread")]
async fn endless_empty_pages_are_refused() {
    let emulator = Emulator::new(EmulatorConfig::default()).unwrap();
    let pages = Arc::new(AtomicUsize::new(0));
    let counter = Arc::clone(&pages);
    let server = LyingServer::start(emulator, move |call, answer| {
        if call.is_list_rules() {
            let n = counter.fetch_add(1, Ordering::SeqCst);
            page(&[], Some(&format!("token-{n}")))
        } else {
            answer
        }
    })
    .await;
    let error = expect_bad_answer(read_through(&server).await);
    assert!(
        error
            .message
            .contains("the listing goes on past 500 pages (0 rules so far)"),
        "{error}"
    );
    assert_eq!(
        pages.load(Ordering::SeqCst),
        connect_rules::fetch::MAX_LIST_PAGES
    );
}

/// Fresh tokens for ever, each page full of new rules: stopped past the rule quota, long
/// before memory matters.
#[tokio::test(flavor = "multi_thread")]
async fn a_listing_longer_than_the_rule_quota_is_refused() {
    let emulator = Emulator::new(EmulatorConfig::default()).unwrap();
    seed(&emulator, "template", true);
    let template = honest_summaries(&emulator).remove(0);
    let pages = Arc::new(AtomicUsize::new(0));
    let counter = Arc::clone(&pages);
    let server = LyingServer::start(emulator, move |call, answer| {
        if !call.is_list_rules() {
            return answer;
        }
        let n = counter.fetch_add(1, Ordering::SeqCst);
        let summaries: Vec<Json> = (0..200)
            .map(|i| {
                let mut summary = template.clone();
                summary["RuleId"] = json!(format!("rule-{n}-{i}"));
                summary["Name"] = json!(format!("rule-{n}-{i}"));
                summary
            })
            .collect();
        page(&summaries, Some(&format!("token-{n}")))
    })
    .await;
    let error = expect_bad_answer(read_through(&server).await);
    assert!(
        error
            .message
            .contains("the listing goes on past 10000 rules, the most an instance holds (page 51)"),
        "{error}"
    );
    assert_eq!(pages.load(Ordering::SeqCst), 51);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_page_longer_than_asked_is_refused() {
    let emulator = Emulator::new(EmulatorConfig::default()).unwrap();
    seed(&emulator, "template", true);
    let template = honest_summaries(&emulator).remove(0);
    let server = LyingServer::start(emulator, move |call, answer| {
        if !call.is_list_rules() {
            return answer;
        }
        let summaries: Vec<Json> = (0..201)
            .map(|i| {
                let mut summary = template.clone();
                summary["RuleId"] = json!(format!("rule-{i}"));
                summary["Name"] = json!(format!("rule-{i}"));
                summary
            })
            .collect();
        page(&summaries, None)
    })
    .await;
    let error = expect_bad_answer(read_through(&server).await);
    assert!(
        error
            .message
            .contains("a page listed 201 rules, more than the 200 asked for"),
        "{error}"
    );
}

/// A 300 MB answer is read only up to the cap: the call fails naming the cap, and the server
/// could write no more than the cap plus what the sockets buffer before the client hung up.
#[tokio::test(flavor = "multi_thread")]
async fn an_enormous_answer_is_cut_off_at_the_cap() {
    const ANNOUNCED: usize = 300 * 1024 * 1024;
    let most_written = Arc::new(AtomicUsize::new(0));
    let record = Arc::clone(&most_written);
    let (addr, _server) = raw_server(move |mut stream| {
        let record = Arc::clone(&record);
        async move {
            let head = format!(
                "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {ANNOUNCED}\r\n\r\n{{\"RuleSummaryList\":[\""
            );
            if stream.write_all(head.as_bytes()).await.is_err() {
                return;
            }
            let chunk = vec![b'x'; 64 * 1024];
            let mut written = 0;
            // Bounded: at most the announced length; it ends sooner when the client hangs up.
            while written < ANNOUNCED {
                if stream.write_all(&chunk).await.is_err() {
                    break;
                }
                written += chunk.len();
            }
            record.fetch_max(written, Ordering::SeqCst);
        }
    })
    .await;
    let client = client(
        format!("http://{addr}"),
        2,
        connect_rules::client::ATTEMPT_TIMEOUT,
    )
    .await;
    let error = tokio::time::timeout(HANG, client.list_rules_page(None))
        .await
        .expect("the call ended")
        .expect_err("an enormous answer is an error");
    assert_eq!(error.kind, ApiErrorKind::BadAnswer, "{error}");
    assert!(
        error.message.contains(
            "the answer is larger than 16777216 bytes, the most connect-rules reads of one answer"
        ),
        "{error}"
    );
    let written = most_written.load(Ordering::SeqCst);
    assert!(
        written < 64 * 1024 * 1024,
        "the server wrote {written} bytes to one connection"
    );
}

/// An answer that comes one byte at a time never completes an attempt: each attempt times out
/// and the call fails, instead of waiting as long as the server keeps trickling.
#[tokio::test(flavor = "multi_thread")]
async fn an_answer_sent_byte_by_byte_times_out_per_attempt() {
    let (addr, _server) = raw_server(|mut stream| async move {
        let head = b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 100000\r\n\r\n{\"RuleSummaryList\":[";
        if stream.write_all(head).await.is_err() {
            return;
        }
        // Bounded: at most 100,000 body bytes, 50 ms apart; it ends sooner when the client
        // hangs up.
        for _ in 0..100_000 {
            if stream.write_all(b" ").await.is_err() {
                return;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    })
    .await;
    let client = client(format!("http://{addr}"), 2, Duration::from_millis(800)).await;
    let error = tokio::time::timeout(HANG, client.list_rules_page(None))
        .await
        .expect("the call ended")
        .expect_err("a trickled answer is an error");
    assert_eq!(error.kind, ApiErrorKind::Transport, "{error}");
    let text = error.message.to_lowercase();
    assert!(
        text.contains("timeout") || text.contains("timed out"),
        "{error}"
    );
}

/// A server that takes the connection and the request and never says a word.
#[tokio::test(flavor = "multi_thread")]
async fn a_server_that_never_answers_times_out_per_attempt() {
    let (addr, _server) = raw_server(|stream| async move {
        // Hold the connection, bounded by the test's own end.
        tokio::time::sleep(HANG).await;
        drop(stream);
    })
    .await;
    let client = client(format!("http://{addr}"), 2, Duration::from_millis(500)).await;
    let error = tokio::time::timeout(HANG, client.describe_rule("rule-1"))
        .await
        .expect("the call ended")
        .expect_err("no answer is an error");
    assert_eq!(error.kind, ApiErrorKind::Transport, "{error}");
    let text = error.message.to_lowercase();
    assert!(
        text.contains("timeout") || text.contains("timed out"),
        "{error}"
    );
}

/// Runs the CLI in `dir` against `endpoint`; `(exit code, stdout, stderr)`.
async fn cli(dir: &std::path::Path, endpoint: &str, args: &[&str]) -> (i32, String, String) {
    Cli::new(dir)
        .args(args)
        .args(["--rules", "rules"])
        .color_never()
        .target(INSTANCE, endpoint)
        .timeout(HANG)
        .run_async()
        .await
        .parts()
}

fn project(files: &[&str]) -> Project {
    let mut project = Project::new();
    for name in files {
        project = project.rule_file(&format!("{name}.yaml"), &rule_file(name));
    }
    project
}

fn redact(text: &str, server: &LyingServer, ids: &[(&str, &str)]) -> String {
    let mut text = text.replace(&server.endpoint_url(), "[ENDPOINT]");
    text = text.replace(&server.addr.to_string(), "[ADDR]");
    for (id, label) in ids {
        text = text.replace(id, label);
    }
    text
}

/// The reported attack: the owned rule `gone` (its file deleted, so planned for deletion) is
/// described with the RuleId of the unowned console rule. Today's main deletes the console
/// rule; now apply stops before planning, and nothing is created or deleted.
#[tokio::test(flavor = "multi_thread")]
async fn apply_deletes_nothing_when_a_describe_answer_names_another_rule() {
    let emulator = Emulator::new(EmulatorConfig::default()).unwrap();
    let (gone, _) = seed(&emulator, "gone", true);
    let (console, _) = seed(&emulator, "console", false);
    let (lied_about, carried) = (gone.clone(), console.clone());
    let server = LyingServer::start(emulator.clone(), move |call, (status, text)| {
        if call.described_rule() == Some(lied_about.as_str()) {
            (status, text.replace(&lied_about, &carried))
        } else {
            (status, text)
        }
    })
    .await;
    let dir = project(&["keep"]);
    let (code, stdout, stderr) = cli(
        dir.path(),
        &server.endpoint_url(),
        &["apply", "--auto-approve", "--allow-delete"],
    )
    .await;
    assert_eq!(code, 1, "--- stdout\n{stdout}\n--- stderr\n{stderr}");
    insta::assert_snapshot!(
        "apply_stops_on_a_describe_lie",
        redact(
            &stderr,
            &server,
            &[(&gone, "[GONE]"), (&console, "[CONSOLE]")]
        )
    );
    let calls = server.calls();
    assert!(
        calls.iter().all(|call| call.method == "GET"),
        "only reads were sent: {calls:?}"
    );
    for id in [&gone, &console] {
        assert!(
            emulator.store().describe_rule(INSTANCE, id).is_ok(),
            "rule {id} still exists"
        );
    }
}

/// `plan` stops on a repeated page token with the same message, exit 1, instead of looping.
#[tokio::test(flavor = "multi_thread")]
async fn plan_stops_on_a_page_token_that_repeats() {
    let emulator = Emulator::new(EmulatorConfig::default()).unwrap();
    let server = LyingServer::start(emulator, |call: &Call, answer| {
        if call.is_list_rules() {
            page(&[], Some("same-token"))
        } else {
            answer
        }
    })
    .await;
    let dir = project(&["keep"]);
    let (code, stdout, stderr) = cli(dir.path(), &server.endpoint_url(), &["plan"]).await;
    assert_eq!(code, 1, "--- stdout\n{stdout}\n--- stderr\n{stderr}");
    insta::assert_snapshot!(
        "plan_stops_on_a_repeated_token",
        redact(&stderr, &server, &[])
    );
}
