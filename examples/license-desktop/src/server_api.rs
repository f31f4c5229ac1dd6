//! The license server's two calls, from the app: `POST /v1/activate` and `POST /v1/refresh`.
//!
//! Plain JSON over HTTPS (HTTP only to this machine, for the self-test) through whop-transport's
//! pooled hyper client: the SDK's own TLS setup, no second HTTP stack in the app. The app holds
//! no secret; a call is blocking (a small runtime of its own), as a desktop app's start-up is.

use std::time::Duration;

use bytes::Bytes;
use serde::Deserialize;
use serde_json::json;
use tower::ServiceExt as _;
use whop_transport::{HttpClient, Transport};

/// The longest one call may take: a start-up must not hang on a dead network.
const CALL_TIMEOUT: Duration = Duration::from_secs(10);

/// The license server at one base URL.
#[derive(Clone)]
pub(crate) struct LicenseServerApi {
    base: String,
    http: HttpClient,
}

/// A call that did not give a token. Never holds a token or a license key.
#[derive(Debug)]
pub(crate) enum ApiError {
    /// The server answered with an error (its `type` and `message`).
    Refused {
        /// The HTTP status.
        status: u16,
        /// `license_not_valid`, `bound_to_another_machine`, `try_later`, …
        kind: String,
        /// The server's words.
        message: String,
    },
    /// The server could not be reached, or did not answer in time.
    Unreachable(String),
    /// The answer was not the wire contract's.
    BadAnswer(String),
}

impl std::fmt::Display for ApiError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ApiError::Refused {
                status,
                kind,
                message,
            } => write!(f, "{kind} ({status}): {message}"),
            ApiError::Unreachable(why) => write!(f, "the license server is unreachable: {why}"),
            ApiError::BadAnswer(why) => {
                write!(f, "unexpected answer from the license server: {why}")
            }
        }
    }
}

#[derive(Deserialize)]
struct TokenAnswer {
    token: String,
}

#[derive(Deserialize)]
struct ErrorAnswer {
    error: ErrorBody,
}

#[derive(Deserialize)]
struct ErrorBody {
    #[serde(rename = "type")]
    kind: String,
    message: String,
}

impl LicenseServerApi {
    /// The server at `base` (`https://licenses.example.com`, or `http://127.0.0.1:8787`).
    ///
    /// # Errors
    /// When no TLS root certificate is available.
    pub(crate) fn new(base: impl Into<String>) -> Result<Self, String> {
        let http = Transport::builder()
            .build_http_client()
            .map_err(|e| e.to_string())?;
        Ok(Self {
            base: base.into().trim_end_matches('/').to_owned(),
            http,
        })
    }

    /// Activates `license_key` on this machine: a signed token.
    ///
    /// # Errors
    /// [`ApiError`]: refused (unknown key, bound to another machine, …) or unreachable.
    pub(crate) fn activate(
        &self,
        license_key: &str,
        hardware_id: &str,
    ) -> Result<String, ApiError> {
        let body = json!({ "license_key": license_key, "hardware_id": hardware_id });
        self.post("/v1/activate", &body)
    }

    /// A fresh token for `token` (which may have expired; its signature must verify).
    ///
    /// # Errors
    /// As [`activate`](Self::activate).
    pub(crate) fn refresh(&self, token: &str) -> Result<String, ApiError> {
        self.post("/v1/refresh", &json!({ "token": token }))
    }

    fn post(&self, path: &str, body: &serde_json::Value) -> Result<String, ApiError> {
        let request = http::Request::post(format!("{}{path}", self.base))
            .header(http::header::CONTENT_TYPE, "application/json")
            .body(Bytes::from(body.to_string()))
            .map_err(|e| ApiError::BadAnswer(format!("the server URL: {e}")))?;
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .map_err(|e| ApiError::Unreachable(e.to_string()))?;
        let http = self.http.clone();
        let response = runtime
            .block_on(async { tokio::time::timeout(CALL_TIMEOUT, http.oneshot(request)).await })
            .map_err(|_| ApiError::Unreachable(format!("no answer within {CALL_TIMEOUT:?}")))?
            .map_err(|e| ApiError::Unreachable(e.to_string()))?;
        let status = response.status();
        let body = response.into_body();
        if status.is_success() {
            return serde_json::from_slice::<TokenAnswer>(&body)
                .map(|answer| answer.token)
                .map_err(|e| ApiError::BadAnswer(e.to_string()));
        }
        match serde_json::from_slice::<ErrorAnswer>(&body) {
            Ok(ErrorAnswer { error }) => Err(ApiError::Refused {
                status: status.as_u16(),
                kind: error.kind,
                message: error.message,
            }),
            Err(_) => Err(ApiError::BadAnswer(format!("status {status}"))),
        }
    }
}
