//! Client-side pacing: a token bucket shared by every call to one instance, so a run spends
//! the account's quota evenly instead of bursting into throttling and backing off.

use std::sync::Arc;
use std::time::Duration;

use tokio::sync::Mutex;
use tokio::time::Instant;

/// Requests per second and burst; `None` rate means unpaced.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Rate {
    /// Sustained requests per second.
    pub per_second: f64,
    /// Requests that may go at once after a quiet spell.
    pub burst: u32,
}

impl Rate {
    /// Connect's default quota for the rule operations: 2 requests/second, burst 5.
    pub const CONNECT_DEFAULT: Rate = Rate {
        per_second: 2.0,
        burst: 5,
    };
}

/// The slowest pacing accepted: one request every 100 seconds. Anything slower would make a
/// plan of a few hundred rules take days, which is a typo rather than a wish.
pub const MIN_REQUESTS_PER_SECOND: f64 = 0.01;
/// The fastest pacing accepted; at this rate pacing never waits in practice, so it is also how
/// to say "no pacing".
pub const MAX_REQUESTS_PER_SECOND: f64 = 10_000.0;
/// The largest burst accepted (requests that may go at once after a quiet spell).
pub const MAX_BURST: u32 = 10_000;
/// The most concurrent calls accepted; the service's quota is a few requests a second, so more
/// than this only queues.
pub const MAX_CONCURRENCY: usize = 256;

/// Checks a requests-per-second setting: finite and within
/// [`MIN_REQUESTS_PER_SECOND`]..=[`MAX_REQUESTS_PER_SECOND`]. `Err` says what is wrong; the
/// caller names where the value came from (the flag or the config key).
///
/// Without this check `1e-300` made the first wait overflow a `Duration` (a panic), `0.0001`
/// waited hours per call, and `0` or `NaN` silently turned pacing off.
pub fn check_requests_per_second(value: f64) -> Result<f64, String> {
    if value.is_finite() && (MIN_REQUESTS_PER_SECOND..=MAX_REQUESTS_PER_SECOND).contains(&value) {
        Ok(value)
    } else {
        Err(format!(
            "`{value:?}` is not a rate connect-rules accepts: give requests per second between {MIN_REQUESTS_PER_SECOND} and {MAX_REQUESTS_PER_SECOND} ({MAX_REQUESTS_PER_SECOND} means no pacing in practice)"
        ))
    }
}

/// Checks a burst setting: 1..=[`MAX_BURST`].
pub fn check_burst(value: u32) -> Result<u32, String> {
    if (1..=MAX_BURST).contains(&value) {
        Ok(value)
    } else {
        Err(format!(
            "`{value}` is not a burst connect-rules accepts: give a number of requests between 1 and {MAX_BURST}"
        ))
    }
}

/// Checks a concurrency setting: 1..=[`MAX_CONCURRENCY`].
pub fn check_concurrency(value: usize) -> Result<usize, String> {
    if (1..=MAX_CONCURRENCY).contains(&value) {
        Ok(value)
    } else {
        Err(format!(
            "`{value}` is not a concurrency connect-rules accepts: give a number of calls between 1 and {MAX_CONCURRENCY}"
        ))
    }
}

/// A clap value parser for `--requests-per-second`: clap names the flag in its error.
pub fn parse_requests_per_second(text: &str) -> Result<f64, String> {
    let value: f64 = text
        .trim()
        .parse()
        .map_err(|_| format!("`{text}` is not a number"))?;
    check_requests_per_second(value)
}

/// A clap value parser for `--burst`.
pub fn parse_burst(text: &str) -> Result<u32, String> {
    let value: u32 = text
        .trim()
        .parse()
        .map_err(|_| format!("`{text}` is not a whole number"))?;
    check_burst(value)
}

/// A clap value parser for `--concurrency`.
pub fn parse_concurrency(text: &str) -> Result<usize, String> {
    let value: usize = text
        .trim()
        .parse()
        .map_err(|_| format!("`{text}` is not a whole number"))?;
    check_concurrency(value)
}

/// Reads an optional `requests_per_second` config value and checks it, so a bad value stops
/// the config from loading, with the key named.
pub fn deserialize_requests_per_second<'de, D>(deserializer: D) -> Result<Option<f64>, D::Error>
where
    D: serde::Deserializer<'de>,
{
    checked(
        deserializer,
        "requests_per_second",
        check_requests_per_second,
    )
}

/// Reads an optional `burst` config value and checks it.
pub fn deserialize_burst<'de, D>(deserializer: D) -> Result<Option<u32>, D::Error>
where
    D: serde::Deserializer<'de>,
{
    checked(deserializer, "burst", check_burst)
}

/// Reads an optional `concurrency` config value and checks it.
pub fn deserialize_concurrency<'de, D>(deserializer: D) -> Result<Option<usize>, D::Error>
where
    D: serde::Deserializer<'de>,
{
    checked(deserializer, "concurrency", check_concurrency)
}

fn checked<'de, D, T>(
    deserializer: D,
    key: &str,
    check: fn(T) -> Result<T, String>,
) -> Result<Option<T>, D::Error>
where
    D: serde::Deserializer<'de>,
    T: serde::Deserialize<'de>,
{
    let value: Option<T> = serde::Deserialize::deserialize(deserializer)?;
    value
        .map(check)
        .transpose()
        .map_err(|message| serde::de::Error::custom(format!("`{key}`: {message}")))
}

#[derive(Debug)]
struct Bucket {
    tokens: f64,
    updated: Instant,
}

/// How much of a second's quota one 429 costs: the service's bucket is empty, so ours must be.
const THROTTLE_PENALTY_SECONDS: f64 = 1.0;

