//! Whole-number counts that the v5 spec types as `number`.
//!
//! `quantity` is `int32` in v2 but `number` in v5, so a body may carry `1.0`. [`WholeNumber`]
//! reads an integer, or a float with no fractional part, into an integer type, and writes an
//! integer. Anything else (a fraction, a negative count, an overflow) is a decode error.

use std::fmt;
use std::marker::PhantomData;

use serde::de::{self, Visitor};
use serde::{Deserializer, Serialize, Serializer};
use serde_with::{DeserializeAs, SerializeAs};

/// `serde_with` adapter: an integer that may arrive as an integral float.
#[derive(Debug, Clone, Copy, Default)]
pub struct WholeNumber;

impl<T: Serialize> SerializeAs<T> for WholeNumber {
    fn serialize_as<S: Serializer>(source: &T, serializer: S) -> Result<S::Ok, S::Error> {
        source.serialize(serializer)
    }
}

impl<'de, T> DeserializeAs<'de, T> for WholeNumber
where
    T: TryFrom<i64> + TryFrom<u64>,
{
    fn deserialize_as<D: Deserializer<'de>>(deserializer: D) -> Result<T, D::Error> {
        deserializer.deserialize_any(WholeNumberVisitor(PhantomData))
    }
}

struct WholeNumberVisitor<T>(PhantomData<fn() -> T>);

impl<T> Visitor<'_> for WholeNumberVisitor<T>
where
    T: TryFrom<i64> + TryFrom<u64>,
{
    type Value = T;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a whole number")
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<T, E> {
        T::try_from(v).map_err(|_| E::invalid_value(de::Unexpected::Signed(v), &self))
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<T, E> {
        T::try_from(v).map_err(|_| E::invalid_value(de::Unexpected::Unsigned(v), &self))
    }

    fn visit_f64<E: de::Error>(self, v: f64) -> Result<T, E> {
        // The bounds keep the `as` conversion exact.
        if v.fract() == 0.0 && v.abs() < 9.0e15 {
            self.visit_i64(v as i64)
        } else {
            Err(E::invalid_value(de::Unexpected::Float(v), &self))
        }
    }
}

#[cfg(test)]
mod tests {
    use serde::Deserialize;

    use super::WholeNumber;

    #[derive(Debug, Deserialize)]
    struct Count(#[serde(with = "serde_with::As::<WholeNumber>")] u32);

    #[test]
    fn integral_float_is_accepted() {
        assert_eq!(serde_json::from_str::<Count>("2.0").unwrap().0, 2);
    }

    #[test]
    fn fraction_and_negative_are_refused() {
        assert!(serde_json::from_str::<Count>("1.5").is_err());
        assert!(serde_json::from_str::<Count>("-1").is_err());
        assert!(serde_json::from_str::<Count>("1e300").is_err());
    }
}
