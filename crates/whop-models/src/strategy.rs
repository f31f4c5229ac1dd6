//! Proptest strategies for every type in this crate (feature `proptest`).
//!
//! They produce values the API could plausibly send: prefixed IDs, known and unknown enum
//! values, whole-second timestamps in the spec's `int32` range (1970 to 2038), expanded and unexpanded fields, and
//! absent optional fields. Use them to property-test code that consumes these models.
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

use proptest::collection::{btree_map, vec};
use proptest::option;
use proptest::prelude::*;
use proptest::sample::select;
use serde_json::{Map, Value};
use time::OffsetDateTime;

use crate::{
    Amount, CheckoutId, CompanyBuyerId, CompanyId, CustomFieldResponse, Discord, ErrorBody,
    ErrorCode, Expand, ExpandSet, Expandable, ExperienceId, LicenseKey, MeMembership, Membership,
    MembershipId, MembershipRef, MembershipStatus, Object, PageId, PaymentProcessor, Plan, PlanId,
    PlanType, Product, ProductId, PromoCode, PromoCodeId, PromoCodeStatus, PromoDuration,
    PromoType, ReleaseMethod, SocialAccount, User, UserId, V2Error, V2ErrorBody, V5ErrorBody,
    Visibility,
};

/// Latest timestamp generated: the v2 spec types timestamps as `int32`, so 2038-01-19.
const LAST_TIMESTAMP: i64 = i32::MAX as i64;

/// Short free text, any printable characters.
pub fn text() -> impl Strategy<Value = String> {
    "\\PC{0,16}"
}

fn prefixed(prefixes: &'static [&'static str]) -> impl Strategy<Value = String> {
    (select(prefixes), "[A-Za-z0-9]{1,16}").prop_map(|(prefix, rest)| format!("{prefix}_{rest}"))
}

