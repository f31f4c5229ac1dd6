//! Timestamps: one reader for every form Whop sends, two writers.
//!
//! The same field arrives in different forms depending on the API and the age of the body:
//!
//! - Unix seconds (v2 and v5, and early snapshots of the Current API): an integer, a float (the
//!   fraction is kept to the nanosecond) or a numeric string;
//! - ISO 8601 / RFC 3339 text (the Current API: `"2023-12-01T05:00:00.401Z"`);
//! - `"YYYY-MM-DD HH:MM:SS +HHMM"` text (Whop's own 2023 webhook examples:
//!   `"2022-12-05 02:28:57 +0200"`; Ruby's default time format, also with `UTC` for the offset).
//!
//! Every timestamp field of every model reads all of them through one visitor, so no field can
//! fall behind another. The writers differ because the APIs do: [`UnixSeconds`] writes whole
//! seconds (the v2/v5 models), [`Iso8601`] writes RFC 3339 (the Current API's models). A value
//! outside the range `time` can represent is a decode error, never a panic.

use std::fmt;

use serde::de::{self, Visitor};
use serde::{Deserializer, Serializer};
use serde_with::{DeserializeAs, SerializeAs};
use time::format_description::BorrowedFormatItem;
use time::format_description::well_known::{Iso8601 as Iso8601Format, Rfc3339};
use time::macros::format_description;
use time::{OffsetDateTime, PrimitiveDateTime, UtcOffset};

/// `serde_with` adapter: [`OffsetDateTime`] written as whole Unix seconds (the v2/v5 models).
///
/// It reads every form Whop sends a time in, as [`Iso8601`] does: Unix seconds (an integer, a
/// float, whose fraction is kept to the nanosecond, or a numeric string), ISO 8601 / RFC 3339
/// text, and `"YYYY-MM-DD HH:MM:SS +HHMM"` text (also with `UTC` for the offset). A time outside
/// the range `time` represents is a decode error, never a panic.
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
/// let event: Event = serde_json::from_str(r#"{"at": "2023-02-08 02:36:39 +0200"}"#).unwrap();
/// assert_eq!(event.at.unix_timestamp(), 1675816599);
/// ```
#[derive(Debug, Clone, Copy, Default)]
pub struct UnixSeconds;

/// `serde_with` adapter: [`OffsetDateTime`] written as RFC 3339 text (`"2025-01-31T12:00:00Z"`),
/// as the Current API writes it (the v1 models).
///
/// It reads every form Whop sends a time in, as [`UnixSeconds`] does: Unix seconds (an integer,
/// a float or a numeric string), ISO 8601 / RFC 3339 text, and `"YYYY-MM-DD HH:MM:SS +HHMM"`
/// text. Writing never fails: a time at an offset with seconds, which RFC 3339 cannot spell, is
/// written in UTC, and one outside the years 0 to 9999 as whole Unix seconds.
///
/// ```
/// use serde::{Deserialize, Serialize};
/// use time::OffsetDateTime;
/// use whop_models::Iso8601;
///
/// #[derive(Serialize, Deserialize)]
/// struct Event {
///     #[serde(with = "serde_with::As::<Iso8601>")]
///     at: OffsetDateTime,
/// }
///
/// let event: Event = serde_json::from_str(r#"{"at": 1738324800}"#).unwrap();
/// assert_eq!(serde_json::to_string(&event).unwrap(), r#"{"at":"2025-01-31T12:00:00Z"}"#);
/// ```
#[derive(Debug, Clone, Copy, Default)]
pub struct Iso8601;

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
        deserializer.deserialize_any(TimestampVisitor)
    }
}

impl SerializeAs<OffsetDateTime> for Iso8601 {
    fn serialize_as<S: Serializer>(
        source: &OffsetDateTime,
        serializer: S,
    ) -> Result<S::Ok, S::Error> {
        // RFC 3339 cannot spell an offset with seconds (the same instant in UTC it can) nor a
        // year outside 0..=9999 (Unix seconds it can: the reader takes them back). So writing
        // never fails, and what is written always reads back.
        let text = source
            .format(&Rfc3339)
            .or_else(|_| source.to_offset(UtcOffset::UTC).format(&Rfc3339));
        match text {
            Ok(text) => serializer.serialize_str(&text),
            Err(_) => serializer.serialize_i64(source.unix_timestamp()),
        }
    }
}

