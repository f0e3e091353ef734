//! The example GitHub workflows (and the project's own CI) are valid YAML, use OIDC role
//! assumption rather than stored keys, have the jobs and steps the README promises, and call
//! connect-rules only with arguments the CLI accepts.

use std::path::{Path, PathBuf};

use clap::Parser;
use connect_rules::cli::Cli;
use serde_yaml::Value;

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn load(path: &Path) -> Value {
    let text = std::fs::read_to_string(path)
        .unwrap_or_else(|err| panic!("cannot read {}: {err}", path.display()));
    serde_yaml::from_str(&text)
        .unwrap_or_else(|err| panic!("{} is not valid YAML: {err}", path.display()))
}

fn steps<'a>(workflow: &'a Value, job: &str) -> &'a [Value] {
    workflow["jobs"][job]["steps"]
        .as_sequence()
        .unwrap_or_else(|| panic!("job `{job}` has steps"))
}

fn uses<'a>(steps: &'a [Value], action: &str) -> Option<&'a Value> {
    steps.iter().find(|step| {
        step["uses"]
            .as_str()
            .is_some_and(|uses| uses.starts_with(action))
    })
}

/// Every `connect-rules ...` command line in the job's `run:` scripts, without redirections.
fn commands(steps: &[Value]) -> Vec<Vec<String>> {
    steps
        .iter()
        .filter_map(|step| step["run"].as_str())
        .flat_map(str::lines)
        .map(str::trim)
        .filter(|line| line.starts_with("connect-rules "))
        .map(|line| {
            line.split_whitespace()
                .take_while(|word| !word.starts_with('>') && *word != "&" && *word != "||")
                .map(|word| word.trim_matches('"').to_owned())
                .collect()
        })
        .collect()
}

fn assert_parses(command: &[String]) {
    if let Err(err) = Cli::try_parse_from(command) {
        panic!(
            "`{}` is not a valid connect-rules command: {err}",
            command.join(" ")
        );
    }
}

fn assert_oidc(workflow: &Value, job: &str, role_variable: &str) {
    assert_eq!(workflow["permissions"]["id-token"].as_str(), Some("write"));
    let steps = steps(workflow, job);
    let credentials = uses(steps, "aws-actions/configure-aws-credentials")
        .expect("the job assumes a role with aws-actions/configure-aws-credentials");
    let role = credentials["with"]["role-to-assume"]
        .as_str()
        .unwrap_or_default();
    assert!(role.contains(role_variable), "role-to-assume is {role}");
    let text = serde_yaml::to_string(workflow).unwrap();
    assert!(!text.contains("aws-secret-access-key"), "no stored keys");
    assert!(!text.contains("aws-access-key-id"), "no stored keys");
}

#[test]
fn the_plan_example_comments_on_the_pull_request() {
    let workflow = load(&repo().join("examples/github/plan.yml"));
    assert!(workflow["on"]["pull_request"].is_mapping());
    assert_eq!(
        workflow["permissions"]["pull-requests"].as_str(),
        Some("write")
    );
    assert_oidc(&workflow, "plan", "CONNECT_RULES_PLAN_ROLE_ARN");
    let steps = steps(&workflow, "plan");
    let commands = commands(steps);
    assert!(commands.iter().any(|c| c[1] == "plan"
        && c.contains(&"--format".to_owned())
        && c.contains(&"markdown".to_owned())
        && c.contains(&"--detailed-exitcode".to_owned())));
    for command in &commands {
        assert_parses(command);
    }
    let comment = uses(steps, "actions/github-script").expect("a step posts the comment");
    let script = comment["with"]["script"].as_str().unwrap();
    assert!(script.contains("updateComment") && script.contains("createComment"));
}

