//! The HTTP surface (see the crate README for the wire contract): request parsing with a body
//! cap and field checks, the per-client limit, one log line and one counter per request.

use std::sync::Arc;
use std::time::Instant;

use axum::Router;
use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::extract::{DefaultBodyLimit, Request, State};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use http::{HeaderMap, HeaderValue, StatusCode, header};
use serde::{Deserialize, Serialize};

use crate::error::{ApiError, ErrorType};
use crate::limit::client_address;
use crate::server::{Inner, LicenseServer};

/// The largest request body accepted (8 KiB): a license key, a hardware ID or a token, in JSON.
pub const MAX_BODY: usize = 8 * 1024;
/// The longest license key accepted, in bytes.
pub const MAX_LICENSE_KEY_LEN: usize = 256;
/// The longest hardware ID accepted, in bytes.
pub const MAX_HARDWARE_ID_LEN: usize = 256;
/// The longest token accepted, in bytes (tokens are a few hundred).
pub const MAX_TOKEN_LEN: usize = 4 * 1024;
/// The largest webhook body accepted (Whop's membership events are a few KiB).
const MAX_WEBHOOK_BODY: usize = 256 * 1024;

#[derive(Deserialize)]
struct ActivateRequest {
    license_key: String,
    hardware_id: String,
}

#[derive(Deserialize)]
struct RefreshRequest {
    token: String,
}

#[derive(Serialize)]
struct TokenResponse<'a> {
    token: &'a str,
}

impl LicenseServer {
    /// The routes: `POST /v1/activate`, `POST /v1/refresh`, `GET /healthz`, `GET /metrics`, and
    /// `POST /v1/webhooks/whop` when a webhook secret is set. Serve it with
    /// `into_make_service_with_connect_info::<SocketAddr>()` (as [`serve`](Self::serve) does),
    /// or every client shares one address's limit.
    ///
    /// The first call starts the membership sync (see [`ServerBuilder::sync`]), so call it
    /// within a Tokio runtime.
    ///
    /// [`ServerBuilder::sync`]: crate::ServerBuilder::sync
    pub fn router(&self) -> Router {
        crate::sync::start(&self.inner);
        let public = Router::new()
            .route("/v1/activate", post(activate))
            .route("/v1/refresh", post(refresh))
            .layer(DefaultBodyLimit::max(MAX_BODY))
            .route_layer(middleware::from_fn_with_state(
                Arc::clone(&self.inner),
                per_client_limit,
            ));
        let mut router = Router::new()
            .merge(public)
            .route("/healthz", get(|| async { "ok" }))
            .route("/metrics", get(metrics));
        if self.inner.webhooks.is_some() {
            router = router.route(
                "/v1/webhooks/whop",
                post(webhook).layer(DefaultBodyLimit::max(MAX_WEBHOOK_BODY)),
            );
        }
        router.with_state(Arc::clone(&self.inner))
    }
}

async fn activate(
    State(inner): State<Arc<Inner>>,
    body: Result<Bytes, BytesRejection>,
) -> Response {
    let started = Instant::now();
    let result = async {
        let request: ActivateRequest = parse(body)?;
        let license_key = field("license_key", &request.license_key, MAX_LICENSE_KEY_LEN)?;
        let hardware_id = field("hardware_id", &request.hardware_id, MAX_HARDWARE_ID_LEN)?;
        inner.activate(license_key, hardware_id).await
    }
    .await;
    respond(&inner, "activate", started, result)
}

async fn refresh(State(inner): State<Arc<Inner>>, body: Result<Bytes, BytesRejection>) -> Response {
    let started = Instant::now();
    let result = async {
        let request: RefreshRequest = parse(body)?;
        let token = field("token", &request.token, MAX_TOKEN_LEN)?;
        inner.refresh(token).await
    }
    .await;
    respond(&inner, "refresh", started, result)
}

/// The answer, counted and logged: route, outcome and time, never the request's fields.
fn respond(
    inner: &Inner,
    route: &'static str,
    started: Instant,
    result: Result<String, ApiError>,
) -> Response {
    let elapsed_us = u64::try_from(started.elapsed().as_micros()).unwrap_or(u64::MAX);
    match result {
        Ok(token) => {
            inner.metrics.request(route, Ok(()));
            tracing::info!(route, outcome = "ok", elapsed_us, "license request");
            let body = serde_json::to_vec(&TokenResponse { token: &token }).unwrap_or_default();
            (
                [(
                    header::CONTENT_TYPE,
                    HeaderValue::from_static("application/json"),
                )],
                body,
            )
                .into_response()
        }
        Err(error) => {
            inner.metrics.request(route, Err(error.kind()));
            tracing::info!(
                route,
                outcome = error.kind().as_str(),
                elapsed_us,
                "license request"
            );
            error.into_response()
        }
    }
}

