//! Client-side pacing: stay under Whop's rate limits by waiting, instead of tripping its cooldown.
//!
//! # Why
//!
//! Whop allows 100 requests per 10 s on its v2 API and 20 per 10 s on v5. The request over the
//! limit does not merely fail: it starts a **60 s cooldown** in which every request of that family
//! gets 429. A burst of 21 license checks therefore costs a minute of outage, and retrying 429s
//! only extends it. A client that knows the limits can do better: hold the 21st request back until
//! a slot is free, a few seconds at most, and never see a 429.
//!
//! # How
//!
//! [`PacingLayer`] keeps, per API family ([`api_family`]: the `v2` or `v5` segment of the path,
//! wherever the base path puts it; other paths pass unpaced) and per `Authorization` value, a log
//! of the last N send times, and lets a request go only if at most N sends fall in any window: a
//! sliding window, the strictest reading of "N per window", which is how `whop-mock` counts, so a
//! client under it is under a fixed window too. Per token, as the mock counts: an app calling v5
//! with many users' tokens through one client is not held to 20 calls per 10 s in total. (The
//! token is hashed, never stored.) A request with no free slot reserves the next one and sleeps
//! until then; reservations are first come, first served. The decision is the pure function
//! [`schedule`].
//!
//! - **Safety margin.** The server counts *arrivals*, the pacer sees *sends*. The first burst
//!   opens a new connection per request (TCP, TLS), so some of it arrives late, while the next
//!   burst, a window later over pooled connections, arrives at once: counted by arrival, the two
//!   overlap. So the pacer's window is the limit's window plus [`PacingConfig::safety_margin`]
//!   (default 1 s, 10 % of Whop's 10 s windows: room for a few round trips across the internet,
//!   at a tenth of the throughput of a saturated client; a 60 s cooldown costs far more).
//! - **Retries are paced too.** The layer sits inside the retry layer, so every attempt takes a
//!   slot, and outside the per-attempt timeout, so waiting for a slot does not eat an attempt's
//!   time.
//! - **Waiting counts against the deadline.** The wait happens inside the call's overall
//!   [`CallDeadline`]. A request whose slot would come at or after its deadline is not held at all: it
//!   fails at once with [`ErrorKind::RateLimitedLocally`],
//!   [`RequestSent::NotSent`](crate::RequestSent::NotSent). (A slot just before the deadline is
//!   taken: the request goes, and the deadline may still end its attempt.)
//! - **Cancelled waiters give their slot back.** A dropped call (its caller timed out, or gave up)
//!   returns its reserved slot if that slot is still in the future: the next request to arrive
//!   takes it, at the same time. Later waiters keep their own times (moving them earlier would
//!   need waking them, and they are at most one slot late); a returned slot that nobody takes
//!   before its time is simply unused. So cancelling even thousands of waiters never leaves
//!   future requests queued behind ghosts.
//! - **Cheap.** A `std::sync::Mutex` guards a small map, held only for the decision (never across
//!   an `await`); no allocation per request beyond the first request of a new token, and an
//!   `Arc` clone for a request that has to wait. Idle tokens' logs are swept as the map grows.
//!
//! # When to turn it off
//!
//! The pacer sees only its own process (and one [`Transport`](crate::Transport) with its clones).
//! Several processes sharing one key each pace themselves and together can still exceed the limit;
//! then, or when your application has its own limiter, use [`PacingConfig::disabled()`]:
//!
//! ```
//! use whop_transport::{PacingConfig, Transport};
//!
//! # fn main() -> Result<(), Box<dyn std::error::Error>> {
//! let transport = Transport::builder().pacing(PacingConfig::disabled()).build()?;
//! # let _ = transport;
//! # Ok(())
//! # }
//! ```

