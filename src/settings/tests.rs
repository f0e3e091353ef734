//! The resolution, as a pure function: command lines and config text in, settings out.

use std::path::{Path, PathBuf};

use clap::Parser as _;

use super::*;
use crate::cli::{Cli, Command};
use crate::client::Rate;
use crate::config::{DEFAULT_LOCAL_STATE, LOCAL_INSTANCE_ID};

fn file(config: &str) -> ConfigFile {
    ConfigFile {
        config: config::parse(config, Path::new(CONFIG_FILE)).unwrap(),
        base: PathBuf::new(),
        path: Some(PathBuf::from(CONFIG_FILE)),
    }
}

fn command(args: &[&str]) -> Command {
    Cli::try_parse_from(std::iter::once("connect-rules").chain(args.iter().copied()))
        .unwrap()
        .command
}

fn plan(args: &[&str], file: &ConfigFile) -> anyhow::Result<PlanSettings> {
    let Command::Plan(args) = command(&[&["plan"][..], args].concat()) else {
        unreachable!("a plan command line")
    };
    PlanSettings::resolve(&args, file)
}

fn one_plan(args: &[&str], file: &ConfigFile) -> Settings {
    let mut settings = plan(args, file).unwrap();
    assert_eq!(settings.targets.len(), 1);
    settings.targets.remove(0)
}

fn validate(args: &[&str], file: &ConfigFile) -> anyhow::Result<OfflineSettings> {
    let Command::Validate(args) = command(&[&["validate"][..], args].concat()) else {
        unreachable!("a validate command line")
    };
    OfflineSettings::for_validate(&args, file)
}

fn apply(args: &[&str], file: &ConfigFile) -> anyhow::Result<ApplySettings> {
    apply_saved(args, file, None)
}

/// `apply` with a saved plan made for `saved`.
fn apply_saved(
    args: &[&str],
    file: &ConfigFile,
    saved: Option<&PlanTarget>,
) -> anyhow::Result<ApplySettings> {
    let Command::Apply(args) = command(&[&["apply"][..], args].concat()) else {
        unreachable!("an apply command line")
    };
    ApplySettings::resolve(&args, file, saved)
}

const TWO_TARGETS: &str = "\
targets:
  prod:
    instance_arn: arn:aws:connect:eu-west-2:123456789012:instance/abc-123
    concurrency: 8
    requests_per_second: 1.5
    variables: {flow: prod-flow}
  staging:
    instance_id: stg-1
    variables: {flow: staging-flow}
";

#[test]
fn no_config_means_the_local_instance_with_every_default() {
    let settings = one_plan(&[], &ConfigFile::default());
    let target = &settings.target;
    assert_eq!(target.name, "local");
    assert_eq!(target.instance_id, LOCAL_INSTANCE_ID);
    assert_eq!(
        target.kind,
        TargetKind::Local {
            state: PathBuf::from(DEFAULT_LOCAL_STATE),
            state_shown: DEFAULT_LOCAL_STATE.to_owned(),
            resources: None,
        }
    );
    assert_eq!(target.concurrency, DEFAULT_CONCURRENCY);
    assert_eq!(
        target.rate, None,
        "the local instance is not paced by default"
    );
    assert!(target.describe_cache && target.check_cache);
    assert_eq!(settings.rules.dir, PathBuf::from("rules"));
    assert!(!settings.diff.manage_all && !settings.rules.policy.strict);
}

