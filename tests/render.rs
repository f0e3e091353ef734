//! The plan renderers (text, JSON, markdown) on a hand-built plan with every kind of change.
//! Pure: no instance, no network.

use std::path::PathBuf;

use connect_rules::diff::{diff, DiffOptions};
use connect_rules::model::{DesiredRule, LiveRule, Rule};
use connect_rules::node::Pos;
use connect_rules::plan::{Change, Plan, PlanTarget};
use connect_rules::render;
use connect_rules::render::markdown::GITHUB_COMMENT_LIMIT;
use connect_rules::style::Style;

const FUNCTION: &str = r#"{"Version":"2022-11-25","RuleFunction":{"Operator":"AND","Operands":[{"Operator":"CONTAINS_ANY","Operands":["refund"],"ComparisonValue":"$.ContactLens.PostCall.ExactMatch.Transcript","Negate":false}]}}"#;
/// The same condition for a post-chat rule.
const CHAT_FUNCTION: &str = r#"{"Version":"2022-11-25","RuleFunction":{"Operator":"AND","Operands":[{"Operator":"CONTAINS_ANY","Operands":["refund"],"ComparisonValue":"$.ContactLens.PostChat.ExactMatch.Transcript","Negate":false}]}}"#;

/// A valid rule from YAML (the `Function` given as a JSON string).
fn rule(name: &str, source: &str, function: &str, tags: &[(&str, &str)]) -> Rule {
    let yaml = format!(
        "Name: {name}\nTriggerEventSource:\n  EventSourceName: {source}\nFunction: '{function}'\nPublishStatus: PUBLISHED\nActions:\n  - ActionType: ASSIGN_CONTACT_CATEGORY\n    AssignContactCategoryAction: {{}}\n"
    );
    let mut rule: Rule = serde_yaml::from_str(&yaml).expect("test rule parses");
    for (key, value) in tags {
        rule.tags.insert((*key).to_owned(), (*value).to_owned());
    }
    rule
}

fn desired(rule: Rule) -> DesiredRule {
    DesiredRule {
        path: PathBuf::from(format!("rules/{}.yaml", rule.name)),
        rule,
        name_pos: Pos { line: 1, col: 7 },
    }
}

fn live(rule: Rule, id: &str) -> LiveRule {
    LiveRule {
        rule_arn: format!("arn:aws:connect:us-east-1:123456789012:instance/inst-1/rule/{id}"),
        rule_id: id.to_owned(),
        rule,
        rule_capability_tiers: Vec::new(),
        created_time: 1_700_000_000.0,
        last_updated_time: 1_700_000_100.0,
        last_updated_by: "arn:aws:iam::123456789012:user/console".to_owned(),
    }
}

fn target() -> PlanTarget {
    PlanTarget {
        name: "prod".to_owned(),
        instance_id: "inst-1".to_owned(),
    }
}

const OWNED: (&str, &str) = ("managed-by", "connect-rules");

/// Create, update (Function and Tags), replace, delete, an unchanged rule and two unmanaged.
fn full_plan() -> Plan {
    let other_function = FUNCTION.replace("refund", "cancel");
    let desired_rules = vec![
        desired(rule(
            "new-rule",
            "OnPostCallAnalysisAvailable",
            FUNCTION,
            &[("team", "billing")],
        )),
        desired(rule(
            "changed-rule",
            "OnPostCallAnalysisAvailable",
            &other_function,
            &[("team", "support")],
        )),
        desired(rule(
            "moved-rule",
            "OnPostChatAnalysisAvailable",
            CHAT_FUNCTION,
            &[],
        )),
        desired(rule(
            "same-rule",
            "OnPostCallAnalysisAvailable",
            FUNCTION,
            &[],
        )),
    ];
    let live_rules = vec![
        live(
            rule(
                "changed-rule",
                "OnPostCallAnalysisAvailable",
                FUNCTION,
                &[OWNED, ("team", "sales")],
            ),
            "id-changed",
        ),
        live(
            rule(
                "moved-rule",
                "OnPostCallAnalysisAvailable",
                FUNCTION,
                &[OWNED],
            ),
            "id-moved",
        ),
        live(
            rule(
                "same-rule",
                "OnPostCallAnalysisAvailable",
                FUNCTION,
                &[OWNED],
            ),
            "id-same",
        ),
        live(
            rule(
                "old-rule",
                "OnPostCallAnalysisAvailable",
                FUNCTION,
                &[OWNED],
            ),
            "id-old",
        ),
        live(
            rule("console-rule", "OnPostCallAnalysisAvailable", FUNCTION, &[]),
            "id-console",
        ),
        live(
            rule(
                "legacy-rule",
                "OnPostChatAnalysisAvailable",
                CHAT_FUNCTION,
                &[("team", "x")],
            ),
            "id-legacy",
        ),
    ];
    diff(
        target(),
        &desired_rules,
        &live_rules,
        &DiffOptions::default(),
    )
    .with_id("plan-1")
}

