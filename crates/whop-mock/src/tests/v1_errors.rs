//! `/api/v1` versions, errors, rate limits, `v2_retired`, and what the request log records.

use std::time::Duration;

use serde_json::json;

use super::*;
use crate::{Fault, LEGACY_API_VERSION_DATE, Limit, SUPPORTED_API_VERSION_DATES, V2_RETIRED_BODY};

#[tokio::test]
async fn an_unknown_api_version_date_is_400_listing_the_supported_dates() {
    let mock = world().build();
    for date in ["2099-01-01", "yesterday", "2026-09-15-9"] {
        let response = call(
            &mock,
            v1("GET", "/memberships/mem_1", COMPANY_KEY, Some(date), None),
        )
        .await;
        assert_eq!(response.status(), 400, "{date}");
        let message = json(&response)["error"]["message"]
            .as_str()
            .unwrap()
            .to_owned();
        assert_eq!(json(&response)["error"]["type"], "invalid_request");
        for supported in SUPPORTED_API_VERSION_DATES {
            assert!(message.contains(supported), "{message}");
        }
    }
}

#[tokio::test]
async fn the_date_picks_the_resource_shape() {
    let mock = world().build();
    let mut dates: Vec<Option<&str>> = SUPPORTED_API_VERSION_DATES
        .iter()
        .copied()
        .map(Some)
        .collect();
    dates.push(None);
    for date in dates {
        let response = call(
            &mock,
            v1("GET", "/memberships/mem_1", COMPANY_KEY, date, None),
        )
        .await;
        assert_eq!(response.status(), 200, "{date:?}");
        let body = json(&response);
        let legacy = date.is_none_or(|d| d == LEGACY_API_VERSION_DATE);
        assert_eq!(body.get("company").is_some(), legacy, "{date:?}");
        assert_eq!(body.get("renewal_period_end").is_some(), legacy, "{date:?}");
        assert_eq!(body.get("account").is_some(), !legacy, "{date:?}");
        assert_eq!(
            body.get("current_period_end").is_some(),
            !legacy,
            "{date:?}"
        );
        assert!(
            body["created_at"].as_str().unwrap().ends_with('Z'),
            "{date:?}"
        );
    }
}

#[tokio::test]
async fn v1_refusals_have_v1_error_bodies() {
    let mock = world().build();
    let cases = [
        (
            request("GET", "/api/v1/memberships/mem_1", None),
            401,
            "unauthorized",
        ),
        (
            v1("GET", "/memberships/mem_404", COMPANY_KEY, NEW, None),
            404,
            "not_found",
        ),
        (
            v1(
                "PATCH",
                "/memberships/mem_1",
                COMPANY_KEY,
                NEW,
                Some(&json!([1])),
            ),
            400,
            "invalid_request",
        ),
    ];
    for (request, status, kind) in cases {
        let response = call(&mock, request).await;
        assert_eq!(response.status(), status);
        assert_eq!(json(&response)["error"]["type"], kind);
        assert!(json(&response)["error"]["message"].is_string());
    }
}

#[test]
fn whops_v1_limit_is_600_a_minute() {
    assert_eq!(
        RateLimits::whop().v1,
        Some(Limit::new(600, Duration::from_secs(60)))
    );
}

#[tokio::test]
async fn the_v1_429_says_the_wait_in_its_message_only() {
    let limits = RateLimits::disabled().v1(Some(Limit::new(2, Duration::from_secs(30))));
    let mock = world().rate_limits(limits).build();
    let get = || v1("GET", "/memberships/mem_1", COMPANY_KEY, NEW, None);
    for _ in 0..2 {
        assert_eq!(call(&mock, get()).await.status(), 200);
    }
    let limited = call(&mock, get()).await;
    assert_eq!(limited.status(), 429);
    assert_eq!(
        json(&limited),
        json!({ "error": { "type": "rate_limit_exceeded", "message": "Try again in 30 seconds." } })
    );
    assert!(!limited.headers().contains_key("retry-after"));
}

#[tokio::test]
async fn v1_is_limited_per_operation_and_credential() {
    let limits = RateLimits::disabled().v1(Some(Limit::new(1, Duration::from_secs(30))));
    let mock = world().rate_limits(limits).build();
    assert_eq!(
        call(
            &mock,
            v1("GET", "/memberships/mem_1", COMPANY_KEY, NEW, None)
        )
        .await
        .status(),
        200
    );
    assert_eq!(
        call(
            &mock,
            v1("GET", "/memberships/mem_2", COMPANY_KEY, NEW, None)
        )
        .await
        .status(),
        429
    );
    // Another operation, another credential: counted apart.
    assert_eq!(
        call(&mock, v1("GET", "/memberships", COMPANY_KEY, NEW, None))
            .await
            .status(),
        200
    );
    assert_eq!(
        call(
            &mock,
            v1("GET", "/memberships/mem_1", USER_TOKEN, NEW, None)
        )
        .await
        .status(),
        200
    );
}

