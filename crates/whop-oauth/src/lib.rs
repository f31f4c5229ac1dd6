//! Sign in with Whop: a user's OAuth access token, from OAuth 2.1 with PKCE.
//!
//! Every "me" call of Whop's API (`GET /v1/memberships?user_id=me`, `GET /v5/me/…`) needs the
//! access token of the user who signed in. This crate gets one, keeps it fresh and hands it to a
//! [`whop_transport::Token`].
//!
//! # Design
//!
//! - **The protocol is the `oauth2` crate's**, not ours: the authorization URL, the PKCE verifier
//!   and its `S256` challenge, the random `state` (and our `nonce`, made the same way), the
//!   callback's `state` check (`oauth2`'s timing-resistant equality: SHA-256 digests compared, so
//!   the expected value leaks no timing), the code and refresh requests with their client
//!   authentication, and the parsing of their answers and of `{error, error_description}`. This
//!   crate adds only what is Whop's: the endpoints, the scopes by default, `nonce` and
//!   `company_id`, and how tokens are kept and refreshed. Two requests are ours: `userinfo` (a
//!   plain bearer GET), and revocation, because `oauth2` refuses to send it to anything but
//!   `https`, which rules out a loopback test server.
//! - **Over our own HTTP transport.** `oauth2` takes any HTTP client through its
//!   [`AsyncHttpClient`](oauth2::AsyncHttpClient) trait. [`HttpService`] implements it over any
//!   `tower::Service<http::Request<Bytes>, Response = http::Response<Bytes>>`: by default
//!   whop-transport's [`HttpClient`](whop_transport::HttpClient) (hyper over rustls, the base URL
//!   policy, a body cap, no retry: a code is single-use and a refresh token rotates, so neither
//!   request may be sent twice), or your own stack. `oauth2`'s `reqwest` and `curl` features are
//!   off, so there is no second HTTP stack.
//! - **At the API's origin.** The endpoints are Whop's `/oauth/authorize`, `/oauth/token`,
//!   `/oauth/userinfo`, `/oauth/revoke` and `/.well-known/jwks.json`, at the origin of the
//!   [`BaseUrl`](whop_transport::BaseUrl) (`https://api.whop.com` for `https://api.whop.com/api`),
//!   so the one `WHOP_BASE_URL` that points a test at a local server moves OAuth with it. See
//!   [`Endpoints`].
//!
//! - **`id_token`s are verified by `jsonwebtoken`** (9.x, on ring, which rustls already builds;
//!   `josekit` would bring OpenSSL, which whop-rs never uses). See [`id_token`].
//! - **One refresh at a time per credential.** Whop rotates refresh tokens, so two concurrent
//!   refreshes would sign the user out. A [`TokenSource`] holds its set behind one async lock
//!   across the refresh, and saves the rotated set to your [`TokenStore`] before anyone uses it.
//!
//! # Signing in
//!
//! ```no_run
//! use whop_oauth::{Callback, MemoryTokenStore, OAuthClient, TokenSource};
//!
//! # async fn run(query_from_the_redirect: &str) -> Result<(), whop_oauth::Error> {
//! let client = OAuthClient::builder("app_xxx", "http://127.0.0.1:53682/callback").build()?;
//! let pending = client.authorize().start();
//! println!("open {}", pending.url());
//! // ... the browser comes back to the redirect URI with `?code=…&state=…` ...
//! let signed_in = client.finish(pending, &Callback::from_query(query_from_the_redirect)).await?;
//! let source = TokenSource::new(client, MemoryTokenStore::new());
//! source.sign_in(signed_in.tokens).await?;
//! let token = source.token().await?; // a whop_transport::Token, refreshed when due
//! # let _ = token;
//! # Ok(())
//! # }
//! ```
//!
//! # Desktop apps and terminals
//!
//! [`native`] (feature `native`, on by default) runs the sign-in through the system browser and
//! a loopback redirect on `127.0.0.1` (RFC 8252); feature `browser` opens the browser itself.
//!
//! # Where the facts are open
//!
//! Whop's docs send the token request as JSON; `oauth2` sends it form-encoded, as RFC 6749 says,
//! and community clients report that Whop accepts both. Form is the default;
//! [`BodyEncoding::Json`] sends the same fields as JSON. Whop documents no discovery document, so
//! the endpoints are fixed paths rather than discovered.

#![cfg_attr(docsrs, feature(doc_cfg))]
#![forbid(unsafe_code)]
#![deny(missing_docs)]

pub mod authorize;
pub mod client;
pub mod endpoints;
pub mod error;
pub mod http_service;
pub mod id_token;
pub mod layer;
mod legacy;
#[cfg(feature = "native")]
#[cfg_attr(docsrs, doc(cfg(feature = "native")))]
pub mod native;
mod refresh;
pub mod source;
pub mod store;
pub mod tokens;
pub mod userinfo;

pub use authorize::{AuthorizeRequest, Callback, DEFAULT_SCOPES, PendingAuthorization, SignedIn};
pub use client::{ClientAuth, OAuthClient, OAuthClientBuilder};
pub use endpoints::Endpoints;
pub use error::{Error, OAuthErrorCode};
pub use http_service::{BodyEncoding, DEFAULT_DEADLINE, HttpError, HttpService};
pub use id_token::{IdTokenClaims, IdTokenError};
pub use layer::{UserAuth, UserAuthLayer};
pub use source::{DEFAULT_REFRESH_MARGIN, TokenSource};
pub use store::{MemoryTokenStore, StoreError, TokenStore};
pub use tokens::TokenSet;
pub use userinfo::UserInfo;

/// The `oauth2` crate this one builds on, for its types in our signatures.
pub use oauth2;
