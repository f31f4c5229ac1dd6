//! The Current API's membership writes: metadata (merge, clear), cancel (at period end, now), undo
//! a pending cancel, pause, resume, extend.
//!
//! Each answers the membership as it is after the change. None is declared `retry_safe`: the
//! transport sends each with an `Idempotency-Key` of its own (the same on every attempt of one
//! call), which is what lets Whop tell a retry from a second request, and lets the transport
//! retry it.

use std::ops::RangeInclusive;

use serde_json::Value;
use time::OffsetDateTime;
use whop_models::Metadata;
use whop_models::v1::{self, Membership};

use crate::client::{Client, HttpService};
use crate::endpoint::{Call, body, endpoint, into_future};
use crate::error::{Error, InvalidInput};
use crate::response::Response;

endpoint!(UPDATE = PATCH "/v1/memberships/{id}", V1);
endpoint!(CANCEL = POST "/v1/memberships/{id}/cancel", V1);
endpoint!(PAUSE = POST "/v1/memberships/{id}/pause", V1);
endpoint!(RESUME = POST "/v1/memberships/{id}/resume", V1);
endpoint!(EXTEND = POST "/v1/memberships/{id}/extend", V1);

/// The days an extension may add: Whop's documented range for `days`.
pub const EXTEND_DAYS: RangeInclusive<u32> = 1..=1095;

const ID_OR_KEY: &str = "membership ID or license key";

/// A change to a membership (metadata, undo a cancel, resume, extend), from the [`Client`]
/// method that names it. `.send().await` (or `.await`).
#[must_use = "a request does nothing until it is sent"]
pub struct ChangeMembership<'a, S> {
    client: &'a Client<S>,
    call: Call,
}

/// A cancellation, from [`Client::cancel_membership_at_period_end`] or
/// [`Client::cancel_membership_now`]. Give a [`reason`](Self::reason) if you like, then
/// `.send().await` (or `.await`).
///
/// The request always carries `cancel_at_period_end`, `true` or `false`: on the Current API a
/// cancel without it ends access at once, so its meaning never rests on Whop's default.
#[must_use = "a request does nothing until it is sent"]
pub struct CancelMembership<'a, S> {
    client: &'a Client<S>,
    call: Call,
    body: v1::CancelMembership,
}

/// A pause, from [`Client::pause_membership`]: billing stops, access stays. Set
/// [`until`](Self::until) for a pause that ends by itself, then `.send().await` (or `.await`).
#[must_use = "a request does nothing until it is sent"]
pub struct PauseMembership<'a, S> {
    client: &'a Client<S>,
    call: Call,
    body: v1::PauseMembership,
}

