//! Webhook delivery: when a mock membership changes, POST a signed event to the test's receiver.
//! What a user sees of it (the events, the bodies, the signatures, the retries) is documented on
//! [`MockWhopBuilder::webhook`](crate::MockWhopBuilder::webhook), where it renders.

use std::fmt;
use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use base64::Engine as _;
use base64::engine::general_purpose::{STANDARD, STANDARD_PAD_INDIFFERENT};
use bytes::Bytes;
use hmac::{Hmac, KeyInit, Mac};
use http::{HeaderMap, HeaderValue, Request, Uri, header};
use http_body_util::Full;
use hyper_util::rt::TokioIo;
use serde_json::{Value, json};
use sha2::Sha256;
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;
use tokio::net::TcpStream;
use tokio::sync::mpsc;

use crate::body::{self, Expand, Related};
use crate::seed::MockMembership;
use crate::version::{self, Resource};

mod deliver;
mod endpoint;
mod envelope;

use deliver::DeliveryWorker;
use endpoint::Envelope;
pub use endpoint::{
    DEFAULT_ATTEMPT_TIMEOUT, DEFAULT_RETRY_DELAYS, MAX_RETRIES, WebhookAttempt, WebhookEndpoint,
    WebhookEndpointError, WebhookScheme,
};
use envelope::{legacy_body, v1_body};

/// What changed about a membership, to choose the event types.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Change {
    CancelAtPeriodEnd,
    Validity {
        valid: bool,
    },
    Metadata,
    /// Anything else Whop reports only as `membership.updated` (a pause, a resume, an extend).
    Other,
}

/// The event types the mock sends, each in the envelopes that have it.
const CANCEL_AT_PERIOD_END_CHANGED: &str = "membership.cancel_at_period_end_changed";
const WENT_VALID: &str = "membership.went_valid";
const WENT_INVALID: &str = "membership.went_invalid";
const METADATA_UPDATED: &str = "membership.metadata_updated";
const ACTIVATED: &str = "membership.activated";
const DEACTIVATED: &str = "membership.deactivated";
const UPDATED: &str = "membership.updated";

impl Change {
    /// The events a change sends, in order. A pinned v1 webhook sends `membership.updated`
    /// after the specific event (Whop: "every `membership.activated` is also delivered as a
    /// `membership.updated`"; it fires on any change, metadata included).
    fn event_types(self, envelope: Envelope<'_>) -> &'static [&'static str] {
        match (self, envelope) {
            (Self::CancelAtPeriodEnd, Envelope::V1Current(_)) => {
                &[CANCEL_AT_PERIOD_END_CHANGED, UPDATED]
            }
            (Self::CancelAtPeriodEnd, _) => &[CANCEL_AT_PERIOD_END_CHANGED],
            (Self::Validity { valid: true }, Envelope::Legacy) => &[WENT_VALID],
            (Self::Validity { valid: false }, Envelope::Legacy) => &[WENT_INVALID],
            (Self::Validity { valid: true }, Envelope::V1LegacyShape(_)) => &[ACTIVATED],
            (Self::Validity { valid: false }, Envelope::V1LegacyShape(_)) => &[DEACTIVATED],
            (Self::Validity { valid: true }, Envelope::V1Current(_)) => &[ACTIVATED, UPDATED],
            (Self::Validity { valid: false }, Envelope::V1Current(_)) => &[DEACTIVATED, UPDATED],
            (Self::Metadata, Envelope::Legacy) => &[METADATA_UPDATED],
            (Self::Metadata | Self::Other, Envelope::V1Current(_)) => &[UPDATED],
            (Self::Metadata, Envelope::V1LegacyShape(_)) | (Self::Other, _) => &[],
        }
    }
}

/// An event rendered and waiting to be delivered.
struct Outgoing {
    event_type: String,
    membership_id: String,
    event_id: String,
    body: Bytes,
}

/// The mock's webhook sender: a queue to a delivery thread, and what it recorded.
pub(crate) struct Webhooks {
    endpoint: WebhookEndpoint,
    queue: mpsc::UnboundedSender<Outgoing>,
    shared: Arc<Shared>,
    next_event: u64,
}

impl fmt::Debug for Webhooks {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Webhooks")
            .field("endpoint", &self.endpoint)
            .finish_non_exhaustive()
    }
}

