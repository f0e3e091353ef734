//! Benchmarks: the real CLI against the emulator over loopback HTTP, with the service's
//! latency and rate limit simulated, next to the lower bound those limits allow; plus the CPU
//! cost of loading, validating, diffing and rendering many rules.
//!
//! Run: `cargo bench --bench perf` (N = 100 and 1,000), or with `-- --sizes 100,1000,5000`;
//! `-- --warm-only [--repeats K]` runs only the warm plans, K times each (minutes, not an hour).
//! `-- --references [--sizes 1000] [--repeats K]` plans rules that name their queue, flow and
//! user (`${queue:NAME}`, ...) against 5,000 users, 500 queues and 500 flows, next to the same
//! rules with the ids written out.
//! Results are printed as markdown for BENCHMARKS.md. Warm plans are also set against the
//! process-start floor: `connect-rules --version`, timed after each warm plan in the same run.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::Path;
use std::process::Command;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use connect_rules::client::{ConnectClient, Endpoint};
use connect_rules::emulator::{parse_seed, Emulator, EmulatorConfig, Operation};

// The test kit's CLI runner: the same hermetic environment as the end-to-end tests.
#[path = "../tests/support/mod.rs"]
mod support;

use support::Cli;

const LATENCY: Duration = Duration::from_millis(20);
const RATE: f64 = 10.0;
const BURST: u32 = 20;
const INSTANCE: &str = "bench-instance";
/// Warm plans per size in the full run (`--warm-only` takes `--repeats`).
const WARM_REPEATS: usize = 5;

fn rule_text(index: usize, variant: &str) -> String {
    format!(
        r#"Name: bench-rule-{index:05}
TriggerEventSource:
  EventSourceName: OnPostCallAnalysisAvailable
Function:
  Version: "2022-11-25"
  RuleFunction:
    Operator: AND
    Operands:
      - Operator: CONTAINS_ANY
        Operands: ["refund", "cancel {variant}"]
        ComparisonValue: $.ContactLens.PostCall.ExactMatch.Transcript
        FilterClause:
          LogicOperator: AND
          Filters: [{{Type: ParticipantRole, Data: CUSTOMER}}]
        Negate: false
PublishStatus: PUBLISHED
Actions:
  - ActionType: CREATE_TASK
    TaskAction:
      Name: Call back customer {index}
      ContactFlowId: ${{var.flow}}
  - ActionType: ASSIGN_CONTACT_CATEGORY
    AssignContactCategoryAction: {{}}
Tags:
  team: bench
"#
    )
}

fn write_rules(dir: &Path, count: usize, changed_every: Option<usize>) {
    let rules = dir.join("rules");
    std::fs::create_dir_all(&rules).unwrap();
    for index in 0..count {
        let variant = match changed_every {
            Some(every) if index % every == 0 => "changed",
            _ => "original",
        };
        std::fs::write(
            rules.join(format!("rule-{index:05}.yaml")),
            rule_text(index, variant),
        )
        .unwrap();
    }
}

fn write_config(dir: &Path, endpoint: &str) {
    write_paced_config(dir, endpoint, RATE, BURST);
}

fn write_paced_config(dir: &Path, endpoint: &str, rate: f64, burst: u32) {
    std::fs::write(
        dir.join("connect-rules.yaml"),
        format!(
            "rules: rules\ntargets:\n  bench:\n    instance_id: {INSTANCE}\n    region: us-east-1\n    endpoint_url: {endpoint}\n    requests_per_second: {rate}\n    burst: {burst}\n    concurrency: 8\n    variables:\n      flow: flow-1\n"
        ),
    )
    .unwrap();
}

/// One timed CLI run.
struct Timed {
    wall: Duration,
    /// Calls that were answered (the work).
    calls: usize,
    /// Calls answered 429 (the waste).
    throttled: usize,
    peak_kib: u64,
    exit: i32,
}

