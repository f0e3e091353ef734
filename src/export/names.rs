//! Where a rule holds the id of an instance resource, and of which kind: what lets `export`
//! write `${flow:Callback}` instead of `1111...`. Pure.
//!
//! An id is named only where its place says its kind, so a string that merely looks like an
//! id (a task description quoting one) stays as written:
//! - action fields: `ContactFlowId` (flow), `UserIds` (users), `EvaluationFormId` (evaluation
//!   form), `IntegrationAssociationId` (integration);
//! - in the Function, the operands of a condition on an attribute that holds an id
//!   (`...Queue.QueueId`, `...Agent.AgentId`, `...Agent.RoutingProfile`, the case fields
//!   `assigned_queue` / `assigned_user`, an evaluation's `...Form.FormId`, the agent status of
//!   `$.MetricData.AGENT_ACTIVITY`);
//! - in the Function, the `Data` of the metric filters by agent, queue, routing profile, flow
//!   and agent hierarchy level.
//!
//! Hierarchy group conditions (`...Agent.HierarchyGroup.ARN`) hold ARNs: a group's ARN there is
//! named too, as a reference in such a condition resolves to the ARN.

use std::collections::BTreeSet;

use serde_json::{Map, Value};

use crate::model::Rule;
use crate::reference::ResourceKind;

/// The kind of the ids an action field holds.
fn kind_of_field(key: &str) -> Option<ResourceKind> {
    match key {
        "ContactFlowId" => Some(ResourceKind::Flow),
        "UserIds" => Some(ResourceKind::User),
        "EvaluationFormId" => Some(ResourceKind::EvaluationForm),
        "IntegrationAssociationId" => Some(ResourceKind::Integration),
        _ => None,
    }
}

/// The kind of the ids a condition on `attribute` compares with.
fn kind_of_attribute(attribute: &str) -> Option<ResourceKind> {
    if attribute.ends_with(".Queue.QueueId") || attribute == "$.Case.Fields.assigned_queue" {
        Some(ResourceKind::Queue)
    } else if attribute.ends_with(".Agent.AgentId") || attribute == "$.Case.Fields.assigned_user" {
        Some(ResourceKind::User)
    } else if attribute.ends_with(".Agent.RoutingProfile") {
        Some(ResourceKind::RoutingProfile)
    } else if attribute.ends_with(".Form.FormId") {
        Some(ResourceKind::EvaluationForm)
    } else if attribute == "$.MetricData.AGENT_ACTIVITY" {
        Some(ResourceKind::AgentStatus)
    } else {
        None
    }
}

/// The kind of the ids a metric filter of type `filter` lists in its `Data`.
fn kind_of_filter(filter: &str) -> Option<ResourceKind> {
    match filter {
        "MetricDataFilterByAgent" => Some(ResourceKind::User),
        "MetricDataFilterByQueue" => Some(ResourceKind::Queue),
        "MetricDataFilterByRoutingProfile" => Some(ResourceKind::RoutingProfile),
        "MetricDataFilterByFlow" => Some(ResourceKind::Flow),
        _ if filter.starts_with("MetricDataFilterByAgentHierarchyLevel") => {
            Some(ResourceKind::HierarchyGroup)
        }
        _ => None,
    }
}

/// What a place holds: ids of one kind, or (`arn`) their ARNs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Place {
    pub kind: ResourceKind,
    pub arn: bool,
}

impl Place {
    fn ids(kind: ResourceKind) -> Place {
        Place { kind, arn: false }
    }
}

/// What `object[key]` holds (directly, or as the items of a list), when the place says it.
pub fn place_of_member(object: &Map<String, Value>, key: &str) -> Option<Place> {
    let text_of = |member: &str| object.get(member).and_then(Value::as_str);
    match key {
        "Operands" => text_of("ComparisonValue").and_then(|attribute| {
            if attribute.ends_with(".Agent.HierarchyGroup.ARN") {
                Some(Place {
                    kind: ResourceKind::HierarchyGroup,
                    arn: true,
                })
            } else {
                kind_of_attribute(attribute).map(Place::ids)
            }
        }),
        "Data" => text_of("Type").and_then(kind_of_filter).map(Place::ids),
        _ => kind_of_field(key).map(Place::ids),
    }
}

