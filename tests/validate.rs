//! End-to-end tests of `connect-rules validate`: the real binary runs in a temporary folder
//! holding `rules/`, so the paths in its findings are relative and stable, and every finding a
//! user sees (`file:line:col`, message, hint, summary, exit code) is pinned in a snapshot.
//!
//! Each snapshot's description shows the input files with line numbers, so a reviewer can check
//! the reported positions without opening the test.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::time::Duration;

use tempfile::TempDir;

mod support;

use support::{Cli, Run};

/// No run may take longer; a hang on hostile input is a failure, not a stuck CI job.
const TIMEOUT: Duration = Duration::from_secs(20);

/// The variables the repository's example rules use.
const EXAMPLE_VARS: &[&str] = &[
    "retention_queue_id=7a1c0d2e-0000-4000-8000-00000000a11e",
    "callback_flow_id=f1",
    "billing_task_flow_id=f2",
    "salesforce_integration_id=i1",
    "key_account_id=001",
    "quality_form_id=form-1",
];

/// A valid rule; tests replace one line (`str::replace`) so line numbers stay as shown here.
///
/// ```text
///  1 Name: callback
///  2 TriggerEventSource:
///  3   EventSourceName: OnPostCallAnalysisAvailable
///  4 Function: '{"Version":"2022-11-25","RuleFunction":{"Operator":"AND","Operands":[{"Operator":"CONTAINS_ANY","Operands":["refund"],"ComparisonValue":"$.ContactLens.PostCall.ExactMatch.Transcript"}]}}'
///  5 PublishStatus: PUBLISHED
///  6 Actions:
///  7   - ActionType: CREATE_TASK
///  8     TaskAction:
///  9       Name: Call back
/// 10       ContactFlowId: flow-1
/// ```
const VALID: &str = r#"Name: callback
TriggerEventSource:
  EventSourceName: OnPostCallAnalysisAvailable
Function: '{"Version":"2022-11-25","RuleFunction":{"Operator":"AND","Operands":[{"Operator":"CONTAINS_ANY","Operands":["refund"],"ComparisonValue":"$.ContactLens.PostCall.ExactMatch.Transcript"}]}}'
PublishStatus: PUBLISHED
Actions:
  - ActionType: CREATE_TASK
    TaskAction:
      Name: Call back
      ContactFlowId: flow-1
"#;

/// The first six lines of [`VALID`], up to and including `Actions:`; append actions to it.
const HEAD: &str = r#"Name: callback
TriggerEventSource:
  EventSourceName: OnPostCallAnalysisAvailable
Function: '{"Version":"2022-11-25","RuleFunction":{"Operator":"AND","Operands":[{"Operator":"CONTAINS_ANY","Operands":["refund"],"ComparisonValue":"$.ContactLens.PostCall.ExactMatch.Transcript"}]}}'
PublishStatus: PUBLISHED
Actions:
"#;

/// A run of `connect-rules` in a fresh folder.
struct Case {
    dir: TempDir,
    files: Vec<(String, Vec<u8>)>,
    args: Vec<String>,
}

impl Run {
    /// The text a snapshot pins: exit code, then everything on stderr.
    fn snapshot_text(&self) -> String {
        format!("exit: {}\n---\n{}", self.code, self.stderr)
    }

    /// How many findings were errors (lines with ` error: `).
    fn error_lines(&self) -> usize {
        self.stderr
            .lines()
            .filter(|line| line.contains(": error: "))
            .count()
    }
}

impl Case {
    /// An empty folder with an empty `rules/` in it; runs `validate` unless told otherwise.
    fn new() -> Self {
        let dir = tempfile::tempdir().expect("a temporary folder");
        std::fs::create_dir(dir.path().join("rules")).expect("create rules/");
        Case {
            dir,
            files: Vec::new(),
            args: vec!["--color".into(), "never".into(), "validate".into()],
        }
    }

    /// Writes `contents` to `path` (relative to the folder), creating parent folders.
    fn file(mut self, path: &str, contents: impl AsRef<[u8]>) -> Self {
        let full = self.dir.path().join(path);
        std::fs::create_dir_all(full.parent().expect("a parent")).expect("create folders");
        std::fs::write(&full, contents.as_ref()).expect("write the file");
        self.files
            .push((path.to_owned(), contents.as_ref().to_vec()));
        self
    }

    /// Adds arguments after `validate`.
    fn args<I, S>(mut self, args: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.args.extend(args.into_iter().map(Into::into));
        self
    }

    /// Removes the `rules/` folder the case starts with.
    fn without_rules_folder(self) -> Self {
        std::fs::remove_dir_all(self.dir.path().join("rules")).expect("remove rules/");
        self
    }

    fn run(&self) -> Run {
        run_in(self.dir.path(), &self.args)
    }

    /// Runs and pins the outcome in the snapshot `name`: exit code and stderr, then the command
    /// line and the input files with line numbers, so positions can be checked in the snapshot.
    fn snapshot(&self, name: &str) -> Run {
        let outcome = self.run();
        assert!(
            !outcome.stderr.contains("panicked"),
            "the run panicked:\n{}",
            outcome.stderr
        );
        let text = format!("{}\n{}", outcome.snapshot_text(), self.describe());
        let mut settings = insta::Settings::clone_current();
        settings.set_omit_expression(true);
        settings.bind(|| insta::assert_snapshot!(name, text));
        outcome
    }

