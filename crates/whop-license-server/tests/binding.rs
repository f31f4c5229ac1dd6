//! One key binds to exactly one machine, however many race for it.

mod support;

use std::sync::Arc;

use support::{hardware_id, license_key, membership, mock_builder, start};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn of_200_machines_racing_for_one_unbound_key_exactly_one_wins() {
    let setup = Arc::new(
        start(
            mock_builder().membership(membership(1, None)).build(),
            |b| b,
        )
        .await,
    );
    let tasks: Vec<_> = (0..200)
        .map(|n| {
            let setup = Arc::clone(&setup);
            tokio::spawn(async move { (n, setup.activate(&license_key(1), &hardware_id(n)).await) })
        })
        .collect();
    let mut winners = Vec::new();
    for task in tasks {
        let (n, answer) = task.await.unwrap();
        match answer.outcome().as_str() {
            "ok" => winners.push((n, answer.token())),
            "bound_to_another_machine" => {}
            other => panic!("machine {n}: {other}"),
        }
    }
    assert_eq!(
        winners.len(),
        1,
        "winners: {:?}",
        winners.iter().map(|w| w.0).collect::<Vec<_>>()
    );
    let (winner, token) = &winners[0];
    assert_eq!(setup.open(token).hardware_id, hardware_id(*winner));
    let bound = setup.mock.membership("mem_00000001").unwrap().metadata["hwid"].clone();
    assert_eq!(bound, hardware_id(*winner));
    // One binding for all of them: read, write, read again.
    let calls = setup.whop_calls().len();
    assert!(calls <= 3, "{calls} Whop calls for one key");
}

#[tokio::test]
async fn the_bound_machine_activates_again_from_cache() {
    let setup = start(
        mock_builder().membership(membership(1, None)).build(),
        |b| b,
    )
    .await;
    let first = setup.activate(&license_key(1), &hardware_id(1)).await;
    assert_eq!(first.outcome(), "ok");
    let calls = setup.whop_calls().len();
    assert_eq!(
        setup
            .activate(&license_key(1), &hardware_id(1))
            .await
            .outcome(),
        "ok"
    );
    assert_eq!(setup.whop_calls().len(), calls, "answered from cache");
}
