//! Unix-seconds timestamps.
//!
//! Whop sends times as whole seconds since the Unix epoch (`int32` in the v2 spec, `number` in
//! v5). [`UnixSeconds`] is the `serde_with` adapter the models use to turn them into
//! [`time::OffsetDateTime`] (UTC). It reads integers, floats (the fraction is kept to the
//! nanosecond) and numeric strings; it writes whole seconds, as the API does. A value outside
//! the range `time` can represent is a decode error, never a panic.

use std::fmt;

use serde::de::{self, Visitor};
use serde::{Deserializer, Serializer};
use serde_with::{DeserializeAs, SerializeAs};
use time::OffsetDateTime;

/// `serde_with` adapter: [`OffsetDateTime`] as Unix seconds.
///
/// Use it through `serde_with::As`, as the models do (or with `#[serde_as(as = "UnixSeconds")]`
/// if your own crate enables serde_with's `macros` feature):
///
/// ```
/// use serde::Deserialize;
/// use time::OffsetDateTime;
/// use whop_models::UnixSeconds;
///
/// #[derive(Deserialize)]
/// struct Event {
///     #[serde(with = "serde_with::As::<UnixSeconds>")]
///     at: OffsetDateTime,
/// }
///
/// let event: Event = serde_json::from_str(r#"{"at": 1675816599}"#).unwrap();
/// assert_eq!(event.at.unix_timestamp(), 1675816599);
/// ```
#[derive(Debug, Clone, Copy, Default)]
pub struct UnixSeconds;

impl SerializeAs<OffsetDateTime> for UnixSeconds {
    fn serialize_as<S: Serializer>(
        source: &OffsetDateTime,
        serializer: S,
    ) -> Result<S::Ok, S::Error> {
        serializer.serialize_i64(source.unix_timestamp())
    }
}

impl<'de> DeserializeAs<'de, OffsetDateTime> for UnixSeconds {
    fn deserialize_as<D: Deserializer<'de>>(deserializer: D) -> Result<OffsetDateTime, D::Error> {
        deserializer.deserialize_any(UnixSecondsVisitor)
    }
}

struct UnixSecondsVisitor;

fn out_of_range<E: de::Error>(value: impl fmt::Display) -> E {
    E::custom(format_args!(
        "timestamp {value} is out of the supported range"
    ))
}

impl Visitor<'_> for UnixSecondsVisitor {
    type Value = OffsetDateTime;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a Unix timestamp in seconds")
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Self::Value, E> {
        OffsetDateTime::from_unix_timestamp(v).map_err(|_| out_of_range(v))
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Self::Value, E> {
        let signed = i64::try_from(v).map_err(|_| out_of_range(v))?;
        self.visit_i64(signed)
    }

    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Self::Value, E> {
        if !v.is_finite() {
            return Err(out_of_range(v));
        }
        // `as` saturates for floats, so a huge value becomes i128::MAX and is refused below.
        let nanos = (v * 1e9).round() as i128;
        OffsetDateTime::from_unix_timestamp_nanos(nanos).map_err(|_| out_of_range(v))
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
        if let Ok(whole) = v.parse::<i64>() {
            self.visit_i64(whole)
        } else if let Ok(float) = v.parse::<f64>() {
            self.visit_f64(float)
        } else {
            Err(E::invalid_value(de::Unexpected::Str(v), &self))
        }
    }
}

#[cfg(test)]
mod tests {
    use serde::Deserialize;
    use time::OffsetDateTime;

    use super::UnixSeconds;

    #[derive(Debug, Deserialize)]
    struct At(#[serde(with = "serde_with::As::<UnixSeconds>")] OffsetDateTime);

    #[test]
    fn integer_seconds_decode() {
        let At(at) = serde_json::from_str("1642834868").unwrap();
        assert_eq!(at.unix_timestamp(), 1_642_834_868);
    }

    #[test]
    fn float_seconds_keep_their_fraction() {
        let At(at) = serde_json::from_str("1642834868.5").unwrap();
        assert_eq!(at.unix_timestamp(), 1_642_834_868);
        assert_eq!(at.millisecond(), 500);
    }

    #[test]
    fn numeric_string_decodes() {
        let At(at) = serde_json::from_str("\"1642834868\"").unwrap();
        assert_eq!(at.unix_timestamp(), 1_642_834_868);
    }

    #[test]
    fn out_of_range_integer_is_an_error() {
        let err = serde_json::from_str::<At>("99999999999999999").unwrap_err();
        assert!(
            err.to_string().contains("out of the supported range"),
            "{err}"
        );
    }

    #[test]
    fn out_of_range_float_and_u64_are_errors() {
        assert!(serde_json::from_str::<At>("1e300").is_err());
        assert!(serde_json::from_str::<At>("-1e300").is_err());
        assert!(serde_json::from_str::<At>("18446744073709551615").is_err());
    }

    #[test]
    fn boolean_is_refused() {
        let err = serde_json::from_str::<At>("true").unwrap_err();
        assert!(
            err.to_string().contains("a Unix timestamp in seconds"),
            "{err}"
        );
    }
}
