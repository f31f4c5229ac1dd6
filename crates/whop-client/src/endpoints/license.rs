//! A software license key bound to one machine, on the Current API.
//!
//! The Current API has no `validate_license` (v2's did the check and the binding in one call).
//! Whop's migration guide gives the recipe instead, run by **your server**: look the membership
//! up by its license key, check its status, and on the key's first use write the machine's
//! hardware ID into the membership's `metadata`. [`Client::validate_license`] is that recipe,
//! with a re-read after the write to confirm the binding is this machine's;
//! [`Client::reset_license`] takes the binding off.
//!
//! # Server-side only
//!
//! These calls need an API key that may update memberships: Whop says never to ship such a key
//! inside downloadable software (it can change every membership of the business). Call them from
//! a server your app talks to, never from the app.
//!
//! # The race they cannot close alone
//!
//! Two machines that validate one **unbound** key at the same instant can both read "unbound",
//! both write their ID, and both be told `Valid`: the re-read catches a machine whose write was
//! overwritten before it read back, not one that read back before the other wrote. Whop offers no
//! conditional update to close the gap. If it matters, let one process (your license server)
//! bind keys, one key at a time.

use serde_json::Value;
use whop_models::Metadata;
use whop_models::v1::Membership;

use crate::client::{Client, HttpService};
use crate::error::{Error, InvalidInput, Unconfirmed};
use crate::response::Response;

/// The `metadata` key a license key's hardware ID is bound under: `"hwid"`, the key of Whop's
/// migration guide and of the legacy v2 binding
/// ([`LicenseValidation::hwid`](crate::legacy::LicenseValidation::hwid)).
pub const HWID_METADATA_KEY: &str = "hwid";

/// The hardware ID a membership's license key is bound to, if any: the text under
/// [`HWID_METADATA_KEY`] in its metadata. A missing key, `null` or an empty string is no
/// binding; any other non-text value is shown as JSON.
pub fn bound_hardware_id(membership: &Membership) -> Option<String> {
    match membership.metadata.as_ref()?.get(HWID_METADATA_KEY)? {
        Value::Null => None,
        Value::String(text) if text.is_empty() => None,
        Value::String(text) => Some(text.clone()),
        other => Some(other.to_string()),
    }
}

/// What [`Client::validate_license`] found: the expected answers, typed. Errors (401, 429, 5xx,
/// network, a body that did not decode) stay [`Error`]s.
///
/// Marked `#[non_exhaustive]`: keep a `_` arm.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub enum LicenseBinding {
    /// The membership grants access and its key is bound to this machine: just now (its first
    /// use, confirmed by a re-read) or before. Let the user in.
    Valid(Response<Membership>),
    /// The membership's key is bound to another machine. The customer must reset it (you, with
    /// [`Client::reset_license`]).
    BoundToOtherMachine {
        /// The membership, as last read.
        membership: Response<Membership>,
        /// The hardware ID it is bound to.
        bound_to: String,
    },
    /// The key belongs to a membership that does not grant access (expired, canceled, ...).
    /// Nothing was bound. Keep the user out.
    NotValid(Response<Membership>),
    /// No membership has this key (or none this credential may see).
    NotFound,
}

impl LicenseBinding {
    /// `true` only for [`LicenseBinding::Valid`].
    pub fn is_valid(&self) -> bool {
        matches!(self, LicenseBinding::Valid(_))
    }

    /// The membership, when the key was found.
    pub fn membership(&self) -> Option<&Response<Membership>> {
        match self {
            LicenseBinding::Valid(m)
            | LicenseBinding::NotValid(m)
            | LicenseBinding::BoundToOtherMachine { membership: m, .. } => Some(m),
            LicenseBinding::NotFound => None,
        }
    }
}

