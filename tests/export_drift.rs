//! `export`, `drift` and `adopt` end to end: the CLI binary against the in-process emulator,
//! reached through `aws-sdk-connect` with an endpoint override. The tests seed, change and
//! inspect the instance through the SDK as a console user would. All traffic stays on
//! 127.0.0.1.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use connect_rules::emulator::Operation;
use connect_rules::load::{parse_rule_file, RuleFile};
use connect_rules::model::enums::{ACTION_DEFINITIONS, EVENT_SOURCE_NAMES};
use connect_rules::model::Rule;
use serde_json::Value as Json;

mod support;

use support::rule_text::{all_actions, integration_line};
use support::{Env, INSTANCE};

impl Env {
    /// Creates a rule through the SDK, as a console user would; returns its RuleId.
    async fn seed(&self, rule: &Rule, owned: bool) -> String {
        let rule = if owned {
            connect_rules::model::ownership::with_ownership(rule)
        } else {
            rule.clone()
        };
        self.client
            .create_rule(&rule, &format!("seed-{}", rule.name))
            .await
            .unwrap_or_else(|err| panic!("seed rule `{}` created: {err}", rule.name))
            .1
    }

    /// The rule's tags as ListTagsForResource reports them.
    async fn tags_of(&self, name: &str) -> BTreeMap<String, String> {
        let live = self.live_by_name().await;
        let arn = &live
            .get(name)
            .unwrap_or_else(|| panic!("`{name}` is live"))
            .rule_arn;
        let output = self
            .sdk
            .list_tags_for_resource()
            .resource_arn(arn)
            .send()
            .await
            .expect("ListTagsForResource answers");
        output
            .tags()
            .map(|tags| {
                tags.iter()
                    .map(|(k, v)| (k.clone(), v.clone()))
                    .collect::<BTreeMap<_, _>>()
            })
            .unwrap_or_default()
    }

    fn read(&self, relative: &str) -> String {
        std::fs::read_to_string(self.path().join(relative))
            .unwrap_or_else(|err| panic!("`{relative}` can be read: {err}"))
    }
}

/// Every entry under `dir`, recursively, as sorted relative paths (folders end in `/`).
fn tree(dir: &Path) -> Vec<String> {
    fn walk(root: &Path, dir: &Path, out: &mut Vec<String>) {
        let mut entries: Vec<PathBuf> = std::fs::read_dir(dir)
            .expect("the folder can be listed")
            .map(|entry| entry.expect("a folder entry").path())
            .collect();
        entries.sort();
        for path in entries {
            let relative = path
                .strip_prefix(root)
                .expect("inside the root")
                .display()
                .to_string();
            if path.is_dir() {
                out.push(format!("{relative}/"));
                walk(root, &path, out);
            } else {
                out.push(relative);
            }
        }
    }
    let mut out = Vec::new();
    walk(dir, dir, &mut out);
    out
}

/// How one seeded rule varies from the others.
#[derive(Debug, Clone)]
struct Variant {
    filters: bool,
    tags: &'static str,
    description: &'static str,
}

/// A rule file for `name` on `source` with every action type.
fn rule_yaml(name: &str, source: &str, variant: &Variant) -> String {
    let integration = integration_line(source);
    let filters = if variant.filters {
        "PreEvaluationFilters:\n  AndConditions:\n    - {ResourceType: CONTACT, FilterType: TAG, FilterKey: team, FilterValue: billing, Operator: EQUALS}\n"
    } else {
        ""
    };
    let actions = all_actions(variant.description);
    format!(
        r#"Name: {name}
TriggerEventSource:
  EventSourceName: {source}{integration}
Function:
  Version: "2022-11-25"
  RuleFunction:
    Operator: AND
    Operands:
      - {condition}
PublishStatus: PUBLISHED
{filters}Actions:{actions}{tags}"#,
        tags = variant.tags,
        condition = condition_for(source),
    )
}

/// A condition `source` accepts: a string condition from its catalog, or for a source the
/// catalog does not cover, a number condition on a path of our own (a warning, not an error).
fn condition_for(source: &str) -> String {
    use connect_rules::function::catalog::{for_source, OperandSpec, Placement};
    if source == "OnMetricDataUpdate" {
        // Metric conditions stand in metric groups and need their filters.
        return r#"{Operator: AND, Operands: [{Operator: NumberGreaterOrEqualTo, Operands: [20], ComparisonValue: "$.MetricData.CONTACTS_IN_QUEUE", FilterClause: {LogicOperator: AND, Filters: [{Type: MetricDataFilterByQueue, Data: [queue-1]}]}}]}"#.to_owned();
    }
    let Some(catalog) = for_source(source) else {
        return r#"{Operator: NumberGreaterOrEqualTo, Operands: [60.0], ComparisonValue: "$.Some.Path", Negate: false}"#.to_owned();
    };
    let spec = catalog
        .conditions
        .iter()
        .find(|spec| {
            spec.placement == Placement::Anywhere
                && spec.filters.iter().all(|filter| !filter.required)
                && matches!(spec.operands, OperandSpec::Strings { .. })
        })
        .expect("every catalogued source has a plain string condition");
    let path = spec
        .path
        .replace("{key}", "tier")
        .replace("{field_id}", "priority");
    format!(
        r#"{{Operator: {}, Operands: ["x"], ComparisonValue: "{path}", Negate: false}}"#,
        spec.operators[0]
    )
}

