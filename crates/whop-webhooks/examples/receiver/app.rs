//! The receiver's logic, apart from `main` so the end-to-end test runs exactly this code.
//!
//! Whop expects a 2xx answer for every delivery it should not send again, including events
//! the receiver does not handle, and treats anything else as a failure to retry. So: a delivery
//! that does not verify gets 401 (not from Whop, or the wrong secret), one that verifies but is
//! not an event 400, a repeat of a handled one 200, and every event 200 once handled.

use std::convert::Infallible;
use std::future::Future;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use bytes::Bytes;
use http::{HeaderMap, Request, Response, StatusCode};
use http_body_util::{BodyExt, Full, Limited};
use hyper::body::Incoming;
use hyper_util::rt::TokioIo;
use tokio::net::TcpListener;
use tokio::task::JoinSet;
use whop_webhooks::{
    Delivery, Event, LegacyPayload, ReceiveError, SeenIds, SeenSet, V1Event, V1Payload, Verifier,
};

/// Bodies larger than this are refused (Whop's membership events are a few kB).
const MAX_BODY: usize = 1024 * 1024;

/// A webhook receiver: verifies, de-duplicates, dispatches on the typed event.
pub(crate) struct Receiver {
    verifier: Verifier,
    seen: SeenSet,
    /// Answer 500 to this many deliveries first, to watch Whop (or whop-mock) retry.
    fail_first: AtomicUsize,
    handled: Mutex<Vec<(Delivery, String)>>,
}

impl Receiver {
    /// A receiver checking signatures with `verifier`.
    pub(crate) fn new(verifier: Verifier) -> Self {
        Self {
            verifier,
            seen: SeenSet::new(10_000, Duration::from_secs(600)),
            fail_first: AtomicUsize::new(0),
            handled: Mutex::new(Vec::new()),
        }
    }

    /// Answers the first `count` deliveries with 500, as a receiver that is briefly down.
    pub(crate) fn fail_first(self, count: usize) -> Self {
        self.fail_first.store(count, Ordering::SeqCst);
        self
    }

    /// Every delivery handled so far, with what was done about it.
    pub(crate) fn handled(&self) -> Vec<(Delivery, String)> {
        self.handled
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }

    /// One delivery: raw headers and body in, status and a short reason out.
    pub(crate) fn handle(&self, headers: &HeaderMap, body: &[u8]) -> (StatusCode, &'static str) {
        let still_failing = self
            .fail_first
            .fetch_update(Ordering::SeqCst, Ordering::SeqCst, |n| n.checked_sub(1))
            .is_ok();
        if still_failing {
            return (StatusCode::INTERNAL_SERVER_ERROR, "briefly down");
        }
        let delivery = match self.verifier.receive(headers, body) {
            Ok(delivery) => delivery,
            Err(ReceiveError::Verify(error)) => {
                eprintln!("receiver: refused: {error}");
                return (StatusCode::UNAUTHORIZED, "signature refused");
            }
            Err(error) => {
                eprintln!("receiver: refused: {error}");
                return (StatusCode::BAD_REQUEST, "not an event");
            }
        };
        if self.seen.first_sighting_of(&delivery.verified) == Ok(false) {
            return (StatusCode::OK, "duplicate");
        }
        let action = dispatch(&delivery.event);
        eprintln!("receiver: {} -> {action}", delivery.event.kind());
        self.handled
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .push((delivery, action));
        (StatusCode::OK, "ok")
    }
}

/// What a license server would do about each event.
fn dispatch(event: &Event) -> String {
    match event {
        Event::Current(event) => dispatch_v1(event, |m| m.id.as_str(), |m| m.cancel_at_period_end),
        Event::V1(event) => dispatch_v1(event, |m| m.id.as_str(), |m| m.cancel_at_period_end),
        Event::Legacy(event) => match &event.payload {
            LegacyPayload::MembershipWentValid(m) => format!("grant access to {}", m.id),
            LegacyPayload::MembershipWentInvalid(m) => format!("revoke access of {}", m.id),
            LegacyPayload::MembershipMetadataUpdated(m) => {
                format!("re-read the device binding of {}", m.id)
            }
            LegacyPayload::MembershipCancelAtPeriodEndChanged(m) => format!(
                "{} cancels at period end: {}",
                m.id,
                m.cancel_at_period_end.unwrap_or(false)
            ),
            other => format!("ignore {}", other.kind()),
        },
        other => format!("ignore {}", other.kind()),
    }
}

/// What to do about a v1 event, whichever membership shape it carries (`id` and
/// `cancel_at_period_end` read the two fields it needs).
fn dispatch_v1<M>(
    event: &V1Event<M>,
    id: impl Fn(&M) -> &str,
    cancels: impl Fn(&M) -> Option<bool>,
) -> String {
    match &event.payload {
        V1Payload::MembershipActivated(m) => format!("grant access to {}", id(m)),
        V1Payload::MembershipDeactivated(m) => format!("revoke access of {}", id(m)),
        V1Payload::MembershipUpdated(m) => format!(
            "re-read {} ({} changed)",
            id(m),
            changed(event.previous_attributes.as_ref())
        ),
        V1Payload::MembershipCancelAtPeriodEndChanged(m) => format!(
            "{} cancels at period end: {}",
            id(m),
            cancels(m).unwrap_or(false)
        ),
        V1Payload::MembershipTrialEndingSoon(m) => format!("remind {} of the trial end", id(m)),
        other => format!("ignore {}", other.kind()),
    }
}

/// The names of the attributes a `membership.updated` says changed, or `nothing said`.
fn changed(previous: Option<&serde_json::Map<String, serde_json::Value>>) -> String {
    match previous {
        Some(previous) if !previous.is_empty() => previous
            .keys()
            .map(String::as_str)
            .collect::<Vec<_>>()
            .join(", "),
        _ => "nothing said".to_owned(),
    }
}

/// Serves `receiver` on `listener` (HTTP/1.1) until `shutdown` completes.
pub(crate) async fn serve(
    listener: TcpListener,
    receiver: Arc<Receiver>,
    shutdown: impl Future<Output = ()>,
) {
    let mut connections = JoinSet::new();
    tokio::pin!(shutdown);
    loop {
        tokio::select! {
            () = &mut shutdown => break,
            accepted = listener.accept() => {
                let Ok((stream, _)) = accepted else { continue };
                let receiver = Arc::clone(&receiver);
                connections.spawn(async move {
                    let service = hyper::service::service_fn(move |request| {
                        let receiver = Arc::clone(&receiver);
                        async move { Ok::<_, Infallible>(answer(&receiver, request).await) }
                    });
                    let _ = hyper::server::conn::http1::Builder::new()
                        .serve_connection(TokioIo::new(stream), service)
                        .await;
                });
            }
            Some(_) = connections.join_next(), if !connections.is_empty() => {}
        }
    }
    connections.shutdown().await;
}

/// Reads the raw body (bounded), then hands headers and bytes to [`Receiver::handle`].
async fn answer(receiver: &Receiver, request: Request<Incoming>) -> Response<Full<Bytes>> {
    let (parts, body) = request.into_parts();
    let (status, reason) = match Limited::new(body, MAX_BODY).collect().await {
        Ok(body) => receiver.handle(&parts.headers, &body.to_bytes()),
        Err(_) => (StatusCode::PAYLOAD_TOO_LARGE, "body too large"),
    };
    let mut response = Response::new(Full::new(Bytes::from_static(reason.as_bytes())));
    *response.status_mut() = status;
    response
}
