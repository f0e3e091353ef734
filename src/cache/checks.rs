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
//! One file per target (`.connect-rules/cache/<target>/checked-rules-<digest of the name>`),
//! written only when what it should hold changes; a damaged entry is ignored (its file is
//! checked in full) and the file rewritten.
//!
//! The per-entry SHA-256 catches damage, not forgery: anyone who can write the cache folder can
//! recompute it. So the cache only speeds up `validate` and `plan`; `apply` never reads it and
//! sends only what the rule files' bytes say now.

use std::collections::{BTreeMap, HashMap};
use std::ops::Range;
use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};

use crate::load::RuleFile;
use crate::model::DesiredRule;
use crate::validate::FunctionPolicy;

use super::{target_folder, write_replacing};

/// The first line of the file; a file that does not start with it is ignored. The rest is one
/// line per file, `<key in hex> <SHA-256 of the JSON in hex> <rule as JSON>`, so an entry is
/// parsed only when a file asks for it, on whichever thread checks that file, and an entry
/// damaged on disk is noticed instead of trusted.
const HEADER: &[u8] = b"connect-rules checked-cache 2\n";

/// A file's digest in its context.
pub type Key = [u8; 32];

/// The largest check cache read back (thousands of rules fit in a few megabytes).
const MAX_CACHE_BYTES: u64 = 256 * 1024 * 1024;

/// One target's check cache.
#[derive(Debug)]
pub struct CheckedCache {
    file: PathBuf,
    /// Digest of the tool build, the variables and the policy: the part of every key that is
    /// the same for all files of a run.
    context: Key,
    /// The cache file as read.
    stored: Vec<u8>,
    /// Where each entry is in `stored`: the digest of its JSON, then the JSON.
    entries: HashMap<Key, (Key, Range<usize>)>,
}

/// Where each entry is. Lines that do not have the shape of an entry are skipped.
fn index(stored: &[u8]) -> HashMap<Key, (Key, Range<usize>)> {
    let mut entries = HashMap::new();
    let Some(body) = stored.strip_prefix(HEADER) else {
        return entries;
    };
    let mut start = HEADER.len();
    for line in body.split(|byte| *byte == b'\n') {
        let end = start + line.len();
        let key = line.get(..64).and_then(parse_hex);
        let digest = line.get(65..129).and_then(parse_hex);
        let spaced = line.get(64) == Some(&b' ') && line.get(129) == Some(&b' ');
        if let (Some(key), Some(digest), true) = (key, digest, spaced) {
            entries.insert(key, (digest, start + 130..end));
        }
        start = end + 1;
    }
    entries
}

fn parse_hex(text: &[u8]) -> Option<Key> {
    if text.len() != 64 || !text.iter().all(u8::is_ascii_hexdigit) {
        return None;
    }
    let mut key = [0; 32];
    for (byte, pair) in key.iter_mut().zip(text.chunks_exact(2)) {
        let digits = std::str::from_utf8(pair).ok()?;
        *byte = u8::from_str_radix(digits, 16).ok()?;
    }
    Some(key)
}