/// Runs the CLI and waits for it; a watcher thread samples its peak resident memory (VmHWM)
/// meanwhile, so the wall time is the exit itself rather than the next poll.
fn run_cli(dir: &Path, args: &[&str]) -> Timed {
    // Let the emulator's bucket refill first, so every run starts with the burst the floor
    // assumes, as a run after a quiet spell would on the real service.
    std::thread::sleep(Duration::from_secs_f64(f64::from(BURST) / RATE + 0.5));
    let cli = Cli::new(dir).args(args);
    let start = Instant::now();
    let run = cli.spawn(true);
    let mut child = run.child;
    let pid = child.id();
    let finished = Arc::new(AtomicBool::new(false));
    let watcher = {
        let finished = Arc::clone(&finished);
        std::thread::spawn(move || watch_memory(pid, &finished))
    };
    let status = child.wait().expect("the CLI run is waited for");
    let wall = start.elapsed();
    finished.store(true, Ordering::SeqCst);
    let peak_kib = watcher.join().expect("the memory watcher finishes");
    Timed {
        wall,
        calls: 0,
        throttled: 0,
        peak_kib,
        exit: status.code().unwrap_or(-1),
    }
}

/// The highest VmHWM of process `pid` seen until `finished`; kills a run that takes more
/// than an hour, so the benchmark always ends.
fn watch_memory(pid: u32, finished: &AtomicBool) -> u64 {
    let status_path = format!("/proc/{pid}/status");
    let deadline = Instant::now() + Duration::from_hours(1);
    let mut peak_kib = 0;
    while !finished.load(Ordering::SeqCst) {
        if let Ok(status) = std::fs::read_to_string(&status_path) {
            if let Some(line) = status.lines().find(|l| l.starts_with("VmHWM:")) {
                let kib: u64 = line
                    .split_whitespace()
                    .nth(1)
                    .and_then(|v| v.parse().ok())
                    .unwrap_or(0);
                peak_kib = peak_kib.max(kib);
            }
        }
        if Instant::now() > deadline {
            let _ = Command::new("kill").args(["-9", &pid.to_string()]).status();
            panic!("the CLI run did not finish within an hour");
        }
        std::thread::sleep(Duration::from_millis(2));
    }
    peak_kib
}

/// The least wall time `calls` answered calls can take: the first `BURST` go at once and the
/// rest at RATE per second; and the ListRules pages of N rules follow one another, each taking
/// the latency (the floor of a warm plan).
fn floor(calls: usize, n: usize) -> Duration {
    let by_rate = Duration::from_secs_f64(calls.saturating_sub(BURST as usize) as f64 / RATE);
    let pages = u32::try_from(n.div_ceil(200).max(1)).unwrap_or(u32::MAX);
    by_rate.max(LATENCY * pages)
}

/// A table row. `start` is the process-start floor measured beside a warm plan (see
/// [`process_start`]); rows without one show `-` in its two columns.
fn row(name: &str, n: usize, run: &Timed, start: Option<Duration>) -> String {
    let floor = floor(run.calls, n);
    let ratio = if floor.is_zero() {
        "-".to_owned()
    } else {
        format!("{:.2}", run.wall.as_secs_f64() / floor.as_secs_f64())
    };
    let (start, beyond_start) = start.map_or_else(
        || ("-".to_owned(), "-".to_owned()),
        |start| (seconds(start), seconds(run.wall.saturating_sub(start))),
    );
    format!(
        "| {name} | {n} | {} | {} | {} | {} | {ratio} | {} | {:.1} MiB | {start} | {beyond_start} |",
        seconds(run.wall),
        run.calls,
        run.throttled,
        seconds(floor),
        if run.exit == 0 || run.exit == 2 {
            "ok".to_owned()
        } else {
            format!("exit {}", run.exit)
        },
        run.peak_kib as f64 / 1024.0
    )
}

