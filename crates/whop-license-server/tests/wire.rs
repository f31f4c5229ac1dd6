//! The wire contract: every error type, with its status, for the requests that cause it.

mod support;

use std::net::SocketAddr;
use std::num::NonZeroU32;

use serde_json::json;
use support::{Setup, hardware_id, license_key, membership, mock_builder, start};
use whop_license::{Claims, SigningKey};
use whop_license_server::{ErrorType, PerClientLimit};
use whop_mock::{Fault, MockMembership};

/// 1: bound to hwid 1; 2: expired; 3: unbound (its reads fail with 503); 4: unbound (401).
async fn world() -> Setup {
    let mock = mock_builder()
        .membership(membership(1, Some(&hardware_id(1))))
        .membership(
            MockMembership::new("mem_00000002")
                .license_key(license_key(2))
                .status("expired", false),
        )
        .membership(membership(3, None))
        .membership(membership(4, None))
        .build();
    start(mock, |b| b).await
}

fn activate_body(key: &str, hwid: &str) -> String {
    json!({ "license_key": key, "hardware_id": hwid }).to_string()
}

#[tokio::test]
async fn each_failure_answers_its_error_type_and_status() {
    let setup = world().await;
    let foreign_token = SigningKey::generate()
        .unwrap()
        .sign(&Claims {
            membership_id: "mem_00000001".into(),
            product_id: "prod_1".into(),
            hardware_id: hardware_id(1),
            status: "active".into(),
            period_end: None,
            issued_at: std::time::SystemTime::now(),
            refresh_after: std::time::SystemTime::now(),
            expires_at: std::time::SystemTime::now(),
        })
        .unwrap();
    let good = setup
        .activate(&license_key(1), &hardware_id(1))
        .await
        .token();
    let mut altered = good.clone().into_bytes();
    // A claim's byte (the payload's first characters), never the signature's: the server
    // trusts its own seal over the payload, so a changed signature byte alone is not a forgery.
    let at = "v4.public.".len() + 8;
    altered[at] = if altered[at] == b'A' { b'B' } else { b'A' };
    let altered = String::from_utf8(altered).unwrap();

    struct Case {
        name: &'static str,
        path: &'static str,
        body: String,
        fault: Option<Fault>,
        expected: ErrorType,
    }
    let cases = [
        Case {
            name: "not JSON",
            path: "/v1/activate",
            body: "{not json".into(),
            fault: None,
            expected: ErrorType::InvalidRequest,
        },
        Case {
            name: "missing hardware_id",
            path: "/v1/activate",
            body: json!({"license_key": "K"}).to_string(),
            fault: None,
            expected: ErrorType::InvalidRequest,
        },
        Case {
            name: "empty license key",
            path: "/v1/activate",
            body: activate_body("", "H"),
            fault: None,
            expected: ErrorType::InvalidRequest,
        },
        Case {
            name: "oversized hardware id",
            path: "/v1/activate",
            body: activate_body("K", &"h".repeat(257)),
            fault: None,
            expected: ErrorType::InvalidRequest,
        },
        Case {
            name: "body over the cap",
            path: "/v1/activate",
            body: activate_body("K", &"h".repeat(9000)),
            fault: None,
            expected: ErrorType::InvalidRequest,
        },
        Case {
            name: "token not a string",
            path: "/v1/refresh",
            body: json!({"token": 5}).to_string(),
            fault: None,
            expected: ErrorType::InvalidRequest,
        },
        Case {
            name: "unknown key",
            path: "/v1/activate",
            body: activate_body("NO-SUCH-KEY", "H"),
            fault: None,
            expected: ErrorType::LicenseNotValid,
        },
        Case {
            name: "a key that cannot be a path segment",
            path: "/v1/activate",
            body: activate_body("..", "H"),
            fault: None,
            expected: ErrorType::LicenseNotValid,
        },
        Case {
            name: "expired membership",
            path: "/v1/activate",
            body: activate_body(&license_key(2), "H"),
            fault: None,
            expected: ErrorType::LicenseNotValid,
        },
        Case {
            name: "bound elsewhere",
            path: "/v1/activate",
            body: activate_body(&license_key(1), "OTHER"),
            fault: None,
            expected: ErrorType::BoundToAnotherMachine,
        },
        Case {
            name: "garbage token",
            path: "/v1/refresh",
            body: json!({"token": "v4.public.garbage"}).to_string(),
            fault: None,
            expected: ErrorType::TokenNotValid,
        },
        Case {
            name: "token of another key",
            path: "/v1/refresh",
            body: json!({"token": foreign_token}).to_string(),
            fault: None,
            expected: ErrorType::TokenNotValid,
        },
        Case {
            name: "altered token",
            path: "/v1/refresh",
            body: json!({"token": altered}).to_string(),
            fault: None,
            expected: ErrorType::TokenNotValid,
        },
        Case {
            name: "Whop unavailable, no state",
            path: "/v1/activate",
            body: activate_body(&license_key(3), "H"),
            fault: Some(Fault::Status(503)),
            expected: ErrorType::TryLater,
        },
        Case {
            name: "Whop refuses our key",
            path: "/v1/activate",
            body: activate_body(&license_key(4), "H"),
            fault: Some(Fault::Status(401)),
            expected: ErrorType::Internal,
        },
    ];
    for case in cases {
        if let Some(fault) = case.fault {
            setup.mock.inject(fault, 1);
        }
        let answer = setup.post_raw(case.path, case.body, None).await;
        assert_eq!(answer.outcome(), case.expected.as_str(), "{}", case.name);
        assert_eq!(answer.status, case.expected.status(), "{}", case.name);
        assert_eq!(
            answer.headers["content-type"], "application/json",
            "{}",
            case.name
        );
        let retry_after = answer.headers.get("retry-after").is_some();
        assert_eq!(
            retry_after,
            case.expected == ErrorType::TryLater,
            "{}: Retry-After",
            case.name
        );
    }
}

