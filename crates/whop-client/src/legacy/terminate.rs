//! `POST /v2/memberships/{id}/terminate`: end a membership now, for good.

use whop_models::{ExpandSet, Membership};

use super::Legacy;
use crate::client::{Client, HttpService};
use crate::endpoint::{Call, endpoint, expand_methods, into_future};
use crate::error::Error;
use crate::response::Response;

// Not retry_safe. Whop's reference documents only the answer to a first termination (201 with the
// membership); what a second one answers, for a membership already terminated, is not documented
// (it may well be an error). An automatic retry after an answer was lost could then report a
// failure for a termination that took place, so a lost answer is left to the caller, as
// `Applied::Maybe`.
endpoint!(TERMINATE = POST "/v2/memberships/{id}/terminate", V2; successor "Client::cancel_membership_now");

/// A terminate request, from [`Legacy::terminate_membership`]. Add [`expand`](Self::expand)
/// choices, then `.send().await` (or `.await` it directly).
///
/// Unlike [`Legacy::cancel_membership`], which lets the membership run to the end of its period,
/// terminating ends access **at once** and **cannot be undone**: the customer has to buy again.
/// It is not retried automatically: see [`Error::applied`] when it fails.
#[must_use = "a request does nothing until it is sent"]
pub struct TerminateMembership<'a, S> {
    client: &'a Client<S>,
    call: Call,
    expand: ExpandSet,
}

expand_methods!(TerminateMembership);

impl<'a, S> Legacy<'a, S> {
    /// Terminates the membership `id` now: access ends at once, irreversibly
    /// (`POST /v2/memberships/{id}/terminate`, company API key). To stop renewal but keep access
    /// until the period ends, use [`cancel_membership`](Self::cancel_membership) instead.
    ///
    /// `id` is a membership ID (`mem_…`); it is sent as one percent-encoded path segment, and an
    /// empty ID or a dot segment is refused before anything is sent.
    pub fn terminate_membership(&self, id: impl AsRef<str>) -> TerminateMembership<'a, S> {
        TerminateMembership {
            client: self.client,
            call: TERMINATE.call(&[("membership ID", id.as_ref())]),
            expand: ExpandSet::new(),
        }
    }
}

impl<'a, S: HttpService> TerminateMembership<'a, S> {
    /// Sends the termination and decodes the terminated membership.
    ///
    /// # Errors
    /// See [`Error`]. [`Error::applied`] tells whether the termination took place: a success whose
    /// body did not decode is [`Error::Decode`] (it was applied); a lost answer is
    /// [`Applied::Maybe`](crate::Applied::Maybe).
    pub async fn send(self) -> Result<Response<Membership>, Error> {
        self.client.send(self.call.expand(&self.expand)).await
    }
}

into_future!(TerminateMembership => Response<Membership>);
