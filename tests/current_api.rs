//! Issue 22's acceptance checks over HTTP: against a mock that answers only the Current API
//! (`v2_retired(true)`), every Current API call of the client works, and the mock's request log
//! shows what the library promises on the wire:
//!
//! - no request to `/api/v2/`;
//! - an `Api-Version-Date` on every `/api/v1/` request, the pinned
//!   [`ApiVersionDate::PINNED`](whop_client::transport::ApiVersionDate::PINNED) (or the
//!   client's override), a date the mock (Whop) serves;
//! - no cancel without an explicit boolean `cancel_at_period_end`.
//!
//! Beside them: a v1 cancel shows in a legacy v5 read (one state); the legacy v2 calls against a
//! server without v2 fail with an error naming the retirement date and the Current API call; a
//! cursor listing gives every membership exactly once over several pages.

use std::collections::BTreeSet;

use whop_client::legacy::V2_RETIRED_ON;
use whop_client::transport::ApiVersionDate;
use whop_client::{
    Client, Error, LicenseBinding, MembershipFilter, MembershipStatus, Metadata, PacingConfig,
    Stream,
};
use whop_mock::{MockMembership, MockWhop, SUPPORTED_API_VERSION_DATES};
use whop_tests::{COMPANY_KEY, Harness, USER_ID, bounded, client, fast_retries};

/// The mock most tests use: `mem_1` (the user's, license key `K-1`) and `mem_2` (someone
/// else's), v2 routes answering as Whop does since it retired them.
fn without_v2() -> MockWhop {
    world().v2_retired(true).build()
}

fn world() -> whop_mock::MockWhopBuilder {
    whop_tests::mock_builder()
        .membership(
            MockMembership::new("mem_1")
                .user(USER_ID)
                .license_key("K-1")
                .payment_processor("stripe"),
        )
        .membership(MockMembership::new("mem_2").user("user_other00000001"))
}

/// What the mock's log must show of a run that used only the Current API: requests were made,
/// none to `/api/v2/`, every one to `/api/v1/` with `date` as its `Api-Version-Date`, and every
/// v1 cancel with an explicit boolean `cancel_at_period_end`.
fn assert_current_api_only(mock: &MockWhop, date: &str, what: &str) {
    let requests = mock.requests();
    assert!(!requests.is_empty(), "{what}: no request made");
    for r in &requests {
        assert!(
            !r.path.starts_with("/api/v2/"),
            "{what}: a request to v2: {} {}",
            r.method,
            r.path
        );
        if r.is_v1() {
            assert_eq!(
                r.api_version_date.as_deref(),
                Some(date),
                "{what}: {} {}",
                r.method,
                r.path
            );
        }
        if let Some(body) = r.v1_cancel_body() {
            assert!(
                body["cancel_at_period_end"].is_boolean(),
                "{what}: a cancel left its meaning to a default: {body}"
            );
        }
    }
    assert!(
        requests.iter().all(|r| r.is_v1()),
        "{what}: every request went to the Current API"
    );
}

/// One Current API call of the client, and what it must have done.
#[derive(Clone, Copy, Debug)]
enum CurrentCall {
    Retrieve,
    RetrieveByLicenseKey,
    RetrieveMissingIsNone,
    ListOnePage,
    ListWithFilters,
    ListItems,
    MergeMetadata,
    ClearMetadata,
    CancelAtPeriodEnd,
    UndoCancel,
    CancelNow,
    Pause,
    Resume,
    Extend,
    ValidateLicense,
    ResetLicense,
}

impl CurrentCall {
    const ALL: [CurrentCall; 16] = [
        CurrentCall::Retrieve,
        CurrentCall::RetrieveByLicenseKey,
        CurrentCall::RetrieveMissingIsNone,
        CurrentCall::ListOnePage,
        CurrentCall::ListWithFilters,
        CurrentCall::ListItems,
        CurrentCall::MergeMetadata,
        CurrentCall::ClearMetadata,
        CurrentCall::CancelAtPeriodEnd,
        CurrentCall::UndoCancel,
        CurrentCall::CancelNow,
        CurrentCall::Pause,
        CurrentCall::Resume,
        CurrentCall::Extend,
        CurrentCall::ValidateLicense,
        CurrentCall::ResetLicense,
    ];

