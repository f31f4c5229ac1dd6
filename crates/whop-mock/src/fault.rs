//! Faults injected in place of (or on top of) the API's answer, for the next N requests.
//!
//! A fault models what sits between a client and Whop going wrong: a gateway's 502 page, a slow
//! or dropped connection, a garbled body. Queue faults with [`MockWhop::inject`] (the request
//! never reaches the API: no state changes, no rate-limit count) or
//! [`MockWhop::inject_after_handling`] (the API handles it, e.g. the cancel is applied, then the
//! answer is lost or replaced), which is how a test pins down "was the cancel applied?".
//!
//! [`MockWhop::inject`]: crate::MockWhop::inject
//! [`MockWhop::inject_after_handling`]: crate::MockWhop::inject_after_handling

use std::time::Duration;

use bytes::Bytes;
use http::{HeaderValue, Response, StatusCode, header};

use crate::body::{self, json_response};
use crate::error::MockError;
use crate::route::ApiFamily;
use crate::v1_body;

/// One fault. Faults answer without Whop's headers (no `Deprecation`): they come from "in front
/// of" the API.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Fault {
    /// Answer with this status and a JSON error body in the request's API family shape (on v1,
    /// a 429's message says "Try again in 1 seconds."). A status outside 100..=999 is sent as 500.
    Status(u16),
    /// Answer with exactly this status, `Content-Type` (if any) and body. See [`Fault::html_502`].
    Respond {
        /// Status code (outside 100..=999: sent as 500).
        status: u16,
        /// `Content-Type` header, if any.
        content_type: Option<String>,
        /// The body, sent as is.
        body: Bytes,
    },
    /// Wait this long, then answer as usual (with [`MockWhop::inject`], the API handles the
    /// request after the wait, if the caller is still waiting; with
    /// [`MockWhop::inject_after_handling`], before it).
    ///
    /// [`MockWhop::inject`]: crate::MockWhop::inject
    /// [`MockWhop::inject_after_handling`]: crate::MockWhop::inject_after_handling
    Delay(Duration),
    /// Close the connection without a response (over HTTP); as a `Service`, return
    /// [`MockError::ConnectionDropped`].
    DropConnection,
    /// `200 OK`, `Content-Type: application/json`, and a body that is not JSON.
    GarbageBody,
    /// `429` with Whop's rate-limit body and, if given, this exact `Retry-After` value (seconds,
    /// an HTTP date, or garbage: sent as given if it is a valid header value, else left out). On
    /// `/api/v1` the body is v1's, whose message carries the wait ("Try again in N seconds.":
    /// the `Retry-After` seconds, else 1); to get the message without the header, as Whop sends
    /// it, give `retry_after: None`.
    RateLimited {
        /// The raw `Retry-After` value.
        retry_after: Option<String>,
    },
    /// `301 Moved Permanently` with this `Location` (say, another host) and an empty body. A client
    /// must not follow it with the token.
    Redirect {
        /// The `Location` value (left out if it is not a valid header value).
        location: String,
    },
    /// The API handles the request (whichever `inject` queued it), and its answer goes out with
    /// the `Content-Length` of the whole body but only the first `keep` bytes of it; over HTTP the
    /// connection then closes. As a Service, the response carries the full `Content-Length` header
    /// and the cut body.
    TruncatedBody {
        /// Bytes of the body actually sent.
        keep: usize,
    },
    /// The API handles the request (whichever `inject` queued it), and over HTTP its body goes out
    /// `chunk` bytes (at least 1) at a time, each after waiting `interval`. As a Service, the whole
    /// response comes after the total time.
    TrickleBody {
        /// Bytes per chunk (0 is taken as 1).
        chunk: usize,
        /// Wait before each chunk.
        interval: Duration,
    },
}

/// The body [`Fault::GarbageBody`] sends.
pub const GARBAGE_BODY: &[u8] = b"\x00\xff<html>{\"id\": \"mem_\xc3\x28 not json";

/// The body [`Fault::html_502`] sends.
pub const HTML_502_BODY: &str = "<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n<center><h1>502 Bad Gateway</h1></center>\r\n<hr><center>cloudflare</center>\r\n</body>\r\n</html>\r\n";

impl Fault {
    /// A gateway's HTML 502 page (`text/html`).
    pub fn html_502() -> Self {
        Self::Respond {
            status: 502,
            content_type: Some("text/html".to_owned()),
            body: Bytes::from_static(HTML_502_BODY.as_bytes()),
        }
    }

    /// Whop's v1 429: `{"error": {"type": "rate_limit_exceeded", "message": "Try again in
    /// <seconds> seconds."}}`, the wait in the message only, no `Retry-After`.
    pub fn v1_rate_limited(seconds: u64) -> Self {
        let status = StatusCode::TOO_MANY_REQUESTS;
        let body = v1_body::error(status, &v1_body::rate_limited_message(seconds));
        Self::Respond {
            status: status.as_u16(),
            content_type: Some("application/json; charset=utf-8".to_owned()),
            body: Bytes::from(body.to_string()),
        }
    }

