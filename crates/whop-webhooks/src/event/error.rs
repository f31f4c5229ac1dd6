//! Why a verified body is not an event this crate can read.

use std::fmt;

use whop_models::DecodeError;

/// A (verified) body is not an event this crate can read.
#[derive(Debug)]
#[non_exhaustive]
pub enum EventError {
    /// The body is not JSON.
    NotJson {
        /// What the JSON parser said.
        reason: String,
    },
    /// The body is JSON, but not a Whop webhook envelope.
    NotAnEnvelope {
        /// What is missing or wrong.
        reason: String,
    },
    /// A typed event's object does not decode into its model.
    Data {
        /// The event type.
        kind: String,
        /// Where and why the object did not decode.
        error: DecodeError,
    },
}

impl fmt::Display for EventError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::NotJson { reason } => write!(f, "the body is not JSON: {reason}"),
            Self::NotAnEnvelope { reason } => {
                write!(f, "the body is not a Whop webhook event: {reason}")
            }
            Self::Data { kind, error } => write!(f, "the `{kind}` event's object: {error}"),
        }
    }
}

impl std::error::Error for EventError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Self::Data { error, .. } => Some(error),
            Self::NotJson { .. } | Self::NotAnEnvelope { .. } => None,
        }
    }
}
