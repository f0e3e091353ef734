//! The describe cache: DescribeRule results on disk, keyed by instance, RuleId and
//! LastUpdatedTime, so a rule that has not changed since the last run is not described again.
//!
//! Safe by construction for everything UpdateRule can change, because each update moves
//! LastUpdatedTime. Tag changes made outside connect-rules (TagResource) may not move it, so
//! `apply` and `adopt` drop the entries of rules they touch, and `--no-cache` reads everything.
//! A corrupt or unreadable entry is ignored and rewritten.
//!
//! The cache folder can be written by others (a CI cache restored from another branch), so it
//! never decides a write: plans may show what it says, but apply describes every rule afresh
//! before changing or deleting it (`apply::guard`), and ownership is read from that answer.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::model::{epoch_millis as millis, LiveRule};

use super::{safe_name, target_folder, write_replacing};

/// The largest describe-cache entry read back: a rule's description is a few kilobytes, and
/// the service caps a Function at well under this.
const MAX_ENTRY_BYTES: u64 = 4 * 1024 * 1024;

/// The cache format; entries of another version are ignored.
const CACHE_VERSION: u32 = 1;

#[derive(Serialize, Deserialize)]
struct Entry {
    version: u32,
    instance_id: String,
    /// LastUpdatedTime in whole milliseconds: exact to compare.
    last_updated_millis: i64,
    rule: LiveRule,
}

/// One target's cache folder.
#[derive(Debug, Clone)]
pub struct DescribeCache {
    root: PathBuf,
    dir: PathBuf,
    instance_id: String,
}

/// Whether any of `paths` is a symbolic link: a cache folder someone replaced with a link
/// is neither written into nor pruned, as pruning it would delete files wherever it points.
fn any_linked<'a>(paths: impl IntoIterator<Item = &'a Path>) -> bool {
    paths
        .into_iter()
        .any(|path| std::fs::symlink_metadata(path).is_ok_and(|meta| meta.file_type().is_symlink()))
}

/// Whether `name` is a describe-cache entry's file name (`SAFE_ID.json`) or a temporary file
/// made while writing one: the only names pruning may remove.
fn is_entry_name(name: &str) -> bool {
    let name = crate::safe_write::temporary_target(name).unwrap_or(name);
    name.strip_suffix(".json").is_some_and(|id| {
        !id.is_empty()
            && id
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_'))
    })
}

/// The entries of a describe cache, read at once ([`DescribeCache::load_all`]).
#[derive(Debug, Default)]
pub struct CachedRules {
    by_id: std::collections::HashMap<String, (i64, LiveRule)>,
}

impl CachedRules {
    /// The cached rule for `rule_id` if it was stored for exactly this LastUpdatedTime.
    pub fn take(&mut self, rule_id: &str, last_updated_time: f64) -> Option<LiveRule> {
        let (stored_millis, _) = self.by_id.get(rule_id)?;
        if *stored_millis != millis(last_updated_time) {
            return None;
        }
        self.by_id.remove(rule_id).map(|(_, rule)| rule)
    }
}

impl DescribeCache {
    /// The cache for `instance_id` of target `target` under `root` (`.connect-rules/cache`).
    pub fn new(root: &Path, target: &str, instance_id: &str) -> Self {
        DescribeCache {
            root: root.to_path_buf(),
            dir: target_folder(root, target).join(safe_name(instance_id)),
            instance_id: instance_id.to_owned(),
        }
    }

    fn path(&self, rule_id: &str) -> PathBuf {
        self.dir.join(format!("{}.json", safe_name(rule_id)))
    }

