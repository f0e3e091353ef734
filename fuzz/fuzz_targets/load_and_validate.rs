//! Arbitrary bytes as a rule file: loading (UTF-8, size, YAML with its alias, depth and tag
//! limits, variables) and validation must never panic or hang, and every finding must point
//! into the file it names.

#![no_main]

use std::collections::BTreeMap;
use std::path::PathBuf;

use connect_rules::load::{parse_rule_file, RuleFile};
use connect_rules::validate::validate;
use libfuzzer_sys::fuzz_target;

/// Lines in `bytes` as YAML counts them (LF, CRLF and a lone CR each end one).
fn line_count(bytes: &[u8]) -> usize {
    let mut lines = 1;
    for (index, byte) in bytes.iter().enumerate() {
        match byte {
            b'\n' => lines += 1,
            b'\r' if bytes.get(index + 1) != Some(&b'\n') => lines += 1,
            _ => {}
        }
    }
    lines
}

fuzz_target!(|bytes: &[u8]| {
    let path = PathBuf::from("rules/fuzz.yaml");
    let file = RuleFile {
        path: path.clone(),
        bytes: bytes.to_vec(),
    };
    // One defined variable, so both substitution and the undefined-variable path run.
    let variables = BTreeMap::from([("flow".to_owned(), "flow-1".to_owned())]);
    let diagnostics = match parse_rule_file(&file, &variables) {
        Ok(source) => {
            let validated = validate(vec![source]);
            assert!(
                validated.rules.len() <= 1,
                "one file gives at most one rule"
            );
            assert_eq!(
                validated.rules.is_empty(),
                validated.has_errors(),
                "a file is either a rule or has errors: {:?}",
                validated.diagnostics
            );
            validated.diagnostics
        }
        Err(diagnostics) => {
            assert!(!diagnostics.is_empty(), "a refused file says why");
            diagnostics
        }
    };
    let lines = line_count(bytes);
    for diagnostic in &diagnostics {
        assert_eq!(diagnostic.file, path, "{diagnostic:?}");
        assert!(!diagnostic.message.is_empty(), "{diagnostic:?}");
        if let Some(pos) = diagnostic.pos {
            assert!(pos.line >= 1 && pos.col >= 1, "{diagnostic:?}");
            assert!(
                pos.line <= lines,
                "line past the end ({lines} lines): {diagnostic:?}"
            );
        }
    }
});
