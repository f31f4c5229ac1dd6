//! `/api/v1` access: what a user token may read and cancel, `Idempotency-Key` replays, and the
//! demo world's Current API keys.

use serde_json::{Value, json};

use super::*;
use crate::Fault;

#[tokio::test]
async fn a_user_token_reads_and_cancels_its_own_memberships_only() {
    let mock = world().build();
    for segment in ["mem_1", "K-1"] {
        let own = call(
            &mock,
            v1(
                "GET",
                &format!("/memberships/{segment}"),
                USER_TOKEN,
                NEW,
                None,
            ),
        )
        .await;
        assert_eq!(own.status(), 200, "{segment}");
        assert_eq!(json(&own)["member"]["access_level"], "customer");
    }
    let other = call(
        &mock,
        v1("GET", "/memberships/mem_2", USER_TOKEN, NEW, None),
    )
    .await;
    assert_eq!(
        (
            other.status().as_u16(),
            json(&other)["error"]["type"].clone()
        ),
        (404, json!("not_found"))
    );
    let body = json!({ "metadata": {} });
    let write = call(
        &mock,
        v1("PATCH", "/memberships/mem_1", USER_TOKEN, NEW, Some(&body)),
    )
    .await;
    assert_eq!(write.status(), 403);
    let body = json!({ "cancel_at_period_end": true });
    let cancel = call(
        &mock,
        v1(
            "POST",
            "/memberships/mem_1/cancel",
            USER_TOKEN,
            NEW,
            Some(&body),
        ),
    )
    .await;
    assert_eq!(cancel.status(), 200);
    let company_read = call(
        &mock,
        v1("GET", "/memberships/mem_1", COMPANY_KEY, NEW, None),
    )
    .await;
    assert_eq!(json(&company_read)["member"], Value::Null);
}

fn with_key(mut request: Request<Bytes>, key: &str) -> Request<Bytes> {
    let value = http::HeaderValue::from_str(key).unwrap();
    request.headers_mut().insert("idempotency-key", value);
    request
}

#[tokio::test]
async fn a_repeated_idempotency_key_gets_the_first_answer_without_applying_twice() {
    let mock = world().build();
    let before = mock
        .membership("mem_1")
        .unwrap()
        .renewal_period_end
        .unwrap();
    let extend = || {
        let body = json!({ "days": 1 });
        with_key(
            v1(
                "POST",
                "/memberships/mem_1/extend",
                COMPANY_KEY,
                NEW,
                Some(&body),
            ),
            "k-1",
        )
    };
    // The first answer is lost after the extend was applied; the retry gets it back.
    mock.inject_after_handling(Fault::Status(502), 1);
    assert_eq!(call(&mock, extend()).await.status(), 502);
    let retry = call(&mock, extend()).await;
    assert_eq!(retry.status(), 200);
    assert_eq!(retry.headers()["idempotent-replayed"], "true");
    let after = mock
        .membership("mem_1")
        .unwrap()
        .renewal_period_end
        .unwrap();
    assert_eq!(after - before, 24 * 3600);
}

#[tokio::test]
async fn an_idempotency_key_reused_for_another_request_is_422() {
    let mock = world().build();
    let first = with_key(
        cancel_v1("mem_1", NEW, Some(&json!({ "cancel_at_period_end": true }))),
        "k",
    );
    assert_eq!(call(&mock, first).await.status(), 200);
    let other = with_key(cancel_v1("mem_1", NEW, None), "k");
    assert_eq!(call(&mock, other).await.status(), 422);
    assert!(mock.membership("mem_1").unwrap().valid);
}

#[tokio::test]
async fn the_demo_worlds_current_keys_are_bound_unbound_and_expired() {
    use crate::{
        DEMO_COMPANY_KEY, DEMO_CURRENT_EXPIRED_LICENSE_KEY, DEMO_CURRENT_LICENSE_KEY,
        DEMO_CURRENT_LICENSE_KEYS, DEMO_CURRENT_UNBOUND_LICENSE_KEY, DEMO_USER_TOKEN,
    };
    let mock = MockWhop::demo();
    let cases = [
        (
            DEMO_CURRENT_LICENSE_KEY,
            "active",
            json!({ "hwid": "demo-machine" }),
        ),
        (DEMO_CURRENT_UNBOUND_LICENSE_KEY, "active", json!({})),
        (DEMO_CURRENT_EXPIRED_LICENSE_KEY, "expired", json!({})),
    ];
    assert_eq!(
        DEMO_CURRENT_LICENSE_KEYS.map(|(key, _)| key),
        cases.clone().map(|c| c.0)
    );
    for (key, status, metadata) in cases {
        for token in [DEMO_COMPANY_KEY, DEMO_USER_TOKEN] {
            let response = call(
                &mock,
                v1("GET", &format!("/memberships/{key}"), token, NEW, None),
            )
            .await;
            assert_eq!(response.status(), 200, "{key}");
            assert_eq!(json(&response)["status"], status, "{key}");
            assert_eq!(json(&response)["metadata"], metadata, "{key}");
        }
    }
}
