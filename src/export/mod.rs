//! Export: turns live rules into rule files. Pure: live rules in, file names and texts out.
//!
//! Each file must load back into exactly the live rule (the round-trip law: export, then plan
//! shows no changes), so every text is checked by loading and validating it, with the project's
//! own Function policy, before it is returned; a rule whose `Function` does not survive as a YAML
//! mapping is written with `Function` as a JSON string. A rule is refused for one of two
//! reasons, told apart in its message: its file would load back as a different rule, or
//! `validate` rejects the file (then `plan` would refuse the whole folder).
//!
//! Values are written back the way a person would write them: a value equal to one of the
//! target's variables as `${var.NAME}`, and an id that names exactly one resource of the kind
//! its place holds as `${KIND:NAME}` (see [`names`] for the places). The reload resolves those
//! references against the same directory, so a name that would resolve elsewhere is never
//! written. `export --update` keeps a file's own variables and references ([`Kept`]).

mod comments;
mod kept;
mod names;
mod update;

use std::cell::RefCell;
use std::collections::BTreeMap;
use std::path::Path;

use serde_json::Value;

use crate::diff::{changed_fields, normalized};
use crate::load::{parse_rule_file_resolved, substitute, RuleFile};
use crate::model::ownership::{
    with_ownership, OWNERSHIP_TAG_KEY, OWNERSHIP_TAG_VALUE, OWNER_TAG_KEY, SOURCE_TAG_KEY,
};
use crate::model::{LiveRule, Rule};
use crate::node::Pos;
use crate::reference::{references_in, substitute_text, Directory, Resolver, Substituted};
use crate::validate::{validate_with, FunctionPolicy};

pub use comments::{carry_comments, Carried, NotKept, Why};
pub use kept::KeptVariable;

/// Why a `${var.NAME}` in `kept` (the file's) cannot be placed in `live` by its position (see
/// [`kept::moved_variable`]); `file` is the rule the file loads as.
pub fn moved_variable(kept: &Kept, file: &Rule, live: &Rule) -> Option<String> {
    let file = rule_value(file, true).ok()?;
    let live = rule_value(live, true).ok()?;
    kept::moved_variable(kept, &file, &live)
}
pub use names::kinds_used;
use names::{place_of_member, rule_value, Place};
pub use update::{in_the_form_of, keeping, Keeping};

/// One file to write.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExportFile {
    /// The file name (no folders), derived from the rule name.
    pub file_name: String,
    /// The rule's name.
    pub rule_name: String,
    /// The YAML text.
    pub text: String,
}

/// A rule that was not exported.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExportProblem {
    /// The rule's name.
    pub rule_name: String,
    /// Why, as a sentence that follows "rule `NAME` was not exported: ".
    pub message: String,
}

/// A file name for a rule name: only `0-9 a-z A-Z . _ -`, never hidden, never `.` or `..`.
pub fn file_name_for(rule_name: &str) -> String {
    let mut safe: String = rule_name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.') {
                c
            } else {
                '_'
            }
        })
        .collect();
    if safe.is_empty() || safe.starts_with('.') {
        safe.insert(0, '_');
    }
    format!("{safe}.yaml")
}

/// What an exported file writes back instead of the live value.
#[derive(Debug, Clone, Copy)]
pub struct WriteBack<'a> {
    /// The target's variables, references in their values resolved: a string equal to one
    /// variable's value is written `${var.NAME}`.
    pub variables: &'a BTreeMap<String, String>,
    /// The instance's resources, of the kinds the rules hold ids of (and the files name):
    /// with `name_ids`, an id in a place of its kind that names exactly one resource is
    /// written `${KIND:NAME}`; references a file already holds resolve against it. `None`:
    /// nothing was listed.
    pub directory: Option<&'a Directory>,
    /// Whether ids are written by name (false with `--raw-ids`).
    pub name_ids: bool,
    /// Whether only the strings a file wrote with `${var.NAME}` or `${KIND:NAME}` are written
    /// that way (`export --update`): a literal the file wrote stays a literal, even when a
    /// variable holds the same value.
    pub only_kept: bool,
}

