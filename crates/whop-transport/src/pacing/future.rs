//! [`PacingFuture`]: waits for the store's answer and the slot, then calls the inner service.

use std::error::Error as StdError;
use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll, ready};
use std::time::Duration;

use http::{Request, Response};
use pin_project_lite::pin_project;
use tokio::time::Instant;
use tower::{Service, ServiceExt};

use super::cooldown::cooldown_after;
use super::{BucketKey, Reservation, SlotStore, StoreError, StoreFuture};
use crate::error::{Error, ErrorKind};
use crate::extensions::{ApiFamily, Endpoint, RequestExt};

/// What a call does once the store has answered.
pub(crate) enum Next {
    /// Send now.
    Send,
    /// Send when the held slot comes.
    Wait(Held),
    /// Fail, never sent.
    Fail(Error),
}

/// Turns a store's answer, received at `now`, into the call's next step.
pub(crate) fn settle(
    answer: Result<Reservation, StoreError>,
    store: &Arc<dyn SlotStore>,
    key: BucketKey,
    now: Instant,
) -> Next {
    let (wait, ticket) = match answer {
        Ok(Reservation::Granted { wait, .. }) if wait.is_zero() => return Next::Send,
        Ok(Reservation::Granted { wait, ticket }) => (wait, ticket),
        Ok(Reservation::Refused { wait }) => return Next::Fail(past_deadline(key, wait)),
        Err(error) => {
            tracing::debug!(bucket = key.name(), %error, "pacing: the store failed; not sending");
            return Next::Fail(Error::not_sent(ErrorKind::PacingUnavailable, error));
        }
    };
    // A wait too long for the clock is a slot that never comes.
    let Some(send_at) = now.checked_add(wait) else {
        return Next::Fail(past_deadline(key, wait));
    };
    tracing::debug!(
        bucket = key.name(),
        wait_ms = wait.as_millis() as u64,
        "pacing: waiting for a rate-limit slot"
    );
    Next::Wait(Held {
        store: Arc::clone(store),
        key,
        ticket,
        send_at,
        used: false,
    })
}

fn past_deadline(key: BucketKey, wait: Duration) -> Error {
    tracing::debug!(
        bucket = key.name(),
        wait_ms = wait.as_millis() as u64,
        "pacing: the next slot is past the deadline; refusing"
    );
    Error::not_sent(
        ErrorKind::RateLimitedLocally,
        PastDeadline {
            bucket: key.name(),
            wait,
        },
    )
    .with_retry_after(wait)
}

/// The source of a [`ErrorKind::RateLimitedLocally`] error.
#[derive(Debug)]
struct PastDeadline {
    bucket: &'static str,
    wait: Duration,
}

impl fmt::Display for PastDeadline {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "the next {} slot is {} ms away, at or after the call's deadline",
            self.bucket,
            self.wait.as_millis()
        )
    }
}

impl StdError for PastDeadline {}

/// A slot reserved in the future. Dropped before its time (the call was cancelled), it goes back
/// to the store; [`Held::used`] keeps it.
pub(crate) struct Held {
    store: Arc<dyn SlotStore>,
    key: BucketKey,
    ticket: u64,
    send_at: Instant,
    used: bool,
}

impl Held {
    fn used(mut self) {
        self.used = true;
    }
}

impl Drop for Held {
    fn drop(&mut self) {
        if !self.used && Instant::now() < self.send_at {
            self.store.give_back(&self.key, self.ticket);
        }
    }
}

/// A store's answer still to come, and what is needed to hold the slot it grants.
pub(crate) struct Pending {
    answer: StoreFuture,
    store: Arc<dyn SlotStore>,
    key: BucketKey,
}

impl Pending {
    pub(crate) fn new(answer: StoreFuture, store: Arc<dyn SlotStore>, key: BucketKey) -> Self {
        Self { answer, store, key }
    }
}

/// Where a paced call reports a 429: its bucket, the store that keeps the bucket's cooldown, and
/// the request's API family (whose rule the cooldown follows).
pub(crate) struct Cooldown {
    store: Arc<dyn SlotStore>,
    key: BucketKey,
    family: Option<ApiFamily>,
}

impl Cooldown {
    pub(crate) fn new(
        store: &Arc<dyn SlotStore>,
        key: BucketKey,
        family: Option<ApiFamily>,
    ) -> Self {
        Self {
            store: Arc::clone(store),
            key,
            family,
        }
    }

