//! `schema/rule.schema.json` checked with a real JSON Schema validator (the `jsonschema` crate,
//! draft 2020-12, the draft schemars emits): every example rule in the repository matches it,
//! and each typical mistake it can express is rejected at the place where it is made.

use std::path::{Path, PathBuf};

use serde_json::{json, Value};

fn manifest_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The committed schema, compiled.
fn validator() -> jsonschema::Validator {
    let text = std::fs::read_to_string(manifest_dir().join("schema/rule.schema.json"))
        .expect("read schema/rule.schema.json");
    let schema: Value = serde_json::from_str(&text).expect("the schema is JSON");
    assert_eq!(
        schema["$schema"], "https://json-schema.org/draft/2020-12/schema",
        "the validator is set up for the draft the schema declares"
    );
    jsonschema::options()
        .with_draft(jsonschema::Draft::Draft202012)
        .should_validate_formats(true)
        .build(&schema)
        .expect("the schema compiles")
}

/// Each error as `instance path: message`.
fn errors(validator: &jsonschema::Validator, rule: &Value) -> Vec<String> {
    validator
        .iter_errors(rule)
        .map(|error| format!("{}: {error}", error.instance_path()))
        .collect()
}

fn yaml_to_json(text: &str, origin: &Path) -> Value {
    let yaml: serde_yaml::Value = serde_yaml::from_str(text)
        .unwrap_or_else(|err| panic!("`{}` is YAML: {err}", origin.display()));
    serde_json::to_value(yaml).unwrap_or_else(|err| panic!("`{}`: {err}", origin.display()))
}

fn rule_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let mut entries: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap_or_else(|err| panic!("read `{}`: {err}", dir.display()))
        .map(|entry| entry.expect("a directory entry").path())
        .collect();
    entries.sort();
    for path in entries {
        if path.is_dir() {
            rule_files(&path, out);
        } else if path
            .extension()
            .is_some_and(|ext| ext == "yaml" || ext == "yml")
        {
            out.push(path);
        }
    }
}

/// The example rules: `rules/` and the README's rule examples (the YAML blocks that start with
/// the schema comment). The fuzz seeds are inputs for the fuzzer, not examples: some are old
/// copies with conditions the catalogue does not list.
fn example_rules() -> Vec<(String, Value)> {
    let root = manifest_dir();
    let mut files = Vec::new();
    rule_files(&root.join("rules"), &mut files);
    let mut examples: Vec<(String, Value)> = files
        .iter()
        .map(|path| {
            let text = std::fs::read_to_string(path).expect("read an example rule");
            let name = path
                .strip_prefix(&root)
                .unwrap_or(path)
                .display()
                .to_string();
            (name, yaml_to_json(&text, path))
        })
        .collect();
    let readme = std::fs::read_to_string(root.join("README.md")).expect("read README.md");
    for (index, block) in readme.split("```yaml\n").skip(1).enumerate() {
        let block = block.split("```").next().unwrap_or_default();
        if block.starts_with("# yaml-language-server: $schema=") {
            let name = format!("README.md yaml block {}", index + 1);
            examples.push((name.clone(), yaml_to_json(block, Path::new(&name))));
        }
    }
    examples
}

