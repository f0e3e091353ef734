//! Validation: checks parsed rule files against the service model and the rules the model
//! cannot express, and turns the valid ones into typed rules. Pure; every problem is reported.

use std::collections::BTreeMap;
use std::path::Path;

use crate::diagnostic::{self, Diagnostic};
use crate::function::{self, FunctionDoc, Level};
use crate::glob::glob_match;
use crate::load::SourceRule;
use crate::model::{enums, DesiredRule, Rule};
use crate::node::{Entry, Node, Pos, Value};
use crate::service::{self, Problem, UnknownMembers, Violation};

/// Members the service owns; they never belong in a rule file.
const SERVER_FIELDS: &[&str] = &[
    "RuleId",
    "RuleArn",
    "CreatedTime",
    "LastUpdatedTime",
    "LastUpdatedBy",
    "RuleCapabilityTiers",
];

/// The outcome of validating a set of files.
#[derive(Debug, Default)]
pub struct Validated {
    /// The rules that passed, sorted by name.
    pub rules: Vec<DesiredRule>,
    /// Every finding, sorted by file and position.
    pub diagnostics: Vec<Diagnostic>,
}

impl Validated {
    /// Whether any finding is an error.
    pub fn has_errors(&self) -> bool {
        self.diagnostics.iter().any(Diagnostic::is_error)
    }
}

/// How findings in a rule's `Function` are treated.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FunctionPolicy {
    /// Conditions the catalog does not list are errors instead of warnings (`--strict`).
    pub strict: bool,
    /// `ComparisonValue` globs the project knows are fine although the catalog does not list
    /// them (`allowed_conditions` in `connect-rules.yaml`): no warning for them.
    pub allowed_conditions: Vec<String>,
}

/// Validates every source with the default [`FunctionPolicy`].
pub fn validate(sources: Vec<SourceRule>) -> Validated {
    validate_with(sources, &FunctionPolicy::default())
}

/// Validates every source; rules with errors are left out of `rules`.
pub fn validate_with(sources: Vec<SourceRule>, policy: &FunctionPolicy) -> Validated {
    collect(crate::parallel::map(sources, |source| {
        validate_source(source, policy)
    }))
}

/// One file's findings and, when none of them is an error, its rule. Files are independent
/// until [`collect`] compares their names, so callers may check them in any order or at once.
pub fn validate_source(
    source: SourceRule,
    policy: &FunctionPolicy,
) -> (Option<DesiredRule>, Vec<Diagnostic>) {
    let mut found = Vec::new();
    let rule = validate_one(source, policy, &mut found);
    (rule, found)
}

/// Puts per-file outcomes together: names that clash across files, then everything sorted.
pub fn collect(
    checked: impl IntoIterator<Item = (Option<DesiredRule>, Vec<Diagnostic>)>,
) -> Validated {
    let mut validated = Validated::default();
    for (rule, found) in checked {
        validated.rules.extend(rule);
        validated.diagnostics.extend(found);
    }
    report_duplicate_names(&validated.rules, &mut validated.diagnostics);
    validated
        .rules
        .sort_by(|a, b| a.rule.name.cmp(&b.rule.name));
    diagnostic::sort(&mut validated.diagnostics);
    validated
}

fn validate_one(
    source: SourceRule,
    policy: &FunctionPolicy,
    found: &mut Vec<Diagnostic>,
) -> Option<DesiredRule> {
    let SourceRule { path, mut node } = source;
    let before = found.len();
    remove_server_fields(&path, &mut node, found);
    check_function(&path, &node, policy, found);
    normalize_function(&path, &mut node, found);

    let mut violations = Vec::new();
    service::validate(
        service::model(),
        "CreateRuleRequest",
        &node,
        "",
        UnknownMembers::Reject,
        &mut violations,
    );
    // `Function` was reported above in its own terms; the model only knows it as a string.
    violations.retain(|v| v.path != "Function");
    tidy_unknown_keys(&mut violations);
    found.extend(violations.iter().map(|v| describe(&path, v)));
    check_beyond_model(&path, &node, found);
    check_reserved_tags(&path, &node, found);

    if found[before..].iter().any(Diagnostic::is_error) {
        return None;
    }
    let name_pos = node.get("Name").map(|name| name.pos).unwrap_or_default();
    match serde_json::from_value::<Rule>(node.to_json()) {
        Ok(rule) => Some(DesiredRule {
            rule,
            path,
            name_pos,
        }),
        Err(err) => {
            found.push(Diagnostic::error(
                &path,
                None,
                format!("the rule cannot be read: {err}"),
            ));
            None
        }
    }
}

