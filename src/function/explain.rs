//! A rule read aloud: its trigger, conditions and actions as one paragraph. Pure.

use std::collections::BTreeMap;

use super::ast::{Compound, Condition, Expr, ExprKind, FunctionDoc};
use super::catalog::{self, SourceCatalog};
use super::path;
use crate::model::{Rule, RuleAction};
use crate::node::{Node, Value};

/// One paragraph: "When ... and ..., then: ...; ...".
pub fn explain(rule: &Rule) -> String {
    explain_with(rule, &BTreeMap::new())
}

/// [`explain`], writing an operand equal to one of `variables` as `${var.NAME}`, as the rule
/// file does.
pub fn explain_with(rule: &Rule, variables: &BTreeMap<String, String>) -> String {
    let source = rule.trigger_event_source.event_source_name.as_str();
    let catalog = catalog::for_source(source);
    let when = catalog.map_or_else(
        || format!("an {source} event arrives"),
        |c| c.when.to_owned(),
    );
    let conditions = match FunctionDoc::from_text(&rule.function) {
        Some(doc) => match &doc.rule_function {
            Some(expr) => expression(expr, &Reading { catalog, variables }, true),
            None => "(the function has no conditions)".to_owned(),
        },
        None => "(the function is not valid JSON)".to_owned(),
    };
    let actions: Vec<String> = rule
        .actions
        .iter()
        .map(|one| action(one, &rule.name))
        .collect();
    let mut text = format!(
        "When {when} and {conditions}, then: {}.",
        actions.join("; ")
    );
    if rule.publish_status == "DRAFT" {
        text.push_str(" The rule is a draft, so it does not run until it is published.");
    }
    text
}

/// What a reading needs besides the expression.
struct Reading<'a> {
    catalog: Option<&'static SourceCatalog>,
    variables: &'a BTreeMap<String, String>,
}

fn expression(expr: &Expr, reading: &Reading, top: bool) -> String {
    match &expr.kind {
        ExprKind::Condition(condition) => describe(condition, reading),
        ExprKind::Compound(compound) => group(compound, reading, top),
        ExprKind::Other(node) => format!("`{}`", node.to_json()),
    }
}

fn group(compound: &Compound, reading: &Reading, top: bool) -> String {
    let joiner = match compound.operator_name() {
        Some("OR") => " or ".to_owned(),
        Some("AND") => " and ".to_owned(),
        Some(other) => format!(" {other} "),
        None => " ? ".to_owned(),
    };
    let parts: Vec<String> = compound
        .operands
        .iter()
        .map(|operand| expression(operand, reading, false))
        .collect();
    let text = match (compound.operator_name(), parts.len()) {
        (Some("OR"), n) if n > 1 && top => format!("any of: {}", parts.join("; or ")),
        (Some("AND"), n) if n > 2 && top => format!("all of: {}", parts.join("; and ")),
        _ => parts.join(&joiner),
    };
    if compound.negated() {
        format!("not ({text})")
    } else if !top && parts.len() > 1 {
        format!("({text})")
    } else {
        text
    }
}

fn describe(condition: &Condition, reading: &Reading) -> String {
    let path_text = condition.path().unwrap_or("?");
    let subject = reading
        .catalog
        .and_then(|catalog| {
            let spec = path::find(catalog, path_text, condition.operator_name())?;
            let bound = path::bindings(spec.path, path_text)?;
            Some(path::fill(spec.subject, &bound))
        })
        .unwrap_or_else(|| format!("`{path_text}`"));
    let negated = condition.negated();
    let operator = condition.operator_name().unwrap_or("?");
    let operands = condition.operand_list();
    let many = operands.len() > 1;
    let verb = match (operator, negated) {
        ("CONTAINS_ANY", false) if is_text(path_text) => "contains any of",
        ("CONTAINS_ANY", true) if is_text(path_text) => "contains none of",
        ("CONTAINS_ANY", false) if many => "is one of",
        ("CONTAINS_ANY", true) if many => "is none of",
        ("CONTAINS_ANY" | "EQUALS", false) => "is",
        ("CONTAINS_ANY" | "EQUALS", true) => "is not",
        ("CONTAINS_ALL", false) => "contains all of",
        ("CONTAINS_ALL", true) => "does not contain all of",
        ("NumberGreaterOrEqualTo", false) => "is at least",
        ("NumberGreaterOrEqualTo", true) => "is below",
        ("NumberLessOrEqualTo", false) => "is at most",
        ("NumberLessOrEqualTo", true) => "is above",
        ("NumberGreaterThan", false) => "is more than",
        ("NumberLessThan", false) => "is less than",
        _ => "",
    };
    let values = operands
        .iter()
        .map(|node| operand(node, reading.variables))
        .collect::<Vec<_>>()
        .join(", ");
    let mut text = if verb.is_empty() {
        let not = if negated { "not " } else { "" };
        format!("{subject} {not}`{operator}` {values}")
    } else {
        format!("{subject} {verb} {values}")
    };
    for (kind, data) in condition.filters() {
        text.push_str(&filter(kind, data, is_text(path_text)));
    }
    text
}

