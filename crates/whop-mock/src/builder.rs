//! [`MockWhopBuilder`]: seeds, tokens and settings of a [`MockWhop`].

use http::HeaderValue;

use crate::mock::MockWhop;
use crate::oauth::OAuthApp;
use crate::rate_limit::RateLimits;
use crate::seed::{
    DEFAULT_COMPANY_ID, MockMembership, MockPlan, MockProduct, MockPromoCode, MockUser,
};
use crate::state::{State, TokenOwner};
use crate::webhook::{WebhookEndpoint, Webhooks};

/// The value of the `Deprecation` header on v2 responses unless configured otherwise.
///
/// Whop documents that v2 is deprecated but not the header's exact value; `true` is what servers
/// following the original Deprecation header draft send (RFC 9745 later chose `@<unix-seconds>`,
/// which [`MockWhopBuilder::deprecation_header`] can set).
pub const DEFAULT_DEPRECATION: &str = "true";

/// Builds a [`MockWhop`]: seeds, tokens, limits. From [`MockWhop::builder`].
#[derive(Debug)]
#[must_use]
pub struct MockWhopBuilder {
    state: State,
}

impl Default for MockWhopBuilder {
    fn default() -> Self {
        Self {
            state: State::new(Some(HeaderValue::from_static(DEFAULT_DEPRECATION))),
        }
    }
}

impl MockWhopBuilder {
    /// Seeds a membership (one with the same ID is replaced).
    pub fn membership(mut self, membership: MockMembership) -> Self {
        self.state.upsert_membership(membership);
        self
    }

    /// Seeds a user (otherwise users are generated from their ID).
    pub fn user(mut self, user: MockUser) -> Self {
        self.state.seed_user(user);
        self
    }

    /// Seeds a product (otherwise generated from its ID).
    pub fn product(mut self, product: MockProduct) -> Self {
        self.state.seed_product(product);
        self
    }

    /// Seeds a plan (otherwise generated from its ID).
    pub fn plan(mut self, plan: MockPlan) -> Self {
        self.state.seed_plan(plan);
        self
    }

    /// Seeds a promo code (otherwise generated from its ID).
    pub fn promo_code(mut self, promo_code: MockPromoCode) -> Self {
        self.state.seed_promo_code(promo_code);
        self
    }

    /// A company API key for [`DEFAULT_COMPANY_ID`], the default company of seeded memberships.
    pub fn company_token(self, token: impl Into<String>) -> Self {
        self.company_token_for(token, DEFAULT_COMPANY_ID)
    }

    /// A company API key for the given company: it may cancel that company's memberships only.
    pub fn company_token_for(
        mut self,
        token: impl Into<String>,
        company_id: impl Into<String>,
    ) -> Self {
        self.state
            .add_token(token.into(), TokenOwner::Company(company_id.into()));
        self
    }

    /// A user token: it may read that user's memberships on v5.
    pub fn user_token(mut self, token: impl Into<String>, user_id: impl Into<String>) -> Self {
        self.state
            .add_token(token.into(), TokenOwner::User(user_id.into()));
        self
    }

    /// Rate limits (default: [`RateLimits::whop`]).
    pub fn rate_limits(mut self, limits: RateLimits) -> Self {
        self.state.set_rate_limits(limits);
        self
    }

    /// No rate limits.
    pub fn no_rate_limits(self) -> Self {
        self.rate_limits(RateLimits::disabled())
    }

    /// The `Deprecation` header value on v2 responses (default [`DEFAULT_DEPRECATION`]); `None`
    /// sends none. A value that is not a valid header value is ignored (keeps the previous one).
    pub fn deprecation_header(mut self, value: Option<&str>) -> Self {
        match value {
            None => self.state.set_deprecation(None),
            Some(v) => {
                if let Ok(v) = HeaderValue::from_str(v) {
                    self.state.set_deprecation(Some(v));
                }
            }
        }
        self
    }

    /// Makes every `/api/v2/` route answer as Whop does since it retired API v2 (default
    /// `false`): `404` with an HTML page ([`V2_RETIRED_BODY`](crate::V2_RETIRED_BODY)), to
    /// rehearse a migration to the Current API. Whop's exact answer is not documented; see
    /// [`V2_RETIRED_BODY`](crate::V2_RETIRED_BODY) for why this one. `/api/v5/` and `/api/v1/`
    /// are untouched.
    pub fn v2_retired(mut self, retired: bool) -> Self {
        self.state.set_v2_retired(retired);
        self
    }

