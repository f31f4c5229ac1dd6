//! [`MockWhopBuilder::v2_retired`](crate::MockWhopBuilder::v2_retired): `/api/v2/` as Whop serves
//! it after the retirement of API v2.
//!
//! What Whop answers on a v2 route now is not documented and could not be observed. The mock
//! answers what a Rails application (Whop's API answers in Rails' shapes) serves for a route it no
//! longer has: `404 Not Found` with an HTML page ([`V2_RETIRED_BODY`]), `text/html`, no JSON error
//! body, no `Deprecation` header. Every `/api/v2/` request gets it, whatever the method, path,
//! credential or rate limit; `/api/v5/` and `/api/v1/` are untouched.

use bytes::Bytes;
use http::{HeaderValue, Response, StatusCode, header};

/// The body of every `/api/v2/` answer of a mock built with
/// [`MockWhopBuilder::v2_retired`](crate::MockWhopBuilder::v2_retired): an HTML "not found" page.
pub const V2_RETIRED_BODY: &str = "<!DOCTYPE html>\n<html>\n<head>\n  <title>The page you were \
looking for doesn't exist (404)</title>\n</head>\n<body>\n  <h1>The page you were looking for \
doesn't exist.</h1>\n  <p>You may have mistyped the address or the page may have moved.</p>\n\
</body>\n</html>\n";

pub(crate) fn response() -> Response<Bytes> {
    let mut response = Response::new(Bytes::from_static(V2_RETIRED_BODY.as_bytes()));
    *response.status_mut() = StatusCode::NOT_FOUND;
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/html; charset=utf-8"),
    );
    response
}
