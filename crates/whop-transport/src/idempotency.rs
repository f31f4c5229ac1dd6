//! `Idempotency-Key`: what makes a Current API (`/v1`) write safe to retry.
//!
//! A cancel or a `PATCH` that timed out may or may not have reached Whop; sent again, it may act
//! twice. Whop's Current API accepts an optional `Idempotency-Key` header (at most 255
//! characters): a request repeated with the same key is not acted on twice. So
//! [`IdempotencyLayer`], in the default stack outside the retry layer, gives every
//! [`ApiFamily::V1`] request that is not GET or HEAD and carries no key a fresh random one, once
//! per call: every attempt of the call sends the same key. The retry layer then treats it as safe
//! to repeat, as it treats any request carrying an `Idempotency-Key` (see
//! [`is_retry_safe`](crate::is_retry_safe)). A key the caller set is kept.
//!
//! Keys are 128 random bits from the operating system (`ring`'s `SystemRandom`, already this
//! crate's TLS dependency), written as a UUID (version 4). Should the system's generator fail, the
//! key falls back to std's per-process random hasher over a counter and the clock: still unique
//! per call, which is all a key must be.

use std::hash::{BuildHasher, Hasher};
use std::sync::atomic::{AtomicU64, Ordering};
use std::task::{Context, Poll};

use http::{HeaderName, HeaderValue, Method, Request};
use ring::rand::{SecureRandom, SystemRandom};
use tower::{Layer, Service};

use crate::extensions::{ApiFamily, RequestExt};

/// The `Idempotency-Key` request header.
pub const IDEMPOTENCY_KEY: HeaderName = HeaderName::from_static("idempotency-key");

/// Gives each [`ApiFamily::V1`] request that is not GET or HEAD, and has no `Idempotency-Key`,
/// a fresh random one. See the [module docs](self).
#[derive(Clone, Copy, Debug, Default)]
pub struct IdempotencyLayer;

impl IdempotencyLayer {
    /// The layer.
    pub fn new() -> Self {
        Self
    }
}

impl<S> Layer<S> for IdempotencyLayer {
    type Service = Idempotency<S>;

    fn layer(&self, inner: S) -> Self::Service {
        Idempotency { inner }
    }
}

/// The service made by [`IdempotencyLayer`].
#[derive(Clone, Debug)]
pub struct Idempotency<S> {
    inner: S,
}

crate::inner_service_accessors!(Idempotency);

impl<S, B> Service<Request<B>> for Idempotency<S>
where
    S: Service<Request<B>>,
{
    type Response = S::Response;
    type Error = S::Error;
    type Future = S::Future;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, mut req: Request<B>) -> Self::Future {
        let v1 = req.endpoint().map(|e| e.family()) == Some(ApiFamily::V1);
        let read = matches!(*req.method(), Method::GET | Method::HEAD);
        if v1 && !read {
            req.headers_mut()
                .entry(IDEMPOTENCY_KEY)
                .or_insert_with(new_key);
        }
        self.inner.call(req)
    }
}

/// A fresh key: a random UUID (version 4, 36 characters).
fn new_key() -> HeaderValue {
    let mut bytes = [0u8; 16];
    if SystemRandom::new().fill(&mut bytes).is_err() {
        bytes = fallback_bytes();
    }
    // Version 4, variant 10xx (RFC 9562).
    bytes[6] = (bytes[6] & 0x0f) | 0x40;
    bytes[8] = (bytes[8] & 0x3f) | 0x80;
    let mut text = [0u8; 36];
    let mut at = 0;
    for (i, byte) in bytes.iter().enumerate() {
        if matches!(i, 4 | 6 | 8 | 10) {
            text[at] = b'-';
            at += 1;
        }
        text[at] = HEX[usize::from(byte >> 4)];
        text[at + 1] = HEX[usize::from(byte & 0x0f)];
        at += 2;
    }
    HeaderValue::from_bytes(&text).unwrap_or_else(|_| HeaderValue::from_static("invalid"))
}

const HEX: &[u8; 16] = b"0123456789abcdef";

/// 16 bytes unique per call without the system's generator: std's randomly keyed hasher (a new
/// key per process) over a process-wide counter and the clock.
fn fallback_bytes() -> [u8; 16] {
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let count = COUNTER.fetch_add(1, Ordering::Relaxed);
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos());
    let mut out = [0u8; 16];
    for (half, salt) in out.chunks_exact_mut(8).zip([0u64, 1]) {
        let mut hasher = std::collections::hash_map::RandomState::new().build_hasher();
        hasher.write_u64(salt);
        hasher.write_u64(count);
        hasher.write_u128(nanos);
        half.copy_from_slice(&hasher.finish().to_be_bytes());
    }
    out
}

#[cfg(test)]
mod tests {
    use std::collections::HashSet;

    use super::*;

    #[test]
    fn keys_are_version_4_uuids_and_differ() {
        let keys: HashSet<String> = (0..100)
            .map(|_| new_key().to_str().expect("ASCII").to_owned())
            .collect();
        assert_eq!(keys.len(), 100);
        for key in &keys {
            let groups: Vec<usize> = key.split('-').map(str::len).collect();
            assert_eq!(groups, [8, 4, 4, 4, 12], "{key}");
            assert!(key.chars().all(|c| c == '-' || c.is_ascii_hexdigit()));
            assert_eq!(key.as_bytes()[14], b'4', "{key}");
            assert!(
                matches!(key.as_bytes()[19], b'8' | b'9' | b'a' | b'b'),
                "{key}"
            );
        }
    }

    #[test]
    fn the_fallback_differs_per_call() {
        assert_ne!(fallback_bytes(), fallback_bytes());
    }
}
