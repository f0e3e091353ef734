//! Files and the config, through the CLI on the embedded local instance: paths in a config are
//! relative to it; exports and caches are written without following planted links and prune
//! only what they wrote; a FIFO in the rules folder is skipped; the config reader has the rule
//! loader's bounds; variable values are checked when the config is read.

use std::path::Path;

mod support;

use support::project::rule_names_in;
use support::{Cli, RuleText, Run};

macro_rules! snapshot {
    ($dir:expr, $name:expr, $value:expr) => {
        support::snapshot::assert_filtered!(support::snapshot::run_filters($dir), $name, $value)
    };
}

fn run_in(dir: &Path, args: &[&str]) -> Run {
    // Every run here ends in a second or two; a hang (a FIFO, a huge config) is a failure.
    Cli::new(dir).args(args).color_never().run()
}

fn rule_yaml(name: &str) -> String {
    RuleText::new(name).build()
}

/// A project with `rules/NAME.yaml` for each name and a config for the local instance.
fn project(dir: &Path, names: &[&str]) {
    std::fs::create_dir_all(dir.join("rules")).unwrap();
    for name in names {
        std::fs::write(dir.join(format!("rules/{name}.yaml")), rule_yaml(name)).unwrap();
    }
    std::fs::write(
        dir.join("connect-rules.yaml"),
        "rules: rules\ntargets:\n  local:\n    local_state: .connect-rules/local-instance.json\n",
    )
    .unwrap();
}

fn rule_names(state: &Path) -> Vec<String> {
    rule_names_in(state)
}

#[test]
fn paths_in_a_config_are_relative_to_the_config_file_not_the_current_folder() {
    let root = tempfile::tempdir().unwrap();
    let proj = root.path().join("proj");
    let other = root.path().join("other");
    project(&proj, &["proj-rule"]);
    project(&other, &["other-rule"]);
    run_in(&proj, &["apply", "--auto-approve"]).expect(0);

    // From the other folder, with proj's config: proj's rules, proj's state, proj's cache.
    let config = "../proj/connect-rules.yaml";
    run_in(&other, &["validate", "--config", config]).expect(0);
    let plan = run_in(&other, &["plan", "--config", config, "--detailed-exitcode"]);
    plan.expect(0);
    assert!(plan.stdout.starts_with("No changes."), "{}", plan.stdout);
    run_in(
        &other,
        &[
            "apply",
            "--config",
            config,
            "--allow-delete",
            "--auto-approve",
        ],
    )
    .expect(0);
    assert_eq!(
        rule_names(&proj.join(".connect-rules/local-instance.json")),
        ["proj-rule"]
    );
    assert!(
        !other.join(".connect-rules").exists(),
        "nothing of proj's run lands in the current folder"
    );
}

/// A local instance holding `refund-callback`, whose file is no longer in the rules folder
/// (so `export` writes it).
fn exported_project() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    project(dir.path(), &["refund-callback"]);
    run_in(dir.path(), &["apply", "--auto-approve"]).expect(0);
    std::fs::remove_file(dir.path().join("rules/refund-callback.yaml")).unwrap();
    std::fs::create_dir(dir.path().join("out")).unwrap();
    dir
}

#[cfg(unix)]
#[test]
fn export_never_writes_through_a_link_planted_at_the_old_temporary_name() {
    let dir = exported_project();
    let outside = tempfile::tempdir().unwrap();
    let victim = outside.path().join("victim");
    std::fs::write(&victim, "precious").unwrap();
    let file = connect_rules::export::file_name_for("refund-callback");
    // The name export used for its temporary file, predictable from the rule's name.
    std::os::unix::fs::symlink(&victim, dir.path().join(format!("out/.{file}.tmp"))).unwrap();
    run_in(dir.path(), &["export", "--out-dir", "out"]).expect(0);
    assert_eq!(std::fs::read_to_string(&victim).unwrap(), "precious");
    let written = dir.path().join("out").join(&file);
    let meta = std::fs::symlink_metadata(&written).unwrap();
    assert!(meta.is_file(), "the rule file is a plain file, not a link");
    assert!(std::fs::read_to_string(&written)
        .unwrap()
        .contains("Name: refund-callback"));
}

