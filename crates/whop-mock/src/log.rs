//! What the mock received, for assertions: [`MockWhop::requests`](crate::MockWhop::requests).

use bytes::Bytes;
use http::{HeaderMap, HeaderValue, Method};

use crate::fault::Fault;
use crate::route::{ApiFamily, Caller, Route};

/// The value that replaces `Authorization` in the log: the token never reaches a test's output.
pub const REDACTED: &str = "[redacted]";

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
    /// The `Api-Version-Date` header's value, if the request had one (text; lossily decoded if
    /// it was not UTF-8). Recorded for every request, so a test can check that every `/api/v1/`
    /// request carried one ([`RecordedRequest::is_v1`]).
    pub api_version_date: Option<String>,
}

impl RecordedRequest {
    /// Whether it went to the Current API (`/api/v1/…`).
    #[must_use]
    pub fn is_v1(&self) -> bool {
        self.family == Some(ApiFamily::V1)
    }

    /// For a cancel on the Current API (`POST /api/v1/memberships/{id}/cancel`), the body as
    /// sent, parsed: what a test checks for an explicit `cancel_at_period_end`. `Value::Null` for
    /// an empty body or one that is not JSON; `None` for any other request.
    ///
    /// ```
    /// # fn check(mock: &whop_mock::MockWhop) {
    /// for request in mock.requests() {
    ///     if let Some(body) = request.v1_cancel_body() {
    ///         assert!(body["cancel_at_period_end"].is_boolean(), "a cancel left it to a default");
    ///     }
    /// }
    /// # }
    /// ```
    #[must_use]
    pub fn v1_cancel_body(&self) -> Option<serde_json::Value> {
        matches!(self.route, Some(Route::V1CancelMembership { .. }))
            .then(|| serde_json::from_slice(&self.body).unwrap_or(serde_json::Value::Null))
    }

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
