//! [`LicenseServer`] and its [`ServerBuilder`]: the settings, and the state every request shares.

use std::collections::BTreeSet;
use std::net::SocketAddr;
use std::num::NonZeroU32;
use std::sync::Arc;
use std::time::Duration;

use whop_client::{BoxClient, Client, HttpService};
use whop_license::SigningKeys;

use crate::cache::{Cache, Freshness};
use crate::clock::{Clock, SystemClock};
use crate::flight::Flights;
use crate::limit::ClientLimiter;
use crate::metrics::Metrics;
use crate::store::{MemoryStore, Store};
use crate::sync::{DEFAULT_SYNC_MAX_PAGES, SyncOutcome, SyncState};
use crate::whop::Fetched;

/// Default: a membership read from Whop is answered from cache for 5 minutes.
pub const DEFAULT_FRESH_FOR: Duration = Duration::from_secs(5 * 60);
/// Default: "unknown key" and "no access" are remembered for 30 seconds.
pub const DEFAULT_NEGATIVE_FOR: Duration = Duration::from_secs(30);
/// Default: a token asks to be refreshed after 1 hour (its `refresh_after`).
pub const DEFAULT_REFRESH_AFTER: Duration = Duration::from_secs(60 * 60);
/// Default: a token is usable offline for 7 days (its `exp`).
pub const DEFAULT_MAX_OFFLINE: Duration = Duration::from_secs(7 * 24 * 60 * 60);
/// Default: while Whop fails, a membership's last good state serves refreshes for 24 hours.
pub const DEFAULT_GRACE: Duration = Duration::from_secs(24 * 60 * 60);
/// How long a binding may hold a license key's lock (a crashed holder frees it after this).
pub const LOCK_TTL: Duration = Duration::from_secs(30);
/// How long a binding may take (its Whop reads and write): well under [`LOCK_TTL`], so that the
/// lock never expires under a binding still running. A binding cut short answers `try_later`;
/// the next one reads Whop again and sees whether the write took.
pub const BIND_TIMEOUT: Duration = Duration::from_secs(20);
/// How long an activation waits for another binding of the same key to finish.
pub const LOCK_WAIT: Duration = Duration::from_secs(10);
/// The `Retry-After` of a `try_later` when Whop gave no wait of its own.
pub const DEFAULT_TRY_LATER: Duration = Duration::from_secs(30);

/// The per-client-address limit on `/v1/activate` and `/v1/refresh` (GCRA: a steady rate and a
/// burst). Default: 10 a second, bursts of 30.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PerClientLimit {
    pub(crate) per_second: NonZeroU32,
    pub(crate) burst: NonZeroU32,
}

impl PerClientLimit {
    /// `per_second` requests a second from one address, bursts of up to `burst`.
    pub fn new(per_second: NonZeroU32, burst: NonZeroU32) -> Self {
        Self { per_second, burst }
    }
}

impl Default for PerClientLimit {
    fn default() -> Self {
        Self {
            per_second: NonZeroU32::new(10).unwrap_or(NonZeroU32::MIN),
            burst: NonZeroU32::new(30).unwrap_or(NonZeroU32::MIN),
        }
    }
}

/// The license server: build one with [`LicenseServer::builder`], serve its
/// [`router`](Self::router) (or call [`serve`](Self::serve)).
#[derive(Clone)]
pub struct LicenseServer {
    pub(crate) inner: Arc<Inner>,
}

/// What every request shares.
pub(crate) struct Inner {
    pub(crate) client: BoxClient,
    pub(crate) keys: SigningKeys,
    pub(crate) cache: Cache,
    pub(crate) clock: Arc<dyn Clock>,
    pub(crate) refresh_after: Duration,
    pub(crate) max_offline: Duration,
    pub(crate) products: Option<BTreeSet<String>>,
    pub(crate) metrics: Metrics,
    pub(crate) binds: Flights<Fetched>,
    pub(crate) reads: Flights<Fetched>,
    pub(crate) webhooks: Option<whop_webhooks::Verifier>,
    pub(crate) limiter: Option<ClientLimiter>,
    pub(crate) sync: SyncState,
}

