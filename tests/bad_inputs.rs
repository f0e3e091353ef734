//! The bad-input corpus: every file in `tests/bad-inputs/` is wrong in one way (a field of the
//! wrong type, out of range or unknown; a broken action; a YAML trick such as an alias bomb, a
//! duplicate key or a custom tag; a file that is not UTF-8). Each one, alone in a project, must
//! make `plan` exit 1 with a finding that names the file and a `:LINE:COL` position, without a
//! panic and without one request reaching the instance. Three inputs too large to commit
//! usefully are generated here instead (see [`generated_inputs`]).
//!
//! One `validate` over the whole corpus is pinned in a snapshot so a reviewer reads every
//! message in one place. All traffic stays on 127.0.0.1.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::time::Duration;

use connect_rules::emulator::{Emulator, EmulatorConfig, RunningEmulator};

mod support;

use support::{Cli, Run};

/// The corpus must not shrink below this many committed files unnoticed.
const MIN_COMMITTED_FILES: usize = 100;

/// No run may take longer; a hang on hostile input is a failure, not a stuck CI job.
const TIMEOUT: Duration = Duration::from_secs(30);

/// `variable-substitutes-an-invalid-name.yaml` uses this variable; the value is not a valid
/// rule name, so the file fails only after substitution.
const VARIABLE: &str = "rule_name=has space";

/// Files whose finding has no line: the check runs before the text is read as lines.
const WITHOUT_POSITION: &[(&str, &str)] = &[(
    "oversize-2-mib.yaml",
    "the size limit is checked on the byte count before anything is parsed",
)];

/// One input: its file name and bytes.
struct Input {
    name: String,
    bytes: Vec<u8>,
}

fn corpus_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/bad-inputs")
}

/// The committed corpus, sorted by file name.
fn committed_inputs() -> Vec<Input> {
    let mut inputs: Vec<Input> = std::fs::read_dir(corpus_dir())
        .expect("tests/bad-inputs is readable")
        .map(|entry| {
            let path = entry.expect("a directory entry").path();
            Input {
                name: path
                    .file_name()
                    .and_then(|name| name.to_str())
                    .expect("a UTF-8 file name")
                    .to_owned(),
                bytes: std::fs::read(&path).expect("a corpus file is readable"),
            }
        })
        .collect();
    inputs.sort_by(|a, b| a.name.cmp(&b.name));
    inputs
}

/// Inputs too large to commit as readable files, built the same way every run.
fn generated_inputs() -> Vec<Input> {
    // Just over twice the 1 MiB limit, of lines that would otherwise parse.
    let mut oversize = String::new();
    let mut index = 0;
    while oversize.len() <= 2 * 1024 * 1024 {
        let _ = writeln!(oversize, "key{index}: value");
        index += 1;
    }
    // 10,000 nested flow lists: deeper than any parser stack should go on recursion.
    let nesting = format!("Name: {}{}\n", "[".repeat(10_000), "]".repeat(10_000));
    // A 900,000-character name: under the file limit, far over the 200-character name limit.
    let valid = std::fs::read_to_string(corpus_dir().join("name-with-space.yaml"))
        .expect("the name-with-space input");
    let huge_name = valid.replace("Name: call back", &format!("Name: {}", "n".repeat(900_000)));
    assert_ne!(huge_name, valid, "the name line was replaced");
    vec![
        Input {
            name: "oversize-2-mib.yaml".to_owned(),
            bytes: oversize.into_bytes(),
        },
        Input {
            name: "nesting-10000-deep.yaml".to_owned(),
            bytes: nesting.into_bytes(),
        },
        Input {
            name: "name-900000-characters.yaml".to_owned(),
            bytes: huge_name.into_bytes(),
        },
    ]
}

/// A temporary project whose `rules/` holds `inputs`.
fn project(inputs: &[&Input]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("a temporary folder");
    let rules = dir.path().join("rules");
    std::fs::create_dir(&rules).expect("create rules/");
    for input in inputs {
        std::fs::write(rules.join(&input.name), &input.bytes).expect("write the input");
    }
    dir
}

