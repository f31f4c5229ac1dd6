//! Strategies for the Current API's models ([`crate::v1`]), named as the types are:
//! `strategy::v1::membership()` makes a [`v1::Membership`].
//!
//! Times are RFC 3339 as the Current API sends them (to the millisecond, at any whole-minute
//! offset); enums include unknown values; optional fields are absent or not.

use proptest::collection::vec;
use proptest::option;
use proptest::prelude::*;
use proptest::sample::select;
use serde_json::Number;

use super::{
    company_id, json_map, license_key, membership_id, membership_status, opt_bool, opt_text,
    plan_id, product_id, rfc3339_time, text, user_id,
};
use crate::v1;

/// An access level, known or not.
pub fn access_level() -> impl Strategy<Value = v1::AccessLevel> {
    prop_oneof![
        3 => select(v1::AccessLevel::KNOWN),
        1 => "[a-z][a-z_]{0,15}".prop_map(v1::AccessLevel::from),
    ]
}

/// A member's position as sent: an integer, or a number with up to two decimals. (Not any
/// `f64`: serde_json, without its `float_roundtrip` feature, may read a 17-digit float back one
/// unit in the last place off.)
fn position() -> impl Strategy<Value = Number> {
    prop_oneof![
        any::<i64>().prop_map(Number::from),
        (-1_000_000_000i64..1_000_000_000)
            .prop_filter_map("finite", |hundredths| Number::from_f64(
                hundredths as f64 / 100.0
            )),
    ]
}

prop_compose! {
    /// The account a membership belongs to.
    pub fn account()(
        id in company_id(),
        logo_url in opt_text(),
        route in option::of("[a-z0-9-]{1,16}"),
        title in opt_text(),
    ) -> v1::Account {
        v1::Account { id, logo_url, route, title }
    }
}

prop_compose! {
    /// The caller's member record.
    pub fn member()(
        access_level in option::of(access_level()),
        last_accessed_at in option::of(rfc3339_time()),
        position in option::of(position()),
    ) -> v1::Member {
        v1::Member { access_level, last_accessed_at, position }
    }
}

prop_compose! {
    /// A membership of the Current API: absent fields and unknown statuses included.
    pub fn membership()(
        id in membership_id(),
        account in option::of(account()),
        cancel_at_period_end in opt_bool(),
        created_at in option::of(rfc3339_time()),
        current_period_end in option::of(rfc3339_time()),
        license_key in option::of(license_key()),
        member in option::of(member()),
        metadata in option::of(json_map()),
        phone_number in option::of("\\+[0-9]{6,14}"),
        plan_id in option::of(plan_id()),
        product_id in option::of(product_id()),
        status in option::of(membership_status()),
        user_id in option::of(user_id()),
    ) -> v1::Membership {
        v1::Membership {
            id,
            account,
            cancel_at_period_end,
            created_at,
            current_period_end,
            license_key,
            member,
            metadata,
            phone_number,
            plan_id,
            product_id,
            status,
            user_id,
        }
    }
}

prop_compose! {
    /// Where a page sits in a list.
    pub fn page_info()(
        end_cursor in opt_text(),
        start_cursor in opt_text(),
        has_next_page in opt_bool(),
        has_previous_page in opt_bool(),
    ) -> v1::PageInfo {
        v1::PageInfo { end_cursor, start_cursor, has_next_page, has_previous_page }
    }
}

prop_compose! {
    /// A page of the membership list: up to three memberships, `page_info` present or not.
    pub fn membership_page()(
        data in vec(membership(), 0..3),
        page_info in option::of(page_info()),
    ) -> v1::MembershipPage {
        v1::MembershipPage { data, page_info }
    }
}

prop_compose! {
    /// The inside of an error envelope, any field present or not.
    pub fn error()(
        r#type in option::of("[a-z][a-z_]{0,23}"),
        message in opt_text(),
        code in option::of(text()),
    ) -> v1::Error {
        v1::Error { r#type, message, code }
    }
}

/// An error envelope.
pub fn error_body() -> impl Strategy<Value = v1::ErrorBody> {
    error().prop_map(|error| v1::ErrorBody { error })
}

prop_compose! {
    /// A `PATCH` body: metadata, `cancel_at_period_end`, both or neither.
    pub fn update_membership()(
        metadata in option::of(json_map()),
        cancel_at_period_end in opt_bool(),
    ) -> v1::UpdateMembership {
        v1::UpdateMembership { metadata, cancel_at_period_end }
    }
}

prop_compose! {
    /// A cancel body, at period end or now, with a reason or not.
    pub fn cancel_membership()(
        cancel_at_period_end in any::<bool>(),
        reason in opt_text(),
    ) -> v1::CancelMembership {
        v1::CancelMembership { cancel_at_period_end, reason }
    }
}

prop_compose! {
    /// A pause body, with an end or not.
    pub fn pause_membership()(until in option::of(rfc3339_time())) -> v1::PauseMembership {
        v1::PauseMembership { until }
    }
}

prop_compose! {
    /// An extend body, within the 1 to 1095 days Whop accepts.
    pub fn extend_membership()(days in 1u32..=1095) -> v1::ExtendMembership {
        v1::ExtendMembership { days }
    }
}