/// Keys a rule file may not use are not offered as suggestions, and a required key that an
/// unknown key was probably meant to be is not reported twice.
fn tidy_unknown_keys(violations: &mut Vec<Violation>) {
    let mut meant: Vec<(String, String)> = Vec::new();
    for violation in violations.iter_mut() {
        if let Problem::Unknown {
            key,
            suggestion,
            expected,
        } = &mut violation.problem
        {
            expected.retain(|member| member != "ClientToken");
            *suggestion = service::closest(key, expected);
            if let Some(member) = suggestion {
                let parent = violation
                    .path
                    .strip_suffix(key.as_str())
                    .unwrap_or_default()
                    .trim_end_matches('.')
                    .to_owned();
                meant.push((parent, member.clone()));
            }
        }
    }
    violations.retain(|v| match &v.problem {
        Problem::Missing { member } => !meant.iter().any(|(p, m)| *p == v.path && m == member),
        _ => true,
    });
}

fn remove_server_fields(path: &Path, node: &mut Node, found: &mut Vec<Diagnostic>) {
    let Value::Map(entries) = &mut node.value else {
        return;
    };
    entries.retain(|entry| {
        if SERVER_FIELDS.contains(&entry.key.as_str()) {
            found.push(
                Diagnostic::error(
                    path,
                    Some(entry.key_pos),
                    format!("`{}` is set by the service and cannot be written in a rule file", entry.key),
                )
                .with_hint("remove this key; rules are matched by `Name`"),
            );
            false
        } else if entry.key == "ClientToken" {
            found.push(
                Diagnostic::error(
                    path,
                    Some(entry.key_pos),
                    "`ClientToken` is chosen by connect-rules, not by rule files",
                )
                .with_hint("remove this key; connect-rules makes a client token for each create so retries never duplicate a rule"),
            );
            false
        } else if entry.key == "InstanceId" {
            found.push(
                Diagnostic::error(
                    path,
                    Some(entry.key_pos),
                    "`InstanceId` is chosen by the target, not by rule files",
                )
                .with_hint("remove this key; the instance comes from the target in `connect-rules.yaml` or `--instance-id`"),
            );
            false
        } else {
            true
        }
    });
}

/// Checks the conditions in `Function` against the catalog of the rule's event source.
///
/// Findings inside a mapping point at their own line; inside a JSON string there are no
/// positions, so they point at the `Function` value and say so.
fn check_function(path: &Path, node: &Node, policy: &FunctionPolicy, found: &mut Vec<Diagnostic>) {
    let Some(source) = node
        .get("TriggerEventSource")
        .and_then(|trigger| trigger.get("EventSourceName"))
        .and_then(Node::as_str)
    else {
        return;
    };
    // An unknown event source is reported on its own; its conditions cannot be checked.
    if !enums::EVENT_SOURCE_NAMES.contains(&source) {
        return;
    }
    let Some(function) = node.get("Function") else {
        return;
    };
    // A JSON string has no file positions inside it: its nodes are numbered instead, so each
    // finding can say where in the JSON it is.
    let mut json_paths = Vec::new();
    let parsed = match &function.value {
        Value::Str(text) => serde_json::from_str::<serde_json::Value>(text)
            .ok()
            .and_then(|json| FunctionDoc::parse(&numbered(&json, "", &mut json_paths))),
        _ => FunctionDoc::parse(function),
    };
    let Some(doc) = parsed else {
        return;
    };
    for finding in function::check(source, &doc) {
        let allowed = finding.path.as_deref().is_some_and(|condition| {
            policy
                .allowed_conditions
                .iter()
                .any(|pattern| glob_match(pattern, condition))
        });
        if allowed {
            continue;
        }
        let (pos, message) = if json_paths.is_empty() {
            (finding.pos, finding.message)
        } else {
            let at = json_paths
                .get(finding.pos.line.wrapping_sub(1))
                .filter(|at| !at.is_empty())
                .map_or_else(String::new, |at| format!("at `{at}` "));
            (
                function.pos,
                format!("{} ({at}inside the `Function` string)", finding.message),
            )
        };
        let mut hint = finding.hint.unwrap_or_default();
        if finding.path.is_some() {
            let silence = "if the service accepts this path, list it under `allowed_conditions` in `connect-rules.yaml`";
            hint = if hint.is_empty() {
                silence.to_owned()
            } else {
                format!(
                    "{hint}{} Or, {silence}",
                    if hint.ends_with(['.', '?']) { "" } else { "." }
                )
            };
        }
        let diagnostic = match finding.level {
            Level::Error => Diagnostic::error(path, Some(pos), message),
            Level::NotInCatalog if policy.strict => Diagnostic::error(
                path,
                Some(pos),
                format!("{message} (an error under `--strict`)"),
            ),
            Level::NotInCatalog => Diagnostic::warning(path, Some(pos), message),
        };
        found.push(if hint.is_empty() {
            diagnostic
        } else {
            diagnostic.with_hint(hint)
        });
    }
}

