//! Listing memberships through the whole default stack against whop-mock on loopback: pages,
//! every filter, laziness, counts that lie, a failed page resumed, and a 429 waited out.

#[path = "toolkit_harness.rs"]
mod harness;

use std::collections::HashSet;
use std::convert::Infallible;
use std::time::Duration;

use bytes::Bytes;
use harness::{Api, bounded, collect, next};
use whop_client::legacy::{Expand, Expandable, V2_MAX_PER_PAGE};
use whop_client::{Client, Direction, Error, MembershipStatus, PacingConfig};
use whop_mock::{
    DEMO_USER_ID, Fault, GENERATED_PRODUCT_ID, LARGE_WORLD_MEMBERSHIPS, Limit, MockMembership,
    MockWhop, RateLimits,
};

/// The large world without rate limits, for tests about what is listed rather than how fast.
async fn unlimited() -> Api {
    Api::start(MockWhop::large_world_builder().no_rate_limits().build()).await
}

/// IDs of the memberships the oracle (the mock's own state) says match.
fn expected(mock: &MockWhop, keep: impl Fn(&MockMembership) -> bool) -> HashSet<String> {
    mock.memberships()
        .into_iter()
        .filter(|m| keep(m))
        .map(|m| m.id)
        .collect()
}

#[tokio::test]
async fn listing_237_with_per_50_yields_237_distinct_ids_in_5_pages_and_no_429_under_whop_limits() {
    bounded(async {
        // The mock enforces Whop's limits (100 per 10 s on v2, 60 s cooldown); the client paces
        // at Whop's limits (the default).
        let api = Api::start_with(MockWhop::large_world(), PacingConfig::default()).await;
        let pages = collect(api.company.legacy().list_memberships().per(50).pages()).await;
        let pages: Vec<_> = pages.into_iter().map(Result::unwrap).collect();
        assert_eq!(pages.len(), 5);
        assert_eq!(pages[4].data.len(), LARGE_WORLD_MEMBERSHIPS - 200);
        let ids: HashSet<_> = pages
            .iter()
            .flat_map(|p| p.data.iter().map(|m| m.id.clone()))
            .collect();
        assert_eq!(ids.len(), LARGE_WORLD_MEMBERSHIPS);
        let requests = api.mock.requests();
        assert_eq!(requests.len(), 5);
        assert!(
            requests.iter().all(|r| r.status == Some(200)),
            "{requests:?}"
        );
    })
    .await;
}

#[tokio::test]
async fn the_item_stream_yields_every_membership_once() {
    bounded(async {
        let api = unlimited().await;
        let items = collect(api.company.legacy().list_memberships().items()).await;
        let ids: HashSet<_> = items.into_iter().map(|m| m.unwrap().id).collect();
        assert_eq!(ids.len(), LARGE_WORLD_MEMBERSHIPS);
    })
    .await;
}

#[tokio::test]
async fn pages_are_fetched_only_when_polled() {
    bounded(async {
        let api = unlimited().await;
        let mut items = api.company.legacy().list_memberships().per(10).items();
        for _ in 0..10 {
            next(&mut items).await.unwrap().unwrap();
        }
        assert_eq!(api.mock.requests().len(), 1);
        next(&mut items).await.unwrap().unwrap();
        assert_eq!(api.mock.requests().len(), 2);
    })
    .await;
}

/// Lists everything with `configure` applied and compares with the oracle.
async fn assert_filter(
    api: &Api,
    configure: impl FnOnce(
        whop_client::legacy::ListMemberships<whop_client::transport::Transport>,
    )
        -> whop_client::legacy::ListMemberships<whop_client::transport::Transport>,
    keep: impl Fn(&MockMembership) -> bool,
) {
    let listed: HashSet<String> =
        collect(configure(api.company.legacy().list_memberships()).items())
            .await
            .into_iter()
            .map(|m| m.unwrap().id.as_str().to_owned())
            .collect();
    let wanted = expected(&api.mock, keep);
    assert!(
        !wanted.is_empty() && wanted.len() < LARGE_WORLD_MEMBERSHIPS,
        "a filter that selects some"
    );
    assert_eq!(listed, wanted);
}