    /// The command line and the input files with line numbers (long lines shortened, control
    /// characters and a BOM escaped).
    fn describe(&self) -> String {
        let mut out = format!("=== input: connect-rules {}\n", self.args.join(" "));
        for (path, bytes) in &self.files {
            let Ok(text) = std::str::from_utf8(bytes) else {
                let _ = writeln!(out, "{path}: {} bytes, not UTF-8", bytes.len());
                continue;
            };
            if bytes.len() > 64 * 1024 || text.contains('\0') {
                let _ = writeln!(out, "{path}: {} bytes, not shown", bytes.len());
                continue;
            }
            if text.is_empty() {
                let _ = writeln!(out, "{path}: empty");
                continue;
            }
            let _ = writeln!(out, "{path}:");
            let body = text.strip_suffix('\n').unwrap_or(text);
            for (index, line) in body.split('\n').enumerate() {
                let count = line.chars().count();
                let shown: String = if count > 90 {
                    let head: String = line.chars().take(60).collect();
                    format!("{}... ({count} characters)", escape(&head))
                } else {
                    escape(line)
                };
                let _ = writeln!(out, "{:>3} {shown}", index + 1);
            }
        }
        out
    }
}

/// Shows control characters (`\r`, `\t`...) and a BOM as escapes; everything else as written.
fn escape(line: &str) -> String {
    line.chars()
        .map(|c| {
            if c.is_control() || c == '\u{feff}' {
                c.escape_default().to_string()
            } else {
                c.to_string()
            }
        })
        .collect()
}

/// The binary, run from the repository.
fn connect_rules() -> Cli {
    Cli::new(&manifest_dir()).timeout(TIMEOUT)
}

fn run_in(dir: &Path, args: &[String]) -> Run {
    Cli::new(dir).args(args).timeout(TIMEOUT).run()
}

fn manifest_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// `VALID` with one exact line replaced (the line must occur in it).
fn valid_with(line: &str, replacement: &str) -> String {
    assert!(VALID.contains(line), "`{line}` is not a line of VALID");
    VALID.replacen(line, replacement, 1)
}

// 1. YAML syntax --------------------------------------------------------------------------

#[test]
fn syntax_error_bad_indentation() {
    let case = Case::new().file(
        "rules/indent.yaml",
        "Name: callback\nTriggerEventSource:\n  EventSourceName: OnPostCallAnalysisAvailable\n   PublishStatus: PUBLISHED\n",
    );
    let outcome = case.snapshot("syntax_error_bad_indentation");
    assert_eq!(outcome.code, 1);
    assert!(
        outcome.stderr.contains("rules/indent.yaml:4:"),
        "{}",
        outcome.stderr
    );
}

#[test]
fn syntax_error_unclosed_quote() {
    let case = Case::new().file(
        "rules/quote.yaml",
        valid_with("Name: callback", "Name: \"callback"),
    );
    let outcome = case.snapshot("syntax_error_unclosed_quote");
    assert_eq!(outcome.code, 1);
    assert!(
        outcome.stderr.contains("rules/quote.yaml:"),
        "{}",
        outcome.stderr
    );
}

#[test]
fn syntax_error_truncated_file() {
    let truncated = "Name: callback\nTriggerEventSource:\n  EventSourceName: OnPostCallAnalysisAvailable\nFunction: {\"Version\": \"2022-11-25\", \"RuleFunction\": {\"Operator\": \"AND\",";
    let case = Case::new().file("rules/truncated.yaml", truncated);
    let outcome = case.snapshot("syntax_error_truncated_file");
    assert_eq!(outcome.code, 1);
    assert!(
        outcome.stderr.contains("rules/truncated.yaml:"),
        "{}",
        outcome.stderr
    );
}

// 2. Unknown keys -------------------------------------------------------------------------

#[test]
fn unknown_top_level_key_suggests_the_member() {
    let case = Case::new().file(
        "rules/typo.yaml",
        valid_with("Name: callback", "Nmae: callback"),
    );
    let outcome = case.snapshot("unknown_top_level_key_suggests_the_member");
    assert_eq!(outcome.code, 1);
    assert!(
        outcome.stderr.contains("did you mean `Name`?"),
        "{}",
        outcome.stderr
    );
}

#[test]
fn unknown_nested_key_suggests_the_member() {
    let case = Case::new().file(
        "rules/typo.yaml",
        valid_with("      ContactFlowId: flow-1", "      ContactFlowID: flow-1"),
    );
    let outcome = case.snapshot("unknown_nested_key_suggests_the_member");
    assert_eq!(outcome.code, 1);
    assert!(
        outcome.stderr.contains("rules/typo.yaml:10:7:"),
        "{}",
        outcome.stderr
    );
    assert!(
        outcome.stderr.contains("did you mean `ContactFlowId`?"),
        "{}",
        outcome.stderr
    );
}

#[test]
fn unknown_key_without_a_close_match_lists_the_members() {
    let case = Case::new().file("rules/colour.yaml", format!("{VALID}Colour: blue\n"));
    let outcome = case.snapshot("unknown_key_without_a_close_match_lists_the_members");
    assert_eq!(outcome.code, 1);
    assert!(
        outcome.stderr.contains("rules/colour.yaml:11:1:"),
        "{}",
        outcome.stderr
    );
    assert!(
        outcome.stderr.contains("expected one of:"),
        "{}",
        outcome.stderr
    );
}

// 3. Wrong types --------------------------------------------------------------------------