    /// Makes the call with the company key (`user` for the user's own list) and checks its
    /// answer and the mock's state.
    async fn run(self, company: &Client, user: &Client, mock: &MockWhop) {
        let state = || mock.membership("mem_1").expect("seeded");
        match self {
            CurrentCall::Retrieve => {
                let m = company.membership("mem_1").await.unwrap();
                assert_eq!(m.id.as_str(), "mem_1");
                assert_eq!(m.user_id.as_ref().map(|u| u.as_str()), Some(USER_ID));
            }
            CurrentCall::RetrieveByLicenseKey => {
                let m = company.membership("K-1").await.unwrap();
                assert_eq!(m.id.as_str(), "mem_1");
            }
            CurrentCall::RetrieveMissingIsNone => {
                assert!(
                    company
                        .membership("mem_nope")
                        .optional()
                        .await
                        .unwrap()
                        .is_none()
                );
            }
            CurrentCall::ListOnePage => {
                let page = company.list_memberships().first(1).send().await.unwrap();
                assert_eq!(page.data.len(), 1);
            }
            CurrentCall::ListWithFilters => {
                let page = user
                    .list_memberships()
                    .me()
                    .status(MembershipFilter::Active)
                    .send()
                    .await
                    .unwrap();
                let ids: Vec<_> = page.data.iter().map(|m| m.id.as_str()).collect();
                assert_eq!(ids, ["mem_1"]);
            }
            CurrentCall::ListItems => {
                let ids = collect_ids(company.list_memberships().first(1).items()).await;
                assert_eq!(ids, ["mem_1", "mem_2"].map(String::from).into());
            }
            CurrentCall::MergeMetadata => {
                mock.set_metadata("mem_1", serde_json::json!({"kept": 1}));
                let m = company
                    .merge_membership_metadata("mem_1", Metadata::new().with("added", "x"))
                    .await
                    .unwrap();
                let metadata = m.metadata.as_ref().expect("metadata");
                assert_eq!(metadata.get("kept"), Some(&1.into()));
                assert_eq!(metadata.get("added"), Some(&"x".into()));
                assert_eq!(
                    state().metadata,
                    serde_json::json!({"kept": 1, "added": "x"})
                );
            }
            CurrentCall::ClearMetadata => {
                mock.set_metadata("mem_1", serde_json::json!({"kept": 1}));
                company.clear_membership_metadata("mem_1").await.unwrap();
                assert_eq!(state().metadata, serde_json::json!({}));
            }
            CurrentCall::CancelAtPeriodEnd => {
                let m = company
                    .cancel_membership_at_period_end("mem_1")
                    .await
                    .unwrap();
                assert_eq!(m.cancel_at_period_end, Some(true));
                assert!(state().cancel_at_period_end && state().valid);
            }
            CurrentCall::UndoCancel => {
                company
                    .cancel_membership_at_period_end("mem_1")
                    .await
                    .unwrap();
                let m = company.undo_membership_cancel("mem_1").await.unwrap();
                assert_eq!(m.cancel_at_period_end, Some(false));
                assert!(!state().cancel_at_period_end);
            }
            CurrentCall::CancelNow => {
                let m = company.cancel_membership_now("mem_1").await.unwrap();
                assert_eq!(m.status, Some(MembershipStatus::Canceled));
                assert!(!state().valid);
            }
            CurrentCall::Pause => {
                company.pause_membership("mem_1").await.unwrap();
                assert!(state().payment_collection_paused);
            }
            CurrentCall::Resume => {
                company.pause_membership("mem_1").await.unwrap();
                company.resume_membership("mem_1").await.unwrap();
                assert!(!state().payment_collection_paused);
            }
            CurrentCall::Extend => {
                let before = state().renewal_period_end;
                company.extend_membership("mem_1", 3).await.unwrap();
                assert_ne!(state().renewal_period_end, before, "the period moved");
            }
            CurrentCall::ValidateLicense => {
                let first = company.validate_license("K-1", "machine-A").await.unwrap();
                assert!(first.is_valid(), "{first:?}");
                let again = company.validate_license("K-1", "machine-A").await.unwrap();
                assert!(again.is_valid(), "{again:?}");
                let other = company.validate_license("K-1", "machine-B").await.unwrap();
                assert!(
                    matches!(other, LicenseBinding::BoundToOtherMachine { .. }),
                    "{other:?}"
                );
                let unknown = company.validate_license("K-nope", "machine-A").await;
                assert!(
                    matches!(unknown, Ok(LicenseBinding::NotFound)),
                    "{unknown:?}"
                );
            }
            CurrentCall::ResetLicense => {
                company.validate_license("K-1", "machine-A").await.unwrap();
                company.reset_license("K-1").await.unwrap();
                let b = company.validate_license("K-1", "machine-B").await.unwrap();
                assert!(b.is_valid(), "after a reset another machine binds: {b:?}");
            }
        }
    }
}

