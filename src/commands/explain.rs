//! `connect-rules explain`: each rule's trigger, conditions and actions in words.
//!
//! A rule file named on the command line is read where it is, inside the rules folder or not,
//! and only its own findings are shown; a rule name is looked up in the rules folder. A file
//! with findings is still read aloud as written when it parses (the exit code says it needs
//! fixing), so `explain` helps to understand a rule that does not validate yet.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde_json::Value as Json;

use crate::diagnostic::{self, Diagnostic};
use crate::error::{self, UserError};
use crate::function::explain_document;
use crate::load::{list_rule_files, parse_rule_file_traced, read_rule_file};
use crate::node::Node;
use crate::service::closest;
use crate::settings::ExplainSettings;
use crate::style::Styles;
use crate::validate::{collect, validate_source, FunctionPolicy};

use super::{print_findings, ExitStatus};

/// One rule file, read for explaining.
#[derive(Debug, Clone)]
struct ReadFile {
    path: PathBuf,
    /// `Name`, variables substituted, when the file has one.
    name: Option<String>,
    /// The document as the file wrote it (`${var.NAME}` kept), when it parses.
    document: Option<Json>,
    /// The file's own findings.
    findings: Vec<Diagnostic>,
}

pub(super) fn run(settings: &ExplainSettings, styles: Styles) -> ExitStatus {
    let variables = &settings.offline.variables;
    let policy = &settings.offline.rules.policy;
    let names = &settings.names;
    let wants_folder = names.is_empty() || names.iter().any(|want| !is_file(want));
    let folder = wants_folder.then(|| read_folder(&settings.offline.rules.dir, variables, policy));

    let mut chosen: Vec<ReadFile> = Vec::new();
    let mut missing = Vec::new();
    let mut folder_findings = Vec::new();
    if let (Some((files, findings)), true) = (&folder, names.is_empty()) {
        chosen.extend(files.iter().cloned());
        folder_findings.clone_from(findings);
    }
    for want in names {
        if is_file(want) {
            chosen.push(read_one(PathBuf::from(want), variables, policy));
            continue;
        }
        let files = folder
            .as_ref()
            .map_or(&[][..], |(files, _)| files.as_slice());
        match files
            .iter()
            .find(|file| file.name.as_deref() == Some(want.as_str()))
        {
            Some(file) => chosen.push(file.clone()),
            None => missing.push(not_found(want, files)),
        }
    }

    let mut findings: Vec<Diagnostic> = folder_findings;
    if !names.is_empty() {
        for file in &chosen {
            findings.extend(file.findings.iter().cloned());
        }
    }
    diagnostic::sort(&mut findings);
    findings.dedup();
    print_findings(&findings, styles.stderr);
    let text: Vec<String> = chosen
        .iter()
        .map(|file| {
            let reading = file.document.as_ref().map_or_else(
                || "(the file cannot be read aloud: see its errors)".to_owned(),
                explain_document,
            );
            let title = file.name.as_deref().map_or_else(
                || file.path.display().to_string(),
                |name| format!("{} ({})", styles.stdout.bold(name), file.path.display()),
            );
            format!("{title}\n{reading}\n")
        })
        .collect();
    crate::out::out!("{}", text.join("\n"));
    if !missing.is_empty() {
        for unknown in missing {
            error::report(unknown, styles.stderr);
        }
        return ExitStatus::Failure;
    }
    // Files with errors are read aloud as written; the exit code still says they need fixing.
    if findings.iter().any(Diagnostic::is_error) {
        eprintln!("some rule files have errors (above); they were read aloud as written");
        return ExitStatus::Failure;
    }
    ExitStatus::Success
}

fn is_file(want: &str) -> bool {
    Path::new(want).is_file()
}

/// Every file of the rules folder, sorted by rule name, with every finding (names that clash
/// across files included).
fn read_folder(
    dir: &Path,
    variables: &BTreeMap<String, String>,
    policy: &FunctionPolicy,
) -> (Vec<ReadFile>, Vec<Diagnostic>) {
    let (paths, skipped) = match list_rule_files(dir) {
        Ok(listing) => listing,
        Err(unlistable) => return (Vec::new(), vec![unlistable]),
    };
    if paths.is_empty() {
        let none = Diagnostic::warning(dir, None, "no rule files (`*.yaml`, `*.yml`) found")
            .with_hint("add rule files, or pass their folder with `--rules DIR`");
        return (Vec::new(), skipped.into_iter().chain([none]).collect());
    }
    let read = crate::parallel::map(paths, |path| read_checked(path, variables, policy));
    let mut files = Vec::with_capacity(read.len());
    let mut outcomes = Vec::with_capacity(read.len());
    for (file, rule) in read {
        outcomes.push((rule, file.findings.clone()));
        files.push(file);
    }
    let validated = collect(outcomes);
    // `collect` adds the findings that look across files (names used twice).
    for file in &mut files {
        file.findings = validated
            .diagnostics
            .iter()
            .filter(|finding| finding.file == file.path)
            .cloned()
            .collect();
    }
    files.sort_by(|a, b| {
        (a.name.is_none(), &a.name, &a.path).cmp(&(b.name.is_none(), &b.name, &b.path))
    });
    let mut diagnostics = skipped;
    diagnostics.extend(validated.diagnostics);
    (files, diagnostics)
}

/// One file, read wherever it is.
fn read_one(
    path: PathBuf,
    variables: &BTreeMap<String, String>,
    policy: &FunctionPolicy,
) -> ReadFile {
    read_checked(path, variables, policy).0
}

fn read_checked(
    path: PathBuf,
    variables: &BTreeMap<String, String>,
    policy: &FunctionPolicy,
) -> (ReadFile, Option<crate::model::DesiredRule>) {
    let file = match read_rule_file(path.clone()) {
        Ok(file) => file,
        Err(unreadable) => {
            let read = ReadFile {
                path,
                name: None,
                document: None,
                findings: vec![unreadable],
            };
            return (read, None);
        }
    };
    match parse_rule_file_traced(&file, variables) {
        Ok((source, provenance)) => {
            let name = source
                .node
                .get("Name")
                .and_then(Node::as_str)
                .map(str::to_owned);
            let document = provenance.restore(&source.node).to_json();
            let (rule, findings) = validate_source(source, policy);
            let read = ReadFile {
                path,
                name,
                document: Some(document),
                findings,
            };
            (read, rule)
        }
        Err(findings) => {
            let read = ReadFile {
                path,
                name: None,
                document: None,
                findings,
            };
            (read, None)
        }
    }
}

fn not_found(want: &str, files: &[ReadFile]) -> UserError {
    let names: Vec<String> = files.iter().filter_map(|file| file.name.clone()).collect();
    let hint = match closest(want, &names) {
        Some(near) => format!("did you mean `{near}`?"),
        None => {
            "give a rule's `Name` or the path of its file; `connect-rules explain` with no argument reads every rule"
                .to_owned()
        }
    };
    UserError::new(format!("no rule named or stored in `{want}`")).with_hint(hint)
}
