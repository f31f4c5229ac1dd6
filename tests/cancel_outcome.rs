//! A cancel is never lost: at every point a call can fail, the error says whether the cancel was
//! applied ([`Applied::Yes`]), may have been ([`Applied::Maybe`]) or was not ([`Applied::No`]), and
//! the mock's real state agrees (`cancel_at_period_end` set, or not).
//!
//! | point of failure | test | error | `applied()` | mock state |
//! | --- | --- | --- | --- | --- |
//! | before sending: invalid input | `invalid_input_was_not_applied` | `InvalidInput` | `No` | not cancelled, no request |
//! | before sending: connection refused | `a_refused_connection_was_not_applied` | `Transport` (never sent) | `No` | not cancelled, no request |
//! | sent, connection dropped after the API applied it | `a_connection_dropped_after_the_cancel_was_applied_may_have_applied` | `Transport` | `Maybe` | cancelled |
//! | sent, connection dropped before the API saw it | `a_connection_dropped_before_the_cancel_was_applied_may_have_applied` | `Transport` | `Maybe` | not cancelled |
//! | sent, timed out after the API applied it | `a_timeout_after_the_cancel_was_applied_may_have_applied` | `Timeout` | `Maybe` | cancelled |
//! | sent, a 5xx in front of the API | `a_gateway_error_may_have_applied` | `Api` 503 | `Maybe` | not cancelled |
//! | sent, the API refused it | `a_refused_cancel_was_not_applied` | `Api` 401 | `No` | not cancelled |
//! | answered 201, the body did not decode | `a_cancel_whose_success_body_does_not_decode_was_applied` | `Decode` | `Yes` | cancelled |
//!
//! `tests/failures.rs` covers the neighbouring cases for any call (`an_empty_id_is_refused_before_
//! anything_is_sent`, `a_server_that_is_not_there_means_never_sent`, `a_slow_answer_is_a_timeout`).

use std::time::Duration;

use whop_client::{Applied, Client, Error, RequestSent, RetryConfig, Token};
use whop_mock::{Fault, MockMembership};
use whop_tests::{COMPANY_KEY, Harness, USER_ID, bounded, client, fast_retries, mock_builder};

async fn harness() -> Harness {
    let mock = mock_builder()
        .membership(MockMembership::new("mem_1").user(USER_ID))
        .build();
    Harness::start(mock).await
}

/// A company client of `h`'s server with retries off and a short attempt timeout, so each fault
/// reaches the caller as it happened.
fn one_attempt(h: &Harness) -> Client {
    client(h.company.base_url().as_str(), COMPANY_KEY, |t| {
        t.retry(RetryConfig::disabled())
            .attempt_timeout(Duration::from_millis(300))
    })
}

fn cancelled(h: &Harness) -> bool {
    h.mock
        .membership("mem_1")
        .expect("seeded")
        .cancel_at_period_end
}

#[tokio::test]
async fn invalid_input_was_not_applied() {
    bounded(async {
        let h = harness().await;
        let e = h.company.legacy().cancel_membership("").await.unwrap_err();
        assert!(matches!(e, Error::InvalidInput(_)), "{e:?}");
        assert_eq!(e.applied(), Applied::No);
        assert!(h.mock.requests().is_empty());
        assert!(!cancelled(&h));
    })
    .await;
}

#[tokio::test]
async fn a_refused_connection_was_not_applied() {
    bounded(async {
        let Harness {
            server,
            mock,
            company,
            ..
        } = harness().await;
        server.shutdown().await;
        let e = company
            .legacy()
            .cancel_membership("mem_1")
            .await
            .unwrap_err();
        assert!(matches!(e, Error::Transport(_)), "{e:?}");
        assert_eq!(e.request_sent(), RequestSent::NotSent);
        assert_eq!(e.applied(), Applied::No);
        assert!(mock.requests().is_empty());
        assert!(!mock.membership("mem_1").unwrap().cancel_at_period_end);
    })
    .await;
}