#[cfg(unix)]
#[test]
fn export_refuses_a_link_where_the_rule_file_goes_even_with_overwrite() {
    let dir = exported_project();
    let outside = tempfile::tempdir().unwrap();
    let victim = outside.path().join("victim.yaml");
    std::fs::write(&victim, "precious").unwrap();
    let file = connect_rules::export::file_name_for("refund-callback");
    let link = dir.path().join("out").join(&file);
    std::os::unix::fs::symlink(&victim, &link).unwrap();
    let run = run_in(dir.path(), &["export", "--out-dir", "out", "--overwrite"]);
    run.expect(1);
    assert!(run.stderr.contains("symbolic link"), "{}", run.stderr);
    assert!(run.stderr.contains(&file), "{}", run.stderr);
    assert!(run.stderr.contains("nothing was written"), "{}", run.stderr);
    assert_eq!(std::fs::read_to_string(&victim).unwrap(), "precious");
    assert!(std::fs::symlink_metadata(&link)
        .unwrap()
        .file_type()
        .is_symlink());
}

#[cfg(unix)]
#[test]
fn cache_pruning_removes_only_its_entries_and_never_through_a_link() {
    let dir = tempfile::tempdir().unwrap();
    project(dir.path(), &["refund-callback"]);
    run_in(dir.path(), &["apply", "--auto-approve"]).expect(0);
    run_in(dir.path(), &["plan"]).expect(0);
    let cache = dir.path().join(".connect-rules/cache/local/local");
    let entries = std::fs::read_dir(&cache).unwrap().count();
    assert_eq!(entries, 1, "one entry per described rule");

    // Something of the user's in the cache folder stays.
    std::fs::write(cache.join("notes.txt"), "mine").unwrap();
    run_in(dir.path(), &["plan"]).expect(0);
    assert!(cache.join("notes.txt").exists());

    // A cache folder replaced by a link elsewhere: nothing there is deleted.
    let outside = tempfile::tempdir().unwrap();
    std::fs::write(outside.path().join("precious.txt"), "mine").unwrap();
    std::fs::write(outside.path().join("r-gone.json"), "{}").unwrap();
    std::fs::remove_dir_all(&cache).unwrap();
    std::os::unix::fs::symlink(outside.path(), &cache).unwrap();
    run_in(dir.path(), &["plan"]).expect(0);
    assert!(outside.path().join("precious.txt").exists());
    assert!(outside.path().join("r-gone.json").exists());
}

#[cfg(unix)]
#[test]
fn a_fifo_named_like_a_rule_file_is_skipped_with_a_warning() {
    let dir = tempfile::tempdir().unwrap();
    project(dir.path(), &["refund-callback"]);
    let made = std::process::Command::new("mkfifo")
        .arg(dir.path().join("rules/pipe.yaml"))
        .status()
        .unwrap();
    assert!(made.success());
    let run = run_in(dir.path(), &["validate"]);
    run.expect(0);
    assert!(
        run.stderr.contains("pipe.yaml") && run.stderr.contains("not a regular file"),
        "{}",
        run.stderr
    );
    run_in(dir.path(), &["plan"]).expect(0);
    run_in(dir.path(), &["apply", "--auto-approve"]).expect(0);
}

#[test]
fn a_deeply_nested_config_is_refused_at_once_like_a_rule_file() {
    let dir = tempfile::tempdir().unwrap();
    project(dir.path(), &["refund-callback"]);
    let depth = 100_000;
    let config = format!("rules: {}{}\n", "[".repeat(depth), "]".repeat(depth));
    std::fs::write(dir.path().join("connect-rules.yaml"), config).unwrap();
    let run = run_in(dir.path(), &["validate"]);
    run.expect(1);
    assert!(
        run.stderr.contains("connect-rules.yaml:1:")
            && run.stderr.contains("nests deeper than 64 levels")
            && run
                .stderr
                .contains("hint: a config file needs a few levels"),
        "{}",
        run.stderr
    );
}

