//! Unit tests of the store's behaviour, without HTTP.

use std::collections::BTreeMap;

use super::*;
use crate::emulator::ids::new_uuid;
use crate::emulator::pagination::PageRequest;

const INSTANCE: &str = "instance-1";

fn store() -> Store {
    Store::new(EmulatorConfig::default()).unwrap()
}

fn body(name: &str) -> Json {
    json!({
        "Name": name,
        "TriggerEventSource": {"EventSourceName": "OnPostCallAnalysisAvailable"},
        "Function": "{\"Version\": \"2022-11-25\", \"RuleFunction\": {}}",
        "Actions": [{"ActionType": "ASSIGN_CONTACT_CATEGORY", "AssignContactCategoryAction": {}}],
        "PublishStatus": "DRAFT",
        "Tags": {"team": "qa"}
    })
}

fn salesforce(name: &str) -> Json {
    let mut body = body(name);
    body["TriggerEventSource"] = json!({
        "EventSourceName": "OnSalesforceCaseCreate",
        "IntegrationAssociationId": "assoc-1"
    });
    body
}

fn update(name: &str) -> Json {
    json!({
        "Name": name,
        "Function": "{\"Version\":\"2022-11-25\",\"RuleFunction\":{\"Operator\":\"OR\"}}",
        "Actions": [{"ActionType": "GENERATE_EVENTBRIDGE_EVENT", "EventBridgeAction": {"Name": "e"}}],
        "PublishStatus": "PUBLISHED"
    })
}

#[test]
fn creates_and_describes_with_members_as_sent() {
    let store = store();
    let created = store.create_rule(INSTANCE, &body("r1")).unwrap();
    assert_eq!(
        created.rule_arn,
        format!(
            "arn:aws:connect:us-east-1:123456789012:instance/{INSTANCE}/rule/{}",
            created.rule_id
        )
    );
    assert_eq!(created.rule_id.len(), 36);
    let rule = store.describe_rule(INSTANCE, &created.rule_id).unwrap();
    assert_eq!(rule["Function"], body("r1")["Function"]);
    assert_eq!(rule["Tags"], json!({"team": "qa"}));
    assert_eq!(
        rule["LastUpdatedBy"],
        "arn:aws:iam::123456789012:user/connect-rules-emulator"
    );
    assert!(rule["CreatedTime"].is_f64());
    let live: crate::model::LiveRule = serde_json::from_value(rule).unwrap();
    assert_eq!(live.rule.name, "r1");
}

#[test]
fn names_are_unique_per_instance_and_instances_are_isolated() {
    let store = store();
    store.create_rule(INSTANCE, &body("r1")).unwrap();
    let error = store.create_rule(INSTANCE, &body("r1")).unwrap_err();
    assert_eq!(error.kind, ErrorKind::ResourceConflict);
    store.create_rule("instance-2", &body("r1")).unwrap();
    let listed = store
        .list_rules("instance-2", &ListRulesQuery::default())
        .unwrap();
    assert_eq!(listed.items.len(), 1);
    let unknown = store
        .list_rules("instance-3", &ListRulesQuery::default())
        .unwrap();
    assert!(unknown.items.is_empty());
}

#[test]
fn update_replaces_members_keeps_tags_and_moves_the_clock() {
    let store = store();
    let mut with_filters = body("r1");
    with_filters["PreEvaluationFilters"] = json!({"Operator": "AND"});
    let id = store.create_rule(INSTANCE, &with_filters).unwrap().rule_id;
    let before = store.describe_rule(INSTANCE, &id).unwrap();
    store.update_rule(INSTANCE, &id, &update("r1")).unwrap();
    let first = store.describe_rule(INSTANCE, &id).unwrap();
    store.update_rule(INSTANCE, &id, &update("r1")).unwrap();
    let second = store.describe_rule(INSTANCE, &id).unwrap();
    assert_eq!(first["PublishStatus"], "PUBLISHED");
    assert_eq!(first["Tags"], json!({"team": "qa"}));
    assert_eq!(first["TriggerEventSource"], before["TriggerEventSource"]);
    assert!(first.get("PreEvaluationFilters").is_none());
    assert_eq!(first["CreatedTime"], before["CreatedTime"]);
    let time = |rule: &Json| rule["LastUpdatedTime"].as_f64().unwrap();
    assert!(time(&first) > time(&before));
    assert!(time(&second) > time(&first));
}

