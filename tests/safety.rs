//! Issue 19: only rules this repository owns are ever changed or deleted, decided live at the
//! moment of the change; caches and plan files never decide a write; a replayed plan never
//! reports success for nothing; two repositories share an instance; SIGINT and SIGTERM stop
//! apply cleanly. Every test drives the CLI through the real SDK against the emulator.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::time::Duration;

use connect_rules::emulator::Operation;
use connect_rules::model::{LiveRule, Rule};
use connect_rules::plan::Change;
use serde_json::Value as Json;

mod support;

use support::{Env, Run, INSTANCE};

/// The kit's environment; every run names the rules folder, as a CI job does.
async fn start() -> Env {
    Env::start().await.always(&["--rules", "rules"])
}

impl Env {
    /// Writes `rules/<file>.yaml` holding rule `name`.
    fn write(&self, file: &str, name: &str, word: &str) {
        std::fs::write(self.rule_file(file), rule_yaml(name, word)).expect("rule written");
    }

    fn rule_file(&self, file: &str) -> PathBuf {
        self.path().join("rules").join(format!("{file}.yaml"))
    }

    fn config(&self, text: &str) {
        self.write_config(text);
    }

    /// Runs the CLI from `dir` against the emulator.
    async fn run_in(&self, dir: &Path, args: &[&str]) -> Run {
        self.cli_at(dir, INSTANCE, args).run_async().await
    }

    /// Creates a rule as a console user would (no ownership tag).
    async fn seed_console_rule(&self, name: &str) -> LiveRule {
        let rule = parse(&rule_yaml(name, "refund"));
        self.client
            .create_rule(&rule, &format!("seed-{name}"))
            .await
            .expect("seed rule created");
        self.live_by_name().await.remove(name).expect("seeded")
    }

    /// Removes a tag as the console would: UntagResource, which does not move LastUpdatedTime.
    async fn untag(&self, name: &str, key: &str) {
        let live = self.live_by_name().await;
        self.client
            .untag_rule(&live[name].rule_arn, &[key.to_owned()])
            .await
            .expect("untagged");
        let after = self.live_by_name().await;
        assert_eq!(
            connect_rules::model::epoch_millis(after[name].last_updated_time),
            connect_rules::model::epoch_millis(live[name].last_updated_time),
            "the repro needs an untag that keeps LastUpdatedTime"
        );
    }

    fn count(&self, operation: Operation) -> usize {
        self.emulator.count(operation)
    }
}

/// A rule file's rule, as validate reads it.
fn parse(yaml: &str) -> Rule {
    let file = connect_rules::load::RuleFile {
        path: PathBuf::from("rules/seed.yaml"),
        bytes: yaml.as_bytes().to_vec(),
    };
    let source =
        connect_rules::load::parse_rule_file(&file, &BTreeMap::new()).expect("the rule parses");
    let mut validated = connect_rules::validate::validate(vec![source]);
    assert!(!validated.has_errors(), "{:?}", validated.diagnostics);
    validated.rules.remove(0).rule
}

/// A small post-call rule whose Function looks for `word`.
fn rule_yaml(name: &str, word: &str) -> String {
    format!(
        "Name: {name}\n\
         TriggerEventSource:\n  EventSourceName: OnPostCallAnalysisAvailable\n\
         Function:\n  Version: \"2022-11-25\"\n  RuleFunction:\n    Operator: AND\n    Operands:\n      - Operator: CONTAINS_ANY\n        Operands: [\"{word}\"]\n        ComparisonValue: $.ContactLens.PostCall.ExactMatch.Transcript\n        Negate: false\n\
         PublishStatus: PUBLISHED\n\
         Actions:\n  - ActionType: ASSIGN_CONTACT_CATEGORY\n    AssignContactCategoryAction: {{}}\n\
         Tags:\n  team: billing\n"
    )
}

