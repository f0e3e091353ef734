//! `plan` and `apply` end to end: the CLI binary against the emulator, reached through
//! `aws-sdk-connect` with an endpoint override exactly as a real instance would be. The test
//! seeds and inspects the instance through the SDK too. All traffic stays on 127.0.0.1.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;
use std::time::Duration;

use connect_rules::emulator::{ErrorKind, Operation};
use connect_rules::model::Rule;
use serde_json::Value as Json;

mod support;

use support::credentials::isolate;
use support::{Cli, Env, Run, INSTANCE};

/// The kit's environment; every run names the rules folder, as a CI job does.
async fn start() -> Env {
    Env::start().await.always(&["--rules", "rules"])
}

impl Env {
    fn write(&self, spec: &Spec) {
        self.write_rule(&spec.name, &spec.yaml());
    }

    fn remove(&self, name: &str) {
        std::fs::remove_file(self.rule_path(name)).expect("rule file removed");
    }

    async fn run_on(&self, instance: &str, args: &[&str]) -> Run {
        self.run_with(instance, args, &[]).await
    }

    async fn run_with(&self, instance: &str, args: &[&str], env: &[(&str, &str)]) -> Run {
        self.cli_on(instance, args)
            .envs(env.iter().copied())
            .run_async()
            .await
    }

    /// Creates a rule through the SDK, as a console user would; returns its RuleId.
    async fn seed(&self, rule: &Rule) -> String {
        let token = format!("seed-{}", rule.name);
        self.client
            .create_rule(rule, &token)
            .await
            .expect("seed rule created")
            .1
    }

    fn requests_of(&self, operation: Operation) -> usize {
        self.emulator.count(operation)
    }

    /// Checks the instance holds exactly the rule files (plus `extra` unmanaged names), field
    /// by field, with the ownership tag on every managed rule.
    async fn assert_matches_files(&self, specs: &[Spec], extra: &[&str]) {
        let live = self.live().await;
        let names: Vec<&str> = live.iter().map(|r| r.rule.name.as_str()).collect();
        let unique: BTreeSet<&str> = names.iter().copied().collect();
        assert_eq!(unique.len(), names.len(), "duplicate names: {names:?}");
        let mut expected: BTreeSet<&str> = specs.iter().map(|s| s.name.as_str()).collect();
        expected.extend(extra);
        assert_eq!(unique, expected);
        let loaded = connect_rules::load::load_rules(
            &self.path().join("rules"),
            &BTreeMap::new(),
            &connect_rules::validate::FunctionPolicy::default(),
        );
        assert!(!loaded.has_errors(), "{:?}", loaded.diagnostics);
        assert_eq!(loaded.rules.len(), specs.len());
        for desired in &loaded.rules {
            let wanted = &desired.rule;
            let got = &live
                .iter()
                .find(|r| r.rule.name == wanted.name)
                .unwrap_or_else(|| panic!("`{}` is live", wanted.name))
                .rule;
            assert_eq!(
                got.trigger_event_source, wanted.trigger_event_source,
                "{}",
                wanted.name
            );
            assert_eq!(
                json(&got.function),
                json(&wanted.function),
                "{}",
                wanted.name
            );
            assert_eq!(got.actions, wanted.actions, "{}", wanted.name);
            assert_eq!(got.publish_status, wanted.publish_status, "{}", wanted.name);
            assert_eq!(
                got.pre_evaluation_filters, wanted.pre_evaluation_filters,
                "{}",
                wanted.name
            );
            let mut tags = wanted.tags.clone();
            tags.insert("managed-by".to_owned(), "connect-rules".to_owned());
            let mut got_tags = got.tags.clone();
            // Rules the tool created remember their file (for rename detection).
            if let Some(source) = got_tags.remove("connect-rules-source") {
                assert!(
                    desired.path.ends_with(&source),
                    "{}: source tag {source}",
                    wanted.name
                );
            }
            assert_eq!(got_tags, tags, "{}", wanted.name);
        }
    }
}

fn json(text: &str) -> Json {
    serde_json::from_str(text).expect("Function is JSON")
}

/// A rule: its name, event source, the word its function looks for and its team tag.
#[derive(Debug, Clone)]
struct Spec {
    name: String,
    source: &'static str,
    word: String,
    team: &'static str,
}

fn spec(name: &str) -> Spec {
    Spec {
        name: name.to_owned(),
        source: "OnPostCallAnalysisAvailable",
        word: "refund".to_owned(),
        team: "billing",
    }
}

impl Spec {
    fn source(mut self, source: &'static str) -> Self {
        self.source = source;
        self
    }

    fn word(mut self, word: &str) -> Self {
        word.clone_into(&mut self.word);
        self
    }

