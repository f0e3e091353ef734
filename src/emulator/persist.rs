//! The files of a persisted state: the state file (`STATE`, JSON), its journal of changes since
//! (`STATE.journal`) and its lock (`STATE.lock`).
//!
//! A store opens its state under the cross-process lock and keeps the lock until it closes, so
//! the state it reads is the latest and nobody else writes meanwhile. Each change is appended
//! to the journal and flushed before it is answered: its cost does not grow with the number of
//! rules. Once the journal holds more changes than the state has rules (and at close), the
//! state file is rewritten whole (a temporary file renamed over it) and the journal emptied.
//! A kill at any moment leaves the old or the new state, never a torn one.

use std::fs;
use std::io;
use std::path::{Path, PathBuf};
use std::time::Duration;

use anyhow::{bail, Context};

use super::journal::{self, Journal};
use super::state::{Change, State, FORMAT_VERSION};
use super::state_lock::StateLock;
use crate::safe_write::{write_file, Durability};

/// Journal entries below which the state file is not rewritten mid-run.
const MIN_COMPACTION: usize = 1024;

/// An open state file: its journal, and the lock held while it is open.
#[derive(Debug)]
pub struct Persisted {
    path: PathBuf,
    journal: Journal,
    _lock: StateLock,
}

/// Opens the state at `path` for one process: takes its lock (waiting up to `lock_timeout`,
/// calling `on_wait` with who holds it when a wait begins), reads the state file and replays
/// its journal. A journal left by a run that did not close is folded into the state file now,
/// and a missing state file is written (empty).
pub fn open(
    path: &Path,
    lock_timeout: Duration,
    on_wait: impl FnOnce(&str),
) -> anyhow::Result<(State, Persisted)> {
    let dir = match path.parent() {
        Some(dir) if !dir.as_os_str().is_empty() => dir,
        _ => Path::new("."),
    };
    fs::create_dir_all(dir)
        .with_context(|| format!("failed to create `{}` for the state file", dir.display()))?;
    let lock = StateLock::acquire(path, lock_timeout, on_wait)?;
    let mut state = load(path)?;
    let journal_path = journal::journal_path(path);
    let read = journal::read(&journal_path)?;
    let replayed = read.changes.len();
    for change in read.changes {
        state.apply(change);
    }
    let journal = Journal::open(journal_path.clone(), read.valid_len, replayed)
        .with_context(|| format!("failed to open the journal `{}`", journal_path.display()))?;
    let mut persisted = Persisted {
        path: path.to_path_buf(),
        journal,
        _lock: lock,
    };
    // Written at once when missing too: from here on the state file always exists beside its
    // journal, even if this process is killed before it writes anything else.
    if replayed > 0 || fs::symlink_metadata(path).is_err() {
        persisted
            .compact(&state)
            .with_context(|| format!("failed to write the state file `{}`", path.display()))?;
    }
    Ok((state, persisted))
}

impl Persisted {
    /// Records `changes` (already checked against `state`, not yet made) durably; `state`
    /// is rewritten whole now and then, so the journal stays shorter than the state.
    pub fn record(&mut self, state: &State, changes: &[Change]) -> io::Result<()> {
        self.journal.append(changes)?;
        if self.journal.entries() > MIN_COMPACTION.max(state.rule_count()) {
            let mut next = state.clone();
            for change in changes {
                next.apply(change.clone());
            }
            // The changes are durable in the journal already; a failed rewrite only means a
            // longer journal until the next one.
            let _ = self.compact(&next);
        }
        Ok(())
    }

    /// Writes `state` (which holds every journalled change) to the state file, then empties
    /// the journal. A kill between the two leaves changes that replay onto themselves.
    pub fn compact(&mut self, state: &State) -> io::Result<()> {
        save(&self.path, state)?;
        self.journal.clear()
    }

