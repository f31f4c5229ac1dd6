//! The server's seal (feature `issue`): a MAC over a token's payload, in its footer, with which
//! the server opens its own tokens without an Ed25519 verify.

use std::borrow::Cow;

use ct_codecs::{Base64UrlSafeNoPadding, Decoder, Encoder};
use orion::hazardous::mac::hmac::sha256::{HmacSha256, SecretKey, Tag};
use zeroize::Zeroizing;

use crate::license::{Footer, WireClaims};
use crate::verify::MAX_TOKEN_LEN;
use crate::{License, Refusal, SigningKeys};

/// Prefixed to the payload before it is sealed: versions the seal, as the implicit assertion
/// versions the signature.
const SEAL_LABEL: &[u8] = b"whop-license seal v1";
/// The message whose HMAC under the secret seed is the seal key: one key per purpose, so the
/// seal never uses the signing seed itself.
const SEAL_KEY_LABEL: &[u8] = b"whop-license seal key v1";
const HEADER: &str = "v4.public.";
/// An Ed25519 signature, at the end of a `v4.public` token's decoded body.
const SIGNATURE_LEN: usize = 64;
/// An HMAC-SHA256 tag.
const SEAL_LEN: usize = 32;

/// The key a signing key seals with: HMAC-SHA256(seed, `whop-license seal key v1`). Wiped on
/// drop; never printed (no `Debug`).
#[derive(Clone)]
pub(crate) struct SealKey(Zeroizing<[u8; SEAL_LEN]>);

impl SealKey {
    /// The seal key of the Ed25519 secret `seed` (its 32 bytes); `None` if HMAC fails.
    pub(crate) fn derive(seed: &[u8]) -> Option<Self> {
        let seed = SecretKey::from_slice(seed).ok()?;
        let tag = HmacSha256::hmac(&seed, SEAL_KEY_LABEL).ok()?;
        let mut key = Zeroizing::new([0u8; SEAL_LEN]);
        key.copy_from_slice(tag.unprotected_as_bytes());
        Some(Self(key))
    }

    fn tag(&self, payload: &[u8]) -> Option<Tag> {
        let key = SecretKey::from_slice(&*self.0).ok()?;
        let mut state = HmacSha256::new(&key);
        state.update(SEAL_LABEL).ok()?;
        state.update(payload).ok()?;
        state.finalize().ok()
    }

    /// The seal of `payload` (the exact bytes signed), as the footer carries it.
    pub(crate) fn seal(&self, payload: &[u8]) -> Option<String> {
        let tag = self.tag(payload)?;
        Base64UrlSafeNoPadding::encode_to_string(tag.unprotected_as_bytes()).ok()
    }

    /// Whether `seal` (decoded) is the seal of `payload`, compared in constant time (orion's
    /// `Tag` equality).
    fn matches(&self, payload: &[u8], seal: &[u8]) -> bool {
        let Ok(given) = Tag::from_slice(seal) else {
            return false;
        };
        self.tag(payload).is_some_and(|tag| tag == given)
    }
}

/// `text` decoded from unpadded base64url (the canonical spelling only, as pasetors reads it).
fn decode(text: &str) -> Option<Vec<u8>> {
    Base64UrlSafeNoPadding::decode_to_vec(text, None).ok()
}

impl SigningKeys {
    /// Opens a token this server issued: as [`KeySet::open`](crate::KeySet::open) with
    /// [`key_set`](Self::key_set) (key id and authenticity only, no product, machine or time
    /// checks), but without the Ed25519 verify when the token carries a seal made by one of these
    /// keys. For the server's refresh.
    ///
    /// # Why
    /// A refresh from cache does little besides its token work, and that work was `open` (an
    /// Ed25519 verify: 64 µs in the bench, ed25519-compact) plus a sign (29 µs): on 2 cores that
    /// caps a server near 20,000 refreshes/s before any HTTP. `open_own` on a sealed token
    /// (an HMAC-SHA256 of a few hundred bytes, with the base64, JSON and times `open` also reads)
    /// takes 6 µs (`cargo run --release -p whop-bench --bin license-server`).
    ///
    /// # The seal
    /// [`SigningKey::sign`](crate::SigningKey::sign) puts in the footer, beside `kid`,
    /// `seal` = base64url(HMAC-SHA256(K, `whop-license seal v1` ‖ payload)), where the payload is
    /// the exact claims bytes that are signed and K = HMAC-SHA256(the key's secret seed,
    /// `whop-license seal key v1`). The footer is signed like the payload, so apps (which ignore
    /// `seal`) verify exactly as before.
    ///
    /// # Why trusting it is sound
    /// - Only a holder of the secret key can make a seal: K is derived from the secret seed by a
    ///   PRF, and HMAC-SHA256 is unforgeable without K. A holder of the secret can sign anyway.
    /// - The seal binds the exact payload bytes, so the claims returned are the claims sealed;
    ///   any other payload fails the comparison (constant time).
    /// - The footer's `kid` selects the one key whose K is tried; a token naming a key not held
    ///   here is [`Refusal::UnknownKey`], as in `open`.
    /// - No seal, or one that does not match, falls back to the full `open`: tokens issued
    ///   before seals existed and tampered tokens are judged exactly as before (a tampered token
    ///   is refused).
    ///
    /// What the seal does not cover is the signature bytes (it is inside what they sign): a token
    /// whose payload and footer are intact but whose signature was altered opens with the very
    /// claims the server issued. That gives nothing to whoever altered it: they already held the
    /// genuine token with those claims, and the app's verifier refuses the altered one.
    ///
    /// # Errors
    /// As [`KeySet::open`](crate::KeySet::open).
    pub fn open_own(&self, token: &str) -> Result<License, Refusal> {
        match self.open_sealed(token) {
            Some(opened) => opened,
            None => self.key_set_ref().open(token),
        }
    }

    /// The sealed path: `None` when the token has no matching seal (the caller falls back).
    fn open_sealed(&self, token: &str) -> Option<Result<License, Refusal>> {
        if token.len() > MAX_TOKEN_LEN {
            return None;
        }
        let (body, footer) = token.strip_prefix(HEADER)?.split_once('.')?;
        let body = decode(body)?;
        let payload = body.get(..body.len().checked_sub(SIGNATURE_LEN)?)?;
        let footer = decode(footer)?;
        let footer: Footer<'_> = serde_json::from_slice(&footer).ok()?;
        let seal = decode(footer.seal.as_deref()?)?;
        let key = self.keys().find(|key| key.id().as_str() == footer.kid)?;
        if !key.seal_key().matches(payload, &seal) {
            return None;
        }
        Some(
            serde_json::from_slice::<WireClaims>(payload)
                .ok()
                .and_then(|claims| License::from_wire(claims, key.id().clone()))
                .ok_or(Refusal::BadClaims),
        )
    }
}

/// The footer of a token signed by the key `kid` over `payload`, sealed with `seal_key`.
pub(crate) fn footer<'a>(kid: &'a str, seal_key: &SealKey, payload: &[u8]) -> Option<Footer<'a>> {
    Some(Footer {
        kid: Cow::Borrowed(kid),
        seal: Some(Cow::Owned(seal_key.seal(payload)?)),
    })
}
