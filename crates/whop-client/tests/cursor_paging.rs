//! The Current API's list as a stream, against scripted answers on loopback through the default
//! transport: when it stops (a case table), what it asks for, and the headers every v1 request
//! carries.

use std::future::poll_fn;
use std::pin::Pin;
use std::sync::{Arc, Mutex};

use whop_client::{Client, PageError, Stream, Token, v1};
use whop_test_server::{ScriptedServer, response};

/// A server that answers request `n` with `pages[n]` (an empty page once they run out), and the
/// URIs it was asked for.
async fn serve(pages: &[&'static str]) -> (ScriptedServer, Arc<Mutex<Vec<String>>>) {
    let pages = pages.to_vec();
    let uris = Arc::new(Mutex::new(Vec::new()));
    let log = Arc::clone(&uris);
    let server = ScriptedServer::http(move |n, head| {
        log.lock().expect("log").push(head.uri.to_string());
        let body = pages.get(n).copied().unwrap_or(r#"{"data":[]}"#);
        response(200, &[("content-type", "application/json")], body)
    })
    .await
    .expect("serves on loopback");
    (server, uris)
}

fn client(server: &ScriptedServer) -> Client {
    Client::builder()
        .transport(|t| {
            t.base_url(server.base_url())
                .token(Token::new("test-key").expect("valid"))
                .pacing(whop_client::PacingConfig::disabled())
        })
        .build()
        .expect("builds")
}

async fn collect(
    mut items: impl Stream<Item = Result<v1::Membership, PageError>> + Unpin,
) -> Vec<String> {
    let mut ids = Vec::new();
    while let Some(item) = poll_fn(|cx| Pin::new(&mut items).poll_next(cx)).await {
        ids.push(item.expect("a page").id.to_string());
    }
    ids
}

#[tokio::test]
async fn a_cursor_stream_stops_on_each_end_signal_and_never_loops() {
    // (case, pages, memberships yielded, requests made)
    let cases: &[(&str, &[&str], &[&str], usize)] = &[
        (
            "an empty page",
            &[
                r#"{"data":[{"id":"mem_1"}],"page_info":{"end_cursor":"c1","has_next_page":true}}"#,
                r#"{"data":[],"page_info":{"end_cursor":"c2","has_next_page":true}}"#,
            ],
            &["mem_1"],
            2,
        ),
        (
            "has_next_page false",
            &[r#"{"data":[{"id":"mem_1"}],"page_info":{"end_cursor":"c1","has_next_page":false}}"#],
            &["mem_1"],
            1,
        ),
        (
            "no end_cursor",
            &[r#"{"data":[{"id":"mem_1"}],"page_info":{"end_cursor":null,"has_next_page":true}}"#],
            &["mem_1"],
            1,
        ),
        (
            "no page_info at all",
            &[r#"{"data":[{"id":"mem_1"}]}"#],
            &["mem_1"],
            1,
        ),
        (
            "a cursor already seen",
            &[
                r#"{"data":[{"id":"mem_1"}],"page_info":{"end_cursor":"c1","has_next_page":true}}"#,
                r#"{"data":[{"id":"mem_2"}],"page_info":{"end_cursor":"c2","has_next_page":true}}"#,
                r#"{"data":[{"id":"mem_1"}],"page_info":{"end_cursor":"c1","has_next_page":true}}"#,
            ],
            &["mem_1", "mem_2"],
            3,
        ),
        (
            "has_next_page missing, cursors new",
            &[
                r#"{"data":[{"id":"mem_1"}],"page_info":{"end_cursor":"c1"}}"#,
                r#"{"data":[{"id":"mem_2"}],"page_info":{"end_cursor":"c2","has_next_page":false}}"#,
            ],
            &["mem_1", "mem_2"],
            2,
        ),
    ];
    for (case, pages, ids, requests) in cases {
        let (server, _) = serve(pages).await;
        let got = collect(client(&server).list_memberships().items()).await;
        assert_eq!(&got, ids, "{case}");
        assert_eq!(server.requests(), *requests, "{case}");
    }
}

#[tokio::test]
async fn each_page_is_asked_for_after_the_previous_end_cursor() {
    let (server, uris) = serve(&[
        r#"{"data":[{"id":"mem_1"}],"page_info":{"end_cursor":"c/1","has_next_page":true}}"#,
        r#"{"data":[{"id":"mem_2"}],"page_info":{"end_cursor":"c2","has_next_page":false}}"#,
    ])
    .await;
    let listing = client(&server).list_memberships().first(1).items();
    assert_eq!(collect(listing).await, ["mem_1", "mem_2"]);
    let uris = uris.lock().expect("log").clone();
    assert_eq!(
        uris,
        [
            "/v1/memberships?first=1",
            "/v1/memberships?first=1&after=c%2F1"
        ]
    );
}

#[tokio::test]
async fn a_stream_started_after_a_cursor_stops_when_it_comes_back() {
    let (server, _) = serve(&[
        r#"{"data":[{"id":"mem_2"}],"page_info":{"end_cursor":"start","has_next_page":true}}"#,
    ])
    .await;
    let listing = client(&server).list_memberships().after("start").items();
    assert_eq!(collect(listing).await, ["mem_2"]);
    assert_eq!(server.requests(), 1);
}

#[tokio::test]
async fn a_failed_page_says_which_cursor_to_resume_after() {
    let server = ScriptedServer::http(|n, _| match n {
        0 => response(
            200,
            &[],
            r#"{"data":[{"id":"mem_1"}],"page_info":{"end_cursor":"c1","has_next_page":true}}"#,
        ),
        _ => response(
            400,
            &[],
            r#"{"error":{"type":"invalid_request","message":"no"}}"#,
        ),
    })
    .await
    .expect("serves");
    let mut pages = client(&server).list_memberships().pages();
    let first = poll_fn(|cx| Pin::new(&mut pages).poll_next(cx)).await;
    assert!(first.expect("a page").is_ok());
    let failed = poll_fn(|cx| Pin::new(&mut pages).poll_next(cx))
        .await
        .expect("an item")
        .expect_err("the second page fails");
    assert_eq!((failed.page(), failed.after()), (2, Some("c1")));
    assert!(
        poll_fn(|cx| Pin::new(&mut pages).poll_next(cx))
            .await
            .is_none()
    );
}

#[tokio::test]
async fn every_v1_request_carries_the_pinned_api_version_date_and_writes_an_idempotency_key() {
    let server = ScriptedServer::http(|_, _| {
        response(
            200,
            &[],
            r#"{"id":"mem_1","status":"active","metadata":{}}"#,
        )
    })
    .await
    .expect("serves");
    let client = client(&server);
    client.membership("mem_1").await.expect("reads");
    client
        .cancel_membership_at_period_end("mem_1")
        .await
        .expect("cancels");
    let headers = server.headers();
    for sent in &headers {
        assert_eq!(
            sent[whop_client::transport::API_VERSION_DATE],
            whop_client::ApiVersionDate::PINNED.as_str()
        );
    }
    assert!(!headers[0].contains_key(whop_client::transport::IDEMPOTENCY_KEY));
    assert!(headers[1].contains_key(whop_client::transport::IDEMPOTENCY_KEY));
}
