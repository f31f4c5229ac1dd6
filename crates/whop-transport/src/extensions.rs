//! Request and response extensions: how the client talks to the layers without new headers.
//!
//! `http::Extensions` carry typed values alongside a request. This crate's layers read two of a
//! request, each an ordinary extension ([`RequestExt`] is a shorthand for both):
//! - its [`Endpoint`], which the client sets on every request: the route template the tracing
//!   span and the deprecation warning show (never the path, which may hold a customer's license
//!   key), the [`ApiFamily`] the pacer counts it under, and whether it is safe to repeat;
//! - its [`CallDeadline`], which the deadline layer sets so that inner layers know how much time
//!   is left.
//!
//! A [`Token`](crate::Token) in the extensions is the credential of that one request
//! (see [`auth`](crate::auth)). The retry layer inserts [`Attempts`] into a response that took
//! more than one attempt.

use std::fmt;

use tokio::time::Instant;

/// Whop's API families, each with its own rate limit (see [`pacing`](crate::pacing)).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ApiFamily {
    /// `/v1/...`: Whop's Current API, any credential; 600 requests per minute per operation
    /// (the [`Endpoint`]'s route) and credential. Every request carries `Api-Version-Date`
    /// (see [`api_version`](crate::api_version)).
    V1,
    /// `/v2/...`: company API keys; 100 requests per 10 s.
    V2,
    /// `/v5/...`: user tokens for the `me` endpoints; 20 requests per 10 s.
    V5,
}