impl<'a> WriteBack<'a> {
    /// Variables only, ids kept.
    pub fn variables(variables: &'a BTreeMap<String, String>) -> Self {
        WriteBack {
            variables,
            directory: None,
            name_ids: false,
            only_kept: false,
        }
    }

    fn resolver(&self) -> Resolver<'a> {
        self.directory.map_or(Resolver::Offline, Resolver::Instance)
    }

    /// What `written` (text of a rule file) stands for: references and variables replaced;
    /// `None` when something in it does not resolve.
    fn resolve(&self, written: &str) -> Option<String> {
        if self.directory.is_none() && has_reference(written) {
            return None;
        }
        let mut found = Substituted::default();
        let text = substitute_text(written, self.resolver(), Pos::default(), &mut found);
        let mut undefined = false;
        let text = substitute(&text, self.variables, |_| undefined = true);
        (found.problems.is_empty() && !undefined).then_some(text)
    }
}

/// Exports `live` rules. `header` is written at the top of each file (the `$schema` line,
/// see [`schema_header`], or nothing); `write_back` says which values are written as
/// variables and references; `policy` is the project's Function policy, so a written file is
/// one that `validate` and `plan` accept.
pub fn export(
    live: &[LiveRule],
    write_back: &WriteBack<'_>,
    header: &str,
    policy: &FunctionPolicy,
) -> (Vec<ExportFile>, Vec<ExportProblem>) {
    let mut files = Vec::new();
    let mut problems = Vec::new();
    let mut used_names = std::collections::BTreeSet::new();
    for rule in live {
        let base = file_name_for(&rule.rule.name);
        let mut file_name = base.clone();
        let mut suffix = 1;
        while !used_names.insert(file_name.clone()) {
            suffix += 1;
            file_name = base.replace(".yaml", &format!("-{suffix}.yaml"));
        }
        let exported = export_rule(
            &rule.rule,
            Path::new(&file_name),
            &Kept::default(),
            header,
            write_back,
            policy,
        );
        match exported {
            Ok(exported) => files.push(ExportFile {
                file_name,
                rule_name: rule.rule.name.clone(),
                text: exported.text,
            }),
            Err(message) => problems.push(ExportProblem {
                rule_name: rule.rule.name.clone(),
                message,
            }),
        }
    }
    (files, problems)
}

/// The first line of an exported file: the schema, for editors.
pub fn schema_header(schema_ref: &str) -> String {
    format!("# yaml-language-server: $schema={schema_ref}\n")
}

/// A rule file's text, and the `${var.NAME}` strings it kept although the live value is
/// another (see [`KeptVariable`]).
#[derive(Debug, Clone, PartialEq)]
pub struct Exported {
    /// The YAML text.
    pub text: String,
    /// Where the file's variables give another value than the live rule's.
    pub kept_variables: Vec<KeptVariable>,
    /// The rule the text loads back as: the live rule, with the kept variables' values.
    pub loads_as: Rule,
}

