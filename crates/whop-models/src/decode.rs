//! Decoding response bodies with errors that say where they went wrong.
//!
//! [`decode`] is `serde_json::from_slice` plus the JSON path of the value that failed (via
//! `serde_path_to_error`), so a bad field deep inside an expanded object reads as
//! `product.created_at` rather than only "line 1 column 913". The decoder does not keep the
//! bytes: a caller that wants to show or log the body keeps its own copy.

use std::fmt;

use serde::de::DeserializeOwned;

/// Decodes a JSON body into `T`.
///
/// ```
/// use whop_models::{decode, Membership};
///
/// let err = decode::<Membership>(br#"{"id":"mem_1","product":{"id":"prod_1","created_at":"soon"}}"#)
///     .unwrap_err();
/// assert_eq!(err.path(), "product.created_at");
/// ```
///
/// # Errors
///
/// Returns [`DecodeError`] if the bytes are not valid JSON, have trailing content, or do not
/// match `T`.
pub fn decode<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, DecodeError> {
    // Tracking the path costs an allocation per object key, which would make a typed decode
    // slower than decoding into `serde_json::Value`. Bodies almost always decode, so take the
    // fast road first and retrace with path tracking only to explain a failure. Decoding is
    // deterministic: the second pass fails at the same place.
    serde_json::from_slice(bytes).map_err(|fast_error| {
        explain::<T>(bytes).unwrap_or_else(|| DecodeError::new(String::new(), fast_error))
    })
}

/// Decodes again with path tracking and returns the error it finds.
fn explain<T: DeserializeOwned>(bytes: &[u8]) -> Option<DecodeError> {
    let mut deserializer = serde_json::Deserializer::from_slice(bytes);
    match serde_path_to_error::deserialize::<_, T>(&mut deserializer) {
        Err(error) => Some(DecodeError::from(error)),
        Ok(_) => deserializer
            .end()
            .err()
            .map(|error| DecodeError::new(String::new(), error)),
    }
}

/// A body did not decode. Tells where (JSON path, line, column) and why.
#[derive(Debug)]
pub struct DecodeError {
    path: String,
    message: String,
    source: serde_json::Error,
}

impl DecodeError {
    fn new(path: String, source: serde_json::Error) -> Self {
        let full = source.to_string();
        let suffix = format!(" at line {} column {}", source.line(), source.column());
        let message = full.strip_suffix(&suffix).unwrap_or(&full).to_owned();
        Self {
            path,
            message,
            source,
        }
    }

    /// The JSON path of the value that failed, e.g. `product.created_at` or `data[0].id`.
    /// Empty when the failure is at the top level (bad syntax, wrong root type, trailing data).
    pub fn path(&self) -> &str {
        &self.path
    }

    /// Why it failed, without the position.
    pub fn message(&self) -> &str {
        &self.message
    }

    /// The 1-based line of the failure (0 if unknown).
    pub fn line(&self) -> usize {
        self.source.line()
    }

    /// The 1-based column of the failure (0 if unknown).
    pub fn column(&self) -> usize {
        self.source.column()
    }

    /// Whether the body was not JSON at all (as opposed to JSON of the wrong shape).
    pub fn is_syntax(&self) -> bool {
        matches!(
            self.source.classify(),
            serde_json::error::Category::Syntax | serde_json::error::Category::Eof
        )
    }
}

impl From<serde_path_to_error::Error<serde_json::Error>> for DecodeError {
    fn from(error: serde_path_to_error::Error<serde_json::Error>) -> Self {
        let path = error.path().to_string();
        // serde_path_to_error writes the root as ".".
        let path = if path == "." { String::new() } else { path };
        Self::new(path, error.into_inner())
    }
}

impl fmt::Display for DecodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.path.is_empty() {
            write!(f, "could not decode the body: {}", self.message)?;
        } else {
            write!(f, "could not decode `{}`: {}", self.path, self.message)?;
        }
        write!(f, " (line {}, column {})", self.line(), self.column())
    }
}

impl std::error::Error for DecodeError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        Some(&self.source)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Membership;

    #[test]
    fn trailing_data_is_an_error() {
        let err = decode::<Membership>(br#"{"id":"mem_1"} x"#).unwrap_err();
        assert!(err.is_syntax());
        assert_eq!(err.path(), "");
    }

    #[test]
    fn message_leaves_out_the_position() {
        let err = decode::<Membership>(br#"{"id":5}"#).unwrap_err();
        assert_eq!(err.path(), "id");
        assert!(!err.message().contains("line"), "{}", err.message());
        assert_eq!((err.line(), err.column()), (1, 7));
        assert!(
            err.to_string().starts_with("could not decode `id`:"),
            "{err}"
        );
    }
}
