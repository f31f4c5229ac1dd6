//! The one place where a membership changes.
//!
//! Every handler that changes a membership (cancel, a metadata update, a license binding or
//! reset, a change of validity) goes through [`State::change_membership`] with a
//! [`MembershipChange`], and nowhere else writes to a stored membership. Anything that must
//! react to a change (webhook delivery, a log of changes) attaches here.

use serde_json::Value;

use crate::seed::MockMembership;
use crate::state::State;
use crate::webhook::Change;

/// A change to one membership.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum MembershipChange {
    /// Set to cancel at the end of its period (v2 cancel).
    CancelAtPeriodEnd,
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

impl State {
    /// Applies `change` to the membership at `index` (from a lookup in `memberships`) and returns
    /// the membership as it now is. Returns it unchanged when the change changes nothing
    /// (cancelling twice, binding the same metadata again).
    pub(crate) fn change_membership(
        &mut self,
        index: usize,
        change: MembershipChange,
    ) -> MockMembership {
        let membership = &mut self.memberships[index];
        // What Whop reports of the change, if it changed anything Whop reports.
        let event = match change {
            MembershipChange::CancelAtPeriodEnd => {
                let changed = !membership.cancel_at_period_end;
                membership.cancel_at_period_end = true;
                changed.then_some(Change::CancelAtPeriodEnd)
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
        let membership = membership.clone();
        if let Some(event) = event {
            self.emit_webhook(event, &membership);
        }
        membership
    }
}
