//! Snapshots of what a run printed, with what changes from run to run filtered out.

// Test files that take no snapshot leave the macro unused.
#![allow(unused_macros)]

use std::path::Path;

/// `text` with every regex metacharacter escaped, for a filter that matches it literally.
pub fn regex_escape(text: &str) -> String {
    let mut out = String::new();
    for c in text.chars() {
        if "\\.+*?()|[]{}^$#&-~".contains(c) {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// The filters every end-to-end snapshot needs, in order: the project folder, rule ids, plan
/// ids and the emulator's address.
pub fn run_filters(project: &Path) -> Vec<(String, String)> {
    vec![
        (
            regex_escape(&project.display().to_string()),
            "[TMP]".to_owned(),
        ),
        (
            r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}".to_owned(),
            "[RULE_ID]".to_owned(),
        ),
        (r"\b[0-9a-f]{32}\b".to_owned(), "[PLAN_ID]".to_owned()),
        (r"127\.0\.0\.1:\d+".to_owned(), "[ENDPOINT]".to_owned()),
    ]
}

/// `insta::assert_snapshot!($name, $value)` with `$filters` (a `Vec` of regex and replacement)
/// and the test file's name in front of the snapshot's. A macro, not a function, so insta
/// names and places the snapshot after the test file that invokes it.
macro_rules! assert_filtered {
    ($filters:expr, $name:expr, $value:expr) => {{
        let filters: Vec<(String, String)> = $filters;
        let filters: Vec<(&str, &str)> = filters
            .iter()
            .map(|(a, b)| (a.as_str(), b.as_str()))
            .collect();
        insta::with_settings!({ filters => filters, prepend_module_to_snapshot => true }, {
            insta::assert_snapshot!($name, $value);
        });
    }};
}

pub(crate) use assert_filtered;
