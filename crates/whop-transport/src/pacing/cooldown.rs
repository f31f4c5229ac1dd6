//! How long a 429 asks a credential to cool down: the pure rule behind
//! [`SlotStore::record_cooldown`](super::SlotStore::record_cooldown).
//!
//! v2 and v5: the 429's `Retry-After`, else Whop's documented 60 s, because the request over the
//! limit locks the whole family out for a minute. v1 (the Current API) documents no such
//! lock-out: its limit is per operation, and its 429 says how long to wait in the message
//! (`"Try again in 12 seconds."`). So a v1 429 cools down the operation's window (its bucket)
//! for exactly the wait it asks, from `Retry-After` or the message, and one that names no wait
//! records no cooldown at all: the pacer's window already holds the next request back.

use std::time::Duration;

use http::{Response, StatusCode};

use crate::extensions::ApiFamily;
use crate::retry::requested_wait;

/// Whop's documented cooldown after a request over the limit, when the 429 says nothing.
pub(crate) const WHOP_COOLDOWN: Duration = Duration::from_secs(60);

/// The longest cooldown recorded: a `Retry-After` beyond it (garbage, or a date far away) is
/// taken as this, so one odd answer cannot hold every process back for days.
pub(crate) const MAX_COOLDOWN: Duration = Duration::from_secs(15 * 60);

/// The cooldown `response` to a request of `family` (`None`: no [`Endpoint`](crate::Endpoint))
/// asks for, at most [`MAX_COOLDOWN`]: for a 429, the wait it requests (`Retry-After`, or a v1
/// message's), else Whop's documented 60 s, except on v1, which has none; `None` for any other
/// status.
pub(crate) fn cooldown_after<B: AsRef<[u8]>>(
    response: &Response<B>,
    family: Option<ApiFamily>,
) -> Option<Duration> {
    if response.status() != StatusCode::TOO_MANY_REQUESTS {
        return None;
    }
    let requested = requested_wait(
        response.status(),
        response.headers(),
        response.body().as_ref(),
        family,
    );
    let wait = match family {
        Some(ApiFamily::V1) => requested?,
        _ => requested.unwrap_or(WHOP_COOLDOWN),
    };
    Some(wait.min(MAX_COOLDOWN))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_429_cools_down_for_its_wait_else_60_s_except_on_v1_and_nothing_else_does() {
        let s = Duration::from_secs;
        let message = r#"{"error":{"message":"Try again in 12 seconds."}}"#;
        let (v1, v2, v5) = (
            Some(ApiFamily::V1),
            Some(ApiFamily::V2),
            Some(ApiFamily::V5),
        );
        // (status, Retry-After, body, family, expected cooldown)
        type Case = (
            u16,
            Option<&'static str>,
            &'static str,
            Option<ApiFamily>,
            Option<Duration>,
        );
        let cases: [Case; 13] = [
            (429, None, "", v2, Some(WHOP_COOLDOWN)),
            (429, None, "", None, Some(WHOP_COOLDOWN)),
            (429, Some("7"), "", v5, Some(s(7))),
            (429, Some("0"), "", v2, Some(Duration::ZERO)),
            (429, Some("garbage"), "", v2, Some(WHOP_COOLDOWN)),
            (
                429,
                Some("99999999999999999999999"),
                "",
                v2,
                Some(MAX_COOLDOWN),
            ),
            // v2 and v5 do not read the message: their lock-out is Whop's 60 s.
            (429, None, message, v2, Some(WHOP_COOLDOWN)),
            // v1: the wait it asks for, from the header or the message; none without one.
            (429, None, message, v1, Some(s(12))),
            (429, Some("3"), message, v1, Some(s(3))),
            (429, None, "", v1, None),
            (429, None, "Try again in 3 hours.", v1, None),
            (503, Some("7"), "", v2, None),
            (200, None, message, v1, None),
        ];
        for (status, header, body, family, expected) in cases {
            let mut response = Response::builder().status(status);
            if let Some(value) = header {
                response = response.header(http::header::RETRY_AFTER, value);
            }
            let response = response.body(body).expect("valid");
            assert_eq!(
                cooldown_after(&response, family),
                expected,
                "{status} {header:?} {body:?} {family:?}"
            );
        }
    }
}
