//! What the tests share: fixed times, claims, and a name for each verdict.

#![allow(dead_code, unreachable_pub)]

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use whop_license::{Claims, KeySet, SigningKey, Verdict, Verifier};

/// A fixed "now": 2027-01-15T08:00:00Z.
pub const NOW_UNIX: u64 = 1_800_000_000;
pub const PRODUCT: &str = "prod_app";
pub const HWID: &str = "machine-1";
pub const MINUTE: Duration = Duration::from_secs(60);
pub const HOUR: Duration = Duration::from_secs(3600);
pub const DAY: Duration = Duration::from_secs(86_400);

pub fn now() -> SystemTime {
    UNIX_EPOCH + Duration::from_secs(NOW_UNIX)
}

/// Issued 10 minutes ago, refresh in 50 minutes, usable 7 days.
pub fn claims() -> Claims {
    Claims {
        membership_id: "mem_abc123".to_owned(),
        product_id: PRODUCT.to_owned(),
        hardware_id: HWID.to_owned(),
        status: "active".to_owned(),
        period_end: Some(now() + 30 * DAY),
        issued_at: now() - 10 * MINUTE,
        refresh_after: now() + 50 * MINUTE,
        expires_at: now() + 7 * DAY,
    }
}

pub fn key() -> SigningKey {
    SigningKey::generate().expect("a key")
}

pub fn verifier_for(key: &SigningKey) -> Verifier {
    Verifier::new(KeySet::new().with(key.public_key().clone()), PRODUCT)
}

/// The verdict's variant, to compare in tables.
pub fn kind(verdict: &Verdict) -> &'static str {
    match verdict {
        Verdict::Valid(_) => "Valid",
        Verdict::RefreshDue(_) => "RefreshDue",
        Verdict::Expired { .. } => "Expired",
        Verdict::BoundToOtherMachine { .. } => "BoundToOtherMachine",
        Verdict::WrongProduct { .. } => "WrongProduct",
        Verdict::ClockTampered { .. } => "ClockTampered",
        Verdict::UnknownKey => "UnknownKey",
        Verdict::BadSignature => "BadSignature",
        _ => "another verdict",
    }
}

/// `token` with its byte at `at` replaced by the ASCII `byte`.
pub fn with_byte(token: &str, at: usize, byte: u8) -> String {
    let mut bytes = token.as_bytes().to_vec();
    bytes[at] = byte;
    String::from_utf8(bytes).expect("ascii")
}

/// Every other ASCII byte at `at` of `token`: each byte, and `token` with it there.
pub fn other_bytes_at(token: &str, at: usize) -> impl Iterator<Item = (u8, String)> + '_ {
    (0u8..128)
        .filter(move |&byte| token.as_bytes()[at] != byte)
        .map(move |byte| (byte, with_byte(token, at, byte)))
}
