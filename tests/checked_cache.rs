//! The check cache: files unchanged since they passed clean are read back instead of parsed
//! and checked again. What matters is that it never changes an outcome: the same rules as a
//! full check, every finding still reported, and any change to a file, a variable or the
//! policy checked afresh.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use connect_rules::cache::checks::CheckedCache;
use connect_rules::load::{load_rules, load_rules_cached, LoadedRules};
use connect_rules::validate::FunctionPolicy;

/// The variables of the example rules as they were before they named resources
/// (`tests/fixtures/example-rules-with-variables`): rules that use references are never cached,
/// so the cache is tested on rules that use variables.
fn example_variables() -> BTreeMap<String, String> {
    [
        ("retention_queue_id", "7a1c0d2e-0000-4000-8000-00000000a11e"),
        ("callback_flow_id", "11111111-2222-3333-4444-555555555555"),
        (
            "billing_task_flow_id",
            "66666666-7777-8888-9999-000000000000",
        ),
        ("salesforce_integration_id", "local-salesforce-integration"),
        ("key_account_id", "001KEYACCOUNT"),
        ("quality_form_id", "local-quality-form"),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_owned(), v.to_owned()))
    .collect()
}

struct Project {
    dir: tempfile::TempDir,
}

impl Project {
    /// A copy of the example rules that use variables, so tests can edit files.
    fn examples() -> Self {
        let dir = tempfile::tempdir().unwrap();
        copy_tree(
            Path::new("tests/fixtures/example-rules-with-variables"),
            &dir.path().join("rules"),
        );
        Project { dir }
    }

    fn rules(&self) -> PathBuf {
        self.dir.path().join("rules")
    }

    fn cache_root(&self) -> PathBuf {
        self.dir.path().join(".connect-rules/cache")
    }

    fn load(&self, variables: &BTreeMap<String, String>, policy: &FunctionPolicy) -> LoadedRules {
        let cache = CheckedCache::open(&self.cache_root(), "local", variables, policy)
            .expect("the test binary can be identified");
        load_rules_cached(&self.rules(), variables, policy, Some(&cache))
    }
}

fn copy_tree(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_tree(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), target).unwrap();
        }
    }
}

/// Findings as text, with the temporary folder taken out.
fn findings(loaded: &LoadedRules, project: &Project) -> Vec<String> {
    let root = project.dir.path().display().to_string();
    loaded
        .diagnostics
        .iter()
        .map(|d| d.to_string().replace(&root, "<project>"))
        .collect()
}

#[test]
fn a_warm_load_gives_exactly_the_rules_of_a_full_check() {
    let project = Project::examples();
    let variables = example_variables();
    let policy = FunctionPolicy::default();
    let full = load_rules(&project.rules(), &variables, &policy);
    assert!(!full.has_errors(), "{:?}", full.diagnostics);
    assert!(full.files >= 5);

    let cold = project.load(&variables, &policy);
    assert_eq!(cold.from_cache, 0);
    let warm = project.load(&variables, &policy);
    assert_eq!(warm.from_cache, full.files, "every clean file comes back");
    // Field for field, positions and paths included: the cache round-trips the rule model.
    assert_eq!(warm.rules, full.rules);
    assert_eq!(cold.rules, full.rules);
    assert_eq!(findings(&warm, &project), findings(&full, &project));
}

#[test]
fn a_file_broken_after_it_was_cached_is_reported() {
    let project = Project::examples();
    let variables = example_variables();
    let policy = FunctionPolicy::default();
    project.load(&variables, &policy);

    let file = project.rules().join("chat/refund-request.yaml");
    let text = std::fs::read_to_string(&file).unwrap();
    std::fs::write(
        &file,
        text.replace("PublishStatus: PUBLISHED", "PublishStatus: LIVE"),
    )
    .unwrap();
    let broken = project.load(&variables, &policy);
    assert!(broken.has_errors());
    assert_eq!(broken.from_cache, broken.files - 1);
    let found = findings(&broken, &project).join("\n");
    assert!(found.contains("refund-request.yaml"), "{found}");
    assert!(found.contains("LIVE"), "{found}");

    // Put back, it is clean again, and checked rather than trusted from before the edit.
    std::fs::write(&file, text).unwrap();
    let mended = project.load(&variables, &policy);
    assert!(!mended.has_errors());
}

