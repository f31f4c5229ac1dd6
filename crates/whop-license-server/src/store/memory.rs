//! The embedded store: locks and cache in this process's memory.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::Duration;

use tokio::sync::Notify;
use tokio::time::Instant;

use super::{LockToken, Store, StoreError, StoreFuture};

/// How many writes between sweeps of expired cache entries (expired entries are also dropped
/// when read), so a server that sees many keys once does not grow without bound.
const SWEEP_EVERY: u64 = 1024;

/// [`Store`] in this process's memory: the default, right for one server instance. With several
/// instances, use the Redis store (feature `redis`) so that they share one lock per key.
///
/// Times are Tokio's [`Instant`], so tests that pause Tokio's clock move expiry with it.
#[derive(Default)]
pub struct MemoryStore {
    state: Mutex<State>,
    /// Wakes lock waiters when a lock is released.
    released: Notify,
}

#[derive(Default)]
struct State {
    cache: HashMap<String, (Vec<u8>, Instant)>,
    locks: HashMap<String, (LockToken, Instant)>,
    writes: u64,
}

impl MemoryStore {
    /// An empty store.
    pub fn new() -> Self {
        Self::default()
    }

    fn state(&self) -> std::sync::MutexGuard<'_, State> {
        // A panic while holding the lock leaves maps that are still consistent (every update is
        // one insert or remove), so a poisoned lock is safe to keep using.
        self.state
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// Takes the lock if it is free (or its holder's time ran out); otherwise says until when
    /// the current holder may keep it.
    fn try_lock(
        &self,
        name: &str,
        ttl: Duration,
    ) -> Result<Result<LockToken, Instant>, StoreError> {
        let now = Instant::now();
        let mut state = self.state();
        match state.locks.get(name) {
            Some((_, until)) if *until > now => Ok(Err(*until)),
            _ => {
                let token = LockToken::random()?;
                state
                    .locks
                    .insert(name.to_owned(), (token.clone(), now + ttl));
                Ok(Ok(token))
            }
        }
    }
}

impl std::fmt::Debug for MemoryStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("MemoryStore").finish_non_exhaustive()
    }
}

