//! Money amounts.
//!
//! The v2 spec calls prices `number`, but real bodies send them as decimal strings (`"0.0"`).
//! [`Amount`] accepts both and keeps the decimal text, so no precision is lost to `f64`.

use std::fmt;

use serde::de::{self, Visitor};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// A decimal amount (a price or a discount) kept as the text the API sent.
///
/// Decodes from a JSON string (`"9.99"`) or number (`9.99`); encodes as a string, as the API
/// does. A number is kept in its shortest decimal form (`0` for `0.0`).
///
/// ```
/// use whop_models::Amount;
///
/// let from_string: Amount = serde_json::from_str(r#""12.50""#).unwrap();
/// let from_number: Amount = serde_json::from_str("12.5").unwrap();
/// assert_eq!(from_string.as_str(), "12.50");
/// assert_eq!(from_string.to_f64(), from_number.to_f64());
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Amount(String);

impl Amount {
    /// Wraps a decimal text as is. It is not validated: [`to_f64`](Self::to_f64) tells whether
    /// it parses.
    pub fn new(text: impl Into<String>) -> Self {
        Self(text.into())
    }

    /// The amount as sent.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The amount as a float, if the text is a number. Fine for display, not for accounting.
    pub fn to_f64(&self) -> Option<f64> {
        self.0.trim().parse().ok()
    }
}

impl fmt::Display for Amount {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl Serialize for Amount {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.0)
    }
}

impl<'de> Deserialize<'de> for Amount {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(AmountVisitor)
    }
}

struct AmountVisitor;

impl Visitor<'_> for AmountVisitor {
    type Value = Amount;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a decimal amount as a string or a number")
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<Amount, E> {
        Ok(Amount(v.to_owned()))
    }

    fn visit_string<E: de::Error>(self, v: String) -> Result<Amount, E> {
        Ok(Amount(v))
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Amount, E> {
        Ok(Amount(v.to_string()))
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Amount, E> {
        Ok(Amount(v.to_string()))
    }

    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Amount, E> {
        Ok(Amount(v.to_string()))
    }
}

#[cfg(test)]
mod tests {
    use super::Amount;

    #[test]
    fn string_price_is_kept_verbatim() {
        let a: Amount = serde_json::from_str("\"0.0\"").unwrap();
        assert_eq!(a.as_str(), "0.0");
        assert_eq!(serde_json::to_string(&a).unwrap(), "\"0.0\"");
    }

    #[test]
    fn numeric_price_is_accepted() {
        let a: Amount = serde_json::from_str("19.99").unwrap();
        assert_eq!(a.to_f64(), Some(19.99));
    }

    #[test]
    fn object_is_refused() {
        assert!(serde_json::from_str::<Amount>("{}").is_err());
    }
}