macro_rules! id_strategy {
    ($(#[$meta:meta])* $fn_name:ident -> $ty:ident, $prefixes:expr) => {
        $(#[$meta])*
        pub fn $fn_name() -> impl Strategy<Value = $ty> {
            prefixed($prefixes).prop_map(|s| $ty::new(s).expect("generated IDs are not empty"))
        }
    };
}

id_strategy!(
    /// A membership ID (`mem_…`).
    membership_id -> MembershipId, &["mem"]
);
id_strategy!(
    /// A user ID (`user_…`).
    user_id -> UserId, &["user"]
);
id_strategy!(
    /// A plan ID (`plan_…`).
    plan_id -> PlanId, &["plan"]
);
id_strategy!(
    /// A product ID (`prod_…` or `pass_…`).
    product_id -> ProductId, &["prod", "pass"]
);
id_strategy!(
    /// A page ID (`page_…` or `biz_…`, as real bodies carry both).
    page_id -> PageId, &["page", "biz"]
);
id_strategy!(
    /// A company ID (`biz_…`).
    company_id -> CompanyId, &["biz"]
);
id_strategy!(
    /// A checkout ID (`ch_…`).
    checkout_id -> CheckoutId, &["ch"]
);
id_strategy!(
    /// A promo code ID (`promo_…`).
    promo_code_id -> PromoCodeId, &["promo"]
);
id_strategy!(
    /// An experience ID (`exp_…`).
    experience_id -> ExperienceId, &["exp"]
);

/// A license key: any non-empty text, including characters that need escaping in a URL.
pub fn license_key() -> impl Strategy<Value = LicenseKey> {
    prop_oneof!["[A-Z0-9]{1,8}(-[A-Z0-9]{4,8}){0,3}", "\\PC{1,24}",]
        .prop_map(|s| LicenseKey::new(s).expect("generated keys are not empty"))
}

/// A membership reference: a `mem_` ID, or a license key that does not look like one.
pub fn membership_ref() -> impl Strategy<Value = MembershipRef> {
    prop_oneof![
        membership_id().prop_map(MembershipRef::Id),
        license_key()
            .prop_filter("a license key must not look like a membership ID", |k| {
                !k.as_str().starts_with("mem_")
            })
            .prop_map(MembershipRef::LicenseKey),
    ]
}

/// A timestamp in whole seconds between 1970 and 2038 (the spec's `int32` range).
pub fn timestamp() -> impl Strategy<Value = OffsetDateTime> {
    (0..=LAST_TIMESTAMP)
        .prop_map(|s| OffsetDateTime::from_unix_timestamp(s).expect("in range by construction"))
}

/// A decimal amount as Whop writes prices (`"0.0"`, `"19.99"`).
pub fn amount() -> impl Strategy<Value = Amount> {
    "[0-9]{1,5}\\.[0-9]{1,2}".prop_map(Amount::new)
}

/// Arbitrary JSON without floats (floats are not needed to exercise the raw fields).
pub fn json_value() -> BoxedStrategy<Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        text().prop_map(Value::String),
    ];
    leaf.prop_recursive(3, 16, 4, |inner| {
        prop_oneof![
            vec(inner.clone(), 0..4).prop_map(Value::Array),
            btree_map("[a-z_]{1,8}", inner, 0..4)
                .prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    })
    .boxed()
}

/// A metadata map: string keys, arbitrary JSON values.
pub fn json_map() -> BoxedStrategy<Map<String, Value>> {
    btree_map("[a-z_]{1,8}", json_value(), 0..4)
        .prop_map(|m| m.into_iter().collect())
        .boxed()
}

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

/// Either the ID or the expanded object, half of the time each.
pub fn expandable<T, I, O>(id: I, object: O) -> impl Strategy<Value = Expandable<T>>
where
    T: Object + fmt::Debug + Clone,
    I: Strategy<Value = T::Id>,
    O: Strategy<Value = T>,
{
    prop_oneof![
        id.prop_map(Expandable::Id),
        object.prop_map(Expandable::from)
    ]
}

use std::fmt;

/// An expanded product.
pub fn product() -> BoxedStrategy<Product> {
    (
        product_id(),
        option::of(text()),
        option::of(text()),
        option::of(visibility()),
        option::of(timestamp()),
        option::of(company_id()),
        option::of(vec(experience_id(), 0..3)),
        option::of(vec(plan_id(), 0..3)),
    )
        .prop_map(
            |(id, title, name, visibility, created_at, company_id, experiences, plans)| Product {
                id,
                title,
                name,
                visibility,
                created_at,
                company_id,
                experiences,
                plans,
            },
        )
        .boxed()
}

/// A product ID or an expanded product.
pub fn expandable_product() -> BoxedStrategy<Expandable<Product>> {
    expandable(product_id(), product()).boxed()
}

/// A linked social account.
pub fn social_account() -> impl Strategy<Value = SocialAccount> {
    (text(), option::of(text()), option::of(text())).prop_map(|(id, service, username)| {
        SocialAccount {
            id,
            service,
            username,
        }
    })
}

/// An expanded user.
pub fn user() -> BoxedStrategy<User> {
    (
        user_id(),
        option::of(text()),
        option::of(text()),
        option::of(text()),
        option::of(text()),
        option::of(vec(social_account(), 0..3)),
        json_value(),
        json_value(),
    )
        .prop_map(
            |(
                id,
                name,
                username,
                email,
                profile_pic_url,
                social_accounts,
                roles,
                authorized_user,
            )| {
                User {
                    id,
                    name,
                    username,
                    email,
                    profile_pic_url,
                    social_accounts,
                    roles,
                    authorized_user,
                }
            },
        )
        .boxed()
}

/// A user ID or an expanded user.
pub fn expandable_user() -> BoxedStrategy<Expandable<User>> {
    expandable(user_id(), user()).boxed()
}

fn opt_count() -> impl Strategy<Value = Option<i64>> {
    option::of(0i64..100_000)
}

fn opt_bool() -> impl Strategy<Value = Option<bool>> {
    option::of(any::<bool>())
}

/// An expanded plan.
pub fn plan() -> BoxedStrategy<Plan> {
    let head = (
        plan_id(),
        option::of(company_id()),
        option::of(expandable_product()),
        option::of(plan_type()),
        option::of(release_method()),
        option::of(visibility()),
        opt_count(),
        option::of(text()),
        option::of(text()),
        option::of(json_map()),
        option::of(text()),
        option::of(amount()),
    );
    let middle = (
        option::of(amount()),
        option::of("[a-z]{3}"),
        json_value(),
        json_value(),
        option::of(vec(payment_processor(), 0..4)),
        opt_count(),
        opt_bool(),
        option::of(timestamp()),
        option::of(expandable_product()),
        opt_bool(),
        json_value(),
        option::of(text()),
    );
    let tail = (
        (opt_bool(), opt_bool(), opt_bool(), opt_bool()),
        (opt_count(), opt_count(), opt_bool(), opt_bool()),
        (option::of(text()), opt_count(), opt_bool(), opt_count()),
        (opt_bool(), opt_bool(), opt_count(), opt_count()),
        (opt_bool(), opt_bool(), option::of(text())),
    );
    (head, middle, tail)
        .prop_map(|(h, m, t)| {
            let (id, company_id, product, plan_type, release_method, visibility, billing_period) =
                (h.0, h.1, h.2, h.3, h.4, h.5, h.6);
            let (internal_notes, payment_link_description, metadata, direct_link, renewal_price) =
                (h.7, h.8, h.9, h.10, h.11);
            let (
                allow_multiple_quantity,
                coinbase_commerce_accepted,
                splitit_accepted,
                platform_balance_accepted,
            ) = t.0;
            let (expiration_days, grace_period_days, one_per_user, refillable) = t.1;
            let (short_link, trial_period_days, paypal_accepted, split_pay_required_payments) = t.2;
            let (
                ach_payments,
                cancel_collab_passes,
                cancel_discount_intervals,
                cancel_discount_percentage,
            ) = t.3;
            let (offer_cancel_discount, one_per_company, override_tax_type) = t.4;
            Plan {
                id,
                company_id,
                product,
                plan_type,
                release_method,
                visibility,
                billing_period,
                internal_notes,
                payment_link_description,
                metadata,
                direct_link,
                renewal_price,
                initial_price: m.0,
                base_currency: m.1,
                requirements: m.2,
                release_method_settings: m.3,
                accepted_payment_methods: m.4,
                stock: m.5,
                unlimited_stock: m.6,
                created_at: m.7,
                access_pass: m.8,
                card_payments: m.9,
                custom_fields: m.10,
                description: m.11,
                allow_multiple_quantity,
                coinbase_commerce_accepted,
                splitit_accepted,
                platform_balance_accepted,
                expiration_days,
                grace_period_days,
                one_per_user,
                refillable,
                short_link,
                trial_period_days,
                paypal_accepted,
                split_pay_required_payments,
                ach_payments,
                cancel_collab_passes,
                cancel_discount_intervals,
                cancel_discount_percentage,
                offer_cancel_discount,
                one_per_company,
                override_tax_type,
            }
        })
        .boxed()
}

/// A plan ID or an expanded plan.
pub fn expandable_plan() -> BoxedStrategy<Expandable<Plan>> {
    expandable(plan_id(), plan()).boxed()
}

/// An expanded promo code.
pub fn promo_code() -> BoxedStrategy<PromoCode> {
    let head = (
        promo_code_id(),
        json_value(),
        option::of(amount()),
        option::of("[a-z]{3}"),
        option::of(text()),
        opt_bool(),
        opt_count(),
        json_value(),
        option::of(promo_type()),
    );
    let tail = (
        option::of(promo_code_status()),
        opt_count(),
        opt_bool(),
        opt_count(),
        option::of(timestamp()),
        option::of(timestamp()),
        option::of(json_map()),
        option::of(promo_duration()),
        opt_bool(),
    );
    (head, tail)
        .prop_map(|(h, t)| PromoCode {
            id: h.0,
            plans: h.1,
            amount_off: h.2,
            base_currency: h.3,
            code: h.4,
            new_users_only: h.5,
            number_of_intervals: h.6,
            plan_ids: h.7,
            promo_type: h.8,
            status: t.0,
            stock: t.1,
            unlimited_stock: t.2,
            uses: t.3,
            created_at: t.4,
            expiration_datetime: t.5,
            metadata: t.6,
            duration: t.7,
            existing_memberships_only: t.8,
        })
        .boxed()
}

/// A promo code ID or an expanded promo code.
pub fn expandable_promo_code() -> BoxedStrategy<Expandable<PromoCode>> {
    expandable(promo_code_id(), promo_code()).boxed()
}

/// A linked Discord account.
pub fn discord() -> impl Strategy<Value = Discord> {
    ("[0-9]{17,19}", option::of(text()), option::of(text())).prop_map(
        |(id, username, image_url)| Discord {
            id,
            username,
            image_url,
        },
    )
}

/// A checkout question with its answer.
pub fn custom_field_response() -> BoxedStrategy<CustomFieldResponse> {
    (
        text(),
        option::of(timestamp()),
        option::of(timestamp()),
        option::of(text()),
        option::of(text()),
    )
        .prop_map(
            |(id, created_at, updated_at, question, answer)| CustomFieldResponse {
                id,
                created_at,
                updated_at,
                question,
                answer,
            },
        )
        .boxed()
}

/// A v2 membership: expanded and unexpanded relations, nulls and unknown enum values included.
pub fn membership() -> BoxedStrategy<Membership> {
    let relations = (
        membership_id(),
        option::of(company_id()),
        option::of(expandable_product()),
        option::of(expandable_user()),
        option::of(expandable_plan()),
        option::of(expandable_promo_code()),
        option::of(expandable_product()),
    );
    let state = (
        option::of(text()),
        option::of(text()),
        option::of(text()),
        option::of(membership_status()),
        opt_bool(),
        opt_bool(),
        option::of(payment_processor()),
        option::of(license_key()),
        option::of(json_map()),
        json_value(),
        option::of(0u32..1_000),
        option::of(text()),
    );
    let extras = (
        option::of(vec(custom_field_response(), 0..3)),
        json_value(),
        json_value(),
        option::of(discord()),
        json_value(),
        (
            option::of(timestamp()),
            option::of(timestamp()),
            option::of(timestamp()),
            option::of(timestamp()),
        ),
        option::of(text()),
        option::of(text()),
        option::of(checkout_id()),
        option::of(text()),
        (option::of(text()), option::of(text()), option::of(0u32..24)),
        json_value(),
    );
    (relations, state, extras)
        .prop_map(|(r, s, e)| {
            let (expires_at, renewal_period_start, renewal_period_end, created_at) = e.5;
            let (telegram_account_id, phone_number, split_pay_required_payments) = e.10;
            Membership {
                id: r.0,
                company_id: r.1,
                product: r.2,
                user: r.3,
                plan: r.4,
                promo_code: r.5,
                access_pass: r.6,
                email: s.0,
                stripe_subscription_id: s.1,
                stripe_customer_id: s.2,
                status: s.3,
                valid: s.4,
                cancel_at_period_end: s.5,
                payment_processor: s.6,
                license_key: s.7,
                metadata: s.8,
                acquisition_data: s.9,
                quantity: s.10,
                wallet_address: s.11,
                custom_field_responses: e.0,
                custom_fields_responses: e.1,
                custom_fields_responses_v2: e.2,
                discord: e.3,
                nft_tokens: e.4,
                expires_at,
                renewal_period_start,
                renewal_period_end,
                created_at,
                manage_url: e.6,
                affiliate_page_url: e.7,
                checkout_session: e.8,
                affiliate_username: e.9,
                telegram_account_id,
                phone_number,
                split_pay_required_payments,
                deliveries: e.11,
            }
        })
        .boxed()
}

/// A `company_buyer_id` in either published shape.
pub fn company_buyer_id() -> impl Strategy<Value = CompanyBuyerId> {
    prop_oneof![
        company_id().prop_map(CompanyBuyerId::Id),
        any::<i64>().prop_map(|n| CompanyBuyerId::Number(n.into())),
        any::<u64>().prop_map(|n| CompanyBuyerId::Number(n.into())),
    ]
}

/// A v5 membership, in either published schema's shape.
pub fn me_membership() -> BoxedStrategy<MeMembership> {
    let ids = (
        membership_id(),
        product_id(),
        option::of(user_id()),
        plan_id(),
        page_id(),
        timestamp(),
        option::of(timestamp()),
        option::of(timestamp()),
        option::of(timestamp()),
        0u32..1_000,
    );
    let rest = (
        option::of(membership_status()),
        any::<bool>(),
        opt_bool(),
        option::of(license_key()),
        option::of(json_map()),
        option::of(checkout_id()),
        option::of(text()),
        text(),
        option::of(company_buyer_id()),
        opt_bool(),
    );
    (ids, rest)
        .prop_map(|(i, r)| MeMembership {
            id: i.0,
            product_id: i.1,
            user_id: i.2,
            plan_id: i.3,
            page_id: i.4,
            created_at: i.5,
            expires_at: i.6,
            renewal_period_start: i.7,
            renewal_period_end: i.8,
            quantity: i.9,
            status: r.0,
            valid: r.1,
            cancel_at_period_end: r.2,
            license_key: r.3,
            metadata: r.4,
            checkout_id: r.5,
            affiliate_username: r.6,
            manage_url: r.7,
            company_buyer_id: r.8,
            marketplace: r.9,
        })
        .boxed()
}

/// A v2 error code: an integer or a string.
pub fn error_code() -> impl Strategy<Value = ErrorCode> {
    prop_oneof![
        (100i64..600).prop_map(ErrorCode::Number),
        any::<i64>().prop_map(ErrorCode::Number),
        text().prop_map(ErrorCode::Text),
    ]
}

/// A v2 error body, with `status`, `code`, both or neither.
pub fn v2_error_body() -> impl Strategy<Value = V2ErrorBody> {
    (
        option::of(error_code()),
        option::of(error_code()),
        option::of(text()),
    )
        .prop_map(|(status, code, message)| V2ErrorBody {
            error: V2Error {
                status,
                code,
                message,
            },
        })
}

/// A v5 error body.
pub fn v5_error_body() -> impl Strategy<Value = V5ErrorBody> {
    option::of(text()).prop_map(|message| V5ErrorBody { message })
}

/// An error body that [`ErrorBody::parse`] recognises (a v5 body needs its message for that).
pub fn error_body() -> impl Strategy<Value = ErrorBody> {
    prop_oneof![
        v2_error_body().prop_map(ErrorBody::V2),
        text().prop_map(|m| ErrorBody::V5(V5ErrorBody { message: Some(m) })),
    ]
}

// Strategies for the v1 membership (the data of v1 webhooks), in a file of their own.
mod v1;
pub use v1::*;
