//! Conversion between the rule model and `aws-sdk-connect` types: the one place that knows
//! both. Enum values go through `as_str()` / `From<&str>`, so values the SDK does not know
//! (a newer service) pass through unchanged.

use std::collections::{BTreeMap, HashMap};

use anyhow::Context;
use aws_sdk_connect::types as sdk;

use crate::model::{
    ActionSummary, AssignSlaActionDefinition, CaseSlaConfiguration, CreateCaseActionDefinition,
    EmptyDefinition, EventBridgeActionDefinition, ExtractInformationActionDefinition, FieldValue,
    FieldValueUnion, LiveRule, NotificationRecipientType, PreEvaluationFilter,
    PreEvaluationFilters, Reference, Rule, RuleAction, RuleSummary, RuleTriggerEventSource,
    RulesExtractionDefinitionIdentifier, SendInAppNotificationActionDefinition,
    SendNotificationActionDefinition, SubmitAutoEvaluationActionDefinition, TaskActionDefinition,
    UpdateCaseActionDefinition,
};

type BuildResult<T> = anyhow::Result<T>;

fn epoch(time: &aws_smithy_types::DateTime) -> f64 {
    time.as_secs_f64()
}

fn sorted(map: &HashMap<String, String>) -> BTreeMap<String, String> {
    map.iter().map(|(k, v)| (k.clone(), v.clone())).collect()
}

/// A `RuleSummary` from ListRules.
pub fn summary_from_sdk(summary: &sdk::RuleSummary) -> RuleSummary {
    RuleSummary {
        name: summary.name().to_owned(),
        rule_id: summary.rule_id().to_owned(),
        rule_arn: summary.rule_arn().to_owned(),
        event_source_name: summary.event_source_name().as_str().to_owned(),
        publish_status: summary.publish_status().as_str().to_owned(),
        rule_capability_tiers: summary
            .rule_capability_tiers()
            .iter()
            .map(|tier| tier.as_str().to_owned())
            .collect(),
        action_summaries: summary
            .action_summaries()
            .iter()
            .map(|action| ActionSummary {
                action_type: action.action_type().as_str().to_owned(),
            })
            .collect(),
        created_time: epoch(summary.created_time()),
        last_updated_time: epoch(summary.last_updated_time()),
    }
}

/// A rule from DescribeRule.
pub fn live_rule_from_sdk(rule: &sdk::Rule) -> LiveRule {
    let trigger = rule.trigger_event_source();
    LiveRule {
        rule: Rule {
            name: rule.name().to_owned(),
            trigger_event_source: RuleTriggerEventSource {
                event_source_name: trigger
                    .map(|t| t.event_source_name().as_str().to_owned())
                    .unwrap_or_default(),
                integration_association_id: trigger
                    .and_then(|t| t.integration_association_id())
                    .map(str::to_owned),
            },
            function: rule.function().to_owned(),
            actions: rule.actions().iter().map(action_from_sdk).collect(),
            publish_status: rule.publish_status().as_str().to_owned(),
            pre_evaluation_filters: rule.pre_evaluation_filters().map(|filters| {
                PreEvaluationFilters {
                    and_conditions: filters.and_conditions.as_ref().map(|conditions| {
                        conditions
                            .iter()
                            .map(|c| PreEvaluationFilter {
                                resource_type: c.resource_type().as_str().to_owned(),
                                filter_type: c.filter_type().as_str().to_owned(),
                                filter_key: c.filter_key().to_owned(),
                                filter_value: c.filter_value().to_owned(),
                                operator: c.operator().as_str().to_owned(),
                            })
                            .collect()
                    }),
                }
            }),
            tags: rule.tags().map(sorted).unwrap_or_default(),
        },
        rule_id: rule.rule_id().to_owned(),
        rule_arn: rule.rule_arn().to_owned(),
        rule_capability_tiers: rule
            .rule_capability_tiers()
            .iter()
            .map(|tier| tier.as_str().to_owned())
            .collect(),
        created_time: epoch(rule.created_time()),
        last_updated_time: epoch(rule.last_updated_time()),
        last_updated_by: rule.last_updated_by().to_owned(),
    }
}

fn recipient_from_sdk(recipient: &sdk::NotificationRecipientType) -> NotificationRecipientType {
    NotificationRecipientType {
        user_tags: recipient.user_tags().map(sorted),
        user_ids: recipient.user_ids.clone(),
    }
}

