//! Fetch: reads the live instance with ListRules (every page) and DescribeRule per rule,
//! a bounded number at a time.
//!
//! Every answer is checked against the request and the listing before it is believed (see
//! DESIGN.md, "What is trusted"): a page token that repeats, a rule listed twice, two rules
//! with one name, a listing longer than an instance can hold, or a described rule that is not
//! the one listed make the whole read fail, so nothing is planned, changed or deleted from an
//! inconsistent view.

use std::collections::HashMap;
use std::sync::Arc;

use tokio::sync::Semaphore;
use tokio::task::JoinSet;

use crate::cache::describe::{CachedRules, DescribeCache};
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

/// Told how a read of the instance goes, for progress: the listing's length so far, then how
/// many rules are described and each one done. The unit type tells nobody.
pub trait ReadProgress: Sync {
    /// `rules` listed so far.
    fn listed(&self, _rules: usize) {}
    /// `rules` are about to be described (the others came from the cache).
    fn describing(&self, _rules: usize) {}
    /// One more rule described.
    fn described(&self) {}
}

impl ReadProgress for () {}

/// The most rules a listing may hold: the service's quota of rules per instance (the
/// emulator's default, [`crate::emulator::DEFAULT_RULE_QUOTA`]). A longer listing is an
/// endpoint that never stops answering, not an instance.
pub const MAX_LISTED_RULES: usize = 10_000;

/// The most ListRules pages read. Full pages of [`crate::client::MAX_PAGE_SIZE`] list
/// [`MAX_LISTED_RULES`] in 50 pages; this allows pages ten times emptier than that, and stops
/// an endpoint that answers empty pages with fresh tokens forever.
pub const MAX_LIST_PAGES: usize = 500;

/// Every rule summary, across all pages; `(summaries, pages read)`.
///
/// The listing must be consistent: no page token twice (the listing would loop forever), no
/// rule twice (it would be planned twice), no two rules with one name (names are unique per
/// instance), at most [`MAX_LISTED_RULES`] rules in at most [`MAX_LIST_PAGES`] pages.
pub async fn list_all(client: &ConnectClient) -> Result<(Vec<RuleSummary>, usize), ApiError> {
    list_all_told(client, &()).await
}

/// [`list_all`], telling `progress` the listing's length after each page.
async fn list_all_told(
    client: &ConnectClient,
    progress: &dyn ReadProgress,
) -> Result<(Vec<RuleSummary>, usize), ApiError> {
    let mut summaries: Vec<RuleSummary> = Vec::new();
    let mut token: Option<String> = None;
    let mut tokens_seen: HashMap<String, usize> = HashMap::new();
    let mut ids_seen: HashMap<String, usize> = HashMap::new();
    let mut names_seen: HashMap<String, String> = HashMap::new();
    let mut pages = 0;
    loop {
        let (page, next) = client.list_rules_page(token).await?;
        pages += 1;
        let bad =
            |message: String| ApiError::bad_answer("ListRules", client.instance_id(), message);
        for summary in page {
            if let Some(first) = ids_seen.insert(summary.rule_id.clone(), pages) {
                return Err(bad(format!(
                    "rule `{}` (`{}`) was listed twice, on page {first} and on page {pages}",
                    summary.rule_id, summary.name
                )));
            }
            if let Some(other) = names_seen.insert(summary.name.clone(), summary.rule_id.clone()) {
                return Err(bad(format!(
                    "two rules are named `{}` (`{other}` and `{}`), but names are unique per instance",
                    summary.name, summary.rule_id
                )));
            }
            summaries.push(summary);
        }
        progress.listed(summaries.len());
        if summaries.len() > MAX_LISTED_RULES {
            return Err(bad(format!(
                "the listing goes on past {MAX_LISTED_RULES} rules, the most an instance holds (page {pages})"
            )));
        }
        let next = match next {
            Some(next) if !next.is_empty() => next,
            _ => break,
        };
        // Kept as digests: a lying endpoint's tokens can be megabytes each.
        if let Some(first) = tokens_seen.insert(crate::digest::sha256_hex(next.as_bytes()), pages) {
            return Err(bad(format!(
                "page {pages} gave the NextToken page {first} gave; the listing would never end"
            )));
        }
        if pages >= MAX_LIST_PAGES {
            return Err(bad(format!(
                "the listing goes on past {MAX_LIST_PAGES} pages ({} rules so far), more than {MAX_LISTED_RULES} rules need",
                summaries.len()
            )));
        }
        token = Some(next);
    }
    Ok((summaries, pages))
}

