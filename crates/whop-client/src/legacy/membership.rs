//! `GET /v2/memberships/{id}`: read a membership by ID or license key, with your company API key.

use whop_models::{ExpandSet, Membership};

use super::Legacy;
use crate::client::{Client, HttpService};
use crate::endpoint::{Call, endpoint, expand_methods, found, into_future};
use crate::error::Error;
use crate::response::Response;

endpoint!(RETRIEVE_MEMBERSHIP = GET "/v2/memberships/{id}", V2; successor "Client::membership");

/// A membership lookup, from [`Legacy::membership`]. Add [`expand`](Self::expand) choices, then
/// `.send().await` (or `.await`); [`optional`](Self::optional) turns a 404 into `None`.
#[must_use = "a request does nothing until it is sent"]
pub struct RetrieveMembership<'a, S> {
    client: &'a Client<S>,
    call: Call,
    expand: ExpandSet,
}

expand_methods!(RetrieveMembership);

impl<'a, S> Legacy<'a, S> {
    /// Looks up one of your company's memberships by membership ID (`mem_…`) or license key
    /// (`GET /v2/memberships/{id}`), with your company API key.
    ///
    /// The ID or key is sent as one percent-encoded path segment; an empty one or a dot segment
    /// is refused before anything is sent.
    pub fn membership(&self, id_or_license_key: impl AsRef<str>) -> RetrieveMembership<'a, S> {
        RetrieveMembership {
            client: self.client,
            call: RETRIEVE_MEMBERSHIP
                .call(&[("membership ID or license key", id_or_license_key.as_ref())]),
            expand: ExpandSet::new(),
        }
    }
}

impl<'a, S: HttpService> RetrieveMembership<'a, S> {
    /// Sends the lookup and decodes the membership.
    ///
    /// # Errors
    /// See [`Error`]; [`Error::is_not_found`] when your company has no such membership.
    pub async fn send(self) -> Result<Response<Membership>, Error> {
        self.client.send(self.call.expand(&self.expand)).await
    }

    /// Sends the lookup; a 404 is `Ok(None)`.
    ///
    /// # Errors
    /// Every other failure, as [`send`](Self::send).
    pub async fn optional(self) -> Result<Option<Response<Membership>>, Error> {
        found(self.send().await)
    }
}

into_future!(RetrieveMembership => Response<Membership>);