/// Validates with `variables` (YAML, one per line) in the local target.
fn validate_with_variables(variables: &str) -> Run {
    let dir = tempfile::tempdir().unwrap();
    project(dir.path(), &["refund-callback"]);
    std::fs::write(
        dir.path().join("connect-rules.yaml"),
        format!("targets:\n  local:\n    variables:\n{variables}"),
    )
    .unwrap();
    run_in(dir.path(), &["validate"])
}

#[test]
fn variable_values_are_checked_when_the_config_is_read() {
    let cases = [
        (
            "      a: \"${var.b}\"\n      b: x\n",
            "variable `a`: the value refers to another variable (`${var.b}`)",
        ),
        (
            "      a: \"${var.b}\"\n      b: \"${var.a}\"\n",
            "variable `a`: the value refers to `b`, which refers back to `a` (a cycle)",
        ),
        (
            "      a: \"x${var.a}\"\n",
            "variable `a`: the value refers to itself (`${var.a}`), a cycle",
        ),
        (
            "      a: \"$${var.b}\"\n",
            "variable `a`: the value holds the escape `$${`",
        ),
        (
            "      a: \"flow\\e[2J\"\n",
            "variable `a`: the value holds the control character U+001B",
        ),
    ];
    for (variables, message) in cases {
        let run = validate_with_variables(variables);
        run.expect(1);
        assert!(
            run.stderr
                .contains("error: connect-rules.yaml: target `local`, ")
                && run.stderr.contains(message)
                && run.stderr.contains("hint: "),
            "{variables}\n{}",
            run.stderr
        );
    }
    // A plain value is fine, and `--var` values get the same check.
    validate_with_variables("      a: flow-1\n").expect(0);
    let dir = tempfile::tempdir().unwrap();
    project(dir.path(), &["refund-callback"]);
    let run = run_in(dir.path(), &["validate", "--var", "a=${var.b}"]);
    run.expect(1);
    assert!(run.stderr.contains("`--var a`"), "{}", run.stderr);
}

#[test]
fn the_config_is_found_in_a_parent_folder_and_its_paths_stay_relative_to_it() {
    let root = tempfile::tempdir().unwrap();
    let proj = root.path().join("proj");
    project(&proj, &[]);
    // The search stops at the repository's root, here `proj`.
    std::fs::create_dir(proj.join(".git")).unwrap();
    std::fs::create_dir_all(proj.join("rules/chat")).unwrap();
    std::fs::write(
        proj.join("rules/chat/refund.yaml"),
        rule_yaml("chat-refund"),
    )
    .unwrap();
    let chat = proj.join("rules/chat");

    run_in(&chat, &["validate"]).expect(0);
    let plan = run_in(&chat, &["plan", "--detailed-exitcode"]);
    plan.expect(2);
    snapshot!(root.path(), "plan_in_a_subfolder", plan.shown());
    run_in(&chat, &["apply", "--auto-approve"]).expect(0);
    assert_eq!(
        rule_names(&proj.join(".connect-rules/local-instance.json")),
        ["chat-refund"],
        "the config's local state, not one in the current folder"
    );
    assert!(!chat.join(".connect-rules").exists());
    let state = std::fs::read_to_string(proj.join(".connect-rules/local-instance.json")).unwrap();
    assert!(
        state.contains("\"rules/chat/refund.yaml\"") && !state.contains("../"),
        "the source tag names the file from the config's folder, as a run from the root does: {state}"
    );
    let again = run_in(&chat, &["plan", "--detailed-exitcode"]);
    again.expect(0);

    // `--config` still decides: a config naming another rules folder.
    std::fs::write(proj.join("empty.yaml"), "rules: nowhere\n").unwrap();
    let other = run_in(&chat, &["validate", "--config", "../../empty.yaml"]);
    other.expect(1);
    assert!(other.stderr.contains("../../nowhere"), "{other}");

    // Nothing above the repository's root is read: a config there is not this repository's.
    std::fs::write(root.path().join("connect-rules.yaml"), "rules: [oops\n").unwrap();
    std::fs::remove_file(proj.join("connect-rules.yaml")).unwrap();
    let outside = run_in(&chat, &["validate"]);
    assert!(!outside.stderr.contains("oops"), "{outside}");
}

