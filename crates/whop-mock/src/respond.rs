//! How one request is recorded, faulted and answered: what both the `Service` and the HTTP server
//! run.

use std::time::Duration;

use bytes::Bytes;
use http::{HeaderValue, Request, Response, StatusCode, header};
use tokio::time::Instant;

use crate::body::json_response;
use crate::error::MockError;
use crate::fault::{Fault, Injection, fault_response};
use crate::idempotency::REPLAYED_HEADER;
use crate::log::{RecordedRequest, redacted_headers};
use crate::mock::MockWhop;
use crate::route::{ApiFamily, Caller, Token, bearer_token, parse_route};
use crate::state::{RequestInfo, TokenOwner};

impl MockWhop {
    /// Handles one request: records it, applies any queued fault, answers as Whop would.
    pub(crate) async fn respond(&self, request: Request<Bytes>) -> Result<Delivered, MockError> {
        let received = self.record(&request);
        let api = || self.handle_api(&received.info);
        let result = match received.injection {
            None => Ok(Delivered::whole(api())),
            Some(Injection {
                fault,
                after_handling,
            }) => match fault {
                Fault::Delay(delay) => {
                    let early = after_handling.then(api);
                    tokio::time::sleep(delay).await;
                    Ok(Delivered::whole(early.unwrap_or_else(api)))
                }
                Fault::TruncatedBody { keep } => Ok(Delivered {
                    response: api(),
                    delivery: Delivery::Truncated { keep },
                }),
                Fault::TrickleBody { chunk, interval } => Ok(Delivered {
                    response: api(),
                    delivery: Delivery::Trickle {
                        chunk: chunk.max(1),
                        interval,
                    },
                }),
                fault => {
                    if after_handling {
                        let _ = api();
                    }
                    fault_response(&fault, received.info.family).map(Delivered::whole)
                }
            },
        };
        let status = result.as_ref().ok().map(|d| d.response.status().as_u16());
        let mut state = self.lock();
        state.log_status(received.seq, status);
        result
    }

    fn record(&self, request: &Request<Bytes>) -> Received {
        let path = request.uri().path();
        let (family, route) = parse_route(request.method(), path);
        let token = bearer_token(request);
        let mut state = self.lock();
        let caller = match &token {
            Token::Missing => Caller::Anonymous,
            Token::Malformed => Caller::Malformed,
            Token::Bearer(token) => match state.token_owner(token, Instant::now()) {
                None => Caller::UnknownToken,
                Some(TokenOwner::Company(id)) => Caller::Company { company_id: id },
                Some(TokenOwner::User(id)) => Caller::User { user_id: id },
            },
        };
        let api_version_date = header_text(request, API_VERSION_DATE);
        let injection = state.next_injection();
        let seq = state.log_request(RecordedRequest {
            seq: 0,
            method: request.method().clone(),
            path: path.to_owned(),
            query: request.uri().query().map(str::to_owned),
            headers: redacted_headers(request.headers()),
            body: request.body().clone(),
            caller: caller.clone(),
            family,
            route: route.clone(),
            fault: injection.as_ref().map(|i| i.fault.clone()),
            status: None,
            received_at: Instant::now(),
            api_version_date: api_version_date.clone(),
        });
        Received {
            seq,
            injection,
            info: RequestInfo {
                family,
                route,
                caller,
                bucket: match token {
                    Token::Bearer(token) => token,
                    Token::Missing | Token::Malformed => String::new(),
                },
                query: request.uri().query().map(str::to_owned),
                body: request.body().clone(),
                method: request.method().clone(),
                path: path.to_owned(),
                api_version_date,
                idempotency_key: header_text(request, IDEMPOTENCY_KEY),
                headers: request.headers().clone(),
                authority: request.uri().authority().map(|a| a.as_str().to_owned()),
            },
        }
    }

    fn handle_api(&self, info: &RequestInfo) -> Response<Bytes> {
        let mut state = self.lock();
        if let Some(response) = state.answer_oauth(info, Instant::now()) {
            return response;
        }
        let Some(family) = info.family else {
            return crate::unknown_route::response();
        };
        if family == ApiFamily::V2 && state.v2_retired() {
            return crate::retired::response();
        }
        let deprecation = match family {
            ApiFamily::V2 => state.deprecation(),
            ApiFamily::V1 | ApiFamily::V5 => None,
        };
        let answer = state.answer(family, info, Instant::now());
        if info.route.is_none() && answer.status == StatusCode::NOT_FOUND {
            return crate::unknown_route::response();
        }
        let mut response = json_response(answer.status, &answer.body, deprecation);
        if let Some(seconds) = answer.retry_after {
            response
                .headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from(seconds));
        }
        if answer.replayed {
            response
                .headers_mut()
                .insert(REPLAYED_HEADER, HeaderValue::from_static("true"));
        }
        response
    }
}

/// An answer and how its body is to be sent.
#[derive(Debug)]
pub(crate) struct Delivered {
    pub(crate) response: Response<Bytes>,
    pub(crate) delivery: Delivery,
}

/// How a body goes out (over HTTP; a Service approximates it, see [`Delivered::into_response`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Delivery {
    Whole,
    /// Only the first `keep` bytes, under the whole body's `Content-Length`, then the connection
    /// closes.
    Truncated {
        keep: usize,
    },
    /// `chunk` bytes every `interval`.
    Trickle {
        chunk: usize,
        interval: Duration,
    },
}

impl Delivered {
    fn whole(response: Response<Bytes>) -> Self {
        Self {
            response,
            delivery: Delivery::Whole,
        }
    }

    /// The response as a Service returns it: a truncated body keeps the whole body's
    /// `Content-Length`; a trickled one arrives whole after the total time.
    pub(crate) async fn into_response(self) -> Response<Bytes> {
        let mut response = self.response;
        match self.delivery {
            Delivery::Whole => {}
            Delivery::Truncated { keep } => {
                let full = response.body().len();
                response
                    .headers_mut()
                    .insert(header::CONTENT_LENGTH, HeaderValue::from(full));
                let cut = response.body().slice(..keep.min(full));
                *response.body_mut() = cut;
            }
            Delivery::Trickle { chunk, interval } => {
                let chunks = response.body().len().div_ceil(chunk.max(1));
                let chunks = u32::try_from(chunks).unwrap_or(u32::MAX);
                tokio::time::sleep(interval.saturating_mul(chunks)).await;
            }
        }
        response
    }
}

/// The `Api-Version-Date` request header.
const API_VERSION_DATE: &str = "api-version-date";
/// The `Idempotency-Key` request header.
const IDEMPOTENCY_KEY: &str = "idempotency-key";

/// A header's value as text (lossily, if it is not UTF-8), if present.
fn header_text(request: &Request<Bytes>, name: &str) -> Option<String> {
    request
        .headers()
        .get(name)
        .map(|v| String::from_utf8_lossy(v.as_bytes()).into_owned())
}

struct Received {
    seq: u64,
    injection: Option<Injection>,
    info: RequestInfo,
}
