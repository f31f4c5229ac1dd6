//! The one place where a membership changes.
//!
//! Every change to a membership (a cancel, a metadata update, a license binding or reset, a
//! change of validity) goes through `State::change_membership` with a [`MembershipChange`].
//! That is structural, not a convention: the memberships live in [`Memberships`], whose vector is
//! private to this module; outside it they can be read, found and replaced whole (seeding), and
//! the only way to change one in place is [`Memberships::apply`], which only `State` (holding
//! its `Memberships` privately) calls, from `change_membership`. Anything that must react to a
//! change (webhook delivery, a log of changes) attaches there.

use std::ops::Index;

use serde_json::Value;

use crate::seed::MockMembership;
use crate::webhook::Change;

/// Every membership, in seeding order.
#[derive(Debug, Default)]
pub(crate) struct Memberships(Vec<MockMembership>);

/// Where a membership is in [`Memberships`], from a lookup: to read it (`memberships[slot]`) or
/// to change it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Slot(usize);

impl Memberships {
    /// Every membership, in seeding order.
    pub(crate) fn iter(&self) -> std::slice::Iter<'_, MockMembership> {
        self.0.iter()
    }

    /// The first membership that `matches`.
    pub(crate) fn find(&self, matches: impl FnMut(&MockMembership) -> bool) -> Option<Slot> {
        self.0.iter().position(matches).map(Slot)
    }

    /// The membership with this ID.
    pub(crate) fn by_id(&self, id: &str) -> Option<Slot> {
        self.find(|m| m.id == id)
    }

    /// Adds `membership`, or replaces the one with its ID (seeding; no event is sent). Never
    /// removes one, so a [`Slot`] stays valid.
    pub(crate) fn upsert(&mut self, membership: MockMembership) {
        match self.by_id(&membership.id) {
            Some(Slot(index)) => self.0[index] = membership,
            None => self.0.push(membership),
        }
    }
}

/// A change to one membership.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum MembershipChange {
    /// Set (`true`: v2 cancel, a v1 cancel at period end) or unset (`false`: a v1 PATCH or
    /// uncancel) to cancel at the end of its period.
    CancelAtPeriodEnd(bool),
    /// Canceled now (a v1 immediate cancel): status `canceled`, no access, `canceled_at`.
    CancelNow {
        /// Unix seconds of the cancel.
        at: i64,
        /// The reason given, if any.
        reason: Option<String>,
    },
    /// Payment collection paused (v1 pause), until `resumes_at` if given.
    Pause {
        /// Unix seconds when it resumes by itself, if ever.
        resumes_at: Option<i64>,
    },
    /// Payment collection resumed (v1 resume).
    Resume,
    /// The current period (and the expiry, if any) pushed back by `seconds` (v1 extend, Legacy
    /// add_free_days).
    Extend {
        /// How far.
        seconds: i64,
    },
    /// Its metadata replaced: a license key bound to a machine (first validate), a binding reset
    /// (an update or a validate with `{}`), or any metadata update.
    Metadata(Value),
    /// Its status, and whether it grants access, changed.
    Validity {
        /// The new status string.
        status: String,
        /// Whether it grants access now.
        valid: bool,
    },
}

impl Memberships {
    /// Applies `change` to the membership at `slot`; returns it as it now is, and what Whop
    /// reports of the change if it changed anything Whop reports (cancelling twice, binding the
    /// same metadata again change nothing). For `State::change_membership` only.
    pub(crate) fn apply(
        &mut self,
        slot: Slot,
        change: MembershipChange,
    ) -> (MockMembership, Option<Change>) {
        let membership = &mut self.0[slot.0];
        let event = match change {
            MembershipChange::CancelAtPeriodEnd(cancel) => {
                let changed = membership.cancel_at_period_end != cancel;
                membership.cancel_at_period_end = cancel;
                changed.then_some(Change::CancelAtPeriodEnd)
            }
            MembershipChange::CancelNow { at, reason } => {
                let changed = membership.valid;
                membership.status = "canceled".to_owned();
                membership.valid = false;
                membership.cancel_at_period_end = false;
                membership.canceled_at = Some(at);
                membership.cancellation_reason = reason;
                changed.then_some(Change::Validity { valid: false })
            }
            // Whop reports these only as `membership.updated` (pinned v1 webhooks).
            MembershipChange::Pause { resumes_at } => {
                let changed =
                    !membership.payment_collection_paused || membership.resumes_at != resumes_at;
                membership.payment_collection_paused = true;
                membership.resumes_at = resumes_at;
                changed.then_some(Change::Other)
            }
            MembershipChange::Resume => {
                let changed = membership.payment_collection_paused;
                membership.payment_collection_paused = false;
                membership.resumes_at = None;
                changed.then_some(Change::Other)
            }
            MembershipChange::Extend { seconds } => {
                let push = |at: &mut Option<i64>| *at = at.map(|t| t.saturating_add(seconds));
                let ends = (membership.renewal_period_end, membership.expires_at);
                push(&mut membership.renewal_period_end);
                push(&mut membership.expires_at);
                let changed = ends != (membership.renewal_period_end, membership.expires_at);
                changed.then_some(Change::Other)
            }
            MembershipChange::Metadata(metadata) => {
                let changed = membership.metadata != metadata;
                membership.metadata = metadata;
                changed.then_some(Change::Metadata)
            }
            MembershipChange::Validity { status, valid } => {
                let changed = membership.valid != valid;
                membership.status = status;
                membership.valid = valid;
                changed.then_some(Change::Validity { valid })
            }
        };
        (membership.clone(), event)
    }
}

impl Index<Slot> for Memberships {
    type Output = MockMembership;

    fn index(&self, slot: Slot) -> &MockMembership {
        &self.0[slot.0]
    }
}