/// Runs the CLI binary in `dir` with `args`, against the emulator when one is given.
async fn run(dir: &Path, args: &[&str], emulator: Option<&RunningEmulator>) -> Run {
    let mut cli = Cli::new(dir)
        .color_never()
        .args(args)
        .args(["--rules", "rules", "--var", VARIABLE])
        .timeout(TIMEOUT);
    if let Some(emulator) = emulator {
        cli = cli.target("inst-1", &emulator.endpoint_url());
    }
    cli.run_async().await
}

/// Whether some finding in `stderr` starts `rules/NAME:LINE:` (or `rules/NAME: ` when the
/// input is one of [`WITHOUT_POSITION`]).
fn names_file_and_line(stderr: &str, name: &str) -> bool {
    let prefix = format!("rules/{name}:");
    let without_position = WITHOUT_POSITION.iter().any(|(file, _)| *file == name);
    stderr.lines().any(|line| {
        let Some(rest) = line.strip_prefix(&prefix) else {
            return false;
        };
        if without_position {
            return rest.starts_with(" error: ");
        }
        let digits = rest.chars().take_while(char::is_ascii_digit).count();
        digits > 0 && rest[digits..].starts_with(':')
    })
}

/// What is wrong with one `plan` run on a bad input, if anything.
fn plan_problems(input: &Input, outcome: &Run, requests: usize) -> Vec<String> {
    let mut problems = Vec::new();
    if outcome.code != 1 {
        problems.push(format!("exit code {}, not 1", outcome.code));
    }
    if !names_file_and_line(&outcome.stderr, &input.name) {
        problems.push("no finding names the file and a line".to_owned());
    }
    if outcome.stderr.contains("panicked") {
        problems.push("panicked".to_owned());
    }
    if !outcome.stderr.contains("the instance was not read") {
        problems.push("does not say the instance was not read".to_owned());
    }
    if requests != 0 {
        problems.push(format!("{requests} requests reached the instance"));
    }
    problems
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_bad_input_fails_plan_with_its_position_and_sends_nothing() {
    let emulator = Emulator::new(EmulatorConfig::default()).expect("emulator starts");
    let running = emulator.serve_local().await.expect("emulator binds");
    let committed = committed_inputs();
    assert!(
        committed.len() >= MIN_COMMITTED_FILES,
        "tests/bad-inputs holds {} files, fewer than {MIN_COMMITTED_FILES}",
        committed.len()
    );
    let mut failures = String::new();
    let mut checked = 0;
    for input in committed.iter().chain(&generated_inputs()) {
        let dir = project(&[input]);
        let outcome = run(dir.path(), &["plan"], Some(&running)).await;
        let problems = plan_problems(input, &outcome, emulator.requests().len());
        if !problems.is_empty() {
            let _ = writeln!(
                failures,
                "{}: {}\n{}",
                input.name,
                problems.join("; "),
                outcome.stderr
            );
        }
        emulator.clear_requests();
        checked += 1;
    }
    assert!(failures.is_empty(), "bad inputs not refused:\n{failures}");
    assert_eq!(checked, committed.len() + generated_inputs().len());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn validate_reports_the_whole_corpus() {
    let committed = committed_inputs();
    let generated = generated_inputs();
    let all: Vec<&Input> = committed.iter().chain(&generated).collect();
    let dir = project(&all);
    let outcome = run(dir.path(), &["validate"], None).await;
    assert_eq!(outcome.code, 1, "{}", outcome.stderr);
    assert!(!outcome.stderr.contains("panicked"), "{}", outcome.stderr);
    let summary = format!("{} files checked: 0 valid rules", all.len());
    assert!(outcome.stderr.contains(&summary), "{}", outcome.stderr);
    let mut settings = insta::Settings::clone_current();
    settings.set_omit_expression(true);
    settings.set_description(
        "`connect-rules validate` over tests/bad-inputs plus the generated inputs of \
         tests/bad_inputs.rs; each file's first line says what is wrong with it",
    );
    settings.bind(|| insta::assert_snapshot!("corpus_validate_stderr", outcome.stderr));
}
