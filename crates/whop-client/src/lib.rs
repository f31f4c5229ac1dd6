//! A Rust client for Whop's membership API: the Current API (`https://api.whop.com/api/v1`).
//!
//! Every call below is a request to `/v1/memberships…`, sent with the pinned `Api-Version-Date`
//! header ([`whop_transport::ApiVersionDate::PINNED`], overridable per client with
//! [`TransportBuilder::api_version_date`]), so Whop answers with the membership resource the
//! models describe ([`v1::Membership`]) and never with the 2025 "Legacy" one it serves without
//! the header. Writes carry an `Idempotency-Key`, so the transport may retry them.
//!
//! With your company API key (and, for reads, a user's token: see [`Client::with_token`]):
//! - [`Client::membership`]: one membership by `mem_` ID or license key; `.optional()`.
//! - [`Client::list_memberships`]: every filter (`account_id`, `user_id` or `.me()`, `status`,
//!   `product_id`, `plan_id`, `created_after`/`_before`, `order`, `direction`), one page or a
//!   [`CursorPages`]/[`Items`] stream over cursors that never trusts `has_next_page` alone.
//! - [`Client::merge_membership_metadata`] (merges keys), [`Client::clear_membership_metadata`].
//! - [`Client::cancel_membership_at_period_end`], [`Client::cancel_membership_now`] (never a
//!   cancel whose meaning rests on Whop's default), [`Client::undo_membership_cancel`].
//! - [`Client::pause_membership`] (`.until(..)`), [`Client::resume_membership`],
//!   [`Client::extend_membership`].
//! - [`Client::validate_license`] and [`Client::reset_license`]: a license key bound to one
//!   machine through the membership's metadata, as Whop's migration guide describes, with a
//!   typed [`LicenseBinding`]. Server-side calls: see [`license`].
//!
//! The seed's v2 and v5 calls are still here, under [`Client::legacy`] (module [`legacy`], which
//! maps each to its Current API call). Whop retired API v2 on 2026-11-13: a v2 route that
//! answers as gone is [`Error::Retired`], whose message names the call to use instead.
//!
//! The client is thin: it builds each request from the endpoint's one declaration (a path relative
//! to the API root, the query, and a [`whop_transport::Endpoint`] describing it), sends it through
//! a transport, and decodes the answer with [`whop_models`]. The transport owns the rest: the base
//! URL, the credential, retries, pacing, timeouts and tracing. The default transport
//! ([`whop_transport::Transport`]) is hyper over rustls, configured with
//! [`ClientBuilder::transport`]; any tower `Service` from `http::Request<Bytes>` to
//! `http::Response<Bytes>` can replace it ([`Client::with_service`]).
//!
//! To add tower layers of your own (a header, metrics) without leaving the builder, use
//! [`ClientBuilder::layer`]: it gives a [`BoxClient`], a type you can name in a struct
//! ([`layered`] says where the layer sits and what it sees).
//!
//! # Cargo features
//! - `webpki-roots` (default) / `native-roots`: which root certificates TLS trusts. Mozilla's
//!   roots are compiled in by default so that an app works in a container without a certificate
//!   store; `native-roots` (with `default-features = false`) uses the platform's store instead.
//! - `tls12` (default): offer TLS 1.2 as well as TLS 1.3, so a proxy that intercepts TLS and
//!   speaks only TLS 1.2 is reached. Without it (`default-features = false, features =
//!   ["webpki-roots"]`) the client offers TLS 1.3 only, 116 kB smaller, and a TLS 1.2-only
//!   server fails with a TLS error, unsent, that says so and names this feature.
//! - `http2`: offer HTTP/2 as well as HTTP/1.1 by ALPN. Off by default: Whop's limits cap a
//!   credential at 10 requests a second, which a few pooled HTTP/1.1 connections carry.
//! - `mock`: `Client::builder_for(&server, token)`, a client ready for a `whop_mock::MockServer`
//!   (its base URL, pacing matched to its limits), for tests: see the `mock` module.
//! - `blocking`: `whop_client::blocking::Client`, the same calls for synchronous programs, on a
//!   runtime thread of the client's own: see the `blocking` module.
//!
//! # Errors
//! Every call returns [`Error`], which says whether the request was sent, whether the action took
//! place ([`Error::applied`]), and keeps the API's status, message and raw body.

#![cfg_attr(docsrs, feature(doc_cfg))]
#![forbid(unsafe_code)]
#![deny(missing_docs)]

#[cfg(feature = "blocking")]
pub mod blocking;
mod client;
mod endpoint;
mod endpoints;
mod error;
pub mod layered;
pub mod legacy;
#[cfg(feature = "mock")]
pub mod mock;
mod pacing_env;
mod paging;
mod path;
mod response;

pub use client::{Client, ClientBuilder, ENV_API_KEY, ENV_BASE_URL, HttpService};
pub use endpoints::change::{CancelMembership, ChangeMembership, EXTEND_DAYS, PauseMembership};
pub use endpoints::license;
pub use endpoints::license::{HWID_METADATA_KEY, LicenseBinding, bound_hardware_id};
pub use endpoints::list::{ListMemberships, MAX_FIRST, MembershipFilter, MembershipOrder};
pub use endpoints::retrieve::RetrieveMembership;
pub use error::{
    ApiError, Applied, BoxError, DecodeError, Error, InvalidInput, Retired, TransportError,
    Unconfirmed,
};
/// The async-stream trait [`Pages`] and [`Items`] implement (re-exported from `futures-core`).
pub use futures_core::Stream;
pub use layered::{BoxClient, BoxHttpService, LayeredClientBuilder};
pub use legacy::Legacy;
pub use pacing_env::{ENV_PACING_REDIS_FALLBACK, ENV_PACING_REDIS_URL, PacingEnv, pacing_from_env};
pub use paging::{CursorPages, Direction, Items, PageError, Pages};
pub use response::Response;

pub use whop_models as models;
pub use whop_models::v1;
pub use whop_models::v1::{Membership, MembershipPage};
pub use whop_models::{LicenseKey, MembershipId, MembershipRef, MembershipStatus, Metadata};
pub use whop_transport as transport;
pub use whop_transport::{
    ApiVersionDate, BaseUrl, DEFAULT_BASE_URL, InvalidBaseUrl, InvalidToken, PacingConfig,
    PacingLimit, RequestSent, RetryConfig, Token, TransportBuilder,
};

#[cfg(doctest)]
#[doc = include_str!("../../../README.md")]
struct ReadmeDoctests;

// The crate README (shown on crates.io) too.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
struct CrateReadmeDoctests;
