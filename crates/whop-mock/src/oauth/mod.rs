//! Whop's OAuth 2.1 authorization server ("Sign in with Whop": authorization code + PKCE `S256`,
//! OpenID Connect), served at the origin of the mock's base URL as Whop serves it at
//! `https://api.whop.com/oauth/…`, so that one base URL points a client at the mock for both:
//!
//! - `GET /oauth/authorize` ([`authorize`]): the configured user consents or refuses at once;
//! - `POST /oauth/token` ([`token`]): `authorization_code` and rotating `refresh_token`;
//! - `GET`/`POST /oauth/userinfo` and `POST /oauth/revoke` ([`resource`]);
//! - `GET /.well-known/jwks.json` and the `id_token` (feature `oidc`, [`jwt`]), and
//!   `GET /.well-known/openid-configuration`;
//! - `POST /api/v5/oauth/token`, the legacy exchange ([`legacy`]).
//!
//! The access tokens issued act as their user's token on the API routes (`/api/v5/me/…`,
//! `/api/v1/memberships?user_id=me`, `/api/v1/memberships/{id}`) until they expire or are revoked.
//! OAuth requests are not rate-limited.

mod app;
mod authorize;
#[cfg(feature = "oidc")]
mod jwt;
mod legacy;
mod params;
mod pkce;
mod resource;
mod store;
mod token;

use std::time::Duration;

use bytes::Bytes;
use http::{Response, StatusCode};
use serde_json::json;
use tokio::time::Instant;

pub use app::OAuthApp;
pub(crate) use store::OAuth;

use crate::answer::RequestInfo;
use crate::body::json_response;
use crate::route::Route;
use crate::state::State;
use params::{Refusal, issuer};
use store::Grant;

/// How long an authorization code may be exchanged after it was issued: 10 minutes, as Whop's
/// grants API documents (legacy docs said 5). Measured on Tokio's clock, so a test with a paused
/// clock (`tokio::time::advance`) need not wait.
pub const AUTHORIZATION_CODE_LIFETIME: Duration = Duration::from_secs(10 * 60);

/// How long an access token works unless
/// [`MockWhopBuilder::oauth_access_token_lifetime`](crate::MockWhopBuilder::oauth_access_token_lifetime)
/// says otherwise: one hour, as Whop documents (`expires_in: 3600`).
pub const DEFAULT_ACCESS_TOKEN_LIFETIME: Duration = Duration::from_secs(3600);

/// Whether this build can sign `id_token`s (feature `oidc`); without it `openid` is refused as
/// `invalid_scope`, never answered without its `id_token`.
const OIDC_SIGNING: bool = cfg!(feature = "oidc");

impl State {
    /// The answer of an OAuth route; `None` for any other route.
    pub(crate) fn answer_oauth(
        &mut self,
        info: &RequestInfo,
        now: Instant,
    ) -> Option<Response<Bytes>> {
        Some(match info.route.as_ref()? {
            Route::OAuthAuthorize => self.authorize(info, now),
            Route::OAuthToken => self.token(info, now),
            Route::OAuthUserinfo => self.userinfo(info, now),
            Route::OAuthRevoke => self.revoke(info),
            Route::OpenIdConfiguration => discovery(&issuer(info)),
            #[cfg(feature = "oidc")]
            Route::Jwks => {
                let key = self.oauth().signing_key()?;
                json_response(StatusCode::OK, &key.jwks(), None)
            }
            Route::LegacyOAuthToken => self.legacy_token(info, now),
            _ => return None,
        })
    }

    /// The signed `id_token` of `grant`.
    #[cfg(feature = "oidc")]
    fn id_token(&self, grant: &Grant, issuer: &str) -> Result<String, Refusal> {
        self.oauth()
            .signing_key()
            .ok_or_else(|| Refusal::new("server_error", "no signing key"))?
            .id_token(grant, issuer)
    }

    /// Never called: without `oidc`, `openid` is refused at the authorization endpoint.
    #[cfg(not(feature = "oidc"))]
    fn id_token(&self, _grant: &Grant, _issuer: &str) -> Result<String, Refusal> {
        Err(Refusal::new(
            "server_error",
            "id_token needs whop-mock's `oidc` feature",
        ))
    }
}

/// The discovery document, with what this server supports.
fn discovery(issuer: &str) -> Response<Bytes> {
    let mut body = json!({
        "issuer": issuer,
        "authorization_endpoint": format!("{issuer}/oauth/authorize"),
        "token_endpoint": format!("{issuer}/oauth/token"),
        "userinfo_endpoint": format!("{issuer}/oauth/userinfo"),
        "revocation_endpoint": format!("{issuer}/oauth/revoke"),
        "response_types_supported": ["code"],
        "grant_types_supported": ["authorization_code", "refresh_token"],
        "code_challenge_methods_supported": ["S256"],
        "token_endpoint_auth_methods_supported": ["none", "client_secret_post", "client_secret_basic"],
        "scopes_supported": app::OIDC_SCOPES,
        "subject_types_supported": ["public"],
        "claims_supported": ["sub", "iss", "aud", "exp", "iat", "nonce", "name", "preferred_username", "picture", "email", "email_verified"],
    });
    if OIDC_SIGNING {
        body["jwks_uri"] = json!(format!("{issuer}/.well-known/jwks.json"));
        body["id_token_signing_alg_values_supported"] = json!(["ES256"]);
    }
    json_response(StatusCode::OK, &body, None)
}