    /// A 429 with `Retry-After: <seconds>`.
    pub fn rate_limited_for(seconds: u64) -> Self {
        Self::RateLimited {
            retry_after: Some(seconds.to_string()),
        }
    }
}

pub(crate) fn fault_status(code: u16) -> StatusCode {
    StatusCode::from_u16(code).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR)
}

pub(crate) fn fault_response(
    fault: &Fault,
    family: Option<ApiFamily>,
) -> Result<Response<Bytes>, MockError> {
    let response = match fault {
        Fault::Status(code) => {
            let status = fault_status(*code);
            let message = match status {
                StatusCode::INTERNAL_SERVER_ERROR => body::INTERNAL_ERROR_MESSAGE,
                StatusCode::TOO_MANY_REQUESTS => body::RATE_LIMITED_MESSAGE,
                other => other.canonical_reason().unwrap_or("Error"),
            };
            let body = match family {
                Some(ApiFamily::V2) => body::v2_error(status.as_u16(), message),
                Some(ApiFamily::V1) if status == StatusCode::TOO_MANY_REQUESTS => {
                    v1_body::error(status, &v1_body::rate_limited_message(1))
                }
                Some(ApiFamily::V1) => v1_body::error(status, message),
                Some(ApiFamily::V5) | None => body::v5_error(message),
            };
            json_response(status, &body, None)
        }
        Fault::Respond {
            status,
            content_type,
            body,
        } => {
            let mut response = Response::new(body.clone());
            *response.status_mut() = fault_status(*status);
            if let Some(value) = content_type
                .as_deref()
                .and_then(|v| HeaderValue::from_str(v).ok())
            {
                response.headers_mut().insert(header::CONTENT_TYPE, value);
            }
            response
        }
        Fault::GarbageBody => {
            let mut response = Response::new(Bytes::from_static(GARBAGE_BODY));
            response.headers_mut().insert(
                header::CONTENT_TYPE,
                HeaderValue::from_static("application/json"),
            );
            response
        }
        Fault::RateLimited { retry_after } => {
            let body = if family == Some(ApiFamily::V1) {
                // The wait in the message, as Whop's v1 429 has it: the `Retry-After` value when
                // it is a number of seconds, else 1.
                let seconds = retry_after.as_deref().and_then(|v| v.parse().ok());
                let status = StatusCode::TOO_MANY_REQUESTS;
                v1_body::error(status, &v1_body::rate_limited_message(seconds.unwrap_or(1)))
            } else {
                body::v5_error(body::RATE_LIMITED_MESSAGE)
            };
            let mut response = json_response(StatusCode::TOO_MANY_REQUESTS, &body, None);
            if let Some(value) = retry_after
                .as_deref()
                .and_then(|v| HeaderValue::from_str(v).ok())
            {
                response.headers_mut().insert(header::RETRY_AFTER, value);
            }
            response
        }
        Fault::Redirect { location } => {
            let mut response = Response::new(Bytes::new());
            *response.status_mut() = StatusCode::MOVED_PERMANENTLY;
            if let Ok(value) = HeaderValue::from_str(location) {
                response.headers_mut().insert(header::LOCATION, value);
            }
            response
        }
        Fault::DropConnection => return Err(MockError::ConnectionDropped),
        // `respond` handles these itself (they change how the API's answer is sent) and never
        // gets here; if it did, an empty 200 is the harmless reading.
        Fault::Delay(_) | Fault::TruncatedBody { .. } | Fault::TrickleBody { .. } => {
            Response::new(Bytes::new())
        }
    };
    Ok(response)
}

/// A fault queued for a coming request.
#[derive(Debug, Clone)]
pub(crate) struct Injection {
    pub(crate) fault: Fault,
    /// Applied after the API handled the request ([`MockWhop::inject_after_handling`]), not in
    /// its place.
    ///
    /// [`MockWhop::inject_after_handling`]: crate::MockWhop::inject_after_handling
    pub(crate) after_handling: bool,
}

/// A fault injected into every `period`-th request ([`MockWhop::inject_every`]).
///
/// [`MockWhop::inject_every`]: crate::MockWhop::inject_every
#[derive(Debug)]
pub(crate) struct Periodic {
    injection: Injection,
    period: usize,
    seen: usize,
}

impl Periodic {
    /// `fault` in place of the API every `period`-th request from now on; `None` for a period
    /// of 0.
    pub(crate) fn every(fault: Fault, period: usize) -> Option<Self> {
        (period > 0).then(|| Self {
            injection: Injection {
                fault,
                after_handling: false,
            },
            period,
            seen: 0,
        })
    }

    /// Counts a request; the injection when it is the `period`-th.
    pub(crate) fn next(&mut self) -> Option<Injection> {
        self.seen = (self.seen + 1) % self.period;
        (self.seen == 0).then(|| self.injection.clone())
    }
}