/// A project whose config has two local targets, `a` (the default) and `b`, with a state
/// file each.
fn two_local_targets(dir: &Path) {
    project(dir, &["refund-callback"]);
    std::fs::write(
        dir.join("connect-rules.yaml"),
        "default_target: a\ntargets:\n  a:\n    local_state: a.json\n  b:\n    local_state: b.json\n",
    )
    .unwrap();
}

#[test]
fn apply_takes_the_target_from_the_plan_file() {
    let dir = tempfile::tempdir().unwrap();
    two_local_targets(dir.path());
    run_in(dir.path(), &["plan", "--target", "b", "--out", "plan.json"]).expect(0);

    let wrong = run_in(dir.path(), &["apply", "plan.json", "--target", "a"]);
    wrong.expect(1);
    snapshot!(
        dir.path(),
        "apply_plan_file_with_another_target",
        wrong.shown()
    );
    assert!(!dir.path().join("a.json").exists());
    assert!(rule_names(&dir.path().join("b.json")).is_empty());

    let applied = run_in(dir.path(), &["apply", "plan.json"]);
    applied.expect(0);
    assert_eq!(rule_names(&dir.path().join("b.json")), ["refund-callback"]);
    assert!(
        !dir.path().join("a.json").exists(),
        "the default target is untouched"
    );
}

#[test]
fn two_local_targets_are_told_apart_by_their_state_files() {
    let dir = tempfile::tempdir().unwrap();
    two_local_targets(dir.path());
    let text = run_in(dir.path(), &["plan", "--all-targets"]);
    text.expect(0);
    assert!(
        text.stdout
            .contains("the local instance `a.json` (target `a`)")
            && text
                .stdout
                .contains("the local instance `b.json` (target `b`)"),
        "{text}"
    );
    let markdown = run_in(
        dir.path(),
        &["plan", "--all-targets", "--format", "markdown"],
    );
    markdown.expect(0);
    snapshot!(dir.path(), "two_local_targets_markdown", markdown.stdout);
    let json = run_in(dir.path(), &["plan", "--all-targets", "--format", "json"]);
    let json: serde_json::Value = serde_json::from_str(&json.stdout).expect("json");
    let states: Vec<&str> = json["targets"]
        .as_array()
        .expect("targets")
        .iter()
        .map(|target| {
            target["target"]["local_state"]
                .as_str()
                .expect("local_state")
        })
        .collect();
    assert_eq!(states, ["a.json", "b.json"]);

    // A target whose state file changed between plan and apply is another instance.
    run_in(dir.path(), &["plan", "--target", "b", "--out", "plan.json"]).expect(0);
    std::fs::write(
        dir.path().join("connect-rules.yaml"),
        "default_target: a\ntargets:\n  a:\n    local_state: a.json\n  b:\n    local_state: c.json\n",
    )
    .unwrap();
    let moved = run_in(dir.path(), &["apply", "plan.json"]);
    moved.expect(1);
    snapshot!(
        dir.path(),
        "apply_plan_file_after_local_state_moved",
        moved.shown()
    );
    assert!(!dir.path().join("c.json").exists(), "c.json was written");
    for state in ["a.json", "b.json"] {
        assert!(rule_names(&dir.path().join(state)).is_empty(), "{state}");
    }
}