/// A token bucket; clones share the bucket.
#[derive(Debug, Clone)]
pub struct RateLimiter {
    rate: Option<Rate>,
    bucket: Arc<Mutex<Bucket>>,
}

impl RateLimiter {
    /// A limiter for `rate`, or none at all. Values outside what [`check_requests_per_second`]
    /// and [`check_burst`] accept are clamped into range, so a caller that skipped the check
    /// still cannot make a wait overflow or pacing silently vanish.
    pub fn new(rate: Option<Rate>) -> Self {
        let rate = rate.map(|r| Rate {
            per_second: if r.per_second.is_nan() {
                MIN_REQUESTS_PER_SECOND
            } else {
                r.per_second
                    .clamp(MIN_REQUESTS_PER_SECOND, MAX_REQUESTS_PER_SECOND)
            },
            burst: r.burst.clamp(1, MAX_BURST),
        });
        let burst = rate.map_or(0.0, |r| f64::from(r.burst));
        RateLimiter {
            rate,
            bucket: Arc::new(Mutex::new(Bucket {
                tokens: burst,
                updated: Instant::now(),
            })),
        }
    }

    /// The service answered 429: its bucket is empty, so empty ours and wait a little more,
    /// letting the calls queued behind this one spread out instead of failing together.
    pub fn throttled(&self) {
        let Some(rate) = self.rate else {
            return;
        };
        // `try_lock`: this runs inside the SDK's interceptor, which must not wait; a miss only
        // means another call is updating the bucket at this moment.
        if let Ok(mut bucket) = self.bucket.try_lock() {
            let floor = -THROTTLE_PENALTY_SECONDS * rate.per_second;
            bucket.tokens = bucket.tokens.min(0.0).max(floor) - 1.0;
        }
    }

    /// Waits until a request may go.
    pub async fn acquire(&self) {
        let Some(rate) = self.rate else {
            return;
        };
        let capacity = f64::from(rate.burst.max(1));
        let wait = {
            let mut bucket = self.bucket.lock().await;
            let now = Instant::now();
            let refill = now.duration_since(bucket.updated).as_secs_f64() * rate.per_second;
            bucket.tokens = (bucket.tokens + refill).min(capacity);
            bucket.updated = now;
            // Take the token now, even if it makes the balance negative: the debt is the wait,
            // and later callers queue behind it in order.
            bucket.tokens -= 1.0;
            if bucket.tokens >= 0.0 {
                Duration::ZERO
            } else {
                Duration::from_secs_f64(-bucket.tokens / rate.per_second)
            }
        };
        if !wait.is_zero() {
            tokio::time::sleep(wait).await;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test(start_paused = true)]
    async fn a_burst_goes_at_once_then_calls_are_paced() {
        let limiter = RateLimiter::new(Some(Rate {
            per_second: 10.0,
            burst: 5,
        }));
        let start = Instant::now();
        for _ in 0..5 {
            limiter.acquire().await;
        }
        assert_eq!(start.elapsed(), Duration::ZERO);
        for _ in 0..10 {
            limiter.acquire().await;
        }
        let paced = start.elapsed().as_secs_f64();
        assert!((0.99..=1.01).contains(&paced), "{paced}");
    }

    #[tokio::test(start_paused = true)]
    async fn a_throttle_empties_the_bucket() {
        let limiter = RateLimiter::new(Some(Rate {
            per_second: 10.0,
            burst: 20,
        }));
        limiter.throttled();
        let start = Instant::now();
        limiter.acquire().await;
        let waited = start.elapsed().as_secs_f64();
        assert!((0.19..=0.21).contains(&waited), "{waited}");
    }

    #[test]
    fn pacing_values_outside_the_sane_range_are_refused() {
        for bad in [
            0.0,
            -1.0,
            1e-300,
            0.0001,
            f64::NAN,
            f64::INFINITY,
            f64::NEG_INFINITY,
            10_000.5,
        ] {
            let error = check_requests_per_second(bad).expect_err("refused");
            assert!(error.contains("between 0.01 and 10000"), "{error}");
        }
        for good in [0.01, 0.5, 2.0, 10_000.0] {
            assert_eq!(check_requests_per_second(good), Ok(good));
        }
        assert!(check_burst(0).is_err());
        assert!(check_burst(MAX_BURST + 1).is_err());
        assert_eq!(check_burst(5), Ok(5));
        assert!(check_concurrency(0).is_err());
        assert!(check_concurrency(usize::MAX).is_err());
        assert_eq!(check_concurrency(4), Ok(4));
        assert!(parse_requests_per_second("NaN").is_err());
        assert!(parse_requests_per_second("fast").is_err());
        assert_eq!(parse_requests_per_second("2.5"), Ok(2.5));
        assert!(parse_burst("-1").is_err());
        assert!(parse_concurrency("18446744073709551615").is_err());
    }

    /// A limiter built from an unchecked value still neither panics nor waits for ages.
    #[tokio::test(start_paused = true)]
    async fn unchecked_rates_are_clamped() {
        for per_second in [1e-300, 0.0, f64::NAN, -3.0] {
            let limiter = RateLimiter::new(Some(Rate {
                per_second,
                burst: 0,
            }));
            let start = Instant::now();
            limiter.acquire().await;
            limiter.acquire().await;
            let waited = start.elapsed().as_secs_f64();
            assert!((99.0..=101.0).contains(&waited), "{per_second}: {waited}");
        }
    }

    #[tokio::test(start_paused = true)]
    async fn no_rate_means_no_wait() {
        let limiter = RateLimiter::new(None);
        let start = Instant::now();
        for _ in 0..1000 {
            limiter.acquire().await;
        }
        assert_eq!(start.elapsed(), Duration::ZERO);
    }
}
