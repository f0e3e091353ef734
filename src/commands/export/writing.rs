//! `export --update`: the rewritten files go to disk all or none. Every file is checked
//! before the first is written (a plain file, not read-only, in a folder a file can be created
//! in); a write that still fails halfway names the files already rewritten.

use std::collections::BTreeSet;
use std::fmt::Write as _;
use std::io;
use std::path::{Path, PathBuf};

use crate::error::UserError;

use super::path_lines;

/// Refuses, before anything is written, a path that is a link or not a regular file, a
/// read-only file, or one in a folder that is read-only or where no file can be created.
pub(super) fn check_writable(paths: &[PathBuf]) -> Result<(), UserError> {
    let linked: Vec<PathBuf> = paths
        .iter()
        .filter(|path| crate::safe_write::refuse_link(path).is_err())
        .cloned()
        .collect();
    if !linked.is_empty() {
        return Err(UserError::new(format!(
            "these rule files are symbolic links or not regular files; nothing was written:{}",
            path_lines(&linked)
        ))
        .with_hint(
            "replace each link with the file it points to, then run `export --update` again",
        ));
    }
    let read_only: Vec<PathBuf> = paths
        .iter()
        .filter(|path| std::fs::metadata(path).is_ok_and(|meta| meta.permissions().readonly()))
        .cloned()
        .collect();
    if !read_only.is_empty() {
        return Err(UserError::new(format!(
            "these rule files are read-only; nothing was written:{}",
            path_lines(&read_only)
        ))
        .with_hint(
            "make them writable (`chmod u+w FILE`) if they should take the instance's rules, or \
             leave their rules out with `--only`",
        ));
    }
    let folders: BTreeSet<PathBuf> = paths.iter().map(|path| folder_of(path)).collect();
    let mut blocked = String::new();
    for folder in &folders {
        let why = if std::fs::metadata(folder).is_ok_and(|meta| meta.permissions().readonly()) {
            Some("the folder is read-only".to_owned())
        } else {
            crate::safe_write::check_folder_writable(folder)
                .err()
                .map(|err| format!("no file can be created in it: {err}"))
        };
        if let Some(why) = why {
            let _ = write!(blocked, "\n  {}: {why}", folder.display());
        }
    }
    if !blocked.is_empty() {
        return Err(UserError::new(format!(
            "rule files in these folders cannot be rewritten (each is written to a new file \
             beside it, then renamed over it); nothing was written:{blocked}"
        ))
        .with_hint("make the folders writable, or leave their rules out with `--only`"));
    }
    Ok(())
}

/// Writes each file with `write`, in order; when one fails, the error names it and the files
/// already rewritten.
pub(super) fn write_all<'a>(
    files: impl IntoIterator<Item = (&'a Path, &'a [u8])>,
    mut write: impl FnMut(&Path, &[u8]) -> io::Result<()>,
) -> Result<(), UserError> {
    let mut written: Vec<PathBuf> = Vec::new();
    for (path, bytes) in files {
        if let Err(err) = write(path, bytes) {
            let done = if written.is_empty() {
                "nothing was written".to_owned()
            } else {
                format!(
                    "these files were already rewritten:{}",
                    path_lines(&written)
                )
            };
            return Err(UserError::new(format!(
                "failed to write `{}`: {err}; {done}",
                path.display()
            ))
            .with_hint(
                "fix the cause and run `export --update` again: the files already rewritten \
                 are left as they are (`git diff` shows them)",
            ));
        }
        written.push(path.to_path_buf());
    }
    Ok(())
}

fn folder_of(path: &Path) -> PathBuf {
    match path.parent() {
        Some(dir) if !dir.as_os_str().is_empty() => dir.to_path_buf(),
        _ => PathBuf::from("."),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_write_failing_halfway_names_the_files_already_rewritten() {
        let files = [
            (Path::new("rules/a.yaml"), &b"a"[..]),
            (Path::new("rules/b.yaml"), &b"b"[..]),
            (Path::new("rules/c.yaml"), &b"c"[..]),
        ];
        let mut calls = Vec::new();
        let err = write_all(files, |path, _| {
            calls.push(path.to_path_buf());
            if path.ends_with("b.yaml") {
                Err(io::Error::other("disk full"))
            } else {
                Ok(())
            }
        })
        .expect_err("b fails");
        assert_eq!(calls.len(), 2, "nothing after the failure is written");
        assert_eq!(
            err.message,
            "failed to write `rules/b.yaml`: disk full; these files were already rewritten:\n  rules/a.yaml"
        );
        let err = write_all(files, |_, _| Err(io::Error::other("disk full"))).expect_err("a");
        assert!(
            err.message.ends_with("; nothing was written"),
            "{}",
            err.message
        );
    }

    #[cfg(unix)]
    #[test]
    fn read_only_files_and_folders_are_refused_before_anything_is_written() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let open = dir.path().join("open");
        let locked = dir.path().join("locked");
        std::fs::create_dir(&open).unwrap();
        std::fs::create_dir(&locked).unwrap();
        let fine = open.join("a.yaml");
        let read_only = open.join("b.yaml");
        let in_locked = locked.join("c.yaml");
        for path in [&fine, &read_only, &in_locked] {
            std::fs::write(path, "Name: x\n").unwrap();
        }
        assert!(check_writable(&[fine.clone(), in_locked.clone()]).is_ok());
        std::fs::set_permissions(&read_only, std::fs::Permissions::from_mode(0o444)).unwrap();
        let err = check_writable(&[fine.clone(), read_only.clone()]).expect_err("read-only");
        assert!(err.message.starts_with("these rule files are read-only"));
        assert!(err.message.contains("b.yaml"), "{}", err.message);
        std::fs::set_permissions(&locked, std::fs::Permissions::from_mode(0o555)).unwrap();
        let err = check_writable(&[fine, in_locked]).expect_err("folder");
        assert!(
            err.message.contains("locked: the folder is read-only"),
            "{}",
            err.message
        );
        std::fs::set_permissions(&locked, std::fs::Permissions::from_mode(0o755)).unwrap();
    }
}
