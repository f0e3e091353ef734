//! Writing a file whole, so that neither a crash, a second process nor a planted link can make
//! it half-written or redirect it.
//!
//! The bytes go to a temporary file created exclusively (`O_CREAT | O_EXCL`, which never
//! follows a link) under an unpredictable name in the destination's folder, and that file is
//! renamed over the destination: a reader sees the old contents or the new. A destination
//! that is a symbolic link (or anything but a regular file) is refused, never written through
//! or replaced: someone who could plant it could point it anywhere.

use std::fs::{self, File, OpenOptions};
use std::io::{self, Write};
use std::path::{Path, PathBuf};

/// Whether a write must survive a power cut once it returns.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Durability {
    /// The file and the folder entry are flushed to disk before returning (state, exports).
    Synced,
    /// Left to the OS (caches: a lost entry only costs work next time).
    Buffered,
}

/// The suffix of every temporary file this module creates, so leftovers of a killed process
/// can be recognised (and only those removed).
pub const TEMP_SUFFIX: &str = ".tmp";

/// Reads a file this tool wrote itself (a cache entry) without trusting what is there now: a
/// link is not followed, a FIFO or device is refused without blocking, and more than `max`
/// bytes is an error instead of unbounded memory. Someone who can restore a cache folder can
/// plant any of these.
pub fn read_own_file(path: &Path, max: u64) -> io::Result<Vec<u8>> {
    use std::io::Read;
    let mut options = OpenOptions::new();
    options.read(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.custom_flags(libc::O_NOFOLLOW | libc::O_NONBLOCK);
    }
    let file = options.open(path)?;
    let meta = file.metadata()?;
    if !meta.is_file() {
        return Err(io::Error::other("not a regular file"));
    }
    let mut bytes = Vec::with_capacity(meta.len().min(max) as usize);
    file.take(max + 1).read_to_end(&mut bytes)?;
    if bytes.len() as u64 > max {
        return Err(io::Error::other(format!("larger than {max} bytes")));
    }
    Ok(bytes)
}

/// Writes `bytes` to `path` as described in the module docs.
pub fn write_file(path: &Path, bytes: &[u8], durability: Durability) -> io::Result<()> {
    write_with(path, bytes, durability, None)
}

/// [`write_file`] over an existing file, keeping its permissions (a rewritten file keeps its
/// mode, `0755` stays `0755`). A new file gets the default.
pub fn replace_file(path: &Path, bytes: &[u8], durability: Durability) -> io::Result<()> {
    refuse_link(path)?;
    let permissions = match fs::symlink_metadata(path) {
        Ok(meta) => Some(meta.permissions()),
        Err(err) if err.kind() == io::ErrorKind::NotFound => None,
        Err(err) => return Err(err),
    };
    write_with(path, bytes, durability, permissions)
}

/// Whether a file can be created in `dir` (as [`write_file`] creates its temporary file):
/// one is created and removed.
pub fn check_folder_writable(dir: &Path) -> io::Result<()> {
    let (temporary, file) = create_temporary(dir, &dir.join("probe"))?;
    drop(file);
    fs::remove_file(&temporary)
}

fn write_with(
    path: &Path,
    bytes: &[u8],
    durability: Durability,
    permissions: Option<fs::Permissions>,
) -> io::Result<()> {
    refuse_link(path)?;
    let dir = folder_of(path);
    let (temporary, mut file) = create_temporary(&dir, path)?;
    let written = file
        .write_all(bytes)
        .and_then(|()| permissions.map_or(Ok(()), |p| file.set_permissions(p)))
        .and_then(|()| match durability {
            Durability::Synced => file.sync_all(),
            Durability::Buffered => Ok(()),
        })
        .and_then(|()| {
            drop(file);
            fs::rename(&temporary, path)
        });
    if let Err(err) = written {
        let _ = fs::remove_file(&temporary);
        return Err(err);
    }
    match durability {
        Durability::Synced => sync_dir(&dir),
        Durability::Buffered => Ok(()),
    }
}

/// An error when `path` exists and is not a regular file: a symbolic link (even a dangling
/// one), a folder, a FIFO or a device.
pub fn refuse_link(path: &Path) -> io::Result<()> {
    match fs::symlink_metadata(path) {
        Ok(meta) if meta.file_type().is_symlink() => Err(io::Error::new(
            io::ErrorKind::InvalidInput,
            format!(
                "`{}` is a symbolic link; refusing to write through it (remove the link first)",
                path.display()
            ),
        )),
        Ok(meta) if !meta.is_file() => Err(io::Error::new(
            io::ErrorKind::InvalidInput,
            format!(
                "`{}` exists and is not a regular file; refusing to replace it",
                path.display()
            ),
        )),
        Ok(_) => Ok(()),
        Err(err) if err.kind() == io::ErrorKind::NotFound => Ok(()),
        Err(err) => Err(err),
    }
}

/// The file name a temporary file of [`write_file`] was made for, when `name` is one
/// (`.TARGET.<32 hex digits>.tmp`).
pub fn temporary_target(name: &str) -> Option<&str> {
    let inner = name.strip_prefix('.')?.strip_suffix(TEMP_SUFFIX)?;
    let (target, random) = inner.rsplit_once('.')?;
    (!target.is_empty() && random.len() == 32 && random.bytes().all(|b| b.is_ascii_hexdigit()))
        .then_some(target)
}

