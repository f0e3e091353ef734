//! Loading: finds the rule files, reads them, and parses each into a positioned tree with
//! variables substituted; [`load_rules`] runs the whole way to checked rules. Reading is the
//! only I/O; everything after it is pure.

mod folder;
mod interpolate;
pub mod yaml;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use crate::diagnostic::Diagnostic;
use crate::node::{Node, Pos, Value};
use crate::reference::{substitute_node, substitute_text, Resolver, Substituted};

pub use folder::{load_rules, load_rules_cached, load_rules_resolved, LoadedRules};
pub use interpolate::{
    interpolate, interpolate_traced, is_variable_name, substitute, Provenance, UndefinedVariable,
};

/// The largest rule file read; real rules are a few kilobytes.
pub const MAX_FILE_BYTES: usize = 1024 * 1024;

/// A rule file as read from disk.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RuleFile {
    /// The path as shown to the user.
    pub path: PathBuf,
    /// The raw contents.
    pub bytes: Vec<u8>,
}

/// A parsed rule file, before validation.
#[derive(Debug, Clone, PartialEq)]
pub struct SourceRule {
    /// The path as shown to the user.
    pub path: PathBuf,
    /// The document, variables substituted.
    pub node: Node,
}

/// The rule files of a folder, and the entries named like rule files that are not files.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Listing {
    /// Regular files (or links to them) named `*.yaml` / `*.yml`, sorted by path.
    pub files: Vec<PathBuf>,
    /// FIFOs, sockets, devices (or links to them, or dangling links) with those names: never
    /// opened, as opening a FIFO waits forever for a writer.
    pub skipped: Vec<PathBuf>,
}

/// Lists `*.yaml` / `*.yml` files under `dir`, recursively, sorted by path.
pub fn find_rule_files(dir: &Path) -> std::io::Result<Vec<PathBuf>> {
    list_folder(dir).map(|listing| listing.files)
}

/// [`find_rule_files`], also naming the entries skipped because they are not regular files.
pub fn list_folder(dir: &Path) -> std::io::Result<Listing> {
    let mut listing = Listing::default();
    let mut pending = vec![dir.to_path_buf()];
    while let Some(current) = pending.pop() {
        for entry in std::fs::read_dir(&current)? {
            let entry = entry?;
            let path = entry.path();
            let file_type = entry.file_type()?;
            if file_type.is_dir() {
                let hidden = path
                    .file_name()
                    .and_then(|name| name.to_str())
                    .is_some_and(|name| name.starts_with('.'));
                if !hidden {
                    pending.push(path);
                }
            } else if matches!(
                path.extension().and_then(|ext| ext.to_str()),
                Some("yaml" | "yml")
            ) {
                // A link counts as what it points to (a rule file shared by link is fine).
                let regular = file_type.is_file()
                    || (file_type.is_symlink()
                        && std::fs::metadata(&path).is_ok_and(|meta| meta.is_file()));
                if regular {
                    listing.files.push(path);
                } else {
                    listing.skipped.push(path);
                }
            }
        }
    }
    listing.files.sort();
    listing.skipped.sort();
    Ok(listing)
}

/// The rule files under `dir`, sorted, with a warning for each entry skipped because it is
/// not a regular file; a folder that cannot be listed is a diagnostic.
pub fn list_rule_files(dir: &Path) -> Result<(Vec<PathBuf>, Vec<Diagnostic>), Diagnostic> {
    let listing = list_folder(dir).map_err(|err| {
        Diagnostic::error(dir, None, format!("cannot read the rules folder: {err}"))
            .with_hint("pass the folder that holds your rule files with `--rules DIR`")
    })?;
    let warnings = listing
        .skipped
        .iter()
        .map(|path| {
            Diagnostic::warning(
                path,
                None,
                "skipped: not a regular file (a FIFO, socket, device or dangling link)",
            )
            .with_hint("a rule file is a plain file; remove this entry or rename it to end in something other than `.yaml`")
        })
        .collect();
    Ok((listing.files, warnings))
}

/// Reads one rule file; a file that cannot be read becomes a diagnostic.
pub fn read_rule_file(path: PathBuf) -> Result<RuleFile, Diagnostic> {
    match read_limited(&path) {
        Ok(bytes) => Ok(RuleFile { path, bytes }),
        Err(message) => Err(Diagnostic::error(&path, None, message)),
    }
}

