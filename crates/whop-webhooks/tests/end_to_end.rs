//! End to end on loopback: whop-mock delivers signed events after a cancel (or another change)
//! to the example receiver (`examples/receiver/app.rs`, the same code), which verifies them with
//! this crate and decodes them; a delivery answered 500 is retried.

#[path = "../examples/receiver/app.rs"]
mod app;

use std::net::Ipv4Addr;
use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;
use tokio::net::TcpListener;
use tokio::sync::oneshot;
use tower::ServiceExt;
use whop_mock::{MockMembership, MockWhop, WebhookEndpoint, WebhookScheme};
use whop_webhooks::{Event, LegacyPayload, ObjectKey, Scheme, Secret, V1Payload, Verifier};

const SECRET: &str = "ws_e2e_3b1f0c9a";
const COMPANY_KEY: &str = "company-key-e2e";
const MEMBERSHIP: &str = "mem_e2e000000001";
const SETTLE: Duration = Duration::from_secs(10);

/// The example receiver served on a free loopback port until the returned sender is dropped
/// or fired.
struct Running {
    url: String,
    receiver: Arc<app::Receiver>,
    stop: Option<oneshot::Sender<()>>,
    task: tokio::task::JoinHandle<()>,
}

impl Running {
    async fn start(receiver: app::Receiver) -> Self {
        let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, 0)).await.unwrap();
        let url = format!("http://{}/webhooks/whop", listener.local_addr().unwrap());
        let receiver = Arc::new(receiver);
        let (stop, stopped) = oneshot::channel::<()>();
        let task = tokio::spawn(app::serve(listener, Arc::clone(&receiver), async {
            let _ = stopped.await;
        }));
        Self {
            url,
            receiver,
            stop: Some(stop),
            task,
        }
    }

    async fn stop(mut self) {
        let _ = self.stop.take().map(|stop| stop.send(()));
        tokio::time::timeout(SETTLE, &mut self.task)
            .await
            .expect("the receiver stops")
            .expect("the receiver task ends cleanly");
    }
}

fn mock(endpoint: WebhookEndpoint) -> MockWhop {
    MockWhop::builder()
        .membership(MockMembership::new(MEMBERSHIP).license_key("KEY-E2E"))
        .company_token(COMPANY_KEY)
        .no_rate_limits()
        .webhook(endpoint.retry_delay(Duration::from_millis(10)))
        .build()
}

async fn cancel(mock: &MockWhop) {
    let request = http::Request::post(format!("/api/v2/memberships/{MEMBERSHIP}/cancel"))
        .header("authorization", format!("Bearer {COMPANY_KEY}"))
        .body(Bytes::new())
        .unwrap();
    let response = mock.clone().oneshot(request).await.unwrap();
    assert_eq!(response.status(), 201);
}

fn verifier() -> Verifier {
    Verifier::new(Secret::new(SECRET).unwrap())
}

#[tokio::test]
async fn a_cancel_is_delivered_signed_retried_after_a_500_verified_and_decoded() {
    let running = Running::start(app::Receiver::new(verifier()).fail_first(1)).await;
    let mock = mock(WebhookEndpoint::new(&running.url, SECRET).unwrap());

    cancel(&mock).await;
    assert!(mock.webhooks_settled(SETTLE).await, "deliveries settle");

    let attempts = mock.webhook_attempts();
    let statuses: Vec<_> = attempts.iter().map(|a| a.status).collect();
    assert_eq!(statuses, [Some(500), Some(200)], "{attempts:#?}");
    let handled = running.receiver.handled();
    assert_eq!(handled.len(), 1);
    let (delivery, action) = &handled[0];
    assert_eq!(delivery.verified.scheme(), Scheme::Standard);
    assert_eq!(
        delivery.verified.webhook_id(),
        Some(attempts[1].event_id.as_str())
    );
    let Event::V1(event) = &delivery.event else {
        panic!("a v1 event, got {:?}", delivery.event);
    };
    let V1Payload::MembershipCancelAtPeriodEndChanged(membership) = &event.payload else {
        panic!("cancel_at_period_end_changed, got {}", event.payload.kind());
    };
    assert_eq!(membership.id.as_str(), MEMBERSHIP);
    assert_eq!(membership.cancel_at_period_end, Some(true));
    assert_eq!(membership.license_key.as_ref().unwrap().as_str(), "KEY-E2E");
    assert!(membership.company.is_some() && membership.created_at.is_some());
    assert_eq!(action, &format!("{MEMBERSHIP} cancels at period end: true"));

    // Cancelling again changes nothing, so nothing more is sent.
    cancel(&mock).await;
    assert!(mock.webhooks_settled(SETTLE).await);
    assert_eq!(mock.webhook_attempts().len(), 2);
    running.stop().await;
}