/// A Zendesk rule (UpdateRule can rename those) whose requester is `word`.
fn zendesk_yaml(name: &str, word: &str) -> String {
    format!(
        "Name: {name}\n\
         TriggerEventSource:\n  EventSourceName: OnZendeskTicketCreate\n  IntegrationAssociationId: zendesk-1\n\
         Function:\n  Version: \"2022-11-25\"\n  RuleFunction:\n    Operator: AND\n    Operands:\n      - Operator: EQUALS\n        Operands: [\"{word}\"]\n        ComparisonValue: $.ThirdParty.Zendesk.TicketCreate.RequesterId\n        Negate: false\n\
         PublishStatus: PUBLISHED\n\
         Actions:\n  - ActionType: GENERATE_EVENTBRIDGE_EVENT\n    EventBridgeAction:\n      Name: {name}-event\n"
    )
}

/// Snapshots `text` with what changes from run to run replaced: ids, plan ids, ports, ARNs
/// and temp paths.
fn snapshot(env: &Env, name: &str, text: &str) {
    let mut filters = support::snapshot::run_filters(env.path());
    filters.push((r"by arn:[^)\s]+".to_owned(), "by [ARN]".to_owned()));
    support::snapshot::assert_filtered!(filters, name, text);
}

fn five_rules(env: &Env) {
    for index in 1..=5 {
        let name = format!("rule-{index}");
        env.write(&name, &name, "refund");
    }
}

fn read_plan(path: &Path) -> connect_rules::plan::Plan {
    connect_rules::plan::file::parse(&std::fs::read_to_string(path).expect("plan read"))
        .expect("the plan parses")
}

/// Writes `plan` as `plan` would, its checksum recomputed: what anyone who can write the
/// plan file between jobs can do.
fn forge_plan(path: &Path, plan: &connect_rules::plan::Plan) {
    let forged = connect_rules::plan::Plan::new(
        plan.target.clone(),
        plan.changes.clone(),
        plan.unmanaged.clone(),
    )
    .with_id(plan.plan_id.clone());
    std::fs::write(path, connect_rules::render::json::render(&forged)).expect("plan written");
}

// --- 1. Ownership checked live at the moment of change ---------------------------------------