/// Parses and validates one rule file, as the CLI would, and returns the rule.
fn parse(yaml: &str, variables: &BTreeMap<String, String>) -> Rule {
    let file = RuleFile {
        path: PathBuf::from("rules/seed.yaml"),
        bytes: yaml.as_bytes().to_vec(),
    };
    let source = parse_rule_file(&file, variables).expect("the seed rule parses");
    let mut validated = connect_rules::validate::validate(vec![source]);
    assert!(!validated.has_errors(), "{:?}", validated.diagnostics);
    validated.rules.remove(0).rule
}

/// A small rule: CONTAINS_ANY `word` on post-call transcripts, with a CREATE_TASK action.
fn small_rule(name: &str, word: &str, flow: &str) -> Rule {
    parse(
        &format!(
            "Name: {name}\n\
             TriggerEventSource:\n  EventSourceName: OnPostCallAnalysisAvailable\n\
             Function:\n  Version: \"2022-11-25\"\n  RuleFunction:\n    Operator: AND\n    Operands:\n      - Operator: CONTAINS_ANY\n        Operands: [\"{word}\"]\n        ComparisonValue: $.ContactLens.PostCall.ExactMatch.Transcript\n        Negate: false\n\
             PublishStatus: PUBLISHED\n\
             Actions:\n  - ActionType: CREATE_TASK\n    TaskAction:\n      Name: Call back\n      Description: Uses {flow} for the call back\n      ContactFlowId: {flow}\n\
             Tags:\n  team: billing\n"
        ),
        &BTreeMap::new(),
    )
}

/// What changes from run to run: the kit's filters, and timestamps.
fn filters(env: &Env) -> Vec<(String, String)> {
    let mut filters = support::snapshot::run_filters(env.path());
    filters.push((
        r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z".to_owned(),
        "[TIME]".to_owned(),
    ));
    filters
}

/// Snapshots `$value` as `$name`, with what changes from run to run filtered out.
macro_rules! snapshot {
    ($env:expr, $name:expr, $value:expr) => {
        support::snapshot::assert_filtered!(filters($env), $name, $value)
    };
}

// 1. the export round trip --------------------------------------------------------------------

/// Which action types the round-trip rules carry.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Actions {
    All,
    /// All but END_ASSOCIATED_EMAILS, whose empty definition the SDK does not read back.
    ButEndAssociatedEmails,
}

/// The seeded rules of the round trip: one per event source, each with every action type.
/// Even ones carry the ownership tag; the tags and filters vary. Returns (name, owned).
async fn seed_every_source(env: &Env, actions: Actions) -> Vec<(String, bool)> {
    let mut seeded = Vec::new();
    for (index, source) in EVENT_SOURCE_NAMES.iter().enumerate() {
        let name = format!("rule-{index:02}-{source}");
        let variant = Variant {
            filters: index % 3 != 1,
            tags: match index % 4 {
                0 => "Tags:\n  team: qa\n",
                1 => "",
                2 => "Tags:\n  team: qa\n  cost-center: \"4711\"\n  note: \"a: b # c\"\n",
                _ => "Tags:\n  team: support\n",
            },
            // A literal `${` must come back literal (escaped as `$${` in the file).
            description: if index == 1 {
                "\"Costs ${0} to fix, see $${var.none}\""
            } else {
                "Call the customer back."
            },
        };
        let mut yaml = rule_yaml(&name, source, &variant);
        if actions == Actions::ButEndAssociatedEmails {
            yaml = yaml.replace(
                "  - ActionType: END_ASSOCIATED_EMAILS\n    EndAssociatedEmailsAction: {}\n",
                "",
            );
        }
        let rule = parse(&yaml, &BTreeMap::new());
        let expected = match actions {
            Actions::All => ACTION_DEFINITIONS.len(),
            Actions::ButEndAssociatedEmails => ACTION_DEFINITIONS.len() - 1,
        };
        assert_eq!(rule.actions.len(), expected);
        let owned = index % 2 == 0;
        env.seed(&rule, owned).await;
        seeded.push((name, owned));
    }
    seeded
}