#[tokio::test]
async fn legacy_validity_and_metadata_changes_arrive_as_typed_legacy_events() {
    let running = Running::start(app::Receiver::new(verifier())).await;
    let endpoint = WebhookEndpoint::new(&running.url, SECRET)
        .unwrap()
        .scheme(WebhookScheme::Legacy)
        .legacy_object_under_body();
    let mock = mock(endpoint);

    assert!(mock.set_status(MEMBERSHIP, "expired", false));
    assert!(mock.set_metadata(MEMBERSHIP, serde_json::json!({"hwid": "A1"})));
    assert!(mock.set_status(MEMBERSHIP, "active", true));
    assert!(mock.webhooks_settled(SETTLE).await);

    assert!(
        mock.webhook_attempts()
            .iter()
            .all(|a| a.status == Some(200))
    );
    let handled = running.receiver.handled();
    let kinds: Vec<_> = handled.iter().map(|(d, _)| d.event.kind()).collect();
    assert_eq!(
        kinds,
        [
            "membership.went_invalid",
            "membership.metadata_updated",
            "membership.went_valid"
        ]
    );
    for (delivery, _) in &handled {
        assert_eq!(delivery.verified.scheme(), Scheme::Legacy);
        let Event::Legacy(event) = &delivery.event else {
            panic!("a legacy event");
        };
        assert_eq!(event.object_key, ObjectKey::Body);
        let membership = event
            .payload
            .membership()
            .expect("a typed membership event");
        assert_eq!(membership.id.as_str(), MEMBERSHIP);
        assert!(
            membership
                .user
                .as_ref()
                .is_some_and(|u| u.as_object().is_some())
        );
    }
    let Event::Legacy(event) = &handled[1].0.event else {
        unreachable!()
    };
    let LegacyPayload::MembershipMetadataUpdated(membership) = &event.payload else {
        panic!("metadata_updated");
    };
    assert_eq!(membership.metadata_value("hwid").unwrap(), "A1");
    running.stop().await;
}

#[tokio::test]
async fn a_receiver_with_another_secret_answers_401_and_every_retry_is_refused() {
    let other = Verifier::new(Secret::new("ws_some_other_secret").unwrap());
    let running = Running::start(app::Receiver::new(other)).await;
    let mock = mock(WebhookEndpoint::new(&running.url, SECRET).unwrap());

    cancel(&mock).await;
    assert!(mock.webhooks_settled(SETTLE).await);

    let attempts = mock.webhook_attempts();
    assert_eq!(attempts.len(), 1 + whop_mock::MAX_RETRIES);
    assert!(attempts.iter().all(|a| a.status == Some(401)));
    assert!(running.receiver.handled().is_empty());
    running.stop().await;
}

#[tokio::test]
async fn the_receiver_acknowledges_a_repeated_delivery_without_handling_it_twice() {
    let receiver = app::Receiver::new(verifier());
    let mock = mock(WebhookEndpoint::new("http://127.0.0.1:9/", SECRET).unwrap());
    // Take a real signed delivery from the mock (its first attempt, to a closed port)...
    assert!(mock.emit_webhook("membership.trial_ending_soon", MEMBERSHIP));
    assert!(mock.webhooks_settled(SETTLE).await);
    let attempt = mock.webhook_attempts().remove(0);
    // ...and hand it to the receiver twice, as an at-least-once sender may.
    let first = receiver.handle(&attempt.headers, &attempt.body);
    let second = receiver.handle(&attempt.headers, &attempt.body);
    assert_eq!(first, (http::StatusCode::OK, "ok"));
    assert_eq!(second, (http::StatusCode::OK, "duplicate"));
    assert_eq!(receiver.handled().len(), 1);
    assert!(matches!(
        &receiver.handled()[0].0.event,
        Event::V1(e) if matches!(e.payload, V1Payload::MembershipTrialEndingSoon(_))
    ));
    // A body that is not the signed one is refused.
    let tampered = [&attempt.body[..], b" "].concat();
    assert_eq!(
        receiver.handle(&attempt.headers, &tampered),
        (http::StatusCode::UNAUTHORIZED, "signature refused")
    );
}
