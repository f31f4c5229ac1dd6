//! [`MockWhop`]: the shared state and what a test does with it (look, change, queue faults,
//! watch webhooks). How one request is answered is in [`crate::respond`].

use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::Duration;

use serde_json::Value;

use crate::fault::{Fault, Injection, Periodic};
use crate::log::RecordedRequest;
use crate::mutation::MembershipChange;
use crate::rate_limit::RateLimits;
use crate::seed::MockMembership;
use crate::state::State;
use crate::webhook::WebhookAttempt;

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
        self.lock().rate_limits()
    }

    /// The current state of a membership, for assertions.
    #[must_use]
    pub fn membership(&self, id: &str) -> Option<MockMembership> {
        let state = self.lock();
        let slot = state.memberships().by_id(id)?;
        Some(state.memberships()[slot].clone())
    }

    /// All memberships, in seeding order.
    #[must_use]
    pub fn memberships(&self) -> Vec<MockMembership> {
        self.lock().memberships().iter().cloned().collect()
    }

    /// Adds (or replaces) a membership at run time.
    pub fn insert_membership(&self, membership: MockMembership) {
        self.lock().upsert_membership(membership);
    }

    /// Changes a membership's status and validity, as Whop would when a payment fails or a
    /// period ends. Sends the validity event when `valid` changes (see
    /// [`MockWhopBuilder::webhook`](crate::MockWhopBuilder::webhook)). Returns whether the
    /// membership exists.
    pub fn set_status(&self, id: &str, status: &str, valid: bool) -> bool {
        let status = status.to_owned();
        self.change(id, MembershipChange::Validity { status, valid })
    }

    /// Replaces a membership's metadata (a license key bound to a machine, or reset). Sends
    /// `membership.metadata_updated` (legacy) when it changes. Returns whether the membership
    /// exists.
    pub fn set_metadata(&self, id: &str, metadata: Value) -> bool {
        self.change(id, MembershipChange::Metadata(metadata))
    }

    fn change(&self, id: &str, change: MembershipChange) -> bool {
        let mut state = self.lock();
        let Some(slot) = state.memberships().by_id(id) else {
            return false;
        };
        state.change_membership(slot, change);
        true
    }

    /// Sends an event of any type (`membership.trial_ending_soon`, or one Whop has not
    /// invented yet) about a membership as it is now. Returns whether the membership exists
    /// and a webhook is registered.
    pub fn emit_webhook(&self, event_type: &str, membership_id: &str) -> bool {
        self.lock().emit_webhook_type(event_type, membership_id)
    }

    /// Every webhook delivery attempt so far, in order.
    #[must_use]
    pub fn webhook_attempts(&self) -> Vec<WebhookAttempt> {
        self.lock()
            .webhooks()
            .map_or_else(Vec::new, |webhooks| webhooks.attempts())
    }

    /// Waits until every webhook event sent so far is delivered or given up on, checking every
    /// few milliseconds, for at most `timeout`. Returns whether that happened in time.
    pub async fn webhooks_settled(&self, timeout: Duration) -> bool {
        let Some(in_flight) = self.lock().webhooks().map(|w| w.in_flight()) else {
            return true;
        };
        let deadline = tokio::time::Instant::now() + timeout;
        loop {
            if in_flight.is_zero() {
                return true;
            }
            if tokio::time::Instant::now() >= deadline {
                return false;
            }
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
    }

    /// Every request received so far, in order of arrival.
    #[must_use]
    pub fn requests(&self) -> Vec<RecordedRequest> {
        self.lock().requests().to_vec()
    }

    /// Forgets the requests received so far.
    pub fn clear_requests(&self) {
        self.lock().clear_requests();
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
            state.queue_fault(Injection {
                fault: fault.clone(),
                after_handling,
            });
        }
    }

    /// How many queued faults are left (a periodic fault from [`MockWhop::inject_every`] is not
    /// counted).
    #[must_use]
    pub fn pending_faults(&self) -> usize {
        self.lock().pending_faults()
    }

    /// Drops all queued faults and the periodic one.
    pub fn clear_faults(&self) {
        self.lock().clear_faults();
    }

    /// Injects `fault` into every `period`-th request from now on (the `period`-th, the
    /// `2 * period`-th, …), in place of the API as with [`MockWhop::inject`], until
    /// [`MockWhop::clear_faults`]: `inject_every(Fault::Status(503), 20)` fails 5 % of requests,
    /// deterministically. Queued faults go first; requests they take do not advance the count.
    /// A `period` of 0 turns periodic faults off. Replaces any previous periodic fault.
    pub fn inject_every(&self, fault: Fault, period: usize) {
        self.lock().set_periodic(Periodic::every(fault, period));
    }

    /// Retires `/api/v2/` from now on (or brings it back), as
    /// [`MockWhopBuilder::v2_retired`](crate::MockWhopBuilder::v2_retired) does at build time:
    /// for a test that works against v2, then sees it go.
    pub fn set_v2_retired(&self, retired: bool) {
        self.lock().set_v2_retired(retired);
    }

    /// Replaces the rate limits and resets all counters and cooldowns.
    pub fn set_rate_limits(&self, limits: RateLimits) {
        self.lock().set_rate_limits(limits);
    }

    /// Whether the signed-in user consents at `GET /oauth/authorize` from now on, as
    /// [`MockWhopBuilder::oauth_consent`](crate::MockWhopBuilder::oauth_consent) sets it at build
    /// time.
    pub fn set_oauth_consent(&self, consent: bool) {
        self.lock().oauth_mut().set_consent(consent);
    }

    /// Registers an OAuth app from now on (one with the same client ID is replaced), as
    /// [`MockWhopBuilder::oauth_app`](crate::MockWhopBuilder::oauth_app) does at build time: for
    /// a test that learns its redirect URI (a loopback port) only after the mock is built.
    pub fn register_oauth_app(&self, app: crate::OAuthApp) {
        self.lock().oauth_mut().register(app);
    }
}
