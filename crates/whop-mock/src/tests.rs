//! Unit tests: one behaviour each, every test bounded in time.

mod faults;
mod first_use;
mod http_server;
mod oauth;
mod rate_limits;
mod reference_bodies;
mod toolkit;
mod v1_errors;
mod v1_list;
mod v1_writes;
mod v2_cancel;
mod v5_me_membership;

use std::future::Future;
use std::time::Duration;

use bytes::Bytes;
use http::{Request, Response};
use serde_json::Value;
use tower::{Service, ServiceExt};

use crate::{MockMembership, MockWhop, MockWhopBuilder, RateLimits};

const COMPANY_KEY: &str = "company-key";
const USER_TOKEN: &str = "user-1-token";
const OTHER_USER_TOKEN: &str = "user-2-token";

/// Fails the test instead of hanging it.
async fn bounded<F: Future>(future: F) -> F::Output {
    tokio::time::timeout(Duration::from_secs(5), future)
        .await
        .expect("test step took longer than 5 s")
}

fn world() -> MockWhopBuilder {
    MockWhop::builder()
        .membership(
            MockMembership::new("mem_1")
                .user("user_1")
                .license_key("K-1"),
        )
        .membership(
            MockMembership::new("mem_2")
                .user("user_2")
                .license_key("K-2"),
        )
        .company_token(COMPANY_KEY)
        .user_token(USER_TOKEN, "user_1")
        .user_token(OTHER_USER_TOKEN, "user_2")
        .rate_limits(RateLimits::disabled())
}

fn request(method: &str, uri: &str, token: Option<&str>) -> Request<Bytes> {
    let mut builder = Request::builder().method(method).uri(uri);
    if let Some(token) = token {
        builder = builder.header("authorization", format!("Bearer {token}"));
    }
    builder.body(Bytes::new()).expect("valid test request")
}

fn cancel(id_and_query: &str) -> Request<Bytes> {
    request(
        "POST",
        &format!("/api/v2/memberships/{id_and_query}"),
        Some(COMPANY_KEY),
    )
}

fn me(segment: &str, token: &str) -> Request<Bytes> {
    request(
        "GET",
        &format!("/api/v5/me/memberships/{segment}"),
        Some(token),
    )
}

async fn call(mock: &MockWhop, request: Request<Bytes>) -> Response<Bytes> {
    try_call(mock, request).await.expect("mock answered")
}

async fn try_call(
    mock: &MockWhop,
    request: Request<Bytes>,
) -> Result<Response<Bytes>, crate::MockError> {
    let mut service = mock.clone();
    bounded(async move { service.ready().await?.call(request).await }).await
}

fn json(response: &Response<Bytes>) -> Value {
    serde_json::from_slice(response.body()).expect("JSON body")
}

/// The new resource's date, as whop-rs pins it.
const NEW: Option<&str> = Some("2026-09-15");
/// No `Api-Version-Date`: the Legacy resource.
const LEGACY: Option<&str> = None;

/// A request to `/api/v1{path}` with the `Api-Version-Date` given (if any) and a JSON body (if
/// any).
fn v1(
    method: &str,
    path: &str,
    token: &str,
    date: Option<&str>,
    body: Option<&Value>,
) -> Request<Bytes> {
    let mut request = request(method, &format!("/api/v1{path}"), Some(token));
    if let Some(date) = date {
        request.headers_mut().insert(
            "api-version-date",
            http::HeaderValue::from_str(date).expect("a header value"),
        );
    }
    if let Some(body) = body {
        *request.body_mut() = Bytes::from(body.to_string());
    }
    request
}
