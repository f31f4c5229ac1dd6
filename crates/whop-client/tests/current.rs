//! The Current API calls: the request each one sends, the input each refuses before sending, and
//! the answer each reads. In process, over a `tower::service_fn` that records what it is sent.

use std::sync::{Arc, Mutex};

use bytes::Bytes;
use serde_json::{Value, json};
use time::OffsetDateTime;
use whop_client::{
    BoxClient, Client, Direction, Error, MembershipFilter, MembershipOrder, Metadata, Response, v1,
};

/// One request as the service saw it.
#[derive(Debug, Clone)]
struct Seen {
    method: String,
    uri: String,
    body: Option<Value>,
}

/// A client over a service that answers every request with `status` and `body`, and the
/// requests it was sent.
fn recording(status: u16, body: &'static str) -> (BoxClient, Arc<Mutex<Vec<Seen>>>) {
    let seen = Arc::new(Mutex::new(Vec::new()));
    let log = Arc::clone(&seen);
    let service = tower::service_fn(move |request: http::Request<Bytes>| {
        let body_sent = (!request.body().is_empty())
            .then(|| serde_json::from_slice(request.body()).expect("JSON body"));
        log.lock().expect("log").push(Seen {
            method: request.method().to_string(),
            uri: request.uri().to_string(),
            body: body_sent,
        });
        let response = http::Response::builder()
            .status(status)
            .body(Bytes::from_static(body.as_bytes()))
            .expect("response");
        async move { Ok::<_, std::io::Error>(response) }
    });
    (Client::with_service(service).boxed(), seen)
}

fn at(unix_seconds: i64) -> OffsetDateTime {
    OffsetDateTime::from_unix_timestamp(unix_seconds).expect("a valid time")
}

const MEMBERSHIP: &str = r#"{"id":"mem_1","status":"active","metadata":{}}"#;

type Answer = Result<Response<v1::Membership>, Error>;

fn first_request(seen: &Mutex<Vec<Seen>>) -> Seen {
    seen.lock()
        .expect("log")
        .first()
        .cloned()
        .expect("one request")
}

#[tokio::test]
async fn each_call_sends_its_method_path_and_body() {
    type Call = fn(&BoxClient) -> std::pin::Pin<Box<dyn Future<Output = Answer> + Send + '_>>;
    let cases: &[(&str, Call, &str, &str, Option<Value>)] = &[
        (
            "retrieve",
            |c| Box::pin(c.membership("KEY/1").send()),
            "GET",
            "/v1/memberships/KEY%2F1",
            None,
        ),
        (
            "merge",
            |c| {
                Box::pin(
                    c.merge_membership_metadata("mem_1", Metadata::new().with("a", 1))
                        .send(),
                )
            },
            "PATCH",
            "/v1/memberships/mem_1",
            Some(json!({"metadata": {"a": 1}})),
        ),
        (
            "clear",
            |c| Box::pin(c.clear_membership_metadata("mem_1").send()),
            "PATCH",
            "/v1/memberships/mem_1",
            Some(json!({"metadata": {}})),
        ),
        (
            "undo cancel",
            |c| Box::pin(c.undo_membership_cancel("mem_1").send()),
            "PATCH",
            "/v1/memberships/mem_1",
            Some(json!({"cancel_at_period_end": false})),
        ),
        (
            "cancel at period end",
            |c| Box::pin(c.cancel_membership_at_period_end("mem_1").send()),
            "POST",
            "/v1/memberships/mem_1/cancel",
            Some(json!({"cancel_at_period_end": true})),
        ),
        (
            "cancel now",
            |c| Box::pin(c.cancel_membership_now("mem_1").send()),
            "POST",
            "/v1/memberships/mem_1/cancel",
            Some(json!({"cancel_at_period_end": false})),
        ),
        (
            "cancel with a reason",
            |c| Box::pin(c.cancel_membership_now("mem_1").reason("fraud").send()),
            "POST",
            "/v1/memberships/mem_1/cancel",
            Some(json!({"cancel_at_period_end": false, "reason": "fraud"})),
        ),
        (
            "pause",
            |c| Box::pin(c.pause_membership("mem_1").send()),
            "POST",
            "/v1/memberships/mem_1/pause",
            Some(json!({})),
        ),
        (
            "pause until",
            |c| Box::pin(c.pause_membership("mem_1").until(at(1_801_396_800)).send()),
            "POST",
            "/v1/memberships/mem_1/pause",
            Some(json!({"until": "2027-01-31T12:00:00Z"})),
        ),
        (
            "resume",
            |c| Box::pin(c.resume_membership("mem_1").send()),
            "POST",
            "/v1/memberships/mem_1/resume",
            None,
        ),
        (
            "extend",
            |c| Box::pin(c.extend_membership("mem_1", 30).send()),
            "POST",
            "/v1/memberships/mem_1/extend",
            Some(json!({"days": 30})),
        ),
    ];
    for (name, call, method, uri, body) in cases {
        let (client, seen) = recording(200, MEMBERSHIP);
        let membership = call(&client)
            .await
            .unwrap_or_else(|e| panic!("{name}: {e}"));
        assert_eq!(membership.id.as_str(), "mem_1", "{name}");
        let sent = first_request(&seen);
        assert_eq!(
            (sent.method.as_str(), sent.uri.as_str(), &sent.body),
            (*method, *uri, body),
            "{name}"
        );
    }
}