#[tokio::test(flavor = "multi_thread")]
async fn export_round_trip_every_event_source_and_every_action_type() {
    export_round_trip(Actions::All).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn export_round_trip_every_event_source_and_every_action_type_but_end_associated_emails() {
    export_round_trip(Actions::ButEndAssociatedEmails).await;
}

/// Export, then validate and plan: no changes, for owned and unowned rules alike.
async fn export_round_trip(actions: Actions) {
    let env = Env::start().await;
    let seeded = seed_every_source(&env, actions).await;
    assert_eq!(seeded.len(), 19);
    let before = env.live_by_name().await;
    env.emulator.clear_requests();
    // The `$schema` line is written because the schema is there.
    write_schema(&env);

    let run = env.run(&["export", "--out-dir", "rules"]).await;
    run.expect(0);
    assert_eq!(env.mutations(), 0, "export never changes the instance");
    assert!(
        run.stderr
            .contains("exported 19 rules from instance `inst-1` in us-east-1"),
        "{}",
        run.stderr
    );
    for (name, _) in &seeded {
        assert!(
            run.stdout
                .contains(&format!("wrote `rules/{name}.yaml` (rule `{name}`)")),
            "{}",
            run.stdout
        );
    }
    let expected: Vec<String> = seeded
        .iter()
        .map(|(name, _)| format!("{name}.yaml"))
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect();
    assert_eq!(
        tree(&env.path().join("rules")),
        expected,
        "one file per rule, no temporary files left"
    );

    // Nothing of the server or the tool leaks into the files.
    for (name, _) in &seeded {
        let text = env.read(&format!("rules/{name}.yaml"));
        assert!(
            text.starts_with("# yaml-language-server: $schema=../schema/rule.schema.json\n"),
            "{text}"
        );
        for server_field in [
            "RuleId",
            "RuleArn",
            "LastUpdatedBy",
            "LastUpdatedTime",
            "CreatedTime",
            "managed-by",
        ] {
            assert!(
                !text.contains(server_field),
                "{name}: {server_field}\n{text}"
            );
        }
        assert!(
            text.contains("RuleFunction:"),
            "Function as a mapping:\n{text}"
        );
    }
    let escaped = env.read(&format!("rules/{}.yaml", seeded[1].0));
    assert!(
        escaped.contains("Costs $${0} to fix, see $${var.none}"),
        "a literal `${{` is escaped:\n{escaped}"
    );
    let sample = env.read(&format!("rules/{}.yaml", seeded[2].0));
    if actions == Actions::All {
        assert!(sample.contains("EndAssociatedEmailsAction: {}"), "{sample}");
    } else {
        snapshot!(&env, "exported_file_every_action_type", sample);
    }

    // The exported folder is valid. The only warnings are for the 7 sources the Function
    // catalog does not cover, whose conditions it cannot check.
    let validate = env.run_offline(&["validate"]).await;
    validate.expect(0);
    assert_eq!(
        validate.stderr.trim().lines().last(),
        Some("19 files checked: 19 valid rules, 0 errors, 7 warnings")
    );
    let warnings: Vec<&str> = validate
        .stderr
        .lines()
        .filter(|line| line.contains(": warning: "))
        .collect();
    assert_eq!(warnings.len(), 7, "{}", validate.stderr);
    assert!(
        warnings
            .iter()
            .all(|line| line.contains("the catalog has no conditions for event source")),
        "{}",
        validate.stderr
    );

    // The round-trip law: a plan right after an export shows no changes, owned rules and
    // unowned ones alike (ownership comes from `adopt`, never from an update).
    let plan = env
        .run(&["plan", "--detailed-exitcode", "--format", "json"])
        .await;
    plan.expect(0);
    let parsed: Json = serde_json::from_str(&plan.stdout).expect("the JSON plan parses");
    let parsed = &parsed["targets"][0];
    assert_eq!(
        parsed["changes"].as_array().map(Vec::len),
        Some(0),
        "{}",
        plan.stdout
    );
    assert_eq!(parsed["unmanaged"].as_array().map(Vec::len), Some(0));
    assert!(before.len() == seeded.len());

    // Applying changes nothing either.
    env.run(&["apply", "--auto-approve"]).await.expect(0);
    assert_eq!(env.emulator.count(Operation::UpdateRule), 0);
    assert_eq!(env.emulator.count(Operation::CreateRule), 0);
    assert_eq!(env.emulator.count(Operation::TagResource), 0);
    let text = env.run(&["plan", "--detailed-exitcode"]).await;
    text.expect(0);
    assert!(
        text.stdout
            .starts_with("No changes. Instance `inst-1` (target `inst-1`) matches the rule files."),
        "{}",
        text.stdout
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn export_of_owned_rules_then_plan_shows_no_changes() {
    let env = Env::start().await;
    let seeded = seed_every_source(&env, Actions::ButEndAssociatedEmails).await;
    // Only the owned ones: the even indexes end in names that the glob cannot single out, so
    // make the unowned ones owned first, through the SDK.
    for rule in env.live().await {
        if !seeded
            .iter()
            .any(|(name, owned)| *owned && *name == rule.rule.name)
        {
            env.client
                .tag_rule(
                    &rule.rule_arn,
                    &BTreeMap::from([("managed-by".to_owned(), "connect-rules".to_owned())]),
                )
                .await
                .expect("tagged");
        }
    }
    env.run(&["export"]).await.expect(0);
    let plan = env.run(&["plan", "--detailed-exitcode"]).await;
    plan.expect(0);
    assert!(plan.stdout.contains("No changes."), "{}", plan.stdout);
    let drift = env.run(&["drift"]).await;
    drift.expect(0);
    assert_eq!(
        drift.stdout,
        "No drift: instance `inst-1` (target `inst-1`) matches the rule files.\n"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn export_of_an_end_associated_emails_action() {
    let env = Env::start().await;
    let rule = parse(
        "Name: end-emails\n\
         TriggerEventSource:\n  EventSourceName: OnEmailAnalysisAvailable\n\
         Function: '{\"Version\":\"2022-11-25\",\"RuleFunction\":{\"Operator\":\"AND\",\"Operands\":[{\"Operator\":\"CONTAINS_ANY\",\"Operands\":[\"x\"],\"ComparisonValue\":\"$.ContactLens.Email.Agent.HierarchyGroup.ARN\",\"Negate\":false}]}}'\n\
         PublishStatus: PUBLISHED\n\
         Actions:\n  - ActionType: END_ASSOCIATED_EMAILS\n    EndAssociatedEmailsAction: {}\n",
        &BTreeMap::new(),
    );
    env.seed(&rule, true).await;
    let run = env.run(&["export"]).await;
    run.expect(0);
    let text = env.read("rules/end-emails.yaml");
    assert!(text.contains("EndAssociatedEmailsAction: {}"), "{text}");
    env.run_offline(&["validate"]).await.expect(0);
    env.run(&["plan", "--detailed-exitcode"]).await.expect(0);
}

// 2. variables -------------------------------------------------------------------------------

#[tokio::test(flavor = "multi_thread")]
async fn export_writes_variables_back_and_plan_with_them_shows_no_changes() {
    let env = Env::start().await;
    env.seed(&small_rule("callback", "refund", "flow-123"), true)
        .await;
    env.seed(&small_rule("other-flow", "cancel", "flow-999"), true)
        .await;

    let run = env
        .run(&["export", "--var", "flow=flow-123", "--var", "unused=zzz"])
        .await;
    run.expect(0);
    let callback = env.read("rules/callback.yaml");
    assert!(
        callback.contains("ContactFlowId: ${var.flow}"),
        "the whole value is a variable:\n{callback}"
    );
    assert!(
        callback.contains("Description: Uses flow-123 for the call back"),
        "a value that only contains the variable's value stays literal:\n{callback}"
    );
    let other = env.read("rules/other-flow.yaml");
    assert!(other.contains("ContactFlowId: flow-999"), "{other}");
    assert!(!other.contains("${var."), "{other}");

    let plan = env
        .run(&["plan", "--detailed-exitcode", "--var", "flow=flow-123"])
        .await;
    plan.expect(0);
    assert!(plan.stdout.contains("No changes."), "{}", plan.stdout);

    // Without the variable the files do not load.
    let missing = env.run(&["plan", "--detailed-exitcode"]).await;
    missing.expect(1);
    assert!(missing.stderr.contains("flow"), "{}", missing.stderr);

    // The same with the variables of a target in the config file.
    std::fs::write(
        env.path().join("connect-rules.yaml"),
        format!(
            "targets:\n  emu:\n    instance_id: {INSTANCE}\n    region: us-east-1\n    variables:\n      flow: flow-999\n"
        ),
    )
    .expect("config written");
    // A fresh folder: rules already in git are never exported a second time.
    std::fs::remove_dir_all(env.path().join("rules")).expect("rules removed");
    let out = env
        .run(&["export", "--target", "emu", "--out-dir", "from-config"])
        .await;
    out.expect(0);
    let other = env.read("from-config/other-flow.yaml");
    assert!(other.contains("ContactFlowId: ${var.flow}"), "{other}");
    assert!(
        env.read("from-config/callback.yaml")
            .contains("ContactFlowId: flow-123"),
        "only the target's value is substituted"
    );
    let plan = env
        .run(&[
            "plan",
            "--target",
            "emu",
            "--rules",
            "from-config",
            "--detailed-exitcode",
        ])
        .await;
    plan.expect(0);
    assert!(plan.stdout.contains("No changes."), "{}", plan.stdout);
}

// 3. file names --------------------------------------------------------------------------------

#[tokio::test(flavor = "multi_thread")]
async fn export_file_names_are_safe_and_stay_inside_the_out_dir() {
    let env = Env::start().await;
    for name in ["..", ".hidden", "a.b-c_d", ".", "-dash"] {
        env.seed(&small_rule(name, "refund", "flow-1"), true).await;
    }
    assert_eq!(env.live().await.len(), 5);
    write_schema(&env);
    let run = env.run(&["export", "--out-dir", "work/out"]).await;
    run.expect(0);
    // `.connect-rules/` is the tool's own state (its read cache), not export output.
    let written: Vec<String> = tree(env.path())
        .into_iter()
        .filter(|path| !path.starts_with(".connect-rules/"))
        .collect();
    assert_eq!(
        written,
        [
            "rules/",
            "schema/",
            "schema/rule.schema.json",
            "work/",
            "work/out/",
            "work/out/-dash.yaml",
            "work/out/_...yaml",
            "work/out/_..yaml",
            "work/out/_.hidden.yaml",
            "work/out/a.b-c_d.yaml",
        ],
        "nothing outside the out dir, nothing hidden:\n{}",
        run.stdout
    );
    let parent = env.path().parent().expect("a parent");
    for leaked in ["..yaml", "...yaml", ".hidden.yaml", "_...yaml"] {
        assert!(!parent.join(leaked).exists(), "{leaked}");
    }
    assert!(
        env.read("work/out/_...yaml").contains("Name: ..")
            || env.read("work/out/_...yaml").contains("Name: '..'"),
        "{}",
        env.read("work/out/_...yaml")
    );
    // The files load back as the same rules, with the schema two folders up.
    assert!(env
        .read("work/out/a.b-c_d.yaml")
        .starts_with("# yaml-language-server: $schema=../../schema/rule.schema.json\n"));
    let plan = env
        .run(&["plan", "--rules", "work/out", "--detailed-exitcode"])
        .await;
    plan.expect(0);
    assert!(plan.stdout.contains("No changes."), "{}", plan.stdout);
}

#[tokio::test(flavor = "multi_thread")]
async fn export_gives_every_rule_its_own_file_even_when_sanitised_names_collide() {
    let env = Env::start().await;
    // `.x` becomes `_.x.yaml`; `_.x` then gets `_.x-2.yaml`; and so does `_.x-2`.
    for name in [".x", "_.x", "_.x-2"] {
        env.seed(&small_rule(name, "refund", "flow-1"), true).await;
    }
    let run = env.run(&["export", "--out-dir", "out"]).await;
    run.expect(0);
    let files = tree(&env.path().join("out"));
    assert_eq!(
        files.len(),
        3,
        "one file per rule: {files:?}\n{}",
        run.stdout
    );
    let plan = env
        .run(&["plan", "--rules", "out", "--detailed-exitcode"])
        .await;
    plan.expect(0);
}

// 4. overwrite and --name -----------------------------------------------------------------------

#[tokio::test(flavor = "multi_thread")]
async fn export_never_overwrites_without_the_flag_and_name_filters() {
    let env = Env::start().await;
    for name in ["billing-refund", "billing-dispute", "support-escalation"] {
        env.seed(&small_rule(name, "refund", "flow-1"), true).await;
    }
    env.run(&["export"]).await.expect(0);
    let names = [
        "rules/billing-dispute.yaml",
        "rules/billing-refund.yaml",
        "rules/support-escalation.yaml",
    ];
    let exported: Vec<String> = names.iter().map(|n| env.read(n)).collect();

    // Local edits must survive a second export; a missing file is not recreated either.
    let edited = format!("{}# my local note\n", exported[0]);
    std::fs::write(env.path().join(names[0]), &edited).expect("edit");
    std::fs::remove_file(env.path().join(names[2])).expect("remove");
    let modified = std::fs::metadata(env.path().join(names[1]))
        .and_then(|m| m.modified())
        .expect("mtime");

    let again = env.run(&["export"]).await;
    again.expect(1);
    assert_eq!(again.stdout, "", "nothing is reported as written");
    assert!(
        again
            .stderr
            .contains("error: these files already exist; nothing was written:\n  rules/billing-dispute.yaml\n  rules/billing-refund.yaml\n"),
        "{}",
        again.stderr
    );
    assert!(
        !again.stderr.contains("support-escalation"),
        "{}",
        again.stderr
    );
    assert!(again.stderr.contains("--overwrite"), "{}", again.stderr);
    snapshot!(&env, "refused_overwrite_stderr", again.stderr);
    assert_eq!(env.read(names[0]), edited);
    assert_eq!(env.read(names[1]), exported[1]);
    assert_eq!(
        std::fs::metadata(env.path().join(names[1]))
            .and_then(|m| m.modified())
            .expect("mtime"),
        modified
    );
    assert!(!env.path().join(names[2]).exists());
    assert_eq!(tree(&env.path().join("rules")).len(), 2);

    let overwrite = env.run(&["export", "--overwrite"]).await;
    overwrite.expect(0);
    for (name, text) in names.iter().zip(&exported) {
        assert_eq!(&env.read(name), text, "{name}");
    }
    assert_eq!(
        tree(&env.path().join("rules")).len(),
        3,
        "no temporary files"
    );

    // Rules already in git are skipped when exporting elsewhere: a second file with the same
    // name would break every later plan.
    let elsewhere = env.run(&["export", "--out-dir", "elsewhere"]).await;
    elsewhere.expect(0);
    assert!(
        elsewhere
            .stderr
            .contains("it is already in git, in `rules/billing-refund.yaml`"),
        "{}",
        elsewhere.stderr
    );
    assert!(tree(&env.path().join("elsewhere")).is_empty());

    // --name exports only the matching rules.
    std::fs::remove_dir_all(env.path().join("rules")).expect("rules removed");
    let billing = env
        .run(&["export", "--out-dir", "billing", "--name", "billing-*"])
        .await;
    billing.expect(0);
    assert_eq!(
        tree(&env.path().join("billing")),
        ["billing-dispute.yaml", "billing-refund.yaml"]
    );
    assert!(
        billing.stderr.contains("exported 2 rules"),
        "{}",
        billing.stderr
    );

    // --only, repeated, is the same selection as on plan: any of the names or globs.
    let only = env
        .run(&[
            "export",
            "--out-dir",
            "only",
            "--only",
            "billing-refund",
            "--only",
            "support-*",
        ])
        .await;
    only.expect(0);
    assert_eq!(
        tree(&env.path().join("only")),
        ["billing-refund.yaml", "support-escalation.yaml"]
    );
    // No schema in this project: no `$schema` line pointing at nothing.
    let refund = env.read("only/billing-refund.yaml");
    assert!(refund.starts_with("Name: billing-refund\n"), "{refund}");

    // A pattern that matches nothing is an error with a did-you-mean, as on plan: a typo must
    // not read as "nothing to export".
    for args in [
        &["export", "--out-dir", "none", "--only", "billing-refnd"][..],
        &[
            "export",
            "--out-dir",
            "none",
            "--only",
            "billing-refund",
            "--only",
            "billing-refnd",
        ],
    ] {
        let typo = env.run(args).await;
        typo.expect(1);
        assert_eq!(
            typo.stderr,
            "error: `--only billing-refnd` matches no rule in the rule files or on the instance; \
             nothing was compared\n  hint: did you mean `billing-refund`?\n"
        );
        assert!(!env.path().join("none").exists());
    }
}

/// `schema/rule.schema.json` in the project, as `init` writes it.
fn write_schema(env: &Env) {
    std::fs::create_dir_all(env.path().join("schema")).expect("schema folder");
    std::fs::write(env.path().join("schema/rule.schema.json"), "{}").expect("schema written");
}

// 5. drift -------------------------------------------------------------------------------------

#[tokio::test(flavor = "multi_thread")]
async fn drift_reports_changes_made_outside_git() {
    let env = Env::start().await;
    let mut ids = BTreeMap::new();
    for (name, word) in [("edited", "refund"), ("gone", "cancel"), ("same", "other")] {
        ids.insert(
            name,
            env.seed(&small_rule(name, word, "flow-1"), true).await,
        );
    }
    env.run(&["export"]).await.expect(0);
    let in_sync = env.run(&["drift"]).await;
    in_sync.expect(0);
    assert_eq!(
        in_sync.stdout,
        "No drift: instance `inst-1` (target `inst-1`) matches the rule files.\n"
    );
    let in_sync_json = env.run(&["drift", "--format", "json"]).await;
    in_sync_json.expect(0);
    let parsed: Json = serde_json::from_str(&in_sync_json.stdout).expect("JSON");
    assert_eq!(parsed["drift"], false);

    // A console user edits one rule, creates another, deletes a managed one.
    let mut changed = small_rule("edited", "chargeback", "flow-1");
    changed.tags.clear();
    env.client
        .update_rule(&ids["edited"], &changed)
        .await
        .expect("UpdateRule");
    env.seed(&small_rule("console-made", "hello", "flow-1"), false)
        .await;
    env.sdk
        .delete_rule()
        .instance_id(INSTANCE)
        .rule_id(&ids["gone"])
        .send()
        .await
        .expect("DeleteRule");
    env.emulator.clear_requests();

    let text = env.run(&["drift"]).await;
    text.expect(2);
    assert!(
        text.stdout.contains(&format!(
            "  ~ `edited` (id {}), last changed by arn:aws:iam::123456789012:user/connect-rules-emulator at ",
            ids["edited"]
        )),
        "{}",
        text.stdout
    );
    assert!(
        text.stdout.contains("`console-made` (id ") && text.stdout.contains("created outside git"),
        "{}",
        text.stdout
    );
    assert!(
        text.stdout
            .contains("Deleted outside git:\n  - `gone` (rules/gone.yaml)"),
        "{}",
        text.stdout
    );
    snapshot!(&env, "drift_text", text.stdout);

    let json = env.run(&["drift", "--format", "json"]).await;
    json.expect(2);
    let document: Json = serde_json::from_str(&json.stdout).expect("the drift JSON parses");
    assert_eq!(document["format_version"], 2);
    assert_eq!(document["drift"], true);
    let parsed = &document["targets"][0];
    assert_eq!(parsed["drift"], true);
    assert_eq!(parsed["target"]["instance_id"], INSTANCE);
    let changed = parsed["changed_outside_git"].as_array().expect("array");
    assert_eq!(changed.len(), 1);
    assert_eq!(changed[0]["name"], "edited");
    assert_eq!(changed[0]["rule_id"], ids["edited"].as_str());
    assert_eq!(
        changed[0]["last_updated_by"],
        "arn:aws:iam::123456789012:user/connect-rules-emulator"
    );
    let time = changed[0]["last_updated_time"].as_str().expect("time");
    assert!(
        time.len() >= 20 && time.ends_with('Z') && time.as_bytes()[10] == b'T',
        "RFC 3339: {time}"
    );
    let fields: Vec<&str> = changed[0]["fields"]
        .as_array()
        .expect("fields")
        .iter()
        .map(|f| f["field"].as_str().expect("field"))
        .collect();
    assert_eq!(fields, ["Function"], "UpdateRule leaves the tags alone");
    let not_in_git = parsed["not_in_git"].as_array().expect("array");
    assert_eq!(not_in_git.len(), 1);
    assert_eq!(not_in_git[0]["name"], "console-made");
    assert_eq!(not_in_git[0]["owned"], false);
    let deleted = parsed["deleted_outside_git"].as_array().expect("array");
    assert_eq!(deleted.len(), 1);
    assert_eq!(deleted[0]["name"], "gone");
    assert_eq!(deleted[0]["source"], "rules/gone.yaml");
    snapshot!(&env, "drift_json", json.stdout);

    let markdown = env.run(&["drift", "--format", "markdown"]).await;
    markdown.expect(2);
    snapshot!(&env, "drift_markdown", markdown.stdout);

    // --manage-all: the unowned rule is still reported, as not in git.
    let all = env
        .run(&["drift", "--manage-all", "--format", "json"])
        .await;
    all.expect(2);
    let parsed: Json = serde_json::from_str(&all.stdout).expect("JSON");
    assert_eq!(
        parsed["targets"][0]["not_in_git"][0]["name"],
        "console-made"
    );

    // A rule whose file was removed but still carries the tag.
    std::fs::remove_file(env.path().join("rules/same.yaml")).expect("remove");
    let removed = env.run(&["drift"]).await;
    removed.expect(2);
    assert!(
        removed.stdout.contains("`same` (id ")
            && removed
                .stdout
                .contains("managed by connect-rules but its file is gone"),
        "{}",
        removed.stdout
    );
    assert_eq!(env.mutations(), 0, "drift never changes the instance");
}

#[tokio::test(flavor = "multi_thread")]
async fn drift_ignores_the_configs_ignore_list_and_fails_on_broken_files() {
    let env = Env::start().await;
    env.seed(&small_rule("legacy-1", "refund", "flow-1"), false)
        .await;
    std::fs::write(
        env.path().join("connect-rules.yaml"),
        "ignore: [\"legacy-*\"]\n",
    )
    .expect("config");
    let run = env.run(&["drift"]).await;
    run.expect(0);
    assert!(run.stdout.starts_with("No drift"), "{}", run.stdout);

    std::fs::write(env.path().join("rules/broken.yaml"), "Name: [\n").expect("broken file");
    let broken = env.run(&["drift"]).await;
    broken.expect(1);
    assert!(
        broken.stderr.contains("the rule files have errors"),
        "{}",
        broken.stderr
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn drift_sees_a_tag_changed_in_the_console_without_no_cache() {
    let env = Env::start().await;
    let id = env
        .seed(&small_rule("tagged", "refund", "flow-1"), true)
        .await;
    env.run(&["export"]).await.expect(0);
    env.run(&["drift"]).await.expect(0);
    let arn = env.live_by_name().await["tagged"].rule_arn.clone();
    env.sdk
        .tag_resource()
        .resource_arn(&arn)
        .tags("team", "retention")
        .send()
        .await
        .expect("TagResource");

    let uncached = env.run(&["drift", "--no-cache"]).await;
    uncached.expect(2);
    assert!(
        uncached.stdout.contains(&format!("  ~ `tagged` (id {id})"))
            && uncached.stdout.contains("      Tags (- live, + git):"),
        "{}",
        uncached.stdout
    );
    // The default run must see it too: drift exists to catch console edits.
    let cached = env.run(&["drift"]).await;
    assert_eq!(
        (cached.code, cached.stdout.as_str()),
        (2, uncached.stdout.as_str()),
        "{}",
        cached.stderr
    );
}

// 6. adopt -------------------------------------------------------------------------------------

const OWNERSHIP: (&str, &str) = ("managed-by", "connect-rules");

#[tokio::test(flavor = "multi_thread")]
async fn adopt_tags_live_rules_so_plans_may_delete_them() {
    let env = Env::start().await;
    for name in ["legacy-1", "legacy-2", "legacy-3"] {
        env.seed(&small_rule(name, "refund", "flow-1"), false).await;
    }
    env.seed(&small_rule("owned-1", "refund", "flow-1"), true)
        .await;
    env.emulator.clear_requests();

    // An unknown name: nothing changes.
    let unknown = env
        .run(&["adopt", "legacy-1", "unknown-name", "--auto-approve"])
        .await;
    unknown.expect(1);
    assert!(
        unknown
            .stderr
            .contains("error: no live rule is named `unknown-name`; nothing was changed"),
        "{}",
        unknown.stderr
    );
    assert_eq!(env.mutations(), 0);

    // No terminal and no --auto-approve: refused.
    let refused = env.run(&["adopt", "legacy-1"]).await;
    refused.expect(1);
    assert!(
        refused.stdout.contains("  ~ `legacy-1` (id "),
        "what would be tagged is shown: {}",
        refused.stdout
    );
    assert!(
        refused
            .stderr
            .contains("error: refusing to go on without confirmation"),
        "{}",
        refused.stderr
    );
    assert_eq!(env.mutations(), 0);
    assert!(!env.tags_of("legacy-1").await.contains_key(OWNERSHIP.0));

    let adopted = env.run(&["adopt", "legacy-1", "--auto-approve"]).await;
    adopted.expect(0);
    snapshot!(
        &env,
        "adopt_one",
        format!(
            "--- stdout\n{}--- stderr\n{}",
            adopted.stdout, adopted.stderr
        )
    );
    assert_eq!(env.emulator.count(Operation::TagResource), 1);
    assert_eq!(env.emulator.count(Operation::UpdateRule), 0);
    let tags = env.tags_of("legacy-1").await;
    assert_eq!(
        tags.get(OWNERSHIP.0).map(String::as_str),
        Some(OWNERSHIP.1),
        "{tags:?}"
    );
    assert_eq!(tags.get("team").map(String::as_str), Some("billing"));

    // Adopting again is a no-op.
    let again = env.run(&["adopt", "legacy-1", "--auto-approve"]).await;
    again.expect(0);
    assert!(
        again.stdout.contains("Nothing to adopt."),
        "{}",
        again.stdout
    );
    assert!(
        again
            .stderr
            .contains("`legacy-1` is already managed by connect-rules"),
        "{}",
        again.stderr
    );
    assert_eq!(env.emulator.count(Operation::TagResource), 1);

    // With no file, a plan now deletes the adopted rule and leaves the others alone.
    let plan = env.run(&["plan"]).await;
    plan.expect(0);
    assert!(
        plan.stdout
            .contains("  - rule `legacy-1` will be deleted (id "),
        "{}",
        plan.stdout
    );
    assert!(
        plan.stdout.contains("  legacy-2 (not in git"),
        "{}",
        plan.stdout
    );
    assert!(
        plan.stdout.contains("  - rule `owned-1` will be deleted"),
        "{}",
        plan.stdout
    );
    env.run(&["apply", "--auto-approve", "--allow-delete"])
        .await
        .expect(0);
    let live: Vec<String> = env.live().await.into_iter().map(|r| r.rule.name).collect();
    assert_eq!(live, ["legacy-2", "legacy-3"]);

    // --all: every unowned rule, except the ignored ones.
    std::fs::write(
        env.path().join("connect-rules.yaml"),
        "ignore: [\"legacy-3\"]\n",
    )
    .expect("config");
    env.emulator.clear_requests();
    let refused = env.run(&["adopt", "--all"]).await;
    refused.expect(1);
    assert_eq!(env.mutations(), 0);
    let all = env.run(&["adopt", "--all", "--auto-approve"]).await;
    all.expect(0);
    snapshot!(
        &env,
        "adopt_all",
        format!("--- stdout\n{}--- stderr\n{}", all.stdout, all.stderr)
    );
    assert_eq!(
        env.tags_of("legacy-2")
            .await
            .get(OWNERSHIP.0)
            .map(String::as_str),
        Some(OWNERSHIP.1)
    );
    assert!(
        !env.tags_of("legacy-3").await.contains_key(OWNERSHIP.0),
        "ignored rules are not adopted"
    );
    assert_eq!(env.emulator.count(Operation::TagResource), 1);
}

#[tokio::test(flavor = "multi_thread")]
async fn adopt_all_tags_every_unowned_rule() {
    let env = Env::start().await;
    for name in ["a-1", "a-2", "a-3"] {
        env.seed(&small_rule(name, "refund", "flow-1"), false).await;
    }
    env.seed(&small_rule("owned", "refund", "flow-1"), true)
        .await;
    env.emulator.clear_requests();
    let run = env.run(&["adopt", "--all", "--auto-approve"]).await;
    run.expect(0);
    assert!(
        run.stdout.contains("Adopt: 3 rules to tag."),
        "{}",
        run.stdout
    );
    assert!(
        run.stderr
            .contains("`owned` is already managed by connect-rules"),
        "{}",
        run.stderr
    );
    for name in ["a-1", "a-2", "a-3", "owned"] {
        let tags = env.tags_of(name).await;
        assert_eq!(
            tags.get(OWNERSHIP.0).map(String::as_str),
            Some(OWNERSHIP.1),
            "{name}"
        );
        assert_eq!(tags.get("team").map(String::as_str), Some("billing"));
    }
    assert_eq!(env.emulator.count(Operation::TagResource), 3);

    // Names and --all are exclusive; one of them is required. Usage errors exit 1, never 2.
    env.run(&["adopt", "--all", "a-1"]).await.expect(1);
    env.run(&["adopt"]).await.expect(1);
}
