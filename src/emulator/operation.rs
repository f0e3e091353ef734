//! The operations the emulator serves, one line each: the operation, named as the service
//! model names it, and the handler that answers it. Method, path and query parameters are the
//! model's (see [`binding`](super::binding)), so a new operation is its handler and one line.

use std::fmt;
use std::str::FromStr;

use super::handlers::{self, Handler};
use super::resources;

/// Declares [`Operation`] and its handlers from one table.
macro_rules! operations {
    ($($name:ident => $handler:path,)+) => {
        /// One of the operations the emulator serves, by its API name.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub enum Operation {
            $(
                #[doc = concat!("`", stringify!($name), "`, bound as the service model binds it.")]
                $name,
            )+
        }

        impl Operation {
            /// Every operation, in table order.
            pub const ALL: &'static [Operation] = &[$(Operation::$name),+];

            /// The API name, e.g. `CreateRule`.
            pub fn name(self) -> &'static str {
                match self {
                    $(Operation::$name => stringify!($name),)+
                }
            }

            /// The function that answers a call.
            pub(super) fn handler(self) -> Handler {
                match self {
                    $(Operation::$name => $handler,)+
                }
            }
        }
    };
}

operations! {
    CreateRule => handlers::create_rule,
    UpdateRule => handlers::update_rule,
    DescribeRule => handlers::describe_rule,
    ListRules => handlers::list_rules,
    DeleteRule => handlers::delete_rule,
    TagResource => handlers::tag_resource,
    UntagResource => handlers::untag_resource,
    ListTagsForResource => handlers::list_tags_for_resource,
    ListQueues => resources::list,
    ListContactFlows => resources::list,
    ListUsers => resources::list,
    ListRoutingProfiles => resources::list,
    ListEvaluationForms => resources::list,
    ListIntegrationAssociations => resources::list,
    ListAgentStatuses => resources::list,
    ListUserHierarchyGroups => resources::list,
}

impl fmt::Display for Operation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for Operation {
    type Err = String;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        Operation::ALL
            .iter()
            .copied()
            .find(|operation| operation.name() == text)
            .ok_or_else(|| {
                let names: Vec<&str> = Operation::ALL.iter().map(|op| op.name()).collect();
                format!(
                    "unknown operation `{text}`; expected one of {}",
                    names.join(", ")
                )
            })
    }
}
