//! Failures through the whole default stack: each maps to the right typed error, and says whether
//! the request was sent and whether a cancel took place. Whether a cancel was applied at each point
//! of failure, checked against the mock's state, is in `tests/cancel_outcome.rs`; every fault with
//! its time bound is in `tests/faults.rs`.

use std::time::Duration;

use whop_client::{Applied, DEFAULT_BASE_URL, Error, RequestSent, RetryConfig, Token};
use whop_mock::{Fault, Limit, MockMembership, RateLimits};
use whop_tests::{
    Harness, USER_ID, bounded, client, fast_retries, mock_builder, sample_membership, try_client,
};

async fn harness() -> Harness {
    let mock = mock_builder().membership(sample_membership()).build();
    Harness::start(mock).await
}

#[tokio::test]
async fn an_unknown_token_is_unauthorized_with_the_api_message() {
    bounded(async {
        let h = harness().await;
        let stranger = h.company.with_token(&Token::new("not-a-real-key").unwrap());
        let e = stranger
            .legacy()
            .cancel_membership("mem_1")
            .await
            .unwrap_err();
        assert!(e.is_unauthorized(), "{e}");
        let Error::Api(api) = &e else { panic!("{e:?}") };
        assert_eq!(api.message(), Some("Unauthorized"));
        assert_eq!(e.applied(), Applied::No);
    })
    .await;
}

#[tokio::test]
async fn an_unknown_membership_is_not_found_in_both_families() {
    bounded(async {
        let h = harness().await;
        let v2 = h
            .company
            .legacy()
            .cancel_membership("mem_nope")
            .await
            .unwrap_err();
        assert!(v2.is_not_found(), "{v2}");
        let v5 = h.user.legacy().me_membership("mem_nope").await.unwrap_err();
        assert!(v5.is_not_found(), "{v5}");
        assert!(
            h.user
                .legacy()
                .me_membership("mem_nope")
                .optional()
                .await
                .unwrap()
                .is_none()
        );
    })
    .await;
}

#[tokio::test]
async fn a_rate_limited_call_is_reported_with_its_retry_after() {
    bounded(async {
        let h = harness().await;
        h.mock.inject(Fault::rate_limited_for(60), 1);
        let e = h.user.legacy().me_membership("K-1").await.unwrap_err();
        assert!(e.is_rate_limited(), "{e}");
        assert_eq!(e.retry_after(), Some(Duration::from_secs(60)));
        assert_eq!(e.applied(), Applied::No);
    })
    .await;
}

#[tokio::test]
async fn a_429_without_retry_after_is_returned_at_once_not_retried() {
    bounded(async {
        let mock = mock_builder()
            .membership(MockMembership::new("mem_1").user(USER_ID))
            .rate_limits(
                RateLimits::disabled()
                    .v5(Some(Limit::new(1, Duration::from_secs(10))))
                    .cooldown(Duration::from_secs(60)),
            )
            .build();
        let h = Harness::start(mock).await;
        h.user.legacy().me_membership("mem_1").await.unwrap();
        let e = h.user.legacy().me_membership("mem_1").await.unwrap_err();
        assert!(e.is_rate_limited(), "{e}");
        assert_eq!(e.retry_after(), None);
        assert_eq!(h.mock.requests().len(), 2);
    })
    .await;
}

#[tokio::test]
async fn server_errors_are_retried_until_success() {
    bounded(async {
        let h = harness().await;
        h.mock.inject(Fault::Status(503), 2);
        let cancelled = h.company.legacy().cancel_membership("mem_1").await.unwrap();
        assert_eq!(cancelled.cancel_at_period_end, Some(true));
        assert_eq!(h.mock.requests().len(), 3);
    })
    .await;
}

#[tokio::test]
async fn a_persistent_server_error_is_an_api_error_that_may_have_applied() {
    bounded(async {
        let h = harness().await;
        h.mock.inject(Fault::html_502(), 10);
        let e = h
            .company
            .legacy()
            .cancel_membership("mem_1")
            .await
            .unwrap_err();
        assert_eq!(e.status().map(|s| s.as_u16()), Some(502));
        assert_eq!(e.applied(), Applied::Maybe);
        let Error::Api(api) = &e else { panic!("{e:?}") };
        assert!(String::from_utf8_lossy(api.body()).contains("502 Bad Gateway"));
        assert!(e.to_string().contains("502 Bad Gateway"), "{e}");
    })
    .await;
}

#[tokio::test]
async fn a_dropped_connection_is_retried_for_a_lookup() {
    bounded(async {
        let h = harness().await;
        h.mock.inject(Fault::DropConnection, 1);
        let found = h.user.legacy().me_membership("K-1").await.unwrap();
        assert_eq!(found.id.as_str(), "mem_1");
    })
    .await;
}

#[tokio::test]
async fn an_empty_id_is_refused_before_anything_is_sent() {
    bounded(async {
        let h = harness().await;
        for bad in ["", ".", ".."] {
            let e = h.company.legacy().cancel_membership(bad).await.unwrap_err();
            assert!(matches!(e, Error::InvalidInput(_)), "{bad:?}: {e:?}");
            assert_eq!(e.request_sent(), RequestSent::NotSent);
            let e = h.user.legacy().me_membership(bad).await.unwrap_err();
            assert!(matches!(e, Error::InvalidInput(_)), "{bad:?}: {e:?}");
        }
        assert!(h.mock.requests().is_empty());
    })
    .await;
}

#[tokio::test]
async fn a_server_that_is_not_there_means_never_sent() {
    bounded(async {
        let h = harness().await;
        let base = h.company.base_url().to_string();
        h.server.shutdown().await;
        let client = client(&base, whop_tests::COMPANY_KEY, |t| t.retry(fast_retries()));
        let e = client
            .legacy()
            .cancel_membership("mem_1")
            .await
            .unwrap_err();
        assert!(matches!(e, Error::Transport(_)), "{e:?}");
        assert_eq!(e.request_sent(), RequestSent::NotSent);
        assert_eq!(e.applied(), Applied::No);
        assert!(e.to_string().contains("never sent"), "{e}");
    })
    .await;
}

#[tokio::test]
async fn a_slow_answer_is_a_timeout() {
    bounded(async {
        let h = harness().await;
        let impatient = client(
            h.company.base_url().as_str(),
            whop_tests::COMPANY_KEY,
            |t| {
                t.retry(RetryConfig::disabled())
                    .attempt_timeout(Duration::from_millis(200))
            },
        );
        h.mock.inject(Fault::Delay(Duration::from_secs(5)), 1);
        let e = impatient
            .legacy()
            .cancel_membership("mem_1")
            .await
            .unwrap_err();
        assert!(e.is_timeout(), "{e:?}");
        assert_eq!(e.applied(), Applied::Maybe);
    })
    .await;
}

#[tokio::test]
async fn a_plain_http_base_url_to_another_host_is_refused() {
    let e = try_client("http://api.whop.com/api", "key", |t| t).unwrap_err();
    assert!(matches!(e, Error::InvalidInput(_)), "{e:?}");
}

#[tokio::test]
async fn a_token_with_a_line_break_is_refused() {
    let e = try_client(DEFAULT_BASE_URL, "key\r\nX-Evil: 1", |t| t).unwrap_err();
    assert!(matches!(e, Error::InvalidInput(_)), "{e:?}");
    assert!(!e.to_string().contains("X-Evil"), "{e}");
}