use std::cmp::Reverse;
use std::collections::hash_map::RandomState;
use std::collections::{BinaryHeap, HashMap, VecDeque};
use std::error::Error as StdError;
use std::fmt;
use std::future::Future;
use std::hash::BuildHasher;
use std::pin::Pin;
use std::sync::{Arc, Mutex, PoisonError};
use std::task::{Context, Poll};
use std::time::Duration;

use http::Request;
use http::header::AUTHORIZATION;
use pin_project_lite::pin_project;
use tokio::time::{Instant, Sleep};
use tower::{Layer, Service};

use crate::error::{Error, ErrorKind};
use crate::extensions::{ApiFamily, CallDeadline, Endpoint};

/// The longest window a [`PacingLimit`] accepts (longer ones are clamped): one day.
const MAX_WINDOW: Duration = Duration::from_secs(24 * 3600);

/// One family's limit: at most `requests` sends in any `window`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PacingLimit {
    requests: u32,
    window: Duration,
}

impl PacingLimit {
    /// At most `requests` (at least 1) in any `window` (at most one day).
    pub fn new(requests: u32, window: Duration) -> Self {
        Self {
            requests: requests.max(1),
            window: window.min(MAX_WINDOW),
        }
    }

    /// Requests allowed in a window.
    pub fn requests(&self) -> u32 {
        self.requests
    }

    /// The window.
    pub fn window(&self) -> Duration {
        self.window
    }
}

/// Pacing settings: Whop's documented limits by default. See the [module docs](self).
///
/// ```
/// use std::time::Duration;
/// use whop_transport::{PacingConfig, PacingLimit};
///
/// let config = PacingConfig::default() // v2 100 per 10 s, v5 20 per 10 s
///     .v5(Some(PacingLimit::new(10, Duration::from_secs(10))))
///     .safety_margin(Duration::from_millis(250));
/// # let _ = config;
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PacingConfig {
    v2: Option<PacingLimit>,
    v5: Option<PacingLimit>,
    safety_margin: Duration,
}

impl Default for PacingConfig {
    fn default() -> Self {
        Self::whop()
    }
}

impl PacingConfig {
    /// Whop's documented limits, v2 100 per 10 s and v5 20 per 10 s, with a 1 s safety margin.
    pub fn whop() -> Self {
        Self {
            v2: Some(PacingLimit::new(100, Duration::from_secs(10))),
            v5: Some(PacingLimit::new(20, Duration::from_secs(10))),
            safety_margin: Duration::from_secs(1),
        }
    }

    /// No pacing: every request goes at once (the layer passes requests straight through).
    pub fn disabled() -> Self {
        Self {
            v2: None,
            v5: None,
            ..Self::whop()
        }
    }

    /// The v2 limit (`None`: v2 unpaced).
    pub fn v2(mut self, limit: Option<PacingLimit>) -> Self {
        self.v2 = limit;
        self
    }

    /// The v5 limit (`None`: v5 unpaced).
    pub fn v5(mut self, limit: Option<PacingLimit>) -> Self {
        self.v5 = limit;
        self
    }

    /// Added to each window: sends are spaced as if the window were this much longer, because
    /// the server counts arrivals, and arrivals jitter (capped at one day).
    pub fn safety_margin(mut self, margin: Duration) -> Self {
        self.safety_margin = margin.min(MAX_WINDOW);
        self
    }

    /// `true` if any family is paced.
    pub fn is_enabled(&self) -> bool {
        self.v2.is_some() || self.v5.is_some()
    }

    /// The limit of `family`, if paced.
    pub fn limit(&self, family: ApiFamily) -> Option<PacingLimit> {
        match family {
            ApiFamily::V2 => self.v2,
            ApiFamily::V5 => self.v5,
        }
    }
}

/// The API family of a request path: the first segment that is exactly `v2` or `v5`, wherever the
/// base path puts it (`/api/v2/...`, `/v5/...`, `/proxy/whop/api/v2/...`). `None` for any other
/// path: such requests are not paced.
pub fn api_family(path: &str) -> Option<ApiFamily> {
    path.split('/').find_map(|segment| match segment {
        "v2" => Some(ApiFamily::V2),
        "v5" => Some(ApiFamily::V5),
        _ => None,
    })
}

