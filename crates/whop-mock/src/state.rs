//! The mock's shared state and the request as the handlers see it (the dispatch from a route to
//! its handler is in [`crate::handlers`]).

use std::collections::{HashMap, VecDeque};
use std::time::Duration;

use http::{HeaderValue, StatusCode};
use tokio::time::Instant;

use crate::body::{self, Related};
use crate::fault::{Injection, Periodic};
use crate::idempotency::Idempotency;
use crate::log::RecordedRequest;
use crate::mutation::{MembershipChange, Memberships, Slot};
use crate::oauth::OAuth;
use crate::rate_limit::{Limiter, RateLimits};
use crate::route::ApiFamily;
use crate::seed::{MockMembership, MockPlan, MockProduct, MockPromoCode, MockUser};
use crate::webhook::{Change, Webhooks};

pub(crate) use crate::answer::{Answer, Handled, RequestInfo};

#[derive(Debug, Clone)]
pub(crate) enum TokenOwner {
    Company(String),
    User(String),
}

/// Everything the mock knows, behind its one lock. Every field is private: the builder seeds it,
/// [`MockWhop`](crate::MockWhop) and the handlers go through the methods below.
#[derive(Debug)]
pub(crate) struct State {
    /// Every membership. Read freely ([`State::memberships`]); changed only through
    /// [`State::change_membership`] (see [`crate::mutation`]).
    memberships: Memberships,
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
    /// Where membership changes are delivered as webhooks, if anywhere.
    webhooks: Option<Webhooks>,
    /// Every `/api/v2/` route answers as a retired API does.
    v2_retired: bool,
    /// The answers kept for `Idempotency-Key`s.
    idempotency: Idempotency,
    /// The OAuth authorization server: apps, settings, issued codes and tokens.
    oauth: OAuth,
}

impl State {
    /// Nothing seeded, Whop's rate limits, the `Deprecation` header given.
    pub(crate) fn new(deprecation: Option<HeaderValue>) -> Self {
        Self {
            memberships: Memberships::default(),
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
            v2_retired: false,
            idempotency: Idempotency::default(),
            oauth: OAuth::default(),
        }
    }

    /// Every membership, to read.
    pub(crate) fn memberships(&self) -> &Memberships {
        &self.memberships
    }

    /// Adds a membership, or replaces the one with its ID (seeding; no webhook is sent).
    pub(crate) fn upsert_membership(&mut self, membership: MockMembership) {
        self.memberships.upsert(membership);
    }

    /// Applies `change` to the membership at `slot` (from a lookup in [`State::memberships`])
    /// and returns it as it now is; sends the webhook event if the change changed anything Whop
    /// reports. The only way a membership changes.
    pub(crate) fn change_membership(
        &mut self,
        slot: Slot,
        change: MembershipChange,
    ) -> MockMembership {
        let before = self
            .webhooks
            .is_some()
            .then(|| self.memberships[slot].clone());
        let (membership, event) = self.memberships.apply(slot, change);
        if let (Some(event), Some(before)) = (event, before) {
            self.emit_webhook(event, &before, &membership);
        }
        membership
    }

    /// Seeds a user, product, plan or promo code (otherwise generated from its ID).
    pub(crate) fn seed_user(&mut self, user: MockUser) {
        self.users.insert(user.id.clone(), user);
    }

    /// See [`State::seed_user`].
    pub(crate) fn seed_product(&mut self, product: MockProduct) {
        self.products.insert(product.id.clone(), product);
    }

    /// See [`State::seed_user`].
    pub(crate) fn seed_plan(&mut self, plan: MockPlan) {
        self.plans.insert(plan.id.clone(), plan);
    }

    /// See [`State::seed_user`].
    pub(crate) fn seed_promo_code(&mut self, promo_code: MockPromoCode) {
        self.promo_codes.insert(promo_code.id.clone(), promo_code);
    }

    pub(crate) fn add_token(&mut self, token: String, owner: TokenOwner) {
        self.tokens.insert(token, owner);
    }

    /// Who `token` belongs to: a configured token, or a live access token the OAuth server
    /// issued (its user's, as a user token).
    pub(crate) fn token_owner(&self, token: &str, now: Instant) -> Option<TokenOwner> {
        if let Some(owner) = self.tokens.get(token) {
            return Some(owner.clone());
        }
        let grant = self.oauth.access_grant(token, now)?;
        Some(TokenOwner::User(grant.user_id.clone()))
    }

    /// A user as seeded, or generated from its ID.
    pub(crate) fn user(&self, id: &str) -> MockUser {
        self.users
            .get(id)
            .cloned()
            .unwrap_or_else(|| MockUser::new(id.to_owned()))
    }

    pub(crate) fn rate_limits(&self) -> RateLimits {
        self.rate_limits
    }

    /// Replaces the rate limits and resets all counters and cooldowns.
    pub(crate) fn set_rate_limits(&mut self, limits: RateLimits) {
        self.rate_limits = limits;
        self.limiter.reset();
    }