#[derive(Default)]
struct Shared {
    attempts: Mutex<Vec<WebhookAttempt>>,
    in_flight: AtomicUsize,
}

impl Webhooks {
    /// Starts the delivery thread. It ends when the mock (and so the queue) is dropped.
    pub(crate) fn start(endpoint: WebhookEndpoint) -> Self {
        let (queue, receiver) = mpsc::unbounded_channel();
        let shared = Arc::new(Shared::default());
        let worker = DeliveryWorker {
            endpoint: endpoint.clone(),
            shared: Arc::clone(&shared),
        };
        std::thread::Builder::new()
            .name("whop-mock-webhooks".to_owned())
            .spawn(move || worker.run(receiver))
            .expect("the mock starts its webhook delivery thread");
        Self {
            endpoint,
            queue,
            shared,
            next_event: 1,
        }
    }
}

impl Webhooks {
    /// Sends the events for `change` of a membership, from how it was (`before`) to how it is
    /// now (`after`, with its `related` objects), if the endpoint's envelope has such events.
    /// The hook for every state change that Whop reports.
    pub(crate) fn emit(
        &mut self,
        change: Change,
        before: &MockMembership,
        after: &MockMembership,
        related: &Related,
    ) {
        for event_type in change.event_types(self.endpoint.envelope()) {
            self.emit_type(event_type, Some(before), after, related);
        }
    }

    /// Sends an event of `event_type` about `membership` (as it is now; `before` is how it was,
    /// when a change sends it, for `previous_attributes`).
    pub(crate) fn emit_type(
        &mut self,
        event_type: &str,
        before: Option<&MockMembership>,
        membership: &MockMembership,
        related: &Related,
    ) {
        let event_id = format!("msg_mock{:020}", self.next_event);
        self.next_event += 1;
        let body = match self.endpoint.envelope() {
            Envelope::Legacy => legacy_body(
                event_type,
                self.endpoint.legacy_object_key,
                membership,
                related,
            ),
            envelope => v1_body(&event_id, event_type, envelope, before, membership, related),
        };
        self.shared.in_flight.fetch_add(1, Ordering::SeqCst);
        let outgoing = Outgoing {
            event_type: event_type.to_owned(),
            membership_id: membership.id.clone(),
            event_id,
            body: Bytes::from(body.to_string()),
        };
        if self.queue.send(outgoing).is_err() {
            // The delivery thread is gone (it could not start a runtime): nothing will come.
            self.shared.in_flight.fetch_sub(1, Ordering::SeqCst);
        }
    }

    /// Every delivery attempt so far, in order.
    pub(crate) fn attempts(&self) -> Vec<WebhookAttempt> {
        self.shared
            .attempts
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }

    /// How many events are sent and not yet delivered or given up on; shared with the delivery
    /// thread, so it can be watched without the mock's lock.
    pub(crate) fn in_flight(&self) -> InFlight {
        InFlight(Arc::clone(&self.shared))
    }
}

/// The count of events not yet delivered or given up on, from [`Webhooks::in_flight`].
pub(crate) struct InFlight(Arc<Shared>);

