//! `export` writes the ids of queues, flows, users and integrations by name (issue 17), and
//! `export --update` takes console edits back into the files that define the rules (issue 20):
//! end to end through aws-sdk-connect and the emulator, the instance's resources given by a
//! seed file. All traffic stays on 127.0.0.1.

mod support;

use connect_rules::emulator::{parse_seed, EmulatorConfig, Operation};
use connect_rules::model::Rule;
use serde_json::json;
use support::Env;

// Readable ids, so the snapshots show which stayed ids.
const RETENTION: &str = "queue-retention";
const SUPPORT_1: &str = "queue-support-1";
const ODD: &str = "queue-odd";
const CALLBACK: &str = "flow-callback";
const JDOE: &str = "user-jdoe";
const GONE: &str = "user-gone";
const SALESFORCE: &str = "integration-salesforce";

/// Two queues share a name and one has a `}` in its: those stay ids.
fn seed_text() -> String {
    format!(
        "queues:
  - Name: Retention
    Id: {RETENTION}
  - Name: Support
    Id: {SUPPORT_1}
  - Name: Support
    Id: queue-support-2
  - Name: odd }} queue
    Id: {ODD}
contact_flows:
  - Name: Callback
    Id: {CALLBACK}
users:
  - Username: jdoe
    Id: {JDOE}
integration_associations:
  - SourceApplicationName: Salesforce
    IntegrationAssociationId: {SALESFORCE}
routing_profiles:
  - Name: Basic
"
    )
}

async fn seeded() -> Env {
    let seed = parse_seed(std::path::Path::new("seed.yaml"), &seed_text()).expect("seed parses");
    Env::with(EmulatorConfig::default().with_resources(seed)).await
}

/// A post-call rule holding ids in the Function (queues), a task's flow and a notification's
/// users; the task's description quotes the flow's id as text.
fn retention_rule() -> Rule {
    serde_json::from_value(json!({
        "Name": "retention-callback",
        "TriggerEventSource": {"EventSourceName": "OnPostCallAnalysisAvailable"},
        "Function": json!({"Version": "2022-11-25", "RuleFunction": {"Operator": "AND", "Operands": [
            {"Operator": "CONTAINS_ANY", "Operands": [RETENTION, SUPPORT_1, ODD],
             "ComparisonValue": "$.ContactLens.PostCall.Queue.QueueId", "Negate": false},
            {"Operator": "CONTAINS_ANY", "Operands": ["cancel"],
             "ComparisonValue": "$.ContactLens.PostCall.ExactMatch.Transcript", "Negate": false}
        ]}}).to_string(),
        "Actions": [
            {"ActionType": "CREATE_TASK", "TaskAction": {
                "Name": "Call back", "Description": format!("flow {CALLBACK}"),
                "ContactFlowId": CALLBACK}},
            {"ActionType": "SEND_NOTIFICATION", "SendNotificationAction": {
                "DeliveryMethod": "EMAIL", "Subject": "Callback", "Content": "A task was opened.",
                "ContentType": "PLAIN_TEXT",
                "Recipient": {"UserIds": [JDOE, GONE]}}}
        ],
        "PublishStatus": "PUBLISHED",
        "Tags": {"managed-by": "connect-rules"}
    }))
    .expect("a rule")
}

/// A Salesforce rule: the integration is named by its source application.
fn salesforce_rule() -> Rule {
    serde_json::from_value(json!({
        "Name": "salesforce-case",
        "TriggerEventSource": {"EventSourceName": "OnSalesforceCaseCreate",
                               "IntegrationAssociationId": SALESFORCE},
        "Function": json!({"Version": "2022-11-25", "RuleFunction": {"Operator": "AND", "Operands": [
            {"Operator": "EQUALS", "Operands": ["001KEY"],
             "ComparisonValue": "$.ThirdParty.Salesforce.CaseCreate.AccountId", "Negate": false}
        ]}}).to_string(),
        "Actions": [{"ActionType": "CREATE_TASK", "TaskAction": {
            "Name": "New case", "ContactFlowId": CALLBACK}}],
        "PublishStatus": "DRAFT",
        "Tags": {"managed-by": "connect-rules"}
    }))
    .expect("a rule")
}

impl Env {
    async fn create(&self, rule: &Rule) -> String {
        self.client
            .create_rule(rule, &format!("create-{}", rule.name))
            .await
            .unwrap_or_else(|err| panic!("`{}` is created: {err}", rule.name))
            .1
    }

