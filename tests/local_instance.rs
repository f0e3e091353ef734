//! The embedded local instance shared by several processes: one at a time holds its state
//! file, a second waits (saying who holds it) or gives up after the timeout, and every run
//! works on the state the last one left, so racing applies lose nothing.

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};

use connect_rules::emulator::{Emulator, EmulatorConfig};
use serde_json::json;

mod support;

use support::project::rule_names_in;
use support::{Cli, RuleText};

/// A rule file the instance accepts.
fn rule_yaml(name: &str) -> String {
    RuleText::new(name).build()
}

/// A project folder whose rules are `{prefix}-0` .. `{prefix}-{count-1}`, on the local instance
/// at `state`, leaving alone the rules named by `ignore`.
fn project(root: &Path, prefix: &str, count: usize, state: &Path, ignore: &str) -> PathBuf {
    let dir = root.join(prefix);
    std::fs::create_dir_all(dir.join("rules")).unwrap();
    for index in 0..count {
        let name = format!("{prefix}-{index}");
        std::fs::write(dir.join(format!("rules/{name}.yaml")), rule_yaml(&name)).unwrap();
    }
    std::fs::write(
        dir.join("connect-rules.yaml"),
        format!(
            "ignore: [\"{ignore}\"]\ntargets:\n  local:\n    local_state: {}\n",
            state.display()
        ),
    )
    .unwrap();
    dir
}

fn cli(dir: &Path, args: &[&str]) -> Cli {
    Cli::new(dir).args(args).color_never()
}

/// The rule names the state file holds (read the way the tool reads it).
fn names_in(state: &Path) -> Vec<String> {
    rule_names_in(state)
}

fn expected(prefixes: &[&str], count: usize) -> Vec<String> {
    let mut names: Vec<String> = prefixes
        .iter()
        .flat_map(|prefix| (0..count).map(move |index| format!("{prefix}-{index}")))
        .collect();
    names.sort();
    names
}

#[test]
fn two_applies_racing_on_the_local_instance_both_keep_their_rules() {
    const RULES: usize = 25;
    let root = tempfile::tempdir().unwrap();
    let state = root.path().join("shared/local-instance.json");
    let first = project(root.path(), "alpha", RULES, &state, "beta-*");
    let second = project(root.path(), "beta", RULES, &state, "alpha-*");
    let args = ["apply", "--auto-approve"];
    let racing: Vec<_> = [&first, &second]
        .iter()
        .map(|dir| cli(dir, &args).spawn(false))
        .collect();
    for run in racing {
        let output = run.child.wait_with_output().unwrap();
        assert!(
            output.status.success(),
            "{}\n{}",
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        );
    }
    assert_eq!(names_in(&state), expected(&["alpha", "beta"], RULES));
    // Each sees the other's rules now, and nothing to change in its own.
    for dir in [&first, &second] {
        let output = cli(dir, &["plan", "--detailed-exitcode"]).output();
        assert_eq!(output.status.code(), Some(0), "{output:?}");
    }
    // A clean close folds the journal into the state file: no journal, no temporary file.
    let mut left: Vec<String> = std::fs::read_dir(state.parent().unwrap())
        .unwrap()
        .map(|entry| entry.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    left.sort();
    assert_eq!(left, ["local-instance.json", "local-instance.json.lock"]);
}

fn hold(state: &Path) -> Emulator {
    Emulator::new(EmulatorConfig::default().with_state_file(state)).expect("the test holds it")
}

#[test]
fn a_second_run_gives_up_after_the_timeout_naming_who_holds_the_instance() {
    let root = tempfile::tempdir().unwrap();
    let state = root.path().join("shared/local-instance.json");
    let dir = project(root.path(), "alpha", 1, &state, "beta-*");
    let held = hold(&state);
    let output = cli(&dir, &["apply", "--auto-approve"])
        .env("CONNECT_RULES_LOCK_TIMEOUT", "1")
        .output();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(1), "{stderr}");
    let holder = format!("is in use by pid {}", std::process::id());
    assert!(
        stderr.contains("waiting for the local instance"),
        "{stderr}"
    );
    assert!(
        stderr.contains(&holder) && stderr.contains(" since "),
        "{stderr}"
    );
    assert!(stderr.contains("nothing was changed"), "{stderr}");
    assert!(stderr.contains("CONNECT_RULES_LOCK_TIMEOUT"), "{stderr}");
    drop(held);
    assert!(
        names_in(&state).is_empty(),
        "the run that gave up wrote nothing"
    );
}

#[test]
fn a_waiting_run_starts_from_the_state_the_holder_left() {
    let root = tempfile::tempdir().unwrap();
    let state = root.path().join("shared/local-instance.json");
    let dir = project(root.path(), "alpha", 2, &state, "held-*");
    let held = hold(&state);
    let run = cli(&dir, &["apply", "--auto-approve"]).spawn(false);
    let mut child = run.child;
    let mut stderr = BufReader::new(child.stderr.take().unwrap());
    let mut line = String::new();
    let mut waiting = false;
    while stderr.read_line(&mut line).unwrap() > 0 {
        if line.contains("waiting for the local instance") {
            waiting = true;
            break;
        }
        line.clear();
    }
    assert!(waiting, "the second run never waited: {line}");
    // Written while the other run waits: it must see this rule when it gets the instance.
    held.store()
        .create_rule(
            "local",
            &json!({
                "Name": "held-rule",
                "TriggerEventSource": {"EventSourceName": "OnPostCallAnalysisAvailable"},
                "Function": "{\"Version\":\"2022-11-25\",\"RuleFunction\":{}}",
                "Actions": [{"ActionType": "ASSIGN_CONTACT_CATEGORY", "AssignContactCategoryAction": {}}],
                "PublishStatus": "DRAFT"
            }),
        )
        .unwrap();
    drop(held);
    let status = child.wait().unwrap();
    assert!(status.success());
    assert_eq!(names_in(&state), ["alpha-0", "alpha-1", "held-rule"]);
}

#[test]
fn a_run_killed_mid_apply_leaves_a_state_the_next_run_reads_and_completes() {
    const RULES: usize = 120;
    let root = tempfile::tempdir().unwrap();
    let state = root.path().join("shared/local-instance.json");
    let dir = project(root.path(), "alpha", RULES, &state, "beta-*");
    let journal = root.path().join("shared/local-instance.json.journal");
    let run = cli(&dir, &["apply", "--auto-approve"]).spawn(true);
    let mut child = run.child;
    // Kill it once some creates are journalled (bounded: at most a minute of polling; if the
    // apply finishes first, the kill is a no-op and the test still checks the outcome).
    for _ in 0..6_000 {
        let written = std::fs::metadata(&journal).map_or(0, |meta| meta.len());
        if written > 0 || child.try_wait().unwrap().is_some() {
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(10));
    }
    let _ = child.kill();
    let _ = child.wait();
    // The next run gets the lock at once (the OS freed it), replays the journal and finishes.
    let plan = cli(&dir, &["plan"]).output();
    assert!(plan.status.success(), "{plan:?}");
    let output = cli(&dir, &["apply", "--auto-approve"]).output();
    assert!(output.status.success(), "{output:?}");
    assert_eq!(names_in(&state), expected(&["alpha"], RULES));
}
