//! Issue 24's target: Whop unreachable for 10 minutes. Every app activated before keeps
//! refreshing; no token outlives the grace period; new activations get `try_later`; once grace
//! has run out, refreshes get `try_later` too.
//!
//! Time is the server's manual clock; "unreachable" is whop-mock dropping every connection.

mod support;

use std::time::Duration;

use support::{NowForTest, bound_world, hardware_id, license_key, membership, mock_builder, start};
use whop_license_server::{DEFAULT_FRESH_FOR, DEFAULT_GRACE};
use whop_mock::Fault;

const APPS: usize = 20;
const MINUTE: Duration = Duration::from_secs(60);

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn apps_activated_before_whop_went_down_keep_refreshing_within_grace_only() {
    let world = bound_world(APPS).membership(membership(APPS, None));
    let setup = start(world.build(), |b| b).await;
    let last_good = setup.clock.now_for_test();
    let mut tokens = Vec::new();
    for n in 0..APPS {
        tokens.push(
            setup
                .activate(&license_key(n), &hardware_id(n))
                .await
                .token(),
        );
    }

    // Whop goes away once the cache is past its freshness: every read from now on fails.
    setup.clock.advance(DEFAULT_FRESH_FOR);
    setup.mock.inject_every(Fault::DropConnection, 1);
    let calls_before = setup.whop_calls().len();

    for minute in 1..=10 {
        setup.clock.advance(MINUTE);
        for (n, token) in tokens.iter_mut().enumerate() {
            let answer = setup.refresh(token).await;
            assert_eq!(
                answer.outcome(),
                "ok",
                "app {n}, minute {minute} of the outage"
            );
            *token = answer.token();
            let license = setup.open(token);
            assert!(
                license.expires_at <= last_good + DEFAULT_GRACE,
                "app {n}: exp past grace"
            );
            assert_eq!(license.hardware_id, hardware_id(n));
        }
        let new = setup.activate(&license_key(APPS), "NEW-MACHINE").await;
        assert_eq!(
            new.outcome(),
            "try_later",
            "minute {minute}: a new activation"
        );
        assert!(new.headers.contains_key("retry-after"));
    }
    assert!(
        setup.whop_calls().len() > calls_before,
        "the server kept trying Whop"
    );
    let metrics = setup.server.metrics_text();
    assert!(
        metrics.contains("whop_license_tokens_from_grace_total 200"),
        "{metrics}"
    );

    // Grace runs out: the last good state is no longer used.
    setup
        .clock
        .set(last_good + DEFAULT_GRACE + Duration::from_secs(1));
    let late = setup.refresh(&tokens[0]).await;
    assert_eq!(late.outcome(), "try_later");
    assert!(late.headers.contains_key("retry-after"));
}

#[tokio::test]
async fn once_whop_answers_again_refreshes_are_fresh_and_tokens_get_their_full_offline_time() {
    let setup = start(
        mock_builder().membership(membership(1, Some("H"))).build(),
        |b| b,
    )
    .await;
    let token = setup.activate(&license_key(1), "H").await.token();
    setup.clock.advance(DEFAULT_FRESH_FOR);
    setup.mock.inject(Fault::Status(503), 1);
    // Stale: answered from the last good state while the background read fails.
    let from_grace = setup.open(&setup.refresh(&token).await.token());
    assert!(from_grace.expires_at <= setup.clock.now_for_test() + DEFAULT_GRACE);
    wait_for(|| setup.mock.pending_faults() == 0).await;
    // Let the failed background read land before the next one is wanted.
    tokio::time::sleep(Duration::from_millis(50)).await;
    // Past freshness again, Whop back: the background read refreshes the state.
    setup.clock.advance(MINUTE);
    let calls = setup.whop_calls().len();
    setup.refresh(&token).await.token();
    wait_for(|| setup.whop_calls().len() > calls).await;
    tokio::time::sleep(Duration::from_millis(50)).await;
    let fresh = setup.open(&setup.refresh(&token).await.token());
    let full = setup.clock.now_for_test() + whop_license_server::DEFAULT_MAX_OFFLINE;
    // Token times are whole seconds.
    assert!(
        fresh.expires_at + Duration::from_secs(1) > full,
        "{fresh:?}"
    );
}

async fn wait_for(mut condition: impl FnMut() -> bool) {
    let waiting = async {
        while !condition() {
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
    };
    tokio::time::timeout(Duration::from_secs(10), waiting)
        .await
        .expect("within 10 s");
}