    /// Every usable entry of this cache (this format, this instance, a file named for its rule),
    /// by RuleId; [`CachedRules::take`] then hands out those whose LastUpdatedTime still holds.
    /// Reading them all while the ListRules pages are on their way leaves nothing to read once
    /// the last page is in.
    pub fn load_all(&self) -> CachedRules {
        let Ok(listing) = std::fs::read_dir(&self.dir) else {
            return CachedRules::default();
        };
        let paths: Vec<PathBuf> = listing
            .flatten()
            .map(|entry| entry.path())
            .filter(|path| path.extension().is_some_and(|ext| ext == "json"))
            .collect();
        let entries = crate::parallel::map(paths, |path| {
            // A restored cache folder is not trusted: no links, FIFOs or giant files.
            let bytes = crate::safe_write::read_own_file(&path, MAX_ENTRY_BYTES).ok()?;
            let entry: Entry = serde_json::from_slice(&bytes).ok()?;
            let usable = entry.version == CACHE_VERSION
                && entry.instance_id == self.instance_id
                && path == self.path(&entry.rule.rule_id);
            usable.then(|| {
                (
                    entry.rule.rule_id.clone(),
                    (entry.last_updated_millis, entry.rule),
                )
            })
        });
        CachedRules {
            by_id: entries.into_iter().flatten().collect(),
        }
    }

    /// Stores a described rule; a failure to write only costs a describe next time.
    pub fn put(&self, rule: &LiveRule) {
        let entry = Entry {
            version: CACHE_VERSION,
            instance_id: self.instance_id.clone(),
            last_updated_millis: millis(rule.last_updated_time),
            rule: rule.clone(),
        };
        let Ok(bytes) = serde_json::to_vec(&entry) else {
            return;
        };
        if std::fs::create_dir_all(&self.dir).is_err() || self.linked() {
            return;
        }
        write_replacing(&self.path(&rule.rule_id), &bytes);
    }

    /// Forgets a rule (after apply or adopt changed it).
    pub fn forget(&self, rule_id: &str) {
        let _ = std::fs::remove_file(self.path(rule_id));
    }

    /// Whether the cache folder, or the target folder holding it, or the root is a link.
    fn linked(&self) -> bool {
        any_linked([
            self.dir.as_path(),
            self.dir.parent().unwrap_or(&self.dir),
            &self.root,
        ])
    }

