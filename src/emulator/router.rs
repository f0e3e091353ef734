//! Maps an HTTP method and path to the operation it calls, as the service model binds them.
//!
//! Pure: no I/O, so every binding is unit-tested here.

use super::operation::Operation;

/// A routed request: the operation and its URI labels, decoded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Route {
    /// `POST /rules/{InstanceId}`.
    CreateRule {
        /// `InstanceId`.
        instance_id: String,
    },
    /// `PUT /rules/{InstanceId}/{RuleId}`.
    UpdateRule {
        /// `InstanceId`.
        instance_id: String,
        /// `RuleId`.
        rule_id: String,
    },
    /// `GET /rules/{InstanceId}/{RuleId}`.
    DescribeRule {
        /// `InstanceId`.
        instance_id: String,
        /// `RuleId`.
        rule_id: String,
    },
    /// `GET /rules/{InstanceId}`.
    ListRules {
        /// `InstanceId`.
        instance_id: String,
    },
    /// `DELETE /rules/{InstanceId}/{RuleId}`.
    DeleteRule {
        /// `InstanceId`.
        instance_id: String,
        /// `RuleId`.
        rule_id: String,
    },
    /// `POST /tags/{resourceArn}`.
    TagResource {
        /// `resourceArn`.
        resource_arn: String,
    },
    /// `DELETE /tags/{resourceArn}`.
    UntagResource {
        /// `resourceArn`.
        resource_arn: String,
    },
    /// `GET /tags/{resourceArn}`.
    ListTagsForResource {
        /// `resourceArn`.
        resource_arn: String,
    },
}

impl Route {
    /// The operation this route calls.
    pub fn operation(&self) -> Operation {
        match self {
            Route::CreateRule { .. } => Operation::CreateRule,
            Route::UpdateRule { .. } => Operation::UpdateRule,
            Route::DescribeRule { .. } => Operation::DescribeRule,
            Route::ListRules { .. } => Operation::ListRules,
            Route::DeleteRule { .. } => Operation::DeleteRule,
            Route::TagResource { .. } => Operation::TagResource,
            Route::UntagResource { .. } => Operation::UntagResource,
            Route::ListTagsForResource { .. } => Operation::ListTagsForResource,
        }
    }
}

/// The route for `method` and `path` (without the query), or `None` when no operation matches.
pub fn route(method: &str, path: &str) -> Option<Route> {
    let path = path.strip_prefix('/')?;
    let path = path.strip_suffix('/').unwrap_or(path);
    let (collection, rest) = path.split_once('/')?;
    match collection {
        "rules" => rule_route(method, rest),
        // The ARN is one label, percent-encoded; a client that left its slashes unencoded still
        // means the whole remainder, so it is decoded as one.
        "tags" => {
            let resource_arn = percent_decode(rest);
            if resource_arn.is_empty() {
                return None;
            }
            match method {
                "POST" => Some(Route::TagResource { resource_arn }),
                "DELETE" => Some(Route::UntagResource { resource_arn }),
                "GET" => Some(Route::ListTagsForResource { resource_arn }),
                _ => None,
            }
        }
        _ => None,
    }
}

fn rule_route(method: &str, rest: &str) -> Option<Route> {
    let labels: Vec<String> = rest.split('/').map(percent_decode).collect();
    if labels.iter().any(String::is_empty) {
        return None;
    }
    match (method, labels.as_slice()) {
        ("POST", [instance_id]) => Some(Route::CreateRule {
            instance_id: instance_id.clone(),
        }),
        ("GET", [instance_id]) => Some(Route::ListRules {
            instance_id: instance_id.clone(),
        }),
        ("PUT", [instance_id, rule_id]) => Some(Route::UpdateRule {
            instance_id: instance_id.clone(),
            rule_id: rule_id.clone(),
        }),
        ("GET", [instance_id, rule_id]) => Some(Route::DescribeRule {
            instance_id: instance_id.clone(),
            rule_id: rule_id.clone(),
        }),
        ("DELETE", [instance_id, rule_id]) => Some(Route::DeleteRule {
            instance_id: instance_id.clone(),
            rule_id: rule_id.clone(),
        }),
        _ => None,
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

    #[test]
    fn rule_operations_are_bound_by_method_and_depth() {
        let instance = || "i-1".to_owned();
        let rule = || "r-1".to_owned();
        assert_eq!(
            route("POST", "/rules/i-1"),
            Some(Route::CreateRule {
                instance_id: instance()
            })
        );
        assert_eq!(
            route("GET", "/rules/i-1"),
            Some(Route::ListRules {
                instance_id: instance()
            })
        );
        assert_eq!(
            route("PUT", "/rules/i-1/r-1"),
            Some(Route::UpdateRule {
                instance_id: instance(),
                rule_id: rule()
            })
        );
        assert_eq!(
            route("GET", "/rules/i-1/r-1"),
            Some(Route::DescribeRule {
                instance_id: instance(),
                rule_id: rule()
            })
        );
        assert_eq!(
            route("DELETE", "/rules/i-1/r-1"),
            Some(Route::DeleteRule {
                instance_id: instance(),
                rule_id: rule()
            })
        );
    }

    #[test]
    fn unknown_methods_and_paths_have_no_route() {
        assert_eq!(route("PATCH", "/rules/i-1"), None);
        assert_eq!(route("DELETE", "/rules/i-1"), None);
        assert_eq!(route("GET", "/rules"), None);
        assert_eq!(route("GET", "/rules//r-1"), None);
        assert_eq!(route("GET", "/rules/i-1/r-1/extra"), None);
        assert_eq!(route("GET", "/instances/i-1"), None);
        assert_eq!(route("GET", "/"), None);
        assert_eq!(route("PUT", "/tags/x"), None);
    }

    #[test]
    fn encoded_arns_are_decoded() {
        let encoded = ARN.replace(':', "%3A").replace('/', "%2F");
        assert_eq!(
            route("GET", &format!("/tags/{encoded}")),
            Some(Route::ListTagsForResource {
                resource_arn: ARN.to_owned()
            })
        );
    }

    #[test]
    fn unencoded_slashes_in_arns_are_tolerated() {
        assert_eq!(
            route("POST", &format!("/tags/{ARN}")),
            Some(Route::TagResource {
                resource_arn: ARN.to_owned()
            })
        );
        assert_eq!(
            route("DELETE", &format!("/tags/{}", ARN.replace(':', "%3A"))),
            Some(Route::UntagResource {
                resource_arn: ARN.to_owned()
            })
        );
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
