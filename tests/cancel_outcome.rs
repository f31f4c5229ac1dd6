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
//! The Current API's two cancels (`cancel_membership_at_period_end`, `cancel_membership_now`)
//! go through the same points, a row each of the table `v1_rows`, both calls
//! (`a_v1_cancel_says_whether_it_was_applied_at_every_point_of_failure`; "applied" is
//! `cancel_at_period_end` set, or the membership `canceled` and invalid), the last row being
//! "answered 200, the body did not decode": `Yes`, applied. With retries, a v1 cancel whose
//! answer was lost is repeated under the same `Idempotency-Key` and answered from it, not applied
//! twice (`a_retried_v1_cancel_is_answered_from_its_idempotency_key_not_applied_twice`).
//!
//! `tests/failures.rs` covers the neighbouring cases for any call (`an_empty_id_is_refused_before_
//! anything_is_sent`, `a_server_that_is_not_there_means_never_sent`, `a_slow_answer_is_a_timeout`).

use std::time::Duration;

use whop_client::transport::IDEMPOTENCY_KEY;
use whop_client::{Applied, Client, Error, MembershipStatus, RequestSent, RetryConfig, Token};
use whop_mock::{Fault, MockMembership, MockWhop};
use whop_tests::{
    COMPANY_KEY, Harness, USER_ID, bounded, client, eventually, fast_retries, mock_builder,
};

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

/// A Current API cancel: at period end or now (two calls, each with its explicit
/// `cancel_at_period_end`).
#[derive(Clone, Copy, Debug)]
enum V1Cancel {
    AtPeriodEnd,
    Now,
}

impl V1Cancel {
    const BOTH: [V1Cancel; 2] = [V1Cancel::AtPeriodEnd, V1Cancel::Now];

    async fn send(self, c: &Client, id: &str) -> Result<whop_client::Membership, Error> {
        let call = match self {
            V1Cancel::AtPeriodEnd => c.cancel_membership_at_period_end(id),
            V1Cancel::Now => c.cancel_membership_now(id),
        };
        call.await.map(whop_client::Response::into_inner)
    }

    /// Whether the mock's `mem_1` shows this cancel applied.
    fn applied_in(self, mock: &MockWhop) -> bool {
        let m = mock.membership("mem_1").expect("seeded");
        match self {
            V1Cancel::AtPeriodEnd => m.cancel_at_period_end,
            V1Cancel::Now => !m.valid && m.status == "canceled",
        }
    }
}

