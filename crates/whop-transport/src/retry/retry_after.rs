//! Parsing `Retry-After` (a number of seconds or an HTTP date), and the wait a Current API 429
//! gives only in its message.
//!
//! Servers send garbage too. Anything that does not parse is ignored (`None`), a negative number
//! does not parse, a number too large for `u64` counts as "forever" (so the retry layer returns
//! the response instead of sleeping), and a date in the past means "now". Nothing here panics or
//! overflows.

use std::time::{Duration, SystemTime};

use http::{HeaderMap, HeaderValue, StatusCode, header::RETRY_AFTER};

use crate::extensions::ApiFamily;

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

/// The wait a Current API (v1) error message asks for. Whop's v1 429 gives it only in its text,
/// `{"error": {"type": "rate_limit_exceeded", "message": "Try again in 12 seconds."}}` (or in a
/// top-level `message`), with no `Retry-After`.
///
/// Finds `try again in <N> <unit>` (any case) anywhere in `text`, so pass the message or the
/// whole body: `N` is a number, with an optional fraction; the unit is seconds (`second`,
/// `seconds`, `sec`, `s`, or none), minutes (`minute`, `minutes`, `min`) or milliseconds
/// (`millisecond`, `milliseconds`, `ms`). `None` when the sentence is not there. A number too
/// large saturates (the retry layer then returns the response rather than sleep).
///
/// ```
/// use std::time::Duration;
/// use whop_transport::retry_after_in_message;
///
/// let body = r#"{"error": {"type": "rate_limit_exceeded", "message": "Try again in 12 seconds."}}"#;
/// assert_eq!(retry_after_in_message(body), Some(Duration::from_secs(12)));
/// assert_eq!(retry_after_in_message("Slow down."), None);
/// ```
pub fn retry_after_in_message(text: impl AsRef<[u8]>) -> Option<Duration> {
    const PHRASE: &[u8] = b"try again in";
    let text = text.as_ref();
    let start = text
        .windows(PHRASE.len())
        .position(|window| window.eq_ignore_ascii_case(PHRASE))?;
    let rest = skip_spaces(&text[start + PHRASE.len()..]);
    let whole_len = rest.iter().take_while(|b| b.is_ascii_digit()).count();
    if whole_len == 0 {
        return None;
    }
    let whole = saturating_number(&rest[..whole_len]);
    let mut rest = &rest[whole_len..];
    let mut nanos = 0u32;
    if let [b'.', fraction @ ..] = rest {
        let len = fraction.iter().take_while(|b| b.is_ascii_digit()).count();
        // Nanoseconds: the first nine digits, padded.
        nanos = fraction[..len]
            .iter()
            .chain(std::iter::repeat(&b'0'))
            .take(9)
            .fold(0, |n, digit| n * 10 + u32::from(digit - b'0'));
        rest = &fraction[len..];
    }
    let rest = skip_spaces(rest);
    let unit_len = rest.iter().take_while(|b| b.is_ascii_alphabetic()).count();
    let amount = Duration::new(whole, 0).saturating_add(Duration::from_nanos(u64::from(nanos)));
    match rest[..unit_len].to_ascii_lowercase().as_slice() {
        b"" | b"s" | b"sec" | b"secs" | b"second" | b"seconds" => Some(amount),
        b"min" | b"mins" | b"minute" | b"minutes" => Some(amount.saturating_mul(60)),
        b"ms" | b"millisecond" | b"milliseconds" => Some(amount / 1000),
        _ => None,
    }
}

fn skip_spaces(text: &[u8]) -> &[u8] {
    let spaces = text.iter().take_while(|b| **b == b' ').count();
    &text[spaces..]
}

/// ASCII digits as a `u64`, saturating at `u64::MAX`.
fn saturating_number(digits: &[u8]) -> u64 {
    digits.iter().fold(0u64, |n, digit| {
        n.saturating_mul(10).saturating_add(u64::from(digit - b'0'))
    })
}

/// How long a response asks to wait before the request is sent again: its `Retry-After`, else,
/// for a 429 to a v1 request (`family` is the request's [`ApiFamily`], if known), the wait in its
/// message ([`retry_after_in_message`]). The one rule the retry layer, the pacer's cooldown and
/// the client's `Error::retry_after` read.
pub fn requested_wait(
    status: StatusCode,
    headers: &HeaderMap,
    body: &[u8],
    family: Option<ApiFamily>,
) -> Option<Duration> {
    retry_after(headers).or_else(|| {
        let v1_429 = status == StatusCode::TOO_MANY_REQUESTS && family == Some(ApiFamily::V1);
        v1_429.then(|| retry_after_in_message(body)).flatten()
    })
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

    #[test]
    fn retry_after_in_message_reads_whops_sentence_in_each_form() {
        let ms = Duration::from_millis;
        // (text, expected wait)
        let cases: [(&str, Option<Duration>); 16] = [
            ("Try again in 12 seconds.", Some(ms(12_000))),
            (
                r#"{"error":{"type":"rate_limit_exceeded","message":"Try again in 12 seconds."}}"#,
                Some(ms(12_000)),
            ),
            (
                r#"{"message":"Rate limited. Try again in 3 seconds."}"#,
                Some(ms(3000)),
            ),
            ("try again in 1 second", Some(ms(1000))),
            ("TRY AGAIN IN 2s", Some(ms(2000))),
            ("Try again in 1.5 seconds.", Some(ms(1500))),
            ("Try again in 2 minutes.", Some(ms(120_000))),
            ("Try again in 250 ms", Some(ms(250))),
            ("Try again in 7.", Some(ms(7000))),
            ("Try again in 0 seconds.", Some(Duration::ZERO)),
            ("Try again in a few seconds.", None),
            ("Try again in 5 fortnights.", None),
            ("Try again later.", None),
            ("", None),
            ("Try again in", None),
            (
                "Try again in 99999999999999999999999 seconds.",
                Some(Duration::from_secs(u64::MAX)),
            ),
        ];
        for (text, expected) in cases {
            assert_eq!(retry_after_in_message(text), expected, "{text:?}");
        }
    }

    #[test]
    fn the_requested_wait_prefers_retry_after_and_reads_the_message_only_for_a_v1_429() {
        let body = br#"{"error":{"message":"Try again in 12 seconds."}}"#;
        let mut with_header = HeaderMap::new();
        with_header.insert(RETRY_AFTER, HeaderValue::from_static("3"));
        let none = HeaderMap::new();
        let s = Duration::from_secs;
        let v1 = Some(ApiFamily::V1);
        // (status, headers, family, expected)
        let cases: [(u16, &HeaderMap, Option<ApiFamily>, Option<Duration>); 6] = [
            (429, &none, v1, Some(s(12))),
            (429, &with_header, v1, Some(s(3))),
            (429, &none, Some(ApiFamily::V2), None),
            (429, &none, None, None),
            (503, &none, v1, None),
            (503, &with_header, Some(ApiFamily::V5), Some(s(3))),
        ];
        for (status, headers, family, expected) in cases {
            let status = StatusCode::from_u16(status).expect("valid");
            assert_eq!(
                requested_wait(status, headers, body, family),
                expected,
                "{status} {family:?} {headers:?}"
            );
        }
    }
}