/// A rule as the JSON value its file is written from: `Function` a mapping when it parses.
pub fn rule_value(rule: &Rule, function_as_mapping: bool) -> Result<Value, String> {
    let mut value = serde_json::to_value(rule).map_err(|err| err.to_string())?;
    let function = serde_json::from_str::<Value>(&rule.function).ok();
    if let (Some(slot), Some(parsed), true) =
        (value.get_mut("Function"), function, function_as_mapping)
    {
        *slot = parsed;
    }
    Ok(value)
}

/// The kinds whose ids `rules` hold in the places above: the only kinds export lists.
pub fn kinds_used<'a>(rules: impl IntoIterator<Item = &'a Rule>) -> BTreeSet<ResourceKind> {
    let mut kinds = BTreeSet::new();
    for rule in rules {
        if let Ok(value) = rule_value(rule, true) {
            collect_kinds(&value, None, &mut kinds);
        }
    }
    kinds
}

fn collect_kinds(value: &Value, place: Option<ResourceKind>, kinds: &mut BTreeSet<ResourceKind>) {
    match value {
        Value::String(text) if !text.is_empty() => kinds.extend(place),
        Value::Array(items) => items
            .iter()
            .for_each(|item| collect_kinds(item, place, kinds)),
        Value::Object(members) => {
            for (key, member) in members {
                let place = place_of_member(members, key).map(|place| place.kind);
                collect_kinds(member, place, kinds);
            }
        }
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn places_name_the_kind_of_their_ids() {
        let condition = json!({"ComparisonValue": "$.ContactLens.PostChat.Queue.QueueId"});
        let Value::Object(condition) = condition else {
            unreachable!()
        };
        assert_eq!(
            place_of_member(&condition, "Operands"),
            Some(Place::ids(ResourceKind::Queue))
        );
        assert_eq!(place_of_member(&condition, "Data"), None);
        let Value::Object(filter) = json!({"Type": "MetricDataFilterByAgentHierarchyLevelTwo"})
        else {
            unreachable!()
        };
        assert_eq!(
            place_of_member(&filter, "Data"),
            Some(Place::ids(ResourceKind::HierarchyGroup))
        );
        let Value::Object(hierarchy) =
            json!({"ComparisonValue": "$.ContactLens.Email.Agent.HierarchyGroup.ARN"})
        else {
            unreachable!()
        };
        assert_eq!(
            place_of_member(&hierarchy, "Operands"),
            Some(Place {
                kind: ResourceKind::HierarchyGroup,
                arn: true
            }),
            "a hierarchy group condition holds ARNs"
        );
        let empty = Map::new();
        assert_eq!(
            place_of_member(&empty, "ContactFlowId"),
            Some(Place::ids(ResourceKind::Flow))
        );
        assert_eq!(
            place_of_member(&empty, "UserIds"),
            Some(Place::ids(ResourceKind::User))
        );
        assert_eq!(
            place_of_member(&empty, "EvaluationFormId"),
            Some(Place::ids(ResourceKind::EvaluationForm))
        );
        assert_eq!(
            place_of_member(&empty, "IntegrationAssociationId"),
            Some(Place::ids(ResourceKind::Integration))
        );
        assert_eq!(place_of_member(&empty, "Description"), None);
    }

    #[test]
    fn only_the_kinds_a_rule_holds_ids_of_are_listed() {
        let mut rule = Rule::test("a");
        assert!(kinds_used([&rule]).is_empty(), "{:?}", kinds_used([&rule]));
        rule.function = r#"{"Version":"2022-11-25","RuleFunction":{"Operator":"AND","Operands":[{"Operator":"CONTAINS_ANY","Operands":["q-1"],"ComparisonValue":"$.ContactLens.PostCall.Queue.QueueId","Negate":false},{"Operator":"NumberGreaterOrEqualTo","Operands":[5],"ComparisonValue":"$.MetricData.CONTACTS_IN_QUEUE","FilterClause":{"LogicOperator":"AND","Filters":[{"Type":"MetricDataFilterByFlow","Data":["f-1"]}]}}]}}"#.to_owned();
        rule.actions[0] = crate::model::RuleAction {
            action_type: "CREATE_TASK".into(),
            task_action: Some(crate::model::TaskActionDefinition {
                name: "t".into(),
                description: None,
                contact_flow_id: "f-2".into(),
                references: None,
            }),
            ..crate::model::RuleAction::default()
        };
        assert_eq!(
            kinds_used([&rule]),
            BTreeSet::from([ResourceKind::Queue, ResourceKind::Flow])
        );
    }
}
