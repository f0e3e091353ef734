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
    /// A limiter for `rate`, or none at all.
    pub fn new(rate: Option<Rate>) -> Self {
        let burst = rate.map_or(0.0, |r| f64::from(r.burst.max(1)));
        RateLimiter {
            rate: rate.filter(|r| r.per_second > 0.0),
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
