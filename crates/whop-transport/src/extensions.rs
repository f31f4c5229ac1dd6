//! Request and response extensions: how the client talks to the layers without new headers.
//!
//! `http::Extensions` carry typed values alongside a request. The client inserts [`RetrySafe`] to
//! tell the retry layer a non-GET request may be repeated, and [`Route`] to give the tracing span
//! a route template instead of a path that may contain a customer's license key. The retry layer
//! inserts [`Attempts`] into the response it returns, and the deadline layer inserts [`Deadline`]
//! into the request so inner layers know how much time is left.

use std::fmt;

use tokio::time::Instant;

/// Marks a request as safe to repeat (idempotent). GET and HEAD are always retry-safe; insert this
/// into a POST that is idempotent (Whop's cancel is):
///
/// ```
/// let mut request = http::Request::post("https://api.whop.com/api/v2/memberships/mem_1/cancel")
///     .body(bytes::Bytes::new())
///     .expect("a valid request");
/// request.extensions_mut().insert(whop_transport::RetrySafe);
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct RetrySafe;

/// `true` when `request` may be repeated: GET, HEAD, or marked [`RetrySafe`].
pub fn is_retry_safe<B>(request: &http::Request<B>) -> bool {
    matches!(*request.method(), http::Method::GET | http::Method::HEAD)
        || request.extensions().get::<RetrySafe>().is_some()
}

/// The route template of a request (e.g. `"POST /api/v2/memberships/{id}/cancel"`), shown in the
/// tracing span and used as the key for once-per-route warnings. Without it, the span shows the
/// path with its last segment redacted.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Route(pub &'static str);

/// Inserted into a response's extensions by the retry layer: how many attempts it took. Absent
/// when retries are disabled (one attempt).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Attempts(pub u32);

/// The instant by which the whole call (all attempts and backoffs) must be done. Inserted by
/// [`DeadlineLayer`](crate::DeadlineLayer); a caller may insert an earlier one per request.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Deadline(pub Instant);

/// Displays a request path with its last segment replaced by `{redacted}` and the query dropped,
/// e.g. `/api/v5/me/memberships/{redacted}`. Formatting happens only when a log line is written.
pub struct RedactedPath<'a>(pub &'a http::Uri);

impl fmt::Display for RedactedPath<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let path = self.0.path();
        let trimmed = path.trim_end_matches('/');
        match trimmed.rfind('/') {
            Some(i) if i + 1 < trimmed.len() => {
                f.write_str(&trimmed[..=i])?;
                f.write_str("{redacted}")
            }
            _ => f.write_str(path),
        }
    }
}

/// Displays the [`Route`] of a request if it has one, else its [`RedactedPath`].
pub(crate) struct RouteName<'a, B>(pub(crate) &'a http::Request<B>);

impl<B> fmt::Display for RouteName<'_, B> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.0.extensions().get::<Route>() {
            Some(Route(route)) => f.write_str(route),
            None => RedactedPath(self.0.uri()).fmt(f),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn redacted(uri: &str) -> String {
        RedactedPath(&uri.parse().expect("test URIs parse")).to_string()
    }

    #[test]
    fn redacted_path_hides_the_last_segment_and_the_query() {
        assert_eq!(
            redacted("https://api.whop.com/api/v5/me/memberships/LICENSE-KEY?x=1"),
            "/api/v5/me/memberships/{redacted}"
        );
        assert_eq!(redacted("https://h/a/b/"), "/a/{redacted}");
        assert_eq!(redacted("https://h/"), "/");
        assert_eq!(redacted("https://h"), "/");
    }

    #[test]
    fn get_and_head_are_retry_safe_and_post_only_when_marked() {
        let get = http::Request::get("https://h/").body(()).expect("valid");
        assert!(is_retry_safe(&get));
        let mut post = http::Request::post("https://h/").body(()).expect("valid");
        assert!(!is_retry_safe(&post));
        post.extensions_mut().insert(RetrySafe);
        assert!(is_retry_safe(&post));
    }
}