#[test]
fn every_example_rule_matches_the_schema() {
    let validator = validator();
    let examples = example_rules();
    assert!(
        examples.len() >= 5,
        "the examples were found: {:?}",
        examples.iter().map(|(name, _)| name).collect::<Vec<_>>()
    );
    let mut failures = Vec::new();
    for (name, rule) in &examples {
        let found = errors(&validator, rule);
        if !found.is_empty() {
            failures.push(format!("{name}:\n  {}", found.join("\n  ")));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// What an editor offers for `ComparisonValue` in a post-call rule: the catalogue's paths,
/// each with its subject phrase and operators.
#[test]
fn the_schema_offers_the_post_call_paths_with_descriptions() {
    let text = std::fs::read_to_string(manifest_dir().join("schema/rule.schema.json"))
        .expect("read schema/rule.schema.json");
    let schema: Value = serde_json::from_str(&text).expect("the schema is JSON");
    let choices = schema["$defs"]["OnPostCallAnalysisAvailableCondition"]["properties"]
        ["ComparisonValue"]["anyOf"]
        .as_array()
        .expect("the post-call paths are listed");
    let lines: Vec<String> = choices
        .iter()
        .map(|choice| {
            let path = choice["const"]
                .as_str()
                .or_else(|| choice["pattern"].as_str())
                .expect("a path or a pattern");
            format!(
                "{path}\n    {}",
                choice["description"].as_str().unwrap_or("-")
            )
        })
        .collect();
    insta::assert_snapshot!(lines.join("\n"));
}

// The mistakes ------------------------------------------------------------------------------

/// A valid post-call rule with its `Function` as a mapping, which each case below breaks in
/// one place.
fn good_rule() -> Value {
    json!({
        "Name": "refund-request",
        "TriggerEventSource": { "EventSourceName": "OnPostCallAnalysisAvailable" },
        "Function": {
            "Version": "2022-11-25",
            "RuleFunction": {
                "Operator": "AND",
                "Operands": [
                    {
                        "Operator": "CONTAINS_ANY",
                        "Operands": ["refund", "${var.magic_word}"],
                        "ComparisonValue": "$.ContactLens.PostCall.ExactMatch.Transcript",
                        "FilterClause": {
                            "LogicOperator": "AND",
                            "Filters": [{ "Type": "ParticipantRole", "Data": "CUSTOMER" }]
                        },
                        "Negate": false
                    },
                    {
                        "Operator": "NumberGreaterOrEqualTo",
                        "Operands": [30],
                        "ComparisonValue": "$.ContactLens.PostCall.Agent.NonTalkTimePct",
                        "Negate": false
                    },
                    {
                        "Operator": "CONTAINS_ANY",
                        "Operands": ["${var.queue_id}"],
                        "ComparisonValue": "$.ContactLens.PostCall.Queue.QueueId",
                        "Negate": false
                    },
                    {
                        "Operator": "EQUALS",
                        "Operands": ["gold"],
                        "ComparisonValue": "$.ContactLens.PostCall.ContactAttribute.tier",
                        "Negate": false
                    }
                ]
            }
        },
        "Actions": [
            {
                "ActionType": "CREATE_TASK",
                "TaskAction": { "Name": "Call back", "ContactFlowId": "${var.callback_flow_id}" }
            },
            { "ActionType": "ASSIGN_CONTACT_CATEGORY", "AssignContactCategoryAction": {} }
        ],
        "PublishStatus": "PUBLISHED",
        "Tags": { "team": "retention" }
    })
}

/// Asserts the good rule passes, and that `mistake` applied to it fails with an error at `at`
/// (a JSON pointer into the rule) or inside it. Inside `anyOf` (an operand is a condition or a
/// group; an optional member is a definition or `null`) the validator reports the place where
/// the alternatives begin, so `at` is that place: the mistake is the only change to the rule.
fn assert_rejected(mistake: impl FnOnce(&mut Value), at: &str) {
    let validator = validator();
    let good = good_rule();
    assert_eq!(
        errors(&validator, &good),
        Vec::<String>::new(),
        "the good rule passes"
    );
    let mut bad = good;
    mistake(&mut bad);
    let found = errors(&validator, &bad);
    assert!(
        found
            .iter()
            .any(|error| error.starts_with(&format!("{at}:"))
                || error.starts_with(&format!("{at}/"))),
        "expected an error at `{at}`, got: {found:#?}"
    );
}

fn condition(rule: &mut Value, index: usize) -> &mut Value {
    &mut rule["Function"]["RuleFunction"]["Operands"][index]
}

/// Asserts that the mistake in operand `index` is rejected in the whole rule (at the operand,
/// see [`assert_rejected`]), and that the post-call condition schema alone reports it at `at`
/// inside that operand: the place an editor underlines.
fn assert_condition_rejected(index: usize, mistake: impl Fn(&mut Value), at: &str) {
    assert_rejected(
        |rule| mistake(condition(rule, index)),
        &format!("/Function/RuleFunction/Operands/{index}"),
    );
    let text = std::fs::read_to_string(manifest_dir().join("schema/rule.schema.json"))
        .expect("read schema/rule.schema.json");
    let full: Value = serde_json::from_str(&text).expect("the schema is JSON");
    let condition_schema = json!({
        "$schema": full["$schema"],
        "$ref": "#/$defs/OnPostCallAnalysisAvailableCondition",
        "$defs": full["$defs"]
    });
    let validator = jsonschema::validator_for(&condition_schema).expect("the schema compiles");
    let mut operand = condition(&mut good_rule(), index).clone();
    assert_eq!(errors(&validator, &operand), Vec::<String>::new());
    mistake(&mut operand);
    let found = errors(&validator, &operand);
    assert!(
        found
            .iter()
            .any(|error| error.starts_with(&format!("{at}:"))),
        "expected an error at `{at}` in the condition, got: {found:#?}"
    );
}

// The seven the issue found passing the old schema.

#[test]
fn rejects_an_action_type_without_its_definition() {
    assert_rejected(
        |rule| {
            rule["Actions"][0] = json!({ "ActionType": "CREATE_TASK" });
        },
        "/Actions/0",
    );
}

#[test]
fn rejects_two_definitions_in_one_action() {
    assert_rejected(
        |rule| {
            rule["Actions"][1]["EventBridgeAction"] = json!({ "Name": "extra" });
        },
        "/Actions/1",
    );
}

#[test]
fn rejects_a_salesforce_rule_without_an_integration_association() {
    assert_rejected(
        |rule| {
            rule["TriggerEventSource"] = json!({ "EventSourceName": "OnSalesforceCaseCreate" });
            rule["Function"] = json!("{\"Version\":\"2022-11-25\",\"RuleFunction\":{}}");
        },
        "/TriggerEventSource",
    );
}

#[test]
fn rejects_a_zendesk_rule_without_an_integration_association() {
    assert_rejected(
        |rule| {
            rule["TriggerEventSource"] = json!({ "EventSourceName": "OnZendeskTicketCreate" });
            rule["Function"] = json!("{\"Version\":\"2022-11-25\",\"RuleFunction\":{}}");
        },
        "/TriggerEventSource",
    );
}

#[test]
fn rejects_sixty_tags() {
    assert_rejected(
        |rule| {
            for n in 0..60 {
                rule["Tags"][format!("tag-{n}")] = json!("x");
            }
        },
        "/Tags",
    );
}

#[test]
fn rejects_a_tag_key_with_the_reserved_aws_prefix() {
    assert_rejected(
        |rule| {
            rule["Tags"]["aws:team"] = json!("x");
        },
        "/Tags",
    );
}

#[test]
fn rejects_a_comparison_value_the_source_does_not_offer() {
    // A real-time path in a post-call rule.
    assert_condition_rejected(
        0,
        |condition| {
            condition["ComparisonValue"] =
                json!("$.ContactLens.RealTimeCall.ExactMatch.Transcript");
        },
        "/ComparisonValue",
    );
}

#[test]
fn rejects_an_operator_the_path_does_not_take() {
    assert_condition_rejected(
        0,
        |condition| condition["Operator"] = json!("NumberGreaterOrEqualTo"),
        "/Operator",
    );
}

#[test]
fn rejects_an_unknown_operator() {
    assert_condition_rejected(
        0,
        |condition| condition["Operator"] = json!("CONTAINS_ALL"),
        "/Operator",
    );
}

// Mistakes the schema already rejected, kept so they stay rejected.

#[test]
fn rejects_an_unknown_member() {
    assert_rejected(
        |rule| {
            rule["PublishState"] = json!("PUBLISHED");
        },
        "",
    );
}

#[test]
fn rejects_a_missing_name() {
    assert_rejected(
        |rule| {
            rule.as_object_mut().unwrap().remove("Name");
        },
        "",
    );
}

#[test]
fn rejects_a_name_with_spaces() {
    assert_rejected(
        |rule| {
            rule["Name"] = json!("refund request");
        },
        "/Name",
    );
}

#[test]
fn rejects_an_unknown_event_source() {
    assert_rejected(
        |rule| {
            rule["TriggerEventSource"]["EventSourceName"] = json!("OnPostCallAnalysis");
        },
        "/TriggerEventSource/EventSourceName",
    );
}

#[test]
fn rejects_an_unknown_publish_status() {
    assert_rejected(
        |rule| {
            rule["PublishStatus"] = json!("ENABLED");
        },
        "/PublishStatus",
    );
}

#[test]
fn rejects_an_unknown_action_type() {
    assert_rejected(
        |rule| {
            rule["Actions"][1]["ActionType"] = json!("ASSIGN_CATEGORY");
        },
        "/Actions/1/ActionType",
    );
}

#[test]
fn rejects_a_task_without_its_flow() {
    assert_rejected(
        |rule| {
            rule["Actions"][0]["TaskAction"]
                .as_object_mut()
                .unwrap()
                .remove("ContactFlowId");
        },
        "/Actions/0/TaskAction",
    );
}

#[test]
fn rejects_an_eventbridge_event_name_over_100_characters() {
    assert_rejected(
        |rule| {
            rule["Actions"][1] = json!({
                "ActionType": "GENERATE_EVENTBRIDGE_EVENT",
                "EventBridgeAction": { "Name": "e".repeat(101) }
            });
        },
        // The definition is optional (`anyOf [definition, null]`: `validate` reads a `null`
        // member as absent), so the validator reports the member as a whole.
        "/Actions/1/EventBridgeAction",
    );
}

#[test]
fn rejects_a_wrong_function_version() {
    assert_rejected(
        |rule| {
            rule["Function"]["Version"] = json!("2023-01-01");
        },
        "/Function/Version",
    );
}

// More of the catalogue, as the schema now carries it.

#[test]
fn rejects_operands_of_the_wrong_kind_for_the_path() {
    assert_condition_rejected(
        1,
        |condition| condition["Operands"] = json!(["thirty"]),
        "/Operands/0",
    );
}

#[test]
fn rejects_a_number_out_of_the_paths_range() {
    assert_condition_rejected(
        1,
        |condition| condition["Operands"] = json!([130]),
        "/Operands/0",
    );
}

#[test]
fn rejects_a_filter_type_the_path_does_not_take() {
    assert_condition_rejected(
        0,
        |condition| condition["FilterClause"]["Filters"][0]["Type"] = json!("Queue"),
        "/FilterClause/Filters/0/Type",
    );
}

#[test]
fn rejects_a_filter_clause_on_a_path_that_takes_none() {
    assert_condition_rejected(
        2,
        |condition| {
            condition["FilterClause"] = json!({
                "LogicOperator": "AND",
                "Filters": [{ "Type": "ParticipantRole", "Data": "CUSTOMER" }]
            });
        },
        "/FilterClause",
    );
}

#[test]
fn rejects_a_condition_with_an_unknown_member() {
    assert_condition_rejected(
        3,
        |condition| condition["ComparisonValues"] = json!("$.ContactLens.PostCall.Queue.QueueId"),
        "",
    );
}

// What the schema must keep accepting.

#[test]
fn accepts_a_function_written_as_a_json_string() {
    let validator = validator();
    let mut rule = good_rule();
    rule["Function"] = json!(serde_json::to_string(&rule["Function"]).unwrap());
    assert_eq!(errors(&validator, &rule), Vec::<String>::new());
}

#[test]
fn accepts_nested_groups_and_placeholder_paths() {
    let validator = validator();
    let mut rule = good_rule();
    let inner = condition(&mut rule, 3).clone();
    *condition(&mut rule, 3) = json!({
        "Operator": "OR",
        "Operands": [inner, {
            "Operator": "EQUALS",
            "Operands": ["${var.tier}"],
            "ComparisonValue": "$.ContactLens.PostCall.ContactAttribute.${var.attribute}",
            "Negate": false
        }]
    });
    assert_eq!(errors(&validator, &rule), Vec::<String>::new());
}

#[test]
fn accepts_a_salesforce_rule_with_a_variable_for_its_integration() {
    let validator = validator();
    let mut rule = good_rule();
    rule["TriggerEventSource"] = json!({
        "EventSourceName": "OnSalesforceCaseCreate",
        "IntegrationAssociationId": "${var.salesforce_integration_id}"
    });
    rule["Function"] = json!({
        "Version": "2022-11-25",
        "RuleFunction": {
            "Operator": "AND",
            "Operands": [{
                "Operator": "EQUALS",
                "Operands": ["${var.account}"],
                "ComparisonValue": "$.ThirdParty.Salesforce.CaseCreate.AccountId",
                "Negate": false
            }]
        }
    });
    assert_eq!(errors(&validator, &rule), Vec::<String>::new());
}
