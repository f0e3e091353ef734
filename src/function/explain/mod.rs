//! A rule read aloud: its trigger, conditions and actions as one paragraph. Pure.
//!
//! The reading works on the rule's document as JSON, so it reads a rule file as written (with
//! `${var.NAME}` where the file wrote a variable: see `load::Provenance`), a rule with
//! findings, and a rule of the model alike. No part of it prints JSON: every operator, filter
//! and pattern is in words, and a shape it does not know is named, not dumped.

mod filter;
mod pattern;
mod subject;
mod words;

use serde_json::{Map, Value as Json};

use super::catalog::{self, SourceCatalog};
use crate::model::Rule;
use words::{all_named, named, number, value, words_of};

/// One paragraph: "When ... and ..., then: ...; ...".
pub fn explain(rule: &Rule) -> String {
    match serde_json::to_value(rule) {
        Ok(document) => explain_document(&document),
        Err(err) => format!("(the rule cannot be read: {err})"),
    }
}

/// [`explain`], reading each id in `names` (an id to the `${KIND:NAME}` reference it was
/// resolved from) as the resource's name: "the queue is Billing" rather than its id.
pub fn explain_named(rule: &Rule, names: &std::collections::BTreeMap<String, String>) -> String {
    if names.is_empty() {
        return explain(rule);
    }
    let mut document = match serde_json::to_value(rule) {
        Ok(document) => document,
        Err(err) => return format!("(the rule cannot be read: {err})"),
    };
    if let Some(function) = document.get_mut("Function") {
        if let Some(parsed) = function
            .as_str()
            .and_then(|text| serde_json::from_str::<Json>(text).ok())
        {
            *function = parsed;
        }
    }
    name_ids(&mut document, names);
    explain_document(&document)
}

/// Every string of `json` that is an id in `names` replaced by its reference.
fn name_ids(json: &mut Json, names: &std::collections::BTreeMap<String, String>) {
    match json {
        Json::String(text) => {
            if let Some(reference) = names.get(text.as_str()) {
                text.clone_from(reference);
            }
        }
        Json::Array(items) => items.iter_mut().for_each(|item| name_ids(item, names)),
        Json::Object(members) => members
            .values_mut()
            .for_each(|member| name_ids(member, names)),
        _ => {}
    }
}

/// [`explain`] for a rule document as JSON: a rule file's members, with `Function` as a JSON
/// string or an object.
pub fn explain_document(document: &Json) -> String {
    let source = document
        .pointer("/TriggerEventSource/EventSourceName")
        .and_then(Json::as_str)
        .unwrap_or("");
    let catalog = catalog::for_source(source);
    let when = catalog.map_or_else(|| when_uncatalogued(source), |c| c.when.to_owned());
    let function = match document.get("Function") {
        Some(Json::String(text)) => serde_json::from_str::<Json>(text).ok(),
        Some(object @ Json::Object(_)) => Some(object.clone()),
        _ => None,
    };
    let conditions = match function
        .as_ref()
        .map(|function| function.get("RuleFunction"))
    {
        Some(Some(rule_function)) => {
            let reading = Reading { catalog };
            let conditions = expression(rule_function, &reading, true);
            match filter::grouping(rule_function.get("FilterClause")) {
                Some(grouping) => format!("{grouping}, {conditions}"),
                None => conditions,
            }
        }
        Some(None) => "(the function has no conditions)".to_owned(),
        None => "(the function is not valid JSON)".to_owned(),
    };
    let name = document.get("Name").and_then(Json::as_str).unwrap_or("");
    let actions: Vec<String> = document
        .get("Actions")
        .and_then(Json::as_array)
        .map(|actions| actions.iter().map(|one| action(one, name)).collect())
        .unwrap_or_default();
    let actions = if actions.is_empty() {
        "nothing".to_owned()
    } else {
        actions.join("; ")
    };
    let mut text = format!("When {when} and {conditions}, then: {actions}.");
    if document.get("PublishStatus").and_then(Json::as_str) == Some("DRAFT") {
        text.push_str(" The rule is a draft, so it does not run until it is published.");
    }
    text
}

/// The trigger of a source the catalogue has no table for.
fn when_uncatalogued(source: &str) -> String {
    match source {
        "OnMetricDataUpdate" => "metric data is updated".to_owned(),
        "OnSlaBreach" => "a case SLA is breached".to_owned(),
        "" => "an event of no named source arrives".to_owned(),
        other => format!("an {other} event arrives"),
    }
}

/// What a reading needs besides the expression.
struct Reading {
    catalog: Option<&'static SourceCatalog>,
}

