//! Export: turns live rules into rule files. Pure: live rules in, file names and texts out.
//!
//! Each file must load back into exactly the live rule (the round-trip law: export, then plan
//! shows no changes), so every text is checked by loading and validating it, with the project's
//! own Function policy, before it is returned; a rule whose `Function` does not survive as a YAML
//! mapping is written with `Function` as a JSON string. A rule is refused for one of two
//! reasons, told apart in its message: its file would load back as a different rule, or
//! `validate` rejects the file (then `plan` would refuse the whole folder).

use std::collections::BTreeMap;
use std::path::PathBuf;

use serde_json::Value;

use crate::diff::{changed_fields, normalized};
use crate::load::{parse_rule_file, RuleFile};
use crate::model::ownership::{
    with_ownership, OWNERSHIP_TAG_KEY, OWNERSHIP_TAG_VALUE, OWNER_TAG_KEY, SOURCE_TAG_KEY,
};
use crate::model::{LiveRule, Rule};
use crate::validate::{validate_with, FunctionPolicy};

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

/// Exports `live` rules. `schema_ref` is the `$schema` path written at the top of each file;
/// `variables` turn matching string values back into `${var.NAME}`; `policy` is the project's
/// Function policy, so a written file is one that `validate` and `plan` accept.
pub fn export(
    live: &[LiveRule],
    variables: &BTreeMap<String, String>,
    schema_ref: &str,
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
        match export_one(&rule.rule, &file_name, variables, schema_ref, policy) {
            Ok(text) => files.push(ExportFile {
                file_name,
                rule_name: rule.rule.name.clone(),
                text,
            }),
            Err(message) => problems.push(ExportProblem {
                rule_name: rule.rule.name.clone(),
                message,
            }),
        }
    }
    (files, problems)
}

fn export_one(
    rule: &Rule,
    file_name: &str,
    variables: &BTreeMap<String, String>,
    schema_ref: &str,
    policy: &FunctionPolicy,
) -> Result<String, String> {
    let mut clean = normalized(rule);
    if clean.tags.get(OWNERSHIP_TAG_KEY).map(String::as_str) == Some(OWNERSHIP_TAG_VALUE) {
        clean.tags.remove(OWNERSHIP_TAG_KEY);
        clean.tags.remove(OWNER_TAG_KEY);
    }
    clean.tags.remove(SOURCE_TAG_KEY);
    let mut differs = Vec::new();
    let mut rejected = Vec::new();
    for function_as_mapping in [true, false] {
        let text = render(&clean, variables, schema_ref, function_as_mapping)?;
        match reload(&text, file_name, variables, policy) {
            Ok(loaded) => {
                let differences = changed_fields(&with_ownership(rule), &with_ownership(&loaded));
                if differences.is_empty() {
                    return Ok(text);
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

fn render(
    rule: &Rule,
    variables: &BTreeMap<String, String>,
    schema_ref: &str,
    function_as_mapping: bool,
) -> Result<String, String> {
    let mut value = serde_json::to_value(rule).map_err(|err| err.to_string())?;
    let function = serde_json::from_str::<Value>(&rule.function).ok();
    if let (Some(slot), Some(parsed), true) =
        (value.get_mut("Function"), function, function_as_mapping)
    {
        *slot = parsed;
    }
    let reverse = reverse_variables(variables);
    escape_and_substitute(&mut value, &reverse);
    let yaml = serde_yaml::to_string(&value).map_err(|err| err.to_string())?;
    Ok(format!(
        "# yaml-language-server: $schema={schema_ref}\n{}",
        quote_dates(&yaml)
    ))
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

/// Escapes literal `${` as `$${` and writes variable values back as `${var.NAME}`.
fn escape_and_substitute(value: &mut Value, reverse: &[(String, String)]) {
    match value {
        Value::String(text) => {
            let escaped = text.replace("${", "$${");
            *text = match reverse.iter().find(|(v, _)| *v == escaped) {
                Some((_, name)) => format!("${{var.{name}}}"),
                None => escaped,
            };
        }
        Value::Array(items) => items
            .iter_mut()
            .for_each(|item| escape_and_substitute(item, reverse)),
        Value::Object(members) => members
            .values_mut()
            .for_each(|member| escape_and_substitute(member, reverse)),
        _ => {}
    }
}

/// Loads and validates `text` as the file `file_name`; on failure, the error findings.
fn reload(
    text: &str,
    file_name: &str,
    variables: &BTreeMap<String, String>,
    policy: &FunctionPolicy,
) -> Result<Rule, Vec<String>> {
    let file = RuleFile {
        path: PathBuf::from(file_name),
        bytes: text.as_bytes().to_vec(),
    };
    let source = parse_rule_file(&file, variables)
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
            &BTreeMap::new(),
            "../schema/rule.schema.json",
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
        let back = reload(text, "a.yaml", &BTreeMap::new(), &FunctionPolicy::default()).unwrap();
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
            &BTreeMap::new(),
            "s.json",
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
            &BTreeMap::new(),
            "s.json",
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
            &BTreeMap::new(),
            "s.json",
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
            &BTreeMap::new(),
            "s.json",
            &FunctionPolicy::default(),
        );
        assert_eq!((files.len(), problems.len()), (1, 0), "{problems:?}");
        let strict = FunctionPolicy {
            strict: true,
            ..FunctionPolicy::default()
        };
        let (files, problems) = export(&live, &BTreeMap::new(), "s.json", &strict);
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
            &variables,
            "s.json",
            &FunctionPolicy::default(),
        );
        assert!(problems.is_empty(), "{problems:?}");
        assert!(
            files[0].text.contains("ContactFlowId: ${var.flow}"),
            "{}",
            files[0].text
        );
    }
}
