//! One call of an operation: the members bound to URI labels and query parameters, parsed by
//! their shapes and checked against the model before any handler runs, and the request body.

use std::collections::BTreeMap;

use serde_json::{json, Value as Json};

use crate::service::{model, ShapeKind};

use super::api_error::{ApiError, ErrorKind};
use super::binding::{Binding, Routed};
use super::pagination::{PageRequest, DEFAULT_PAGE_SIZE};
use super::validation::{check_value, into_result, lower_camel, render_value, Failure};

/// A routed request whose labels and query are valid.
#[derive(Debug)]
pub struct Call<'a> {
    /// The operation's binding.
    pub binding: &'static Binding,
    /// Label and query values by member name (strings, integers or lists of strings).
    bound: BTreeMap<&'static str, Json>,
    body: &'a [u8],
}

impl<'a> Call<'a> {
    /// The call for `routed` with `query` (decoded pairs) and `body`; every label and query
    /// problem is reported at once, as the service does.
    pub fn new(
        routed: Routed,
        query: &[(String, String)],
        body: &'a [u8],
    ) -> Result<Self, ApiError> {
        let binding = routed.binding;
        let mut failures = Vec::new();
        let mut bound = BTreeMap::new();
        let shapes = model().members(binding.input);
        for (member, value) in routed.labels {
            let value = Json::from(value);
            if let Some(shape) = shapes.iter().find(|m| m.name == member) {
                check_value(&shape.shape, &lower_camel(member), &value, &mut failures);
            }
            bound.insert(member, value);
        }
        for parameter in &binding.query {
            let values: Vec<&str> = query
                .iter()
                .filter(|(name, _)| name == parameter.name)
                .map(|(_, value)| value.as_str())
                .collect();
            let path = lower_camel(parameter.name);
            let Some(first) = values.first() else {
                if parameter.required {
                    failures.push(Failure {
                        path,
                        value: "null".to_owned(),
                        constraint: "Member must not be null".to_owned(),
                    });
                }
                continue;
            };
            let value = match model().shape(parameter.shape).kind {
                ShapeKind::List { .. } => Json::from(values.clone()),
                ShapeKind::Integer => {
                    let Ok(number) = first.trim().parse::<i64>() else {
                        failures.push(Failure {
                            path,
                            value: render_value(Some(&Json::from(*first))),
                            constraint: "Member must be an integer".to_owned(),
                        });
                        continue;
                    };
                    Json::from(number)
                }
                _ => Json::from(*first),
            };
            check_value(parameter.shape, &path, &value, &mut failures);
            bound.insert(parameter.member, value);
        }
        into_result(&failures)?;
        Ok(Call {
            binding,
            bound,
            body,
        })
    }

    /// A URI label's value.
    pub fn label(&self, member: &str) -> &str {
        self.text(member).unwrap_or_default()
    }

    /// A string member's value, when given.
    pub fn text(&self, member: &str) -> Option<&str> {
        self.bound.get(member).and_then(Json::as_str)
    }

    /// A list member's values (none when not given).
    pub fn list(&self, member: &str) -> Vec<String> {
        self.bound
            .get(member)
            .and_then(Json::as_array)
            .map(|items| {
                items
                    .iter()
                    .filter_map(|item| item.as_str().map(str::to_owned))
                    .collect()
            })
            .unwrap_or_default()
    }

    /// A member's values: a list's items, or a string as a list of one.
    pub fn values(&self, member: &str) -> Vec<String> {
        match self.bound.get(member) {
            Some(Json::String(text)) => vec![text.clone()],
            _ => self.list(member),
        }
    }

    /// `MaxResults` and `NextToken`, for a list operation.
    pub fn page_request(&self) -> PageRequest {
        PageRequest {
            max_results: self
                .bound
                .get("MaxResults")
                .and_then(Json::as_u64)
                .map_or(DEFAULT_PAGE_SIZE, |max| max as usize),
            next_token: self.text("NextToken").map(str::to_owned),
        }
    }