#[test]
fn a_flag_beats_the_target_which_beats_the_default() {
    let config = file(TWO_TARGETS);
    // The target's config over the defaults: the ARN gives id and region.
    let prod = one_plan(&["--target", "prod"], &config).target;
    assert_eq!(
        (prod.name.as_str(), prod.instance_id.as_str()),
        ("prod", "abc-123")
    );
    assert!(
        matches!(prod.kind, TargetKind::Aws { ref region, .. } if region.as_deref() == Some("eu-west-2"))
    );
    assert_eq!(prod.concurrency, 8);
    assert_eq!(
        prod.rate,
        Some(Rate {
            per_second: 1.5,
            burst: Rate::CONNECT_DEFAULT.burst
        })
    );
    // Flags over the target's config, each on its own.
    let flagged = one_plan(
        &[
            "--target",
            "prod",
            "--region",
            "us-west-2",
            "--concurrency",
            "2",
            "--burst",
            "9",
            "--var",
            "flow=from-flag",
        ],
        &config,
    )
    .target;
    assert!(
        matches!(flagged.kind, TargetKind::Aws { ref region, .. } if region.as_deref() == Some("us-west-2"))
    );
    assert_eq!(flagged.concurrency, 2);
    assert_eq!(
        flagged.rate,
        Some(Rate {
            per_second: 1.5,
            burst: 9
        }),
        "a flag replaces only the value it names"
    );
    assert_eq!(flagged.variables["flow"], "from-flag");
    // An AWS target with nothing configured gets Connect's default quota.
    let staging = one_plan(&["--target", "staging"], &config).target;
    assert_eq!(staging.rate, Some(Rate::CONNECT_DEFAULT));
    assert_eq!(staging.concurrency, DEFAULT_CONCURRENCY);
}

#[test]
fn policy_flags_and_config_switches_both_turn_a_policy_on() {
    let config =
        file("strict: true\nmanage_all: true\nallow_delete: true\nallowed_conditions: [\"a.*\"]\n");
    let settings = one_plan(&[], &config);
    assert!(settings.rules.policy.strict && settings.diff.manage_all);
    assert_eq!(
        settings.rules.policy.allowed_conditions,
        vec!["a.*".to_owned()]
    );
    let applied = apply(&["--allow-replace"], &config).unwrap();
    assert!(applied.permissions.allow_delete, "from the config");
    assert!(applied.permissions.allow_replace, "from the flag");
    assert!(applied.permissions.manage_all);
    let plain = apply(&[], &ConfigFile::default()).unwrap();
    assert!(!plain.permissions.allow_delete && !plain.permissions.allow_replace);
    assert!(!plain.permissions.manage_all);
    assert!(
        !plain.settings.target.check_cache && plain.settings.target.describe_cache,
        "apply sends what the files say now: never from the check cache"
    );
}

#[test]
fn the_default_target_is_the_configured_one_else_the_only_one_else_local() {
    let config = file(TWO_TARGETS);
    assert_eq!(one_plan(&[], &config).target.name, "local");
    let with_default = file(&format!("default_target: staging\n{TWO_TARGETS}"));
    assert_eq!(one_plan(&[], &with_default).target.name, "staging");
    let only = file("targets:\n  solo:\n    instance_id: s-1\n");
    assert_eq!(one_plan(&[], &only).target.name, "solo");
    // validate picks the same target, so it checks with the same variables as plan.
    assert_eq!(
        validate(&[], &with_default).unwrap().variables["flow"],
        "staging-flow"
    );
    assert_eq!(
        validate(&["--target", "prod"], &config).unwrap().variables["flow"],
        "prod-flow"
    );
}

#[test]
fn an_unknown_target_is_one_error_for_every_command() {
    let config = file(TWO_TARGETS);
    let from_plan = plan(&["--target", "prod2"], &config).unwrap_err();
    let from_validate = validate(&["--target", "prod2"], &config).unwrap_err();
    for err in [from_plan, from_validate] {
        assert_eq!(
            crate::error::render(&err, crate::style::Style::plain()),
            "error: there is no target `prod2` in `connect-rules.yaml`\n  hint: did you mean `prod`? The targets are: prod, staging\n"
        );
    }
}

#[test]
fn instance_flags_override_a_local_target_and_never_fall_back_to_it() {
    let config = file("default_target: local\ntargets:\n  local:\n    local_state: state.json\n");
    let target = one_plan(
        &["--instance-id", "prod-1", "--region", "eu-west-2"],
        &config,
    )
    .target;
    assert!(matches!(target.kind, TargetKind::Aws { .. }));
    assert_eq!(
        (target.name.as_str(), target.instance_id.as_str()),
        ("prod-1", "prod-1")
    );
    let err = plan(&["--endpoint-url", "http://127.0.0.1:1"], &config).unwrap_err();
    assert!(err.to_string().contains("names no instance"), "{err}");
}