/// When a request may go, as decided by [`schedule`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Slot {
    /// Send at `at` (now, or later after a wait). `vacated`: the slot is one a cancelled waiter
    /// gave back, rather than a new one at the end of the queue.
    Take {
        /// When to send.
        at: Instant,
        /// Whether the slot was given back by a cancelled waiter.
        vacated: bool,
    },
    /// The slot would come at `at`, at or after the request's deadline: fail now, unsent.
    Refuse {
        /// When the slot would have come.
        at: Instant,
    },
}

/// Decides when a request may be sent: the pure core of the pacer.
///
/// - `recent`: the times of the last (at most `limit.requests()`) slots taken, sent or reserved,
///   oldest first;
/// - `vacated`: the earliest slot a cancelled waiter gave back, if any;
/// - `spacing`: the limit's window plus the safety margin.
///
/// The rule: a given-back slot still in the future is taken first (its time already fits the
/// limit). Otherwise, fewer than N slots ever taken means now; else the new slot is one `spacing`
/// after the N-th most recent one, or now if that is later. Slots are handed out in time order,
/// so at most N fall in any `spacing`. A slot after now that is at or after `deadline` is refused.
pub fn schedule(
    recent: &VecDeque<Instant>,
    vacated: Option<Instant>,
    limit: PacingLimit,
    spacing: Duration,
    now: Instant,
    deadline: Option<Instant>,
) -> Slot {
    let (at, vacated) = match vacated {
        Some(slot) if slot >= now => (slot, true),
        _ => {
            let n = limit.requests as usize;
            let at = match recent.len().checked_sub(n).and_then(|i| recent.get(i)) {
                Some(&nth_latest) => (nth_latest + spacing).max(now),
                None => now,
            };
            (at, false)
        }
    };
    match deadline {
        Some(deadline) if at > now && at >= deadline => Slot::Refuse { at },
        _ => Slot::Take { at, vacated },
    }
}

/// The slots of one family and token.
#[derive(Debug, Default)]
struct Window {
    /// The last N slots taken, oldest first.
    recent: VecDeque<Instant>,
    /// Slots given back by cancelled waiters, earliest first.
    vacated: BinaryHeap<Reverse<Instant>>,
}

impl Window {
    fn is_idle(&self, now: Instant, spacing: Duration) -> bool {
        self.vacated.is_empty() && self.recent.back().is_none_or(|&last| last + spacing <= now)
    }
}

type Key = (ApiFamily, u64);

/// The state shared by every clone of a [`Pacing`].
struct Pacer {
    config: PacingConfig,
    hasher: RandomState,
    windows: Mutex<Windows>,
}

struct Windows {
    map: HashMap<Key, Window>,
    /// Sweep idle windows when the map grows past this.
    sweep_at: usize,
}

const MIN_SWEEP_AT: usize = 64;

enum Acquired {
    Now,
    Wait(Reservation),
    Refused(Instant),
}