/// The text of `rule`'s file at `path`: `header` (comment lines) first, then the rule, with
/// the strings `kept` names written as the file wrote them where they still stand for the
/// live value (a string with a `${var.NAME}` is always kept: see [`kept`]), and the others
/// written back as `write_back` says. The text is loaded back and must be the same rule
/// (but for the kept variables' values) and pass `validate`; otherwise the error says why.
pub fn export_rule(
    rule: &Rule,
    path: &Path,
    kept: &Kept,
    header: &str,
    write_back: &WriteBack<'_>,
    policy: &FunctionPolicy,
) -> Result<Exported, String> {
    let mut clean = normalized(rule);
    if clean.tags.get(OWNERSHIP_TAG_KEY).map(String::as_str) == Some(OWNERSHIP_TAG_VALUE) {
        clean.tags.remove(OWNERSHIP_TAG_KEY);
        clean.tags.remove(OWNER_TAG_KEY);
    }
    clean.tags.remove(SOURCE_TAG_KEY);
    let mut differs = Vec::new();
    let mut rejected = Vec::new();
    for function_as_mapping in [true, false] {
        let (text, kept_variables) = render(&clean, kept, header, write_back, function_as_mapping)?;
        let expected = with_values(rule, &kept_variables, function_as_mapping)?;
        match reload(&text, path, write_back, policy) {
            Ok(loaded) => {
                let differences =
                    changed_fields(&with_ownership(&expected), &with_ownership(&loaded));
                if differences.is_empty() {
                    return Ok(Exported {
                        text,
                        kept_variables,
                        loads_as: expected,
                    });
                }
                differs.push(
                    differences
                        .iter()
                        .map(|d| d.field.as_str())
                        .collect::<Vec<_>>()
                        .join(", "),
                );
            }
            // The mapping's findings come first: they carry line and column.
            Err(findings) if rejected.is_empty() => rejected = findings,
            Err(_) => {}
        }
    }
    // A file that loads back as another rule is the worse failure: say that one first.
    if let Some(fields) = differs.first() {
        return Err(format!(
            "its file would load back as a different rule (in {fields}); this is a bug in \
             connect-rules, please report it with the rule's DescribeRule output"
        ));
    }
    Err(format!(
        "`validate` rejects the file it would write, so `plan` would refuse the folder:\n  {}\n  \
         hint: the live rule is kept as it is; if it works on the instance, the checker is \
         wrong: report the finding, with the rule",
        rejected.join("\n  ")
    ))
}

/// The text, and the variables kept at another value than the live one; an error when a
/// variable the file wrote cannot be kept.
fn render(
    rule: &Rule,
    kept: &Kept,
    header: &str,
    write_back: &WriteBack<'_>,
    function_as_mapping: bool,
) -> Result<(String, Vec<KeptVariable>), String> {
    let mut value = rule_value(rule, function_as_mapping)?;
    let writer = Writer {
        reverse: reverse_variables(write_back.variables),
        kept,
        write_back,
        kept_variables: RefCell::default(),
        lost: RefCell::default(),
    };
    writer.write(&mut value, None, &mut Vec::new());
    let lost = writer.lost.into_inner();
    if !lost.is_empty() {
        return Err(format!(
            "{}\n  hint: put the value into the file by hand (or, if the file is the newer \
             version, `plan` and `apply` it)",
            lost.join("\n  ")
        ));
    }
    let yaml = serde_yaml::to_string(&value).map_err(|err| err.to_string())?;
    Ok((
        format!("{header}{}", quote_dates(&yaml)),
        writer.kept_variables.into_inner(),
    ))
}

/// `rule` with the file's values where its variables were kept at another value: what the
/// written file must load back as.
fn with_values(
    rule: &Rule,
    kept_variables: &[KeptVariable],
    function_as_mapping: bool,
) -> Result<Rule, String> {
    if kept_variables.is_empty() {
        return Ok(rule.clone());
    }
    let mut value = rule_value(rule, function_as_mapping)?;
    for kept in kept_variables {
        if let Some(slot) = value.pointer_mut(&kept.pointer) {
            *slot = Value::String(kept.file_value.clone());
        }
    }
    if let Some(function) = value.get_mut("Function").filter(|f| !f.is_string()) {
        *function = Value::String(function.to_string());
    }
    serde_json::from_value(value).map_err(|err| err.to_string())
}

/// Quotes plain `YYYY-MM-DD` values (such as `Version: 2022-11-25`), which YAML 1.1 tools
/// would read as dates.
fn quote_dates(yaml: &str) -> String {
    let is_date = |text: &str| {
        let bytes = text.as_bytes();
        bytes.len() == 10
            && bytes.iter().enumerate().all(|(i, b)| {
                if i == 4 || i == 7 {
                    *b == b'-'
                } else {
                    b.is_ascii_digit()
                }
            })
    };
    let mut out = String::with_capacity(yaml.len() + 16);
    for line in yaml.lines() {
        match line.rsplit_once(": ") {
            Some((key, value)) if is_date(value) => {
                out.push_str(key);
                out.push_str(": '");
                out.push_str(value);
                out.push('\'');
            }
            _ => match line.strip_prefix("- ").filter(|v| is_date(v)) {
                Some(value) => {
                    out.push_str("- '");
                    out.push_str(value);
                    out.push('\'');
                }
                None => out.push_str(line),
            },
        }
        out.push('\n');
    }
    out
}

