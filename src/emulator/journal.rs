//! The journal of a state file: the changes made since the state file was last written, one
//! line each, appended and flushed to disk before the change is answered.
//!
//! A line is `CHECKSUM JSON\n`, the checksum being the first 16 hex digits of the JSON's
//! SHA-256. A kill mid-append leaves a last line without its line break or with a wrong
//! checksum: that torn tail is ignored on load (and cut off before the next append), so the
//! state is the one before the change that was never answered. A damaged line followed by
//! good ones is not a torn tail but a damaged file, and an error.

use std::fs::{self, File, OpenOptions};
use std::io::{self, Write};
use std::path::{Path, PathBuf};

use anyhow::bail;

use super::state::Change;

/// The journal of `state`: `STATE.journal`.
pub fn journal_path(state: &Path) -> PathBuf {
    let mut name = state
        .file_name()
        .map_or_else(|| "state".into(), std::ffi::OsStr::to_os_string);
    name.push(".journal");
    state.with_file_name(name)
}

/// What a journal holds: its changes in order, and how many of its bytes are whole lines.
#[derive(Debug, Default)]
pub struct Read {
    /// The changes, oldest first.
    pub changes: Vec<Change>,
    /// The length of the part that holds them; anything after it is a torn tail.
    pub valid_len: u64,
}

/// Reads the journal at `path`; a missing journal is an empty one.
pub fn read(path: &Path) -> anyhow::Result<Read> {
    let bytes = match fs::read(path) {
        Ok(bytes) => bytes,
        Err(err) if err.kind() == io::ErrorKind::NotFound => return Ok(Read::default()),
        Err(err) => bail!("failed to read the journal `{}`: {err}", path.display()),
    };
    let mut read = Read::default();
    let mut rest = bytes.as_slice();
    let mut line_number = 0;
    while let Some(end) = rest.iter().position(|b| *b == b'\n') {
        line_number += 1;
        let line = &rest[..end];
        rest = &rest[end + 1..];
        match parse_line(line) {
            Some(change) => {
                read.changes.push(change);
                read.valid_len += end as u64 + 1;
            }
            // The last line, torn by a kill during its write: never answered, so dropped.
            None if rest.is_empty() => break,
            None => bail!(
                "the journal `{}` is damaged at line {line_number} (more changes follow it, so this is not an interrupted write)\n  hint: restore the state from a backup, or move the state file and its journal away to start with an empty state",
                path.display()
            ),
        }
    }
    Ok(read)
}

fn parse_line(line: &[u8]) -> Option<Change> {
    let (checksum, json) = (line.get(..16)?, line.get(17..)?);
    if line.get(16) != Some(&b' ') || checksum != checksum_of(json).as_bytes() {
        return None;
    }
    serde_json::from_slice(json).ok()
}

fn checksum_of(json: &[u8]) -> String {
    crate::digest::sha256_hex(json)[..16].to_owned()
}

/// The journal, open for appending.
#[derive(Debug)]
pub struct Journal {
    path: PathBuf,
    file: Option<File>,
    /// Changes in the file since it was last emptied.
    entries: usize,
}

impl Journal {
    /// The journal at `path`, whose first `valid_len` bytes hold `entries` changes; a torn
    /// tail after them is cut off now, so the next change starts on a line of its own.
    pub fn open(path: PathBuf, valid_len: u64, entries: usize) -> io::Result<Self> {
        let file = if entries > 0 || fs::symlink_metadata(&path).is_ok() {
            crate::safe_write::refuse_link(&path)?;
            let file = OpenOptions::new().append(true).open(&path)?;
            if file.metadata()?.len() != valid_len {
                file.set_len(valid_len)?;
                file.sync_all()?;
            }
            Some(file)
        } else {
            None
        };
        Ok(Journal {
            path,
            file,
            entries,
        })
    }

    /// How many changes the journal holds.
    pub fn entries(&self) -> usize {
        self.entries
    }

    /// Appends `changes` as one write and flushes it to disk.
    pub fn append(&mut self, changes: &[Change]) -> io::Result<()> {
        let mut bytes = Vec::new();
        for change in changes {
            let json = serde_json::to_vec(change).map_err(io::Error::other)?;
            bytes.extend_from_slice(checksum_of(&json).as_bytes());
            bytes.push(b' ');
            bytes.extend_from_slice(&json);
            bytes.push(b'\n');
        }
        if self.file.is_none() {
            crate::safe_write::refuse_link(&self.path)?;
            let opened = OpenOptions::new()
                .create(true)
                .append(true)
                .open(&self.path)?;
            self.file = Some(opened);
        }
        let Some(file) = self.file.as_mut() else {
            return Err(io::Error::other("the journal is not open"));
        };
        let before = file.metadata()?.len();
        let written = file.write_all(&bytes).and_then(|()| file.sync_data());
        if let Err(err) = written {
            // Take back a partial line, so the journal never holds a change nobody was told
            // about; if even that fails, the checksum makes it a torn tail on load.
            let _ = file.set_len(before);
            return Err(err);
        }
        self.entries += changes.len();
        Ok(())
    }

    /// Empties the journal (its changes are in the state file now).
    pub fn clear(&mut self) -> io::Result<()> {
        if let Some(file) = &self.file {
            file.set_len(0)?;
            file.sync_all()?;
        }
        self.entries = 0;
        Ok(())
    }

    /// Removes the empty journal file (at a clean close).
    pub fn remove(&mut self) -> io::Result<()> {
        if self.entries == 0 && self.file.take().is_some() {
            fs::remove_file(&self.path)?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn change(rule_id: &str) -> Change {
        Change::DeleteRule {
            instance: "i-1".to_owned(),
            rule_id: rule_id.to_owned(),
        }
    }

    #[test]
    fn appended_changes_come_back_and_a_torn_tail_is_dropped_and_cut() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("state.json.journal");
        let mut journal = Journal::open(path.clone(), 0, 0).unwrap();
        journal.append(&[change("a"), change("b")]).unwrap();
        let whole = fs::read(&path).unwrap();
        // A kill at every byte of a third change: the first two always survive, whole.
        let third = {
            journal.append(&[change("c")]).unwrap();
            fs::read(&path).unwrap()
        };
        for cut in whole.len()..third.len() {
            fs::write(&path, &third[..cut]).unwrap();
            let read = read(&path).unwrap();
            assert_eq!(read.changes, [change("a"), change("b")], "cut at {cut}");
            assert_eq!(read.valid_len, whole.len() as u64);
        }
        fs::write(&path, &third[..third.len() - 3]).unwrap();
        let torn = read(&path).unwrap();
        let mut reopened = Journal::open(path.clone(), torn.valid_len, 2).unwrap();
        reopened.append(&[change("d")]).unwrap();
        assert_eq!(
            read(&path).unwrap().changes,
            [change("a"), change("b"), change("d")]
        );
    }

    #[test]
    fn a_damaged_line_before_good_ones_is_an_error() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("state.json.journal");
        let mut journal = Journal::open(path.clone(), 0, 0).unwrap();
        journal.append(&[change("a"), change("b")]).unwrap();
        let mut bytes = fs::read(&path).unwrap();
        bytes[20] ^= 1;
        fs::write(&path, &bytes).unwrap();
        let err = read(&path).unwrap_err().to_string();
        assert!(err.contains("damaged at line 1"), "{err}");
    }
}