impl Pacer {
    fn lock(&self) -> std::sync::MutexGuard<'_, Windows> {
        // The lock guards plain bookkeeping that is never left half-updated; keep pacing.
        self.windows.lock().unwrap_or_else(PoisonError::into_inner)
    }

    fn spacing(&self, limit: PacingLimit) -> Duration {
        limit.window + self.config.safety_margin
    }

    fn acquire(
        self: &Arc<Self>,
        key: Key,
        limit: PacingLimit,
        now: Instant,
        deadline: Option<Instant>,
    ) -> Acquired {
        let spacing = self.spacing(limit);
        let mut windows = self.lock();
        if windows.map.len() >= windows.sweep_at && !windows.map.contains_key(&key) {
            windows.map.retain(|_, w| !w.is_idle(now, spacing));
            windows.sweep_at = (windows.map.len() * 2).max(MIN_SWEEP_AT);
        }
        let window = windows.map.entry(key).or_default();
        while window.vacated.peek().is_some_and(|Reverse(at)| *at < now) {
            window.vacated.pop();
        }
        let vacated = window.vacated.peek().map(|Reverse(at)| *at);
        match schedule(&window.recent, vacated, limit, spacing, now, deadline) {
            Slot::Refuse { at } => Acquired::Refused(at),
            Slot::Take { at, vacated } => {
                if vacated {
                    window.vacated.pop();
                } else {
                    if window.recent.len() >= limit.requests as usize {
                        window.recent.pop_front();
                    }
                    window.recent.push_back(at);
                }
                drop(windows);
                if at <= now {
                    Acquired::Now
                } else {
                    Acquired::Wait(Reservation {
                        pacer: Some(Arc::clone(self)),
                        key,
                        at,
                    })
                }
            }
        }
    }

    fn give_back(&self, key: Key, at: Instant) {
        if at <= Instant::now() {
            return;
        }
        if let Some(window) = self.lock().map.get_mut(&key) {
            window.vacated.push(Reverse(at));
        }
    }
}

/// A slot reserved in the future. Dropped before use (the call was cancelled), it gives the slot
/// back; [`Reservation::used`] keeps it.
struct Reservation {
    pacer: Option<Arc<Pacer>>,
    key: Key,
    at: Instant,
}

impl Reservation {
    fn used(mut self) {
        self.pacer = None;
    }
}

impl Drop for Reservation {
    fn drop(&mut self) {
        if let Some(pacer) = self.pacer.take() {
            pacer.give_back(self.key, self.at);
        }
    }
}

/// Paces requests per API family. See the [module docs](self). All services made by one layer
/// share one pacer.
#[derive(Clone)]
pub struct PacingLayer {
    pacer: Option<Arc<Pacer>>,
}

impl fmt::Debug for PacingLayer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PacingLayer")
            .field("config", &self.pacer.as_ref().map(|p| &p.config))
            .finish()
    }
}

impl PacingLayer {
    /// A layer pacing by `config` (a pass-through if `config` paces nothing).
    pub fn new(config: PacingConfig) -> Self {
        let pacer = config.is_enabled().then(|| {
            Arc::new(Pacer {
                config,
                hasher: RandomState::new(),
                windows: Mutex::new(Windows {
                    map: HashMap::new(),
                    sweep_at: MIN_SWEEP_AT,
                }),
            })
        });
        Self { pacer }
    }
}

impl<S> Layer<S> for PacingLayer {
    type Service = Pacing<S>;

    fn layer(&self, inner: S) -> Self::Service {
        Pacing {
            inner,
            pacer: self.pacer.clone(),
        }
    }
}

/// The service made by [`PacingLayer`]. Clones share the pacer.
#[derive(Clone)]
pub struct Pacing<S> {
    inner: S,
    pacer: Option<Arc<Pacer>>,
}

impl<S> Pacing<S> {
    /// The wrapped service.
    pub fn get_ref(&self) -> &S {
        &self.inner
    }

    /// The wrapped service, mutably.
    pub fn get_mut(&mut self) -> &mut S {
        &mut self.inner
    }

    /// Consumes this service, returning the wrapped one.
    pub fn into_inner(self) -> S {
        self.inner
    }
}

impl<S: fmt::Debug> fmt::Debug for Pacing<S> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Pacing")
            .field("inner", &self.inner)
            .field("paced", &self.pacer.is_some())
            .finish()
    }
}

