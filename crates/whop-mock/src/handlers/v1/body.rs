//! Reading a v1 request body, leniently: an empty body is `{}`, unknown fields are ignored, a
//! `null` field is an absent one; a field of the wrong type is a `400`.

use http::StatusCode;
use serde_json::{Map, Value};
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

use super::error;
use crate::state::{Answer, RequestInfo};

/// The body's JSON object.
pub(super) struct Fields(Map<String, Value>);

impl Fields {
    pub(super) fn of(info: &RequestInfo) -> Result<Self, Answer> {
        if info.body.iter().all(u8::is_ascii_whitespace) {
            return Ok(Self(Map::new()));
        }
        match serde_json::from_slice(&info.body) {
            Ok(Value::Object(object)) => Ok(Self(object)),
            Ok(_) => Err(error(
                StatusCode::BAD_REQUEST,
                "The request body must be a JSON object",
            )),
            Err(_) => Err(error(
                StatusCode::BAD_REQUEST,
                "The request body is not valid JSON",
            )),
        }
    }

    /// The field, unless absent or `null`.
    pub(super) fn get(&self, name: &str) -> Option<&Value> {
        self.0.get(name).filter(|v| !v.is_null())
    }

    /// Whether the field is present, even as `null`.
    pub(super) fn has(&self, name: &str) -> bool {
        self.0.contains_key(name)
    }

    pub(super) fn bool(&self, name: &str) -> Result<Option<bool>, Answer> {
        self.get(name)
            .map(|v| v.as_bool().ok_or_else(|| wrong_type(name, "a boolean")))
            .transpose()
    }

    pub(super) fn string(&self, name: &str) -> Result<Option<&str>, Answer> {
        self.get(name)
            .map(|v| v.as_str().ok_or_else(|| wrong_type(name, "a string")))
            .transpose()
    }

    /// A time: ISO 8601 text or Unix seconds; Unix seconds out.
    pub(super) fn time(&self, name: &str) -> Result<Option<i64>, Answer> {
        self.get(name)
            .map(|v| parse_time(v).ok_or_else(|| wrong_type(name, "an ISO 8601 time")))
            .transpose()
    }
}

/// ISO 8601 (RFC 3339) text or Unix seconds (a number or numeric text) as Unix seconds.
pub(super) fn parse_time(value: &Value) -> Option<i64> {
    match value {
        Value::Number(n) => n.as_i64(),
        Value::String(s) => s.parse::<i64>().ok().or_else(|| {
            OffsetDateTime::parse(s, &Rfc3339)
                .ok()
                .map(|t| t.unix_timestamp())
        }),
        _ => None,
    }
}

fn wrong_type(name: &str, what: &str) -> Answer {
    error(StatusCode::BAD_REQUEST, &format!("{name} must be {what}"))
}

/// Whop's documented metadata limits (of the Legacy resource; the mock holds the new one to them
/// too): at most 50 keys, keys of at most 100 characters, string values of at most 500.
pub(super) fn check_metadata_limits(metadata: &Map<String, Value>) -> Result<(), Answer> {
    let too_long_key = metadata.keys().any(|k| k.chars().count() > 100);
    let too_long_value = metadata
        .values()
        .any(|v| v.as_str().is_some_and(|s| s.chars().count() > 500));
    if metadata.len() > 50 || too_long_key || too_long_value {
        return Err(error(
            StatusCode::UNPROCESSABLE_ENTITY,
            "metadata is limited to 50 keys, keys of 100 characters and string values of 500",
        ));
    }
    Ok(())
}
