//! v2 memberships and what hangs off them.

use proptest::collection::vec;
use proptest::option;
use proptest::prelude::*;

use super::{
    checkout_id, company_id, expandable_plan, expandable_product, expandable_promo_code,
    expandable_user, json_map, json_value, license_key, membership_id, membership_status, opt_bool,
    opt_text, opt_timestamp, payment_processor, text,
};
use serde_json::{Map, Value};
use time::OffsetDateTime;

use crate::{
    CheckoutId, CompanyId, CustomFieldResponse, Discord, Expandable, LicenseKey, Membership,
    MembershipStatus, PaymentProcessor, Plan, Product, PromoCode, User,
};

prop_compose! {
    /// A linked Discord account.
    pub fn discord()(
        id in "[0-9]{17,19}",
        username in opt_text(),
        image_url in opt_text(),
    ) -> Discord {
        Discord { id, username, image_url }
    }
}

/// A checkout question with its answer.
pub fn custom_field_response() -> BoxedStrategy<CustomFieldResponse> {
    custom_field_response_fields().boxed()
}

prop_compose! {
    fn custom_field_response_fields()(
        id in text(),
        created_at in opt_timestamp(),
        updated_at in opt_timestamp(),
        question in opt_text(),
        answer in opt_text(),
    ) -> CustomFieldResponse {
        CustomFieldResponse { id, created_at, updated_at, question, answer }
    }
}

/// A v2 membership: expanded and unexpanded relations, nulls and unknown enum values included.
pub fn membership() -> BoxedStrategy<Membership> {
    membership_fields().boxed()
}

field_group! {
    /// What was bought, from whom, by whom.
    membership_relations -> MembershipRelations {
        company_id: Option<CompanyId> = option::of(company_id()),
        product: Option<Expandable<Product>> = option::of(expandable_product()),
        access_pass: Option<Expandable<Product>> = option::of(expandable_product()),
        user: Option<Expandable<User>> = option::of(expandable_user()),
        plan: Option<Expandable<Plan>> = option::of(expandable_plan()),
        promo_code: Option<Expandable<PromoCode>> = option::of(expandable_promo_code()),
    }
}

field_group! {
    /// Where the membership stands, and for how long.
    membership_state -> MembershipState {
        status: Option<MembershipStatus> = option::of(membership_status()),
        valid: Option<bool> = opt_bool(),
        cancel_at_period_end: Option<bool> = opt_bool(),
        license_key: Option<LicenseKey> = option::of(license_key()),
        quantity: Option<u32> = option::of(0u32..1_000),
        split_pay_required_payments: Option<u32> = option::of(0u32..24),
        expires_at: Option<OffsetDateTime> = opt_timestamp(),
        renewal_period_start: Option<OffsetDateTime> = opt_timestamp(),
        renewal_period_end: Option<OffsetDateTime> = opt_timestamp(),
        created_at: Option<OffsetDateTime> = opt_timestamp(),
    }
}

field_group! {
    /// How to reach the customer.
    membership_customer -> MembershipCustomer {
        email: Option<String> = opt_text(),
        phone_number: Option<String> = opt_text(),
        wallet_address: Option<String> = opt_text(),
        discord: Option<Discord> = option::of(discord()),
        telegram_account_id: Option<String> = opt_text(),
        manage_url: Option<String> = opt_text(),
    }
}

field_group! {
    /// How the membership was paid for, and who referred the buyer.
    membership_checkout -> MembershipCheckout {
        payment_processor: Option<PaymentProcessor> = option::of(payment_processor()),
        stripe_subscription_id: Option<String> = opt_text(),
        stripe_customer_id: Option<String> = opt_text(),
        checkout_session: Option<CheckoutId> = option::of(checkout_id()),
        affiliate_username: Option<String> = opt_text(),
        affiliate_page_url: Option<String> = opt_text(),
    }
}

field_group! {
    /// Seller data and checkout answers, typed or raw.
    membership_data -> MembershipData {
        metadata: Option<Map<String, Value>> = option::of(json_map()),
        acquisition_data: Value = json_value(),
        custom_field_responses: Option<Vec<CustomFieldResponse>> =
            option::of(vec(custom_field_response(), 0..3)),
        custom_fields_responses: Value = json_value(),
        custom_fields_responses_v2: Value = json_value(),
        nft_tokens: Value = json_value(),
        deliveries: Value = json_value(),
    }
}

prop_compose! {
    fn membership_fields()(
        id in membership_id(),
        relations in membership_relations(),
        state in membership_state(),
        customer in membership_customer(),
        checkout in membership_checkout(),
        data in membership_data(),
    ) -> Membership {
        Membership {
            id,
            company_id: relations.company_id,
            product: relations.product,
            access_pass: relations.access_pass,
            user: relations.user,
            plan: relations.plan,
            promo_code: relations.promo_code,
            status: state.status,
            valid: state.valid,
            cancel_at_period_end: state.cancel_at_period_end,
            license_key: state.license_key,
            quantity: state.quantity,
            split_pay_required_payments: state.split_pay_required_payments,
            expires_at: state.expires_at,
            renewal_period_start: state.renewal_period_start,
            renewal_period_end: state.renewal_period_end,
            created_at: state.created_at,
            email: customer.email,
            phone_number: customer.phone_number,
            wallet_address: customer.wallet_address,
            discord: customer.discord,
            telegram_account_id: customer.telegram_account_id,
            manage_url: customer.manage_url,
            payment_processor: checkout.payment_processor,
            stripe_subscription_id: checkout.stripe_subscription_id,
            stripe_customer_id: checkout.stripe_customer_id,
            checkout_session: checkout.checkout_session,
            affiliate_username: checkout.affiliate_username,
            affiliate_page_url: checkout.affiliate_page_url,
            metadata: data.metadata,
            acquisition_data: data.acquisition_data,
            custom_field_responses: data.custom_field_responses,
            custom_fields_responses: data.custom_fields_responses,
            custom_fields_responses_v2: data.custom_fields_responses_v2,
            nft_tokens: data.nft_tokens,
            deliveries: data.deliveries,
        }
    }
}
