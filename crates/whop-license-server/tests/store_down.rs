//! A shared store (Redis) that is down: activations answer `try_later`, never `internal`, and
//! never bind without the lock.

mod support;

use std::sync::Arc;
use std::time::Duration;

use support::{hardware_id, license_key, membership, mock_builder, start};
use whop_license_server::ErrorType;
use whop_license_server::store::{LockToken, Store, StoreError, StoreFuture};

/// Every operation fails, as a store whose Redis is unreachable does.
struct DownStore;

fn down<'a, T: Send + 'a>() -> StoreFuture<'a, T> {
    Box::pin(async { Err(StoreError::new("the store is down")) })
}

impl Store for DownStore {
    fn lock<'a>(
        &'a self,
        _name: &'a str,
        _ttl: Duration,
        _wait: Duration,
    ) -> StoreFuture<'a, Option<LockToken>> {
        down()
    }
    fn unlock<'a>(&'a self, _name: &'a str, _token: LockToken) -> StoreFuture<'a, ()> {
        down()
    }
    fn get<'a>(&'a self, _key: &'a str) -> StoreFuture<'a, Option<Vec<u8>>> {
        down()
    }
    fn put<'a>(&'a self, _key: &'a str, _value: Vec<u8>, _ttl: Duration) -> StoreFuture<'a, ()> {
        down()
    }
    fn evict<'a>(&'a self, _key: &'a str) -> StoreFuture<'a, ()> {
        down()
    }
}

#[tokio::test]
async fn an_activation_with_the_store_down_is_try_later_and_binds_nothing() {
    let mock = mock_builder().membership(membership(1, None)).build();
    let setup = start(mock, |b| b.store(Arc::new(DownStore))).await;
    let answer = setup.activate(&license_key(1), &hardware_id(1)).await;
    assert_eq!(
        answer.outcome(),
        ErrorType::TryLater.as_str(),
        "{:?}",
        answer.json()
    );
    assert_eq!(answer.status.as_u16(), 503);
    assert!(answer.headers.contains_key("retry-after"));
    assert!(
        setup.mock.requests().iter().all(|r| r.method != "PATCH"),
        "nothing was bound without the lock"
    );
}
