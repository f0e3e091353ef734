//! Issue 18: the plan says what `apply` will refuse (text, markdown, JSON) and
//! `--fail-on-refusal` makes such a plan exit 3. Issue 20: `--only` limits plan, apply and
//! drift to the selected rules and never deletes the others. A saved plan applies its own
//! changes only, and says what the files came to call for after it. Every test drives the CLI
//! through the real SDK against the emulator.

use serde_json::Value as Json;

mod support;

use support::rule_text::{all_of, contains_any};
use support::{Env, RuleText};

async fn start() -> Env {
    Env::start().await.always(&["--rules", "rules"])
}

/// Rule `name`, post-call, as [`RuleText::new`] writes it, tagged `team: team`.
fn post_call(name: &str, team: &str) -> String {
    RuleText::new(name).tag("team", team).build()
}

/// Rule `name` on post-chat analysis: a new event source, so a replacement.
fn post_chat(name: &str) -> String {
    RuleText::new(name)
        .source("OnPostChatAnalysisAvailable")
        .function(&all_of(&contains_any(
            "refund",
            "$.ContactLens.PostChat.ExactMatch.Transcript",
        )))
        .build()
}

fn snapshot(env: &Env, name: &str, text: &str) {
    let mut filters = support::snapshot::run_filters(env.path());
    // A drift report says when each live rule last changed: the run's own time.
    filters.push((
        r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z".to_owned(),
        "[TIME]".to_owned(),
    ));
    support::snapshot::assert_filtered!(filters, name, text);
}

/// The one target's plan in a JSON plan document (`{"format_version": 2, "targets": [...]}`).
fn json(text: &str) -> Json {
    let document: Json =
        serde_json::from_str(text).unwrap_or_else(|err| panic!("not JSON ({err}):\n{text}"));
    assert_eq!(
        document["targets"].as_array().map(Vec::len),
        Some(1),
        "{text}"
    );
    document["targets"][0].clone()
}

/// `keep` unchanged, `gone` deleted from git, `moved` to a new event source: a plan with a
/// delete and a replacement that a plain `apply` refuses.
async fn delete_and_replace() -> Env {
    let env = start().await;
    for name in ["keep", "gone", "moved"] {
        env.write_rule(name, &post_call(name, "billing"));
    }
    env.run(&["apply", "--auto-approve"]).await.expect(0);
    std::fs::remove_file(env.rule_path("gone")).expect("removed");
    env.write_rule("moved", &post_chat("moved"));
    env
}

#[tokio::test(flavor = "multi_thread")]
async fn the_plan_says_what_apply_will_refuse_in_every_format() {
    let env = delete_and_replace().await;
    let mutations = env.mutations();

    let text = env.run(&["plan", "--fail-on-refusal"]).await;
    text.expect(3);
    snapshot(&env, "refusals_text", &text.stdout);

    let markdown = env.run(&["plan", "--format", "markdown"]).await;
    markdown.expect(0);
    snapshot(&env, "refusals_markdown", &markdown.stdout);
    let warning = markdown.stdout.find("[!WARNING]").expect("a warning");
    assert!(
        warning < markdown.stdout.find("| | Rule |").expect("a table"),
        "the warning is above the table"
    );

    let plan = env.run(&["plan", "--format", "json"]).await;
    plan.expect(0);
    let document = json(&plan.stdout);
    snapshot(
        &env,
        "refusals_json",
        &serde_json::to_string_pretty(&document["refusals"]).expect("JSON"),
    );
    assert_eq!(document["partial"], false);

    // What the plan says apply refuses is what apply refuses, word for word.
    let apply = env.run(&["apply", "--auto-approve"]).await;
    apply.expect(1);
    for refusal in document["refusals"].as_array().expect("a list") {
        let message = refusal["message"].as_str().expect("a message");
        assert!(apply.stderr.contains(message), "{message}\n{apply}");
    }
    assert_eq!(env.mutations(), mutations, "apply changed nothing");
}