async fn collect_ids<S>(items: S) -> BTreeSet<String>
where
    S: Stream<Item = Result<whop_client::Membership, whop_client::PageError>>,
{
    let mut items = std::pin::pin!(items);
    let mut ids = BTreeSet::new();
    while let Some(item) = std::future::poll_fn(|cx| items.as_mut().poll_next(cx)).await {
        let id = item.expect("a page").id.as_str().to_owned();
        assert!(ids.insert(id.clone()), "{id} given twice");
    }
    ids
}

#[tokio::test]
async fn every_current_api_call_works_against_a_server_without_v2_and_sends_what_it_promises() {
    bounded(async {
        for call in CurrentCall::ALL {
            let h = Harness::start(without_v2()).await;
            call.run(&h.company, &h.user, &h.mock).await;
            assert_current_api_only(
                &h.mock,
                ApiVersionDate::PINNED.as_str(),
                &format!("{call:?}"),
            );
        }
    })
    .await;
}

#[test]
fn the_pinned_api_version_date_is_one_the_mock_serves() {
    assert!(
        SUPPORTED_API_VERSION_DATES.contains(&ApiVersionDate::PINNED.as_str()),
        "{} is not in {SUPPORTED_API_VERSION_DATES:?}",
        ApiVersionDate::PINNED
    );
}

#[tokio::test]
async fn a_client_with_its_own_api_version_date_sends_it_on_every_v1_request() {
    bounded(async {
        let other = SUPPORTED_API_VERSION_DATES
            .iter()
            .rev()
            .find(|d| **d != ApiVersionDate::PINNED.as_str())
            .expect("the mock serves another date");
        let date = ApiVersionDate::new(*other).unwrap();
        let mock = without_v2();
        let server = mock.serve().await.unwrap();
        let c = client(&server.url("/api"), COMPANY_KEY, |t| {
            t.retry(fast_retries())
                .pacing(PacingConfig::disabled())
                .api_version_date(date)
        });
        c.membership("mem_1").await.unwrap();
        c.cancel_membership_at_period_end("mem_1").await.unwrap();
        assert_current_api_only(&mock, other, "override");
    })
    .await;
}

/// (the cancel, what the user's legacy v5 read must show afterwards: `cancel_at_period_end`,
/// status).
type CancelShown = (
    fn(&Client) -> whop_client::CancelMembership<'_, whop_client::transport::Transport>,
    bool,
    MembershipStatus,
);

#[tokio::test]
async fn a_cancel_through_the_current_api_shows_in_a_legacy_v5_read() {
    bounded(async {
        let cases: [(&str, CancelShown); 2] = [
            (
                "at period end",
                (
                    |c| c.cancel_membership_at_period_end("mem_1"),
                    true,
                    MembershipStatus::Active,
                ),
            ),
            (
                "now",
                (
                    |c| c.cancel_membership_now("mem_1"),
                    false,
                    MembershipStatus::Canceled,
                ),
            ),
        ];
        for (name, (cancel, at_period_end, status)) in cases {
            let h = Harness::start(world().build()).await;
            cancel(&h.company).await.unwrap();
            let read = h.user.legacy().me_membership("mem_1").await.unwrap();
            assert_eq!(read.cancel_at_period_end, Some(at_period_end), "{name}");
            assert_eq!(read.status, Some(status), "{name}");
        }
    })
    .await;
}

