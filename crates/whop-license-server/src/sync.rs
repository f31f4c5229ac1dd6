//! The cache warm-up by listing ("sync"): the business's memberships, a hundred a page, written
//! into the entries single reads use (by license key and by membership ID).
//!
//! Why: Whop's Current API allows 600 requests a minute per operation. With a cold cache, 1,000
//! apps launching at once would need 1,000 single reads (`GET /v1/memberships/{key}`), at least
//! 100 seconds at that pace; ten list pages hold the same 1,000 memberships. So the server lists
//! on start and again every half of `fresh_for` (a listed state is re-listed before it goes
//! stale, so launches never fall back on single reads between syncs).
//!
//! Rules:
//! - While the first sync runs (the warm-up), a request whose key or membership is not in the
//!   cache waits for it (at most [`WARM_UP_WAIT`]) before reading Whop singly: the launches of a
//!   cold start ride on the listing instead of racing it.
//! - A key still not in the cache (bought since the last sync, or unknown) gets its single read.
//! - A listed entry never binds: an unbound key is bound on a fresh read under its lock, as
//!   always. A listing writes a state only where nothing newer is known
//!   ([`Cache::put_listed`](crate::cache::Cache::put_listed)): not over a state read after the
//!   page was requested, and not for a membership a webhook reported changed after it.
//! - A failed sync (Whop's 429, Whop down) leaves the cache as it is (grace applies), is logged
//!   and counted (`whop_license_syncs_total{outcome}`), and is tried again sooner.
//! - Several instances sharing a store: each turn first takes the store lock `whop-license:sync`
//!   for most of the period, without waiting; an instance that finds it held skips its turn (outcome
//!   `skipped`), so N instances list about once a period, not N times. A failed turn releases it.

use std::pin::Pin;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Weak};
use std::time::Duration;

use futures_core::Stream;
use tokio::sync::watch;
use whop_client::MAX_FIRST;

use crate::cache::MembershipState;
use crate::server::{DEFAULT_TRY_LATER, Inner};
use crate::store::NAMESPACE;
use crate::whop::{Fetched, classify};

/// Default bound on the pages one sync lists (100 memberships a page: 10,000 memberships). A
/// business with more is listed up to the bound (outcome `truncated`, logged); the rest are
/// read singly when asked for.
pub const DEFAULT_SYNC_MAX_PAGES: u32 = 100;
/// The longest a request not found in the cache waits for the warm-up sync to finish.
pub const WARM_UP_WAIT: Duration = Duration::from_secs(10);

/// How a sync ended (also the `outcome` label of `whop_license_syncs_total`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum SyncOutcome {
    /// Every page listed.
    Done {
        /// Pages listed.
        pages: u32,
        /// Memberships written to the cache (those left out by the rules are not counted).
        written: usize,
    },
    /// Stopped at the page bound with more pages to go.
    Truncated {
        /// Pages listed.
        pages: u32,
        /// Memberships written to the cache.
        written: usize,
    },
    /// Another instance holds the sync lock for this period.
    Skipped,
    /// Whop answered 429, 5xx, or could not be reached: the cache was left as it was (pages
    /// listed before the failure stay written).
    Unavailable,
    /// Another failure (the API key refused, a page that did not decode, the store failing).
    Failed,
}

impl SyncOutcome {
    /// The metric label.
    pub fn as_str(&self) -> &'static str {
        match self {
            Self::Done { .. } => "ok",
            Self::Truncated { .. } => "truncated",
            Self::Skipped => "skipped",
            Self::Unavailable => "unavailable",
            Self::Failed => "failed",
        }
    }
}

/// The sync's settings and its warm-up signal.
pub(crate) struct SyncState {
    pub(crate) enabled: bool,
    pub(crate) max_pages: u32,
    started: AtomicBool,
    /// `true` from the start of the sync task until its first turn ends.
    warming: watch::Sender<bool>,
}

impl SyncState {
    pub(crate) fn new(enabled: bool, max_pages: u32) -> Self {
        Self {
            enabled,
            max_pages,
            started: AtomicBool::new(false),
            warming: watch::Sender::new(false),
        }
    }
}

/// Starts the sync task of `inner` (once; no-op when sync is off). The task holds the server
/// weakly: it ends when the server is dropped.
pub(crate) fn start(inner: &Arc<Inner>) {
    if !inner.sync.enabled || inner.sync.started.swap(true, Ordering::SeqCst) {
        return;
    }
    let Ok(runtime) = tokio::runtime::Handle::try_current() else {
        tracing::warn!("no Tokio runtime: the membership sync did not start");
        inner.sync.started.store(false, Ordering::SeqCst);
        return;
    };
    inner.sync.warming.send_replace(true);
    let weak = Arc::downgrade(inner);
    runtime.spawn(run(weak));
}