#[test]
fn wrong_types() {
    let actions_as_mapping = format!(
        "{}Actions:\n  ActionType: CREATE_TASK\n  TaskAction:\n    Name: Call back\n    ContactFlowId: flow-1\n",
        &VALID[..VALID.find("Actions:").expect("Actions")]
    );
    let double_as_string = format!(
        "{HEAD}  - ActionType: UPDATE_CASE\n    UpdateCaseAction:\n      Fields:\n        - Id: priority\n          Value:\n            DoubleValue: high\n"
    )
    .replace("Name: callback", "Name: update-case");
    let case = Case::new()
        .file("rules/actions-mapping.yaml", actions_as_mapping)
        .file(
            "rules/name-number.yaml",
            valid_with("Name: callback", "Name: 42"),
        )
        .file("rules/double-string.yaml", double_as_string)
        .file(
            "rules/tags-list.yaml",
            format!(
                "{}Tags:\n  - team\n",
                valid_with("Name: callback", "Name: tags")
            ),
        );
    let outcome = case.snapshot("wrong_types");
    assert_eq!(outcome.code, 1);
    assert_eq!(outcome.error_lines(), 4, "{}", outcome.stderr);
}

// 4. Missing required members -------------------------------------------------------------

#[test]
fn missing_required_members() {
    let no_function = VALID.replace(
        "Function: '{\"Version\":\"2022-11-25\",\"RuleFunction\":{\"Operator\":\"AND\",\"Operands\":[{\"Operator\":\"CONTAINS_ANY\",\"Operands\":[\"refund\"],\"ComparisonValue\":\"$.ContactLens.PostCall.ExactMatch.Transcript\"}]}}'\n",
        "",
    );
    let no_flow =
        valid_with("      ContactFlowId: flow-1\n", "").replace("Name: callback", "Name: no-flow");
    let case = Case::new()
        .file("rules/no-function.yaml", no_function)
        .file("rules/no-flow.yaml", no_flow);
    let outcome = case.snapshot("missing_required_members");
    assert_eq!(outcome.code, 1);
    assert!(outcome.stderr.contains("`Function`"), "{}", outcome.stderr);
    assert!(
        outcome.stderr.contains("`ContactFlowId`"),
        "{}",
        outcome.stderr
    );
}

// 5. Enum values --------------------------------------------------------------------------

#[test]
fn enum_values() {
    let case = Case::new()
        .file(
            "rules/event-source.yaml",
            valid_with(
                "  EventSourceName: OnPostCallAnalysisAvailable",
                "  EventSourceName: OnPostCallAnalysisAvailabe",
            ),
        )
        .file(
            "rules/action-type.yaml",
            valid_with("  - ActionType: CREATE_TASK", "  - ActionType: SEND_SMS"),
        )
        .file(
            "rules/publish-status.yaml",
            valid_with("PublishStatus: PUBLISHED", "PublishStatus: published"),
        );
    let outcome = case.snapshot("enum_values");
    assert_eq!(outcome.code, 1);
    assert!(
        outcome
            .stderr
            .contains("did you mean `OnPostCallAnalysisAvailable`?"),
        "{}",
        outcome.stderr
    );
    assert!(
        outcome.stderr.contains("did you mean `PUBLISHED`?"),
        "{}",
        outcome.stderr
    );
    assert!(outcome.stderr.contains("`SEND_SMS`"), "{}", outcome.stderr);
}

// 6. Lengths, patterns and ranges ---------------------------------------------------------

/// Runs one file and pins the outcome; the rule must fail.
fn limit(name: &str, contents: &str, expected: &str) {
    let outcome = Case::new()
        .file("rules/limit.yaml", contents)
        .snapshot(name);
    assert_eq!(outcome.code, 1, "{}", outcome.stderr);
    assert_eq!(outcome.error_lines(), 1, "{}", outcome.stderr);
    assert!(outcome.stderr.contains(expected), "{}", outcome.stderr);
}

#[test]
fn limit_rule_name_with_a_space() {
    limit(
        "limit_rule_name_with_a_space",
        &valid_with("Name: callback", "Name: call back"),
        "rules/limit.yaml:1:7: error: `Name` must match the pattern",
    );
}

#[test]
fn limit_rule_name_201_characters() {
    limit(
        "limit_rule_name_201_characters",
        &valid_with("Name: callback", &format!("Name: {}", "n".repeat(201))),
        "rules/limit.yaml:1:7: error: `Name` has 201 characters",
    );
}

#[test]
fn limit_rule_name_200_characters_passes() {
    let outcome = Case::new()
        .file(
            "rules/limit.yaml",
            valid_with("Name: callback", &format!("Name: {}", "n".repeat(200))),
        )
        .run();
    assert_eq!(outcome.code, 0, "{}", outcome.stderr);
}

#[test]
fn limit_task_name_513_characters() {
    limit(
        "limit_task_name_513_characters",
        &valid_with(
            "      Name: Call back",
            &format!("      Name: {}", "t".repeat(513)),
        ),
        "rules/limit.yaml:9:13: error: `Actions[0].TaskAction.Name` has 513 characters",
    );
}

#[test]
fn limit_task_description_4097_characters() {
    limit(
        "limit_task_description_4097_characters",
        &format!("{VALID}      Description: {}\n", "d".repeat(4097)),
        "rules/limit.yaml:11:20: error: `Actions[0].TaskAction.Description` has 4097 characters",
    );
}

