//! `/api/v1` writes: cancel (both resources' defaults), PATCH (merge vs replace, undo a cancel),
//! pause, resume, extend, the Legacy-only routes, user tokens, and `Idempotency-Key`.

use serde_json::{Value, json};

use super::*;
use crate::Fault;

fn cancel_v1(id: &str, date: Option<&str>, body: Option<&Value>) -> Request<Bytes> {
    v1(
        "POST",
        &format!("/memberships/{id}/cancel"),
        COMPANY_KEY,
        date,
        body,
    )
}

fn patch(id: &str, date: Option<&str>, body: &Value) -> Request<Bytes> {
    v1(
        "PATCH",
        &format!("/memberships/{id}"),
        COMPANY_KEY,
        date,
        Some(body),
    )
}

/// (date, body, status answered, stored valid, stored cancel_at_period_end)
type CancelCase = (
    Option<&'static str>,
    Option<Value>,
    &'static str,
    bool,
    bool,
);

#[tokio::test]
async fn cancel_revokes_access_now_unless_at_period_end_is_asked_for_on_the_new_resource() {
    let cases: [CancelCase; 8] = [
        (NEW, None, "canceled", false, false),
        (NEW, Some(json!({})), "canceled", false, false),
        (
            NEW,
            Some(json!({ "cancel_at_period_end": null })),
            "canceled",
            false,
            false,
        ),
        (
            NEW,
            Some(json!({ "cancel_at_period_end": false })),
            "canceled",
            false,
            false,
        ),
        (
            NEW,
            Some(json!({ "cancel_at_period_end": true })),
            "canceling",
            true,
            true,
        ),
        (LEGACY, None, "active", true, true),
        (
            LEGACY,
            Some(json!({ "cancellation_mode": "at_period_end" })),
            "active",
            true,
            true,
        ),
        (
            LEGACY,
            Some(json!({ "cancellation_mode": "immediate" })),
            "canceled",
            false,
            false,
        ),
    ];
    for (date, body, status, valid, at_period_end) in cases {
        let case = format!("{date:?} {body:?}");
        let mock = world().build();
        let response = call(&mock, cancel_v1("mem_1", date, body.as_ref())).await;
        assert_eq!(response.status(), 200, "{case}");
        assert_eq!(json(&response)["status"], status, "{case}");
        assert_eq!(
            json(&response)["cancel_at_period_end"],
            at_period_end,
            "{case}"
        );
        let stored = mock.membership("mem_1").unwrap();
        assert_eq!(
            (stored.valid, stored.cancel_at_period_end),
            (valid, at_period_end),
            "{case}"
        );
    }
}

#[tokio::test]
async fn a_v1_cancel_shows_in_v5_and_v2_reads() {
    let mock = world().build();
    call(&mock, cancel_v1("K-1", NEW, None)).await;
    let v5 = json(&call(&mock, me("mem_1", USER_TOKEN)).await);
    assert_eq!(
        (v5["status"].clone(), v5["valid"].clone()),
        (json!("canceled"), json!(false))
    );
    let v2 = call(
        &mock,
        request("GET", "/api/v2/memberships/mem_1", Some(COMPANY_KEY)),
    )
    .await;
    assert_eq!(json(&v2)["status"], "canceled");
}

#[tokio::test]
async fn a_cancel_of_a_membership_without_access_changes_nothing() {
    let mock = world().build();
    call(&mock, cancel_v1("mem_1", NEW, None)).await;
    let again = call(
        &mock,
        cancel_v1("mem_1", NEW, Some(&json!({ "cancel_at_period_end": true }))),
    )
    .await;
    assert_eq!(again.status(), 200);
    assert_eq!(json(&again)["status"], "canceled");
    assert_eq!(json(&again)["cancel_at_period_end"], false);
}

#[tokio::test]
async fn a_legacy_cancel_refuses_an_unknown_mode() {
    let mock = world().build();
    let body = json!({ "cancellation_mode": "whenever" });
    let response = call(&mock, cancel_v1("mem_1", LEGACY, Some(&body))).await;
    assert_eq!(response.status(), 400);
    assert!(mock.membership("mem_1").unwrap().valid);
}

