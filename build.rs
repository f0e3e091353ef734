//! Sets `CONNECT_RULES_VERSION` for `--version`: the package version, then the commit and its
//! date when they are known: `0.1.0 (abc1234 2026-11-30)`, or `0.1.0 (abc1234-dirty
//! 2026-11-30)` when the binary's sources (`src/`, `Cargo.toml`, `Cargo.lock`, `build.rs`)
//! differ from that commit, as `git describe --dirty` says of the whole tree.
//!
//! The commit comes from git when the crate is built in its own git checkout, else from
//! `CONNECT_RULES_COMMIT` (`HASH` or `HASH YYYY-MM-DD`, for builds from a source tarball);
//! with neither, the version alone. Never fails: a missing git is no reason not to build.

use std::path::{Path, PathBuf};
use std::process::Command;

/// What the binary is built from, relative to the crate: what `-dirty` is about.
const SOURCES: [&str; 4] = ["src", "Cargo.toml", "Cargo.lock", "build.rs"];

fn main() {
    println!("cargo:rerun-if-env-changed=CONNECT_RULES_COMMIT");
    let manifest_dir = PathBuf::from(std::env::var_os("CARGO_MANIFEST_DIR").unwrap_or_default());
    let version = std::env::var("CARGO_PKG_VERSION").unwrap_or_default();
    let commit = from_git(&manifest_dir).or_else(from_env);
    let full = match commit {
        Some(commit) => format!("{version} ({commit})"),
        None => version,
    };
    println!("cargo:rustc-env=CONNECT_RULES_VERSION={full}");
}

/// `abc1234 2026-11-30` from the checkout the crate is the root of (not a repository that
/// merely contains it, such as a vendored copy), and the files to watch so a new commit or a
/// checkout rebuilds this, and nothing else does.
fn from_git(manifest_dir: &Path) -> Option<String> {
    let top = git(manifest_dir, &["rev-parse", "--show-toplevel"])?;
    if std::fs::canonicalize(&top).ok()? != std::fs::canonicalize(manifest_dir).ok()? {
        return None;
    }
    let git_dir = absolute(
        manifest_dir,
        &git(manifest_dir, &["rev-parse", "--git-dir"])?,
    );
    let common_dir = git(manifest_dir, &["rev-parse", "--git-common-dir"])
        .map_or_else(|| git_dir.clone(), |dir| absolute(manifest_dir, &dir));
    println!("cargo:rerun-if-changed={}", git_dir.join("HEAD").display());
    if let Some(reference) = git(manifest_dir, &["symbolic-ref", "-q", "HEAD"]) {
        // A branch: its loose ref, or packed-refs when git has packed it.
        let loose = common_dir.join(&reference);
        if loose.exists() {
            println!("cargo:rerun-if-changed={}", loose.display());
        }
        let packed = common_dir.join("packed-refs");
        if packed.exists() {
            println!("cargo:rerun-if-changed={}", packed.display());
        }
    }
    // Whether the sources are modified is asked again whenever they may have changed (an
    // edit, `git add`, a checkout). Only the binary's sources count: an edit elsewhere
    // (README) rebuilds nothing, so counting it would make the marker depend on build order.
    println!("cargo:rerun-if-changed={}", git_dir.join("index").display());
    for input in SOURCES {
        println!(
            "cargo:rerun-if-changed={}",
            manifest_dir.join(input).display()
        );
    }
    let line = git(
        manifest_dir,
        &["log", "-1", "--format=%h %cs", "--abbrev=7"],
    )?;
    let (hash, date) = line.split_once(' ')?;
    let hash: String = hash.chars().take(7).collect();
    if !is_hex(&hash) {
        return None;
    }
    // `git status` prints nothing when they are clean; untracked files do not count, as in
    // `git describe --dirty`.
    let mut status = vec!["status", "--porcelain", "--untracked-files=no", "--"];
    status.extend(SOURCES);
    let dirty = git(manifest_dir, &status).is_some();
    let marker = if dirty { "-dirty" } else { "" };
    Some(format!("{hash}{marker} {date}"))
}

/// `CONNECT_RULES_COMMIT`, as `HASH` or `HASH DATE`, the hash cut to 7 hex digits; ignored
/// (with a build warning) when it is not that.
fn from_env() -> Option<String> {
    let value = std::env::var("CONNECT_RULES_COMMIT").ok()?;
    let mut parts = value.split_whitespace();
    let hash: String = parts.next()?.chars().take(7).collect();
    let date = parts.next();
    if hash.len() < 7 || !is_hex(&hash) {
        println!("cargo:warning=CONNECT_RULES_COMMIT `{value}` does not start with a commit hash (7+ hex digits): ignored");
        return None;
    }
    Some(match date {
        Some(date) => format!("{hash} {date}"),
        None => hash,
    })
}

fn is_hex(text: &str) -> bool {
    !text.is_empty() && text.chars().all(|c| c.is_ascii_hexdigit())
}

fn absolute(base: &Path, path: &str) -> PathBuf {
    let path = PathBuf::from(path);
    if path.is_absolute() {
        path
    } else {
        base.join(path)
    }
}

/// git's trimmed stdout, or `None` when git is missing or fails.
fn git(dir: &Path, args: &[&str]) -> Option<String> {
    let output = Command::new("git")
        .arg("-C")
        .arg(dir)
        .args(args)
        .output()
        .ok()?;
    if !output.status.success() {
        return None;
    }
    let text = String::from_utf8(output.stdout).ok()?.trim().to_owned();
    (!text.is_empty()).then_some(text)
}
