//! Each operation's HTTP binding, read from the service model: its method, path template and
//! the members bound to URI labels and query parameters. Routing a request is matching it
//! against this table, so no binding is written by hand.
//!
//! Pure: no I/O, so every binding is unit-tested here.

use std::sync::LazyLock;

use crate::service::{model, ShapeKind};

use super::api_error::ErrorKind;
use super::operation::Operation;

/// How one operation is bound to HTTP.
#[derive(Debug)]
pub struct Binding {
    /// The operation.
    pub operation: Operation,
    /// The HTTP method.
    pub method: &'static str,
    segments: Vec<Segment>,
    /// The input structure's name.
    pub input: &'static str,
    /// The members bound to the query string, in model order.
    pub query: Vec<QueryMember>,
    /// The output member holding the items, for a list operation (`QueueSummaryList`).
    pub output_list: Option<&'static str>,
    /// The error for input that fails validation: `InvalidRequestException` where the
    /// operation's model lists it, else `InvalidParameterException`.
    pub invalid_input: ErrorKind,
}

/// One part of a path template.
#[derive(Debug)]
enum Segment {
    /// Text that must match as it is.
    Literal(&'static str),
    /// A URI label, bound to `member` of the input.
    Label {
        member: &'static str,
        /// Whether it takes the rest of the path (see [`takes_the_rest`]).
        rest: bool,
    },
}

/// A member bound to a query parameter.
#[derive(Debug)]
pub struct QueryMember {
    /// The member's name in the input structure, e.g. `MaxResults`.
    pub member: &'static str,
    /// The parameter's name, e.g. `maxResults`.
    pub name: &'static str,
    /// The member's shape.
    pub shape: &'static str,
    /// Whether the input requires it.
    pub required: bool,
}

/// A request matched to its binding, with its URI labels decoded.
#[derive(Debug)]
pub struct Routed {
    /// The binding matched.
    pub binding: &'static Binding,
    /// `(member, value)` for each URI label, in path order.
    pub labels: Vec<(&'static str, String)>,
}

/// Every operation's binding, in the operation table's order.
pub fn table() -> &'static [Binding] {
    static TABLE: LazyLock<Vec<Binding>> =
        LazyLock::new(|| Operation::ALL.iter().map(|op| binding(*op)).collect());
    &TABLE
}

/// The binding of `operation`.
#[cfg(test)]
pub fn of(operation: Operation) -> &'static Binding {
    table()
        .iter()
        .find(|binding| binding.operation == operation)
        .expect("every operation has a binding")
}

fn binding(operation: Operation) -> Binding {
    let model = model();
    let shape = model.operation(operation.name());
    let (members, required) = match &model.shape(&shape.input).kind {
        ShapeKind::Structure {
            members, required, ..
        } => (members.as_slice(), required.as_slice()),
        _ => (&[][..], &[][..]),
    };
    let template = shape.request_uri.trim_start_matches('/');
    let count = template.split('/').count();
    let segments = template
        .split('/')
        .enumerate()
        .map(|(index, part)| match part.strip_prefix('{') {
            Some(label) => {
                let name = label.trim_end_matches('}').trim_end_matches('+');
                let member = members
                    .iter()
                    .find(|m| {
                        m.location.as_deref() == Some("uri")
                            && m.location_name.as_deref() == Some(name)
                    })
                    .unwrap_or_else(|| {
                        panic!(
                            "{}: no member is bound to the label {{{name}}}",
                            operation.name()
                        )
                    });
                Segment::Label {
                    member: &member.name,
                    rest: index + 1 == count && takes_the_rest(&member.shape),
                }
            }
            None => Segment::Literal(part),
        })
        .collect();
    let query = members
        .iter()
        .filter(|member| member.location.as_deref() == Some("querystring"))
        .map(|member| QueryMember {
            member: &member.name,
            name: member.location_name.as_deref().unwrap_or(&member.name),
            shape: &member.shape,
            required: required.contains(&member.name),
        })
        .collect();
    let output_list = shape.output.as_deref().and_then(|output| {
        model
            .members(output)
            .iter()
            .find(|member| matches!(model.shape(&member.shape).kind, ShapeKind::List { .. }))
            .map(|member| member.name.as_str())
    });
    let declares = |error: &str| shape.errors.iter().any(|e| e == error);
    Binding {
        operation,
        method: &shape.method,
        segments,
        input: &shape.input,
        query,
        output_list,
        invalid_input: if declares("InvalidRequestException")
            || !declares("InvalidParameterException")
        {
            ErrorKind::InvalidRequest
        } else {
            ErrorKind::InvalidParameter
        },
    }
}

/// An ARN in the last label takes the rest of the path: ARNs hold slashes, and a client that
/// left them unencoded still means the whole remainder.
fn takes_the_rest(shape: &str) -> bool {
    shape == "ARN"
}

/// The operation bound to `method` and `path` (without the query), or `None` when none is.
pub fn route(method: &str, path: &str) -> Option<Routed> {
    let path = path.strip_prefix('/')?;
    let path = path.strip_suffix('/').unwrap_or(path);
    let parts: Vec<&str> = path.split('/').collect();
    table()
        .iter()
        .filter(|binding| binding.method == method)
        .find_map(|binding| {
            let labels = binding.labels(&parts)?;
            Some(Routed { binding, labels })
        })
}