/// Values that name exactly one variable, longest first.
fn reverse_variables(variables: &BTreeMap<String, String>) -> Vec<(String, String)> {
    let mut by_value: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
    for (name, value) in variables {
        if !value.is_empty() {
            by_value.entry(value).or_default().push(name);
        }
    }
    let mut pairs: Vec<(String, String)> = by_value
        .into_iter()
        .filter(|(_, names)| names.len() == 1)
        .map(|(value, names)| (value.to_owned(), names[0].to_owned()))
        .collect();
    pairs.sort_by(|a, b| b.0.len().cmp(&a.0.len()).then_with(|| a.0.cmp(&b.0)));
    pairs
}

/// One step from a rule's top to one of its values.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Step {
    Key(String),
    Index(usize),
}

/// Strings of a rule file as it wrote them (with `${var.NAME}` or `${KIND:NAME}`), by where
/// they stand: written again wherever they still stand for the live value.
pub type Kept = BTreeMap<Vec<Step>, String>;

struct Writer<'a> {
    reverse: Vec<(String, String)>,
    kept: &'a Kept,
    write_back: &'a WriteBack<'a>,
    /// The variables kept at another value than the live one.
    kept_variables: RefCell<Vec<KeptVariable>>,
    /// Why a variable the file wrote could not be kept, one sentence each.
    lost: RefCell<Vec<String>>,
}

impl Writer<'_> {
    /// Writes every string under `value` as its file should hold it; `place` is what a
    /// string here would be the id (or ARN) of.
    fn write(&self, value: &mut Value, place: Option<Place>, path: &mut Vec<Step>) {
        match value {
            Value::String(text) => *text = self.string(text, place, path),
            Value::Array(items) => {
                for (index, item) in items.iter_mut().enumerate() {
                    path.push(Step::Index(index));
                    self.write(item, place, path);
                    path.pop();
                }
            }
            Value::Object(members) => {
                let places: Vec<Option<Place>> = members
                    .keys()
                    .map(|key| place_of_member(members, key))
                    .collect();
                for ((key, member), place) in members.iter_mut().zip(places) {
                    path.push(Step::Key(key.clone()));
                    self.write(member, place, path);
                    path.pop();
                }
            }
            _ => {}
        }
    }

    fn string(&self, text: &str, place: Option<Place>, path: &[Step]) -> String {
        let escaped = text.replace("${", "$${");
        if let Some(written) = self.kept.get(path) {
            if self.write_back.resolve(written).as_deref() == Some(text) {
                return written.clone();
            }
            if !kept::variables_in(written).is_empty() {
                return self.keep_variable(written, text, path);
            }
            // The file named a resource here: the live id is named again where it can be
            // (the resource was changed on the instance).
            return self.named(text, place).unwrap_or(escaped);
        }
        if self.write_back.only_kept {
            return escaped;
        }
        if let Some((_, name)) = self.reverse.iter().find(|(value, _)| *value == escaped) {
            return format!("${{var.{name}}}");
        }
        self.named(text, place).unwrap_or(escaped)
    }

    /// `written` (with a variable) where the live value is `text`, another: kept when only
    /// the variables' values differ, else the live value with the variables put back.
    fn keep_variable(&self, written: &str, text: &str, path: &[Step]) -> String {
        let resolve = |token: &str| self.write_back.resolve(token);
        if kept::same_around_variables(written, text, resolve) {
            self.kept_variables.borrow_mut().push(KeptVariable {
                place: kept::place(path),
                pointer: kept::pointer(path),
                written: written.to_owned(),
                live: text.to_owned(),
                file_value: resolve(written).unwrap_or_default(),
            });
            return written.to_owned();
        }
        if let Some(back) = kept::put_back(written, text, self.write_back.variables) {
            if resolve(&back).as_deref() == Some(text) {
                return back;
            }
        }
        self.lost.borrow_mut().push(format!(
            "`{written}` at {} cannot be kept: the instance has `{text}`, which changed the \
             text around the variable and does not hold its value",
            kept::place(path)
        ));
        written.to_owned()
    }

    /// `${KIND:NAME}` for the id (or ARN) `text` in `place`, when ids are written by name
    /// and it names exactly one resource.
    fn named(&self, text: &str, place: Option<Place>) -> Option<String> {
        let (Some(place), Some(directory), true) =
            (place, self.write_back.directory, self.write_back.name_ids)
        else {
            return None;
        };
        let reference = if place.arn {
            directory.reference_for_arn(text, Some(place.kind))
        } else {
            directory.reference_for(text, Some(place.kind))
        };
        reference.map(|reference| reference.to_string())
    }
}

