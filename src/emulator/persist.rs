//! Loads and saves the state file; saves are atomic so a kill leaves the old or the new state.

use std::fs::{self, File};
use std::io::{self, Write};
use std::path::Path;

use anyhow::{bail, Context};

use super::state::{State, FORMAT_VERSION};

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

/// Writes `state` to `path` atomically: a temporary file in the same folder, flushed to disk,
/// renamed over `path`, and the folder flushed so the rename itself survives a crash.
pub fn save(path: &Path, state: &State) -> io::Result<()> {
    let dir = match path.parent() {
        Some(dir) if !dir.as_os_str().is_empty() => dir,
        _ => Path::new("."),
    };
    fs::create_dir_all(dir)?;
    let file_name = path.file_name().map_or_else(
        || "state".into(),
        |name| name.to_string_lossy().into_owned(),
    );
    let temp = dir.join(format!(
        ".{file_name}.{}.{:016x}.tmp",
        std::process::id(),
        rand::random::<u64>()
    ));
    let written = write_synced(&temp, state).and_then(|()| fs::rename(&temp, path));
    if let Err(err) = written {
        let _ = fs::remove_file(&temp);
        return Err(err);
    }
    sync_dir(dir)
}

fn write_synced(path: &Path, state: &State) -> io::Result<()> {
    let mut file = File::create(path)?;
    let bytes = serde_json::to_vec_pretty(state).map_err(io::Error::other)?;
    file.write_all(&bytes)?;
    file.write_all(b"\n")?;
    file.sync_all()
}

#[cfg(unix)]
fn sync_dir(dir: &Path) -> io::Result<()> {
    File::open(dir)?.sync_all()
}

#[cfg(not(unix))]
fn sync_dir(_dir: &Path) -> io::Result<()> {
    // Directories cannot be opened for syncing here; the rename is as durable as the OS makes it.
    Ok(())
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