#[test]
fn the_plan_has_every_kind_of_change() {
    let plan = full_plan();
    let kinds: Vec<(&str, &str)> = plan
        .changes
        .iter()
        .map(|change| {
            let kind = match change {
                Change::Create { .. } => "create",
                Change::Update { .. } => "update",
                Change::Replace { .. } => "replace",
                Change::Delete { .. } => "delete",
            };
            (change.name(), kind)
        })
        .collect();
    assert_eq!(
        kinds,
        [
            ("changed-rule", "update"),
            ("moved-rule", "replace"),
            ("new-rule", "create"),
            ("old-rule", "delete"),
        ]
    );
    let Change::Update { fields, .. } = &plan.changes[0] else {
        panic!("changed-rule is an update");
    };
    let names: Vec<&str> = fields.iter().map(|f| f.field.as_str()).collect();
    assert_eq!(names, ["Function", "Tags"]);
    let unmanaged: Vec<&str> = plan.unmanaged.iter().map(|r| r.name.as_str()).collect();
    assert_eq!(unmanaged, ["console-rule", "legacy-rule"]);
    assert_eq!(
        plan.summary_line(),
        "Plan: 1 to create, 1 to update, 1 to replace, 1 to delete. 2 unmanaged rules left alone."
    );
}

#[test]
fn text_plan() {
    insta::assert_snapshot!(render::text::render(&full_plan(), Style::plain()));
}

#[test]
fn json_plan() {
    let text = render::json::render(&full_plan());
    let value: serde_json::Value = serde_json::from_str(&text).expect("the JSON plan parses");
    assert_eq!(value["format_version"], 1);
    assert_eq!(value["plan_id"], "plan-1");
    assert_eq!(value["changes"].as_array().map(Vec::len), Some(4));
    assert_eq!(
        connect_rules::plan::file::parse(&text).expect("the plan reads back"),
        full_plan()
    );
    insta::assert_snapshot!(text);
}

#[test]
fn markdown_plan() {
    let text = render::markdown::render(&full_plan(), GITHUB_COMMENT_LIMIT);
    assert!(text.len() <= GITHUB_COMMENT_LIMIT);
    assert_balanced_fences(&text);
    insta::assert_snapshot!(text);
}

/// Every fence line opens or closes a block: an even count of them.
fn assert_balanced_fences(text: &str) {
    let fences = text
        .lines()
        .filter(|line| line.trim_start().starts_with("```"))
        .count();
    assert_eq!(fences % 2, 0, "unbalanced ``` fences in:\n{text}");
}

/// `count` creates, each with a `Function` of some 600 characters.
fn large_plan(count: usize) -> Plan {
    let big = "x".repeat(600);
    let desired_rules: Vec<DesiredRule> = (0..count)
        .map(|i| {
            let function = FUNCTION.replace("refund", &format!("refund-{i:03}-{big}"));
            desired(rule(
                &format!("rule-{i:03}"),
                "OnPostCallAnalysisAvailable",
                &function,
                &[],
            ))
        })
        .collect();
    diff(target(), &desired_rules, &[], &DiffOptions::default()).with_id("plan-1")
}

