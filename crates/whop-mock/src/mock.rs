//! [`MockWhop`]: the shared state, the builder, and the request handling.

use std::collections::{HashMap, VecDeque};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::Duration;

use bytes::Bytes;
use http::{HeaderValue, Method, Request, Response, StatusCode, header};
use serde_json::Value;
use tokio::time::Instant;

use crate::body::{self, Expand, Related};
use crate::fault::{Fault, GARBAGE_BODY};
use crate::log::{ApiFamily, Caller, RecordedRequest, Route, redacted_headers};
use crate::rate_limit::{Limiter, RateLimits};
use crate::seed::{
    DEFAULT_COMPANY_ID, MockMembership, MockPlan, MockProduct, MockPromoCode, MockUser,
};
use crate::service::MockError;

/// The company API key of [`MockWhop::demo`].
pub const DEMO_COMPANY_KEY: &str = "whop_mock_company_key";
/// The user token of [`MockWhop::demo`]; it belongs to [`DEMO_USER_ID`].
pub const DEMO_USER_TOKEN: &str = "whop_mock_user_token";
/// The user of [`MockWhop::demo`].
pub const DEMO_USER_ID: &str = "user_demo000000001";
/// A membership of [`DEMO_USER_ID`] in [`MockWhop::demo`], active, not yet cancelling.
pub const DEMO_MEMBERSHIP_ID: &str = "mem_demo000000001";
/// The license key of [`DEMO_MEMBERSHIP_ID`].
pub const DEMO_LICENSE_KEY: &str = "DEMO-1A2B3C-4D5E6F70-8A9B0CW";
/// A second membership in [`MockWhop::demo`], owned by another user ([`DEMO_OTHER_USER_ID`]):
/// [`DEMO_USER_TOKEN`] gets 404 for it on v5.
pub const DEMO_OTHER_MEMBERSHIP_ID: &str = "mem_demo000000002";
/// The owner of [`DEMO_OTHER_MEMBERSHIP_ID`].
pub const DEMO_OTHER_USER_ID: &str = "user_demo000000002";
/// The value of the `Deprecation` header on v2 responses unless configured otherwise.
///
/// Whop documents that v2 is deprecated but not the header's exact value; `true` is what servers
/// following the original Deprecation header draft send (RFC 9745 later chose `@<unix-seconds>`,
/// which [`MockWhopBuilder::deprecation_header`] can set).
pub const DEFAULT_DEPRECATION: &str = "true";

#[derive(Debug, Clone)]
enum TokenOwner {
    Company(String),
    User(String),
}

#[derive(Debug, Clone)]
struct Injection {
    fault: Fault,
    after_handling: bool,
}

#[derive(Debug)]
struct State {
    memberships: Vec<MockMembership>,
    users: HashMap<String, MockUser>,
    products: HashMap<String, MockProduct>,
    plans: HashMap<String, MockPlan>,
    promo_codes: HashMap<String, MockPromoCode>,
    tokens: HashMap<String, TokenOwner>,
    rate_limits: RateLimits,
    limiter: Limiter,
    deprecation: Option<HeaderValue>,
    faults: VecDeque<Injection>,
    periodic: Option<Periodic>,
    log: Vec<RecordedRequest>,
    next_seq: u64,
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

/// Builds a [`MockWhop`]: seeds, tokens, limits. From [`MockWhop::builder`].
#[derive(Debug)]
#[must_use]
pub struct MockWhopBuilder {
    state: State,
}

impl Default for MockWhopBuilder {
    fn default() -> Self {
        Self {
            state: State {
                memberships: Vec::new(),
                users: HashMap::new(),
                products: HashMap::new(),
                plans: HashMap::new(),
                promo_codes: HashMap::new(),
                tokens: HashMap::new(),
                rate_limits: RateLimits::whop(),
                limiter: Limiter::default(),
                deprecation: Some(HeaderValue::from_static(DEFAULT_DEPRECATION)),
                faults: VecDeque::new(),
                periodic: None,
                log: Vec::new(),
                next_seq: 0,
            },
        }
    }
}

impl MockWhopBuilder {
    /// Seeds a membership (one with the same ID is replaced).
    pub fn membership(mut self, membership: MockMembership) -> Self {
        self.state.upsert_membership(membership);
        self
    }

    /// Seeds a user (otherwise users are generated from their ID).
    pub fn user(mut self, user: MockUser) -> Self {
        self.state.users.insert(user.id.clone(), user);
        self
    }