#[tokio::test]
async fn every_v2_filter_selects_what_the_oracle_selects() {
    bounded(async {
        let api = unlimited().await;
        assert_filter(
            &api,
            |l| l.status(MembershipStatus::Expired),
            |m| m.status == "expired",
        )
        .await;
        assert_filter(
            &api,
            |l| l.plan_id("plan_gen000000001"),
            |m| m.plan_id == "plan_gen000000001",
        )
        .await;
        assert_filter(
            &api,
            |l| l.product_id(GENERATED_PRODUCT_ID),
            |m| m.product_id == GENERATED_PRODUCT_ID,
        )
        .await;
        assert_filter(
            &api,
            |l| l.user_id(DEMO_USER_ID),
            |m| m.user_id == DEMO_USER_ID,
        )
        .await;
        let discord = MockMembership::generated(5).discord_id.unwrap();
        assert_filter(
            &api,
            |l| l.discord_id(&discord),
            |m| m.discord_id.as_ref() == Some(&discord),
        )
        .await;
        let wallet = MockMembership::generated(7).wallet_address.unwrap();
        assert_filter(
            &api,
            |l| l.wallet_address(&wallet),
            |m| m.wallet_address.as_ref() == Some(&wallet),
        )
        .await;
        assert_filter(&api, |l| l.valid(true), |m| m.valid).await;
        assert_filter(&api, |l| l.valid(false), |m| !m.valid).await;
        assert_filter(
            &api,
            |l| {
                l.valid(true)
                    .status(MembershipStatus::Trialing)
                    .product_id(whop_mock::DEFAULT_PRODUCT_ID)
            },
            |m| m.valid && m.status == "trialing" && m.product_id == whop_mock::DEFAULT_PRODUCT_ID,
        )
        .await;
    })
    .await;
}

#[tokio::test]
async fn direction_orders_by_creation_and_defaults_to_newest_first() {
    bounded(async {
        let api = unlimited().await;
        let first = |page: whop_client::Response<whop_client::legacy::MembershipPage>| {
            page.data[0].id.as_str().to_owned()
        };
        let newest = first(
            api.company
                .legacy()
                .list_memberships()
                .per(1)
                .send()
                .await
                .unwrap(),
        );
        let desc = first(
            api.company
                .legacy()
                .list_memberships()
                .direction(Direction::Desc)
                .per(1)
                .send()
                .await
                .unwrap(),
        );
        let asc = first(
            api.company
                .legacy()
                .list_memberships()
                .direction(Direction::Asc)
                .per(1)
                .send()
                .await
                .unwrap(),
        );
        assert_eq!(newest, "mem_gen000000237");
        assert_eq!(desc, newest);
        assert_eq!(asc, "mem_gen000000001");
        let query = api.mock.requests()[2].query.clone().unwrap();
        assert!(query.contains("direction=asc"), "{query}");
    })
    .await;
}

#[tokio::test]
async fn hide_metadata_and_expand_shape_each_membership() {
    bounded(async {
        let api = unlimited().await;
        let page = api
            .company
            .legacy()
            .list_memberships()
            .per(8)
            .send()
            .await
            .unwrap();
        assert!(
            page.data
                .iter()
                .any(|m| m.metadata.as_ref().is_some_and(|m| !m.is_empty()))
        );
        let hidden = api
            .company
            .legacy()
            .list_memberships()
            .per(8)
            .hide_metadata(true)
            .expand(Expand::Product)
            .send()
            .await
            .unwrap();
        assert!(hidden.data.iter().all(|m| m.metadata.is_none()));
        assert!(
            hidden
                .data
                .iter()
                .all(|m| matches!(m.product, Some(Expandable::Object(_))))
        );
        let query = api.mock.requests().pop().unwrap().query.unwrap();
        assert_eq!(query, "hide_metadata=true&expand[]=product&page=1&per=8");
    })
    .await;
}

#[tokio::test]
async fn one_page_carries_the_v2_pagination() {
    bounded(async {
        let api = unlimited().await;
        let page = api
            .company
            .legacy()
            .list_memberships()
            .page(2)
            .per(50)
            .send()
            .await
            .unwrap();
        let pagination = page.pagination.unwrap();
        assert_eq!(pagination.current_page, Some(2));
        assert_eq!(pagination.total_page, Some(5));
        assert_eq!(pagination.total_count, Some(LARGE_WORLD_MEMBERSHIPS as u64));
    })
    .await;
}