/// `json` as a tree whose positions number its nodes (line N is `paths[N - 1]`, a JSON path
/// such as `RuleFunction.Operands[1].Operator`), for findings inside a JSON string.
fn numbered(json: &serde_json::Value, at: &str, paths: &mut Vec<String>) -> Node {
    paths.push(at.to_owned());
    let pos = Pos {
        line: paths.len(),
        col: 1,
    };
    let value = match json {
        serde_json::Value::Array(items) => Value::Seq(
            items
                .iter()
                .enumerate()
                .map(|(index, item)| numbered(item, &format!("{at}[{index}]"), paths))
                .collect(),
        ),
        serde_json::Value::Object(members) => Value::Map(
            members
                .iter()
                .map(|(key, member)| {
                    let child = if at.is_empty() {
                        key.clone()
                    } else {
                        format!("{at}.{key}")
                    };
                    let value = numbered(member, &child, paths);
                    Entry {
                        key: key.clone(),
                        key_pos: value.pos,
                        value,
                    }
                })
                .collect(),
        ),
        scalar => Node::from_json(scalar).value,
    };
    Node { value, pos }
}

/// Turns a mapping-form `Function` into its JSON string; a string-form one is checked with the
/// service's other rules ([`check_beyond_model`]).
fn normalize_function(path: &Path, node: &mut Node, found: &mut Vec<Diagnostic>) {
    let Value::Map(entries) = &mut node.value else {
        return;
    };
    let Some(entry) = entries.iter_mut().find(|entry| entry.key == "Function") else {
        return;
    };
    let function = &mut entry.value;
    match &function.value {
        Value::Map(_) => {
            let json = function.to_json();
            function.value = Value::Str(json.to_string());
        }
        Value::Str(_) | Value::Null => {}
        other => found.push(Diagnostic::error(
            path,
            Some(function.pos),
            format!(
                "`Function` must be a JSON string or a mapping, but it is {}",
                other.kind()
            ),
        )),
    }
}

/// The integration an event source belongs to, lowercase (`OnSalesforceCaseCreate` gives
/// `salesforce`), for a variable name in a hint.
fn integration_of(source: &str) -> String {
    ["Salesforce", "Zendesk"]
        .into_iter()
        .find(|name| source.contains(name))
        .unwrap_or("crm")
        .to_lowercase()
}

