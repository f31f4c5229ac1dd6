//! Why a delivery was refused: one typed kind per failure, so a receiver (or a test) can tell a
//! forged body from a clock problem from a proxy that dropped a header.

use std::fmt;

use crate::event::EventError;

/// A delivery's signature or headers did not verify.
///
/// None of these ever contains the secret, and header values are never echoed whole: only the
/// header's name and what was wrong with it.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum VerifyError {
    /// Neither scheme's signature header is present (`webhook-signature` for Standard
    /// Webhooks, `x-whop-signature` for the legacy scheme).
    NoSignature,
    /// Both schemes' signature headers are present; choose one with
    /// [`Verifier::scheme`](crate::Verifier::scheme).
    AmbiguousScheme,
    /// A header the scheme needs is missing.
    MissingHeader {
        /// The header's name, lowercase.
        name: &'static str,
    },
    /// A header that must appear once appears more than once.
    DuplicateHeader {
        /// The header's name, lowercase.
        name: &'static str,
    },
    /// A header is longer than this crate accepts.
    HeaderTooLarge {
        /// The header's name, lowercase.
        name: &'static str,
        /// Its length in bytes.
        len: usize,
        /// The largest length accepted.
        max: usize,
    },
    /// A header is not in the scheme's format.
    MalformedHeader {
        /// The header's name, lowercase.
        name: &'static str,
        /// What is wrong with it.
        reason: &'static str,
    },
    /// The timestamp is not a whole number of seconds since the Unix epoch.
    InvalidTimestamp,
    /// The timestamp is older than the tolerance allows: a replay, or a delivery held too long.
    TimestampTooOld {
        /// How far behind the verifier's clock it is, in seconds.
        age_seconds: u64,
        /// The tolerance, in seconds.
        tolerance_seconds: u64,
    },
    /// The timestamp is further in the future than the tolerance allows: a forged timestamp, or
    /// a clock far off.
    TimestampTooNew {
        /// How far ahead of the verifier's clock it is, in seconds.
        ahead_seconds: u64,
        /// The tolerance, in seconds.
        tolerance_seconds: u64,
    },
    /// The signature carries a version tag other than `v1` (the only one Whop uses with
    /// HMAC-SHA256).
    UnsupportedVersion {
        /// The version tag found (at most 16 characters of it).
        found: String,
    },
    /// A `v1` signature is not of the right length or alphabet, so it cannot be an
    /// HMAC-SHA256.
    MalformedSignature {
        /// What is wrong with it.
        problem: SignatureProblem,
    },
    /// The signature is well formed but does not match: the body, the timestamp, the ID or the
    /// secret differs from what was signed.
    SignatureMismatch,
}

/// What is wrong with a malformed signature.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum SignatureProblem {
    /// The legacy signature is not hexadecimal.
    NotHex,
    /// The Standard Webhooks signature is not base64.
    NotBase64,
    /// The signature decodes to the wrong number of bytes (HMAC-SHA256 is 32).
    WrongLength {
        /// How many bytes it decoded to.
        found: usize,
    },
}

impl VerifyError {
    /// Whether the failure is about the timestamp (invalid, too old or too new) rather than the
    /// signature or the headers' form.
    pub fn is_timestamp(&self) -> bool {
        matches!(
            self,
            Self::InvalidTimestamp | Self::TimestampTooOld { .. } | Self::TimestampTooNew { .. }
        )
    }

    /// Whether the failure is about the signature itself (version, form or value).
    pub fn is_signature(&self) -> bool {
        matches!(
            self,
            Self::UnsupportedVersion { .. }
                | Self::MalformedSignature { .. }
                | Self::SignatureMismatch
        )
    }
}

impl fmt::Display for VerifyError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::NoSignature => f.write_str(
                "no webhook signature: neither `webhook-signature` (Standard Webhooks) nor \
                 `x-whop-signature` (legacy) is present",
            ),
            Self::AmbiguousScheme => f.write_str(
                "both `webhook-signature` and `x-whop-signature` are present; choose the scheme \
                 explicitly",
            ),
            Self::MissingHeader { name } => write!(f, "the `{name}` header is missing"),
            Self::DuplicateHeader { name } => {
                write!(f, "the `{name}` header appears more than once")
            }
            Self::HeaderTooLarge { name, len, max } => {
                write!(f, "the `{name}` header is {len} bytes long (at most {max})")
            }
            Self::MalformedHeader { name, reason } => {
                write!(f, "the `{name}` header is malformed: {reason}")
            }
            Self::InvalidTimestamp => f.write_str(
                "timestamp rejected: it is not a whole number of seconds since the Unix epoch",
            ),
            Self::TimestampTooOld {
                age_seconds,
                tolerance_seconds,
            } => write!(
                f,
                "timestamp rejected: {age_seconds} s old, more than the {tolerance_seconds} s \
                 tolerance (a replay, or a clock behind)"
            ),
            Self::TimestampTooNew {
                ahead_seconds,
                tolerance_seconds,
            } => write!(
                f,
                "timestamp rejected: {ahead_seconds} s in the future, more than the \
                 {tolerance_seconds} s tolerance"
            ),
            Self::UnsupportedVersion { found } => write!(
                f,
                "signature rejected: version `{found}` is not supported (expected `v1`)"
            ),
            Self::MalformedSignature { problem } => {
                f.write_str("signature rejected: ")?;
                match problem {
                    SignatureProblem::NotHex => f.write_str("it is not hexadecimal"),
                    SignatureProblem::NotBase64 => f.write_str("it is not base64"),
                    SignatureProblem::WrongLength { found } => {
                        write!(f, "it is {found} bytes long, an HMAC-SHA256 is 32")
                    }
                }
            }
            Self::SignatureMismatch => f.write_str(
                "signature rejected: it does not match the body, timestamp and secret \
                 (is the body the raw bytes received, and the secret the right one?)",
            ),
        }
    }
}

impl std::error::Error for VerifyError {}

/// [`Verifier::receive`](crate::Verifier::receive) failed: the delivery did not verify, or it
/// verified but its body is not a Whop event.
#[derive(Debug)]
#[non_exhaustive]
pub enum ReceiveError {
    /// The signature or headers did not verify; the body was not looked at.
    Verify(VerifyError),
    /// The signature is valid, but the body is not an event this crate can read.
    Event(EventError),
}

impl fmt::Display for ReceiveError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Verify(error) => error.fmt(f),
            Self::Event(error) => write!(f, "signature valid, but {error}"),
        }
    }
}

impl std::error::Error for ReceiveError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Self::Verify(error) => Some(error),
            Self::Event(error) => Some(error),
        }
    }
}

impl From<VerifyError> for ReceiveError {
    fn from(error: VerifyError) -> Self {
        Self::Verify(error)
    }
}

impl From<EventError> for ReceiveError {
    fn from(error: EventError) -> Self {
        Self::Event(error)
    }
}