impl<'de> DeserializeAs<'de, OffsetDateTime> for Iso8601 {
    fn deserialize_as<D: Deserializer<'de>>(deserializer: D) -> Result<OffsetDateTime, D::Error> {
        deserializer.deserialize_any(TimestampVisitor)
    }
}

/// `"2022-12-05 02:28:57 +0200"`, with an optional fraction of a second.
const SPACED_WITH_OFFSET: &[BorrowedFormatItem<'static>] = format_description!(
    "[year]-[month]-[day] [hour]:[minute]:[second][optional [.[subsecond]]] [offset_hour sign:mandatory][optional [:]][offset_minute]"
);

/// `"2022-12-05 00:28:57 UTC"`: the same form for a UTC time, as Ruby writes it.
const SPACED_UTC: &[BorrowedFormatItem<'static>] = format_description!(
    "[year]-[month]-[day] [hour]:[minute]:[second][optional [.[subsecond]]] UTC"
);

/// The one reader of timestamps.
struct TimestampVisitor;

fn out_of_range<E: de::Error>(value: impl fmt::Display) -> E {
    E::custom(format_args!(
        "timestamp {value} is out of the supported range"
    ))
}

fn parse_text(text: &str) -> Option<OffsetDateTime> {
    OffsetDateTime::parse(text, &Rfc3339)
        .or_else(|_| OffsetDateTime::parse(text, &Iso8601Format::PARSING))
        .or_else(|_| OffsetDateTime::parse(text, SPACED_WITH_OFFSET))
        .or_else(|_| PrimitiveDateTime::parse(text, SPACED_UTC).map(|at| at.assume_utc()))
        .ok()
}

impl Visitor<'_> for TimestampVisitor {
    type Value = OffsetDateTime;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a Unix timestamp in seconds or an ISO 8601 date-time")
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
        } else if let Some(at) = parse_text(v) {
            Ok(at)
        } else if let Ok(float) = v.parse::<f64>() {
            self.visit_f64(float)
        } else {
            Err(E::invalid_value(de::Unexpected::Str(v), &self))
        }
    }
}

#[cfg(test)]
mod tests {
    use serde::{Deserialize, Serialize};
    use time::OffsetDateTime;

    use super::{Iso8601, UnixSeconds};

