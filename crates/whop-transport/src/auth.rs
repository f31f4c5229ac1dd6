//! The auth layer: the one place that puts a credential in the `Authorization` header.
//!
//! Whop's v2 endpoints take the company API key while v5 takes a user's token, and one connection
//! pool should serve both. So the layer holds a default [`Token`] (the transport's), and a request
//! may carry its own: a [`Token`] in the request's extensions (what `whop-client`'s
//! `Client::with_token` puts there) is that request's credential. A request that already has an
//! `Authorization` header and no such extension keeps its header.
//!
//! The credential is added only for one origin, the transport's [`BaseUrl`] (octocrab-style): a
//! request to any other scheme, host or port goes out without it, so a URL built from untrusted
//! input cannot carry the company key elsewhere.
//!
//! ```
//! use whop_transport::{AuthLayer, BaseUrl, Token};
//!
//! # fn main() -> Result<(), Box<dyn std::error::Error>> {
//! let layer = AuthLayer::new(Token::new("sk_live_xxx")?).only_for(BaseUrl::whop());
//! # let _ = layer;
//! # Ok(())
//! # }
//! ```

use std::task::{Context, Poll};

use http::Request;
use http::header::{AUTHORIZATION, Entry};
use tower::{Layer, Service};

use crate::base_url::BaseUrl;
use crate::token::Token;

/// Adds the request's or the default credential. See the [module docs](self).
#[derive(Clone, Debug, Default)]
pub struct AuthLayer {
    /// The default credential; `None`: only requests with their own are authenticated.
    token: Option<Token>,
    origin: Option<BaseUrl>,
}

impl AuthLayer {
    /// Adds `token` to every request without a credential of its own.
    pub fn new(token: Token) -> Self {
        Self {
            token: Some(token),
            origin: None,
        }
    }

    /// Adds only the credentials requests carry themselves (a [`Token`] extension).
    pub fn per_request_only() -> Self {
        Self::default()
    }

    pub(crate) fn optional(token: Option<Token>) -> Self {
        Self {
            token,
            origin: None,
        }
    }

    /// Adds credentials only to requests for the scheme, host and port of `base_url`.
    pub fn only_for(mut self, base_url: BaseUrl) -> Self {
        self.origin = Some(base_url);
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

crate::inner_service_accessors!(Auth);

impl<S> Auth<S> {
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
        // Taken out either way: a per-request credential never travels further down the stack.
        let own = req.extensions_mut().remove::<Token>();
        let for_origin = self
            .layer
            .origin
            .as_ref()
            .is_none_or(|origin| origin.same_origin(req.uri()));
        if for_origin {
            match own {
                Some(token) => {
                    req.headers_mut()
                        .insert(AUTHORIZATION, token.header_value());
                }
                None => {
                    if let (Some(token), Entry::Vacant(slot)) =
                        (&self.layer.token, req.headers_mut().entry(AUTHORIZATION))
                    {
                        slot.insert(token.header_value());
                    }
                }
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
        let layer = AuthLayer::new(token()).only_for(BaseUrl::whop());
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

    #[tokio::test]
    async fn a_token_in_the_extensions_wins_over_the_default_and_a_header() {
        let mut req = get("https://api.whop.com/api/v5/me");
        req.headers_mut()
            .insert(AUTHORIZATION, HeaderValue::from_static("Bearer header"));
        req.extensions_mut()
            .insert(Token::new("per_request").expect("valid"));
        let value = auth_header(AuthLayer::new(token()), req).await;
        assert_eq!(value.expect("set"), "Bearer per_request");
    }

    #[tokio::test]
    async fn a_per_request_token_is_not_sent_to_another_origin() {
        let mut req = get("https://evil.test/api/v5/me");
        req.extensions_mut()
            .insert(Token::new("per_request").expect("valid"));
        let layer = AuthLayer::per_request_only().only_for(BaseUrl::whop());
        assert_eq!(auth_header(layer, req).await, None);
    }
}