    fn read(&self, relative: &str) -> String {
        std::fs::read_to_string(self.path().join(relative))
            .unwrap_or_else(|err| panic!("`{relative}` can be read: {err}"))
    }

    fn list_calls(&self) -> Vec<(Operation, usize)> {
        [
            Operation::ListQueues,
            Operation::ListContactFlows,
            Operation::ListUsers,
            Operation::ListRoutingProfiles,
            Operation::ListEvaluationForms,
            Operation::ListIntegrationAssociations,
            Operation::ListAgentStatuses,
            Operation::ListUserHierarchyGroups,
        ]
        .into_iter()
        .map(|operation| (operation, self.emulator.count(operation)))
        .filter(|(_, count)| *count > 0)
        .collect()
    }
}

fn filters(env: &Env) -> Vec<(String, String)> {
    support::snapshot::run_filters(env.path())
}

#[tokio::test(flavor = "multi_thread")]
async fn export_writes_ids_by_name_and_the_export_plans_as_no_change() {
    let env = seeded().await;
    env.create(&retention_rule()).await;
    env.create(&salesforce_rule()).await;
    env.emulator.clear_requests();

    env.run(&["export"]).await.expect(0);
    // Only the kinds the rules hold ids of were listed.
    assert_eq!(
        env.list_calls(),
        [
            (Operation::ListQueues, 1),
            (Operation::ListContactFlows, 1),
            (Operation::ListUsers, 1),
            (Operation::ListIntegrationAssociations, 1),
        ]
    );
    let retention = env.read("rules/retention-callback.yaml");
    for expected in [
        "- ${queue:Retention}\n",
        &format!("- {SUPPORT_1}\n"),
        &format!("- {ODD}\n"),
        "ContactFlowId: ${flow:Callback}\n",
        &format!("Description: flow {CALLBACK}\n"),
        "- ${user:jdoe}\n",
        &format!("- {GONE}\n"),
    ] {
        assert!(
            retention.contains(expected),
            "`{expected}` in:\n{retention}"
        );
    }
    support::snapshot::assert_filtered!(filters(&env), "exported_with_references", retention);
    let salesforce = env.read("rules/salesforce-case.yaml");
    assert!(
        salesforce.contains("IntegrationAssociationId: ${integration:Salesforce}\n"),
        "{salesforce}"
    );
    assert!(
        salesforce.contains("ContactFlowId: ${flow:Callback}\n"),
        "{salesforce}"
    );

    let plan = env.run(&["plan", "--detailed-exitcode"]).await;
    plan.expect(0);
    assert!(plan.stdout.contains("No changes."), "{}", plan.stdout);
}