/// `HEAD` with a `SEND_NOTIFICATION` action (lines 7-15) whose subject and content are given.
fn notification(subject: &str, content: &str) -> String {
    format!(
        "{HEAD}  - ActionType: SEND_NOTIFICATION\n    SendNotificationAction:\n      DeliveryMethod: EMAIL\n      Subject: {subject}\n      Content: {content}\n      ContentType: PLAIN_TEXT\n      Recipient:\n        UserTags:\n          team: leads\n"
    )
}

#[test]
fn limit_notification_subject_201_characters() {
    limit(
        "limit_notification_subject_201_characters",
        &notification(&"s".repeat(201), "A callback task was created."),
        "rules/limit.yaml:10:16: error: `Actions[0].SendNotificationAction.Subject` has 201 characters",
    );
}

#[test]
fn limit_notification_content_1025_characters() {
    limit(
        "limit_notification_content_1025_characters",
        &notification("Callback opened", &"c".repeat(1025)),
        "rules/limit.yaml:11:16: error: `Actions[0].SendNotificationAction.Content` has 1025 characters",
    );
}

#[test]
fn limit_eventbridge_name_101_characters() {
    limit(
        "limit_eventbridge_name_101_characters",
        &format!(
            "{HEAD}  - ActionType: GENERATE_EVENTBRIDGE_EVENT\n    EventBridgeAction:\n      Name: {}\n",
            "e".repeat(101)
        ),
        "rules/limit.yaml:9:13: error: `Actions[0].EventBridgeAction.Name` has 101 characters",
    );
}

#[test]
fn limit_tag_key_starting_with_aws() {
    limit(
        "limit_tag_key_starting_with_aws",
        &format!("{VALID}Tags:\n  aws:x: reserved\n"),
        "rules/limit.yaml:12:3: error: `Tags.aws:x` must match the pattern",
    );
}

#[test]
fn limit_tag_value_257_characters() {
    limit(
        "limit_tag_value_257_characters",
        &format!("{VALID}Tags:\n  team: {}\n", "v".repeat(257)),
        "rules/limit.yaml:12:9: error: `Tags.team` has 257 characters",
    );
}

#[test]
fn limit_51_tags() {
    let mut text = format!("{VALID}Tags:\n");
    for index in 0..51 {
        let _ = writeln!(text, "  tag{index}: value");
    }
    limit("limit_51_tags", &text, "error: `Tags` has 51 entries");
}

/// `HEAD` with an `ASSIGN_SLA` action whose `TargetSlaMinutes` (line 13) is given.
fn sla(minutes: &str) -> String {
    format!(
        "{HEAD}  - ActionType: ASSIGN_SLA\n    AssignSlaAction:\n      SlaAssignmentType: CASES\n      CaseSlaConfiguration:\n        Name: first-response\n        Type: CaseField\n        TargetSlaMinutes: {minutes}\n"
    )
}

#[test]
fn limit_target_sla_minutes_0() {
    limit(
        "limit_target_sla_minutes_0",
        &sla("0"),
        "rules/limit.yaml:13:27: error: `Actions[0].AssignSlaAction.CaseSlaConfiguration.TargetSlaMinutes` is 0",
    );
}

#[test]
fn limit_target_sla_minutes_1051201() {
    limit(
        "limit_target_sla_minutes_1051201",
        &sla("1051201"),
        "rules/limit.yaml:13:27: error: `Actions[0].AssignSlaAction.CaseSlaConfiguration.TargetSlaMinutes` is 1051201",
    );
}

#[test]
fn limit_target_sla_minutes_in_range_passes() {
    let outcome = Case::new().file("rules/limit.yaml", sla("1051200")).run();
    assert_eq!(outcome.code, 0, "{}", outcome.stderr);
}

// 7. Action type and definition -----------------------------------------------------------

#[test]
fn action_type_does_not_match_its_definition() {
    let case = Case::new().file(
        "rules/mismatch.yaml",
        format!(
            "{HEAD}  - ActionType: CREATE_TASK\n    EventBridgeAction:\n      Name: escalation\n"
        ),
    );
    let outcome = case.snapshot("action_type_does_not_match_its_definition");
    assert_eq!(outcome.code, 1);
    assert!(
        outcome.stderr.contains("rules/mismatch.yaml:8:5:"),
        "{}",
        outcome.stderr
    );
}

#[test]
fn action_without_its_definition() {
    let case = Case::new().file(
        "rules/bare.yaml",
        format!("{HEAD}  - ActionType: ASSIGN_CONTACT_CATEGORY\n"),
    );
    let outcome = case.snapshot("action_without_its_definition");
    assert_eq!(outcome.code, 1);
    assert!(
        outcome.stderr.contains("AssignContactCategoryAction"),
        "{}",
        outcome.stderr
    );
}

// 8. Function -----------------------------------------------------------------------------

#[test]
fn function_string_that_is_not_json() {
    let case = Case::new().file(
        "rules/function.yaml",
        valid_with(
            "Function: '{\"Version\":\"2022-11-25\",\"RuleFunction\":{\"Operator\":\"AND\",\"Operands\":[{\"Operator\":\"CONTAINS_ANY\",\"Operands\":[\"refund\"],\"ComparisonValue\":\"$.ContactLens.PostCall.ExactMatch.Transcript\"}]}}'",
            "Function: '{\"Version\": \"2022-11-25\", \"RuleFunction\": {'",
        ),
    );
    let outcome = case.snapshot("function_string_that_is_not_json");
    assert_eq!(outcome.code, 1);
    assert!(
        outcome.stderr.contains("rules/function.yaml:4:11:"),
        "{}",
        outcome.stderr
    );
}

