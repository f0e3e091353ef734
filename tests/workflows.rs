//! The example GitHub workflows, the setup action and the project's own CI are valid YAML, use
//! OIDC role assumption rather than stored keys, grant each job only the permissions it needs,
//! have the jobs and steps the README promises, run scripts that exist, and call connect-rules
//! only with arguments the CLI accepts. The IAM policies are valid and least privilege.

use std::path::{Path, PathBuf};

use clap::Parser;
use connect_rules::cli::Cli;
use serde_yaml::Value;

/// The setup action as the examples use it (OWNER is the reader's to replace).
const SETUP_ACTION: &str = "OWNER/connect-rules@v";

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn load(path: &Path) -> Value {
    let text = std::fs::read_to_string(path)
        .unwrap_or_else(|err| panic!("cannot read {}: {err}", path.display()));
    serde_yaml::from_str(&text)
        .unwrap_or_else(|err| panic!("{} is not valid YAML: {err}", path.display()))
}

fn example(name: &str) -> Value {
    load(&repo().join("examples/github").join(name))
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

fn named<'a>(steps: &'a [Value], name: &str) -> &'a Value {
    steps
        .iter()
        .find(|step| step["name"].as_str() == Some(name))
        .unwrap_or_else(|| panic!("a step is named `{name}`"))
}

/// Every `connect-rules ...` command line in the job's `run:` scripts, without redirections
/// (a trailing `\` continues the line).
fn commands(steps: &[Value]) -> Vec<Vec<String>> {
    steps
        .iter()
        .filter_map(|step| step["run"].as_str())
        .map(|run| run.replace("\\\n", " "))
        .flat_map(|run| {
            run.lines()
                .map(str::trim)
                .filter(|line| line.starts_with("connect-rules "))
                .map(|line| {
                    line.split_whitespace()
                        .take_while(|word| {
                            !word.starts_with('>')
                                && !word.starts_with("2>")
                                && *word != "&"
                                && *word != "|"
                                && *word != "||"
                        })
                        .map(|word| word.trim_matches('"').to_owned())
                        .collect()
                })
                .collect::<Vec<_>>()
        })
        .collect()
}

fn runs(steps: &[Value]) -> Vec<String> {
    steps
        .iter()
        .filter_map(|step| step["run"].as_str().map(str::to_owned))
        .collect()
}

fn assert_parses(command: &[String]) {
    // `$TARGET` stands for a target name; the parser only needs a word there.
    let command: Vec<&str> = command
        .iter()
        .map(|word| if word.starts_with('$') { "prod" } else { word })
        .collect();
    if let Err(err) = Cli::try_parse_from(&command) {
        panic!(
            "`{}` is not a valid connect-rules command: {err}",
            command.join(" ")
        );
    }
}

/// The job's permissions, exactly; the workflow itself grants nothing.
fn assert_permissions(workflow: &Value, job: &str, expected: &[(&str, &str)]) {
    assert_eq!(
        workflow["permissions"]
            .as_mapping()
            .map(serde_yaml::Mapping::len),
        Some(0),
        "`permissions: {{}}` at the top; each job asks for its own"
    );
    let granted = workflow["jobs"][job]["permissions"]
        .as_mapping()
        .unwrap_or_else(|| panic!("job `{job}` declares its permissions"));
    let mut granted: Vec<(&str, &str)> = granted
        .iter()
        .map(|(scope, level)| (scope.as_str().unwrap(), level.as_str().unwrap()))
        .collect();
    granted.sort_unstable();
    let mut expected = expected.to_vec();
    expected.sort_unstable();
    assert_eq!(granted, expected, "the permissions of job `{job}`");
}

fn assert_assumes_role(workflow: &Value, job: &str, role_variable: &str) {
    let credentials = uses(
        steps(workflow, job),
        "aws-actions/configure-aws-credentials",
    )
    .unwrap_or_else(|| panic!("job `{job}` assumes a role"));
    let role = credentials["with"]["role-to-assume"]
        .as_str()
        .unwrap_or_default();
    assert!(role.contains(role_variable), "role-to-assume is {role}");
    assert_eq!(
        workflow["jobs"][job]["permissions"]["id-token"].as_str(),
        Some("write"),
        "job `{job}` can get an OIDC token"
    );
}