fn field_value_union_from_sdk(value: &sdk::FieldValueUnion) -> FieldValueUnion {
    FieldValueUnion {
        // The SDK models BooleanValue as a plain bool; in a valid union it is the member set
        // only when no other member is.
        boolean_value: (value.double_value().is_none()
            && value.empty_value().is_none()
            && value.string_value().is_none())
        .then_some(value.boolean_value),
        double_value: value.double_value(),
        empty_value: value.empty_value().map(|_| EmptyDefinition {}),
        string_value: value.string_value().map(str::to_owned),
    }
}

fn fields_from_sdk(fields: &[sdk::FieldValue]) -> Vec<FieldValue> {
    fields
        .iter()
        .map(|field| FieldValue {
            id: field.id().to_owned(),
            value: field
                .value()
                .map(field_value_union_from_sdk)
                .unwrap_or_default(),
        })
        .collect()
}

fn action_from_sdk(action: &sdk::RuleAction) -> RuleAction {
    RuleAction {
        action_type: action.action_type().as_str().to_owned(),
        task_action: action.task_action().map(|task| TaskActionDefinition {
            name: task.name().to_owned(),
            description: task.description().map(str::to_owned),
            contact_flow_id: task.contact_flow_id().to_owned(),
            references: task.references().map(|references| {
                references
                    .iter()
                    .map(|(key, reference)| {
                        (
                            key.clone(),
                            Reference {
                                value: Some(reference.value.clone()).filter(|v| !v.is_empty()),
                                reference_type: reference.r#type().as_str().to_owned(),
                                status: reference.status().map(|s| s.as_str().to_owned()),
                                arn: reference.arn().map(str::to_owned),
                                status_reason: reference.status_reason().map(str::to_owned),
                            },
                        )
                    })
                    .collect()
            }),
        }),
        event_bridge_action: action.event_bridge_action().map(|event| {
            EventBridgeActionDefinition {
                name: event.name().to_owned(),
            }
        }),
        assign_contact_category_action: action
            .assign_contact_category_action()
            .map(|_| EmptyDefinition {}),
        send_notification_action: action.send_notification_action().map(|notification| {
            SendNotificationActionDefinition {
                delivery_method: notification.delivery_method().as_str().to_owned(),
                subject: notification.subject().map(str::to_owned),
                content: notification.content().to_owned(),
                content_type: notification.content_type().as_str().to_owned(),
                recipient: notification
                    .recipient()
                    .map(recipient_from_sdk)
                    .unwrap_or_default(),
                exclusion: notification.exclusion().map(recipient_from_sdk),
            }
        }),
        create_case_action: action
            .create_case_action()
            .map(|case| CreateCaseActionDefinition {
                fields: fields_from_sdk(case.fields()),
                template_id: case.template_id().to_owned(),
            }),
        update_case_action: action
            .update_case_action()
            .map(|case| UpdateCaseActionDefinition {
                fields: fields_from_sdk(case.fields()),
            }),
        assign_sla_action: action
            .assign_sla_action()
            .map(|sla| AssignSlaActionDefinition {
                sla_assignment_type: sla.sla_assignment_type().as_str().to_owned(),
                case_sla_configuration: sla.case_sla_configuration().map(|config| {
                    CaseSlaConfiguration {
                        name: config.name().to_owned(),
                        sla_type: config.r#type().as_str().to_owned(),
                        field_id: config.field_id().map(str::to_owned),
                        target_field_values: config
                            .target_field_values
                            .as_ref()
                            .map(|values| values.iter().map(field_value_union_from_sdk).collect()),
                        target_sla_minutes: config.target_sla_minutes(),
                    }
                }),
            }),
        end_associated_tasks_action: action
            .end_associated_tasks_action()
            .map(|_| EmptyDefinition {}),
        // aws-sdk-connect does not model this definition yet; it has no members.
        end_associated_emails_action: None,
        submit_auto_evaluation_action: action.submit_auto_evaluation_action().map(|evaluation| {
            SubmitAutoEvaluationActionDefinition {
                evaluation_form_id: evaluation.evaluation_form_id().to_owned(),
            }
        }),
        extract_information_action: action.extract_information_action().map(|extract| {
            ExtractInformationActionDefinition {
                rules_extraction_definitions: extract
                    .rules_extraction_definitions()
                    .iter()
                    .map(|definition| RulesExtractionDefinitionIdentifier {
                        identifier: definition.identifier().to_owned(),
                    })
                    .collect(),
            }
        }),
        send_in_app_notification_action: action.send_in_app_notification_action().map(
            |notification| SendInAppNotificationActionDefinition {
                content: notification
                    .content()
                    .iter()
                    .map(|(locale, text)| (locale.as_str().to_owned(), text.clone()))
                    .collect(),
                recipient: notification
                    .recipient()
                    .map(recipient_from_sdk)
                    .unwrap_or_default(),
                exclusion: notification.exclusion().map(recipient_from_sdk),
                priority: notification.priority().map(|p| p.as_str().to_owned()),
            },
        ),
    }
}