#[test]
fn the_apply_example_waits_for_the_production_environment() {
    let workflow = load(&repo().join("examples/github/apply.yml"));
    assert_eq!(workflow["on"]["push"]["branches"][0].as_str(), Some("main"));
    assert_eq!(
        workflow["jobs"]["apply"]["environment"].as_str(),
        Some("production")
    );
    assert_eq!(
        workflow["concurrency"]["cancel-in-progress"].as_bool(),
        Some(false)
    );
    assert_oidc(&workflow, "apply", "CONNECT_RULES_APPLY_ROLE_ARN");
    let commands = commands(steps(&workflow, "apply"));
    assert!(commands
        .iter()
        .any(|c| c[1] == "plan" && c.contains(&"--out".to_owned())));
    assert!(commands
        .iter()
        .any(|c| c[1] == "apply" && c[2] == "plan.json"));
    for command in &commands {
        assert_parses(command);
    }
}

#[test]
fn the_drift_example_opens_or_updates_an_issue_on_exit_code_2() {
    let workflow = load(&repo().join("examples/github/drift.yml"));
    assert!(workflow["on"]["schedule"][0]["cron"].is_string());
    assert_eq!(workflow["permissions"]["issues"].as_str(), Some("write"));
    assert_oidc(&workflow, "drift", "CONNECT_RULES_PLAN_ROLE_ARN");
    let steps = steps(&workflow, "drift");
    let commands = commands(steps);
    assert!(commands.iter().any(|c| c[1] == "drift"));
    for command in &commands {
        assert_parses(command);
    }
    let issue = uses(steps, "actions/github-script").expect("a step files the issue");
    assert_eq!(
        issue["if"].as_str(),
        Some("steps.drift.outputs.exitcode == '2'")
    );
}

#[test]
fn the_projects_ci_runs_the_ci_script_and_the_examples_against_the_emulator() {
    let workflow = load(&repo().join(".github/workflows/ci.yml"));
    let check = commands_or_runs(steps(&workflow, "check"));
    assert!(check.iter().any(|run| run.contains("bash .ci/run")));
    let emulator_job = steps(&workflow, "workflow-against-emulator");
    let runs = commands_or_runs(emulator_job);
    assert!(runs
        .iter()
        .any(|run| run.contains("connect-rules emulator --listen 127.0.0.1:8787")));
    let commands = commands(emulator_job);
    for verb in ["validate", "plan", "apply", "drift"] {
        assert!(
            commands.iter().any(|c| c[1] == verb),
            "the job runs `{verb}`"
        );
    }
    for command in &commands {
        assert_parses(command);
    }
}

fn commands_or_runs(steps: &[Value]) -> Vec<String> {
    steps
        .iter()
        .filter_map(|step| step["run"].as_str().map(str::to_owned))
        .collect()
}

#[test]
fn the_iam_policies_are_valid_and_least_privilege() {
    let read = ["connect:ListRules", "connect:DescribeRule"];
    let write = [
        "connect:CreateRule",
        "connect:UpdateRule",
        "connect:DeleteRule",
        "connect:TagResource",
        "connect:UntagResource",
    ];
    for (file, allowed) in [
        ("plan-and-drift.json", read.to_vec()),
        (
            "apply.json",
            read.iter().chain(write.iter()).copied().collect(),
        ),
    ] {
        let path = repo().join("docs/iam").join(file);
        let text = std::fs::read_to_string(&path).unwrap();
        let policy: serde_json::Value = serde_json::from_str(&text)
            .unwrap_or_else(|err| panic!("{} is not valid JSON: {err}", path.display()));
        assert_eq!(policy["Version"], "2012-10-17");
        let mut actions: Vec<&str> = policy["Statement"]
            .as_array()
            .unwrap()
            .iter()
            .inspect(|statement| assert_eq!(statement["Effect"], "Allow"))
            .flat_map(|statement| statement["Action"].as_array().unwrap())
            .map(|action| action.as_str().unwrap())
            .collect();
        actions.sort_unstable();
        let mut expected = allowed.clone();
        expected.sort_unstable();
        assert_eq!(
            actions, expected,
            "{file} allows exactly what the commands call"
        );
        assert!(
            !text.contains('*') || text.matches('*').count() == text.matches("rule/*").count(),
            "{file}: the only wildcard is the instance's rules"
        );
    }
}