#[tokio::test(flavor = "multi_thread")]
async fn a_rule_untagged_in_the_console_is_not_deleted_despite_a_warm_cache() {
    let env = start().await;
    five_rules(&env);
    env.run(&["apply", "--auto-approve"]).await.expect(0);
    env.run(&["plan"]).await.expect(0); // warms the describe cache
    env.untag("rule-3", "managed-by").await;
    std::fs::remove_file(env.rule_file("rule-3")).expect("removed");

    let run = env
        .run(&["apply", "--auto-approve", "--allow-delete"])
        .await;
    run.expect(1);
    assert!(
        env.live_by_name().await.contains_key("rule-3"),
        "rule-3 was deleted"
    );
    assert_eq!(env.count(Operation::DeleteRule), 0);
    snapshot(
        &env,
        "untagged_rule_skipped",
        &format!("{}\n--- stderr\n{}", run.stdout, run.stderr),
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_saved_plan_does_not_delete_a_rule_untagged_since() {
    let env = start().await;
    five_rules(&env);
    env.run(&["apply", "--auto-approve"]).await.expect(0);
    std::fs::remove_file(env.rule_file("rule-3")).expect("removed");
    env.run(&["plan", "--out", "plan.json"]).await.expect(0);
    env.untag("rule-3", "managed-by").await;

    let run = env.run(&["apply", "plan.json", "--allow-delete"]).await;
    run.expect(1);
    assert!(
        run.stdout
            .contains("ownership of `rule-3` changed since the plan"),
        "{}",
        run.stdout
    );
    assert!(
        env.live_by_name().await.contains_key("rule-3"),
        "rule-3 was deleted"
    );
    assert_eq!(env.count(Operation::DeleteRule), 0);
}

// --- 2. `ignore` before every other matching step ---------------------------------------------

#[tokio::test(flavor = "multi_thread")]
async fn an_ignored_rule_is_not_replaced_through_its_old_file() {
    let env = start().await;
    env.write("foo", "legacy-foo", "refund");
    env.run(&["apply", "--auto-approve"]).await.expect(0);
    let legacy = env
        .live_by_name()
        .await
        .remove("legacy-foo")
        .expect("created");
    env.config("ignore: [\"legacy-*\"]\n");
    env.write("foo", "foo-v2", "refund");

    let plan = env.run(&["plan"]).await;
    plan.expect(0);
    assert!(
        plan.stdout
            .contains("Plan: 1 to create, 0 to update, 0 to replace, 0 to delete."),
        "{}",
        plan.stdout
    );
    assert!(
        plan.stdout
            .contains("legacy-foo (ignored by the config's `ignore` list)"),
        "{}",
        plan.stdout
    );
    let markdown = env.run(&["plan", "--format", "markdown"]).await;
    assert!(
        markdown.stdout.contains("`legacy-foo` (ignored)"),
        "{}",
        markdown.stdout
    );
    let json: Json = serde_json::from_str(&env.run(&["plan", "--format", "json"]).await.stdout)
        .expect("json plan");
    let json = &json["targets"][0];
    assert_eq!(json["unmanaged"][0]["name"], "legacy-foo");
    assert_eq!(json["unmanaged"][0]["ignored"], true);

    env.run(&[
        "apply",
        "--auto-approve",
        "--allow-replace",
        "--allow-delete",
    ])
    .await
    .expect(0);
    let live = env.live_by_name().await;
    assert_eq!(
        live["legacy-foo"].rule_id, legacy.rule_id,
        "legacy-foo kept"
    );
    assert_eq!(
        connect_rules::model::epoch_millis(live["legacy-foo"].last_updated_time),
        connect_rules::model::epoch_millis(legacy.last_updated_time),
        "legacy-foo untouched"
    );
    assert!(live.contains_key("foo-v2"));
}

#[tokio::test(flavor = "multi_thread")]
async fn an_ignored_zendesk_rule_is_not_renamed_in_place() {
    let env = start().await;
    std::fs::write(env.rule_file("ticket"), zendesk_yaml("legacy-ticket", "42")).expect("written");
    env.run(&["apply", "--auto-approve"]).await.expect(0);
    let legacy = env
        .live_by_name()
        .await
        .remove("legacy-ticket")
        .expect("created");
    env.config("ignore: [\"legacy-*\"]\n");
    std::fs::write(env.rule_file("ticket"), zendesk_yaml("ticket-v2", "43")).expect("written");

    let run = env.run(&["apply", "--auto-approve"]).await;
    run.expect(0);
    assert_eq!(env.count(Operation::UpdateRule), 0, "{}", run.stdout);
    let live = env.live_by_name().await;
    assert_eq!(
        live["legacy-ticket"].rule, legacy.rule,
        "the ignored rule is as it was"
    );
    assert!(live.contains_key("ticket-v2"));
}

// --- 7. Caches and plan files never decide a write --------------------------------------------

/// The check cache file of the target, and its entries as (key, JSON).
fn check_cache_file(env: &Env) -> PathBuf {
    let mut found = Vec::new();
    let mut stack = vec![env.path().join(".connect-rules/cache")];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).into_iter().flatten().flatten() {
            let path = entry.path();
            if path.is_dir() {
                stack.push(path);
            } else if path
                .file_name()
                .is_some_and(|n| n.to_string_lossy().starts_with("checked-rules-"))
            {
                found.push(path);
            }
        }
    }
    assert_eq!(found.len(), 1, "one check cache: {found:?}");
    found.remove(0)
}