#[tokio::test(flavor = "multi_thread")]
async fn fail_on_refusal_exits_3_only_when_apply_would_refuse() {
    let env = delete_and_replace().await;
    // Without the flag, the exit codes keep their meaning: 2 is "changes".
    env.run(&["plan", "--detailed-exitcode"]).await.expect(2);
    // The refusal wins over "changes".
    env.run(&["plan", "--detailed-exitcode", "--fail-on-refusal"])
        .await
        .expect(3);
    env.run(&["plan", "--format", "json", "--fail-on-refusal"])
        .await
        .expect(3);
    // Judged with the permissions apply would have: the same flags...
    let allowed = env
        .run(&[
            "plan",
            "--fail-on-refusal",
            "--detailed-exitcode",
            "--allow-delete",
            "--allow-replace",
        ])
        .await;
    allowed.expect(2);
    assert!(!allowed.stdout.contains("refuse"), "{allowed}");
    // ...one of them is not enough...
    let half = env
        .run(&["plan", "--fail-on-refusal", "--allow-delete"])
        .await;
    half.expect(3);
    assert!(half
        .stdout
        .contains("replaces (deletes and re-creates) 1 rule: `moved`"));
    assert!(!half.stdout.contains("deletes 1 rule: `gone`"), "{half}");
    // ...and the config's `allow_delete` / `allow_replace`, for a plan made without flags.
    env.write_config("allow_delete: true\nallow_replace: true\n");
    env.run(&["plan", "--fail-on-refusal"]).await.expect(0);
    env.run(&["apply", "--auto-approve"]).await.expect(0);
    assert!(!env.live_by_name().await.contains_key("gone"));
}

#[tokio::test(flavor = "multi_thread")]
async fn the_delete_limit_is_judged_as_apply_judges_it() {
    let env = start().await;
    for index in 1..=10 {
        let name = format!("rule-{index:02}");
        env.write_rule(&name, &post_call(&name, "billing"));
    }
    env.run(&["apply", "--auto-approve"]).await.expect(0);
    for index in 1..=4 {
        std::fs::remove_file(env.rule_path(&format!("rule-{index:02}"))).expect("removed");
    }
    let plan = env
        .run(&[
            "plan",
            "--format",
            "json",
            "--allow-delete",
            "--fail-on-refusal",
        ])
        .await;
    plan.expect(3);
    let refusals = json(&plan.stdout)["refusals"].clone();
    assert_eq!(refusals.as_array().map(Vec::len), Some(1), "{refusals}");
    assert_eq!(refusals[0]["kind"], "delete_limit");
    assert_eq!(
        refusals[0]["message"],
        "the plan deletes 4 of 10 managed rules, more than the limit (30%)"
    );
    env.run(&["plan", "--allow-delete", "--fail-on-refusal", "--force"])
        .await
        .expect(0);
    env.run(&[
        "plan",
        "--allow-delete",
        "--fail-on-refusal",
        "--max-delete",
        "4",
    ])
    .await
    .expect(0);
    env.run(&["apply", "--auto-approve", "--allow-delete"])
        .await
        .expect(1);
    assert_eq!(env.live().await.len(), 10, "apply refused as the plan said");
}

// --- `--only` ----------------------------------------------------------------------------------

/// `keep` and `gone` live; `gone` deleted from git, `keep` changed.
async fn one_deleted_one_changed() -> Env {
    let env = start().await;
    env.write_rule("keep", &post_call("keep", "billing"));
    env.write_rule("gone", &post_call("gone", "billing"));
    env.run(&["apply", "--auto-approve"]).await.expect(0);
    std::fs::remove_file(env.rule_path("gone")).expect("removed");
    env.write_rule("keep", &post_call("keep", "retention"));
    env
}

