//! [`MockWhop`]: the shared state, and how one request is recorded, faulted and answered.

use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::Duration;

use bytes::Bytes;
use http::{HeaderValue, Request, Response, StatusCode, header};
use tokio::time::Instant;

use crate::body::json_response;
use crate::fault::{Fault, fault_response};
use crate::log::{ApiFamily, Caller, RecordedRequest, redacted_headers};
use crate::rate_limit::RateLimits;
use crate::route::{Token, bearer_token, parse_route};
use crate::seed::MockMembership;
use crate::service::MockError;
use crate::state::{RequestInfo, State, TokenOwner};

/// A fault queued for a coming request.
#[derive(Debug, Clone)]
pub(crate) struct Injection {
    fault: Fault,
    after_handling: bool,
}

/// An in-process fake of Whop's membership API.
///
/// Cheap to clone: clones share one state. Use it as a
/// `tower::Service<http::Request<Bytes>>` (no network) or serve it on loopback with
/// [`MockWhop::serve`]. See the [crate docs](crate) for an example.
#[derive(Debug, Clone)]
pub struct MockWhop {
    state: Arc<Mutex<State>>,
}

impl MockWhop {
    pub(crate) fn from_state(state: State) -> Self {
        Self {
            state: Arc::new(Mutex::new(state)),
        }
    }

    pub(crate) fn lock(&self) -> MutexGuard<'_, State> {
        // A panic elsewhere while holding the lock cannot leave the state half-written in a way
        // that matters to a fake; keep serving.
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// The rate limits in force (set by [`MockWhopBuilder::rate_limits`](crate::MockWhopBuilder::rate_limits)
    /// or [`MockWhop::set_rate_limits`]): what a client pacing itself for this mock should follow.
    #[must_use]
    pub fn rate_limits(&self) -> RateLimits {
        self.lock().rate_limits
    }

    /// The current state of a membership, for assertions.
    #[must_use]
    pub fn membership(&self, id: &str) -> Option<MockMembership> {
        self.lock().memberships.iter().find(|m| m.id == id).cloned()
    }

    /// All memberships, in seeding order.
    #[must_use]
    pub fn memberships(&self) -> Vec<MockMembership> {
        self.lock().memberships.clone()
    }

    /// Adds (or replaces) a membership at run time.
    pub fn insert_membership(&self, membership: MockMembership) {
        self.lock().upsert_membership(membership);
    }

    /// Every request received so far, in order of arrival.
    #[must_use]
    pub fn requests(&self) -> Vec<RecordedRequest> {
        self.lock().log.clone()
    }

    /// Forgets the requests received so far.
    pub fn clear_requests(&self) {
        self.lock().log.clear();
    }

    /// Queues `fault` for the next `times` requests, in place of the API: those requests change
    /// nothing and do not count against the rate limit (except [`Fault::Delay`], which answers
    /// normally after the wait). Faults are used in the order queued.
    ///
    /// ```
    /// use whop_mock::{Fault, MockWhop};
    ///
    /// let mock = MockWhop::demo();
    /// mock.inject(Fault::Status(503), 2); // the next two requests get 503
    /// mock.inject(Fault::html_502(), 1); // then a gateway's HTML page
    /// mock.inject(Fault::DropConnection, 1); // then no answer at all
    /// assert_eq!(mock.pending_faults(), 4);
    /// ```
    pub fn inject(&self, fault: Fault, times: usize) {
        self.push_fault(fault, times, false);
    }

    /// Queues `fault` for the next `times` requests, applied after the API handled them: the
    /// state changes (a cancel is applied), then the answer is replaced by the fault (or, for
    /// [`Fault::Delay`], sent after the wait).
    pub fn inject_after_handling(&self, fault: Fault, times: usize) {
        self.push_fault(fault, times, true);
    }

    fn push_fault(&self, fault: Fault, times: usize, after_handling: bool) {
        let mut state = self.lock();
        for _ in 0..times {
            state.faults.push_back(Injection {
                fault: fault.clone(),
                after_handling,
            });
        }
    }

    /// How many queued faults are left (a periodic fault from [`MockWhop::inject_every`] is not
    /// counted).
    #[must_use]
    pub fn pending_faults(&self) -> usize {
        self.lock().faults.len()
    }

    /// Drops all queued faults and the periodic one.
    pub fn clear_faults(&self) {
        let mut state = self.lock();
        state.faults.clear();
        state.periodic = None;
    }

    /// Injects `fault` into every `period`-th request from now on (the `period`-th, the
    /// `2 * period`-th, …), in place of the API as with [`MockWhop::inject`], until
    /// [`MockWhop::clear_faults`]: `inject_every(Fault::Status(503), 20)` fails 5 % of requests,
    /// deterministically. Queued faults go first; requests they take do not advance the count.
    /// A `period` of 0 turns periodic faults off. Replaces any previous periodic fault.
    pub fn inject_every(&self, fault: Fault, period: usize) {
        self.lock().periodic = (period > 0).then(|| Periodic {
            injection: Injection {
                fault,
                after_handling: false,
            },
            period,
            seen: 0,
        });
    }

    /// Replaces the rate limits and resets all counters and cooldowns.
    pub fn set_rate_limits(&self, limits: RateLimits) {
        let mut state = self.lock();
        state.rate_limits = limits;
        state.limiter.reset();
    }

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
        if let Some(entry) = state.log.iter_mut().rev().find(|r| r.seq == received.seq) {
            entry.status = status;
        }
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
            Token::Bearer(token) => match state.tokens.get(token) {
                None => Caller::UnknownToken,
                Some(TokenOwner::Company(id)) => Caller::Company {
                    company_id: id.clone(),
                },
                Some(TokenOwner::User(id)) => Caller::User {
                    user_id: id.clone(),
                },
            },
        };
        let injection = match state.faults.pop_front() {
            Some(queued) => Some(queued),
            None => state.periodic.as_mut().and_then(Periodic::next),
        };
        let seq = state.next_seq;
        state.next_seq += 1;
        state.log.push(RecordedRequest {
            seq,
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
            },
        }
    }

    fn handle_api(&self, info: &RequestInfo) -> Response<Bytes> {
        let mut state = self.lock();
        let Some(family) = info.family else {
            return crate::unknown_route::response();
        };
        let deprecation = match family {
            ApiFamily::V2 => state.deprecation.clone(),
            ApiFamily::V5 => None,
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
        response
    }
}

#[derive(Debug)]
pub(crate) struct Periodic {
    injection: Injection,
    period: usize,
    seen: usize,
}

impl Periodic {
    fn next(&mut self) -> Option<Injection> {
        self.seen = (self.seen + 1) % self.period;
        (self.seen == 0).then(|| self.injection.clone())
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

struct Received {
    seq: u64,
    injection: Option<Injection>,
    info: RequestInfo,
}