#[tokio::test]
async fn a_connection_dropped_after_the_cancel_was_applied_may_have_applied() {
    bounded(async {
        let h = harness().await;
        h.mock.inject_after_handling(Fault::DropConnection, 1);
        let e = one_attempt(&h)
            .legacy()
            .cancel_membership("mem_1")
            .await
            .unwrap_err();
        assert!(matches!(e, Error::Transport(_)), "{e:?}");
        assert_eq!(e.request_sent(), RequestSent::MaybeSent);
        assert_eq!(e.applied(), Applied::Maybe);
        assert!(e.to_string().contains("may have reached the server"), "{e}");
        assert!(
            cancelled(&h),
            "the mock applied it: Maybe was right to hedge"
        );
    })
    .await;
}

#[tokio::test]
async fn a_connection_dropped_before_the_cancel_was_applied_may_have_applied() {
    bounded(async {
        let h = harness().await;
        h.mock.inject(Fault::DropConnection, 1);
        let e = one_attempt(&h)
            .legacy()
            .cancel_membership("mem_1")
            .await
            .unwrap_err();
        assert!(matches!(e, Error::Transport(_)), "{e:?}");
        assert_eq!(e.applied(), Applied::Maybe);
        assert!(!cancelled(&h), "the mock never applied it: the same Maybe");
    })
    .await;
}

#[tokio::test]
async fn a_timeout_after_the_cancel_was_applied_may_have_applied() {
    bounded(async {
        let h = harness().await;
        h.mock
            .inject_after_handling(Fault::Delay(Duration::from_secs(5)), 1);
        let e = one_attempt(&h)
            .legacy()
            .cancel_membership("mem_1")
            .await
            .unwrap_err();
        assert!(e.is_timeout(), "{e:?}");
        assert_eq!(e.request_sent(), RequestSent::MaybeSent);
        assert_eq!(e.applied(), Applied::Maybe);
        assert!(cancelled(&h));
    })
    .await;
}

#[tokio::test]
async fn a_gateway_error_may_have_applied() {
    bounded(async {
        let h = harness().await;
        h.mock.inject(Fault::Status(503), 1);
        let e = one_attempt(&h)
            .legacy()
            .cancel_membership("mem_1")
            .await
            .unwrap_err();
        assert_eq!(e.status().map(|s| s.as_u16()), Some(503), "{e:?}");
        assert_eq!(e.applied(), Applied::Maybe);
        assert!(!cancelled(&h));
    })
    .await;
}

#[tokio::test]
async fn a_refused_cancel_was_not_applied() {
    bounded(async {
        let h = harness().await;
        let stranger = h.company.with_token(&Token::new("not-a-real-key").unwrap());
        let e = stranger
            .legacy()
            .cancel_membership("mem_1")
            .await
            .unwrap_err();
        assert!(e.is_unauthorized(), "{e:?}");
        assert_eq!(e.applied(), Applied::No);
        assert!(!cancelled(&h));
    })
    .await;
}

// Moved here from tests/failures.rs, with the mock's state checked.
#[tokio::test]
async fn a_cancel_whose_success_body_does_not_decode_was_applied() {
    bounded(async {
        let h = harness().await;
        h.mock.inject_after_handling(Fault::GarbageBody, 1);
        let e = h
            .company
            .legacy()
            .cancel_membership("mem_1")
            .await
            .unwrap_err();
        let Error::Decode(decode) = &e else {
            panic!("{e:?}")
        };
        assert_eq!(e.applied(), Applied::Yes);
        assert!(decode.status().is_success());
        assert_eq!(&decode.body()[..], whop_mock::GARBAGE_BODY);
        assert!(e.to_string().contains("the action was applied"), "{e}");
        assert!(cancelled(&h));
    })
    .await;
}

#[tokio::test]
async fn with_retries_a_cancel_whose_answer_was_lost_is_repeated_and_succeeds() {
    bounded(async {
        let h = Harness::start_with(
            mock_builder()
                .membership(MockMembership::new("mem_1").user(USER_ID))
                .build(),
            fast_retries(),
        )
        .await;
        h.mock.inject_after_handling(Fault::DropConnection, 1);
        let m = h.company.legacy().cancel_membership("mem_1").await.unwrap();
        assert_eq!(m.cancel_at_period_end, Some(true));
        assert_eq!(
            h.mock.requests().len(),
            2,
            "cancel is idempotent, so retried"
        );
        assert!(cancelled(&h));
    })
    .await;
}
