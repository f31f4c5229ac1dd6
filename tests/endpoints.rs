//! Both endpoints through the whole default stack against whop-mock on loopback.

use std::collections::HashSet;

use whop_client::legacy::{Expand, LicenseCheck};
use whop_client::models::{MembershipStatus, Object};
use whop_mock::{MockMembership, Route};
use whop_tests::{Harness, USER_ID, bounded, mock_builder};

fn member(id: &str, key: &str) -> MockMembership {
    MockMembership::new(id).user(USER_ID).license_key(key)
}

async fn harness_with(memberships: &[MockMembership]) -> Harness {
    let mut builder = mock_builder();
    for m in memberships {
        builder = builder.membership(m.clone());
    }
    Harness::start(builder.build()).await
}

#[tokio::test]
async fn cancel_returns_the_membership_set_to_cancel_at_period_end() {
    bounded(async {
        let h = harness_with(&[member("mem_1", "K-1")]).await;
        let cancelled = h.company.legacy().cancel_membership("mem_1").await.unwrap();
        assert_eq!(cancelled.id.as_str(), "mem_1");
        assert_eq!(cancelled.cancel_at_period_end, Some(true));
        assert_eq!(cancelled.status(), 201);
        assert!(h.mock.membership("mem_1").unwrap().cancel_at_period_end);
    })
    .await;
}

#[tokio::test]
async fn cancel_exposes_the_deprecation_header() {
    bounded(async {
        let h = harness_with(&[member("mem_1", "K-1")]).await;
        let cancelled = h
            .company
            .legacy()
            .cancel_membership("mem_1")
            .send()
            .await
            .unwrap();
        assert_eq!(cancelled.deprecation(), Some("true"));
    })
    .await;
}

#[tokio::test]
async fn cancel_twice_succeeds_twice_with_the_same_result() {
    bounded(async {
        let h = harness_with(&[member("mem_1", "K-1")]).await;
        let first = h
            .company
            .legacy()
            .cancel_membership("mem_1")
            .await
            .unwrap()
            .into_inner();
        let second = h
            .company
            .legacy()
            .cancel_membership("mem_1")
            .await
            .unwrap()
            .into_inner();
        assert_eq!(first, second);
    })
    .await;
}

#[tokio::test]
async fn every_expand_combination_expands_exactly_the_asked_fields() {
    bounded(async {
        let h = harness_with(&[member("mem_1", "K-1")]).await;
        for mask in 0u8..16 {
            let asked: Vec<Expand> = Expand::ALL
                .iter()
                .copied()
                .enumerate()
                .filter(|(bit, _)| mask & (1 << bit) != 0)
                .map(|(_, e)| e)
                .collect();
            // Ask in reverse order and twice, to pin the canonical, deduplicated query.
            let m = h
                .company
                .legacy()
                .cancel_membership("mem_1")
                .expand_all(asked.iter().rev().copied())
                .expand_all(asked.iter().copied())
                .await
                .unwrap();
            let expanded = |e: Expand| asked.contains(&e);
            assert_eq!(
                m.product.as_ref().unwrap().is_expanded(),
                expanded(Expand::Product),
                "{asked:?}"
            );
            assert_eq!(
                m.user.as_ref().unwrap().is_expanded(),
                expanded(Expand::User),
                "{asked:?}"
            );
            assert_eq!(
                m.plan.as_ref().unwrap().is_expanded(),
                expanded(Expand::Plan),
                "{asked:?}"
            );
            if let Some(promo) = &m.promo_code {
                assert_eq!(
                    promo.is_expanded(),
                    expanded(Expand::PromoCode),
                    "{asked:?}"
                );
            }
            let query = h.mock.requests().last().unwrap().query.clone();
            let expected: Vec<String> = Expand::ALL
                .iter()
                .filter(|e| asked.contains(e))
                .map(|e| format!("expand[]={}", e.as_str()))
                .collect();
            let expected = (!expected.is_empty()).then(|| expected.join("&"));
            assert_eq!(query, expected);
        }
    })
    .await;
}

#[tokio::test]
async fn an_expanded_field_keeps_its_id() {
    bounded(async {
        let h = harness_with(&[member("mem_1", "K-1")]).await;
        let m = h
            .company
            .legacy()
            .cancel_membership("mem_1")
            .expand(Expand::User)
            .await
            .unwrap();
        let user = m.user.as_ref().unwrap();
        assert_eq!(user.id().as_str(), USER_ID);
        assert_eq!(user.as_object().unwrap().id().as_str(), USER_ID);
    })
    .await;
}

#[tokio::test]
async fn me_membership_finds_a_membership_by_id() {
    bounded(async {
        let h = harness_with(&[member("mem_1", "K-1")]).await;
        let m = h.user.legacy().me_membership("mem_1").await.unwrap();
        assert_eq!(m.id.as_str(), "mem_1");
        assert_eq!(m.status, Some(MembershipStatus::Active));
        assert!(m.valid);
    })
    .await;
}

#[tokio::test]
async fn me_membership_finds_a_membership_by_license_key() {
    bounded(async {
        let h = harness_with(&[member("mem_1", "K-1")]).await;
        let m = h.user.legacy().me_membership("K-1").await.unwrap();
        assert_eq!(m.id.as_str(), "mem_1");
        assert_eq!(m.license_key.as_ref().unwrap().as_str(), "K-1");
    })
    .await;
}

