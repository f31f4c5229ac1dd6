//! The stateless halves of keeping a grant: refresh one [`TokenSet`], revoke one.
//! [`TokenSource`](crate::TokenSource) builds on them with a store and one refresh at a time.

use std::time::SystemTime;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use bytes::Bytes;
use http::HeaderValue;
use http::header::{ACCEPT, AUTHORIZATION, CONTENT_TYPE};
use oauth2::url::form_urlencoded;

use crate::client::request_error;
use crate::userinfo::endpoint_error;
use crate::{ClientAuth, Error, OAuthClient, OAuthErrorCode, TokenSet};

impl OAuthClient {
    /// Exchanges `tokens`' refresh token (with its `company_id`, which Whop requires to be the
    /// same) for a new set. Whop rotates refresh tokens: the old one is dead once this succeeds,
    /// so store the result before anything else uses `tokens`.
    ///
    /// # Errors
    /// [`Error::SignInAgain`] if `tokens` has no refresh token or the server answers
    /// `invalid_grant` (expired, revoked, or already used); otherwise as
    /// [`finish`](Self::finish).
    pub async fn refresh(&self, tokens: &TokenSet) -> Result<TokenSet, Error> {
        let Some(refresh_token) = tokens.refresh_token() else {
            return Err(Error::SignInAgain {
                reason: "the stored sign-in has no refresh token".to_owned(),
            });
        };
        let mut request = self.protocol.exchange_refresh_token(refresh_token);
        if let Some(company_id) = tokens.company_id() {
            request = request.add_extra_param("company_id", company_id.to_owned());
        }
        let response =
            request
                .request_async(&self.http)
                .await
                .map_err(|e| match request_error(e) {
                    Error::Endpoint {
                        code: OAuthErrorCode::InvalidGrant,
                        description,
                    } => Error::SignInAgain {
                        reason: format!(
                            "Whop refused the refresh token (invalid_grant{})",
                            description.map(|d| format!(": {d}")).unwrap_or_default()
                        ),
                    },
                    other => other,
                })?;
        Ok(TokenSet::from_response(
            &response,
            SystemTime::now(),
            tokens.company_id().map(str::to_owned),
            Some(refresh_token.clone()),
        ))
    }

    /// Revokes `tokens`' refresh token (Whop cannot revoke access tokens: they live out their
    /// hour). A set without a refresh token has nothing to revoke and succeeds.
    ///
    /// Sent by this crate rather than by `oauth2`, whose revocation request refuses any URL but
    /// `https`, and so a loopback test server; the form is RFC 7009's, with the client
    /// authentication of the token requests.
    ///
    /// # Errors
    /// [`Error::Endpoint`], [`Error::Http`], [`Error::Response`].
    pub async fn revoke(&self, tokens: &TokenSet) -> Result<(), Error> {
        let Some(refresh_token) = tokens.refresh_token() else {
            return Ok(());
        };
        let request = self.revocation_request(refresh_token.secret())?;
        let response = self.http.send(request).await.map_err(Error::Http)?;
        if response.status().is_success() {
            Ok(())
        } else {
            Err(endpoint_error(response.status(), response.body()))
        }
    }

    /// The RFC 7009 revocation request for `refresh_token`. Built apart from [`revoke`]'s
    /// `await` so that no form serializer (which holds a non-`Sync` closure) lives across it:
    /// `revoke`'s future stays `Send`, as a web handler or a spawned task needs.
    ///
    /// [`revoke`]: Self::revoke
    fn revocation_request(&self, refresh_token: &str) -> Result<http::Request<Bytes>, Error> {
        let mut form = form_urlencoded::Serializer::new(String::new());
        form.append_pair("token", refresh_token)
            .append_pair("token_type_hint", "refresh_token");
        let mut request = http::Request::post(self.endpoints.revoke().as_str())
            .header(CONTENT_TYPE, "application/x-www-form-urlencoded")
            .header(ACCEPT, "application/json");
        match &self.auth {
            ClientAuth::None => {
                form.append_pair("client_id", self.client_id());
            }
            ClientAuth::SecretInBody(secret) => {
                form.append_pair("client_id", self.client_id())
                    .append_pair("client_secret", secret.secret());
            }
            ClientAuth::Basic(secret) => {
                request = request.header(AUTHORIZATION, basic(self.client_id(), secret.secret())?);
            }
        }
        request
            .body(Bytes::from(form.finish()))
            .map_err(|e| Error::Config(format!("cannot build the revocation request: {e}")))
    }
}

/// RFC 6749 section 2.3.1's Basic credentials: the ID and the secret each form-encoded first.
fn basic(client_id: &str, secret: &str) -> Result<HeaderValue, Error> {
    let encode = |s: &str| form_urlencoded::byte_serialize(s.as_bytes()).collect::<String>();
    let credentials = STANDARD.encode(format!("{}:{}", encode(client_id), encode(secret)));
    let mut value = HeaderValue::try_from(format!("Basic {credentials}"))
        .map_err(|_| Error::Config("the client credentials cannot be a header".to_owned()))?;
    value.set_sensitive(true);
    Ok(value)
}