/// One start of the program: `connect-rules --version` from `dir`, which reads no file and
/// makes no call. No plan can be faster than this, so a warm plan is reported against it.
fn process_start(dir: &Path) -> Duration {
    let cli = Cli::new(dir).arg("--version");
    let start = Instant::now();
    let status = cli
        .spawn(true)
        .child
        .wait()
        .expect("--version is waited for");
    let wall = start.elapsed();
    assert!(status.success(), "`connect-rules --version` succeeds");
    wall
}

/// A duration with the precision that matters at its size: milliseconds below a second.
fn seconds(duration: Duration) -> String {
    let secs = duration.as_secs_f64();
    if secs < 1.0 {
        format!("{secs:.3} s")
    } else if secs < 100.0 {
        format!("{secs:.2} s")
    } else {
        format!("{secs:.1} s")
    }
}

/// Sets a run's call counts from the emulator's request log.
fn count_calls(emulator: &Emulator, run: &mut Timed) {
    let requests = emulator.requests();
    run.throttled = requests.iter().filter(|r| r.status == 429).count();
    run.calls = requests.len() - run.throttled;
}

async fn naive_plan(endpoint: &str) -> (Duration, usize) {
    // A user's script: list every page, then describe each rule, one call at a time, with the
    // SDK's default retries absorbing the throttling.
    let client = ConnectClient::connect(&Endpoint {
        max_attempts: 8,
        ..Endpoint::local(INSTANCE, endpoint)
    })
    .await
    .expect("the client connects");
    let start = Instant::now();
    let (summaries, pages) = connect_rules::fetch::list_all(&client).await.unwrap();
    for summary in &summaries {
        client.describe_rule(&summary.rule_id).await.unwrap();
    }
    (start.elapsed(), pages + summaries.len())
}

async fn bench_size(n: usize, out: &mut Vec<String>) {
    let emulator = Emulator::new(EmulatorConfig::default()).unwrap();
    let running = emulator.serve_local().await.unwrap();
    let endpoint = running.endpoint_url();

    // apply: create all, from an empty instance.
    let dir = tempfile::tempdir().unwrap();
    write_config(dir.path(), &endpoint);
    write_rules(dir.path(), n, None);
    emulator.faults().set_latency(LATENCY);
    emulator.faults().set_rate_limit(RATE, BURST);
    emulator.clear_requests();
    let path = dir.path().to_path_buf();
    let mut run = tokio::task::spawn_blocking(move || {
        run_cli(&path, &["apply", "--auto-approve", "--parallelism", "8"])
    })
    .await
    .unwrap();
    count_calls(&emulator, &mut run);
    out.push(row("apply: create all (then re-plan)", n, &run, None));

    // plan, cold: every rule described.
    emulator.clear_requests();
    let path = dir.path().to_path_buf();
    let mut run = tokio::task::spawn_blocking(move || {
        run_cli(&path, &["plan", "--detailed-exitcode", "--no-cache"])
    })
    .await
    .unwrap();
    count_calls(&emulator, &mut run);
    out.push(row("plan, cold cache: no changes", n, &run, None));

    // plan, warm: nothing changed since the last read, so only ListRules. A run of well under
    // a second is at the mercy of a shared machine, so the row is the median of a few.
    out.push(warm_plans(&emulator, dir.path(), n, WARM_REPEATS).await);

    // apply: update 10%.
    let dir2 = tempfile::tempdir().unwrap();
    write_config(dir2.path(), &endpoint);
    write_rules(dir2.path(), n, Some(10));
    emulator.clear_requests();
    let path = dir2.path().to_path_buf();
    let mut run = tokio::task::spawn_blocking(move || {
        run_cli(&path, &["apply", "--auto-approve", "--parallelism", "8"])
    })
    .await
    .unwrap();
    count_calls(&emulator, &mut run);
    out.push(row("apply: update 10% (then re-plan)", n, &run, None));

    // The naive sequential script, same limits.
    emulator.clear_requests();
    tokio::time::sleep(Duration::from_secs_f64(f64::from(BURST) / RATE + 0.5)).await;
    let (wall, _) = naive_plan(&endpoint).await;
    let mut run = Timed {
        wall,
        calls: 0,
        throttled: 0,
        peak_kib: 0,
        exit: 0,
    };
    count_calls(&emulator, &mut run);
    out.push(
        row(
            "naive script: list, then describe one by one",
            n,
            &run,
            None,
        )
        .replace("| 0.0 MiB |", "| - |"),
    );
    running.shutdown().await;
}

