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
