//! The API's string enums, known values and unknown ones; and expand choices.

use proptest::collection::vec;
use proptest::prelude::*;
use proptest::sample::select;

use crate::{
    Expand, ExpandSet, MembershipStatus, PaymentProcessor, PlanType, PromoCodeStatus,
    PromoDuration, PromoType, ReleaseMethod, Visibility,
};

macro_rules! enum_strategy {
    ($(#[$meta:meta])* $fn_name:ident -> $ty:ident) => {
        $(#[$meta])*
        pub fn $fn_name() -> impl Strategy<Value = $ty> {
            prop_oneof![
                3 => select($ty::KNOWN),
                1 => "[a-z][a-z_]{0,15}".prop_map($ty::from),
            ]
        }
    };
}

enum_strategy!(
    /// A membership status, known or not.
    membership_status -> MembershipStatus
);
enum_strategy!(
    /// A payment processor, known or not.
    payment_processor -> PaymentProcessor
);
enum_strategy!(
    /// A product or plan visibility, known or not.
    visibility -> Visibility
);
enum_strategy!(
    /// A plan type, known or not.
    plan_type -> PlanType
);
enum_strategy!(
    /// A plan release method, known or not.
    release_method -> ReleaseMethod
);
enum_strategy!(
    /// A promo type, known or not.
    promo_type -> PromoType
);
enum_strategy!(
    /// A promo code status, known or not.
    promo_code_status -> PromoCodeStatus
);
enum_strategy!(
    /// A promo duration, known or not.
    promo_duration -> PromoDuration
);

/// One expand choice.
pub fn expand() -> impl Strategy<Value = Expand> {
    select(Expand::ALL.to_vec())
}

/// Any set of expand choices.
pub fn expand_set() -> impl Strategy<Value = ExpandSet> {
    vec(expand(), 0..6).prop_map(|v| v.into_iter().collect())
}
