//! `connect-rules --version`: the package version, then the commit and its date when the
//! build knew them (`build.rs`): `connect-rules 0.1.0 (abc1234 2026-11-30)`, with `-dirty`
//! after the hash when the sources it was built from (`src/`, `Cargo.toml`, `Cargo.lock`,
//! `build.rs`) differed from that commit.

use std::process::Command;

#[test]
fn version_shows_the_package_version_and_the_commit_when_known() {
    let output = Command::new(env!("CARGO_BIN_EXE_connect-rules"))
        .arg("--version")
        .output()
        .expect("the binary runs");
    assert!(output.status.success());
    let text = String::from_utf8(output.stdout).expect("UTF-8");
    let line = text.strip_suffix('\n').expect("one line");
    let prefix = format!("connect-rules {}", env!("CARGO_PKG_VERSION"));
    let rest = line
        .strip_prefix(&prefix)
        .unwrap_or_else(|| panic!("`{line}` does not start with `{prefix}`"));
    if rest.is_empty() {
        return; // built with neither git nor CONNECT_RULES_COMMIT
    }
    let inner = rest
        .strip_prefix(" (")
        .and_then(|rest| rest.strip_suffix(')'))
        .unwrap_or_else(|| panic!("`{line}`: after the version comes ` (COMMIT DATE)`"));
    let mut parts = inner.split(' ');
    let hash = parts.next().unwrap_or_default();
    let hash = hash.strip_suffix("-dirty").unwrap_or(hash);
    assert!(
        hash.len() == 7 && hash.chars().all(|c| c.is_ascii_hexdigit()),
        "`{hash}` in `{line}` is not 7 hex digits"
    );
    if let Some(date) = parts.next() {
        let digits: Vec<&str> = date.split('-').collect();
        assert!(
            digits.len() == 3
                && [4, 2, 2]
                    .iter()
                    .zip(&digits)
                    .all(|(len, part)| part.len() == *len
                        && part.chars().all(|c| c.is_ascii_digit())),
            "`{date}` in `{line}` is not YYYY-MM-DD"
        );
    }
    assert_eq!(
        parts.next(),
        None,
        "`{line}` has more than a commit and a date"
    );
}

#[test]
fn a_subcommand_shows_the_same_version() {
    let run = |args: &[&str]| {
        Command::new(env!("CARGO_BIN_EXE_connect-rules"))
            .args(args)
            .output()
            .expect("the binary runs")
            .stdout
    };
    // clap names the subcommand (`connect-rules-validate 0.1.0 ...`); the version is the same.
    let version = |out: Vec<u8>| {
        let text = String::from_utf8(out).expect("UTF-8");
        text.split_once(' ').expect("NAME VERSION").1.to_owned()
    };
    assert_eq!(
        version(run(&["--version"])),
        version(run(&["validate", "--version"]))
    );
}

/// The marker tells the truth about the checkout this test runs in: a build from modified
/// sources says `-dirty`, from clean ones it does not. (The test binary and the
/// CLI are built from the same tree in the same `cargo test`.)
#[test]
fn version_marks_a_build_from_a_modified_checkout() {
    let manifest_dir = env!("CARGO_MANIFEST_DIR");
    let git = |args: &[&str]| {
        Command::new("git")
            .arg("-C")
            .arg(manifest_dir)
            .args(args)
            .output()
            .ok()
            .filter(|out| out.status.success())
            .map(|out| String::from_utf8_lossy(&out.stdout).trim().to_owned())
    };
    let top = git(&["rev-parse", "--show-toplevel"]);
    let is_own_checkout = top.is_some_and(|top| {
        std::fs::canonicalize(top).ok() == std::fs::canonicalize(manifest_dir).ok()
    });
    if !is_own_checkout || std::env::var_os("CONNECT_RULES_COMMIT").is_some() {
        return; // the commit (if any) did not come from this checkout
    }
    let sources = ["src", "Cargo.toml", "Cargo.lock", "build.rs"];
    let mut status = vec!["status", "--porcelain", "--untracked-files=no", "--"];
    status.extend(sources);
    let dirty = !git(&status).unwrap_or_default().is_empty();
    let output = Command::new(env!("CARGO_BIN_EXE_connect-rules"))
        .arg("--version")
        .output()
        .expect("the binary runs");
    let line = String::from_utf8(output.stdout).expect("UTF-8");
    let head = git(&["log", "-1", "--format=%h", "--abbrev=7"]).unwrap_or_default();
    let expected = if dirty {
        format!("({head}-dirty ")
    } else {
        format!("({head} ")
    };
    assert!(
        line.contains(&expected),
        "`{}`: the checkout is {}, so the version should contain `{expected}`",
        line.trim_end(),
        if dirty { "modified" } else { "clean" }
    );
}
