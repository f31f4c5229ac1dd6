//! Opening a token (signature and key id) and judging it for this app, machine and time.

use std::fmt;
use std::time::{Duration, SystemTime};

use pasetors::token::{Public, UntrustedToken};
use pasetors::version4::{PublicToken, V4};

use crate::license::{Footer, IMPLICIT_ASSERTION, WireClaims};
use crate::{KeySet, License};

/// How far a token's issue time, or the app's stored last-seen time, may be ahead of the
/// machine's clock before the clock counts as set back: 5 minutes, Keygen's `MaxClockDrift`.
pub const CLOCK_SKEW: Duration = Duration::from_secs(5 * 60);

/// The longest text taken for a token. Real tokens are a few hundred bytes; anything much longer
/// is refused before it is decoded, so a hostile input costs nothing.
pub const MAX_TOKEN_LEN: usize = 8 * 1024;

/// Why [`KeySet::open`] refused a token.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Refusal {
    /// The footer names a key id this set does not hold.
    UnknownKey,
    /// Not a `v4.public` token with a key id, or its signature does not verify with the key it
    /// names (any altered byte; pasetors' base64 decoder refuses the other spellings of the
    /// last character, so no altered text decodes to the signed bytes).
    BadSignature,
    /// Signed by a held key, but its claims are not this format's (a server of another version).
    BadClaims,
}

impl fmt::Display for Refusal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::UnknownKey => "the token is signed by a key this app does not hold",
            Self::BadSignature => "not a license token, or its signature does not verify",
            Self::BadClaims => "the token is signed but its claims are not in this format",
        })
    }
}

impl std::error::Error for Refusal {}

impl KeySet {
    /// Checks a token's form, key id and signature, and reads its claims. No product, machine or
    /// time checks: for `whop license inspect` (the server's refresh uses
    /// `SigningKeys::open_own`, which falls back to this); an app calls [`Verifier::verify`].
    ///
    /// # Errors
    /// [`Refusal::UnknownKey`] when its key id is not in the set, [`Refusal::BadSignature`] for
    /// anything that is not a token signed by the key it names, [`Refusal::BadClaims`] for a
    /// signed token whose claims do not read.
    pub fn open(&self, token: &str) -> Result<License, Refusal> {
        if token.len() > MAX_TOKEN_LEN {
            return Err(Refusal::BadSignature);
        }
        let untrusted =
            UntrustedToken::<Public, V4>::try_from(token).map_err(|_| Refusal::BadSignature)?;
        let footer: Footer<'_> = serde_json::from_slice(untrusted.untrusted_footer())
            .map_err(|_| Refusal::BadSignature)?;
        let key = self.find(&footer.kid).ok_or(Refusal::UnknownKey)?;
        let trusted = PublicToken::verify(key.key(), &untrusted, None, Some(IMPLICIT_ASSERTION))
            .map_err(|_| Refusal::BadSignature)?;
        let claims: WireClaims =
            serde_json::from_str(trusted.payload()).map_err(|_| Refusal::BadClaims)?;
        License::from_wire(claims, key.id().clone()).ok_or(Refusal::BadClaims)
    }
}

/// What [`Verifier::verify`] found, one answer per call.
///
/// Only [`Valid`](Self::Valid) and [`RefreshDue`](Self::RefreshDue) let the app run
/// ([`is_usable`](Self::is_usable)); every answer past the signature carries the [`License`].
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Verdict {
    /// Good for this product, machine and time.
    Valid(License),
    /// Good, but past its `refresh_after`: run, and refresh online when you can.
    RefreshDue(License),
    /// Past its hard expiry: the app has been offline longer than the server allows. Refresh
    /// online before running.
    Expired {
        /// What the token says.
        license: License,
    },
    /// Issued for another hardware id: this is not the machine the key is bound to.
    BoundToOtherMachine {
        /// What the token says.
        license: License,
    },
    /// Issued for another product (another app's token).
    WrongProduct {
        /// What the token says.
        license: License,
    },
    /// The machine's clock is behind the token's issue time, or behind the last time the app
    /// saw it, by more than the skew: it was set back.
    ClockTampered {
        /// What the token says.
        license: License,
    },
    /// Signed by a key this app does not hold (a token for another server, or a key retired
    /// from the app's key set).
    UnknownKey,
    /// Not a license token, or altered: its signature does not verify with the key it names.
    /// Also a token signed by a known key whose claims do not read.
    BadSignature,
}

