//! The cross-process lock of a state file: one process at a time serves (and writes) a local
//! instance, so two runs never each rewrite the state from their own copy.
//!
//! The lock is an OS file lock (`flock`) on `STATE.lock` beside the state file, held for as
//! long as the store is open; the OS releases it when the process ends, however it ends, so a
//! killed run never leaves a stale lock. The file's text says who holds it (pid, command,
//! since when) for the message a waiting process prints; the text is only information, the
//! lock is the OS's. The lock file is never deleted: a process waiting on a deleted file
//! would hold a lock nobody else sees.

use std::fs::{File, OpenOptions, TryLockError};
use std::io::{Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use anyhow::{bail, Context};

/// How often a waiting process tries the lock again.
const POLL: Duration = Duration::from_millis(50);

/// A held lock; dropping it releases the lock.
#[derive(Debug)]
pub struct StateLock {
    _file: File,
}

/// The lock file of `state`: `STATE.lock`.
pub fn lock_path(state: &Path) -> PathBuf {
    let mut name = state
        .file_name()
        .map_or_else(|| "state".into(), std::ffi::OsStr::to_os_string);
    name.push(".lock");
    state.with_file_name(name)
}

impl StateLock {
    /// Takes the lock of `state`, waiting up to `timeout` while another process holds it;
    /// `on_wait` is called once, with who holds it, when the wait begins.
    pub fn acquire(
        state: &Path,
        timeout: Duration,
        on_wait: impl FnOnce(&str),
    ) -> anyhow::Result<Self> {
        let path = lock_path(state);
        let mut file = open_no_follow(&path).with_context(|| {
            format!(
                "failed to open the lock file `{}` of the local instance",
                path.display()
            )
        })?;
        let started = Instant::now();
        let mut on_wait = Some(on_wait);
        loop {
            match file.try_lock() {
                Ok(()) => break,
                Err(TryLockError::WouldBlock) => {}
                Err(TryLockError::Error(err)) => {
                    return Err(err)
                        .with_context(|| format!("failed to lock `{}`", path.display()));
                }
            }
            let holder = holder(&mut file);
            if let Some(on_wait) = on_wait.take() {
                on_wait(&holder);
            }
            if started.elapsed() >= timeout {
                bail!(
                    "the local instance `{}` is in use by {holder}; gave up after waiting {} s; nothing was changed\n  hint: wait for that run to finish and try again (set CONNECT_RULES_LOCK_TIMEOUT=SECONDS to wait longer)",
                    state.display(),
                    timeout.as_secs()
                );
            }
            std::thread::sleep(POLL);
        }
        // Who holds it now, for the next process's message. Best effort: the lock is what counts.
        let since = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0, |elapsed| elapsed.as_secs());
        let command = std::env::args()
            .take(2)
            .map(|arg| {
                Path::new(&arg)
                    .file_name()
                    .map_or(arg.clone(), |name| name.to_string_lossy().into_owned())
            })
            .collect::<Vec<_>>()
            .join(" ");
        let text = format!(
            "pid {} ({command}) since {} UTC\n",
            std::process::id(),
            utc(since)
        );
        let _ = file
            .set_len(0)
            .and_then(|()| file.seek(SeekFrom::Start(0)))
            .and_then(|_| file.write_all(text.as_bytes()));
        Ok(StateLock { _file: file })
    }
}

/// Who holds the lock, from the lock file's text (a single line, at most 200 characters).
fn holder(file: &mut File) -> String {
    let mut text = String::new();
    let read = file
        .seek(SeekFrom::Start(0))
        .and_then(|_| file.take(512).read_to_string(&mut text));
    let line = text.lines().next().unwrap_or_default();
    let printable = !line.is_empty() && line.chars().all(|c| !c.is_control()) && read.is_ok();
    if printable {
        line.chars().take(200).collect()
    } else {
        "another process (it has not said which yet)".to_owned()
    }
}

/// Opens (creating) the lock file, refusing a symbolic link in its place: the holder's text
/// is written into it, and a link planted there would have it written anywhere.
fn open_no_follow(path: &Path) -> std::io::Result<File> {
    let mut options = OpenOptions::new();
    options.read(true).write(true).create(true).truncate(false);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.custom_flags(libc::O_NOFOLLOW);
    }
    options.open(path).map_err(|err| {
        let linked = std::fs::symlink_metadata(path).is_ok_and(|m| m.file_type().is_symlink());
        if linked {
            std::io::Error::new(
                std::io::ErrorKind::InvalidInput,
                "it is a symbolic link; remove it (the lock file is a plain file)",
            )
        } else {
            err
        }
    })
}

/// `YYYY-MM-DD HH:MM:SS` for epoch seconds (civil-from-days, proleptic Gregorian).
fn utc(epoch_seconds: u64) -> String {
    let days = i64::try_from(epoch_seconds / 86_400).unwrap_or(0);
    let seconds = epoch_seconds % 86_400;
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1_460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!(
        "{year:04}-{month:02}-{day:02} {:02}:{:02}:{:02}",
        seconds / 3_600,
        seconds % 3_600 / 60,
        seconds % 60
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_are_civil_utc() {
        assert_eq!(utc(0), "1970-01-01 00:00:00");
        assert_eq!(utc(951_825_600), "2000-02-29 12:00:00");
        assert_eq!(utc(1_795_000_000), "2026-11-18 11:06:40");
    }

    #[test]
    fn a_second_holder_waits_and_then_fails_naming_the_first() {
        let dir = tempfile::tempdir().unwrap();
        let state = dir.path().join("state.json");
        let held = StateLock::acquire(&state, Duration::ZERO, |_| panic!("free")).unwrap();
        let mut waited = String::new();
        let err = StateLock::acquire(&state, Duration::from_millis(120), |holder| {
            waited = holder.to_owned();
        })
        .unwrap_err()
        .to_string();
        let me = format!("pid {}", std::process::id());
        assert!(waited.starts_with(&me), "{waited}");
        assert!(err.contains(&me) && err.contains("since"), "{err}");
        drop(held);
        StateLock::acquire(&state, Duration::ZERO, |_| panic!("free again")).unwrap();
    }

    #[cfg(unix)]
    #[test]
    fn a_link_in_place_of_the_lock_file_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let victim = dir.path().join("victim");
        std::fs::write(&victim, "precious").unwrap();
        let state = dir.path().join("state.json");
        std::os::unix::fs::symlink(&victim, lock_path(&state)).unwrap();
        let err = format!(
            "{:#}",
            StateLock::acquire(&state, Duration::ZERO, |_| {}).unwrap_err()
        );
        assert!(err.contains("symbolic link"), "{err}");
        assert_eq!(std::fs::read_to_string(&victim).unwrap(), "precious");
    }
}
