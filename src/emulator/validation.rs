//! Input validation as the service does it, with the service's message style.
//!
//! The model's constraints come from `service::validate`; on top of them go the rules the model
//! cannot express, from `service::beyond_model` (shared with `validate`).
//! Messages follow the service: `1 validation error detected: Value 'x' at 'name' failed to
//! satisfy constraint: Member must have length less than or equal to 200`.

use serde_json::Value as Json;

use crate::node::Node;
use crate::service::beyond_model::{self, BreachKind, MAX_REFERENCE_BYTES};
use crate::service::{self, model, Problem, ShapeKind, UnknownMembers, Violation};

use super::api_error::{ApiError, ErrorKind};

/// One failed constraint, already in the service's words.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Failure {
    /// The member path as the service names it, e.g. `actions.1.member.taskAction.name`.
    pub path: String,
    /// The value, rendered as the service renders it (`'text'` or `null`).
    pub value: String,
    /// What the value must satisfy.
    pub constraint: String,
}

/// The request body's members checked against `shape`, plus the rule-specific checks for
/// `CreateRuleRequest` and `UpdateRuleRequest`.
pub fn check_body(shape: &str, body: &Json) -> Result<(), ApiError> {
    if !body.is_object() {
        return Err(ApiError::new(
            ErrorKind::Serialization,
            "The request body must be a JSON object",
        ));
    }
    let mut violations = Vec::new();
    service::validate(
        model(),
        shape,
        &Node::from_json(body),
        "",
        UnknownMembers::Ignore,
        &mut violations,
    );
    let mut failures: Vec<Failure> = violations
        .iter()
        .map(|violation| describe(shape, body, violation))
        .collect();
    if matches!(shape, "CreateRuleRequest" | "UpdateRuleRequest") {
        rule_checks(body, &mut failures);
    }
    into_result(&failures)
}

/// A value bound outside the body (a URI label or query parameter) checked against `shape`;
/// `name` is its location name.
pub fn check_value(shape: &str, name: &str, value: &Json, failures: &mut Vec<Failure>) {
    let mut violations = Vec::new();
    service::validate(
        model(),
        shape,
        &Node::from_json(value),
        "",
        UnknownMembers::Ignore,
        &mut violations,
    );
    for violation in &violations {
        let mut failure = describe(shape, value, violation);
        failure.path = if failure.path.is_empty() {
            name.to_owned()
        } else {
            format!("{name}.{}", failure.path)
        };
        failures.push(failure);
    }
}

/// `Ok` when nothing failed, else the service's `InvalidRequestException`.
pub fn into_result(failures: &[Failure]) -> Result<(), ApiError> {
    if failures.is_empty() {
        return Ok(());
    }
    let count = failures.len();
    let plural = if count == 1 { "error" } else { "errors" };
    let details: Vec<String> = failures
        .iter()
        .map(|f| {
            format!(
                "Value {} at '{}' failed to satisfy constraint: {}",
                f.value, f.path, f.constraint
            )
        })
        .collect();
    Err(ApiError::invalid_request(format!(
        "{count} validation {plural} detected: {}",
        details.join("; ")
    )))
}

/// A value as the service quotes it in messages; long values are cut.
pub fn render_value(value: Option<&Json>) -> String {
    const LIMIT: usize = 200;
    let text = match value {
        None | Some(Json::Null) => return "null".to_owned(),
        Some(Json::String(text)) => text.clone(),
        Some(other) => other.to_string(),
    };
    if text.chars().count() > LIMIT {
        let cut: String = text.chars().take(LIMIT).collect();
        format!("'{cut}...'")
    } else {
        format!("'{text}'")
    }
}

fn describe(root_shape: &str, root: &Json, violation: &Violation) -> Failure {
    let path = match &violation.problem {
        Problem::Missing { member } if violation.path.is_empty() => member.clone(),
        Problem::Missing { member } => format!("{}.{member}", violation.path),
        _ => violation.path.clone(),
    };
    let located = locate(root_shape, &path, root);
    let mut constraint = constraint(&violation.problem);
    if let Some(entry) = located.map_entry {
        constraint = format!("Map entry '{entry}' must satisfy constraint: [{constraint}]");
    }
    Failure {
        path: located.path,
        value: render_value(located.value),
        constraint,
    }
}