#[tokio::test(flavor = "multi_thread")]
async fn only_plans_and_applies_the_selected_rules_and_never_deletes_the_others() {
    let env = one_deleted_one_changed().await;
    let whole = env.run(&["plan"]).await;
    assert!(
        whole.stdout.contains("rule `gone` will be deleted"),
        "{whole}"
    );

    let plan = env
        .run(&["plan", "--only", "keep", "--fail-on-refusal"])
        .await;
    plan.expect(0);
    assert!(!plan.stdout.contains("gone"), "{plan}");
    snapshot(&env, "only_text", &plan.stdout);
    let markdown = env
        .run(&["plan", "--only", "kee?", "--format", "markdown"])
        .await;
    assert!(
        markdown
            .stdout
            .contains("> **Partial plan:** only the rules matching `--only kee?` were compared"),
        "{markdown}"
    );
    let document = json(
        &env.run(&["plan", "--only", "k*", "--format", "json"])
            .await
            .stdout,
    );
    assert_eq!(document["partial"], true);
    assert_eq!(document["only"], serde_json::json!(["k*"]));
    assert_eq!(document["summary"]["delete"], 0);

    let apply = env
        .run(&[
            "apply",
            "--only",
            "keep",
            "--auto-approve",
            "--allow-delete",
        ])
        .await;
    apply.expect(0);
    assert!(
        apply
            .stdout
            .contains("No changes remain: the instance matches the rule files (for the rules `--only` selects)."),
        "{apply}"
    );
    let live = env.live_by_name().await;
    assert!(
        live.contains_key("gone"),
        "a rule outside --only was deleted"
    );
    assert_eq!(
        live["keep"].rule.tags.get("team").map(String::as_str),
        Some("retention")
    );

    // Drift, too, compares only the selection, and its report says so in every format: a
    // partial "no drift" says nothing of the other rules.
    let drift = env.run(&["drift", "--only", "keep"]).await;
    drift.expect(0);
    snapshot(&env, "drift_only_no_drift", &drift.stdout);
    let outside = env
        .run(&["drift", "--only", "gone", "--format", "markdown"])
        .await;
    outside.expect(2);
    snapshot(&env, "drift_only_markdown", &outside.stdout);
    let json = env
        .run(&["drift", "--only", "k*", "--format", "json"])
        .await;
    json.expect(0);
    let document: serde_json::Value = serde_json::from_str(&json.stdout).expect("json");
    assert_eq!(document["targets"][0]["partial"], true);
    assert_eq!(document["targets"][0]["only"], serde_json::json!(["k*"]));
    let whole = env.run(&["drift", "--format", "json"]).await;
    whole.expect(2);
    let document: serde_json::Value = serde_json::from_str(&whole.stdout).expect("json");
    assert_eq!(document["targets"][0]["partial"], false);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_selection_that_matches_nothing_is_an_error_with_a_did_you_mean() {
    let env = one_deleted_one_changed().await;
    let typo = env.run(&["plan", "--only", "kep"]).await;
    typo.expect(1);
    snapshot(&env, "only_typo", &typo.stderr);
    // A rule deleted from git is still live, so it can be selected.
    env.run(&["plan", "--only", "gone", "--detailed-exitcode"])
        .await
        .expect(2);
    env.run(&["apply", "--only", "nothing-*", "--auto-approve"])
        .await
        .expect(1);
    env.run(&["drift", "--only", "nothing-*"]).await.expect(1);
    assert_eq!(env.live().await.len(), 2);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_saved_partial_plan_applies_only_its_rules() {
    let env = one_deleted_one_changed().await;
    env.write_rule("new", &post_call("new", "billing"));
    env.run(&["plan", "--only", "keep", "--out", "plan.json"])
        .await
        .expect(0);
    let other = env.run(&["apply", "plan.json", "--only", "new"]).await;
    other.expect(1);
    assert!(
        other.stderr.contains(
            "the plan was made with `--only keep`, but this run passes `--only new`; nothing was changed"
        ),
        "{other}"
    );

    let apply = env.run(&["apply", "plan.json", "--allow-delete"]).await;
    apply.expect(0);
    assert!(
        apply.stdout.contains("(for the rules `--only` selects)"),
        "{apply}"
    );
    let live = env.live_by_name().await;
    assert!(live.contains_key("gone"), "outside the plan's selection");
    assert!(!live.contains_key("new"), "outside the plan's selection");
    assert_eq!(
        live["keep"].rule.tags.get("team").map(String::as_str),
        Some("retention")
    );
}

// --- A saved plan after the files changed -------------------------------------------------------

#[tokio::test(flavor = "multi_thread")]
async fn a_saved_plan_applies_its_own_changes_and_names_what_came_after_it() {
    let env = start().await;
    env.write_rule("a", &post_call("a", "billing"));
    env.write_rule("b", &post_call("b", "billing"));
    env.run(&["apply", "--auto-approve"]).await.expect(0);

    // The plan changes `a`; then `b`'s file changes: the plan still says what the files say
    // about `a`, so it is applied, and `b`, which nobody reviewed, is not.
    env.write_rule("a", &post_call("a", "retention"));
    env.run(&["plan", "--out", "plan.json"]).await.expect(0);
    env.write_rule("b", &post_call("b", "retention"));
    let apply = env.run(&["apply", "plan.json"]).await;
    apply.expect(0);
    snapshot(&env, "saved_plan_then_another_file_changed", &apply.stdout);
    assert!(!apply.stdout.contains("still differs"), "{apply}");
    let live = env.live_by_name().await;
    assert_eq!(
        live["a"].rule.tags.get("team").map(String::as_str),
        Some("retention")
    );
    assert_eq!(
        live["b"].rule.tags.get("team").map(String::as_str),
        Some("billing")
    );

    // A plan whose own rule's file changed after it is stale: nothing is applied.
    env.run(&["plan", "--out", "plan.json"]).await.expect(0);
    env.write_rule("b", &post_call("b", "support"));
    let stale = env.run(&["apply", "plan.json"]).await;
    stale.expect(1);
    assert!(stale.stderr.contains("the plan is stale"), "{stale}");
    assert_eq!(
        env.live_by_name().await["b"]
            .rule
            .tags
            .get("team")
            .map(String::as_str),
        Some("billing")
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_rule_renamed_in_its_file_is_one_change_whichever_name_only_selects() {
    let env = start().await;
    env.write_rule("callback", &post_call("callback", "billing"));
    env.run(&["apply", "--auto-approve"]).await.expect(0);
    // The same file now names the rule `cancel-callback`: a post-call rule cannot be renamed
    // in place, so the whole plan replaces it, and apply needs --allow-replace.
    env.write_rule("callback", &post_call("cancel-callback", "billing"));
    let mutations = env.mutations();

    for name in ["cancel-callback", "callback"] {
        let plan = env.run(&["plan", "--only", name, "--format", "json"]).await;
        plan.expect(0);
        let document = json(&plan.stdout);
        assert_eq!(document["summary"]["replace"], 1, "--only {name}: {plan}");
        assert_eq!(document["summary"]["create"], 0, "--only {name}: {plan}");
        assert_eq!(document["summary"]["delete"], 0, "--only {name}: {plan}");

        let apply = env.run(&["apply", "--only", name, "--auto-approve"]).await;
        apply.expect(1);
        assert!(apply.stderr.contains("--allow-replace"), "{apply}");
        assert_eq!(
            env.mutations(),
            mutations,
            "--only {name} changed the instance"
        );

        let drift = env.run(&["drift", "--only", name]).await;
        drift.expect(2);
        assert!(!drift.stdout.contains("Deleted outside git"), "{drift}");
    }

    env.run(&[
        "apply",
        "--only",
        "cancel-callback",
        "--auto-approve",
        "--allow-replace",
    ])
    .await
    .expect(0);
    let live = env.live_by_name().await;
    assert_eq!(
        live.keys().map(String::as_str).collect::<Vec<_>>(),
        ["cancel-callback"],
        "the old rule was replaced, not left beside the new one"
    );
}