fn assert_no_stored_keys(workflow: &Value) {
    let text = serde_yaml::to_string(workflow).unwrap();
    assert!(!text.contains("aws-secret-access-key"), "no stored keys");
    assert!(!text.contains("aws-access-key-id"), "no stored keys");
}

/// Each `$CONNECT_RULES_SCRIPTS/NAME` (from the setup action) or `scripts/NAME` that a step
/// runs is a file in `scripts/`; returns the names.
fn scripts_run(steps: &[Value]) -> Vec<String> {
    let names: Vec<String> = runs(steps)
        .iter()
        .flat_map(|run| {
            run.split(['"', ' ', '\n'])
                .filter_map(|word| {
                    word.strip_prefix("$CONNECT_RULES_SCRIPTS/")
                        .or_else(|| word.strip_prefix("scripts/"))
                        .map(str::to_owned)
                })
                .collect::<Vec<_>>()
        })
        .collect();
    for name in &names {
        assert!(
            repo().join("scripts").join(name).is_file(),
            "scripts/{name} exists"
        );
    }
    names
}

fn assert_sets_up_connect_rules(steps: &[Value]) {
    let setup = uses(steps, SETUP_ACTION).expect("a step uses the setup action at a release tag");
    assert_eq!(setup["name"].as_str(), Some("Set up connect-rules"));
    assert!(
        runs(steps).iter().all(|run| !run.contains("cargo install")),
        "no job builds the tool: the action installs a release binary"
    );
}

/// No step writes the markdown plan into the run summary: `plan --format markdown` does that
/// itself, and a second copy was the double summary of issue 18.
fn assert_plan_summary_once(workflow: &Value) {
    for job in workflow["jobs"].as_mapping().unwrap().values() {
        for run in job["steps"]
            .as_sequence()
            .into_iter()
            .flatten()
            .filter_map(|step| step["run"].as_str())
        {
            let plans_to_summary = run.lines().any(|line| {
                line.contains("connect-rules plan") && line.contains("GITHUB_STEP_SUMMARY")
            });
            let copies_plan =
                run.contains("plan.md") && run.contains(">> \"$GITHUB_STEP_SUMMARY\"");
            assert!(
                !plans_to_summary && !copies_plan,
                "the plan reaches the summary once: {run}"
            );
        }
    }
}

#[test]
fn the_plan_example_comments_on_every_pull_request_and_validates_forks_only() {
    let workflow = example("plan.yml");
    assert!(workflow["on"]["pull_request"].is_mapping());
    assert_no_stored_keys(&workflow);
    assert_plan_summary_once(&workflow);
    assert_eq!(
        workflow["concurrency"]["group"].as_str(),
        Some("connect-rules-plan-${{ github.event.pull_request.number }}")
    );

    // Pull requests from this repository: validate, plan, comment.
    assert_eq!(
        workflow["jobs"]["plan"]["if"].as_str(),
        Some("github.event.pull_request.head.repo.full_name == github.repository")
    );
    assert_permissions(
        &workflow,
        "plan",
        &[
            ("contents", "read"),
            ("id-token", "write"),
            ("pull-requests", "write"),
        ],
    );
    assert_assumes_role(&workflow, "plan", "CONNECT_RULES_PLAN_ROLE_ARN");
    let plan = steps(&workflow, "plan");
    assert_sets_up_connect_rules(plan);
    let validate = named(plan, "Validate");
    assert_eq!(validate["continue-on-error"].as_bool(), Some(true));
    let plan_commands = commands(plan);
    assert!(plan_commands.iter().any(|c| c[1] == "plan"
        && c.windows(2).any(|w| w == ["--format", "markdown"])
        && c.windows(2).any(|w| w == ["--out", "plan.json"])
        && c.contains(&"--detailed-exitcode".to_owned())));
    for command in &plan_commands {
        assert_parses(command);
    }
    assert_eq!(
        scripts_run(plan),
        ["validate.sh", "plan-comment.sh", "upsert-comment.sh"]
    );
    // The comment is written and posted whatever happened before, then the check fails.
    for name in [
        "Write the comment",
        "Post or update the comment",
        "Keep the plan",
    ] {
        assert_eq!(
            named(plan, name)["if"].as_str(),
            Some("${{ !cancelled() }}")
        );
    }
    let comment = named(plan, "Write the comment");
    for (key, value) in [
        ("HEAD_SHA", "${{ github.event.pull_request.head.sha }}"),
        ("VALIDATE_OUTCOME", "${{ steps.validate.outcome }}"),
        ("PLAN_OUTCOME", "${{ steps.plan.outcome }}"),
    ] {
        assert_eq!(comment["env"][key].as_str(), Some(value));
    }
    let last = plan.last().unwrap();
    assert_eq!(
        last["if"].as_str(),
        Some(
            "steps.validate.outcome == 'failure' || steps.plan.outcome == 'failure' || steps.plan.outputs.refused == 'true'"
        ),
        "the check fails when validate or plan failed, or apply would refuse the plan"
    );
    let plan_step = named(plan, "Plan")["run"].as_str().unwrap();
    assert!(
        plan_step.contains("--fail-on-refusal") && plan_step.contains("refused=true"),
        "{plan_step}"
    );

    // Forks: no token, no role, no plan; the comment says why and another workflow posts it.
    assert_eq!(
        workflow["jobs"]["validate-fork"]["if"].as_str(),
        Some("github.event.pull_request.head.repo.full_name != github.repository")
    );
    assert_permissions(&workflow, "validate-fork", &[("contents", "read")]);
    let fork = steps(&workflow, "validate-fork");
    assert!(uses(fork, "aws-actions/configure-aws-credentials").is_none());
    assert!(commands(fork).iter().all(|c| c[1] != "plan"));
    assert_eq!(
        named(fork, "Write the comment")["env"]["FORK"].as_str(),
        Some("true")
    );
    assert_eq!(scripts_run(fork), ["validate.sh", "plan-comment.sh"]);
    let handed = uses(fork, "actions/upload-artifact").unwrap();
    assert_eq!(
        handed["with"]["name"].as_str(),
        Some("connect-rules-fork-comment")
    );
}

