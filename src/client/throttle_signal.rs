//! Tells the client-side rate limiter when the service answered 429, so pacing follows the
//! service's own bucket (shared with other callers on the account) instead of only our guess.

use aws_sdk_connect::config::interceptors::BeforeDeserializationInterceptorContextRef;
use aws_sdk_connect::config::{ConfigBag, Intercept, RuntimeComponents};

use super::RateLimiter;

/// Reads each response's status; a 429 slows the limiter down.
#[derive(Debug)]
pub struct ThrottleSignal {
    limiter: RateLimiter,
}

impl ThrottleSignal {
    /// Signals `limiter`.
    pub fn new(limiter: RateLimiter) -> Self {
        ThrottleSignal { limiter }
    }
}

impl Intercept for ThrottleSignal {
    fn name(&self) -> &'static str {
        "connect-rules: slow down on 429"
    }

    fn read_before_deserialization(
        &self,
        context: &BeforeDeserializationInterceptorContextRef<'_>,
        _runtime_components: &RuntimeComponents,
        _cfg: &mut ConfigBag,
    ) -> Result<(), aws_sdk_connect::error::BoxError> {
        if context.response().status().as_u16() == 429 {
            self.limiter.throttled();
        }
        Ok(())
    }
}
