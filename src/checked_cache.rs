//! The check cache: rule files that were read, parsed and validated without a single finding,
//! stored under a digest of everything that check depends on, so a plan over thousands of
//! unchanged files reads their rules back instead of parsing and checking each again.
//!
//! The digest covers the build of the tool (version, and the size and time of its executable,
//! so a rebuilt binary with new checks starts afresh), the target's variables, the Function
//! policy, and the file's path and bytes. Anything else that changes gives another digest,
//! and the file is checked as if there were no cache. Files with any finding, warnings
//! included, are never stored: every finding is printed on every run.
//!
//! One file per target (`.connect-rules/cache/<target>/checked-rules`), written only when its
//! contents change; a damaged file or entry is ignored and rewritten.

use std::collections::{BTreeMap, HashMap};
use std::ops::Range;
use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};

use crate::load::RuleFile;
use crate::validate::{DesiredRule, FunctionPolicy};

/// The first line of the file; a file that does not start with it is ignored. The rest is one
/// line per file, `<digest in hex> <rule as JSON>`, so an entry is parsed only when a file
/// asks for it, on whichever thread checks that file.
const HEADER: &[u8] = b"connect-rules checked-cache 1\n";

/// A file's digest in its context.
pub type Key = [u8; 32];

/// One target's check cache.
#[derive(Debug)]
pub struct CheckedCache {
    file: PathBuf,
    /// Digest of the tool build, the variables and the policy: the part of every key that is
    /// the same for all files of a run.
    context: Key,
    /// The cache file as read.
    stored: Vec<u8>,
    /// Where each entry's JSON is in `stored`.
    entries: HashMap<Key, Range<usize>>,
}

/// Identifies the running build: version, and the executable's size and modification time.
/// `None` when the executable cannot be inspected; then nothing is cached.
fn build_identity() -> Option<String> {
    let exe = std::env::current_exe().ok()?;
    let meta = std::fs::metadata(exe).ok()?;
    let modified = meta
        .modified()
        .ok()?
        .duration_since(std::time::UNIX_EPOCH)
        .ok()?;
    Some(format!(
        "{} {} {}",
        env!("CARGO_PKG_VERSION"),
        meta.len(),
        modified.as_nanos()
    ))
}

