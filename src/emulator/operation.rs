//! The operations the emulator serves, by their API names.

use std::fmt;
use std::str::FromStr;

/// One of the Connect rule (and tag) operations.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Operation {
    /// `POST /rules/{InstanceId}`.
    CreateRule,
    /// `PUT /rules/{InstanceId}/{RuleId}`.
    UpdateRule,
    /// `GET /rules/{InstanceId}/{RuleId}`.
    DescribeRule,
    /// `GET /rules/{InstanceId}`.
    ListRules,
    /// `DELETE /rules/{InstanceId}/{RuleId}`.
    DeleteRule,
    /// `POST /tags/{resourceArn}`.
    TagResource,
    /// `DELETE /tags/{resourceArn}?tagKeys=..`.
    UntagResource,
    /// `GET /tags/{resourceArn}`.
    ListTagsForResource,
}

impl Operation {
    /// Every operation.
    pub const ALL: [Operation; 8] = [
        Operation::CreateRule,
        Operation::UpdateRule,
        Operation::DescribeRule,
        Operation::ListRules,
        Operation::DeleteRule,
        Operation::TagResource,
        Operation::UntagResource,
        Operation::ListTagsForResource,
    ];

    /// The API name, e.g. `CreateRule`.
    pub fn name(self) -> &'static str {
        match self {
            Operation::CreateRule => "CreateRule",
            Operation::UpdateRule => "UpdateRule",
            Operation::DescribeRule => "DescribeRule",
            Operation::ListRules => "ListRules",
            Operation::DeleteRule => "DeleteRule",
            Operation::TagResource => "TagResource",
            Operation::UntagResource => "UntagResource",
            Operation::ListTagsForResource => "ListTagsForResource",
        }
    }
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
            .into_iter()
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