#[test]
fn the_fork_comment_workflow_posts_what_the_fork_run_left() {
    let workflow = example("plan-fork-comment.yml");
    let plan = example("plan.yml");
    assert_eq!(
        workflow["on"]["workflow_run"]["workflows"][0].as_str(),
        plan["name"].as_str(),
        "it follows the plan workflow by name"
    );
    assert_permissions(
        &workflow,
        "comment",
        &[("actions", "read"), ("pull-requests", "write")],
    );
    let comment = steps(&workflow, "comment");
    assert!(
        uses(comment, "actions/checkout").is_none(),
        "nothing from the fork is checked out"
    );
    let download = uses(comment, "actions/download-artifact").unwrap();
    assert_eq!(
        download["with"]["name"].as_str(),
        Some("connect-rules-fork-comment")
    );
    assert_eq!(scripts_run(comment), ["upsert-comment.sh"]);
    assert!(
        runs(comment)[0].contains("--jq .head.sha"),
        "the number is checked"
    );
}

#[test]
fn the_apply_example_applies_the_plan_the_approvers_read() {
    let workflow = example("apply.yml");
    assert_eq!(workflow["on"]["push"]["branches"][0].as_str(), Some("main"));
    assert_no_stored_keys(&workflow);
    assert_plan_summary_once(&workflow);

    // The plan job: read-only role, no environment (nobody approves before a plan exists).
    assert!(workflow["jobs"]["plan"]["environment"].is_null());
    assert_permissions(
        &workflow,
        "plan",
        &[("contents", "read"), ("id-token", "write")],
    );
    assert_assumes_role(&workflow, "plan", "CONNECT_RULES_PLAN_ROLE_ARN");
    let plan = steps(&workflow, "plan");
    assert_sets_up_connect_rules(plan);
    let plan_commands = commands(plan);
    assert!(
        plan_commands.iter().any(|c| c[1] == "plan"
            && c.windows(2).any(|w| w == ["--out", "plan.json"])
            && c.windows(2).any(|w| w == ["--format", "markdown"])
            && c.iter().any(|w| w == "--fail-on-refusal")),
        "a plan apply would refuse stops before anyone is asked to approve it"
    );
    let upload = uses(plan, "actions/upload-artifact").expect("the plan is uploaded");
    assert_eq!(upload["with"]["name"].as_str(), Some("connect-rules-plan"));

    // The apply job: protected environment, apply role, exactly that file.
    let apply_job = &workflow["jobs"]["apply"];
    assert_eq!(apply_job["needs"].as_str(), Some("plan"));
    assert_eq!(apply_job["environment"].as_str(), Some("production"));
    assert_eq!(
        apply_job["concurrency"]["cancel-in-progress"].as_bool(),
        Some(false)
    );
    assert_permissions(
        &workflow,
        "apply",
        &[("contents", "read"), ("id-token", "write")],
    );
    assert_assumes_role(&workflow, "apply", "CONNECT_RULES_APPLY_ROLE_ARN");
    let apply = steps(&workflow, "apply");
    let download = uses(apply, "actions/download-artifact").expect("the plan is downloaded");
    assert_eq!(
        download["with"]["name"].as_str(),
        Some("connect-rules-plan")
    );
    let apply_commands = commands(apply);
    assert!(apply_commands.iter().all(|c| c[1] != "plan"), "no re-plan");
    assert!(apply_commands
        .iter()
        .any(|c| c[1] == "apply" && c[2] == "plan.json"));
    for command in plan_commands.iter().chain(&apply_commands) {
        assert_parses(command);
    }

    // The outcome goes to the merged pull request, whatever it was.
    assert_permissions(
        &workflow,
        "report",
        &[("contents", "read"), ("pull-requests", "write")],
    );
    assert!(workflow["jobs"]["report"]["if"]
        .as_str()
        .unwrap()
        .contains("always()"));
    assert_eq!(
        scripts_run(steps(&workflow, "report")),
        ["apply-comment.sh", "upsert-comment.sh"]
    );
}