/// Whether `text` holds a well-formed `${KIND:NAME}`.
fn has_reference(text: &str) -> bool {
    references_in(text).iter().any(Result::is_ok)
}

/// Loads and validates `text` as the file at `path`, resolving its references as `plan`
/// would; on failure, the error findings.
fn reload(
    text: &str,
    path: &Path,
    write_back: &WriteBack<'_>,
    policy: &FunctionPolicy,
) -> Result<Rule, Vec<String>> {
    let file = RuleFile {
        path: path.to_path_buf(),
        bytes: text.as_bytes().to_vec(),
    };
    let (source, _, _) =
        parse_rule_file_resolved(&file, write_back.variables, write_back.resolver())
            .map_err(|found| found.iter().map(ToString::to_string).collect::<Vec<_>>())?;
    let mut validated = validate_with(vec![source], policy);
    if validated.has_errors() || validated.rules.is_empty() {
        return Err(validated
            .diagnostics
            .iter()
            .filter(|finding| finding.is_error())
            .map(ToString::to_string)
            .collect());
    }
    Ok(validated.rules.remove(0).rule)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::reference::ResourceKind;

    #[test]
    fn file_names_are_safe() {
        assert_eq!(
            file_name_for("neg-sentiment_1.v2"),
            "neg-sentiment_1.v2.yaml"
        );
        assert_eq!(file_name_for(".."), "_...yaml");
        assert_eq!(file_name_for("../../etc/passwd"), "_.._.._etc_passwd.yaml");
        assert_eq!(file_name_for(".hidden"), "_.hidden.yaml");
        assert_eq!(file_name_for(""), "_.yaml");
    }

    #[test]
    fn a_rule_exports_to_a_file_that_loads_back_the_same() {
        let mut rule = Rule::test("a")
            .tag(OWNERSHIP_TAG_KEY, OWNERSHIP_TAG_VALUE)
            .tag("team", "qa");
        rule.function = rule.function.replace("refund", "costs ${0}");
        let live = [rule.clone().live("r1")];
        let (files, problems) = export(
            &live,
            &WriteBack::variables(&BTreeMap::new()),
            &schema_header("../schema/rule.schema.json"),
            &FunctionPolicy::default(),
        );
        assert!(problems.is_empty(), "{problems:?}");
        let text = &files[0].text;
        assert!(text.starts_with("# yaml-language-server: $schema=../schema/rule.schema.json\n"));
        assert!(
            text.contains("RuleFunction:"),
            "Function is a mapping:\n{text}"
        );
        assert!(!text.contains("managed-by"), "{text}");
        assert!(text.contains("$${0}"), "literal ${{ is escaped:\n{text}");
        let back = reload(
            text,
            Path::new("a.yaml"),
            &WriteBack::variables(&BTreeMap::new()),
            &FunctionPolicy::default(),
        )
        .unwrap();
        assert!(changed_fields(&with_ownership(&rule), &with_ownership(&back)).is_empty());
    }

    #[test]
    fn dates_are_quoted_and_clashing_file_names_get_their_own_suffix() {
        assert_eq!(
            quote_dates("  Version: 2022-11-25\nName: x\n- 2022-01-01\n"),
            "  Version: '2022-11-25'\nName: x\n- '2022-01-01'\n"
        );
        let live = [
            Rule::test(".x").live("r1"),
            Rule::test("_.x").live("r2"),
            Rule::test("_.x-2").live("r3"),
        ];
        let (files, _) = export(
            &live,
            &WriteBack::variables(&BTreeMap::new()),
            "",
            &FunctionPolicy::default(),
        );
        let names: std::collections::BTreeSet<&str> =
            files.iter().map(|f| f.file_name.as_str()).collect();
        assert_eq!(names.len(), 3, "{names:?}");
    }

    #[test]
    fn an_action_whose_empty_definition_was_dropped_exports_with_it() {
        let mut rule = Rule::test("a");
        rule.actions[0] = crate::model::RuleAction {
            action_type: "END_ASSOCIATED_EMAILS".into(),
            ..crate::model::RuleAction::default()
        };
        let (files, problems) = export(
            &[rule.live("r1")],
            &WriteBack::variables(&BTreeMap::new()),
            "",
            &FunctionPolicy::default(),
        );
        assert!(problems.is_empty(), "{problems:?}");
        assert!(
            files[0].text.contains("EndAssociatedEmailsAction: {}"),
            "{}",
            files[0].text
        );
    }

    #[test]
    fn a_rule_validate_rejects_is_refused_with_the_findings_and_not_called_unfaithful() {
        let mut rule = Rule::test("angry");
        rule.function = r#"{"Version":"2022-11-25","RuleFunction":{"Operator":"AND","Operands":[{"Operator":"EQUALS","Operands":["ANGRY"],"ComparisonValue":"$.ContactLens.PostCall.Sentiment.State","Negate":false}]}}"#.to_owned();
        let (files, problems) = export(
            &[rule.live("r1")],
            &WriteBack::variables(&BTreeMap::new()),
            "",
            &FunctionPolicy::default(),
        );
        assert!(files.is_empty());
        assert_eq!(problems.len(), 1);
        let message = &problems[0].message;
        assert!(
            message.starts_with("`validate` rejects the file it would write"),
            "{message}"
        );
        assert!(message.contains("angry.yaml:"), "names the file: {message}");
        assert!(message.contains("ANGRY"), "shows the finding: {message}");
        assert!(message.contains("hint: "), "{message}");
    }

    #[test]
    fn the_projects_function_policy_decides_what_is_exported() {
        // A condition the catalogue does not list is a warning by default and an error with
        // `--strict`: export writes what `plan` with the same settings accepts.
        let mut rule = Rule::test("unlisted");
        rule.function = rule
            .function
            .replace("ExactMatch.Transcript", "ExactMatch.Summary");
        let live = [rule.live("r1")];
        let (files, problems) = export(
            &live,
            &WriteBack::variables(&BTreeMap::new()),
            "",
            &FunctionPolicy::default(),
        );
        assert_eq!((files.len(), problems.len()), (1, 0), "{problems:?}");
        let strict = FunctionPolicy {
            strict: true,
            ..FunctionPolicy::default()
        };
        let (files, problems) = export(&live, &WriteBack::variables(&BTreeMap::new()), "", &strict);
        assert_eq!((files.len(), problems.len()), (0, 1));
    }

    #[test]
    fn variable_values_are_written_back_as_references() {
        let mut rule = Rule::test("a");
        rule.actions[0] = crate::model::RuleAction {
            action_type: "CREATE_TASK".into(),
            task_action: Some(crate::model::TaskActionDefinition {
                name: "t".into(),
                description: None,
                contact_flow_id: "flow-123".into(),
                references: None,
            }),
            ..crate::model::RuleAction::default()
        };
        let variables = BTreeMap::from([("flow".to_owned(), "flow-123".to_owned())]);
        let (files, problems) = export(
            &[rule.live("r1")],
            &WriteBack::variables(&variables),
            "",
            &FunctionPolicy::default(),
        );
        assert!(problems.is_empty(), "{problems:?}");
        assert!(
            files[0].text.contains("ContactFlowId: ${var.flow}"),
            "{}",
            files[0].text
        );
    }

    fn named_rule() -> Rule {
        serde_json::from_value(serde_json::json!({
            "Name": "named",
            "TriggerEventSource": {"EventSourceName": "OnPostCallAnalysisAvailable"},
            "Function": r#"{"Version":"2022-11-25","RuleFunction":{"Operator":"AND","Operands":[{"Operator":"CONTAINS_ANY","Operands":["q-1","q-3"],"ComparisonValue":"$.ContactLens.PostCall.Queue.QueueId","Negate":false}]}}"#,
            "Actions": [
                {"ActionType": "CREATE_TASK", "TaskAction": {
                    "Name": "t", "Description": "q-1", "ContactFlowId": "f-1"}},
                {"ActionType": "SEND_NOTIFICATION", "SendNotificationAction": {
                    "DeliveryMethod": "EMAIL", "Subject": "s", "Content": "c",
                    "ContentType": "PLAIN_TEXT",
                    "Recipient": {"UserIds": ["u-1", "u-2", "u-9"]}}}
            ],
            "PublishStatus": "PUBLISHED"
        }))
        .expect("a rule")
    }

    fn named_directory() -> Directory {
        let resource = |id: &str, name: &str| crate::reference::Resource {
            id: id.to_owned(),
            arn: format!("arn:{id}"),
            name: name.to_owned(),
        };
        let mut directory = Directory::default();
        directory.insert(
            ResourceKind::Queue,
            vec![
                resource("q-1", "Billing"),
                resource("q-3", "Support"),
                resource("q-4", "Support"),
            ],
        );
        directory.insert(ResourceKind::Flow, vec![resource("f-1", "Callback")]);
        directory.insert(
            ResourceKind::User,
            vec![resource("u-1", "jdoe"), resource("u-2", "odd}name")],
        );
        directory
    }

    #[test]
    fn ids_that_name_one_resource_of_their_places_kind_are_written_as_references() {
        let directory = named_directory();
        let write_back = WriteBack {
            variables: &BTreeMap::new(),
            directory: Some(&directory),
            name_ids: true,
            only_kept: false,
        };
        let (files, problems) = export(
            &[named_rule().live("r1")],
            &write_back,
            "",
            &FunctionPolicy::default(),
        );
        assert!(problems.is_empty(), "{problems:?}");
        let text = &files[0].text;
        for expected in [
            "ContactFlowId: ${flow:Callback}",
            "- ${queue:Billing}",
            "- q-3",
            "- ${user:jdoe}",
            "- u-2",
            "- u-9",
            "Description: q-1",
        ] {
            assert!(text.contains(expected), "`{expected}` in:\n{text}");
        }
        // Without the directory (`--raw-ids`), every id stays.
        let (files, _) = export(
            &[named_rule().live("r1")],
            &WriteBack::variables(&BTreeMap::new()),
            "",
            &FunctionPolicy::default(),
        );
        assert!(!files[0].text.contains("${"), "{}", files[0].text);
    }

    #[test]
    fn a_variable_wins_over_a_reference_and_kept_text_wins_over_both() {
        let directory = named_directory();
        let variables = BTreeMap::from([("callback".to_owned(), "f-1".to_owned())]);
        let write_back = WriteBack {
            variables: &variables,
            directory: Some(&directory),
            name_ids: true,
            only_kept: false,
        };
        let live = named_rule();
        let text = export_rule(
            &live,
            Path::new("n.yaml"),
            &Kept::default(),
            "",
            &write_back,
            &FunctionPolicy::default(),
        )
        .unwrap()
        .text;
        assert!(text.contains("ContactFlowId: ${var.callback}"), "{text}");
        let at = |steps: &[&str]| -> Vec<Step> {
            steps
                .iter()
                .map(|step| {
                    step.parse()
                        .map_or_else(|_| Step::Key((*step).to_owned()), Step::Index)
                })
                .collect()
        };
        let kept = Kept::from([
            (
                at(&["Actions", "0", "TaskAction", "ContactFlowId"]),
                "${flow:Callback}".to_owned(),
            ),
            // Stands for another value than the live one: kept all the same (the variable
            // may have changed in the config), and said.
            (
                at(&["Actions", "0", "TaskAction", "Name"]),
                "${var.callback}".to_owned(),
            ),
        ]);
        let exported = export_rule(
            &live,
            Path::new("n.yaml"),
            &kept,
            "# kept\n",
            &write_back,
            &FunctionPolicy::default(),
        )
        .unwrap();
        let text = exported.text;
        assert!(text.starts_with("# kept\nName: named\n"), "{text}");
        assert!(text.contains("ContactFlowId: ${flow:Callback}"), "{text}");
        assert!(text.contains("Name: ${var.callback}\n"), "{text}");
        assert_eq!(
            exported.kept_variables,
            [KeptVariable {
                place: "Actions[0].TaskAction.Name".into(),
                pointer: "/Actions/0/TaskAction/Name".into(),
                written: "${var.callback}".into(),
                live: "t".into(),
                file_value: "f-1".into(),
            }]
        );
    }

    #[test]
    fn an_update_writes_a_literal_where_the_file_had_one_even_when_a_variable_holds_it() {
        let directory = named_directory();
        let variables = BTreeMap::from([
            ("callback".to_owned(), "f-1".to_owned()),
            ("logic".to_owned(), "AND".to_owned()),
        ]);
        let mut write_back = WriteBack {
            variables: &variables,
            directory: Some(&directory),
            name_ids: true,
            only_kept: true,
        };
        let export = |write_back: &WriteBack<'_>| {
            export_rule(
                &named_rule(),
                Path::new("n.yaml"),
                &Kept::default(),
                "",
                write_back,
                &FunctionPolicy::default(),
            )
            .unwrap()
            .text
        };
        let text = export(&write_back);
        assert!(!text.contains("${"), "nothing invented:\n{text}");
        assert!(text.contains("Operator: AND\n"), "{text}");
        assert!(text.contains("ContactFlowId: f-1\n"), "{text}");
        // A plain export writes them.
        write_back.only_kept = false;
        let text = export(&write_back);
        assert!(text.contains("Operator: ${var.logic}\n"), "{text}");
        assert!(text.contains("ContactFlowId: ${var.callback}\n"), "{text}");
    }

    #[test]
    fn a_variable_the_file_wrote_is_put_back_into_an_edited_value_or_the_file_refused() {
        let variables = BTreeMap::from([("team".to_owned(), "Billing".to_owned())]);
        let write_back = WriteBack {
            variables: &variables,
            directory: None,
            name_ids: false,
            only_kept: true,
        };
        let description = vec![
            Step::Key("Actions".into()),
            Step::Index(0),
            Step::Key("TaskAction".into()),
            Step::Key("Description".into()),
        ];
        let mut live = named_rule();
        live.actions[0].task_action.as_mut().unwrap().description =
            Some("Call Billing back today".into());
        let export = |written: &str| {
            export_rule(
                &live,
                Path::new("n.yaml"),
                &Kept::from([(description.clone(), written.to_owned())]),
                "",
                &write_back,
                &FunctionPolicy::default(),
            )
        };
        // Edited around the variable on the instance: the variable goes back where its value is.
        let exported = export("Call ${var.team} back").unwrap();
        assert!(
            exported
                .text
                .contains("Description: Call ${var.team} back today\n"),
            "{}",
            exported.text
        );
        assert!(exported.kept_variables.is_empty());
        // The value is gone from the live text: the variable cannot be kept, the file is refused.
        live.actions[0].task_action.as_mut().unwrap().description = Some("Call back".into());
        let export = |written: &str| {
            export_rule(
                &live,
                Path::new("n.yaml"),
                &Kept::from([(description.clone(), written.to_owned())]),
                "",
                &write_back,
                &FunctionPolicy::default(),
            )
        };
        let err = export("Call ${var.team} back today").expect_err("cannot keep it");
        assert!(
            err.starts_with(
                "`Call ${var.team} back today` at Actions[0].TaskAction.Description cannot be kept"
            ),
            "{err}"
        );
        assert!(err.contains("hint: "), "{err}");
    }
}