/// Warm plans only, repeated. The instance is filled and the cache warmed without latency or
/// limits (seconds, where the full run's cold reads take most of an hour), then the plan runs
/// `repeats` times under them; the row shows the median run, with the fastest and slowest.
async fn bench_warm(n: usize, repeats: usize, out: &mut Vec<String>) {
    let emulator = Emulator::new(EmulatorConfig::default()).unwrap();
    let running = emulator.serve_local().await.unwrap();
    let endpoint = running.endpoint_url();
    let dir = tempfile::tempdir().unwrap();
    write_rules(dir.path(), n, None);
    write_paced_config(dir.path(), &endpoint, 10_000.0, 10_000);
    let path = dir.path().to_path_buf();
    let setup = tokio::task::spawn_blocking(move || {
        let apply = run_cli(&path, &["apply", "--auto-approve", "--parallelism", "8"]);
        let plan = run_cli(&path, &["plan"]);
        (apply.exit, plan.exit)
    })
    .await
    .unwrap();
    assert_eq!(setup, (0, 0), "filling the instance and warming the cache");

    write_config(dir.path(), &endpoint);
    emulator.faults().set_latency(LATENCY);
    emulator.faults().set_rate_limit(RATE, BURST);
    out.push(warm_plans(&emulator, dir.path(), n, repeats).await);
    running.shutdown().await;
}

/// Warm plans of the project in `dir`, `repeats` times: the row of the median run, naming the
/// fastest and the slowest. Each plan is followed by a process start ([`process_start`]), so
/// both see the same machine; the row shows the median start and the median plan's wall time
/// beyond it. A difference rather than a ratio: the start is a fixed cost of every run, so
/// what is left is the plan's own work (reading the cache, listing, diffing, rendering).
async fn warm_plans(emulator: &Emulator, dir: &Path, n: usize, repeats: usize) -> String {
    let mut runs = Vec::with_capacity(repeats);
    let mut starts = Vec::with_capacity(repeats);
    for _ in 0..repeats {
        emulator.clear_requests();
        let path = dir.to_path_buf();
        let mut run =
            tokio::task::spawn_blocking(move || run_cli(&path, &["plan", "--detailed-exitcode"]))
                .await
                .unwrap();
        count_calls(emulator, &mut run);
        assert_eq!(run.exit, 0, "a warm plan with nothing to do");
        runs.push(run);
        let path = dir.to_path_buf();
        starts.push(
            tokio::task::spawn_blocking(move || process_start(&path))
                .await
                .unwrap(),
        );
    }
    runs.sort_by_key(|run| run.wall);
    starts.sort();
    let (fastest, slowest) = (runs[0].wall, runs[runs.len() - 1].wall);
    row(
        &format!(
            "plan, warm cache: no changes (median of {repeats}; {} to {})",
            seconds(fastest),
            seconds(slowest)
        ),
        n,
        &runs[runs.len() / 2],
        Some(starts[starts.len() / 2]),
    )
}

/// The instance's other resources in the references benchmark: 5,000 users, 500 queues and
/// 500 flows, as the issue sets them.
const USERS: usize = 5000;
const QUEUES: usize = 500;
const FLOWS: usize = 500;

fn queue_id(index: usize) -> String {
    format!("10000000-0000-4000-8000-{index:012}")
}

fn flow_id(index: usize) -> String {
    format!("20000000-0000-4000-8000-{index:012}")
}

fn user_id(index: usize) -> String {
    format!("30000000-0000-4000-8000-{index:012}")
}