/// A legacy v2 call against a server without v2, and the Current API call its error must name.
type LegacyCase = (&'static str, &'static str);

async fn legacy_call(name: &str, c: &Client) -> Error {
    let legacy = c.legacy();
    match name {
        "cancel_membership" => legacy.cancel_membership("mem_1").await.map(drop),
        "terminate_membership" => legacy.terminate_membership("mem_1").await.map(drop),
        "membership" => legacy.membership("mem_1").await.map(drop),
        "validate_license" => legacy.validate_license("K-1").await.map(drop),
        "update_membership_metadata" => legacy
            .update_membership_metadata("mem_1", Metadata::new().with("k", "v"))
            .await
            .map(drop),
        "list_memberships" => legacy.list_memberships().send().await.map(drop),
        "reset_license" => legacy.reset_license("K-1").await.map(drop),
        other => unreachable!("{other}"),
    }
    .expect_err(name)
}

#[tokio::test]
async fn legacy_v2_calls_against_a_server_without_v2_name_the_retirement_and_the_current_call() {
    bounded(async {
        let cases: [LegacyCase; 7] = [
            (
                "cancel_membership",
                "Client::cancel_membership_at_period_end",
            ),
            ("terminate_membership", "Client::cancel_membership_now"),
            ("membership", "Client::membership"),
            ("validate_license", "Client::validate_license"),
            (
                "update_membership_metadata",
                "Client::merge_membership_metadata",
            ),
            ("list_memberships", "Client::list_memberships"),
            ("reset_license", "Client::reset_license"),
        ];
        let h = Harness::start(without_v2()).await;
        for (name, successor) in cases {
            let e = legacy_call(name, &h.company).await;
            let text = e.to_string();
            assert!(matches!(e, Error::Retired(_)), "{name}: {e:?}");
            assert!(!e.is_not_found(), "{name}: {e:?}");
            assert!(text.contains(V2_RETIRED_ON), "{name}: {text}");
            assert!(text.contains("retired API v2"), "{name}: {text}");
            assert!(text.contains(successor), "{name}: {text}");
        }
        assert!(!h.mock.membership("mem_1").unwrap().cancel_at_period_end);
    })
    .await;
}

#[tokio::test]
async fn a_cursor_listing_gives_every_membership_exactly_once_over_several_pages() {
    bounded(async {
        let mut builder = world().v2_retired(true);
        for n in 3..=23 {
            let owner = if n % 3 == 0 {
                USER_ID
            } else {
                "user_other00000001"
            };
            builder = builder.membership(MockMembership::new(format!("mem_{n}")).user(owner));
        }
        let mock = builder.build();
        let all: BTreeSet<String> = mock.memberships().into_iter().map(|m| m.id).collect();
        let mine: BTreeSet<String> = mock
            .memberships()
            .into_iter()
            .filter(|m| m.user_id == USER_ID)
            .map(|m| m.id)
            .collect();
        let h = Harness::start(mock).await;
        let cases = [
            (
                "company key, 5 a page",
                h.company.list_memberships().first(5),
                &all,
            ),
            (
                "company key, 100 a page",
                h.company.list_memberships().first(100),
                &all,
            ),
            (
                "user token, `me`, 2 a page",
                h.user.list_memberships().me().first(2),
                &mine,
            ),
        ];
        for (name, list, expected) in cases {
            h.mock.clear_requests();
            let ids = collect_ids(list.items()).await;
            assert_eq!(&ids, expected, "{name}");
            assert_current_api_only(&h.mock, ApiVersionDate::PINNED.as_str(), name);
        }
        assert!(all.len() > 20 && mine.len() > 5);
    })
    .await;
}
