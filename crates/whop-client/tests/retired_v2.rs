//! A legacy v2 call whose route is gone: which answers mean "Whop retired API v2" (a case table
//! over status and body), and what the error says.

use bytes::Bytes;
use whop_client::{BoxClient, Client, Error};

fn answering(status: u16, body: &'static str) -> BoxClient {
    let service = tower::service_fn(move |_: http::Request<Bytes>| {
        let response = http::Response::builder()
            .status(status)
            .body(Bytes::from_static(body.as_bytes()))
            .expect("response");
        async move { Ok::<_, std::io::Error>(response) }
    });
    Client::with_service(service).boxed()
}

/// What an error is, for the table.
#[derive(Debug, PartialEq, Eq)]
enum Kind {
    Retired,
    NotFound,
    OtherApi,
}

fn kind(error: &Error) -> Kind {
    match error {
        Error::Retired(_) => Kind::Retired,
        _ if error.is_not_found() => Kind::NotFound,
        Error::Api(_) | Error::Decode(_) => Kind::OtherApi,
        other => panic!("unexpected {other:?}"),
    }
}

const HTML_404: &str = "<!DOCTYPE html><html><body><h1>404</h1>Page not found</body></html>";
const WHOP_NOT_FOUND: &str = r#"{"error":{"code":404,"message":"No such Resource found"}}"#;

#[tokio::test]
async fn each_v2_answer_is_read_as_retired_or_as_what_it_says() {
    let cases: &[(u16, &str, Kind)] = &[
        (404, HTML_404, Kind::Retired),
        (404, "", Kind::Retired),
        (404, "Not Found", Kind::Retired),
        (410, r#"{"error":{"message":"gone"}}"#, Kind::Retired),
        (410, "", Kind::Retired),
        (405, "Method Not Allowed", Kind::Retired),
        (301, "<html>moved</html>", Kind::OtherApi),
        (404, WHOP_NOT_FOUND, Kind::NotFound),
        (500, HTML_404, Kind::OtherApi),
        (502, "<html>Bad Gateway</html>", Kind::OtherApi),
        (401, "<html>Unauthorized</html>", Kind::OtherApi),
        (403, r#"{"error":{"message":"forbidden"}}"#, Kind::OtherApi),
        (429, "Too Many Requests", Kind::OtherApi),
        (400, r#"{"error":{"message":"bad"}}"#, Kind::OtherApi),
        // A success is never "retired": a cancel Whop accepted was applied, whatever the body.
        (201, HTML_404, Kind::OtherApi),
    ];
    for (status, body, expected) in cases {
        let client = answering(*status, body);
        let error = client
            .legacy()
            .cancel_membership("mem_1")
            .await
            .expect_err("fails");
        assert_eq!(&kind(&error), expected, "{status} {body:?}: {error}");
        if *expected == Kind::Retired {
            assert!(!error.is_not_found(), "{status}");
            assert_eq!(error.status().map(|s| s.as_u16()), Some(*status));
        }
    }
}

#[tokio::test]
async fn a_retired_route_names_the_date_and_the_current_api_call() {
    let cases = [
        ("cancel", "Client::cancel_membership_at_period_end"),
        ("terminate", "Client::cancel_membership_now"),
        ("validate", "Client::validate_license"),
        ("retrieve", "Client::membership"),
        ("update", "Client::merge_membership_metadata"),
        ("list", "Client::list_memberships"),
        ("reset", "Client::reset_license"),
    ];
    for (call, successor) in cases {
        let client = answering(404, HTML_404);
        let legacy = client.legacy();
        let error = match call {
            "cancel" => legacy.cancel_membership("mem_1").await.map(drop),
            "terminate" => legacy.terminate_membership("mem_1").await.map(drop),
            "validate" => legacy.validate_license("KEY").hwid("A").await.map(drop),
            "retrieve" => legacy.membership("mem_1").await.map(drop),
            "update" => legacy
                .update_membership_metadata("mem_1", whop_client::Metadata::new())
                .await
                .map(drop),
            "list" => legacy.list_memberships().send().await.map(drop),
            _ => legacy.reset_license("KEY").await.map(drop),
        }
        .expect_err("fails");
        let text = error.to_string();
        assert!(
            text.starts_with("Whop retired API v2 on 2026-11-13"),
            "{call}: {text}"
        );
        assert!(
            text.ends_with(&format!("whop_client::{successor}")),
            "{call}: {text}"
        );
        let Error::Retired(retired) = &error else {
            panic!("{call}: {error:?}")
        };
        assert_eq!(retired.successor(), successor, "{call}");
    }
}

#[tokio::test]
async fn a_v2_lookup_of_a_gone_route_is_an_error_not_none() {
    let client = answering(404, HTML_404);
    let found = client.legacy().membership("mem_1").optional().await;
    assert!(matches!(found, Err(Error::Retired(_))), "{found:?}");
}

#[tokio::test]
async fn a_v2_not_found_in_whops_words_still_names_the_retirement() {
    let client = answering(404, WHOP_NOT_FOUND);
    let error = client
        .legacy()
        .cancel_membership("mem_1")
        .await
        .expect_err("fails");
    assert!(error.is_not_found());
    let text = error.to_string();
    assert!(text.contains("Whop retired API v2 on 2026-11-13"), "{text}");
    assert!(
        text.contains("Client::cancel_membership_at_period_end"),
        "{text}"
    );
}

#[tokio::test]
async fn a_v5_route_is_never_reported_as_retired() {
    let client = answering(404, HTML_404);
    let error = client
        .legacy()
        .me_membership("mem_1")
        .await
        .expect_err("fails");
    assert!(!matches!(error, Error::Retired(_)), "{error:?}");
    let Error::Api(api) = &error else {
        panic!("{error:?}")
    };
    assert!(api.is_unknown_route());
}
