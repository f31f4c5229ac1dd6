//! A `tower::service_fn` with its own error type, behind `BaseUrlLayer` and `AuthLayer`, drives
//! both seed endpoints through `Client::with_service`, as a user's crate would.

use std::fmt;
use std::sync::{Arc, Mutex};

use bytes::Bytes;
use http::{Method, Request, Response};
use tower::ServiceBuilder;
use whop_client::legacy::{Expand, Expandable};
use whop_client::transport::{AuthLayer, BaseUrl, BaseUrlLayer};
use whop_client::{Client, Error, HttpService, RequestSent, Token};

/// The error type of the user's own HTTP stack.
#[derive(Debug)]
struct StackError(&'static str);

impl fmt::Display for StackError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "the stack failed: {}", self.0)
    }
}

impl std::error::Error for StackError {}

/// What the stack saw of one request.
#[derive(Clone, Debug, PartialEq, Eq)]
struct Seen {
    method: Method,
    uri: String,
    authorization: Option<String>,
}

type Log = Arc<Mutex<Vec<Seen>>>;

/// A client over a stack that logs each request and answers `body` (or fails, for `None`).
fn client(body: Option<&'static str>, log: &Log) -> Client<impl HttpService> {
    let base = BaseUrl::parse("https://api.whop.com/api").expect("Whop's API root");
    let log = Arc::clone(log);
    let stack = tower::service_fn(move |request: Request<Bytes>| {
        let log = Arc::clone(&log);
        async move {
            log.lock().expect("not poisoned").push(Seen {
                method: request.method().clone(),
                uri: request.uri().to_string(),
                authorization: request
                    .headers()
                    .get(http::header::AUTHORIZATION)
                    .map(|v| v.to_str().expect("ascii").to_owned()),
            });
            let body = body.ok_or(StackError("connection reset"))?;
            Ok::<_, StackError>(Response::new(Bytes::from_static(body.as_bytes())))
        }
    });
    let service = ServiceBuilder::new()
        .layer(BaseUrlLayer::new(base.clone()))
        .layer(AuthLayer::new(Token::new("sk_company").expect("valid")).only_for(base))
        .service(stack);
    Client::with_service(service)
}

#[tokio::test]
async fn cancel_membership_goes_to_the_base_url_with_the_company_key_and_decodes() {
    let log = Log::default();
    let body = r#"{"id":"mem_1","cancel_at_period_end":true,"plan":{"id":"plan_1"}}"#;
    let client = client(Some(body), &log);

    let membership = client
        .legacy()
        .cancel_membership("mem_1")
        .expand(Expand::Plan)
        .send()
        .await
        .expect("cancelled");

    assert_eq!(membership.id.as_str(), "mem_1");
    assert_eq!(membership.cancel_at_period_end, Some(true));
    assert!(
        matches!(&membership.plan, Some(Expandable::Object(plan)) if plan.id.as_str() == "plan_1")
    );
    let seen = log.lock().expect("not poisoned").clone();
    assert_eq!(
        seen,
        [Seen {
            method: Method::POST,
            uri: "https://api.whop.com/api/v2/memberships/mem_1/cancel?expand[]=plan".to_owned(),
            authorization: Some("Bearer sk_company".to_owned()),
        }]
    );
}

#[tokio::test]
async fn retrieve_my_membership_goes_with_the_users_token_and_decodes() {
    let log = Log::default();
    let body = r#"{"id":"mem_2","product_id":"prod_1","plan_id":"plan_1","page_id":"page_1",
        "created_at":1700000000,"quantity":1,"valid":true,"manage_url":"https://whop.com/hub/"}"#;
    let user = Token::new("user_token").expect("valid");
    let client = client(Some(body), &log).with_token(&user);

    let membership = client.legacy().me_membership("mem_2").await.expect("found");

    assert_eq!(membership.id.as_str(), "mem_2");
    assert_eq!(membership.plan_id.as_str(), "plan_1");
    let seen = log.lock().expect("not poisoned").clone();
    assert_eq!(
        seen,
        [Seen {
            method: Method::GET,
            uri: "https://api.whop.com/api/v5/me/memberships/mem_2".to_owned(),
            authorization: Some("Bearer user_token".to_owned()),
        }]
    );
}

#[tokio::test]
async fn the_stacks_own_error_is_a_transport_error_that_keeps_it() {
    let log = Log::default();
    let error = client(None, &log)
        .legacy()
        .me_membership("mem_2")
        .await
        .expect_err("the stack fails");

    let Error::Transport(transport) = &error else {
        panic!("a transport error, not {error:?}");
    };
    assert_eq!(transport.request_sent(), RequestSent::MaybeSent);
    let mut source: Option<&(dyn std::error::Error + 'static)> = Some(transport.source_error());
    let mut found = false;
    while let Some(e) = source {
        found |= e.downcast_ref::<StackError>().is_some();
        source = e.source();
    }
    assert!(found, "the stack's own error is in the chain: {error:?}");
}
