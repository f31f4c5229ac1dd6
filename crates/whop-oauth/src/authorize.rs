//! The authorization step: the URL the user's browser opens, and the callback it comes back to.
//!
//! [`OAuthClient::authorize`] builds the URL with `oauth2` (which makes the `state` and the PKCE
//! verifier and its `S256` challenge) and returns a [`PendingAuthorization`] that remembers them.
//! [`OAuthClient::finish`] takes that pending sign-in by value, so its code can be exchanged only
//! once, and the [`Callback`] the browser brought back.

use std::fmt;
use std::time::SystemTime;

use oauth2::url::form_urlencoded;
use oauth2::{AuthorizationCode, CsrfToken, PkceCodeChallenge, PkceCodeVerifier, Scope};
use serde::{Deserialize, Serialize};

use crate::client::request_error;
use crate::{Error, IdTokenClaims, OAuthClient, OAuthErrorCode, TokenSet};

/// The scopes asked when none are given: OpenID's, as Whop's guide does.
pub const DEFAULT_SCOPES: [&str; 3] = ["openid", "profile", "email"];

/// The scope that makes the server issue an `id_token`, and so calls for a `nonce`.
const OPENID: &str = "openid";

/// An authorization URL being built. From [`OAuthClient::authorize`].
#[derive(Debug)]
#[must_use = "call .start() to get the URL"]
pub struct AuthorizeRequest<'a> {
    client: &'a OAuthClient,
    scopes: Vec<String>,
    company_id: Option<String>,
}

impl OAuthClient {
    /// Starts a sign-in: the scopes are [`DEFAULT_SCOPES`] until set.
    pub fn authorize(&self) -> AuthorizeRequest<'_> {
        AuthorizeRequest {
            client: self,
            scopes: DEFAULT_SCOPES.map(str::to_owned).to_vec(),
            company_id: None,
        }
    }
}

impl AuthorizeRequest<'_> {
    /// Asks for exactly `scopes` (Whop permission strings such as `member:basic:read` may be
    /// among them). Keep `openid` to get an `id_token` and to call `userinfo`.
    pub fn scopes<I, S>(mut self, scopes: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.scopes = scopes.into_iter().map(Into::into).collect();
        self
    }

    /// Scopes the grant to the business `company_id` (`biz_…`); refreshes repeat it.
    pub fn company_id(mut self, company_id: impl Into<String>) -> Self {
        self.company_id = Some(company_id.into());
        self
    }

    /// The URL and what the callback will be checked against.
    pub fn start(self) -> PendingAuthorization {
        let (challenge, verifier) = PkceCodeChallenge::new_random_sha256();
        // The nonce is made as the state is: 16 random bytes, base64url (oauth2's generator).
        let nonce = self
            .scopes
            .iter()
            .any(|s| s == OPENID)
            .then(CsrfToken::new_random);
        let mut request = self
            .client
            .protocol
            .authorize_url(CsrfToken::new_random)
            .add_scopes(self.scopes.iter().cloned().map(Scope::new))
            .set_pkce_challenge(challenge);
        if let Some(nonce) = &nonce {
            request = request.add_extra_param("nonce", nonce.secret().clone());
        }
        if let Some(company_id) = &self.company_id {
            request = request.add_extra_param("company_id", company_id.clone());
        }
        let (url, state) = request.url();
        PendingAuthorization {
            url: url.into(),
            state,
            verifier,
            nonce,
            company_id: self.company_id,
        }
    }
}

/// A sign-in waiting for its callback: the URL to open, and the `state`, PKCE verifier and
/// `nonce` the callback is checked against. Keep it on the side that started the sign-in (in
/// memory, or in a server-side session: it serializes). `Debug` shows only the URL.
#[derive(Deserialize, Serialize)]
pub struct PendingAuthorization {
    url: String,
    state: CsrfToken,
    verifier: PkceCodeVerifier,
    nonce: Option<CsrfToken>,
    company_id: Option<String>,
}

impl fmt::Debug for PendingAuthorization {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PendingAuthorization")
            .field("url", &self.url)
            .finish_non_exhaustive()
    }
}

