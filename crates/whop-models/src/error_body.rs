//! The bodies Whop sends with an error status.
//!
//! The Current API wraps the error: `{"error": {"type", "message", "code"?}}` ([`v1::ErrorBody`];
//! some of its docs print `code` where its SDKs read `type`). v2 wraps it too:
//! `{"error": {"status" or "code": <string or integer>, "message": ...}}` (the schema says
//! `status` as a string, the examples `code` as an integer). v5, the rate limiter and some
//! Current API answers send a flat `{"message": ...}`. Gateways in front of the API may send HTML
//! or nothing at all, so [`ErrorBody::parse`] never fails loudly: it returns `None` for anything
//! it does not recognise, and the caller keeps the raw bytes.

use std::fmt;

use serde::de::{self, Visitor};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::v1;

/// An error code as v2 sends it: an integer in the examples, a string in the schema.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum ErrorCode {
    /// An integer code, usually the HTTP status.
    Number(i64),
    /// A textual code.
    Text(String),
}

impl ErrorCode {
    /// The code as an HTTP status number, if it is one (a numeric string counts).
    pub fn as_u16(&self) -> Option<u16> {
        match self {
            Self::Number(n) => u16::try_from(*n).ok(),
            Self::Text(text) => text.trim().parse().ok(),
        }
    }
}

impl fmt::Display for ErrorCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Number(n) => n.fmt(f),
            Self::Text(text) => f.write_str(text),
        }
    }
}

impl Serialize for ErrorCode {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            Self::Number(n) => serializer.serialize_i64(*n),
            Self::Text(text) => serializer.serialize_str(text),
        }
    }
}

impl<'de> Deserialize<'de> for ErrorCode {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct CodeVisitor;

        impl Visitor<'_> for CodeVisitor {
            type Value = ErrorCode;

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("an error code as a string or an integer")
            }

            fn visit_i64<E: de::Error>(self, v: i64) -> Result<ErrorCode, E> {
                Ok(ErrorCode::Number(v))
            }

            fn visit_u64<E: de::Error>(self, v: u64) -> Result<ErrorCode, E> {
                i64::try_from(v)
                    .map(ErrorCode::Number)
                    .or_else(|_| Ok(ErrorCode::Text(v.to_string())))
            }

            fn visit_f64<E: de::Error>(self, v: f64) -> Result<ErrorCode, E> {
                Ok(ErrorCode::Text(v.to_string()))
            }

            fn visit_str<E: de::Error>(self, v: &str) -> Result<ErrorCode, E> {
                Ok(ErrorCode::Text(v.to_owned()))
            }

            fn visit_string<E: de::Error>(self, v: String) -> Result<ErrorCode, E> {
                Ok(ErrorCode::Text(v))
            }
        }

        deserializer.deserialize_any(CodeVisitor)
    }
}

/// The v2 error envelope: `{"error": {...}}`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct V2ErrorBody {
    /// What went wrong.
    pub error: V2Error,
}

/// The inside of a v2 error envelope. Every field is optional; absent ones are not written back.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct V2Error {
    /// The code under the schema's key, `status`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub status: Option<ErrorCode>,
    /// The code under the examples' key, `code`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub code: Option<ErrorCode>,
    /// A human-readable explanation.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
}

impl V2Error {
    /// The code, from `code` or else `status`.
    pub fn code(&self) -> Option<&ErrorCode> {
        self.code.as_ref().or(self.status.as_ref())
    }
}

/// The v5 (and rate-limit) error body: `{"message": ...}`.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct V5ErrorBody {
    /// A human-readable explanation.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
}

/// An error body in any of the API's shapes.
///
/// ```
/// use whop_models::ErrorBody;
///
/// let v1 = ErrorBody::parse(
///     br#"{"error":{"type":"rate_limit_exceeded","message":"Try again in 12 seconds."}}"#,
/// )
/// .unwrap();
/// assert_eq!(v1.error_type(), Some("rate_limit_exceeded"));
/// assert_eq!(v1.message(), Some("Try again in 12 seconds."));
///
/// let v2 = ErrorBody::parse(br#"{"error":{"code":404,"message":"No such Resource"}}"#).unwrap();
/// assert_eq!(v2.message(), Some("No such Resource"));
/// assert_eq!(v2.code().and_then(|c| c.as_u16()), Some(404));
/// assert_eq!(v2.error_type(), None);
///
/// let v5 = ErrorBody::parse(br#"{"message":"You are being rate limited"}"#).unwrap();
/// assert_eq!(v5.message(), Some("You are being rate limited"));
///
/// assert_eq!(ErrorBody::parse(b"<html>502 Bad Gateway</html>"), None);
/// ```
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(try_from = "EitherShape")]
pub enum ErrorBody {
    /// `{"error": {"type": ..., ...}}`: the Current API's shape, told apart by its `type`.
    V1(v1::ErrorBody),
    /// `{"error": {...}}` without a `type`: v2's shape (and the form some Current API docs print,
    /// with `code` in the place of `type`).
    V2(V2ErrorBody),
    /// `{"message": ...}`.
    V5(V5ErrorBody),
}

