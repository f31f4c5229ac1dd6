//! Where deliveries go and how they are signed: the endpoint a test registers, and what each
//! attempt recorded.

use super::*;

/// How many times a delivery that failed is sent again, as Whop documents ("up to 3 times").
pub const MAX_RETRIES: usize = 3;

/// The waits before each retry unless configured: Whop documents none, so short ones.
pub const DEFAULT_RETRY_DELAYS: [Duration; MAX_RETRIES] = [
    Duration::from_secs(1),
    Duration::from_secs(2),
    Duration::from_secs(4),
];

/// How long one attempt may take before it counts as failed, unless configured.
pub const DEFAULT_ATTEMPT_TIMEOUT: Duration = Duration::from_secs(5);

/// Which of Whop's signature schemes and envelopes the deliveries use.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum WebhookScheme {
    /// Webhooks of API versions v2/v5: `X-Whop-Signature: t=<unix>,v1=<hex>` and
    /// `{"action", "data"}` with the v2 membership.
    Legacy,
    /// Webhooks of API version v1 (Standard Webhooks): `webhook-id`, `webhook-timestamp`,
    /// `webhook-signature: v1,<base64>`, and the v1 envelope: unpinned, with the 2025 Legacy
    /// membership and `company_id`; pinned with [`WebhookEndpoint::api_version_date`], with
    /// that version's membership and `account_id`.
    Standard,
}

/// Where and how the mock delivers webhooks. From [`WebhookEndpoint::new`], given to
/// [`MockWhopBuilder::webhook`](crate::MockWhopBuilder::webhook), whose docs list the events.
#[derive(Clone)]
pub struct WebhookEndpoint {
    pub(super) addr: SocketAddr,
    pub(super) authority: String,
    pub(super) path: String,
    pub(super) key: Vec<u8>,
    pub(super) scheme: WebhookScheme,
    pub(super) retry_delays: [Duration; MAX_RETRIES],
    pub(super) attempt_timeout: Duration,
    pub(super) legacy_object_key: &'static str,
    pub(super) api_version_date: Option<(String, Resource)>,
}

/// What the deliveries to an endpoint look like: its scheme, and for Standard Webhooks
/// which membership resource its pin (if any) gets.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Envelope<'a> {
    /// `{"action", "data" | "body"}`, the v2 membership.
    Legacy,
    /// v1 with the 2025 Legacy membership and `company_id`: unpinned (`None`, sent as
    /// `"api_version_date": null`) or pinned to the Legacy resource's date.
    V1LegacyShape(Option<&'a str>),
    /// v1 pinned to a date of the new resource: `account_id`, the Current API's membership,
    /// `membership.updated` after every change.
    V1Current(&'a str),
}

impl fmt::Debug for WebhookEndpoint {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("WebhookEndpoint")
            .field(
                "url",
                &format_args!("http://{}{}", self.authority, self.path),
            )
            .field("secret", &"<redacted>")
            .field("scheme", &self.scheme)
            .field(
                "api_version_date",
                &self.api_version_date.as_ref().map(|(date, _)| date),
            )
            .field("retry_delays", &self.retry_delays)
            .field("attempt_timeout", &self.attempt_timeout)
            .finish_non_exhaustive()
    }
}

impl WebhookEndpoint {
    /// Deliveries to `url` (`http://127.0.0.1:<port>/<path>`, or another loopback address, or
    /// `localhost`), signed with `secret` (as Whop's dashboard shows it, `ws_…`), with the
    /// Standard Webhooks scheme, [`DEFAULT_RETRY_DELAYS`] and [`DEFAULT_ATTEMPT_TIMEOUT`].
    ///
    /// # Errors
    ///
    /// [`WebhookEndpointError`] if the URL is not plain `http` to a loopback host, or the
    /// secret is empty (or a `whsec_` secret that is not base64).
    pub fn new(url: &str, secret: impl Into<String>) -> Result<Self, WebhookEndpointError> {
        let uri: Uri = url
            .parse()
            .map_err(|_| WebhookEndpointError::new("the URL does not parse"))?;
        if uri.scheme_str() != Some("http") {
            return Err(WebhookEndpointError::new(
                "only plain http:// URLs are delivered to",
            ));
        }
        let host = uri.host().unwrap_or_default();
        let ip = if host.eq_ignore_ascii_case("localhost") {
            IpAddr::V4(Ipv4Addr::LOCALHOST)
        } else {
            host.trim_start_matches('[')
                .trim_end_matches(']')
                .parse::<IpAddr>()
                .map_err(|_| WebhookEndpointError::new("the host must be a loopback address"))?
        };
        if !ip.is_loopback() {
            return Err(WebhookEndpointError::new(
                "the host must be a loopback address: the mock delivers on this machine only",
            ));
        }
        let port = uri.port_u16().unwrap_or(80);
        let secret = secret.into();
        let key = match secret.strip_prefix("whsec_") {
            Some(encoded) => STANDARD_PAD_INDIFFERENT
                .decode(encoded)
                .map_err(|_| WebhookEndpointError::new("a whsec_ secret must be base64"))?,
            None => secret.as_bytes().to_vec(),
        };
        if key.is_empty() {
            return Err(WebhookEndpointError::new("the secret is empty"));
        }
        Ok(Self {
            addr: SocketAddr::new(ip, port),
            authority: uri
                .authority()
                .map_or_else(|| format!("{ip}:{port}"), ToString::to_string),
            path: uri
                .path_and_query()
                .map_or_else(|| "/".to_owned(), ToString::to_string),
            key,
            scheme: WebhookScheme::Standard,
            retry_delays: DEFAULT_RETRY_DELAYS,
            attempt_timeout: DEFAULT_ATTEMPT_TIMEOUT,
            legacy_object_key: "data",
            api_version_date: None,
        })
    }

