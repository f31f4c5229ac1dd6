//! Parsing `Retry-After`: a number of seconds or an HTTP date.
//!
//! Servers send garbage too. Anything that does not parse is ignored (`None`), a negative number
//! does not parse, a number too large for `u64` counts as "forever" (so the retry layer returns
//! the response instead of sleeping), and a date in the past means "now". Nothing here panics or
//! overflows.

use std::time::{Duration, SystemTime};

use http::{HeaderMap, HeaderValue, header::RETRY_AFTER};

/// A parsed `Retry-After` header value.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RetryAfter {
    /// `Retry-After: <seconds>`.
    Delay(Duration),
    /// `Retry-After: <HTTP date>`.
    At(SystemTime),
}

impl RetryAfter {
    /// Parses one header value; `None` for anything that is neither form.
    pub fn parse(value: &HeaderValue) -> Option<Self> {
        let text = value.to_str().ok()?.trim();
        if text.is_empty() {
            return None;
        }
        if text.bytes().all(|b| b.is_ascii_digit()) {
            // All digits: only overflow can fail, and a value past u64 seconds is "forever".
            let secs = text.parse::<u64>().unwrap_or(u64::MAX);
            return Some(Self::Delay(Duration::from_secs(secs)));
        }
        httpdate::parse_http_date(text).ok().map(Self::At)
    }

    /// How long to wait from `now`: the delay itself, or the time until the date (zero if past).
    pub fn delay_from(self, now: SystemTime) -> Duration {
        match self {
            Self::Delay(delay) => delay,
            Self::At(at) => at.duration_since(now).unwrap_or(Duration::ZERO),
        }
    }
}

/// How long the `Retry-After` header of `headers` asks to wait, from now; `None` when it is absent
/// or unparseable. If the header repeats, the first value counts.
pub fn retry_after(headers: &HeaderMap) -> Option<Duration> {
    let value = headers.get(RETRY_AFTER)?;
    RetryAfter::parse(value).map(|r| r.delay_from(SystemTime::now()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(s: &str) -> Option<RetryAfter> {
        RetryAfter::parse(&HeaderValue::from_str(s).expect("test values are valid headers"))
    }

    #[test]
    fn retry_after_parses_delta_seconds() {
        assert_eq!(parse("1"), Some(RetryAfter::Delay(Duration::from_secs(1))));
        assert_eq!(
            parse(" 120 "),
            Some(RetryAfter::Delay(Duration::from_secs(120)))
        );
        assert_eq!(parse("0"), Some(RetryAfter::Delay(Duration::ZERO)));
    }

    #[test]
    fn retry_after_parses_http_dates_in_all_three_formats() {
        let expected = SystemTime::UNIX_EPOCH + Duration::from_secs(784_111_777);
        for s in [
            "Sun, 06 Nov 1994 08:49:37 GMT",
            "Sunday, 06-Nov-94 08:49:37 GMT",
            "Sun Nov  6 08:49:37 1994",
        ] {
            assert_eq!(parse(s), Some(RetryAfter::At(expected)), "{s}");
        }
    }

    #[test]
    fn retry_after_date_is_relative_to_now_and_past_dates_mean_now() {
        let now = SystemTime::UNIX_EPOCH + Duration::from_secs(784_111_770);
        let at = parse("Sun, 06 Nov 1994 08:49:37 GMT").expect("a date");
        assert_eq!(at.delay_from(now), Duration::from_secs(7));
        assert_eq!(
            at.delay_from(now + Duration::from_secs(3600)),
            Duration::ZERO
        );
    }

    #[test]
    fn retry_after_ignores_negative_fractional_and_garbage_values() {
        for s in [
            "-1",
            "1.5",
            "soon",
            "",
            "  ",
            "1e3",
            "+5",
            "Sun, 32 Nov 1994 08:49:37 GMT",
        ] {
            assert_eq!(parse(s), None, "{s:?}");
        }
        let binary = HeaderValue::from_bytes(b"\xff\xfe").expect("obs-text is a valid header");
        assert_eq!(RetryAfter::parse(&binary), None);
    }

    #[test]
    fn retry_after_absurdly_large_values_saturate_without_overflow() {
        assert_eq!(
            parse("18446744073709551615"),
            Some(RetryAfter::Delay(
                Duration::MAX.min(Duration::from_secs(u64::MAX))
            ))
        );
        assert_eq!(
            parse("99999999999999999999999999"),
            Some(RetryAfter::Delay(Duration::from_secs(u64::MAX)))
        );
        let far = parse("Fri, 31 Dec 9999 23:59:59 GMT").expect("a date");
        assert!(far.delay_from(SystemTime::now()) > Duration::from_secs(1_000_000));
    }

    #[test]
    fn retry_after_header_map_helper_reads_the_header() {
        let mut headers = HeaderMap::new();
        assert_eq!(retry_after(&headers), None);
        headers.insert(RETRY_AFTER, HeaderValue::from_static("3"));
        assert_eq!(retry_after(&headers), Some(Duration::from_secs(3)));
    }
}