fn parse<T: for<'de> Deserialize<'de>>(body: Result<Bytes, BytesRejection>) -> Result<T, ApiError> {
    let body = body.map_err(|_| {
        ApiError::invalid(format!(
            "the body could not be read (at most {MAX_BODY} bytes)"
        ))
    })?;
    // serde's message names a missing field or a wrong type, never a value.
    serde_json::from_slice(&body).map_err(|error| {
        ApiError::invalid(format!(
            "the body is not the JSON expected: {}",
            describe(&error)
        ))
    })
}

/// serde_json's error without the input: its category and what it expected.
fn describe(error: &serde_json::Error) -> String {
    use serde_json::error::Category;
    match error.classify() {
        Category::Data => {
            // "missing field `x`" / "invalid type: …, expected a string": the type only, since
            // serde_json quotes string values it did not expect.
            let text = error.to_string();
            match text.find("missing field") {
                Some(at) => text[at..].split(" at line").next().unwrap_or("").to_owned(),
                None => "a field has the wrong type".to_owned(),
            }
        }
        Category::Syntax | Category::Eof | Category::Io => "not valid JSON".to_owned(),
    }
}

/// A field's value, checked: not empty, at most `max` bytes, no control characters.
fn field<'a>(name: &str, value: &'a str, max: usize) -> Result<&'a str, ApiError> {
    if value.is_empty() {
        return Err(ApiError::invalid(format!("`{name}` is empty")));
    }
    if value.len() > max {
        return Err(ApiError::invalid(format!(
            "`{name}` is longer than {max} bytes"
        )));
    }
    if value.chars().any(char::is_control) {
        return Err(ApiError::invalid(format!(
            "`{name}` holds control characters"
        )));
    }
    Ok(value)
}

async fn per_client_limit(
    State(inner): State<Arc<Inner>>,
    request: Request,
    next: Next,
) -> Response {
    let Some(limiter) = &inner.limiter else {
        return next.run(request).await;
    };
    match limiter.check(client_address(&request)) {
        Ok(()) => next.run(request).await,
        Err(wait) => {
            let route = if request.uri().path().ends_with("refresh") {
                "refresh"
            } else {
                "activate"
            };
            respond(
                &inner,
                route,
                Instant::now(),
                Err(ApiError::new(ErrorType::RateLimited).retry_after(wait)),
            )
        }
    }
}

async fn metrics(State(inner): State<Arc<Inner>>) -> Response {
    (
        [(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/openmetrics-text; version=1.0.0; charset=utf-8"),
        )],
        inner.metrics.render(),
    )
        .into_response()
}

async fn webhook(
    State(inner): State<Arc<Inner>>,
    headers: HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> StatusCode {
    match body {
        Ok(body) => inner.webhook(&headers, &body).await,
        Err(_) => StatusCode::PAYLOAD_TOO_LARGE,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fields_are_checked_for_emptiness_length_and_control_characters() {
        assert!(field("f", "abc", 3).is_ok());
        for bad in ["", "abcd", "a\nb", "a\u{0}"] {
            let error = field("f", bad, 3).unwrap_err();
            assert_eq!(error.kind(), ErrorType::InvalidRequest, "{bad:?}");
            assert!(!error.message().contains(bad) || bad.is_empty(), "{bad:?}");
        }
    }

    #[test]
    fn a_wrong_type_is_described_without_the_value() {
        let body = Ok(Bytes::from_static(br#"{"token": 12345678}"#));
        let error = parse::<RefreshRequest>(body).map(|_| ()).unwrap_err();
        assert!(!error.message().contains("12345678"), "{}", error.message());
        let body = Ok(Bytes::from_static(br#"{"license_key": "SECRET-KEY"}"#));
        let error = parse::<ActivateRequest>(body).map(|_| ()).unwrap_err();
        assert!(
            error.message().contains("missing field `hardware_id`"),
            "{}",
            error.message()
        );
        assert!(!error.message().contains("SECRET-KEY"));
    }
}