    /// The condition's operator: the Zendesk requester condition takes one value with EQUALS.
    fn operator(&self) -> &'static str {
        if self.source.contains("Zendesk") {
            "EQUALS"
        } else {
            "CONTAINS_ANY"
        }
    }

    /// The condition's path, one the rule's event source offers.
    fn transcript(&self) -> &'static str {
        if self.source == "OnZendeskTicketCreate" {
            "$.ThirdParty.Zendesk.TicketCreate.RequesterId"
        } else if self.source.contains("Chat") {
            "$.ContactLens.PostChat.ExactMatch.Transcript"
        } else {
            "$.ContactLens.PostCall.ExactMatch.Transcript"
        }
    }

    /// The rule file, with `Function` as a YAML mapping.
    fn yaml(&self) -> String {
        format!(
            "# {name}: flags contacts that mention {word}.\n\
             Name: {name}\n\
             TriggerEventSource:\n  EventSourceName: {source}\n\
             Function:\n  Version: \"2022-11-25\"\n  RuleFunction:\n    Operator: AND\n    Operands:\n      - Operator: {operator}\n        Operands: [\"{word}\"]\n        ComparisonValue: {transcript}\n        Negate: false\n\
             PublishStatus: PUBLISHED\n\
             Actions:\n  - ActionType: ASSIGN_CONTACT_CATEGORY\n    AssignContactCategoryAction: {{}}\n  - ActionType: GENERATE_EVENTBRIDGE_EVENT\n    EventBridgeAction:\n      Name: {name}-event\n\
             Tags:\n  team: {team}\n",
            name = self.name,
            source = self.source,
            word = self.word,
            transcript = self.transcript(),
            operator = self.operator(),
            team = self.team,
        )
    }

    /// The same rule as the API takes it, tagged as owned by connect-rules when `owned`.
    fn rule(&self, owned: bool) -> Rule {
        let function = serde_json::json!({
            "Version": "2022-11-25",
            "RuleFunction": {
                "Operator": "AND",
                "Operands": [{
                    "Operator": self.operator(),
                    "Operands": [self.word],
                    "ComparisonValue": self.transcript(),
                    "Negate": false
                }]
            }
        });
        let mut yaml = self.yaml();
        let start = yaml.find("Function:").expect("function");
        let end = yaml.find("PublishStatus:").expect("publish status");
        yaml.replace_range(
            start..end,
            &format!("Function: '{}'\n", function.to_string().replace('\'', "''")),
        );
        let mut rule: Rule = serde_yaml::from_str(&yaml).expect("spec parses as a rule");
        if owned {
            rule.tags
                .insert("managed-by".to_owned(), "connect-rules".to_owned());
        }
        rule
    }
}

/// Snapshots `$value` as `$name`, with what changes from run to run filtered out.
macro_rules! snapshot {
    ($env:expr, $name:expr, $value:expr) => {
        support::snapshot::assert_filtered!(
            support::snapshot::run_filters($env.path()),
            $name,
            $value
        )
    };
}

fn three_specs() -> Vec<Spec> {
    vec![
        spec("billing-refund"),
        spec("chat-cancel")
            .source("OnPostChatAnalysisAvailable")
            .word("cancel"),
        spec("supervisor-request").word("supervisor"),
    ]
}

// 1. plan against an empty instance ------------------------------------------------------------

#[tokio::test(flavor = "multi_thread")]
async fn plan_against_an_empty_instance_lists_creates() {
    let env = start().await;
    for s in three_specs() {
        env.write(&s);
    }

    let text = env.run(&["plan"]).await;
    text.expect(0);
    for s in three_specs() {
        assert!(
            text.stdout.contains(&format!(
                "  + rule `{}` will be created (from rules/{}.yaml)",
                s.name, s.name
            )),
            "{}",
            text.stdout
        );
    }
    assert!(text.stdout.trim_end().ends_with(
        "Plan: 3 to create, 0 to update, 0 to replace, 0 to delete. 0 unmanaged rules left alone."
    ));

    env.run(&["plan", "--detailed-exitcode"]).await.expect(2);

    let json_run = env.run(&["plan", "--format", "json"]).await;
    json_run.expect(0);
    let document: Json = serde_json::from_str(&json_run.stdout).expect("the JSON plan parses");
    assert_eq!(document["format_version"], 2);
    let plan = &document["targets"][0];
    assert_eq!(plan["target"]["instance_id"], INSTANCE);
    let changes = plan["changes"].as_array().expect("changes");
    assert_eq!(changes.len(), 3);
    for (change, s) in changes.iter().zip(three_specs()) {
        assert_eq!(change["name"], s.name.as_str());
        assert_eq!(change["action"], "create");
        assert_eq!(change["api_calls"], serde_json::json!(["CreateRule"]));
        assert_eq!(change["after"]["Tags"]["managed-by"], "connect-rules");
    }

    let summary = env.path().join("summary.md");
    let markdown = env
        .run_with(
            INSTANCE,
            &["plan", "--format", "markdown"],
            &[("GITHUB_STEP_SUMMARY", summary.to_str().expect("utf-8 path"))],
        )
        .await;
    markdown.expect(0);
    assert_eq!(
        std::fs::read_to_string(&summary).expect("the step summary is written"),
        markdown.stdout
    );
    snapshot!(&env, "empty_instance_markdown", markdown.stdout);
    // Set but empty (a workflow's `env:` with an unset expression) means no summary.
    env.run_with(
        INSTANCE,
        &["plan", "--format", "markdown"],
        &[("GITHUB_STEP_SUMMARY", "")],
    )
    .await
    .expect(0);

    let out = env.run(&["plan", "--out", "plan.json"]).await;
    out.expect(0);
    assert!(
        out.stderr.contains("wrote the plan to `plan.json`"),
        "{}",
        out.stderr
    );
    let file = std::fs::read_to_string(env.path().join("plan.json")).expect("plan.json written");
    let saved: Json = serde_json::from_str(&file).expect("plan.json parses");
    assert_eq!(saved["format_version"], 2);
    assert_eq!(
        saved["targets"][0]["changes"].as_array().map(Vec::len),
        Some(3)
    );
    // Planning never changes the instance.
    assert_eq!(env.mutations(), 0);
}

// 2. plan with every kind of change ------------------------------------------------------------