    /// Seeds a product (otherwise generated from its ID).
    pub fn product(mut self, product: MockProduct) -> Self {
        self.state.products.insert(product.id.clone(), product);
        self
    }

    /// Seeds a plan (otherwise generated from its ID).
    pub fn plan(mut self, plan: MockPlan) -> Self {
        self.state.plans.insert(plan.id.clone(), plan);
        self
    }

    /// Seeds a promo code (otherwise generated from its ID).
    pub fn promo_code(mut self, promo_code: MockPromoCode) -> Self {
        self.state
            .promo_codes
            .insert(promo_code.id.clone(), promo_code);
        self
    }

    /// A company API key for [`DEFAULT_COMPANY_ID`], the default company of seeded memberships.
    pub fn company_token(self, token: impl Into<String>) -> Self {
        self.company_token_for(token, DEFAULT_COMPANY_ID)
    }

    /// A company API key for the given company: it may cancel that company's memberships only.
    pub fn company_token_for(
        mut self,
        token: impl Into<String>,
        company_id: impl Into<String>,
    ) -> Self {
        self.state
            .tokens
            .insert(token.into(), TokenOwner::Company(company_id.into()));
        self
    }

    /// A user token: it may read that user's memberships on v5.
    pub fn user_token(mut self, token: impl Into<String>, user_id: impl Into<String>) -> Self {
        self.state
            .tokens
            .insert(token.into(), TokenOwner::User(user_id.into()));
        self
    }

    /// Rate limits (default: [`RateLimits::whop`]).
    pub fn rate_limits(mut self, limits: RateLimits) -> Self {
        self.state.rate_limits = limits;
        self
    }

    /// No rate limits.
    pub fn no_rate_limits(self) -> Self {
        self.rate_limits(RateLimits::disabled())
    }

    /// The `Deprecation` header value on v2 responses (default [`DEFAULT_DEPRECATION`]); `None`
    /// sends none. A value that is not a valid header value is ignored (keeps the previous one).
    pub fn deprecation_header(mut self, value: Option<&str>) -> Self {
        match value {
            None => self.state.deprecation = None,
            Some(v) => {
                if let Ok(v) = HeaderValue::from_str(v) {
                    self.state.deprecation = Some(v);
                }
            }
        }
        self
    }

    /// The mock.
    #[must_use]
    pub fn build(self) -> MockWhop {
        MockWhop {
            state: Arc::new(Mutex::new(self.state)),
        }
    }
}

impl MockWhop {
    /// An empty mock: no memberships, no tokens, Whop's rate limits.
    pub fn builder() -> MockWhopBuilder {
        MockWhopBuilder::default()
    }

    /// The demo world of the quickstart, ready to use. See [`MockWhop::demo_builder`].
    #[must_use]
    pub fn demo() -> Self {
        Self::demo_builder().build()
    }

    /// The demo world as a builder, to adjust before building: [`DEMO_COMPANY_KEY`] (company
    /// [`DEFAULT_COMPANY_ID`]), [`DEMO_USER_TOKEN`] for [`DEMO_USER_ID`], who owns
    /// [`DEMO_MEMBERSHIP_ID`] (license key [`DEMO_LICENSE_KEY`]); [`DEMO_OTHER_MEMBERSHIP_ID`]
    /// belongs to [`DEMO_OTHER_USER_ID`]. Whop's rate limits.
    pub fn demo_builder() -> MockWhopBuilder {
        Self::builder()
            .company_token(DEMO_COMPANY_KEY)
            .user_token(DEMO_USER_TOKEN, DEMO_USER_ID)
            .user(
                MockUser::new(DEMO_USER_ID)
                    .username("demo_user")
                    .email("demo@example.com"),
            )
            .user(MockUser::new(DEMO_OTHER_USER_ID).username("someone_else"))
            .product(MockProduct::new(crate::seed::DEFAULT_PRODUCT_ID).name("Demo Pro"))
            .membership(
                MockMembership::new(DEMO_MEMBERSHIP_ID)
                    .user(DEMO_USER_ID)
                    .license_key(DEMO_LICENSE_KEY)
                    .metadata(serde_json::json!({ "hwid": "demo-machine" })),
            )
            .membership(
                MockMembership::new(DEMO_OTHER_MEMBERSHIP_ID)
                    .user(DEMO_OTHER_USER_ID)
                    .status("completed", true)
                    .payment_processor("free")
                    .renewal_period(None, None),
            )
    }

