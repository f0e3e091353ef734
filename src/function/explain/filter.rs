//! `FilterClause` filters read aloud: who spoke, when in the contact, which language, and the
//! metric filters and grouping of OnMetricDataUpdate.

use serde_json::Value as Json;

use super::words::{both, duration, either, span, strings, value, words_of};

/// What a filter needs to know about its condition.
#[derive(Debug, Clone, Copy)]
pub struct Context {
    /// The condition searches spoken or written words (a transcript): roles "said" them.
    pub spoken: bool,
    /// What the contact is: "call", "chat" or "contact", for "the first 30 seconds of the call".
    pub contact: &'static str,
}

/// The context of a condition on `path`.
pub fn context(path: &str) -> Context {
    let contact = if path.contains("Call") {
        "call"
    } else if path.contains("Chat") {
        "chat"
    } else {
        "contact"
    };
    Context {
        spoken: path.ends_with("Transcript") || path.ends_with("Phrase"),
        contact,
    }
}

/// The `(Type, Data)` filters of a `FilterClause`, and how they combine ("and" unless the
/// clause says `OR`, which no page documents).
pub fn filters(clause: Option<&Json>) -> (Vec<(String, Json)>, &'static str) {
    let Some(clause) = clause else {
        return (Vec::new(), "and");
    };
    let joiner = match clause.get("LogicOperator").and_then(Json::as_str) {
        Some("OR") => "or",
        _ => "and",
    };
    let found = clause
        .get("Filters")
        .and_then(Json::as_array)
        .map(|filters| {
            filters
                .iter()
                .map(|filter| {
                    let kind = filter
                        .get("Type")
                        .and_then(Json::as_str)
                        .unwrap_or("untyped")
                        .to_owned();
                    (kind, filter.get("Data").cloned().unwrap_or(Json::Null))
                })
                .collect()
        })
        .unwrap_or_default();
    (found, joiner)
}

/// A condition's filters as a tail: ", said by the customer, in the last 30 seconds", or
/// " for the customer" (a "for" phrase needs no comma).
pub fn tail(clause: Option<&Json>, context: Context) -> String {
    let (found, joiner) = filters(clause);
    let mut out = String::new();
    for (index, (kind, data)) in found.iter().enumerate() {
        let phrase = filter(kind, data, context);
        let separator = match (index, joiner) {
            (0, _) | (_, "and") if phrase.starts_with("for ") => " ",
            (0, _) | (_, "and") => ", ",
            _ => ", or ",
        };
        out.push_str(separator);
        out.push_str(&phrase);
    }
    out
}

/// The grouping of a metric rule (`MetricDataGrouping` on the `RuleFunction`): "for each
/// queue"; other rule-level filters in words.
pub fn grouping(clause: Option<&Json>) -> Option<String> {
    let (found, _) = filters(clause);
    let read: Vec<String> = found
        .iter()
        .map(|(kind, data)| filter(kind, data, context("")))
        .collect();
    (!read.is_empty()).then(|| read.join(", "))
}