impl ApiFamily {
    /// `"v1"`, `"v2"` or `"v5"`, as in the path.
    pub const fn as_str(self) -> &'static str {
        match self {
            ApiFamily::V1 => "v1",
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
/// Declare v1 writes *without* [`retry_safe`](Self::retry_safe): the transport sends each with
/// an `Idempotency-Key`, which is what makes it safe to repeat.
///
/// The one description of a request that every layer reads: the tracing span and the deprecation
/// warning name the [`route`](Self::route) (so a license key in the path is never logged), the
/// pacer counts the request under its [`family`](Self::family), and the retry layer repeats a
/// non-GET request only when it is [`retry_safe`](Self::retry_safe). `whop-client` declares one
/// per endpoint; set your own on requests you build by hand, as an ordinary extension (or with
/// [`RequestExt::set_endpoint`], the same thing):
///
/// ```
/// use whop_transport::{ApiFamily, Endpoint};
///
/// const CANCEL: Endpoint =
///     Endpoint::new("POST /v2/memberships/{id}/cancel", ApiFamily::V2).retry_safe();
///
/// let mut request = http::Request::post("/v2/memberships/mem_1/cancel")
///     .body(bytes::Bytes::new())
///     .expect("a valid request");
/// request.extensions_mut().insert(CANCEL);
/// assert_eq!(request.extensions().get::<Endpoint>(), Some(&CANCEL));
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

/// `true` when `request` may be repeated: GET, HEAD, an [`Endpoint`] marked retry-safe, or a
/// request carrying an [`Idempotency-Key`](crate::IDEMPOTENCY_KEY) (the server acts on a key
/// once, however often it arrives; the transport gives every v1 write one, see
/// [`idempotency`](crate::idempotency)).
pub fn is_retry_safe<B>(request: &http::Request<B>) -> bool {
    retry_safe(request.method(), request.endpoint(), request.headers())
}

/// [`is_retry_safe`] from a request's method, its [`Endpoint`] if any, and its headers: the one
/// place the rule is written.
pub(crate) fn retry_safe(
    method: &http::Method,
    endpoint: Option<&Endpoint>,
    headers: &http::HeaderMap,
) -> bool {
    matches!(*method, http::Method::GET | http::Method::HEAD)
        || endpoint.is_some_and(Endpoint::is_retry_safe)
        || headers.contains_key(crate::idempotency::IDEMPOTENCY_KEY)
}

/// Inserted into a response's extensions by the retry layer when the call took more than one
/// attempt: how many. Absent means one attempt (and retries disabled means one attempt).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Attempts(pub u32);

/// The instant by which a whole call (all attempts and backoffs) must be done: a request
/// extension. [`DeadlineLayer`](crate::DeadlineLayer) sets it to the earlier of its own deadline
/// and one already set, so a caller may set an earlier one per request; every layer inside reads
/// it, and none waits past it.
///
/// ```
/// use std::time::Duration;
/// use tokio::time::Instant;
/// use whop_transport::CallDeadline;
///
/// let mut request = http::Request::get("/v5/me/memberships/mem_1").body(()).expect("valid");
/// // This call must be done within 2 s, even if the transport allows more.
/// let by = Instant::now() + Duration::from_secs(2);
/// request.extensions_mut().insert(CallDeadline(by));
/// # use whop_transport::RequestExt;
/// assert_eq!(request.call_deadline(), Some(by));
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct CallDeadline(pub Instant);

/// Shorthands for the two extensions this crate's layers read of a request, its [`Endpoint`]
/// and its [`CallDeadline`], on an `http::Request` or on its `http::Extensions`. Each is an
/// ordinary extension: `extensions().get::<Endpoint>()` and `extensions_mut().insert(endpoint)`
/// read and set the same value.
///
/// ```
/// use std::time::Duration;
/// use tokio::time::Instant;
/// use whop_transport::RequestExt;
///
/// let mut request = http::Request::get("/v5/me/memberships/mem_1").body(()).expect("valid");
/// assert_eq!(request.call_deadline(), None);
/// let by = Instant::now() + Duration::from_secs(2);
/// request.set_call_deadline(by);
/// assert_eq!(request.call_deadline(), Some(by));
/// ```
pub trait RequestExt {
    /// The request's [`Endpoint`], if the client (or you) set one.
    fn endpoint(&self) -> Option<&Endpoint>;

    /// Sets the request's [`Endpoint`].
    fn set_endpoint(&mut self, endpoint: Endpoint);

    /// The request's [`CallDeadline`], if set.
    fn call_deadline(&self) -> Option<Instant>;

    /// Sets the request's [`CallDeadline`] (replacing any earlier one: the deadline layer keeps
    /// the earlier of this and its own).
    fn set_call_deadline(&mut self, deadline: Instant);
}

impl RequestExt for http::Extensions {
    fn endpoint(&self) -> Option<&Endpoint> {
        self.get::<Endpoint>()
    }

    fn set_endpoint(&mut self, endpoint: Endpoint) {
        self.insert(endpoint);
    }

    fn call_deadline(&self) -> Option<Instant> {
        self.get::<CallDeadline>().map(|deadline| deadline.0)
    }

    fn set_call_deadline(&mut self, deadline: Instant) {
        self.insert(CallDeadline(deadline));
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_endpoint_inserted_directly_is_the_one_the_layers_read() {
        let endpoint =
            Endpoint::new("POST /v2/memberships/{id}/cancel", ApiFamily::V2).retry_safe();
        let mut req = http::Request::post("https://h/").body(()).expect("valid");
        req.extensions_mut().insert(endpoint);
        assert_eq!(req.endpoint(), Some(&endpoint));
        assert!(is_retry_safe(&req));
    }

    #[test]
    fn the_endpoint_and_the_call_deadline_are_two_extensions() {
        let mut req = http::Request::get("https://h/").body(()).expect("valid");
        assert_eq!((req.endpoint(), req.call_deadline()), (None, None));
        let endpoint = Endpoint::new("GET /", ApiFamily::V5);
        let by = Instant::now();
        req.set_call_deadline(by);
        req.set_endpoint(endpoint);
        assert_eq!(req.extensions().get::<Endpoint>(), Some(&endpoint));
        assert_eq!(
            req.extensions().get::<CallDeadline>(),
            Some(&CallDeadline(by))
        );
        let later = by + std::time::Duration::from_secs(1);
        req.set_call_deadline(later);
        assert_eq!(req.call_deadline(), Some(later), "set replaces");
        assert_eq!(req.endpoint(), Some(&endpoint), "and keeps the endpoint");
    }

    #[test]
    fn a_post_carrying_an_idempotency_key_is_retry_safe() {
        let mut post = http::Request::post("https://h/").body(()).expect("valid");
        post.set_endpoint(Endpoint::new("POST /v1/x", ApiFamily::V1));
        assert!(!is_retry_safe(&post));
        post.headers_mut().insert(
            crate::IDEMPOTENCY_KEY,
            http::HeaderValue::from_static("k-1"),
        );
        assert!(is_retry_safe(&post));
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