#[tokio::test]
async fn a_page_size_over_50_or_a_page_of_0_is_refused_before_sending() {
    bounded(async {
        let api = unlimited().await;
        let e = api
            .company
            .legacy()
            .list_memberships()
            .per(V2_MAX_PER_PAGE + 1)
            .send()
            .await
            .unwrap_err();
        assert!(matches!(e, Error::InvalidInput(_)), "{e}");
        let e = api
            .company
            .legacy()
            .list_memberships()
            .page(0)
            .send()
            .await
            .unwrap_err();
        assert!(matches!(e, Error::InvalidInput(_)), "{e}");
        let mut pages = api.company.legacy().list_memberships().per(0).pages();
        let first = next(&mut pages).await.unwrap().unwrap_err();
        assert!(matches!(first.error(), Error::InvalidInput(_)));
        assert!(next(&mut pages).await.is_none());
        assert!(api.mock.requests().is_empty());
    })
    .await;
}

#[tokio::test]
async fn a_failed_page_is_an_error_item_and_the_listing_resumes_from_it() {
    bounded(async {
        let api = unlimited().await;
        let mut pages = api.company.legacy().list_memberships().per(50).pages();
        let mut ids: HashSet<String> = HashSet::new();
        let first = next(&mut pages).await.unwrap().unwrap();
        ids.extend(first.data.iter().map(|m| m.id.as_str().to_owned()));
        api.mock.inject(Fault::Status(401), 1); // not retried: the page fails
        let failed = next(&mut pages).await.unwrap().unwrap_err();
        assert_eq!(failed.page(), 2);
        assert!(failed.error().is_unauthorized());
        assert!(
            next(&mut pages).await.is_none(),
            "the stream ends at a failed page"
        );
        pages.resume_from(failed.page());
        while let Some(page) = next(&mut pages).await {
            ids.extend(page.unwrap().data.iter().map(|m| m.id.as_str().to_owned()));
        }
        assert_eq!(ids.len(), LARGE_WORLD_MEMBERSHIPS);
        // The same from a fresh listing started at the failed page.
        let rest = collect(
            api.company
                .legacy()
                .list_memberships()
                .page(failed.page())
                .items(),
        )
        .await;
        assert_eq!(rest.len(), LARGE_WORLD_MEMBERSHIPS - 50);
    })
    .await;
}

#[tokio::test]
async fn a_429_mid_stream_is_waited_out_per_the_retry_rules() {
    bounded(async {
        // Two requests per 10 s, a 1 s cooldown announced in Retry-After; no client pacing, so the
        // third page trips the limit and the transport waits for the cooldown before retrying.
        let limits = RateLimits::whop()
            .v2(Some(Limit::new(2, Duration::from_secs(10))))
            .cooldown(Duration::from_secs(1))
            .retry_after_header(true);
        let mock = MockWhop::large_world_builder().rate_limits(limits).build();
        let api = Api::start_with(mock, PacingConfig::disabled()).await;
        let items = collect(api.company.legacy().list_memberships().items()).await;
        let ids: HashSet<_> = items.into_iter().map(|m| m.unwrap().id).collect();
        assert_eq!(ids.len(), LARGE_WORLD_MEMBERSHIPS);
        assert!(api.mock.requests().iter().any(|r| r.status == Some(429)));
    })
    .await;
}

/// A fake API whose page counts lie: `total` pages claimed, `pages` full pages of two served,
/// then one short page, then empty pages.
fn lying_api(claimed_total: u32, full_pages: u32) -> Client<impl whop_client::HttpService> {
    let service = tower::service_fn(move |request: http::Request<Bytes>| async move {
        let query = request.uri().query().unwrap_or_default().to_owned();
        let page: u32 = query
            .split('&')
            .find_map(|p| p.strip_prefix("page="))
            .and_then(|p| p.parse().ok())
            .unwrap_or(1);
        let count = match page {
            p if p <= full_pages => 2,
            p if p == full_pages + 1 => 1,
            _ => 0,
        };
        let data: Vec<_> = (0..count)
            .map(|i| serde_json::json!({ "id": format!("mem_{page}_{i}") }))
            .collect();
        let body = serde_json::json!({
            "pagination": { "current_page": page, "total_page": claimed_total, "total_count": 1 },
            "data": data,
        });
        Ok::<_, Infallible>(http::Response::new(Bytes::from(body.to_string())))
    });
    Client::with_service(service)
}

#[tokio::test]
async fn the_listing_ends_on_a_short_page_whatever_the_counts_say() {
    bounded(async {
        // The counts claim 1 page; there are 3 full pages and a short fourth.
        let pages = collect(lying_api(1, 3).legacy().list_memberships().per(2).pages()).await;
        assert_eq!(pages.len(), 4);
        // The counts claim 99 pages; there is one short page.
        let pages = collect(lying_api(99, 0).legacy().list_memberships().per(2).pages()).await;
        assert_eq!(pages.len(), 1);
        // Exactly full pages: the empty page after them ends the listing.
        let pages = collect(lying_api(99, 2).legacy().list_memberships().per(2).pages()).await;
        assert_eq!(
            pages
                .iter()
                .map(|p| p.as_ref().unwrap().data.len())
                .collect::<Vec<_>>(),
            [2, 2, 1]
        );
    })
    .await;
}

