//! The legacy exchange, `POST /api/v5/oauth/token`: a code from Whop's old authorize page, with
//! the client secret, for an access token alone (no refresh token, no expiry).
//!
//! Whop's v5 spec documents a JSON body of five required fields and a `{access_token}` answer,
//! with 201 in one version of the spec and 200 in a later one: both are success here. No PKCE and
//! no `state` check happen at this step (the old flow has none to check here); use it only for
//! integrations that still sign users in the old way.

use bytes::Bytes;
use serde::{Deserialize, Serialize};

use crate::userinfo::endpoint_error;
use crate::{ClientAuth, Error, OAuthClient, TokenSet};

#[derive(Serialize)]
struct LegacyRequest<'a> {
    grant_type: &'a str,
    code: &'a str,
    client_id: &'a str,
    client_secret: &'a str,
    redirect_uri: &'a str,
}

#[derive(Deserialize)]
struct LegacyResponse {
    access_token: String,
}

impl OAuthClient {
    /// Exchanges a legacy authorization `code` at `/api/v5/oauth/token`, authenticating with the
    /// client secret this client was built with (in the JSON body, as the v5 spec says, whatever
    /// the [`ClientAuth`] mode).
    ///
    /// # Errors
    /// [`Error::Config`] (nothing sent) if the client has no secret; [`Error::Endpoint`] or
    /// [`Error::Response`] if Whop refuses; [`Error::Http`].
    pub async fn legacy_exchange(&self, code: &str) -> Result<TokenSet, Error> {
        let secret = match &self.auth {
            ClientAuth::SecretInBody(secret) | ClientAuth::Basic(secret) => secret,
            ClientAuth::None => {
                return Err(Error::Config(
                    "the legacy exchange needs the app's client secret".to_owned(),
                ));
            }
        };
        let redirect_uri = self
            .protocol
            .redirect_uri()
            .map(|uri| uri.as_str())
            .unwrap_or_default();
        let body = serde_json::to_vec(&LegacyRequest {
            grant_type: "authorization_code",
            code,
            client_id: self.client_id(),
            client_secret: secret.secret(),
            redirect_uri,
        })
        .map_err(|e| Error::Config(format!("cannot encode the legacy exchange: {e}")))?;
        let request = http::Request::post(self.endpoints.legacy_token().as_str())
            .header(http::header::CONTENT_TYPE, "application/json")
            .header(http::header::ACCEPT, "application/json")
            .body(Bytes::from(body))
            .map_err(|e| Error::Config(format!("cannot build the legacy exchange: {e}")))?;
        let response = self.http.send(request).await.map_err(Error::Http)?;
        let status = response.status();
        if !status.is_success() {
            return Err(endpoint_error(status, response.body()));
        }
        let decoded: LegacyResponse =
            serde_json::from_slice(response.body()).map_err(|e| Error::Response {
                status: Some(status),
                message: format!("the legacy token did not decode: {:?}", e.classify()),
            })?;
        Ok(TokenSet::new(decoded.access_token, None, None))
    }
}