#[tokio::test]
async fn an_unknown_key_and_a_key_without_access_get_byte_identical_answers() {
    let setup = world().await;
    let unknown = setup.activate("NO-SUCH-KEY", "H").await;
    let expired = setup.activate(&license_key(2), "H").await;
    assert_eq!(unknown.status, expired.status);
    assert_eq!(unknown.headers, expired.headers);
    assert_eq!(unknown.body, expired.body);
}

#[tokio::test]
async fn an_address_over_its_limit_gets_rate_limited_with_retry_after() {
    let one = NonZeroU32::new(1).unwrap();
    let limit = PerClientLimit::new(one, NonZeroU32::new(3).unwrap());
    let setup = start(
        mock_builder().membership(membership(1, Some("H"))).build(),
        |b| b.per_client_limit(Some(limit)),
    )
    .await;
    let first: SocketAddr = "192.0.2.1:5000".parse().unwrap();
    let second: SocketAddr = "192.0.2.2:5000".parse().unwrap();
    let body = || activate_body(&license_key(1), "H");
    for _ in 0..3 {
        assert_eq!(
            setup
                .post_raw("/v1/activate", body(), Some(first))
                .await
                .outcome(),
            "ok"
        );
    }
    let limited = setup
        .post_raw(
            "/v1/refresh",
            json!({"token": "x"}).to_string(),
            Some(first),
        )
        .await;
    assert_eq!(limited.outcome(), "rate_limited");
    assert_eq!(limited.status, 429);
    let wait: u64 = limited.headers["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!((1..=2).contains(&wait), "{wait}");
    assert_eq!(
        setup
            .post_raw("/v1/activate", body(), Some(second))
            .await
            .outcome(),
        "ok"
    );
}

#[tokio::test]
async fn health_and_metrics_answer() {
    let setup = world().await;
    setup
        .activate(&license_key(1), &hardware_id(1))
        .await
        .token();
    let get = |path: &str| {
        http::Request::get(path)
            .body(axum::body::Body::empty())
            .unwrap()
    };
    let health = setup.send(get("/healthz")).await;
    assert_eq!(
        (health.status.as_u16(), health.body.as_slice()),
        (200, b"ok".as_slice())
    );
    let metrics = setup.send(get("/metrics")).await;
    let text = String::from_utf8(metrics.body).unwrap();
    assert!(
        text.contains(r#"whop_license_requests_total{route="activate",outcome="ok"} 1"#),
        "{text}"
    );
    assert!(
        text.contains(r#"whop_license_whop_calls_total{operation="validate_license"} 1"#),
        "{text}"
    );
}

#[tokio::test]
async fn without_a_webhook_secret_there_is_no_webhook_route() {
    let setup = world().await;
    let answer = setup.post_raw("/v1/webhooks/whop", "{}", None).await;
    assert_eq!(answer.status, 404);
}

#[tokio::test]
async fn whop_limiting_us_is_try_later_with_whops_wait_and_is_counted() {
    let setup = world().await;
    setup.mock.inject(Fault::rate_limited_for(7), 1);
    let answer = setup.activate(&license_key(3), "H").await;
    assert_eq!(answer.outcome(), "try_later");
    assert_eq!(answer.headers["retry-after"], "7");
    let metrics = setup.server.metrics_text();
    assert!(
        metrics.contains("whop_license_whop_rate_limited_total 1"),
        "{metrics}"
    );
}
