//! The auth layer: `Authorization: Bearer <token>` on requests that carry none.
//!
//! Whop's v2 endpoints take the company API key while v5 takes a user's token, and one connection
//! pool should serve both. So the layer holds a default [`Token`] and leaves any request that
//! already has an `Authorization` header alone: the client sets the user token per request.
//!
//! Optionally (octocrab-style) the token is added only for one origin, via
//! [`AuthLayer::only_for`]: then a request to any other scheme, host or port goes out without it,
//! so a URL built from untrusted input cannot carry the company key elsewhere.

use std::task::{Context, Poll};

use http::header::AUTHORIZATION;
use http::uri::{Authority, Scheme};
use http::{Request, Uri};
use tower::{Layer, Service};

use crate::token::Token;

/// Adds the default token to requests without `Authorization`. See the [module docs](self).
#[derive(Clone, Debug)]
pub struct AuthLayer {
    /// `None` only inside the default stack built without a token: then the layer is a no-op.
    token: Option<Token>,
    origin: Option<Origin>,
}

#[derive(Clone, Debug)]
struct Origin {
    scheme: Scheme,
    host: Authority,
    port: Option<u16>,
}

impl Origin {
    fn of(uri: &Uri) -> Option<Self> {
        let scheme = uri.scheme()?.clone();
        let authority = uri.authority()?;
        let port = effective_port(&scheme, authority);
        let host = authority.host().parse().ok()?;
        Some(Self { scheme, host, port })
    }

    fn matches(&self, uri: &Uri) -> bool {
        match (uri.scheme(), uri.authority()) {
            (Some(scheme), Some(authority)) => {
                *scheme == self.scheme
                    && authority.host().eq_ignore_ascii_case(self.host.host())
                    && effective_port(scheme, authority) == self.port
            }
            _ => false,
        }
    }
}

fn effective_port(scheme: &Scheme, authority: &Authority) -> Option<u16> {
    authority.port_u16().or(if *scheme == Scheme::HTTPS {
        Some(443)
    } else if *scheme == Scheme::HTTP {
        Some(80)
    } else {
        None
    })
}

impl AuthLayer {
    /// Adds `token` to every request without an `Authorization` header.
    pub fn new(token: Token) -> Self {
        Self {
            token: Some(token),
            origin: None,
        }
    }

    pub(crate) fn optional(token: Option<Token>) -> Self {
        Self {
            token,
            origin: None,
        }
    }

    /// Adds the token only to requests for the scheme, host and port of `base_url`. A `base_url`
    /// without a scheme or host matches no request (the token is never added).
    pub fn only_for(mut self, base_url: &Uri) -> Self {
        self.origin = Some(Origin::of(base_url).unwrap_or(Origin {
            scheme: Scheme::HTTPS,
            host: Authority::from_static("invalid."),
            port: Some(0),
        }));
        self
    }
}

impl<S> Layer<S> for AuthLayer {
    type Service = Auth<S>;

    fn layer(&self, inner: S) -> Self::Service {
        Auth {
            inner,
            layer: self.clone(),
        }
    }
}

/// The service made by [`AuthLayer`].
#[derive(Clone, Debug)]
pub struct Auth<S> {
    inner: S,
    layer: AuthLayer,
}

impl<S> Auth<S> {
    /// The wrapped service.
    pub fn get_ref(&self) -> &S {
        &self.inner
    }

    /// The wrapped service, mutably.
    pub fn get_mut(&mut self) -> &mut S {
        &mut self.inner
    }

    /// Consumes this service, returning the wrapped one.
    pub fn into_inner(self) -> S {
        self.inner
    }

    /// Wraps `inner`, adding `token` to requests without `Authorization`.
    pub fn new(inner: S, token: Token) -> Self {
        AuthLayer::new(token).layer(inner)
    }
}

impl<S, B> Service<Request<B>> for Auth<S>
where
    S: Service<Request<B>>,
{
    type Response = S::Response;
    type Error = S::Error;
    type Future = S::Future;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, mut req: Request<B>) -> Self::Future {
        if let Some(token) = &self.layer.token {
            let for_origin = self
                .layer
                .origin
                .as_ref()
                .is_none_or(|o| o.matches(req.uri()));
            if for_origin && !req.headers().contains_key(AUTHORIZATION) {
                req.headers_mut()
                    .insert(AUTHORIZATION, token.header_value());
            }
        }
        self.inner.call(req)
    }
}

#[cfg(test)]
mod tests {
    use std::convert::Infallible;

    use http::HeaderValue;
    use tower::ServiceExt;

    use super::*;

    async fn auth_header(layer: AuthLayer, req: Request<()>) -> Option<HeaderValue> {
        let echo = tower::service_fn(|req: Request<()>| async move {
            Ok::<_, Infallible>(req.headers().get(AUTHORIZATION).cloned())
        });
        layer
            .layer(echo)
            .oneshot(req)
            .await
            .unwrap_or_else(|never| match never {})
    }

    fn token() -> Token {
        Token::new("sk_test").expect("valid token")
    }

    fn get(uri: &str) -> Request<()> {
        Request::get(uri).body(()).expect("valid request")
    }

    #[tokio::test]
    async fn auth_adds_bearer_header_marked_sensitive() {
        let value = auth_header(AuthLayer::new(token()), get("https://api.whop.com/x"))
            .await
            .expect("header added");
        assert_eq!(value, "Bearer sk_test");
        assert!(value.is_sensitive());
    }

    #[tokio::test]
    async fn auth_keeps_an_existing_authorization_header() {
        let mut req = get("https://api.whop.com/api/v5/me");
        req.headers_mut()
            .insert(AUTHORIZATION, HeaderValue::from_static("Bearer user"));
        let value = auth_header(AuthLayer::new(token()), req).await;
        assert_eq!(
            value.as_ref().map(|v| v.as_bytes()),
            Some(&b"Bearer user"[..])
        );
    }

    #[tokio::test]
    async fn auth_restricted_to_an_origin_skips_other_hosts_schemes_and_ports() {
        let base: Uri = "https://api.whop.com/api/v2".parse().expect("valid");
        let layer = AuthLayer::new(token()).only_for(&base);
        assert!(
            auth_header(layer.clone(), get("https://API.whop.com:443/x"))
                .await
                .is_some()
        );
        assert!(
            auth_header(layer.clone(), get("https://evil.com/x"))
                .await
                .is_none()
        );
        assert!(
            auth_header(layer.clone(), get("http://api.whop.com/x"))
                .await
                .is_none()
        );
        assert!(
            auth_header(layer, get("https://api.whop.com:8443/x"))
                .await
                .is_none()
        );
    }
}
