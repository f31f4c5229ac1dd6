//! The API origin: where requests go, parsed and checked once.
//!
//! Requests are written with a path relative to the API root (`/v2/memberships/…`), and
//! [`BaseUrlLayer`] puts the root in front (`https://api.whop.com/api/v2/memberships/…`); the
//! HTTP client writes the `Host` header from the result. The [auth layer](crate::auth) adds a
//! credential only to requests for that same origin. So one value, a [`BaseUrl`], decides both
//! where requests go and where the token may go.
//!
//! The rule a base URL must follow is the one [`check_base_url`](crate::check_base_url) applies to every request: `https`,
//! or plain `http` only to this machine (`localhost`, `127.0.0.0/8`, `::1`), for a local mock. On
//! Whop's own host the path must be `/api`, the root every endpoint hangs from: any other path
//! would turn every call into a 404, which a license check would read as "no such key".

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};

use bytes::Bytes;
use http::uri::{Authority, PathAndQuery, Scheme};
use http::{Request, Uri};
use pin_project_lite::pin_project;
use tower::{Layer, Service};

use crate::error::{Error, ErrorKind};
use crate::url_policy::refusal;
use crate::{BoxError, into_error};

/// Whop's API root: every endpoint path (`/v2/…`, `/v5/…`) is appended to it.
pub const DEFAULT_BASE_URL: &str = "https://api.whop.com/api";

/// Whop's API host, on which the base URL's path must be [`WHOP_API_PATH`].
const WHOP_API_HOST: &str = "api.whop.com";
/// The path of Whop's API root.
const WHOP_API_PATH: &str = "/api";

/// An API root, checked: absolute, `https` (or `http` to loopback), no query or fragment.
///
/// ```
/// use whop_transport::BaseUrl;
///
/// let local = BaseUrl::parse("http://127.0.0.1:8080/api/")?;
/// assert_eq!(local.as_str(), "http://127.0.0.1:8080/api");
/// assert!(BaseUrl::parse("http://example.com/api").is_err()); // plain http to a remote host
/// assert!(BaseUrl::parse("https://api.whop.com").is_err()); // Whop's root is /api
/// # Ok::<(), whop_transport::InvalidBaseUrl>(())
/// ```
#[derive(Clone, PartialEq, Eq)]
pub struct BaseUrl {
    scheme: Scheme,
    authority: Authority,
    /// Behind one `Arc`: a base URL is cloned into each layer that needs it.
    texts: Arc<Texts>,
}

#[derive(PartialEq, Eq)]
struct Texts {
    /// The root's path without a trailing slash: `/api`, or empty.
    path: String,
    /// The whole base URL, without a trailing slash.
    text: String,
}

impl BaseUrl {
    /// Whop's API, [`DEFAULT_BASE_URL`].
    pub fn whop() -> Self {
        Self::parse(DEFAULT_BASE_URL).expect("the default base URL follows the rule")
    }

    /// Parses and checks `base_url`; a trailing `/` is dropped.
    ///
    /// # Errors
    /// [`InvalidBaseUrl`], saying which rule `base_url` breaks and what to use instead.
    pub fn parse(base_url: &str) -> Result<Self, InvalidBaseUrl> {
        let refuse = |reason: String| InvalidBaseUrl {
            input: base_url.to_owned(),
            reason,
        };
        let trimmed = base_url.trim().trim_end_matches('/');
        let uri: Uri = trimmed
            .parse()
            .map_err(|e| refuse(format!("it is not a URL ({e})")))?;
        let (Some(scheme), Some(authority)) = (uri.scheme(), uri.authority()) else {
            return Err(refuse(
                "it is not absolute: give the scheme and host, e.g. https://api.whop.com/api"
                    .to_owned(),
            ));
        };
        if trimmed.contains(['?', '#']) {
            return Err(refuse("it must not have a query or a fragment".to_owned()));
        }
        if let Some(reason) = refusal(&uri) {
            return Err(refuse(reason.to_owned()));
        }
        let path = uri.path().trim_end_matches('/');
        if authority.host().eq_ignore_ascii_case(WHOP_API_HOST) && path != WHOP_API_PATH {
            return Err(refuse(format!(
                "Whop's API root is {DEFAULT_BASE_URL}: on {WHOP_API_HOST} the path must be \
                 {WHOP_API_PATH}, or every call would answer 404"
            )));
        }
        Ok(BaseUrl {
            scheme: scheme.clone(),
            authority: authority.clone(),
            texts: Arc::new(Texts {
                path: path.to_owned(),
                text: trimmed.to_owned(),
            }),
        })
    }

    /// The base URL as text, without a trailing `/`.
    pub fn as_str(&self) -> &str {
        &self.texts.text
    }

