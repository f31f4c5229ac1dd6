//! How long a 429 asks a credential to cool down: the pure rule behind
//! [`SlotStore::record_cooldown`](super::SlotStore::record_cooldown).

use std::time::Duration;

use http::{Response, StatusCode};

use crate::retry::retry_after;

/// Whop's documented cooldown after a request over the limit, when the 429 says nothing.
pub(crate) const WHOP_COOLDOWN: Duration = Duration::from_secs(60);

/// The longest cooldown recorded: a `Retry-After` beyond it (garbage, or a date far away) is
/// taken as this, so one odd answer cannot hold every process back for days.
pub(crate) const MAX_COOLDOWN: Duration = Duration::from_secs(15 * 60);

/// The cooldown `response` asks for: for a 429, its `Retry-After` (seconds or a date), else
/// Whop's documented 60 s, at most [`MAX_COOLDOWN`]; `None` for any other status.
pub(crate) fn cooldown_after<B>(response: &Response<B>) -> Option<Duration> {
    (response.status() == StatusCode::TOO_MANY_REQUESTS).then(|| {
        retry_after(response.headers())
            .unwrap_or(WHOP_COOLDOWN)
            .min(MAX_COOLDOWN)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_429_cools_down_for_its_retry_after_else_whops_60_s_and_nothing_else_does() {
        // (status, Retry-After, expected cooldown)
        let cases: [(u16, Option<&str>, Option<Duration>); 7] = [
            (429, None, Some(WHOP_COOLDOWN)),
            (429, Some("7"), Some(Duration::from_secs(7))),
            (429, Some("0"), Some(Duration::ZERO)),
            (429, Some("garbage"), Some(WHOP_COOLDOWN)),
            (429, Some("99999999999999999999999"), Some(MAX_COOLDOWN)),
            (503, Some("7"), None),
            (200, None, None),
        ];
        for (status, header, expected) in cases {
            let mut response = Response::builder().status(status);
            if let Some(value) = header {
                response = response.header(http::header::RETRY_AFTER, value);
            }
            let response = response.body(()).expect("valid");
            assert_eq!(cooldown_after(&response), expected, "{status} {header:?}");
        }
    }
}
