//! [`Pacing`]: asks the policy which bucket a request counts against, and the store for a slot.

use std::fmt;
use std::sync::Arc;
use std::task::{Context, Poll};

use http::{Request, Response};
use tokio::time::Instant;
use tower::Service;

use super::future::{Cooldown, Next, PacingFuture, Pending, settle};
use super::layer::Pacer;
use super::{RequestHead, Reserve};
use crate::error::Error;
use crate::extensions::{Endpoint, RequestExt};

/// The service made by [`PacingLayer`](super::PacingLayer). Clones share the pacer.
#[derive(Clone)]
pub struct Pacing<S> {
    inner: S,
    pacer: Option<Arc<Pacer>>,
}

crate::inner_service_accessors!(Pacing);

impl<S> Pacing<S> {
    pub(crate) fn new(inner: S, pacer: Option<Arc<Pacer>>) -> Self {
        Self { inner, pacer }
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

impl<S, B, RB> Service<Request<B>> for Pacing<S>
where
    S: Service<Request<B>, Response = Response<RB>, Error = Error> + Clone + Send + 'static,
    S::Future: Send,
    B: Send + 'static,
    RB: AsRef<[u8]> + 'static,
{
    type Response = Response<RB>;
    type Error = Error;
    type Future = PacingFuture<S, B>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, req: Request<B>) -> Self::Future {
        let paced = self.pacer.as_ref().and_then(|pacer| {
            let bucket = pacer.policy.classify(&RequestHead::new(&req))?;
            Some((pacer, bucket))
        });
        let Some((pacer, bucket)) = paced else {
            return PacingFuture::calling(self.inner.call(req), None);
        };
        let limit = bucket.limit.widened(pacer.safety_margin);
        let now = Instant::now();
        let max_wait = req
            .call_deadline()
            .map(|d| d.saturating_duration_since(now));
        match pacer.store.reserve(&bucket.key, limit, max_wait) {
            Reserve::Ready(answer) => match settle(answer, &pacer.store, bucket.key, now) {
                Next::Send => {
                    let family = req.endpoint().map(Endpoint::family);
                    PacingFuture::calling(
                        self.inner.call(req),
                        Some(Cooldown::new(&pacer.store, bucket.key, family)),
                    )
                }
                Next::Wait(held) => PacingFuture::waiting(self.take_ready(), req, Ok(held)),
                Next::Fail(error) => PacingFuture::failed(error),
            },
            Reserve::Pending(answer) => {
                let pending = Pending::new(answer, Arc::clone(&pacer.store), bucket.key);
                PacingFuture::waiting(self.take_ready(), req, Err(pending))
            }
        }
    }
}

impl<S: Clone> Pacing<S> {
    /// The ready service goes into the future; this one gets a fresh clone, which the caller
    /// readies before its next call.
    fn take_ready(&mut self) -> S {
        let clone = self.inner.clone();
        std::mem::replace(&mut self.inner, clone)
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Mutex;
    use std::time::Duration;

    use http::header::AUTHORIZATION;
    use tower::{Layer, ServiceExt};

    use super::*;
    use crate::ErrorKind;
    use crate::extensions::{ApiFamily, Endpoint};
    use crate::pacing::{
        Bucket, BucketKey, MemoryStore, PacingConfig, PacingLayer, PacingLimit, PacingPolicy,
        Reservation, SlotStore, StoreError,
    };
    use crate::token::Token;

    /// A service answering at once, recording when each request arrived.
    #[derive(Clone)]
    struct Recorder(Arc<Mutex<Vec<Instant>>>);

    impl Service<Request<()>> for Recorder {
        type Response = Response<bytes::Bytes>;
        type Error = Error;
        type Future = std::future::Ready<Result<Response<bytes::Bytes>, Error>>;

        fn poll_ready(&mut self, _cx: &mut Context<'_>) -> Poll<Result<(), Error>> {
            Poll::Ready(Ok(()))
        }

        fn call(&mut self, req: Request<()>) -> Self::Future {
            self.0.lock().expect("not poisoned").push(Instant::now());
            // A request may ask to be answered with a status (`x-answer: 429`), and a
            // `Retry-After` (`x-retry-after`).
            let mut response = Response::builder();
            if let Some(status) = req.headers().get("x-answer") {
                response = response.status(status.as_bytes());
            }
            if let Some(wait) = req.headers().get("x-retry-after") {
                response = response.header(http::header::RETRY_AFTER, wait);
            }
            // And a body (`x-body`).
            let body = req
                .headers()
                .get("x-body")
                .map_or_else(bytes::Bytes::new, |b| {
                    bytes::Bytes::copy_from_slice(b.as_bytes())
                });
            std::future::ready(Ok(response.body(body).expect("valid")))
        }
    }

    type Sent = Arc<Mutex<Vec<Instant>>>;

    fn paced(config: PacingConfig) -> (Pacing<Recorder>, Sent) {
        let sent = Arc::new(Mutex::new(Vec::new()));
        let service = PacingLayer::new(config).layer(Recorder(Arc::clone(&sent)));
        (service, sent)
    }

    fn three_per_second() -> PacingConfig {
        PacingConfig::disabled()
            .with_v5(Some(PacingLimit::new(3, Duration::from_secs(1))))
            .with_safety_margin(Duration::from_millis(100))
    }

    fn paced_3_per_second() -> (Pacing<Recorder>, Sent) {
        paced(three_per_second())
    }

    fn sent_count(sent: &Sent) -> usize {
        sent.lock().expect("not poisoned").len()
    }

    fn v5_request(deadline: Option<Instant>) -> Request<()> {
        let mut req = Request::get("https://api.whop.com/api/v5/me/memberships/K")
            .body(())
            .expect("valid");
        req.set_endpoint(Endpoint::new("GET /v5/me/memberships/{id}", ApiFamily::V5));
        if let Some(deadline) = deadline {
            req.set_call_deadline(deadline);
        }
        req
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
    async fn a_burst_goes_out_in_windows_of_the_limit() {
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
        let (service, sent) = paced_3_per_second();
        for _ in 0..10 {
            let mut req = Request::get("https://api.whop.com/api/v2/memberships/m")
                .body(())
                .expect("valid");
            req.set_endpoint(Endpoint::new("GET /v2/memberships/{id}", ApiFamily::V2));
            service.clone().oneshot(req).await.expect("sent");
            // A v5 path, but no Endpoint: the path is not parsed.
            let req = Request::get("https://api.whop.com/api/v5/me/memberships/K")
                .body(())
                .expect("valid");
            service.clone().oneshot(req).await.expect("sent");
        }
        assert_eq!(sent_count(&sent), 20);
    }

    #[tokio::test(start_paused = true)]
    async fn a_slot_past_the_deadline_is_refused_at_once_and_never_sent() {
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
        assert_eq!(sent_count(&sent), 3);
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
        assert_eq!(sent_count(&sent), 4);
    }

    #[tokio::test(start_paused = true)]
    async fn each_token_has_its_own_window() {
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
        assert_eq!(sent_count(&sent), 6);
    }

    /// Paces every request, Endpoint or not, in one window of 2 per second.
    struct EverythingTwoPerSecond;

    impl PacingPolicy for EverythingTwoPerSecond {
        fn classify(&self, _request: &RequestHead<'_>) -> Option<Bucket> {
            Some(Bucket {
                key: BucketKey::new("everything", None),
                limit: PacingLimit::new(2, Duration::from_secs(1)),
            })
        }
    }

    #[tokio::test(start_paused = true)]
    async fn a_custom_policy_decides_the_bucket_and_the_limit() {
        let (service, sent) = paced(
            PacingConfig::default()
                .with_policy(EverythingTwoPerSecond)
                .with_safety_margin(Duration::ZERO),
        );
        let t0 = Instant::now();
        for _ in 0..5 {
            // No Endpoint: Whop's policy would not pace these; this one does.
            let req = Request::get("https://h/anything").body(()).expect("valid");
            service.clone().oneshot(req).await.expect("sent");
        }
        let offsets: Vec<u128> = sent
            .lock()
            .expect("not poisoned")
            .iter()
            .map(|t| (*t - t0).as_millis())
            .collect();
        assert_eq!(offsets, [0, 0, 1000, 1000, 2000]);
    }

    /// A store double: records what it is asked and answers with a fixed reservation.
    struct Scripted {
        answer: Reservation,
        asked: Mutex<Vec<(BucketKey, PacingLimit, Option<Duration>)>>,
        given_back: Mutex<Vec<(BucketKey, u64)>>,
        cooldowns: Mutex<Vec<(BucketKey, Duration)>>,
    }

    impl Scripted {
        fn new(answer: Reservation) -> Arc<Self> {
            Arc::new(Self {
                answer,
                asked: Mutex::new(Vec::new()),
                given_back: Mutex::new(Vec::new()),
                cooldowns: Mutex::new(Vec::new()),
            })
        }
    }

    impl SlotStore for Scripted {
        fn reserve(
            &self,
            key: &BucketKey,
            limit: PacingLimit,
            max_wait: Option<Duration>,
        ) -> Reserve {
            self.asked
                .lock()
                .expect("not poisoned")
                .push((*key, limit, max_wait));
            Reserve::Ready(Ok(self.answer))
        }

        fn give_back(&self, key: &BucketKey, ticket: u64) {
            self.given_back
                .lock()
                .expect("not poisoned")
                .push((*key, ticket));
        }

        fn record_cooldown(&self, key: &BucketKey, wait: Duration) {
            self.cooldowns
                .lock()
                .expect("not poisoned")
                .push((*key, wait));
        }
    }

    fn answered_with(
        mut req: Request<()>,
        status: &'static str,
        retry_after: Option<&'static str>,
    ) -> Request<()> {
        req.headers_mut()
            .insert("x-answer", http::HeaderValue::from_static(status));
        if let Some(wait) = retry_after {
            req.headers_mut()
                .insert("x-retry-after", http::HeaderValue::from_static(wait));
        }
        req
    }

    #[tokio::test(start_paused = true)]
    async fn every_429_of_a_paced_call_is_reported_to_the_store_with_its_cooldown() {
        let store = Scripted::new(Reservation::Granted {
            wait: Duration::ZERO,
            ticket: 0,
        });
        let (service, _sent) = paced(three_per_second().with_store(Arc::clone(&store)));
        // (status, Retry-After): a 429 reports its Retry-After, else Whop's 60 s; others nothing.
        for (status, retry_after) in [
            ("429", Some("7")),
            ("429", None),
            ("503", Some("7")),
            ("200", None),
        ] {
            let req = answered_with(v5_request(None), status, retry_after);
            let response = service.clone().oneshot(req).await.expect("answered");
            assert_eq!(response.status().as_str(), status);
        }
        // A request the policy does not pace reports nothing.
        let unpaced = Request::get("https://h/health").body(()).expect("valid");
        service
            .clone()
            .oneshot(answered_with(unpaced, "429", None))
            .await
            .expect("answered");
        let cooldowns = store.cooldowns.lock().expect("not poisoned").clone();
        let v5 = BucketKey::new("v5", None);
        assert_eq!(
            cooldowns,
            [(v5, Duration::from_secs(7)), (v5, Duration::from_secs(60))]
        );
    }

    #[tokio::test(start_paused = true)]
    async fn after_a_429_the_memory_store_holds_the_credential_until_the_cooldown_ends() {
        let (service, sent) = paced_3_per_second();
        let t0 = Instant::now();
        let req = answered_with(v5_request_with_token("alice"), "429", Some("5"));
        service.clone().oneshot(req).await.expect("answered");
        // Alice waits out the 5 s; Bob, another credential, does not.
        service
            .clone()
            .oneshot(v5_request_with_token("bob"))
            .await
            .expect("sent");
        service
            .clone()
            .oneshot(v5_request_with_token("alice"))
            .await
            .expect("sent");
        // A deadline before the cooldown ends: refused at once, never sent.
        let req = answered_with(v5_request_with_token("alice"), "429", None);
        service.clone().oneshot(req).await.expect("answered");
        let mut late = v5_request_with_token("alice");
        late.set_call_deadline(Instant::now() + Duration::from_secs(30));
        let err = service
            .clone()
            .oneshot(late)
            .await
            .expect_err("cooling down");
        assert_eq!(err.kind(), ErrorKind::RateLimitedLocally);
        let offsets: Vec<u128> = sent
            .lock()
            .expect("not poisoned")
            .iter()
            .map(|t| (*t - t0).as_millis())
            .collect();
        assert_eq!(offsets, [0, 0, 5000, 5000]);
    }

    #[tokio::test(start_paused = true)]
    async fn the_store_gets_the_family_the_credential_id_and_the_widened_limit() {
        let store = Scripted::new(Reservation::Granted {
            wait: Duration::ZERO,
            ticket: 0,
        });
        let (service, sent) = paced(three_per_second().with_store(Arc::clone(&store)));
        let token = Token::new("alice").expect("valid");
        let mut req = v5_request(Some(Instant::now() + Duration::from_secs(7)));
        req.headers_mut()
            .insert(AUTHORIZATION, token.header_value());
        service.clone().oneshot(req).await.expect("sent");
        assert_eq!(sent_count(&sent), 1);
        let asked = store.asked.lock().expect("not poisoned").clone();
        assert_eq!(
            asked,
            [(
                BucketKey::new("v5", Some(token.credential_id())),
                // The limit's window plus the safety margin.
                PacingLimit::new(3, Duration::from_millis(1100)),
                Some(Duration::from_secs(7)),
            )]
        );
    }

    #[tokio::test(start_paused = true)]
    async fn a_waiting_call_sends_after_the_stores_wait_or_gives_its_ticket_back() {
        let wait = Duration::from_millis(300);
        let store = Scripted::new(Reservation::Granted { wait, ticket: 42 });
        let (service, sent) = paced(three_per_second().with_store(Arc::clone(&store)));
        let t0 = Instant::now();
        service
            .clone()
            .oneshot(v5_request(None))
            .await
            .expect("sent");
        assert_eq!(Instant::now() - t0, wait);
        assert!(store.given_back.lock().expect("not poisoned").is_empty());
        // Cancelled while waiting: the ticket goes back, unchanged.
        let waiter = tokio::spawn(service.clone().oneshot(v5_request(None)));
        tokio::task::yield_now().await;
        waiter.abort();
        assert!(waiter.await.is_err_and(|e| e.is_cancelled()));
        let given_back = store.given_back.lock().expect("not poisoned").clone();
        assert_eq!(given_back, [(BucketKey::new("v5", None), 42)]);
        assert_eq!(sent_count(&sent), 1);
    }

    /// A store that cannot answer: at once, or after a round trip.
    struct Broken {
        slow: bool,
    }

    impl SlotStore for Broken {
        fn reserve(&self, _: &BucketKey, _: PacingLimit, _: Option<Duration>) -> Reserve {
            let error = || StoreError::new("connection refused");
            if self.slow {
                Reserve::Pending(Box::pin(async move {
                    tokio::time::sleep(Duration::from_millis(5)).await;
                    Err(error())
                }))
            } else {
                Reserve::Ready(Err(error()))
            }
        }

        fn give_back(&self, _: &BucketKey, _: u64) {}
    }

    #[tokio::test(start_paused = true)]
    async fn a_failing_store_fails_the_call_unsent_and_unpaced_requests_still_go() {
        for slow in [false, true] {
            let (service, sent) = paced(three_per_second().with_store(Broken { slow }));
            let err = service
                .clone()
                .oneshot(v5_request(None))
                .await
                .expect_err("the store failed");
            assert_eq!(err.kind(), ErrorKind::PacingUnavailable, "slow: {slow}");
            assert!(err.is_not_sent());
            let source = std::error::Error::source(&err).expect("the store's error");
            assert!(source.to_string().contains("pacing store"), "{source}");
            assert_eq!(sent_count(&sent), 0);
            // A request the policy does not pace never asks the store.
            let req = Request::get("https://h/health").body(()).expect("valid");
            service.clone().oneshot(req).await.expect("sent");
            assert_eq!(sent_count(&sent), 1);
        }
    }

    /// The in-memory store behind a round trip: `Reserve::Pending`.
    struct Remote(Arc<MemoryStore>);

    impl SlotStore for Remote {
        fn reserve(&self, key: &BucketKey, limit: PacingLimit, wait: Option<Duration>) -> Reserve {
            let (memory, key) = (Arc::clone(&self.0), *key);
            Reserve::Pending(Box::pin(async move {
                tokio::time::sleep(Duration::from_millis(10)).await;
                match memory.reserve(&key, limit, wait) {
                    Reserve::Ready(answer) => answer,
                    Reserve::Pending(_) => unreachable!("the memory store answers at once"),
                }
            }))
        }

        fn give_back(&self, key: &BucketKey, ticket: u64) {
            self.0.give_back(key, ticket);
        }
    }

    #[tokio::test(start_paused = true)]
    async fn a_slow_store_paces_the_same_after_its_round_trip() {
        let store = Remote(Arc::new(MemoryStore::new()));
        let (service, sent) = paced(three_per_second().with_store(store));
        let t0 = Instant::now();
        let calls: Vec<_> = (0..4)
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
        // Each answer takes 10 ms; the fourth slot is one window (with margin) after the first three.
        assert_eq!(offsets, [10, 10, 10, 1110]);
    }

    fn v1_request(route: &'static str) -> Request<()> {
        let mut req = Request::post("https://api.whop.com/api/v1/x")
            .body(())
            .expect("valid");
        req.set_endpoint(Endpoint::new(route, ApiFamily::V1));
        req
    }

    #[tokio::test(start_paused = true)]
    async fn v1_is_paced_per_operation() {
        let (service, sent) = paced(
            PacingConfig::disabled()
                .with_v1(Some(PacingLimit::new(2, Duration::from_secs(1))))
                .with_safety_margin(Duration::ZERO),
        );
        let (cancel, update) = ("POST /v1/m/{id}/cancel", "PATCH /v1/m/{id}");
        let t0 = Instant::now();
        for route in [cancel, cancel, update, update, cancel] {
            service
                .clone()
                .oneshot(v1_request(route))
                .await
                .expect("sent");
        }
        let offsets: Vec<u128> = sent
            .lock()
            .expect("not poisoned")
            .iter()
            .map(|t| (*t - t0).as_millis())
            .collect();
        // Two per operation go at once; only the third cancel waits for its own window.
        assert_eq!(offsets, [0, 0, 0, 0, 1000]);
    }

    #[tokio::test(start_paused = true)]
    async fn a_v1_429_reports_the_wait_in_its_message_and_none_without_one() {
        let store = Scripted::new(Reservation::Granted {
            wait: Duration::ZERO,
            ticket: 0,
        });
        let config = PacingConfig::disabled()
            .with_v1(Some(PacingLimit::new(600, Duration::from_secs(60))))
            .with_store(Arc::clone(&store));
        let (service, _sent) = paced(config);
        let route = "POST /v1/memberships/{id}/cancel";
        let message =
            r#"{"error":{"type":"rate_limit_exceeded","message":"Try again in 12 seconds."}}"#;
        for body in [Some(message), None] {
            let mut req = answered_with(v1_request(route), "429", None);
            if let Some(body) = body {
                req.headers_mut()
                    .insert("x-body", http::HeaderValue::from_static(body));
            }
            service.clone().oneshot(req).await.expect("answered");
        }
        let cooldowns = store.cooldowns.lock().expect("not poisoned").clone();
        assert_eq!(
            cooldowns,
            [(BucketKey::new(route, None), Duration::from_secs(12))]
        );
    }
}
