//! The answer to a request that matches no endpoint.
//!
//! A 404 whose body is plain text, not one of Whop's JSON error shapes: a client can then tell
//! "there is no such route here" (a wrong base URL, such as one without `/api`) from Whop's own
//! "no such membership", which a license check reads as "no such key". (What Whop's servers answer
//! to an unknown route is not documented; this answer only has to be unmistakable.)

use bytes::Bytes;
use http::{HeaderValue, Response, StatusCode, header};

/// The body of the 404 answered to a request that matches no endpoint (plain text, not JSON).
pub const UNKNOWN_ROUTE_BODY: &str = "whop-mock: no such route. Endpoints are under /api \
(/api/v1/..., /api/v2/..., /api/v5/...): give a client MockServer::base_url(), which ends in /api. \
OAuth is at the origin, as Whop's: /oauth/authorize, /oauth/token, /oauth/userinfo, /oauth/revoke, \
/.well-known/openid-configuration (and /.well-known/jwks.json with the oidc feature).";

/// The 404 for a route miss.
pub(crate) fn response() -> Response<Bytes> {
    let mut response = Response::new(Bytes::from_static(UNKNOWN_ROUTE_BODY.as_bytes()));
    *response.status_mut() = StatusCode::NOT_FOUND;
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/plain; charset=utf-8"),
    );
    response
}