fn constraint(problem: &Problem) -> String {
    match problem {
        Problem::Missing { .. } => "Member must not be null".to_owned(),
        Problem::Unknown { key, .. } => format!("Member `{key}` is not known"),
        Problem::WrongType { expected, found } => {
            format!("Member must be {expected} (found {found})")
        }
        Problem::NotInEnum { allowed, .. } => {
            format!(
                "Member must satisfy enum value set: [{}]",
                allowed.join(", ")
            )
        }
        Problem::Length { len, min, max, .. } => match (min, max) {
            (Some(min), _) if i64::try_from(*len).unwrap_or(i64::MAX) < *min => {
                format!("Member must have length greater than or equal to {min}")
            }
            (_, Some(max)) => format!("Member must have length less than or equal to {max}"),
            _ => "Member has an invalid length".to_owned(),
        },
        Problem::Pattern { pattern } => {
            format!("Member must satisfy regular expression pattern: {pattern}")
        }
        Problem::Range { value, min, max } => match (min, max) {
            (Some(min), _) if *value < *min as f64 => {
                format!("Member must have value greater than or equal to {min}")
            }
            (_, Some(max)) => format!("Member must have value less than or equal to {max}"),
            _ => "Member is out of range".to_owned(),
        },
        Problem::UnionCount { set } => {
            format!("Member must have exactly one member set (found {set})")
        }
    }
}

struct Located<'a> {
    path: String,
    value: Option<&'a Json>,
    map_entry: Option<String>,
}

/// Walks a validator path (`Actions[0].TaskAction.Name`) through the shapes and the body, giving
/// the service's spelling (`actions.1.member.taskAction.name`) and the value found there. A path
/// into a map stops at the map, as the service reports map problems on the map.
fn locate<'a>(root_shape: &str, path: &str, root: &'a Json) -> Located<'a> {
    let mut shape = root_shape.to_owned();
    let mut value = Some(root);
    let mut parts: Vec<String> = Vec::new();
    let mut rest = path;
    let mut map_entry = None;
    loop {
        rest = rest.trim_start_matches('.');
        if rest.is_empty() {
            break;
        }
        match &model().shape(&shape).kind {
            ShapeKind::Structure { members, .. } => {
                let end = rest.find(['.', '[']).unwrap_or(rest.len());
                let (name, after) = rest.split_at(end);
                let Some(member) = members.iter().find(|member| member.name == name) else {
                    parts.push(rest.to_owned());
                    break;
                };
                parts.push(lower_camel(member.location_name.as_deref().unwrap_or(name)));
                value = value.and_then(|json| json.get(name));
                shape.clone_from(&member.shape);
                rest = after;
            }
            ShapeKind::List { member } => {
                let Some((index, after)) = rest
                    .strip_prefix('[')
                    .and_then(|inner| inner.split_once(']'))
                    .and_then(|(digits, after)| Some((digits.parse::<usize>().ok()?, after)))
                else {
                    break;
                };
                parts.push((index + 1).to_string());
                parts.push("member".to_owned());
                value = value.and_then(|json| json.get(index));
                shape.clone_from(member);
                rest = after;
            }
            ShapeKind::Map { .. } => {
                map_entry = Some(rest.to_owned());
                break;
            }
            _ => break,
        }
    }
    Located {
        path: parts.join("."),
        value,
        map_entry,
    }
}

/// `InstanceId` as the service names it in messages: `instanceId`.
pub(super) fn lower_camel(name: &str) -> String {
    let mut chars = name.chars();
    chars.next().map_or_else(String::new, |first| {
        first.to_lowercase().chain(chars).collect()
    })
}

