//! The eight kinds of resource the emulator serves, as data: the seed file's key, the list
//! operation, the summary shape and the members that identify and filter.

use crate::emulator::operation::Operation;

/// One kind of resource.
#[derive(Debug)]
pub struct ResourceKind {
    /// Its key in a seed file, e.g. `queues`.
    pub key: &'static str,
    /// The operation that lists it.
    pub operation: Operation,
    /// The summary shape its list answers with; a seed entry's keys are its members.
    pub summary: &'static str,
    /// The member holding its id.
    pub id: &'static str,
    /// The member holding its ARN.
    pub arn: &'static str,
    /// The member people know it by (`Name`, `Username`, `Title`, ...).
    pub name: &'static str,
    /// The ARN's resource type after the instance, e.g. `queue`.
    pub arn_resource: &'static str,
    /// `(query member, summary member)`: a listing given the query member keeps the entries
    /// whose summary member is one of its values.
    pub filters: &'static [(&'static str, &'static str)],
}

/// Every kind, in the order the seed file documents them.
pub const KINDS: [ResourceKind; 8] = [
    ResourceKind {
        key: "queues",
        operation: Operation::ListQueues,
        summary: "QueueSummary",
        id: "Id",
        arn: "Arn",
        name: "Name",
        arn_resource: "queue",
        filters: &[("QueueTypes", "QueueType")],
    },
    ResourceKind {
        key: "contact_flows",
        operation: Operation::ListContactFlows,
        summary: "ContactFlowSummary",
        id: "Id",
        arn: "Arn",
        name: "Name",
        arn_resource: "contact-flow",
        filters: &[("ContactFlowTypes", "ContactFlowType")],
    },
    ResourceKind {
        key: "users",
        operation: Operation::ListUsers,
        summary: "UserSummary",
        id: "Id",
        arn: "Arn",
        name: "Username",
        arn_resource: "agent",
        filters: &[],
    },
    ResourceKind {
        key: "routing_profiles",
        operation: Operation::ListRoutingProfiles,
        summary: "RoutingProfileSummary",
        id: "Id",
        arn: "Arn",
        name: "Name",
        arn_resource: "routing-profile",
        filters: &[],
    },
    ResourceKind {
        key: "evaluation_forms",
        operation: Operation::ListEvaluationForms,
        summary: "EvaluationFormSummary",
        id: "EvaluationFormId",
        arn: "EvaluationFormArn",
        name: "Title",
        arn_resource: "evaluation-form",
        filters: &[],
    },
    ResourceKind {
        key: "integration_associations",
        operation: Operation::ListIntegrationAssociations,
        summary: "IntegrationAssociationSummary",
        id: "IntegrationAssociationId",
        arn: "IntegrationAssociationArn",
        name: "SourceApplicationName",
        arn_resource: "integration-association",
        filters: &[
            ("IntegrationType", "IntegrationType"),
            ("IntegrationArn", "IntegrationArn"),
        ],
    },
    ResourceKind {
        key: "agent_statuses",
        operation: Operation::ListAgentStatuses,
        summary: "AgentStatusSummary",
        id: "Id",
        arn: "Arn",
        name: "Name",
        arn_resource: "agent-state",
        filters: &[("AgentStatusTypes", "Type")],
    },
    ResourceKind {
        key: "hierarchy_groups",
        operation: Operation::ListUserHierarchyGroups,
        summary: "HierarchyGroupSummary",
        id: "Id",
        arn: "Arn",
        name: "Name",
        arn_resource: "agent-group",
        filters: &[],
    },
];

/// The kind `operation` lists.
pub fn listed_by(operation: Operation) -> Option<&'static ResourceKind> {
    KINDS.iter().find(|kind| kind.operation == operation)
}

/// The kind with seed key `key`.
pub fn by_key(key: &str) -> Option<&'static ResourceKind> {
    KINDS.iter().find(|kind| kind.key == key)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::emulator::binding;
    use crate::service::model;

    #[test]
    fn every_member_named_here_is_in_the_model() {
        for kind in &KINDS {
            let summary = model().members(kind.summary);
            for member in [kind.id, kind.arn, kind.name]
                .into_iter()
                .chain(kind.filters.iter().map(|(_, member)| *member))
            {
                assert!(
                    summary.iter().any(|m| m.name == member),
                    "{}: {member} is not a member of {}",
                    kind.key,
                    kind.summary
                );
            }
            let binding = binding::of(kind.operation);
            for (query, _) in kind.filters {
                assert!(
                    binding.query.iter().any(|q| q.member == *query),
                    "{}: {query} is not a query member of {}",
                    kind.key,
                    kind.operation
                );
            }
            let list = binding
                .output_list
                .expect("a list operation answers with a list");
            let output = model()
                .operation(kind.operation.name())
                .output
                .as_deref()
                .unwrap();
            let list_shape = &model()
                .members(output)
                .iter()
                .find(|m| m.name == list)
                .unwrap()
                .shape;
            assert!(
                matches!(&model().shape(list_shape).kind, crate::service::ShapeKind::List { member } if member == kind.summary),
                "{}: {list} is not a list of {}",
                kind.key,
                kind.summary
            );
        }
    }
}
