//! Starting out: `init` makes a folder that plans and applies at once on the embedded local
//! instance and never overwrites a file; `completions` and `man` describe every command and
//! flag the binary has.

use std::path::Path;

use clap::CommandFactory as _;

mod support;

use support::project::rule_names_in;
use support::{Cli, Run};

fn run_in(dir: &Path, args: &[&str]) -> Run {
    Cli::new(dir).args(args).color_never().run()
}

macro_rules! snapshot {
    ($dir:expr, $name:expr, $value:expr) => {
        support::snapshot::assert_filtered!(support::snapshot::run_filters($dir), $name, $value)
    };
}

#[test]
fn init_makes_a_folder_that_plans_and_applies_at_once() {
    let root = tempfile::tempdir().unwrap();
    let init = run_in(root.path(), &["init", "rules-repo"]);
    init.expect(0);
    snapshot!(root.path(), "init", init.shown());

    let dir = root.path().join("rules-repo");
    assert_eq!(
        std::fs::read_to_string(dir.join("schema/rule.schema.json")).unwrap(),
        connect_rules::schema::rule_schema_json(),
        "the schema is the one `connect-rules schema` writes"
    );
    assert_eq!(
        std::fs::read_to_string(dir.join(".gitignore")).unwrap(),
        "# connect-rules: the local instance's state and the caches (per machine)\n.connect-rules/\n"
    );

    run_in(&dir, &["validate"]).expect(0);
    let plan = run_in(&dir, &["plan", "--detailed-exitcode"]);
    plan.expect(2);
    snapshot!(&dir, "plan_after_init", plan.shown());

    run_in(&dir, &["apply", "--auto-approve"]).expect(0);
    assert_eq!(
        rule_names_in(&dir.join(".connect-rules/local-instance.json")),
        ["negative-sentiment-callback"]
    );
    let again = run_in(&dir, &["plan", "--detailed-exitcode"]);
    again.expect(0);
    assert!(again.stdout.starts_with("No changes."), "{again}");
}

#[test]
fn init_refuses_a_file_where_it_needs_a_folder_and_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("rules"), "not a folder\n").unwrap();
    std::fs::create_dir(dir.path().join(".github")).unwrap();
    std::fs::write(dir.path().join(".github/workflows"), "").unwrap();
    let init = run_in(dir.path(), &["init", "--github"]);
    init.expect(1);
    assert!(
        init.stderr.contains("\n  rules\n") && init.stderr.contains("\n  .github/workflows\n"),
        "{init}"
    );
    let mut left: Vec<String> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|entry| entry.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    left.sort();
    assert_eq!(left, [".github", "rules"], "nothing was written");
    // Once out of the way, init runs (no half-made folder makes it refuse its own files).
    std::fs::remove_file(dir.path().join("rules")).unwrap();
    std::fs::remove_dir_all(dir.path().join(".github")).unwrap();
    run_in(dir.path(), &["init", "--github"]).expect(0);
}

#[test]
fn init_refuses_a_folder_inside_another_projects_rules_folder() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join(".git")).unwrap();
    run_in(dir.path(), &["init"]).expect(0);
    let nested = run_in(dir.path(), &["init", "rules/team"]);
    nested.expect(1);
    assert!(
        nested
            .stderr
            .contains("`rules/team` is inside `rules`, the rules folder of `connect-rules.yaml`"),
        "{nested}"
    );
    assert!(
        !dir.path().join("rules/team").exists(),
        "nothing was written"
    );
    // The outer project still plans.
    run_in(dir.path(), &["validate"]).expect(0);
}

#[test]
fn init_refuses_to_overwrite_and_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("connect-rules.yaml"), "rules: mine\n").unwrap();
    std::fs::write(dir.path().join(".gitignore"), "/target\n").unwrap();

    let init = run_in(dir.path(), &["init", "--github"]);
    init.expect(1);
    snapshot!(dir.path(), "init_refuses", init.shown());

    assert_eq!(
        std::fs::read_to_string(dir.path().join("connect-rules.yaml")).unwrap(),
        "rules: mine\n"
    );
    assert_eq!(
        std::fs::read_to_string(dir.path().join(".gitignore")).unwrap(),
        "/target\n"
    );
    let mut left: Vec<String> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|entry| entry.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    left.sort();
    assert_eq!(left, [".gitignore", "connect-rules.yaml"]);
}