fn read_limited(path: &Path) -> Result<Vec<u8>, String> {
    use std::io::Read;
    let mut options = std::fs::OpenOptions::new();
    options.read(true);
    // Non-blocking open: a FIFO swapped in after the listing opens at once instead of
    // waiting forever for a writer, and is refused below. No effect on a regular file.
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.custom_flags(libc::O_NONBLOCK);
    }
    let file = options
        .open(path)
        .map_err(|err| format!("cannot read the file: {err}"))?;
    if !file.metadata().is_ok_and(|meta| meta.is_file()) {
        return Err("cannot read the file: it is not a regular file".to_owned());
    }
    // Sized from the file's length, so a small file is one read instead of a growing buffer.
    let expected = file
        .metadata()
        .map_or(0, |meta| meta.len())
        .min(MAX_FILE_BYTES as u64 + 1);
    let mut bytes = Vec::with_capacity(expected as usize + 1);
    file.take(MAX_FILE_BYTES as u64 + 1)
        .read_to_end(&mut bytes)
        .map_err(|err| format!("cannot read the file: {err}"))?;
    Ok(bytes)
}

/// Parses one file and substitutes variables. Pure: the bytes come in, a tree or findings out.
pub fn parse_rule_file(
    file: &RuleFile,
    variables: &BTreeMap<String, String>,
) -> Result<SourceRule, Vec<Diagnostic>> {
    parse_rule_file_traced(file, variables).map(|(source, _)| source)
}

/// [`parse_rule_file`], also returning where each substituted string came from.
pub fn parse_rule_file_traced(
    file: &RuleFile,
    variables: &BTreeMap<String, String>,
) -> Result<(SourceRule, Provenance), Vec<Diagnostic>> {
    parse_rule_file_resolved(file, variables, Resolver::Offline)
        .map(|(source, provenance, _)| (source, provenance))
}

/// [`parse_rule_file_traced`], with `${KIND:NAME}` references resolved by `resolver` (offline:
/// only their form is checked, and they stay as written). References are replaced before
/// variables, so an escaped `$${queue:X}` stays text; `variables` are expected with the
/// references in their values already resolved ([`resolve_variables`]).
pub fn parse_rule_file_resolved(
    file: &RuleFile,
    variables: &BTreeMap<String, String>,
    resolver: Resolver<'_>,
) -> Result<(SourceRule, Provenance, Substituted), Vec<Diagnostic>> {
    let path = &file.path;
    if file.bytes.len() > MAX_FILE_BYTES {
        return Err(vec![Diagnostic::error(
            path,
            None,
            format!("the file is larger than {} KiB", MAX_FILE_BYTES / 1024),
        )
        .with_hint(
            "a rule file holds one rule and is a few kilobytes; is this the right file?",
        )]);
    }
    let text = match std::str::from_utf8(&file.bytes) {
        Ok(text) => text,
        Err(err) => {
            let (line, col) = line_col(&file.bytes[..err.valid_up_to()]);
            return Err(vec![Diagnostic::error(
                path,
                Some(Pos { line, col }),
                "the file is not UTF-8 text",
            )
            .with_hint(
                "save the file as UTF-8; binary files do not belong in the rules folder",
            )]);
        }
    };
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    if let Some((offset, character)) = text.char_indices().find(|(_, c)| !is_yaml_printable(*c)) {
        let (line, col) = line_col(&text.as_bytes()[..offset]);
        let diagnostic = if character == '\0' {
            Diagnostic::error(
                path,
                Some(Pos { line, col }),
                "the file contains a NUL byte; it is not a YAML text file",
            )
            .with_hint("binary files do not belong in the rules folder; move it elsewhere")
        } else {
            // A raw control character (say ESC) would reach plan output and recolour or
            // rewrite the reader's terminal; YAML forbids them for that reason.
            Diagnostic::error(
                path,
                Some(Pos { line, col }),
                format!(
                    "the file contains the control character U+{:04X}, which YAML does not allow",
                    u32::from(character)
                ),
            )
            .with_hint("delete it; an editor that shows invisible characters will reveal it")
        };
        return Err(vec![diagnostic]);
    }
    let mut node = match yaml::parse(text) {
        Ok(node) => node,
        Err(err) => {
            let diagnostic = Diagnostic::error(path, Some(err.pos), err.message);
            return Err(vec![match err.hint {
                Some(hint) => diagnostic.with_hint(hint),
                None => diagnostic,
            }]);
        }
    };
    match &node.value {
        Value::Map(_) => {}
        Value::Null => {
            return Err(vec![Diagnostic::error(path, Some(node.pos), "the file is empty")
                .with_hint("a rule file is a mapping with at least `Name`, `TriggerEventSource`, `Function`, `Actions` and `PublishStatus`")]);
        }
        other => {
            return Err(vec![Diagnostic::error(
                path,
                Some(node.pos),
                format!(
                    "a rule file must be a mapping of keys, but this one is {}",
                    other.kind()
                ),
            )])
        }
    }
    let mut references = Substituted::default();
    substitute_node(&mut node, resolver, &mut references);
    if !references.problems.is_empty() {
        return Err(references
            .problems
            .iter()
            .map(|problem| {
                Diagnostic::error(path, Some(problem.pos), problem.message.clone())
                    .with_hint(problem.hint.clone())
            })
            .collect());
    }
    let mut undefined = Vec::new();
    let mut provenance = Provenance::from_written(references.written.clone());
    interpolate_traced(&mut node, variables, &mut undefined, &mut provenance);
    if !undefined.is_empty() {
        return Err(undefined
            .into_iter()
            .map(|missing| {
                Diagnostic::error(
                    path,
                    Some(missing.pos),
                    format!("the variable `{}` is not defined", missing.name),
                )
                .with_hint(format!(
                    "define it with `--var {}=VALUE` or in the target's `variables`",
                    missing.name
                ))
            })
            .collect());
    }
    Ok((
        SourceRule {
            path: path.clone(),
            node,
        },
        provenance,
        references,
    ))
}

