//! `POST /api/v1/memberships/{id}/cancel`, `/uncancel` (Legacy), `/pause`, `/resume`, `/extend`
//! (new resource) and `/add_free_days` (Legacy).
//!
//! Cancel, the call whose default differs between the resources:
//! - new resource: `cancel_at_period_end: true` keeps access to the end of the period (status
//!   `canceling`); **without it, or with `false`, access ends now** (status `canceled`), as
//!   Whop's reference says. `reason` is kept.
//! - Legacy: `cancellation_mode` is `at_period_end` (the default) or `immediate`.
//!
//! A cancel of a membership that no longer grants access changes nothing and answers it as it
//! is (cancelling twice is the same as once). Pause takes `until` (new) or `resumes_at` (Legacy),
//! in the future; extend takes `days` (new) or `free_days` (Legacy), 1 to 1095, and pushes back
//! the end of the current period (and the expiry, if any).

use http::StatusCode;
use time::OffsetDateTime;

use super::body::Fields;
use super::{Viewer, error};
use crate::mutation::{MembershipChange, Slot};
use crate::state::{Handled, RequestInfo, State};
use crate::version::Resource;

/// The most days an extend (or Legacy add_free_days) may add, as Whop documents.
const MAX_DAYS: i64 = 1095;

fn now() -> i64 {
    OffsetDateTime::now_utc().unix_timestamp()
}

impl State {
    pub(super) fn cancel_v1(
        &mut self,
        resource: Resource,
        viewer: Viewer<'_>,
        slot: Slot,
        info: &RequestInfo,
    ) -> Handled {
        let fields = Fields::of(info)?;
        let at_period_end = match resource {
            Resource::Current => fields.bool("cancel_at_period_end")?.unwrap_or(false),
            Resource::Legacy => match fields.string("cancellation_mode")? {
                None | Some("at_period_end") => true,
                Some("immediate") => false,
                Some(_) => {
                    return Err(error(
                        StatusCode::BAD_REQUEST,
                        "cancellation_mode must be at_period_end or immediate",
                    ));
                }
            },
        };
        let reason = fields.string("reason")?.map(str::to_owned);
        if self.memberships()[slot].valid {
            let change = if at_period_end {
                MembershipChange::CancelAtPeriodEnd(true)
            } else {
                MembershipChange::CancelNow { at: now(), reason }
            };
            self.change_membership(slot, change);
        }
        Ok(self.membership_answer(resource, viewer, slot))
    }

    /// A change that takes no input (Legacy uncancel, resume): applied, then the membership as
    /// `resource` shows it.
    pub(super) fn apply_v1(
        &mut self,
        resource: Resource,
        viewer: Viewer<'_>,
        slot: Slot,
        change: MembershipChange,
    ) -> Handled {
        self.change_membership(slot, change);
        Ok(self.membership_answer(resource, viewer, slot))
    }

    pub(super) fn pause_v1(
        &mut self,
        resource: Resource,
        viewer: Viewer<'_>,
        slot: Slot,
        info: &RequestInfo,
    ) -> Handled {
        let fields = Fields::of(info)?;
        let resumes_at = match resource {
            Resource::Current => fields.time("until")?,
            Resource::Legacy => {
                fields.bool("void_payments")?;
                fields.time("resumes_at")?
            }
        };
        if resumes_at.is_some_and(|at| at <= now()) {
            return Err(error(
                StatusCode::UNPROCESSABLE_ENTITY,
                "The end of a pause must be in the future",
            ));
        }
        if !self.memberships()[slot].valid {
            return Err(error(
                StatusCode::CONFLICT,
                "Only a membership that grants access can be paused",
            ));
        }
        self.change_membership(slot, MembershipChange::Pause { resumes_at });
        Ok(self.membership_answer(resource, viewer, slot))
    }

    /// Extend (`field` = `days`) or Legacy add_free_days (`field` = `free_days`).
    pub(super) fn extend_v1(
        &mut self,
        resource: Resource,
        viewer: Viewer<'_>,
        slot: Slot,
        info: &RequestInfo,
        field: &str,
    ) -> Handled {
        let fields = Fields::of(info)?;
        let Some(value) = fields.get(field) else {
            return Err(error(
                StatusCode::BAD_REQUEST,
                &format!("{field} is required"),
            ));
        };
        let days = value
            .as_i64()
            .filter(|days| (1..=MAX_DAYS).contains(days))
            .ok_or_else(|| {
                error(
                    StatusCode::UNPROCESSABLE_ENTITY,
                    &format!("{field} must be a whole number from 1 to {MAX_DAYS}"),
                )
            })?;
        let seconds = days * 24 * 3600;
        self.change_membership(slot, MembershipChange::Extend { seconds });
        Ok(self.membership_answer(resource, viewer, slot))
    }
}
