//! HMAC-SHA256 over the signed content of each scheme, and the encodings of its output.
//!
//! The one place that knows what each scheme signs: legacy `<timestamp>.<body>`, Standard
//! Webhooks `<id>.<timestamp>.<body>`. Verifying and signing both start here.

use hmac::{Hmac, KeyInit, Mac};
use sha2::Sha256;

/// HMAC-SHA256.
pub(crate) type HmacSha256 = Hmac<Sha256>;

/// The length of an HMAC-SHA256, in bytes.
pub(crate) const MAC_LEN: usize = 32;

/// The MAC state after the signed content of the legacy scheme: `<timestamp>.<body>`.
///
/// `timestamp` is the text as sent: Whop signs the header's digits, not a number.
pub(crate) fn legacy(key: &[u8], timestamp: &str, body: &[u8]) -> HmacSha256 {
    let mut mac = keyed(key);
    mac.update(timestamp.as_bytes());
    mac.update(b".");
    mac.update(body);
    mac
}

/// The MAC state after the signed content of Standard Webhooks: `<id>.<timestamp>.<body>`.
pub(crate) fn standard(key: &[u8], id: &str, timestamp: &str, body: &[u8]) -> HmacSha256 {
    let mut mac = keyed(key);
    mac.update(id.as_bytes());
    mac.update(b".");
    mac.update(timestamp.as_bytes());
    mac.update(b".");
    mac.update(body);
    mac
}

fn keyed(key: &[u8]) -> HmacSha256 {
    // HMAC takes a key of any length (a long one is hashed first), so this cannot fail.
    <HmacSha256 as KeyInit>::new_from_slice(key).expect("HMAC accepts keys of any length")
}

/// Whether `candidate` is the MAC, compared in constant time (`Mac::verify_slice`).
pub(crate) fn matches(mac: &HmacSha256, candidate: &[u8]) -> bool {
    mac.clone().verify_slice(candidate).is_ok()
}

/// The MAC's bytes.
pub(crate) fn finish(mac: HmacSha256) -> [u8; MAC_LEN] {
    mac.finalize().into_bytes().into()
}

/// Lowercase hexadecimal, as the legacy scheme writes signatures.
pub(crate) fn to_hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut text = String::with_capacity(bytes.len() * 2);
    for byte in bytes {
        text.push(char::from(DIGITS[usize::from(byte >> 4)]));
        text.push(char::from(DIGITS[usize::from(byte & 0x0f)]));
    }
    text
}

/// Reads hexadecimal (either case); `None` if a character is not a hex digit or the length is
/// odd.
pub(crate) fn from_hex(text: &str) -> Option<Vec<u8>> {
    fn digit(c: u8) -> Option<u8> {
        match c {
            b'0'..=b'9' => Some(c - b'0'),
            b'a'..=b'f' => Some(c - b'a' + 10),
            b'A'..=b'F' => Some(c - b'A' + 10),
            _ => None,
        }
    }
    let bytes = text.as_bytes();
    if !bytes.len().is_multiple_of(2) {
        return None;
    }
    bytes
        .chunks_exact(2)
        .map(|pair| Some(digit(pair[0])? << 4 | digit(pair[1])?))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hex_round_trips_and_refuses_other_characters() {
        let bytes = [0x00, 0x7f, 0xab, 0xff];
        assert_eq!(to_hex(&bytes), "007fabff");
        assert_eq!(from_hex("007FABff").unwrap(), bytes);
        assert_eq!(from_hex("0g"), None);
        assert_eq!(from_hex("abc"), None);
        assert_eq!(from_hex("é1"), None);
    }
}