#[test]
fn commands_on_one_target_offer_no_all_targets_flag() {
    let dir = tempfile::tempdir().unwrap();
    for command in ["apply", "export", "adopt"] {
        let help = run_in(dir.path(), &[command, "--help"]);
        help.expect(0);
        assert!(!help.stdout.contains("--all-targets"), "{command}: {help}");
        assert!(help.stdout.contains("--target <NAME>"), "{command}: {help}");
        assert!(!help.stdout.contains("more than once"), "{command}: {help}");
    }
    let apply = run_in(dir.path(), &["apply", "--help"]).stdout;
    assert!(apply.contains("the plan file's target"), "{apply}");
    for command in ["plan", "drift"] {
        let help = run_in(dir.path(), &[command, "--help"]);
        assert!(help.stdout.contains("--all-targets"), "{command}: {help}");
    }
}

#[test]
fn config_typos_get_one_error_label_and_the_nearest_name() {
    let dir = tempfile::tempdir().unwrap();
    project(dir.path(), &["refund-callback"]);
    let write =
        |config: &str| std::fs::write(dir.path().join("connect-rules.yaml"), config).unwrap();

    write("rules: rules\ndefault_taget: local\n");
    let key = run_in(dir.path(), &["validate"]);
    key.expect(1);
    snapshot!(dir.path(), "config_unknown_key", key.shown());

    write("targets:\n  prod:\n    instance_id: i-1\n    regoin: eu-west-2\n");
    let nested = run_in(dir.path(), &["plan"]);
    nested.expect(1);
    snapshot!(dir.path(), "config_unknown_target_key", nested.shown());

    write("targets:\n  prod:\n    instance_id: i-1\n  staging:\n    instance_id: i-2\n");
    let target = run_in(dir.path(), &["plan", "--target", "prdo"]);
    target.expect(1);
    snapshot!(dir.path(), "config_unknown_target", target.shown());

    for run in [&key, &nested, &target] {
        assert_eq!(run.stderr.matches("error:").count(), 1, "{run}");
        assert!(!run.stderr.contains(" at line "), "{run}");
    }
}

#[test]
fn validate_counts_a_rule_in_error_as_not_valid() {
    let dir = tempfile::tempdir().unwrap();
    project(dir.path(), &["one", "two", "three"]);
    // `two` takes `one`'s name: both files parse, but the name is an error.
    std::fs::write(dir.path().join("rules/two.yaml"), rule_yaml("one")).unwrap();
    let run = run_in(dir.path(), &["validate"]);
    run.expect(1);
    assert!(
        run.stderr
            .ends_with("3 files checked: 2 valid rules, 1 error, 0 warnings\n"),
        "{run}"
    );
}

#[test]
fn the_integration_hint_names_the_sources_own_integration() {
    let dir = tempfile::tempdir().unwrap();
    project(dir.path(), &[]);
    for (source, variable) in [
        ("OnSalesforceCaseCreate", "${var.salesforce_integration_id}"),
        ("OnZendeskTicketCreate", "${var.zendesk_integration_id}"),
    ] {
        std::fs::write(
            dir.path().join("rules/crm.yaml"),
            RuleText::new("crm").source(source).build(),
        )
        .unwrap();
        let run = run_in(dir.path(), &["validate"]);
        run.expect(1);
        assert!(
            run.stderr.contains(&format!(
                "needs `IntegrationAssociationId`\n  hint: set it to the id of the instance's integration association, e.g. `{variable}`"
            )),
            "{source}: {run}"
        );
    }
}