impl<S> Client<S> {
    fn change(&self, call: Call) -> ChangeMembership<'_, S> {
        ChangeMembership { client: self, call }
    }

    fn update(&self, id: &str, update: &v1::UpdateMembership) -> ChangeMembership<'_, S> {
        self.change(UPDATE.call(&[(ID_OR_KEY, id)]).json(body(update)))
    }

    /// Merges `metadata` into the membership's metadata (`PATCH /v1/memberships/{id}`): each key
    /// sent is set, every other key is kept. (The legacy v2 update replaced the whole object.)
    ///
    /// An empty `metadata` is refused ([`Error::InvalidInput`]) before anything is sent: Whop
    /// reads `{}` as "clear everything", which is [`clear_membership_metadata`](Self::clear_membership_metadata),
    /// never a merge of nothing. What Whop does with a key sent as `null` (remove it, or store
    /// `null`) is undocumented. Whop documents no size limit for the new resource, so none is
    /// checked here. `id` is a membership ID or a license key.
    pub fn merge_membership_metadata(
        &self,
        id: impl AsRef<str>,
        metadata: impl Into<Metadata>,
    ) -> ChangeMembership<'_, S> {
        let metadata = metadata.into();
        let refusal = metadata.is_empty().then(|| {
            InvalidInput::new(
                "metadata",
                "must not be empty: an empty merge clears all metadata on the Current API; use \
                 clear_membership_metadata for that",
            )
        });
        let update = v1::UpdateMembership {
            metadata: Some(metadata.into_map()),
            cancel_at_period_end: None,
        };
        let mut change = self.update(id.as_ref(), &update);
        change.call = change.call.refuse_if(refusal);
        change
    }

    /// As [`merge_membership_metadata`](Self::merge_membership_metadata), with the metadata as a
    /// JSON value: anything but a non-empty object is refused when sent, before anything leaves.
    pub fn merge_membership_metadata_json(
        &self,
        id: impl AsRef<str>,
        metadata: Value,
    ) -> ChangeMembership<'_, S> {
        match Metadata::from_value(metadata) {
            Ok(metadata) => self.merge_membership_metadata(id, metadata),
            Err(e) => self.change(
                UPDATE
                    .call(&[(ID_OR_KEY, id.as_ref())])
                    .refuse_if(Some(InvalidInput::new("metadata", e.to_string()))),
            ),
        }
    }

    /// Clears all of the membership's metadata (`PATCH /v1/memberships/{id}` with
    /// `{"metadata": {}}`, which the Current API reads as "remove every key"). A license binding
    /// ([`HWID_METADATA_KEY`](crate::HWID_METADATA_KEY)) goes with it.
    pub fn clear_membership_metadata(&self, id: impl AsRef<str>) -> ChangeMembership<'_, S> {
        let update = v1::UpdateMembership {
            metadata: Some(Default::default()),
            cancel_at_period_end: None,
        };
        self.update(id.as_ref(), &update)
    }

    /// Takes back a pending cancellation at period end (`PATCH /v1/memberships/{id}` with
    /// `cancel_at_period_end: false`; the Current API has no `/uncancel`). A membership already
    /// ended stays ended.
    pub fn undo_membership_cancel(&self, id: impl AsRef<str>) -> ChangeMembership<'_, S> {
        let update = v1::UpdateMembership {
            metadata: None,
            cancel_at_period_end: Some(false),
        };
        self.update(id.as_ref(), &update)
    }

    /// Cancels the membership at the end of its period (`POST /v1/memberships/{id}/cancel` with
    /// `cancel_at_period_end: true`): it stops renewing, and access lasts until the period ends.
    /// Undo with [`undo_membership_cancel`](Self::undo_membership_cancel).
    pub fn cancel_membership_at_period_end(&self, id: impl AsRef<str>) -> CancelMembership<'_, S> {
        self.cancel(id.as_ref(), true)
    }

    /// Cancels the membership **now** (`POST /v1/memberships/{id}/cancel` with
    /// `cancel_at_period_end: false`): access ends at once. What the legacy v2 `terminate` did.
    pub fn cancel_membership_now(&self, id: impl AsRef<str>) -> CancelMembership<'_, S> {
        self.cancel(id.as_ref(), false)
    }

    fn cancel(&self, id: &str, cancel_at_period_end: bool) -> CancelMembership<'_, S> {
        CancelMembership {
            client: self,
            call: CANCEL.call(&[(ID_OR_KEY, id)]),
            body: v1::CancelMembership {
                cancel_at_period_end,
                reason: None,
            },
        }
    }

    /// Pauses the membership's billing (`POST /v1/memberships/{id}/pause`); the customer keeps
    /// access. Until [`resume_membership`](Self::resume_membership), or the time given with
    /// [`PauseMembership::until`]. Whop pauses only memberships it bills itself.
    pub fn pause_membership(&self, id: impl AsRef<str>) -> PauseMembership<'_, S> {
        PauseMembership {
            client: self,
            call: PAUSE.call(&[(ID_OR_KEY, id.as_ref())]),
            body: v1::PauseMembership::default(),
        }
    }

    /// Resumes a paused membership's billing (`POST /v1/memberships/{id}/resume`).
    pub fn resume_membership(&self, id: impl AsRef<str>) -> ChangeMembership<'_, S> {
        self.change(RESUME.call(&[(ID_OR_KEY, id.as_ref())]))
    }

    /// Adds `days` to the membership's current period (`POST /v1/memberships/{id}/extend`).
    /// `days` outside [`EXTEND_DAYS`] (1 to 1095, Whop's range) is refused before sending.
    pub fn extend_membership(&self, id: impl AsRef<str>, days: u32) -> ChangeMembership<'_, S> {
        let refusal = (!EXTEND_DAYS.contains(&days)).then(|| {
            InvalidInput::new(
                "days",
                format!(
                    "must be {} to {} (Whop's range), not {days}",
                    EXTEND_DAYS.start(),
                    EXTEND_DAYS.end()
                ),
            )
        });
        let call = EXTEND
            .call(&[(ID_OR_KEY, id.as_ref())])
            .json(body(v1::ExtendMembership { days }))
            .refuse_if(refusal);
        self.change(call)
    }
}

impl<S: HttpService> ChangeMembership<'_, S> {
    /// Sends the change and decodes the membership as it is now.
    ///
    /// # Errors
    /// See [`Error`]; [`Error::applied`] tells whether the change took place.
    pub async fn send(self) -> Result<Response<Membership>, Error> {
        self.client.send(self.call).await
    }
}

impl<S: HttpService> CancelMembership<'_, S> {
    /// Why the membership is cancelled (sent as `reason`).
    pub fn reason(mut self, reason: impl Into<String>) -> Self {
        self.body.reason = Some(reason.into());
        self
    }

    /// Sends the cancellation and decodes the membership as it is now.
    ///
    /// # Errors
    /// See [`Error`]; [`Error::applied`] tells whether the cancellation took place.
    pub async fn send(self) -> Result<Response<Membership>, Error> {
        self.client.send(self.call.json(body(&self.body))).await
    }
}

impl<S: HttpService> PauseMembership<'_, S> {
    /// Resume billing by itself at `until` (sent as ISO 8601; Whop wants a time in the future).
    pub fn until(mut self, until: OffsetDateTime) -> Self {
        self.body.until = Some(until);
        self
    }

    /// Sends the pause and decodes the membership as it is now.
    ///
    /// # Errors
    /// See [`Error`]; [`Error::applied`] tells whether the pause took place.
    pub async fn send(self) -> Result<Response<Membership>, Error> {
        self.client.send(self.call.json(body(&self.body))).await
    }
}

into_future!(ChangeMembership => Response<Membership>);
into_future!(CancelMembership => Response<Membership>);
into_future!(PauseMembership => Response<Membership>);
