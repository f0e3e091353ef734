//! Fault injection for tests: latency, a token-bucket rate limit, scripted failures and a seeded
//! random failure rate. Everything starts off; each setting can change while the emulator runs.

use std::collections::{BTreeMap, VecDeque};
use std::str::FromStr;
use std::sync::{Mutex, MutexGuard, PoisonError};
use std::time::{Duration, Instant};

use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

use super::api_error::{ApiError, ErrorKind};
use super::operation::Operation;

/// The faults an emulator injects. Shared by every connection.
#[derive(Debug, Default)]
pub struct Faults {
    inner: Mutex<FaultState>,
}

#[derive(Debug, Default)]
struct FaultState {
    latency: Duration,
    rate_limit: Option<TokenBucket>,
    scripted: BTreeMap<Operation, VecDeque<(ErrorKind, usize)>>,
    random: Option<RandomFailures>,
}

#[derive(Debug)]
struct TokenBucket {
    per_second: f64,
    capacity: f64,
    tokens: f64,
    refilled: Instant,
}

impl TokenBucket {
    fn take(&mut self) -> bool {
        let now = Instant::now();
        let elapsed = now.duration_since(self.refilled).as_secs_f64();
        self.tokens = (self.tokens + elapsed * self.per_second).min(self.capacity);
        self.refilled = now;
        if self.tokens >= 1.0 {
            self.tokens -= 1.0;
            true
        } else {
            false
        }
    }
}

#[derive(Debug)]
struct RandomFailures {
    rate: f64,
    rng: StdRng,
}

impl Faults {
    fn lock(&self) -> MutexGuard<'_, FaultState> {
        self.inner.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Answers every request `latency` after it arrived, the emulator's own work included.
    pub fn set_latency(&self, latency: Duration) {
        self.lock().latency = latency;
    }

    /// The current latency.
    pub fn latency(&self) -> Duration {
        self.lock().latency
    }

    /// Allows `per_second` requests a second on average, `burst` at once; the rest get
    /// `ThrottlingException`. The bucket starts full.
    pub fn set_rate_limit(&self, per_second: f64, burst: u32) {
        let capacity = f64::from(burst.max(1));
        self.lock().rate_limit = Some(TokenBucket {
            per_second,
            capacity,
            tokens: capacity,
            refilled: Instant::now(),
        });
    }

    /// Fails the next `count` calls of `operation` with `error` (after any failures already
    /// scheduled for it).
    pub fn fail_next(&self, operation: Operation, error: ErrorKind, count: usize) {
        if count > 0 {
            self.lock()
                .scripted
                .entry(operation)
                .or_default()
                .push_back((error, count));
        }
    }

    /// Fails each call with probability `rate` (0-1), at random between `InternalServiceException`
    /// and `ThrottlingException`, drawn from a generator seeded with `seed` so runs repeat.
    pub fn set_failure_rate(&self, rate: f64, seed: u64) {
        self.lock().random = (rate > 0.0).then(|| RandomFailures {
            rate: rate.min(1.0),
            rng: StdRng::seed_from_u64(seed),
        });
    }

    /// Applies a parsed `--fail` flag.
    pub fn apply(&self, spec: &FailSpec) {
        self.fail_next(spec.operation, spec.error, spec.count);
    }

    /// Turns every fault off.
    pub fn clear(&self) {
        *self.lock() = FaultState::default();
    }

    /// The fault to answer this call of `operation` with, if any: scripted failures first, then
    /// the rate limit, then the random failure rate.
    pub fn inject(&self, operation: Operation) -> Option<ApiError> {
        let mut state = self.lock();
        if let Some(queue) = state.scripted.get_mut(&operation) {
            if let Some((error, remaining)) = queue.front_mut() {
                let error = *error;
                *remaining -= 1;
                if *remaining == 0 {
                    queue.pop_front();
                }
                return Some(ApiError::new(error, error.injected_message()));
            }
        }
        if let Some(bucket) = &mut state.rate_limit {
            if !bucket.take() {
                return Some(ApiError::new(ErrorKind::Throttling, "Rate exceeded"));
            }
        }
        if let Some(random) = &mut state.random {
            if random.rng.random_bool(random.rate) {
                let kind = if random.rng.random_bool(0.5) {
                    ErrorKind::InternalService
                } else {
                    ErrorKind::Throttling
                };
                return Some(ApiError::new(kind, kind.injected_message()));
            }
        }
        None
    }
}

/// "Fail the next `count` calls of `operation` with `error`", as `OPERATION:ERROR[:COUNT]`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FailSpec {
    /// The operation to fail.
    pub operation: Operation,
    /// The error to answer with.
    pub error: ErrorKind,
    /// How many calls (default 1).
    pub count: usize,
}

impl FromStr for FailSpec {
    type Err = String;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let mut parts = text.split(':');
        let (Some(operation), Some(error)) = (parts.next(), parts.next()) else {
            return Err(format!(
                "`{text}` is not OPERATION:ERROR[:COUNT], e.g. CreateRule:ThrottlingException:3"
            ));
        };
        let count = match parts.next() {
            None => 1,
            Some(count) => count
                .parse()
                .map_err(|_| format!("`{count}` in `{text}` is not a count"))?,
        };
        if parts.next().is_some() {
            return Err(format!("`{text}` has more than three `:`-separated parts"));
        }
        Ok(FailSpec {
            operation: operation.parse()?,
            error: error.parse()?,
            count,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scripted_failures_run_out_in_order() {
        let faults = Faults::default();
        faults.fail_next(Operation::CreateRule, ErrorKind::Throttling, 2);
        faults.fail_next(Operation::CreateRule, ErrorKind::AccessDenied, 1);
        let kinds: Vec<Option<ErrorKind>> = (0..4)
            .map(|_| faults.inject(Operation::CreateRule).map(|e| e.kind))
            .collect();
        assert_eq!(
            kinds,
            [
                Some(ErrorKind::Throttling),
                Some(ErrorKind::Throttling),
                Some(ErrorKind::AccessDenied),
                None
            ]
        );
        assert_eq!(faults.inject(Operation::ListRules), None);
    }

    #[test]
    fn the_bucket_allows_the_burst_then_throttles() {
        let faults = Faults::default();
        faults.set_rate_limit(0.001, 3);
        let throttled = (0..5)
            .filter(|_| faults.inject(Operation::ListRules).is_some())
            .count();
        assert_eq!(throttled, 2);
        faults.clear();
        assert_eq!(faults.inject(Operation::ListRules), None);
    }

    #[test]
    fn random_failures_repeat_with_the_seed() {
        let run = || {
            let faults = Faults::default();
            faults.set_failure_rate(0.5, 42);
            (0..50)
                .map(|_| faults.inject(Operation::DescribeRule).map(|e| e.kind))
                .collect::<Vec<_>>()
        };
        let first = run();
        assert_eq!(first, run());
        assert!(first.iter().any(Option::is_some) && first.iter().any(Option::is_none));
    }

    #[test]
    fn fail_specs_parse() {
        assert_eq!(
            "CreateRule:InternalServiceException:3".parse(),
            Ok(FailSpec {
                operation: Operation::CreateRule,
                error: ErrorKind::InternalService,
                count: 3
            })
        );
        assert_eq!(
            "ListRules:Throttling".parse::<FailSpec>().map(|s| s.count),
            Ok(1)
        );
        assert!("CreateRule".parse::<FailSpec>().is_err());
        assert!("Nope:Throttling:1".parse::<FailSpec>().is_err());
        assert!("CreateRule:Throttling:x".parse::<FailSpec>().is_err());
    }
}
