//! The example workflows' scripts (`scripts/`), run as the workflows run them, against inputs
//! recorded from real connect-rules runs (`tests/workflow_inputs/`): the pull request comment
//! for a plan, invalid files, a failed plan and a fork; the comment on the merged pull request;
//! finding and updating the one marked comment; and the drift issue's life (opened, left alone
//! while the drift is the same, commented on when it changes, closed when in sync).
//!
//! GitHub is stood in for by a recorder on `PATH` named by `GH`: it logs each `gh api` call and
//! the JSON sent, and answers reads from a recorded listing through the same `--jq` filter.

use std::os::unix::fs::PermissionsExt;
use std::path::PathBuf;
use std::process::{Command, Output};

const FAKE_GH: &str = r#"#!/usr/bin/env bash
set -euo pipefail
[ "$1" = api ] || { echo "fake gh: only gh api is recorded" >&2; exit 2; }
shift
method=GET path="" filter="."
while [ $# -gt 0 ]; do
  case "$1" in
    --method) method="$2"; shift 2 ;;
    --jq) filter="$2"; shift 2 ;;
    --input) shift 2 ;;
    --paginate) shift ;;
    *) path="$1"; shift ;;
  esac
done
echo "$method $path" >>"$FAKE_GH_DIR/calls"
if [ "$method" = GET ]; then
  jq -r "$filter" "$FAKE_GH_DIR/answer.json"
else
  jq -S . >>"$FAKE_GH_DIR/calls"
fi
"#;

const HEAD_SHA: &str = "3f9c2a1b7d4e5f60718293a4b5c6d7e8f9012345";

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn input(name: &str) -> String {
    repo()
        .join("tests/workflow_inputs")
        .join(name)
        .display()
        .to_string()
}

/// One run of a script with a clean environment (no real `GITHUB_*` leaks in from CI), the
/// recorder as `gh`, and `answer` as what GitHub lists.
struct Run {
    dir: tempfile::TempDir,
}

impl Run {
    fn new(answer: &str) -> Self {
        let dir = tempfile::tempdir().unwrap();
        let gh = dir.path().join("gh");
        std::fs::write(&gh, FAKE_GH).unwrap();
        std::fs::set_permissions(&gh, std::fs::Permissions::from_mode(0o755)).unwrap();
        std::fs::write(dir.path().join("answer.json"), answer).unwrap();
        std::fs::write(dir.path().join("calls"), "").unwrap();
        Self { dir }
    }

    fn script(&self, name: &str, args: &[&str], env: &[(&str, &str)]) -> Output {
        let mut command = Command::new("bash");
        command
            .arg(repo().join("scripts").join(name))
            .args(args)
            .env_clear()
            .env("PATH", std::env::var_os("PATH").unwrap_or_default())
            .env("HOME", self.dir.path())
            .env("GH", self.dir.path().join("gh"))
            .env("FAKE_GH_DIR", self.dir.path())
            .env("GITHUB_REPOSITORY", "acme/contact-center")
            .current_dir(self.dir.path());
        for (key, value) in env {
            command.env(key, value);
        }
        command.output().expect("bash runs the script")
    }

    fn calls(&self) -> String {
        std::fs::read_to_string(self.dir.path().join("calls")).unwrap()
    }

    fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }
}

