//! The errors the emulator answers with, in the form the rest-json protocol gives them.

use std::fmt;
use std::str::FromStr;

/// The error types the Connect rule operations (and the protocol layer) can answer with.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ErrorKind {
    /// 400: the input fails the model's constraints or the service's rules.
    InvalidRequest,
    /// 400: a parameter (for the tag operations, the resource ARN or tags) is not acceptable.
    InvalidParameter,
    /// 403: the caller may not do this.
    AccessDenied,
    /// 404: the rule (or the resource) does not exist.
    ResourceNotFound,
    /// 409: a name or client token is already taken.
    ResourceConflict,
    /// 402: the instance holds as many rules as its quota allows.
    ServiceQuotaExceeded,
    /// 429: too many requests.
    Throttling,
    /// 500: the service failed.
    InternalService,
    /// 400: the body is not the JSON the operation expects.
    Serialization,
    /// 404: no operation has this method and path.
    UnknownOperation,
}

impl ErrorKind {
    /// Every kind, for parsing and for listing in messages.
    pub const ALL: [ErrorKind; 10] = [
        ErrorKind::InvalidRequest,
        ErrorKind::InvalidParameter,
        ErrorKind::AccessDenied,
        ErrorKind::ResourceNotFound,
        ErrorKind::ResourceConflict,
        ErrorKind::ServiceQuotaExceeded,
        ErrorKind::Throttling,
        ErrorKind::InternalService,
        ErrorKind::Serialization,
        ErrorKind::UnknownOperation,
    ];

    /// The error type's name, as sent in `x-amzn-ErrorType`.
    pub fn name(self) -> &'static str {
        match self {
            ErrorKind::InvalidRequest => "InvalidRequestException",
            ErrorKind::InvalidParameter => "InvalidParameterException",
            ErrorKind::AccessDenied => "AccessDeniedException",
            ErrorKind::ResourceNotFound => "ResourceNotFoundException",
            ErrorKind::ResourceConflict => "ResourceConflictException",
            ErrorKind::ServiceQuotaExceeded => "ServiceQuotaExceededException",
            ErrorKind::Throttling => "ThrottlingException",
            ErrorKind::InternalService => "InternalServiceException",
            ErrorKind::Serialization => "SerializationException",
            ErrorKind::UnknownOperation => "UnknownOperationException",
        }
    }

    /// The HTTP status the service model gives this error.
    pub fn status(self) -> u16 {
        match self {
            ErrorKind::InvalidRequest | ErrorKind::InvalidParameter | ErrorKind::Serialization => {
                400
            }
            ErrorKind::ServiceQuotaExceeded => 402,
            ErrorKind::AccessDenied => 403,
            ErrorKind::ResourceNotFound | ErrorKind::UnknownOperation => 404,
            ErrorKind::ResourceConflict => 409,
            ErrorKind::Throttling => 429,
            ErrorKind::InternalService => 500,
        }
    }

    /// A generic message for an injected fault of this kind.
    pub fn injected_message(self) -> String {
        format!("{} injected by the emulator", self.name())
    }
}

impl fmt::Display for ErrorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for ErrorKind {
    type Err = String;

    /// Accepts the full name (`ThrottlingException`) or the name without `Exception`.
    fn from_str(text: &str) -> Result<Self, Self::Err> {
        ErrorKind::ALL
            .into_iter()
            .find(|kind| {
                let name = kind.name();
                name == text || name.strip_suffix("Exception") == Some(text)
            })
            .ok_or_else(|| {
                let names: Vec<&str> = ErrorKind::ALL.iter().map(|kind| kind.name()).collect();
                format!(
                    "unknown error type `{text}`; expected one of {}",
                    names.join(", ")
                )
            })
    }
}

/// An error answer: its kind and the message the caller reads.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{kind}: {message}")]
pub struct ApiError {
    /// What kind of error.
    pub kind: ErrorKind,
    /// The human-readable message.
    pub message: String,
}

impl ApiError {
    /// An error of `kind` with `message`.
    pub fn new(kind: ErrorKind, message: impl Into<String>) -> Self {
        ApiError {
            kind,
            message: message.into(),
        }
    }

    /// `InvalidRequestException`.
    pub fn invalid_request(message: impl Into<String>) -> Self {
        ApiError::new(ErrorKind::InvalidRequest, message)
    }

    /// `ResourceNotFoundException` for a rule id.
    pub fn rule_not_found(instance_id: &str, rule_id: &str) -> Self {
        ApiError::new(
            ErrorKind::ResourceNotFound,
            format!("Rule {rule_id} not found in instance {instance_id}"),
        )
    }

    /// `InternalServiceException`.
    pub fn internal(message: impl Into<String>) -> Self {
        ApiError::new(ErrorKind::InternalService, message)
    }

    /// The JSON body: the message under both spellings, since SDKs read either.
    pub fn body(&self) -> serde_json::Value {
        serde_json::json!({ "message": self.message, "Message": self.message })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_full_and_short_names() {
        assert_eq!("ThrottlingException".parse(), Ok(ErrorKind::Throttling));
        assert_eq!("AccessDenied".parse(), Ok(ErrorKind::AccessDenied));
        assert!("Nope".parse::<ErrorKind>().is_err());
    }

    #[test]
    fn statuses_follow_the_model() {
        assert_eq!(ErrorKind::ServiceQuotaExceeded.status(), 402);
        assert_eq!(ErrorKind::ResourceConflict.status(), 409);
        assert_eq!(ErrorKind::Throttling.status(), 429);
    }
}