#[test]
fn renames_only_where_the_source_allows() {
    let store = store();
    let id = store.create_rule(INSTANCE, &body("r1")).unwrap().rule_id;
    let error = store.update_rule(INSTANCE, &id, &update("r2")).unwrap_err();
    assert_eq!(error.kind, ErrorKind::InvalidRequest);
    assert!(
        error.message.contains("cannot be renamed"),
        "{}",
        error.message
    );
    let sf = store
        .create_rule(INSTANCE, &salesforce("sf"))
        .unwrap()
        .rule_id;
    store.update_rule(INSTANCE, &sf, &update("sf-2")).unwrap();
    let taken = store.update_rule(INSTANCE, &sf, &update("r1")).unwrap_err();
    assert_eq!(taken.kind, ErrorKind::ResourceConflict);
}

#[test]
fn missing_rules_are_not_found() {
    let store = store();
    for error in [
        store.describe_rule(INSTANCE, "nope").unwrap_err(),
        store.delete_rule(INSTANCE, "nope").unwrap_err(),
        store
            .update_rule(INSTANCE, "nope", &update("x"))
            .unwrap_err(),
    ] {
        assert_eq!(error.kind, ErrorKind::ResourceNotFound);
    }
}

#[test]
fn client_tokens_make_create_idempotent() {
    let store = store();
    let mut first = body("r1");
    first["ClientToken"] = json!("token-1");
    let a = store.create_rule(INSTANCE, &first).unwrap();
    let b = store.create_rule(INSTANCE, &first).unwrap();
    assert_eq!(a, b);
    let mut changed = body("r2");
    changed["ClientToken"] = json!("token-1");
    let error = store.create_rule(INSTANCE, &changed).unwrap_err();
    assert_eq!(error.kind, ErrorKind::ResourceConflict);
    assert!(error.message.contains("different parameters"));
    assert_eq!(store.snapshot().instances[INSTANCE].rules.len(), 1);
}

#[test]
fn quota_is_enforced() {
    let store = Store::new(EmulatorConfig::default().with_rule_quota(1)).unwrap();
    store.create_rule(INSTANCE, &body("r1")).unwrap();
    let error = store.create_rule(INSTANCE, &body("r2")).unwrap_err();
    assert_eq!(error.kind, ErrorKind::ServiceQuotaExceeded);
}

fn page_of(max_results: usize) -> PageRequest {
    PageRequest {
        max_results,
        next_token: None,
    }
}

#[test]
fn pages_cover_every_rule_once_and_filter() {
    let store = store();
    for index in 0..5 {
        let mut rule = body(&format!("r{index}"));
        if index % 2 == 0 {
            rule["PublishStatus"] = json!("PUBLISHED");
        }
        store.create_rule(INSTANCE, &rule).unwrap();
    }
    let mut query = ListRulesQuery {
        page: page_of(2),
        ..ListRulesQuery::default()
    };
    let mut names = Vec::new();
    loop {
        let page = store.list_rules(INSTANCE, &query).unwrap();
        names.extend(
            page.items
                .iter()
                .map(|s| s["Name"].as_str().unwrap().to_owned()),
        );
        match page.next_token {
            Some(token) => query.page.next_token = Some(token),
            None => break,
        }
    }
    assert_eq!(names, ["r0", "r1", "r2", "r3", "r4"]);
    let published = ListRulesQuery {
        publish_status: Some("PUBLISHED".to_owned()),
        page: page_of(3),
        ..ListRulesQuery::default()
    };
    let page = store.list_rules(INSTANCE, &published).unwrap();
    assert_eq!(page.items.len(), 3);
    assert_eq!(page.next_token, None, "no empty last page");
    let mut other_filter = ListRulesQuery {
        page: page_of(1),
        ..ListRulesQuery::default()
    };
    other_filter.page.next_token = store
        .list_rules(INSTANCE, &other_filter)
        .unwrap()
        .next_token;
    other_filter.publish_status = Some("DRAFT".to_owned());
    let error = store.list_rules(INSTANCE, &other_filter).unwrap_err();
    assert!(error.message.starts_with("invalid nextToken"));
}

#[test]
fn tags_by_arn() {
    let store = store();
    let arn = store.create_rule(INSTANCE, &body("r1")).unwrap().rule_arn;
    store
        .tag_resource(&arn, &json!({"tags": {"env": "dev"}}))
        .unwrap();
    store.untag_resource(&arn, &["team".to_owned()]).unwrap();
    assert_eq!(
        store.list_tags(&arn).unwrap(),
        BTreeMap::from([("env".to_owned(), "dev".to_owned())])
    );
    let foreign = arn.replace("us-east-1", "eu-west-1");
    assert_eq!(
        store.list_tags(&foreign).unwrap_err().kind,
        ErrorKind::ResourceNotFound
    );
    assert_eq!(
        store.list_tags("not-an-arn").unwrap_err().kind,
        ErrorKind::InvalidParameter
    );
    let too_many: serde_json::Map<String, Json> =
        (0..50).map(|i| (format!("k{i}"), json!("v"))).collect();
    let error = store
        .tag_resource(&arn, &json!({ "tags": too_many }))
        .unwrap_err();
    assert_eq!(error.kind, ErrorKind::InvalidParameter);
}

