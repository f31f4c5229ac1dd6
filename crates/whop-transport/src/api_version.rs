//! The `Api-Version-Date` header of Whop's Current API (`/v1`), and the layer that sends it.
//!
//! # Why a pinned date
//!
//! On `/v1`, one path serves two different resources, chosen by the `Api-Version-Date` request
//! header: without it Whop answers as on 2025-01-01 (the "Legacy" membership: `company`,
//! `renewal_period_end`, a cancel that defaults to the end of the period); with a recent date it
//! answers with the new resource (`account`, `current_period_end`, a cancel that **revokes
//! access at once** unless `cancel_at_period_end` is sent). A client that sometimes forgets the
//! header decodes one shape as the other, or cancels a customer now instead of at period end. So
//! every `/v1` request this transport sends carries one date, pinned per release:
//! [`ApiVersionDate::PINNED`], `2026-09-15`.
//!
//! That date is the one Whop's own Rust SDK (`whop_sdk`) sends on every membership call, and the
//! membership shape `whop-models` decodes is that SDK's type at that date, so the model matches a
//! documented shape field by field. Newer dates exist (`2026-09-29` in Whop's stable spec), but
//! without a field list for them. [`TransportBuilder::api_version_date`] overrides the pin per
//! transport; a request that already carries the header keeps its own value.
//!
//! # The value
//!
//! Whop's dates are not plain dates: values such as `2026-09-02-2` exist. [`ApiVersionDate`]
//! accepts `YYYY-MM-DD` with an optional `-N` suffix and refuses anything else, so a typo is an
//! error when the transport is configured, not a 400 (or a silent Legacy answer) at run time.
//!
//! [`TransportBuilder::api_version_date`]: crate::TransportBuilder::api_version_date

use std::borrow::Cow;
use std::fmt;
use std::str::FromStr;
use std::task::{Context, Poll};

use http::{HeaderName, HeaderValue, Request};
use tower::{Layer, Service};

use crate::extensions::{ApiFamily, RequestExt};

/// The `Api-Version-Date` request header of Whop's Current API.
pub const API_VERSION_DATE: HeaderName = HeaderName::from_static("api-version-date");

/// The `Api-Version-Date` this release sends on every `/v1` request: `2026-09-15` (see the
/// [module docs](self) for why). The one place the workspace spells it;
/// [`ApiVersionDate::PINNED`] is the same value, typed.
pub const PINNED_API_VERSION_DATE: &str = "2026-09-15";

/// The longest `-N` suffix accepted (`2026-09-02-2` has one digit).
const MAX_SUFFIX_DIGITS: usize = 4;

/// A valid `Api-Version-Date` value: `YYYY-MM-DD`, optionally followed by `-N` (one to four
/// digits), as in `2026-09-15` or `2026-09-02-2`.
///
/// ```
/// use whop_transport::ApiVersionDate;
///
/// let date: ApiVersionDate = "2026-09-02-2".parse()?;
/// assert_eq!(date.as_str(), "2026-09-02-2");
/// assert_eq!(ApiVersionDate::PINNED.as_str(), "2026-09-15");
/// assert!(ApiVersionDate::new("2026-9-15").is_err());
/// # Ok::<(), whop_transport::InvalidApiVersionDate>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ApiVersionDate(Cow<'static, str>);

impl ApiVersionDate {
    /// The date this release pins: [`PINNED_API_VERSION_DATE`], `2026-09-15`.
    pub const PINNED: ApiVersionDate = ApiVersionDate(Cow::Borrowed(PINNED_API_VERSION_DATE));

    /// Checks `text` and wraps it.
    ///
    /// # Errors
    ///
    /// [`InvalidApiVersionDate`] unless `text` is `YYYY-MM-DD` (month 01-12, day 01-31) with an
    /// optional `-N` suffix of one to four digits; nothing else, no whitespace.
    pub fn new(text: impl Into<String>) -> Result<Self, InvalidApiVersionDate> {
        let text = text.into();
        if is_valid(&text) {
            Ok(Self(Cow::Owned(text)))
        } else {
            Err(InvalidApiVersionDate { input: text })
        }
    }

    /// The value, as sent.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The header value (always valid: the text is ASCII digits and dashes).
    pub(crate) fn header_value(&self) -> HeaderValue {
        match &self.0 {
            Cow::Borrowed(text) => HeaderValue::from_static(text),
            Cow::Owned(text) => HeaderValue::from_str(text)
                .unwrap_or_else(|_| HeaderValue::from_static(PINNED_API_VERSION_DATE)),
        }
    }
}

impl Default for ApiVersionDate {
    /// [`ApiVersionDate::PINNED`].
    fn default() -> Self {
        Self::PINNED
    }
}

impl fmt::Display for ApiVersionDate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for ApiVersionDate {
    type Err = InvalidApiVersionDate;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        Self::new(text)
    }
}

impl TryFrom<String> for ApiVersionDate {
    type Error = InvalidApiVersionDate;

    fn try_from(text: String) -> Result<Self, Self::Error> {
        Self::new(text)
    }
}

impl TryFrom<&str> for ApiVersionDate {
    type Error = InvalidApiVersionDate;

    fn try_from(text: &str) -> Result<Self, Self::Error> {
        Self::new(text)
    }
}

impl AsRef<str> for ApiVersionDate {
    fn as_ref(&self) -> &str {
        self.as_str()
    }
}

