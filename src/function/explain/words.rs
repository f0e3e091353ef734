//! Small pieces of English shared by the readings: values, lists, durations, enum names.

use serde_json::Value as Json;

/// A value as a reader sees it: a string quoted, a variable the file wrote by its name, a
/// resource the file named (`${queue:Billing}`) by its name alone, a number as written (`2.0`
/// reads `2`), a list as its items; never JSON.
pub fn value(json: &Json) -> String {
    match json {
        Json::String(text) if is_variable(text) => text.clone(),
        Json::String(text) if reference_name(text).is_some() => {
            reference_name(text).unwrap_or_default()
        }
        Json::String(text) => format!("\"{text}\""),
        Json::Number(_) => number(json).unwrap_or_default(),
        Json::Bool(flag) => flag.to_string(),
        Json::Null => "nothing".to_owned(),
        Json::Array(items) => either(&items.iter().map(value).collect::<Vec<_>>()),
        Json::Object(members) => members
            .iter()
            .map(|(key, member)| format!("{} {}", words_of(key), value(member)))
            .collect::<Vec<_>>()
            .join(", "),
    }
}

/// The resource a string names, as [`value`] reads it, when the string is exactly one
/// `${KIND:NAME}` or `${var.NAME}`; `None` for a bare id, which says nothing to a reader.
pub fn named(json: &Json) -> Option<String> {
    let text = json.as_str()?;
    (is_variable(text) || reference_name(text).is_some()).then(|| value(json))
}

/// The resources a list of ids names (`jdoe and asmith`), when every item names one.
pub fn all_named(json: &Json) -> Option<String> {
    let items = json.as_array().filter(|items| !items.is_empty())?;
    let names = items.iter().map(named).collect::<Option<Vec<String>>>()?;
    Some(both(&names))
}

/// Whether `text` is exactly one `${var.NAME}` the file wrote (only a written document keeps
/// them: see `load::Provenance`).
fn is_variable(text: &str) -> bool {
    text.strip_prefix("${var.")
        .and_then(|rest| rest.strip_suffix('}'))
        .is_some_and(|name| !name.is_empty() && !name.contains(['{', '}', '$']))
}

/// The name in `text` when it is exactly one `${KIND:NAME}` reference: the reader knows the
/// resource by it (the condition or action it stands in says which kind).
fn reference_name(text: &str) -> Option<String> {
    let after = text.strip_prefix("${")?;
    match crate::reference::read(after)? {
        (span, Ok(reference)) if span == after.len() => Some(reference.name),
        _ => None,
    }
}

/// A JSON number as text: whole numbers without a fraction.
pub fn number(json: &Json) -> Option<String> {
    if let Some(int) = json.as_i64() {
        return Some(int.to_string());
    }
    let float = json.as_f64()?;
    Some(whole(float).map_or_else(|| float.to_string(), |int| int.to_string()))
}

/// `float` as an integer when it is one (`2.0`); exact below 2^53.
#[allow(clippy::float_cmp, clippy::cast_possible_truncation)]
fn whole(float: f64) -> Option<i64> {
    (float.trunc() == float && float.abs() < 9.0e15).then_some(float as i64)
}

/// `a`, `a or b`, `a, b or c`.
pub fn either(items: &[String]) -> String {
    joined(items, "or")
}

/// `a`, `a and b`, `a, b and c`.
pub fn both(items: &[String]) -> String {
    joined(items, "and")
}

fn joined(items: &[String], word: &str) -> String {
    match items {
        [] => String::new(),
        [one] => one.clone(),
        [rest @ .., last] => format!("{} {word} {last}", rest.join(", ")),
    }
}

/// A number of seconds in the largest whole unit: `30 seconds`, `10 minutes`, `8 hours`.
pub fn duration(json: &Json) -> String {
    let Some(seconds) = json.as_u64() else {
        return format!("{} seconds", number(json).unwrap_or_else(|| value(json)));
    };
    let (count, unit) = if seconds >= 3600 && seconds % 3600 == 0 {
        (seconds / 3600, "hour")
    } else if seconds >= 60 && seconds % 60 == 0 {
        (seconds / 60, "minute")
    } else {
        (seconds, "second")
    };
    plural(count, unit)
}

/// A stretch of time after "the first", "the last": `30 seconds`, `minute` (not `1 minute`).
pub fn span(json: &Json) -> String {
    let text = duration(json);
    match text.strip_prefix("1 ") {
        Some(unit) => unit.to_owned(),
        None => text,
    }
}

/// `1 word`, `5 words`.
pub fn plural(count: u64, unit: &str) -> String {
    if count == 1 {
        format!("1 {unit}")
    } else {
        format!("{count} {unit}s")
    }
}

/// An enum value or a name in words: `TRANSFERRED_TO_QUEUE` reads `transferred to queue`,
/// `MetricDataFilterByFoo` reads `metric data filter by foo`.
pub fn words_of(name: &str) -> String {
    let mut out = String::with_capacity(name.len() + 4);
    let mut previous_lower = false;
    for character in name.chars() {
        if character == '_' || character == '-' {
            out.push(' ');
            previous_lower = false;
            continue;
        }
        if character.is_uppercase() && previous_lower {
            out.push(' ');
        }
        previous_lower = character.is_lowercase() || character.is_ascii_digit();
        out.extend(character.to_lowercase());
    }
    out
}

/// The strings of a filter's `Data`: one string or a list of them.
pub fn strings(json: &Json) -> Vec<String> {
    match json {
        Json::String(text) => vec![text.clone()],
        Json::Array(items) => items
            .iter()
            .filter_map(|item| item.as_str().map(str::to_owned))
            .collect(),
        _ => Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn values_read_without_json() {
        assert_eq!(value(&json!("q-1")), "\"q-1\"");
        assert_eq!(value(&json!("${var.queue}")), "${var.queue}");
        assert_eq!(value(&json!("id-${var.queue}")), "\"id-${var.queue}\"");
        assert_eq!(value(&json!("${queue:Billing}")), "Billing");
        assert_eq!(
            value(&json!(["${user:jdoe}", "${user:asmith}"])),
            "jdoe or asmith"
        );
        assert_eq!(
            value(&json!("${queue:Billing} and more")),
            "\"${queue:Billing} and more\"",
            "a reference inside other text stays as written"
        );
        assert_eq!(value(&json!("${queues:Billing}")), "\"${queues:Billing}\"");
        assert_eq!(value(&json!(2.0)), "2");
        assert_eq!(value(&json!(2.5)), "2.5");
        assert_eq!(value(&json!(["a", "b", "c"])), "\"a\", \"b\" or \"c\"");
        assert_eq!(value(&json!({"Past": 30})), "past 30");
    }

    #[test]
    fn durations_use_the_largest_whole_unit() {
        assert_eq!(duration(&json!(30)), "30 seconds");
        assert_eq!(duration(&json!(1)), "1 second");
        assert_eq!(duration(&json!(90)), "90 seconds");
        assert_eq!(duration(&json!(600)), "10 minutes");
        assert_eq!(duration(&json!(28800)), "8 hours");
        assert_eq!(duration(&json!(2.5)), "2.5 seconds");
        assert_eq!(span(&json!(60)), "minute");
        assert_eq!(span(&json!(45)), "45 seconds");
    }

    #[test]
    fn names_read_as_words() {
        assert_eq!(words_of("TRANSFERRED_TO_QUEUE"), "transferred to queue");
        assert_eq!(
            words_of("MetricDataFilterByFoo"),
            "metric data filter by foo"
        );
        assert_eq!(words_of("AiAgentUseCase"), "ai agent use case");
    }
}
