//! The `id_token` check: an ES256 JWT signed by a key of Whop's JWKS, issued by the API's origin
//! for this app (`aud` = the client ID), not expired, and carrying the sign-in's `nonce`.
//!
//! The JOSE work is `jsonwebtoken`'s (signature, `alg`, `iss`, `aud`, `exp` with 60 s of leeway);
//! this module picks the key by `kid`, insists on ES256, and compares the nonce (with `oauth2`'s
//! timing-resistant equality, as the state is).

use std::fmt;

use bytes::Bytes;
use jsonwebtoken::errors::ErrorKind;
use jsonwebtoken::jwk::JwkSet;
use jsonwebtoken::{Algorithm, DecodingKey, Validation};
use oauth2::CsrfToken;
use serde::{Deserialize, Serialize};

use crate::userinfo::endpoint_error;
use crate::{Error, OAuthClient};

/// Why an `id_token` was refused.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum IdTokenError {
    /// Not a JWT, or its claims do not decode (what was wrong, never the token).
    Malformed(String),
    /// Signed with another algorithm than ES256 (the one Whop uses), or `none`.
    Algorithm,
    /// No key of the JWKS has the token's `kid`.
    UnknownKey,
    /// The signature does not verify with the key.
    Signature,
    /// `iss` is not the API's origin.
    Issuer,
    /// `aud` is not this app's client ID.
    Audience,
    /// `exp` has passed.
    Expired,
    /// `nonce` is missing or not the one this sign-in sent.
    Nonce,
}

impl fmt::Display for IdTokenError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Malformed(why) => write!(f, "the id_token is malformed: {why}"),
            Self::Algorithm => f.write_str("the id_token is not signed with ES256"),
            Self::UnknownKey => f.write_str("no key of Whop's JWKS signed the id_token"),
            Self::Signature => f.write_str("the id_token's signature does not verify"),
            Self::Issuer => f.write_str("the id_token was issued by someone else"),
            Self::Audience => f.write_str("the id_token is for another app"),
            Self::Expired => f.write_str("the id_token has expired"),
            Self::Nonce => f.write_str("the id_token's nonce is not this sign-in's"),
        }
    }
}

impl std::error::Error for IdTokenError {}

/// The claims of a verified `id_token`.
#[derive(Clone, Debug, PartialEq, Deserialize, Serialize)]
pub struct IdTokenClaims {
    /// The user's ID (`user_…`).
    pub sub: String,
    /// The issuer.
    pub iss: String,
    /// Expiry, seconds since the epoch.
    pub exp: u64,
    /// The nonce the sign-in sent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub nonce: Option<String>,
    /// Every other claim, as sent (`aud`, `iat`, `email`, ...).
    #[serde(flatten)]
    pub other: serde_json::Map<String, serde_json::Value>,
}

impl OAuthClient {
    /// Verifies `id_token` against Whop's JWKS (fetched now), this app's client ID and the
    /// API's origin as issuer; when `nonce` is given, the token must carry exactly it.
    ///
    /// # Errors
    /// [`Error::IdToken`] with why; the JWKS request's [`Error::Http`], [`Error::Endpoint`] or
    /// [`Error::Response`].
    pub async fn verify_id_token(
        &self,
        id_token: &str,
        nonce: Option<&str>,
    ) -> Result<IdTokenClaims, Error> {
        let header = jsonwebtoken::decode_header(id_token).map_err(refused)?;
        if header.alg != Algorithm::ES256 {
            return Err(Error::IdToken(IdTokenError::Algorithm));
        }
        let jwks = self.jwks().await?;
        let jwk = match &header.kid {
            Some(kid) => jwks.find(kid),
            // Without a `kid`, only a set of one key says which key it is.
            None if jwks.keys.len() == 1 => jwks.keys.first(),
            None => None,
        }
        .ok_or(Error::IdToken(IdTokenError::UnknownKey))?;
        let key = DecodingKey::from_jwk(jwk).map_err(refused)?;
        let mut validation = Validation::new(Algorithm::ES256);
        validation.set_issuer(&[self.endpoints.issuer()]);
        validation.set_audience(&[self.client_id()]);
        validation.set_required_spec_claims(&["exp", "iss", "aud", "sub"]);
        let claims = jsonwebtoken::decode::<IdTokenClaims>(id_token, &key, &validation)
            .map_err(refused)?
            .claims;
        if let Some(expected) = nonce {
            let matches = claims.nonce.as_ref().is_some_and(|got| {
                CsrfToken::new(got.clone()) == CsrfToken::new(expected.to_owned())
            });
            if !matches {
                return Err(Error::IdToken(IdTokenError::Nonce));
            }
        }
        Ok(claims)
    }

    /// Whop's signing keys.
    async fn jwks(&self) -> Result<JwkSet, Error> {
        let request = http::Request::get(self.endpoints.jwks().as_str())
            .header(http::header::ACCEPT, "application/json")
            .body(Bytes::new())
            .map_err(|e| Error::Config(format!("cannot build the JWKS request: {e}")))?;
        let response = self.http.send(request).await.map_err(Error::Http)?;
        let status = response.status();
        if !status.is_success() {
            return Err(endpoint_error(status, response.body()));
        }
        serde_json::from_slice(response.body()).map_err(|e| Error::Response {
            status: Some(status),
            message: format!("the JWKS did not decode: {e}"),
        })
    }
}

/// What `jsonwebtoken`'s refusal means here.
fn refused(error: jsonwebtoken::errors::Error) -> Error {
    Error::IdToken(match error.kind() {
        ErrorKind::InvalidSignature => IdTokenError::Signature,
        ErrorKind::ExpiredSignature => IdTokenError::Expired,
        ErrorKind::InvalidIssuer => IdTokenError::Issuer,
        ErrorKind::InvalidAudience => IdTokenError::Audience,
        ErrorKind::InvalidAlgorithm | ErrorKind::MissingAlgorithm => IdTokenError::Algorithm,
        ErrorKind::MissingRequiredClaim(claim) => {
            IdTokenError::Malformed(format!("it has no `{claim}` claim"))
        }
        ErrorKind::Json(e) => IdTokenError::Malformed(format!("its JSON: {:?}", e.classify())),
        other => IdTokenError::Malformed(format!("{other:?}")),
    })
}
