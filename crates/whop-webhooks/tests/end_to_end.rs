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
use whop_models::MembershipStatus;
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

/// How a case's webhook is configured.
#[derive(Debug, Clone, Copy)]
enum Config {
    /// Legacy scheme, object under `data`.
    Legacy,
    /// Legacy scheme, object under `body` (Whop's v2 examples).
    LegacyBody,
    /// Standard Webhooks, unpinned (the 2025 Legacy membership).
    V1Unpinned,
    /// Standard Webhooks pinned to the version the SDK pins (the Current API's membership).
    V1Pinned,
}

impl Config {
    fn endpoint(self, url: &str) -> WebhookEndpoint {
        let endpoint = WebhookEndpoint::new(url, SECRET).unwrap();
        match self {
            Self::Legacy => endpoint.scheme(WebhookScheme::Legacy),
            Self::LegacyBody => endpoint
                .scheme(WebhookScheme::Legacy)
                .legacy_object_under_body(),
            Self::V1Unpinned => endpoint,
            Self::V1Pinned => endpoint.api_version_date(PINNED).unwrap(),
        }
    }
}

/// The `Api-Version-Date` of a pinned webhook in these tests: the date the SDK pins.
const PINNED: &str = "2026-09-15";

/// What a case does to the mock's membership.
#[derive(Debug, Clone, Copy)]
enum Step {
    /// `POST /api/v2/memberships/{id}/cancel`.
    CancelV2,
    /// The membership stops granting access.
    Invalid,
    /// The membership grants access again.
    Valid,
    /// Its metadata changes (a license key bound to a machine).
    Metadata,
    /// `MockWhop::emit_webhook` with this event type.
    Emit(&'static str),
    /// A Current API call at the pinned version: method, path after the membership, JSON body.
    V1(&'static str, &'static str, &'static str),
}

/// The Current API calls of the table, at the version the SDK pins.
const V1_CANCEL_AT_PERIOD_END: Step =
    Step::V1("POST", "/cancel", r#"{"cancel_at_period_end":true}"#);
const V1_CANCEL_NOW: Step = Step::V1("POST", "/cancel", r#"{"cancel_at_period_end":false}"#);
const V1_UNDO_CANCEL: Step = Step::V1("PATCH", "", r#"{"cancel_at_period_end":false}"#);
const V1_MERGE_METADATA: Step = Step::V1("PATCH", "", r#"{"metadata":{"hwid":"A"}}"#);
const V1_PAUSE: Step = Step::V1("POST", "/pause", "{}");
const V1_RESUME: Step = Step::V1("POST", "/resume", "{}");
const V1_EXTEND: Step = Step::V1("POST", "/extend", r#"{"days":7}"#);

async fn call_v1(mock: &MockWhop, method: &str, path: &str, body: &'static str) {
    let request = http::Request::builder()
        .method(method)
        .uri(format!("/api/v1/memberships/{MEMBERSHIP}{path}"))
        .header("authorization", format!("Bearer {COMPANY_KEY}"))
        .header("api-version-date", PINNED)
        .header("content-type", "application/json")
        .body(Bytes::from_static(body.as_bytes()))
        .unwrap();
    let response = mock.clone().oneshot(request).await.unwrap();
    assert!(
        response.status().is_success(),
        "{method} {path}: {}",
        response.status()
    );
}

async fn run(step: Step, mock: &MockWhop) {
    match step {
        Step::CancelV2 => cancel(mock).await,
        Step::Invalid => assert!(mock.set_status(MEMBERSHIP, "canceled", false)),
        Step::Valid => assert!(mock.set_status(MEMBERSHIP, "active", true)),
        Step::Metadata => assert!(mock.set_metadata(MEMBERSHIP, serde_json::json!({"hwid": "A"}))),
        Step::Emit(kind) => assert!(mock.emit_webhook(kind, MEMBERSHIP)),
        Step::V1(method, path, body) => call_v1(mock, method, path, body).await,
    }
}

/// `<envelope> <event type>` for a typed event; `None` for `Unknown`.
fn typed(event: &Event) -> Option<String> {
    let (envelope, unknown) = match event {
        Event::Legacy(e) => ("legacy", matches!(e.payload, LegacyPayload::Unknown { .. })),
        Event::V1(e) => ("v1", matches!(e.payload, V1Payload::Unknown { .. })),
        Event::Current(e) => ("current", matches!(e.payload, V1Payload::Unknown { .. })),
        _ => return None,
    };
    (!unknown).then(|| format!("{envelope} {}", event.kind()))
}

#[tokio::test]
async fn every_event_the_mock_delivers_decodes_into_a_typed_variant() {
    use Config::*;
    use Step::*;
    let cases: &[(Config, &[Step], &[&str])] = &[
        (
            Legacy,
            &[CancelV2],
            &["legacy membership.cancel_at_period_end_changed"],
        ),
        (Legacy, &[Invalid], &["legacy membership.went_invalid"]),
        (
            Legacy,
            &[Invalid, Valid],
            &[
                "legacy membership.went_invalid",
                "legacy membership.went_valid",
            ],
        ),
        (Legacy, &[Metadata], &["legacy membership.metadata_updated"]),
        (
            LegacyBody,
            &[CancelV2],
            &["legacy membership.cancel_at_period_end_changed"],
        ),
        (
            LegacyBody,
            &[Metadata],
            &["legacy membership.metadata_updated"],
        ),
        (
            V1Unpinned,
            &[CancelV2],
            &["v1 membership.cancel_at_period_end_changed"],
        ),
        (V1Unpinned, &[Invalid], &["v1 membership.deactivated"]),
        (
            V1Unpinned,
            &[Invalid, Valid],
            &["v1 membership.deactivated", "v1 membership.activated"],
        ),
        (V1Unpinned, &[Metadata], &[]),
        (
            V1Unpinned,
            &[Emit("membership.trial_ending_soon")],
            &["v1 membership.trial_ending_soon"],
        ),
        (
            V1Pinned,
            &[CancelV2],
            &[
                "current membership.cancel_at_period_end_changed",
                "current membership.updated",
            ],
        ),
        (
            V1Pinned,
            &[Invalid],
            &[
                "current membership.deactivated",
                "current membership.updated",
            ],
        ),
        (
            V1Pinned,
            &[Invalid, Valid],
            &[
                "current membership.deactivated",
                "current membership.updated",
                "current membership.activated",
                "current membership.updated",
            ],
        ),
        (V1Pinned, &[Metadata], &["current membership.updated"]),
        (
            V1Pinned,
            &[Emit("membership.trial_ending_soon")],
            &["current membership.trial_ending_soon"],
        ),
    ];
    let cancel = "current membership.cancel_at_period_end_changed";
    let updated = "current membership.updated";
    let v1_calls: &[(Config, &[Step], &[&str])] = &[
        (
            Legacy,
            &[V1_CANCEL_AT_PERIOD_END],
            &["legacy membership.cancel_at_period_end_changed"],
        ),
        (
            Legacy,
            &[V1_CANCEL_NOW],
            &["legacy membership.went_invalid"],
        ),
        (
            Legacy,
            &[V1_MERGE_METADATA],
            &["legacy membership.metadata_updated"],
        ),
        (Legacy, &[V1_PAUSE, V1_RESUME, V1_EXTEND], &[]),
        (
            V1Unpinned,
            &[V1_CANCEL_AT_PERIOD_END, V1_UNDO_CANCEL],
            &[
                "v1 membership.cancel_at_period_end_changed",
                "v1 membership.cancel_at_period_end_changed",
            ],
        ),
        (V1Unpinned, &[V1_CANCEL_NOW], &["v1 membership.deactivated"]),
        (V1Unpinned, &[V1_PAUSE, V1_RESUME, V1_EXTEND], &[]),
        (V1Pinned, &[V1_CANCEL_AT_PERIOD_END], &[cancel, updated]),
        (
            V1Pinned,
            &[V1_CANCEL_AT_PERIOD_END, V1_UNDO_CANCEL],
            &[cancel, updated, cancel, updated],
        ),
        (
            V1Pinned,
            &[V1_CANCEL_NOW],
            &["current membership.deactivated", updated],
        ),
        (V1Pinned, &[V1_MERGE_METADATA], &[updated]),
        (V1Pinned, &[V1_PAUSE, V1_RESUME], &[updated, updated]),
        (V1Pinned, &[V1_EXTEND], &[updated]),
    ];
    for (config, steps, expected) in cases.iter().chain(v1_calls) {
        let case = format!("{config:?} {steps:?}");
        let running = Running::start(app::Receiver::new(verifier())).await;
        let mock = mock(config.endpoint(&running.url));
        for step in *steps {
            run(*step, &mock).await;
        }
        assert!(
            mock.webhooks_settled(SETTLE).await,
            "{case}: deliveries settle"
        );
        let handled = running.receiver.handled();
        let kinds: Vec<_> = handled.iter().map(|(d, _)| typed(&d.event)).collect();
        let expected: Vec<_> = expected.iter().map(|k| Some((*k).to_owned())).collect();
        assert_eq!(kinds, expected, "{case}");
        for (delivery, action) in &handled {
            assert_eq!(delivery.event.membership_id(), Some(MEMBERSHIP), "{case}");
            assert!(
                !action.starts_with("ignore"),
                "{case}: the receiver {action}"
            );
        }
        running.stop().await;
    }
}

#[tokio::test]
async fn a_pinned_cancel_arrives_as_the_current_membership_with_what_changed() {
    let running = Running::start(app::Receiver::new(verifier())).await;
    let mock = mock(Config::V1Pinned.endpoint(&running.url));

    cancel(&mock).await;
    assert!(mock.webhooks_settled(SETTLE).await);

    let handled = running.receiver.handled();
    assert_eq!(handled.len(), 2);
    for (delivery, _) in &handled {
        let Event::Current(event) = &delivery.event else {
            panic!("a Current API event, got {:?}", delivery.event);
        };
        assert_eq!(event.api_version_date.as_deref(), Some(PINNED));
        assert_eq!(
            event.business_id().map(|id| id.as_str()),
            Some(whop_mock::DEFAULT_COMPANY_ID)
        );
        let membership = event
            .payload
            .membership()
            .expect("a typed membership event");
        assert_eq!(membership.cancel_at_period_end, Some(true));
        assert_eq!(membership.status, Some(MembershipStatus::Canceling));
        assert_eq!(membership.license_key.as_ref().unwrap().as_str(), "KEY-E2E");
        assert_eq!(
            membership.account.as_ref().map(|a| a.id.as_str()),
            Some(whop_mock::DEFAULT_COMPANY_ID)
        );
    }
    let Event::Current(updated) = &handled[1].0.event else {
        unreachable!()
    };
    assert!(matches!(updated.payload, V1Payload::MembershipUpdated(_)));
    assert_eq!(
        updated.previous_attributes,
        serde_json::json!({"cancel_at_period_end": false, "status": "active"})
            .as_object()
            .cloned()
    );
    assert_eq!(
        handled[1].1,
        format!("re-read {MEMBERSHIP} (cancel_at_period_end, status changed)")
    );
    running.stop().await;
}

#[tokio::test]
async fn a_repeated_legacy_delivery_is_a_duplicate_and_the_next_event_is_not() {
    let receiver = app::Receiver::new(verifier());
    let endpoint = WebhookEndpoint::new("http://127.0.0.1:9/", SECRET)
        .unwrap()
        .scheme(WebhookScheme::Legacy);
    let mock = mock(endpoint);
    // Two real signed deliveries from the mock (to a closed port): a cancel and a metadata change.
    cancel(&mock).await;
    assert!(mock.set_metadata(MEMBERSHIP, serde_json::json!({"hwid": "A"})));
    assert!(mock.webhooks_settled(SETTLE).await);
    let attempts = mock.webhook_attempts();
    let cancel_attempts: Vec<_> = attempts
        .iter()
        .filter(|a| a.event_type.contains("cancel"))
        .collect();
    let metadata = attempts
        .iter()
        .find(|a| a.event_type.contains("metadata"))
        .unwrap();
    // The first attempt and a retry (signed afresh, at another timestamp if the clock moved)...
    assert_eq!(cancel_attempts[0].body, cancel_attempts[1].body);
    assert_eq!(
        receiver.handle(&cancel_attempts[0].headers, &cancel_attempts[0].body),
        (http::StatusCode::OK, "ok")
    );
    assert_eq!(
        receiver.handle(&cancel_attempts[1].headers, &cancel_attempts[1].body),
        (http::StatusCode::OK, "duplicate")
    );
    // ...while another event about the same membership is handled.
    assert_eq!(
        receiver.handle(&metadata.headers, &metadata.body),
        (http::StatusCode::OK, "ok")
    );
    let kinds: Vec<_> = receiver
        .handled()
        .iter()
        .map(|(d, _)| d.event.kind().to_owned())
        .collect();
    assert_eq!(
        kinds,
        [
            "membership.cancel_at_period_end_changed",
            "membership.metadata_updated"
        ]
    );
}
