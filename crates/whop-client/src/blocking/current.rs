//! The Current API's membership and license calls of the blocking client.

use whop_models::Metadata;
use whop_models::v1::{Membership, MembershipPage};

use super::Client;
use crate::endpoints::license::LicenseBinding;
use crate::error::Error;
use crate::response::Response;

impl Client {
    /// Looks up a membership by ID or license key, as [`crate::Client::membership`].
    ///
    /// # Errors
    /// As [`crate::RetrieveMembership::send`]; [`Error::is_not_found`] when there is no such
    /// membership.
    pub fn membership(
        &self,
        id_or_license_key: impl AsRef<str>,
    ) -> Result<Response<Membership>, Error> {
        let id = id_or_license_key.as_ref().to_owned();
        self.run(false, |c| async move { c.membership(id).await })
    }

    /// Looks up a membership by ID or license key; "no such membership" is `Ok(None)`, as
    /// [`crate::RetrieveMembership::optional`].
    ///
    /// # Errors
    /// Every other failure, as [`membership`](Self::membership).
    pub fn membership_optional(
        &self,
        id_or_license_key: impl AsRef<str>,
    ) -> Result<Option<Response<Membership>>, Error> {
        let id = id_or_license_key.as_ref().to_owned();
        self.run(false, |c| async move { c.membership(id).optional().await })
    }

    /// The first page of memberships (Whop's page size), as [`crate::Client::list_memberships`]
    /// with no filter; for filters, streams or a cursor, use [`call`](Self::call).
    ///
    /// # Errors
    /// As [`crate::ListMemberships::send`].
    pub fn list_memberships(&self) -> Result<Response<MembershipPage>, Error> {
        self.run(false, |c| async move { c.list_memberships().send().await })
    }

    /// Validates a license key and binds it to `hardware_id` on first use, as
    /// [`crate::Client::validate_license`]: a server-side call (see [`crate::license`]).
    ///
    /// # Errors
    /// As [`crate::Client::validate_license`]: a key bound to another machine is not an error
    /// but [`LicenseBinding::BoundToOtherMachine`].
    pub fn validate_license(
        &self,
        license_key: impl AsRef<str>,
        hardware_id: impl AsRef<str>,
    ) -> Result<LicenseBinding, Error> {
        let (key, hwid) = (
            license_key.as_ref().to_owned(),
            hardware_id.as_ref().to_owned(),
        );
        self.run(true, |c| async move { c.validate_license(key, hwid).await })
    }

    /// Takes a license key's binding off, as [`crate::Client::reset_license`].
    ///
    /// # Errors
    /// As [`crate::Client::reset_license`].
    pub fn reset_license(
        &self,
        license_key: impl AsRef<str>,
    ) -> Result<Response<Membership>, Error> {
        let key = license_key.as_ref().to_owned();
        self.run(true, |c| async move { c.reset_license(key).await })
    }

    /// Merges `metadata` into a membership's metadata, as
    /// [`crate::Client::merge_membership_metadata`].
    ///
    /// # Errors
    /// As [`crate::ChangeMembership::send`]; an empty `metadata` is [`Error::InvalidInput`].
    pub fn merge_membership_metadata(
        &self,
        id: impl AsRef<str>,
        metadata: impl Into<Metadata>,
    ) -> Result<Response<Membership>, Error> {
        let (id, metadata) = (id.as_ref().to_owned(), metadata.into());
        self.run(true, |c| async move {
            c.merge_membership_metadata(id, metadata).await
        })
    }

    /// Clears a membership's metadata, as [`crate::Client::clear_membership_metadata`].
    ///
    /// # Errors
    /// As [`crate::ChangeMembership::send`].
    pub fn clear_membership_metadata(
        &self,
        id: impl AsRef<str>,
    ) -> Result<Response<Membership>, Error> {
        let id = id.as_ref().to_owned();
        self.run(
            true,
            |c| async move { c.clear_membership_metadata(id).await },
        )
    }

    /// Cancels a membership at the end of its period, as
    /// [`crate::Client::cancel_membership_at_period_end`].
    ///
    /// # Errors
    /// As [`crate::CancelMembership::send`].
    pub fn cancel_membership_at_period_end(
        &self,
        id: impl AsRef<str>,
    ) -> Result<Response<Membership>, Error> {
        let id = id.as_ref().to_owned();
        self.run(true, |c| async move {
            c.cancel_membership_at_period_end(id).await
        })
    }

    /// Cancels a membership now (access ends at once), as
    /// [`crate::Client::cancel_membership_now`].
    ///
    /// # Errors
    /// As [`crate::CancelMembership::send`].
    pub fn cancel_membership_now(
        &self,
        id: impl AsRef<str>,
    ) -> Result<Response<Membership>, Error> {
        let id = id.as_ref().to_owned();
        self.run(true, |c| async move { c.cancel_membership_now(id).await })
    }
}
