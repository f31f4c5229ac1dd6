//! `PATCH /api/v1/memberships/{id}`: the metadata, and (new resource) `cancel_at_period_end`.
//!
//! - Legacy: `metadata` **replaces** the whole object (`null` clears it), as Whop's Legacy
//!   reference says.
//! - New resource: `metadata` is **merged** key by key, and `{}` clears every key, as Whop's
//!   reference says. A key sent as `null` is deleted: Whop does not document how to delete one
//!   key; this is the mock's choice. `cancel_at_period_end: true` schedules the cancel at the end
//!   of the period (on a membership that still grants access), `false` undoes a pending one.
//!
//! The body is checked whole before anything is applied: a `400` or `422` changes nothing.

use serde_json::{Map, Value};

use super::body::{Fields, check_metadata_limits};
use super::{Viewer, error};
use crate::mutation::{MembershipChange, Slot};
use crate::state::{Handled, RequestInfo, State};
use crate::version::Resource;
use http::StatusCode;

impl State {
    pub(super) fn update_v1(
        &mut self,
        resource: Resource,
        viewer: Viewer<'_>,
        slot: Slot,
        info: &RequestInfo,
    ) -> Handled {
        let fields = Fields::of(info)?;
        let sent = match fields.get("metadata") {
            None => None,
            Some(Value::Object(object)) => Some(object),
            Some(_) => {
                return Err(error(
                    StatusCode::BAD_REQUEST,
                    "metadata must be a JSON object",
                ));
            }
        };
        let current = &self.memberships()[slot];
        let metadata = match resource {
            Resource::Legacy if fields.has("metadata") => Some(sent.cloned().unwrap_or_default()),
            Resource::Legacy => None,
            Resource::Current => sent.map(|sent| merge(current.metadata.as_object(), sent)),
        };
        let cancel = match resource {
            Resource::Current => fields.bool("cancel_at_period_end")?,
            Resource::Legacy => None,
        };
        if let Some(metadata) = &metadata {
            check_metadata_limits(metadata)?;
        }
        let grants_access = current.valid;
        if let Some(metadata) = metadata {
            self.change_membership(slot, MembershipChange::Metadata(Value::Object(metadata)));
        }
        if let Some(cancel) = cancel
            && (grants_access || !cancel)
        {
            self.change_membership(slot, MembershipChange::CancelAtPeriodEnd(cancel));
        }
        Ok(self.membership_answer(resource, viewer, slot))
    }
}

/// The new resource's merge: `{}` clears everything; otherwise each key sent replaces the stored
/// one, and a key sent as `null` is removed.
fn merge(stored: Option<&Map<String, Value>>, sent: &Map<String, Value>) -> Map<String, Value> {
    if sent.is_empty() {
        return Map::new();
    }
    let mut merged = stored.cloned().unwrap_or_default();
    for (key, value) in sent {
        if value.is_null() {
            merged.remove(key);
        } else {
            merged.insert(key.clone(), value.clone());
        }
    }
    merged
}