/// Every shape's keys in one object, read in one pass; `error` wins when both are present. A key
/// given twice is an error, as in any derived `Deserialize`.
#[derive(Deserialize)]
struct EitherShape {
    error: Option<AnyError>,
    message: Option<String>,
}

/// The inside of a v1 or a v2 envelope: the keys of both.
#[derive(Deserialize)]
struct AnyError {
    #[serde(rename = "type")]
    error_type: Option<String>,
    status: Option<ErrorCode>,
    code: Option<ErrorCode>,
    message: Option<String>,
}

impl AnyError {
    /// A `type` makes it the Current API's shape (whose `code` is text: a number is kept as its
    /// digits); without one it is v2's.
    fn into_body(self) -> ErrorBody {
        let Self {
            error_type,
            status,
            code,
            message,
        } = self;
        match error_type {
            Some(error_type) => ErrorBody::V1(v1::ErrorBody {
                error: v1::Error {
                    r#type: Some(error_type),
                    message,
                    code: code.map(|code| code.to_string()),
                },
            }),
            None => ErrorBody::V2(V2ErrorBody {
                error: V2Error {
                    status,
                    code,
                    message,
                },
            }),
        }
    }
}

/// Neither shape's key was there: what the error says was expected.
#[derive(Debug)]
struct NotAnErrorBody;

impl fmt::Display for NotAnErrorBody {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(
            "expected an error body: {\"error\": {...}} (Current API, v2) or {\"message\": ...} (v5)",
        )
    }
}

impl TryFrom<EitherShape> for ErrorBody {
    type Error = NotAnErrorBody;

    fn try_from(shape: EitherShape) -> Result<Self, NotAnErrorBody> {
        match (shape.error, shape.message) {
            (Some(error), _) => Ok(error.into_body()),
            (None, Some(message)) => Ok(ErrorBody::V5(V5ErrorBody {
                message: Some(message),
            })),
            (None, None) => Err(NotAnErrorBody),
        }
    }
}

impl ErrorBody {
    /// Reads an error body from raw bytes, leniently.
    ///
    /// Returns `None` when the bytes are not JSON, not an object, or carry neither an `error`
    /// object nor a `message` string. Never panics. An `error` object with a `type` is the
    /// Current API's shape ([`ErrorBody::V1`]); without one, v2's ([`ErrorBody::V2`]).
    pub fn parse(bytes: &[u8]) -> Option<Self> {
        serde_json::from_slice(bytes).ok()
    }

    /// The human-readable message, if the body had one.
    pub fn message(&self) -> Option<&str> {
        match self {
            Self::V1(body) => body.error.message.as_deref(),
            Self::V2(body) => body.error.message.as_deref(),
            Self::V5(body) => body.message.as_deref(),
        }
    }

    /// The error code: the Current API's `code` (as text), or v2's (`code` preferred over
    /// `status`); `None` for a v5 body.
    ///
    /// Owned, because the Current API's code is a `String` and v2's an [`ErrorCode`].
    pub fn code(&self) -> Option<ErrorCode> {
        match self {
            Self::V1(body) => body.error.code.clone().map(ErrorCode::Text),
            Self::V2(body) => body.error.code().cloned(),
            Self::V5(_) => None,
        }
    }

    /// The machine-readable kind of error, the Current API's `type` (`rate_limit_exceeded`, …).
    ///
    /// Some of Whop's docs print that kind under `code` instead (`{"error": {"code":
    /// "invalid_request", ...}}`), so for an envelope without `type` a textual, non-numeric
    /// `code` (or `status`) counts as the type; a number, such as v2's `404`, does not.
    pub fn error_type(&self) -> Option<&str> {
        match self {
            Self::V1(body) => body.error.r#type.as_deref(),
            Self::V2(body) => match body.error.code() {
                Some(ErrorCode::Text(text)) if text.trim().parse::<i64>().is_err() => Some(text),
                _ => None,
            },
            Self::V5(_) => None,
        }
    }
}

