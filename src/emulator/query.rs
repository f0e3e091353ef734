//! The query parameters of `ListRules` and `UntagResource`, parsed and checked against the model.

use serde_json::Value as Json;

use super::api_error::ApiError;
use super::validation::{check_value, into_result, render_value, Failure};

/// `ListRules`' `MaxResults` when the caller gives none.
pub const DEFAULT_MAX_RESULTS: usize = 100;

/// `ListRules`' query, checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ListRulesQuery {
    /// Page size, 1-200.
    pub max_results: usize,
    /// Where to continue.
    pub next_token: Option<String>,
    /// Only rules with this `PublishStatus`.
    pub publish_status: Option<String>,
    /// Only rules with this event source.
    pub event_source_name: Option<String>,
}

impl Default for ListRulesQuery {
    fn default() -> Self {
        ListRulesQuery {
            max_results: DEFAULT_MAX_RESULTS,
            next_token: None,
            publish_status: None,
            event_source_name: None,
        }
    }
}

fn first<'a>(pairs: &'a [(String, String)], name: &str) -> Option<&'a str> {
    pairs
        .iter()
        .find(|(key, _)| key == name)
        .map(|(_, value)| value.as_str())
}

/// Parses `maxResults`, `nextToken`, `publishStatus` and `eventSourceName`.
pub fn list_rules_query(pairs: &[(String, String)]) -> Result<ListRulesQuery, ApiError> {
    let mut failures = Vec::new();
    let mut query = ListRulesQuery::default();
    if let Some(text) = first(pairs, "maxResults") {
        match text.trim().parse::<i64>() {
            Ok(number) => {
                check_value(
                    "MaxResult200",
                    "maxResults",
                    &Json::from(number),
                    &mut failures,
                );
                query.max_results = usize::try_from(number).unwrap_or(0);
            }
            Err(_) => failures.push(Failure {
                path: "maxResults".to_owned(),
                value: render_value(Some(&Json::from(text))),
                constraint: "Member must be an integer".to_owned(),
            }),
        }
    }
    if let Some(text) = first(pairs, "publishStatus") {
        check_value(
            "RulePublishStatus",
            "publishStatus",
            &Json::from(text),
            &mut failures,
        );
        query.publish_status = Some(text.to_owned());
    }
    if let Some(text) = first(pairs, "eventSourceName") {
        check_value(
            "EventSourceName",
            "eventSourceName",
            &Json::from(text),
            &mut failures,
        );
        query.event_source_name = Some(text.to_owned());
    }
    query.next_token = first(pairs, "nextToken").map(str::to_owned);
    into_result(&failures)?;
    Ok(query)
}

/// The `tagKeys` of `UntagResource` (repeated parameter), checked.
pub fn untag_keys(pairs: &[(String, String)]) -> Result<Vec<String>, ApiError> {
    let keys: Vec<String> = pairs
        .iter()
        .filter(|(key, _)| key == "tagKeys")
        .map(|(_, value)| value.clone())
        .collect();
    let mut failures = Vec::new();
    if keys.is_empty() {
        failures.push(Failure {
            path: "tagKeys".to_owned(),
            value: "null".to_owned(),
            constraint: "Member must not be null".to_owned(),
        });
    } else {
        check_value(
            "TagKeyList",
            "tagKeys",
            &Json::from(keys.clone()),
            &mut failures,
        );
    }
    into_result(&failures)?;
    Ok(keys)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::emulator::router::parse_query;

    #[test]
    fn defaults_and_values() {
        assert_eq!(list_rules_query(&[]).unwrap(), ListRulesQuery::default());
        let query = list_rules_query(&parse_query(
            "maxResults=2&nextToken=abc&publishStatus=DRAFT&eventSourceName=OnSlaBreach",
        ))
        .unwrap();
        assert_eq!(query.max_results, 2);
        assert_eq!(query.next_token.as_deref(), Some("abc"));
        assert_eq!(query.publish_status.as_deref(), Some("DRAFT"));
        assert_eq!(query.event_source_name.as_deref(), Some("OnSlaBreach"));
    }

    #[test]
    fn bad_values_name_the_parameter() {
        let message = |query: &str| list_rules_query(&parse_query(query)).unwrap_err().message;
        assert!(message("maxResults=201").contains(
            "Value '201' at 'maxResults' failed to satisfy constraint: Member must have value less than or equal to 200"
        ));
        assert!(message("maxResults=two")
            .contains("at 'maxResults' failed to satisfy constraint: Member must be an integer"));
        assert!(message("publishStatus=LIVE").contains("at 'publishStatus' failed to satisfy constraint: Member must satisfy enum value set: [DRAFT, PUBLISHED]"));
        assert!(message("eventSourceName=OnNothing").contains("at 'eventSourceName'"));
    }

    #[test]
    fn untag_needs_valid_keys() {
        assert_eq!(
            untag_keys(&parse_query("tagKeys=a&tagKeys=b")).unwrap(),
            ["a", "b"]
        );
        assert!(untag_keys(&[]).unwrap_err().message.contains("'tagKeys'"));
        assert!(untag_keys(&parse_query("tagKeys=aws%3Ax"))
            .unwrap_err()
            .message
            .contains("at 'tagKeys.1.member'"));
    }
}
