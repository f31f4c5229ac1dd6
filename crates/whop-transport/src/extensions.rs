//! Request and response extensions: how the client talks to the layers without new headers.
//!
//! `http::Extensions` carry typed values alongside a request. What this crate's layers read of a
//! request travels in **one** extension, read and written through [`RequestExt`]:
//! - its [`Endpoint`], which the client sets on every request: the route template the tracing
//!   span and the deprecation warning show (never the path, which may hold a customer's license
//!   key), the [`ApiFamily`] the pacer counts it under, and whether it is safe to repeat;
//! - its call deadline, which the deadline stamp sets so that inner layers know how much time
//!   is left.
//!
//! One extension, not one per value, because each extension is a box and a hash-map insert on
//! every call. A [`Token`](crate::Token) in the extensions is the credential of that one request
//! (see [`auth`](crate::auth)). The retry layer inserts [`Attempts`] into a response that took
//! more than one attempt.

use std::fmt;

use tokio::time::Instant;

/// Whop's API families, each with its own rate limit (see [`pacing`](crate::pacing)).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ApiFamily {
    /// `/v2/...`: company API keys; 100 requests per 10 s.
    V2,
    /// `/v5/...`: user tokens for the `me` endpoints; 20 requests per 10 s.
    V5,
}

impl ApiFamily {
    /// `"v2"` or `"v5"`, as in the path.
    pub const fn as_str(self) -> &'static str {
        match self {
            ApiFamily::V2 => "v2",
            ApiFamily::V5 => "v5",
        }
    }
}

impl fmt::Display for ApiFamily {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Which endpoint a request is: its route template, its API family and whether it may be repeated.
///
/// The one description of a request that every layer reads: the tracing span and the deprecation
/// warning name the [`route`](Self::route) (so a license key in the path is never logged), the
/// pacer counts the request under its [`family`](Self::family), and the retry layer repeats a
/// non-GET request only when it is [`retry_safe`](Self::retry_safe). `whop-client` declares one
/// per endpoint; set your own on requests you build by hand, with [`RequestExt::set_endpoint`]
/// (an `Endpoint` inserted into the extensions directly is not read):
///
/// ```
/// use whop_transport::{ApiFamily, Endpoint, RequestExt};
///
/// const CANCEL: Endpoint =
///     Endpoint::new("POST /v2/memberships/{id}/cancel", ApiFamily::V2).retry_safe();
///
/// let mut request = http::Request::post("/v2/memberships/mem_1/cancel")
///     .body(bytes::Bytes::new())
///     .expect("a valid request");
/// request.set_endpoint(CANCEL);
/// assert_eq!(request.endpoint(), Some(&CANCEL));
/// assert!(whop_transport::is_retry_safe(&request));
/// ```
///
/// A request without an `Endpoint` is traced with its path's last segment redacted, is not
/// paced, and is retried after it may have been sent only if it is a GET or HEAD.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Endpoint {
    route: &'static str,
    family: ApiFamily,
    retry_safe: bool,
}

impl Endpoint {
    /// An endpoint named `route` (method and template, e.g. `"GET /v5/me/memberships/{id}"`) in
    /// `family`, not marked safe to repeat (GET and HEAD always are).
    pub const fn new(route: &'static str, family: ApiFamily) -> Self {
        Endpoint {
            route,
            family,
            retry_safe: false,
        }
    }

    /// Marks the endpoint safe to repeat (idempotent), as Whop's cancel is.
    #[must_use]
    pub const fn retry_safe(mut self) -> Self {
        self.retry_safe = true;
        self
    }

    /// The method and route template, e.g. `"POST /v2/memberships/{id}/cancel"`.
    pub const fn route(&self) -> &'static str {
        self.route
    }

    /// The API family the request is counted under.
    pub const fn family(&self) -> ApiFamily {
        self.family
    }

    /// Whether the endpoint was marked safe to repeat.
    pub const fn is_retry_safe(&self) -> bool {
        self.retry_safe
    }
}

/// `true` when `request` may be repeated: GET, HEAD, or an [`Endpoint`] marked retry-safe.
pub fn is_retry_safe<B>(request: &http::Request<B>) -> bool {
    retry_safe(request.method(), request.endpoint())
}

/// [`is_retry_safe`] from a request's method and its [`Endpoint`], if any.
pub(crate) fn retry_safe(method: &http::Method, endpoint: Option<&Endpoint>) -> bool {
    matches!(*method, http::Method::GET | http::Method::HEAD)
        || endpoint.is_some_and(Endpoint::is_retry_safe)
}

/// Inserted into a response's extensions by the retry layer when the call took more than one
/// attempt: how many. Absent means one attempt (and retries disabled means one attempt).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Attempts(pub u32);

/// What this crate's layers know of a request: the one extension behind [`RequestExt`].
#[derive(Clone, Copy, Debug, Default)]
struct CallMeta {
    endpoint: Option<Endpoint>,
    deadline: Option<Instant>,
}