    /// Tells the store if `response` is a 429 (the pacer sits inside the retry layer, so it sees
    /// every attempt's answer).
    fn observe<B: AsRef<[u8]>>(self, response: &Response<B>) {
        if let Some(wait) = cooldown_after(response, self.family) {
            tracing::debug!(
                bucket = self.key.name(),
                wait_ms = wait.as_millis() as u64,
                "pacing: 429; the credential cools down"
            );
            self.store.record_cooldown(&self.key, wait);
        }
    }
}

pin_project! {
    /// The future of [`Pacing`](super::Pacing).
    pub struct PacingFuture<S, B>
    where
        S: Service<Request<B>>,
    {
        #[pin]
        state: State<S::Future, Result<S::Response, S::Error>>,
    }
}

pin_project! {
    #[project = StateProj]
    enum State<F, O> {
        Calling {
            #[pin]
            future: F,
            // Paced calls only: where a 429 is reported.
            cooldown: Option<Cooldown>,
        },
        // Boxed: only a call that waits (for a slot, or for a remote store) pays for it, and
        // every future of the stack stays small (futures are moved as they are built, and this
        // one is inside all of them).
        Waiting {
            waiting: Pin<Box<dyn Future<Output = O> + Send>>,
        },
        Failed {
            error: Option<Error>,
        },
    }
}

impl<S, B> PacingFuture<S, B>
where
    S: Service<Request<B>>,
{
    /// Calls at once; `cooldown`: the bucket a paced call reports a 429 to.
    pub(crate) fn calling(future: S::Future, cooldown: Option<Cooldown>) -> Self {
        Self {
            state: State::Calling { future, cooldown },
        }
    }

    pub(crate) fn failed(error: Error) -> Self {
        Self {
            state: State::Failed { error: Some(error) },
        }
    }
}

impl<S, B, RB> PacingFuture<S, B>
where
    S: Service<Request<B>, Response = Response<RB>, Error = Error> + Send + 'static,
    S::Future: Send,
    B: Send + 'static,
    RB: AsRef<[u8]> + 'static,
{
    /// Waits for the slot `slot` holds (`Ok`), or for the store's answer still to come (`Err`),
    /// then calls `service`.
    pub(crate) fn waiting(
        mut service: S,
        request: Request<B>,
        slot: Result<Held, Pending>,
    ) -> Self {
        let family = request.endpoint().map(Endpoint::family);
        let waiting = async move {
            let (held, cooldown) = match slot {
                Ok(held) => {
                    let cooldown = Cooldown::new(&held.store, held.key, family);
                    (Some(held), cooldown)
                }
                Err(Pending { answer, store, key }) => {
                    let answer = answer.await;
                    let held = match settle(answer, &store, key, Instant::now()) {
                        Next::Send => None,
                        Next::Wait(held) => Some(held),
                        Next::Fail(error) => return Err(error),
                    };
                    (held, Cooldown::new(&store, key, family))
                }
            };
            if let Some(held) = &held {
                tokio::time::sleep_until(held.send_at).await;
            }
            let ready = service.ready().await?;
            if let Some(held) = held {
                held.used();
            }
            let response = ready.call(request).await?;
            cooldown.observe(&response);
            Ok(response)
        };
        Self {
            state: State::Waiting {
                waiting: Box::pin(waiting),
            },
        }
    }
}

fn polled_after_completion() -> Error {
    Error::not_sent(ErrorKind::Other, "PacingFuture polled after completion")
}

impl<S, B, RB> Future for PacingFuture<S, B>
where
    S: Service<Request<B>, Response = Response<RB>, Error = Error>,
    RB: AsRef<[u8]>,
{
    type Output = Result<Response<RB>, Error>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        match self.project().state.project() {
            StateProj::Calling { future, cooldown } => {
                let output = ready!(future.poll(cx));
                if let (Ok(response), Some(cooldown)) = (&output, cooldown.take()) {
                    cooldown.observe(response);
                }
                Poll::Ready(output)
            }
            StateProj::Waiting { waiting } => waiting.as_mut().poll(cx),
            StateProj::Failed { error } => {
                Poll::Ready(Err(error.take().unwrap_or_else(polled_after_completion)))
            }
        }
    }
}
