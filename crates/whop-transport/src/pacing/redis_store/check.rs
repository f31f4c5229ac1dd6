//! [`RedisStore::check`]: is the configured Redis there, now?
//!
//! A store connects on first use and, by default, falls back to pacing each process alone when
//! Redis cannot answer. That keeps calls going, but a mistyped URL then looks exactly like a
//! working setup until several processes together trip Whop's limit. `check` lets a program (the
//! `whop` command, a service at start-up) find out at once and say so.

use std::fmt;

use super::{RedisStore, StoreError};

impl RedisStore {
    /// Connects (if not connected yet) and sends `PING`, within the store's timeout: `Ok` when
    /// Redis answers. A failure also switches the store to its fallback (and logs it, once), as
    /// a failed reservation would; a success after an outage switches it back.
    ///
    /// ```no_run
    /// use whop_transport::pacing::RedisStore;
    ///
    /// # async fn run() -> Result<(), Box<dyn std::error::Error>> {
    /// let store = RedisStore::new("redis://127.0.0.1:6379/")?;
    /// if let Err(error) = store.check().await {
    ///     eprintln!("warning: {error}; each process paces itself alone");
    /// }
    /// # Ok(())
    /// # }
    /// ```
    ///
    /// # Errors
    ///
    /// [`RedisUnreachable`] when Redis cannot be reached, does not answer in time, or answers
    /// with an error (a wrong password, say). Its message never repeats the URL.
    pub async fn check(&self) -> Result<(), RedisUnreachable> {
        let inner = &self.inner;
        let answer = async {
            let mut connection = inner.manager().map_err(StoreError::new)?;
            let ping = redis::cmd("PING");
            inner
                .bounded(ping.query_async::<String>(&mut connection))
                .await
        }
        .await;
        match answer {
            Ok(_) => {
                inner.succeeded();
                Ok(())
            }
            Err(error) => {
                inner.failed(&error);
                Err(RedisUnreachable { source: error })
            }
        }
    }
}

/// [`RedisStore::check`] found the pacing Redis unreachable. The message names the cause (never
/// the URL, which may hold a password).
#[derive(Debug)]
pub struct RedisUnreachable {
    source: StoreError,
}

impl fmt::Display for RedisUnreachable {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // The store error's own message is about reserving; its cause is what happened.
        match std::error::Error::source(&self.source) {
            Some(cause) => write!(f, "the pacing Redis did not answer a PING: {cause}"),
            None => f.write_str("the pacing Redis did not answer a PING"),
        }
    }
}

impl std::error::Error for RedisUnreachable {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        std::error::Error::source(&self.source)
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;

    #[tokio::test]
    async fn check_fails_fast_and_in_words_when_nothing_listens() {
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .expect("a free port")
            .port();
        let store = RedisStore::builder(format!("redis://:secret@127.0.0.1:{port}/"))
            .timeout(Duration::from_millis(200))
            .build()
            .expect("valid URL");
        let started = std::time::Instant::now();
        let error = store.check().await.expect_err("nothing listens");
        assert!(started.elapsed() < Duration::from_secs(5));
        let message = error.to_string();
        assert!(
            message.starts_with("the pacing Redis did not answer"),
            "{message}"
        );
        assert!(!message.contains("secret"), "{message}");
        assert!(
            format!("{store:?}").contains("redis_down: true"),
            "{store:?}"
        );
    }
}