fn folder_of(path: &Path) -> PathBuf {
    match path.parent() {
        Some(dir) if !dir.as_os_str().is_empty() => dir.to_path_buf(),
        _ => PathBuf::from("."),
    }
}

/// A new file beside `path`, created exclusively under a name nobody can guess beforehand.
fn create_temporary(dir: &Path, path: &Path) -> io::Result<(PathBuf, File)> {
    let name = path
        .file_name()
        .map_or_else(|| "file".into(), |name| name.to_string_lossy().into_owned());
    let mut last = None;
    // A clash of 128 random bits means someone is guessing; a few tries and then an error.
    for _ in 0..4 {
        let temporary = dir.join(format!(
            ".{name}.{:032x}{TEMP_SUFFIX}",
            rand::random::<u128>()
        ));
        match OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&temporary)
        {
            Ok(file) => return Ok((temporary, file)),
            Err(err) if err.kind() == io::ErrorKind::AlreadyExists => last = Some(err),
            Err(err) => return Err(err),
        }
    }
    Err(last.unwrap_or_else(|| io::Error::other("no temporary file could be created")))
}

#[cfg(unix)]
fn sync_dir(dir: &Path) -> io::Result<()> {
    File::open(dir)?.sync_all()
}

#[cfg(not(unix))]
fn sync_dir(_dir: &Path) -> io::Result<()> {
    // Folders cannot be opened for syncing here; the rename is as durable as the OS makes it.
    Ok(())
}

#[cfg(test)]
mod tests {
    #[cfg(unix)]
    #[test]
    fn reading_an_own_file_never_follows_a_link_blocks_on_a_fifo_or_reads_past_the_cap() {
        let dir = tempfile::tempdir().unwrap();
        let real = dir.path().join("real.json");
        fs::write(&real, b"0123456789").unwrap();
        assert_eq!(read_own_file(&real, 10).unwrap(), b"0123456789");
        assert!(read_own_file(&real, 9).is_err(), "over the cap");
        let link = dir.path().join("link.json");
        std::os::unix::fs::symlink(&real, &link).unwrap();
        assert!(read_own_file(&link, 100).is_err(), "a link is not followed");
        let fifo = dir.path().join("fifo.json");
        let made = std::process::Command::new("mkfifo").arg(&fifo).status();
        if made.is_ok_and(|status| status.success()) {
            assert!(
                read_own_file(&fifo, 100).is_err(),
                "a FIFO is refused at once"
            );
        }
    }

    use super::*;

    fn names(dir: &Path) -> Vec<String> {
        let mut names: Vec<String> = fs::read_dir(dir)
            .unwrap()
            .map(|entry| entry.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        names
    }

    #[test]
    fn writes_and_replaces_without_leaving_temporary_files() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("a.yaml");
        write_file(&path, b"one", Durability::Synced).unwrap();
        write_file(&path, b"two", Durability::Buffered).unwrap();
        assert_eq!(fs::read(&path).unwrap(), b"two");
        assert_eq!(names(dir.path()), ["a.yaml"]);
    }

    #[cfg(unix)]
    #[test]
    fn a_link_at_the_destination_is_refused_and_its_target_untouched() {
        let dir = tempfile::tempdir().unwrap();
        let outside = tempfile::tempdir().unwrap();
        let victim = outside.path().join("victim");
        fs::write(&victim, b"precious").unwrap();
        let path = dir.path().join("a.yaml");
        std::os::unix::fs::symlink(&victim, &path).unwrap();
        let err = write_file(&path, b"evil", Durability::Synced).unwrap_err();
        assert!(err.to_string().contains("symbolic link"), "{err}");
        assert_eq!(fs::read(&victim).unwrap(), b"precious");
        assert!(fs::symlink_metadata(&path)
            .unwrap()
            .file_type()
            .is_symlink());
        // A dangling link is refused too: writing through it would create its target.
        let dangling = dir.path().join("b.yaml");
        std::os::unix::fs::symlink(outside.path().join("new"), &dangling).unwrap();
        assert!(write_file(&dangling, b"evil", Durability::Synced).is_err());
        assert!(!outside.path().join("new").exists());
    }

    #[cfg(unix)]
    #[test]
    fn a_replaced_file_keeps_its_mode_and_a_folder_check_leaves_nothing() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("run.sh");
        fs::write(&path, b"one").unwrap();
        fs::set_permissions(&path, fs::Permissions::from_mode(0o750)).unwrap();
        replace_file(&path, b"two", Durability::Synced).unwrap();
        assert_eq!(fs::read(&path).unwrap(), b"two");
        let mode = fs::metadata(&path).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o750);
        check_folder_writable(dir.path()).unwrap();
        assert_eq!(names(dir.path()), ["run.sh"]);
        assert!(check_folder_writable(&dir.path().join("missing")).is_err());
    }

    #[test]
    fn temporary_names_are_recognised_exactly() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("r1.json");
        let (temporary, _file) = create_temporary(dir.path(), &path).unwrap();
        let name = temporary
            .file_name()
            .unwrap()
            .to_string_lossy()
            .into_owned();
        assert_eq!(temporary_target(&name), Some("r1.json"), "{name}");
        assert_eq!(temporary_target(".r1.json.tmp"), None);
        assert_eq!(temporary_target("notes.txt"), None);
        assert_eq!(temporary_target(".r1.json.0123.tmp"), None);
    }
}