#[tokio::test]
async fn a_cancel_always_carries_cancel_at_period_end() {
    for now in [false, true] {
        let (client, seen) = recording(200, MEMBERSHIP);
        let cancel = if now {
            client.cancel_membership_now("mem_1")
        } else {
            client.cancel_membership_at_period_end("mem_1")
        };
        cancel.await.expect("cancels");
        let body = first_request(&seen).body.expect("a body");
        assert_eq!(body["cancel_at_period_end"], json!(!now));
    }
}

#[tokio::test]
async fn a_list_sends_every_filter() {
    let (client, seen) = recording(200, r#"{"data":[],"page_info":{}}"#);
    client
        .list_memberships()
        .account_id("biz_1")
        .me()
        .status(MembershipFilter::Canceling)
        .status(MembershipFilter::Paused)
        .product_id("prod_1")
        .plan_id("plan_1")
        .plan_id("plan_2")
        .created_after(at(1_767_225_600))
        .created_before(at(1_769_904_000))
        .order(MembershipOrder::CreatedAt)
        .direction(Direction::Asc)
        .first(100)
        .after("cur sor")
        .send()
        .await
        .expect("lists");
    assert_eq!(
        first_request(&seen).uri,
        "/v1/memberships?account_id=biz_1&user_id=me&created_after=2026-01-01T00%3A00%3A00Z\
         &created_before=2026-02-01T00%3A00%3A00Z&order=created_at&direction=asc\
         &status=canceling&status=paused&product_id=prod_1&plan_ids[]=plan_1\
         &plan_ids[]=plan_2&first=100&after=cur%20sor"
    );
}

#[tokio::test]
async fn input_out_of_range_is_refused_before_anything_is_sent() {
    type Call =
        fn(&BoxClient) -> std::pin::Pin<Box<dyn Future<Output = Result<(), Error>> + Send + '_>>;
    let cases: &[(&str, Call, &str)] = &[
        (
            "first 0",
            |c| Box::pin(async { c.list_memberships().first(0).send().await.map(drop) }),
            "first",
        ),
        (
            "first 101",
            |c| Box::pin(async { c.list_memberships().first(101).send().await.map(drop) }),
            "first",
        ),
        (
            "days 0",
            |c| Box::pin(async { c.extend_membership("mem_1", 0).send().await.map(drop) }),
            "days",
        ),
        (
            "days 1096",
            |c| Box::pin(async { c.extend_membership("mem_1", 1096).send().await.map(drop) }),
            "days",
        ),
        (
            "empty merge",
            |c| {
                Box::pin(async {
                    c.merge_membership_metadata("mem_1", Metadata::new())
                        .send()
                        .await
                        .map(drop)
                })
            },
            "metadata",
        ),
        (
            "merge of a non-object",
            |c| {
                Box::pin(async {
                    c.merge_membership_metadata_json("mem_1", json!([1]))
                        .send()
                        .await
                        .map(drop)
                })
            },
            "metadata",
        ),
        (
            "empty ID",
            |c| Box::pin(async { c.cancel_membership_now("").send().await.map(drop) }),
            "membership ID or license key",
        ),
        (
            "empty hardware ID",
            |c| Box::pin(async { c.validate_license("KEY", "").await.map(drop) }),
            "hardware ID",
        ),
    ];
    for (name, call, what) in cases {
        let (client, seen) = recording(200, MEMBERSHIP);
        match call(&client).await {
            Err(Error::InvalidInput(e)) => assert_eq!(e.what(), *what, "{name}"),
            other => panic!("{name}: {other:?}"),
        }
        assert!(seen.lock().expect("log").is_empty(), "{name}: nothing sent");
    }
}

#[tokio::test]
async fn the_extremes_of_each_range_are_sent() {
    let (client, seen) = recording(200, r#"{"data":[]}"#);
    client.list_memberships().first(1).send().await.expect("1");
    let (client2, _) = recording(200, MEMBERSHIP);
    client2
        .extend_membership("mem_1", 1095)
        .await
        .expect("1095");
    assert!(first_request(&seen).uri.ends_with("first=1"));
}

#[tokio::test]
async fn a_missing_membership_is_none_with_optional() {
    let (client, _) = recording(
        404,
        r#"{"error":{"type":"not_found","message":"No membership"}}"#,
    );
    assert!(
        client
            .membership("mem_x")
            .optional()
            .await
            .expect("answers")
            .is_none()
    );
}

#[tokio::test]
async fn a_v1_429_gives_the_wait_its_message_names() {
    let (client, _) = recording(
        429,
        r#"{"error":{"type":"rate_limit_exceeded","message":"Try again in 12 seconds."}}"#,
    );
    let error = client.membership("mem_1").await.expect_err("rate limited");
    assert!(error.is_rate_limited());
    assert_eq!(
        error.retry_after(),
        Some(std::time::Duration::from_secs(12))
    );
}