/// `YYYY-MM-DD` (month 01-12, day 01-31), then optionally `-` and one to four digits.
fn is_valid(text: &str) -> bool {
    let bytes = text.as_bytes();
    let digits = |range: std::ops::Range<usize>| {
        bytes
            .get(range)
            .is_some_and(|part| part.iter().all(u8::is_ascii_digit))
    };
    let number = |range: std::ops::Range<usize>| {
        text.get(range)
            .and_then(|part| part.parse::<u8>().ok())
            .unwrap_or(0)
    };
    let date = bytes.len() >= 10
        && digits(0..4)
        && bytes[4] == b'-'
        && digits(5..7)
        && bytes[7] == b'-'
        && digits(8..10)
        && (1..=12).contains(&number(5..7))
        && (1..=31).contains(&number(8..10));
    let suffix = match &bytes[10.min(bytes.len())..] {
        [] => true,
        [b'-', rest @ ..] => {
            (1..=MAX_SUFFIX_DIGITS).contains(&rest.len()) && rest.iter().all(u8::is_ascii_digit)
        }
        _ => false,
    };
    date && suffix
}

/// Text refused by [`ApiVersionDate::new`]. Its message quotes the input (escaped, so a newline
/// shows as `\n`) and says the accepted form.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct InvalidApiVersionDate {
    input: String,
}

impl InvalidApiVersionDate {
    /// The refused text.
    pub fn input(&self) -> &str {
        &self.input
    }
}

impl fmt::Display for InvalidApiVersionDate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "invalid Api-Version-Date {:?}: expected YYYY-MM-DD with an optional -N suffix \
             (e.g. {PINNED_API_VERSION_DATE} or 2026-09-02-2)",
            self.input
        )
    }
}

impl std::error::Error for InvalidApiVersionDate {}

/// Puts `Api-Version-Date` on every request whose [`Endpoint`](crate::Endpoint) is of
/// [`ApiFamily::V1`] and that carries none; other requests pass untouched. See the
/// [module docs](self).
///
/// A request without an `Endpoint` is not touched, whatever its path: set the header (or an
/// `Endpoint`) on `/v1` requests you build by hand.
#[derive(Clone, Debug)]
pub struct ApiVersionLayer {
    value: HeaderValue,
}

impl ApiVersionLayer {
    /// A layer sending `date`.
    pub fn new(date: &ApiVersionDate) -> Self {
        Self {
            value: date.header_value(),
        }
    }
}

impl Default for ApiVersionLayer {
    /// A layer sending [`ApiVersionDate::PINNED`].
    fn default() -> Self {
        Self::new(&ApiVersionDate::PINNED)
    }
}

impl<S> Layer<S> for ApiVersionLayer {
    type Service = ApiVersion<S>;

    fn layer(&self, inner: S) -> Self::Service {
        ApiVersion {
            inner,
            value: self.value.clone(),
        }
    }
}

/// The service made by [`ApiVersionLayer`].
#[derive(Clone, Debug)]
pub struct ApiVersion<S> {
    inner: S,
    value: HeaderValue,
}

crate::inner_service_accessors!(ApiVersion);

impl<S, B> Service<Request<B>> for ApiVersion<S>
where
    S: Service<Request<B>>,
{
    type Response = S::Response;
    type Error = S::Error;
    type Future = S::Future;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, mut req: Request<B>) -> Self::Future {
        if req.endpoint().map(|e| e.family()) == Some(ApiFamily::V1) {
            req.headers_mut()
                .entry(API_VERSION_DATE)
                .or_insert_with(|| self.value.clone());
        }
        self.inner.call(req)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn api_version_date_accepts_dates_with_an_optional_numeric_suffix_and_nothing_else() {
        // (text, accepted)
        let cases: [(&str, bool); 20] = [
            ("2026-09-15", true),
            ("2026-09-02-2", true),
            ("2025-01-01", true),
            ("2026-10-07-2", true),
            ("2026-12-31-9999", true),
            ("", false),
            ("2026-9-15", false),
            ("2026-09-5", false),
            ("2026-09-15-", false),
            ("2026-09-15-12345", false),
            ("2026-09-15-a", false),
            ("2026-09-15 ", false),
            (" 2026-09-15", false),
            ("2026-09-15\n", false),
            ("2026-09 -15", false),
            ("2026-13-01", false),
            ("2026-00-01", false),
            ("2026-01-32", false),
            ("2026/09/15", false),
            ("２026-09-15", false),
        ];
        for (text, accepted) in cases {
            assert_eq!(ApiVersionDate::new(text).is_ok(), accepted, "{text:?}");
        }
    }

    #[test]
    fn a_refused_date_says_what_was_given_and_what_is_accepted() {
        let error = "2026-09-15\n"
            .parse::<ApiVersionDate>()
            .expect_err("refused");
        assert_eq!(error.input(), "2026-09-15\n");
        let message = error.to_string();
        assert!(message.contains(r#""2026-09-15\n""#), "{message}");
        assert!(message.contains("YYYY-MM-DD"), "{message}");
    }

    #[test]
    fn the_pin_is_the_default_and_valid() {
        assert_eq!(ApiVersionDate::default(), ApiVersionDate::PINNED);
        assert_eq!(
            ApiVersionDate::new(PINNED_API_VERSION_DATE),
            Ok(ApiVersionDate::PINNED)
        );
        assert_eq!(ApiVersionDate::PINNED.to_string(), PINNED_API_VERSION_DATE);
        assert_eq!(
            ApiVersionDate::PINNED.header_value(),
            HeaderValue::from_static(PINNED_API_VERSION_DATE)
        );
    }
}
