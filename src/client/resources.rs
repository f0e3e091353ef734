//! One page of an instance's resources of one kind (queues, flows, users, ...), for resolving
//! `${KIND:NAME}` references. Paced by the same limiter as the rule calls.

use super::{ApiError, ConnectClient};
use crate::reference::{Resource, ResourceKind};

/// The largest page each list operation allows (`MaxResults` in the service model).
pub fn max_page_size(kind: ResourceKind) -> i32 {
    match kind {
        ResourceKind::EvaluationForm | ResourceKind::Integration => 100,
        _ => 1000,
    }
}

/// One page of `$call` as `(resources, next token)`; `$id`, `$arn` and `$name` read a summary.
macro_rules! list_page {
    ($client:ident, $kind:expr, $token:ident, $call:ident, $list:ident,
     |$summary:ident| ($id:expr, $arn:expr, $name:expr)) => {{
        let output = $client
            .sdk
            .$call()
            .instance_id(&$client.instance_id)
            .max_results(max_page_size($kind))
            .set_next_token($token)
            .send()
            .await
            .map_err(|err| {
                ApiError::from_sdk($kind.list_operation(), &$client.instance_id, &err)
            })?;
        let resources = output
            .$list()
            .iter()
            .map(|$summary| Resource {
                id: $id.to_owned(),
                arn: $arn.to_owned(),
                name: $name.to_owned(),
            })
            .collect::<Vec<_>>();
        (resources, output.next_token().map(str::to_owned))
    }};
}

impl ConnectClient {
    /// One page of the resources of `kind`.
    ///
    /// Every listed resource must carry an id and a name: one without would resolve a
    /// reference to nothing, so such an answer is an error rather than a gap.
    pub async fn list_resources_page(
        &self,
        kind: ResourceKind,
        next_token: Option<String>,
    ) -> Result<(Vec<Resource>, Option<String>), ApiError> {
        self.limiter.acquire().await;
        let client = self;
        let (resources, next) = match kind {
            ResourceKind::Queue => list_page!(
                client,
                kind,
                next_token,
                list_queues,
                queue_summary_list,
                |s| (
                    s.id().unwrap_or_default(),
                    s.arn().unwrap_or_default(),
                    s.name().unwrap_or_default()
                )
            ),
            ResourceKind::Flow => list_page!(
                client,
                kind,
                next_token,
                list_contact_flows,
                contact_flow_summary_list,
                |s| (
                    s.id().unwrap_or_default(),
                    s.arn().unwrap_or_default(),
                    s.name().unwrap_or_default()
                )
            ),
            ResourceKind::User => list_page!(
                client,
                kind,
                next_token,
                list_users,
                user_summary_list,
                |s| (
                    s.id().unwrap_or_default(),
                    s.arn().unwrap_or_default(),
                    s.username().unwrap_or_default()
                )
            ),
            ResourceKind::RoutingProfile => list_page!(
                client,
                kind,
                next_token,
                list_routing_profiles,
                routing_profile_summary_list,
                |s| (
                    s.id().unwrap_or_default(),
                    s.arn().unwrap_or_default(),
                    s.name().unwrap_or_default()
                )
            ),
            ResourceKind::EvaluationForm => list_page!(
                client,
                kind,
                next_token,
                list_evaluation_forms,
                evaluation_form_summary_list,
                |s| (s.evaluation_form_id(), s.evaluation_form_arn(), s.title())
            ),
            ResourceKind::Integration => list_page!(
                client,
                kind,
                next_token,
                list_integration_associations,
                integration_association_summary_list,
                |s| (
                    s.integration_association_id().unwrap_or_default(),
                    s.integration_association_arn().unwrap_or_default(),
                    s.source_application_name().unwrap_or_default()
                )
            ),
            ResourceKind::AgentStatus => list_page!(
                client,
                kind,
                next_token,
                list_agent_statuses,
                agent_status_summary_list,
                |s| (
                    s.id().unwrap_or_default(),
                    s.arn().unwrap_or_default(),
                    s.name().unwrap_or_default()
                )
            ),
            ResourceKind::HierarchyGroup => list_page!(
                client,
                kind,
                next_token,
                list_user_hierarchy_groups,
                user_hierarchy_group_summary_list,
                |s| (
                    s.id().unwrap_or_default(),
                    s.arn().unwrap_or_default(),
                    s.name().unwrap_or_default()
                )
            ),
        };
        let limit = max_page_size(kind) as usize;
        if resources.len() > limit {
            return Err(ApiError::bad_answer(
                kind.list_operation(),
                &self.instance_id,
                format!(
                    "a page listed {} resources, more than the {limit} asked for",
                    resources.len()
                ),
            ));
        }
        if let Some(blank) = resources
            .iter()
            .find(|resource| resource.id.is_empty() || resource.name.is_empty())
        {
            return Err(ApiError::bad_answer(
                kind.list_operation(),
                &self.instance_id,
                format!(
                    "a {} was listed without its id or {} (id `{}`, name `{}`)",
                    kind.noun(),
                    kind.name_member(),
                    blank.id,
                    blank.name
                ),
            ));
        }
        Ok((resources, next))
    }
}