    /// Counts a request of `family` from `bucket` against the rate limit; the 429 when over it.
    pub(crate) fn check_rate_limit(
        &mut self,
        family: ApiFamily,
        bucket: &str,
        now: Instant,
    ) -> Result<(), Answer> {
        let cooldown_left = match self.limiter.check(&self.rate_limits, family, bucket, now) {
            Ok(()) => return Ok(()),
            Err(cooldown_left) => cooldown_left,
        };
        let mut answer = Answer::ok(
            StatusCode::TOO_MANY_REQUESTS,
            body::v5_error(body::RATE_LIMITED_MESSAGE),
        );
        if self.rate_limits.retry_after_header {
            answer.retry_after = Some(ceil_seconds(cooldown_left));
        }
        Err(answer)
    }

    /// Counts a v1 request of `operation` from `bucket`; Whop's v1 429 when over the limit.
    pub(crate) fn check_operation_limit(
        &mut self,
        operation: &str,
        bucket: &str,
        now: Instant,
    ) -> Result<(), Answer> {
        let wait = match self
            .limiter
            .check_operation(&self.rate_limits, operation, bucket, now)
        {
            Ok(()) => return Ok(()),
            Err(wait) => ceil_seconds(wait).max(1),
        };
        let status = StatusCode::TOO_MANY_REQUESTS;
        let mut answer = Answer::ok(
            status,
            crate::v1_body::error(status, &crate::v1_body::rate_limited_message(wait)),
        );
        if self.rate_limits.retry_after_header {
            answer.retry_after = Some(wait);
        }
        Err(answer)
    }

    pub(crate) fn v2_retired(&self) -> bool {
        self.v2_retired
    }

    pub(crate) fn set_v2_retired(&mut self, retired: bool) {
        self.v2_retired = retired;
    }

    pub(crate) fn idempotency(&mut self) -> &mut Idempotency {
        &mut self.idempotency
    }

    pub(crate) fn oauth(&self) -> &OAuth {
        &self.oauth
    }

    pub(crate) fn oauth_mut(&mut self) -> &mut OAuth {
        &mut self.oauth
    }

    /// The `Deprecation` header of v2 responses, if any.
    pub(crate) fn deprecation(&self) -> Option<HeaderValue> {
        self.deprecation.clone()
    }

    pub(crate) fn set_deprecation(&mut self, value: Option<HeaderValue>) {
        self.deprecation = value;
    }

    /// The queued faults, then the periodic one: what the next request gets, if anything.
    pub(crate) fn next_injection(&mut self) -> Option<Injection> {
        match self.faults.pop_front() {
            Some(queued) => Some(queued),
            None => self.periodic.as_mut().and_then(Periodic::next),
        }
    }

    pub(crate) fn queue_fault(&mut self, injection: Injection) {
        self.faults.push_back(injection);
    }

    pub(crate) fn pending_faults(&self) -> usize {
        self.faults.len()
    }

    /// Drops the queued faults and the periodic one.
    pub(crate) fn clear_faults(&mut self) {
        self.faults.clear();
        self.periodic = None;
    }

    pub(crate) fn set_periodic(&mut self, periodic: Option<Periodic>) {
        self.periodic = periodic;
    }

    /// Logs `request` with the next sequence number; returns it.
    pub(crate) fn log_request(&mut self, mut request: RecordedRequest) -> u64 {
        let seq = self.next_seq;
        self.next_seq += 1;
        request.seq = seq;
        self.log.push(request);
        seq
    }

    /// Records the status answered to the logged request `seq` (if still logged).
    pub(crate) fn log_status(&mut self, seq: u64, status: Option<u16>) {
        if let Some(entry) = self.log.iter_mut().rev().find(|r| r.seq == seq) {
            entry.status = status;
        }
    }

    pub(crate) fn requests(&self) -> &[RecordedRequest] {
        &self.log
    }

    pub(crate) fn clear_requests(&mut self) {
        self.log.clear();
    }

    pub(crate) fn webhooks(&self) -> Option<&Webhooks> {
        self.webhooks.as_ref()
    }

    pub(crate) fn set_webhooks(&mut self, webhooks: Webhooks) {
        self.webhooks = Some(webhooks);
    }

    /// The slot of a membership of `company_id` whose ID (or, with `by_key`, license key) is
    /// `id`, or the v2 404.
    pub(crate) fn find_for_company(
        &self,
        company_id: &str,
        id: &str,
        by_key: bool,
    ) -> Result<Slot, Answer> {
        self.memberships
            .find(|m| {
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

    /// Sends the webhook events for `change` of a membership, from `before` to `after`, if a
    /// webhook is registered.
    fn emit_webhook(&mut self, change: Change, before: &MockMembership, after: &MockMembership) {
        if self.webhooks.is_none() {
            return;
        }
        let related = self.related(after);
        if let Some(webhooks) = self.webhooks.as_mut() {
            webhooks.emit(change, before, after, &related);
        }
    }

    /// Sends an event of `event_type` about the membership `id`; whether it exists and a webhook
    /// is registered.
    pub(crate) fn emit_webhook_type(&mut self, event_type: &str, id: &str) -> bool {
        let Some(slot) = self.memberships.by_id(id) else {
            return false;
        };
        let membership = self.memberships[slot].clone();
        let related = self.related(&membership);
        let Some(webhooks) = self.webhooks.as_mut() else {
            return false;
        };
        webhooks.emit_type(event_type, None, &membership, &related);
        true
    }

    pub(crate) fn related(&self, m: &MockMembership) -> Related {
        Related {
            user: self.user(&m.user_id),
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
