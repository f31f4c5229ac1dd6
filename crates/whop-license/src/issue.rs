//! Issuing tokens (feature `issue`): the server's signing key and the claims it signs.

use std::fmt;
use std::time::SystemTime;

use ct_codecs::{Base64UrlSafeNoPadding, Decoder};
use pasetors::keys::{AsymmetricKeyPair, AsymmetricPublicKey, AsymmetricSecretKey, Generate};
use pasetors::paserk::FormatAsPaserk;
use pasetors::version4::{PublicToken, V4};
use zeroize::Zeroizing;

use crate::license::{IMPLICIT_ASSERTION, WireClaims, format_time};
use crate::seal::{self, SealKey};
use crate::{KeyError, KeyId, License, PublicKey};

/// What a token says, before it is signed: the fields of [`License`] without the key id, which
/// the signing key adds. The server builds it from the membership it read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Claims {
    /// The Whop membership (`mem_…`).
    pub membership_id: String,
    /// The Whop product (`prod_…`).
    pub product_id: String,
    /// The hardware id the license key is bound to.
    pub hardware_id: String,
    /// The membership's status (`active`, `trialing`, …).
    pub status: String,
    /// The end of the membership's current renewal period, if known.
    pub period_end: Option<SystemTime>,
    /// When the token is issued.
    pub issued_at: SystemTime,
    /// When the app should refresh it (soft).
    pub refresh_after: SystemTime,
    /// When it stops being usable (hard).
    pub expires_at: SystemTime,
}

impl From<License> for Claims {
    fn from(license: License) -> Self {
        Self {
            membership_id: license.membership_id,
            product_id: license.product_id,
            hardware_id: license.hardware_id,
            status: license.status,
            period_end: license.period_end,
            issued_at: license.issued_at,
            refresh_after: license.refresh_after,
            expires_at: license.expires_at,
        }
    }
}

/// Why a token could not be signed. Never holds the key or the claims' text.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum SignError {
    /// A time outside the years 0000-9999 that RFC 3339 can write.
    TimeOutOfRange {
        /// The claim: `iat`, `refresh_after`, `exp` or `period_end`.
        claim: &'static str,
    },
    /// The signing itself failed.
    Signing,
}

impl fmt::Display for SignError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::TimeOutOfRange { claim } => {
                write!(
                    f,
                    "the claim `{claim}` is outside the years RFC 3339 can write"
                )
            }
            Self::Signing => f.write_str("signing the token failed"),
        }
    }
}

impl std::error::Error for SignError {}

/// An Ed25519 signing key (PASERK `k4.secret.…`). Its `Debug` shows only its id; the secret
/// bytes (and the seal key derived from them) are wiped when it is dropped.
#[derive(Clone)]
pub struct SigningKey {
    secret: AsymmetricSecretKey<V4>,
    public: PublicKey,
    seal_key: SealKey,
}

impl SigningKey {
    /// A new key from the operating system's random source (through ed25519-compact's
    /// `getrandom`).
    ///
    /// # Errors
    /// [`KeyError::Generate`] when the random source fails.
    pub fn generate() -> Result<Self, KeyError> {
        let pair = AsymmetricKeyPair::<V4>::generate().map_err(|_| KeyError::Generate)?;
        let seal_key = seal_key_of(&pair.secret).ok_or(KeyError::Generate)?;
        Ok(Self {
            secret: pair.secret,
            public: PublicKey::from_key(pair.public),
            seal_key,
        })
    }