    /// Delivers webhooks to `endpoint` when memberships change. Starts a delivery thread, which
    /// ends with the mock.
    ///
    /// | change | legacy scheme (`X-Whop-Signature`) | Standard Webhooks (v1), unpinned | v1 pinned to a new-resource date ([`WebhookEndpoint::api_version_date`](crate::WebhookEndpoint::api_version_date)) |
    /// | --- | --- | --- | --- |
    /// | a cancel at period end, or its undo, flips `cancel_at_period_end` (v2 or v1) | `membership.cancel_at_period_end_changed` | `membership.cancel_at_period_end_changed` | `membership.cancel_at_period_end_changed`, `membership.updated` |
    /// | [`MockWhop::set_status`] makes it valid | `membership.went_valid` | `membership.activated` | `membership.activated`, `membership.updated` |
    /// | [`MockWhop::set_status`] or a v1 cancel now makes it invalid | `membership.went_invalid` | `membership.deactivated` | `membership.deactivated`, `membership.updated` |
    /// | [`MockWhop::set_metadata`] or a v2/v1 metadata update changes it | `membership.metadata_updated` | (none) | `membership.updated` |
    /// | a v1 pause, resume or extend changes it | (none) | (none) | `membership.updated` |
    ///
    /// and [`MockWhop::emit_webhook`] sends any event type for a membership. A change that
    /// changes nothing (cancelling twice) sends nothing.
    ///
    /// Bodies are what Whop sends: legacy `{"action", "data"}` with the v2 membership (product,
    /// user and plan expanded, as in Whop's examples); v1 unpinned `{"id", "api_version",
    /// "api_version_date": null, "timestamp", "type", "data", "company_id"}` with the 2025
    /// Legacy membership (nested objects, RFC 3339 times); v1 pinned the same with
    /// `"api_version_date": "<date>"`, `account_id` instead of `company_id`, the Current API's
    /// membership (`account`, `current_period_end`, …), and on `membership.updated` the
    /// `previous_attributes` that the change altered.
    /// They are signed here, independently of whop-webhooks: HMAC-SHA256 keyed with the secret's
    /// raw bytes (a `whsec_` secret: its base64 after the prefix, for Standard Webhooks), over
    /// `<timestamp>.<body>` (legacy) or `<id>.<timestamp>.<body>`.
    ///
    /// Delivery is Whop's: a 2xx answer is success; anything else, a connection failure or a
    /// timeout is retried up to [`MAX_RETRIES`](crate::MAX_RETRIES) times, after the configured
    /// delays, each attempt signed afresh with its own timestamp (and, for Standard Webhooks, the
    /// same `webhook-id`).
    /// Deliveries go one at a time, in order, from a thread of their own, over plain HTTP/1.1 to
    /// loopback only. [`MockWhop::webhook_attempts`] records every attempt;
    /// [`MockWhop::webhooks_settled`] waits until none is pending.
    ///
    /// ```
    /// use std::time::Duration;
    /// use whop_mock::{MockMembership, MockWhop, WebhookEndpoint, WebhookScheme};
    ///
    /// let endpoint = WebhookEndpoint::new("http://127.0.0.1:9/hooks", "ws_test_secret")?
    ///     .scheme(WebhookScheme::Legacy)
    ///     .retry_delay(Duration::from_millis(10));
    /// let mock = MockWhop::builder()
    ///     .membership(MockMembership::new("mem_1"))
    ///     .webhook(endpoint)
    ///     .build();
    /// assert!(mock.set_status("mem_1", "expired", false)); // sends membership.went_invalid
    /// # Ok::<(), whop_mock::WebhookEndpointError>(())
    /// ```
    pub fn webhook(mut self, endpoint: WebhookEndpoint) -> Self {
        self.state.set_webhooks(Webhooks::start(endpoint));
        self
    }

    /// Registers an app with the OAuth authorization server (see [`OAuthApp`]); one with the same
    /// client ID is replaced.
    pub fn oauth_app(mut self, app: OAuthApp) -> Self {
        self.state.oauth_mut().register(app);
        self
    }

    /// The user signed in at `GET /oauth/authorize`, whom the mock's consent screen stands for
    /// (default [`DEFAULT_USER_ID`](crate::DEFAULT_USER_ID); the demo world's is
    /// [`DEMO_USER_ID`](crate::DEMO_USER_ID)). The tokens issued act as this user.
    pub fn oauth_user(mut self, user_id: impl Into<String>) -> Self {
        self.state.oauth_mut().set_user(user_id.into());
        self
    }

    /// Whether the signed-in user consents at `GET /oauth/authorize` (default `true`); `false`
    /// sends them back to the redirect URI with `error=access_denied`, as when they press
    /// "Cancel". [`MockWhop::set_oauth_consent`] changes it at run time.
    pub fn oauth_consent(mut self, consent: bool) -> Self {
        self.state.oauth_mut().set_consent(consent);
        self
    }

    /// How long the access tokens issued work (default
    /// [`DEFAULT_ACCESS_TOKEN_LIFETIME`](crate::DEFAULT_ACCESS_TOKEN_LIFETIME), Whop's hour): a
    /// short one lets a test see a client refresh. Measured on Tokio's clock.
    pub fn oauth_access_token_lifetime(mut self, lifetime: std::time::Duration) -> Self {
        self.state.oauth_mut().set_access_lifetime(lifetime);
        self
    }

    /// The mock.
    #[must_use]
    pub fn build(self) -> MockWhop {
        MockWhop::from_state(self.state)
    }
}

impl MockWhop {
    /// An empty mock: no memberships, no tokens, Whop's rate limits.
    pub fn builder() -> MockWhopBuilder {
        MockWhopBuilder::default()
    }
}