#[tokio::test]
async fn metadata_is_merged_on_the_new_resource_and_replaced_on_legacy() {
    // (date, sent metadata, stored afterwards), starting from {"a": 1, "b": 2}
    let cases = [
        (
            NEW,
            json!({ "b": 3, "c": 4 }),
            json!({ "a": 1, "b": 3, "c": 4 }),
        ),
        (NEW, json!({}), json!({})),
        (NEW, json!({ "a": null }), json!({ "b": 2 })),
        (LEGACY, json!({ "b": 3 }), json!({ "b": 3 })),
        (LEGACY, json!({}), json!({})),
        (LEGACY, Value::Null, json!({})),
    ];
    for (date, sent, stored) in cases {
        let mock = world().build();
        mock.set_metadata("mem_1", json!({ "a": 1, "b": 2 }));
        let response = call(&mock, patch("K-1", date, &json!({ "metadata": sent }))).await;
        assert_eq!(response.status(), 200, "{date:?} {sent}");
        assert_eq!(json(&response)["metadata"], stored, "{date:?} {sent}");
        assert_eq!(
            mock.membership("mem_1").unwrap().metadata,
            stored,
            "{date:?} {sent}"
        );
    }
}

#[tokio::test]
async fn a_v1_metadata_change_shows_in_v2_validate_license() {
    let mock = world().build();
    let bind = patch("K-1", NEW, &json!({ "metadata": { "hwid": "A" } }));
    assert_eq!(call(&mock, bind).await.status(), 200);
    let validate = |hwid: &str| {
        let mut r = request(
            "POST",
            "/api/v2/memberships/K-1/validate_license",
            Some(COMPANY_KEY),
        );
        *r.body_mut() = Bytes::from(json!({ "metadata": { "hwid": hwid } }).to_string());
        r
    };
    assert_eq!(call(&mock, validate("B")).await.status(), 400);
    assert_eq!(call(&mock, validate("A")).await.status(), 201);
}

#[tokio::test]
async fn metadata_over_whops_limits_is_422_and_changes_nothing() {
    let mock = world().build();
    let long = "x".repeat(501);
    let response = call(
        &mock,
        patch("mem_1", NEW, &json!({ "metadata": { "k": long } })),
    )
    .await;
    assert_eq!(response.status(), 422);
    assert_eq!(mock.membership("mem_1").unwrap().metadata, json!({}));
}

#[tokio::test]
async fn patch_cancel_at_period_end_schedules_and_undoes_a_cancel() {
    let mock = world().build();
    let set = |on: bool| patch("mem_1", NEW, &json!({ "cancel_at_period_end": on }));
    assert_eq!(json(&call(&mock, set(true)).await)["status"], "canceling");
    let undone = call(&mock, set(false)).await;
    assert_eq!(json(&undone)["status"], "active");
    assert_eq!(json(&undone)["cancel_at_period_end"], false);
    assert!(!mock.membership("mem_1").unwrap().cancel_at_period_end);
}

#[tokio::test]
async fn pause_and_resume_toggle_payment_collection() {
    let mock = world().build();
    let until = json!({ "until": "2099-01-01T00:00:00Z" });
    let paused = call(
        &mock,
        v1(
            "POST",
            "/memberships/mem_1/pause",
            COMPANY_KEY,
            NEW,
            Some(&until),
        ),
    )
    .await;
    assert_eq!(paused.status(), 200);
    assert!(mock.membership("mem_1").unwrap().payment_collection_paused);
    let past = json!({ "until": "2001-01-01T00:00:00Z" });
    let refused = call(
        &mock,
        v1(
            "POST",
            "/memberships/mem_1/pause",
            COMPANY_KEY,
            NEW,
            Some(&past),
        ),
    )
    .await;
    assert_eq!(refused.status(), 422);
    let resumed = call(
        &mock,
        v1("POST", "/memberships/mem_1/resume", COMPANY_KEY, NEW, None),
    )
    .await;
    assert_eq!(resumed.status(), 200);
    assert!(!mock.membership("mem_1").unwrap().payment_collection_paused);
}

