//! `export --update`: which rule files have changes git has not committed. A file edited but
//! not applied differs from the instance just as one edited in the console does; rewriting
//! it from the instance would lose the edit, so such files are refused unless `--force`.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

/// What git says about the files.
#[derive(Debug, PartialEq, Eq)]
pub(super) enum GitStatus {
    /// The files (of those asked about) with uncommitted changes: modified, staged, or not
    /// tracked at all.
    Checked(Vec<PathBuf>),
    /// Git could not tell, and why (as a clause: "git is not installed").
    Unknown(String),
}

/// Asks git about `paths`, from each file's own folder: a rules folder may be a repository of
/// its own (a submodule, or `--rules` in another repository), which the config's folder's
/// repository knows nothing of. `base` (the config's folder) stands for files with no folder.
pub(super) fn uncommitted(base: &Path, paths: &[PathBuf]) -> GitStatus {
    let mut by_folder: std::collections::BTreeMap<PathBuf, Vec<PathBuf>> =
        std::collections::BTreeMap::new();
    for path in paths {
        let folder = path
            .parent()
            .filter(|folder| !folder.as_os_str().is_empty())
            .unwrap_or(base);
        by_folder
            .entry(folder.to_path_buf())
            .or_default()
            .push(path.clone());
    }
    let mut changed = Vec::new();
    let mut unknown = None;
    for (folder, paths) in &by_folder {
        match uncommitted_in(folder, paths) {
            GitStatus::Checked(found) => changed.extend(found),
            GitStatus::Unknown(why) => unknown = unknown.or(Some(why)),
        }
    }
    // A file git could not tell about is said once; one it knows is changed is refused anyway.
    match unknown {
        Some(why) if changed.is_empty() => GitStatus::Unknown(why),
        // In the order asked.
        _ => GitStatus::Checked(
            paths
                .iter()
                .filter(|path| changed.contains(path))
                .cloned()
                .collect(),
        ),
    }
}

/// [`uncommitted`] for files in one folder, asked from `base`.
fn uncommitted_in(base: &Path, paths: &[PathBuf]) -> GitStatus {
    let dir = if base.as_os_str().is_empty() {
        Path::new(".")
    } else {
        base
    };
    let toplevel = match git(dir, &["rev-parse", "--show-toplevel"]) {
        Ok(out) => PathBuf::from(String::from_utf8_lossy(&out).trim_end_matches(['\n', '\r'])),
        Err(why) => return GitStatus::Unknown(why),
    };
    let absolute: Vec<PathBuf> = paths.iter().map(|path| absolute(path)).collect();
    let mut args: Vec<&std::ffi::OsStr> =
        ["status", "--porcelain", "-z", "--untracked-files=all", "--"]
            .iter()
            .map(std::ffi::OsStr::new)
            .collect();
    args.extend(absolute.iter().map(|path| path.as_os_str()));
    let out = match git(dir, &args) {
        Ok(out) => out,
        Err(why) => return GitStatus::Unknown(why),
    };
    let listed: Vec<PathBuf> = listed_paths(&out)
        .into_iter()
        .map(|relative| canonical(&toplevel.join(relative)))
        .collect();
    GitStatus::Checked(
        paths
            .iter()
            .zip(&absolute)
            .filter(|(_, abs)| listed.contains(&canonical(abs)))
            .map(|(path, _)| path.clone())
            .collect(),
    )
}

/// The paths of `git status --porcelain -z` output (relative to the repository's top), the
/// origin of a rename or copy left out.
fn listed_paths(out: &[u8]) -> Vec<String> {
    let mut paths = Vec::new();
    let mut fields = out.split(|&b| b == 0).filter(|field| !field.is_empty());
    while let Some(field) = fields.next() {
        if field.len() < 4 {
            continue;
        }
        let (status, path) = field.split_at(3);
        paths.push(String::from_utf8_lossy(path).into_owned());
        if status.contains(&b'R') || status.contains(&b'C') {
            fields.next();
        }
    }
    paths
}

