//! Configuring a [`RedisStore`]: the URL, the key prefix, the timeouts, and what to do when Redis
//! cannot answer.

use std::fmt;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use super::circuit::Circuit;
use super::{DEFAULT_KEY_PREFIX, Inner, RedisStore};
use crate::pacing::MemoryStore;

/// What a [`RedisStore`] does when Redis cannot answer (unreachable, too slow, an error).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub enum RedisFallback {
    /// Pace in this process until Redis answers again: calls go on, paced per process (the
    /// default). Logged once per outage.
    #[default]
    Local,
    /// Fail each call, never sent, with
    /// [`ErrorKind::PacingUnavailable`](crate::ErrorKind::PacingUnavailable): for deployments
    /// where several processes pacing alone would trip the limit anyway.
    Fail,
}

/// Configures a [`RedisStore`]; made by [`RedisStore::builder`].
#[derive(Clone)]
#[must_use]
pub struct RedisStoreBuilder {
    url: String,
    key_prefix: String,
    fallback: RedisFallback,
    timeout: Duration,
    retry_every: Duration,
}

impl RedisStoreBuilder {
    /// The defaults of [`RedisStore::builder`] for `url`.
    pub(super) fn new(url: String) -> Self {
        RedisStoreBuilder {
            url,
            key_prefix: DEFAULT_KEY_PREFIX.to_owned(),
            fallback: RedisFallback::default(),
            timeout: Duration::from_millis(250),
            retry_every: Duration::from_secs(1),
        }
    }
}

impl fmt::Debug for RedisStoreBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // The URL may hold a password.
        f.debug_struct("RedisStoreBuilder")
            .field("key_prefix", &self.key_prefix)
            .field("fallback", &self.fallback)
            .field("timeout", &self.timeout)
            .field("retry_every", &self.retry_every)
            .finish_non_exhaustive()
    }
}

impl RedisStoreBuilder {
    /// The prefix of every key (default [`DEFAULT_KEY_PREFIX`], `whop:pacing`). Processes share
    /// windows only if they use the same prefix.
    pub fn key_prefix(mut self, prefix: impl Into<String>) -> Self {
        self.key_prefix = prefix.into();
        self
    }

    /// What to do when Redis cannot answer (default [`RedisFallback::Local`]).
    pub fn fallback(mut self, fallback: RedisFallback) -> Self {
        self.fallback = fallback;
        self
    }

    /// The longest one Redis operation may take, connecting included (default 250 ms; at least
    /// 1 ms). Past it, the operation has failed.
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout.max(Duration::from_millis(1));
        self
    }

    /// After a failure, how often Redis is tried again (default 1 s); in between, every
    /// operation goes to the fallback at once.
    pub fn retry_every(mut self, interval: Duration) -> Self {
        self.retry_every = interval;
        self
    }

    /// The store. Connects on first use, not here.
    ///
    /// # Errors
    ///
    /// [`InvalidRedisUrl`] if the URL is not a Redis URL this build can use (`redis://`,
    /// `redis+unix://`; TLS, `rediss://`, is not built in).
    pub fn build(self) -> Result<RedisStore, InvalidRedisUrl> {
        let client = redis::Client::open(self.url.as_str()).map_err(|e| InvalidRedisUrl {
            reason: e.to_string(),
        })?;
        Ok(RedisStore {
            inner: Arc::new(Inner {
                client,
                manager: Mutex::new(None),
                key_prefix: self.key_prefix,
                fallback: self.fallback,
                timeout: self.timeout,
                local: MemoryStore::new(),
                circuit: Mutex::new(Circuit::new(self.retry_every)),
                reserve: redis::Script::new(include_str!("reserve.lua")),
                cooldown: redis::Script::new(include_str!("cooldown.lua")),
            }),
        })
    }
}

/// The URL given to [`RedisStoreBuilder::build`] was refused. Its message never repeats the URL
/// (it may hold a password).
#[derive(Debug)]
pub struct InvalidRedisUrl {
    reason: String,
}

impl fmt::Display for InvalidRedisUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "invalid Redis URL for pacing: {}", self.reason)
    }
}

impl std::error::Error for InvalidRedisUrl {}