#[tokio::test]
async fn extend_pushes_back_the_period_end_by_whole_days() {
    let mock = world().build();
    let before = mock
        .membership("mem_1")
        .unwrap()
        .renewal_period_end
        .unwrap();
    let body = json!({ "days": 3 });
    let response = call(
        &mock,
        v1(
            "POST",
            "/memberships/mem_1/extend",
            COMPANY_KEY,
            NEW,
            Some(&body),
        ),
    )
    .await;
    assert_eq!(response.status(), 200);
    let after = mock
        .membership("mem_1")
        .unwrap()
        .renewal_period_end
        .unwrap();
    assert_eq!(after - before, 3 * 24 * 3600);
}

#[tokio::test]
async fn extend_refuses_days_out_of_range_or_missing() {
    let mock = world().build();
    for (body, status) in [
        (json!({ "days": 0 }), 422),
        (json!({ "days": 1096 }), 422),
        (json!({ "days": 1.5 }), 422),
        (json!({ "days": "3" }), 422),
        (json!({}), 400),
    ] {
        let response = call(
            &mock,
            v1(
                "POST",
                "/memberships/mem_1/extend",
                COMPANY_KEY,
                NEW,
                Some(&body),
            ),
        )
        .await;
        assert_eq!(response.status(), status, "{body}");
        assert!(json(&response)["error"]["message"].is_string(), "{body}");
    }
}

#[tokio::test]
async fn each_resource_has_only_its_own_routes() {
    // (date, action, body, status)
    let cases = [
        (NEW, "uncancel", json!({}), 404),
        (NEW, "add_free_days", json!({ "free_days": 2 }), 404),
        (LEGACY, "extend", json!({ "days": 2 }), 404),
        (LEGACY, "uncancel", json!({}), 200),
        (LEGACY, "add_free_days", json!({ "free_days": 2 }), 200),
    ];
    for (date, action, body, status) in cases {
        let mock = world().build();
        let path = format!("/memberships/mem_1/{action}");
        let response = call(&mock, v1("POST", &path, COMPANY_KEY, date, Some(&body))).await;
        assert_eq!(response.status(), status, "{date:?} {action}");
        assert!(
            response.headers()["content-type"]
                .to_str()
                .unwrap()
                .contains("json")
        );
    }
}

#[tokio::test]
async fn legacy_uncancel_undoes_a_pending_cancel() {
    let mock = world().build();
    call(&mock, cancel_v1("mem_1", LEGACY, None)).await;
    call(
        &mock,
        v1(
            "POST",
            "/memberships/mem_1/uncancel",
            COMPANY_KEY,
            LEGACY,
            None,
        ),
    )
    .await;
    assert!(!mock.membership("mem_1").unwrap().cancel_at_period_end);
}

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

#[tokio::test]
async fn pause_refuses_a_bad_end_and_a_membership_without_access() {
    let mock = world()
        .membership(MockMembership::new("mem_x").status("expired", false))
        .build();
    // (date, membership, body, status)
    let cases = [
        (
            NEW,
            "mem_1",
            json!({ "until": "2001-01-01T00:00:00Z" }),
            422,
        ),
        (NEW, "mem_1", json!({ "until": "next week" }), 400),
        (
            LEGACY,
            "mem_1",
            json!({ "resumes_at": "2001-01-01T00:00:00Z" }),
            422,
        ),
        (LEGACY, "mem_1", json!({ "void_payments": "yes" }), 400),
        (NEW, "mem_x", json!({}), 409),
    ];
    for (date, id, body, status) in cases {
        let path = format!("/memberships/{id}/pause");
        let response = call(&mock, v1("POST", &path, COMPANY_KEY, date, Some(&body))).await;
        assert_eq!(response.status(), status, "{date:?} {id} {body}");
    }
    assert!(!mock.membership("mem_1").unwrap().payment_collection_paused);
}

#[tokio::test]
async fn a_legacy_pause_takes_resumes_at_and_shows_in_the_legacy_shape() {
    let mock = world().build();
    let body = json!({ "resumes_at": "2099-01-01T00:00:00Z", "void_payments": true });
    let path = "/memberships/mem_1/pause";
    let response = call(&mock, v1("POST", path, COMPANY_KEY, LEGACY, Some(&body))).await;
    assert_eq!(response.status(), 200);
    assert_eq!(json(&response)["payment_collection_paused"], true);
    assert_eq!(
        mock.membership("mem_1").unwrap().resumes_at,
        Some(4_070_908_800)
    );
}
