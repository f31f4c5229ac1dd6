//! Decoding response bodies with errors that say where they went wrong.
//!
//! [`decode`] is `serde_json::from_slice`; when that fails, the body is decoded a second time
//! through `serde_path_to_error`, so a bad field deep inside an expanded object reads as
//! `product.created_at` rather than only "line 1 column 913". Tracking the path costs an
//! allocation per object key, so a body that decodes (nearly every one) does not pay for it:
//! tracked on every decode, the v5 membership took 1.7x the instructions and 39 more
//! allocations, slower than decoding it into a `serde_json::Value`. The decoder does not keep the
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
    serde_json::from_slice(bytes).map_err(|error| explain::<T>(bytes, error))
}

/// Why `bytes` did not decode into `T`: the same decode again, with the path tracked. The
/// decoder is deterministic, so it fails at the same place; `error` is the answer should it not.
#[cold]
fn explain<T: DeserializeOwned>(bytes: &[u8], error: serde_json::Error) -> DecodeError {
    let mut deserializer = serde_json::Deserializer::from_slice(bytes);
    match serde_path_to_error::deserialize::<_, T>(&mut deserializer) {
        Err(tracked) => DecodeError::from_path(tracked),
        // Trailing data after the value, as `serde_json::from_slice` refuses it.
        Ok(_) => match deserializer.end() {
            Err(trailing) => DecodeError::new(String::new(), trailing),
            Ok(()) => DecodeError::new(String::new(), error),
        },
    }
}

/// A body did not decode. Tells where (JSON path, line, column) and why.
///
/// One pointer wide, like `serde_json::Error`, so that `Result<T, DecodeError>` costs a decode
/// that succeeds no more than `serde_json::from_slice`'s own result does.
#[derive(Debug)]
pub struct DecodeError(Box<Explained>);

#[derive(Debug)]
struct Explained {
    path: String,
    message: String,
    source: serde_json::Error,
}

impl DecodeError {
    fn new(path: String, source: serde_json::Error) -> Self {
        let full = source.to_string();
        let suffix = format!(" at line {} column {}", source.line(), source.column());
        let message = full.strip_suffix(&suffix).unwrap_or(&full).to_owned();
        Self(Box::new(Explained {
            path,
            message,
            source,
        }))
    }

    fn from_path(error: serde_path_to_error::Error<serde_json::Error>) -> Self {
        // serde_path_to_error writes the root as "."; ours is empty.
        let path = match error.path().to_string() {
            root if root == "." => String::new(),
            path => path,
        };
        Self::new(path, error.into_inner())
    }

    /// The JSON path of the value that failed, e.g. `product.created_at` or `data[0].id`.
    /// Empty when the failure is at the top level (bad syntax, wrong root type, trailing data).
    pub fn path(&self) -> &str {
        &self.0.path
    }

    /// Why it failed, without the position.
    pub fn message(&self) -> &str {
        &self.0.message
    }

    /// The 1-based line of the failure (0 if unknown).
    pub fn line(&self) -> usize {
        self.0.source.line()
    }

    /// The 1-based column of the failure (0 if unknown).
    pub fn column(&self) -> usize {
        self.0.source.column()
    }

    /// Whether the body was not JSON at all (as opposed to JSON of the wrong shape).
    pub fn is_syntax(&self) -> bool {
        matches!(
            self.0.source.classify(),
            serde_json::error::Category::Syntax | serde_json::error::Category::Eof
        )
    }
}

impl fmt::Display for DecodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.0.path.is_empty() {
            write!(f, "could not decode the body: {}", self.0.message)?;
        } else {
            write!(f, "could not decode `{}`: {}", self.0.path, self.0.message)?;
        }
        write!(f, " (line {}, column {})", self.line(), self.column())
    }
}

impl std::error::Error for DecodeError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        Some(&self.0.source)
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;
    use crate::Membership;

    proptest! {
        /// Any text decodes to a value or an error, never a panic.
        #[test]
        fn any_text_decodes_or_fails_without_panicking(
            text in prop::collection::vec(
                prop::sample::select(b"{}[],:\"\\ a1.-eu\n".to_vec()),
                0..64,
            ),
        ) {
            let _ = decode::<Membership>(&text);
        }
    }

    #[test]
    fn an_escaped_key_is_named_unescaped() {
        let err = decode::<Membership>(br#"{"id":"mem_1","\u0070lan":42}"#).unwrap_err();
        assert_eq!(err.path(), "plan");
    }

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
