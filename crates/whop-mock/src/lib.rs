//! An in-process fake of Whop's membership API, for tests and demos without Whop's servers.
//!
//! It fakes the endpoints whop-rs covers, with Whop's real behaviour and body shapes:
//!
//! - The Current API, `/api/v1/memberships…` (company API key, or a user token for the user's
//!   own memberships), served from the same memberships as v2 and v5 (a cancel through v1 shows
//!   in a v5 read): list (cursor pages: `first` 1 to 100, `after`, `last`, `before`,
//!   `page_info`), retrieve by ID or license key, `PATCH`, `cancel`, `pause`, `resume`,
//!   `extend`, and the Legacy `uncancel` and `add_free_days`. The `Api-Version-Date` header picks
//!   the resource: none gets the Legacy one (`company`, `renewal_period_*`, plural filters,
//!   metadata replaced, cancel at period end by default), a date of
//!   [`SUPPORTED_API_VERSION_DATES`] after [`LEGACY_API_VERSION_DATE`] the new one (`account`,
//!   `current_period_end`, singular filters, metadata merged, **a cancel without
//!   `cancel_at_period_end` revoking access at once**), any other date a `400` listing the
//!   supported ones. Errors as `{"error":{"type":"not_found","message":"..."}}`; limited per
//!   operation and credential (600 a minute), the 429's wait only in its message ("Try again in
//!   12 seconds."); a repeated `Idempotency-Key` gets its first answer back, applied once.
//!   [`MockWhopBuilder::v2_retired`] makes every `/api/v2/` route answer as a retired API does.
//! - `POST /api/v2/memberships/{id}/cancel` (company API key): `201` with the v2 Membership,
//!   `cancel_at_period_end: true` (cancelling twice is the same as once), `expand` honoured
//!   (`expand[]=plan&expand[]=user`, also `expand=plan,user`), a `Deprecation` header on every
//!   v2 response, errors as `{"error":{"code":404,"message":"..."}}`.
//! - `POST /api/v2/memberships/{id}/terminate` (company API key): ends the membership at once
//!   (`canceled`, not valid), `201` with the v2 Membership, `expand` honoured.
//! - `GET /api/v5/me/memberships/{id}` (user token): `{id}` is one percent-encoded path segment
//!   holding a membership ID or a license key, looked up among the token's user's memberships
//!   only; errors as `{"message":"..."}`.
//!
//! - The license-key and listing toolkit (company API key, v2; user token for `v5/me`):
//!   `POST /api/v2/memberships/{id}/validate_license` (binds the metadata on first use, 400 on a
//!   mismatch, `{}` clears it), `GET`/`POST /api/v2/memberships/{id}` (read by ID or key; replace
//!   the metadata by ID), `GET /api/v2/memberships` (every filter of the spec, `per` capped at 50)
//!   and `GET /api/v5/me/memberships`. [`MockWhop::large_world`] has
//!   [`LARGE_WORLD_MEMBERSHIPS`] memberships to page through.
//!
//! - **"Sign in with Whop"**, an OAuth 2.1 server at the origin of the base URL (as Whop's is at
//!   `https://api.whop.com/oauth/…`): `GET /oauth/authorize` (PKCE `S256` only, exact redirect
//!   URIs; auto-consents for [`MockWhopBuilder::oauth_user`], or refuses with
//!   [`MockWhopBuilder::oauth_consent`]), `POST /oauth/token` (codes single-use, expiring after
//!   [`AUTHORIZATION_CODE_LIFETIME`]; refresh tokens rotating, a replayed one refused and its
//!   sign-in revoked; client authentication per the [`OAuthApp`]'s type), `userinfo`, `revoke`,
//!   discovery, and with the feature `oidc` a signed ES256 `id_token` and the JWKS. The access
//!   tokens it issues are user tokens on the routes above. See [`OAuthApp`].
//!
//! Everything else Whop does that a client must survive is here too: 401/403/404 in each family's
//! shape, rate limits with their cooldown ([`RateLimits`]), injected faults ([`Fault`]), and a log
//! of every request received ([`MockWhop::requests`]) with the token redacted.
//!
//! Use it directly as a `tower::Service<http::Request<Bytes>>` (no network), or serve it on
//! loopback with [`MockWhop::serve`] and point a real HTTP client at [`MockServer::base_url`]
//! (`http://127.0.0.1:<port>/api`, the API root a client's base URL takes). A request that
//! matches no endpoint gets a 404 whose body is [`UNKNOWN_ROUTE_BODY`], plain text, never one of
//! Whop's JSON error shapes, so a client can tell a wrong base URL from "no such membership".
//!
//! [`RecordedRequest::api_version_date`] and [`RecordedRequest::v1_cancel_body`] let a test check
//! that every `/api/v1/` request carried `Api-Version-Date` and that no cancel left
//! `cancel_at_period_end` to a default.
//!
//! [`MockWhop::demo`] is a ready world for demos, the one `whop --mock` serves: company key
//! [`DEMO_COMPANY_KEY`], user token [`DEMO_USER_TOKEN`], whose user owns a valid
//! ([`DEMO_LICENSE_KEY`]), an expired ([`DEMO_EXPIRED_LICENSE_KEY`]) and a
//! canceled-at-period-end ([`DEMO_CANCELING_LICENSE_KEY`]) membership ([`DEMO_LICENSE_KEYS`]
//! lists them), and three keys for the Current API's license flow ([`DEMO_CURRENT_LICENSE_KEYS`]:
//! bound to `demo-machine`, unbound, expired). Whop's rate limits apply by default (v5: 20
//! requests per 10 s), so a test making many calls should set [`MockWhopBuilder::rate_limits`] or
//! [`MockWhopBuilder::no_rate_limits`].
//!
//! ```
//! use bytes::Bytes;
//! use tower::{Service, ServiceExt};
//! use whop_mock::{MockMembership, MockWhop};
//!
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() {
//! let mut mock = MockWhop::builder()
//!     .membership(MockMembership::new("mem_1").user("user_1").license_key("K-1"))
//!     .company_token("company-key")
//!     .user_token("user-token", "user_1")
//!     .build();
//!
//! let request = http::Request::post("/api/v2/memberships/mem_1/cancel?expand[]=user")
//!     .header("authorization", "Bearer company-key")
//!     .body(Bytes::new())
//!     .unwrap();
//! let response = mock.ready().await.unwrap().call(request).await.unwrap();
//! assert_eq!(response.status(), 201);
//! let body: serde_json::Value = serde_json::from_slice(response.body()).unwrap();
//! assert_eq!(body["cancel_at_period_end"], true);
//! assert_eq!(body["user"]["id"], "user_1");
//! assert!(mock.membership("mem_1").unwrap().cancel_at_period_end);
//! # }
//! ```

#![cfg_attr(docsrs, feature(doc_cfg))]
#![forbid(unsafe_code)]
#![deny(missing_docs)]

mod answer;
mod body;
mod builder;
mod demo;
mod error;
mod fault;
mod handlers;
mod idempotency;
mod large_world;
mod log;
mod mock;
mod mutation;
mod oauth;
mod rate_limit;
mod respond;
mod retired;
mod route;
mod seed;
mod server;
mod service;
mod state;
mod unknown_route;
mod v1_body;
mod version;
mod webhook;

pub use builder::{DEFAULT_DEPRECATION, MockWhopBuilder};
pub use demo::{
    DEMO_CANCELING_LICENSE_KEY, DEMO_CANCELING_MEMBERSHIP_ID, DEMO_COMPANY_KEY,
    DEMO_CURRENT_EXPIRED_LICENSE_KEY, DEMO_CURRENT_EXPIRED_MEMBERSHIP_ID, DEMO_CURRENT_LICENSE_KEY,
    DEMO_CURRENT_LICENSE_KEYS, DEMO_CURRENT_MEMBERSHIP_ID, DEMO_CURRENT_UNBOUND_LICENSE_KEY,
    DEMO_CURRENT_UNBOUND_MEMBERSHIP_ID, DEMO_EXPIRED_LICENSE_KEY, DEMO_EXPIRED_MEMBERSHIP_ID,
    DEMO_LICENSE_KEY, DEMO_LICENSE_KEYS, DEMO_MEMBERSHIP_ID, DEMO_OTHER_MEMBERSHIP_ID,
    DEMO_OTHER_USER_ID, DEMO_UNBOUND_LICENSE_KEY, DEMO_UNBOUND_MEMBERSHIP_ID, DEMO_USER_ID,
    DEMO_USER_TOKEN,
};
pub use error::MockError;
pub use fault::{Fault, GARBAGE_BODY, HTML_502_BODY};
pub use large_world::{GENERATED_PRODUCT_ID, LARGE_WORLD_MEMBERSHIPS};
pub use log::{REDACTED, RecordedRequest};
pub use mock::MockWhop;
pub use oauth::{AUTHORIZATION_CODE_LIFETIME, DEFAULT_ACCESS_TOKEN_LIFETIME, OAuthApp};
pub use rate_limit::{Limit, RateLimits};
pub use retired::V2_RETIRED_BODY;
pub use route::{ApiFamily, Caller, Route};
pub use seed::{
    DEFAULT_COMPANY_ID, DEFAULT_CREATED_AT, DEFAULT_PLAN_ID, DEFAULT_PRODUCT_ID, DEFAULT_USER_ID,
    MockMembership, MockPlan, MockProduct, MockPromoCode, MockUser,
};
pub use server::{MAX_REQUEST_BODY, MockServer};
pub use service::ResponseFuture;
pub use unknown_route::UNKNOWN_ROUTE_BODY;
pub use version::{LEGACY_API_VERSION_DATE, SUPPORTED_API_VERSION_DATES};
pub use webhook::{
    DEFAULT_ATTEMPT_TIMEOUT, DEFAULT_RETRY_DELAYS, MAX_RETRIES, WebhookAttempt, WebhookEndpoint,
    WebhookEndpointError, WebhookScheme,
};

#[cfg(test)]
mod tests;

// The crate README (shown on crates.io) is run as a doctest, so it cannot rot.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
struct ReadmeDoctests;
