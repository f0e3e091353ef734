//! The places in a rule that the service model says hold the id of one kind of resource, so a
//! reference of another kind there is a mistake `validate` can name offline.
//!
//! From `connect-rules-api.json`: `TaskActionDefinition.ContactFlowId` (a flow),
//! `NotificationRecipientType.UserIds` (users, as `Recipient` and `Exclusion` of both
//! notification actions), `SubmitAutoEvaluationActionDefinition.EvaluationFormId` (an
//! evaluation form) and `RuleTriggerEventSource.IntegrationAssociationId` (an integration).
//! Every one of them takes an id; no member of the rule shapes takes a resource's ARN. Inside
//! `Function` the model says nothing: a place there is not judged.

use super::kind::ResourceKind;

/// A place that takes one kind of resource.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Place {
    /// The kind it takes.
    pub kind: ResourceKind,
    /// The place in words: "`ContactFlowId` of a task action".
    pub what: &'static str,
}

/// The place at `path`, the mapping keys from the top of a rule file (list items add none),
/// when the service model says which kind of resource it takes.
pub fn place_at<S: AsRef<str>>(path: &[S]) -> Option<Place> {
    let keys: Vec<&str> = path.iter().map(AsRef::as_ref).collect();
    let (kind, what) = match keys.as_slice() {
        ["Actions", "TaskAction", "ContactFlowId"] => {
            (ResourceKind::Flow, "`ContactFlowId` of a task action")
        }
        ["Actions", "SendNotificationAction" | "SendInAppNotificationAction", "Recipient" | "Exclusion", "UserIds"] => {
            (ResourceKind::User, "`UserIds` of notification recipients")
        }
        ["Actions", "SubmitAutoEvaluationAction", "EvaluationFormId"] => (
            ResourceKind::EvaluationForm,
            "`EvaluationFormId` of an automated evaluation",
        ),
        ["TriggerEventSource", "IntegrationAssociationId"] => (
            ResourceKind::Integration,
            "`IntegrationAssociationId` of the trigger",
        ),
        _ => return None,
    };
    Some(Place { kind, what })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_places_the_model_types_take_their_kind_and_others_are_not_judged() {
        let kind = |path: &[&str]| place_at(path).map(|place| place.kind);
        assert_eq!(
            kind(&["Actions", "TaskAction", "ContactFlowId"]),
            Some(ResourceKind::Flow)
        );
        assert_eq!(
            kind(&[
                "Actions",
                "SendInAppNotificationAction",
                "Exclusion",
                "UserIds"
            ]),
            Some(ResourceKind::User)
        );
        assert_eq!(
            kind(&["Actions", "SubmitAutoEvaluationAction", "EvaluationFormId"]),
            Some(ResourceKind::EvaluationForm)
        );
        assert_eq!(
            kind(&["TriggerEventSource", "IntegrationAssociationId"]),
            Some(ResourceKind::Integration)
        );
        assert_eq!(kind(&["Actions", "TaskAction", "Name"]), None);
        assert_eq!(kind(&["Function", "RuleFunction", "Operands"]), None);
        assert_eq!(kind(&["ContactFlowId"]), None);
    }
}