/// The SDK's `RuleTriggerEventSource`.
pub fn trigger_to_sdk(
    trigger: &RuleTriggerEventSource,
) -> BuildResult<sdk::RuleTriggerEventSource> {
    sdk::RuleTriggerEventSource::builder()
        .event_source_name(sdk::EventSourceName::from(
            trigger.event_source_name.as_str(),
        ))
        .set_integration_association_id(trigger.integration_association_id.clone())
        .build()
        .context("TriggerEventSource is incomplete")
}

/// The SDK's `PreEvaluationFilters`.
pub fn filters_to_sdk(
    filters: Option<&PreEvaluationFilters>,
) -> BuildResult<Option<sdk::PreEvaluationFilters>> {
    let Some(filters) = filters else {
        return Ok(None);
    };
    let conditions = match &filters.and_conditions {
        None => None,
        Some(conditions) => Some(
            conditions
                .iter()
                .map(|c| {
                    sdk::PreEvaluationFilter::builder()
                        .resource_type(c.resource_type.as_str().into())
                        .filter_type(c.filter_type.as_str().into())
                        .filter_key(&c.filter_key)
                        .filter_value(&c.filter_value)
                        .operator(c.operator.as_str().into())
                        .build()
                        .context("PreEvaluationFilter is incomplete")
                })
                .collect::<BuildResult<Vec<_>>>()?,
        ),
    };
    Ok(Some(
        sdk::PreEvaluationFilters::builder()
            .set_and_conditions(conditions)
            .build(),
    ))
}

fn recipient_to_sdk(recipient: &NotificationRecipientType) -> sdk::NotificationRecipientType {
    sdk::NotificationRecipientType::builder()
        .set_user_tags(
            recipient
                .user_tags
                .as_ref()
                .map(|tags| tags.clone().into_iter().collect()),
        )
        .set_user_ids(recipient.user_ids.clone())
        .build()
}

fn field_value_union_to_sdk(value: &FieldValueUnion) -> sdk::FieldValueUnion {
    sdk::FieldValueUnion::builder()
        .set_boolean_value(value.boolean_value)
        .set_double_value(value.double_value)
        .set_empty_value(
            value
                .empty_value
                .as_ref()
                .map(|_| sdk::EmptyFieldValue::builder().build()),
        )
        .set_string_value(value.string_value.clone())
        .build()
}

fn fields_to_sdk(fields: &[FieldValue]) -> BuildResult<Vec<sdk::FieldValue>> {
    fields
        .iter()
        .map(|field| {
            sdk::FieldValue::builder()
                .id(&field.id)
                .value(field_value_union_to_sdk(&field.value))
                .build()
                .context("FieldValue is incomplete")
        })
        .collect()
}

/// The SDK's `RuleAction`s.
pub fn actions_to_sdk(actions: &[RuleAction]) -> BuildResult<Vec<sdk::RuleAction>> {
    actions.iter().map(action_to_sdk).collect()
}