/// A variable whose value names a resource that cannot be used.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VariableProblem {
    pub variable: String,
    pub message: String,
    pub hint: String,
}

/// `variables` with the `${KIND:NAME}` references in their values resolved by `resolver`
/// (kept as written offline), with the kinds they name and what could not be resolved.
pub fn resolve_variables(
    variables: &BTreeMap<String, String>,
    resolver: Resolver<'_>,
) -> (BTreeMap<String, String>, Substituted, Vec<VariableProblem>) {
    let mut found = Substituted::default();
    let mut problems = Vec::new();
    let values = variables
        .iter()
        .map(|(name, value)| {
            let value =
                if value.contains("${") {
                    let before = found.problems.len();
                    let value = substitute_text(value, resolver, Pos::default(), &mut found);
                    problems.extend(found.problems.drain(before..).map(|problem| {
                        VariableProblem {
                            variable: name.clone(),
                            message: problem.message,
                            hint: problem.hint,
                        }
                    }));
                    value
                } else {
                    value.clone()
                };
            (name.clone(), value)
        })
        .collect();
    (values, found, problems)
}

/// Whether YAML 1.2 allows `character` in a stream (`c-printable`): tab, line breaks and the
/// printable characters; not the other C0 and C1 controls, DEL, U+FFFE or U+FFFF.
fn is_yaml_printable(character: char) -> bool {
    matches!(character,
        '\t' | '\n' | '\r' | ' '..='~' | '\u{85}' | '\u{a0}'..='\u{d7ff}'
        | '\u{e000}'..='\u{fffd}' | '\u{10000}'..)
}

fn line_col(prefix: &[u8]) -> (usize, usize) {
    let line = prefix.split(|b| *b == b'\n').count();
    let line_start = prefix
        .iter()
        .rposition(|b| *b == b'\n')
        .map_or(0, |i| i + 1);
    let col = String::from_utf8_lossy(&prefix[line_start..])
        .chars()
        .count()
        + 1;
    (line, col)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(bytes: &[u8]) -> Result<SourceRule, Vec<Diagnostic>> {
        let file = RuleFile {
            path: PathBuf::from("rules/r.yaml"),
            bytes: bytes.to_vec(),
        };
        parse_rule_file(&file, &BTreeMap::new())
    }

    #[test]
    fn raw_control_characters_are_refused_where_they_are() {
        // Found by the corpus in tests/bad-inputs: an ESC in a plain value was accepted.
        for control in ['\u{1b}', '\u{7}', '\u{7f}', '\u{9b}', '\u{ffff}'] {
            let text = format!("Name: a\nTask: x{control}y\n");
            let found = parse(text.as_bytes()).unwrap_err();
            let message = &found[0].message;
            assert!(message.contains("control character"), "{message}");
            assert_eq!(found[0].pos, Some(Pos { line: 2, col: 8 }), "{control:?}");
        }
    }

    #[test]
    fn tabs_line_breaks_and_escaped_controls_are_text() {
        let parsed = parse(b"Name: \"a\\tb\\e\"\r\nOther:\t'\xc2\x85'\n").unwrap();
        assert_eq!(
            parsed.node.get("Name").unwrap().value,
            Value::Str("a\tb\u{1b}".to_owned())
        );
    }
}