impl<S, B> Service<Request<B>> for Pacing<S>
where
    S: Service<Request<B>, Error = Error> + Clone,
{
    type Response = S::Response;
    type Error = Error;
    type Future = PacingFuture<S, B>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, req: Request<B>) -> Self::Future {
        let paced = self.pacer.as_ref().and_then(|pacer| {
            let family = req.extensions().get::<Endpoint>()?.family();
            let limit = pacer.config.limit(family)?;
            Some((pacer, family, limit))
        });
        let Some((pacer, family, limit)) = paced else {
            return PacingFuture::calling(self.inner.call(req));
        };
        let token = req
            .headers()
            .get(AUTHORIZATION)
            .map_or(0, |value| pacer.hasher.hash_one(value.as_bytes()));
        let deadline = req.extensions().get::<CallDeadline>().map(|d| d.0);
        let now = Instant::now();
        match pacer.acquire((family, token), limit, now, deadline) {
            Acquired::Now => PacingFuture::calling(self.inner.call(req)),
            Acquired::Wait(reservation) => {
                // The ready service goes into the future; this one gets a fresh clone, which the
                // caller readies before its next call.
                let clone = self.inner.clone();
                let service = std::mem::replace(&mut self.inner, clone);
                tracing::debug!(
                    ?family,
                    wait_ms = reservation.at.saturating_duration_since(now).as_millis() as u64,
                    "pacing: waiting for a rate-limit slot"
                );
                PacingFuture {
                    state: State::Waiting {
                        waiting: Box::pin(Waiting {
                            sleep: tokio::time::sleep_until(reservation.at),
                            service: Some(service),
                            request: Some(req),
                            reservation: Some(reservation),
                        }),
                    },
                }
            }
            Acquired::Refused(at) => {
                let wait = at.saturating_duration_since(now);
                tracing::debug!(
                    ?family,
                    wait_ms = wait.as_millis() as u64,
                    "pacing: the next slot is past the deadline; refusing"
                );
                PacingFuture {
                    state: State::Refused {
                        error: Some(Error::not_sent(
                            ErrorKind::RateLimitedLocally,
                            PastDeadline { family, wait },
                        )),
                    },
                }
            }
        }
    }
}

/// The source of a [`ErrorKind::RateLimitedLocally`] error.
#[derive(Debug)]
struct PastDeadline {
    family: ApiFamily,
    wait: Duration,
}

impl fmt::Display for PastDeadline {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let family = match self.family {
            ApiFamily::V2 => "v2",
            ApiFamily::V5 => "v5",
        };
        write!(
            f,
            "the next {family} slot is {} ms away, at or after the call's deadline",
            self.wait.as_millis()
        )
    }
}

impl StdError for PastDeadline {}

pin_project! {
    /// The future of [`Pacing`].
    pub struct PacingFuture<S, B>
    where
        S: Service<Request<B>>,
    {
        #[pin]
        state: State<S, B, S::Future>,
    }
}

pin_project! {
    #[project = StateProj]
    enum State<S, B, F> {
        Calling {
            #[pin]
            future: F,
        },
        // Boxed: only a call that waits for a slot pays for it, and every future of the stack
        // stays small (futures are moved as they are built, and this one is inside all of them).
        Waiting {
            waiting: Pin<Box<Waiting<S, B>>>,
        },
        Refused {
            error: Option<Error>,
        },
    }
}

pin_project! {
    #[project = WaitingProj]
    struct Waiting<S, B> {
        #[pin]
        sleep: Sleep,
        service: Option<S>,
        request: Option<Request<B>>,
        reservation: Option<Reservation>,
    }
}

impl<S, B> PacingFuture<S, B>
where
    S: Service<Request<B>>,
{
    fn calling(future: S::Future) -> Self {
        Self {
            state: State::Calling { future },
        }
    }
}

