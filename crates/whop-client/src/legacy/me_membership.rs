//! `GET /v5/me/memberships/{id}`: read one of your own memberships by ID or license key.

use whop_models::MeMembership;

use super::Legacy;
use crate::client::{Client, HttpService};
use crate::endpoint::{Call, endpoint, found, into_future};
use crate::error::Error;
use crate::response::Response;

endpoint!(RETRIEVE_MY_MEMBERSHIP = GET "/v5/me/memberships/{id}", V5);

/// A lookup of one's own membership, from [`Legacy::me_membership`]. `.send().await` it (or
/// `.await` it directly); [`optional`](Self::optional) turns "no such membership" into `None`.
///
/// The `v5/me` endpoints take a user's token (OAuth or app-proxy JWT), not a company key: use a
/// client made with [`Client::with_token`].
#[must_use = "a request does nothing until it is sent"]
pub struct RetrieveMyMembership<'a, S> {
    client: &'a Client<S>,
    call: Call,
}

impl<'a, S> Legacy<'a, S> {
    /// Looks up the caller's membership by membership ID (`mem_…`) or license key.
    ///
    /// A [`whop_models::MembershipRef`], [`whop_models::LicenseKey`], [`whop_models::MembershipId`]
    /// or `&str` all work. License keys come from end users: the key is sent as one
    /// percent-encoded path segment whatever it contains (`/`, `?`, `#`, `%`, spaces, non-ASCII),
    /// and an empty key or a dot segment (`.`, `..`) is refused before anything is sent.
    pub fn me_membership(&self, id_or_license_key: impl AsRef<str>) -> RetrieveMyMembership<'a, S> {
        let key = id_or_license_key.as_ref();
        RetrieveMyMembership {
            client: self.client,
            call: RETRIEVE_MY_MEMBERSHIP.call(&[("membership ID or license key", key)]),
        }
    }
}

impl<'a, S: HttpService> RetrieveMyMembership<'a, S> {
    /// Sends the lookup and decodes the membership.
    ///
    /// # Errors
    /// See [`Error`]; [`Error::is_not_found`] is true when there is no such membership of yours.
    pub async fn send(self) -> Result<Response<MeMembership>, Error> {
        self.client.send(self.call).await
    }

    /// Sends the lookup; a 404 ("no such membership of yours") is `Ok(None)`, not an error.
    ///
    /// # Errors
    /// Every other failure, as [`send`](Self::send).
    pub async fn optional(self) -> Result<Option<Response<MeMembership>>, Error> {
        found(self.send().await)
    }
}

into_future!(RetrieveMyMembership => Response<MeMembership>);
