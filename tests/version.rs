//! `connect-rules --version`: the package version, then the commit and its date when the
//! build knew them (`build.rs`): `connect-rules 0.1.0 (abc1234 2026-11-30)`.

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