#[tokio::test]
async fn the_v1_window_admits_again_once_it_slides() {
    let limits = RateLimits::disabled().v1(Some(Limit::new(1, Duration::from_millis(100))));
    let mock = world().rate_limits(limits).build();
    let get = || v1("GET", "/memberships/mem_1", COMPANY_KEY, NEW, None);
    assert_eq!(call(&mock, get()).await.status(), 200);
    let limited = call(&mock, get()).await;
    assert_eq!(
        json(&limited)["error"]["message"],
        "Try again in 1 seconds."
    );
    bounded(tokio::time::sleep(Duration::from_millis(150))).await;
    assert_eq!(call(&mock, get()).await.status(), 200);
}

#[tokio::test]
async fn a_retired_v2_answers_every_route_with_an_html_404_and_changes_nothing() {
    let mock = world().v2_retired(true).build();
    for (method, path) in [
        ("POST", "/api/v2/memberships/mem_1/cancel"),
        ("POST", "/api/v2/memberships/mem_1/terminate"),
        ("GET", "/api/v2/memberships/K-1"),
        ("GET", "/api/v2/memberships"),
        ("GET", "/api/v2/nothing/here"),
    ] {
        let response = call(&mock, request(method, path, Some(COMPANY_KEY))).await;
        assert_eq!(response.status(), 404, "{path}");
        assert_eq!(response.body(), V2_RETIRED_BODY.as_bytes(), "{path}");
        assert!(
            response.headers()["content-type"]
                .to_str()
                .unwrap()
                .starts_with("text/html")
        );
        assert!(!response.headers().contains_key("deprecation"), "{path}");
    }
    assert!(mock.membership("mem_1").unwrap().valid);
    assert_eq!(call(&mock, me("mem_1", USER_TOKEN)).await.status(), 200);
    let v1_read = v1("GET", "/memberships/mem_1", COMPANY_KEY, NEW, None);
    assert_eq!(call(&mock, v1_read).await.status(), 200);
}

#[tokio::test]
async fn v2_can_be_retired_and_restored_at_run_time() {
    let mock = world().build();
    let read = || request("GET", "/api/v2/memberships/mem_1", Some(COMPANY_KEY));
    assert_eq!(call(&mock, read()).await.status(), 200);
    mock.set_v2_retired(true);
    assert_eq!(call(&mock, read()).await.body(), V2_RETIRED_BODY.as_bytes());
    mock.set_v2_retired(false);
    assert_eq!(call(&mock, read()).await.status(), 200);
}

#[tokio::test]
async fn the_log_records_the_api_version_date_and_the_cancel_body() {
    let mock = world().build();
    call(
        &mock,
        v1("GET", "/memberships/mem_1", COMPANY_KEY, NEW, None),
    )
    .await;
    call(
        &mock,
        v1("POST", "/memberships/mem_1/cancel", COMPANY_KEY, None, None),
    )
    .await;
    let body = json!({ "cancel_at_period_end": true });
    call(
        &mock,
        v1(
            "POST",
            "/memberships/mem_2/cancel",
            COMPANY_KEY,
            NEW,
            Some(&body),
        ),
    )
    .await;
    call(&mock, me("mem_1", USER_TOKEN)).await;
    let log = mock.requests();
    let dates: Vec<Option<&str>> = log.iter().map(|r| r.api_version_date.as_deref()).collect();
    assert_eq!(dates, [NEW, None, NEW, None]);
    let v1: Vec<bool> = log.iter().map(crate::RecordedRequest::is_v1).collect();
    assert_eq!(v1, [true, true, true, false]);
    let cancels: Vec<Option<serde_json::Value>> = log.iter().map(|r| r.v1_cancel_body()).collect();
    assert_eq!(
        cancels,
        [None, Some(serde_json::Value::Null), Some(body), None]
    );
}

#[tokio::test]
async fn injected_faults_on_v1_take_v1_shapes() {
    let mock = world().build();
    mock.inject(Fault::Status(503), 1);
    mock.inject(Fault::v1_rate_limited(12), 1);
    let get = || v1("GET", "/memberships/mem_1", COMPANY_KEY, NEW, None);
    let unavailable = call(&mock, get()).await;
    assert_eq!(json(&unavailable)["error"]["type"], "service_unavailable");
    let limited = call(&mock, get()).await;
    assert_eq!(limited.status(), 429);
    assert_eq!(
        json(&limited)["error"]["message"],
        "Try again in 12 seconds."
    );
    assert!(!limited.headers().contains_key("retry-after"));
}