/// The seed file of the references benchmark, with the ids given so the plain-id rules can
/// name the same resources.
fn resources_seed() -> String {
    let mut seed = String::from("queues:\n");
    for index in 0..QUEUES {
        let _ = writeln!(
            seed,
            "  - {{Name: Queue {index:04}, Id: {}, QueueType: STANDARD}}",
            queue_id(index)
        );
    }
    seed.push_str("contact_flows:\n");
    for index in 0..FLOWS {
        let _ = writeln!(
            seed,
            "  - {{Name: Flow {index:04}, Id: {}, ContactFlowType: CONTACT_FLOW}}",
            flow_id(index)
        );
    }
    seed.push_str("users:\n");
    for index in 0..USERS {
        let _ = writeln!(
            seed,
            "  - {{Username: agent{index:05}, Id: {}}}",
            user_id(index)
        );
    }
    seed
}

/// A rule that names a queue in its Function, a flow in its task and a user as the recipient
/// of its notification: by reference, or by the ids those references resolve to.
fn rule_with_resources(index: usize, by_name: bool) -> String {
    let (queue, flow, user) = (index % QUEUES, index % FLOWS, index % USERS);
    let (queue, flow, user) = if by_name {
        (
            format!("${{queue:Queue {queue:04}}}"),
            format!("${{flow:Flow {flow:04}}}"),
            format!("${{user:agent{user:05}}}"),
        )
    } else {
        (queue_id(queue), flow_id(flow), user_id(user))
    };
    format!(
        r#"Name: bench-rule-{index:05}
TriggerEventSource:
  EventSourceName: OnPostCallAnalysisAvailable
Function:
  Version: "2022-11-25"
  RuleFunction:
    Operator: AND
    Operands:
      - Operator: CONTAINS_ANY
        Operands: ["{queue}"]
        ComparisonValue: $.ContactLens.PostCall.Queue.QueueId
        Negate: false
      - Operator: CONTAINS_ANY
        Operands: ["refund", "cancel"]
        ComparisonValue: $.ContactLens.PostCall.ExactMatch.Transcript
        FilterClause:
          LogicOperator: AND
          Filters: [{{Type: ParticipantRole, Data: CUSTOMER}}]
        Negate: false
PublishStatus: PUBLISHED
Actions:
  - ActionType: CREATE_TASK
    TaskAction:
      Name: Call back customer {index}
      ContactFlowId: "{flow}"
  - ActionType: SEND_NOTIFICATION
    SendNotificationAction:
      DeliveryMethod: EMAIL
      Subject: Callback task opened
      Content: A callback task was created.
      ContentType: PLAIN_TEXT
      Recipient:
        UserIds: ["{user}"]
Tags:
  team: bench
"#
    )
}

fn write_rules_with_resources(dir: &Path, count: usize, by_name: bool) {
    let rules = dir.join("rules");
    std::fs::create_dir_all(&rules).unwrap();
    for index in 0..count {
        std::fs::write(
            rules.join(format!("rule-{index:05}.yaml")),
            rule_with_resources(index, by_name),
        )
        .unwrap();
    }
}

/// The list calls of resources a run made, as `ListUsers 5, ...` (empty when none).
fn resource_calls(emulator: &Emulator) -> String {
    [
        ("ListQueues", Operation::ListQueues),
        ("ListContactFlows", Operation::ListContactFlows),
        ("ListUsers", Operation::ListUsers),
    ]
    .into_iter()
    .filter_map(|(name, operation)| {
        let count = emulator.count(operation);
        (count > 0).then(|| format!("{name} {count}"))
    })
    .collect::<Vec<_>>()
    .join(", ")
}

