//! Request bodies: metadata, validate-license and update-membership bodies.

use proptest::prelude::*;

use super::json_map;
use crate::{Metadata, UpdateMembershipRequest, ValidateLicenseRequest};

/// Metadata: an object of short keys and arbitrary JSON values, empty included.
pub fn metadata() -> impl Strategy<Value = Metadata> {
    json_map().prop_map(Metadata::from)
}

prop_compose! {
    /// A `validate_license` body.
    pub fn validate_license_request()(metadata in metadata()) -> ValidateLicenseRequest {
        ValidateLicenseRequest { metadata }
    }
}

prop_compose! {
    /// An `update_membership` body.
    pub fn update_membership_request()(metadata in metadata()) -> UpdateMembershipRequest {
        UpdateMembershipRequest { metadata }
    }
}