impl PendingAuthorization {
    /// The authorization URL to open in the user's browser.
    pub fn url(&self) -> &str {
        &self.url
    }

    /// The `state` sent (to find this pending sign-in again when several are open).
    pub fn state(&self) -> &str {
        self.state.secret()
    }

    /// The `nonce` sent, if `openid` was asked: the `id_token` must carry it.
    pub fn nonce(&self) -> Option<&str> {
        self.nonce.as_ref().map(|n| n.secret().as_str())
    }
}

/// What the browser brought back to the redirect URI: `code` and `state`, or `error` and
/// `error_description`. `Debug` shows no code.
#[derive(Clone, Default)]
pub struct Callback {
    code: Option<String>,
    state: Option<String>,
    error: Option<String>,
    error_description: Option<String>,
}

impl fmt::Debug for Callback {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Callback")
            .field("has_code", &self.code.is_some())
            .field("has_state", &self.state.is_some())
            .field("error", &self.error)
            .field("error_description", &self.error_description)
            .finish()
    }
}

impl Callback {
    /// Reads the redirect's query string (`code=…&state=…`, with or without a leading `?`).
    /// Unknown parameters are ignored; a repeated one keeps its first value.
    pub fn from_query(query: &str) -> Self {
        let mut callback = Self::default();
        for (name, value) in form_urlencoded::parse(query.trim_start_matches('?').as_bytes()) {
            let slot = match &*name {
                "code" => &mut callback.code,
                "state" => &mut callback.state,
                "error" => &mut callback.error,
                "error_description" => &mut callback.error_description,
                _ => continue,
            };
            slot.get_or_insert_with(|| value.into_owned());
        }
        callback
    }
}

impl OAuthClient {
    /// Finishes the sign-in `pending` with the browser's `callback`: checks the `state` (in
    /// constant time), turns an `error` into [`Error::Authorization`], and exchanges the code,
    /// once, with the PKCE verifier.
    ///
    /// # Errors
    /// [`Error::StateMismatch`] (nothing sent), [`Error::Authorization`], [`Error::MissingCode`],
    /// [`Error::Endpoint`] (`invalid_grant` for a used or expired code or a wrong verifier),
    /// [`Error::IdToken`] when an `id_token` came back and fails
    /// [`verify_id_token`](Self::verify_id_token), [`Error::Http`], [`Error::Response`].
    pub async fn finish(
        &self,
        pending: PendingAuthorization,
        callback: &Callback,
    ) -> Result<SignedIn, Error> {
        match &callback.state {
            Some(state) if CsrfToken::new(state.clone()) == pending.state => {}
            // An error redirect without a state grants nothing: report the error itself.
            None if callback.error.is_some() => {}
            _ => return Err(Error::StateMismatch),
        }
        if let Some(code) = &callback.error {
            return Err(Error::Authorization {
                code: OAuthErrorCode::from(code.as_str()),
                description: callback.error_description.clone(),
            });
        }
        let code = callback.code.clone().ok_or(Error::MissingCode)?;
        let response = self
            .protocol
            .exchange_code(AuthorizationCode::new(code))
            .set_pkce_verifier(pending.verifier)
            .request_async(&self.http)
            .await
            .map_err(request_error)?;
        let tokens =
            TokenSet::from_response(&response, SystemTime::now(), pending.company_id, None);
        let nonce = pending.nonce.map(|n| n.secret().clone());
        // An id_token that fails its checks refuses the whole sign-in: its tokens are dropped.
        let id_token = match tokens.id_token() {
            Some(id_token) => Some(self.verify_id_token(id_token, nonce.as_deref()).await?),
            None => None,
        };
        Ok(SignedIn {
            tokens,
            nonce,
            id_token,
        })
    }
}

/// A finished sign-in: the tokens, the `nonce` sent, and the verified `id_token`'s claims.
#[derive(Debug)]
#[non_exhaustive]
pub struct SignedIn {
    /// The user's tokens.
    pub tokens: TokenSet,
    /// The nonce sent with the authorization request, if `openid` was asked.
    pub nonce: Option<String>,
    /// The `id_token`'s claims, verified, when the server sent one.
    pub id_token: Option<IdTokenClaims>,
}
