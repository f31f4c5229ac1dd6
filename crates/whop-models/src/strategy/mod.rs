//! Proptest strategies for every type in this crate (feature `proptest`).
//!
//! They produce values the API could plausibly send: prefixed IDs, known and unknown enum
//! values, whole-second timestamps in the spec's `int32` range (1970 to 2038) for v2/v5 and
//! RFC 3339 times to the millisecond for the Current API, expanded and unexpanded fields, and
//! absent optional fields. Use them to property-test code that consumes these models.
//!
//! The Current API's models have theirs in [`v1`], named as the types are
//! (`strategy::v1::membership()` for [`crate::v1::Membership`]); the flat `v1_membership()` is
//! the Legacy resource's [`crate::V1Membership`].
//!
//! Every strategy builds its struct from named fields (`prop_compose!`), one binding a field, so
//! no two fields can swap strategies unnoticed.
//!
//! ```
//! use proptest::prelude::*;
//! use whop_models::strategy;
//!
//! // Your own logic under test.
//! fn access_label(m: &whop_models::Membership) -> &'static str {
//!     if m.is_valid() { "let in" } else { "keep out" }
//! }
//!
//! proptest!(|(membership in strategy::membership())| {
//!     let label = access_label(&membership);
//!     prop_assert!(label == "let in" || label == "keep out");
//!     // Every generated membership survives a trip through JSON.
//!     let bytes = whop_models::encode(&membership).unwrap();
//!     prop_assert_eq!(whop_models::decode::<whop_models::Membership>(&bytes).unwrap(), membership);
//! });
//! ```

/// Declares a private struct holding some of a model's fields, and a strategy for it.
///
/// `prop_compose!` nests its bindings in pairs past ten, and the plan's 43 fields composed that
/// way overflowed a test thread's stack in a debug build. So a model with more than ten fields
/// is built from a few such groups: each field is named in its group and again where the model
/// is built, never reached by position; the compiler flags a model field left unset and a group
/// field left unread.
macro_rules! field_group {
    (
        $(#[$meta:meta])*
        $strategy:ident -> $group:ident {
            $($field:ident: $ty:ty = $value:expr,)+
        }
    ) => {
        $(#[$meta])*
        #[derive(Debug)]
        struct $group {
            $($field: $ty,)+
        }

        prop_compose! {
            fn $strategy()($($field in $value),+) -> $group {
                $group { $($field),+ }
            }
        }
    };
}

mod enums;
mod errors;
mod expandable;
mod ids;
mod me_membership;
mod membership;
mod pagination;
mod plan;
mod product;
mod promo_code;
mod requests;
mod user;
mod values;

pub use enums::{
    expand, expand_set, membership_status, payment_processor, plan_type, promo_code_status,
    promo_duration, promo_type, release_method, visibility,
};
pub use errors::{error_body, error_code, v2_error_body, v5_error_body};
pub use expandable::expandable;
pub use ids::{
    checkout_id, company_id, experience_id, license_key, membership_id, membership_ref, page_id,
    plan_id, product_id, promo_code_id, user_id,
};
pub use me_membership::{company_buyer_id, me_membership};
pub use membership::{custom_field_response, discord, membership};
pub use pagination::{me_membership_page, membership_page, v2_pagination, v5_pagination};
pub use plan::{expandable_plan, plan};
pub use product::{expandable_product, product};
pub use promo_code::{expandable_promo_code, promo_code};
pub use requests::{metadata, update_membership_request, validate_license_request};
pub use user::{expandable_user, social_account, user};
pub use values::{amount, json_map, json_value, text, timestamp};

use values::{opt_bool, opt_count, opt_currency, opt_text, opt_timestamp};

// Strategies for the Legacy resource's `V1Membership`, in a file of their own.
mod v1_membership;
pub use v1_membership::*;

pub mod v1;
