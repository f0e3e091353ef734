//! Limits read from the service model: tags, and the integration association that the
//! Zendesk and Salesforce sources need.

use serde_json::{json, Map, Value};

use crate::model::enums::INTEGRATION_EVENT_SOURCES;
use crate::service::{model, Shape};

/// Gives `Tags` the service's limits: the number of tags (`TagMap`), key length and
/// characters, including the reserved `aws:` prefix (`TagKey`), and value length (`TagValue`).
pub(super) fn limit_tags(root: &mut Map<String, Value>) {
    let Some(tags) = root
        .get_mut("properties")
        .and_then(|properties| properties.get_mut("Tags"))
        .and_then(Value::as_object_mut)
    else {
        return;
    };
    let model = model();
    if let Some(max) = model.shape("TagMap").max {
        tags.insert("maxProperties".to_owned(), json!(max));
    }
    let mut key = string_limits(model.shape("TagKey"));
    // Editors (the YAML language server) show this instead of the bare pattern.
    key["patternErrorMessage"] = json!(
        "a tag key is letters, digits, spaces and `_ . : / = + - @`, and must not start with `aws:`"
    );
    tags.insert("propertyNames".to_owned(), key);
    let mut value = string_limits(model.shape("TagValue"));
    value["type"] = json!("string");
    tags.insert("additionalProperties".to_owned(), value);
}

/// `minLength`, `maxLength` and `pattern` of a string shape.
fn string_limits(shape: &Shape) -> Value {
    let mut limits = Map::new();
    if let Some(min) = shape.min {
        limits.insert("minLength".to_owned(), json!(min));
    }
    if let Some(max) = shape.max {
        limits.insert("maxLength".to_owned(), json!(max));
    }
    if let Some((pattern, _)) = &shape.pattern {
        limits.insert("pattern".to_owned(), json!(pattern));
    }
    Value::Object(limits)
}

/// Makes `IntegrationAssociationId` required when `EventSourceName` is a Zendesk or
/// Salesforce source.
pub(super) fn require_integration_association(trigger: &mut Map<String, Value>) {
    super::push_all_of(
        trigger,
        [json!({
            "if": {
                "properties": { "EventSourceName": { "enum": INTEGRATION_EVENT_SOURCES } },
                "required": ["EventSourceName"]
            },
            "then": {
                "required": ["IntegrationAssociationId"],
                "properties": { "IntegrationAssociationId": { "type": "string" } }
            }
        })],
    );
}