#[test]
fn state_survives_a_restart_and_failed_writes_change_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("state.json");
    let config = EmulatorConfig::default().with_state_file(&path);
    let id = Store::new(config.clone())
        .unwrap()
        .create_rule(INSTANCE, &body("r1"))
        .unwrap()
        .rule_id;
    let reopened = Store::new(config).unwrap();
    assert_eq!(reopened.describe_rule(INSTANCE, &id).unwrap()["Name"], "r1");

    drop(reopened);

    // A journal that cannot be written (here a folder stands in its place): the change is
    // refused and nothing changes.
    let blocked = dir.path().join("blocked");
    let store =
        Store::new(EmulatorConfig::default().with_state_file(blocked.join("state.json"))).unwrap();
    std::fs::create_dir_all(blocked.join("state.json.journal")).unwrap();
    let error = store.create_rule(INSTANCE, &body("r1")).unwrap_err();
    assert_eq!(error.kind, ErrorKind::InternalService);
    assert!(store.snapshot().instances.is_empty());
}

#[test]
fn changes_are_journalled_and_folded_into_the_state_file_at_close() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("state.json");
    let journal = dir.path().join("state.json.journal");
    let config = EmulatorConfig::default().with_state_file(&path);
    let store = Store::new(config.clone()).unwrap();
    let kept = store.create_rule(INSTANCE, &body("kept")).unwrap();
    let gone = store.create_rule(INSTANCE, &body("gone")).unwrap();
    store
        .update_rule(INSTANCE, &kept.rule_id, &update("kept"))
        .unwrap();
    store
        .tag_resource(&kept.rule_arn, &json!({"tags": {"k": "v"}}))
        .unwrap();
    store.delete_rule(INSTANCE, &gone.rule_id).unwrap();
    // Each change is one journal line; the state file is not rewritten for it.
    let lines = std::fs::read_to_string(&journal).unwrap().lines().count();
    assert_eq!(lines, 5);
    assert!(persist::load(&path).unwrap().instances.is_empty());
    let expected = store.snapshot();
    drop(store);
    assert!(!journal.exists());
    assert_eq!(persist::load(&path).unwrap(), expected);

    // A run that is still running (here: never dropped) keeps its journal and its lock; a
    // second store gives up at once when told not to wait.
    let store = Store::new(config.clone()).unwrap();
    store.create_rule(INSTANCE, &body("second")).unwrap();
    store.create_rule(INSTANCE, &body("torn")).unwrap();
    std::mem::forget(store);
    assert_eq!(
        std::fs::read_to_string(&journal).unwrap().lines().count(),
        2
    );
    let reopened = Store::new(config.with_lock_timeout(std::time::Duration::ZERO));
    // The forgotten store still holds the lock (as a live process would).
    let err = reopened.unwrap_err().to_string();
    assert!(err.contains("is in use by pid"), "{err}");
}

#[test]
fn a_reopened_journal_replays_without_its_torn_tail() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("state.json");
    let journal = dir.path().join("state.json.journal");
    let config = EmulatorConfig::default().with_state_file(&path);
    let (expected, bytes) = {
        let store = Store::new(config.clone()).unwrap();
        store.create_rule(INSTANCE, &body("first")).unwrap();
        store.create_rule(INSTANCE, &body("second")).unwrap();
        let expected = store.snapshot();
        store.create_rule(INSTANCE, &body("torn")).unwrap();
        (expected, std::fs::read(&journal).unwrap())
        // Dropped here: a clean close folds the journal in; the test puts the torn one back.
    };
    let last_line = bytes[..bytes.len() - 1]
        .iter()
        .rposition(|b| *b == b'\n')
        .unwrap();
    std::fs::remove_file(&path).unwrap();
    std::fs::write(&journal, &bytes[..last_line + 10]).unwrap();
    let reopened = Store::new(config).unwrap();
    assert_eq!(reopened.snapshot(), expected);
    let names: Vec<String> = reopened.snapshot().instances[INSTANCE]
        .rules
        .iter()
        .map(|rule| rule.name.clone())
        .collect();
    assert_eq!(names, ["first", "second"]);
    // Folded into the state file at open, so the journal restarts empty.
    assert!(std::fs::read(&journal).map_or(true, |bytes| bytes.is_empty()));
}

#[test]
fn uuids_look_like_version_4() {
    let id = new_uuid();
    let groups: Vec<usize> = id.split('-').map(str::len).collect();
    assert_eq!(groups, [8, 4, 4, 4, 12]);
    assert_eq!(&id[14..15], "4");
}
