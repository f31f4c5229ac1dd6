//! In-process coalescing ("singleflight"): concurrent requests for one key share one Whop read.
//!
//! The first caller for a key starts the work on its own Tokio task; later callers for the same
//! key wait for that task's result instead of starting their own. The work runs on a task, not in
//! the first caller's future, so a client that hangs up (axum drops its handler) neither cancels
//! the read the others wait for nor leaves them hanging.
//!
//! About 40 lines, instead of `moka`'s `get_with` (which coalesces only as part of its own cache,
//! and brings a concurrent cache, crossbeam and a clock of its own): our cache is the [`Store`],
//! shared with other instances through Redis, so only the coalescing is needed here.
//!
//! [`Store`]: crate::store::Store

use std::collections::HashMap;
use std::future::Future;
use std::sync::{Arc, Mutex};

use tokio::sync::watch;

type InFlight<T> = Arc<Mutex<HashMap<String, watch::Receiver<Option<T>>>>>;

/// The reads in flight, by key.
pub(crate) struct Flights<T> {
    in_flight: InFlight<T>,
}

impl<T: Clone + Send + Sync + 'static> Flights<T> {
    pub(crate) fn new() -> Self {
        Self {
            in_flight: Arc::new(Mutex::new(HashMap::new())),
        }
    }

    /// The result of `work` for `key`: started now if no read of `key` is in flight, else the
    /// one in flight. `None` only if the work's task panicked.
    pub(crate) async fn run<F>(&self, key: &str, work: impl FnOnce() -> F) -> Option<T>
    where
        F: Future<Output = T> + Send + 'static,
    {
        let mut result = {
            let mut in_flight = lock(&self.in_flight);
            match in_flight.get(key) {
                Some(waiting) => waiting.clone(),
                None => {
                    let (done, waiting) = watch::channel(None);
                    in_flight.insert(key.to_owned(), waiting.clone());
                    let landing = Landing {
                        in_flight: Arc::clone(&self.in_flight),
                        key: key.to_owned(),
                    };
                    let work = work();
                    tokio::spawn(async move {
                        let value = work.await;
                        // Removed before the result is published: a caller arriving after
                        // this starts a new read, which finds the cache the work just wrote.
                        drop(landing);
                        let _ = done.send(Some(value));
                    });
                    waiting
                }
            }
        };
        let value = result.wait_for(Option::is_some).await.ok()?;
        value.clone()
    }

    /// How many reads are in flight (for tests).
    #[cfg(test)]
    pub(crate) fn len(&self) -> usize {
        lock(&self.in_flight).len()
    }
}

/// Removes the key when the work ends, even by a panic.
struct Landing<T> {
    in_flight: InFlight<T>,
    key: String,
}

impl<T> Drop for Landing<T> {
    fn drop(&mut self) {
        lock(&self.in_flight).remove(&self.key);
    }
}

fn lock<T>(map: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    map.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::time::Duration;

    use super::*;

    #[tokio::test]
    async fn concurrent_callers_for_one_key_share_one_run() {
        let flights = Arc::new(Flights::<usize>::new());
        let runs = Arc::new(AtomicUsize::new(0));
        let mut tasks = Vec::new();
        for _ in 0..100 {
            let (flights, runs) = (Arc::clone(&flights), Arc::clone(&runs));
            tasks.push(tokio::spawn(async move {
                flights
                    .run("k", || async move {
                        tokio::time::sleep(Duration::from_millis(50)).await;
                        runs.fetch_add(1, Ordering::SeqCst) + 7
                    })
                    .await
            }));
        }
        for task in tasks {
            assert_eq!(task.await.unwrap(), Some(7));
        }
        assert_eq!(runs.load(Ordering::SeqCst), 1);
        assert_eq!(flights.len(), 0);
    }

    #[tokio::test]
    async fn a_panicking_run_gives_none_and_frees_the_key() {
        let flights = Flights::<u8>::new();
        let result = flights.run("k", || async { panic!("boom") }).await;
        assert_eq!(result, None);
        assert_eq!(flights.run("k", || async { 1 }).await, Some(1));
    }

    #[tokio::test]
    async fn a_caller_that_gives_up_does_not_cancel_the_run() {
        let flights = Arc::new(Flights::<u8>::new());
        let first = {
            let flights = Arc::clone(&flights);
            tokio::spawn(async move {
                flights
                    .run("k", || async {
                        tokio::time::sleep(Duration::from_millis(50)).await;
                        5
                    })
                    .await
            })
        };
        tokio::time::sleep(Duration::from_millis(5)).await;
        first.abort();
        assert_eq!(flights.run("k", || async { 9 }).await, Some(5));
    }
}
