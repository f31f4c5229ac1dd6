//! `/api/v1` lifecycle: pause and resume, extend, and which routes each resource has.

use serde_json::json;

use super::*;

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