    /// Reads a `k4.secret.…` PASERK key (surrounding whitespace is ignored).
    ///
    /// # Errors
    /// [`KeyError::NotSecretKey`] for any other text, and for a key whose public half does not
    /// match its seed or whose seed is all zeros. The error never contains the text.
    pub fn from_paserk(text: &str) -> Result<Self, KeyError> {
        let text = text.trim();
        if has_zero_seed(text) {
            // pasetors derives the public half with a call that panics on an all-zero seed.
            return Err(KeyError::NotSecretKey);
        }
        let secret =
            AsymmetricSecretKey::<V4>::try_from(text).map_err(|_| KeyError::NotSecretKey)?;
        let public =
            AsymmetricPublicKey::<V4>::try_from(&secret).map_err(|_| KeyError::NotSecretKey)?;
        let seal_key = seal_key_of(&secret).ok_or(KeyError::NotSecretKey)?;
        Ok(Self {
            secret,
            public: PublicKey::from_key(public),
            seal_key,
        })
    }

    /// The `k4.secret.…` text, for the key file. It is a secret: write it, never print it. The
    /// returned text is wiped when dropped.
    pub fn to_paserk(&self) -> Zeroizing<String> {
        let mut text = Zeroizing::new(String::new());
        let _ = self.secret.fmt(&mut *text);
        text
    }

    /// The public half, to embed in apps.
    pub fn public_key(&self) -> &PublicKey {
        &self.public
    }

    /// The public half's id, `k4.pid.…`, written in every token's footer.
    pub fn id(&self) -> &KeyId {
        self.public.id()
    }

    /// The key this key seals its tokens with (see
    /// [`SigningKeys::open_own`](crate::SigningKeys::open_own)).
    pub(crate) fn seal_key(&self) -> &SealKey {
        &self.seal_key
    }

    /// Signs `claims` into a `v4.public.…` token whose footer names this key (`kid`) and seals
    /// the payload for the server (`seal`, see
    /// [`SigningKeys::open_own`](crate::SigningKeys::open_own); apps ignore it). Times are written to the second (sub-second parts are dropped).
    ///
    /// # Errors
    /// [`SignError::TimeOutOfRange`] for a time RFC 3339 cannot write, [`SignError::Signing`]
    /// if the signing fails.
    pub fn sign(&self, claims: &Claims) -> Result<String, SignError> {
        let time = |at: SystemTime, claim: &'static str| {
            format_time(at).ok_or(SignError::TimeOutOfRange { claim })
        };
        let wire = WireClaims {
            sub: claims.membership_id.clone(),
            product: claims.product_id.clone(),
            hwid: claims.hardware_id.clone(),
            status: claims.status.clone(),
            period_end: match claims.period_end {
                Some(at) => Some(time(at, "period_end")?),
                None => None,
            },
            iat: time(claims.issued_at, "iat")?,
            refresh_after: time(claims.refresh_after, "refresh_after")?,
            exp: time(claims.expires_at, "exp")?,
        };
        let payload = serde_json::to_vec(&wire).map_err(|_| SignError::Signing)?;
        let footer =
            seal::footer(self.id().as_str(), &self.seal_key, &payload).ok_or(SignError::Signing)?;
        let footer = serde_json::to_vec(&footer).map_err(|_| SignError::Signing)?;
        PublicToken::sign(
            &self.secret,
            &payload,
            Some(&footer),
            Some(IMPLICIT_ASSERTION),
        )
        .map_err(|_| SignError::Signing)
    }
}

impl fmt::Debug for SigningKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SigningKey")
            .field("id", self.id())
            .field("secret", &"<redacted>")
            .finish()
    }
}

/// The seal key of `secret` (from its 32-byte seed; pasetors holds seed ‖ public key).
fn seal_key_of(secret: &AsymmetricSecretKey<V4>) -> Option<SealKey> {
    SealKey::derive(secret.as_bytes().get(..32)?)
}

/// Whether `text` is a `k4.secret.` key whose 32-byte seed is all zeros.
fn has_zero_seed(text: &str) -> bool {
    let Some(encoded) = text.strip_prefix("k4.secret.") else {
        return false;
    };
    let mut buf = Zeroizing::new([0u8; 96]);
    match Base64UrlSafeNoPadding::decode(&mut *buf, encoded, None) {
        Ok(bytes) => bytes.len() >= 32 && bytes[..32].iter().all(|&b| b == 0),
        Err(_) => false,
    }
}
