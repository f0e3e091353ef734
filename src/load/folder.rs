//! Loading a rules folder, the whole way: list, read, parse, check, with the check cache in
//! front of parsing and checking. Every command that reads rule files, and the tests and
//! benches, come in here.

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};

use crate::cache::checks::{CheckedCache, Key};
use crate::diagnostic::Diagnostic;
use crate::model::DesiredRule;
use crate::validate::{collect, validate_source, FunctionPolicy, Validated};

use super::{list_rule_files, parse_rule_file, read_rule_file};

/// The rules of a folder with what was found in them.
#[derive(Debug)]
pub struct LoadedRules {
    /// Valid rules, sorted by name.
    pub rules: Vec<DesiredRule>,
    /// Every finding.
    pub diagnostics: Vec<Diagnostic>,
    /// How many files were read.
    pub files: usize,
    /// How many of them were taken from the check cache, unchanged since they passed clean.
    pub from_cache: usize,
}

impl LoadedRules {
    /// Whether any finding is an error.
    pub fn has_errors(&self) -> bool {
        self.diagnostics.iter().any(Diagnostic::is_error)
    }
}

/// Reads, parses and validates every rule file under `dir`.
pub fn load_rules(
    dir: &Path,
    variables: &BTreeMap<String, String>,
    policy: &FunctionPolicy,
) -> LoadedRules {
    load_rules_cached(dir, variables, policy, None)
}

/// [`load_rules`], taking the rule of each file that passed clean before from `cache`, and
/// storing the files that pass clean now.
///
/// Each file goes from disk to a checked rule on one thread, with the files spread over the
/// cores: reading overlaps parsing, and nothing waits for the slowest half. Only the check
/// that names are unique looks across files, once all are done; it runs on cached rules too.
pub fn load_rules_cached(
    dir: &Path,
    variables: &BTreeMap<String, String>,
    policy: &FunctionPolicy,
    cache: Option<&CheckedCache>,
) -> LoadedRules {
    let (paths, skipped) = match list_rule_files(dir) {
        Ok(listed) => listed,
        Err(diagnostic) => {
            return LoadedRules {
                rules: Vec::new(),
                diagnostics: vec![diagnostic],
                files: 0,
                from_cache: 0,
            }
        }
    };
    let files = paths.len();
    let checked = crate::parallel::map(paths, |path| {
        let file = match read_rule_file(path) {
            Ok(file) => file,
            Err(unreadable) => return (None, vec![unreadable], None, false),
        };
        let key = cache.map(|cache| cache.key(&file));
        let cached = cache
            .zip(key.as_ref())
            .and_then(|(cache, key)| cache.get(key));
        // The path is part of the key; checking it again costs nothing.
        if let Some(rule) = cached.filter(|rule| rule.path == file.path) {
            return (Some(rule), Vec::new(), key, true);
        }
        let (rule, found) = match parse_rule_file(&file, variables) {
            Ok(source) => validate_source(source, policy),
            Err(found) => (None, found),
        };
        (rule, found, key, false)
    });
    let mut from_cache = 0;
    let mut clean_keys: HashMap<PathBuf, Key> = HashMap::new();
    let mut outcomes = Vec::with_capacity(checked.len());
    for (rule, found, key, hit) in checked {
        from_cache += usize::from(hit);
        if let (Some(rule), Some(key), true) = (&rule, key, found.is_empty()) {
            clean_keys.insert(rule.path.clone(), key);
        }
        outcomes.push((rule, found));
    }
    let Validated {
        rules,
        mut diagnostics,
    } = collect(outcomes);
    diagnostics.extend(skipped);
    if let Some(cache) = cache {
        let clean: Vec<(Key, &DesiredRule)> = rules
            .iter()
            .filter_map(|rule| Some((*clean_keys.get(&rule.path)?, rule)))
            .collect();
        cache.save(&clean, from_cache);
    }
    if files == 0 {
        diagnostics.push(
            Diagnostic::warning(dir, None, "no rule files (`*.yaml`, `*.yml`) found")
                .with_hint("add rule files, or pass their folder with `--rules DIR`"),
        );
    }
    LoadedRules {
        rules,
        diagnostics,
        files,
        from_cache,
    }
}