impl Binding {
    /// The decoded labels when `parts` (the path split at `/`) match this template.
    fn labels(&self, parts: &[&str]) -> Option<Vec<(&'static str, String)>> {
        let mut labels = Vec::new();
        for (index, segment) in self.segments.iter().enumerate() {
            match segment {
                Segment::Literal(text) => {
                    if parts.get(index) != Some(text) {
                        return None;
                    }
                }
                Segment::Label { member, rest } => {
                    let raw = if *rest {
                        parts.get(index..).map(|tail| tail.join("/"))?
                    } else {
                        (*parts.get(index)?).to_owned()
                    };
                    let value = percent_decode(&raw);
                    if value.is_empty() {
                        return None;
                    }
                    labels.push((*member, value));
                    if *rest {
                        return Some(labels);
                    }
                }
            }
        }
        (parts.len() == self.segments.len()).then_some(labels)
    }
}

/// The `name=value` pairs of a query string, decoded, in order.
pub fn parse_query(query: &str) -> Vec<(String, String)> {
    query
        .split('&')
        .filter(|pair| !pair.is_empty())
        .map(|pair| {
            let (name, value) = pair.split_once('=').unwrap_or((pair, ""));
            (percent_decode(name), percent_decode(value))
        })
        .collect()
}

/// Decodes `%XX` escapes; a `%` not followed by two hex digits is kept as it is.
pub fn percent_decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut index = 0;
    while index < bytes.len() {
        let escaped = (bytes[index] == b'%')
            .then(|| bytes.get(index + 1..index + 3))
            .flatten()
            .and_then(|hex| std::str::from_utf8(hex).ok())
            .and_then(|hex| u8::from_str_radix(hex, 16).ok());
        if let Some(byte) = escaped {
            out.push(byte);
            index += 3;
        } else {
            out.push(bytes[index]);
            index += 1;
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    const ARN: &str = "arn:aws:connect:us-east-1:123456789012:instance/i-1/rule/r-1";

    fn routed(method: &str, path: &str) -> Option<(Operation, Vec<(&'static str, String)>)> {
        route(method, path).map(|routed| (routed.binding.operation, routed.labels))
    }

    fn labels(pairs: &[(&'static str, &str)]) -> Vec<(&'static str, String)> {
        pairs.iter().map(|(k, v)| (*k, (*v).to_owned())).collect()
    }

    #[test]
    fn every_operation_is_bound_by_the_model() {
        for operation in Operation::ALL {
            let binding = of(*operation);
            assert_eq!(binding.operation, *operation);
            assert_eq!(binding.method, model().operation(operation.name()).method);
        }
    }

    #[test]
    fn rule_operations_are_bound_by_method_and_depth() {
        let instance = labels(&[("InstanceId", "i-1")]);
        let rule = labels(&[("InstanceId", "i-1"), ("RuleId", "r-1")]);
        assert_eq!(
            routed("POST", "/rules/i-1"),
            Some((Operation::CreateRule, instance.clone()))
        );
        assert_eq!(
            routed("GET", "/rules/i-1/"),
            Some((Operation::ListRules, instance))
        );
        assert_eq!(
            routed("PUT", "/rules/i-1/r-1"),
            Some((Operation::UpdateRule, rule.clone()))
        );
        assert_eq!(
            routed("GET", "/rules/i-1/r-1"),
            Some((Operation::DescribeRule, rule.clone()))
        );
        assert_eq!(
            routed("DELETE", "/rules/i-1/r-1"),
            Some((Operation::DeleteRule, rule))
        );
    }

    #[test]
    fn unknown_methods_and_paths_have_no_route() {
        for (method, path) in [
            ("PATCH", "/rules/i-1"),
            ("DELETE", "/rules/i-1"),
            ("GET", "/rules"),
            ("GET", "/rules//r-1"),
            ("GET", "/rules/i-1/r-1/extra"),
            ("GET", "/instances/i-1"),
            ("GET", "/"),
            ("GET", ""),
            ("PUT", "/tags/x"),
            ("GET", "/tags/"),
        ] {
            assert_eq!(routed(method, path), None, "{method} {path}");
        }
    }

    #[test]
    fn encoded_arns_are_decoded() {
        let encoded = ARN.replace(':', "%3A").replace('/', "%2F");
        assert_eq!(
            routed("GET", &format!("/tags/{encoded}")),
            Some((
                Operation::ListTagsForResource,
                labels(&[("resourceArn", ARN)])
            ))
        );
    }

    #[test]
    fn unencoded_slashes_in_arns_are_tolerated() {
        assert_eq!(
            routed("POST", &format!("/tags/{ARN}")),
            Some((Operation::TagResource, labels(&[("resourceArn", ARN)])))
        );
        assert_eq!(
            routed("DELETE", &format!("/tags/{}", ARN.replace(':', "%3A"))),
            Some((Operation::UntagResource, labels(&[("resourceArn", ARN)])))
        );
    }

    #[test]
    fn query_members_come_from_the_model() {
        let names: Vec<&str> = of(Operation::ListRules)
            .query
            .iter()
            .map(|member| member.name)
            .collect();
        assert_eq!(
            names,
            [
                "publishStatus",
                "eventSourceName",
                "maxResults",
                "nextToken"
            ]
        );
        let untag = &of(Operation::UntagResource).query[0];
        assert_eq!((untag.name, untag.required), ("tagKeys", true));
    }

    #[test]
    fn queries_keep_repeated_names_in_order() {
        assert_eq!(
            parse_query("tagKeys=a&tagKeys=b%20c&flag&"),
            [
                ("tagKeys".to_owned(), "a".to_owned()),
                ("tagKeys".to_owned(), "b c".to_owned()),
                ("flag".to_owned(), String::new()),
            ]
        );
    }

    #[test]
    fn bad_escapes_are_kept() {
        assert_eq!(percent_decode("100%"), "100%");
        assert_eq!(percent_decode("%zz%41"), "%zzA");
    }
}