/// The service's rules that its model cannot express, shared with the emulator, in a rule
/// file's terms.
fn check_beyond_model(path: &Path, node: &Node, found: &mut Vec<Diagnostic>) {
    use crate::service::beyond_model::{check_rule, BreachKind, MAX_REFERENCE_BYTES};
    for breach in check_rule(node) {
        let pos = Some(breach.pos);
        found.push(match breach.kind {
            BreachKind::IntegrationMissing { source } => Diagnostic::error(
                path,
                pos,
                format!("`TriggerEventSource` for `{source}` needs `IntegrationAssociationId`"),
            )
            .with_hint(format!("set it to the id of the instance's integration association, e.g. `${{var.{}_integration_id}}`", integration_of(&source))),
            BreachKind::FunctionNotJson { error, line, column } => Diagnostic::error(
                path,
                pos,
                format!("`Function` is not valid JSON: {error} (at line {line} column {column} of the JSON)"),
            )
            .with_hint("write `Function` as a YAML mapping instead of a string, and the file's own syntax checks it"),
            BreachKind::FunctionNotObject { found: kind } => Diagnostic::error(
                path,
                pos,
                format!("`Function` must be a JSON object, but it is {kind}"),
            )
            .with_hint(r#"write `{"Version":"2022-11-25","RuleFunction":{...}}`"#),
            BreachKind::DefinitionMissing { index, action_type, member } => Diagnostic::error(
                path,
                pos,
                format!("`Actions[{index}]` has ActionType `{action_type}` but no `{member}`"),
            )
            .with_hint(format!("add `{member}:` with the action's definition (`{{}}` where it has no members)")),
            BreachKind::DefinitionForeign { index, action_type, expected, member, owner } => Diagnostic::error(
                path,
                pos,
                format!("`Actions[{index}].{member}` does not belong to ActionType `{action_type}`"),
            )
            .with_hint(format!(
                "an action carries only the definition of its type: keep `{expected}`, or set ActionType to `{owner}` and make the other definition a separate action"
            )),
            BreachKind::ReferencesTooLong { index, bytes } => Diagnostic::error(
                path,
                pos,
                format!("`Actions[{index}].TaskAction.References` take {bytes} bytes; the service allows {MAX_REFERENCE_BYTES} in total"),
            )
            .with_hint("shorten the reference values or move them into the task's flow"),
        });
    }
}

/// The tags that say who owns a rule are written by connect-rules alone: in a file they would
/// hand a rule to another repository, or adopt a console rule through an ordinary update.
fn check_reserved_tags(path: &Path, node: &Node, found: &mut Vec<Diagnostic>) {
    let Some(Node {
        value: crate::node::Value::Map(entries),
        ..
    }) = node.get("Tags")
    else {
        return;
    };
    for entry in entries {
        // `managed-by` with another value is another tool's tag (`managed-by: terraform`).
        let ours = entry.key == crate::model::ownership::OWNERSHIP_TAG_KEY
            && entry.value.as_str() == Some(crate::model::ownership::OWNERSHIP_TAG_VALUE);
        if ours || RESERVED_TAG_KEYS.contains(&entry.key.as_str()) {
            found.push(
                Diagnostic::error(
                    path,
                    Some(entry.key_pos),
                    format!("the tag `{}` is written by connect-rules itself, not by rule files", entry.key),
                )
                .with_hint("remove it from the file: connect-rules tags the rules it creates, and `connect-rules adopt` takes over existing ones"),
            );
        }
    }
}

const RESERVED_TAG_KEYS: [&str; 2] = [
    crate::model::ownership::OWNER_TAG_KEY,
    crate::model::ownership::SOURCE_TAG_KEY,
];

fn report_duplicate_names(rules: &[DesiredRule], found: &mut Vec<Diagnostic>) {
    let mut first_by_name: BTreeMap<&str, &DesiredRule> = BTreeMap::new();
    for rule in rules {
        match first_by_name.get(rule.rule.name.as_str()) {
            Some(first) => found.push(
                Diagnostic::error(
                    &rule.path,
                    Some(rule.name_pos),
                    format!(
                        "the rule name `{}` is already used by `{}:{}`",
                        rule.rule.name,
                        first.path.display(),
                        first.name_pos
                    ),
                )
                .with_hint("rule names are unique within an instance; rename one of the two"),
            ),
            None => {
                first_by_name.insert(&rule.rule.name, rule);
            }
        }
    }
}

/// Turns a model violation into a message for a rule file (or another file checked against the
/// model, such as the emulator's seed).
pub(crate) fn describe(path: &Path, violation: &Violation) -> Diagnostic {
    let at = if violation.path.is_empty() {
        "the rule".to_owned()
    } else {
        format!("`{}`", violation.path)
    };
    let pos = Some(violation.pos);
    match &violation.problem {
        Problem::Missing { member } => Diagnostic::error(
            path,
            pos,
            format!("{at} is missing the required key `{member}`"),
        ),
        Problem::Unknown {
            key,
            suggestion,
            expected,
        } => {
            let parent = violation
                .path
                .strip_suffix(key.as_str())
                .map(|p| p.trim_end_matches('.'))
                .filter(|p| !p.is_empty());
            let place = parent.map_or("the rule".to_owned(), |p| format!("`{p}`"));
            let diagnostic =
                Diagnostic::error(path, pos, format!("unknown key `{key}` in {place}"));
            match suggestion {
                Some(suggestion) => diagnostic.with_hint(format!("did you mean `{suggestion}`?")),
                None => diagnostic.with_hint(format!("expected one of: {}", expected.join(", "))),
            }
        }
        Problem::WrongType { expected, found } => Diagnostic::error(
            path,
            pos,
            format!("{at} must be {expected}, but it is {found}"),
        )
        .with_hint(match *expected {
            "a string" => "put the value in quotes to keep it as text",
            "a number" | "an integer" => "write the number without quotes",
            "a boolean" => "write `true` or `false` without quotes",
            "a list" => "write each item on its own line starting with `- `",
            _ => "check the indentation: the keys of a mapping go on the lines below, indented",
        }),
        Problem::NotInEnum {
            value,
            allowed,
            suggestion,
        } => {
            let diagnostic = Diagnostic::error(
                path,
                pos,
                format!("{at} has the unknown value `{}`", shorten(value)),
            );
            match suggestion {
                Some(suggestion) => diagnostic.with_hint(format!("did you mean `{suggestion}`?")),
                None => diagnostic.with_hint(format!("expected one of: {}", allowed.join(", "))),
            }
        }
        Problem::Length {
            len,
            min,
            max,
            unit,
        } => Diagnostic::error(
            path,
            pos,
            format!("{at} has {len} {unit}; {}", bounds(*min, *max, unit)),
        ),
        Problem::Pattern { pattern } => {
            let diagnostic = Diagnostic::error(
                path,
                pos,
                format!("{at} must match the pattern `{pattern}` in full"),
            );
            if violation.path == "Name" {
                diagnostic.with_hint("use only letters, digits, `.`, `_` and `-` (no spaces)")
            } else if violation.path.starts_with("Tags") {
                diagnostic.with_hint("tag keys may not start with `aws:` and use letters, digits, spaces and `_.:/=+-@`")
            } else {
                diagnostic
            }
        }
        Problem::Range { value, min, max } => Diagnostic::error(
            path,
            pos,
            format!("{at} is {value}; {}", bounds(*min, *max, "")),
        ),
        Problem::UnionCount { set } => Diagnostic::error(
            path,
            pos,
            format!("{at} must set exactly one member, but sets {set}"),
        ),
    }
}

fn bounds(min: Option<i64>, max: Option<i64>, unit: &str) -> String {
    let (verb, unit) = if unit.is_empty() {
        ("be", String::new())
    } else {
        ("have", format!(" {unit}"))
    };
    // A minimum length of 0 says nothing a reader needs; a minimum value of 0 does.
    let min = if unit.is_empty() {
        min
    } else {
        min.filter(|min| *min > 0)
    };
    match (min, max) {
        (Some(min), Some(max)) => format!("it must {verb} between {min} and {max}{unit}"),
        (Some(min), None) => format!("it must {verb} at least {min}{unit}"),
        (None, Some(max)) => format!("it must {verb} at most {max}{unit}"),
        (None, None) => String::new(),
    }
}

fn shorten(text: &str) -> String {
    if text.chars().count() > 60 {
        format!("{}...", text.chars().take(57).collect::<String>())
    } else {
        text.to_owned()
    }
}