/// One filter in words.
pub fn filter(kind: &str, data: &Json, context: Context) -> String {
    let past = || data.get("Past").map(span);
    match kind {
        "ParticipantRole" => {
            let roles: Vec<String> = strings(data).iter().map(|role| role_name(role)).collect();
            let roles = if roles.is_empty() {
                value(data)
            } else {
                either(&roles)
            };
            if context.spoken {
                format!("said by {roles}")
            } else {
                format!("for {roles}")
            }
        }
        "PatternMatchLanguageFilter" => {
            let languages: Vec<String> = strings(data).iter().map(|code| language(code)).collect();
            format!("in {}", either(&languages))
        }
        kind if kind.ends_with("ContactPeriodSeconds") => {
            let of_the = format!(" of the {}", context.contact);
            match (data.get("First"), data.get("Last"), past()) {
                (Some(first), _, _) => format!("in the first {}{of_the}", span(first)),
                (_, Some(last), _) => format!("in the last {}{of_the}", span(last)),
                (_, _, Some(past)) => format!("in the last {past}"),
                _ => format!(
                    "in the part of the {} given by {}",
                    context.contact,
                    value(data)
                ),
            }
        }
        "MetricDataPeriodSeconds" | "MetricDataDurationSeconds" => match past() {
            Some(past) => format!("over the last {past}"),
            None => format!("over the period {}", value(data)),
        },
        // The page spells it both ways: "AgentActivityDurationSeconds" in its heading and
        // "AgentActvityDurationSeconds" in its example.
        "AgentActivityDurationSeconds" | "AgentActvityDurationSeconds" => match past() {
            Some(past) => format!("for the last {past}"),
            None => format!("for the period {}", value(data)),
        },
        "MetricDataThresholdSeconds" => {
            let comparison = match data.get("Comparison").and_then(Json::as_str) {
                Some("LT") | None => "less than".to_owned(),
                Some("LTE" | "LE") => "at most".to_owned(),
                Some("GT") => "more than".to_owned(),
                Some("GTE" | "GE") => "at least".to_owned(),
                Some(other) => words_of(other),
            };
            let threshold = data
                .get("ThresholdValue")
                .map_or_else(|| "a threshold".to_owned(), duration);
            format!("counting contacts answered in {comparison} {threshold}")
        }
        "MetricDataFilterByAgent" => format!("for agent {}", value(data)),
        "MetricDataFilterByQueue" => format!("in queue {}", value(data)),
        "MetricDataFilterByRoutingProfile" => format!("for routing profile {}", value(data)),
        "MetricDataFilterByFlow" => format!("in flow {}", value(data)),
        "MetricDataFilterByFlowModule" => format!("in flow module {}", value(data)),
        "MetricDataFilterByFlowOutcomeType" => format!(
            "with flow outcome {}",
            either(
                &strings(data)
                    .iter()
                    .map(|outcome| words_of(outcome))
                    .collect::<Vec<_>>()
            )
        ),
        "MetricDataFilterByChannel" => {
            let channels: Vec<String> = strings(data)
                .iter()
                .map(|channel| words_of(channel))
                .collect();
            let noun = if channels.len() > 1 {
                "channels"
            } else {
                "channel"
            };
            format!("on the {} {noun}", either(&channels))
        }
        "MetricDataGrouping" => {
            let groups: Vec<String> = strings(data).iter().map(|group| words_of(group)).collect();
            if groups.is_empty() {
                format!("grouped by {}", value(data))
            } else {
                format!("for each {}", both(&groups))
            }
        }
        "AiAgentUseCase" => match data.get("Value").and_then(Json::as_str) {
            Some("SelfService") => "for an AI agent used for self-service".to_owned(),
            Some("AgentAssistance") => "for an AI agent used to assist agents".to_owned(),
            _ => format!("for an AI agent used for {}", value(data)),
        },
        "AiAgentEscalatedToHuman" => match data.as_str() {
            Some("TRUE") => "escalated to a human".to_owned(),
            Some("FALSE") => "not escalated to a human".to_owned(),
            _ => format!("escalated to a human: {}", value(data)),
        },
        kind => match kind.strip_prefix("MetricDataFilterByAgentHierarchyLevel") {
            Some(level) => format!(
                "for agents in level {} hierarchy group {}",
                words_of(level),
                value(data)
            ),
            None => format!("with {} {}", words_of(kind), value(data)),
        },
    }
}

fn role_name(role: &str) -> String {
    match role {
        "CUSTOMER" => "the customer".to_owned(),
        "AGENT" => "the agent".to_owned(),
        "ANY" => "anyone".to_owned(),
        "SYSTEM" => "the system".to_owned(),
        other => words_of(other),
    }
}

/// A language code of `PatternMatchLanguageFilter` by name.
fn language(code: &str) -> String {
    let name = match code {
        "EN" => "English",
        "ES" => "Spanish",
        "AR" => "Arabic",
        "DE" => "German",
        "FR" => "French",
        "HI" => "Hindi",
        "IT" => "Italian",
        "PT" => "Portuguese",
        "KO" => "Korean",
        "JA" => "Japanese",
        "ZH" => "Chinese",
        other => return format!("the language \"{other}\""),
    };
    name.to_owned()
}
