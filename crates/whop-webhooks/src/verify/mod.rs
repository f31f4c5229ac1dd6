//! [`Verifier`]: checks a delivery's signature under either of Whop's schemes.

use std::time::{Duration, SystemTime};

use http::HeaderMap;

use crate::error::{ReceiveError, SignatureProblem, VerifyError};
use crate::event::Event;
use crate::mac;
use crate::secret::Secret;

mod headers;
mod verified;

pub(crate) use headers::unix_seconds;
use headers::{check_id, check_length, parse_timestamp, single, standard_candidates, unsupported};
pub use verified::{Delivery, Verified};

/// The legacy scheme's signature header.
pub const LEGACY_SIGNATURE: &str = "x-whop-signature";
/// The Standard Webhooks message ID header.
pub const WEBHOOK_ID: &str = "webhook-id";
/// The Standard Webhooks timestamp header.
pub const WEBHOOK_TIMESTAMP: &str = "webhook-timestamp";
/// The Standard Webhooks signature header.
pub const WEBHOOK_SIGNATURE: &str = "webhook-signature";

/// The longest signature header accepted (room for dozens of rotated signatures).
pub const MAX_SIGNATURE_HEADER_LEN: usize = 4096;
/// The longest `webhook-id` accepted.
pub const MAX_ID_LEN: usize = 256;
/// The longest `webhook-timestamp` accepted.
pub const MAX_TIMESTAMP_LEN: usize = 32;

/// Which signature scheme a delivery uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Scheme {
    /// `X-Whop-Signature: t=…,v1=<hex>` (webhooks of API versions v2 and v5).
    Legacy,
    /// Standard Webhooks: `webhook-id`, `webhook-timestamp`, `webhook-signature` (API
    /// version v1).
    Standard,
}

impl Scheme {
    /// `legacy` or `standard`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Legacy => "legacy",
            Self::Standard => "standard",
        }
    }

    /// The scheme whose headers are present, if exactly one's are.
    ///
    /// # Errors
    ///
    /// [`VerifyError::AmbiguousScheme`] when both signature headers are present;
    /// [`VerifyError::MissingHeader`] when only Standard Webhooks' ID or timestamp is;
    /// [`VerifyError::NoSignature`] when nothing is.
    pub fn detect(headers: &HeaderMap) -> Result<Self, VerifyError> {
        let standard = headers.contains_key(WEBHOOK_SIGNATURE);
        let legacy = headers.contains_key(LEGACY_SIGNATURE);
        match (standard, legacy) {
            (true, true) => Err(VerifyError::AmbiguousScheme),
            (true, false) => Ok(Self::Standard),
            (false, true) => Ok(Self::Legacy),
            (false, false)
                if headers.contains_key(WEBHOOK_ID) || headers.contains_key(WEBHOOK_TIMESTAMP) =>
            {
                Err(VerifyError::MissingHeader {
                    name: WEBHOOK_SIGNATURE,
                })
            }
            (false, false) => Err(VerifyError::NoSignature),
        }
    }
}