/// A file-name-safe form of a target name.
fn safe(text: &str) -> String {
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

/// Where each entry is: `<64 hex digits> <json>` per line after the header. Lines that do not
/// have that shape are skipped; an entry whose JSON is damaged is found out when it is read.
fn index(stored: &[u8]) -> HashMap<Key, Range<usize>> {
    let mut entries = HashMap::new();
    let Some(body) = stored.strip_prefix(HEADER) else {
        return entries;
    };
    let mut start = HEADER.len();
    for line in body.split(|byte| *byte == b'\n') {
        let end = start + line.len();
        if let (Some(key), Some(b' ')) = (line.get(..64).and_then(parse_hex), line.get(64)) {
            entries.insert(key, start + 65..end);
        }
        start = end + 1;
    }
    entries
}

fn parse_hex(text: &[u8]) -> Option<Key> {
    let mut key = [0; 32];
    for (byte, pair) in key.iter_mut().zip(text.chunks_exact(2)) {
        let digits = std::str::from_utf8(pair).ok()?;
        *byte = u8::from_str_radix(digits, 16).ok()?;
    }
    Some(key)
}

impl CheckedCache {
    /// The cache of target `target` under `root` (`.connect-rules/cache`), for files checked
    /// with `variables` and `policy`. `None` when the build cannot be identified.
    pub fn open(
        root: &Path,
        target: &str,
        variables: &BTreeMap<String, String>,
        policy: &FunctionPolicy,
    ) -> Option<Self> {
        let build = build_identity()?;
        Some(Self::with_build(root, target, &build, variables, policy))
    }

    fn with_build(
        root: &Path,
        target: &str,
        build: &str,
        variables: &BTreeMap<String, String>,
        policy: &FunctionPolicy,
    ) -> Self {
        let mut context = Sha256::new();
        context.update(b"connect-rules checked-cache\0");
        context.update(build.as_bytes());
        context.update(b"\0variables\0");
        for (name, value) in variables {
            // Lengths first, so no two different maps feed the same bytes.
            context.update((name.len() as u64).to_le_bytes());
            context.update(name.as_bytes());
            context.update((value.len() as u64).to_le_bytes());
            context.update(value.as_bytes());
        }
        context.update(b"\0policy\0");
        context.update([u8::from(policy.strict)]);
        for glob in &policy.allowed_conditions {
            context.update((glob.len() as u64).to_le_bytes());
            context.update(glob.as_bytes());
        }
        let file = root.join(safe(target)).join("checked-rules");
        let stored = std::fs::read(&file).unwrap_or_default();
        let entries = index(&stored);
        CheckedCache {
            file,
            context: context.finalize().into(),
            stored,
            entries,
        }
    }

    /// The digest of `file` in this cache's context.
    pub fn key(&self, file: &RuleFile) -> Key {
        let path = file.path.to_string_lossy();
        let mut key = Sha256::new();
        key.update(self.context);
        key.update((path.len() as u64).to_le_bytes());
        key.update(path.as_bytes());
        key.update(&file.bytes);
        key.finalize().into()
    }

    /// The rule stored for `key`, if its file passed clean before (and the entry is intact).
    pub fn get(&self, key: &Key) -> Option<DesiredRule> {
        let range = self.entries.get(key)?;
        serde_json::from_slice(self.stored.get(range.clone())?).ok()
    }

    /// Stores the rules of the files that passed clean this run, by digest, in place of the
    /// old contents (so files that are gone or changed drop out). `hits` says how many of them
    /// were read from this cache: when that is all of them and the cache holds nothing else,
    /// the file is left as it is. A failure to write only costs a full check next time.
    pub fn save(&self, clean: &[(Key, &DesiredRule)], hits: usize) {
        if hits == clean.len() && self.entries.len() == clean.len() {
            return;
        }
        let mut bytes = HEADER.to_vec();
        for (key, rule) in clean {
            bytes.extend_from_slice(crate::digest::hex(key).as_bytes());
            bytes.push(b' ');
            // JSON text never holds a raw line break, so one entry stays one line.
            if serde_json::to_writer(&mut bytes, rule).is_err() {
                return;
            }
            bytes.push(b'\n');
        }
        let Some(dir) = self.file.parent() else {
            return;
        };
        if std::fs::create_dir_all(dir).is_err() {
            return;
        }
        let temporary = self
            .file
            .with_extension(format!("tmp-{}", std::process::id()));
        if std::fs::write(&temporary, bytes).is_ok()
            && std::fs::rename(&temporary, &self.file).is_err()
        {
            let _ = std::fs::remove_file(&temporary);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::node::Pos;

    fn file(path: &str, text: &str) -> RuleFile {
        RuleFile {
            path: PathBuf::from(path),
            bytes: text.as_bytes().to_vec(),
        }
    }

    fn cache(root: &Path, build: &str, variables: &[(&str, &str)], strict: bool) -> CheckedCache {
        let variables = variables
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect();
        let policy = FunctionPolicy {
            strict,
            allowed_conditions: Vec::new(),
        };
        CheckedCache::with_build(root, "prod", build, &variables, &policy)
    }

    fn desired(name: &str) -> DesiredRule {
        DesiredRule {
            rule: crate::model::Rule::test(name),
            path: PathBuf::from(format!("rules/{name}.yaml")),
            name_pos: Pos { line: 1, col: 7 },
        }
    }

    #[test]
    fn the_key_changes_with_everything_a_check_depends_on() {
        let root = tempfile::tempdir().unwrap();
        let base = cache(root.path(), "0.1.0 1 1", &[("flow", "f1")], false);
        let a = file("rules/a.yaml", "Name: a\n");
        let key = base.key(&a);
        assert_eq!(key, base.key(&a.clone()), "the same input, the same key");
        let others = [
            base.key(&file("rules/a.yaml", "Name: a \n")),
            base.key(&file("rules/b.yaml", "Name: a\n")),
            cache(root.path(), "0.1.0 1 2", &[("flow", "f1")], false).key(&a),
            cache(root.path(), "0.1.0 1 1", &[("flow", "f2")], false).key(&a),
            cache(
                root.path(),
                "0.1.0 1 1",
                &[("flow", "f1"), ("x", "")],
                false,
            )
            .key(&a),
            cache(root.path(), "0.1.0 1 1", &[("flow", "f1")], true).key(&a),
        ];
        for other in others {
            assert_ne!(other, key);
        }
        // Lengths are part of the digest: moving a character between name and value differs.
        assert_ne!(
            cache(root.path(), "b", &[("ab", "c")], false).key(&a),
            cache(root.path(), "b", &[("a", "bc")], false).key(&a)
        );
    }

    const K1: Key = [1; 32];
    const K2: Key = [2; 32];

    #[test]
    fn saved_rules_come_back_and_vanished_files_drop_out() {
        let root = tempfile::tempdir().unwrap();
        let (a, b) = (desired("a"), desired("b"));
        let first = cache(root.path(), "b", &[], false);
        assert_eq!(first.get(&K1), None);
        first.save(&[(K1, &a), (K2, &b)], 0);

        let second = cache(root.path(), "b", &[], false);
        assert_eq!(second.get(&K1), Some(desired("a")));
        assert_eq!(second.get(&K2), Some(desired("b")));
        second.save(&[(K1, &a)], 1);

        let third = cache(root.path(), "b", &[], false);
        assert_eq!(third.get(&K1), Some(desired("a")));
        assert_eq!(third.get(&K2), None, "a file no longer clean is forgotten");
    }

    #[test]
    fn damaged_files_and_entries_are_ignored_and_rewritten() {
        let root = tempfile::tempdir().unwrap();
        let path = root.path().join("prod").join("checked-rules");
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        let k1 = crate::digest::hex(&K1);
        let damaged: [Vec<u8>; 4] = [
            b"{not the format".to_vec(),
            format!("connect-rules checked-cache 0\n{k1} {{}}\n").into_bytes(),
            format!("connect-rules checked-cache 1\n{k1} {{\"rule\": tru\n").into_bytes(),
            format!("connect-rules checked-cache 1\n{} {{}}\nxyz\n", &k1[..60]).into_bytes(),
        ];
        for junk in damaged {
            std::fs::write(&path, &junk).unwrap();
            let opened = cache(root.path(), "b", &[], false);
            assert_eq!(opened.get(&K1), None, "{}", String::from_utf8_lossy(&junk));
            // The file's one clean rule was checked afresh, not read: it is written back.
            opened.save(&[(K1, &desired("a"))], 0);
            assert_eq!(
                cache(root.path(), "b", &[], false).get(&K1),
                Some(desired("a"))
            );
            std::fs::remove_file(&path).unwrap();
        }
    }

    #[test]
    fn an_unchanged_cache_is_not_rewritten() {
        let root = tempfile::tempdir().unwrap();
        cache(root.path(), "b", &[], false).save(&[(K1, &desired("a"))], 0);
        let path = root.path().join("prod").join("checked-rules");
        // Mark the file; a rewrite would replace the mark.
        let mut bytes = std::fs::read(&path).unwrap();
        bytes.extend_from_slice(b"# mark\n");
        std::fs::write(&path, &bytes).unwrap();
        let again = cache(root.path(), "b", &[], false);
        assert_eq!(again.get(&K1), Some(desired("a")));
        again.save(&[(K1, &desired("a"))], 1);
        assert_eq!(std::fs::read(&path).unwrap(), bytes);
    }
}
