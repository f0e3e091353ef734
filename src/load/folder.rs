//! Loading a rules folder, the whole way: list, read, parse, check, with the check cache in
//! front of parsing and checking. Every command that reads rule files, and the tests and
//! benches, come in here.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::{Path, PathBuf};

use crate::cache::checks::{CheckedCache, Key};
use crate::diagnostic::Diagnostic;
use crate::model::DesiredRule;
use crate::reference::{Reference, Resolver, ResourceKind};
use crate::validate::{collect, validate_source, FunctionPolicy, Validated};

use super::{list_rule_files, parse_rule_file_resolved, read_rule_file, resolve_variables};

/// The rules of a folder with what was found in them.
#[derive(Debug)]
pub struct LoadedRules {
    /// Valid rules, sorted by name.
    pub rules: Vec<DesiredRule>,
    /// Every finding.
    pub diagnostics: Vec<Diagnostic>,
    /// How many files were read.
    pub files: usize,
    /// The rule files read, in the order listed.
    pub paths: Vec<PathBuf>,
    /// How many of them were taken from the check cache, unchanged since they passed clean.
    pub from_cache: usize,
    /// The kinds of resource the files (and the variables) name with `${KIND:NAME}`.
    pub resource_kinds: BTreeSet<ResourceKind>,
    /// Each reference resolved, with its id (empty offline).
    pub resolved: BTreeMap<Reference, String>,
}

impl LoadedRules {
    /// Whether any finding is an error.
    pub fn has_errors(&self) -> bool {
        self.diagnostics.iter().any(Diagnostic::is_error)
    }

    /// The findings of this load that `earlier` (a load of the same folder) did not have: what
    /// resolving references against an instance found, after the offline load.
    pub fn findings_beyond(&self, earlier: &LoadedRules) -> Vec<Diagnostic> {
        self.diagnostics
            .iter()
            .filter(|finding| !earlier.diagnostics.contains(finding))
            .cloned()
            .collect()
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
    load_rules_resolved(dir, variables, policy, cache, Resolver::Offline)
}

/// [`load_rules_cached`], with `${KIND:NAME}` references (in the files and in the variables'
/// values) resolved by `resolver`. A file that names a resource is never taken from or put in
/// the check cache: what it means depends on the instance, not only on its text.
pub fn load_rules_resolved(
    dir: &Path,
    variables: &BTreeMap<String, String>,
    policy: &FunctionPolicy,
    cache: Option<&CheckedCache>,
    resolver: Resolver<'_>,
) -> LoadedRules {
    let (variables, in_variables, variable_problems) = resolve_variables(variables, resolver);
    let variable_findings: Vec<Diagnostic> = variable_problems
        .into_iter()
        .map(|problem| {
            Diagnostic::error(
                Path::new(crate::config::CONFIG_FILE),
                None,
                format!("the variable `{}`: {}", problem.variable, problem.message),
            )
            .with_hint(problem.hint)
        })
        .collect();
    let variables = &variables;
    // A variable naming a resource means different ids on different instances, and the
    // cache's key holds only the variables' written values.
    let cache = cache.filter(|_| in_variables.kinds.is_empty());
    let (paths, skipped) = match list_rule_files(dir) {
        Ok(listed) => listed,
        Err(diagnostic) => {
            return LoadedRules {
                rules: Vec::new(),
                diagnostics: vec![diagnostic],
                files: 0,
                paths: Vec::new(),
                from_cache: 0,
                resource_kinds: BTreeSet::new(),
                resolved: BTreeMap::new(),
            }
        }
    };
    let files = paths.len();
    let listed = paths.clone();
    let checked = crate::parallel::map(paths, |path| {
        let file = match read_rule_file(path) {
            Ok(file) => file,
            Err(unreadable) => return (None, vec![unreadable], None, false, None),
        };
        let cache = cache.filter(|_| !names_resources(&file.bytes));
        let key = cache.map(|cache| cache.key(&file));
        let cached = cache
            .zip(key.as_ref())
            .and_then(|(cache, key)| cache.get(key));
        // The path is part of the key; checking it again costs nothing.
        if let Some(rule) = cached.filter(|rule| rule.path == file.path) {
            return (Some(rule), Vec::new(), key, true, None);
        }
        let (rule, found, references) = match parse_rule_file_resolved(&file, variables, resolver) {
            Ok((source, _, references)) => {
                let (rule, found) = validate_source(source, policy);
                (rule, found, Some(references))
            }
            Err(found) => (None, found, None),
        };
        (rule, found, key, false, references)
    });
    let mut resource_kinds = in_variables.kinds;
    let mut resolutions = in_variables.resolved;
    let mut from_cache = 0;
    let mut clean_keys: HashMap<PathBuf, Key> = HashMap::new();
    let mut outcomes = Vec::with_capacity(checked.len());
    for (rule, found, key, hit, references) in checked {
        from_cache += usize::from(hit);
        if let Some(references) = references {
            resource_kinds.extend(references.kinds);
            resolutions.extend(references.resolved);
        }
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
    diagnostics.extend(variable_findings);
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
        paths: listed,
        from_cache,
        resource_kinds,
        resolved: resolutions,
    }
}

/// Whether a file's text holds anything shaped like a `${KIND:NAME}` reference.
fn names_resources(bytes: &[u8]) -> bool {
    bytes.windows(2).any(|window| window == b"${")
        && !crate::reference::references_in(&String::from_utf8_lossy(bytes)).is_empty()
}