impl std::fmt::Display for Scheme {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Verifies deliveries signed with one secret.
///
/// # The two schemes
///
/// - **Legacy** (webhooks of API versions v2 and v5): one header,
///   `X-Whop-Signature: t=<unix seconds>,v1=<hex>`, where the hex is the HMAC-SHA256 of
///   `<timestamp>.<raw body>` keyed with the secret's raw bytes. Whop never documented the name of
///   the timestamp part (`t` is what everyone writes); as Whop's own verification code does, the
///   first part's value is the timestamp whatever its name. The second part's name is the version
///   and must be `v1`: Whop's legacy sample check had a bug (`&&` for `||`) that accepted any
///   signature tagged `v1`; this crate checks the version and the signature separately.
/// - **Standard Webhooks** (API version v1): `webhook-id`, `webhook-timestamp` and
///   `webhook-signature`, the last a space-separated list of `v1,<base64>` entries (more than one
///   during a secret rotation); any one may match. The HMAC is over `<id>.<timestamp>.<raw body>`.
///   For the key, see [`Secret`].
///
/// Both compare in constant time and check the timestamp against the verifier's clock in both
/// directions ([`Verifier::DEFAULT_TOLERANCE`], 300 s, as Whop and the Standard Webhooks spec
/// use).
///
/// The body must be **the raw bytes received**. Parsing JSON and serialising it again changes
/// the bytes (key order, spaces, escapes) and no signature will match.
///
///
/// ```
/// use std::time::{Duration, UNIX_EPOCH};
/// use http::HeaderMap;
/// use whop_webhooks::{Event, Scheme, Secret, Verifier, V1Payload, sign_standard};
///
/// let secret = Secret::new("ws_test_secret")?;
/// let body = br#"{"id":"msg_1","api_version":"v1","type":"membership.deactivated","data":{"id":"mem_1"}}"#;
/// // What Whop would send (here signed by this crate, for the example).
/// let mut headers = HeaderMap::new();
/// headers.insert("webhook-id", "msg_1".parse()?);
/// headers.insert("webhook-timestamp", "1700000000".parse()?);
/// headers.insert("webhook-signature", sign_standard(&secret, "msg_1", 1_700_000_000, body)?.parse()?);
///
/// let verifier = Verifier::new(secret).tolerance(Duration::from_secs(60));
/// let now = UNIX_EPOCH + Duration::from_secs(1_700_000_030);
/// let delivery = verifier.receive_at(&headers, body, now)?;
/// assert_eq!(delivery.verified.scheme(), Scheme::Standard);
/// assert_eq!(delivery.verified.webhook_id(), Some("msg_1"));
/// match delivery.event {
///     Event::V1(event) => match event.payload {
///         V1Payload::MembershipDeactivated(m) => assert_eq!(m.id.as_str(), "mem_1"),
///         other => panic!("unexpected {}", other.kind()),
///     },
///     Event::Legacy(_) => unreachable!(),
///     _ => unreachable!(),
/// }
///
/// // One byte changed: refused.
/// let err = verifier.verify_at(&headers, &body[1..], now).unwrap_err();
/// assert_eq!(err, whop_webhooks::VerifyError::SignatureMismatch);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone)]
pub struct Verifier {
    secret: Secret,
    tolerance: Duration,
    scheme: Option<Scheme>,
}

impl Verifier {
    /// How far a timestamp may be from the verifier's clock, either way, unless
    /// [`tolerance`](Self::tolerance) says otherwise: 300 s, as Whop and the Standard Webhooks
    /// spec use.
    pub const DEFAULT_TOLERANCE: Duration = Duration::from_secs(300);

    /// A verifier for `secret`, detecting the scheme from the headers, with the default
    /// tolerance.
    pub fn new(secret: Secret) -> Self {
        Self {
            secret,
            tolerance: Self::DEFAULT_TOLERANCE,
            scheme: None,
        }
    }

    /// How far a timestamp may be from the verifier's clock, in either direction (whole
    /// seconds; a fraction is dropped).
    #[must_use]
    pub fn tolerance(mut self, tolerance: Duration) -> Self {
        self.tolerance = tolerance;
        self
    }

    /// Accepts only this scheme, instead of detecting it from the headers. Use it when you know
    /// which API version your webhook was created with: a delivery of the other scheme is then
    /// refused as missing its headers.
    #[must_use]
    pub fn scheme(mut self, scheme: Scheme) -> Self {
        self.scheme = Some(scheme);
        self
    }

    /// The tolerance in force.
    pub fn current_tolerance(&self) -> Duration {
        self.tolerance
    }

    /// Verifies a delivery against the system clock.
    ///
    /// # Errors
    ///
    /// A [`VerifyError`] saying which check failed (see [`verify_at`](Self::verify_at)).
    pub fn verify(&self, headers: &HeaderMap, body: &[u8]) -> Result<Verified, VerifyError> {
        self.verify_at(headers, body, SystemTime::now())
    }

    /// Verifies a delivery as if the clock read `now` (for tests, and for replaying a stored
    /// delivery).
    ///
    /// # Errors
    ///
    /// - [`VerifyError::NoSignature`], [`VerifyError::AmbiguousScheme`]: the scheme cannot be
    ///   detected (only when none was chosen).
    /// - [`VerifyError::MissingHeader`], [`VerifyError::DuplicateHeader`],
    ///   [`VerifyError::HeaderTooLarge`], [`VerifyError::MalformedHeader`]: the headers are not
    ///   in the scheme's form.
    /// - [`VerifyError::InvalidTimestamp`], [`VerifyError::TimestampTooOld`],
    ///   [`VerifyError::TimestampTooNew`]: the timestamp is not a number or is outside the
    ///   tolerance.
    /// - [`VerifyError::UnsupportedVersion`], [`VerifyError::MalformedSignature`]: no `v1`
    ///   signature of the right form.
    /// - [`VerifyError::SignatureMismatch`]: the signature is not the body's.
    pub fn verify_at(
        &self,
        headers: &HeaderMap,
        body: &[u8],
        now: SystemTime,
    ) -> Result<Verified, VerifyError> {
        let scheme = match self.scheme {
            Some(scheme) => scheme,
            None => Scheme::detect(headers)?,
        };
        match scheme {
            Scheme::Legacy => self.verify_legacy(headers, body, now),
            Scheme::Standard => self.verify_standard(headers, body, now),
        }
    }