    /// Removes entries of rules that are no longer listed, and temporary files of entries a
    /// killed run left. Only regular files with an entry's name are removed: anything else in
    /// the folder was not written by this cache and stays; links are never followed.
    pub fn prune(&self, listed: &[&str]) {
        if self.linked() {
            return;
        }
        let Ok(entries) = std::fs::read_dir(&self.dir) else {
            return;
        };
        let keep: std::collections::BTreeSet<String> = listed
            .iter()
            .map(|id| format!("{}.json", safe_name(id)))
            .collect();
        for entry in entries.flatten() {
            let name = entry.file_name().to_string_lossy().into_owned();
            // `DirEntry::file_type` does not follow links: a link is not a file here.
            let regular = entry.file_type().is_ok_and(|kind| kind.is_file());
            if regular && is_entry_name(&name) && !keep.contains(&name) {
                let _ = std::fs::remove_file(entry.path());
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Rule;

    /// The entry for `rule_id` if it was stored for exactly this LastUpdatedTime.
    fn get(cache: &DescribeCache, rule_id: &str, last_updated_time: f64) -> Option<LiveRule> {
        cache.load_all().take(rule_id, last_updated_time)
    }

    #[test]
    fn an_entry_is_used_only_for_the_same_last_updated_time() {
        let root = tempfile::tempdir().unwrap();
        let cache = DescribeCache::new(root.path(), "prod", "inst-1");
        let rule = Rule::test("a").live("r1");
        assert_eq!(get(&cache, "r1", rule.last_updated_time), None);
        cache.put(&rule);
        assert_eq!(
            get(&cache, "r1", rule.last_updated_time),
            Some(rule.clone())
        );
        assert_eq!(get(&cache, "r1", rule.last_updated_time + 0.001), None);
        let other_instance = DescribeCache::new(root.path(), "prod", "inst-2");
        assert_eq!(get(&other_instance, "r1", rule.last_updated_time), None);
        cache.forget("r1");
        assert_eq!(get(&cache, "r1", rule.last_updated_time), None);
    }

    #[test]
    fn all_entries_read_at_once_match_what_get_returns() {
        let root = tempfile::tempdir().unwrap();
        let cache = DescribeCache::new(root.path(), "prod", "inst-1");
        let a = Rule::test("a").live("r1");
        let b = Rule::test("b").live("r2");
        cache.put(&a);
        cache.put(&b);
        // A corrupt entry, and one of another instance written into this folder.
        std::fs::write(cache.path("r3"), b"{not json").unwrap();
        let other = DescribeCache::new(root.path(), "prod", "inst-2");
        other.put(&Rule::test("c").live("r4"));
        std::fs::copy(other.path("r4"), cache.path("r4")).unwrap();

        let mut all = cache.load_all();
        assert_eq!(all.take("r1", a.last_updated_time), Some(a.clone()));
        assert_eq!(all.take("r1", a.last_updated_time), None, "taken once");
        assert_eq!(all.take("r2", b.last_updated_time + 0.001), None);
        assert_eq!(all.take("r2", b.last_updated_time), Some(b));
        assert_eq!(all.take("r3", a.last_updated_time), None);
        assert_eq!(all.take("r4", a.last_updated_time), None);
        let missing = DescribeCache::new(root.path(), "prod", "no-such-instance");
        assert_eq!(missing.load_all().take("r1", a.last_updated_time), None);
    }

    #[test]
    fn corrupt_entries_are_ignored_and_rewritten() {
        let root = tempfile::tempdir().unwrap();
        let cache = DescribeCache::new(root.path(), "prod", "inst-1");
        let rule = Rule::test("a").live("r1");
        std::fs::create_dir_all(&cache.dir).unwrap();
        std::fs::write(cache.path("r1"), b"{not json").unwrap();
        assert_eq!(get(&cache, "r1", rule.last_updated_time), None);
        cache.put(&rule);
        assert_eq!(get(&cache, "r1", rule.last_updated_time), Some(rule));
    }

    #[test]
    fn prune_keeps_only_listed_rules_and_ids_cannot_escape_the_folder() {
        let root = tempfile::tempdir().unwrap();
        let cache = DescribeCache::new(root.path(), "../prod", "inst-1");
        assert!(cache.dir.starts_with(root.path()));
        cache.put(&Rule::test("a").live("r1"));
        cache.put(&Rule::test("b").live("r2"));
        cache.prune(&["r2"]);
        assert!(!cache.path("r1").exists());
        assert!(cache.path("r2").exists());
        assert!(cache.path("../../x").starts_with(&cache.dir));
    }

    #[test]
    fn prune_removes_only_what_the_cache_wrote_and_never_follows_links() {
        let root = tempfile::tempdir().unwrap();
        let cache = DescribeCache::new(root.path(), "t", "inst-1");
        cache.put(&Rule::test("a").live("r1"));
        cache.put(&Rule::test("b").live("r2"));
        let left = cache.dir.join(format!(".r9.json.{:032x}.tmp", 7));
        std::fs::write(&left, b"half").unwrap();
        std::fs::write(cache.dir.join("notes.txt"), b"mine").unwrap();
        std::fs::write(cache.dir.join("other.yaml.json.bak"), b"mine").unwrap();
        cache.prune(&["r2"]);
        assert!(!cache.path("r1").exists());
        assert!(!left.exists());
        assert!(cache.path("r2").exists());
        assert!(cache.dir.join("notes.txt").exists());
        assert!(cache.dir.join("other.yaml.json.bak").exists());

        #[cfg(unix)]
        {
            // A cache folder replaced by a link to somewhere else is left alone.
            let elsewhere = tempfile::tempdir().unwrap();
            let victim = elsewhere.path().join("r5.json");
            std::fs::write(&victim, b"precious").unwrap();
            let linked = DescribeCache::new(root.path(), "t", "inst-2");
            std::os::unix::fs::symlink(elsewhere.path(), &linked.dir).unwrap();
            linked.prune(&[]);
            linked.put(&Rule::test("c").live("r6"));
            assert!(victim.exists());
            assert!(!elsewhere.path().join("r6.json").exists());
            // A link inside the folder is not a file of the cache.
            let entry_link = cache.path("r7");
            std::os::unix::fs::symlink(&victim, &entry_link).unwrap();
            cache.prune(&["r2"]);
            assert!(victim.exists());
            assert!(std::fs::symlink_metadata(&entry_link).is_ok());
        }
    }
}
