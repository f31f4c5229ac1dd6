//! `POST /oauth/token`: `authorization_code` (PKCE verified, codes single-use and expiring after
//! [`AUTHORIZATION_CODE_LIFETIME`](super::AUTHORIZATION_CODE_LIFETIME)) and `refresh_token`
//! (rotating), with the client authenticated as its type asks; and the client authentication
//! that `POST /oauth/revoke` shares.
//!
//! Client authentication: a public app sends its `client_id` only (a secret sent anyway is
//! ignored); a confidential one also its secret, as `client_secret` in the body or as HTTP Basic
//! — both at once is `invalid_request` (RFC 6749 §2.3). A failed client authentication is checked
//! before the code is looked at, so it never uses the code up.
//!
//! The answer is `{access_token, token_type: "Bearer", expires_in, refresh_token}`, plus
//! `id_token` to an `authorization_code` exchange when `openid` was granted. No `scope` (Whop
//! documents none) and no `id_token` on a refresh (Whop documents none there either).

use bytes::Bytes;
use http::{Response, StatusCode};
use serde_json::json;
use tokio::time::Instant;

use super::params::{Params, Refusal, basic_credentials, issuer, no_store};
use super::pkce::{challenge_of, is_code_verifier};
use super::store::{CodeLookup, Grant};
use crate::answer::RequestInfo;
use crate::state::State;

impl State {
    pub(crate) fn token(&mut self, info: &RequestInfo, now: Instant) -> Response<Bytes> {
        self.token_grant(info, now)
            .unwrap_or_else(|refusal| refusal.response())
    }

    fn token_grant(
        &mut self,
        info: &RequestInfo,
        now: Instant,
    ) -> Result<Response<Bytes>, Refusal> {
        let params = Params::from_body(info)?;
        let grant_type = params.require("grant_type")?;
        if !matches!(grant_type, "authorization_code" | "refresh_token") {
            return Err(Refusal::new(
                "unsupported_grant_type",
                "grant_type must be authorization_code or refresh_token",
            ));
        }
        let client_id = self.authenticate_client(info, &params)?;
        let (grant, with_id_token) = if grant_type == "authorization_code" {
            (self.redeem_code(&params, &client_id, now)?, true)
        } else {
            let refresh_token = params.require("refresh_token")?;
            let company_id = params.get("company_id")?;
            let grant = self
                .oauth_mut()
                .rotate(refresh_token, &client_id, company_id)
                .map_err(|why| Refusal::new("invalid_grant", why))?;
            (grant, false)
        };
        let issued = self.oauth_mut().issue_tokens(&grant, now);
        let mut body = json!({
            "access_token": issued.access_token,
            "token_type": "Bearer",
            "expires_in": issued.expires_in,
            "refresh_token": issued.refresh_token,
        });
        if with_id_token && grant.has_scope("openid") {
            body["id_token"] = json!(self.id_token(&grant, &issuer(info))?);
        }
        Ok(no_store(StatusCode::OK, &body))
    }

    /// Exchanges the code of `params` for its grant, or `invalid_grant`.
    fn redeem_code(
        &mut self,
        params: &Params,
        client_id: &str,
        now: Instant,
    ) -> Result<Grant, Refusal> {
        let code = params.require("code")?;
        let redirect_uri = params.require("redirect_uri")?;
        let verifier = params.require("code_verifier")?;
        if !is_code_verifier(verifier) {
            return Err(Refusal::new(
                "invalid_request",
                "code_verifier must be 43 to 128 unreserved characters",
            ));
        }
        let code = match self.oauth_mut().take_code(code, now) {
            CodeLookup::Fresh(code) => code,
            CodeLookup::Unusable(why) => return Err(Refusal::new("invalid_grant", why)),
        };
        let refused = |why: &str| Err(Refusal::new("invalid_grant", why));
        if code.grant.client_id != client_id {
            return refused("the authorization code was issued to another client");
        }
        if code.redirect_uri != redirect_uri {
            return refused("redirect_uri differs from the one authorized");
        }
        if challenge_of(verifier) != code.code_challenge {
            return refused("code_verifier does not match the code_challenge");
        }
        Ok(code.grant)
    }

    /// The client ID, once the client has authenticated as its type requires.
    pub(crate) fn authenticate_client(
        &self,
        info: &RequestInfo,
        params: &Params,
    ) -> Result<String, Refusal> {
        let body_id = params.get("client_id")?;
        let body_secret = params.get("client_secret")?;
        let (client_id, secret) = match basic_credentials(info)? {
            Some((id, secret)) => {
                if body_secret.is_some() {
                    return Err(Refusal::new(
                        "invalid_request",
                        "client credentials sent both with HTTP Basic and in the body",
                    ));
                }
                if body_id.is_some_and(|body_id| body_id != id) {
                    return Err(Refusal::new(
                        "invalid_client",
                        "client_id differs from HTTP Basic's",
                    ));
                }
                (id, Some(secret))
            }
            None => {
                let id = body_id
                    .ok_or_else(|| Refusal::new("invalid_request", "client_id is required"))?;
                (id.to_owned(), body_secret.map(str::to_owned))
            }
        };
        let app = self
            .oauth()
            .app(&client_id)
            .ok_or_else(|| Refusal::new("invalid_client", "unknown client_id"))?;
        match (app.secret(), secret) {
            (None, _) => Ok(client_id),
            (Some(_), None) => Err(Refusal::new("invalid_client", "client_secret is required")),
            (Some(expected), Some(sent)) if expected == sent => Ok(client_id),
            (Some(_), Some(_)) => Err(Refusal::new("invalid_client", "wrong client_secret")),
        }
    }
}
