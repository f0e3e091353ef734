//! Hiding what a pull-request comment should not show: who a rule notifies and what it says.
//!
//! Each hidden value becomes a short fingerprint of itself, so a reviewer still sees *that* a
//! recipient or a message changed, and which rules share one, without reading it. Pure.

use std::collections::BTreeMap;

use crate::diff::changed_fields;
use crate::digest::sha256_hex;
use crate::model::{NotificationRecipientType, Rule, RuleAction};
use crate::plan::{Change, Plan};

/// `plan` with every rule in it redacted and the field diffs recomputed from the redacted rules.
pub fn redact_plan(plan: &Plan) -> Plan {
    let mut plan = plan.clone();
    // Who a rule notifies is hidden: so are the users' names the plan resolved.
    plan.resolutions
        .retain(|resolution| resolution.kind != crate::reference::ResourceKind::User);
    for change in &mut plan.changes {
        match change {
            Change::Create { after, .. } => *after = redact_rule(after),
            Change::Update {
                before,
                after,
                fields,
                ..
            }
            | Change::Replace {
                before,
                after,
                fields,
                ..
            } => {
                before.rule = redact_rule(&before.rule);
                *after = redact_rule(after);
                *fields = changed_fields(&before.rule, after);
            }
            Change::Delete { before } => before.rule = redact_rule(&before.rule),
        }
    }
    plan
}

/// `rule` with notification subjects, contents, recipients and exclusions replaced by
/// fingerprints.
pub fn redact_rule(rule: &Rule) -> Rule {
    let mut rule = rule.clone();
    for action in &mut rule.actions {
        redact_action(action);
    }
    rule
}

fn redact_action(action: &mut RuleAction) {
    if let Some(notification) = &mut action.send_notification_action {
        notification.subject = notification.subject.as_deref().map(fingerprint);
        notification.content = fingerprint(&notification.content);
        redact_recipients(&mut notification.recipient);
        if let Some(exclusion) = &mut notification.exclusion {
            redact_recipients(exclusion);
        }
    }
    if let Some(notification) = &mut action.send_in_app_notification_action {
        for text in notification.content.values_mut() {
            *text = fingerprint(text);
        }
        redact_recipients(&mut notification.recipient);
        if let Some(exclusion) = &mut notification.exclusion {
            redact_recipients(exclusion);
        }
    }
}

fn redact_recipients(recipients: &mut NotificationRecipientType) {
    if let Some(tags) = &mut recipients.user_tags {
        *tags = tags
            .iter()
            .map(|(key, value)| (fingerprint(key), fingerprint(value)))
            .collect::<BTreeMap<_, _>>();
    }
    if let Some(ids) = &mut recipients.user_ids {
        for id in ids.iter_mut() {
            *id = fingerprint(id);
        }
    }
}

/// `(redacted a1b2c3d4)`: the first 8 hex digits of the value's SHA-256.
fn fingerprint(value: &str) -> String {
    format!("(redacted {})", &sha256_hex(value.as_bytes())[..8])
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::SendNotificationActionDefinition;

    fn notifying(content: &str, user: &str) -> Rule {
        let mut rule = Rule::test("notify");
        rule.actions = vec![RuleAction {
            action_type: "SEND_NOTIFICATION".to_owned(),
            send_notification_action: Some(SendNotificationActionDefinition {
                delivery_method: "EMAIL".to_owned(),
                subject: Some("Call back Ms Smith".to_owned()),
                content: content.to_owned(),
                content_type: "PLAIN_TEXT".to_owned(),
                recipient: NotificationRecipientType {
                    user_tags: Some(BTreeMap::from([("team".to_owned(), "vip".to_owned())])),
                    user_ids: Some(vec![user.to_owned()]),
                },
                exclusion: None,
            }),
            ..RuleAction::default()
        }];
        rule
    }

    #[test]
    fn recipients_and_content_are_hidden_but_changes_still_show() {
        let before = notifying("Account 4242 is closing", "user-1");
        let after = notifying("Account 4242 is closing now", "user-1");
        let text = serde_json::to_string(&redact_rule(&before)).expect("json");
        for secret in ["Account 4242", "user-1", "Ms Smith", "vip", "team"] {
            assert!(!text.contains(secret), "{secret} in {text}");
        }
        let fields = changed_fields(&redact_rule(&before), &redact_rule(&after));
        assert_eq!(fields.len(), 1);
        assert_eq!(fields[0].field, "Actions");
        assert!(
            fields[0].after.contains("(redacted "),
            "{}",
            fields[0].after
        );
        // The same recipient keeps the same fingerprint, so only the content line differs.
        assert_eq!(
            fields[0]
                .before
                .lines()
                .filter(|l| l.contains("(redacted"))
                .count(),
            fields[0]
                .after
                .lines()
                .filter(|l| l.contains("(redacted"))
                .count()
        );
    }

    #[test]
    fn rules_without_notifications_are_unchanged() {
        let rule = Rule::test("quiet");
        assert_eq!(redact_rule(&rule), rule);
    }
}
