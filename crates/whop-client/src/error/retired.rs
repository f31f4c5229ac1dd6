//! Two answers that are neither Whop's "no" nor its "yes": a legacy v2 route that is gone
//! ([`Retired`]), and a success that did not do what the call promised ([`Unconfirmed`]).
//!
//! # When a v2 answer means "retired"
//!
//! Whop switched API v2 off on [`V2_RETIRED_ON`](crate::legacy::V2_RETIRED_ON). A v2 call
//! (one of [`Legacy`](crate::legacy::Legacy)'s) fails as [`Retired`] when its answer is one a
//! route that exists would not give ([`means_retired`]):
//! - `410 Gone`, whatever the body;
//! - any client error (4xx) but 401, 403 and 429 whose body is not JSON: an HTML page, text, or
//!   nothing (a 404 page, `405 Method Not Allowed`).
//!
//! A server error (5xx) is Whop's trouble, not a verdict on the route, and a redirect (3xx, never
//! followed: the credential would go with it) stays an [`Error::Api`](crate::Error::Api) with its
//! status.
//!
//! A success (2xx) is never read as retired, whatever its body: a write Whop accepted whose body
//! did not decode was applied ([`Error::Decode`](crate::Error::Decode) says so), and calling it
//! "retired" would tell the caller it was not.
//!
//! A v2 **404 with Whop's JSON error body** stays "no such membership"
//! ([`Error::is_not_found`](crate::Error::is_not_found) is `true`, and the legacy outcomes say
//! `NotFound`): the route answered, in Whop's own words, as it still does on a server that
//! serves v2 (whop-mock by default). Its message still names the retirement and the Current API
//! call, since against the real Whop the route is gone either way.

use std::error::Error as StdError;
use std::fmt;

use bytes::Bytes;
use http::StatusCode;

use crate::legacy::V2_RETIRED_ON;

/// Whether a v2 answer (`status`, `body`) says the route is gone. See the module docs.
pub(crate) fn means_retired(status: StatusCode, body: &[u8]) -> bool {
    if status == StatusCode::GONE {
        return true;
    }
    let kept = matches!(
        status,
        StatusCode::UNAUTHORIZED | StatusCode::FORBIDDEN | StatusCode::TOO_MANY_REQUESTS
    );
    status.is_client_error()
        && !kept
        && serde_json::from_slice::<serde::de::IgnoredAny>(body).is_err()
}

/// A legacy v2 call failed because Whop retired API v2: the route answered as a route that is
/// gone does (see [`Error::Retired`](crate::Error::Retired)). Its `Display` names the date and
/// the Current API call to use instead.
pub struct Retired {
    status: StatusCode,
    requested: String,
    successor: &'static str,
    body: Bytes,
}

impl Retired {
    pub(crate) fn new(
        status: StatusCode,
        requested: String,
        successor: &'static str,
        body: Bytes,
    ) -> Self {
        Retired {
            status,
            requested,
            successor,
            body,
        }
    }

    /// The same error, naming `successor` as the call to use: for a legacy call made of another
    /// legacy call (a reset that reads first).
    pub(crate) fn succeeded_by(mut self, successor: &'static str) -> Self {
        self.successor = successor;
        self
    }

    /// The HTTP status the gone route answered with.
    pub fn status(&self) -> StatusCode {
        self.status
    }

    /// The request, as `METHOD <base URL><route template>` (the path parameter a placeholder).
    pub fn requested_route(&self) -> &str {
        &self.requested
    }

    /// The Current API call to use instead, e.g. `Client::cancel_membership_at_period_end`.
    pub fn successor(&self) -> &'static str {
        self.successor
    }

    /// The day Whop switched API v2 off.
    pub fn retired_on(&self) -> &'static str {
        V2_RETIRED_ON
    }

    /// The raw body of the answer (often an HTML page). Unredacted.
    pub fn body(&self) -> &Bytes {
        &self.body
    }
}

impl fmt::Display for Retired {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "Whop retired API v2 on {V2_RETIRED_ON}: {} answered {} as a route that is gone; use \
             the Current API instead: whop_client::{}",
            self.requested, self.status, self.successor
        )
    }
}

impl fmt::Debug for Retired {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Retired")
            .field("status", &self.status)
            .field("requested", &self.requested)
            .field("successor", &self.successor)
            .field("body", &format_args!("<{} bytes>", self.body.len()))
            .finish()
    }
}

impl StdError for Retired {}

/// The API answered a write with success, but what it answered shows the call's purpose was not
/// met (for a license reset: the binding is still there). See
/// [`Error::Unconfirmed`](crate::Error::Unconfirmed).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unconfirmed {
    what: &'static str,
    reason: String,
}

impl Unconfirmed {
    pub(crate) fn new(what: &'static str, reason: impl Into<String>) -> Self {
        Unconfirmed {
            what,
            reason: reason.into(),
        }
    }

    /// Which call's purpose was not met (`"license reset"`).
    pub fn what(&self) -> &str {
        self.what
    }

    /// What the answer showed.
    pub fn reason(&self) -> &str {
        &self.reason
    }
}

impl fmt::Display for Unconfirmed {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} not confirmed: {}", self.what, self.reason)
    }
}

impl StdError for Unconfirmed {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_v2_answer_means_retired_only_when_a_live_route_would_not_give_it() {
        let html = "<html><body>Not Found</body></html>";
        let json = r#"{"error":{"message":"No such Resource"}}"#;
        // (status, body, retired)
        let cases: &[(u16, &str, bool)] = &[
            (404, html, true),
            (404, "", true),
            (405, "Method Not Allowed", true),
            (410, json, true),
            (410, "", true),
            (400, html, true),
            (404, json, false),
            (400, json, false),
            (401, html, false),
            (403, html, false),
            (429, "Too Many Requests", false),
            (500, html, false),
            (503, "", false),
            (301, html, false),
            (200, html, false),
            (201, "garbage", false),
        ];
        for (status, body, retired) in cases {
            let status = StatusCode::from_u16(*status).expect("a status");
            assert_eq!(
                means_retired(status, body.as_bytes()),
                *retired,
                "{status} {body:?}"
            );
        }
    }
}
