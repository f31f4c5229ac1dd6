//! `/api/v1` cancels: the new resource revokes access now unless asked for the period end,
//! Legacy defaults to the period end; the state is shared with v2/v5.

use serde_json::json;

use super::*;

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