/// Seeds: `same` identical to its file, `changed` with another Function, `moved` with another
/// event source, `old` owned but not in the files, `console` neither owned nor in the files.
/// Writes the files for `same`, `changed`, `moved` and `new`. Returns the seeded ids by name.
async fn seed_every_kind(env: &Env) -> (Vec<Spec>, BTreeMap<String, String>) {
    let files = vec![
        spec("changed").word("cancel"),
        spec("moved").source("OnPostChatAnalysisAvailable"),
        spec("new"),
        spec("same"),
    ];
    for s in &files {
        env.write(s);
    }
    let mut ids = BTreeMap::new();
    for (rule, name) in [
        (spec("same").rule(true), "same"),
        (spec("changed").rule(true), "changed"),
        (spec("moved").rule(true), "moved"),
        (spec("old").rule(true), "old"),
        (spec("console").rule(false), "console"),
    ] {
        ids.insert(name.to_owned(), env.seed(&rule).await);
    }
    env.emulator.clear_requests();
    (files, ids)
}

#[tokio::test(flavor = "multi_thread")]
async fn plan_shows_every_kind_of_change() {
    let env = start().await;
    seed_every_kind(&env).await;

    let run = env.run(&["plan"]).await;
    run.expect(0);
    assert!(run.stdout.contains("  + rule `new` will be created"));
    assert!(run
        .stdout
        .contains("  ~ rule `changed` will be updated in place"));
    assert!(run.stdout.contains("  -/+ rule `moved` must be replaced"));
    assert!(run.stdout.contains("  - rule `old` will be deleted"));
    assert!(run
        .stdout
        .contains("  console (not in git and not tagged `managed-by: connect-rules`)"));
    assert!(!run.stdout.contains("`same`"), "{}", run.stdout);
    snapshot!(&env, "every_kind_text", run.stdout);

    env.run(&["plan", "--detailed-exitcode"]).await.expect(2);

    // --manage-all makes the unowned rule a delete too.
    let all = env.run(&["plan", "--manage-all"]).await;
    all.expect(0);
    assert!(
        all.stdout.contains("  - rule `console` will be deleted"),
        "{}",
        all.stdout
    );
    assert!(all
        .stdout
        .contains("2 to delete. 0 unmanaged rules left alone."));
    assert_eq!(env.mutations(), 0);
}

// 3. apply from empty -------------------------------------------------------------------------

#[tokio::test(flavor = "multi_thread")]
async fn apply_from_empty_creates_everything_and_then_nothing_is_left() {
    let env = start().await;
    let specs = three_specs();
    for s in &specs {
        env.write(s);
    }
    let run = env.run(&["apply", "--auto-approve"]).await;
    run.expect(0);
    assert!(
        run.stdout.contains("Apply complete: 3 changes applied."),
        "{}",
        run.stdout
    );
    assert!(run
        .stdout
        .contains("No changes remain: the instance matches the rule files."));
    assert_eq!(env.requests_of(Operation::CreateRule), 3);
    env.assert_matches_files(&specs, &[]).await;

    let plan = env.run(&["plan", "--detailed-exitcode"]).await;
    plan.expect(0);
    assert!(plan.stdout.starts_with("No changes."), "{}", plan.stdout);

    // A second apply has nothing to do and sends nothing.
    let before = env.mutations();
    let again = env.run(&["apply", "--auto-approve"]).await;
    again.expect(0);
    assert!(again.stdout.starts_with("No changes."), "{}", again.stdout);
    assert_eq!(env.mutations(), before);

    // A removed file becomes a planned delete of the rule connect-rules created.
    env.remove("chat-cancel");
    let delete = env.run(&["plan", "--detailed-exitcode"]).await;
    delete.expect(2);
    assert!(
        delete
            .stdout
            .contains("  - rule `chat-cancel` will be deleted"),
        "{}",
        delete.stdout
    );
}

// 4. update, replace, delete and unmanaged ------------------------------------------------------