fn expression(expr: &Json, reading: &Reading, top: bool) -> String {
    match expr {
        Json::Object(members) if members.contains_key("ComparisonValue") => {
            condition(members, reading)
        }
        Json::Object(members)
            if members.contains_key("Operands")
                || matches!(
                    members.get("Operator").and_then(Json::as_str),
                    Some("AND" | "OR")
                ) =>
        {
            group(members, reading, top)
        }
        Json::Object(_) => "(a part that is neither a condition nor a group)".to_owned(),
        other => format!("(a part that is {} instead of a condition)", value(other)),
    }
}

fn group(members: &Map<String, Json>, reading: &Reading, top: bool) -> String {
    let operator = members.get("Operator").and_then(Json::as_str);
    let joiner = match operator {
        Some("OR") => " or ".to_owned(),
        Some("AND") | None => " and ".to_owned(),
        Some(other) => format!(" {} ", words_of(other)),
    };
    let parts: Vec<String> = match members.get("Operands") {
        Some(Json::Array(operands)) => operands
            .iter()
            .map(|operand| expression(operand, reading, false))
            .collect(),
        Some(other) => vec![format!(
            "(operands that are {} instead of a list)",
            value(other)
        )],
        None => vec!["(no operands)".to_owned()],
    };
    let text = match (operator, parts.len()) {
        (Some("OR"), n) if n > 1 && top => format!("any of: {}", parts.join("; or ")),
        (Some("AND"), n) if n > 2 && top => format!("all of: {}", parts.join("; and ")),
        _ => parts.join(&joiner),
    };
    if is_true(members.get("Negate")) {
        format!("not ({text})")
    } else if !top && parts.len() > 1 {
        format!("({text})")
    } else {
        text
    }
}

fn is_true(node: Option<&Json>) -> bool {
    matches!(node, Some(Json::Bool(true)))
}

fn condition(members: &Map<String, Json>, reading: &Reading) -> String {
    let path = members
        .get("ComparisonValue")
        .and_then(Json::as_str)
        .unwrap_or("");
    let operator = members.get("Operator").and_then(Json::as_str);
    let negated = is_true(members.get("Negate"));
    let operands: Vec<Json> = match members.get("Operands") {
        Some(Json::Array(items)) => items.clone(),
        Some(other) => vec![other.clone()],
        None => Vec::new(),
    };
    let subject = subject::subject(reading.catalog, path, operator);
    let context = filter::context(path);
    let body = if path.contains(".PatternMatch.")
        || operands
            .iter()
            .any(|operand| operand.is_array() || operand.is_object())
    {
        let verb = if negated { "does not match" } else { "matches" };
        format!("{} {verb} {}", subject.text, pattern::patterns(&operands))
    } else {
        let values: Vec<String> = operands
            .iter()
            .map(|operand| match (operand, subject.unit) {
                (Json::Number(_), Some("%")) => format!("{}%", number(operand).unwrap_or_default()),
                (Json::Number(_), Some(unit)) => {
                    format!("{} {unit}", number(operand).unwrap_or_default())
                }
                _ => value(operand),
            })
            .collect();
        let verb = verb(operator, negated, values.len(), context.spoken);
        if values.is_empty() {
            format!("{} {}", subject.text, verb.empty)
        } else {
            format!("{} {} {}", subject.text, verb.some, values.join(", "))
        }
    };
    body + &filter::tail(members.get("FilterClause"), context)
}

/// An operator in words, with values and without.
struct Verb {
    some: String,
    empty: &'static str,
}

fn verb(operator: Option<&str>, negated: bool, count: usize, spoken: bool) -> Verb {
    let some = match (operator, negated) {
        (Some("CONTAINS_ANY"), false) if spoken => "contains any of",
        (Some("CONTAINS_ANY"), true) if spoken => "contains none of",
        (Some("CONTAINS_ANY"), false) if count > 1 => "is one of",
        (Some("CONTAINS_ANY"), true) if count > 1 => "is none of",
        (Some("CONTAINS_ANY" | "EQUALS"), false) => "is",
        (Some("CONTAINS_ANY" | "EQUALS"), true) => "is not",
        (Some("CONTAINS_ALL"), false) => "contains all of",
        (Some("CONTAINS_ALL"), true) => "does not contain all of",
        (Some("CONTAINS"), false) => "contains",
        (Some("CONTAINS"), true) => "does not contain",
        (Some("NumberGreaterOrEqualTo"), false) | (Some("NumberLessThan"), true) => "is at least",
        (Some("NumberGreaterOrEqualTo"), true) => "is below",
        (Some("NumberLessOrEqualTo"), false) | (Some("NumberGreaterThan"), true) => "is at most",
        (Some("NumberLessOrEqualTo"), true) => "is above",
        (Some("NumberGreaterThan"), false) => "is more than",
        (Some("NumberLessThan"), false) => "is less than",
        (None, _) => "is compared (with no operator) with",
        (Some(other), negated) => {
            let not = if negated { "not " } else { "" };
            return Verb {
                some: format!("is {not}compared by the unknown operator \"{other}\" with"),
                empty: "is compared by an unknown operator with nothing",
            };
        }
    };
    Verb {
        some: some.to_owned(),
        empty: if negated { "is set" } else { "is not set" },
    }
}