/// The size guard's promises: under the limit, whole blocks, the note, the summary last.
fn assert_size_guarded(text: &str, limit: usize, summary: &str) {
    assert!(text.len() <= limit, "{} > {limit}", text.len());
    let last = text.lines().last().unwrap_or_default();
    assert_eq!(last, format!("**{summary}**"));
    assert!(
        text.contains("are left out to stay under GitHub's comment limit"),
        "no left-out note in:\n{text}"
    );
    assert_balanced_fences(text);
    // Each diff block kept is whole: as many `<details>` open as close.
    assert_eq!(
        text.matches("<details>").count(),
        text.matches("</details>").count()
    );
}

#[test]
fn markdown_leaves_out_diffs_to_stay_under_the_limit() {
    let plan = large_plan(60);
    let limit = 20_000;
    let text = render::markdown::render(&plan, limit);
    assert_size_guarded(&text, limit, &plan.summary_line());
    // Every rule is still in the summary table.
    assert_eq!(text.matches("| ➕ |").count(), 60);
}

#[test]
fn markdown_stays_under_the_limit_with_400_large_changes() {
    let plan = large_plan(400);
    assert_eq!(plan.summary.create, 400);
    let limit = 20_000;
    let text = render::markdown::render(&plan, limit);
    assert_size_guarded(&text, limit, &plan.summary_line());
}

#[test]
fn markdown_stays_under_githubs_limit_with_400_long_rule_names() {
    let desired_rules: Vec<DesiredRule> = (0..400)
        .map(|i| {
            let name = format!("{i:03}-{}", "n".repeat(150));
            desired(rule(&name, "OnPostCallAnalysisAvailable", FUNCTION, &[]))
        })
        .collect();
    let plan = diff(target(), &desired_rules, &[], &DiffOptions::default()).with_id("plan-1");
    let text = render::markdown::render(&plan, GITHUB_COMMENT_LIMIT);
    assert_size_guarded(&text, GITHUB_COMMENT_LIMIT, &plan.summary_line());
}

#[test]
fn markdown_with_the_default_limit_keeps_many_changes_under_githubs_limit() {
    let big = "y".repeat(2_000);
    let desired_rules: Vec<DesiredRule> = (0..400)
        .map(|i| {
            let function = FUNCTION.replace("refund", &format!("{big}{i}"));
            desired(rule(
                &format!("r{i:03}"),
                "OnPostCallAnalysisAvailable",
                &function,
                &[],
            ))
        })
        .collect();
    let plan = diff(target(), &desired_rules, &[], &DiffOptions::default()).with_id("plan-1");
    let text = render::markdown::render(&plan, GITHUB_COMMENT_LIMIT);
    assert_size_guarded(&text, GITHUB_COMMENT_LIMIT, &plan.summary_line());
}

#[test]
fn a_plan_without_changes_says_no_changes() {
    let rules = [rule(
        "same-rule",
        "OnPostCallAnalysisAvailable",
        FUNCTION,
        &[],
    )];
    let desired_rules: Vec<DesiredRule> = rules.iter().cloned().map(desired).collect();
    let live_rules = vec![live(
        rule(
            "same-rule",
            "OnPostCallAnalysisAvailable",
            FUNCTION,
            &[OWNED],
        ),
        "id-same",
    )];
    let plan = diff(
        target(),
        &desired_rules,
        &live_rules,
        &DiffOptions::default(),
    )
    .with_id("plan-1");
    assert!(!plan.has_changes());
    let text = render::text::render(&plan, Style::plain());
    assert!(text.starts_with("No changes."), "{text}");
    insta::assert_snapshot!("no_changes_text", text);
    let markdown = render::markdown::render(&plan, GITHUB_COMMENT_LIMIT);
    assert!(markdown.contains("No changes"), "{markdown}");
    insta::assert_snapshot!("no_changes_markdown", markdown);
    let json: serde_json::Value =
        serde_json::from_str(&render::json::render(&plan)).expect("JSON parses");
    assert_eq!(json["changes"], serde_json::json!([]));
}
