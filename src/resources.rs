//! Reads the instance's resources of the kinds a run needs (queues, flows, users, ...) into a
//! [`Directory`], every page, each listing checked like the rule listing (DESIGN.md, "What is
//! trusted"): a repeated page token, a resource listed twice or a listing that never ends fails
//! the read, so no reference is resolved from an inconsistent view.

use std::collections::{BTreeSet, HashMap, HashSet};

use tokio::task::JoinSet;

use crate::client::{ApiError, ConnectClient};
use crate::reference::{Directory, Resource, ResourceKind};

/// The most resources of one kind a listing may hold. Connect's largest default quota for
/// these kinds is users (and queues, flows) in the tens of thousands; a listing past this is an
/// endpoint that never stops answering.
pub const MAX_LISTED_RESOURCES: usize = 100_000;

/// The most pages read for one kind: a full listing takes at most 1,000 pages of 100; this
/// stops an endpoint that answers empty pages with fresh tokens forever.
pub const MAX_RESOURCE_PAGES: usize = 1_000;

/// What reading cost: list calls by kind.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ResourceStats {
    pub calls: Vec<(ResourceKind, usize)>,
}

impl ResourceStats {
    /// List calls over every kind.
    pub fn total_calls(&self) -> usize {
        self.calls.iter().map(|(_, calls)| calls).sum()
    }
}

/// Every resource of each kind in `kinds`, the kinds read in parallel (each paced by the
/// client's limiter, which the rule calls share).
pub async fn read_directory(
    client: &ConnectClient,
    kinds: &BTreeSet<ResourceKind>,
) -> Result<(Directory, ResourceStats), ApiError> {
    let mut tasks = JoinSet::new();
    for &kind in kinds {
        let client = client.clone();
        tasks.spawn(async move { (kind, list_all_of(&client, kind).await) });
    }
    let mut directory = Directory::default();
    let mut stats = ResourceStats::default();
    while let Some(joined) = tasks.join_next().await {
        let (kind, listed) = joined.map_err(|err| {
            ApiError::bad_answer(
                "List",
                client.instance_id(),
                format!("a listing task failed: {err}"),
            )
        })?;
        let (resources, pages) = listed?;
        directory.insert(kind, resources);
        stats.calls.push((kind, pages));
    }
    stats.calls.sort();
    Ok((directory, stats))
}

/// Every resource of `kind`, across all pages; `(resources, pages read)`.
pub async fn list_all_of(
    client: &ConnectClient,
    kind: ResourceKind,
) -> Result<(Vec<Resource>, usize), ApiError> {
    let operation = kind.list_operation();
    let bad = |message: String| ApiError::bad_answer(operation, client.instance_id(), message);
    let mut resources = Vec::new();
    let mut ids_seen = HashSet::new();
    let mut tokens_seen: HashMap<String, usize> = HashMap::new();
    let mut token = None;
    let mut pages = 0;
    loop {
        let (page, next) = client.list_resources_page(kind, token).await?;
        pages += 1;
        for resource in page {
            if !ids_seen.insert(resource.id.clone()) {
                return Err(bad(format!(
                    "{} `{}` was listed twice (page {pages})",
                    kind.noun(),
                    resource.id
                )));
            }
            resources.push(resource);
        }
        if resources.len() > MAX_LISTED_RESOURCES {
            return Err(bad(format!(
                "the listing goes on past {MAX_LISTED_RESOURCES} resources (page {pages})"
            )));
        }
        let next = match next {
            Some(next) if !next.is_empty() => next,
            _ => break,
        };
        if let Some(first) = tokens_seen.insert(crate::digest::sha256_hex(next.as_bytes()), pages) {
            return Err(bad(format!(
                "page {pages} gave the NextToken page {first} gave; the listing would never end"
            )));
        }
        if pages >= MAX_RESOURCE_PAGES {
            return Err(bad(format!(
                "the listing goes on past {MAX_RESOURCE_PAGES} pages ({} resources so far)",
                resources.len()
            )));
        }
        token = Some(next);
    }
    Ok((resources, pages))
}