impl<S, B> Future for PacingFuture<S, B>
where
    S: Service<Request<B>, Error = Error>,
{
    type Output = Result<S::Response, Error>;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        loop {
            let future = match self.as_mut().project().state.project() {
                StateProj::Calling { future } => return future.poll(cx),
                StateProj::Refused { error } => {
                    return Poll::Ready(Err(error.take().unwrap_or_else(|| {
                        Error::not_sent(ErrorKind::Other, "PacingFuture polled after completion")
                    })));
                }
                StateProj::Waiting { waiting } => {
                    let WaitingProj {
                        sleep,
                        service,
                        request,
                        reservation,
                    } = waiting.as_mut().project();
                    std::task::ready!(sleep.poll(cx));
                    let (Some(svc), Some(_)) = (service.as_mut(), request.as_ref()) else {
                        return Poll::Ready(Err(Error::not_sent(
                            ErrorKind::Other,
                            "PacingFuture polled after completion",
                        )));
                    };
                    if let Err(e) = std::task::ready!(svc.poll_ready(cx)) {
                        return Poll::Ready(Err(e));
                    }
                    if let Some(reservation) = reservation.take() {
                        reservation.used();
                    }
                    let req = request.take().expect("checked above");
                    svc.call(req)
                }
            };
            self.as_mut().project().state.set(State::Calling { future });
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn api_family_finds_the_version_segment_wherever_the_base_path_puts_it() {
        let cases: &[(&str, Option<ApiFamily>)] = &[
            ("/api/v2/memberships/mem_1/cancel", Some(ApiFamily::V2)),
            ("/api/v5/me/memberships/K-1", Some(ApiFamily::V5)),
            ("/v2/memberships/mem_1/cancel", Some(ApiFamily::V2)),
            ("/v5/me/memberships/mem_1", Some(ApiFamily::V5)),
            ("/proxy/whop/api/v5/me/memberships/x", Some(ApiFamily::V5)),
            // The first version segment wins: a license key "v2" does not make v5 a v2 call.
            ("/api/v5/me/memberships/v2", Some(ApiFamily::V5)),
            ("/api/v1/memberships", None),
            ("/api/v2x/memberships", None),
            ("/api/V2/memberships", None),
            ("/apiv5/me", None),
            ("/", None),
            ("", None),
        ];
        for (path, expected) in cases {
            assert_eq!(api_family(path), *expected, "{path}");
        }
    }

    #[test]
    fn schedule_fills_the_window_then_spaces_by_the_window_plus_margin() {
        let t0 = Instant::now();
        let ms = Duration::from_millis;
        let limit = PacingLimit::new(3, ms(1000));
        let spacing = ms(1100);
        let at = |offset: u64| t0 + ms(offset);
        let take = |offset: u64| Slot::Take {
            at: at(offset),
            vacated: false,
        };
        // (recent slots, vacated slot, now, deadline, expected), times in ms after t0.
        type Case = (Vec<u64>, Option<u64>, u64, Option<u64>, Slot);
        let cases: Vec<Case> = vec![
            // Room in the window: now.
            (vec![], None, 0, None, take(0)),
            (vec![0, 0], None, 5, None, take(5)),
            // Full: one spacing after the oldest of the last three.
            (vec![0, 0, 0], None, 5, None, take(1100)),
            (vec![0, 400, 800], None, 5, None, take(1100)),
            // The oldest has aged out: now.
            (vec![0, 400, 800], None, 1200, None, take(1200)),
            // Reservations in the future queue behind each other.
            (vec![1100, 1100, 1100], None, 10, None, take(2200)),
            // A given-back slot in the future is taken first, at its own time.
            (
                vec![1100, 1100, 1100],
                Some(1100),
                10,
                None,
                Slot::Take {
                    at: at(1100),
                    vacated: true,
                },
            ),
            // A given-back slot in the past is not used.
            (vec![0, 0, 0], Some(3), 5, None, take(1100)),
            // The deadline: before the slot -> refused; after it -> wait.
            (
                vec![0, 0, 0],
                None,
                5,
                Some(1000),
                Slot::Refuse { at: at(1100) },
            ),
            (
                vec![0, 0, 0],
                None,
                5,
                Some(1100),
                Slot::Refuse { at: at(1100) },
            ),
            (vec![0, 0, 0], None, 5, Some(1101), take(1100)),
            // Sending now is never refused, even at the deadline.
            (vec![0], None, 5, Some(5), take(5)),
        ];
        for (recent, vacated, now, deadline, expected) in cases {
            let recent_times: VecDeque<Instant> = recent.iter().map(|&o| at(o)).collect();
            let got = schedule(
                &recent_times,
                vacated.map(at),
                limit,
                spacing,
                at(now),
                deadline.map(at),
            );
            assert_eq!(
                got, expected,
                "recent {recent:?} vacated {vacated:?} now {now} deadline {deadline:?}"
            );
        }
    }

    #[test]
    fn pacing_limit_and_config_clamp_their_inputs() {
        let limit = PacingLimit::new(0, Duration::MAX);
        assert_eq!(limit.requests(), 1);
        assert_eq!(limit.window(), MAX_WINDOW);
        assert!(!PacingConfig::disabled().is_enabled());
        assert!(PacingConfig::default().is_enabled());
        assert_eq!(
            PacingConfig::default().limit(ApiFamily::V5),
            Some(PacingLimit::new(20, Duration::from_secs(10)))
        );
    }

    /// A service answering at once, recording when each request arrived.
    #[derive(Clone)]
    struct Recorder(Arc<Mutex<Vec<Instant>>>);

    impl Service<Request<()>> for Recorder {
        type Response = ();
        type Error = Error;
        type Future = std::future::Ready<Result<(), Error>>;

        fn poll_ready(&mut self, _cx: &mut Context<'_>) -> Poll<Result<(), Error>> {
            Poll::Ready(Ok(()))
        }

        fn call(&mut self, _req: Request<()>) -> Self::Future {
            self.0.lock().expect("not poisoned").push(Instant::now());
            std::future::ready(Ok(()))
        }
    }

    fn paced_3_per_second() -> (Pacing<Recorder>, Arc<Mutex<Vec<Instant>>>) {
        let sent = Arc::new(Mutex::new(Vec::new()));
        let config = PacingConfig::disabled()
            .v5(Some(PacingLimit::new(3, Duration::from_secs(1))))
            .safety_margin(Duration::from_millis(100));
        let service = PacingLayer::new(config).layer(Recorder(Arc::clone(&sent)));
        (service, sent)
    }

    fn v5_request(deadline: Option<Instant>) -> Request<()> {
        let mut req = Request::get("https://api.whop.com/api/v5/me/memberships/K")
            .body(())
            .expect("valid");
        req.extensions_mut()
            .insert(Endpoint::new("GET /v5/me/memberships/{id}", ApiFamily::V5));
        if let Some(deadline) = deadline {
            req.extensions_mut().insert(CallDeadline(deadline));
        }
        req
    }

    #[tokio::test(start_paused = true)]
    async fn a_burst_goes_out_in_windows_of_the_limit() {
        use tower::ServiceExt;
        let (service, sent) = paced_3_per_second();
        let t0 = Instant::now();
        let calls: Vec<_> = (0..7)
            .map(|_| tokio::spawn(service.clone().oneshot(v5_request(None))))
            .collect();
        for call in calls {
            call.await.expect("no panic").expect("sent");
        }
        let offsets: Vec<u128> = sent
            .lock()
            .expect("not poisoned")
            .iter()
            .map(|t| (*t - t0).as_millis())
            .collect();
        assert_eq!(offsets, [0, 0, 0, 1100, 1100, 1100, 2200]);
    }

    #[tokio::test(start_paused = true)]
    async fn requests_without_an_endpoint_and_disabled_families_are_not_paced() {
        use tower::ServiceExt;
        let (service, sent) = paced_3_per_second();
        for _ in 0..10 {
            let mut req = Request::get("https://api.whop.com/api/v2/memberships/m")
                .body(())
                .expect("valid");
            req.extensions_mut()
                .insert(Endpoint::new("GET /v2/memberships/{id}", ApiFamily::V2));
            service.clone().oneshot(req).await.expect("sent");
            let req = Request::get("https://api.whop.com/health")
                .body(())
                .expect("valid");
            service.clone().oneshot(req).await.expect("sent");
        }
        assert_eq!(sent.lock().expect("not poisoned").len(), 20);
    }

    #[tokio::test(start_paused = true)]
    async fn a_slot_past_the_deadline_is_refused_at_once_and_never_sent() {
        use tower::ServiceExt;
        let (service, sent) = paced_3_per_second();
        for _ in 0..3 {
            service
                .clone()
                .oneshot(v5_request(None))
                .await
                .expect("sent");
        }
        let deadline = Instant::now() + Duration::from_millis(500);
        let err = service
            .clone()
            .oneshot(v5_request(Some(deadline)))
            .await
            .expect_err("refused");
        assert_eq!(err.kind(), ErrorKind::RateLimitedLocally);
        assert!(err.is_not_sent());
        assert_eq!(sent.lock().expect("not poisoned").len(), 3);
        // The refused request took no slot: the next one gets the first free slot.
        let t = Instant::now();
        service
            .clone()
            .oneshot(v5_request(None))
            .await
            .expect("sent");
        assert_eq!(Instant::now() - t, Duration::from_millis(1100));
    }

    #[tokio::test(start_paused = true)]
    async fn a_cancelled_waiter_gives_its_slot_back() {
        use tower::ServiceExt;
        let (service, sent) = paced_3_per_second();
        for _ in 0..3 {
            service
                .clone()
                .oneshot(v5_request(None))
                .await
                .expect("sent");
        }
        // Many waiters queue for later windows, then all give up.
        let waiters: Vec<_> = (0..30)
            .map(|_| tokio::spawn(service.clone().oneshot(v5_request(None))))
            .collect();
        for _ in 0..10 {
            tokio::task::yield_now().await;
        }
        for waiter in &waiters {
            waiter.abort();
        }
        for waiter in waiters {
            assert!(waiter.await.is_err_and(|e| e.is_cancelled()));
        }
        // A new request gets the first slot, not one behind 30 ghosts.
        let t = Instant::now();
        service
            .clone()
            .oneshot(v5_request(None))
            .await
            .expect("sent");
        assert_eq!(Instant::now() - t, Duration::from_millis(1100));
        assert_eq!(sent.lock().expect("not poisoned").len(), 4);
    }

    fn v5_request_with_token(token: &str) -> Request<()> {
        let mut req = v5_request(None);
        req.headers_mut().insert(
            AUTHORIZATION,
            http::HeaderValue::from_str(&format!("Bearer {token}")).expect("valid"),
        );
        req
    }

    #[tokio::test(start_paused = true)]
    async fn each_token_has_its_own_window() {
        use tower::ServiceExt;
        let (service, sent) = paced_3_per_second();
        let t0 = Instant::now();
        for token in ["alice", "bob"] {
            for _ in 0..3 {
                let req = v5_request_with_token(token);
                service.clone().oneshot(req).await.expect("sent");
            }
        }
        assert_eq!(
            Instant::now(),
            t0,
            "six sends, three per token, none waited"
        );
        assert_eq!(sent.lock().expect("not poisoned").len(), 6);
    }

    #[tokio::test(start_paused = true)]
    async fn idle_tokens_are_swept_as_the_map_grows() {
        use tower::ServiceExt;
        let (service, _sent) = paced_3_per_second();
        let windows =
            |service: &Pacing<Recorder>| service.pacer.as_ref().expect("paced").lock().map.len();
        for round in 0..10 {
            for i in 0..100 {
                let req = v5_request_with_token(&format!("token-{round}-{i}"));
                service.clone().oneshot(req).await.expect("sent");
            }
            tokio::time::advance(Duration::from_secs(2)).await;
        }
        // 1,000 tokens seen, each idle two seconds later: the map holds about two rounds' worth.
        assert!(
            windows(&service) <= 300,
            "{} windows kept",
            windows(&service)
        );
    }
}