#[test]
fn function_string_that_is_a_json_array() {
    let case = Case::new().file(
        "rules/function.yaml",
        valid_with(
            "Function: '{\"Version\":\"2022-11-25\",\"RuleFunction\":{\"Operator\":\"AND\",\"Operands\":[{\"Operator\":\"CONTAINS_ANY\",\"Operands\":[\"refund\"],\"ComparisonValue\":\"$.ContactLens.PostCall.ExactMatch.Transcript\"}]}}'",
            "Function: '[{\"Version\":\"2022-11-25\"}]'",
        ),
    );
    let outcome = case.snapshot("function_string_that_is_a_json_array");
    assert_eq!(outcome.code, 1);
    assert!(
        outcome.stderr.contains("rules/function.yaml:4:11:"),
        "{}",
        outcome.stderr
    );
}

#[test]
fn function_as_a_yaml_mapping_passes() {
    let case = Case::new().file(
        "rules/function.yaml",
        valid_with(
            "Function: '{\"Version\":\"2022-11-25\",\"RuleFunction\":{\"Operator\":\"AND\",\"Operands\":[{\"Operator\":\"CONTAINS_ANY\",\"Operands\":[\"refund\"],\"ComparisonValue\":\"$.ContactLens.PostCall.ExactMatch.Transcript\"}]}}'",
            "Function:\n  Version: \"2022-11-25\"\n  RuleFunction:\n    Operator: AND\n    Operands:\n      - Operator: CONTAINS_ANY\n        Operands: [refund]\n        ComparisonValue: $.ContactLens.PostCall.ExactMatch.Transcript\n        Negate: false",
        ),
    );
    let outcome = case.snapshot("function_as_a_yaml_mapping_passes");
    assert_eq!(outcome.code, 0);
}

// 9. References and integrations ----------------------------------------------------------

#[test]
fn references_over_4096_bytes() {
    let text = format!(
        "{VALID}      References:\n        Playbook:\n          Type: URL\n          Value: https://wiki.example.com/{}\n        Notes:\n          Type: STRING\n          Value: {}\n",
        "p".repeat(2000),
        "n".repeat(2100)
    );
    let case = Case::new().file("rules/references.yaml", text);
    let outcome = case.snapshot("references_over_4096_bytes");
    assert_eq!(outcome.code, 1);
    assert!(
        outcome.stderr.contains("rules/references.yaml:12:"),
        "{}",
        outcome.stderr
    );
}

#[test]
fn references_of_4096_bytes_pass() {
    // Keys "a" and "b" (2 bytes) plus values of 2047 bytes each: exactly 4096.
    let text = format!(
        "{VALID}      References:\n        a:\n          Type: STRING\n          Value: {}\n        b:\n          Type: STRING\n          Value: {}\n",
        "x".repeat(2047),
        "y".repeat(2047)
    );
    let outcome = Case::new().file("rules/references.yaml", text).run();
    assert_eq!(outcome.code, 0, "{}", outcome.stderr);
}

#[test]
fn zendesk_trigger_without_integration_association() {
    let case = Case::new().file(
        "rules/zendesk.yaml",
        valid_with(
            "  EventSourceName: OnPostCallAnalysisAvailable",
            "  EventSourceName: OnZendeskTicketCreate",
        ),
    );
    let outcome = case.snapshot("zendesk_trigger_without_integration_association");
    assert_eq!(outcome.code, 1);
    assert!(
        outcome.stderr.contains("IntegrationAssociationId"),
        "{}",
        outcome.stderr
    );
}

// 10. Duplicate names ---------------------------------------------------------------------

#[test]
fn duplicate_rule_names_across_files() {
    let case = Case::new()
        .file("rules/a.yaml", VALID)
        .file("rules/team/b.yaml", VALID);
    let outcome = case.snapshot("duplicate_rule_names_across_files");
    assert_eq!(outcome.code, 1);
    assert!(
        outcome.stderr.contains("rules/a.yaml"),
        "{}",
        outcome.stderr
    );
    assert!(
        outcome.stderr.contains("rules/team/b.yaml"),
        "{}",
        outcome.stderr
    );
}

// 11. Variables ---------------------------------------------------------------------------

#[test]
fn undefined_variable() {
    let case = Case::new().file(
        "rules/vars.yaml",
        valid_with(
            "      ContactFlowId: flow-1",
            "      ContactFlowId: ${var.flow}",
        ),
    );
    let outcome = case.snapshot("undefined_variable");
    assert_eq!(outcome.code, 1);
    assert!(
        outcome.stderr.contains("rules/vars.yaml:10:22:"),
        "{}",
        outcome.stderr
    );
    assert!(
        outcome.stderr.contains("--var flow=VALUE"),
        "{}",
        outcome.stderr
    );
}

#[test]
fn defined_variable_is_substituted() {
    let case = Case::new()
        .file(
            "rules/vars.yaml",
            valid_with(
                "      ContactFlowId: flow-1",
                "      ContactFlowId: ${var.flow}",
            ),
        )
        .args(["--var", "flow=abc"]);
    let outcome = case.snapshot("defined_variable_is_substituted");
    assert_eq!(outcome.code, 0);
}