#[test]
fn other_variables_or_another_policy_check_afresh() {
    let project = Project::examples();
    let variables = example_variables();
    let policy = FunctionPolicy::default();
    project.load(&variables, &policy);

    let mut other = variables.clone();
    other.insert("callback_flow_id".into(), "new-flow".into());
    let reloaded = project.load(&other, &policy);
    assert_eq!(reloaded.from_cache, 0);
    assert_eq!(
        reloaded.rules,
        load_rules(&project.rules(), &other, &policy).rules,
        "the new value is in the rules, not the cached old one"
    );
    assert!(format!("{:?}", reloaded.rules).contains("new-flow"));

    // A variable removed: the files that use it are errors again, not cached rules.
    let mut missing = variables.clone();
    missing.remove("callback_flow_id");
    let without = project.load(&missing, &policy);
    assert!(without.has_errors());
    assert!(findings(&without, &project)
        .join("\n")
        .contains("callback_flow_id"));

    let strict = FunctionPolicy {
        strict: true,
        allowed_conditions: Vec::new(),
    };
    assert_eq!(project.load(&variables, &strict).from_cache, 0);
}

#[test]
fn files_with_warnings_are_never_cached_so_their_warnings_repeat() {
    let project = Project::examples();
    let variables = example_variables();
    let policy = FunctionPolicy::default();
    // A condition the catalogue does not list is a warning (an error only under --strict).
    let file = project.rules().join("chat/refund-request.yaml");
    let text = std::fs::read_to_string(&file).unwrap();
    let unlisted = text.replacen("$.ContactLens.", "$.ContactLens.Unlisted", 1);
    assert_ne!(unlisted, text, "the example has a condition to change");
    std::fs::write(&file, unlisted).unwrap();

    let first = project.load(&variables, &policy);
    let second = project.load(&variables, &policy);
    assert!(!first.diagnostics.is_empty(), "the edit gives a warning");
    assert!(!second.has_errors());
    assert_eq!(findings(&second, &project), findings(&first, &project));
    assert_eq!(second.from_cache, second.files - 1);
}

#[test]
fn numbers_come_back_from_the_cache_to_the_last_bit() {
    // Found in review: JSON read without exact float parsing turned 1e-30 into
    // 9.999999999999999e-31, so a warm plan would have sent another value than a full check.
    let project = Project::examples();
    let values = ["1e-30", "123456789.12345679", "0.1", "-2.5e300", "3"];
    let mut fields = String::new();
    for (i, value) in values.iter().enumerate() {
        writeln!(fields, "        - Id: f{i}\n          Value:").unwrap();
        writeln!(fields, "            DoubleValue: {value}").unwrap();
    }
    std::fs::write(
        project.rules().join("numbers.yaml"),
        format!(
            "Name: numbers\nTriggerEventSource:\n  EventSourceName: OnPostCallAnalysisAvailable\nFunction: '{{\"Version\":\"2022-11-25\",\"RuleFunction\":{{\"Operator\":\"AND\",\"Operands\":[{{\"Operator\":\"CONTAINS_ANY\",\"Operands\":[\"refund\"],\"ComparisonValue\":\"$.ContactLens.PostCall.ExactMatch.Transcript\",\"Negate\":false}}]}}}}'\nPublishStatus: PUBLISHED\nActions:\n  - ActionType: UPDATE_CASE\n    UpdateCaseAction:\n      Fields:\n{fields}"
        ),
    )
    .unwrap();
    let variables = example_variables();
    let policy = FunctionPolicy::default();
    let full = load_rules(&project.rules(), &variables, &policy);
    assert!(!full.has_errors(), "{:?}", full.diagnostics);
    project.load(&variables, &policy);
    let warm = project.load(&variables, &policy);
    assert_eq!(warm.from_cache, full.files);
    assert_eq!(warm.rules, full.rules);
}
