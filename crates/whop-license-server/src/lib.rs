//! A license server for Whop software licenses.
//!
//! Apps send a license key and their hardware ID to `POST /v1/activate` and get a signed token
//! (PASETO `v4.public`, see the `whop-license` crate) that they verify offline; they renew it at
//! `POST /v1/refresh`. The Whop API key stays on this server; the app holds no secret at all.
//! The crate README gives the wire contract.
//!
//! # Design
//!
//! - **One binder per key.** A key is bound by `whop_client::Client::validate_license` on a
//!   fresh read, under the key's [`Store::lock`](store::Store::lock) (in process, or Redis
//!   `SET NX PX` for several instances), so however many machines race for one unbound key,
//!   exactly one wins and the rest are `bound_to_another_machine`.
//! - **Few calls to Whop.** Concurrent requests for one key (or membership) in a process share
//!   one read; answers are cached (fresh for 5 minutes; "unknown"/"no access" for 30 seconds);
//!   a state past its freshness is answered from while it is re-read in the background.
//! - **Grace.** While Whop fails (429, 5xx, unreachable), a membership's last good state keeps
//!   serving refreshes for the grace period (24 hours by default), and a token issued from it
//!   expires by the end of that period. Activations with no good state get `try_later`.
//! - **Sync.** The business's memberships are listed into the cache on start and every half
//!   `fresh_for` (100 a page: 1,000 memberships are 10 calls), so a cold start's launches do
//!   not each read Whop; keys bought since are read singly.
//! - **Webhooks** (`membership.updated`, `deactivated`, …) evict a membership at once.
//! - **Nothing secret in logs**: no license key, token or hardware ID in any log line, error or
//!   `Debug` output; the store names entries by SHA-256.
//!
//! # Example
//!
//! ```no_run
//! use whop_license::SigningKeys;
//! use whop_license_server::LicenseServer;
//!
//! # async fn run() -> Result<(), Box<dyn std::error::Error>> {
//! let client = whop_client::Client::from_env()?; // WHOP_API_KEY, WHOP_BASE_URL
//! let keys = SigningKeys::from_file("license-signing.key")?;
//! let server = LicenseServer::builder(client, keys).build();
//! let listener = tokio::net::TcpListener::bind("127.0.0.1:8080").await?;
//! server.serve(listener).await?;
//! # Ok(())
//! # }
//! ```
#![deny(missing_docs)]
#![cfg_attr(docsrs, feature(doc_cfg))]

mod activate;
mod cache;
mod clock;
mod error;
mod flight;
mod grant;
mod limit;
mod metrics;
mod refresh;
mod routes;
mod server;
pub mod store;
mod sync;
mod webhook;
mod whop;

pub use clock::{Clock, ManualClock, SystemClock};
pub use error::{ApiError, ErrorType};
pub use routes::{MAX_BODY, MAX_HARDWARE_ID_LEN, MAX_LICENSE_KEY_LEN, MAX_TOKEN_LEN};
pub use server::{
    BIND_TIMEOUT, DEFAULT_FRESH_FOR, DEFAULT_GRACE, DEFAULT_MAX_OFFLINE, DEFAULT_NEGATIVE_FOR,
    DEFAULT_REFRESH_AFTER, DEFAULT_TRY_LATER, LOCK_TTL, LOCK_WAIT, LicenseServer, PerClientLimit,
    ServerBuilder,
};
pub use sync::{DEFAULT_SYNC_MAX_PAGES, SyncOutcome, WARM_UP_WAIT};

// The crate README (shown on crates.io) is compiled as a doctest, so it cannot rot.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
struct ReadmeDoctests;
