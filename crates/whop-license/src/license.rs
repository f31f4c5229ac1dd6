//! The token's contents: the claims on the wire and the [`License`] an app reads.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use serde::{Deserialize, Serialize};
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

use crate::KeyId;

/// The implicit assertion every token is signed with: it versions the format without costing a
/// byte, since it is never transmitted (a token of another format fails the signature).
pub(crate) const IMPLICIT_ASSERTION: &[u8] = b"whop-license v1";

/// The footer: which key signed the token, so a verifier picks it without trying every key.
///
/// Tokens the server signs also carry `seal`, a MAC of the payload only the server can make
/// (see `SigningKeys::open_own`). The verifier reads only `kid`: any other field, `seal`
/// included, is ignored (and covered by the signature like the rest of the footer).
#[derive(Serialize, Deserialize)]
pub(crate) struct Footer<'a> {
    #[serde(borrow)]
    pub(crate) kid: std::borrow::Cow<'a, str>,
    #[cfg(feature = "issue")]
    #[serde(borrow, default, skip_serializing_if = "Option::is_none")]
    pub(crate) seal: Option<std::borrow::Cow<'a, str>>,
}

/// The payload as it is signed. Times are RFC 3339 UTC strings, as PASETO's registered claims
/// are, so any PASETO library reads them.
#[derive(Serialize, Deserialize)]
pub(crate) struct WireClaims {
    pub(crate) sub: String,
    pub(crate) product: String,
    pub(crate) hwid: String,
    pub(crate) status: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) period_end: Option<String>,
    pub(crate) iat: String,
    pub(crate) refresh_after: String,
    pub(crate) exp: String,
}

/// What a signed token says: whose membership, for which product and machine, and until when.
///
/// Returned inside every [`Verdict`](crate::Verdict) that got past the signature, so an app can
/// tell its user *whose* license is expired or bound elsewhere.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct License {
    /// The Whop membership (`mem_…`).
    pub membership_id: String,
    /// The Whop product (`prod_…`) the membership is for.
    pub product_id: String,
    /// The hardware id the license key is bound to, as the app sent it at activation.
    pub hardware_id: String,
    /// The membership's status when the token was issued (`active`, `trialing`, …).
    pub status: String,
    /// The end of the membership's current renewal period, when Whop gave one.
    pub period_end: Option<SystemTime>,
    /// When the server issued the token.
    pub issued_at: SystemTime,
    /// From then on the app should refresh the token online (a soft limit).
    pub refresh_after: SystemTime,
    /// From then on the token is no longer usable: the longest the app may run offline.
    pub expires_at: SystemTime,
    /// The key that signed the token.
    pub key_id: KeyId,
}

impl License {
    /// The license of `claims`, signed by `key_id`; `None` when a time does not parse.
    pub(crate) fn from_wire(claims: WireClaims, key_id: KeyId) -> Option<Self> {
        Some(Self {
            period_end: match claims.period_end {
                Some(text) => Some(parse_time(&text)?),
                None => None,
            },
            issued_at: parse_time(&claims.iat)?,
            refresh_after: parse_time(&claims.refresh_after)?,
            expires_at: parse_time(&claims.exp)?,
            membership_id: claims.sub,
            product_id: claims.product,
            hardware_id: claims.hwid,
            status: claims.status,
            key_id,
        })
    }
}

/// An RFC 3339 time as a `SystemTime`, without the panics of `SystemTime`'s own arithmetic on
/// platforms with a narrower range.
fn parse_time(text: &str) -> Option<SystemTime> {
    let at = OffsetDateTime::parse(text, &Rfc3339).ok()?;
    let seconds = at.unix_timestamp();
    let nanos = Duration::from_nanos(u64::from(at.nanosecond()));
    if seconds >= 0 {
        UNIX_EPOCH
            .checked_add(Duration::from_secs(seconds.unsigned_abs()))?
            .checked_add(nanos)
    } else {
        UNIX_EPOCH
            .checked_sub(Duration::from_secs(seconds.unsigned_abs()))?
            .checked_add(nanos)
    }
}

/// `at` as RFC 3339 UTC to the second (`2026-12-07T05:41:51Z`): sub-second digits would only
/// lengthen the token. `None` outside years 0000-9999.
#[cfg(feature = "issue")]
pub(crate) fn format_time(at: SystemTime) -> Option<String> {
    let seconds = match at.duration_since(UNIX_EPOCH) {
        Ok(after) => i64::try_from(after.as_secs()).ok()?,
        // Before 1970: round down to the whole second, as after it.
        Err(before) => {
            let before = before.duration();
            let whole = i64::try_from(before.as_secs()).ok()?;
            if before.subsec_nanos() == 0 {
                -whole
            } else {
                -whole - 1
            }
        }
    };
    OffsetDateTime::from_unix_timestamp(seconds)
        .ok()?
        .format(&Rfc3339)
        .ok()
}