/// Identifies the running build: version, and the executable's size, modification time and,
/// on Unix, its change time, inode and device, which no copy that keeps times can preserve.
/// `None` when the executable cannot be inspected; then nothing is cached.
fn build_identity() -> Option<String> {
    let exe = std::env::current_exe().ok()?;
    let meta = std::fs::metadata(exe).ok()?;
    let modified = meta
        .modified()
        .ok()?
        .duration_since(std::time::UNIX_EPOCH)
        .ok()?;
    let mut identity = format!(
        "{} {} {}",
        env!("CARGO_PKG_VERSION"),
        meta.len(),
        modified.as_nanos()
    );
    #[cfg(unix)]
    {
        use std::fmt::Write as _;
        use std::os::unix::fs::MetadataExt;
        let _ = write!(
            identity,
            " {}.{} {} {}",
            meta.ctime(),
            meta.ctime_nsec(),
            meta.ino(),
            meta.dev()
        );
    }
    Some(identity)
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
        // The exact target name is in the file name: targets whose names differ only in
        // characters a file name cannot hold share a folder but not a file.
        let name_digest = crate::digest::sha256_hex(target.as_bytes());
        let file =
            target_folder(root, target).join(format!("checked-rules-{}", &name_digest[..16]));
        // A restored cache folder is not trusted: no links, FIFOs or unbounded reads.
        let stored = crate::safe_write::read_own_file(&file, MAX_CACHE_BYTES).unwrap_or_default();
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

    /// The rule stored for `key`, if its file passed clean before and the entry is intact.
    pub fn get(&self, key: &Key) -> Option<DesiredRule> {
        let (digest, range) = self.entries.get(key)?;
        let json = self.stored.get(range.clone())?;
        if Sha256::digest(json).as_slice() != digest {
            return None;
        }
        serde_json::from_slice(json).ok()
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
            // A rule that cannot be written as JSON (a path that is not UTF-8) is left out,
            // and its file is checked in full next time.
            let Ok(json) = serde_json::to_vec(rule) else {
                continue;
            };
            // JSON text never holds a raw line break, so one entry stays one line.
            bytes.extend_from_slice(crate::digest::hex(key).as_bytes());
            bytes.push(b' ');
            bytes.extend_from_slice(crate::digest::hex(&Sha256::digest(&json)).as_bytes());
            bytes.push(b' ');
            bytes.extend_from_slice(&json);
            bytes.push(b'\n');
        }
        let Some(dir) = self.file.parent() else {
            return;
        };
        if std::fs::create_dir_all(dir).is_ok() {
            write_replacing(&self.file, &bytes);
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
        let path = cache(root.path(), "b", &[], false).file;
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        let good = serde_json::to_vec(&desired("a")).unwrap();
        let digest = crate::digest::hex(&Sha256::digest(&good));
        let k1 = crate::digest::hex(&K1);
        let good = String::from_utf8(good).unwrap();
        let header = "connect-rules checked-cache 2";
        let damaged = [
            "{not the format".to_owned(),
            // Another version of the format.
            format!("connect-rules checked-cache 1\n{k1} {digest} {good}\n"),
            // Valid JSON, but not what was written: a flipped character in a value.
            format!(
                "{header}\n{k1} {digest} {}\n",
                good.replace("rules/a", "rules/b")
            ),
            // Cut short.
            format!("{header}\n{k1} {digest} {}\n", &good[..good.len() / 2]),
            // A key that is not 64 hex digits.
            format!("{header}\n{} {digest} {good}\n", &k1[..60]),
            format!("{header}\n+{} {digest} {good}\n", &k1[1..]),
        ];
        for junk in damaged {
            std::fs::write(&path, &junk).unwrap();
            let opened = cache(root.path(), "b", &[], false);
            assert_eq!(opened.get(&K1), None, "{junk}");
            // The file's one clean rule was checked afresh, not read: it is written back.
            opened.save(&[(K1, &desired("a"))], 0);
            assert_eq!(
                cache(root.path(), "b", &[], false).get(&K1),
                Some(desired("a"))
            );
            std::fs::remove_file(&path).unwrap();
        }
        // The intact entry reads back, so the cases above fail for the reason they name.
        std::fs::write(&path, format!("{header}\n{k1} {digest} {good}\n")).unwrap();
        assert_eq!(
            cache(root.path(), "b", &[], false).get(&K1),
            Some(desired("a"))
        );
    }

    #[test]
    fn an_unchanged_cache_is_not_rewritten() {
        let root = tempfile::tempdir().unwrap();
        cache(root.path(), "b", &[], false).save(&[(K1, &desired("a"))], 0);
        let path = cache(root.path(), "b", &[], false).file;
        // Mark the file; a rewrite would replace the mark.
        let mut bytes = std::fs::read(&path).unwrap();
        bytes.extend_from_slice(b"# mark\n");
        std::fs::write(&path, &bytes).unwrap();
        let again = cache(root.path(), "b", &[], false);
        assert_eq!(again.get(&K1), Some(desired("a")));
        again.save(&[(K1, &desired("a"))], 1);
        assert_eq!(std::fs::read(&path).unwrap(), bytes);
    }

    #[test]
    fn targets_whose_folder_names_clash_keep_separate_files() {
        let root = tempfile::tempdir().unwrap();
        let policy = FunctionPolicy::default();
        let variables = BTreeMap::new();
        let dotted = CheckedCache::with_build(root.path(), "prod.eu", "b", &variables, &policy);
        let underscored =
            CheckedCache::with_build(root.path(), "prod_eu", "b", &variables, &policy);
        assert_eq!(dotted.file.parent(), underscored.file.parent());
        assert_ne!(dotted.file, underscored.file);
    }
}
