//! Resetting a license key: clearing the metadata it is bound to, so the next validation binds
//! the new machine.
//!
//! `ResetMethod` says which of Whop's two documented resets is used, and why.

use whop_models::{Membership, Metadata, ValidateLicenseRequest};

use super::Legacy;
use super::validate_license::VALIDATE_LICENSE;
use crate::client::HttpService;
use crate::endpoint::body;
use crate::error::Error;
use crate::response::Response;

/// Which documented call [`Legacy::reset_license`] uses.
///
/// # Which call resets
///
/// Whop's guides disagree. The 2023 license-key page says to call `validate_license` with empty
/// metadata; the 2025 guide says to `POST /v2/memberships/{id}` (update the membership) with
/// `{"metadata": {}}`. Both are supported ([`ResetMethod`]); the default is the **update**:
/// - it is the current guide, and the update's documented meaning is "replace the metadata", so
///   `{}` clears it whatever is bound;
/// - `validate_license` with `{}` has two readings in Whop's own docs: the 2023 page calls it a
///   reset, while the later license-keys guide offers `{}` as the body to send "if you do not
///   wish to set any metadata", a plain validation. A reset that may be a no-op is not one.
///
/// The update's `{id}` is a membership ID (the spec does not say it takes a license key, as
/// `validate_license` and the read do), so the default reset first reads the membership by key
/// (`GET /v2/memberships/{key}`, a read, safe to repeat) and then updates it by its ID: two
/// requests. [`ResetMethod::ValidateWithEmptyMetadata`] is one request, under the 2023 reading.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
#[non_exhaustive]
pub enum ResetMethod {
    /// Read the membership by key, then `POST /v2/memberships/{id}` with `{"metadata": {}}` (the
    /// 2025 guide). The default.
    #[default]
    UpdateMembership,
    /// `POST /v2/memberships/{key}/validate_license` with `{"metadata": {}}` (the 2023 guide).
    ValidateWithEmptyMetadata,
}

impl<'a, S: HttpService> Legacy<'a, S> {
    /// Resets a license key (or membership ID): clears the metadata it is bound to, so the next
    /// [`validate_license`](Legacy::validate_license) binds whatever machine sends it. Uses
    /// [`ResetMethod::UpdateMembership`]; see [`reset_license_with`](Self::reset_license_with).
    ///
    /// # Errors
    /// See [`Error`]; [`Error::is_not_found`] when your company has no membership with this key.
    pub async fn reset_license(
        &self,
        license_key: impl AsRef<str>,
    ) -> Result<Response<Membership>, Error> {
        self.reset_license_with(license_key, ResetMethod::default())
            .await
    }

    /// Resets a license key with the chosen documented call.
    ///
    /// # Errors
    /// As [`reset_license`](Self::reset_license).
    pub async fn reset_license_with(
        &self,
        license_key: impl AsRef<str>,
        method: ResetMethod,
    ) -> Result<Response<Membership>, Error> {
        let key = license_key.as_ref();
        let reset = async {
            match method {
                ResetMethod::UpdateMembership => {
                    let membership = self.membership(key).send().await?;
                    self.update_membership_metadata(membership.id.as_str(), Metadata::new())
                        .send()
                        .await
                }
                ResetMethod::ValidateWithEmptyMetadata => {
                    let call = VALIDATE_LICENSE
                        .call(&[("membership ID or license key", key)])
                        .json(body(ValidateLicenseRequest::default()));
                    self.client.send(call).await
                }
            }
        };
        reset.await.map_err(|e| match e {
            Error::Retired(retired) => {
                Error::Retired(Box::new(retired.succeeded_by("Client::reset_license")))
            }
            other => other,
        })
    }
}