/// Where a v1 cancel fails: before anything is sent, or as the mock is told to make it fail.
#[derive(Clone, Copy)]
enum V1Failure {
    ServerGone,
    Before(fn() -> Fault),
    After(fn() -> Fault),
    Token(&'static str),
    EmptyId,
}

/// One row: the failure, the error's variant, `applied()`, and whether the mock applied it.
struct V1Row {
    name: &'static str,
    failure: V1Failure,
    is_variant: fn(&Error) -> bool,
    applied: Applied,
    mock_applied: bool,
}

fn v1_rows() -> Vec<V1Row> {
    use V1Failure::{After, Before, EmptyId, ServerGone, Token};
    let row = |name, failure, is_variant, applied, mock_applied| V1Row {
        name,
        failure,
        is_variant,
        applied,
        mock_applied,
    };
    vec![
        row(
            "invalid input",
            EmptyId,
            |e| matches!(e, Error::InvalidInput(_)),
            Applied::No,
            false,
        ),
        row(
            "connection refused",
            ServerGone,
            |e| matches!(e, Error::Transport(_)),
            Applied::No,
            false,
        ),
        row(
            "connection dropped after it was applied",
            After(|| Fault::DropConnection),
            |e| matches!(e, Error::Transport(_)),
            Applied::Maybe,
            true,
        ),
        row(
            "connection dropped before it was applied",
            Before(|| Fault::DropConnection),
            |e| matches!(e, Error::Transport(_)),
            Applied::Maybe,
            false,
        ),
        row(
            "timed out after it was applied",
            After(|| Fault::Delay(Duration::from_secs(5))),
            Error::is_timeout,
            Applied::Maybe,
            true,
        ),
        row(
            "a 503 in front of the API",
            Before(|| Fault::Status(503)),
            |e| e.status().map(|s| s.as_u16()) == Some(503),
            Applied::Maybe,
            false,
        ),
        row(
            "refused by the API (401)",
            Token("not-a-real-key"),
            Error::is_unauthorized,
            Applied::No,
            false,
        ),
        row(
            "answered 200, the body did not decode",
            After(|| Fault::GarbageBody),
            |e| matches!(e, Error::Decode(d) if d.status().is_success() && &d.body()[..] == whop_mock::GARBAGE_BODY),
            Applied::Yes,
            true,
        ),
    ]
}

/// Every row of [`v1_rows`] for both v1 cancels, one attempt each: the error's `applied()` agrees
/// with the mock's state. "A v1 cancel whose success body does not decode was applied" is the
/// last row.
#[tokio::test]
async fn a_v1_cancel_says_whether_it_was_applied_at_every_point_of_failure() {
    bounded(async {
        for cancel in V1Cancel::BOTH {
            for row in v1_rows() {
                let what = format!("{cancel:?}, {}", row.name);
                let h = harness().await;
                let mut c = one_attempt(&h);
                let Harness { server, mock, .. } = h;
                let mut id = "mem_1";
                match row.failure {
                    V1Failure::ServerGone => server.shutdown().await,
                    V1Failure::Before(fault) => mock.inject(fault(), 1),
                    V1Failure::After(fault) => mock.inject_after_handling(fault(), 1),
                    V1Failure::Token(token) => c = c.with_token(&Token::new(token).unwrap()),
                    V1Failure::EmptyId => id = "",
                }
                let e = cancel.send(&c, id).await.unwrap_err();
                assert!((row.is_variant)(&e), "{what}: {e:?}");
                assert_eq!(e.applied(), row.applied, "{what}: {e:?}");
                assert_eq!(
                    cancel.applied_in(&mock),
                    row.mock_applied,
                    "{what}: the mock"
                );
                if row.applied == Applied::Yes {
                    assert!(
                        e.to_string().contains("the action was applied"),
                        "{what}: {e}"
                    );
                }
                if matches!(row.failure, V1Failure::EmptyId | V1Failure::ServerGone) {
                    assert!(mock.requests().is_empty(), "{what}: nothing sent");
                }
            }
        }
    })
    .await;
}

/// With retries, a v1 cancel whose answer was lost is sent again with the same
/// `Idempotency-Key`, and the API answers it with the first answer instead of applying it a
/// second time. To tell the two apart, the test undoes the cancel in the mock while the repeat
/// is on its way (a delay on the second request): a repeat applied again would cancel again.
#[tokio::test]
async fn a_retried_v1_cancel_is_answered_from_its_idempotency_key_not_applied_twice() {
    bounded(async {
        for cancel in V1Cancel::BOTH {
            let h = harness().await;
            h.mock.inject_after_handling(Fault::DropConnection, 1);
            // Long enough for the undo below to land first, even on a starved machine.
            h.mock.inject(Fault::Delay(Duration::from_secs(1)), 1);
            let call = cancel.send(&h.company, "mem_1");
            let undo = async {
                assert!(eventually(Duration::from_secs(3), || h.mock.requests().len() == 2).await);
                assert!(
                    cancel.applied_in(&h.mock),
                    "{cancel:?}: the first attempt applied it"
                );
                h.mock
                    .insert_membership(MockMembership::new("mem_1").user(USER_ID));
            };
            let (m, ()) = tokio::join!(call, undo);
            let m = m.unwrap();
            match cancel {
                V1Cancel::AtPeriodEnd => assert_eq!(m.cancel_at_period_end, Some(true)),
                V1Cancel::Now => assert_eq!(m.status, Some(MembershipStatus::Canceled)),
            }
            assert!(
                !cancel.applied_in(&h.mock),
                "{cancel:?}: the repeat was applied again"
            );
            let keys: Vec<_> = h
                .mock
                .requests()
                .iter()
                .map(|r| r.headers.get(IDEMPOTENCY_KEY).cloned())
                .collect();
            assert_eq!(keys.len(), 2);
            assert!(keys[0].is_some() && keys[0] == keys[1], "{keys:?}");
        }
    })
    .await;
}