/// Plans of N rules that name their resources, next to the same rules with ids: a cold plan
/// (every rule described) and warm plans (median of `repeats`), on one instance, so both
/// variants must plan as no change. The instance is filled without latency or limits.
async fn bench_references(n: usize, repeats: usize, out: &mut Vec<String>) {
    let seed = parse_seed(Path::new("bench-resources.yaml"), &resources_seed())
        .expect("the benchmark's seed parses");
    let emulator = Emulator::new(EmulatorConfig::default().with_resources(seed)).unwrap();
    let running = emulator.serve_local().await.unwrap();
    let endpoint = running.endpoint_url();
    let dir = tempfile::tempdir().unwrap();
    write_rules_with_resources(dir.path(), n, true);
    write_paced_config(dir.path(), &endpoint, 10_000.0, 10_000);
    let path = dir.path().to_path_buf();
    let filled = tokio::task::spawn_blocking(move || {
        run_cli(&path, &["apply", "--auto-approve", "--parallelism", "8"]).exit
    })
    .await
    .unwrap();
    assert_eq!(
        filled, 0,
        "filling the instance with rules that name resources"
    );

    write_config(dir.path(), &endpoint);
    emulator.faults().set_latency(LATENCY);
    emulator.faults().set_rate_limit(RATE, BURST);
    for (by_name, label) in [
        (true, "names (`${queue:…}`, `${flow:…}`, `${user:…}`)"),
        (false, "ids"),
    ] {
        write_rules_with_resources(dir.path(), n, by_name);
        emulator.clear_requests();
        let path = dir.path().to_path_buf();
        let mut run = tokio::task::spawn_blocking(move || {
            run_cli(&path, &["plan", "--detailed-exitcode", "--no-cache"])
        })
        .await
        .unwrap();
        count_calls(&emulator, &mut run);
        assert_eq!(
            run.exit, 0,
            "a cold plan of rules by {label} has nothing to do"
        );
        let lists = resource_calls(&emulator);
        out.push(format!(
            "{} (resource lists: {}) |",
            row(
                &format!("plan, cold cache, rules by {label}"),
                n,
                &run,
                None
            ),
            if lists.is_empty() {
                "none".to_owned()
            } else {
                lists
            }
        ));
        let warm = warm_plans(&emulator, dir.path(), n, repeats).await;
        let lists = resource_calls(&emulator);
        out.push(format!(
            "{} (resource lists, last run: {}) |",
            warm.replace(
                "plan, warm cache",
                &format!("plan, warm cache, rules by {label}")
            ),
            if lists.is_empty() {
                "none".to_owned()
            } else {
                lists
            }
        ));
    }
    running.shutdown().await;
}

fn cpu_seconds() -> f64 {
    // utime + stime from /proc/self/stat, in clock ticks (100 per second on Linux).
    let stat = std::fs::read_to_string("/proc/self/stat").unwrap_or_default();
    let after_name = stat.rsplit(')').next().unwrap_or_default();
    let fields: Vec<&str> = after_name.split_whitespace().collect();
    let ticks: f64 = fields.get(11).and_then(|v| v.parse().ok()).unwrap_or(0.0)
        + fields.get(12).and_then(|v| v.parse().ok()).unwrap_or(0.0);
    ticks / 100.0
}

