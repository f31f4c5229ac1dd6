//! `POST /api/v5/oauth/token`: the legacy exchange, for integrations that still have such codes.
//! A JSON (or form) body of `code`, `client_id`, `client_secret`, `grant_type=authorization_code`
//! and `redirect_uri`; no PKCE; the answer is `{"access_token"}` only (Whop's 2025 spec; an older
//! rendering said `201`, the spec `200`, which is what this answers). The code comes from
//! `GET /oauth/authorize` like any other, and is used up alike.

use bytes::Bytes;
use http::{Response, StatusCode};
use serde_json::json;
use tokio::time::Instant;

use super::params::{Params, Refusal, no_store};
use super::store::CodeLookup;
use crate::answer::RequestInfo;
use crate::state::State;

impl State {
    pub(crate) fn legacy_token(&mut self, info: &RequestInfo, now: Instant) -> Response<Bytes> {
        self.legacy_exchange(info, now)
            .unwrap_or_else(|refusal| refusal.response())
    }

    fn legacy_exchange(
        &mut self,
        info: &RequestInfo,
        now: Instant,
    ) -> Result<Response<Bytes>, Refusal> {
        let params = Params::from_body(info)?;
        if params.require("grant_type")? != "authorization_code" {
            return Err(Refusal::new(
                "unsupported_grant_type",
                "grant_type must be authorization_code",
            ));
        }
        if params.get("client_secret")?.is_none() {
            return Err(Refusal::new("invalid_client", "client_secret is required"));
        }
        let client_id = self.authenticate_client(info, &params)?;
        // A public app's "secret" is never checked, so it cannot pass for one here.
        if self
            .oauth()
            .app(&client_id)
            .and_then(|app| app.secret())
            .is_none()
        {
            return Err(Refusal::new(
                "invalid_client",
                "the legacy exchange is for a confidential app, with its secret",
            ));
        }
        let code = params.require("code")?;
        let redirect_uri = params.require("redirect_uri")?;
        let code = match self.oauth_mut().take_code(code, now) {
            CodeLookup::Fresh(code) => code,
            CodeLookup::Unusable(why) => return Err(Refusal::new("invalid_grant", why)),
        };
        if code.grant.client_id != client_id || code.redirect_uri != redirect_uri {
            return Err(Refusal::new(
                "invalid_grant",
                "the code was issued to another client or redirect_uri",
            ));
        }
        let issued = self.oauth_mut().issue_tokens(&code.grant, now);
        Ok(no_store(
            StatusCode::OK,
            &json!({ "access_token": issued.access_token }),
        ))
    }
}
