//! Fills a gap in `aws-sdk-connect`: it knows the `END_ASSOCIATED_EMAILS` action type's name
//! but not its (memberless) definition member, so it cannot send `EndAssociatedEmailsAction`.
//! This interceptor adds `"EndAssociatedEmailsAction": {}` to such actions in the request
//! body before it is signed.
//!
//! A second gap: the SDK models `FieldValueUnion.BooleanValue` as a plain `bool` and writes it
//! only when it is `true`, so a case field set to `false` goes out as `{}`, which the service
//! refuses (a union needs exactly one member). Validation guarantees every union connect-rules
//! sends has one member, so an empty one can only be a dropped `false`, and it is put back.

use aws_sdk_connect::config::interceptors::BeforeTransmitInterceptorContextMut;
use aws_sdk_connect::config::{ConfigBag, Intercept, RuntimeComponents};
use aws_smithy_types::body::SdkBody;

/// Action types whose definition the SDK cannot carry, with that definition's member.
const MISSING_DEFINITIONS: &[(&str, &str)] =
    &[("END_ASSOCIATED_EMAILS", "EndAssociatedEmailsAction")];

/// The interceptor; register it on the Connect client's config.
#[derive(Debug, Default)]
pub struct AddMissingDefinitions;

impl Intercept for AddMissingDefinitions {
    fn name(&self) -> &'static str {
        "connect-rules: add definitions the SDK does not model"
    }

    fn modify_before_signing(
        &self,
        context: &mut BeforeTransmitInterceptorContextMut<'_>,
        _runtime_components: &RuntimeComponents,
        _cfg: &mut ConfigBag,
    ) -> Result<(), aws_sdk_connect::error::BoxError> {
        let request = context.request_mut();
        let Some(patched) = request.body().bytes().and_then(patch_body) else {
            return Ok(());
        };
        let length = patched.len().to_string();
        *request.body_mut() = SdkBody::from(patched);
        request.headers_mut().insert("content-length", length);
        Ok(())
    }
}

/// The body with the missing definitions added, or `None` when nothing needs adding.
pub fn patch_body(body: &[u8]) -> Option<Vec<u8>> {
    let mut json: serde_json::Value = serde_json::from_slice(body).ok()?;
    let actions = json.get_mut("Actions")?.as_array_mut()?;
    let mut changed = false;
    for action in actions
        .iter_mut()
        .filter_map(serde_json::Value::as_object_mut)
    {
        let action_type = action
            .get("ActionType")
            .and_then(serde_json::Value::as_str)
            .unwrap_or_default()
            .to_owned();
        for (kind, member) in MISSING_DEFINITIONS {
            if action_type == *kind && !action.contains_key(*member) {
                action.insert((*member).to_owned(), serde_json::json!({}));
                changed = true;
            }
        }
        changed |= restore_false_booleans(action);
    }
    changed.then(|| serde_json::to_vec(&json).unwrap_or_default())
}

/// Puts `"BooleanValue": false` back into the empty field-value unions of one action: the case
/// fields of CREATE_CASE and UPDATE_CASE, and the SLA's target field values.
fn restore_false_booleans(action: &mut serde_json::Map<String, serde_json::Value>) -> bool {
    let mut changed = false;
    let mut restore = |union: &mut serde_json::Value| {
        if union.as_object().is_some_and(serde_json::Map::is_empty) {
            *union = serde_json::json!({"BooleanValue": false});
            changed = true;
        }
    };
    for member in ["CreateCaseAction", "UpdateCaseAction"] {
        if let Some(fields) = action
            .get_mut(member)
            .and_then(|definition| definition.get_mut("Fields"))
            .and_then(serde_json::Value::as_array_mut)
        {
            fields
                .iter_mut()
                .filter_map(|field| field.get_mut("Value"))
                .for_each(&mut restore);
        }
    }
    if let Some(targets) = action
        .get_mut("AssignSlaAction")
        .and_then(|definition| definition.get_mut("CaseSlaConfiguration"))
        .and_then(|configuration| configuration.get_mut("TargetFieldValues"))
        .and_then(serde_json::Value::as_array_mut)
    {
        targets.iter_mut().for_each(&mut restore);
    }
    changed
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn adds_the_definition_only_where_missing() {
        let body = br#"{"Actions":[{"ActionType":"END_ASSOCIATED_EMAILS"},{"ActionType":"CREATE_TASK","TaskAction":{}}],"Name":"x"}"#;
        let patched = String::from_utf8(patch_body(body).unwrap()).unwrap();
        assert_eq!(
            patched,
            r#"{"Actions":[{"ActionType":"END_ASSOCIATED_EMAILS","EndAssociatedEmailsAction":{}},{"ActionType":"CREATE_TASK","TaskAction":{}}],"Name":"x"}"#
        );
        assert_eq!(
            patch_body(br#"{"Actions":[{"ActionType":"CREATE_TASK"}]}"#),
            None
        );
        assert_eq!(patch_body(b"not json"), None);
    }

    #[test]
    fn puts_back_a_false_boolean_the_sdk_dropped() {
        let body = br#"{"Actions":[{"ActionType":"CREATE_CASE","CreateCaseAction":{"Fields":[{"Id":"a","Value":{}},{"Id":"b","Value":{"StringValue":"x"}}],"TemplateId":"t"}},{"ActionType":"ASSIGN_SLA","AssignSlaAction":{"CaseSlaConfiguration":{"TargetFieldValues":[{},{"BooleanValue":true}]}}}]}"#;
        let patched: serde_json::Value =
            serde_json::from_slice(&patch_body(body).unwrap()).unwrap();
        assert_eq!(
            patched["Actions"][0]["CreateCaseAction"]["Fields"][0]["Value"],
            serde_json::json!({"BooleanValue": false})
        );
        assert_eq!(
            patched["Actions"][0]["CreateCaseAction"]["Fields"][1]["Value"],
            serde_json::json!({"StringValue": "x"})
        );
        assert_eq!(
            patched["Actions"][1]["AssignSlaAction"]["CaseSlaConfiguration"]["TargetFieldValues"],
            serde_json::json!([{"BooleanValue": false}, {"BooleanValue": true}])
        );
    }
}