#[test]
fn drift_and_apply_share_one_concurrency_group_per_target() {
    let apply = example("apply.yml");
    let drift = example("drift.yml");
    let apply_group = apply["jobs"]["apply"]["concurrency"]["group"]
        .as_str()
        .unwrap();
    let target = apply["env"]["TARGET"].as_str().unwrap();
    let drift_job = &drift["jobs"]["drift"];
    let targets = drift_job["strategy"]["matrix"]["target"]
        .as_sequence()
        .unwrap();
    assert!(targets.iter().any(|t| t.as_str() == Some(target)));
    let drift_group = drift_job["concurrency"]["group"]
        .as_str()
        .unwrap()
        .replace("${{ matrix.target }}", target);
    assert_eq!(drift_group, apply_group);
    assert_eq!(
        drift_job["concurrency"]["cancel-in-progress"].as_bool(),
        Some(false)
    );
}

#[test]
fn the_drift_example_keeps_one_issue_per_target() {
    let workflow = example("drift.yml");
    assert!(workflow["on"]["schedule"][0]["cron"].is_string());
    assert_no_stored_keys(&workflow);
    assert_permissions(
        &workflow,
        "drift",
        &[
            ("contents", "read"),
            ("id-token", "write"),
            ("issues", "write"),
        ],
    );
    assert_assumes_role(&workflow, "drift", "CONNECT_RULES_PLAN_ROLE_ARN");
    let steps = steps(&workflow, "drift");
    assert_sets_up_connect_rules(steps);
    let commands = commands(steps);
    assert!(commands.iter().any(|c| c[1] == "drift"));
    for command in &commands {
        assert_parses(command);
    }
    assert_eq!(scripts_run(steps), ["drift-issue.sh"]);
    let issue = named(steps, "Open, comment on or close the drift issue");
    assert!(
        issue["if"].is_null(),
        "runs in sync too, to close the issue"
    );
    assert_eq!(
        issue["env"]["CODE"].as_str(),
        Some("${{ steps.drift.outputs.exitcode }}")
    );
}

#[test]
fn the_setup_action_installs_a_verified_release_or_builds_that_tag() {
    let action = load(&repo().join("action.yml"));
    assert_eq!(action["runs"]["using"].as_str(), Some("composite"));
    assert!(action["inputs"]["version"].is_mapping());
    let steps = action["runs"]["steps"].as_sequence().unwrap();
    let all_runs = runs(steps).join("\n");
    assert!(all_runs.contains("$GITHUB_ACTION_PATH/scripts/install-release.sh"));
    assert!(repo().join("scripts/install-release.sh").is_file());
    assert!(all_runs.contains("CONNECT_RULES_SCRIPTS=$GITHUB_ACTION_PATH/scripts"));
    let cache = uses(steps, "actions/cache").expect("the release binary is cached");
    assert!(cache["with"]["key"]
        .as_str()
        .unwrap()
        .contains("steps.resolve.outputs.tag"));
    // The fallback: only when the install script says there is no release (exit code 4).
    let release = named(steps, "Install the release binary");
    assert!(release["run"].as_str().unwrap().contains("\"$code\" -eq 4"));
    let toolchain = uses(steps, "dtolnay/rust-toolchain").expect("a toolchain for the fallback");
    assert_eq!(
        toolchain["if"].as_str(),
        Some("steps.release.outputs.installed == 'false'")
    );
    let build = named(steps, "Build from source at the tag (fallback)");
    let build_run = build["run"].as_str().unwrap();
    assert!(build_run.contains("cargo install --locked"));
    assert!(build_run.contains("--tag \"$TAG\""));
    for step in steps.iter().filter(|step| step["run"].is_string()) {
        assert_eq!(
            step["shell"].as_str(),
            Some("bash"),
            "composite steps name a shell"
        );
    }
}

