//! The bare Ed25519 sides of the license benches take a token apart the way PASETO v4.public
//! puts it together: base64url without padding, and the pre-authentication encoding (PAE) of the
//! header, payload, footer and implicit assertion. Shared by `license-verify` and
//! `license-server` (`#[path]`), so both floors sign and verify the same bytes.

use ct_codecs::{Base64UrlSafeNoPadding, Decoder};

/// Base64url without padding, decoded.
pub(crate) fn decode(text: &str) -> Vec<u8> {
    Base64UrlSafeNoPadding::decode_to_vec(text, None).expect("base64url")
}

/// PASETO's pre-authentication encoding.
pub(crate) fn pae(pieces: &[&[u8]]) -> Vec<u8> {
    let mut out = (pieces.len() as u64).to_le_bytes().to_vec();
    for piece in pieces {
        out.extend_from_slice(&(piece.len() as u64).to_le_bytes());
        out.extend_from_slice(piece);
    }
    out
}
