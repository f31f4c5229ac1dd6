//! The key that signs `id_token`s (ES256, P-256), its JWKS, and the `id_token` itself.
//!
//! Signed with `ring` (already built for rustls across the workspace), with the JWS compact form
//! (`base64url(header).base64url(claims).base64url(r || s)`) written here: the mock is the test
//! oracle of the client's verifier, so it must not share the client's JOSE library, as its
//! webhook signer does not share whop-webhooks'.

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use ring::rand::SystemRandom;
use ring::signature::{ECDSA_P256_SHA256_FIXED_SIGNING, EcdsaKeyPair, KeyPair as _};
use serde_json::{Value, json};
use sha2::{Digest, Sha256};

use super::params::Refusal;
use super::store::Grant;

/// How long an `id_token` is valid: as long as Whop's access tokens.
const ID_TOKEN_LIFETIME_SECONDS: u64 = 3600;

/// A P-256 key pair made when the mock is built, with its key ID.
pub(crate) struct SigningKey {
    pair: EcdsaKeyPair,
    kid: String,
    rng: SystemRandom,
}

impl std::fmt::Debug for SigningKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SigningKey")
            .field("kid", &self.kid)
            .finish()
    }
}

impl SigningKey {
    /// A fresh key; `None` only if the system's random source fails.
    pub(crate) fn generate() -> Option<Self> {
        let rng = SystemRandom::new();
        let pkcs8 = EcdsaKeyPair::generate_pkcs8(&ECDSA_P256_SHA256_FIXED_SIGNING, &rng).ok()?;
        let pair = EcdsaKeyPair::from_pkcs8(&ECDSA_P256_SHA256_FIXED_SIGNING, pkcs8.as_ref(), &rng)
            .ok()?;
        let kid = URL_SAFE_NO_PAD.encode(&Sha256::digest(pair.public_key().as_ref())[..12]);
        Some(Self { pair, kid, rng })
    }

    /// The public key as a JWK Set.
    pub(crate) fn jwks(&self) -> Value {
        // An uncompressed SEC1 point: 0x04, then x and y, 32 bytes each.
        let point = self.pair.public_key().as_ref();
        let x = point.get(1..33).unwrap_or_default();
        let y = point.get(33..65).unwrap_or_default();
        json!({ "keys": [{
            "kty": "EC",
            "crv": "P-256",
            "x": URL_SAFE_NO_PAD.encode(x),
            "y": URL_SAFE_NO_PAD.encode(y),
            "use": "sig",
            "alg": "ES256",
            "kid": self.kid,
        }] })
    }

    /// The signed `id_token` of `grant`, issued now by `issuer`.
    pub(crate) fn id_token(&self, grant: &Grant, issuer: &str) -> Result<String, Refusal> {
        let now = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_secs());
        let header = json!({ "alg": "ES256", "typ": "JWT", "kid": self.kid });
        let mut claims = json!({
            "iss": issuer,
            "sub": grant.user_id,
            "aud": grant.client_id,
            "iat": now,
            "exp": now + ID_TOKEN_LIFETIME_SECONDS,
        });
        if let Some(nonce) = &grant.nonce {
            claims["nonce"] = json!(nonce);
        }
        let signing_input = format!(
            "{}.{}",
            URL_SAFE_NO_PAD.encode(header.to_string()),
            URL_SAFE_NO_PAD.encode(claims.to_string())
        );
        let signature = self
            .pair
            .sign(&self.rng, signing_input.as_bytes())
            .map_err(|_| Refusal::new("server_error", "signing the id_token failed"))?;
        Ok(format!(
            "{signing_input}.{}",
            URL_SAFE_NO_PAD.encode(signature.as_ref())
        ))
    }
}