#[test]
fn paths_in_a_config_are_relative_to_its_folder() {
    let config = ConfigFile {
        base: PathBuf::from("elsewhere"),
        ..file("rules: my-rules\ntargets:\n  local:\n    local_state: state.json\n")
    };
    let settings = one_plan(&[], &config);
    assert_eq!(settings.rules.dir, Path::new("elsewhere").join("my-rules"));
    assert_eq!(
        settings.target.kind,
        TargetKind::Local {
            state: Path::new("elsewhere").join("state.json"),
            state_shown: "state.json".to_owned(),
            resources: None,
        }
    );
    assert_eq!(
        settings.target.cache_root,
        Path::new("elsewhere").join(crate::config::CACHE_ROOT)
    );
    // `--rules` is a path on the command line: relative to the current folder.
    assert_eq!(
        one_plan(&["--rules", "here"], &config).rules.dir,
        PathBuf::from("here")
    );
}

#[test]
fn commands_that_must_read_afresh_turn_the_caches_off() {
    assert!(
        !one_plan(&["--no-cache"], &ConfigFile::default())
            .target
            .describe_cache
    );
    let Command::Drift(args) = command(&["drift"]) else {
        unreachable!("a drift command line")
    };
    let drift = DriftSettings::resolve(&args, &ConfigFile::default()).unwrap();
    assert!(!drift.targets[0].target.describe_cache && !drift.targets[0].target.check_cache);
    let Command::Export(args) = command(&["export"]) else {
        unreachable!("an export command line")
    };
    let export = ExportSettings::resolve(&args, &ConfigFile::default()).unwrap();
    assert!(!export.settings.target.describe_cache);
    assert_eq!(
        export.out_dir,
        PathBuf::from("rules"),
        "the rules folder by default"
    );
}

#[test]
fn several_targets_are_for_plan_and_drift_only_and_one_plan_file_per_target() {
    let config = file(TWO_TARGETS);
    let all = plan(&["--all-targets"], &config).unwrap();
    let names: Vec<&str> = all.targets.iter().map(|s| s.target.name.as_str()).collect();
    assert_eq!(names, ["prod", "staging"]);
    let err = plan(&["--all-targets", "--out", "plan.json"], &config).unwrap_err();
    assert!(
        err.to_string()
            .contains("`--out` saves the plan of one target"),
        "{err}"
    );
    let err = apply(&["--target", "prod", "--target", "staging"], &config).unwrap_err();
    assert!(err.to_string().contains("one target at a time"), "{err}");
    let err = plan(&["--all-targets"], &ConfigFile::default()).unwrap_err();
    assert!(err.to_string().contains("needs targets"), "{err}");
}

#[test]
fn markdown_is_redacted_unless_asked_not_to() {
    let quiet = plan(&["--format", "markdown"], &ConfigFile::default()).unwrap();
    assert!(quiet.output.redact);
    let shown = plan(
        &["--format", "markdown", "--no-redact"],
        &ConfigFile::default(),
    )
    .unwrap();
    assert!(!shown.output.redact);
    let text = plan(&[], &ConfigFile::default()).unwrap();
    assert_eq!(text.output.format, OutputFormat::Text);
    assert!(!text.output.redact);
}

#[test]
fn bad_values_in_the_target_are_errors_with_hints() {
    let err = plan(&[], &file("targets:\n  p:\n    instance_arn: nope\n")).unwrap_err();
    assert!(err.to_string().contains("is not an instance ARN"), "{err}");
    let err = plan(
        &[],
        &file("targets:\n  p:\n    instance_id: i\n    account_id: \"12\"\n"),
    )
    .unwrap_err();
    let rendered = crate::error::render(&err, crate::style::Style::plain());
    assert!(
        rendered.contains("is not an AWS account id\n  hint: write the twelve digits"),
        "{rendered}"
    );
    let err = validate(&["--var", "x=${var.y}"], &ConfigFile::default()).unwrap_err();
    assert!(err.to_string().starts_with("`--var x`: the value"), "{err}");
}