/// Whether a path is text that is searched, rather than a value compared whole.
fn is_text(path: &str) -> bool {
    path.ends_with("Transcript") || path.ends_with("Phrase")
}

fn operand(node: &Node, variables: &BTreeMap<String, String>) -> String {
    match &node.value {
        Value::Str(text) => match variables.iter().find(|(_, value)| *value == text) {
            Some((name, _)) => format!("${{var.{name}}}"),
            None => format!("\"{text}\""),
        },
        _ => node.to_json().to_string(),
    }
}

fn filter(kind: &str, data: &Node, spoken: bool) -> String {
    match (kind, data.as_str(), spoken) {
        ("ParticipantRole", Some("CUSTOMER"), true) => ", said by the customer".to_owned(),
        ("ParticipantRole", Some("AGENT"), true) => ", said by the agent".to_owned(),
        ("ParticipantRole", Some("ANY"), true) => ", said by anyone".to_owned(),
        ("ParticipantRole", Some("CUSTOMER"), false) => " for the customer".to_owned(),
        ("ParticipantRole", Some("AGENT"), false) => " for the agent".to_owned(),
        ("ParticipantRole", Some("ANY"), false) => " for anyone".to_owned(),
        _ => format!(" ({kind}: {})", data.to_json()),
    }
}

/// One action in a few words; `rule_name` names the contact category a rule assigns.
pub fn action(action: &RuleAction, rule_name: &str) -> String {
    let quoted = |text: &str| format!("\"{text}\"");
    match action.action_type.as_str() {
        "CREATE_TASK" => action.task_action.as_ref().map_or_else(
            || "create a task".to_owned(),
            |task| format!("create task {}", quoted(&task.name)),
        ),
        "GENERATE_EVENTBRIDGE_EVENT" => action.event_bridge_action.as_ref().map_or_else(
            || "send an EventBridge event".to_owned(),
            |event| format!("send EventBridge event {}", quoted(&event.name)),
        ),
        "ASSIGN_CONTACT_CATEGORY" => format!("assign contact category {}", quoted(rule_name)),
        "SEND_NOTIFICATION" => action.send_notification_action.as_ref().map_or_else(
            || "send a notification".to_owned(),
            |notification| match &notification.subject {
                Some(subject) => format!("send notification {}", quoted(subject)),
                None => "send a notification".to_owned(),
            },
        ),
        "CREATE_CASE" => "create a case".to_owned(),
        "UPDATE_CASE" => "update the case".to_owned(),
        "ASSIGN_SLA" => action.assign_sla_action.as_ref().map_or_else(
            || "assign an SLA".to_owned(),
            |sla| match &sla.case_sla_configuration {
                Some(config) => format!(
                    "assign SLA {} of {} minutes",
                    quoted(&config.name),
                    config.target_sla_minutes
                ),
                None => "assign an SLA".to_owned(),
            },
        ),
        "END_ASSOCIATED_TASKS" => "end the associated tasks".to_owned(),
        "END_ASSOCIATED_EMAILS" => "end the associated emails".to_owned(),
        "SUBMIT_AUTO_EVALUATION" => "submit an automated evaluation".to_owned(),
        "EXTRACT_INFORMATION" => "extract information".to_owned(),
        "SEND_IN_APP_NOTIFICATION" => "send an in-app notification".to_owned(),
        other => format!("`{other}`"),
    }
}
