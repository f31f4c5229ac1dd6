//! The legacy calls: the seed's v2 and v5 endpoints, kept compiled, tested and documented.
//!
//! Whop retired API v2 on [2026-11-13](V2_RETIRED_ON) (its migration page, "Migrate from Previous
//! Versions": `https://api.whop.com/api/v2` "stops working November 13, 2026"). Every v2 call
//! below now fails against the real Whop; this crate reports such a failure as
//! [`Error::Retired`](crate::Error::Retired), naming the Current API call to use instead. The v5
//! `me` calls have no published retirement date and still stand.
//!
//! They are reached through [`Client::legacy`]: `client.legacy().cancel_membership(id)`. The
//! unprefixed [`Client`] methods are the Current API (`/api/v1`, with a pinned
//! `Api-Version-Date`).
//!
//! | legacy call | request | Current API call |
//! | --- | --- | --- |
//! | [`Legacy::cancel_membership`] | `POST /v2/memberships/{id}/cancel` | [`Client::cancel_membership_at_period_end`] |
//! | [`Legacy::terminate_membership`] | `POST /v2/memberships/{id}/terminate` | [`Client::cancel_membership_now`] |
//! | [`Legacy::validate_license`] | `POST /v2/memberships/{key}/validate_license` | [`Client::validate_license`] |
//! | [`Legacy::reset_license`] | `GET` then `POST /v2/memberships/{id}` | [`Client::reset_license`] |
//! | [`Legacy::membership`] | `GET /v2/memberships/{id or key}` | [`Client::membership`] |
//! | [`Legacy::update_membership_metadata`] | `POST /v2/memberships/{id}` (replaces) | [`Client::merge_membership_metadata`] (merges), [`Client::clear_membership_metadata`] |
//! | [`Legacy::list_memberships`] | `GET /v2/memberships` | [`Client::list_memberships`] |
//! | [`Legacy::me_membership`] | `GET /v5/me/memberships/{id or key}` | [`Client::membership`] with the user's token |
//! | [`Legacy::check_license`] | `GET /v5/me/memberships/{key}` | [`Client::membership`] with the user's token, then `grants_access()` |
//! | [`Legacy::my_memberships`] | `GET /v5/me/memberships` | `Client::list_memberships().me()` with the user's token |
//!
//! Two meanings changed on the way, and the Current API calls name them: v2's metadata update
//! replaced the whole object where the Current API merges keys, and v2's cancel meant "at period
//! end" where the Current API's cancel without `cancel_at_period_end` ends access at once (this
//! crate never sends that field's default).
//!
//! The v2 and v5 models are here too (and in [`crate::models`]): [`Membership`] and
//! [`MembershipPage`] are v2's, [`MeMembership`] and [`MeMembershipPage`] v5's.

pub(crate) mod cancel;
pub(crate) mod license;
pub(crate) mod list_memberships;
pub(crate) mod list_my_memberships;
pub(crate) mod me_membership;
pub(crate) mod membership;
pub(crate) mod reset_license;
pub(crate) mod terminate;
pub(crate) mod update_membership;
pub(crate) mod validate_license;

use std::fmt;

use crate::client::Client;

pub use cancel::CancelMembership;
pub use license::LicenseCheck;
pub use list_memberships::{ListMemberships, V2_MAX_PER_PAGE};
pub use list_my_memberships::{ListMyMemberships, V5_DEFAULT_PER_PAGE};
pub use me_membership::RetrieveMyMembership;
pub use membership::RetrieveMembership;
pub use reset_license::ResetMethod;
pub use terminate::TerminateMembership;
pub use update_membership::UpdateMembership;
pub use validate_license::{LicenseValidation, ValidateLicense};
pub use whop_models::{
    Expand, ExpandSet, Expandable, MeMembership, MeMembershipPage, Membership, MembershipPage,
};

/// The day Whop switched API v2 off (its migration page): the one place the date is spelled.
pub const V2_RETIRED_ON: &str = "2026-11-13";

/// The legacy v2/v5 calls of a [`Client`], from [`Client::legacy`]. See the [module docs](self)
/// for each call's Current API successor.
///
/// A view: it borrows the client, and the requests it builds go through the client's transport
/// and credential as any other.
pub struct Legacy<'a, S> {
    client: &'a Client<S>,
}

impl<S> Clone for Legacy<'_, S> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<S> Copy for Legacy<'_, S> {}

impl<S> fmt::Debug for Legacy<'_, S> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Legacy")
            .field("client", self.client)
            .finish()
    }
}

impl<'a, S> Legacy<'a, S> {
    /// The client this view is of.
    pub fn client(&self) -> &'a Client<S> {
        self.client
    }
}

impl<S> Client<S> {
    /// The legacy v2/v5 calls of this client (`client.legacy().cancel_membership(id)`): see
    /// [`crate::legacy`]. Whop retired v2 on 2026-11-13; prefer the unprefixed Current API calls.
    pub fn legacy(&self) -> Legacy<'_, S> {
        Legacy { client: self }
    }
}
