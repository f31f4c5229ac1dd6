//! Checking a customer's license key: valid, not valid, or no such key.

use whop_models::MeMembership;

use super::Legacy;
use crate::client::HttpService;
use crate::error::Error;
use crate::response::Response;

/// The answer to "does this license key grant access?", from [`Legacy::check_license`].
///
/// "No such key" is an ordinary answer here, not an error: a customer mistyped it, or it belongs
/// to someone else. Errors are kept for what went wrong on the way (network, token, rate limit).
#[derive(Debug, Clone)]
pub enum LicenseCheck {
    /// The key belongs to a membership of this user and the membership is valid.
    Valid(Response<MeMembership>),
    /// The key belongs to a membership of this user, but the membership is not valid (expired,
    /// canceled, unpaid, ...).
    Invalid(Response<MeMembership>),
    /// No membership of this user has this key.
    NotFound,
}

impl LicenseCheck {
    /// `true` only for [`LicenseCheck::Valid`].
    pub fn is_valid(&self) -> bool {
        matches!(self, LicenseCheck::Valid(_))
    }

    /// The membership, when the key was found.
    pub fn membership(&self) -> Option<&MeMembership> {
        match self {
            LicenseCheck::Valid(m) | LicenseCheck::Invalid(m) => Some(m),
            LicenseCheck::NotFound => None,
        }
    }
}

impl<'a, S: HttpService> Legacy<'a, S> {
    /// Checks a license key against the caller's memberships (`GET /v5/me/memberships/{key}`).
    ///
    /// # Errors
    /// Anything but found/not found: invalid input (an empty key), transport, timeout, 401, 429,
    /// 5xx, or a body that did not decode. See [`Error`].
    pub async fn check_license(&self, license_key: impl AsRef<str>) -> Result<LicenseCheck, Error> {
        Ok(match self.me_membership(license_key).optional().await? {
            Some(found) if found.valid => LicenseCheck::Valid(found),
            Some(found) => LicenseCheck::Invalid(found),
            None => LicenseCheck::NotFound,
        })
    }
}
