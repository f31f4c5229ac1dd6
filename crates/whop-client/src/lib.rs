//! A Rust client for Whop's membership API.
//!
//! Two endpoints, fully typed:
//! - [`Client::cancel_membership`]: `POST /v2/memberships/{id}/cancel`, with `expand`, using your
//!   company API key. The membership is set to cancel at the end of its period.
//! - [`Client::me_membership`] and [`Client::check_license`]: `GET /v5/me/memberships/{id}`, by
//!   membership ID or license key, using a user's token.
//!
//! The client is thin: it builds each request from the endpoint's one declaration (a path relative
//! to the API root, the query, and a [`whop_transport::Endpoint`] describing it), sends it through
//! a transport, and decodes the answer with [`whop_models`]. The transport owns the rest: the base
//! URL, the credential, retries, pacing, timeouts and tracing. The default transport
//! ([`whop_transport::Transport`]) is hyper over rustls, configured with
//! [`ClientBuilder::transport`]; any tower `Service` from `http::Request<Bytes>` to
//! `http::Response<Bytes>` can replace it ([`Client::with_service`]).
//!
//! # Errors
//! Every call returns [`Error`], which says whether the request was sent, whether the action took
//! place ([`Error::applied`]), and keeps the API's status, message and raw body.

#![cfg_attr(docsrs, feature(doc_cfg))]
#![forbid(unsafe_code)]
#![deny(missing_docs)]

mod client;
mod endpoint;
mod endpoints;
mod error;
mod pacing_env;
mod path;
mod response;

pub use client::{Client, ClientBuilder, ENV_API_KEY, ENV_BASE_URL, HttpService};
pub use endpoints::cancel::CancelMembership;
pub use endpoints::license::LicenseCheck;
pub use endpoints::me_membership::RetrieveMyMembership;
pub use error::{ApiError, Applied, BoxError, DecodeError, Error, InvalidInput, TransportError};
pub use pacing_env::{ENV_PACING_REDIS_URL, pacing_from_env};
pub use response::Response;

pub use whop_models as models;
pub use whop_models::{
    Expand, ExpandSet, Expandable, LicenseKey, MeMembership, Membership, MembershipId,
    MembershipRef, MembershipStatus,
};
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
