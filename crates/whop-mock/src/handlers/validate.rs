//! `POST /v2/memberships/{id}/validate_license`: validate a license key and bind it to a machine.
//!
//! Whop's guides give the semantics (the spec declares only the 201):
//! - the membership is found by ID or license key among the company's, else **404**;
//! - no metadata bound yet (`{}`): the sent metadata is stored (the binding), **201**;
//! - metadata bound and the sent metadata equal to it (every key and value): **201**;
//! - metadata bound and `{}` sent: the binding is cleared, **201** (the 2023 guide: "call the
//!   `validate_license` endpoint with an empty metadata body to reset the key");
//! - metadata bound and different metadata sent: **400**, nothing changes.
//!
//! The answer is the v2 Membership; a membership that is not valid (expired, canceled) is still
//! answered 201, with `"valid": false`.

use bytes::Bytes;
use http::StatusCode;
use serde_json::{Map, Value};

use super::{bad_request, expand};
use crate::body;
use crate::mutation::MembershipChange;
use crate::route::ApiFamily;
use crate::state::{Answer, Handled, RequestInfo, State};

/// The message of the 400 for metadata that does not match what is bound.
pub(crate) const METADATA_MISMATCH_MESSAGE: &str =
    "The metadata did not match; the user needs to reset their key";

impl State {
    pub(crate) fn validate_license(&mut self, info: &RequestInfo, id_or_key: &str) -> Handled {
        let company_id = info.company()?.to_owned();
        let expand = expand(info.query.as_deref())?;
        let sent = metadata_of(&info.body)?;
        let index = self.find_for_company(&company_id, id_or_key, true)?;
        let bound = &self.memberships()[index].metadata;
        let bound_is_empty = bound.as_object().is_none_or(Map::is_empty);
        let sent_is_empty = sent.as_object().is_some_and(Map::is_empty);
        let membership = if bound_is_empty || sent_is_empty {
            if *bound == sent {
                self.memberships()[index].clone()
            } else {
                self.change_membership(index, MembershipChange::Metadata(sent))
            }
        } else if *bound == sent {
            self.memberships()[index].clone()
        } else {
            return Err(bad_request(ApiFamily::V2, METADATA_MISMATCH_MESSAGE));
        };
        let related = self.related(&membership);
        Ok(Answer::ok(
            StatusCode::CREATED,
            body::v2_membership(&membership, &related, expand),
        ))
    }
}

/// The `metadata` object of a `{"metadata": {...}}` body, or Whop's 400.
pub(crate) fn metadata_of(body: &Bytes) -> Result<Value, Answer> {
    let parsed: Value = serde_json::from_slice(body)
        .map_err(|_| bad_request(ApiFamily::V2, "The request body is not valid JSON"))?;
    match parsed.get("metadata") {
        Some(metadata @ Value::Object(_)) => Ok(metadata.clone()),
        Some(_) => Err(bad_request(ApiFamily::V2, "metadata is invalid")),
        None => Err(bad_request(ApiFamily::V2, "metadata is missing")),
    }
}