    fn lock(&self) -> MutexGuard<'_, State> {
        // A panic elsewhere while holding the lock cannot leave the state half-written in a way
        // that matters to a fake; keep serving.
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
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
        let query = request.uri().query();
        let api = || self.handle_api(&received.info, query);
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
            },
        }
    }

    fn handle_api(&self, info: &RequestInfo, query: Option<&str>) -> Response<Bytes> {
        let mut state = self.lock();
        let Some(family) = info.family else {
            return json_response(StatusCode::NOT_FOUND, &body::v5_error("Not Found"), None);
        };
        let deprecation = match family {
            ApiFamily::V2 => state.deprecation.clone(),
            ApiFamily::V5 => None,
        };
        let answer = state.answer(family, info, query, Instant::now());
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
struct Periodic {
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

struct RequestInfo {
    family: Option<ApiFamily>,
    route: Option<Route>,
    caller: Caller,
    /// The rate-limit counter's key: the raw bearer token (empty without one).
    bucket: String,
}

struct Answer {
    status: StatusCode,
    body: Value,
    retry_after: Option<u64>,
}

impl Answer {
    fn ok(status: StatusCode, body: Value) -> Self {
        Self {
            status,
            body,
            retry_after: None,
        }
    }

    fn error(family: ApiFamily, status: StatusCode, message: &str) -> Self {
        let body = match family {
            ApiFamily::V2 => body::v2_error(status.as_u16(), message),
            ApiFamily::V5 => body::v5_error(message),
        };
        Self::ok(status, body)
    }
}

impl State {
    fn upsert_membership(&mut self, membership: MockMembership) {
        match self.memberships.iter_mut().find(|m| m.id == membership.id) {
            Some(existing) => *existing = membership,
            None => self.memberships.push(membership),
        }
    }

    fn answer(
        &mut self,
        family: ApiFamily,
        info: &RequestInfo,
        query: Option<&str>,
        now: Instant,
    ) -> Answer {
        if let Err(cooldown_left) = self
            .limiter
            .check(&self.rate_limits, family, &info.bucket, now)
        {
            let mut answer = Answer::ok(
                StatusCode::TOO_MANY_REQUESTS,
                body::v5_error(body::RATE_LIMITED_MESSAGE),
            );
            if self.rate_limits.retry_after_header {
                answer.retry_after = Some(ceil_seconds(cooldown_left));
            }
            return answer;
        }
        let Some(route) = &info.route else {
            return Answer::error(family, StatusCode::NOT_FOUND, "Not Found");
        };
        match route {
            Route::CancelMembership { id } => self.cancel(info, id, query),
            Route::RetrieveMyMembership { id_or_key } => self.retrieve_mine(info, id_or_key),
        }
    }

    fn cancel(&mut self, info: &RequestInfo, id: &str, query: Option<&str>) -> Answer {
        let v2 = ApiFamily::V2;
        let company_id = match &info.caller {
            Caller::Company { company_id } => company_id.clone(),
            Caller::User { .. } => return Answer::error(v2, StatusCode::FORBIDDEN, "Forbidden"),
            Caller::Anonymous | Caller::Malformed | Caller::UnknownToken => {
                return Answer::error(v2, StatusCode::UNAUTHORIZED, "Unauthorized");
            }
        };
        let expand = match Expand::parse(query) {
            Ok(expand) => expand,
            Err(_) => {
                return Answer::error(
                    v2,
                    StatusCode::BAD_REQUEST,
                    "Parameter :expand is invalid. Please ensure you are passing the correct type for this parameter.",
                );
            }
        };
        let Some(membership) = self
            .memberships
            .iter_mut()
            .find(|m| m.id == id && m.company_id == company_id)
        else {
            return Answer::error(
                v2,
                StatusCode::NOT_FOUND,
                &format!("No such Resource found with the provided ID: {id}"),
            );
        };
        membership.cancel_at_period_end = true;
        let membership = membership.clone();
        let related = self.related(&membership);
        Answer::ok(
            StatusCode::CREATED,
            body::v2_membership(&membership, &related, expand),
        )
    }

    fn retrieve_mine(&self, info: &RequestInfo, id_or_key: &str) -> Answer {
        let v5 = ApiFamily::V5;
        let user_id = match &info.caller {
            Caller::User { user_id } => user_id,
            Caller::Company { .. } => {
                return Answer::error(
                    v5,
                    StatusCode::FORBIDDEN,
                    "This endpoint requires a user token, not a company API key",
                );
            }
            Caller::Anonymous | Caller::Malformed | Caller::UnknownToken => {
                return Answer::error(v5, StatusCode::UNAUTHORIZED, "Unauthorized");
            }
        };
        let found = self.memberships.iter().find(|m| {
            &m.user_id == user_id
                && (m.id == id_or_key || m.license_key.as_deref() == Some(id_or_key))
        });
        match found {
            Some(membership) => Answer::ok(StatusCode::OK, body::v5_me_membership(membership)),
            None => Answer::error(v5, StatusCode::NOT_FOUND, "Membership not found"),
        }
    }

    fn related(&self, m: &MockMembership) -> Related {
        Related {
            user: self
                .users
                .get(&m.user_id)
                .cloned()
                .unwrap_or_else(|| MockUser::new(m.user_id.clone())),
            product: self
                .products
                .get(&m.product_id)
                .cloned()
                .unwrap_or_else(|| MockProduct::new(m.product_id.clone())),
            plan: self
                .plans
                .get(&m.plan_id)
                .cloned()
                .unwrap_or_else(|| MockPlan::new(m.plan_id.clone())),
            promo_code: m.promo_code_id.as_ref().map(|id| {
                self.promo_codes
                    .get(id)
                    .cloned()
                    .unwrap_or_else(|| MockPromoCode::new(id.clone()))
            }),
        }
    }
}

fn ceil_seconds(d: Duration) -> u64 {
    d.as_secs().saturating_add(u64::from(d.subsec_nanos() > 0))
}

enum Token {
    Missing,
    Malformed,
    Bearer(String),
}

fn bearer_token(request: &Request<Bytes>) -> Token {
    let Some(value) = request.headers().get(header::AUTHORIZATION) else {
        return Token::Missing;
    };
    let Ok(value) = value.to_str() else {
        return Token::Malformed;
    };
    match value.split_once(' ') {
        Some((scheme, token))
            if scheme.eq_ignore_ascii_case("bearer") && !token.trim().is_empty() =>
        {
            Token::Bearer(token.trim().to_owned())
        }
        _ => Token::Malformed,
    }
}

/// Matches the raw path, segment by segment, without normalising it: a raw `.` or `..` segment,
/// an empty one, or one that does not decode to UTF-8 is a route miss (404), as on a server whose
/// front end resolves dot segments before routing.
fn parse_route(method: &Method, path: &str) -> (Option<ApiFamily>, Option<Route>) {
    let family = if path.starts_with("/api/v2/") {
        Some(ApiFamily::V2)
    } else if path.starts_with("/api/v5/") {
        Some(ApiFamily::V5)
    } else {
        None
    };
    let segments: Vec<&str> = path.split('/').collect();
    let route = match segments.as_slice() {
        ["", "api", "v2", "memberships", id, "cancel"] if method == Method::POST => {
            decode_segment(id).map(|id| Route::CancelMembership { id })
        }
        ["", "api", "v5", "me", "memberships", id] if method == Method::GET => {
            decode_segment(id).map(|id_or_key| Route::RetrieveMyMembership { id_or_key })
        }
        _ => None,
    };
    (family, route)
}

fn decode_segment(raw: &str) -> Option<String> {
    if raw.is_empty() || raw == "." || raw == ".." {
        return None;
    }
    let decoded = percent_encoding::percent_decode_str(raw)
        .decode_utf8()
        .ok()?;
    (!decoded.is_empty()).then(|| decoded.into_owned())
}

fn json_response(
    status: StatusCode,
    body: &Value,
    deprecation: Option<HeaderValue>,
) -> Response<Bytes> {
    let mut response = Response::new(Bytes::from(body.to_string()));
    *response.status_mut() = status;
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json; charset=utf-8"),
    );
    if let Some(value) = deprecation {
        headers.insert("deprecation", value);
    }
    response
}

fn fault_status(code: u16) -> StatusCode {
    StatusCode::from_u16(code).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR)
}

fn fault_response(fault: &Fault, family: Option<ApiFamily>) -> Result<Response<Bytes>, MockError> {
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
            let mut response = json_response(
                StatusCode::TOO_MANY_REQUESTS,
                &body::v5_error(body::RATE_LIMITED_MESSAGE),
                None,
            );
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
