//! The caches under `.connect-rules/cache/<target>/`: what a run may read back instead of
//! doing the work again. [`describe`] keeps DescribeRule answers, [`checks`] keeps the rules of
//! files that were checked clean. Both only save work: a cache never decides what is sent
//! or deleted, and a damaged or missing entry only costs the work it would have saved.

use std::path::{Path, PathBuf};

pub mod checks;
pub mod describe;

/// A file-name-safe form of any text.
fn safe_name(text: &str) -> String {
    text.chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '-' | '_') {
                c
            } else {
                '_'
            }
        })
        .collect()
}

/// The folder of target `target`'s caches under `root` (`.connect-rules/cache`). Targets whose
/// names differ only in characters a file name cannot hold share it.
fn target_folder(root: &Path, target: &str) -> PathBuf {
    root.join(safe_name(target))
}

/// Writes `bytes` to `path` through [`crate::safe_write`]: a reader sees the old contents or
/// the new, never half; a link at `path` is refused. Failures are ignored: a cache that cannot
/// be written only costs work next time.
fn write_replacing(path: &Path, bytes: &[u8]) {
    let _ = crate::safe_write::write_file(path, bytes, crate::safe_write::Durability::Buffered);
}