    /// What the deliveries look like: the scheme, and for Standard Webhooks the pin.
    pub(super) fn envelope(&self) -> Envelope<'_> {
        match (self.scheme, &self.api_version_date) {
            (WebhookScheme::Legacy, _) => Envelope::Legacy,
            (WebhookScheme::Standard, None) => Envelope::V1LegacyShape(None),
            (WebhookScheme::Standard, Some((date, Resource::Legacy))) => {
                Envelope::V1LegacyShape(Some(date))
            }
            (WebhookScheme::Standard, Some((date, Resource::Current))) => Envelope::V1Current(date),
        }
    }

    /// The scheme and envelope (default [`WebhookScheme::Standard`]).
    #[must_use]
    pub fn scheme(mut self, scheme: WebhookScheme) -> Self {
        self.scheme = scheme;
        self
    }

    /// The same wait before each of the [`MAX_RETRIES`] retries (tests use a few milliseconds).
    #[must_use]
    pub fn retry_delay(mut self, delay: Duration) -> Self {
        self.retry_delays = [delay; MAX_RETRIES];
        self
    }

    /// How long one attempt may take (connect, send, answer) before it counts as failed.
    #[must_use]
    pub fn attempt_timeout(mut self, timeout: Duration) -> Self {
        self.attempt_timeout = timeout;
        self
    }

    /// Pins the Standard Webhooks deliveries to an `Api-Version-Date`, as a webhook created
    /// with `api_version: v1` and `api_version_date` is (default: unpinned, which gets the
    /// Legacy resource). Pinned to a date of the new resource (one of
    /// [`SUPPORTED_API_VERSION_DATES`](crate::SUPPORTED_API_VERSION_DATES) after
    /// [`LEGACY_API_VERSION_DATE`](crate::LEGACY_API_VERSION_DATE)), a webhook sends that
    /// version's envelope: `"api_version_date": "<date>"`, `account_id` instead of
    /// `company_id`, the Current API's membership in `data`, and `membership.updated` (with
    /// `previous_attributes`) after each change, besides the specific event. Pinned to the
    /// Legacy date, it sends what an unpinned one does, with the date. Legacy-scheme deliveries
    /// ignore it.
    ///
    /// # Errors
    ///
    /// [`WebhookEndpointError`] if `date` is not one of
    /// [`SUPPORTED_API_VERSION_DATES`](crate::SUPPORTED_API_VERSION_DATES), as Whop refuses to
    /// create a webhook pinned to a version it does not have.
    pub fn api_version_date(mut self, date: &str) -> Result<Self, WebhookEndpointError> {
        let resource = version::resource(Some(date)).map_err(|_| {
            WebhookEndpointError::new("the API version date is not one the mock supports")
        })?;
        self.api_version_date = Some((date.to_owned(), resource));
        Ok(self)
    }

    /// Legacy deliveries put the object under `"body"`, as Whop's v2 examples do, instead of
    /// `"data"`.
    #[must_use]
    pub fn legacy_object_under_body(mut self) -> Self {
        self.legacy_object_key = "body";
        self
    }
}

/// A webhook endpoint was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WebhookEndpointError {
    reason: &'static str,
}

impl WebhookEndpointError {
    fn new(reason: &'static str) -> Self {
        Self { reason }
    }
}

impl fmt::Display for WebhookEndpointError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "invalid webhook endpoint: {}", self.reason)
    }
}

impl std::error::Error for WebhookEndpointError {}

/// One delivery attempt, as recorded by the mock.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct WebhookAttempt {
    /// The event type (`membership.activated`, …).
    pub event_type: String,
    /// The membership the event is about.
    pub membership_id: String,
    /// The event's ID: the `webhook-id` for Standard Webhooks (the same on every retry), a
    /// mock-made ID for legacy ones (which send none).
    pub event_id: String,
    /// 1 for the first attempt, up to `1 + MAX_RETRIES`.
    pub attempt: usize,
    /// The status the receiver answered, if it answered.
    pub status: Option<u16>,
    /// Why there was no answer (connection refused, timeout, …).
    pub error: Option<String>,
    /// The headers sent (signature included).
    pub headers: HeaderMap,
    /// The body sent.
    pub body: Bytes,
}

impl WebhookAttempt {
    /// Whether the receiver answered 2xx.
    pub fn succeeded(&self) -> bool {
        self.status.is_some_and(|s| (200..300).contains(&s))
    }
}
