//! Caps how much of an answer the SDK reads. The SDK collects a whole response body in memory
//! before it parses it, so an endpoint that answers with an endless or enormous body (a broken
//! proxy, a hostile server) would otherwise grow memory until the process dies. Each body is
//! wrapped before deserialization so that reading past [`MAX_ANSWER_BYTES`] fails the attempt
//! with [`AnswerTooLarge`], which [`super::ApiError::from_sdk`] reports as a bad answer.

use aws_sdk_connect::config::interceptors::BeforeDeserializationInterceptorContextMut;
use aws_sdk_connect::config::{ConfigBag, Intercept, RuntimeComponents};
use aws_smithy_types::body::SdkBody;
use http_body_util::{BodyExt, Limited};

/// The largest answer read. A DescribeRule answer carries one rule, which the service keeps
/// far smaller; the emulator takes request bodies up to 8 MiB, and a rule sent that large comes
/// back a little larger once its `Function` string is escaped again, so 16 MiB leaves room for
/// any rule that can be created and still bounds memory.
pub const MAX_ANSWER_BYTES: usize = 16 * 1024 * 1024;

/// An answer body longer than the cap.
#[derive(Debug, Clone, Copy, thiserror::Error)]
#[error("the answer is larger than {limit} bytes, the most connect-rules reads of one answer; it was not read further")]
pub struct AnswerTooLarge {
    /// The cap, in bytes.
    pub limit: usize,
}

/// The interceptor; register it on every SDK client's config.
#[derive(Debug, Clone, Copy)]
pub struct CapAnswers {
    limit: usize,
}

impl CapAnswers {
    /// Caps each answer at `limit` bytes.
    pub fn new(limit: usize) -> Self {
        CapAnswers { limit }
    }
}

impl Default for CapAnswers {
    fn default() -> Self {
        CapAnswers::new(MAX_ANSWER_BYTES)
    }
}

/// `body`, failing with [`AnswerTooLarge`] once more than `limit` bytes have come.
fn capped(body: SdkBody, limit: usize) -> SdkBody {
    SdkBody::from_body_1_x(Limited::new(body, limit).map_err(move |err| {
        if err.is::<http_body_util::LengthLimitError>() {
            Box::new(AnswerTooLarge { limit }) as aws_sdk_connect::error::BoxError
        } else {
            err
        }
    }))
}

impl Intercept for CapAnswers {
    fn name(&self) -> &'static str {
        "connect-rules: cap the size of answers"
    }

    fn modify_before_deserialization(
        &self,
        context: &mut BeforeDeserializationInterceptorContextMut<'_>,
        _runtime_components: &RuntimeComponents,
        _cfg: &mut ConfigBag,
    ) -> Result<(), aws_sdk_connect::error::BoxError> {
        let limit = self.limit;
        let body = context.response_mut().body_mut();
        let taken = std::mem::replace(body, SdkBody::taken());
        *body = capped(taken, limit);
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    async fn read(body: SdkBody) -> Result<usize, aws_sdk_connect::error::BoxError> {
        Ok(body.collect().await?.to_bytes().len())
    }

    #[tokio::test]
    async fn a_body_within_the_cap_reads_whole() {
        let body = capped(SdkBody::from(vec![b'x'; 10]), 10);
        assert_eq!(read(body).await.unwrap(), 10);
    }

    #[tokio::test]
    async fn a_body_past_the_cap_fails_naming_the_cap() {
        let body = capped(SdkBody::from(vec![b'x'; 11]), 10);
        let error = read(body).await.expect_err("too large");
        assert!(error.is::<AnswerTooLarge>(), "{error}");
        assert!(
            error.to_string().contains("larger than 10 bytes"),
            "{error}"
        );
    }
}
