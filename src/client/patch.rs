//! Fills a gap in `aws-sdk-connect`: it knows the `END_ASSOCIATED_EMAILS` action type's name
//! but not its (memberless) definition member, so it cannot send `EndAssociatedEmailsAction`.
//! This interceptor adds `"EndAssociatedEmailsAction": {}` to such actions in the request
//! body before it is signed; every other byte is left as the SDK wrote it.

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
    }
    changed.then(|| serde_json::to_vec(&json).unwrap_or_default())
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
}