// ---- v5: the caller's own memberships ----

#[tokio::test]
async fn my_memberships_page_through_the_users_own_valid_memberships_by_default() {
    bounded(async {
        let api = unlimited().await;
        let listed: HashSet<String> = collect(api.user.legacy().my_memberships().per(3).items())
            .await
            .into_iter()
            .map(|m| m.unwrap().id.as_str().to_owned())
            .collect();
        let wanted = expected(&api.mock, |m| m.user_id == DEMO_USER_ID && m.valid);
        assert!(wanted.len() > 3, "more than one page");
        assert_eq!(listed, wanted);
    })
    .await;
}

#[tokio::test]
async fn every_v5_filter_selects_what_the_oracle_selects() {
    bounded(async {
        let api = unlimited().await;
        let mine = |m: &MockMembership| m.user_id == DEMO_USER_ID;
        type Mine = whop_client::legacy::ListMyMemberships<whop_client::transport::Transport>;
        type Case = (
            Box<dyn Fn(Mine) -> Mine>,
            Box<dyn Fn(&MockMembership) -> bool>,
        );
        let cases: Vec<Case> = vec![
            (
                Box::new(|l| l.valid(false)),
                Box::new(move |m| mine(m) && !m.valid),
            ),
            (
                Box::new(|l| {
                    l.valid(false)
                        .status(MembershipStatus::Expired)
                        .status(MembershipStatus::Canceled)
                }),
                Box::new(move |m| {
                    mine(m) && !m.valid && (m.status == "expired" || m.status == "canceled")
                }),
            ),
            (
                Box::new(|l| l.product_id(whop_mock::DEFAULT_PRODUCT_ID)),
                Box::new(move |m| {
                    mine(m) && m.valid && m.product_id == whop_mock::DEFAULT_PRODUCT_ID
                }),
            ),
            (
                Box::new(|l| {
                    l.company_id(whop_mock::DEFAULT_COMPANY_ID)
                        .status(MembershipStatus::Active)
                }),
                Box::new(move |m| mine(m) && m.valid && m.status == "active"),
            ),
            (
                Box::new(|l| l.company_id("biz_someone_else")),
                Box::new(|_| false),
            ),
            (
                Box::new(|l| l.license_key("GEN-000040-KEY").valid(false)),
                Box::new(|m| m.license_key.as_deref() == Some("GEN-000040-KEY")),
            ),
        ];
        for (i, (configure, keep)) in cases.into_iter().enumerate() {
            let listed: HashSet<String> =
                collect(configure(api.user.legacy().my_memberships()).items())
                    .await
                    .into_iter()
                    .map(|m| m.unwrap().id.as_str().to_owned())
                    .collect();
            assert_eq!(listed, expected(&api.mock, keep), "case {i}");
        }
        let statuses = api.mock.requests()[1].query.clone().unwrap();
        assert!(
            statuses.contains("statuses[]=expired&statuses[]=canceled"),
            "{statuses}"
        );
    })
    .await;
}

#[tokio::test]
async fn one_v5_page_carries_the_v5_pagination() {
    bounded(async {
        let api = unlimited().await;
        let page = api
            .user
            .legacy()
            .my_memberships()
            .per(5)
            .page(2)
            .send()
            .await
            .unwrap();
        let pagination = page.pagination.unwrap();
        assert_eq!(pagination.current_page, Some(2));
        assert_eq!(pagination.prev_page, Some(1));
        assert_eq!(page.data.len(), 5);
    })
    .await;
}

#[tokio::test]
async fn a_company_key_gets_403_on_v5_and_a_user_token_403_on_v2() {
    bounded(async {
        let api = unlimited().await;
        let e = api
            .company
            .legacy()
            .my_memberships()
            .send()
            .await
            .unwrap_err();
        assert_eq!(e.status().map(|s| s.as_u16()), Some(403));
        let e = api
            .user
            .legacy()
            .list_memberships()
            .send()
            .await
            .unwrap_err();
        assert_eq!(e.status().map(|s| s.as_u16()), Some(403));
    })
    .await;
}
