//! Reading the signature headers: each value once, bounded, in the alphabet it must have.

use std::time::{SystemTime, UNIX_EPOCH};

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD_PAD_INDIFFERENT;
use http::HeaderMap;

use crate::error::{SignatureProblem, VerifyError};
use crate::mac::MAC_LEN;

use super::{WEBHOOK_ID, WEBHOOK_SIGNATURE};

/// Seconds since the Unix epoch; a clock before 1970 reads as 0.
pub(crate) fn unix_seconds(at: SystemTime) -> u64 {
    at.duration_since(UNIX_EPOCH)
        .map_or(0, |since| since.as_secs())
}

/// The one value of a header that must appear once, as visible ASCII of bounded length.
pub(super) fn single<'h>(
    headers: &'h HeaderMap,
    name: &'static str,
    max: usize,
) -> Result<&'h str, VerifyError> {
    let mut values = headers.get_all(name).iter();
    let value = values.next().ok_or(VerifyError::MissingHeader { name })?;
    if values.next().is_some() {
        return Err(VerifyError::DuplicateHeader { name });
    }
    let len = value.len();
    if len > max {
        return Err(VerifyError::HeaderTooLarge { name, len, max });
    }
    value.to_str().map_err(|_| VerifyError::MalformedHeader {
        name,
        reason: "it is not visible ASCII",
    })
}

/// A timestamp: 1 to 19 ASCII digits, nothing else (no sign, no space, no fraction).
pub(super) fn parse_timestamp(text: &str) -> Result<u64, VerifyError> {
    let digits_only = !text.is_empty() && text.bytes().all(|b| b.is_ascii_digit());
    if !digits_only || text.len() > 19 {
        return Err(VerifyError::InvalidTimestamp);
    }
    text.parse().map_err(|_| VerifyError::InvalidTimestamp)
}

/// A `webhook-id` must not be empty, and must not contain `.`: the signed content is
/// `<id>.<timestamp>.<body>`, and the spec forbids `.` in the ID so that no two messages can
/// share it.
pub(super) fn check_id(id: &str) -> Result<(), VerifyError> {
    let reason = if id.is_empty() {
        "it is empty"
    } else if id.contains('.') {
        "it contains `.`"
    } else {
        return Ok(());
    };
    Err(VerifyError::MalformedHeader {
        name: WEBHOOK_ID,
        reason,
    })
}

/// The decoded `v1` signatures of a `webhook-signature` header; other versions are skipped.
pub(super) fn standard_candidates(header: &str) -> Result<Vec<Vec<u8>>, VerifyError> {
    let mut candidates = Vec::new();
    let mut malformed = None;
    let mut other_version = None;
    for entry in header.split(' ').filter(|entry| !entry.is_empty()) {
        let Some((version, encoded)) = entry.split_once(',') else {
            return Err(VerifyError::MalformedHeader {
                name: WEBHOOK_SIGNATURE,
                reason: "an entry is not `<version>,<signature>`",
            });
        };
        if version != "v1" {
            other_version.get_or_insert(version);
            continue;
        }
        match STANDARD_PAD_INDIFFERENT.decode(encoded) {
            Ok(bytes) if bytes.len() == MAC_LEN => candidates.push(bytes),
            Ok(bytes) => {
                malformed.get_or_insert(SignatureProblem::WrongLength { found: bytes.len() });
            }
            Err(_) => {
                malformed.get_or_insert(SignatureProblem::NotBase64);
            }
        }
    }
    if !candidates.is_empty() {
        return Ok(candidates);
    }
    if let Some(problem) = malformed {
        return Err(VerifyError::MalformedSignature { problem });
    }
    match other_version {
        Some(version) => Err(unsupported(version)),
        None => Err(VerifyError::MalformedHeader {
            name: WEBHOOK_SIGNATURE,
            reason: "it holds no signature",
        }),
    }
}

pub(super) fn check_length(signature: &[u8]) -> Result<(), VerifyError> {
    if signature.len() == MAC_LEN {
        Ok(())
    } else {
        Err(VerifyError::MalformedSignature {
            problem: SignatureProblem::WrongLength {
                found: signature.len(),
            },
        })
    }
}

pub(super) fn unsupported(version: &str) -> VerifyError {
    VerifyError::UnsupportedVersion {
        found: version.chars().take(16).collect(),
    }
}
