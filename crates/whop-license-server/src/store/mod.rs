//! Where the server keeps what several requests (and several instances) share: the per-key
//! binding lock and the cache of membership states.
//!
//! [`Store`] is the seam. [`MemoryStore`] is the embedded default (one process); the Redis store
//! (feature `redis`) lets several instances share one lock per license key and one cache.
//!
//! # Names, never keys in clear
//!
//! A license key is a secret: whoever holds it can activate it. The server names its entries with
//! [`lock_name`] and [`cache_name`], which hash what they name (SHA-256, hex), so a store (and
//! whoever can read it, such as a shared Redis) never holds a license key in clear.

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::time::Duration;

mod memory;
#[cfg(feature = "redis")]
mod redis;

#[cfg(feature = "redis")]
#[cfg_attr(docsrs, doc(cfg(feature = "redis")))]
pub use self::redis::{ConnectError, RedisStore, RedisStoreBuilder};
pub use memory::MemoryStore;

/// The future every [`Store`] method returns: boxed, so the trait is object-safe
/// (`Arc<dyn Store>`), and `Send`, so handlers can run on any Tokio worker.
pub type StoreFuture<'a, T> = Pin<Box<dyn Future<Output = Result<T, StoreError>> + Send + 'a>>;

/// Shared state of the license server: single-writer locks and a byte cache with expiry.
///
/// Names passed in are the server's own ([`lock_name`], [`cache_name`]); a store uses them as
/// they are.
pub trait Store: Send + Sync + 'static {
    /// Takes the single-writer lock named `name` (a license key's [`lock_name`]), held at most
    /// `ttl` (so a crashed holder cannot keep it); waits up to `wait` for a holder to release.
    /// `Ok(None)` when it could not be taken within `wait`.
    fn lock<'a>(
        &'a self,
        name: &'a str,
        ttl: Duration,
        wait: Duration,
    ) -> StoreFuture<'a, Option<LockToken>>;

    /// Releases a lock this token holds; a no-op if it expired and someone else holds it now.
    fn unlock<'a>(&'a self, name: &'a str, token: LockToken) -> StoreFuture<'a, ()>;

    /// Cache: the bytes under `key`, if present and not expired.
    fn get<'a>(&'a self, key: &'a str) -> StoreFuture<'a, Option<Vec<u8>>>;

    /// Cache: keeps `value` under `key` for `ttl`, replacing what was there.
    fn put<'a>(&'a self, key: &'a str, value: Vec<u8>, ttl: Duration) -> StoreFuture<'a, ()>;

    /// Cache: removes `key` (a no-op when absent).
    fn evict<'a>(&'a self, key: &'a str) -> StoreFuture<'a, ()>;
}

/// Proof of holding a lock: a random 128-bit value, as 32 hex digits. Only its holder can
/// release the lock (Redis: a compare-and-delete on this value).
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct LockToken(String);

impl LockToken {
    /// A fresh random token (from the system's secure random source).
    ///
    /// # Errors
    /// [`StoreError`] when the system's random source fails.
    pub fn random() -> Result<Self, StoreError> {
        use ring::rand::SecureRandom;
        let mut bytes = [0u8; 16];
        ring::rand::SystemRandom::new()
            .fill(&mut bytes)
            .map_err(|_| StoreError::new("the system random source failed"))?;
        Ok(Self(hex(&bytes)))
    }

    /// The token's text (32 hex digits), as a store writes it.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

// A lock token is no secret worth hiding (it only proves who took a lock), but it is noise in
// logs; show that it is one, not its value.
impl fmt::Debug for LockToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("LockToken(..)")
    }
}

/// A store operation that failed: what failed, never a license key or a token.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoreError {
    message: String,
}

impl StoreError {
    /// An error saying what failed. Callers must not put a secret (license key, token) in it.
    pub fn new(message: impl Into<String>) -> Self {
        Self {
            message: message.into(),
        }
    }
}

impl fmt::Display for StoreError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "license store: {}", self.message)
    }
}

impl std::error::Error for StoreError {}

/// The common prefix of every name the server stores under.
pub const NAMESPACE: &str = "whop-license";

/// The name of the binding lock of `license_key`: `whop-license:lock:<sha256 hex>`.
pub fn lock_name(license_key: &str) -> String {
    format!("{NAMESPACE}:lock:{}", sha256_hex(license_key))
}

/// The cache name of `what` (a license key or a membership ID, with the server's prefix):
/// `whop-license:cache:<sha256 hex>`.
pub fn cache_name(what: &str) -> String {
    format!("{NAMESPACE}:cache:{}", sha256_hex(what))
}

fn sha256_hex(text: &str) -> String {
    hex(ring::digest::digest(&ring::digest::SHA256, text.as_bytes()).as_ref())
}

fn hex(bytes: &[u8]) -> String {
    use fmt::Write;
    bytes
        .iter()
        .fold(String::with_capacity(bytes.len() * 2), |mut out, byte| {
            let _ = write!(out, "{byte:02x}");
            out
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_namespaced_sha256_hex_of_what_they_name() {
        // SHA-256("abc"), the FIPS 180-2 test vector.
        let abc = "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad";
        assert_eq!(lock_name("abc"), format!("whop-license:lock:{abc}"));
        assert_eq!(cache_name("abc"), format!("whop-license:cache:{abc}"));
    }

    #[test]
    fn names_never_hold_the_license_key_in_clear() {
        let key = "LICENSE-KEY-1234";
        assert!(!lock_name(key).contains(key));
        assert!(!cache_name(key).contains(key));
    }

    #[test]
    fn lock_tokens_are_32_hex_digits_and_differ() {
        let a = LockToken::random().unwrap();
        let b = LockToken::random().unwrap();
        assert_eq!(a.as_str().len(), 32);
        assert!(a.as_str().bytes().all(|b| b.is_ascii_hexdigit()));
        assert_ne!(a, b);
        assert_eq!(format!("{a:?}"), "LockToken(..)");
    }
}