#[test]
fn substituted_value_is_validated() {
    // The value a variable brings in is checked like one written in the file.
    let case = Case::new()
        .file(
            "rules/vars.yaml",
            valid_with("Name: callback", "Name: ${var.rule_name}"),
        )
        .args(["--var", "rule_name=has space"]);
    let outcome = case.snapshot("substituted_value_is_validated");
    assert_eq!(outcome.code, 1);
}

#[test]
fn escaped_variable_needs_no_definition() {
    let case = Case::new().file(
        "rules/vars.yaml",
        format!("{VALID}      Description: Literal $${{var.x}} stays as written\n"),
    );
    let outcome = case.snapshot("escaped_variable_needs_no_definition");
    assert_eq!(outcome.code, 0);
}

// 12. Server fields -----------------------------------------------------------------------

#[test]
fn server_fields_and_client_token_are_refused() {
    let text = format!(
        "{VALID}RuleId: 0b8a6b8e-1111-2222-3333-444455556666\nLastUpdatedTime: 2024-01-01T00:00:00Z\nClientToken: token-1\n"
    );
    let case = Case::new().file("rules/server.yaml", text);
    let outcome = case.snapshot("server_fields_and_client_token_are_refused");
    assert_eq!(outcome.code, 1);
    assert_eq!(outcome.error_lines(), 3, "{}", outcome.stderr);
}

// 13. Every problem at once ---------------------------------------------------------------

#[test]
fn every_problem_in_a_file_is_reported_at_once() {
    let text = r#"Nmae: callback
TriggerEventSource:
  EventSourceName: OnPostCallAnalysisAvailabe
Function: '{"Version":'
PublishStatus: published
Actions:
  - ActionType: CREATE_TASK
    TaskAction:
      Name: ""
      ContactFlowID: flow-1
  - ActionType: GENERATE_EVENTBRIDGE_EVENT
    TaskAction:
      Name: Wrong definition
      ContactFlowId: flow-1
Tags:
  aws:team: x
RuleArn: arn:aws:connect:us-east-1:123456789012:instance/x/rule/y
"#;
    let case = Case::new().file("rules/everything.yaml", text);
    let outcome = case.snapshot("every_problem_in_a_file_is_reported_at_once");
    assert_eq!(outcome.code, 1);
    // Nmae (unknown, suggesting Name), EventSourceName, Function, PublishStatus,
    // TaskAction.Name, ContactFlowID (unknown, suggesting ContactFlowId), EventBridgeAction
    // (missing), TaskAction (wrong type of action), Tags key pattern, RuleArn. The required
    // `Name` and `ContactFlowId` are not reported again: the typos were meant as them.
    let errors = 10;
    assert_eq!(outcome.error_lines(), errors, "{}", outcome.stderr);
    assert!(
        outcome.stderr.contains(&format!(
            "1 file checked: 0 valid rules, {errors} errors, 0 warnings"
        )),
        "{}",
        outcome.stderr
    );
}

// 14. The rules folder --------------------------------------------------------------------

#[test]
fn empty_rules_folder_warns() {
    let outcome = Case::new().snapshot("empty_rules_folder_warns");
    assert_eq!(outcome.code, 0);
    assert!(outcome.stderr.contains("warning:"), "{}", outcome.stderr);
}

#[test]
fn missing_rules_folder_fails() {
    let outcome = Case::new()
        .without_rules_folder()
        .snapshot("missing_rules_folder_fails");
    assert_eq!(outcome.code, 1);
    assert!(outcome.stderr.contains("rules"), "{}", outcome.stderr);
}

#[test]
fn missing_rules_folder_given_with_the_option_fails() {
    let outcome = Case::new()
        .args(["--rules", "nowhere"])
        .snapshot("missing_rules_folder_given_with_the_option_fails");
    assert_eq!(outcome.code, 1);
    assert!(outcome.stderr.contains("nowhere"), "{}", outcome.stderr);
}

#[test]
fn files_without_a_yaml_extension_and_hidden_folders_are_skipped() {
    let outcome = Case::new()
        .file("rules/README.md", "not a rule")
        .file("rules/.drafts/broken.yaml", "Name: [")
        .file("rules/nested/deeper/rule.yml", VALID)
        .snapshot("files_without_a_yaml_extension_and_hidden_folders_are_skipped");
    assert_eq!(outcome.code, 0);
    assert!(
        outcome.stderr.contains("1 file checked: 1 valid rule,"),
        "{}",
        outcome.stderr
    );
}

// 15. Malformed files ---------------------------------------------------------------------

/// Runs one hostile file: it must fail (exit 1) with its path named and without a panic.
fn malformed(name: &str, file: &str, contents: &[u8]) -> Run {
    let outcome = Case::new().file(file, contents).snapshot(name);
    assert_eq!(outcome.code, 1, "{}", outcome.stderr);
    assert!(outcome.stderr.contains(file), "{}", outcome.stderr);
    assert!(!outcome.stderr.contains("panicked"), "{}", outcome.stderr);
    outcome
}

#[test]
fn malformed_truncated_yaml() {
    // Cut in the middle of a quoted value, as an interrupted write leaves it.
    let cut = &VALID[..VALID.find("Call back").expect("Call back") + 6];
    let text = cut.replace("Name: Call", "Name: \"Call");
    malformed(
        "malformed_truncated_yaml",
        "rules/cut.yaml",
        text.as_bytes(),
    );
}