#[test]
fn init_adds_to_a_gitignore_once_and_writes_the_workflows_with_github() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join(".gitignore"), "/target").unwrap();

    let init = run_in(dir.path(), &["init", "--github"]);
    init.expect(0);
    snapshot!(dir.path(), "init_github", init.shown());
    assert_eq!(
        std::fs::read_to_string(dir.path().join(".gitignore")).unwrap(),
        "/target\n\n# connect-rules: the local instance's state and the caches (per machine)\n.connect-rules/\n"
    );
    let examples = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/github");
    for name in ["plan", "plan-fork-comment", "apply", "drift"] {
        assert_eq!(
            std::fs::read_to_string(
                dir.path()
                    .join(format!(".github/workflows/connect-rules-{name}.yml"))
            )
            .unwrap(),
            std::fs::read_to_string(examples.join(format!("{name}.yml"))).unwrap(),
            "{name}.yml is the example as shipped"
        );
    }

    // The folder is set up: a second init refuses; one into a fresh folder beside it leaves
    // this `.gitignore` alone.
    std::fs::remove_file(dir.path().join("connect-rules.yaml")).unwrap();
    std::fs::remove_dir_all(dir.path().join("schema")).unwrap();
    std::fs::remove_dir_all(dir.path().join("rules")).unwrap();
    let again = run_in(dir.path(), &["init"]);
    again.expect(0);
    assert!(
        again
            .stderr
            .contains("`.gitignore` already ignores `.connect-rules/`"),
        "{again}"
    );
    assert_eq!(
        std::fs::read_to_string(dir.path().join(".gitignore"))
            .unwrap()
            .matches(".connect-rules/")
            .count(),
        1,
        "the entry, once"
    );
}

/// Every subcommand's name and long flags (hidden ones, and clap's own `--help` and
/// `--version`, aside).
fn subcommands_and_flags() -> Vec<(String, Vec<String>)> {
    let command = connect_rules::cli::Cli::command();
    command
        .get_subcommands()
        .map(|sub| {
            let flags = sub
                .get_arguments()
                .filter(|arg| !arg.is_hide_set())
                .filter_map(clap::Arg::get_long)
                .filter(|long| !matches!(*long, "help" | "version"))
                .map(|long| format!("--{long}"))
                .collect();
            (sub.get_name().to_owned(), flags)
        })
        .collect()
}

#[test]
fn bash_and_zsh_completions_name_every_command_and_flag() {
    let dir = tempfile::tempdir().unwrap();
    let commands = subcommands_and_flags();
    assert!(commands.iter().any(|(name, _)| name == "init"));
    for shell in ["bash", "zsh"] {
        let run = run_in(dir.path(), &["completions", shell]);
        run.expect(0);
        assert!(run.stderr.is_empty(), "{run}");
        for (name, flags) in &commands {
            assert!(run.stdout.contains(name.as_str()), "{shell}: `{name}`");
            for flag in flags {
                assert!(
                    run.stdout.contains(flag.as_str()),
                    "{shell}: `{name} {flag}`"
                );
            }
        }
    }
    let bash = run_in(dir.path(), &["completions", "bash"]).stdout;
    assert!(
        bash.contains("complete -F _connect__rules -o bashdefault -o default connect-rules"),
        "{bash}"
    );
    let zsh = run_in(dir.path(), &["completions", "zsh"]).stdout;
    assert!(zsh.starts_with("#compdef connect-rules"), "{zsh}");
    // The values of `--format` are offered, not only the flag.
    assert!(zsh.contains("markdown"), "{zsh}");

    let unknown = run_in(dir.path(), &["completions", "tcsh"]);
    unknown.expect(1);
    assert!(unknown.stderr.contains("bash"), "{unknown}");
}

