//! The legacy v2/v5 calls of the blocking client: see [`crate::legacy`].

use whop_models::{Expand, MeMembership, Membership, Metadata};

use super::Client;
use crate::error::Error;
use crate::legacy::{LicenseCheck, ValidateLicense};
use crate::response::Response;

/// The legacy v2/v5 calls of a blocking [`Client`], from [`Client::legacy`]: the same calls as
/// [`crate::legacy::Legacy`], waiting for their answers. Whop retired v2 on
/// [`V2_RETIRED_ON`](crate::legacy::V2_RETIRED_ON): prefer the Current API calls of [`Client`].
#[derive(Debug, Clone, Copy)]
pub struct Legacy<'a> {
    client: &'a Client,
}

impl Client {
    /// The legacy v2/v5 calls of this client: see [`crate::legacy`].
    pub fn legacy(&self) -> Legacy<'_> {
        Legacy { client: self }
    }
}

impl Legacy<'_> {
    /// Checks a license key, as [`crate::legacy::Legacy::check_license`].
    ///
    /// # Errors
    /// As [`crate::legacy::Legacy::check_license`].
    pub fn check_license(&self, license_key: impl AsRef<str>) -> Result<LicenseCheck, Error> {
        let key = license_key.as_ref().to_owned();
        self.client.run(
            false,
            |c| async move { c.legacy().check_license(key).await },
        )
    }

    /// Looks up one of the caller's memberships by ID or license key, as
    /// [`crate::legacy::Legacy::me_membership`].
    ///
    /// # Errors
    /// As [`crate::legacy::Legacy::me_membership`].
    pub fn me_membership(
        &self,
        id_or_license_key: impl AsRef<str>,
    ) -> Result<Response<MeMembership>, Error> {
        let id = id_or_license_key.as_ref().to_owned();
        self.client
            .run(false, |c| async move { c.legacy().me_membership(id).await })
    }

    /// Cancels a membership at the end of its period, `expand` expanded, as
    /// [`crate::legacy::Legacy::cancel_membership`].
    ///
    /// # Errors
    /// As [`crate::legacy::Legacy::cancel_membership`].
    pub fn cancel_membership(
        &self,
        id: impl AsRef<str>,
        expand: &[Expand],
    ) -> Result<Response<Membership>, Error> {
        let (id, expand) = (id.as_ref().to_owned(), expand.to_vec());
        self.client.run(true, |c| async move {
            c.legacy().cancel_membership(id).expand_all(expand).await
        })
    }

    /// Terminates a membership now, irreversibly, `expand` expanded, as
    /// [`crate::legacy::Legacy::terminate_membership`].
    ///
    /// # Errors
    /// As [`crate::legacy::Legacy::terminate_membership`].
    pub fn terminate_membership(
        &self,
        id: impl AsRef<str>,
        expand: &[Expand],
    ) -> Result<Response<Membership>, Error> {
        let (id, expand) = (id.as_ref().to_owned(), expand.to_vec());
        self.client.run(true, |c| async move {
            c.legacy().terminate_membership(id).expand_all(expand).await
        })
    }

    /// Validates a license key with your company API key and binds it to `hardware_id` on first
    /// use (metadata key `hwid`), as [`crate::legacy::Legacy::validate_license`] with
    /// [`hwid`](crate::legacy::LicenseValidation::hwid): what a desktop app checks at start-up.
    ///
    /// # Errors
    /// As [`crate::legacy::LicenseValidation::send`]: a key bound to another machine is not an error but
    /// [`ValidateLicense::MetadataMismatch`].
    pub fn validate_license(
        &self,
        license_key: impl AsRef<str>,
        hardware_id: impl Into<String>,
    ) -> Result<ValidateLicense, Error> {
        let (key, hwid) = (license_key.as_ref().to_owned(), hardware_id.into());
        self.client.run(true, |c| async move {
            c.legacy().validate_license(key).hwid(hwid).send().await
        })
    }

    /// Clears a license key's binding so the next validation binds it afresh, as
    /// [`crate::legacy::Legacy::reset_license`].
    ///
    /// # Errors
    /// As [`crate::legacy::Legacy::reset_license`].
    pub fn reset_license(
        &self,
        license_key: impl AsRef<str>,
    ) -> Result<Response<Membership>, Error> {
        let key = license_key.as_ref().to_owned();
        self.client
            .run(true, |c| async move { c.legacy().reset_license(key).await })
    }

    /// Looks up one of your company's memberships by ID or license key, `expand` expanded, as
    /// [`crate::legacy::Legacy::membership`] (a company API key).
    ///
    /// # Errors
    /// As [`crate::legacy::RetrieveMembership::send`]; [`Error::is_not_found`] when there is no such
    /// membership.
    pub fn membership(
        &self,
        id_or_license_key: impl AsRef<str>,
        expand: &[Expand],
    ) -> Result<Response<Membership>, Error> {
        let (id, expand) = (id_or_license_key.as_ref().to_owned(), expand.to_vec());
        self.client.run(false, |c| async move {
            c.legacy().membership(id).expand_all(expand).await
        })
    }

    /// Replaces the metadata of the membership `id`, as
    /// [`crate::legacy::Legacy::update_membership_metadata`]: an empty [`Metadata`] clears it.
    ///
    /// # Errors
    /// As [`crate::legacy::UpdateMembership::send`].
    pub fn update_membership_metadata(
        &self,
        id: impl AsRef<str>,
        metadata: impl Into<Metadata>,
    ) -> Result<Response<Membership>, Error> {
        let (id, metadata) = (id.as_ref().to_owned(), metadata.into());
        self.client.run(true, |c| async move {
            c.legacy().update_membership_metadata(id, metadata).await
        })
    }
}
