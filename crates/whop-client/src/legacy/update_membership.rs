//! `POST /v2/memberships/{id}`: replace a membership's metadata (answers 201).

use serde_json::Value;
use whop_models::{Expand, ExpandSet, Membership, Metadata, UpdateMembershipRequest};

use super::Legacy;
use crate::client::{Client, HttpService};
use crate::endpoint::{Call, body, endpoint, into_future};
use crate::error::{Error, InvalidInput};
use crate::response::Response;

// Safe to repeat: the update replaces the metadata with the value sent, so a second attempt
// leaves the membership as the first did (as an HTTP PUT would). A retry can overwrite a change
// someone else made between the two attempts, the same race as any two concurrent updates.
endpoint!(UPDATE_MEMBERSHIP = POST "/v2/memberships/{id}", V2, retry_safe; successor "Client::merge_membership_metadata");

/// A metadata update, from [`Legacy::update_membership_metadata`]. `.send().await` (or `.await`).
#[must_use = "a request does nothing until it is sent"]
pub struct UpdateMembership<'a, S> {
    client: &'a Client<S>,
    call: Call,
    metadata: Result<Metadata, InvalidInput>,
    expand: ExpandSet,
}

impl<'a, S> Legacy<'a, S> {
    /// Replaces the metadata of the membership `id` (`POST /v2/memberships/{id}`; the spec's
    /// `{id}` is a membership ID, `mem_…`, not a license key): `{}` clears it, which unbinds a
    /// license key ([`Legacy::reset_license`] does that from a key).
    ///
    /// Whop documents no limit on the metadata's keys or size, so none is checked here.
    pub fn update_membership_metadata(
        &self,
        id: impl AsRef<str>,
        metadata: impl Into<Metadata>,
    ) -> UpdateMembership<'a, S> {
        UpdateMembership {
            client: self.client,
            call: UPDATE_MEMBERSHIP.call(&[("membership ID", id.as_ref())]),
            metadata: Ok(metadata.into()),
            expand: ExpandSet::new(),
        }
    }

    /// As [`update_membership_metadata`](Self::update_membership_metadata), with the metadata as
    /// a JSON value: anything but an object is refused ([`Error::InvalidInput`]) when sent, before
    /// anything leaves.
    pub fn update_membership_metadata_json(
        &self,
        id: impl AsRef<str>,
        metadata: Value,
    ) -> UpdateMembership<'a, S> {
        UpdateMembership {
            metadata: Metadata::from_value(metadata)
                .map_err(|e| InvalidInput::new("metadata", e.to_string())),
            ..self.update_membership_metadata(id, Metadata::new())
        }
    }
}

impl<'a, S: HttpService> UpdateMembership<'a, S> {
    /// Asks for `field` expanded in the returned membership.
    pub fn expand(mut self, field: Expand) -> Self {
        self.expand.insert(field);
        self
    }

    /// Sends the update and decodes the updated membership.
    ///
    /// # Errors
    /// See [`Error`]; [`Error::applied`] tells whether the update took place.
    pub async fn send(self) -> Result<Response<Membership>, Error> {
        let call = match self.metadata {
            Ok(metadata) => self.call.json(body(UpdateMembershipRequest { metadata })),
            Err(refused) => self.call.refuse_if(Some(refused)),
        };
        self.client.send(call.expand(&self.expand)).await
    }
}

into_future!(UpdateMembership => Response<Membership>);