    /// `relative` (a path and query such as `/v2/memberships/mem_1`) under this root.
    ///
    /// # Errors
    /// [`ErrorKind::InvalidRequest`] (never sent) if the joined path is not a valid URI path.
    pub fn join(&self, relative: &PathAndQuery) -> Result<Uri, Error> {
        let path = format!("{}{}", self.texts.path, relative.as_str());
        let path = PathAndQuery::from_maybe_shared(Bytes::from(path))
            .map_err(|e| Error::not_sent(ErrorKind::InvalidRequest, e))?;
        let mut parts = http::uri::Parts::default();
        parts.scheme = Some(self.scheme.clone());
        parts.authority = Some(self.authority.clone());
        parts.path_and_query = Some(path);
        Uri::from_parts(parts).map_err(|e| Error::not_sent(ErrorKind::InvalidRequest, e))
    }

    /// What [`WithBaseUrl`] does to a request: a path-only URI goes under this root.
    fn resolve<B>(&self, req: &mut Request<B>) -> Result<(), Error> {
        if req.uri().scheme().is_some() {
            return Ok(());
        }
        let uri = match req.uri().path_and_query() {
            Some(relative) => self.join(relative)?,
            None => {
                return Err(Error::not_sent(
                    ErrorKind::InvalidRequest,
                    "the request has neither an absolute URI nor a path",
                ));
            }
        };
        *req.uri_mut() = uri;
        Ok(())
    }

    /// `true` when `uri` has this root's scheme, host and port (default ports made explicit).
    pub fn same_origin(&self, uri: &Uri) -> bool {
        match (uri.scheme(), uri.authority()) {
            (Some(scheme), Some(authority)) => {
                *scheme == self.scheme
                    && authority.host().eq_ignore_ascii_case(self.authority.host())
                    && effective_port(scheme, authority)
                        == effective_port(&self.scheme, &self.authority)
            }
            _ => false,
        }
    }
}

fn effective_port(scheme: &Scheme, authority: &Authority) -> Option<u16> {
    authority.port_u16().or(default_port(scheme))
}

fn default_port(scheme: &Scheme) -> Option<u16> {
    if *scheme == Scheme::HTTPS {
        Some(443)
    } else if *scheme == Scheme::HTTP {
        Some(80)
    } else {
        None
    }
}

impl Default for BaseUrl {
    fn default() -> Self {
        Self::whop()
    }
}

impl fmt::Debug for BaseUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("BaseUrl").field(&self.as_str()).finish()
    }
}

impl fmt::Display for BaseUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl AsRef<str> for BaseUrl {
    fn as_ref(&self) -> &str {
        self.as_str()
    }
}

impl std::str::FromStr for BaseUrl {
    type Err = InvalidBaseUrl;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::parse(s)
    }
}

/// A base URL [`BaseUrl::parse`] refused: which one, and the rule it breaks.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct InvalidBaseUrl {
    input: String,
    reason: String,
}

impl InvalidBaseUrl {
    /// The refused base URL, as given.
    pub fn input(&self) -> &str {
        &self.input
    }

    /// Why it was refused, and what to use instead.
    pub fn reason(&self) -> &str {
        &self.reason
    }
}

impl fmt::Display for InvalidBaseUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "base URL `{}` is refused: {}", self.input, self.reason)
    }
}

impl std::error::Error for InvalidBaseUrl {}

/// Puts a [`BaseUrl`] in front of requests whose URI is a path only. See the [module docs](self).
#[derive(Clone, Debug)]
pub struct BaseUrlLayer {
    base: BaseUrl,
}

impl BaseUrlLayer {
    /// Resolves relative requests against `base`.
    pub fn new(base: BaseUrl) -> Self {
        Self { base }
    }
}

impl<S> Layer<S> for BaseUrlLayer {
    type Service = WithBaseUrl<S>;

    fn layer(&self, inner: S) -> Self::Service {
        WithBaseUrl {
            inner,
            base: self.base.clone(),
        }
    }
}

/// The service made by [`BaseUrlLayer`]: a request whose URI has no scheme and host (such as
/// `/v2/memberships/mem_1`) goes to the same path under the base URL; an absolute URI is left as
/// it is (the auth layer then sends no credential unless it is the same origin).
#[derive(Clone, Debug)]
pub struct WithBaseUrl<S> {
    inner: S,
    base: BaseUrl,
}

crate::inner_service_accessors!(WithBaseUrl);

impl<S> WithBaseUrl<S> {
    /// The base URL requests are resolved against.
    pub fn base_url(&self) -> &BaseUrl {
        &self.base
    }
}

impl<S, B> Service<Request<B>> for WithBaseUrl<S>
where
    S: Service<Request<B>>,
    S::Error: Into<BoxError>,
{
    type Response = S::Response;
    type Error = Error;
    type Future = WithBaseUrlFuture<S::Future>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        self.inner.poll_ready(cx).map_err(into_error)
    }

    fn call(&mut self, mut req: Request<B>) -> Self::Future {
        let state = match self.base.resolve(&mut req) {
            Ok(()) => State::Called {
                future: self.inner.call(req),
            },
            Err(error) => State::Refused { error: Some(error) },
        };
        WithBaseUrlFuture { state }
    }
}