fn stdout(output: &Output) -> String {
    assert!(
        output.status.success(),
        "the script failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8(output.stdout.clone()).unwrap()
}

fn plan_comment(env: &[(&str, &str)]) -> String {
    let mut all = vec![
        ("HEAD_SHA", HEAD_SHA),
        (
            "COMMIT_URL",
            "https://github.com/acme/contact-center/pull/42/commits/3f9c2a1b7d4e5f60718293a4b5c6d7e8f9012345",
        ),
        (
            "RUN_URL",
            "https://github.com/acme/contact-center/actions/runs/987654321",
        ),
    ];
    all.extend_from_slice(env);
    stdout(&Run::new("[]").script("plan-comment.sh", &[], &all))
}

#[test]
fn the_plan_comment_shows_the_head_commit_and_the_plan() {
    let plan = input("plan-changes.md");
    let body = plan_comment(&[
        ("VALIDATE_OUTCOME", "success"),
        ("PLAN_OUTCOME", "success"),
        ("PLAN_MARKDOWN", &plan),
    ]);
    assert!(body.starts_with("<!-- connect-rules-plan -->\n"));
    insta::assert_snapshot!(body);
}

#[test]
fn the_plan_comment_shows_the_validation_errors_when_the_files_are_invalid() {
    let log = input("validate-errors.log");
    let body = plan_comment(&[
        ("VALIDATE_OUTCOME", "failure"),
        ("VALIDATE_LOG", &log),
        ("PLAN_OUTCOME", "skipped"),
    ]);
    insta::assert_snapshot!(body);
}

#[test]
fn the_plan_comment_shows_why_the_plan_failed() {
    let log = input("plan-error.log");
    let body = plan_comment(&[
        ("VALIDATE_OUTCOME", "success"),
        ("PLAN_OUTCOME", "failure"),
        ("PLAN_LOG", &log),
    ]);
    insta::assert_snapshot!(body);
}

#[test]
fn the_plan_comment_for_a_fork_says_why_there_is_no_plan() {
    let body = plan_comment(&[("FORK", "true"), ("VALIDATE_OUTCOME", "success")]);
    insta::assert_snapshot!(body);
}

#[test]
fn the_plan_comment_for_a_fork_with_invalid_files_shows_the_errors() {
    let log = input("validate-errors.log");
    let body = plan_comment(&[
        ("FORK", "true"),
        ("VALIDATE_OUTCOME", "failure"),
        ("VALIDATE_LOG", &log),
    ]);
    assert!(body.contains("unknown key `Bogus`"));
    assert!(!body.contains("Validate only"));
}

#[test]
fn the_plan_comment_says_when_validate_did_not_run() {
    let body = plan_comment(&[("VALIDATE_OUTCOME", "skipped")]);
    insta::assert_snapshot!(body);
}

#[test]
fn a_huge_log_is_cut_and_cannot_close_the_code_fence() {
    let run = Run::new("[]");
    let log = run.path("huge.log");
    let line = "rules/x.yaml:1:1: error: something\n```\n## not a heading\n";
    std::fs::write(&log, line.repeat(5_000)).unwrap();
    let log = log.display().to_string();
    let body = stdout(&run.script(
        "plan-comment.sh",
        &[],
        &[
            ("HEAD_SHA", HEAD_SHA),
            ("VALIDATE_OUTCOME", "failure"),
            ("VALIDATE_LOG", &log),
        ],
    ));
    assert!(body.len() < 30_000, "kept under GitHub's limit");
    assert!(body.contains("… (cut: the whole log is in the workflow run)"));
    // Only the comment's own opening and closing fences start a line with ```.
    assert_eq!(body.lines().filter(|l| l.starts_with("```")).count(), 2);
}

fn apply_comment(env: &[(&str, &str)]) -> String {
    let mut all = vec![
        ("HEAD_SHA", HEAD_SHA),
        ("TARGET", "prod"),
        (
            "RUN_URL",
            "https://github.com/acme/contact-center/actions/runs/987654322",
        ),
    ];
    all.extend_from_slice(env);
    stdout(&Run::new("[]").script("apply-comment.sh", &[], &all))
}

#[test]
fn the_apply_comment_reports_an_applied_plan() {
    let plan = input("plan-changes.md");
    let log = input("apply-success.log");
    insta::assert_snapshot!(apply_comment(&[
        ("PLAN_RESULT", "success"),
        ("CHANGES", "true"),
        ("APPLY_RESULT", "success"),
        ("PLAN_MARKDOWN", &plan),
        ("APPLY_LOG", &log),
    ]));
}

#[test]
fn the_apply_comment_reports_a_refused_apply() {
    let plan = input("plan-changes.md");
    let log = input("apply-refused.log");
    insta::assert_snapshot!(apply_comment(&[
        ("PLAN_RESULT", "success"),
        ("CHANGES", "true"),
        ("APPLY_RESULT", "failure"),
        ("PLAN_MARKDOWN", &plan),
        ("APPLY_LOG", &log),
    ]));
}

#[test]
fn the_apply_comment_reports_a_plan_that_was_not_approved() {
    let plan = input("plan-changes.md");
    let body = apply_comment(&[
        ("PLAN_RESULT", "success"),
        ("CHANGES", "true"),
        ("APPLY_RESULT", "skipped"),
        ("PLAN_MARKDOWN", &plan),
    ]);
    let heading = body.lines().nth(3).unwrap();
    assert_eq!(heading, "### ⏸ Not applied");
    assert!(body.contains("<summary>The plan the approvers read</summary>"));
}

#[test]
fn the_apply_comment_reports_nothing_to_apply_and_a_failed_plan() {
    let nothing = apply_comment(&[("PLAN_RESULT", "success"), ("CHANGES", "false")]);
    let failed = apply_comment(&[("PLAN_RESULT", "failure")]);
    insta::assert_snapshot!(format!("{nothing}\n---\n\n{failed}"));
}

const MARKED_COMMENTS: &str = r#"[
  {"id": 101, "body": "Looks good to me"},
  {"id": 202, "body": "<!-- connect-rules-plan -->\n**connect-rules** for commit `0000000`"},
  {"id": 303, "body": "quoting: <!-- connect-rules-plan -->"}
]"#;

