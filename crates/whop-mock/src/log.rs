//! What the mock received, for assertions: [`MockWhop::requests`](crate::MockWhop::requests).

use bytes::Bytes;
use http::{HeaderMap, HeaderValue, Method};

use crate::fault::Fault;

/// The value that replaces `Authorization` in the log: the token never reaches a test's output.
pub const REDACTED: &str = "[redacted]";

/// The two API families; each has its own error body shape and its own rate limit.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ApiFamily {
    /// `/api/v2/…` (company API key; `{"error":{"code":…,"message":…}}` errors; `Deprecation`).
    V2,
    /// `/api/v5/…` (user token; `{"message":…}` errors).
    V5,
}

/// Who the bearer token said the caller was.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Caller {
    /// No `Authorization` header.
    Anonymous,
    /// An `Authorization` header that is not `Bearer <token>`.
    Malformed,
    /// A bearer token the mock does not know.
    UnknownToken,
    /// A company API key.
    Company {
        /// The company it belongs to.
        company_id: String,
    },
    /// A user's token.
    User {
        /// The user it belongs to.
        user_id: String,
    },
}

/// The endpoint a request matched, with its path segment percent-decoded.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Route {
    /// `POST /api/v2/memberships/{id}/cancel`.
    CancelMembership {
        /// The decoded `{id}` segment.
        id: String,
    },
    /// `POST /api/v2/memberships/{id}/terminate`.
    TerminateMembership {
        /// The decoded `{id}` segment.
        id: String,
    },
    /// `GET /api/v5/me/memberships/{id}`.
    RetrieveMyMembership {
        /// The decoded `{id}` segment: a membership ID or a license key.
        id_or_key: String,
    },
    /// `POST /api/v2/memberships/{id}/validate_license`.
    ValidateLicense {
        /// The decoded `{id}` segment: a membership ID or a license key.
        id_or_key: String,
    },
    /// `GET /api/v2/memberships/{id}`.
    RetrieveMembership {
        /// The decoded `{id}` segment: a membership ID or a license key.
        id_or_key: String,
    },
    /// `POST /api/v2/memberships/{id}` (update the metadata).
    UpdateMembership {
        /// The decoded `{id}` segment: a membership ID.
        id: String,
    },
    /// `GET /api/v2/memberships`.
    ListMemberships,
    /// `GET /api/v5/me/memberships`.
    ListMyMemberships,
}

/// One request as received.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct RecordedRequest {
    /// Order of arrival, from 0 (not reset by [`MockWhop::clear_requests`](crate::MockWhop::clear_requests)).
    pub seq: u64,
    /// HTTP method.
    pub method: Method,
    /// The raw path, exactly as received (not decoded, not normalised).
    pub path: String,
    /// The raw query string, without `?`.
    pub query: Option<String>,
    /// All headers, with `Authorization` replaced by [`REDACTED`].
    pub headers: HeaderMap,
    /// The request body.
    pub body: Bytes,
    /// Who the token said the caller was.
    pub caller: Caller,
    /// The API family of the path, if any.
    pub family: Option<ApiFamily>,
    /// The endpoint matched, if any (`None`: a route miss, answered 404).
    pub route: Option<Route>,
    /// The fault injected into this request, if any.
    pub fault: Option<Fault>,
    /// The status answered; `None` if the connection was dropped or the answer is pending.
    pub status: Option<u16>,
    /// When it arrived, on the clock the rate limiter counts with (Tokio's, so a paused test
    /// clock shows here too): for tests of when requests came, such as pacing.
    pub received_at: tokio::time::Instant,
}

impl RecordedRequest {
    /// The raw path split on `/`, without the leading empty segment.
    pub fn path_segments(&self) -> Vec<&str> {
        self.path.split('/').skip(1).collect()
    }
}

pub(crate) fn redacted_headers(headers: &HeaderMap) -> HeaderMap {
    let mut out = headers.clone();
    if out.contains_key(http::header::AUTHORIZATION) {
        let mut redacted = HeaderValue::from_static(REDACTED);
        redacted.set_sensitive(true);
        out.insert(http::header::AUTHORIZATION, redacted);
    }
    out
}