impl LicenseServer {
    /// A builder for a server that reads Whop through `client` (a company API key that may
    /// read and update memberships) and signs with `keys` (the first signs; every key's public
    /// half is accepted on refresh, for rotation). Any transport: the client is kept boxed, so a
    /// layered client (the CLI's, a test's) serves as well as `Client::from_env()`'s.
    pub fn builder<S: HttpService>(client: Client<S>, keys: SigningKeys) -> ServerBuilder {
        ServerBuilder {
            client: client.boxed(),
            keys,
            store: None,
            clock: Arc::new(SystemClock),
            refresh_after: DEFAULT_REFRESH_AFTER,
            max_offline: DEFAULT_MAX_OFFLINE,
            freshness: Freshness {
                fresh_for: DEFAULT_FRESH_FOR,
                negative_for: DEFAULT_NEGATIVE_FOR,
                grace: DEFAULT_GRACE,
            },
            per_client_limit: Some(PerClientLimit::default()),
            webhook_secret: None,
            products: None,
            sync: true,
            sync_max_pages: DEFAULT_SYNC_MAX_PAGES,
        }
    }

    /// Serves the router on `listener` until the future is dropped, with each connection's
    /// address available to the per-client limit.
    ///
    /// # Errors
    /// As `axum::serve`: an I/O error of the listener.
    pub async fn serve(&self, listener: tokio::net::TcpListener) -> std::io::Result<()> {
        self.serve_until(listener, std::future::pending()).await
    }

    /// As [`serve`](Self::serve), until `shutdown` completes (Ctrl-C, SIGTERM): then it accepts
    /// no new connection, lets the requests in progress finish, and returns.
    ///
    /// # Errors
    /// As `axum::serve`: an I/O error of the listener.
    pub async fn serve_until<F>(
        &self,
        listener: tokio::net::TcpListener,
        shutdown: F,
    ) -> std::io::Result<()>
    where
        F: std::future::Future<Output = ()> + Send + 'static,
    {
        axum::serve(
            listener,
            self.router()
                .into_make_service_with_connect_info::<SocketAddr>(),
        )
        .with_graceful_shutdown(shutdown)
        .await
    }

    /// Lists the memberships into the cache now, once (the sync task does this on start and
    /// every half `fresh_for`; see [`ServerBuilder::sync`]), without the cross-instance sync
    /// lock. Counted in `whop_license_syncs_total`; works with the sync task off too.
    pub async fn sync_now(&self) -> SyncOutcome {
        self.inner.sync_now().await
    }

    /// The server's counters in Prometheus' text format (what `GET /metrics` answers).
    pub fn metrics_text(&self) -> String {
        self.inner.metrics.render()
    }
}

impl std::fmt::Debug for LicenseServer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LicenseServer")
            .field("signing_key", &self.inner.keys.active().id().to_string())
            .finish_non_exhaustive()
    }
}

/// Settings of a [`LicenseServer`]; from [`LicenseServer::builder`].
#[must_use]
pub struct ServerBuilder {
    client: BoxClient,
    keys: SigningKeys,
    store: Option<Arc<dyn Store>>,
    clock: Arc<dyn Clock>,
    refresh_after: Duration,
    max_offline: Duration,
    freshness: Freshness,
    per_client_limit: Option<PerClientLimit>,
    webhook_secret: Option<whop_webhooks::Secret>,
    products: Option<BTreeSet<String>>,
    sync: bool,
    sync_max_pages: u32,
}

impl ServerBuilder {
    /// Where locks and the cache live (default: a [`MemoryStore`] of this process). Give every
    /// instance the same Redis store when several run.
    pub fn store(mut self, store: Arc<dyn Store>) -> Self {
        self.store = Some(store);
        self
    }

