//! `GET /v1/memberships/{id}`: read a membership by ID or license key.

use whop_models::v1::Membership;

use crate::client::{Client, HttpService};
use crate::endpoint::{Call, endpoint, found, into_future};
use crate::error::Error;
use crate::response::Response;

endpoint!(RETRIEVE = GET "/v1/memberships/{id}", V1);

/// A membership lookup, from [`Client::membership`]. `.send().await` (or `.await`);
/// [`optional`](Self::optional) turns "no such membership" into `None`.
#[must_use = "a request does nothing until it is sent"]
pub struct RetrieveMembership<'a, S> {
    client: &'a Client<S>,
    call: Call,
}

impl<S> Client<S> {
    /// Looks up a membership by membership ID (`mem_…`) or software license key
    /// (`GET /v1/memberships/{id}`).
    ///
    /// With your company API key: any membership of your business. With a user's token (a client
    /// from [`Client::with_token`]): the user's own, which is what the legacy v5
    /// `GET /v5/me/memberships/{id}` did. The ID or key is sent as one percent-encoded path
    /// segment; an empty one or a dot segment is refused before anything is sent.
    pub fn membership(&self, id_or_license_key: impl AsRef<str>) -> RetrieveMembership<'_, S> {
        RetrieveMembership {
            client: self,
            call: RETRIEVE.call(&[("membership ID or license key", id_or_license_key.as_ref())]),
        }
    }
}

impl<S: HttpService> RetrieveMembership<'_, S> {
    /// Sends the lookup and decodes the membership.
    ///
    /// # Errors
    /// See [`Error`]; [`Error::is_not_found`] when there is no such membership (or not one this
    /// credential may see).
    pub async fn send(self) -> Result<Response<Membership>, Error> {
        self.client.send(self.call).await
    }

    /// Sends the lookup; "no such membership" is `Ok(None)`.
    ///
    /// # Errors
    /// Every other failure, as [`send`](Self::send).
    pub async fn optional(self) -> Result<Option<Response<Membership>>, Error> {
        found(self.send().await)
    }
}

into_future!(RetrieveMembership => Response<Membership>);