    #[derive(Debug, Deserialize, Serialize)]
    struct At(#[serde(with = "serde_with::As::<UnixSeconds>")] OffsetDateTime);

    #[derive(Debug, Deserialize, Serialize)]
    struct Iso(#[serde(with = "serde_with::As::<Iso8601>")] OffsetDateTime);

    fn read(json: &str) -> Result<OffsetDateTime, serde_json::Error> {
        serde_json::from_str::<At>(json).map(|At(at)| at)
    }

    /// (JSON, the instant it means in Unix nanoseconds).
    const FORMS: &[(&str, i128)] = &[
        ("1642834868", 1_642_834_868_000_000_000),
        ("1642834868.5", 1_642_834_868_500_000_000),
        ("\"1642834868\"", 1_642_834_868_000_000_000),
        ("\"1642834868.5\"", 1_642_834_868_500_000_000),
        ("\"2022-01-22T07:01:08Z\"", 1_642_834_868_000_000_000),
        ("\"2022-01-22T09:01:08.5+02:00\"", 1_642_834_868_500_000_000),
        ("\"2022-01-22t07:01:08z\"", 1_642_834_868_000_000_000),
        ("\"20220122T070108Z\"", 1_642_834_868_000_000_000),
        ("\"2022-01-22T07:01Z\"", 1_642_834_860_000_000_000),
        ("\"2022-01-22 09:01:08 +0200\"", 1_642_834_868_000_000_000),
        ("\"2022-01-22 04:31:08 -0230\"", 1_642_834_868_000_000_000),
        ("\"2022-01-22 09:01:08 +02:00\"", 1_642_834_868_000_000_000),
        (
            "\"2022-01-22 09:01:08.250 +0200\"",
            1_642_834_868_250_000_000,
        ),
        ("\"2022-01-22 07:01:08 UTC\"", 1_642_834_868_000_000_000),
    ];

    #[test]
    fn every_form_decodes_to_its_instant() {
        for &(json, nanos) in FORMS {
            let at = read(json).unwrap_or_else(|e| panic!("{json}: {e}"));
            assert_eq!(at.unix_timestamp_nanos(), nanos, "{json}");
        }
    }

    #[test]
    fn a_text_offset_is_kept() {
        let at = read("\"2022-12-05 02:28:57 +0200\"").unwrap();
        assert_eq!(at.offset().whole_hours(), 2);
    }

    #[test]
    fn unix_seconds_writes_whole_seconds_and_iso8601_writes_rfc3339() {
        let at = read("\"2022-01-22T09:01:08.5+02:00\"").unwrap();
        assert_eq!(serde_json::to_string(&At(at)).unwrap(), "1642834868");
        assert_eq!(
            serde_json::to_string(&Iso(at)).unwrap(),
            "\"2022-01-22T09:01:08.5+02:00\""
        );
    }

    #[test]
    fn out_of_range_values_are_errors() {
        for json in [
            "99999999999999999",
            "1e300",
            "-1e300",
            "18446744073709551615",
            "\"99999999999999999\"",
            "\"1e300\"",
            "\"NaN\"",
            "\"inf\"",
        ] {
            let err = read(json).unwrap_err();
            assert!(
                err.to_string().contains("out of the supported range"),
                "{json}: {err}"
            );
        }
    }

    #[test]
    fn text_that_is_no_time_is_refused() {
        for json in [
            "\"yesterday\"",
            "\"\"",
            "\"2022-13-01T00:00:00Z\"",
            "\"2022-01-22 09:01:08\"",
            "\"2022-01-22\"",
            "true",
        ] {
            let err = read(json).unwrap_err();
            assert!(
                err.to_string()
                    .contains("a Unix timestamp in seconds or an ISO 8601 date-time"),
                "{json}: {err}"
            );
        }
    }

    #[test]
    fn a_year_rfc3339_cannot_spell_is_written_as_unix_seconds_and_reads_back() {
        let far = OffsetDateTime::from_unix_timestamp(-100_000_000_000).unwrap();
        let json = serde_json::to_string(&Iso(far)).unwrap();
        assert_eq!(json, "-100000000000");
        assert_eq!(serde_json::from_str::<Iso>(&json).unwrap().0, far);
    }

    proptest::proptest! {
        /// Any time `time` represents, at any offset, is written by both adapters in a form
        /// that reads back to the same instant.
        #[test]
        fn every_representable_time_writes_and_reads_back(
            seconds in OffsetDateTime::new_utc(time::Date::MIN, time::Time::MIDNIGHT).unix_timestamp()
                ..=OffsetDateTime::new_utc(time::Date::MAX, time::Time::MIDNIGHT).unix_timestamp(),
            offset_seconds in -(25 * 3600 + 59 * 60 + 59)..=(25 * 3600 + 59 * 60 + 59),
        ) {
            let offset = time::UtcOffset::from_whole_seconds(offset_seconds).unwrap();
            // The ends of the range shifted by the offset fall outside it: nothing to write.
            let Some(at) = OffsetDateTime::from_unix_timestamp(seconds)
                .ok()
                .and_then(|at| at.checked_to_offset(offset))
            else {
                return Ok(());
            };
            let iso = serde_json::to_string(&Iso(at)).unwrap();
            proptest::prop_assert_eq!(serde_json::from_str::<Iso>(&iso).unwrap().0, at, "{}", iso);
            let unix = serde_json::to_string(&At(at)).unwrap();
            proptest::prop_assert_eq!(serde_json::from_str::<At>(&unix).unwrap().0, at, "{}", unix);
        }
    }

    #[test]
    fn an_offset_with_seconds_is_written_in_utc() {
        let offset = time::UtcOffset::from_hms(1, 0, 30).unwrap();
        let at = OffsetDateTime::from_unix_timestamp(1_642_834_868)
            .unwrap()
            .to_offset(offset);
        let json = serde_json::to_string(&Iso(at)).unwrap();
        assert_eq!(json, "\"2022-01-22T07:01:08Z\"");
    }
}