fn action_to_sdk(action: &RuleAction) -> BuildResult<sdk::RuleAction> {
    let mut builder =
        sdk::RuleAction::builder().action_type(sdk::ActionType::from(action.action_type.as_str()));
    if let Some(task) = &action.task_action {
        let mut task_builder = sdk::TaskActionDefinition::builder()
            .name(&task.name)
            .set_description(task.description.clone())
            .contact_flow_id(&task.contact_flow_id);
        for (key, reference) in task.references.iter().flatten() {
            task_builder = task_builder.references(
                key,
                sdk::Reference::builder()
                    .set_value(reference.value.clone())
                    .r#type(reference.reference_type.as_str().into())
                    .set_status(reference.status.as_deref().map(Into::into))
                    .set_arn(reference.arn.clone())
                    .set_status_reason(reference.status_reason.clone())
                    .build()
                    .context("Reference is incomplete")?,
            );
        }
        builder = builder.task_action(task_builder.build().context("TaskAction is incomplete")?);
    }
    if let Some(event) = &action.event_bridge_action {
        builder = builder.event_bridge_action(
            sdk::EventBridgeActionDefinition::builder()
                .name(&event.name)
                .build()
                .context("EventBridgeAction is incomplete")?,
        );
    }
    if action.assign_contact_category_action.is_some() {
        builder = builder.assign_contact_category_action(
            sdk::AssignContactCategoryActionDefinition::builder().build(),
        );
    }
    if let Some(notification) = &action.send_notification_action {
        builder = builder.send_notification_action(
            sdk::SendNotificationActionDefinition::builder()
                .delivery_method(notification.delivery_method.as_str().into())
                .set_subject(notification.subject.clone())
                .content(&notification.content)
                .content_type(notification.content_type.as_str().into())
                .recipient(recipient_to_sdk(&notification.recipient))
                .set_exclusion(notification.exclusion.as_ref().map(recipient_to_sdk))
                .build()
                .context("SendNotificationAction is incomplete")?,
        );
    }
    if let Some(case) = &action.create_case_action {
        builder = builder.create_case_action(
            sdk::CreateCaseActionDefinition::builder()
                .set_fields(Some(fields_to_sdk(&case.fields)?))
                .template_id(&case.template_id)
                .build()
                .context("CreateCaseAction is incomplete")?,
        );
    }
    if let Some(case) = &action.update_case_action {
        builder = builder.update_case_action(
            sdk::UpdateCaseActionDefinition::builder()
                .set_fields(Some(fields_to_sdk(&case.fields)?))
                .build()
                .context("UpdateCaseAction is incomplete")?,
        );
    }
    if let Some(sla) = &action.assign_sla_action {
        let config = match &sla.case_sla_configuration {
            None => None,
            Some(config) => Some(
                sdk::CaseSlaConfiguration::builder()
                    .name(&config.name)
                    .r#type(config.sla_type.as_str().into())
                    .set_field_id(config.field_id.clone())
                    .set_target_field_values(
                        config
                            .target_field_values
                            .as_ref()
                            .map(|values| values.iter().map(field_value_union_to_sdk).collect()),
                    )
                    .target_sla_minutes(config.target_sla_minutes)
                    .build()
                    .context("CaseSlaConfiguration is incomplete")?,
            ),
        };
        builder = builder.assign_sla_action(
            sdk::AssignSlaActionDefinition::builder()
                .sla_assignment_type(sla.sla_assignment_type.as_str().into())
                .set_case_sla_configuration(config)
                .build()
                .context("AssignSlaAction is incomplete")?,
        );
    }
    if action.end_associated_tasks_action.is_some() {
        builder = builder.end_associated_tasks_action(
            sdk::EndAssociatedTasksActionDefinition::builder().build(),
        );
    }
    if let Some(evaluation) = &action.submit_auto_evaluation_action {
        builder = builder.submit_auto_evaluation_action(
            sdk::SubmitAutoEvaluationActionDefinition::builder()
                .evaluation_form_id(&evaluation.evaluation_form_id)
                .build()
                .context("SubmitAutoEvaluationAction is incomplete")?,
        );
    }
    if let Some(extract) = &action.extract_information_action {
        let definitions = extract
            .rules_extraction_definitions
            .iter()
            .map(|definition| {
                sdk::RulesExtractionDefinitionIdentifier::builder()
                    .identifier(&definition.identifier)
                    .build()
                    .context("RulesExtractionDefinitionIdentifier is incomplete")
            })
            .collect::<BuildResult<Vec<_>>>()?;
        builder = builder.extract_information_action(
            sdk::ExtractInformationActionDefinition::builder()
                .set_rules_extraction_definitions(Some(definitions))
                .build()
                .context("ExtractInformationAction is incomplete")?,
        );
    }
    if let Some(notification) = &action.send_in_app_notification_action {
        builder = builder.send_in_app_notification_action(
            sdk::SendInAppNotificationActionDefinition::builder()
                .set_content(Some(
                    notification
                        .content
                        .iter()
                        .map(|(locale, text)| {
                            (sdk::LocaleCode::from(locale.as_str()), text.clone())
                        })
                        .collect(),
                ))
                .recipient(recipient_to_sdk(&notification.recipient))
                .set_exclusion(notification.exclusion.as_ref().map(recipient_to_sdk))
                .set_priority(notification.priority.as_deref().map(Into::into))
                .build()
                .context("SendInAppNotificationAction is incomplete")?,
        );
    }
    builder
        .build()
        .with_context(|| format!("action {} is incomplete", action.action_type))
}