/// Whether `rule`, described (or read from the cache), is the rule `summary` listed.
fn mismatch(summary: &RuleSummary, rule: &LiveRule) -> Option<String> {
    if rule.rule_id != summary.rule_id {
        Some(format!(
            "asked for rule `{}`, the answer is rule `{}`",
            summary.rule_id, rule.rule_id
        ))
    } else if rule.rule.name != summary.name {
        Some(format!(
            "rule `{}` is named `{}` in the answer but `{}` in the listing",
            summary.rule_id, rule.rule.name, summary.name
        ))
    } else if !arn_names_rule(&rule.rule_arn, &rule.rule_id) {
        // Tag calls go to the ARN: one naming another rule would retag that rule.
        Some(format!(
            "rule `{}` has RuleArn `{}`, which names another rule",
            summary.rule_id, rule.rule_arn
        ))
    } else if rule.rule_arn != summary.rule_arn {
        Some(format!(
            "rule `{}` has RuleArn `{}` in the answer but `{}` in the listing",
            summary.rule_id, rule.rule_arn, summary.rule_arn
        ))
    } else {
        None
    }
}

/// Whether `arn` is the ARN of the rule `rule_id` (`arn:...:instance/<id>/rule/<rule_id>`).
pub fn arn_names_rule(arn: &str, rule_id: &str) -> bool {
    arn.starts_with("arn:")
        && arn
            .rsplit_once("/rule/")
            .is_some_and(|(instance, id)| id == rule_id && instance.contains(":instance/"))
}

/// Every live rule, described, sorted by name. A rule deleted between List and Describe is
/// left out, not an error.
pub async fn fetch_live(
    client: &ConnectClient,
    concurrency: usize,
) -> Result<(Vec<LiveRule>, FetchStats), ApiError> {
    fetch_live_cached(client, concurrency, None, &()).await
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
    progress: &dyn ReadProgress,
) -> Result<(Vec<LiveRule>, FetchStats), ApiError> {
    let reading = cache
        .cloned()
        .map(|cache| tokio::task::spawn_blocking(move || cache.load_all()));
    let (summaries, list_calls) = list_all_told(client, progress).await?;
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
            // A cached rule that is not the listed one is not used: describing it again costs
            // one call, believing it could cost a rule.
            Some(rule) if mismatch(&summary, &rule).is_none() => {
                stats.cache_hits += 1;
                rules.push(rule);
            }
            _ => to_describe.push(summary),
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
    progress.describing(to_describe.len());
    let permits = Arc::new(Semaphore::new(concurrency.max(1)));
    let mut tasks = JoinSet::new();
    for summary in to_describe {
        let client = client.clone();
        let permits = Arc::clone(&permits);
        tasks.spawn(async move {
            let _permit = permits.acquire_owned().await;
            let described = client.describe_rule(&summary.rule_id).await;
            if let Ok(Some(rule)) = &described {
                if let Some(message) = mismatch(&summary, rule) {
                    return Err(ApiError::bad_answer(
                        "DescribeRule",
                        client.instance_id(),
                        message,
                    ));
                }
            }
            described
        });
    }
    while let Some(joined) = tasks.join_next().await {
        stats.describe_calls += 1;
        progress.described();
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

#[cfg(test)]
mod tests {
    use super::arn_names_rule;

    #[test]
    fn an_arn_must_name_the_rule_it_came_with() {
        let arn = "arn:aws:connect:us-east-1:123456789012:instance/i-1/rule/r-1";
        assert!(arn_names_rule(arn, "r-1"));
        assert!(!arn_names_rule(arn, "r-2"), "another rule's ARN");
        assert!(!arn_names_rule(
            "arn:aws:connect:us-east-1:1:instance/i-1",
            "r-1"
        ));
        assert!(
            !arn_names_rule("instance/i-1/rule/r-1", "r-1"),
            "not an ARN"
        );
    }
}