#[tokio::test(flavor = "multi_thread")]
async fn export_with_raw_ids_keeps_every_id_and_lists_nothing() {
    let env = seeded().await;
    env.create(&retention_rule()).await;
    env.emulator.clear_requests();

    env.run(&["export", "--raw-ids"]).await.expect(0);
    assert_eq!(env.list_calls(), [], "no resource was listed");
    let retention = env.read("rules/retention-callback.yaml");
    assert!(!retention.contains("${"), "{retention}");
    assert!(
        retention.contains(&format!("ContactFlowId: {CALLBACK}\n")),
        "{retention}"
    );
    assert!(
        retention.contains(&format!("- {RETENTION}\n")),
        "{retention}"
    );
    let plan = env.run(&["plan", "--detailed-exitcode"]).await;
    plan.expect(0);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_variable_whose_value_names_the_resource_is_written_back_before_a_reference() {
    let env = seeded().await;
    env.create(&retention_rule()).await;
    let args = ["--var", "callback=${flow:Callback}"];
    env.run(&[&["export"][..], &args].concat()).await.expect(0);
    let retention = env.read("rules/retention-callback.yaml");
    assert!(
        retention.contains("ContactFlowId: ${var.callback}\n"),
        "{retention}"
    );
    assert!(retention.contains("- ${queue:Retention}\n"), "{retention}");
    env.run(&[&["plan", "--detailed-exitcode"][..], &args].concat())
        .await
        .expect(0);
}

/// A rule file as a person writes it: comments (at the top, above a condition and an action,
/// at the end of a line), a variable, references.
const CALLBACK_FILE: &str = r#"# yaml-language-server: $schema=../schema/rule.schema.json
# Retention callbacks: owned by the retention team.
Name: retention-callback
TriggerEventSource:
  EventSourceName: OnPostCallAnalysisAvailable
Function:
  Version: "2022-11-25"
  RuleFunction:
    Operator: AND
    Operands:
      # Only the retention queue.
      - Operator: CONTAINS_ANY
        Operands: ["${queue:Retention}"]  # by name: the id differs per instance
        ComparisonValue: $.ContactLens.PostCall.Queue.QueueId
        Negate: false
PublishStatus: PUBLISHED # drafts are for trials
Actions:
  # The callback task, worked by the retention team.
  - ActionType: CREATE_TASK
    TaskAction:
      Name: Call back for ${var.team}
      Description: "Call back within a day." # the promise on the website
      ContactFlowId: ${var.callback}
  # Tagged for the weekly report.
  - ActionType: ASSIGN_CONTACT_CATEGORY
    AssignContactCategoryAction: {}
"#;

const QUIET_FILE: &str = r#"Name: quiet
TriggerEventSource:
  EventSourceName: OnPostCallAnalysisAvailable
Function:
  Version: "2022-11-25"
  RuleFunction:
    Operator: AND
    Operands:
      - Operator: CONTAINS_ANY
        Operands: [refund]
        ComparisonValue: $.ContactLens.PostCall.ExactMatch.Transcript
        Negate: false
PublishStatus: PUBLISHED
Actions:
  - ActionType: ASSIGN_CONTACT_CATEGORY
    AssignContactCategoryAction: {}
"#;

#[tokio::test(flavor = "multi_thread")]
async fn export_update_takes_a_console_edit_back_keeping_the_files_variables_and_references() {
    let env = seeded().await;
    std::fs::create_dir_all(env.path().join("rules/retention")).expect("folder");
    let callback_path = "rules/retention/callback-rule.yaml";
    std::fs::write(env.path().join(callback_path), CALLBACK_FILE).expect("written");
    env.write_rule("quiet", QUIET_FILE);
    // `team` stands inside a longer value: only the file's own text can give it back.
    let var = [
        "--var",
        "callback=${flow:Callback}",
        "--var",
        "team=retention",
    ];
    let with_var = |args: &[&'static str]| [args, &var[..]].concat();
    env.run(&with_var(&["apply", "--auto-approve"]))
        .await
        .expect(0);

    // A console edit, through the SDK's UpdateRule: a new description, a draft, and the
    // tagging action removed.
    let live = env.live_by_name().await;
    let current = &live["retention-callback"];
    let mut edited = current.rule.clone();
    assert_eq!(edited.actions.len(), 2, "{:?}", edited.actions);
    edited.actions.pop();
    edited.actions[0]
        .task_action
        .as_mut()
        .expect("a task")
        .description = Some("Call back within two hours.".to_owned());
    edited.publish_status = "DRAFT".to_owned();
    env.client
        .update_rule(&current.rule_id, &edited)
        .await
        .expect("UpdateRule answers");
    // A rule made in the console (not managed), not in git.
    let mut console_rule = salesforce_rule();
    console_rule.tags.clear();
    env.create(&console_rule).await;
    env.run(&with_var(&["plan", "--detailed-exitcode"]))
        .await
        .expect(2);

    let update = env.run(&with_var(&["export", "--update"])).await;
    update.expect(0);
    support::snapshot::assert_filtered!(
        filters(&env),
        "export_update",
        format!("--- stdout\n{}--- stderr\n{}", update.stdout, update.stderr)
    );
    // The file keeps its variables, references and comments, each where its value is; the
    // comment above the removed action goes with it.
    insta::assert_snapshot!("export_update_file", env.read(callback_path));
    assert_eq!(
        env.read("rules/quiet.yaml"),
        QUIET_FILE,
        "an unchanged file is left"
    );
    assert!(
        !env.path().join("rules/salesforce-case.yaml").exists(),
        "a rule not in git is not written by --update"
    );
    let plan = env.run(&with_var(&["plan", "--detailed-exitcode"])).await;
    plan.expect(0);
    assert!(plan.stdout.contains("No changes."), "{}", plan.stdout);

    // A second update finds nothing to do.
    let again = env.run(&with_var(&["export", "--update"])).await;
    again.expect(0);
    assert!(
        again.stderr.starts_with("rewrote 0 files, left 2"),
        "{}",
        again.stderr
    );
}

/// A rule file written as JSON, as AWS's rules library ships them (Function a JSON string), with
/// comments above keys and items, at the ends of lines and before closing brackets.
const JSON_FILE: &str = r#"# Written as JSON, as the rules library ships them.
{
    # The name is the rule's identity.
    "Name": "refund-json",
    "TriggerEventSource": {"EventSourceName": "OnPostCallAnalysisAvailable"},
    "Function": "{\"Version\":\"2022-11-25\",\"RuleFunction\":{\"Operator\":\"AND\",\"Operands\":[{\"Operator\":\"CONTAINS_ANY\",\"Operands\":[\"refund\"],\"ComparisonValue\":\"$.ContactLens.PostCall.ExactMatch.Transcript\",\"Negate\":false}]}}",
    "Actions": [
        # Tag the contact.
        {
            "ActionType": "ASSIGN_CONTACT_CATEGORY", # no settings
            "AssignContactCategoryAction": {}
        }
        # More actions to come.
    ],
    "PublishStatus": "PUBLISHED" # live for everyone
}
"#;

#[tokio::test(flavor = "multi_thread")]
async fn export_update_keeps_the_comments_of_a_file_written_as_json() {
    let env = seeded().await;
    env.write_rule("refund-json", JSON_FILE);
    env.run(&["apply", "--auto-approve"]).await.expect(0);
    let live = env.live_by_name().await;
    let mut edited = live["refund-json"].rule.clone();
    edited.publish_status = "DRAFT".to_owned();
    env.client
        .update_rule(&live["refund-json"].rule_id, &edited)
        .await
        .expect("UpdateRule answers");

    let update = env.run(&["export", "--update"]).await;
    update.expect(0);
    // The Function comes back as a mapping; every comment stays with its value.
    support::snapshot::assert_filtered!(
        filters(&env),
        "export_update_json",
        format!(
            "--- stdout\n{}--- rules/refund-json.yaml\n{}",
            update.stdout,
            env.read("rules/refund-json.yaml")
        )
    );
    let plan = env.run(&["plan", "--detailed-exitcode"]).await;
    plan.expect(0);
    assert!(plan.stdout.contains("No changes."), "{}", plan.stdout);
}

#[tokio::test(flavor = "multi_thread")]
async fn export_update_writes_nothing_when_a_file_is_broken_or_a_link() {
    let env = seeded().await;
    env.write_rule("quiet", QUIET_FILE);
    env.run(&["apply", "--auto-approve"]).await.expect(0);
    let live = env.live_by_name().await;
    let mut edited = live["quiet"].rule.clone();
    edited.publish_status = "DRAFT".to_owned();
    env.client
        .update_rule(&live["quiet"].rule_id, &edited)
        .await
        .expect("UpdateRule answers");

    // A broken file elsewhere in the folder: the update starts from the files, so it stops.
    env.write_rule("broken", "Name: [");
    let broken = env.run(&["export", "--update"]).await;
    broken.expect(1);
    assert!(
        broken.stderr.contains("nothing was written") && broken.stderr.contains("broken.yaml"),
        "{}",
        broken.stderr
    );
    assert_eq!(env.read("rules/quiet.yaml"), QUIET_FILE);
    std::fs::remove_file(env.rule_path("broken")).expect("removed");

    // The rule file is a link: writing through it would change another file.
    #[cfg(unix)]
    {
        let outside = env.path().join("outside.yaml");
        std::fs::write(&outside, QUIET_FILE).expect("written");
        std::fs::remove_file(env.rule_path("quiet")).expect("removed");
        std::os::unix::fs::symlink(&outside, env.rule_path("quiet")).expect("linked");
        let linked = env.run(&["export", "--update"]).await;
        linked.expect(1);
        assert!(
            linked.stderr.contains("symbolic links")
                && linked.stderr.contains("nothing was written"),
            "{}",
            linked.stderr
        );
        assert_eq!(std::fs::read_to_string(&outside).expect("read"), QUIET_FILE);
    }
}

/// Runs git in `dir`; the test fails when it does.
fn git(dir: &std::path::Path, args: &[&str]) {
    let out = std::process::Command::new("git")
        .args(args)
        .current_dir(dir)
        .output()
        .expect("git runs");
    assert!(
        out.status.success(),
        "git {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// The project folder as a git repository with everything committed.
fn commit_all(env: &Env) {
    let dir = env.path();
    if !dir.join(".git").exists() {
        git(dir, &["init", "-q"]);
        git(dir, &["config", "user.email", "test@example.com"]);
        git(dir, &["config", "user.name", "Test"]);
    }
    git(dir, &["add", "-A"]);
    git(dir, &["commit", "-q", "-m", "rules"]);
}

impl Env {
    /// A console edit: the live rule `name` set to draft through UpdateRule.
    async fn draft_on_instance(&self, name: &str) {
        let live = self.live_by_name().await;
        let mut edited = live[name].rule.clone();
        "DRAFT".clone_into(&mut edited.publish_status);
        self.client
            .update_rule(&live[name].rule_id, &edited)
            .await
            .expect("UpdateRule answers");
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn export_update_refuses_files_with_uncommitted_edits_and_writes_nothing() {
    let env = seeded().await;
    env.write_rule("quiet", QUIET_FILE);
    env.write_rule("loud", &QUIET_FILE.replace("Name: quiet", "Name: loud"));
    env.run(&["apply", "--auto-approve"]).await.expect(0);
    commit_all(&env);
    // `loud` is edited in the console; `quiet` is edited in git and not applied yet.
    env.draft_on_instance("loud").await;
    let edited = QUIET_FILE.replace("[refund]", "[refund, chargeback]");
    env.write_rule("quiet", &edited);
    let loud_before = env.read("rules/loud.yaml");

    let refused = env.run(&["export", "--update"]).await;
    refused.expect(1);
    assert_eq!(
        refused.stderr,
        "error: these rule files have changes not committed to git, which rewriting them from \
         the instance would lose; nothing was written:\n  rules/quiet.yaml\n  hint: commit or \
         stash them first; if they are the newer version, `plan` and `apply` them instead; or \
         pass `--force` to overwrite them with the instance's rules\n"
    );
    assert_eq!(
        env.read("rules/quiet.yaml"),
        edited,
        "the local edit is kept"
    );
    assert_eq!(env.read("rules/loud.yaml"), loud_before, "all or nothing");

    // Once committed, the edit is safe in git: the update rewrites both, and does not claim
    // the instance changed.
    commit_all(&env);
    let update = env.run(&["export", "--update"]).await;
    update.expect(0);
    assert!(
        update.stdout.contains(
            "rewrote `rules/quiet.yaml` (rule `quiet`) from the instance: Function differed \
             (changed on the instance or not applied yet)"
        ),
        "{}",
        update.stdout
    );
    assert!(!update.stderr.contains("note:"), "{}", update.stderr);
    let quiet = env.read("rules/quiet.yaml");
    assert!(
        quiet.contains("- refund\n") && !quiet.contains("chargeback"),
        "{quiet}"
    );
    assert!(env
        .read("rules/loud.yaml")
        .contains("PublishStatus: DRAFT\n"));

    // `--force` overwrites an uncommitted edit.
    env.write_rule("quiet", &edited);
    env.run(&["export", "--update", "--force"]).await.expect(0);
    assert_eq!(env.read("rules/quiet.yaml"), quiet);
}

/// A rule whose task name holds a variable; `Operator: AND` is a literal.
const TEAM_FILE: &str = r#"Name: team-callback
TriggerEventSource:
  EventSourceName: OnPostCallAnalysisAvailable
Function:
  Version: "2022-11-25"
  RuleFunction:
    Operator: AND
    Operands:
      - Operator: CONTAINS_ANY
        Operands: [cancel]
        ComparisonValue: $.ContactLens.PostCall.ExactMatch.Transcript
        Negate: false
PublishStatus: PUBLISHED
Actions:
  - ActionType: CREATE_TASK
    TaskAction:
      Name: Call back for ${var.team}
      ContactFlowId: ${flow:Callback}
"#;

#[tokio::test(flavor = "multi_thread")]
async fn export_update_keeps_a_variable_whose_value_changed_and_invents_none() {
    let env = seeded().await;
    env.write_rule("team-callback", TEAM_FILE);
    env.run(&["apply", "--auto-approve", "--var", "team=retention"])
        .await
        .expect(0);
    // The variable changes in the config (not applied yet); another variable happens to hold
    // a literal of the file.
    let vars = ["--var", "team=sales", "--var", "logic=AND"];
    let with_vars = |args: &[&'static str]| [args, &vars[..]].concat();
    let kept_line = "  kept `Call back for ${var.team}` at Actions[0].TaskAction.Name: the \
                     instance has `Call back for retention`, the file gives `Call back for \
                     sales`; a plan will set the instance to the file's value\n";

    // Only the variable differs: the file is left, and the difference said.
    let left = env.run(&with_vars(&["export", "--update"])).await;
    left.expect(0);
    assert_eq!(
        left.stdout,
        format!(
            "left `rules/team-callback.yaml` (rule `team-callback`): it differs from the \
             instance only where its variables stand (kept as written)\n{kept_line}"
        )
    );
    assert_eq!(env.read("rules/team-callback.yaml"), TEAM_FILE);

    // With a console edit too, the file is rewritten and keeps the variable and the literal.
    env.draft_on_instance("team-callback").await;
    let update = env.run(&with_vars(&["export", "--update"])).await;
    update.expect(0);
    assert!(update.stdout.ends_with(kept_line), "{}", update.stdout);
    let text = env.read("rules/team-callback.yaml");
    for expected in [
        "Name: Call back for ${var.team}\n",
        "ContactFlowId: ${flow:Callback}\n",
        "    Operator: AND\n",
        "PublishStatus: DRAFT\n",
    ] {
        assert!(text.contains(expected), "`{expected}` in:\n{text}");
    }
    assert!(!text.contains("${var.logic}"), "{text}");
    // The plan sets the instance to the variable's new value, and only that.
    let plan = env.run(&with_vars(&["plan", "--detailed-exitcode"])).await;
    plan.expect(2);
    assert!(
        plan.stdout.contains("Call back for sales") && !plan.stdout.contains("PublishStatus"),
        "{}",
        plan.stdout
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn export_update_refuses_a_read_only_file_keeps_modes_and_the_header_after_the_marker() {
    let env = seeded().await;
    let marked = format!(
        "# Owned by the quiet team.\n---\n# yaml-language-server: $schema=../schema/rule.schema.json\n{QUIET_FILE}"
    );
    env.write_rule("quiet", &marked);
    env.run(&["apply", "--auto-approve"]).await.expect(0);
    env.draft_on_instance("quiet").await;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let path = env.rule_path("quiet");
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o444)).expect("chmod");
        let refused = env.run(&["export", "--update"]).await;
        refused.expect(1);
        assert!(
            refused.stderr.contains(
                "error: these rule files are read-only; nothing was written:\n  rules/quiet.yaml\n"
            ),
            "{}",
            refused.stderr
        );
        assert_eq!(env.read("rules/quiet.yaml"), marked);
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o640)).expect("chmod");
        env.run(&["export", "--update"]).await.expect(0);
        let mode = std::fs::metadata(&path).expect("stat").permissions().mode() & 0o777;
        assert_eq!(mode, 0o640, "the file keeps its mode");
    }
    #[cfg(not(unix))]
    env.run(&["export", "--update"]).await.expect(0);
    let text = env.read("rules/quiet.yaml");
    assert!(
        text.starts_with(
            "# Owned by the quiet team.\n---\n# yaml-language-server: $schema=../schema/rule.schema.json\nName: quiet\n"
        ),
        "{text}"
    );
    assert!(text.contains("PublishStatus: DRAFT\n"), "{text}");

    // A typo in `--only` is an error, as on plan.
    let typo = env.run(&["export", "--update", "--only", "quite"]).await;
    typo.expect(1);
    assert!(
        typo.stderr.contains("`--only quite` matches no rule")
            && typo.stderr.contains("did you mean `quiet`?"),
        "{}",
        typo.stderr
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn export_update_refuses_to_place_a_variable_by_index_in_a_list_the_console_changed() {
    let env = seeded().await;
    env.write_rule("team-callback", TEAM_FILE);
    let team = ["--var", "team=retention"];
    let with_team = |args: &[&'static str]| [args, &team[..]].concat();
    env.run(&with_team(&["apply", "--auto-approve"]))
        .await
        .expect(0);
    // The console puts a new action first: `Actions[0]` is now another action.
    let live = env.live_by_name().await;
    let mut edited = live["team-callback"].rule.clone();
    let mut inserted = edited.actions[0].clone();
    if let Some(task) = inserted.task_action.as_mut() {
        "Escalate to a lead".clone_into(&mut task.name);
    }
    edited.actions.insert(0, inserted);
    env.client
        .update_rule(&live["team-callback"].rule_id, &edited)
        .await
        .expect("UpdateRule answers");

    let update = env.run(&with_team(&["export", "--update"])).await;
    update.expect(1);
    assert!(
        update.stderr.contains(
            "`Call back for ${var.team}` at Actions[0].TaskAction.Name: its value stands in another item of `Actions` on the instance"
        ),
        "{update}"
    );
    assert_eq!(
        env.read("rules/team-callback.yaml"),
        TEAM_FILE,
        "the console's action keeps its own name; the file is left for a hand edit"
    );
}
