//! Offline license tokens for apps sold on Whop: the check an app runs at start-up, without the
//! network.
//!
//! A license server (`whop-license-server`, `whop license serve`) holds the Whop API key, binds a
//! license key to one machine, and answers with a **token**: a PASETO `v4.public` token
//! (Ed25519) of a few hundred bytes that says whose membership it is, for which product and
//! hardware id, and until when. The app stores it and, at every start, asks this crate whether it
//! may run: no network, no async runtime, no secret in the app, only the server's public key.
//!
//! ```
//! use std::time::{Duration, SystemTime};
//! use whop_license::{KeySet, PublicKey, Verdict, Verifier};
//! # use whop_license::{Claims, SigningKey};
//! # let server_key = SigningKey::generate().unwrap();
//! # let now = SystemTime::now();
//! # let token = server_key.sign(&Claims {
//! #     membership_id: "mem_123".into(), product_id: "prod_app".into(),
//! #     hardware_id: "machine-1".into(), status: "active".into(), period_end: None,
//! #     issued_at: now, refresh_after: now + Duration::from_secs(3600),
//! #     expires_at: now + Duration::from_secs(7 * 86400),
//! # }).unwrap();
//! # let public_key_text = server_key.public_key().to_paserk();
//! # let (stored_token, stored_last_seen) = (token, None::<SystemTime>);
//!
//! // Built into the app: the server's public key (`whop license keygen` prints it) and the
//! // product this build is.
//! let keys = KeySet::new().with(PublicKey::from_paserk(&public_key_text)?);
//! let verifier = Verifier::new(keys, "prod_app");
//!
//! // At start-up: the token and the last-seen time the app stored, this machine's id, the clock.
//! let now = SystemTime::now();
//! let verdict = verifier.verify(&stored_token, "machine-1", now, stored_last_seen);
//! if let Some(last_seen) = verdict.last_seen_to_store(stored_last_seen, now) {
//!     // Persist `last_seen` next to the token: a clock set back later is caught.
//! }
//! match verdict {
//!     Verdict::Valid(license) => println!("licensed to {} ({})", license.membership_id, license.status),
//!     Verdict::RefreshDue(_) => { /* run, and POST /v1/refresh in the background */ }
//!     Verdict::Expired { .. } => { /* offline too long: refresh online before running */ }
//!     Verdict::BoundToOtherMachine { .. } => { /* this key is bound to another machine */ }
//!     Verdict::ClockTampered { .. } => { /* the clock was set back: ask to fix it */ }
//!     _ => { /* WrongProduct, UnknownKey, BadSignature: activate again */ }
//! }
//! # Ok::<(), whop_license::KeyError>(())
//! ```
//!
//! # What is checked, in order
//! [`Verifier::verify`] answers one [`Verdict`], the first failing check deciding:
//! 1. the token's form and its key id, among the app's [`KeySet`] (several keys: rotation) →
//!    [`Verdict::BadSignature`] / [`Verdict::UnknownKey`];
//! 2. the Ed25519 signature (over the payload, the footer and the implicit assertion
//!    `whop-license v1`) → [`Verdict::BadSignature`];
//! 3. the product → [`Verdict::WrongProduct`];
//! 4. the hardware id → [`Verdict::BoundToOtherMachine`];
//! 5. the clock: issued-at, or the last-seen time the app stored, more than [`CLOCK_SKEW`] ahead
//!    of `now` → [`Verdict::ClockTampered`];
//! 6. the hard expiry `exp` (the longest the app may run offline) → [`Verdict::Expired`];
//! 7. the soft `refresh_after` → [`Verdict::RefreshDue`], else [`Verdict::Valid`].
//!
//! Nothing offline is tamper-proof (a patched binary skips any check); the token makes the
//! honest path easy and a forged license impossible without the server's secret key.
//!
//! # The token
//! `v4.public.` + base64url(claims JSON ‖ 64-byte signature) + `.` + base64url(footer). The
//! footer is `{"kid":"k4.pid.…","seal":"…"}`: `kid` is the PASERK id of the signing key; `seal`
//! is a MAC only the server can make or check, with which it opens its own tokens on refresh
//! without an Ed25519 verify (`SigningKeys::open_own`, feature `issue`). The verifier ignores it,
//! and tokens without it verify alike. The claims are `sub` (the
//! membership id), `product`, `hwid`, `status`, `period_end` (optional), `iat`, `refresh_after`
//! and `exp`, times as RFC 3339 UTC strings. Any PASETO v4 library can read it; the implicit
//! assertion `whop-license v1` must be given to verify it.
//!
//! # The server's answers
//! An app gets its token from the license server: `POST /v1/activate` with
//! `{"license_key": "...", "hardware_id": "..."}` once, then `POST /v1/refresh` with
//! `{"token": "..."}` when [`Verdict::RefreshDue`] (or [`Verdict::Expired`]) says so. Success is
//! `200 {"token": "v4.public…"}`; a failure is `{"error": {"type": "...", "message": "..."}}`
//! with one of these types:
//!
//! | `type` | status | meaning | what the app does |
//! |---|---|---|---|
//! | `invalid_request` | 400 | bad JSON, a missing, empty or oversized field | fix the request |
//! | `license_not_valid` | 403 | unknown license key, or a membership that grants no access (one answer for both) | ask for a valid key |
//! | `bound_to_another_machine` | 409 | the key is bound to another hardware id | tell the user; release it on Whop |
//! | `token_not_valid` | 401 | refresh: bad signature, unknown key id, not a token | activate again |
//! | `rate_limited` | 429 | this address is over its limit (`Retry-After`) | wait, keep running on the stored token |
//! | `try_later` | 503 | Whop is unreachable and the server holds no good state (`Retry-After`) | wait, keep running on the stored token |
//! | `internal` | 500 | anything else | retry later |
//!
//! # Features
//! - `issue` (off): `SigningKey`, `Claims` and `SigningKeys` (the server's key file), to issue
//!   tokens. For the server and `whop license keygen`; an app leaves it off.

#![deny(missing_docs)]
#![cfg_attr(docsrs, feature(doc_cfg))]

mod keys;
mod license;
mod verify;

#[cfg(feature = "issue")]
mod issue;
#[cfg(feature = "issue")]
mod key_file;
#[cfg(feature = "issue")]
mod seal;

pub use keys::{KeyError, KeyId, KeySet, PublicKey};
pub use license::License;
pub use verify::{CLOCK_SKEW, MAX_TOKEN_LEN, Refusal, Verdict, Verifier, next_last_seen};

#[cfg(feature = "issue")]
#[cfg_attr(docsrs, doc(cfg(feature = "issue")))]
pub use issue::{Claims, SignError, SigningKey};
#[cfg(feature = "issue")]
#[cfg_attr(docsrs, doc(cfg(feature = "issue")))]
pub use key_file::{KeyFileError, SigningKeys};
/// The wrapper [`SigningKey::to_paserk`] returns: its text is wiped from memory when dropped.
#[cfg(feature = "issue")]
#[cfg_attr(docsrs, doc(cfg(feature = "issue")))]
pub use zeroize::Zeroizing;