    /// Verifies a delivery against the system clock, then decodes its event.
    ///
    /// # Errors
    ///
    /// [`ReceiveError::Verify`] if it does not verify (the body is not read);
    /// [`ReceiveError::Event`] if it verifies but the body is not an event (see
    /// [`Event::decode`]).
    pub fn receive(&self, headers: &HeaderMap, body: &[u8]) -> Result<Delivery, ReceiveError> {
        self.receive_at(headers, body, SystemTime::now())
    }

    /// [`receive`](Self::receive) as if the clock read `now`.
    ///
    /// # Errors
    ///
    /// As [`receive`](Self::receive).
    pub fn receive_at(
        &self,
        headers: &HeaderMap,
        body: &[u8],
        now: SystemTime,
    ) -> Result<Delivery, ReceiveError> {
        let verified = self.verify_at(headers, body, now)?;
        let event = Event::decode(body)?;
        Ok(Delivery { verified, event })
    }

    fn verify_legacy(
        &self,
        headers: &HeaderMap,
        body: &[u8],
        now: SystemTime,
    ) -> Result<Verified, VerifyError> {
        let header = single(headers, LEGACY_SIGNATURE, MAX_SIGNATURE_HEADER_LEN)?;
        let malformed = |reason| VerifyError::MalformedHeader {
            name: LEGACY_SIGNATURE,
            reason,
        };
        let mut parts = header.split(',');
        let (Some(first), Some(second), None) = (parts.next(), parts.next(), parts.next()) else {
            return Err(malformed(
                "expected two comma-separated parts, `t=<timestamp>,v1=<signature>`",
            ));
        };
        let (_, timestamp_text) = first
            .trim()
            .split_once('=')
            .ok_or(malformed("the timestamp part has no `=`"))?;
        let (version, signature) = second
            .trim()
            .split_once('=')
            .ok_or(malformed("the signature part has no `=`"))?;
        let timestamp = parse_timestamp(timestamp_text)?;
        if version != "v1" {
            return Err(unsupported(version));
        }
        let signature = mac::from_hex(signature).ok_or(VerifyError::MalformedSignature {
            problem: SignatureProblem::NotHex,
        })?;
        check_length(&signature)?;
        self.check_tolerance(timestamp, now)?;
        let expected = mac::legacy(self.secret.legacy_key(), timestamp_text, body);
        if mac::matches(&expected, &signature) {
            Ok(Verified::legacy(timestamp, body))
        } else {
            Err(VerifyError::SignatureMismatch)
        }
    }

    fn verify_standard(
        &self,
        headers: &HeaderMap,
        body: &[u8],
        now: SystemTime,
    ) -> Result<Verified, VerifyError> {
        let id = single(headers, WEBHOOK_ID, MAX_ID_LEN)?;
        let timestamp_text = single(headers, WEBHOOK_TIMESTAMP, MAX_TIMESTAMP_LEN)?;
        let signatures = single(headers, WEBHOOK_SIGNATURE, MAX_SIGNATURE_HEADER_LEN)?;
        check_id(id)?;
        let timestamp = parse_timestamp(timestamp_text)?;
        let candidates = standard_candidates(signatures)?;
        self.check_tolerance(timestamp, now)?;
        let expected = mac::standard(self.secret.standard_key(), id, timestamp_text, body);
        // Every candidate is compared (no early return), so the time taken does not say which
        // entry matched.
        let matched = candidates.iter().fold(false, |found, candidate| {
            mac::matches(&expected, candidate) | found
        });
        if matched {
            Ok(Verified::standard(timestamp, id))
        } else {
            Err(VerifyError::SignatureMismatch)
        }
    }

    fn check_tolerance(&self, timestamp: u64, now: SystemTime) -> Result<(), VerifyError> {
        let tolerance = self.tolerance.as_secs();
        let now = unix_seconds(now);
        if timestamp < now {
            let age = now - timestamp;
            if age > tolerance {
                return Err(VerifyError::TimestampTooOld {
                    age_seconds: age,
                    tolerance_seconds: tolerance,
                });
            }
        } else {
            let ahead = timestamp - now;
            if ahead > tolerance {
                return Err(VerifyError::TimestampTooNew {
                    ahead_seconds: ahead,
                    tolerance_seconds: tolerance,
                });
            }
        }
        Ok(())
    }
}
