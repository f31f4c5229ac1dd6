//! The wire errors: `{"error": {"type": "...", "message": "..."}}` with a fixed status per type.
//!
//! [`ErrorType`] is the one owner of each type's text and status; every refusal the server sends
//! is an [`ApiError`] built from one.

use std::time::Duration;

use axum::response::{IntoResponse, Response};
use http::{HeaderValue, StatusCode, header};
use serde::Serialize;

/// The kinds of failure the server answers with, each with its wire text
/// ([`as_str`](Self::as_str)) and HTTP status ([`status`](Self::status)).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ErrorType {
    /// `400`: bad JSON, a missing, empty or oversized field, a body over the size cap.
    InvalidRequest,
    /// `403`: an unknown license key, or a membership that grants no access. One answer for
    /// both, so keys cannot be enumerated.
    LicenseNotValid,
    /// `409`: the key is bound to another hardware ID (the customer resets it on Whop).
    BoundToAnotherMachine,
    /// `401`: refresh of something that is not a token of this server (bad signature, unknown
    /// key id, not a token at all).
    TokenNotValid,
    /// `429`: this client address is over its limit; `Retry-After` says when to come back.
    RateLimited,
    /// `503`: Whop is unreachable or limiting us and the server holds no good state for this
    /// key; `Retry-After` says when to come back.
    TryLater,
    /// `500`: anything else.
    Internal,
}

impl ErrorType {
    /// Every type, in the order of the wire contract's table.
    pub const ALL: [ErrorType; 7] = [
        ErrorType::InvalidRequest,
        ErrorType::LicenseNotValid,
        ErrorType::BoundToAnotherMachine,
        ErrorType::TokenNotValid,
        ErrorType::RateLimited,
        ErrorType::TryLater,
        ErrorType::Internal,
    ];

    /// The type's text on the wire (`"license_not_valid"`, …).
    pub fn as_str(self) -> &'static str {
        match self {
            ErrorType::InvalidRequest => "invalid_request",
            ErrorType::LicenseNotValid => "license_not_valid",
            ErrorType::BoundToAnotherMachine => "bound_to_another_machine",
            ErrorType::TokenNotValid => "token_not_valid",
            ErrorType::RateLimited => "rate_limited",
            ErrorType::TryLater => "try_later",
            ErrorType::Internal => "internal",
        }
    }

    /// The HTTP status the type is sent with.
    pub fn status(self) -> StatusCode {
        match self {
            ErrorType::InvalidRequest => StatusCode::BAD_REQUEST,
            ErrorType::LicenseNotValid => StatusCode::FORBIDDEN,
            ErrorType::BoundToAnotherMachine => StatusCode::CONFLICT,
            ErrorType::TokenNotValid => StatusCode::UNAUTHORIZED,
            ErrorType::RateLimited => StatusCode::TOO_MANY_REQUESTS,
            ErrorType::TryLater => StatusCode::SERVICE_UNAVAILABLE,
            ErrorType::Internal => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    /// The message sent when nothing more specific is said: fixed text, so that two refusals of
    /// one type are byte-identical (no enumeration through messages).
    pub fn message(self) -> &'static str {
        match self {
            ErrorType::InvalidRequest => "the request is not valid",
            ErrorType::LicenseNotValid => "this license key is not valid",
            ErrorType::BoundToAnotherMachine => {
                "this license key is bound to another machine; reset it on Whop to move it"
            }
            ErrorType::TokenNotValid => "this is not a valid license token of this server",
            ErrorType::RateLimited => "too many requests from this address; try again later",
            ErrorType::TryLater => "the license service cannot reach Whop; try again later",
            ErrorType::Internal => "the license service failed",
        }
    }
}

/// A refusal: its type, a message (never a license key, token or hardware ID) and, for
/// `rate_limited` and `try_later`, when to come back.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiError {
    kind: ErrorType,
    message: String,
    retry_after: Option<Duration>,
}

impl ApiError {
    /// A refusal of `kind` with its fixed message.
    pub fn new(kind: ErrorType) -> Self {
        Self {
            kind,
            message: kind.message().to_owned(),
            retry_after: None,
        }
    }

    /// An `invalid_request` saying what is wrong (`what` names a field, never its value).
    pub fn invalid(what: impl Into<String>) -> Self {
        Self {
            message: what.into(),
            ..Self::new(ErrorType::InvalidRequest)
        }
    }

    /// Adds `Retry-After` (whole seconds, at least 1).
    #[must_use]
    pub fn retry_after(mut self, wait: Duration) -> Self {
        self.retry_after = Some(wait);
        self
    }

    /// The refusal's type.
    pub fn kind(&self) -> ErrorType {
        self.kind
    }

    /// The message sent.
    pub fn message(&self) -> &str {
        &self.message
    }

    /// The `Retry-After` wait, when there is one.
    pub fn retry_after_wait(&self) -> Option<Duration> {
        self.retry_after
    }
}

impl From<ErrorType> for ApiError {
    fn from(kind: ErrorType) -> Self {
        Self::new(kind)
    }
}

#[derive(Serialize)]
struct Envelope<'a> {
    error: Body<'a>,
}

#[derive(Serialize)]
struct Body<'a> {
    #[serde(rename = "type")]
    kind: &'a str,
    message: &'a str,
}

/// The `Retry-After` header value: whole seconds, rounded up, at least 1.
pub(crate) fn retry_after_seconds(wait: Duration) -> u64 {
    let whole = wait.as_secs() + u64::from(wait.subsec_nanos() > 0);
    whole.max(1)
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let body = serde_json::to_vec(&Envelope {
            error: Body {
                kind: self.kind.as_str(),
                message: &self.message,
            },
        })
        .unwrap_or_default();
        let mut response = (
            self.kind.status(),
            [(
                header::CONTENT_TYPE,
                HeaderValue::from_static("application/json"),
            )],
            body,
        )
            .into_response();
        if let Some(wait) = self.retry_after {
            response.headers_mut().insert(
                header::RETRY_AFTER,
                HeaderValue::from(retry_after_seconds(wait)),
            );
        }
        response.extensions_mut().insert(self.kind);
        response
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_type_has_the_contract_text_and_status() {
        let table = [
            (ErrorType::InvalidRequest, "invalid_request", 400),
            (ErrorType::LicenseNotValid, "license_not_valid", 403),
            (
                ErrorType::BoundToAnotherMachine,
                "bound_to_another_machine",
                409,
            ),
            (ErrorType::TokenNotValid, "token_not_valid", 401),
            (ErrorType::RateLimited, "rate_limited", 429),
            (ErrorType::TryLater, "try_later", 503),
            (ErrorType::Internal, "internal", 500),
        ];
        assert_eq!(table.len(), ErrorType::ALL.len());
        for (kind, text, status) in table {
            assert_eq!(kind.as_str(), text);
            assert_eq!(kind.status().as_u16(), status, "{text}");
        }
    }

    #[test]
    fn retry_after_is_whole_seconds_rounded_up_and_at_least_one() {
        for (wait, seconds) in [
            (Duration::ZERO, 1),
            (Duration::from_millis(1), 1),
            (Duration::from_secs(1), 1),
            (Duration::from_millis(1500), 2),
            (Duration::from_secs(60), 60),
        ] {
            assert_eq!(retry_after_seconds(wait), seconds, "{wait:?}");
        }
    }
}