async fn run(weak: Weak<Inner>) {
    loop {
        let Some(inner) = weak.upgrade() else { return };
        let period = inner.sync_period();
        let outcome = inner.sync_turn(period).await;
        inner.sync.warming.send_replace(false);
        let pause = match outcome {
            SyncOutcome::Unavailable | SyncOutcome::Failed => period.min(DEFAULT_TRY_LATER),
            _ => period,
        };
        drop(inner);
        tokio::time::sleep(pause).await;
    }
}

impl Inner {
    /// Half the freshness: a listed state is listed again before it goes stale.
    fn sync_period(&self) -> Duration {
        (self.cache.freshness().fresh_for / 2).max(Duration::from_secs(1))
    }

    /// One turn of the sync task: the cross-instance lock, then a sync.
    async fn sync_turn(&self, period: Duration) -> SyncOutcome {
        let store = self.cache.store();
        let lock = sync_lock();
        // Held for most of the period, not released on success: the instance that listed
        // keeps the turn, the others skip theirs. Its own next turn finds it free again.
        let hold = period.mul_f64(0.9);
        let token = match store.lock(&lock, hold, Duration::ZERO).await {
            Ok(Some(token)) => Some(token),
            Ok(None) => {
                self.metrics.sync(SyncOutcome::Skipped.as_str());
                tracing::debug!("another instance holds this period's sync");
                return SyncOutcome::Skipped;
            }
            Err(error) => {
                // Listing twice is better than not listing.
                tracing::warn!(%error, "the sync lock could not be taken; syncing anyway");
                None
            }
        };
        let outcome = self.sync_now().await;
        if matches!(outcome, SyncOutcome::Unavailable | SyncOutcome::Failed)
            && let Some(token) = token
            && let Err(error) = store.unlock(&lock, token).await
        {
            tracing::warn!(%error, "the sync lock could not be released (it expires)");
        }
        outcome
    }

    /// Lists the memberships (of the configured products, if any) into the cache, up to the
    /// page bound; counted and logged.
    pub(crate) async fn sync_now(&self) -> SyncOutcome {
        let outcome = self.list_into_cache().await;
        self.metrics.sync(outcome.as_str());
        match outcome {
            SyncOutcome::Done { pages, written } => {
                tracing::info!(pages, written, "memberships synced");
            }
            SyncOutcome::Truncated { pages, written } => tracing::warn!(
                pages,
                written,
                "membership sync stopped at its page bound; the rest are read singly"
            ),
            other => tracing::warn!(outcome = other.as_str(), "membership sync failed"),
        }
        outcome
    }

    async fn list_into_cache(&self) -> SyncOutcome {
        let mut listing = self.client.list_memberships().first(MAX_FIRST);
        for product in self.products.iter().flatten() {
            listing = listing.product_id(product.clone());
        }
        let mut pages = listing.pages();
        let (mut listed, mut written) = (0u32, 0usize);
        loop {
            if listed >= self.sync.max_pages {
                return SyncOutcome::Truncated {
                    pages: listed,
                    written,
                };
            }
            // A page's states count as read when it was asked for: nothing in it is newer.
            let requested = self.clock.now();
            let next = std::future::poll_fn(|cx| Pin::new(&mut pages).poll_next(cx)).await;
            let Some(next) = next else {
                return SyncOutcome::Done {
                    pages: listed,
                    written,
                };
            };
            self.metrics.whop_call("list_memberships");
            let page = match next {
                Ok(page) => page,
                Err(error) => {
                    return match classify(error.error(), &self.metrics, "list_memberships") {
                        Fetched::Unavailable { .. } => SyncOutcome::Unavailable,
                        _ => SyncOutcome::Failed,
                    };
                }
            };
            listed += 1;
            for membership in &page.data {
                let state = MembershipState::of(membership, requested);
                let key = membership.license_key.as_ref().map(|k| k.as_str());
                match self.cache.put_listed(key, &state).await {
                    Ok(true) => written += 1,
                    Ok(false) => {}
                    Err(error) => {
                        tracing::warn!(%error, "cache write failed during the sync");
                        return SyncOutcome::Failed;
                    }
                }
            }
        }
    }

    /// Waits (at most [`WARM_UP_WAIT`]) for the warm-up sync, if it is running. `true` if it
    /// was: look in the cache again.
    pub(crate) async fn wait_for_warm_up(&self) -> bool {
        let mut warming = self.sync.warming.subscribe();
        if !*warming.borrow_and_update() {
            return false;
        }
        let _ = tokio::time::timeout(WARM_UP_WAIT, warming.wait_for(|w| !*w)).await;
        true
    }
}

/// The store lock an instance holds for its sync turn: `whop-license:sync`, never a license
/// key's lock name (those are `whop-license:lock:<hash>`).
fn sync_lock() -> String {
    format!("{NAMESPACE}:sync")
}