#[test]
fn the_projects_ci_runs_the_ci_script_the_examples_steps_and_actionlint() {
    let workflow = load(&repo().join(".github/workflows/ci.yml"));
    let check = runs(steps(&workflow, "check"));
    assert!(check.iter().any(|run| run.contains("bash .ci/run")));
    let emulator_job = steps(&workflow, "workflow-against-emulator");
    assert!(runs(emulator_job)
        .iter()
        .any(|run| run.contains("connect-rules emulator --listen 127.0.0.1:8787")));
    assert_eq!(
        scripts_run(emulator_job),
        ["validate.sh", "plan-comment.sh"],
        "the examples' scripts"
    );
    let commands = commands(emulator_job);
    for verb in ["plan", "apply", "drift"] {
        assert!(
            commands.iter().any(|c| c[1] == verb),
            "the job runs `{verb}`"
        );
    }
    for command in &commands {
        assert_parses(command);
    }
    let lint = runs(steps(&workflow, "actionlint")).join("\n");
    assert!(lint.contains("actionlint examples/github/*.yml .github/workflows/*.yml"));
}

fn read_json(path: &Path) -> (String, serde_json::Value) {
    let text = std::fs::read_to_string(path).unwrap();
    let value = serde_json::from_str(&text)
        .unwrap_or_else(|err| panic!("{} is not valid JSON: {err}", path.display()));
    (text, value)
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
        let (text, policy) = read_json(&repo().join("docs/iam").join(file));
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

/// The one statement of a trust policy, checked to be GitHub's OIDC provider with the
/// `sts.amazonaws.com` audience and exact matches only; returns the allowed `sub` values.
fn trusted_subjects(file: &str) -> Vec<String> {
    let (text, policy) = read_json(&repo().join("docs/iam").join(file));
    assert!(!text.contains('*'), "{file}: no wildcard, no StringLike");
    let statements = policy["Statement"].as_array().unwrap();
    assert_eq!(statements.len(), 1);
    let statement = &statements[0];
    assert_eq!(statement["Effect"], "Allow");
    assert_eq!(statement["Action"], "sts:AssumeRoleWithWebIdentity");
    assert!(statement["Principal"]["Federated"]
        .as_str()
        .unwrap()
        .ends_with(":oidc-provider/token.actions.githubusercontent.com"));
    let condition = statement["Condition"].as_object().unwrap();
    assert_eq!(condition.keys().collect::<Vec<_>>(), ["StringEquals"]);
    let equals = &condition["StringEquals"];
    assert_eq!(
        equals["token.actions.githubusercontent.com:aud"],
        "sts.amazonaws.com"
    );
    match &equals["token.actions.githubusercontent.com:sub"] {
        serde_json::Value::String(sub) => vec![sub.clone()],
        serde_json::Value::Array(subs) => subs
            .iter()
            .map(|sub| sub.as_str().unwrap().to_owned())
            .collect(),
        other => panic!("{file}: sub is {other}"),
    }
}

#[test]
fn the_apply_role_trusts_only_the_protected_environment() {
    assert_eq!(
        trusted_subjects("trust-apply.json"),
        ["repo:OWNER/REPO:environment:production"]
    );
    assert_eq!(
        trusted_subjects("trust-plan.json"),
        [
            "repo:OWNER/REPO:pull_request",
            "repo:OWNER/REPO:ref:refs/heads/main"
        ]
    );
    let apply = example("apply.yml");
    assert_eq!(
        apply["jobs"]["apply"]["environment"].as_str(),
        Some("production"),
        "the environment the trust policy names"
    );
}
