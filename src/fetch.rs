//! Fetch: reads the live instance with ListRules (every page) and DescribeRule per rule,
//! a bounded number at a time.

use std::sync::Arc;

use tokio::sync::Semaphore;
use tokio::task::JoinSet;

use crate::cache::DescribeCache;
use crate::client::{ApiError, ConnectClient};
use crate::model::{LiveRule, RuleSummary};

/// What fetch cost, for progress and benchmarks.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct FetchStats {
    /// ListRules pages read.
    pub list_calls: usize,
    /// DescribeRule calls made.
    pub describe_calls: usize,
    /// Rules listed but gone before they could be described.
    pub vanished: usize,
    /// Rules taken from the describe cache instead of DescribeRule.
    pub cache_hits: usize,
}

/// Every rule summary, across all pages.
pub async fn list_all(client: &ConnectClient) -> Result<(Vec<RuleSummary>, usize), ApiError> {
    let mut summaries = Vec::new();
    let pages = for_each_page(client, |page| summaries.extend(page)).await?;
    Ok((summaries, pages))
}

/// Reads the ListRules pages one after another, handing each to `on_page` as it arrives;
/// returns how many pages there were.
async fn for_each_page(
    client: &ConnectClient,
    mut on_page: impl FnMut(Vec<RuleSummary>),
) -> Result<usize, ApiError> {
    let mut token = None;
    let mut pages = 0;
    loop {
        let (page, next) = client.list_rules_page(token).await?;
        pages += 1;
        on_page(page);
        match next {
            Some(next) if !next.is_empty() => token = Some(next),
            _ => return Ok(pages),
        }
    }
}

/// Every live rule, described, sorted by name. A rule deleted between List and Describe is
/// left out, not an error.
pub async fn fetch_live(
    client: &ConnectClient,
    concurrency: usize,
) -> Result<(Vec<LiveRule>, FetchStats), ApiError> {
    fetch_live_cached(client, concurrency, None).await
}

/// A page's summaries, each with its cached description if any, read on a blocking thread
/// so that the disk and parse work happens while the next page is on its way.
fn look_up_page(
    cache: &DescribeCache,
    page: Vec<RuleSummary>,
) -> tokio::task::JoinHandle<Vec<(RuleSummary, Option<LiveRule>)>> {
    let cache = cache.clone();
    tokio::task::spawn_blocking(move || {
        page.into_iter()
            .map(|summary| {
                let cached = cache.get(&summary.rule_id, summary.last_updated_time);
                (summary, cached)
            })
            .collect()
    })
}

/// [`fetch_live`], describing only rules whose LastUpdatedTime is not in `cache`.
///
/// A warm plan spends most of its time waiting for ListRules pages (one after another, and
/// paced by the rate limit); the cache entries of each page are read during that wait.
pub async fn fetch_live_cached(
    client: &ConnectClient,
    concurrency: usize,
    cache: Option<&DescribeCache>,
) -> Result<(Vec<LiveRule>, FetchStats), ApiError> {
    let mut lookups = Vec::new();
    let mut to_describe = Vec::new();
    let list_calls = for_each_page(client, |page| match cache {
        Some(cache) => lookups.push(look_up_page(cache, page)),
        None => to_describe.extend(page),
    })
    .await?;
    let mut stats = FetchStats {
        list_calls,
        ..FetchStats::default()
    };
    let mut rules = Vec::new();
    for lookup in lookups {
        let looked_up = match lookup.await {
            Ok(looked_up) => looked_up,
            Err(join_error) => std::panic::resume_unwind(join_error.into_panic()),
        };
        for (summary, cached) in looked_up {
            match cached {
                Some(rule) => {
                    stats.cache_hits += 1;
                    rules.push(rule);
                }
                None => to_describe.push(summary),
            }
        }
    }
    if let Some(cache) = cache {
        let listed: Vec<&str> = rules
            .iter()
            .map(|r| r.rule_id.as_str())
            .chain(to_describe.iter().map(|s| s.rule_id.as_str()))
            .collect();
        cache.prune(&listed);
    }
    let permits = Arc::new(Semaphore::new(concurrency.max(1)));
    let mut tasks = JoinSet::new();
    for summary in to_describe {
        let client = client.clone();
        let permits = Arc::clone(&permits);
        tasks.spawn(async move {
            let _permit = permits.acquire_owned().await;
            client.describe_rule(&summary.rule_id).await
        });
    }
    while let Some(joined) = tasks.join_next().await {
        stats.describe_calls += 1;
        match joined {
            Ok(Ok(Some(rule))) => {
                if let Some(cache) = cache {
                    cache.put(&rule);
                }
                rules.push(rule);
            }
            Ok(Ok(None)) => stats.vanished += 1,
            Ok(Err(err)) => {
                tasks.abort_all();
                return Err(err);
            }
            Err(join_error) => {
                tasks.abort_all();
                std::panic::resume_unwind(join_error.into_panic());
            }
        }
    }
    rules.sort_by(|a, b| a.rule.name.cmp(&b.rule.name));
    Ok((rules, stats))
}