impl<S: HttpService> Client<S> {
    /// Validates a software license key and binds it to `hardware_id` on first use, on the
    /// Current API (up to three requests):
    ///
    /// 1. `GET /v1/memberships/{key}`: no such key is [`LicenseBinding::NotFound`];
    /// 2. a status that does not grant access (see `v1::Membership::grants_access`) is
    ///    [`LicenseBinding::NotValid`], and nothing is written;
    /// 3. bound ([`HWID_METADATA_KEY`] in its metadata) to `hardware_id`: [`LicenseBinding::Valid`];
    ///    to another: [`LicenseBinding::BoundToOtherMachine`];
    /// 4. unbound: `PATCH /v1/memberships/{id}` merging `{"hwid": hardware_id}` (other metadata
    ///    keys are kept), then `GET` again to confirm the binding is this machine's (another may
    ///    have written in between): [`LicenseBinding::Valid`] or
    ///    [`LicenseBinding::BoundToOtherMachine`].
    ///
    /// **A server-side call** (see [the module docs](crate::license)): it needs an API key that
    /// may update memberships, which Whop says never to ship in downloadable software. Two
    /// machines binding one unbound key in the same instant may both be told `Valid`: a race this
    /// call cannot close alone (the module docs say why and what to do).
    ///
    /// # Errors
    /// Anything but the four outcomes: an empty key or hardware ID ([`Error::InvalidInput`],
    /// nothing sent), transport, timeout, 401/403, 429, 5xx, or a body that did not decode. See
    /// [`Error`]; for a failed write, [`Error::applied`] says whether the binding took place.
    pub async fn validate_license(
        &self,
        license_key: impl AsRef<str>,
        hardware_id: impl AsRef<str>,
    ) -> Result<LicenseBinding, Error> {
        let hardware_id = hardware_id.as_ref();
        if hardware_id.is_empty() {
            return Err(InvalidInput::new("hardware ID", "must not be empty").into());
        }
        let Some(found) = self.membership(license_key.as_ref()).optional().await? else {
            return Ok(LicenseBinding::NotFound);
        };
        if !found.grants_access() {
            return Ok(LicenseBinding::NotValid(found));
        }
        if bound_hardware_id(&found).is_none() {
            let id = found.id.clone();
            let binding = Metadata::new().with(HWID_METADATA_KEY, hardware_id);
            self.merge_membership_metadata(id.as_str(), binding)
                .send()
                .await?;
            return match self.membership(id.as_str()).optional().await? {
                Some(reread) => judge(reread, hardware_id),
                None => Ok(LicenseBinding::NotFound),
            };
        }
        judge(found, hardware_id)
    }

    /// Resets a license key: takes its hardware-ID binding off, so the next
    /// [`validate_license`](Self::validate_license) binds whatever machine sends it. Other
    /// metadata keys are kept.
    ///
    /// Two requests: `GET /v1/memberships/{key}`, then `PATCH /v1/memberships/{id}` with
    /// `{"metadata": {"hwid": null}}`.
    ///
    /// # Which PATCH clears one key
    ///
    /// Whop documents that the Current API merges metadata and that `{}` clears all of it, but
    /// not how to remove one key. This call sends the key as `null`: whether Whop then deletes it
    /// or stores `null`, [`bound_hardware_id`] (and so `validate_license`) reads it as unbound.
    /// Clearing everything instead would lose the business's other metadata, and rewriting the
    /// rest is two writes that race with any other writer. The risk: if Whop ignores `null`
    /// values, the binding would stay; so the answer is checked, and a membership still bound
    /// is [`Error::Unconfirmed`], not a success. [`Client::clear_membership_metadata`] is the
    /// documented way to remove everything.
    ///
    /// Server-side only, as `validate_license`.
    ///
    /// # Errors
    /// See [`Error`]; [`Error::is_not_found`] when no membership has this key;
    /// [`Error::Unconfirmed`] when Whop answered the write but the binding is still there.
    pub async fn reset_license(
        &self,
        license_key: impl AsRef<str>,
    ) -> Result<Response<Membership>, Error> {
        let found = self.membership(license_key.as_ref()).send().await?;
        let unbind = Metadata::new().with(HWID_METADATA_KEY, Value::Null);
        let after = self
            .merge_membership_metadata(found.id.as_str(), unbind)
            .send()
            .await?;
        match bound_hardware_id(&after) {
            None => Ok(after),
            Some(_) => Err(Unconfirmed::new(
                "license reset",
                format!(
                    "Whop answered {} but the membership is still bound (it kept `{HWID_METADATA_KEY}` \
                     after a `null`): clear_membership_metadata removes every key",
                    after.status()
                ),
            )
            .into()),
        }
    }
}

/// The outcome for a membership found bound (or re-read after binding it), by its binding.
///
/// # Errors
/// [`Error::Unconfirmed`] for a membership that reads unbound after this call bound it: its
/// write did not take, or a reset came in between; either way it is not this machine's.
fn judge(membership: Response<Membership>, hardware_id: &str) -> Result<LicenseBinding, Error> {
    if !membership.grants_access() {
        return Ok(LicenseBinding::NotValid(membership));
    }
    match bound_hardware_id(&membership) {
        Some(bound) if bound == hardware_id => Ok(LicenseBinding::Valid(membership)),
        Some(bound_to) => Ok(LicenseBinding::BoundToOtherMachine {
            membership,
            bound_to,
        }),
        None => Err(Unconfirmed::new(
            "license binding",
            "Whop answered the write, but the membership reads unbound when read again (a reset \
             in between, or a write that did not take): validate again",
        )
        .into()),
    }
}
