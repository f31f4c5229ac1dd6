//! The mock's shared state and the request as the handlers see it (the dispatch from a route to
//! its handler is in [`crate::handlers`]).

use std::collections::{HashMap, VecDeque};

use bytes::Bytes;
use http::{HeaderValue, StatusCode};
use serde_json::Value;

use crate::body::{self, Related};
use crate::fault::{Injection, Periodic};
use crate::log::RecordedRequest;
use crate::rate_limit::{Limiter, RateLimits};
use crate::route::{ApiFamily, Caller, Route};
use crate::seed::{MockMembership, MockPlan, MockProduct, MockPromoCode, MockUser};
use crate::webhook::{Change, Webhooks};

#[derive(Debug, Clone)]
pub(crate) enum TokenOwner {
    Company(String),
    User(String),
}

#[derive(Debug)]
pub(crate) struct State {
    /// Every membership. Handlers read them freely; they change them only through
    /// [`State::change_membership`] (see [`crate::mutation`]).
    pub(crate) memberships: Vec<MockMembership>,
    pub(crate) users: HashMap<String, MockUser>,
    pub(crate) products: HashMap<String, MockProduct>,
    pub(crate) plans: HashMap<String, MockPlan>,
    pub(crate) promo_codes: HashMap<String, MockPromoCode>,
    pub(crate) tokens: HashMap<String, TokenOwner>,
    pub(crate) rate_limits: RateLimits,
    pub(crate) limiter: Limiter,
    pub(crate) deprecation: Option<HeaderValue>,
    pub(crate) faults: VecDeque<Injection>,
    pub(crate) periodic: Option<Periodic>,
    pub(crate) log: Vec<RecordedRequest>,
    pub(crate) next_seq: u64,
    /// Where membership changes are delivered as webhooks, if anywhere.
    pub(crate) webhooks: Option<Webhooks>,
}

/// A request as a handler sees it.
pub(crate) struct RequestInfo {
    pub(crate) family: Option<ApiFamily>,
    pub(crate) route: Option<Route>,
    pub(crate) caller: Caller,
    /// The rate-limit counter's key: the raw bearer token (empty without one).
    pub(crate) bucket: String,
    /// The raw query string, without `?`.
    pub(crate) query: Option<String>,
    /// The request body.
    pub(crate) body: Bytes,
}

impl RequestInfo {
    /// The company of a company API key, or the error answer (401, or 403 for a user token).
    pub(crate) fn company(&self) -> Result<&str, Answer> {
        let v2 = ApiFamily::V2;
        match &self.caller {
            Caller::Company { company_id } => Ok(company_id),
            Caller::User { .. } => Err(Answer::error(v2, StatusCode::FORBIDDEN, "Forbidden")),
            Caller::Anonymous | Caller::Malformed | Caller::UnknownToken => {
                Err(Answer::error(v2, StatusCode::UNAUTHORIZED, "Unauthorized"))
            }
        }
    }

    /// The user of a user token, or the error answer (401, or 403 for a company key).
    pub(crate) fn user(&self) -> Result<&str, Answer> {
        let v5 = ApiFamily::V5;
        match &self.caller {
            Caller::User { user_id } => Ok(user_id),
            Caller::Company { .. } => Err(Answer::error(
                v5,
                StatusCode::FORBIDDEN,
                "This endpoint requires a user token, not a company API key",
            )),
            Caller::Anonymous | Caller::Malformed | Caller::UnknownToken => {
                Err(Answer::error(v5, StatusCode::UNAUTHORIZED, "Unauthorized"))
            }
        }
    }
}

/// What the API answers: status, JSON body, and `Retry-After` seconds on a 429 if configured.
pub(crate) struct Answer {
    pub(crate) status: StatusCode,
    pub(crate) body: Value,
    pub(crate) retry_after: Option<u64>,
}

impl Answer {
    pub(crate) fn ok(status: StatusCode, body: Value) -> Self {
        Self {
            status,
            body,
            retry_after: None,
        }
    }

    pub(crate) fn error(family: ApiFamily, status: StatusCode, message: &str) -> Self {
        let body = match family {
            ApiFamily::V2 => body::v2_error(status.as_u16(), message),
            ApiFamily::V5 => body::v5_error(message),
        };
        Self::ok(status, body)
    }
}

impl State {
    /// Nothing seeded, Whop's rate limits, the `Deprecation` header given.
    pub(crate) fn new(deprecation: Option<HeaderValue>) -> Self {
        Self {
            memberships: Vec::new(),
            users: HashMap::new(),
            products: HashMap::new(),
            plans: HashMap::new(),
            promo_codes: HashMap::new(),
            tokens: HashMap::new(),
            rate_limits: RateLimits::whop(),
            limiter: Limiter::default(),
            deprecation,
            faults: VecDeque::new(),
            periodic: None,
            log: Vec::new(),
            next_seq: 0,
            webhooks: None,
        }
    }

    pub(crate) fn upsert_membership(&mut self, membership: MockMembership) {
        match self.memberships.iter_mut().find(|m| m.id == membership.id) {
            Some(existing) => *existing = membership,
            None => self.memberships.push(membership),
        }
    }

    /// The index of a membership of `company_id` whose ID (or, with `by_key`, license key) is
    /// `id`, or the v2 404.
    pub(crate) fn find_for_company(
        &self,
        company_id: &str,
        id: &str,
        by_key: bool,
    ) -> Result<usize, Answer> {
        self.memberships
            .iter()
            .position(|m| {
                m.company_id == company_id
                    && (m.id == id || (by_key && m.license_key.as_deref() == Some(id)))
            })
            .ok_or_else(|| {
                Answer::error(
                    ApiFamily::V2,
                    StatusCode::NOT_FOUND,
                    &format!("No such Resource found with the provided ID: {id}"),
                )
            })
    }

    /// Sends the webhook event for `change` of `membership` (as it is now), if a webhook is
    /// registered.
    pub(crate) fn emit_webhook(&mut self, change: Change, membership: &MockMembership) {
        if self.webhooks.is_none() {
            return;
        }
        let related = self.related(membership);
        if let Some(webhooks) = self.webhooks.as_mut() {
            webhooks.emit(change, membership, &related);
        }
    }

    /// Sends an event of `event_type` about the membership `id`; whether it exists and a webhook
    /// is registered.
    pub(crate) fn emit_webhook_type(&mut self, event_type: &str, id: &str) -> bool {
        let Some(membership) = self.memberships.iter().find(|m| m.id == id).cloned() else {
            return false;
        };
        let related = self.related(&membership);
        let Some(webhooks) = self.webhooks.as_mut() else {
            return false;
        };
        webhooks.emit_type(event_type, &membership, &related);
        true
    }

    pub(crate) fn related(&self, m: &MockMembership) -> Related {
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

/// The result of a handler: the answer, or the refusal (401, 403, 404, 400) as an answer too.
pub(crate) type Handled = Result<Answer, Answer>;