#[test]
fn the_config_is_the_nearest_one_up_to_the_repository_root() {
    fn exists<'a>(files: &'a [&'a str]) -> impl Fn(&Path) -> bool + 'a {
        move |path| files.iter().any(|file| path == Path::new(file))
    }
    let repo = ["/repo/.git", "/repo/connect-rules.yaml"];
    let here = Path::new("/repo/rules/chat");
    assert_eq!(
        nearest_config(here, exists(&repo)),
        Some(Path::new("../..").join(CONFIG_FILE))
    );
    assert_eq!(
        nearest_config(Path::new("/repo"), exists(&repo)),
        Some(PathBuf::from(CONFIG_FILE))
    );
    // The nearest wins.
    let nested = ["/repo/connect-rules.yaml", "/repo/rules/connect-rules.yaml"];
    assert_eq!(
        nearest_config(here, exists(&nested)),
        Some(Path::new("..").join(CONFIG_FILE))
    );
    // Never above the repository's root.
    let outside = ["/connect-rules.yaml", "/repo/.git"];
    assert_eq!(nearest_config(here, exists(&outside)), None);
    assert_eq!(nearest_config(here, exists(&[])), None);
}

#[test]
fn a_saved_plan_names_the_target_and_a_different_target_flag_is_an_error() {
    let config = file(&format!("default_target: staging\n{TWO_TARGETS}"));
    let planned = |name: &str, instance: &str| PlanTarget {
        name: name.to_owned(),
        instance_id: instance.to_owned(),
        local_state: None,
    };
    let prod = planned("prod", "abc-123");
    let settings = apply_saved(&["plan.json"], &config, Some(&prod)).unwrap();
    assert_eq!(
        (
            settings.settings.target.name.as_str(),
            settings.settings.target.instance_id.as_str()
        ),
        ("prod", "abc-123"),
        "the plan's target, not the default one"
    );
    assert_eq!(
        apply_saved(&["plan.json", "--target", "prod"], &config, Some(&prod))
            .unwrap()
            .settings
            .target
            .name,
        "prod"
    );
    let err = apply_saved(&["plan.json", "--target", "staging"], &config, Some(&prod)).unwrap_err();
    let rendered = crate::error::render(&err, crate::style::Style::plain());
    assert_eq!(
        rendered,
        "error: the plan file `plan.json` was made for target `prod`, but `--target staging` was given; nothing was changed\n  hint: leave out `--target`: apply takes the target from the plan file; or run `connect-rules plan --target staging --out FILE` for that target\n"
    );
    // The local instance's plan, with a config whose default is another target.
    let local = apply_saved(&["plan.json"], &config, Some(&planned("local", "local"))).unwrap();
    assert!(matches!(
        local.settings.target.kind,
        TargetKind::Local { .. }
    ));
    // A plan made with `--instance-id` needs the flags again (the plan has no region).
    let flagged = apply_saved(&["plan.json"], &config, Some(&planned("i-9", "i-9"))).unwrap();
    assert_eq!(flagged.settings.target.name, "staging");
    // A target the config no longer has.
    let err = apply_saved(&["plan.json"], &config, Some(&planned("qa", "i-7"))).unwrap_err();
    assert!(err.to_string().contains("there is no target `qa`"), "{err}");
}

#[test]
fn unknown_target_names_get_the_nearest_one() {
    let config = file(TWO_TARGETS);
    let err = plan(&["--target", "prd"], &config).unwrap_err();
    assert_eq!(
        crate::error::render(&err, crate::style::Style::plain()),
        "error: there is no target `prd` in `connect-rules.yaml`\n  hint: did you mean `prod`? The targets are: prod, staging\n"
    );
    let config = file(&format!("default_target: stagin\n{TWO_TARGETS}"));
    let err = plan(&[], &config).unwrap_err();
    assert_eq!(
        crate::error::render(&err, crate::style::Style::plain()),
        "error: `default_target` is `stagin`, which is not a target in `connect-rules.yaml`\n  hint: did you mean `staging`? The targets are: prod, staging\n"
    );
    let err = plan(&["--target", "dev"], &file("")).unwrap_err();
    assert!(
        crate::error::render(&err, crate::style::Style::plain())
            .contains("hint: `connect-rules.yaml` defines no targets; add one under `targets:`"),
        "{err}"
    );
}
