//! `POST /v2/memberships/{id}/cancel`: set a membership to cancel at the end of its period.

use whop_models::{ExpandSet, Membership};

use super::Legacy;
use crate::client::{Client, HttpService};
use crate::endpoint::{Call, endpoint, expand_methods, into_future};
use crate::error::Error;
use crate::response::Response;

endpoint!(CANCEL = POST "/v2/memberships/{id}/cancel", V2, retry_safe; successor "Client::cancel_membership_at_period_end");

/// A cancel request, from [`Legacy::cancel_membership`]. Add [`expand`](Self::expand) choices, then
/// `.send().await` (or `.await` it directly).
///
/// Whop's v2 cancel does not end access now: it sets `cancel_at_period_end`, and the membership
/// ends when its period does. Cancelling twice has the same effect as once, so the request is
/// marked safe to retry.
#[must_use = "a request does nothing until it is sent"]
pub struct CancelMembership<'a, S> {
    client: &'a Client<S>,
    call: Call,
    expand: ExpandSet,
}

expand_methods!(CancelMembership);

impl<'a, S> Legacy<'a, S> {
    /// Cancels the membership `id` at the end of its period.
    ///
    /// `id` is a membership ID (`mem_…`); a [`whop_models::MembershipId`] or a `&str` both work. It
    /// is sent as one percent-encoded path segment, whatever it contains; an empty ID is refused
    /// when the request is sent, before anything leaves.
    pub fn cancel_membership(&self, id: impl AsRef<str>) -> CancelMembership<'a, S> {
        CancelMembership {
            client: self.client,
            call: CANCEL.call(&[("membership ID", id.as_ref())]),
            expand: ExpandSet::new(),
        }
    }
}

impl<'a, S: HttpService> CancelMembership<'a, S> {
    /// Sends the cancel and decodes the updated membership.
    ///
    /// # Errors
    /// See [`Error`]. [`Error::applied`] tells whether the cancel took place: in particular a
    /// success whose body did not decode is [`Error::Decode`], and the cancel was applied.
    pub async fn send(self) -> Result<Response<Membership>, Error> {
        self.client.send(self.call.expand(&self.expand)).await
    }
}

into_future!(CancelMembership => Response<Membership>);