#[test]
fn malformed_binary_file() {
    // Fixed bytes: a PNG-like header, NUL bytes and sequences that are not UTF-8.
    let mut bytes = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR".to_vec();
    let mut state: u32 = 0x1234_5678;
    for _ in 0..4096 {
        state = state.wrapping_mul(1_103_515_245).wrapping_add(12_345);
        bytes.push((state >> 16) as u8);
    }
    bytes.extend_from_slice(b"\xff\xfe\xc3\x28\0");
    malformed("malformed_binary_file", "rules/image.yaml", &bytes);
}

#[test]
fn malformed_nul_bytes_in_text() {
    malformed(
        "malformed_nul_bytes_in_text",
        "rules/nul.yaml",
        format!("{VALID}\0\0").as_bytes(),
    );
}

#[test]
fn malformed_ten_megabyte_file() {
    let mut text = String::with_capacity(10 * 1024 * 1024 + 16);
    let mut index = 0;
    while text.len() < 10 * 1024 * 1024 {
        let _ = writeln!(text, "key{index}: b");
        index += 1;
    }
    malformed(
        "malformed_ten_megabyte_file",
        "rules/huge.yaml",
        text.as_bytes(),
    );
}

#[test]
fn malformed_deeply_nested_flow_sequences() {
    let text = format!("Name: {}{}\n", "[".repeat(10_000), "]".repeat(10_000));
    malformed(
        "malformed_deeply_nested_flow_sequences",
        "rules/deep.yaml",
        text.as_bytes(),
    );
}

#[test]
fn malformed_deeply_nested_unclosed_flow_sequences() {
    let text = "[".repeat(10_000);
    malformed(
        "malformed_deeply_nested_unclosed_flow_sequences",
        "rules/deep.yaml",
        text.as_bytes(),
    );
}

#[test]
fn malformed_deeply_nested_block_mappings() {
    let mut text = String::new();
    for depth in 0..200 {
        let _ = writeln!(text, "{}k{depth}:", "  ".repeat(depth));
    }
    malformed(
        "malformed_deeply_nested_block_mappings",
        "rules/deep.yaml",
        text.as_bytes(),
    );
}

#[test]
fn malformed_alias_bomb() {
    let mut text = String::from("a0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]\n");
    for level in 1..10 {
        let previous = format!("*a{}", level - 1);
        let items = [previous.as_str(); 10].join(", ");
        let _ = writeln!(text, "a{level}: &a{level} [{items}]");
    }
    malformed("malformed_alias_bomb", "rules/bomb.yaml", text.as_bytes());
}

#[test]
fn malformed_duplicate_keys() {
    let text = format!("{VALID}Name: second\n");
    malformed(
        "malformed_duplicate_keys",
        "rules/dup.yaml",
        text.as_bytes(),
    );
}

#[test]
fn malformed_multi_document_file() {
    let text = format!(
        "{VALID}---\n{}",
        VALID.replace("Name: callback", "Name: other")
    );
    malformed(
        "malformed_multi_document_file",
        "rules/two.yaml",
        text.as_bytes(),
    );
}

#[test]
fn malformed_custom_tag() {
    let text = valid_with(
        "      ContactFlowId: flow-1",
        "      ContactFlowId: !flow callback",
    );
    malformed("malformed_custom_tag", "rules/tag.yaml", text.as_bytes());
}

#[test]
fn malformed_empty_file() {
    malformed("malformed_empty_file", "rules/empty.yaml", b"");
}

#[test]
fn malformed_file_of_only_comments() {
    malformed(
        "malformed_file_of_only_comments",
        "rules/comments.yaml",
        b"# a rule will go here\n",
    );
}

#[test]
fn malformed_top_level_list() {
    malformed(
        "malformed_top_level_list",
        "rules/list.yaml",
        b"- Name: callback\n",
    );
}

#[test]
fn bom_and_crlf_line_endings_pass() {
    let text = format!("\u{feff}{}", VALID.replace('\n', "\r\n"));
    let outcome = Case::new()
        .file("rules/windows.yaml", text)
        .snapshot("bom_and_crlf_line_endings_pass");
    assert_eq!(outcome.code, 0, "{}", outcome.stderr);
}

#[test]
fn bom_and_crlf_positions_match_the_editor() {
    // After a BOM and with CRLF endings, line 10 column 7 is still where the key starts.
    let text = format!(
        "\u{feff}{}",
        valid_with("      ContactFlowId: flow-1", "      ContactFlowID: flow-1")
            .replace('\n', "\r\n")
    );
    let outcome = Case::new()
        .file("rules/windows.yaml", text)
        .snapshot("bom_and_crlf_positions_match_the_editor");
    assert_eq!(outcome.code, 1);
    assert!(
        outcome.stderr.contains("rules/windows.yaml:10:7:"),
        "{}",
        outcome.stderr
    );
}

// 16. The repository's examples -----------------------------------------------------------

#[test]
fn every_example_rule_validates_clean() {
    let examples = manifest_dir().join("rules");
    let count = count_rule_files(&examples);
    assert!(count > 0, "no example rules in {}", examples.display());
    let mut args = vec!["--rules".to_owned(), examples.display().to_string()];
    for var in EXAMPLE_VARS {
        args.push("--var".into());
        args.push((*var).to_owned());
    }
    let outcome = Case::new().args(args).run();
    assert_eq!(outcome.code, 0, "{}", outcome.stderr);
    let summary = format!("{count} files checked: {count} valid rules, 0 errors, 0 warnings");
    assert_eq!(outcome.stderr.trim(), summary, "{}", outcome.stderr);
}

