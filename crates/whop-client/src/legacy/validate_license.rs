//! `POST /v2/memberships/{id}/validate_license`: validate a license key and bind it to a machine.

use serde_json::Value;
use whop_models::{Expand, ExpandSet, Membership, Metadata, ValidateLicenseRequest};

use super::Legacy;
use crate::client::{Client, HttpService};
use crate::endpoint::{Call, body, endpoint, into_future};
use crate::error::{Error, InvalidInput};
use crate::response::Response;

// Safe to repeat: validating is idempotent for the same metadata. If the first attempt bound the
// key to this metadata and its answer was lost, the retry finds the same metadata bound and is
// answered 201 as the first was; if it bound nothing (a mismatch, a 404), nothing changed. With
// `{}` (a reset, in the 2023 guide's reading), clearing twice is clearing once.
endpoint!(VALIDATE_LICENSE = POST "/v2/memberships/{id}/validate_license", V2, retry_safe; successor "Client::validate_license");

/// What `validate_license` said about a key: the expected answers, typed. Errors (401, 429, 5xx,
/// network, a body that did not decode) stay [`Error`]s.
///
/// Marked `#[non_exhaustive]`: keep a `_` arm.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub enum ValidateLicense {
    /// 201 and the membership is valid: let the user in. When the key had no metadata bound, the
    /// metadata sent is now bound to it (the device binding).
    Valid(Response<Membership>),
    /// 400: the key is bound to other metadata (another machine). The user must reset the key
    /// (from their Whop dashboard, or you with [`Legacy::reset_license`]). `message` is the API's.
    MetadataMismatch {
        /// What the API said.
        message: String,
    },
    /// 201, but the membership is not valid (expired, canceled, unpaid, ...): keep the user out.
    Invalid(Response<Membership>),
    /// 404: no membership has this key (or ID) in your company.
    NotFound,
}

impl ValidateLicense {
    /// `true` only for [`ValidateLicense::Valid`].
    pub fn is_valid(&self) -> bool {
        matches!(self, ValidateLicense::Valid(_))
    }

    /// The membership, when the API answered with one (valid or not).
    pub fn membership(&self) -> Option<&Response<Membership>> {
        match self {
            ValidateLicense::Valid(m) | ValidateLicense::Invalid(m) => Some(m),
            _ => None,
        }
    }
}

/// A license validation, from [`Legacy::validate_license`]. Give the metadata to bind or compare
/// ([`hwid`](Self::hwid), [`metadata`](Self::metadata)), then `.send().await` (or `.await`).
#[must_use = "a request does nothing until it is sent"]
pub struct LicenseValidation<'a, S> {
    client: &'a Client<S>,
    call: Call,
    metadata: Result<Metadata, InvalidInput>,
    expand: ExpandSet,
}

impl<'a, S> Legacy<'a, S> {
    /// Validates a license key (or membership ID) with your company API key, binding it to the
    /// metadata you send on first use (`POST /v2/memberships/{id}/validate_license`).
    ///
    /// Without metadata, `{}` is sent: it binds nothing. Beware that Whop's 2023 guide reads `{}`
    /// on a bound key as a reset of the binding: send the machine's metadata on every check.
    ///
    /// The key is sent as one percent-encoded path segment; an empty key or a dot segment is
    /// refused before anything is sent.
    pub fn validate_license(&self, license_key: impl AsRef<str>) -> LicenseValidation<'a, S> {
        LicenseValidation {
            client: self.client,
            call: VALIDATE_LICENSE.call(&[("membership ID or license key", license_key.as_ref())]),
            metadata: Ok(Metadata::new()),
            expand: ExpandSet::new(),
        }
    }
}

impl<'a, S: HttpService> LicenseValidation<'a, S> {
    /// Binds to (or compares with) this hardware ID: sets the metadata key `hwid`
    /// ([`HWID_METADATA_KEY`](crate::HWID_METADATA_KEY)), the key Whop's
    /// guides use.
    pub fn hwid(mut self, hardware_id: impl Into<String>) -> Self {
        if let Ok(metadata) = &mut self.metadata {
            metadata.insert(crate::HWID_METADATA_KEY, hardware_id.into());
        }
        self
    }

    /// Replaces the metadata to bind or compare with.
    pub fn metadata(mut self, metadata: impl Into<Metadata>) -> Self {
        self.metadata = Ok(metadata.into());
        self
    }

    /// Replaces the metadata with a JSON value, which must be an object: anything else is refused
    /// ([`Error::InvalidInput`]) when sent, before anything leaves.
    pub fn metadata_json(mut self, metadata: Value) -> Self {
        self.metadata = Metadata::from_value(metadata)
            .map_err(|e| InvalidInput::new("metadata", e.to_string()));
        self
    }

    /// Asks for `field` expanded in the returned membership.
    pub fn expand(mut self, field: Expand) -> Self {
        self.expand.insert(field);
        self
    }

    /// Sends the validation.
    ///
    /// # Errors
    /// Anything but the four outcomes of [`ValidateLicense`]: invalid input (an empty key,
    /// metadata that is not an object), transport, timeout, 401/403, 429, 5xx, another status, or
    /// a 201 whose body did not decode. See [`Error`].
    pub async fn send(self) -> Result<ValidateLicense, Error> {
        let call = match self.metadata {
            Ok(metadata) => self.call.json(body(ValidateLicenseRequest { metadata })),
            Err(refused) => self.call.refuse_if(Some(refused)),
        };
        match self
            .client
            .send::<Membership>(call.expand(&self.expand))
            .await
        {
            Ok(found) if found.is_valid() => Ok(ValidateLicense::Valid(found)),
            Ok(found) => Ok(ValidateLicense::Invalid(found)),
            Err(e) if e.is_not_found() => Ok(ValidateLicense::NotFound),
            Err(Error::Api(e)) if e.status() == http::StatusCode::BAD_REQUEST => {
                Ok(ValidateLicense::MetadataMismatch {
                    message: e
                        .message()
                        .unwrap_or("the metadata does not match what the key is bound to")
                        .to_owned(),
                })
            }
            Err(e) => Err(e),
        }
    }
}

into_future!(LicenseValidation => ValidateLicense);
