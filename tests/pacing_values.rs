//! Pacing settings are checked where they are read: a rate that would panic (`1e-300`), hang
//! (`0.0001`) or silently turn pacing off (`0`, `NaN`) is refused with an error naming the flag
//! or the config key, before any call is made.

mod support;

use support::{Cli, Project};

/// Runs `plan` in `dir` (no instance is reached: every case fails before the first call).
fn plan(dir: &std::path::Path, args: &[&str]) -> (i32, String) {
    let run = Cli::new(dir).arg("plan").args(args).color_never().run();
    (run.code, run.stderr)
}

fn project(config: &str) -> Project {
    Project::new().config(config)
}

#[test]
fn bad_rates_on_the_command_line_are_refused_naming_the_flag() {
    let dir = project("");
    let mut shown = String::new();
    for value in ["1e-300", "0.0001", "0", "NaN", "-2", "inf", "fast"] {
        let flag = format!("--requests-per-second={value}");
        let (code, stderr) = plan(dir.path(), &[&flag]);
        assert_eq!(code, 1, "{value}: {stderr}");
        assert!(!stderr.contains("panicked"), "{stderr}");
        shown.push_str(stderr.lines().next().unwrap_or_default());
        shown.push('\n');
    }
    for (flag, value) in [
        ("--burst", "0"),
        ("--concurrency", "0"),
        ("--concurrency", "100000"),
    ] {
        let (code, stderr) = plan(dir.path(), &[flag, value]);
        assert_eq!(code, 1, "{flag} {value}: {stderr}");
        shown.push_str(stderr.lines().next().unwrap_or_default());
        shown.push('\n');
    }
    insta::assert_snapshot!(shown);
}

#[test]
fn bad_rates_in_the_config_are_refused_naming_the_key_and_place() {
    let mut shown = String::new();
    for (key, value) in [
        ("requests_per_second", "1e-300"),
        ("requests_per_second", "0.0001"),
        ("requests_per_second", "0"),
        ("requests_per_second", ".nan"),
        ("burst", "0"),
        ("concurrency", "0"),
    ] {
        let dir = project(&format!(
            "targets:\n  prod:\n    instance_id: inst-1\n    region: us-east-1\n    endpoint_url: http://127.0.0.1:9\n    {key}: {value}\n"
        ));
        let (code, stderr) = plan(dir.path(), &[]);
        assert_eq!(code, 1, "{key}: {value}: {stderr}");
        assert!(!stderr.contains("panicked"), "{stderr}");
        assert!(stderr.contains("connect-rules.yaml:"), "{stderr}");
        assert!(stderr.contains(&format!("`{key}`")), "{stderr}");
        shown.push_str(&stderr.replace(&dir.path().display().to_string(), "[TMP]"));
    }
    insta::assert_snapshot!(shown);
}

/// The bounds themselves are accepted (the check is not off by one); nothing listens on the
/// discard port, so the run then fails reaching the instance, not on the value.
#[test]
fn the_bounds_are_accepted() {
    let dir = project("");
    for value in ["0.01", "10000"] {
        let (_, stderr) = plan(
            dir.path(),
            &[
                "--requests-per-second",
                value,
                "--burst",
                "10000",
                "--concurrency",
                "256",
                "--instance-id",
                "inst-1",
                "--region",
                "us-east-1",
                "--endpoint-url",
                "http://127.0.0.1:9",
                "--no-cache",
            ],
        );
        assert!(
            !stderr.contains("invalid value") && !stderr.contains("panicked"),
            "{value}: {stderr}"
        );
    }
}