    /// Where the server reads the time (default: [`SystemClock`]).
    pub fn clock(mut self, clock: Arc<dyn Clock>) -> Self {
        self.clock = clock;
        self
    }

    /// How long after issue a token asks to be refreshed (default [`DEFAULT_REFRESH_AFTER`]).
    pub fn refresh_after(mut self, after: Duration) -> Self {
        self.refresh_after = after;
        self
    }

    /// The longest a token is usable offline (default [`DEFAULT_MAX_OFFLINE`]).
    pub fn max_offline(mut self, max: Duration) -> Self {
        self.max_offline = max;
        self
    }

    /// How long a membership's last good state serves refreshes while Whop fails (default
    /// [`DEFAULT_GRACE`]); tokens issued from it expire by its end.
    pub fn grace(mut self, grace: Duration) -> Self {
        self.freshness.grace = grace;
        self
    }

    /// How long a read of Whop answers from cache (default [`DEFAULT_FRESH_FOR`]).
    pub fn fresh_for(mut self, fresh_for: Duration) -> Self {
        self.freshness.fresh_for = fresh_for;
        self
    }

    /// How long "unknown key" and "no access" are remembered (default
    /// [`DEFAULT_NEGATIVE_FOR`]).
    pub fn negative_for(mut self, negative_for: Duration) -> Self {
        self.freshness.negative_for = negative_for;
        self
    }

    /// The per-client-address limit; `None` turns it off (behind a proxy that limits, or in
    /// tests). Default: [`PerClientLimit::default`].
    pub fn per_client_limit(mut self, limit: Option<PerClientLimit>) -> Self {
        self.per_client_limit = limit;
        self
    }

    /// Turns on `POST /v1/webhooks/whop`, verified with this secret (Whop's `ws_…`).
    pub fn webhook_secret(mut self, secret: whop_webhooks::Secret) -> Self {
        self.webhook_secret = Some(secret);
        self
    }

    /// Only memberships of these products are licenses of this server (default: any).
    pub fn products<I, P>(mut self, products: I) -> Self
    where
        I: IntoIterator<Item = P>,
        P: Into<String>,
    {
        self.products = Some(products.into_iter().map(Into::into).collect());
        self
    }

    /// The membership sync (default on): the server lists the business's memberships (of
    /// [`products`](Self::products), if set) into its cache when its
    /// [`router`](LicenseServer::router) is first made (so [`serve`](LicenseServer::serve) too),
    /// and again every half [`fresh_for`](Self::fresh_for), so launches are answered from cache:
    /// 1,000 memberships are 10 list calls instead of 1,000 single reads. Keys bought since are
    /// read singly. Bindings always read Whop afresh. With several instances on one store, about
    /// one lists a period (a store lock).
    pub fn sync(mut self, on: bool) -> Self {
        self.sync = on;
        self
    }

    /// The most pages (of 100 memberships) one sync lists (default
    /// [`DEFAULT_SYNC_MAX_PAGES`](crate::DEFAULT_SYNC_MAX_PAGES)); memberships past it are read
    /// singly when asked for. At least 1.
    pub fn sync_max_pages(mut self, pages: u32) -> Self {
        self.sync_max_pages = pages.max(1);
        self
    }

    /// The server.
    pub fn build(self) -> LicenseServer {
        let store = self
            .store
            .unwrap_or_else(|| Arc::new(MemoryStore::new()) as Arc<dyn Store>);
        LicenseServer {
            inner: Arc::new(Inner {
                client: self.client,
                keys: self.keys,
                cache: Cache::new(store, self.freshness),
                clock: self.clock,
                refresh_after: self.refresh_after,
                max_offline: self.max_offline,
                products: self.products,
                metrics: Metrics::new(),
                binds: Flights::new(),
                reads: Flights::new(),
                webhooks: self.webhook_secret.map(whop_webhooks::Verifier::new),
                limiter: self.per_client_limit.map(ClientLimiter::new),
                sync: SyncState::new(self.sync, self.sync_max_pages),
            }),
        }
    }
}