fn bench_cpu(n: usize, out: &mut Vec<String>) {
    let dir = tempfile::tempdir().unwrap();
    write_rules(dir.path(), n, None);
    let variables = BTreeMap::from([("flow".to_owned(), "flow-1".to_owned())]);
    let cpu_start = cpu_seconds();
    let start = Instant::now();
    let loaded = connect_rules::load::load_rules(
        &dir.path().join("rules"),
        &variables,
        &connect_rules::validate::FunctionPolicy::default(),
    );
    let load_wall = start.elapsed();
    assert!(!loaded.has_errors());
    assert_eq!(loaded.rules.len(), n);
    // Diff against a live copy with 10% changed, and render every format.
    let live: Vec<_> = loaded
        .rules
        .iter()
        .enumerate()
        .map(|(i, d)| {
            let mut rule = connect_rules::model::ownership::with_ownership(&d.rule);
            if i % 10 == 0 {
                rule.publish_status = "DRAFT".into();
            }
            connect_rules::model::LiveRule {
                rule,
                rule_id: format!("id-{i}"),
                rule_arn: format!("arn:aws:connect:us-east-1:123456789012:instance/x/rule/id-{i}"),
                rule_capability_tiers: vec![],
                created_time: 1.7e9,
                last_updated_time: 1.7e9,
                last_updated_by: "arn:aws:iam::123456789012:user/x".into(),
            }
        })
        .collect();
    let plan = connect_rules::diff::diff(
        connect_rules::plan::PlanTarget {
            name: "b".into(),
            instance_id: "i".into(),
            local_state: None,
        },
        &loaded.rules,
        &live,
        &connect_rules::diff::DiffOptions::default(),
    );
    let text = connect_rules::render::text::render(&plan, connect_rules::style::Style::plain());
    let json = connect_rules::render::json::render(&plan);
    let markdown = connect_rules::render::markdown::render(
        &plan,
        connect_rules::render::markdown::GITHUB_COMMENT_LIMIT,
    );
    let total_wall = start.elapsed();
    let cpu = cpu_seconds() - cpu_start;
    out.push(format!(
        "| {n} rule files | {:.3} s | {:.3} s | {:.2} s | {} changes, {} / {} / {} bytes of text / JSON / markdown |",
        load_wall.as_secs_f64(),
        total_wall.as_secs_f64(),
        cpu,
        plan.summary.update,
        text.len(),
        json.len(),
        markdown.len()
    ));
}

fn peak_rss_mib() -> f64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find(|l| l.starts_with("VmHWM:"))
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|v| v.parse::<f64>().ok())
        .map_or(0.0, |kib| kib / 1024.0)
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let sizes: Vec<usize> = args
        .iter()
        .position(|a| a == "--sizes")
        .and_then(|i| args.get(i + 1))
        .map_or_else(
            || vec![100, 1000],
            |list| list.split(',').filter_map(|s| s.parse().ok()).collect(),
        );
    let cpu_only = args.iter().any(|a| a == "--cpu-only");
    let warm_only = args.iter().any(|a| a == "--warm-only");
    let references = args.iter().any(|a| a == "--references");
    let repeats: usize = args
        .iter()
        .position(|a| a == "--repeats")
        .and_then(|i| args.get(i + 1))
        .and_then(|n| n.parse().ok())
        .unwrap_or(WARM_REPEATS)
        .max(1);
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .unwrap();
    if references {
        print_emulator_header();
        for n in sizes {
            let mut out = Vec::new();
            runtime.block_on(bench_references(n, repeats, &mut out));
            for line in out {
                println!("{line}");
            }
        }
        return;
    }
    if warm_only {
        print_emulator_header();
        for n in sizes {
            let mut out = Vec::new();
            runtime.block_on(bench_warm(n, repeats, &mut out));
            for line in out {
                println!("{line}");
            }
        }
        return;
    }

    println!("## CPU: load + validate (then diff + render all formats)\n");
    println!("| input | load + validate wall | + diff + render wall | CPU (whole step) | output |");
    println!("|---|---|---|---|---|");
    let mut out = Vec::new();
    for n in [1000, 5000, 10_000] {
        bench_cpu(n, &mut out);
    }
    for line in out.drain(..) {
        println!("{line}");
    }
    println!(
        "\nPeak resident memory of the bench process after the CPU runs: {:.1} MiB\n",
        peak_rss_mib()
    );
    if cpu_only {
        return;
    }
    print_emulator_header();
    for n in sizes {
        let mut out = Vec::new();
        runtime.block_on(bench_size(n, &mut out));
        for line in out {
            println!("{line}");
        }
    }
}

fn print_emulator_header() {
    println!(
        "## Against the emulator: {} ms latency, {RATE} req/s, burst {BURST}\n",
        LATENCY.as_millis()
    );
    println!("| run | N | wall | API calls answered | throttled (429) | floor: answered calls beyond the burst / rate (warm: pages × latency) | wall / floor | result | peak memory (CLI) | process start (`--version`, median; warm plans) | wall − process start |");
    println!("|---|---|---|---|---|---|---|---|---|---|---|");
}