#[tokio::test]
async fn check_license_says_valid_invalid_or_not_found() {
    bounded(async {
        let h = harness_with(&[
            member("mem_1", "K-VALID"),
            member("mem_2", "K-EXPIRED").status("expired", false),
        ])
        .await;
        assert!(matches!(
            h.user.legacy().check_license("K-VALID").await.unwrap(),
            LicenseCheck::Valid(_)
        ));
        assert!(matches!(
            h.user.legacy().check_license("K-EXPIRED").await.unwrap(),
            LicenseCheck::Invalid(_)
        ));
        assert!(matches!(
            h.user.legacy().check_license("K-NONE").await.unwrap(),
            LicenseCheck::NotFound
        ));
    })
    .await;
}

/// Keys a customer could type or paste; each must reach the server as one segment equal to it.
const HOSTILE_KEYS: &[&str] = &[
    "a/b",
    "../mem_1",
    "a/../../admin",
    "%2F",
    "%2e%2e",
    "50%",
    "key?admin=true",
    "key#fragment",
    "key with spaces",
    "tab\tkey",
    "line\r\nInjected: header",
    "nul\0byte",
    "ключ-лицензии",
    "鍵🔑",
    "...",
    ".hidden",
    "a;b=c",
    "a&b=c",
    "+plus+",
    "[brackets]",
    "back\\slash",
    "\"quoted\"",
    "<script>",
    "~tilde_-.",
];

#[tokio::test]
async fn hostile_license_keys_reach_the_server_as_one_segment_equal_to_the_key() {
    bounded(async {
        let memberships: Vec<MockMembership> = HOSTILE_KEYS
            .iter()
            .enumerate()
            .map(|(i, key)| member(&format!("mem_h{i}"), key))
            .collect();
        let h = harness_with(&memberships).await;
        for (i, key) in HOSTILE_KEYS.iter().enumerate() {
            let found = h
                .user
                .legacy()
                .me_membership(key)
                .await
                .unwrap_or_else(|e| panic!("{key:?}: {e}"));
            assert_eq!(found.id.as_str(), format!("mem_h{i}"), "{key:?}");
            let received = h.mock.requests().pop().unwrap();
            assert_eq!(
                received.path_segments().len(),
                5,
                "{key:?} arrived as {}",
                received.path
            );
            assert_eq!(received.query, None, "{key:?}");
            assert_eq!(
                received.route,
                Some(Route::RetrieveMyMembership {
                    id_or_key: (*key).to_owned()
                }),
                "{key:?}"
            );
        }
    })
    .await;
}

#[tokio::test]
async fn a_ten_kilobyte_license_key_reaches_the_server_whole() {
    bounded(async {
        let key = "K".repeat(10 * 1024);
        let h = harness_with(&[member("mem_long", &key)]).await;
        let found = h.user.legacy().me_membership(&key).await.unwrap();
        assert_eq!(found.id.as_str(), "mem_long");
    })
    .await;
}

#[tokio::test]
async fn the_company_and_user_clients_share_one_connection() {
    bounded(async {
        let h = harness_with(&[member("mem_1", "K-1")]).await;
        for _ in 0..5 {
            h.company.legacy().cancel_membership("mem_1").await.unwrap();
            h.user.legacy().me_membership("K-1").await.unwrap();
        }
        assert_eq!(h.server.connections_accepted(), 1);
        let callers: HashSet<String> = h
            .mock
            .requests()
            .iter()
            .map(|r| format!("{:?}", r.caller))
            .collect();
        assert_eq!(callers.len(), 2, "{callers:?}");
    })
    .await;
}

#[tokio::test]
async fn two_hundred_concurrent_calls_all_succeed() {
    bounded(async {
        let memberships: Vec<MockMembership> = (0..50)
            .map(|i| member(&format!("mem_c{i}"), &format!("K-C{i}")))
            .collect();
        let h = harness_with(&memberships).await;
        let mut tasks = tokio::task::JoinSet::new();
        for i in 0..200 {
            let company = h.company.clone();
            let user = h.user.clone();
            tasks.spawn(async move {
                let n = i % 50;
                if i % 2 == 0 {
                    let m = company
                        .legacy()
                        .cancel_membership(format!("mem_c{n}"))
                        .await?;
                    Ok::<_, whop_client::Error>(m.id.to_string())
                } else {
                    let m = user.legacy().me_membership(format!("K-C{n}")).await?;
                    Ok(m.id.to_string())
                }
                .map(|id| (n, id))
            });
        }
        let mut done = 0;
        while let Some(joined) = tasks.join_next().await {
            let (n, id) = joined.unwrap().unwrap();
            assert_eq!(id, format!("mem_c{n}"));
            done += 1;
        }
        assert_eq!(done, 200);
    })
    .await;
}

#[tokio::test]
async fn a_cancel_answered_200_instead_of_201_is_a_success_too() {
    bounded(async {
        let h = harness_with(&[member("mem_1", "K-1")]).await;
        let body = include_bytes!(
            "../crates/whop-models/tests/fixtures/example_v2_membership_validate_license_response__community_redacted.json"
        );
        h.mock.inject(
            whop_mock::Fault::Respond {
                status: 200,
                content_type: Some("application/json".to_owned()),
                body: body.as_slice().into(),
            },
            1,
        );
        let m = h.company.legacy().cancel_membership("mem_oR1RrIIfrsCcut").await.unwrap();
        assert_eq!(m.status(), 200);
        assert_eq!(m.id.as_str(), "mem_oR1RrIIfrsCcut");
    })
    .await;
}