#[test]
fn the_comment_is_updated_in_place_when_the_marker_finds_it() {
    let run = Run::new(MARKED_COMMENTS);
    std::fs::write(
        run.path("comment.md"),
        "<!-- connect-rules-plan -->\nnew plan\n",
    )
    .unwrap();

    let output = run.script("upsert-comment.sh", &["42", "comment.md"], &[]);

    assert_eq!(stdout(&output), "updated comment 202 on #42\n");
    insta::assert_snapshot!(run.calls(), @r#"
    GET repos/acme/contact-center/issues/42/comments?per_page=100
    PATCH repos/acme/contact-center/issues/comments/202
    {
      "body": "<!-- connect-rules-plan -->\nnew plan\n"
    }
    "#);
}

#[test]
fn a_comment_is_created_when_none_has_the_marker() {
    let run = Run::new(r#"[{"id": 101, "body": "Looks good to me"}]"#);
    std::fs::write(
        run.path("comment.md"),
        "<!-- connect-rules-plan -->\nplan\n",
    )
    .unwrap();

    let output = run.script("upsert-comment.sh", &["42", "comment.md"], &[]);

    assert_eq!(stdout(&output), "commented on #42\n");
    insta::assert_snapshot!(run.calls(), @r#"
    GET repos/acme/contact-center/issues/42/comments?per_page=100
    POST repos/acme/contact-center/issues/42/comments
    {
      "body": "<!-- connect-rules-plan -->\nplan\n"
    }
    "#);
}

#[test]
fn the_comment_script_refuses_a_bad_number_or_an_unmarked_body() {
    let run = Run::new(MARKED_COMMENTS);
    std::fs::write(
        run.path("comment.md"),
        "<!-- connect-rules-plan -->\nplan\n",
    )
    .unwrap();
    std::fs::write(run.path("unmarked.md"), "plan\n").unwrap();

    let bad_number = run.script("upsert-comment.sh", &["42; rm -rf /", "comment.md"], &[]);
    let unmarked = run.script("upsert-comment.sh", &["42", "unmarked.md"], &[]);

    assert_eq!(bad_number.status.code(), Some(1));
    assert_eq!(unmarked.status.code(), Some(1));
    assert_eq!(run.calls(), "", "nothing sent");
    insta::assert_snapshot!(
        format!(
            "{}{}",
            String::from_utf8_lossy(&bad_number.stderr),
            String::from_utf8_lossy(&unmarked.stderr)
        ),
        @r"
    error: `42; rm -rf /` is not a pull request number
    error: `unmarked.md` does not start with the marker `<!-- connect-rules-plan -->`
    hint: write the body with plan-comment.sh, which puts the marker first
    "
    );
}

/// Runs drift-issue.sh for target `prod` with `listing` as the open issues.
fn drift_issue(listing: &str, code: &str, report: &str) -> (Output, String) {
    let run = Run::new(listing);
    let output = run.script(
        "drift-issue.sh",
        &["prod", code, report],
        &[(
            "RUN_URL",
            "https://github.com/acme/contact-center/actions/runs/55",
        )],
    );
    (output, run.calls())
}

/// The issue body the first drift run sent, as the listing of a later run shows it.
fn open_issue_listing(calls: &str) -> String {
    let json = calls
        .split_once('\n')
        .unwrap()
        .1
        .split_once('\n')
        .unwrap()
        .1;
    let sent: serde_json::Value = serde_json::from_str(json).unwrap();
    serde_json::json!([
        {"number": 7, "pull_request": {}, "body": sent["body"]},
        {"number": 12, "body": sent["body"]}
    ])
    .to_string()
}

#[test]
fn drift_opens_one_issue_then_comments_only_when_the_drift_changes() {
    let drift = input("drift.md");
    let changed = input("drift-changed.md");

    let (opened, calls) = drift_issue("[]", "2", &drift);
    assert_eq!(stdout(&opened), "opened a drift issue for prod\n");
    insta::assert_snapshot!("drift_opened", calls);
    let listing = open_issue_listing(&calls);

    let (same, calls) = drift_issue(&listing, "2", &drift);
    assert_eq!(
        stdout(&same),
        "the drift on prod is unchanged since #12 was last updated; nothing to do\n"
    );
    assert_eq!(
        calls, "GET repos/acme/contact-center/issues?state=open&per_page=100\n",
        "nothing written"
    );

    let (commented, calls) = drift_issue(&listing, "2", &changed);
    assert_eq!(
        stdout(&commented),
        "the drift on prod changed; commented on #12\n"
    );
    insta::assert_snapshot!("drift_changed", calls);
}

#[test]
fn drift_closes_the_issue_when_the_instance_is_back_in_sync() {
    let drift = input("drift.md");
    let (_, calls) = drift_issue("[]", "2", &drift);
    let listing = open_issue_listing(&calls);

    let (closed, calls) = drift_issue(&listing, "0", &drift);

    assert_eq!(
        stdout(&closed),
        "in sync; closed drift issue #12 for prod\n"
    );
    insta::assert_snapshot!(calls, @r#"
    GET repos/acme/contact-center/issues?state=open&per_page=100
    POST repos/acme/contact-center/issues/12/comments
    {
      "body": "The instance matches the rule files again ([workflow run](https://github.com/acme/contact-center/actions/runs/55)). Closing."
    }
    PATCH repos/acme/contact-center/issues/12
    {
      "state": "closed",
      "state_reason": "completed"
    }
    "#);
}

#[test]
fn drift_in_sync_with_no_issue_or_a_failed_drift_writes_nothing() {
    let drift = input("drift.md");
    let (in_sync, calls) = drift_issue("[]", "0", &drift);
    assert_eq!(
        stdout(&in_sync),
        "in sync; no drift issue is open for prod\n"
    );
    assert_eq!(
        calls,
        "GET repos/acme/contact-center/issues?state=open&per_page=100\n"
    );

    let (failed, calls) = drift_issue("[]", "1", &drift);
    assert_eq!(failed.status.code(), Some(1));
    assert_eq!(calls, "", "an error leaves the issue alone");
    assert_eq!(
        String::from_utf8_lossy(&failed.stderr),
        "error: drift exited 1 (an error, not a result); the issue is left as it is\n"
    );
}

#[test]
fn another_targets_drift_issue_is_not_this_ones() {
    let listing = serde_json::json!([
        {"number": 3, "body": "<!-- connect-rules-drift target=dev -->\n<!-- digest=0123456789abcdef -->\n"}
    ])
    .to_string();
    let (opened, calls) = drift_issue(&listing, "2", &input("drift.md"));
    assert_eq!(stdout(&opened), "opened a drift issue for prod\n");
    assert!(calls.contains("POST repos/acme/contact-center/issues\n"));
}

// --- The jobs' steps with the real binary: the plan reaches the run summary once -------------

/// A rule file connect-rules accepts.
const RULE: &str = "Name: refund-mentions\nTriggerEventSource:\n  EventSourceName: OnPostCallAnalysisAvailable\nFunction:\n  Version: \"2022-11-25\"\n  RuleFunction:\n    Operator: AND\n    Operands:\n      - {Operator: CONTAINS_ANY, Operands: [refund], ComparisonValue: $.ContactLens.PostCall.ExactMatch.Transcript}\nPublishStatus: PUBLISHED\nActions:\n  - ActionType: ASSIGN_CONTACT_CATEGORY\n    AssignContactCategoryAction: {}\n";

/// A project whose target `prod` is the embedded local instance, holding `rules/refund.yaml`
/// (not applied yet: a plan has a change), and this repository's `scripts/` (the project's
/// own CI calls them by that path).
fn local_project() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::os::unix::fs::symlink(repo().join("scripts"), dir.path().join("scripts")).unwrap();
    std::fs::create_dir(dir.path().join("rules")).unwrap();
    std::fs::write(dir.path().join("rules/refund.yaml"), RULE).unwrap();
    std::fs::write(
        dir.path().join("connect-rules.yaml"),
        "targets:\n  prod:\n    local_state: .connect-rules/prod.json\n",
    )
    .unwrap();
    dir
}

/// The built binary, run in `dir` with a clean environment.
fn connect_rules(dir: &std::path::Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_connect-rules"))
        .args(args)
        .env_clear()
        .env("HOME", dir)
        .current_dir(dir)
        .output()
        .unwrap()
}

/// What a GitHub expression in a step's `env:` stands for in these runs.
fn expression(expr: &str) -> String {
    match expr {
        "steps.validate.outcome" | "steps.plan.outcome" => "success".to_owned(),
        "github.event.pull_request.head.sha" | "github.sha" => HEAD_SHA.to_owned(),
        "steps.plan.outputs.refused" => String::new(),
        other => format!("https://example.test/{other}"),
    }
}

/// Runs the steps of `job` in `workflow` whose names start with one of `names`, in order, as
/// the runner does: `bash -e -o pipefail`, the workflow's and the step's `env:` (expressions
/// through [`expression`]), `GITHUB_STEP_SUMMARY` and `GITHUB_OUTPUT` files, connect-rules
/// (the built binary) on `PATH`. Returns each step's exit code.
fn run_steps(workflow: &str, job: &str, names: &[&str], dir: &std::path::Path) -> Vec<i32> {
    let text = std::fs::read_to_string(repo().join(workflow)).unwrap();
    let workflow: serde_yaml::Value = serde_yaml::from_str(&text).unwrap();
    let bin = std::path::Path::new(env!("CARGO_BIN_EXE_connect-rules"))
        .parent()
        .unwrap()
        .to_owned();
    let path = format!(
        "{}:{}",
        bin.display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let mut codes = Vec::new();
    for name in names {
        let step = workflow["jobs"][job]["steps"]
            .as_sequence()
            .unwrap()
            .iter()
            .find(|step| step["name"].as_str().is_some_and(|n| n.starts_with(name)))
            .unwrap_or_else(|| panic!("{workflow:?}: job `{job}` has no step `{name}`"));
        let mut command = Command::new("bash");
        command
            .args(["--noprofile", "--norc", "-e", "-o", "pipefail", "-c"])
            .arg(step["run"].as_str().expect("a run step"))
            .env_clear()
            .env("PATH", &path)
            .env("HOME", dir)
            .env("GITHUB_STEP_SUMMARY", dir.join("summary.md"))
            .env("GITHUB_OUTPUT", dir.join("output.txt"))
            .env("CONNECT_RULES_SCRIPTS", repo().join("scripts"))
            .current_dir(dir);
        for scope in [&workflow["env"], &step["env"]] {
            for (key, value) in scope.as_mapping().into_iter().flatten() {
                command.env(key.as_str().unwrap(), expand(value.as_str().unwrap()));
            }
        }
        let output = command.output().unwrap();
        codes.push(output.status.code().unwrap_or(-1));
    }
    codes
}

/// `text` with each `${{ expr }}` replaced by [`expression`].
fn expand(text: &str) -> String {
    let mut out = String::new();
    let mut rest = text;
    while let Some(start) = rest.find("${{") {
        out.push_str(&rest[..start]);
        let end = rest[start..].find("}}").expect("a closed expression") + start;
        out.push_str(&expression(rest[start + 3..end].trim()));
        rest = &rest[end + 2..];
    }
    out.push_str(rest);
    out
}

fn read(dir: &std::path::Path, name: &str) -> String {
    std::fs::read_to_string(dir.join(name)).unwrap_or_default()
}

const PLAN_TITLE: &str = "### connect-rules plan for `prod`";

#[test]
fn each_workflow_puts_the_plan_in_the_run_summary_once() {
    for (workflow, job, steps) in [
        (
            "examples/github/plan.yml",
            "plan",
            &["Validate", "Plan", "Write the comment"][..],
        ),
        ("examples/github/apply.yml", "plan", &["Plan"][..]),
        (
            ".github/workflows/ci.yml",
            "workflow-against-emulator",
            &["Validate", "Plan", "The pull request comment"][..],
        ),
    ] {
        let dir = local_project();
        let codes = run_steps(workflow, job, steps, dir.path());
        assert!(codes.iter().all(|&code| code == 0), "{workflow}: {codes:?}");
        let summary = read(dir.path(), "summary.md");
        assert_eq!(
            summary.matches(PLAN_TITLE).count(),
            1,
            "{workflow}: the summary holds the plan once:\n{summary}"
        );
        assert!(
            read(dir.path(), "plan.md").contains("`refund-mentions` | create"),
            "{workflow}: the plan is in plan.md too"
        );
    }
}

#[test]
fn validate_sh_in_a_job_annotates_the_lines_and_leaves_the_summary_alone() {
    let dir = local_project();
    let run = |dir: &std::path::Path| {
        Command::new("bash")
            .arg(repo().join("scripts/validate.sh"))
            .args(["prod", "validate.log"])
            .env_clear()
            .env("PATH", std::env::var_os("PATH").unwrap_or_default())
            .env("HOME", dir)
            .env("CONNECT_RULES", env!("CARGO_BIN_EXE_connect-rules"))
            .env("GITHUB_ACTIONS", "true")
            .env("GITHUB_STEP_SUMMARY", dir.join("summary.md"))
            .current_dir(dir)
            .output()
            .unwrap()
    };
    let ok = run(dir.path());
    assert!(ok.status.success(), "{ok:?}");
    assert!(!String::from_utf8_lossy(&ok.stdout).contains("::error"));

    std::fs::write(
        dir.path().join("rules/refund.yaml"),
        RULE.replace("PUBLISHED", "PUBLISH"),
    )
    .unwrap();
    let bad = run(dir.path());
    assert_eq!(bad.status.code(), Some(1));
    let stdout = String::from_utf8_lossy(&bad.stdout);
    assert!(
        stdout.contains("::error file=rules/refund.yaml,line=10,col=16,title=connect-rules::"),
        "{stdout}"
    );
    assert!(read(dir.path(), "validate.log").contains("rules/refund.yaml:10:16: error:"));
    assert_eq!(
        read(dir.path(), "summary.md"),
        "",
        "validate writes no summary"
    );
}

#[test]
fn a_pull_request_that_apply_would_refuse_shows_why_and_fails_its_check() {
    let dir = local_project();
    let applied = connect_rules(dir.path(), &["apply", "--target", "prod", "--auto-approve"]);
    assert!(applied.status.success(), "{applied:?}");
    std::fs::remove_file(dir.path().join("rules/refund.yaml")).unwrap();

    // The PR workflow: the plan step passes (so the comment shows the plan and why), records
    // the refusal, and the comment carries the warning.
    let codes = run_steps(
        "examples/github/plan.yml",
        "plan",
        &["Validate", "Plan", "Write the comment"],
        dir.path(),
    );
    assert_eq!(codes, [0, 0, 0]);
    assert!(read(dir.path(), "output.txt").contains("refused=true"));
    let comment = read(dir.path(), "comment.md");
    assert!(
        comment.contains("> **`apply` will refuse this plan and change nothing:**\n> - the plan deletes 1 rule: `refund-mentions`"),
        "{comment}"
    );
    // The last step fails the check on it.
    let fail = {
        let text = std::fs::read_to_string(repo().join("examples/github/plan.yml")).unwrap();
        let workflow: serde_yaml::Value = serde_yaml::from_str(&text).unwrap();
        workflow["jobs"]["plan"]["steps"]
            .as_sequence()
            .unwrap()
            .iter()
            .find(|s| {
                s["name"]
                    .as_str()
                    .is_some_and(|n| n.starts_with("Fail the check"))
            })
            .cloned()
            .unwrap()
    };
    assert!(fail["if"]
        .as_str()
        .unwrap()
        .contains("steps.plan.outputs.refused == 'true'"));
    let refused = Command::new("bash")
        .args(["-e", "-c", fail["run"].as_str().unwrap()])
        .env("REFUSED", "true")
        .output()
        .unwrap();
    assert_eq!(refused.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&refused.stdout).contains("::error::apply would refuse"));

    // The merge workflow stops before anyone is asked to approve.
    let dir2 = local_project();
    let applied = connect_rules(
        dir2.path(),
        &["apply", "--target", "prod", "--auto-approve"],
    );
    assert!(applied.status.success(), "{applied:?}");
    std::fs::remove_file(dir2.path().join("rules/refund.yaml")).unwrap();
    assert_eq!(
        run_steps("examples/github/apply.yml", "plan", &["Plan"], dir2.path()),
        [1]
    );
    assert!(!read(dir2.path(), "output.txt").contains("changes=true"));
}
