//! The tag operations (`TagResource`, `UntagResource`, `ListTagsForResource`) on rule ARNs.

use std::collections::BTreeMap;

use serde_json::Value as Json;

use super::api_error::{ApiError, ErrorKind};
use super::state::{Change, State, StoredRule};
use super::store::Store;
use super::validation::check_body;

/// The most tags a resource may carry.
const MAX_TAGS: usize = 50;

impl Store {
    /// `TagResource`: adds or replaces tags.
    pub fn tag_resource(&self, resource_arn: &str, body: &Json) -> Result<(), ApiError> {
        check_body("TagResourceRequest", body)?;
        let (instance_id, rule_id) = self.parse_rule_arn(resource_arn)?;
        let added = tag_map(body.get("tags"));
        self.mutate(|state| {
            let mut rule = find_rule(state, &instance_id, &rule_id, resource_arn)?.clone();
            let mut tags = rule.tags.clone();
            tags.extend(added);
            if tags.len() > MAX_TAGS {
                return Err(ApiError::new(
                    ErrorKind::InvalidParameter,
                    format!(
                        "Resource {resource_arn} would have {} tags; at most {MAX_TAGS} are allowed",
                        tags.len()
                    ),
                ));
            }
            rule.tags = tags;
            let change = Change::PutRule {
                instance: instance_id.clone(),
                rule: Box::new(rule),
            };
            Ok(((), vec![change]))
        })
    }

    /// `UntagResource`: removes the tags with these keys (absent keys are fine).
    pub fn untag_resource(&self, resource_arn: &str, keys: &[String]) -> Result<(), ApiError> {
        let (instance_id, rule_id) = self.parse_rule_arn(resource_arn)?;
        self.mutate(|state| {
            let mut rule = find_rule(state, &instance_id, &rule_id, resource_arn)?.clone();
            for key in keys {
                rule.tags.remove(key);
            }
            let change = Change::PutRule {
                instance: instance_id.clone(),
                rule: Box::new(rule),
            };
            Ok(((), vec![change]))
        })
    }

    /// `ListTagsForResource`.
    pub fn list_tags(&self, resource_arn: &str) -> Result<BTreeMap<String, String>, ApiError> {
        let (instance_id, rule_id) = self.parse_rule_arn(resource_arn)?;
        let state = self.lock();
        state
            .instances
            .get(&instance_id)
            .and_then(|instance| instance.rule(&rule_id))
            .filter(|rule| rule.rule_arn == resource_arn)
            .map(|rule| rule.tags.clone())
            .ok_or_else(|| resource_not_found(resource_arn))
    }

    /// The instance and rule ids in a rule ARN of this emulator's region and account.
    fn parse_rule_arn(&self, arn: &str) -> Result<(String, String), ApiError> {
        let parts: Vec<&str> = arn.splitn(6, ':').collect();
        let [prefix, partition, service, region, account, resource] = parts.as_slice() else {
            return Err(ApiError::new(
                ErrorKind::InvalidParameter,
                format!("resourceArn {arn} is not a valid ARN"),
            ));
        };
        if *prefix != "arn" || partition.is_empty() || service.is_empty() {
            return Err(ApiError::new(
                ErrorKind::InvalidParameter,
                format!("resourceArn {arn} is not a valid ARN"),
            ));
        }
        let ours = *service == "connect"
            && *region == self.config.region
            && *account == self.config.account_id;
        let ids = resource
            .strip_prefix("instance/")
            .and_then(|rest| rest.split_once("/rule/"))
            .filter(|(instance, rule)| !instance.is_empty() && !rule.is_empty());
        match ids {
            Some((instance, rule)) if ours => Ok((instance.to_owned(), rule.to_owned())),
            _ => Err(resource_not_found(arn)),
        }
    }
}

fn find_rule<'a>(
    state: &'a State,
    instance_id: &str,
    rule_id: &str,
    arn: &str,
) -> Result<&'a StoredRule, ApiError> {
    state
        .instances
        .get(instance_id)
        .and_then(|instance| instance.rule(rule_id))
        .filter(|rule| rule.rule_arn == arn)
        .ok_or_else(|| resource_not_found(arn))
}

fn resource_not_found(arn: &str) -> ApiError {
    ApiError::new(
        ErrorKind::ResourceNotFound,
        format!("Resource {arn} not found"),
    )
}

/// The `Tags` (or `tags`) member as a map; validation has checked its shape.
pub(super) fn tag_map(tags: Option<&Json>) -> BTreeMap<String, String> {
    tags.and_then(Json::as_object)
        .map(|tags| {
            tags.iter()
                .filter_map(|(key, value)| Some((key.clone(), value.as_str()?.to_owned())))
                .collect()
        })
        .unwrap_or_default()
}
