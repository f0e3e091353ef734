//! Loading and validating the rule files, shared by every command that reads them.

use std::collections::BTreeMap;
use std::path::Path;

use crate::diagnostic::{Diagnostic, Severity};
use crate::load::{parse_rule_file, read_rule_files};
use crate::style::Style;
use crate::validate::{validate_with, DesiredRule, FunctionPolicy, Validated};

/// The rules of a folder with what was found in them.
#[derive(Debug)]
pub struct LoadedRules {
    /// Valid rules, sorted by name.
    pub rules: Vec<DesiredRule>,
    /// Every finding.
    pub diagnostics: Vec<Diagnostic>,
    /// How many files were read.
    pub files: usize,
}

impl LoadedRules {
    /// Whether any finding is an error.
    pub fn has_errors(&self) -> bool {
        self.diagnostics.iter().any(Diagnostic::is_error)
    }

    /// Writes the findings to stderr.
    pub fn print_diagnostics(&self, style: Style) {
        for diagnostic in &self.diagnostics {
            eprintln!("{}", paint(diagnostic, style));
        }
    }
}

/// Reads, parses and validates every rule file under `dir`.
pub fn load_rules(
    dir: &Path,
    variables: &BTreeMap<String, String>,
    policy: &FunctionPolicy,
) -> LoadedRules {
    let (files, mut diagnostics) = match read_rule_files(dir) {
        Ok(read) => read,
        Err(diagnostic) => {
            return LoadedRules {
                rules: Vec::new(),
                diagnostics: vec![diagnostic],
                files: 0,
            }
        }
    };
    if files.is_empty() && diagnostics.is_empty() {
        diagnostics.push(
            Diagnostic::warning(dir, None, "no rule files (`*.yaml`, `*.yml`) found")
                .with_hint("add rule files, or pass their folder with `--rules DIR`"),
        );
    }
    let mut sources = Vec::with_capacity(files.len());
    for parsed in crate::parallel::map(files.iter().collect(), |file| {
        parse_rule_file(file, variables)
    }) {
        match parsed {
            Ok(source) => sources.push(source),
            Err(found) => diagnostics.extend(found),
        }
    }
    let Validated {
        rules,
        diagnostics: found,
    } = validate_with(sources, policy);
    diagnostics.extend(found);
    crate::diagnostic::sort(&mut diagnostics);
    LoadedRules {
        rules,
        diagnostics,
        files: files.len(),
    }
}

/// A finding with its label coloured.
pub fn paint(diagnostic: &Diagnostic, style: Style) -> String {
    let text = diagnostic.to_string();
    let (label, painted) = match diagnostic.severity {
        Severity::Error => ("error:", style.error("error:")),
        Severity::Warning => ("warning:", style.warning("warning:")),
    };
    text.replacen(&format!(" {label} "), &format!(" {painted} "), 1)
        .replacen("\n  hint:", &format!("\n  {}", style.hint("hint:")), 1)
}