/// The service's rules that the model does not express (written once, in
/// `service::beyond_model`), in the service's words.
fn rule_checks(body: &Json, failures: &mut Vec<Failure>) {
    for breach in beyond_model::check_rule(&Node::from_json(body)) {
        let located = locate("CreateRuleRequest", &breach.path, body);
        let constraint = match breach.kind {
            BreachKind::IntegrationMissing { source } => {
                format!("Member must not be null for event source {source}")
            }
            BreachKind::FunctionNotJson { .. } | BreachKind::FunctionNotObject { .. } => {
                "Member must be a JSON document (an object)".to_owned()
            }
            BreachKind::DefinitionMissing { action_type, .. } => {
                format!("Member must not be null for ActionType {action_type}")
            }
            BreachKind::DefinitionForeign { action_type, .. } => {
                format!("Member must be null for ActionType {action_type}")
            }
            BreachKind::ReferencesTooLong { .. } => format!(
                "Member must have keys and values of total length less than or equal to {MAX_REFERENCE_BYTES} bytes"
            ),
        };
        failures.push(Failure {
            path: located.path,
            value: render_value(located.value),
            constraint,
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn create_body() -> Json {
        json!({
            "Name": "rule-1",
            "TriggerEventSource": {"EventSourceName": "OnPostCallAnalysisAvailable"},
            "Function": "{\"Version\":\"2022-11-25\",\"RuleFunction\":{}}",
            "Actions": [{"ActionType": "ASSIGN_CONTACT_CATEGORY", "AssignContactCategoryAction": {}}],
            "PublishStatus": "DRAFT"
        })
    }

    fn message(body: &Json) -> String {
        check_body("CreateRuleRequest", body).unwrap_err().message
    }

    #[test]
    fn a_valid_body_passes() {
        assert_eq!(check_body("CreateRuleRequest", &create_body()), Ok(()));
    }

    #[test]
    fn names_the_field_in_the_services_words() {
        let mut body = create_body();
        body["Name"] = json!("x".repeat(201));
        assert_eq!(
            message(&body),
            format!(
                "1 validation error detected: Value '{}' at 'name' failed to satisfy constraint: \
                 Member must have length less than or equal to 200",
                "x".repeat(200) + "..."
            )
        );
    }

    #[test]
    fn missing_and_nested_members_are_spelled_like_the_service() {
        let mut body = create_body();
        body.as_object_mut().unwrap().remove("PublishStatus");
        body["Actions"][0]["ActionType"] = json!("CREATE_TASK");
        body["Actions"][0]["TaskAction"] = json!({"Name": "", "ContactFlowId": "f"});
        let text = message(&body);
        assert!(text.starts_with("3 validation errors detected: "), "{text}");
        assert!(text.contains("Value null at 'publishStatus' failed to satisfy constraint: Member must not be null"), "{text}");
        assert!(
            text.contains("at 'actions.1.member.taskAction.name'"),
            "{text}"
        );
        assert!(text.contains("at 'actions.1.member.assignContactCategoryAction' failed to satisfy constraint: Member must be null for ActionType CREATE_TASK"), "{text}");
    }

    #[test]
    fn definition_member_must_match_the_type() {
        let mut body = create_body();
        body["Actions"][0] = json!({"ActionType": "CREATE_TASK"});
        assert!(message(&body).contains(
            "Value null at 'actions.1.member.taskAction' failed to satisfy constraint: Member must not be null for ActionType CREATE_TASK"
        ));
    }

    #[test]
    fn integration_sources_need_an_association() {
        let mut body = create_body();
        body["TriggerEventSource"] = json!({"EventSourceName": "OnSalesforceCaseCreate"});
        assert!(message(&body).contains("'triggerEventSource.integrationAssociationId'"));
    }

    #[test]
    fn function_must_be_json() {
        let mut body = create_body();
        body["Function"] = json!("not json");
        assert!(message(&body).contains(
            "at 'function' failed to satisfy constraint: Member must be a JSON document"
        ));
    }

    #[test]
    fn map_problems_are_reported_on_the_map() {
        let mut body = create_body();
        body["Tags"] = json!({"aws:x": "v"});
        assert!(message(&body).contains("at 'tags' failed to satisfy constraint: Map entry 'aws:x' must satisfy constraint: [Member must satisfy regular expression pattern"));
    }

    #[test]
    fn a_body_that_is_not_an_object_is_a_serialization_error() {
        let error = check_body("CreateRuleRequest", &json!([1])).unwrap_err();
        assert_eq!(error.kind, ErrorKind::Serialization);
    }

    #[test]
    fn values_outside_the_body_are_named_by_location() {
        let mut failures = Vec::new();
        check_value("MaxResult200", "maxResults", &json!(0), &mut failures);
        assert_eq!(
            failures,
            [Failure {
                path: "maxResults".to_owned(),
                value: "'0'".to_owned(),
                constraint: "Member must have value greater than or equal to 1".to_owned(),
            }]
        );
    }

    #[test]
    fn task_references_are_limited_as_validate_limits_them() {
        let mut body = create_body();
        body["Actions"][0] = json!({"ActionType": "CREATE_TASK", "TaskAction": {
            "Name": "n", "ContactFlowId": "f",
            "References": {"k": {"Type": "STRING", "Value": "v".repeat(MAX_REFERENCE_BYTES)}}}});
        let text = message(&body);
        assert!(text.starts_with("1 validation error detected: "), "{text}");
        assert!(
            text.contains("at 'actions.1.member.taskAction.references' failed to satisfy constraint: Member must have keys and values of total length less than or equal to 4096 bytes"),
            "{text}"
        );
    }
}
