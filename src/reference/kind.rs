//! The kinds of instance resource a rule file may name: what each is called in a reference,
//! in prose, in the seed file, and which list operation and summary member find it.

use std::fmt;

/// A kind of instance resource that rules point at by id.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum ResourceKind {
    Queue,
    Flow,
    User,
    RoutingProfile,
    EvaluationForm,
    Integration,
    AgentStatus,
    HierarchyGroup,
}

impl ResourceKind {
    /// Every kind, in the order the README lists them.
    pub const ALL: [ResourceKind; 8] = [
        ResourceKind::Queue,
        ResourceKind::Flow,
        ResourceKind::User,
        ResourceKind::RoutingProfile,
        ResourceKind::EvaluationForm,
        ResourceKind::Integration,
        ResourceKind::AgentStatus,
        ResourceKind::HierarchyGroup,
    ];

    /// The word before the colon in `${KIND:NAME}`.
    pub fn token(self) -> &'static str {
        match self {
            ResourceKind::Queue => "queue",
            ResourceKind::Flow => "flow",
            ResourceKind::User => "user",
            ResourceKind::RoutingProfile => "routing-profile",
            ResourceKind::EvaluationForm => "evaluation-form",
            ResourceKind::Integration => "integration",
            ResourceKind::AgentStatus => "agent-status",
            ResourceKind::HierarchyGroup => "hierarchy-group",
        }
    }

    /// The kind named by `token`, the word before the colon.
    pub fn from_token(token: &str) -> Option<ResourceKind> {
        ResourceKind::ALL
            .into_iter()
            .find(|kind| kind.token() == token)
    }

    /// The kind in prose, as the console names it.
    pub fn noun(self) -> &'static str {
        match self {
            ResourceKind::Queue => "queue",
            ResourceKind::Flow => "flow",
            ResourceKind::User => "user",
            ResourceKind::RoutingProfile => "routing profile",
            ResourceKind::EvaluationForm => "evaluation form",
            ResourceKind::Integration => "integration",
            ResourceKind::AgentStatus => "agent status",
            ResourceKind::HierarchyGroup => "hierarchy group",
        }
    }

    /// The operation that lists this kind on an instance.
    pub fn list_operation(self) -> &'static str {
        match self {
            ResourceKind::Queue => "ListQueues",
            ResourceKind::Flow => "ListContactFlows",
            ResourceKind::User => "ListUsers",
            ResourceKind::RoutingProfile => "ListRoutingProfiles",
            ResourceKind::EvaluationForm => "ListEvaluationForms",
            ResourceKind::Integration => "ListIntegrationAssociations",
            ResourceKind::AgentStatus => "ListAgentStatuses",
            ResourceKind::HierarchyGroup => "ListUserHierarchyGroups",
        }
    }

    /// The summary member a reference's name is matched against. An integration association
    /// has no `Name`: the console shows the application it connects, so that is its name here.
    pub fn name_member(self) -> &'static str {
        match self {
            ResourceKind::User => "Username",
            ResourceKind::EvaluationForm => "Title",
            ResourceKind::Integration => "SourceApplicationName",
            _ => "Name",
        }
    }

    /// The top-level key of the emulator's seed file that holds this kind.
    pub fn seed_key(self) -> &'static str {
        match self {
            ResourceKind::Queue => "queues",
            ResourceKind::Flow => "contact_flows",
            ResourceKind::User => "users",
            ResourceKind::RoutingProfile => "routing_profiles",
            ResourceKind::EvaluationForm => "evaluation_forms",
            ResourceKind::Integration => "integration_associations",
            ResourceKind::AgentStatus => "agent_statuses",
            ResourceKind::HierarchyGroup => "hierarchy_groups",
        }
    }
}

impl serde::Serialize for ResourceKind {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.token())
    }
}

impl<'de> serde::Deserialize<'de> for ResourceKind {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let token = String::deserialize(deserializer)?;
        ResourceKind::from_token(&token).ok_or_else(|| {
            serde::de::Error::custom(format!(
                "`{token}` is not a kind of resource (the kinds are {})",
                super::parse::kinds_list()
            ))
        })
    }
}

impl fmt::Display for ResourceKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.token())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_name_their_kind_and_nothing_else() {
        for kind in ResourceKind::ALL {
            assert_eq!(ResourceKind::from_token(kind.token()), Some(kind));
        }
        assert_eq!(ResourceKind::from_token("queues"), None);
        assert_eq!(ResourceKind::from_token("Queue"), None);
    }
}
