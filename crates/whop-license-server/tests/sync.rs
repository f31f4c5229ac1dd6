//! The membership sync: what a listing writes into the cache, what it leaves to single reads,
//! and that it never writes back a state Whop has since reported changed.

mod support;

use std::sync::Arc;
use std::time::Duration;

use support::{
    bound_world, hardware_id, license_key, membership, mock_builder, start, sync_turns_beside,
};
use whop_license_server::SyncOutcome;
use whop_license_server::store::{MemoryStore, Store};
use whop_mock::{Fault, WebhookEndpoint, WebhookScheme};
use whop_webhooks::Secret;

const SECRET: &str = "ws_test_webhook_secret";

#[tokio::test]
async fn a_sync_lists_a_hundred_memberships_a_page_and_launches_then_need_no_whop_call() {
    let setup = start(bound_world(150).build(), |b| b).await;
    assert_eq!(
        setup.server.sync_now().await,
        SyncOutcome::Done {
            pages: 2,
            written: 150
        }
    );
    assert_eq!(setup.list_calls().len(), 2);
    for n in [0, 99, 100, 149] {
        let token = setup
            .activate(&license_key(n), &hardware_id(n))
            .await
            .token();
        assert_eq!(setup.refresh(&token).await.outcome(), "ok");
    }
    assert!(
        setup.single_calls().is_empty(),
        "{:?}",
        setup.single_calls()
    );
}

#[tokio::test]
async fn a_membership_bought_after_the_sync_is_activated_with_one_single_read() {
    let setup = start(bound_world(3).build(), |b| b).await;
    assert!(matches!(
        setup.server.sync_now().await,
        SyncOutcome::Done { written: 3, .. }
    ));
    setup
        .mock
        .insert_membership(membership(500, Some(&hardware_id(500))));
    setup.mock.clear_requests();

    let token = setup
        .activate(&license_key(500), &hardware_id(500))
        .await
        .token();
    assert_eq!(setup.refresh(&token).await.outcome(), "ok");
    let calls: Vec<_> = setup
        .whop_calls()
        .into_iter()
        .map(|c| format!("{} {}", c.method, c.path))
        .collect();
    assert_eq!(
        calls,
        [format!("GET /api/v1/memberships/{}", license_key(500))]
    );
}

#[tokio::test]
async fn a_listed_unbound_key_is_still_bound_on_a_fresh_read() {
    let setup = start(
        mock_builder().membership(membership(1, None)).build(),
        |b| b,
    )
    .await;
    setup.server.sync_now().await;
    setup.mock.clear_requests();
    assert_eq!(setup.activate(&license_key(1), "H").await.outcome(), "ok");
    let methods: Vec<_> = setup
        .single_calls()
        .iter()
        .map(|c| c.method.to_string())
        .collect();
    assert_eq!(
        methods,
        ["GET", "PATCH", "GET"],
        "validate_license's read, write, re-read"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_sync_does_not_write_back_a_membership_a_webhook_evicted_after_its_page_was_asked_for() {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/v1/webhooks/whop", listener.local_addr().unwrap());
    let endpoint = WebhookEndpoint::new(&url, SECRET)
        .unwrap()
        .scheme(WebhookScheme::Standard)
        .retry_delay(Duration::from_millis(10));
    let mock = bound_world(2).webhook(endpoint).build();
    let setup = start(mock, |b| b.webhook_secret(Secret::new(SECRET).unwrap())).await;
    let server = setup.server.clone();
    let serving = tokio::spawn(async move { server.serve(listener).await });
    setup.server.sync_now().await;
    let token = setup
        .activate(&license_key(1), &hardware_id(1))
        .await
        .token();

    // Whop reports a change; the mock's listing still shows the membership as it was, as a
    // page asked for before the change would. The manual clock has not moved: this page is
    // not known to be newer than the eviction, so its state must not be written.
    assert!(
        setup
            .mock
            .emit_webhook("membership.deactivated", "mem_00000001")
    );
    assert!(setup.mock.webhooks_settled(Duration::from_secs(10)).await);
    assert!(
        setup
            .server
            .metrics_text()
            .contains(r#"whop_license_webhooks_total{result="evicted"} 1"#)
    );
    assert_eq!(
        setup.server.sync_now().await,
        SyncOutcome::Done {
            pages: 1,
            written: 0
        },
        "membership 0 kept (its state is as new as the page), membership 1 left out"
    );
    setup.mock.clear_requests();
    assert_eq!(setup.refresh(&token).await.outcome(), "ok");
    let paths: Vec<_> = setup.whop_calls().into_iter().map(|c| c.path).collect();
    assert_eq!(paths, ["/api/v1/memberships/mem_00000001"], "read singly");

    // A page asked for after the change is newer news: written.
    setup.clock.advance(Duration::from_secs(1));
    assert_eq!(
        setup.server.sync_now().await,
        SyncOutcome::Done {
            pages: 1,
            written: 2
        }
    );
    serving.abort();
}

#[tokio::test]
async fn a_failed_sync_leaves_the_cache_as_it_was_and_is_counted() {
    let setup = start(bound_world(2).build(), |b| b).await;
    setup.server.sync_now().await;
    setup.mock.inject(Fault::Status(429), 1);
    assert_eq!(setup.server.sync_now().await, SyncOutcome::Unavailable);
    setup.mock.clear_requests();
    assert_eq!(
        setup
            .activate(&license_key(1), &hardware_id(1))
            .await
            .outcome(),
        "ok"
    );
    assert!(
        setup.whop_calls().is_empty(),
        "answered from the first sync"
    );
    let metrics = setup.server.metrics_text();
    for line in [
        r#"whop_license_syncs_total{outcome="ok"} 1"#,
        r#"whop_license_syncs_total{outcome="unavailable"} 1"#,
        "whop_license_whop_rate_limited_total 1",
    ] {
        assert!(metrics.contains(line), "{line} missing from:\n{metrics}");
    }
}

#[tokio::test]
async fn a_sync_stops_at_its_page_bound() {
    let setup = start(bound_world(250).build(), |b| b.sync_max_pages(2)).await;
    assert_eq!(
        setup.server.sync_now().await,
        SyncOutcome::Truncated {
            pages: 2,
            written: 200
        }
    );
    assert_eq!(setup.list_calls().len(), 2);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn of_two_instances_sharing_a_store_one_lists_and_the_other_skips_its_turn() {
    let store: Arc<dyn Store> = Arc::new(MemoryStore::new());
    let first = start(bound_world(5).build(), |b| {
        b.sync(true).store(Arc::clone(&store))
    })
    .await;
    assert_eq!(
        sync_turns_beside(&first, store).await,
        [
            r#"whop_license_syncs_total{outcome="ok"} 1"#,
            r#"whop_license_syncs_total{outcome="skipped"} 1"#
        ]
    );
    assert_eq!(first.list_calls().len(), 1, "one listing for two instances");
}