impl Serialize for ErrorBody {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            Self::V1(body) => body.serialize(serializer),
            Self::V2(body) => body.serialize(serializer),
            Self::V5(body) => body.serialize(serializer),
        }
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    /// What `parse` answers, worked out from the members as written: a key given twice (an
    /// escaped spelling counts as the key it spells) is no body; `error` (unless `null`) must be
    /// a v1 error if it has a `type` that is not `null`, else a v2 error, and wins; else
    /// `message` (unless `null`) must be a string.
    fn expected(members: &[(&str, &str)]) -> Option<ErrorBody> {
        let (mut error, mut message) = (None, None);
        for &(key, value) in members {
            let slot = match key {
                "error" => &mut error,
                "message" | "mess\\u0061ge" => &mut message,
                _ => continue,
            };
            if slot.replace(value).is_some() {
                return None;
            }
        }
        let error = match error.filter(|v| *v != "null") {
            Some(v) => match serde_json::from_str::<serde_json::Value>(v)
                .ok()?
                .get("type")
            {
                Some(serde_json::Value::String(_)) => Some(ErrorBody::V1(v1::ErrorBody {
                    error: serde_json::from_str::<v1::Error>(v).ok()?,
                })),
                None | Some(serde_json::Value::Null) => Some(ErrorBody::V2(V2ErrorBody {
                    error: serde_json::from_str::<V2Error>(v).ok()?,
                })),
                Some(_) => return None,
            },
            None => None,
        };
        let message = match message.filter(|v| *v != "null") {
            Some(v) => Some(serde_json::from_str::<String>(v).ok()?),
            None => None,
        };
        match (error, message) {
            (Some(error), _) => Some(error),
            (None, Some(message)) => Some(ErrorBody::V5(V5ErrorBody {
                message: Some(message),
            })),
            (None, None) => None,
        }
    }

    proptest! {
        /// Objects of any of the keys, each with any kind of value, repeated or not, escaped or
        /// not: `parse` answers what the rules above say.
        #[test]
        fn parse_answers_what_the_members_say(
            members in prop::collection::vec(
                (
                    prop::sample::select(vec![
                        "error", "message", "mess\\u0061ge", "other", "code", "Error",
                    ]),
                    prop::sample::select(vec![
                        "null", "1", "\"text\"", "{}", "[]", "true",
                        "{\"code\":404,\"message\":\"No such Resource\"}",
                        "{\"status\":\"400\"}", "{\"code\":[]}",
                        "{\"type\":\"rate_limit_exceeded\",\"message\":\"Try again in 12 seconds.\"}",
                        "{\"type\":\"conflict\",\"code\":\"bank_warning_not_acknowledged\"}",
                        "{\"type\":null,\"code\":\"invalid_request\"}", "{\"type\":1}",
                    ]),
                ),
                0..4,
            ),
        ) {
            let body: Vec<String> =
                members.iter().map(|(k, v)| format!("\"{k}\":{v}")).collect();
            let body = format!("{{{}}}", body.join(","));
            prop_assert_eq!(ErrorBody::parse(body.as_bytes()), expected(&members), "{}", body);
        }
    }

    #[test]
    fn a_key_given_twice_is_not_an_error_body() {
        assert_eq!(ErrorBody::parse(br#"{"message":"a","message":"b"}"#), None);
        assert_eq!(ErrorBody::parse(br#"{"error":null,"error":{}}"#), None);
    }

    #[test]
    fn an_error_body_decodes_from_a_json_value_too() {
        let v5: ErrorBody = serde_json::from_value(serde_json::json!({"message": "x"})).unwrap();
        assert_eq!(v5.message(), Some("x"));
        let v2: ErrorBody =
            serde_json::from_value(serde_json::json!({"error": {"code": 404}})).unwrap();
        assert_eq!(v2.code(), Some(ErrorCode::Number(404)));
    }

    #[test]
    fn an_escaped_key_is_read_as_the_key_it_spells() {
        let body = ErrorBody::parse(br#"{"mess\u0061ge":"slow down"}"#).unwrap();
        assert_eq!(body.message(), Some("slow down"));
    }

    #[test]
    fn v2_status_string_is_read_as_code() {
        let body = ErrorBody::parse(br#"{"error":{"status":"404","message":"nope"}}"#).unwrap();
        assert_eq!(body.code(), Some(ErrorCode::Text("404".into())));
        assert_eq!(body.code().unwrap().as_u16(), Some(404));
    }

    #[test]
    fn error_key_wins_over_top_level_message() {
        let body = ErrorBody::parse(br#"{"message":"outer","error":{"message":"inner"}}"#).unwrap();
        assert_eq!(body.message(), Some("inner"));
    }

    #[test]
    fn empty_and_non_object_bodies_are_none() {
        for bytes in [
            &b""[..],
            b"null",
            b"[]",
            b"\"text\"",
            b"{}",
            b"{\"error\":\"x\"}",
        ] {
            assert_eq!(
                ErrorBody::parse(bytes),
                None,
                "{:?}",
                String::from_utf8_lossy(bytes)
            );
        }
    }
}