/// One action in a few words, with the flow, form or users it uses when the file names them
/// (`${flow:Callback}`, or a resolved id in a plan); `rule_name` names the contact category a
/// rule assigns.
fn action(action: &Json, rule_name: &str) -> String {
    let reading = action_reading(action, rule_name);
    let at = |pointer: &str| action.pointer(pointer);
    let detail = match action.get("ActionType").and_then(Json::as_str) {
        Some("CREATE_TASK") => at("/TaskAction/ContactFlowId")
            .and_then(named)
            .map(|flow| format!(" with flow {flow}")),
        Some("SUBMIT_AUTO_EVALUATION") => at("/SubmitAutoEvaluationAction/EvaluationFormId")
            .and_then(named)
            .map(|form| format!(" with form {form}")),
        Some("SEND_NOTIFICATION") => at("/SendNotificationAction/Recipient").and_then(recipients),
        Some("SEND_IN_APP_NOTIFICATION") => {
            at("/SendInAppNotificationAction/Recipient").and_then(recipients)
        }
        _ => None,
    };
    reading + detail.as_deref().unwrap_or("")
}

/// Who a notification goes to: the users the file names, and the user tags it selects by
/// (ids alone say nothing to a reader and are left out).
fn recipients(recipient: &Json) -> Option<String> {
    let mut whom = Vec::new();
    if let Some(users) = recipient.get("UserIds").and_then(all_named) {
        whom.push(users);
    }
    if let Some(tags) = recipient
        .get("UserTags")
        .and_then(Json::as_object)
        .filter(|tags| !tags.is_empty())
    {
        let tags: Vec<String> = tags
            .iter()
            .map(|(key, tag)| format!("{key}: {}", value(tag)))
            .collect();
        whom.push(format!("the users tagged {}", words::both(&tags)));
    }
    (!whom.is_empty()).then(|| format!(" to {}", whom.join(", and to ")))
}

fn action_reading(action: &Json, rule_name: &str) -> String {
    let quoted = |text: &str| value(&Json::String(text.to_owned()));
    let text_at = |pointer: &str| action.pointer(pointer).and_then(Json::as_str);
    match action
        .get("ActionType")
        .and_then(Json::as_str)
        .unwrap_or("")
    {
        "CREATE_TASK" => text_at("/TaskAction/Name").map_or_else(
            || "create a task".to_owned(),
            |name| format!("create task {}", quoted(name)),
        ),
        "GENERATE_EVENTBRIDGE_EVENT" => text_at("/EventBridgeAction/Name").map_or_else(
            || "send an EventBridge event".to_owned(),
            |name| format!("send EventBridge event {}", quoted(name)),
        ),
        "ASSIGN_CONTACT_CATEGORY" => format!("assign contact category {}", quoted(rule_name)),
        "SEND_NOTIFICATION" => text_at("/SendNotificationAction/Subject").map_or_else(
            || "send a notification".to_owned(),
            |subject| format!("send notification {}", quoted(subject)),
        ),
        "CREATE_CASE" => "create a case".to_owned(),
        "UPDATE_CASE" => "update the case".to_owned(),
        "ASSIGN_SLA" => match (
            text_at("/AssignSlaAction/CaseSlaConfiguration/Name"),
            action.pointer("/AssignSlaAction/CaseSlaConfiguration/TargetSlaMinutes"),
        ) {
            (Some(name), Some(minutes)) => format!(
                "assign SLA {} of {} minutes",
                quoted(name),
                number(minutes).unwrap_or_else(|| value(minutes))
            ),
            (Some(name), None) => format!("assign SLA {}", quoted(name)),
            _ => "assign an SLA".to_owned(),
        },
        "END_ASSOCIATED_TASKS" => "end the associated tasks".to_owned(),
        "END_ASSOCIATED_EMAILS" => "end the associated emails".to_owned(),
        "SUBMIT_AUTO_EVALUATION" => "submit an automated evaluation".to_owned(),
        "EXTRACT_INFORMATION" => "extract information".to_owned(),
        "SEND_IN_APP_NOTIFICATION" => "send an in-app notification".to_owned(),
        "" => "an action with no type".to_owned(),
        other => format!("the action \"{other}\""),
    }
}

#[cfg(test)]
mod tests;