#[tokio::test(flavor = "multi_thread")]
async fn apply_needs_permission_to_replace_and_delete() {
    let env = start().await;
    let (files, ids) = seed_every_kind(&env).await;

    let refused = env.run(&["apply", "--auto-approve"]).await;
    refused.expect(1);
    assert_eq!(env.mutations(), 0, "nothing may change on a refusal");
    snapshot!(&env, "refused_replace_and_delete_stderr", refused.stderr);

    let replace_only = env
        .run(&["apply", "--auto-approve", "--allow-replace"])
        .await;
    replace_only.expect(1);
    assert!(
        replace_only
            .stderr
            .contains("the plan deletes 1 rule: `old`"),
        "{}",
        replace_only.stderr
    );
    assert!(
        !replace_only.stderr.contains("replaces"),
        "{}",
        replace_only.stderr
    );
    assert_eq!(env.requests_of(Operation::DeleteRule), 0);
    assert_eq!(env.mutations(), 0);

    let delete_only = env
        .run(&["apply", "--auto-approve", "--allow-delete"])
        .await;
    delete_only.expect(1);
    assert!(
        delete_only
            .stderr
            .contains("the plan replaces (deletes and re-creates) 1 rule: `moved`"),
        "{}",
        delete_only.stderr
    );
    assert_eq!(env.mutations(), 0);

    let done = env
        .run(&[
            "apply",
            "--auto-approve",
            "--allow-replace",
            "--allow-delete",
        ])
        .await;
    done.expect(0);
    assert!(
        done.stdout.contains("Apply complete: 4 changes applied."),
        "{}",
        done.stdout
    );
    assert!(done.stdout.contains("No changes remain"), "{}", done.stdout);

    let live = env.live_by_name().await;
    assert_eq!(
        live["same"].rule_id, ids["same"],
        "an unchanged rule is left alone"
    );
    assert_eq!(
        live["changed"].rule_id, ids["changed"],
        "an update keeps the RuleId"
    );
    assert_ne!(
        live["moved"].rule_id, ids["moved"],
        "a replace gives a new RuleId"
    );
    assert_eq!(
        live["moved"].rule.trigger_event_source.event_source_name,
        "OnPostChatAnalysisAvailable"
    );
    assert!(!live.contains_key("old"));
    assert_eq!(
        live["console"].rule_id, ids["console"],
        "unmanaged rules are never touched"
    );
    assert_eq!(live["console"].rule, spec("console").rule(false));
    assert_eq!(env.requests_of(Operation::UpdateRule), 1);
    assert_eq!(env.requests_of(Operation::DeleteRule), 2);
    env.assert_matches_files(&files, &["console"]).await;

    let plan = env.run(&["plan", "--detailed-exitcode"]).await;
    plan.expect(0);
    assert!(plan.stdout.starts_with("No changes."), "{}", plan.stdout);
    assert!(
        plan.stdout.contains("1 unmanaged rule left alone."),
        "{}",
        plan.stdout
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn apply_updates_tags_without_touching_the_rule_id() {
    let env = start().await;
    let mut tagged = spec("tagged");
    tagged.team = "support";
    env.write(&tagged);
    let mut live_rule = spec("tagged").rule(true);
    live_rule.tags.insert("stale".to_owned(), "yes".to_owned());
    let id = env.seed(&live_rule).await;
    env.emulator.clear_requests();

    let run = env.run(&["apply", "--auto-approve"]).await;
    run.expect(0);
    assert_eq!(
        env.requests_of(Operation::UpdateRule),
        0,
        "only tags differ"
    );
    assert_eq!(env.requests_of(Operation::TagResource), 1);
    assert_eq!(env.requests_of(Operation::UntagResource), 1);
    let live = env.live_by_name().await;
    assert_eq!(live["tagged"].rule_id, id);
    env.assert_matches_files(&[tagged], &[]).await;
}

// 5. no terminal -------------------------------------------------------------------------------

#[tokio::test(flavor = "multi_thread")]
async fn apply_without_a_terminal_or_auto_approve_refuses() {
    let env = start().await;
    for s in three_specs() {
        env.write(&s);
    }
    let run = env.run(&["apply"]).await;
    run.expect(1);
    assert!(
        run.stdout.contains("Plan: 3 to create"),
        "the plan is shown: {}",
        run.stdout
    );
    snapshot!(&env, "no_terminal_stderr", run.stderr);
    assert_eq!(env.requests_of(Operation::CreateRule), 0);
    assert!(env.live().await.is_empty());
}

// 6. plan files --------------------------------------------------------------------------------

#[tokio::test(flavor = "multi_thread")]
async fn a_saved_plan_is_applied_as_planned() {
    let env = start().await;
    let (files, ids) = seed_every_kind(&env).await;
    env.run(&["plan", "--out", "plan.json"]).await.expect(0);
    assert_eq!(env.mutations(), 0);

    // The flags still guard a saved plan.
    let refused = env.run(&["apply", "plan.json"]).await;
    refused.expect(1);
    assert_eq!(env.mutations(), 0);

    let run = env
        .run(&["apply", "plan.json", "--allow-delete", "--allow-replace"])
        .await;
    run.expect(0);
    assert!(
        run.stdout.contains("Apply complete: 4 changes applied."),
        "{}",
        run.stdout
    );
    env.assert_matches_files(&files, &["console"]).await;
    assert_ne!(env.live_by_name().await["moved"].rule_id, ids["moved"]);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_saved_plan_applies_what_was_planned_not_the_files() {
    let env = start().await;
    let specs = three_specs();
    for s in &specs {
        env.write(s);
    }
    env.run(&["plan", "--out", "plan.json"]).await.expect(0);
    // A file added after planning is not part of the plan.
    env.write(&spec("late"));
    let run = env.run(&["apply", "plan.json"]).await;
    run.expect(0);
    let names: Vec<String> = env.live().await.into_iter().map(|r| r.rule.name).collect();
    assert_eq!(
        names,
        ["billing-refund", "chat-cancel", "supervisor-request"]
    );
    assert!(
        run.stdout
            .contains("now call for changes this plan does not include (made after the plan); they were not applied")
            && !run.stdout.contains("still differs"),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout.contains("+ rule `late` will be created"),
        "{}",
        run.stdout
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_stale_plan_is_refused() {
    let env = start().await;
    seed_every_kind(&env).await;
    env.run(&["plan", "--out", "plan.json"]).await.expect(0);

    // Someone edits `changed` in the console and creates `new` before the plan is applied.
    let changed_id = env.live_by_name().await["changed"].rule_id.clone();
    let edited = spec("changed").word("escalate").rule(true);
    env.sdk
        .update_rule()
        .instance_id(INSTANCE)
        .rule_id(&changed_id)
        .name("changed")
        .function(&edited.function)
        .actions(
            aws_sdk_connect::types::RuleAction::builder()
                .action_type(aws_sdk_connect::types::ActionType::AssignContactCategory)
                .assign_contact_category_action(
                    aws_sdk_connect::types::AssignContactCategoryActionDefinition::builder()
                        .build(),
                )
                .build()
                .expect("action"),
        )
        .publish_status(aws_sdk_connect::types::RulePublishStatus::Published)
        .send()
        .await
        .expect("console edit");
    env.seed(&spec("new").rule(false)).await;
    let before = env.live().await;
    env.emulator.clear_requests();

    let run = env
        .run(&["apply", "plan.json", "--allow-delete", "--allow-replace"])
        .await;
    run.expect(1);
    assert!(
        run.stderr.contains("the plan is stale: re-run plan"),
        "{}",
        run.stderr
    );
    assert_eq!(env.mutations(), 0);
    assert_eq!(env.live().await, before);
    snapshot!(&env, "stale_plan_stderr", run.stderr);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_plan_for_another_instance_is_refused() {
    let env = start().await;
    for s in three_specs() {
        env.write(&s);
    }
    env.run(&["plan", "--out", "plan.json"]).await.expect(0);
    let run = env.run_on("other", &["apply", "plan.json"]).await;
    run.expect(1);
    assert_eq!(env.mutations(), 0);
    snapshot!(&env, "other_instance_stderr", run.stderr);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_tampered_plan_is_refused() {
    let env = start().await;
    for s in three_specs() {
        env.write(&s);
    }
    env.run(&["plan", "--out", "plan.json"]).await.expect(0);
    let path = env.path().join("plan.json");
    let text = std::fs::read_to_string(&path).expect("plan.json");
    assert!(text.contains("\"PUBLISHED\""));
    std::fs::write(&path, text.replacen("\"PUBLISHED\"", "\"DRAFT\"", 1)).expect("edit");
    let run = env.run(&["apply", "plan.json"]).await;
    run.expect(1);
    assert_eq!(env.mutations(), 0);
    snapshot!(&env, "tampered_plan_stderr", run.stderr);

    std::fs::write(&path, "{ not json").expect("edit");
    let garbage = env.run(&["apply", "plan.json"]).await;
    garbage.expect(1);
    assert!(
        garbage.stderr.contains("is not a connect-rules plan"),
        "{}",
        garbage.stderr
    );
    assert_eq!(env.mutations(), 0);
}

// 7. delete threshold --------------------------------------------------------------------------

#[tokio::test(flavor = "multi_thread")]
async fn deleting_most_rules_needs_force_or_a_higher_limit() {
    let env = start().await;
    let all: Vec<Spec> = (0..12).map(|i| spec(&format!("rule-{i:02}"))).collect();
    for s in &all {
        env.seed(&s.rule(true)).await;
    }
    let kept = &all[..4];
    for s in kept {
        env.write(s);
    }
    env.emulator.clear_requests();

    let plan = env.run(&["plan"]).await;
    plan.expect(0);
    assert!(
        plan.stdout
            .contains("0 to create, 0 to update, 0 to replace, 8 to delete."),
        "{}",
        plan.stdout
    );

    let refused = env
        .run(&["apply", "--auto-approve", "--allow-delete"])
        .await;
    refused.expect(1);
    assert_eq!(env.mutations(), 0);
    snapshot!(&env, "delete_limit_stderr", refused.stderr);

    let low = env
        .run(&[
            "apply",
            "--auto-approve",
            "--allow-delete",
            "--max-delete",
            "5",
        ])
        .await;
    low.expect(1);
    assert_eq!(env.mutations(), 0);

    let limit = env
        .run(&[
            "apply",
            "--auto-approve",
            "--allow-delete",
            "--max-delete",
            "10",
        ])
        .await;
    limit.expect(0);
    assert_eq!(env.requests_of(Operation::DeleteRule), 8);
    env.assert_matches_files(kept, &[]).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn force_passes_the_delete_limit() {
    let env = start().await;
    let all: Vec<Spec> = (0..12).map(|i| spec(&format!("rule-{i:02}"))).collect();
    for s in &all {
        env.seed(&s.rule(true)).await;
    }
    for s in &all[..4] {
        env.write(s);
    }
    env.run(&["apply", "--auto-approve", "--allow-delete"])
        .await
        .expect(1);
    env.run(&["apply", "--auto-approve", "--force"])
        .await
        .expect(1);
    assert_eq!(env.requests_of(Operation::DeleteRule), 0);
    let run = env
        .run(&["apply", "--auto-approve", "--allow-delete", "--force"])
        .await;
    run.expect(0);
    assert!(
        run.stdout.contains("Apply complete: 8 changes applied."),
        "{}",
        run.stdout
    );
    env.assert_matches_files(&all[..4], &[]).await;
}

// 8. faults ------------------------------------------------------------------------------------

fn ten_specs() -> Vec<Spec> {
    (0..10)
        .map(|i| spec(&format!("rule-{i:02}")).word(&format!("word{i}")))
        .collect()
}

#[tokio::test(flavor = "multi_thread")]
async fn apply_rides_out_random_throttling_and_server_errors() {
    let env = start().await;
    let specs = ten_specs();
    for s in &specs {
        env.write(s);
    }
    env.emulator.faults().set_failure_rate(0.33, 20_240_601);
    let run = env.run(&["apply", "--auto-approve"]).await;
    env.emulator.faults().clear();
    run.expect(0);
    let failed: Vec<Option<String>> = env
        .emulator
        .requests()
        .into_iter()
        .filter(|r| r.status >= 400)
        .map(|r| r.error_type)
        .collect();
    assert!(
        failed
            .iter()
            .any(|e| e.as_deref() == Some("ThrottlingException")),
        "some calls were throttled: {failed:?}"
    );
    assert!(
        failed
            .iter()
            .any(|e| e.as_deref() == Some("InternalServiceException")),
        "some calls failed with 500: {failed:?}"
    );
    env.assert_matches_files(&specs, &[]).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn apply_rides_out_a_rate_limit() {
    let env = start().await;
    let specs = ten_specs();
    for s in &specs {
        env.write(s);
    }
    env.emulator.faults().set_rate_limit(10.0, 3);
    let run = env.run(&["apply", "--auto-approve"]).await;
    env.emulator.faults().clear();
    run.expect(0);
    assert!(
        env.emulator
            .requests()
            .iter()
            .any(|r| r.error_type.as_deref() == Some("ThrottlingException")),
        "the rate limit throttled some calls"
    );
    env.assert_matches_files(&specs, &[]).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_failed_create_is_reported_and_a_second_apply_finishes_the_job() {
    let env = start().await;
    let specs = ten_specs();
    for s in &specs {
        env.write(s);
    }
    // Nine rules exist with an old Function; `rule-09` does not exist yet.
    for s in &specs[..9] {
        env.seed(&s.clone().word("old").rule(true)).await;
    }
    env.emulator.clear_requests();
    // More failures than the CLI's 8 attempts: the one CreateRule fails for good.
    env.emulator
        .faults()
        .fail_next(Operation::CreateRule, ErrorKind::InternalService, 9);

    let run = env.run(&["apply", "--auto-approve"]).await;
    run.expect(1);
    assert_eq!(env.requests_of(Operation::CreateRule), 8, "8 attempts");
    assert_eq!(
        env.requests_of(Operation::UpdateRule),
        9,
        "the other changes went on"
    );
    let table_start = run.stdout.find("RULE ").expect("an outcome table");
    snapshot!(&env, "failed_create_table", &run.stdout[table_start..]);
    assert!(
        run.stderr
            .contains("some changes failed; fix the cause and run apply again"),
        "{}",
        run.stderr
    );
    assert_eq!(env.live().await.len(), 9);

    env.emulator.faults().clear();
    let again = env.run(&["apply", "--auto-approve"]).await;
    again.expect(0);
    assert!(
        again.stdout.contains("Apply complete: 1 change applied."),
        "{}",
        again.stdout
    );
    assert!(
        again.stdout.contains("No changes remain"),
        "{}",
        again.stdout
    );
    env.assert_matches_files(&specs, &[]).await;
    assert_eq!(env.live().await.len(), specs.len());
}

// 9. ClientToken ---------------------------------------------------------------------------------

#[tokio::test(flavor = "multi_thread")]
async fn a_create_retried_after_a_server_error_does_not_duplicate() {
    let env = start().await;
    let only = spec("only-one");
    env.write(&only);
    env.emulator
        .faults()
        .fail_next(Operation::CreateRule, ErrorKind::InternalService, 2);
    let run = env.run(&["apply", "--auto-approve"]).await;
    run.expect(0);
    let creates: Vec<(String, u16)> = env
        .emulator
        .requests()
        .into_iter()
        .filter(|r| r.operation == Some(Operation::CreateRule))
        .map(|r| (r.path, r.status))
        .collect();
    let path = format!("/rules/{INSTANCE}");
    assert_eq!(
        creates,
        [(path.clone(), 500), (path.clone(), 500), (path, 200)],
        "the SDK retried the create"
    );
    env.assert_matches_files(&[only], &[]).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_create_whose_answer_was_lost_is_not_duplicated_on_retry() {
    // The service made the rule but the answer never arrived: the retry carries the same
    // ClientToken (derived from the plan id, the name and the content) and gets the same rule
    // back.
    let env = start().await;
    let rule = connect_rules::model::ownership::with_ownership(&spec("lost-answer").rule(false));
    let token = connect_rules::apply::client_token("plan-1", &rule);
    assert_eq!(token, connect_rules::apply::client_token("plan-1", &rule));
    assert_ne!(token, connect_rules::apply::client_token("plan-2", &rule));
    let mut edited = rule.clone();
    edited.publish_status = "DRAFT".into();
    assert_ne!(token, connect_rules::apply::client_token("plan-1", &edited));
    let first = env
        .client
        .create_rule(&rule, &token)
        .await
        .expect("created");
    let second = env
        .client
        .create_rule(&rule, &token)
        .await
        .expect("retried");
    assert_eq!(first, second);
    assert_eq!(env.requests_of(Operation::CreateRule), 2);
    assert_eq!(env.live().await.len(), 1);
}

// 10. A failure on one update, and the confirmation on a terminal -------------------------------

#[tokio::test(flavor = "multi_thread")]
async fn a_failed_update_does_not_stop_the_others_and_a_rerun_converges() {
    let env = start().await;
    let specs = three_specs();
    for s in &specs {
        env.write(s);
    }
    for s in &specs {
        env.seed(&s.clone().word("old").rule(true)).await;
    }
    env.emulator.clear_requests();
    // Not retryable: the SDK gives up at once, and apply goes on with the other two.
    env.emulator
        .faults()
        .fail_next(Operation::UpdateRule, ErrorKind::InvalidRequest, 1);
    let run = env.run(&["apply", "--auto-approve"]).await;
    run.expect(1);
    assert_eq!(
        env.requests_of(Operation::UpdateRule),
        3,
        "every update was tried"
    );
    let table_start = run.stdout.find("RULE ").expect("an outcome table");
    let table = &run.stdout[table_start..];
    assert!(table.contains("2 applied, 1 failed, 0 skipped."), "{table}");
    assert!(table.contains("InvalidRequestException"), "{table}");

    env.emulator.faults().clear();
    env.run(&["apply", "--auto-approve"]).await.expect(0);
    env.assert_matches_files(&specs, &[]).await;
    assert_eq!(env.live().await.len(), specs.len());
}

/// Runs `connect-rules apply` under a pseudo-terminal (util-linux `script`), typing `answer`.
async fn apply_on_a_terminal(env: &Env, answer: &str) -> (i32, String) {
    let binary = assert_cmd::cargo::cargo_bin("connect-rules");
    let command_line = format!(
        "'{}' apply --rules rules --color never --instance-id {INSTANCE} --region us-east-1 --endpoint-url {}",
        binary.display(),
        env.running.endpoint_url()
    );
    let dir = env.path().to_path_buf();
    let answer = answer.to_owned();
    let output = tokio::task::spawn_blocking(move || {
        use std::io::Write as _;
        let mut script = std::process::Command::new("script");
        let _home = isolate(&mut script);
        let mut child = script
            .args(["-qec", &command_line, "/dev/null"])
            .current_dir(dir)
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .expect("util-linux `script` runs");
        child
            .stdin
            .take()
            .expect("stdin")
            .write_all(format!("{answer}\n").as_bytes())
            .expect("the answer is typed");
        child.wait_with_output().expect("the terminal session ends")
    })
    .await
    .expect("the terminal task ends");
    let screen = String::from_utf8_lossy(&output.stdout).replace("\r\n", "\n");
    (output.status.code().unwrap_or(-1), screen)
}

#[tokio::test(flavor = "multi_thread")]
async fn apply_asks_on_a_terminal_and_only_yes_applies() {
    let env = start().await;
    let specs = three_specs();
    env.write(&specs[0]);

    let (code, screen) = apply_on_a_terminal(&env, "no").await;
    assert_eq!(code, 1, "{screen}");
    assert!(
        screen.contains("Cancelled; nothing was changed."),
        "{screen}"
    );
    assert_eq!(env.mutations(), 0);

    let (code, screen) = apply_on_a_terminal(&env, "yes").await;
    assert_eq!(code, 0, "{screen}");
    // The typed answer is echoed wherever the terminal put it; the screen itself runs from the
    // plan to the prompt.
    let start = screen.find("connect-rules will make").expect("the plan");
    let end = screen.find("(yes/no): ").expect("the confirmation prompt") + "(yes/no): ".len();
    snapshot!(&env, "confirmation_screen", &screen[start..end]);
    assert!(
        screen.contains("Apply complete: 1 change applied."),
        "{screen}"
    );
    env.assert_matches_files(&specs[..1], &[]).await;
}

// 11. The quick start: a fresh checkout plans against the embedded local instance ---------------

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).expect("folder created");
    for entry in std::fs::read_dir(from).expect("folder read") {
        let entry = entry.expect("entry");
        let target = to.join(entry.file_name());
        if entry.file_type().expect("file type").is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), &target).expect("file copied");
        }
    }
}

fn run_in(dir: &Path, args: &[&str]) -> Run {
    Cli::new(dir).args(args).color_never().run()
}

/// A fresh checkout of the example project: the rules, the config and the local instance's
/// resources file, nothing else.
fn example_checkout() -> tempfile::TempDir {
    let repo = Path::new(env!("CARGO_MANIFEST_DIR"));
    let checkout = tempfile::tempdir().expect("temp dir");
    copy_dir(&repo.join("rules"), &checkout.path().join("rules"));
    for file in ["connect-rules.yaml", "local-resources.yaml"] {
        std::fs::copy(repo.join(file), checkout.path().join(file)).expect("file copied");
    }
    checkout
}

#[test]
fn the_quick_start_plans_and_applies_the_examples_on_the_local_instance() {
    let repo = Path::new(env!("CARGO_MANIFEST_DIR"));
    let checkout = example_checkout();
    let examples = connect_rules::load::find_rule_files(&repo.join("rules"))
        .expect("examples listed")
        .len();

    let plan = run_in(checkout.path(), &["plan", "--detailed-exitcode"]);
    plan.expect(2);
    assert!(
        plan.stdout.contains(&format!(
            "Plan: {examples} to create, 0 to update, 0 to replace, 0 to delete."
        )),
        "{}",
        plan.stdout
    );
    run_in(checkout.path(), &["apply", "--auto-approve"]).expect(0);
    assert!(checkout
        .path()
        .join(".connect-rules/local-instance.json")
        .is_file());
    let again = run_in(checkout.path(), &["plan", "--detailed-exitcode"]);
    again.expect(0);
    assert!(again.stdout.starts_with("No changes."), "{}", again.stdout);
}

#[test]
fn plan_reuses_files_checked_clean_and_still_stops_on_a_file_broken_since() {
    let checkout = example_checkout();
    let cache_dir = checkout.path().join(".connect-rules/cache/local");
    let checked = || {
        std::fs::read_dir(&cache_dir).ok().and_then(|entries| {
            entries
                .flatten()
                .map(|entry| entry.path())
                .find(|path| path.to_string_lossy().contains("checked-rules"))
        })
    };

    let first = run_in(checkout.path(), &["plan", "--detailed-exitcode"]);
    first.expect(2);
    let stored = checked().expect("the clean files are stored");
    let second = run_in(checkout.path(), &["plan", "--detailed-exitcode"]);
    second.expect(2);
    let summary = |run: &Run| {
        run.stdout
            .lines()
            .find(|line| line.starts_with("Plan:"))
            .map(str::to_owned)
    };
    assert_eq!(summary(&second), summary(&first));
    assert!(summary(&first).is_some(), "{}", first.stdout);

    let file = checkout.path().join("rules/chat/refund-request.yaml");
    let text = std::fs::read_to_string(&file).expect("example read");
    std::fs::write(
        &file,
        text.replace("PublishStatus: PUBLISHED", "PublishStatus: LIVE"),
    )
    .expect("example edited");
    let broken = run_in(checkout.path(), &["plan"]);
    broken.expect(1);
    assert!(
        broken.stderr.contains("refund-request.yaml") && broken.stderr.contains("not read"),
        "{}",
        broken.stderr
    );

    // --no-cache checks every file and leaves the cache alone.
    std::fs::write(&file, text).expect("example restored");
    std::fs::remove_file(&stored).expect("cache removed");
    run_in(
        checkout.path(),
        &["plan", "--detailed-exitcode", "--no-cache"],
    )
    .expect(2);
    assert_eq!(checked(), None, "--no-cache wrote the check cache");
}

// 12. Several targets in one run ---------------------------------------------------------------

#[tokio::test(flavor = "multi_thread")]
async fn plan_covers_several_targets_with_one_section_each_and_the_worst_exit_code() {
    let env = start().await;
    let specs = three_specs();
    for s in &specs {
        env.write(s);
    }
    // `inst-1` already matches the files; `inst-2` is empty; `broken` cannot be reached.
    for s in &specs {
        env.seed(&s.rule(true)).await;
    }
    let url = env.running.endpoint_url();
    std::fs::write(
        env.path().join("connect-rules.yaml"),
        format!(
            "rules: rules\ntargets:\n  a:\n    instance_id: inst-1\n    region: us-east-1\n    endpoint_url: {url}\n  b:\n    instance_id: inst-2\n    region: us-east-1\n    endpoint_url: {url}\n  broken:\n    instance_id: inst-3\n    region: us-east-1\n    endpoint_url: http://127.0.0.1:1\n"
        ),
    )
    .expect("config written");
    let dir = env.path().to_path_buf();
    let run = move |args: &'static [&'static str]| {
        let dir = dir.clone();
        async move {
            tokio::task::spawn_blocking(move || {
                Cli::new(&dir)
                    .args(args)
                    .color_never()
                    .timeout(Duration::from_mins(2))
                    .output()
            })
            .await
            .expect("the CLI task ends")
        }
    };

    let both = run(&[
        "plan",
        "--target",
        "a",
        "--target",
        "b",
        "--detailed-exitcode",
    ])
    .await;
    let stdout = String::from_utf8_lossy(&both.stdout);
    assert_eq!(both.status.code(), Some(2), "{stdout}");
    assert!(
        stdout.contains("No changes. Instance `inst-1` (target `a`)"),
        "{stdout}"
    );
    assert!(
        stdout.contains("on instance `inst-2` (target `b`)"),
        "{stdout}"
    );
    assert!(stdout.contains("Plan: 3 to create"), "{stdout}");

    let json = run(&["plan", "--target", "a", "--target", "b", "--format", "json"]).await;
    let document: Json = serde_json::from_slice(&json.stdout).expect("one JSON document");
    assert_eq!(
        document["format_version"], 2,
        "the shape of one target's plan"
    );
    let names: Vec<&str> = document["targets"]
        .as_array()
        .expect("one plan per target")
        .iter()
        .map(|d| d["target"]["name"].as_str().expect("target name"))
        .collect();
    assert_eq!(names, ["a", "b"]);

    // One target failing makes the run fail, and the others still report.
    let all = run(&["plan", "--all-targets", "--max-attempts-not-a-flag"]).await;
    assert_eq!(
        all.status.code(),
        Some(1),
        "a usage error is exit 1, never 2 (changes)"
    );
    let all = run(&["plan", "--all-targets", "--detailed-exitcode"]).await;
    let stdout = String::from_utf8_lossy(&all.stdout);
    let stderr = String::from_utf8_lossy(&all.stderr);
    assert_eq!(all.status.code(), Some(1), "{stdout}\n{stderr}");
    assert!(stderr.contains("target `broken`"), "{stderr}");
    assert!(
        stdout.contains("(target `a`)") && stdout.contains("(target `b`)"),
        "{stdout}"
    );

    let out = run(&["plan", "--all-targets", "--out", "plan.json"]).await;
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("`--out` saves the plan of one target"));
}

// 13. Renaming a rule in its file -------------------------------------------------------------

#[tokio::test(flavor = "multi_thread")]
async fn renaming_a_rule_in_its_file_is_a_rename_or_a_replace() {
    let env = start().await;
    let post_call = spec("old-post-call");
    let zendesk_yaml = spec("old-ticket")
        .source("OnZendeskTicketCreate")
        .yaml()
        .replace(
            "  EventSourceName: OnZendeskTicketCreate\n",
            "  EventSourceName: OnZendeskTicketCreate\n  IntegrationAssociationId: zendesk-1\n",
        );
    let rules = env.path().join("rules");
    std::fs::write(rules.join("post-call.yaml"), post_call.yaml()).expect("written");
    std::fs::write(rules.join("ticket.yaml"), &zendesk_yaml).expect("written");
    env.run(&["apply", "--auto-approve"]).await.expect(0);
    let before = env.live_by_name().await;

    // Rename both rules inside their files.
    std::fs::write(
        rules.join("post-call.yaml"),
        post_call
            .yaml()
            .replace("Name: old-post-call", "Name: new-post-call"),
    )
    .expect("written");
    std::fs::write(
        rules.join("ticket.yaml"),
        zendesk_yaml.replace("Name: old-ticket", "Name: new-ticket"),
    )
    .expect("written");
    let plan = env.run(&["plan"]).await;
    plan.expect(0);
    assert!(
        plan.stdout.contains(&format!(
            "rule `new-ticket` will be updated in place (from rules/ticket.yaml, id {}, renamed from `old-ticket`)",
            before["old-ticket"].rule_id
        )),
        "{}",
        plan.stdout
    );
    assert!(
        plan.stdout
            .contains("cannot rename a rule of `OnPostCallAnalysisAvailable`"),
        "{}",
        plan.stdout
    );
    assert!(
        plan.stdout
            .contains("Plan: 0 to create, 1 to update, 1 to replace, 0 to delete."),
        "{}",
        plan.stdout
    );

    env.run(&["apply", "--auto-approve", "--allow-replace"])
        .await
        .expect(0);
    let after = env.live_by_name().await;
    let names: Vec<&str> = after.keys().map(String::as_str).collect();
    assert_eq!(names, ["new-post-call", "new-ticket"]);
    assert_eq!(
        after["new-ticket"].rule_id, before["old-ticket"].rule_id,
        "a renamable rule keeps its id"
    );
    assert_ne!(
        after["new-post-call"].rule_id, before["old-post-call"].rule_id,
        "the other is replaced"
    );
}