pin_project! {
    /// The future of [`WithBaseUrl`]: the inner service's, or the error for a request that could
    /// not be resolved.
    #[derive(Debug)]
    pub struct WithBaseUrlFuture<F> {
        #[pin]
        state: State<F>,
    }
}

pin_project! {
    #[project = StateProj]
    #[derive(Debug)]
    enum State<F> {
        Called {
            #[pin]
            future: F,
        },
        Refused {
            error: Option<Error>,
        },
    }
}

impl<F, T, E> Future for WithBaseUrlFuture<F>
where
    F: Future<Output = Result<T, E>>,
    E: Into<BoxError>,
{
    type Output = Result<T, Error>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        match self.project().state.project() {
            StateProj::Called { future } => future.poll(cx).map_err(into_error),
            StateProj::Refused { error } => Poll::Ready(Err(error
                .take()
                .expect("WithBaseUrlFuture polled after completion"))),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_base_url_keeps_its_path_and_drops_a_trailing_slash() {
        let base = BaseUrl::parse("http://127.0.0.1:9/api/").expect("valid");
        assert_eq!(base.as_str(), "http://127.0.0.1:9/api");
        let uri = base
            .join(&PathAndQuery::from_static(
                "/v2/memberships/m?expand[]=plan",
            ))
            .expect("joins");
        assert_eq!(
            uri.to_string(),
            "http://127.0.0.1:9/api/v2/memberships/m?expand[]=plan"
        );
    }

    #[test]
    fn refused_base_urls_say_the_rule() {
        let cases = [
            (
                "http://example.com/api",
                "plain http is allowed only to loopback",
            ),
            ("ftp://127.0.0.1/", "scheme must be https"),
            ("/api", "not absolute"),
            (
                "https://api.whop.com",
                "Whop's API root is https://api.whop.com/api",
            ),
            ("https://api.whop.com/api/v2", "the path must be /api"),
            ("https://h.test/api?x=1", "query"),
            ("not a url", "not a URL"),
        ];
        for (input, expected) in cases {
            let e = BaseUrl::parse(input).expect_err(input);
            assert!(e.to_string().contains(expected), "{input}: {e}");
            assert_eq!(e.input(), input);
        }
    }

    #[tokio::test]
    async fn a_path_goes_under_the_base_url_and_an_absolute_uri_is_left_alone() {
        use tower::ServiceExt;
        let cases = [
            (
                "http://127.0.0.1:8080/api",
                "/v5/me?x=1",
                "http://127.0.0.1:8080/api/v5/me?x=1",
            ),
            (
                "https://api.whop.com/api",
                "/v2/memberships/m",
                "https://api.whop.com/api/v2/memberships/m",
            ),
            ("http://[::1]:9", "/v5/me", "http://[::1]:9/v5/me"),
            (
                "https://api.whop.com/api",
                "https://evil.test/x",
                "https://evil.test/x",
            ),
        ];
        for (base, uri, expected) in cases {
            let service = BaseUrlLayer::new(BaseUrl::parse(base).expect("valid")).layer(
                tower::service_fn(|req: Request<()>| async move {
                    Ok::<_, std::io::Error>(req.uri().to_string())
                }),
            );
            let req = Request::get(uri).body(()).expect("valid");
            let sent = service.oneshot(req).await.expect("answered");
            assert_eq!(sent, expected, "{base} {uri}");
        }
    }

    #[tokio::test]
    async fn an_inner_error_of_another_type_becomes_an_error_that_keeps_it() {
        use tower::ServiceExt;
        let service =
            BaseUrlLayer::new(BaseUrl::whop()).layer(tower::service_fn(|_: Request<()>| async {
                Err::<(), _>(std::io::Error::other("the user's own"))
            }));
        let req = Request::get("/v5/me").body(()).expect("valid");
        let error = service.oneshot(req).await.expect_err("fails");
        assert_eq!(error.kind(), ErrorKind::Other);
        assert!(!error.is_not_sent());
        let source = std::error::Error::source(&error).expect("kept");
        assert!(
            source.downcast_ref::<std::io::Error>().is_some(),
            "{source:?}"
        );
    }

    #[test]
    fn the_default_is_whops_api_root() {
        assert_eq!(BaseUrl::default().as_str(), DEFAULT_BASE_URL);
    }

    #[test]
    fn same_origin_compares_scheme_host_and_effective_port() {
        let base = BaseUrl::whop();
        let yes = ["https://api.whop.com/x", "https://API.whop.com:443/api/v2"];
        let no = [
            "http://api.whop.com/x",
            "https://api.whop.com:8443/x",
            "https://evil.test/x",
            "/api/v2",
        ];
        for uri in yes {
            assert!(base.same_origin(&uri.parse().expect("valid")), "{uri}");
        }
        for uri in no {
            assert!(!base.same_origin(&uri.parse().expect("valid")), "{uri}");
        }
    }
}
