//! Errors from the rule operations, classified so callers can branch on them.

use aws_sdk_connect::error::{ProvideErrorMetadata, SdkError};

/// What kind of failure a call had.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ApiErrorKind {
    /// ResourceNotFoundException: the instance or rule does not exist.
    NotFound,
    /// AccessDeniedException (or a signature/credential refusal).
    AccessDenied,
    /// ResourceConflictException: a name is taken, or a token reused.
    Conflict,
    /// ThrottlingException after the SDK's retries.
    Throttled,
    /// InvalidRequestException / InvalidParameterException: the service refused the input.
    Invalid,
    /// ServiceQuotaExceededException.
    QuotaExceeded,
    /// InternalServiceException or another 5xx after retries.
    Internal,
    /// The request never got an answer (connection, timeout, credentials).
    Transport,
    /// The answer contradicts the request or the listing (another RuleId than asked, a rule
    /// listed twice, a page token that repeats), or is larger than connect-rules reads. Nothing
    /// is planned or changed from such a view.
    BadAnswer,
}

/// A failed call, naming the operation and the instance.
#[derive(Debug, Clone, thiserror::Error)]
#[error("{operation} on instance `{instance_id}` failed: {message}")]
pub struct ApiError {
    /// The API operation.
    pub operation: &'static str,
    /// The instance.
    pub instance_id: String,
    /// The classification.
    pub kind: ApiErrorKind,
    /// The service's error code, when it sent one.
    pub code: Option<String>,
    /// The service's message, or the transport failure.
    pub message: String,
}

/// An error and its sources as one readable line (`dispatch failure: io error: ...`).
pub(crate) fn error_chain(err: &dyn std::error::Error) -> String {
    let mut parts: Vec<String> = vec![err.to_string()];
    let mut source = err.source();
    while let Some(cause) = source {
        let text = cause.to_string();
        if !parts.iter().any(|part| part.contains(&text)) {
            parts.push(text);
        }
        source = cause.source();
    }
    parts.join(": ")
}

/// Whether `err` or one of its sources is an answer cut off at the size cap.
fn is_answer_too_large(err: &(dyn std::error::Error + 'static)) -> bool {
    let mut current = Some(err);
    while let Some(cause) = current {
        if cause.is::<super::answer_cap::AnswerTooLarge>() {
            return true;
        }
        current = cause.source();
    }
    false
}

impl ApiError {
    /// Classifies an SDK error.
    pub fn from_sdk<E, R>(operation: &'static str, instance_id: &str, err: &SdkError<E, R>) -> Self
    where
        E: ProvideErrorMetadata + std::error::Error + 'static,
        R: std::fmt::Debug + 'static,
    {
        let code = err.code().map(str::to_owned);
        let kind = match code.as_deref() {
            Some("ResourceNotFoundException") => ApiErrorKind::NotFound,
            Some(
                "AccessDeniedException"
                | "UnrecognizedClientException"
                | "InvalidSignatureException"
                | "ExpiredTokenException",
            ) => ApiErrorKind::AccessDenied,
            Some("ResourceConflictException" | "IdempotencyException") => ApiErrorKind::Conflict,
            Some("ThrottlingException" | "TooManyRequestsException") => ApiErrorKind::Throttled,
            Some(
                "InvalidRequestException" | "InvalidParameterException" | "ValidationException",
            ) => ApiErrorKind::Invalid,
            Some("ServiceQuotaExceededException" | "LimitExceededException") => {
                ApiErrorKind::QuotaExceeded
            }
            Some(_) => ApiErrorKind::Internal,
            None if is_answer_too_large(err) => ApiErrorKind::BadAnswer,
            None => match err {
                SdkError::ServiceError(_) => ApiErrorKind::Internal,
                _ => ApiErrorKind::Transport,
            },
        };
        let message = match (err.message(), &code) {
            (Some(message), Some(code)) => format!("{code}: {message}"),
            (None, Some(code)) => code.clone(),
            _ => error_chain(err),
        };
        ApiError {
            operation,
            instance_id: instance_id.to_owned(),
            kind,
            code,
            message,
        }
    }

    /// An answer that contradicts the request or the listing; `message` says what was asked
    /// and what came back.
    pub fn bad_answer(operation: &'static str, instance_id: &str, message: String) -> Self {
        ApiError {
            operation,
            instance_id: instance_id.to_owned(),
            kind: ApiErrorKind::BadAnswer,
            code: None,
            message,
        }
    }

    /// A request that could not be built from the rule (a bug or an unvalidated rule).
    pub fn invalid_input(operation: &'static str, rule_name: &str, err: &anyhow::Error) -> Self {
        ApiError {
            operation,
            instance_id: String::new(),
            kind: ApiErrorKind::Invalid,
            code: None,
            message: format!("rule `{rule_name}`: {err:#}"),
        }
    }

    /// What the user can do about it.
    pub fn hint(&self) -> &'static str {
        match self.kind {
            ApiErrorKind::NotFound => "check the target's `instance_id` and `region`",
            ApiErrorKind::AccessDenied => "check the credentials and that the role allows connect:ListRules, connect:DescribeRule (plan) and connect:CreateRule, connect:UpdateRule, connect:DeleteRule, connect:TagResource, connect:UntagResource (apply)",
            ApiErrorKind::Throttled => "the account's API rate is exhausted; lower `--concurrency` or retry later",
            ApiErrorKind::Transport => "check the network, the endpoint URL and the credentials",
            ApiErrorKind::Conflict => "re-run `connect-rules plan`; the instance changed",
            ApiErrorKind::BadAnswer => "the endpoint's answers cannot be trusted, so nothing was planned or changed; check `--endpoint-url` or the target's `endpoint_url` (a proxy in the way?) and run again",
            ApiErrorKind::Invalid | ApiErrorKind::QuotaExceeded | ApiErrorKind::Internal => {
                "see the service's message above"
            }
        }
    }
}
