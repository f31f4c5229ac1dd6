//! A Rust client for Whop's membership API.
//!
//! Fully typed, with your company API key (v2):
//! - [`legacy().cancel_membership`](legacy::Legacy::cancel_membership): `POST /v2/memberships/{id}/cancel`, with `expand`. The
//!   membership is set to cancel at the end of its period.
//! - [`legacy().terminate_membership`](legacy::Legacy::terminate_membership): `POST /v2/memberships/{id}/terminate`: access ends at
//!   once, irreversibly.
//! - [`legacy().validate_license`](legacy::Legacy::validate_license): `POST /v2/memberships/{id}/validate_license`, binding a
//!   license key to a machine (a hardware ID in its metadata) on first use; a typed
//!   [`ValidateLicense`](legacy::ValidateLicense) outcome. [`legacy().reset_license`](legacy::Legacy::reset_license) clears the binding (see
//!   [`ResetMethod`](legacy::ResetMethod) for which of Whop's two documented resets it uses, and why).
//! - [`legacy().membership`](legacy::Legacy::membership): `GET /v2/memberships/{id}` by ID or license key;
//!   [`legacy().update_membership_metadata`](legacy::Legacy::update_membership_metadata): `POST /v2/memberships/{id}`.
//! - [`legacy().list_memberships`](legacy::Legacy::list_memberships): `GET /v2/memberships` with every filter, one page or an async
//!   [`Pages`]/[`Items`] stream that fetches lazily and ends on an empty or short page.
//!
//! With a user's token (v5 `me`, a client from [`Client::with_token`]):
//! - [`legacy().me_membership`](legacy::Legacy::me_membership) and [`legacy().check_license`](legacy::Legacy::check_license): `GET /v5/me/memberships/{id}`, by
//!   membership ID or license key.
//! - [`legacy().my_memberships`](legacy::Legacy::my_memberships): `GET /v5/me/memberships`, one page or a stream.
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
pub use error::{ApiError, Applied, BoxError, DecodeError, Error, InvalidInput, TransportError};
/// The async-stream trait [`Pages`] and [`Items`] implement (re-exported from `futures-core`).
pub use futures_core::Stream;
pub use layered::{BoxClient, BoxHttpService, LayeredClientBuilder};
pub use legacy::Legacy;
pub use pacing_env::{ENV_PACING_REDIS_FALLBACK, ENV_PACING_REDIS_URL, PacingEnv, pacing_from_env};
pub use paging::{Direction, Items, PageError, Pages};
pub use response::Response;

pub use whop_models as models;
pub use whop_models::{LicenseKey, MembershipId, MembershipRef, MembershipStatus, Metadata};
pub use whop_transport as transport;
pub use whop_transport::{
    BaseUrl, DEFAULT_BASE_URL, InvalidBaseUrl, InvalidToken, PacingConfig, PacingLimit,
    RequestSent, RetryConfig, Token, TransportBuilder,
};

#[cfg(doctest)]
#[doc = include_str!("../../../README.md")]
struct ReadmeDoctests;

// The crate README (shown on crates.io) too.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
struct CrateReadmeDoctests;
