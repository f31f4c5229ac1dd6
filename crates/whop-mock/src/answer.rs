//! What a handler gets ([`RequestInfo`]) and gives back ([`Answer`]).

use bytes::Bytes;
use http::{Method, StatusCode};
use serde_json::Value;

use crate::body;
use crate::route::{ApiFamily, Caller, Route};

/// A request as a handler sees it.
pub(crate) struct RequestInfo {
    pub(crate) family: Option<ApiFamily>,
    pub(crate) route: Option<Route>,
    pub(crate) caller: Caller,
    /// The rate-limit counter's key: the raw bearer token (empty without one).
    pub(crate) bucket: String,
    /// The raw query string, without `?`.
    pub(crate) query: Option<String>,
    /// The request body.
    pub(crate) body: Bytes,
    /// The method.
    pub(crate) method: Method,
    /// The raw path.
    pub(crate) path: String,
    /// The `Api-Version-Date` header's value, if any (not UTF-8: lossily decoded).
    pub(crate) api_version_date: Option<String>,
    /// The `Idempotency-Key` header's value, if any.
    pub(crate) idempotency_key: Option<String>,
    /// Every header, unredacted (the OAuth endpoints read `Content-Type`, HTTP Basic and
    /// `Host`).
    pub(crate) headers: http::HeaderMap,
    /// The URI's authority, when the request came in absolute form (a `Service` caller).
    pub(crate) authority: Option<String>,
}

impl RequestInfo {
    /// The company of a company API key, or the error answer (401, or 403 for a user token).
    pub(crate) fn company(&self) -> Result<&str, Answer> {
        let v2 = ApiFamily::V2;
        match &self.caller {
            Caller::Company { company_id } => Ok(company_id),
            Caller::User { .. } => Err(Answer::error(v2, StatusCode::FORBIDDEN, "Forbidden")),
            Caller::Anonymous | Caller::Malformed | Caller::UnknownToken => {
                Err(Answer::error(v2, StatusCode::UNAUTHORIZED, "Unauthorized"))
            }
        }
    }

    /// The user of a user token, or the error answer (401, or 403 for a company key).
    pub(crate) fn user(&self) -> Result<&str, Answer> {
        let v5 = ApiFamily::V5;
        match &self.caller {
            Caller::User { user_id } => Ok(user_id),
            Caller::Company { .. } => Err(Answer::error(
                v5,
                StatusCode::FORBIDDEN,
                "This endpoint requires a user token, not a company API key",
            )),
            Caller::Anonymous | Caller::Malformed | Caller::UnknownToken => {
                Err(Answer::error(v5, StatusCode::UNAUTHORIZED, "Unauthorized"))
            }
        }
    }
}

/// What the API answers: status, JSON body, `Retry-After` seconds on a 429 if configured, and
/// whether it repeats the answer to an earlier request with the same `Idempotency-Key`.
#[derive(Debug, Clone)]
pub(crate) struct Answer {
    pub(crate) status: StatusCode,
    pub(crate) body: Value,
    pub(crate) retry_after: Option<u64>,
    pub(crate) replayed: bool,
}

impl Answer {
    pub(crate) fn ok(status: StatusCode, body: Value) -> Self {
        Self {
            status,
            body,
            retry_after: None,
            replayed: false,
        }
    }

    pub(crate) fn error(family: ApiFamily, status: StatusCode, message: &str) -> Self {
        let body = match family {
            ApiFamily::V2 => body::v2_error(status.as_u16(), message),
            ApiFamily::V5 => body::v5_error(message),
            ApiFamily::V1 => crate::v1_body::error(status, message),
        };
        Self::ok(status, body)
    }
}

/// The result of a handler: the answer, or the refusal (401, 403, 404, 400) as an answer too.
pub(crate) type Handled = Result<Answer, Answer>;
