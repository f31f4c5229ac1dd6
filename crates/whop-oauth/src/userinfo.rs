//! `GET /oauth/userinfo`: who signed in.

use bytes::Bytes;
use serde::{Deserialize, Serialize};

use crate::{Error, OAuthClient, OAuthErrorCode, TokenSet};

/// The signed-in user's OpenID claims. `sub` always; the others with the `profile` and `email`
/// scopes; any claim Whop adds is kept in `other`.
#[derive(Clone, Debug, PartialEq, Deserialize, Serialize)]
pub struct UserInfo {
    /// The user's ID (`user_…`).
    pub sub: String,
    /// Display name (`profile`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// Username (`profile`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub preferred_username: Option<String>,
    /// Avatar URL (`profile`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub picture: Option<String>,
    /// Email address (`email`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    /// Whether Whop verified the address (`email`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email_verified: Option<bool>,
    /// Every other claim, as sent.
    #[serde(flatten)]
    pub other: serde_json::Map<String, serde_json::Value>,
}

impl OAuthClient {
    /// The claims of the user `tokens` belong to (the sign-in must have asked for `openid`).
    ///
    /// # Errors
    /// [`Error::Unauthorized`] on 401 (an expired or revoked access token: refresh, or sign in
    /// again); [`Error::Endpoint`] for another `{"error": …}`; [`Error::Http`],
    /// [`Error::Response`].
    pub async fn userinfo(&self, tokens: &TokenSet) -> Result<UserInfo, Error> {
        let request = http::Request::get(self.endpoints.userinfo().as_str())
            .header(http::header::AUTHORIZATION, tokens.bearer()?.header_value())
            .header(http::header::ACCEPT, "application/json")
            .body(Bytes::new())
            .map_err(|e| Error::Config(format!("cannot build the userinfo request: {e}")))?;
        let response = self.http.send(request).await.map_err(Error::Http)?;
        let status = response.status();
        if status == http::StatusCode::UNAUTHORIZED {
            return Err(Error::Unauthorized);
        }
        if !status.is_success() {
            return Err(endpoint_error(status, response.body()));
        }
        serde_json::from_slice(response.body()).map_err(|e| Error::Response {
            status: Some(status),
            message: format!(
                "the userinfo did not decode: {:?} at line {}",
                e.classify(),
                e.line()
            ),
        })
    }
}

/// A non-2xx answer of an OAuth endpoint: its `{error, error_description}`, or its status alone.
pub(crate) fn endpoint_error(status: http::StatusCode, body: &[u8]) -> Error {
    #[derive(Deserialize)]
    struct Body {
        error: String,
        error_description: Option<String>,
    }
    match serde_json::from_slice::<Body>(body) {
        Ok(body) => Error::Endpoint {
            code: OAuthErrorCode::from(body.error.as_str()),
            description: body.error_description,
        },
        Err(_) => Error::Response {
            status: Some(status),
            message: "an error status without an OAuth error body".to_owned(),
        },
    }
}