impl InFlight {
    pub(crate) fn is_zero(&self) -> bool {
        self.0.in_flight.load(Ordering::SeqCst) == 0
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::MockWhop;

    #[test]
    fn only_loopback_http_urls_are_accepted() {
        assert!(WebhookEndpoint::new("http://127.0.0.1:8080/hook", "ws_x").is_ok());
        assert!(WebhookEndpoint::new("http://localhost:8080/", "ws_x").is_ok());
        assert!(WebhookEndpoint::new("http://[::1]:8080/", "ws_x").is_ok());
        for refused in [
            "https://127.0.0.1:8080/",
            "http://10.0.0.1/",
            "http://example.com/",
            "not a url",
        ] {
            assert!(WebhookEndpoint::new(refused, "ws_x").is_err(), "{refused}");
        }
        assert!(WebhookEndpoint::new("http://127.0.0.1:1/", "").is_err());
        assert!(WebhookEndpoint::new("http://127.0.0.1:1/", "whsec_!!").is_err());
    }

    #[test]
    fn debug_never_shows_the_secret() {
        let endpoint = WebhookEndpoint::new("http://127.0.0.1:1/", "ws_do_not_print").unwrap();
        assert!(!format!("{endpoint:?}").contains("do_not_print"));
    }

    #[test]
    fn each_change_sends_the_events_of_its_envelope() {
        let unpinned = Envelope::V1LegacyShape(None);
        let pinned = Envelope::V1Current("2026-09-15");
        let cases: [(Change, Envelope<'_>, &[&str]); 15] = [
            (
                Change::CancelAtPeriodEnd,
                Envelope::Legacy,
                &[CANCEL_AT_PERIOD_END_CHANGED],
            ),
            (
                Change::CancelAtPeriodEnd,
                unpinned,
                &[CANCEL_AT_PERIOD_END_CHANGED],
            ),
            (
                Change::CancelAtPeriodEnd,
                pinned,
                &[CANCEL_AT_PERIOD_END_CHANGED, UPDATED],
            ),
            (
                Change::Validity { valid: true },
                Envelope::Legacy,
                &[WENT_VALID],
            ),
            (Change::Validity { valid: true }, unpinned, &[ACTIVATED]),
            (
                Change::Validity { valid: true },
                pinned,
                &[ACTIVATED, UPDATED],
            ),
            (
                Change::Validity { valid: false },
                Envelope::Legacy,
                &[WENT_INVALID],
            ),
            (Change::Validity { valid: false }, unpinned, &[DEACTIVATED]),
            (
                Change::Validity { valid: false },
                pinned,
                &[DEACTIVATED, UPDATED],
            ),
            (Change::Metadata, Envelope::Legacy, &[METADATA_UPDATED]),
            (Change::Metadata, unpinned, &[]),
            (Change::Metadata, pinned, &[UPDATED]),
            (Change::Other, Envelope::Legacy, &[]),
            (Change::Other, unpinned, &[]),
            (Change::Other, pinned, &[UPDATED]),
        ];
        for (change, envelope, expected) in cases {
            assert_eq!(
                change.event_types(envelope),
                expected,
                "{change:?} {envelope:?}"
            );
        }
    }

    #[test]
    fn only_a_supported_date_pins_an_endpoint() {
        let endpoint = || WebhookEndpoint::new("http://127.0.0.1:1/", "ws_x").unwrap();
        for date in crate::SUPPORTED_API_VERSION_DATES {
            assert!(endpoint().api_version_date(date).is_ok(), "{date}");
        }
        for date in ["2026-09-14", "", "latest", "2026-09-15 "] {
            assert!(endpoint().api_version_date(date).is_err(), "{date:?}");
        }
        let legacy = endpoint()
            .api_version_date(crate::LEGACY_API_VERSION_DATE)
            .unwrap();
        assert_eq!(
            legacy.envelope(),
            Envelope::V1LegacyShape(Some(crate::LEGACY_API_VERSION_DATE))
        );
    }

    /// A receiver on loopback that answers each request with the next status of `statuses`
    /// (then 200), and stops after `statuses.len() + 1` requests or when dropped.
    async fn receiver(statuses: Vec<u16>) -> (String, tokio::task::JoinHandle<Vec<String>>) {
        use tokio::io::{AsyncReadExt, AsyncWriteExt};
        let listener = tokio::net::TcpListener::bind((Ipv4Addr::LOCALHOST, 0))
            .await
            .unwrap();
        let url = format!("http://{}/hooks", listener.local_addr().unwrap());
        let task = tokio::spawn(async move {
            let mut requests = Vec::new();
            for status in statuses.into_iter().chain([200]) {
                let (mut stream, _) = listener.accept().await.unwrap();
                let mut seen = Vec::new();
                let mut buffer = [0u8; 4096];
                // Headers and a small body arrive at once; read until the body is complete.
                loop {
                    let n = stream.read(&mut buffer).await.unwrap();
                    seen.extend_from_slice(&buffer[..n]);
                    let text = String::from_utf8_lossy(&seen).to_string();
                    if let Some((head, body)) = text.split_once("\r\n\r\n") {
                        let length: usize = head
                            .lines()
                            .find_map(|l| {
                                l.to_ascii_lowercase()
                                    .strip_prefix("content-length: ")
                                    .map(str::to_owned)
                            })
                            .and_then(|v| v.trim().parse().ok())
                            .unwrap_or(0);
                        if body.len() >= length || n == 0 {
                            requests.push(text);
                            break;
                        }
                    }
                }
                let answer = format!(
                    "HTTP/1.1 {status} X\r\ncontent-length: 0\r\nconnection: close\r\n\r\n"
                );
                stream.write_all(answer.as_bytes()).await.unwrap();
            }
            requests
        });
        (url, task)
    }

    #[tokio::test]
    async fn a_delivery_answered_500_is_retried_with_the_same_id() {
        let (url, receiver) = receiver(vec![500, 503]).await;
        let endpoint = WebhookEndpoint::new(&url, "ws_test")
            .unwrap()
            .retry_delay(Duration::from_millis(5));
        let mock = MockWhop::builder()
            .membership(crate::MockMembership::new("mem_1"))
            .webhook(endpoint)
            .build();
        assert!(mock.set_status("mem_1", "canceled", false));
        assert!(mock.webhooks_settled(Duration::from_secs(10)).await);
        let attempts = mock.webhook_attempts();
        let statuses: Vec<_> = attempts.iter().map(|a| a.status).collect();
        assert_eq!(statuses, [Some(500), Some(503), Some(200)]);
        assert!(
            attempts
                .iter()
                .all(|a| a.event_type == "membership.deactivated")
        );
        assert!(
            attempts
                .iter()
                .all(|a| a.headers["webhook-id"] == attempts[0].headers["webhook-id"])
        );
        let requests = receiver.await.unwrap();
        assert_eq!(requests.len(), 3);
        assert!(
            requests[0].starts_with("POST /hooks HTTP/1.1"),
            "{}",
            requests[0]
        );
        assert!(
            requests[0].contains("\"type\":\"membership.deactivated\""),
            "{}",
            requests[0]
        );
    }

    #[tokio::test]
    async fn a_delivery_is_given_up_after_three_retries() {
        let (url, _receiver) = receiver(vec![500, 500, 500, 500]).await;
        let endpoint = WebhookEndpoint::new(&url, "ws_test")
            .unwrap()
            .scheme(WebhookScheme::Legacy)
            .retry_delay(Duration::from_millis(5));
        let mock = MockWhop::builder()
            .membership(crate::MockMembership::new("mem_1"))
            .webhook(endpoint)
            .build();
        assert!(mock.set_metadata("mem_1", json!({"hwid": "abc"})));
        assert!(mock.webhooks_settled(Duration::from_secs(10)).await);
        let attempts = mock.webhook_attempts();
        assert_eq!(attempts.len(), 1 + MAX_RETRIES);
        assert!(attempts.iter().all(|a| a.status == Some(500)));
        assert!(
            attempts
                .iter()
                .all(|a| a.event_type == "membership.metadata_updated")
        );
        let signature = attempts[0].headers["x-whop-signature"].to_str().unwrap();
        assert!(
            signature.starts_with("t=") && signature.contains(",v1="),
            "{signature}"
        );
    }

    #[tokio::test]
    async fn an_unreachable_receiver_counts_as_a_failed_attempt() {
        let port = std::net::TcpListener::bind((Ipv4Addr::LOCALHOST, 0))
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let endpoint = WebhookEndpoint::new(&format!("http://127.0.0.1:{port}/"), "ws_test")
            .unwrap()
            .retry_delay(Duration::from_millis(1));
        let mock = MockWhop::builder()
            .membership(crate::MockMembership::new("mem_1"))
            .webhook(endpoint)
            .build();
        assert!(mock.emit_webhook("membership.trial_ending_soon", "mem_1"));
        assert!(mock.webhooks_settled(Duration::from_secs(10)).await);
        let attempts = mock.webhook_attempts();
        assert_eq!(attempts.len(), 1 + MAX_RETRIES);
        assert!(
            attempts
                .iter()
                .all(|a| a.status.is_none() && a.error.is_some())
        );
    }

    /// The bodies of the first attempt of each event sent to a closed port after `change`.
    async fn bodies_after(endpoint: WebhookEndpoint, change: impl FnOnce(&MockWhop)) -> Vec<Value> {
        let mock = MockWhop::builder()
            .membership(crate::MockMembership::new("mem_1"))
            .webhook(endpoint.retry_delay(Duration::from_millis(1)))
            .build();
        change(&mock);
        assert!(mock.webhooks_settled(Duration::from_secs(10)).await);
        mock.webhook_attempts()
            .iter()
            .filter(|a| a.attempt == 1)
            .map(|a| serde_json::from_slice(&a.body).unwrap())
            .collect()
    }

    fn closed_port() -> WebhookEndpoint {
        let port = std::net::TcpListener::bind((Ipv4Addr::LOCALHOST, 0))
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        WebhookEndpoint::new(&format!("http://127.0.0.1:{port}/"), "ws_test").unwrap()
    }

    #[tokio::test]
    async fn a_pinned_webhook_sends_its_version_account_id_and_the_current_membership() {
        let endpoint = closed_port().api_version_date("2026-09-15").unwrap();
        let bodies = bodies_after(endpoint, |mock| {
            assert!(mock.set_status("mem_1", "canceled", false));
        })
        .await;
        let types: Vec<_> = bodies.iter().map(|b| b["type"].clone()).collect();
        assert_eq!(
            types,
            [json!("membership.deactivated"), json!("membership.updated")]
        );
        for body in &bodies {
            assert_eq!(body["api_version_date"], "2026-09-15");
            assert_eq!(body["account_id"], crate::DEFAULT_COMPANY_ID);
            assert!(body.get("company_id").is_none(), "{body}");
            assert_eq!(body["data"]["account"]["id"], crate::DEFAULT_COMPANY_ID);
            assert!(body["data"].get("company").is_none(), "{body}");
            assert_eq!(body["data"]["status"], "canceled");
        }
        assert!(bodies[0].get("previous_attributes").is_none());
        assert_eq!(
            bodies[1]["previous_attributes"],
            json!({"status": "active"})
        );
    }

    #[tokio::test]
    async fn a_pinned_webhook_reports_a_metadata_change_as_updated_with_the_old_metadata() {
        let endpoint = closed_port().api_version_date("2026-09-15").unwrap();
        let bodies = bodies_after(endpoint, |mock| {
            assert!(mock.set_metadata("mem_1", json!({"hwid": "A"})));
        })
        .await;
        assert_eq!(bodies.len(), 1);
        assert_eq!(bodies[0]["type"], "membership.updated");
        assert_eq!(bodies[0]["data"]["metadata"], json!({"hwid": "A"}));
        assert_eq!(bodies[0]["previous_attributes"], json!({"metadata": {}}));
    }

    #[tokio::test]
    async fn an_unpinned_v1_webhook_sends_a_null_version_company_id_and_the_legacy_membership() {
        let bodies = bodies_after(closed_port(), |mock| {
            assert!(mock.set_status("mem_1", "canceled", false));
        })
        .await;
        assert_eq!(bodies.len(), 1);
        assert_eq!(bodies[0]["type"], "membership.deactivated");
        assert_eq!(bodies[0]["api_version_date"], Value::Null);
        assert_eq!(bodies[0]["company_id"], crate::DEFAULT_COMPANY_ID);
        assert!(bodies[0].get("account_id").is_none());
        assert_eq!(
            bodies[0]["data"]["company"]["id"],
            crate::DEFAULT_COMPANY_ID
        );
    }

    #[tokio::test]
    async fn unchanged_state_sends_nothing() {
        let endpoint = WebhookEndpoint::new("http://127.0.0.1:9/", "ws_test").unwrap();
        let mock = MockWhop::builder()
            .membership(crate::MockMembership::new("mem_1"))
            .webhook(endpoint)
            .build();
        assert!(mock.set_status("mem_1", "active", true));
        assert!(mock.set_metadata("mem_1", json!({})));
        assert!(!mock.set_status("mem_nope", "active", false));
        assert!(mock.webhooks_settled(Duration::from_secs(1)).await);
        assert!(mock.webhook_attempts().is_empty());
    }
}
