//! `GET /oauth/authorize`: checks the request as Whop does, then stands in for the consent
//! screen: the configured user consents (a `302` back with `code` and `state`) or refuses
//! (`error=access_denied`).
//!
//! A request whose `client_id` or `redirect_uri` is wrong gets a `400` with the error as JSON,
//! never a redirect: an unchecked redirect URI would send the error (and the user) anywhere
//! (RFC 6749 §4.1.2.1). Every other refusal goes back to the redirect URI with `error`,
//! `error_description` and the `state` sent.

use bytes::Bytes;
use http::{Response, StatusCode};
use tokio::time::Instant;

use super::params::{Params, Refusal, redirect};
use super::pkce::is_code_challenge;
use super::store::Grant;
use crate::answer::RequestInfo;
use crate::state::State;

impl State {
    pub(crate) fn authorize(&mut self, info: &RequestInfo, now: Instant) -> Response<Bytes> {
        let params = Params::from_query(info.query.as_deref());
        let redirect_uri = match self.checked_redirect(&params) {
            Ok(redirect_uri) => redirect_uri,
            Err(refusal) => return refusal.response_with(StatusCode::BAD_REQUEST),
        };
        let state = params.get("state").ok().flatten().map(str::to_owned);
        match self.consent(&params, &redirect_uri, now) {
            Ok(code) => redirect(
                &redirect_uri,
                &with_state(("code", &code), state.as_deref()),
            ),
            Err(refusal) => {
                let mut query = vec![
                    ("error", refusal.error),
                    ("error_description", refusal.description.as_str()),
                ];
                if let Some(state) = &state {
                    query.push(("state", state));
                }
                redirect(&redirect_uri, &query)
            }
        }
    }

    /// The client's redirect URI, once the client is known and the URI registered.
    fn checked_redirect(&self, params: &Params) -> Result<String, Refusal> {
        let client_id = params.require("client_id")?;
        let app = self
            .oauth()
            .app(client_id)
            .ok_or_else(|| Refusal::new("invalid_client", "unknown client_id"))?;
        let redirect_uri = params.require("redirect_uri")?;
        if !app.accepts_redirect(redirect_uri) {
            return Err(Refusal::new(
                "invalid_request",
                "redirect_uri does not exactly match a registered redirect URI",
            ));
        }
        Ok(redirect_uri.to_owned())
    }

    /// Checks the rest of the request; if the user consents, the code.
    fn consent(
        &mut self,
        params: &Params,
        redirect_uri: &str,
        now: Instant,
    ) -> Result<String, Refusal> {
        match params.get("response_type")? {
            Some("code") => {}
            Some(_) => {
                return Err(Refusal::new(
                    "unsupported_response_type",
                    "response_type must be code",
                ));
            }
            None => return Err(Refusal::new("invalid_request", "response_type is required")),
        }
        params.require("state")?;
        let client_id = params.require("client_id")?.to_owned();
        let scopes = self.checked_scopes(&client_id, params.require("scope")?)?;
        let code_challenge = params.require("code_challenge")?;
        match params.get("code_challenge_method")? {
            Some("S256") => {}
            _ => {
                return Err(Refusal::new(
                    "invalid_request",
                    "code_challenge_method must be S256 (plain is not allowed)",
                ));
            }
        }
        if !is_code_challenge(code_challenge) {
            return Err(Refusal::new(
                "invalid_request",
                "code_challenge must be the unpadded base64url SHA-256 of the verifier",
            ));
        }
        let nonce = params.get("nonce")?.map(str::to_owned);
        if scopes.iter().any(|s| s == "openid") && nonce.is_none() {
            return Err(Refusal::new(
                "invalid_request",
                "nonce is required when openid is requested",
            ));
        }
        let company_id = params.get("company_id")?.map(str::to_owned);
        if !self.oauth().consents() {
            return Err(Refusal::new(
                "access_denied",
                "the user denied the authorization request",
            ));
        }
        let family = self.oauth_mut().new_family();
        let grant = Grant {
            client_id,
            user_id: self.oauth().user_id().to_owned(),
            scopes,
            nonce,
            company_id,
            family,
        };
        let code_challenge = code_challenge.to_owned();
        Ok(self
            .oauth_mut()
            .issue_code(grant, redirect_uri.to_owned(), code_challenge, now))
    }

    /// The space-separated scopes, each one the app may ask for.
    fn checked_scopes(&self, client_id: &str, scope: &str) -> Result<Vec<String>, Refusal> {
        let app = self
            .oauth()
            .app(client_id)
            .ok_or_else(|| Refusal::new("invalid_client", "unknown client_id"))?;
        let mut scopes: Vec<String> = Vec::new();
        for scope in scope.split(' ').filter(|s| !s.is_empty()) {
            if !app.allows_scope(scope) {
                return Err(Refusal::new(
                    "invalid_scope",
                    format!("scope {scope} is not enabled for this app"),
                ));
            }
            if scope == "openid" && !super::OIDC_SIGNING {
                return Err(Refusal::new(
                    "invalid_scope",
                    "openid needs whop-mock's `oidc` feature (it signs the id_token)",
                ));
            }
            if !scopes.iter().any(|s| s == scope) {
                scopes.push(scope.to_owned());
            }
        }
        if scopes.is_empty() {
            return Err(Refusal::new("invalid_request", "scope is required"));
        }
        Ok(scopes)
    }
}

fn with_state<'a>(pair: (&'a str, &'a str), state: Option<&'a str>) -> Vec<(&'a str, &'a str)> {
    let mut query = vec![pair];
    if let Some(state) = state {
        query.push(("state", state));
    }
    query
}