#[tokio::test(flavor = "multi_thread")]
async fn a_forged_check_cache_entry_is_never_sent() {
    let env = start().await;
    env.write("refund", "refund", "refund");
    env.run(&["plan"]).await.expect(0); // fills the check cache
    let cache = check_cache_file(&env);
    let text = std::fs::read_to_string(&cache).expect("cache read");
    let mut forged = String::new();
    for line in text.lines() {
        match line
            .split_once(' ')
            .and_then(|(key, rest)| rest.split_once(' ').map(|(_, json)| (key, json)))
        {
            Some((key, json)) if key.len() == 64 => {
                let planted = json.replace("refund\\\"", "planted\\\"");
                assert_ne!(planted, json, "the entry holds the word: {json}");
                let digest = connect_rules::digest::sha256_hex(planted.as_bytes());
                let _ = writeln!(forged, "{key} {digest} {planted}");
            }
            _ => {
                let _ = writeln!(forged, "{line}");
            }
        }
    }
    std::fs::write(&cache, forged).expect("cache forged");
    // The forged entry is what a cached read now returns: the plan shows it.
    let plan = env.run(&["plan"]).await;
    assert!(plan.stdout.contains("planted"), "{}", plan.stdout);

    env.run(&["apply", "--auto-approve"]).await.expect(0);
    let function = &env.live_by_name().await["refund"].rule.function;
    assert!(
        !function.contains("planted"),
        "sent from the cache: {function}"
    );
    assert!(function.contains("refund"), "{function}");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_describe_cache_entry_claiming_ownership_does_not_delete_a_console_rule() {
    let env = start().await;
    let console = env.seed_console_rule("console-rule").await;
    env.run(&["plan"]).await.expect(0); // caches its description
    let entry = env
        .path()
        .join(".connect-rules/cache")
        .read_dir()
        .expect("cache folder")
        .flatten()
        .map(|target| {
            target
                .path()
                .join(INSTANCE)
                .join(format!("{}.json", console.rule_id))
        })
        .find(|path| path.exists())
        .expect("the describe cache holds the console rule");
    let mut cached: Json =
        serde_json::from_str(&std::fs::read_to_string(&entry).expect("read")).expect("json");
    cached["rule"]["Tags"]["managed-by"] = Json::from("connect-rules");
    std::fs::write(&entry, cached.to_string()).expect("forged");
    let plan = env.run(&["plan"]).await;
    assert!(
        plan.stdout.contains("1 to delete"),
        "the forged entry is read: {}",
        plan.stdout
    );

    let run = env
        .run(&["apply", "--auto-approve", "--allow-delete"])
        .await;
    run.expect(1);
    assert!(
        env.live_by_name().await.contains_key("console-rule"),
        "deleted"
    );
    assert_eq!(env.count(Operation::DeleteRule), 0);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_forged_plan_cannot_delete_an_unowned_rule_or_tag_another_arn() {
    let env = start().await;
    let console = env.seed_console_rule("console-rule").await;
    env.write("mine", "mine", "refund");
    env.run(&["apply", "--auto-approve"]).await.expect(0);
    // A tag change on `mine`: an update whose only API calls are tag calls on its ARN.
    std::fs::write(
        env.rule_file("mine"),
        rule_yaml("mine", "refund").replace("team: billing", "team: support"),
    )
    .expect("written");
    env.run(&["plan", "--out", "plan.json"]).await.expect(0);
    let honest = read_plan(&env.path().join("plan.json"));

    // Forged: also delete the console rule, claimed owned.
    let mut claimed = console.clone();
    claimed
        .rule
        .tags
        .insert("managed-by".into(), "connect-rules".into());
    let mut deleting = honest.clone();
    deleting.changes.push(Change::Delete { before: claimed });
    forge_plan(&env.path().join("delete.json"), &deleting);
    let run = env.run(&["apply", "delete.json", "--allow-delete"]).await;
    run.expect(1);
    assert!(
        run.stderr.contains("`console-rule`: the plan says delete"),
        "{}",
        run.stderr
    );

    // Forged: the tag update aimed at the console rule's ARN.
    let mut retargeted = honest.clone();
    let Some(Change::Update { before, .. }) = retargeted.changes.first_mut() else {
        panic!("{:?}", honest.changes)
    };
    before.rule_arn.clone_from(&console.rule_arn);
    forge_plan(&env.path().join("arn.json"), &retargeted);
    let run = env.run(&["apply", "arn.json"]).await;
    run.expect(1);
    assert!(run.stderr.contains("`mine`"), "{}", run.stderr);

    let live = env.live_by_name().await;
    assert_eq!(live["console-rule"].rule, console.rule, "untouched");
    assert_eq!(env.count(Operation::DeleteRule), 0);
    assert_eq!(env.count(Operation::TagResource), 0);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_saved_plan_sends_only_what_the_files_say_now() {
    let env = start().await;
    env.write("refund", "refund", "refund");
    env.run(&["plan", "--out", "plan.json"]).await.expect(0);
    // Forged: the create now sends another Function.
    let mut plan = read_plan(&env.path().join("plan.json"));
    let Some(Change::Create { after, .. }) = plan.changes.first_mut() else {
        panic!("{:?}", plan.changes)
    };
    after.function = after.function.replace("refund", "planted");
    forge_plan(&env.path().join("forged.json"), &plan);
    let run = env.run(&["apply", "forged.json"]).await;
    run.expect(1);
    snapshot(&env, "forged_create_refused", &run.stderr);
    assert!(env.live_by_name().await.is_empty());

    // The honest plan, with the file changed since: refused as well.
    env.write("refund", "refund", "cancel");
    let run = env.run(&["apply", "plan.json"]).await;
    run.expect(1);
    assert!(run.stderr.contains("Function differ"), "{}", run.stderr);
    assert_eq!(env.count(Operation::CreateRule), 0);
}

// --- 8. A replayed plan must not report success for nothing -----------------------------------

#[tokio::test(flavor = "multi_thread")]
async fn a_replayed_plan_whose_rule_was_deleted_reports_a_failure() {
    let env = start().await;
    env.write("refund", "refund", "refund");
    env.run(&["plan", "--out", "plan.json"]).await.expect(0);
    env.run(&["apply", "plan.json"]).await.expect(0);
    let created = env.live_by_name().await.remove("refund").expect("created");
    env.client
        .delete_rule(&created.rule_id)
        .await
        .expect("deleted on purpose");

    let run = env.run(&["apply", "plan.json"]).await;
    run.expect(1);
    assert!(!run.stdout.contains("Apply complete"), "{}", run.stdout);
    assert!(
        run.stdout.contains("which does not exist"),
        "{}",
        run.stdout
    );
    assert!(env.live_by_name().await.is_empty());
    // A new plan creates it.
    env.run(&["apply", "--auto-approve"]).await.expect(0);
    assert!(env.live_by_name().await.contains_key("refund"));
}

// --- 9. Two repositories on one instance ------------------------------------------------------

#[tokio::test(flavor = "multi_thread")]
async fn two_repositories_never_touch_each_others_rules() {
    let env = start().await;
    let other = tempfile::tempdir().expect("second repository");
    std::fs::create_dir(other.path().join("rules")).expect("rules");
    std::fs::write(other.path().join("connect-rules.yaml"), "owner: team-b\n").expect("config");
    std::fs::write(
        other.path().join("rules/b.yaml"),
        rule_yaml("b-rule", "cancel"),
    )
    .expect("written");
    std::fs::write(
        other.path().join("rules/shared.yaml"),
        rule_yaml("shared", "cancel"),
    )
    .expect("written");
    env.run_in(other.path(), &["apply", "--auto-approve"])
        .await
        .expect(0);
    let theirs = env.live_by_name().await;
    assert_eq!(theirs["b-rule"].rule.tags["managed-by-owner"], "team-b");

    // Repository A wants `shared` different, and has no file for `b-rule`.
    env.config("owner: team-a\n");
    env.write("a", "a-rule", "refund");
    env.write("shared", "shared", "refund");
    let plan = env.run(&["plan"]).await;
    plan.expect(0);
    assert!(
        plan.stdout.contains("b-rule (owned by `team-b`)")
            && plan.stdout.contains("shared (owned by `team-b`)"),
        "{}",
        plan.stdout
    );
    env.run(&[
        "apply",
        "--auto-approve",
        "--allow-delete",
        "--allow-replace",
        "--manage-all",
    ])
    .await
    .expect(0);
    let live = env.live_by_name().await;
    assert_eq!(live["b-rule"].rule, theirs["b-rule"].rule);
    assert_eq!(live["shared"].rule, theirs["shared"].rule);
    assert_eq!(live["a-rule"].rule.tags["managed-by-owner"], "team-a");

    // A repository without an owner id never touches rules that carry one.
    std::fs::remove_file(env.path().join("connect-rules.yaml")).expect("config removed");
    std::fs::remove_dir_all(env.path().join("rules")).expect("rules removed");
    std::fs::create_dir(env.path().join("rules")).expect("rules");
    env.run(&[
        "apply",
        "--auto-approve",
        "--allow-delete",
        "--manage-all",
        "--force",
    ])
    .await
    .expect(0);
    assert_eq!(env.live_by_name().await.len(), 3);
    assert_eq!(env.count(Operation::DeleteRule), 0);

    // `adopt` never takes another repository's rule.
    let adopt = env.run(&["adopt", "b-rule", "--auto-approve"]).await;
    adopt.expect(1);
    assert!(
        adopt.stderr.contains("owned by `team-b`"),
        "{}",
        adopt.stderr
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn adopt_claims_a_rule_for_the_configured_owner() {
    let env = start().await;
    env.seed_console_rule("console-rule").await;
    env.config("owner: team-a\n");
    env.run(&["adopt", "console-rule", "--auto-approve"])
        .await
        .expect(0);
    let tags = env.live_by_name().await["console-rule"].rule.tags.clone();
    assert_eq!(tags["managed-by"], "connect-rules");
    assert_eq!(tags["managed-by-owner"], "team-a");
    // Owned now: with no file, it is deleted.
    env.run(&["apply", "--auto-approve", "--allow-delete"])
        .await
        .expect(0);
    assert!(env.live_by_name().await.is_empty());
}

/// A repository that sets `owner:` must not sweep up, with `adopt --all`, the rules of another
/// repository that never set one; it claims such a rule only when it names it.
#[tokio::test(flavor = "multi_thread")]
async fn adopt_all_leaves_rules_managed_without_an_owner_id_to_be_named() {
    let env = start().await;
    let other = tempfile::tempdir().expect("second repository");
    std::fs::create_dir(other.path().join("rules")).expect("rules");
    std::fs::write(
        other.path().join("rules/b.yaml"),
        rule_yaml("b-rule", "cancel"),
    )
    .expect("written");
    env.run_in(other.path(), &["apply", "--auto-approve"])
        .await
        .expect(0);
    env.seed_console_rule("console-rule").await;
    env.config("owner: team-a\n");

    let adopt = env.run(&["adopt", "--all", "--auto-approve"]).await;
    adopt.expect(0);
    assert!(
        adopt.stderr.contains("`b-rule` is owned by a connect-rules repository without an owner id (no `managed-by-owner` tag): left alone by `--all`"),
        "{}",
        adopt.stderr
    );
    let live = env.live_by_name().await;
    assert_eq!(live["console-rule"].rule.tags["managed-by-owner"], "team-a");
    assert!(!live["b-rule"].rule.tags.contains_key("managed-by-owner"));

    env.run(&["adopt", "b-rule", "--auto-approve"])
        .await
        .expect(0);
    assert_eq!(
        env.live_by_name().await["b-rule"].rule.tags["managed-by-owner"],
        "team-a"
    );
}

// --- SIGINT / SIGTERM during apply -------------------------------------------------------------

/// A second interrupt while the first waits for the changes in flight stops at once with 130,
/// as an interrupt normally does, instead of being ignored.
#[tokio::test(flavor = "multi_thread")]
async fn a_second_sigint_during_apply_stops_at_once() {
    let env = start().await;
    for index in 1..=12 {
        let name = format!("rule-{index:02}");
        env.write(&name, &name, "refund");
    }
    // Slow enough that the change in flight is still waiting when the second signal comes.
    env.emulator.faults().set_latency(Duration::from_secs(3));
    let apply = env
        .cli(&["apply", "--auto-approve", "--parallelism", "1"])
        .spawn(false);
    let mut child = apply.child;
    let mut waited = 0;
    while env.count(Operation::CreateRule) == 0 {
        assert!(waited < 600, "apply never created anything");
        tokio::time::sleep(Duration::from_millis(50)).await;
        waited += 1;
    }
    let pid = child.id().to_string();
    for _ in 0..2 {
        let status = std::process::Command::new("kill")
            .args(["-INT", &pid])
            .status()
            .expect("kill runs");
        assert!(status.success());
        tokio::time::sleep(Duration::from_millis(300)).await;
    }
    let output = tokio::task::spawn_blocking(move || {
        for _ in 0..100 {
            if child.try_wait().expect("wait").is_some() {
                return child.wait_with_output().expect("output");
            }
            std::thread::sleep(Duration::from_millis(100));
        }
        let _ = child.kill();
        panic!("apply did not stop within 10 s of the second interrupt");
    })
    .await
    .expect("waited");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(130), "{stderr}");
    assert!(
        stderr.contains("interrupted again: stopping now"),
        "{stderr}"
    );
}

/// Starts `apply` of 12 creates, one at a time against a slow instance, sends `signal` once
/// the first is done, and checks the run stops cleanly.
async fn interrupted_apply(signal: &str) {
    let env = start().await;
    for index in 1..=12 {
        let name = format!("rule-{index:02}");
        env.write(&name, &name, "refund");
    }
    env.emulator
        .faults()
        .set_latency(Duration::from_millis(150));
    let apply = env
        .cli(&["apply", "--auto-approve", "--parallelism", "1"])
        .spawn(false);
    let mut child = apply.child;
    // Bounded wait for the first create (ListRules, then CreateRule and DescribeRule).
    let mut waited = 0;
    while env.count(Operation::CreateRule) == 0 {
        assert!(waited < 300, "apply never created anything");
        tokio::time::sleep(Duration::from_millis(50)).await;
        waited += 1;
    }
    let status = std::process::Command::new("kill")
        .args([&format!("-{signal}"), &child.id().to_string()])
        .status()
        .expect("kill runs");
    assert!(status.success());
    let signal = signal.to_owned();
    let output = tokio::task::spawn_blocking(move || {
        // Bounded: the in-flight change takes well under a second.
        for _ in 0..300 {
            if child.try_wait().expect("wait").is_some() {
                return child.wait_with_output().expect("output");
            }
            std::thread::sleep(Duration::from_millis(100));
        }
        let _ = child.kill();
        panic!("apply did not stop within 30 s of {signal}");
    })
    .await
    .expect("waited");
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(1), "{stdout}\n{stderr}");
    assert!(stderr.contains("interrupted"), "{stderr}");
    let applied = stdout.matches("  applied").count();
    let not_started = stdout.matches("not started: apply was interrupted").count();
    assert!(not_started > 0, "{stdout}");
    assert_eq!(applied + not_started, 12, "{stdout}");
    assert_eq!(
        env.live_by_name().await.len(),
        applied,
        "the table says what was done"
    );
    // Nothing half-written is left in the project (the describe cache writes beside it).
    let mut stack = vec![env.path().to_path_buf()];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).expect("listed").flatten() {
            let path = entry.path();
            assert!(
                !entry.file_name().to_string_lossy().contains(".tmp"),
                "temp file left: {}",
                path.display()
            );
            if path.is_dir() {
                stack.push(path);
            }
        }
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn sigint_during_apply_finishes_what_is_in_flight_and_prints_the_table() {
    interrupted_apply("INT").await;
}

#[tokio::test(flavor = "multi_thread")]
async fn sigterm_during_apply_finishes_what_is_in_flight_and_prints_the_table() {
    interrupted_apply("TERM").await;
}