fn count_rule_files(dir: &Path) -> usize {
    std::fs::read_dir(dir)
        .expect("read the examples folder")
        .map(|entry| entry.expect("a folder entry").path())
        .map(|path| {
            if path.is_dir() {
                count_rule_files(&path)
            } else {
                usize::from(matches!(
                    path.extension().and_then(|ext| ext.to_str()),
                    Some("yaml" | "yml")
                ))
            }
        })
        .sum()
}

// 17. Help --------------------------------------------------------------------------------

#[test]
fn validate_help_shows_an_example() {
    let output = connect_rules().args(["validate", "--help"]).output();
    assert!(output.status.success());
    let help = String::from_utf8_lossy(&output.stdout);
    assert!(help.contains("Example"), "{help}");
}

#[test]
fn schema_help_shows_an_example() {
    let output = connect_rules().args(["schema", "--help"]).output();
    assert!(output.status.success());
    let help = String::from_utf8_lossy(&output.stdout);
    assert!(help.contains("Example"), "{help}");
}

// 18. The committed schema ----------------------------------------------------------------

#[test]
fn committed_schema_is_up_to_date() {
    let output = connect_rules().arg("schema").output();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let generated = String::from_utf8(output.stdout).expect("the schema is UTF-8");
    let committed = std::fs::read_to_string(manifest_dir().join("schema/rule.schema.json"))
        .expect("read schema/rule.schema.json");
    assert!(
        generated == committed,
        "schema/rule.schema.json is out of date: run `cargo run -- schema --out schema/rule.schema.json`"
    );
}

#[test]
fn schema_out_writes_the_file() {
    let case = Case::new();
    let outcome = run_in(
        case.dir.path(),
        &[
            "schema".into(),
            "--out".into(),
            "out/rule.schema.json".into(),
        ],
    );
    assert_eq!(outcome.code, 0, "{}", outcome.stderr);
    assert!(outcome.stdout.is_empty(), "{}", outcome.stdout);
    let written = std::fs::read_to_string(case.dir.path().join("out/rule.schema.json"))
        .expect("the schema file");
    let printed = connect_rules().arg("schema").output().stdout;
    assert_eq!(written.as_bytes(), printed.as_slice());
}

// 16. Machine-readable findings (`--format json|github`) ----------------------------------

/// A folder with one warning (a condition the catalog does not list, in a file whose name has
/// a comma) and one error (a misspelt enum value), run with `--format FORMAT`: findings on
/// stdout, the summary alone on stderr.
fn machine_readable(format: &str) -> Run {
    let warned = VALID.replace(
        "$.ContactLens.PostCall.ExactMatch.Transcript",
        "$.ContactLens.PostCall.Brand.New",
    );
    let case = Case::new()
        .file("rules/refund,warned.yaml", warned)
        .file(
            "rules/broken.yaml",
            valid_with("PublishStatus: PUBLISHED", "PublishStatus: PUBLISHD"),
        )
        .args(["--format", format]);
    let outcome = case.run();
    assert_eq!(outcome.code, 1, "{outcome}");
    assert_eq!(
        outcome.stderr, "2 files checked: 1 valid rule, 1 error, 1 warning\n",
        "the findings go to stdout only"
    );
    let mut settings = insta::Settings::clone_current();
    settings.set_omit_expression(true);
    settings.bind(|| {
        insta::assert_snapshot!(
            format!("validate_format_{format}"),
            format!("{}\n{}", outcome.stdout, case.describe())
        );
    });
    outcome
}

#[test]
fn validate_format_json_is_one_versioned_document() {
    let outcome = machine_readable("json");
    let document: serde_json::Value =
        serde_json::from_str(&outcome.stdout).expect("stdout is one JSON document");
    assert_eq!(document["format_version"], 1);
    assert_eq!(document["files_checked"], 2);
    assert_eq!(
        document["files"],
        serde_json::json!(["rules/broken.yaml", "rules/refund,warned.yaml"]),
        "every file checked, with findings or not"
    );
    let findings = document["findings"].as_array().expect("findings");
    assert_eq!(findings.len(), 2);
    for finding in findings {
        for key in ["file", "line", "column", "severity", "message", "hint"] {
            assert!(finding.get(key).is_some(), "{key} missing in {finding}");
        }
    }
}

#[test]
fn validate_format_github_writes_one_annotation_per_finding() {
    let outcome = machine_readable("github");
    let lines: Vec<&str> = outcome.stdout.lines().collect();
    assert_eq!(lines.len(), 2, "{}", outcome.stdout);
    assert!(
        lines[0].starts_with("::error file=rules/broken.yaml,line=5,col="),
        "{}",
        lines[0]
    );
    assert!(
        lines[1].starts_with("::warning file=rules/refund%2Cwarned.yaml,line=4,col="),
        "{}",
        lines[1]
    );
}

#[test]
fn validate_format_text_is_the_default() {
    let broken = valid_with("PublishStatus: PUBLISHED", "PublishStatus: PUBLISHD");
    let plain = Case::new().file("rules/broken.yaml", &broken).run();
    let text = Case::new()
        .file("rules/broken.yaml", &broken)
        .args(["--format", "text"])
        .run();
    assert_eq!((plain.code, &plain.stderr), (text.code, &text.stderr));
    assert!(plain.stdout.is_empty() && text.stdout.is_empty());
    assert!(plain.stderr.contains("rules/broken.yaml:5:"), "{plain}");
}
