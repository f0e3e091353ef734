//! Benchmark: creates on the embedded local instance, persisted to a state file, as `apply`
//! makes them (one `CreateRule` at a time, each durable before it is answered).
//!
//! Run: `cargo bench --bench local_instance` (N = 1,000 and 10,000), or with
//! `-- --sizes 1000,10000 --budget-seconds 300`. Each size stops once its time budget is spent
//! and says how far it got, so a slow build cannot run for hours. Results are printed as
//! markdown for BENCHMARKS.md.

use std::time::{Duration, Instant};

use connect_rules::emulator::{Emulator, EmulatorConfig};
use serde_json::json;

const INSTANCE: &str = "local";

fn body(index: usize) -> serde_json::Value {
    json!({
        "Name": format!("bench-rule-{index:05}"),
        "ClientToken": format!("bench-token-{index:05}"),
        "TriggerEventSource": {"EventSourceName": "OnPostCallAnalysisAvailable"},
        "Function": "{\"Version\":\"2022-11-25\",\"RuleFunction\":{\"Operator\":\"CONTAINS_ANY\",\"Operands\":[\"refund\",\"cancel\"],\"ComparisonValue\":\"$.ContactLens.PostCall.ExactMatch.Transcript\"}}",
        "Actions": [
            {"ActionType": "CREATE_TASK", "TaskAction": {"Name": format!("Call back customer {index}"), "ContactFlowId": "flow-1"}},
            {"ActionType": "ASSIGN_CONTACT_CATEGORY", "AssignContactCategoryAction": {}}
        ],
        "PublishStatus": "PUBLISHED",
        "Tags": {"managed-by": "connect-rules", "team": "bench"}
    })
}

struct Outcome {
    done: usize,
    creating: Duration,
    closing: Duration,
    reopening: Duration,
    state_bytes: u64,
}

fn run(count: usize, budget: Duration) -> Outcome {
    let dir = tempfile::tempdir().expect("a temporary folder");
    let path = dir.path().join("local-instance.json");
    let config = EmulatorConfig::default()
        .with_state_file(&path)
        .with_rule_quota(count.max(1));
    let emulator = Emulator::new(config.clone()).expect("the local instance opens");
    let started = Instant::now();
    let mut done = 0;
    for index in 0..count {
        emulator
            .store()
            .create_rule(INSTANCE, &body(index))
            .expect("the create succeeds");
        done += 1;
        if started.elapsed() > budget {
            break;
        }
    }
    let creating = started.elapsed();
    let closing_started = Instant::now();
    drop(emulator);
    let closing = closing_started.elapsed();
    let reopening_started = Instant::now();
    let reopened = Emulator::new(config).expect("the local instance reopens");
    let reopening = reopening_started.elapsed();
    let kept = reopened
        .store()
        .snapshot()
        .instances
        .get(INSTANCE)
        .map_or(0, |instance| instance.rules.len());
    assert_eq!(kept, done, "every create is in the state after a reopen");
    drop(reopened);
    let state_bytes = std::fs::metadata(&path).map_or(0, |meta| meta.len());
    Outcome {
        done,
        creating,
        closing,
        reopening,
        state_bytes,
    }
}

fn main() {
    let mut sizes = vec![1_000, 10_000];
    let mut budget = Duration::from_mins(5);
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--sizes" => {
                sizes = args
                    .next()
                    .expect("--sizes takes a list")
                    .split(',')
                    .map(|size| size.trim().parse().expect("a size is a number"))
                    .collect();
            }
            "--budget-seconds" => {
                budget = Duration::from_secs(
                    args.next()
                        .expect("--budget-seconds takes a number")
                        .parse()
                        .expect("a number of seconds"),
                );
            }
            // `cargo bench` passes `--bench`.
            _ => {}
        }
    }
    println!("| creates | done | wall time | per create | close | reopen | state file |");
    println!("|---|---|---|---|---|---|---|");
    for count in sizes {
        let outcome = run(count, budget);
        let per_create = outcome.creating.as_secs_f64() / outcome.done.max(1) as f64;
        let done = if outcome.done == count {
            format!("{}", outcome.done)
        } else {
            format!("{} (budget of {} s spent)", outcome.done, budget.as_secs())
        };
        println!(
            "| {count} | {done} | {:.2} s | {:.2} ms | {:.3} s | {:.3} s | {:.1} MiB |",
            outcome.creating.as_secs_f64(),
            per_create * 1000.0,
            outcome.closing.as_secs_f64(),
            outcome.reopening.as_secs_f64(),
            outcome.state_bytes as f64 / (1024.0 * 1024.0),
        );
    }
}