#[test]
fn hints_offer_only_what_the_command_takes() {
    let dir = tempfile::tempdir().unwrap();
    project(dir.path(), &["refund-callback"]);
    // Without a terminal (the test's stdin is not one), apply and adopt refuse to ask.
    let apply = run_in(dir.path(), &["apply"]);
    apply.expect(1);
    assert!(
        apply
            .stderr
            .contains("hint: review the plan above and pass `--auto-approve`, or save it with `connect-rules plan --out plan.json` and run `connect-rules apply plan.json`"),
        "{apply}"
    );
    run_in(dir.path(), &["apply", "--auto-approve"]).expect(0);
    // Untag the live rule (as if made in the console), so that adopt has one to ask about.
    let state = dir.path().join(".connect-rules/local-instance.json");
    let mut value: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&state).unwrap()).unwrap();
    value["instances"]["local"]["rules"][0]["tags"] = serde_json::json!({});
    std::fs::write(&state, value.to_string()).unwrap();
    let adopt = run_in(dir.path(), &["adopt", "--all", "--no-cache"]);
    adopt.expect(1);
    assert!(
        adopt.stdout.contains("~ `refund-callback`")
            && adopt
                .stderr
                .contains("hint: review the rules above and pass `--auto-approve`\n")
            && !adopt.stderr.contains("plan"),
        "adopt has no plan to offer: {adopt}"
    );

    let explain = run_in(dir.path(), &["explain", "no-such-rule-anywhere"]);
    explain.expect(1);
    assert!(
        explain.stderr.contains(
            "hint: give a rule's `Name` or the path of its file; `connect-rules explain` with no argument reads every rule"
        ),
        "{explain}"
    );
}

#[test]
fn a_reader_that_stops_reading_ends_no_command_in_a_panic() {
    let dir = tempfile::tempdir().unwrap();
    let names: Vec<String> = (0..40).map(|i| format!("rule-{i:02}")).collect();
    let names: Vec<&str> = names.iter().map(String::as_str).collect();
    project(dir.path(), &names);
    for (args, status) in [
        (&["explain"][..], 0),
        (&["validate", "--format", "json"][..], 0),
        (&["schema"][..], 0),
        (&["plan", "--format", "json"][..], 0),
        (&["apply", "--auto-approve"][..], 0),
        (&["drift"][..], 0),
    ] {
        // The pipe's reading end is closed before the command writes anything.
        let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_connect-rules"))
            .args(args)
            .current_dir(dir.path())
            .env("CONNECT_RULES_PROGRESS", "off")
            .env("NO_COLOR", "1")
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .expect("the binary starts");
        drop(child.stdout.take());
        let output = child.wait_with_output().expect("it ends");
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(!stderr.contains("panicked"), "{args:?}: {stderr}");
        assert_eq!(output.status.code(), Some(status), "{args:?}: {stderr}");
    }
    // The apply went to its end although nobody read what it printed.
    assert_eq!(
        rule_names(&dir.path().join(".connect-rules/local-instance.json")).len(),
        40
    );
}

#[test]
fn a_config_link_to_nowhere_or_a_yml_config_is_named_not_skipped() {
    let root = tempfile::tempdir().unwrap();
    let chat = root.path().join("rules/chat");
    std::fs::create_dir_all(&chat).unwrap();
    std::fs::create_dir(root.path().join(".git")).unwrap();
    std::os::unix::fs::symlink(
        root.path().join("gone.yaml"),
        root.path().join("connect-rules.yaml"),
    )
    .unwrap();
    let dangling = run_in(&chat, &["validate"]);
    dangling.expect(1);
    assert!(
        dangling
            .stderr
            .contains("failed to read the config file `../../connect-rules.yaml`"),
        "{dangling}"
    );

    std::fs::remove_file(root.path().join("connect-rules.yaml")).unwrap();
    std::fs::write(root.path().join("connect-rules.yml"), "rules: rules\n").unwrap();
    let misnamed = run_in(&chat, &["validate"]);
    misnamed.expect(1);
    assert!(
        misnamed.stderr.contains(
            "found `../../connect-rules.yml`, but connect-rules reads its config from `connect-rules.yaml`"
        ),
        "{misnamed}"
    );
}
