//! Membership metadata and the request bodies that send it: validating a license key, updating a
//! membership.
//!
//! Whop's spec types `metadata` as "a polymorphic object containing information that can be user
//! defined": a JSON object, nothing more. No limit on the number of keys, their length or the
//! size of the values is documented anywhere in Whop's public specs or guides, so none is
//! enforced here; Whop may still refuse a body it finds too large (that arrives as an API error).
//! What *is* documented, and enforced by construction, is that it is an object: a
//! [`Metadata`] can only be built from a JSON object ([`Metadata::from_value`] refuses anything
//! else).

use std::fmt;

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

/// A membership's metadata: a JSON object of seller-defined keys (a hardware ID, for a license
/// key bound to a machine).
///
/// ```
/// use whop_models::Metadata;
///
/// let bound = Metadata::new().with("hwid", "098H52ST479QE053V2");
/// assert_eq!(bound.get("hwid").and_then(|v| v.as_str()), Some("098H52ST479QE053V2"));
/// assert!(Metadata::from_value(serde_json::json!([1, 2])).is_err());
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Metadata(Map<String, Value>);

impl Metadata {
    /// Empty metadata, `{}`: binds nothing (and, sent as an update, clears what was bound).
    pub fn new() -> Self {
        Self::default()
    }

    /// The metadata with `key` set to `value`.
    #[must_use]
    pub fn with(mut self, key: impl Into<String>, value: impl Into<Value>) -> Self {
        self.0.insert(key.into(), value.into());
        self
    }

    /// Sets `key` to `value`, returning the previous value.
    pub fn insert(&mut self, key: impl Into<String>, value: impl Into<Value>) -> Option<Value> {
        self.0.insert(key.into(), value.into())
    }

    /// The value of `key`.
    pub fn get(&self, key: &str) -> Option<&Value> {
        self.0.get(key)
    }

    /// `true` for `{}`.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The object itself.
    pub fn as_map(&self) -> &Map<String, Value> {
        &self.0
    }

    /// The object, owned.
    pub fn into_map(self) -> Map<String, Value> {
        self.0
    }

    /// Metadata from any JSON value, which must be an object.
    ///
    /// # Errors
    /// [`NotAnObject`] for `null`, a boolean, a number, a string or an array.
    pub fn from_value(value: Value) -> Result<Self, NotAnObject> {
        match value {
            Value::Object(map) => Ok(Metadata(map)),
            other => Err(NotAnObject {
                found: json_kind(&other),
            }),
        }
    }
}

impl From<Map<String, Value>> for Metadata {
    fn from(map: Map<String, Value>) -> Self {
        Metadata(map)
    }
}

impl TryFrom<Value> for Metadata {
    type Error = NotAnObject;

    fn try_from(value: Value) -> Result<Self, NotAnObject> {
        Metadata::from_value(value)
    }
}

/// Metadata refused because it is not a JSON object.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NotAnObject {
    found: &'static str,
}

impl NotAnObject {
    /// What was given instead: `null`, `a boolean`, `a number`, `a string` or `an array`.
    pub fn found(&self) -> &'static str {
        self.found
    }
}

impl fmt::Display for NotAnObject {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "must be a JSON object, not {}", self.found)
    }
}

impl std::error::Error for NotAnObject {}

fn json_kind(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

/// The body of `POST /v2/memberships/{id}/validate_license` (the spec's `validate_license`
/// schema): `{"metadata": {...}}`, `metadata` required, `{}` when there is nothing to bind.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ValidateLicenseRequest {
    /// What to bind the key to (on first use) or compare with what is bound.
    pub metadata: Metadata,
}

/// The body of `POST /v2/memberships/{id}` (the spec's `update_membership` schema):
/// `{"metadata": {...}}`, `metadata` required. It replaces the membership's metadata; `{}`
/// clears it, which is how Whop's current guide resets a license key's binding.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct UpdateMembershipRequest {
    /// The membership's new metadata.
    pub metadata: Metadata,
}