    /// The body as JSON; an empty body is an empty object, as the SDKs send for no members.
    pub fn body(&self) -> Result<Json, ApiError> {
        if self.body.iter().all(u8::is_ascii_whitespace) {
            return Ok(json!({}));
        }
        serde_json::from_slice(self.body).map_err(|err| {
            ApiError::new(
                ErrorKind::Serialization,
                format!("The request body is not valid JSON: {err}"),
            )
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::emulator::binding::{parse_query, route};
    use crate::emulator::operation::Operation;

    fn call(method: &str, path: &str, query: &str) -> Result<Call<'static>, ApiError> {
        Call::new(
            route(method, path).expect("routed"),
            &parse_query(query),
            b"",
        )
    }

    fn list_rules(query: &str) -> Result<Call<'static>, ApiError> {
        call("GET", "/rules/i-1", query)
    }

    #[test]
    fn defaults_and_values() {
        let empty = list_rules("").unwrap();
        assert_eq!(empty.page_request(), PageRequest::default());
        let given = list_rules(
            "maxResults=2&nextToken=abc&publishStatus=DRAFT&eventSourceName=OnSlaBreach",
        )
        .unwrap();
        assert_eq!(given.binding.operation, Operation::ListRules);
        assert_eq!(given.label("InstanceId"), "i-1");
        assert_eq!(
            given.page_request(),
            PageRequest {
                max_results: 2,
                next_token: Some("abc".to_owned())
            }
        );
        assert_eq!(given.text("PublishStatus"), Some("DRAFT"));
        assert_eq!(given.text("EventSourceName"), Some("OnSlaBreach"));
    }

    #[test]
    fn bad_values_name_the_parameter() {
        let message = |query: &str| list_rules(query).unwrap_err().message;
        assert!(message("maxResults=201").contains(
            "Value '201' at 'maxResults' failed to satisfy constraint: Member must have value less than or equal to 200"
        ));
        assert!(message("maxResults=two")
            .contains("at 'maxResults' failed to satisfy constraint: Member must be an integer"));
        assert!(message("publishStatus=LIVE").contains("at 'publishStatus' failed to satisfy constraint: Member must satisfy enum value set: [DRAFT, PUBLISHED]"));
        assert!(message("eventSourceName=OnNothing").contains("at 'eventSourceName'"));
        let both = message("maxResults=0&publishStatus=LIVE");
        assert!(both.starts_with("2 validation errors detected"), "{both}");
    }

    #[test]
    fn labels_are_checked_against_their_shapes() {
        let long = "i".repeat(101);
        let error = call("GET", &format!("/rules/{long}"), "").unwrap_err();
        assert!(
            error.message.contains("at 'instanceId' failed to satisfy constraint: Member must have length less than or equal to 100"),
            "{error}"
        );
    }

    #[test]
    fn untag_needs_valid_keys() {
        let arn = "/tags/arn%3Aaws%3Aconnect%3Aus-east-1%3A1%3Ainstance%2Fi%2Frule%2Fr";
        assert_eq!(
            call("DELETE", arn, "tagKeys=a&tagKeys=b")
                .unwrap()
                .list("tagKeys"),
            ["a", "b"]
        );
        assert!(call("DELETE", arn, "").unwrap_err().message.contains(
            "Value null at 'tagKeys' failed to satisfy constraint: Member must not be null"
        ));
        assert!(call("DELETE", arn, "tagKeys=aws%3Ax")
            .unwrap_err()
            .message
            .contains("at 'tagKeys.1.member'"));
    }

    #[test]
    fn bodies_are_json_and_an_empty_one_is_an_empty_object() {
        let routed = || route("POST", "/rules/i-1").expect("routed");
        assert_eq!(
            Call::new(routed(), &[], b" ").unwrap().body(),
            Ok(json!({}))
        );
        let error = Call::new(routed(), &[], b"{").unwrap().body().unwrap_err();
        assert_eq!(error.kind, ErrorKind::Serialization);
    }
}
