//! Fetch: reads the live instance with ListRules (every page) and DescribeRule per rule,
//! a bounded number at a time.

use std::sync::Arc;

use tokio::sync::Semaphore;
use tokio::task::JoinSet;

use crate::cache::{CachedRules, DescribeCache};
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
    let mut token = None;
    let mut pages = 0;
    loop {
        let (page, next) = client.list_rules_page(token).await?;
        pages += 1;
        summaries.extend(page);
        match next {
            Some(next) if !next.is_empty() => token = Some(next),
            _ => break,
        }
    }
    Ok((summaries, pages))
}

/// Every live rule, described, sorted by name. A rule deleted between List and Describe is
/// left out, not an error.
pub async fn fetch_live(
    client: &ConnectClient,
    concurrency: usize,
) -> Result<(Vec<LiveRule>, FetchStats), ApiError> {
    fetch_live_cached(client, concurrency, None).await
}

/// [`fetch_live`], describing only rules whose LastUpdatedTime is not in `cache`.
///
/// A warm plan spends most of its time waiting for ListRules pages (one after another, and
/// paced by the rate limit); the cache is read during that wait, so matching the listed rules
/// with it afterwards costs next to nothing.
pub async fn fetch_live_cached(
    client: &ConnectClient,
    concurrency: usize,
    cache: Option<&DescribeCache>,
) -> Result<(Vec<LiveRule>, FetchStats), ApiError> {
    let reading = cache
        .cloned()
        .map(|cache| tokio::task::spawn_blocking(move || cache.load_all()));
    let (summaries, list_calls) = list_all(client).await?;
    let mut stats = FetchStats {
        list_calls,
        ..FetchStats::default()
    };
    let mut cached = match reading {
        Some(reading) => match reading.await {
            Ok(cached) => cached,
            Err(join_error) => std::panic::resume_unwind(join_error.into_panic()),
        },
        None => CachedRules::default(),
    };
    let mut rules = Vec::new();
    let mut to_describe = Vec::new();
    for summary in summaries {
        match cached.take(&summary.rule_id, summary.last_updated_time) {
            Some(rule) => {
                stats.cache_hits += 1;
                rules.push(rule);
            }
            None => to_describe.push(summary),
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
