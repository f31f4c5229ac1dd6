//! The Current API's error body: `{"error": {"type", "message", "code"?}}`.

use serde::{Deserialize, Serialize};

/// The Current API's error envelope: `{"error": {...}}`.
///
/// [`crate::ErrorBody::parse`] reads this shape (and the others Whop sends) from raw bytes; use
/// this struct to write one, or to read a body known to be in this shape.
///
/// ```
/// use whop_models::{encode, v1};
///
/// let body = v1::ErrorBody {
///     error: v1::Error {
///         r#type: Some("rate_limit_exceeded".to_owned()),
///         message: Some("Try again in 12 seconds.".to_owned()),
///         code: None,
///     },
/// };
/// assert_eq!(
///     encode(&body)?,
///     br#"{"error":{"type":"rate_limit_exceeded","message":"Try again in 12 seconds."}}"#
/// );
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ErrorBody {
    /// What went wrong.
    pub error: Error,
}

/// The inside of a Current API error envelope. Every field is optional; absent ones are not
/// written.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Error {
    /// The machine-readable kind of error (`rate_limit_exceeded`, `not_found`, …).
    #[serde(rename = "type", default, skip_serializing_if = "Option::is_none")]
    pub r#type: Option<String>,
    /// A human-readable explanation (on a 429, the wait: `"Try again in 12 seconds."`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
    /// A finer code, sent only for some refusals (`bank_warning_not_acknowledged`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub code: Option<String>,
}