fn git<S: AsRef<std::ffi::OsStr>>(dir: &Path, args: &[S]) -> Result<Vec<u8>, String> {
    let output = Command::new("git")
        .args(args)
        .current_dir(dir)
        .stdin(Stdio::null())
        .output()
        .map_err(|err| {
            if err.kind() == std::io::ErrorKind::NotFound {
                "git is not installed".to_owned()
            } else {
                format!("git could not be run: {err}")
            }
        })?;
    if output.status.success() {
        return Ok(output.stdout);
    }
    let stderr = String::from_utf8_lossy(&output.stderr);
    if stderr.contains("not a git repository") {
        return Err(format!("`{}` is not in a git repository", dir.display()));
    }
    Err(format!("git said: {}", stderr.trim()))
}

fn absolute(path: &Path) -> PathBuf {
    std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf())
}

fn canonical(path: &Path) -> PathBuf {
    path.canonicalize().unwrap_or_else(|_| path.to_path_buf())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn porcelain_paths_are_read_and_a_renames_origin_skipped() {
        let out = b" M rules/a.yaml\0R  rules/new.yaml\0rules/old.yaml\0?? rules/odd name.yaml\0";
        assert_eq!(
            listed_paths(out),
            ["rules/a.yaml", "rules/new.yaml", "rules/odd name.yaml"]
        );
    }

    fn git_in(dir: &Path, args: &[&str]) {
        let status = Command::new("git")
            .args(args)
            .current_dir(dir)
            .stdout(Stdio::null())
            .status()
            .expect("git runs");
        assert!(status.success(), "git {args:?}");
    }

    #[test]
    fn modified_staged_and_untracked_files_are_found_and_committed_ones_not() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        assert!(matches!(
            uncommitted(root, &[root.join("a.yaml")]),
            GitStatus::Unknown(why) if why.contains("not in a git repository")
        ));
        git_in(root, &["init", "-q"]);
        git_in(root, &["config", "user.email", "t@example.com"]);
        git_in(root, &["config", "user.name", "T"]);
        std::fs::create_dir(root.join("rules")).unwrap();
        for name in ["clean", "modified", "staged"] {
            std::fs::write(root.join(format!("rules/{name}.yaml")), "Name: x\n").unwrap();
        }
        git_in(root, &["add", "."]);
        git_in(root, &["commit", "-q", "-m", "rules"]);
        std::fs::write(root.join("rules/modified.yaml"), "Name: y\n").unwrap();
        std::fs::write(root.join("rules/staged.yaml"), "Name: y\n").unwrap();
        git_in(root, &["add", "rules/staged.yaml"]);
        std::fs::write(root.join("rules/new.yaml"), "Name: n\n").unwrap();
        let paths: Vec<PathBuf> = ["clean", "modified", "staged", "new"]
            .iter()
            .map(|name| root.join(format!("rules/{name}.yaml")))
            .collect();
        // Asked from a subfolder, as a config there would be.
        let found = uncommitted(&root.join("rules"), &paths);
        assert_eq!(found, GitStatus::Checked(paths[1..].to_vec()));
    }

    #[test]
    fn a_rules_folder_that_is_a_repository_of_its_own_is_asked_itself() {
        let dir = tempfile::tempdir().unwrap();
        let project = dir.path().join("project");
        let rules = dir.path().join("rules-repo");
        for repo in [&project, &rules] {
            std::fs::create_dir(repo).unwrap();
            git_in(repo, &["init", "-q"]);
            git_in(repo, &["config", "user.email", "t@example.com"]);
            git_in(repo, &["config", "user.name", "T"]);
        }
        std::fs::write(rules.join("r.yaml"), "Name: x\n").unwrap();
        git_in(&rules, &["add", "."]);
        git_in(&rules, &["commit", "-q", "-m", "rules"]);
        std::fs::write(rules.join("r.yaml"), "Name: edited\n").unwrap();
        assert_eq!(
            uncommitted(&project, &[rules.join("r.yaml")]),
            GitStatus::Checked(vec![rules.join("r.yaml")])
        );
    }
}