impl Store for MemoryStore {
    fn lock<'a>(
        &'a self,
        name: &'a str,
        ttl: Duration,
        wait: Duration,
    ) -> StoreFuture<'a, Option<LockToken>> {
        Box::pin(async move {
            let deadline = Instant::now() + wait;
            loop {
                // Registered before the check, so a release between the check and the wait
                // still wakes this waiter.
                let released = self.released.notified();
                tokio::pin!(released);
                released.as_mut().enable();
                let held_until = match self.try_lock(name, ttl)? {
                    Ok(token) => return Ok(Some(token)),
                    Err(until) => until,
                };
                let now = Instant::now();
                if now >= deadline {
                    return Ok(None);
                }
                // Wake at the release, the holder's expiry or our deadline, whichever is first.
                let _ = tokio::time::timeout_at(held_until.min(deadline), released).await;
            }
        })
    }

    fn unlock<'a>(&'a self, name: &'a str, token: LockToken) -> StoreFuture<'a, ()> {
        Box::pin(async move {
            let mut state = self.state();
            if state
                .locks
                .get(name)
                .is_some_and(|(held, _)| *held == token)
            {
                state.locks.remove(name);
                drop(state);
                self.released.notify_waiters();
            }
            Ok(())
        })
    }

    fn get<'a>(&'a self, key: &'a str) -> StoreFuture<'a, Option<Vec<u8>>> {
        Box::pin(async move {
            let now = Instant::now();
            let mut state = self.state();
            match state.cache.get(key) {
                Some((value, until)) if *until > now => Ok(Some(value.clone())),
                Some(_) => {
                    state.cache.remove(key);
                    Ok(None)
                }
                None => Ok(None),
            }
        })
    }

    fn put<'a>(&'a self, key: &'a str, value: Vec<u8>, ttl: Duration) -> StoreFuture<'a, ()> {
        Box::pin(async move {
            let now = Instant::now();
            let mut state = self.state();
            state.writes = state.writes.wrapping_add(1);
            if state.writes.is_multiple_of(SWEEP_EVERY) {
                state.cache.retain(|_, (_, until)| *until > now);
                state.locks.retain(|_, (_, until)| *until > now);
            }
            state.cache.insert(key.to_owned(), (value, now + ttl));
            Ok(())
        })
    }

    fn evict<'a>(&'a self, key: &'a str) -> StoreFuture<'a, ()> {
        Box::pin(async move {
            self.state().cache.remove(key);
            Ok(())
        })
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use super::*;

    const TTL: Duration = Duration::from_secs(10);

    #[tokio::test(start_paused = true)]
    async fn cache_returns_what_was_put_until_it_expires() {
        let store = MemoryStore::new();
        store.put("k", b"v".to_vec(), TTL).await.unwrap();
        assert_eq!(store.get("k").await.unwrap(), Some(b"v".to_vec()));
        tokio::time::advance(TTL).await;
        assert_eq!(store.get("k").await.unwrap(), None);
    }

    #[tokio::test]
    async fn evict_removes_an_entry_and_ignores_a_missing_one() {
        let store = MemoryStore::new();
        store.put("k", b"v".to_vec(), TTL).await.unwrap();
        store.evict("k").await.unwrap();
        store.evict("absent").await.unwrap();
        assert_eq!(store.get("k").await.unwrap(), None);
    }

    #[tokio::test]
    async fn a_held_lock_is_not_taken_again_within_the_wait() {
        let store = MemoryStore::new();
        let held = store.lock("l", TTL, Duration::ZERO).await.unwrap();
        assert!(held.is_some());
        let second = store
            .lock("l", TTL, Duration::from_millis(20))
            .await
            .unwrap();
        assert_eq!(second, None);
    }

    #[tokio::test]
    async fn a_waiter_takes_the_lock_when_it_is_released() {
        let store = Arc::new(MemoryStore::new());
        let held = store.lock("l", TTL, Duration::ZERO).await.unwrap().unwrap();
        let waiter = {
            let store = Arc::clone(&store);
            tokio::spawn(async move { store.lock("l", TTL, Duration::from_secs(5)).await })
        };
        tokio::time::sleep(Duration::from_millis(10)).await;
        store.unlock("l", held).await.unwrap();
        let taken = tokio::time::timeout(Duration::from_secs(5), waiter).await;
        assert!(taken.unwrap().unwrap().unwrap().is_some());
    }

    #[tokio::test(start_paused = true)]
    async fn an_expired_lock_can_be_taken_and_its_old_token_no_longer_releases_it() {
        let store = MemoryStore::new();
        let stale = store.lock("l", TTL, Duration::ZERO).await.unwrap().unwrap();
        tokio::time::advance(TTL).await;
        let fresh = store.lock("l", TTL, Duration::ZERO).await.unwrap().unwrap();
        store.unlock("l", stale).await.unwrap();
        assert_eq!(store.lock("l", TTL, Duration::ZERO).await.unwrap(), None);
        store.unlock("l", fresh).await.unwrap();
        assert!(
            store
                .lock("l", TTL, Duration::ZERO)
                .await
                .unwrap()
                .is_some()
        );
    }

    #[tokio::test]
    async fn locks_of_different_names_are_independent() {
        let store = MemoryStore::new();
        assert!(
            store
                .lock("a", TTL, Duration::ZERO)
                .await
                .unwrap()
                .is_some()
        );
        assert!(
            store
                .lock("b", TTL, Duration::ZERO)
                .await
                .unwrap()
                .is_some()
        );
    }

    #[tokio::test]
    async fn many_contenders_take_a_lock_one_at_a_time() {
        let store = Arc::new(MemoryStore::new());
        let inside = Arc::new(std::sync::atomic::AtomicUsize::new(0));
        let mut tasks = Vec::new();
        for _ in 0..50 {
            let (store, inside) = (Arc::clone(&store), Arc::clone(&inside));
            tasks.push(tokio::spawn(async move {
                let token = store
                    .lock("l", TTL, Duration::from_secs(30))
                    .await
                    .unwrap()
                    .unwrap();
                let before = inside.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
                tokio::task::yield_now().await;
                inside.fetch_sub(1, std::sync::atomic::Ordering::SeqCst);
                store.unlock("l", token).await.unwrap();
                before
            }));
        }
        for task in tasks {
            assert_eq!(task.await.unwrap(), 0, "two holders at once");
        }
    }
}