    /// Folds the journal into the state file and removes the journal, at a clean close.
    pub fn close(&mut self, state: &State) -> io::Result<()> {
        if self.journal.entries() > 0 {
            self.compact(state)?;
        }
        self.journal.remove()
    }
}

/// The state in `path`; a missing file is an empty state, anything unreadable is an error that
/// names the file (never a silent reset, which would lose the user's rules).
pub fn load(path: &Path) -> anyhow::Result<State> {
    let text = match fs::read_to_string(path) {
        Ok(text) => text,
        Err(err) if err.kind() == io::ErrorKind::NotFound => return Ok(State::default()),
        Err(err) => {
            return Err(err).with_context(|| {
                format!(
                    "failed to read the emulator state file `{}`",
                    path.display()
                )
            })
        }
    };
    let hint = "  hint: restore it from a backup, or move it away to start with an empty state";
    // The cause goes before the hint, so the hint is the last thing a reader sees.
    let json: serde_json::Value = serde_json::from_str(&text).map_err(|err| {
        anyhow::anyhow!(
            "the emulator state file `{}` is not valid JSON: {err}\n{hint}",
            path.display()
        )
    })?;
    let version = json
        .get("format_version")
        .and_then(serde_json::Value::as_u64);
    if version != Some(u64::from(FORMAT_VERSION)) {
        bail!(
            "the emulator state file `{}` has format_version {}, but this build reads {FORMAT_VERSION}\n{hint}",
            path.display(),
            version.map_or_else(|| "(missing)".to_owned(), |v| v.to_string()),
        );
    }
    serde_json::from_value(json).map_err(|err| {
        anyhow::anyhow!(
            "the emulator state file `{}` is not a valid connect-rules emulator state: {err}\n{hint}",
            path.display()
        )
    })
}

/// Writes `state` to `path` atomically and durably (see [`crate::safe_write`]): a kill leaves
/// the old or the new file; a link in place of the state file is refused.
pub fn save(path: &Path, state: &State) -> io::Result<()> {
    let dir = match path.parent() {
        Some(dir) if !dir.as_os_str().is_empty() => dir,
        _ => Path::new("."),
    };
    fs::create_dir_all(dir)?;
    let mut bytes = serde_json::to_vec_pretty(state).map_err(io::Error::other)?;
    bytes.push(b'\n');
    write_file(path, &bytes, Durability::Synced)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::emulator::state::InstanceState;

    #[test]
    fn a_missing_file_is_an_empty_state() {
        let dir = tempfile::tempdir().unwrap();
        assert_eq!(
            load(&dir.path().join("none.json")).unwrap(),
            State::default()
        );
    }

    #[test]
    fn saves_and_loads_without_leaving_temporary_files() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("nested/state.json");
        let mut state = State::default();
        state
            .instances
            .insert("i-1".to_owned(), InstanceState::default());
        save(&path, &state).unwrap();
        save(&path, &state).unwrap();
        assert_eq!(load(&path).unwrap(), state);
        let names: Vec<_> = fs::read_dir(path.parent().unwrap())
            .unwrap()
            .map(|entry| entry.unwrap().file_name())
            .collect();
        assert_eq!(names, ["state.json"]);
    }

    #[test]
    fn a_corrupt_or_foreign_file_is_an_error_naming_it() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("state.json");
        fs::write(&path, "{\"format_version\":1,\"instances\":").unwrap();
        let message = format!("{:#}", load(&path).unwrap_err());
        assert!(
            message.contains("state.json` is not valid JSON"),
            "{message}"
        );
        fs::write(&path, "{\"format_version\":2,\"instances\":{}}").unwrap();
        let message = format!("{:#}", load(&path).unwrap_err());
        assert!(message.contains("format_version 2"), "{message}");
        fs::write(&path, "{\"format_version\":1,\"instances\":[]}").unwrap();
        let message = format!("{:#}", load(&path).unwrap_err());
        assert!(
            message.contains("not a valid connect-rules emulator state"),
            "{message}"
        );
    }
}