impl Verdict {
    /// Whether the app may run on this token: [`Valid`](Self::Valid) or
    /// [`RefreshDue`](Self::RefreshDue).
    pub fn is_usable(&self) -> bool {
        matches!(self, Self::Valid(_) | Self::RefreshDue(_))
    }

    /// The token's license, for every answer past the signature check.
    pub fn license(&self) -> Option<&License> {
        match self {
            Self::Valid(license)
            | Self::RefreshDue(license)
            | Self::Expired { license }
            | Self::BoundToOtherMachine { license }
            | Self::WrongProduct { license }
            | Self::ClockTampered { license } => Some(license),
            Self::UnknownKey | Self::BadSignature => None,
        }
    }

    /// The last-seen time the app should store after this verdict: `max(last_seen, now)` when
    /// the verdict [is usable](Self::is_usable), `None` (keep what is stored) otherwise.
    pub fn last_seen_to_store(
        &self,
        last_seen: Option<SystemTime>,
        now: SystemTime,
    ) -> Option<SystemTime> {
        self.is_usable().then(|| next_last_seen(last_seen, now))
    }
}

/// `max(last_seen, now)`: the high-water mark of the clock the app persists, so that a clock set
/// back later is caught by [`Verifier::verify`].
pub fn next_last_seen(last_seen: Option<SystemTime>, now: SystemTime) -> SystemTime {
    last_seen.map_or(now, |seen| seen.max(now))
}

/// Judges license tokens for one product: the check an app runs at start-up.
#[derive(Debug, Clone)]
pub struct Verifier {
    keys: KeySet,
    product_id: String,
    skew: Duration,
}

impl Verifier {
    /// A verifier of tokens signed by `keys` for the product `product_id` (`prod_…`), with
    /// [`CLOCK_SKEW`].
    pub fn new(keys: KeySet, product_id: impl Into<String>) -> Self {
        Self {
            keys,
            product_id: product_id.into(),
            skew: CLOCK_SKEW,
        }
    }

    /// How far ahead of the clock a token's issue time or the last-seen time may be
    /// (default [`CLOCK_SKEW`]).
    #[must_use]
    pub fn skew(mut self, skew: Duration) -> Self {
        self.skew = skew;
        self
    }

    /// The keys this verifier accepts.
    pub fn keys(&self) -> &KeySet {
        &self.keys
    }

    /// Judges `token` on the machine `hardware_id` at `now`, given the last-seen time the app
    /// stored (`None` on first run).
    ///
    /// Checks, in order, the first failure deciding: form and key id ([`Verdict::BadSignature`],
    /// [`Verdict::UnknownKey`]), signature, product ([`Verdict::WrongProduct`]), hardware id
    /// ([`Verdict::BoundToOtherMachine`]), clock (issued-at or `last_seen` more than the skew
    /// after `now`: [`Verdict::ClockTampered`]), hard expiry ([`Verdict::Expired`]), then
    /// `refresh_after` ([`Verdict::RefreshDue`]). Never panics, whatever the input.
    pub fn verify(
        &self,
        token: &str,
        hardware_id: &str,
        now: SystemTime,
        last_seen: Option<SystemTime>,
    ) -> Verdict {
        let license = match self.keys.open(token) {
            Ok(license) => license,
            Err(Refusal::UnknownKey) => return Verdict::UnknownKey,
            Err(Refusal::BadSignature | Refusal::BadClaims) => return Verdict::BadSignature,
        };
        if license.product_id != self.product_id {
            return Verdict::WrongProduct { license };
        }
        if license.hardware_id != hardware_id {
            return Verdict::BoundToOtherMachine { license };
        }
        // A clock so far ahead that adding the skew overflows cannot be behind anything.
        if let Some(limit) = now.checked_add(self.skew) {
            let ahead = |at: SystemTime| at > limit;
            if ahead(license.issued_at) || last_seen.is_some_and(ahead) {
                return Verdict::ClockTampered { license };
            }
        }
        if now >= license.expires_at {
            return Verdict::Expired { license };
        }
        if now >= license.refresh_after {
            return Verdict::RefreshDue(license);
        }
        Verdict::Valid(license)
    }
}