/// Reads and sets what whop-transport's layers know of a request (its [`Endpoint`] and its call
/// deadline), on an `http::Request` or on its `http::Extensions`. Both values live in one
/// extension, so setting the second one costs no allocation.
///
/// ```
/// use std::time::Duration;
/// use tokio::time::Instant;
/// use whop_transport::RequestExt;
///
/// let mut request = http::Request::get("/v5/me/memberships/mem_1").body(()).expect("valid");
/// assert_eq!(request.call_deadline(), None);
/// // This call must be done within 2 s, even if the transport allows more.
/// let by = Instant::now() + Duration::from_secs(2);
/// request.set_call_deadline(by);
/// assert_eq!(request.call_deadline(), Some(by));
/// ```
pub trait RequestExt: sealed::Sealed {
    /// The request's [`Endpoint`], if the client (or you) set one.
    fn endpoint(&self) -> Option<&Endpoint>;

    /// Sets the request's [`Endpoint`].
    fn set_endpoint(&mut self, endpoint: Endpoint);

    /// The instant by which the whole call (all attempts and backoffs) must be done, if set.
    ///
    /// The transport's deadline stamp sets it to the earlier of its own deadline and one already
    /// set, so a caller may set an earlier one per request; every layer inside reads it, and none
    /// waits past it.
    fn call_deadline(&self) -> Option<Instant>;

    /// Sets the call deadline (replacing any earlier one: the transport keeps the earlier of
    /// this and its own).
    fn set_call_deadline(&mut self, deadline: Instant);
}

impl RequestExt for http::Extensions {
    fn endpoint(&self) -> Option<&Endpoint> {
        self.get::<CallMeta>()?.endpoint.as_ref()
    }

    fn set_endpoint(&mut self, endpoint: Endpoint) {
        self.get_or_insert_default::<CallMeta>().endpoint = Some(endpoint);
    }

    fn call_deadline(&self) -> Option<Instant> {
        self.get::<CallMeta>()?.deadline
    }

    fn set_call_deadline(&mut self, deadline: Instant) {
        self.get_or_insert_default::<CallMeta>().deadline = Some(deadline);
    }
}

impl<B> RequestExt for http::Request<B> {
    fn endpoint(&self) -> Option<&Endpoint> {
        self.extensions().endpoint()
    }

    fn set_endpoint(&mut self, endpoint: Endpoint) {
        self.extensions_mut().set_endpoint(endpoint);
    }

    fn call_deadline(&self) -> Option<Instant> {
        self.extensions().call_deadline()
    }

    fn set_call_deadline(&mut self, deadline: Instant) {
        self.extensions_mut().set_call_deadline(deadline);
    }
}

/// Sets the call deadline of `extensions` to the earlier of `by` and the one already set, in one
/// look-up (the deadline stamp, on every call); returns it.
pub(crate) fn tighten_call_deadline(extensions: &mut http::Extensions, by: Instant) -> Instant {
    let meta = extensions.get_or_insert_default::<CallMeta>();
    let until = meta.deadline.map_or(by, |set| set.min(by));
    meta.deadline = Some(until);
    until
}

mod sealed {
    /// Only `http::Request` and `http::Extensions` implement [`RequestExt`](super::RequestExt).
    pub trait Sealed {}
    impl Sealed for http::Extensions {}
    impl<B> Sealed for http::Request<B> {}
}

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

/// Displays the [`Endpoint`] route of a request if it has one, else its [`RedactedPath`].
pub(crate) struct RouteName<'a, B>(pub(crate) &'a http::Request<B>);

impl<B> fmt::Display for RouteName<'_, B> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.0.endpoint() {
            Some(endpoint) => f.write_str(endpoint.route()),
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
    fn the_endpoint_and_the_call_deadline_share_one_extension() {
        let mut req = http::Request::get("https://h/").body(()).expect("valid");
        assert_eq!((req.endpoint(), req.call_deadline()), (None, None));
        let endpoint = Endpoint::new("GET /", ApiFamily::V5);
        let by = Instant::now();
        req.set_call_deadline(by);
        req.set_endpoint(endpoint);
        assert_eq!(req.endpoint(), Some(&endpoint));
        assert_eq!(req.call_deadline(), Some(by));
        assert_eq!(
            req.extensions().len(),
            1,
            "one extension, not one per value"
        );
        let later = by + std::time::Duration::from_secs(1);
        req.set_call_deadline(later);
        assert_eq!(req.call_deadline(), Some(later), "set replaces");
        assert_eq!(req.endpoint(), Some(&endpoint), "and keeps the endpoint");
    }

    #[test]
    fn get_and_head_are_retry_safe_and_post_only_when_its_endpoint_is_marked() {
        let get = http::Request::get("https://h/").body(()).expect("valid");
        assert!(is_retry_safe(&get));
        let mut post = http::Request::post("https://h/").body(()).expect("valid");
        assert!(!is_retry_safe(&post));
        post.set_endpoint(Endpoint::new("POST /", ApiFamily::V2).retry_safe());
        assert!(is_retry_safe(&post));
    }
}
