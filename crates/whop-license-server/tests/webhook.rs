//! Webhooks evict at once: after Whop says a membership was deactivated, its next refresh is
//! refused without waiting for the cache to expire, in each of Whop's webhook envelopes.

mod support;

use std::time::Duration;

use support::{license_key, membership, mock_builder, start};
use whop_mock::{WebhookEndpoint, WebhookScheme};
use whop_webhooks::Secret;

const SECRET: &str = "ws_test_webhook_secret";

/// How the mock delivers: one of Whop's envelopes.
type Envelope = fn(WebhookEndpoint) -> WebhookEndpoint;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_deactivation_delivered_by_webhook_refuses_the_next_refresh_at_once() {
    let schemes: [(&str, Envelope); 3] = [
        ("v1, unpinned", |e| e.scheme(WebhookScheme::Standard)),
        ("v1, Current API", |e| {
            e.scheme(WebhookScheme::Standard)
                .api_version_date("2026-09-15")
                .expect("a supported date")
        }),
        ("legacy", |e| e.scheme(WebhookScheme::Legacy)),
    ];
    for (name, scheme) in schemes {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}/v1/webhooks/whop", listener.local_addr().unwrap());
        let endpoint = scheme(WebhookEndpoint::new(&url, SECRET).unwrap())
            .retry_delay(Duration::from_millis(10));
        let mock = mock_builder()
            .membership(membership(1, Some("H")))
            .webhook(endpoint)
            .build();
        let setup = start(mock, |b| b.webhook_secret(Secret::new(SECRET).unwrap())).await;
        let server = setup.server.clone();
        let serving = tokio::spawn(async move { server.serve(listener).await });

        let token = setup.activate(&license_key(1), "H").await.token();
        assert_eq!(setup.refresh(&token).await.outcome(), "ok", "{name}");

        assert!(setup.mock.set_status("mem_00000001", "canceled", false));
        assert!(
            setup.mock.webhooks_settled(Duration::from_secs(10)).await,
            "{name}"
        );
        let attempts = setup.mock.webhook_attempts();
        assert!(
            attempts.iter().all(|a| a.succeeded()),
            "{name}: {attempts:?}"
        );

        // Well within the cache's freshness: only the eviction explains a refusal.
        assert_eq!(
            setup.refresh(&token).await.outcome(),
            "license_not_valid",
            "{name}"
        );
        assert!(
            setup
                .server
                .metrics_text()
                .contains(r#"whop_license_webhooks_total{result="evicted"}"#)
        );
        serving.abort();
    }
}

#[tokio::test]
async fn a_delivery_with_a_wrong_signature_is_refused() {
    let setup = start(mock_builder().build(), |b| {
        b.webhook_secret(Secret::new(SECRET).unwrap())
    })
    .await;
    let body = r#"{"action":"membership.went_invalid","data":{"id":"mem_1"}}"#;
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap();
    let headers = whop_webhooks::signed_headers(
        &Secret::new("ws_another_secret").unwrap(),
        whop_webhooks::Scheme::Legacy,
        None,
        now.as_secs(),
        body.as_bytes(),
    )
    .unwrap();
    let mut request = http::Request::post("/v1/webhooks/whop")
        .body(axum::body::Body::from(body))
        .unwrap();
    request.headers_mut().extend(headers);
    assert_eq!(setup.send(request).await.status, 401);
}
