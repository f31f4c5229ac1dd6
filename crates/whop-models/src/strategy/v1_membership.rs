//! Strategies for the 2025 Legacy resource's membership ([`V1Membership`](crate::V1Membership)) and its
//! nested objects.

use proptest::collection::vec;
use proptest::option;
use proptest::prelude::*;
use time::{OffsetDateTime, UtcOffset};

use super::{
    company_id, json_map, license_key, membership_id, membership_status, plan_id, product_id,
    promo_code_id, text, timestamp, user_id,
};
use crate::{
    V1Company, V1CustomFieldResponse, V1Member, V1Membership, V1Plan, V1Product, V1PromoCode,
    V1User,
};

prop_compose! {
    /// An RFC 3339 time as the v1 API sends it: 1970 to 2038, to the millisecond, at any
    /// whole-minute UTC offset.
    pub fn rfc3339_time()(
        at in timestamp(),
        millis in 0u16..1000,
        offset_minutes in -(12 * 60)..=(14 * 60),
    ) -> OffsetDateTime {
        let offset = UtcOffset::from_whole_seconds(offset_minutes * 60)
            .expect("within ±14 h by construction");
        at.replace_millisecond(millis)
            .expect("a millisecond below 1000")
            .to_offset(offset)
    }
}

prop_compose! {
    /// The company of a v1 membership.
    pub fn v1_company()(id in company_id(), title in option::of(text())) -> V1Company {
        V1Company { id, title }
    }
}

prop_compose! {
    /// The member record of a v1 membership.
    pub fn v1_member()(id in "mber_[A-Za-z0-9]{1,16}") -> V1Member {
        V1Member { id }
    }
}

prop_compose! {
    /// The plan of a v1 membership.
    pub fn v1_plan()(id in plan_id(), metadata in option::of(json_map())) -> V1Plan {
        V1Plan { id, metadata }
    }
}

prop_compose! {
    /// The product of a v1 membership.
    pub fn v1_product()(
        id in product_id(),
        metadata in option::of(json_map()),
        title in option::of(text()),
    ) -> V1Product {
        V1Product { id, metadata, title }
    }
}

prop_compose! {
    /// The promo code of a v1 membership.
    pub fn v1_promo_code()(id in promo_code_id()) -> V1PromoCode {
        V1PromoCode { id: id.into_string() }
    }
}

prop_compose! {
    /// The customer of a v1 membership.
    pub fn v1_user()(
        id in user_id(),
        email in option::of(text()),
        name in option::of(text()),
        username in option::of(text()),
    ) -> V1User {
        V1User { id, email, name, username }
    }
}

prop_compose! {
    /// A checkout question of a v1 membership with its answer.
    pub fn v1_custom_field_response()(
        id in text(),
        answer in option::of(text()),
        question in option::of(text()),
    ) -> V1CustomFieldResponse {
        V1CustomFieldResponse { id, answer, question }
    }
}

prop_compose! {
    /// The relations and state of a v1 membership; [`v1_membership`] adds the rest.
    fn v1_membership_core()(
        id in membership_id(),
        company in option::of(v1_company()),
        member in option::of(v1_member()),
        plan in option::of(v1_plan()),
        product in option::of(v1_product()),
        promo_code in option::of(v1_promo_code()),
        user in option::of(v1_user()),
        status in option::of(membership_status()),
        cancel_at_period_end in option::of(any::<bool>()),
        payment_collection_paused in option::of(any::<bool>()),
        license_key in option::of(license_key()),
        metadata in option::of(json_map()),
    ) -> V1Membership {
        V1Membership {
            company,
            member,
            plan,
            product,
            promo_code,
            user,
            status,
            cancel_at_period_end,
            payment_collection_paused,
            license_key,
            metadata,
            ..V1Membership::with_id(id)
        }
    }
}

prop_compose! {
    /// A v1 membership: nested objects, RFC 3339 times, absent fields and unknown statuses
    /// included.
    pub fn v1_membership()(
        core in v1_membership_core(),
        canceled_at in option::of(rfc3339_time()),
        created_at in option::of(rfc3339_time()),
        joined_at in option::of(rfc3339_time()),
        renewal_period_start in option::of(rfc3339_time()),
        renewal_period_end in option::of(rfc3339_time()),
        updated_at in option::of(rfc3339_time()),
        cancel_option in option::of("[a-z_]{1,16}"),
        cancellation_reason in option::of(text()),
        checkout_configuration_id in option::of("ch_[A-Za-z0-9]{1,16}"),
        currency in option::of("[a-z]{3}"),
        custom_field_responses in option::of(vec(v1_custom_field_response(), 0..3)),
        manage_url in option::of(text()),
    ) -> V1Membership {
        V1Membership {
            canceled_at,
            created_at,
            joined_at,
            renewal_period_start,
            renewal_period_end,
            updated_at,
            cancel_option,
            cancellation_reason,
            checkout_configuration_id,
            currency,
            custom_field_responses,
            manage_url,
            ..core
        }
    }
}