/// What bash completes after `connect-rules WORDS...`, with the script sourced as a user's
/// shell would.
fn bash_completes(dir: &Path, words: &[&str]) -> Vec<String> {
    let script = dir.join("connect-rules.bash");
    let run = run_in(dir, &["completions", "bash"]);
    run.expect(0);
    std::fs::write(&script, &run.stdout).unwrap();
    let words: Vec<String> = words.iter().map(|word| format!("'{word}'")).collect();
    let program = format!(
        "source '{}'; COMP_WORDS=(connect-rules {}); COMP_CWORD=${{#COMP_WORDS[@]}}; COMP_CWORD=$((COMP_CWORD - 1)); _connect__rules connect-rules \"${{COMP_WORDS[COMP_CWORD]}}\" \"${{COMP_WORDS[COMP_CWORD - 1]}}\"; printf '%s\\n' \"${{COMPREPLY[@]}}\"",
        script.display(),
        words.join(" ")
    );
    let output = std::process::Command::new("bash")
        .arg("-c")
        .arg(&program)
        .output()
        .expect("bash runs");
    assert!(output.status.success(), "{output:?}");
    String::from_utf8_lossy(&output.stdout)
        .lines()
        .map(str::to_owned)
        .collect()
}

#[test]
fn bash_completes_each_commands_own_flags_and_not_the_ones_it_refuses() {
    let dir = tempfile::tempdir().unwrap();
    let apply = bash_completes(dir.path(), &["apply", "--"]);
    assert!(
        apply.iter().any(|flag| flag == "--allow-delete"),
        "{apply:?}"
    );
    assert!(
        !apply.iter().any(|flag| flag == "--all-targets"),
        "apply refuses --all-targets: {apply:?}"
    );
    let plan = bash_completes(dir.path(), &["plan", "--"]);
    assert!(plan.iter().any(|flag| flag == "--all-targets"), "{plan:?}");
    assert!(
        plan.iter().any(|flag| flag == "--fail-on-refusal"),
        "{plan:?}"
    );
    let commands = bash_completes(dir.path(), &["ex"]);
    assert!(commands.iter().any(|name| name == "export"), "{commands:?}");
    // zsh and fish do not offer it for the one-target commands either.
    for shell in ["zsh", "fish", "powershell", "elvish"] {
        let script = run_in(dir.path(), &["completions", shell]).stdout;
        assert_eq!(
            script
                .lines()
                .filter(|line| line.contains("all-targets"))
                .count(),
            2,
            "{shell}: only plan and drift offer --all-targets\n{script}"
        );
    }
}

#[test]
fn the_man_page_lists_the_commands_and_a_page_per_command_has_its_flags() {
    let dir = tempfile::tempdir().unwrap();
    let run = run_in(dir.path(), &["man"]);
    run.expect(0);
    // The version line names the build's commit and date.
    let filters = vec![
        (
            r#""connect-rules [^"]*""#.to_owned(),
            r#""connect-rules [VERSION]""#.to_owned(),
        ),
        (r"(?m)^v\d+\.\d+\.\d+.*$".to_owned(), "[VERSION]".to_owned()),
    ];
    support::snapshot::assert_filtered!(filters, "man_page", run.stdout.clone());

    let pages = dir.path().join("man");
    run_in(dir.path(), &["man", "--out-dir", "man"]).expect(0);
    for (name, flags) in subcommands_and_flags() {
        let page = std::fs::read_to_string(pages.join(format!("connect-rules-{name}.1")))
            .unwrap_or_else(|err| panic!("connect-rules-{name}.1: {err}"));
        for flag in flags {
            // roff escapes every `-`.
            let escaped = flag.replace('-', "\\-");
            assert!(
                page.contains(&escaped),
                "connect-rules-{name}.1 lacks {flag}"
            );
        }
    }
    assert!(pages.join("connect-rules.1").exists());
}
