//! JSON bodies, built with `serde_json` from the mock's own records so that they match the real
//! bodies in Whop's docs key for key (including the `null`s), independently of our decoder.

use bytes::Bytes;
use http::{HeaderValue, Response, StatusCode, header};
use serde_json::{Value, json};

use crate::seed::{MockMembership, MockPlan, MockProduct, MockPromoCode, MockUser};

/// Which of the v2 Membership's expandable fields arrive as objects.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct Expand {
    pub(crate) product: bool,
    pub(crate) user: bool,
    pub(crate) plan: bool,
    pub(crate) promo_code: bool,
}

impl Expand {
    /// Parses a raw query string. Accepts `expand[]=a&expand[]=b` (what working clients send),
    /// `expand=a,b` (the converted spec), `expand[]=a,b` and `expand[0]=a`, percent-encoded or
    /// not. Other parameters are ignored. `Err` carries the first unknown value.
    pub(crate) fn parse(raw_query: Option<&str>) -> Result<Self, String> {
        let mut expand = Self::default();
        let Some(query) = raw_query else {
            return Ok(expand);
        };
        for pair in query.split('&') {
            let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
            let key = decode_query_part(key);
            let is_expand = key == "expand"
                || key
                    .strip_prefix("expand[")
                    .and_then(|rest| rest.strip_suffix(']'))
                    .is_some_and(|index| index.bytes().all(|b| b.is_ascii_digit()));
            if !is_expand {
                continue;
            }
            for item in decode_query_part(value).split(',') {
                match item.trim() {
                    "" => {}
                    "product" => expand.product = true,
                    "user" => expand.user = true,
                    "plan" => expand.plan = true,
                    "promo_code" => expand.promo_code = true,
                    other => return Err(other.to_owned()),
                }
            }
        }
        Ok(expand)
    }
}

pub(crate) fn decode_query_part(part: &str) -> String {
    let spaced = part.replace('+', " ");
    percent_encoding::percent_decode_str(&spaced)
        .decode_utf8_lossy()
        .into_owned()
}

/// The records a v2 body refers to, looked up (or generated) by the caller.
pub(crate) struct Related {
    pub(crate) user: MockUser,
    pub(crate) product: MockProduct,
    pub(crate) plan: MockPlan,
    pub(crate) promo_code: Option<MockPromoCode>,
}

/// The v2 Membership, keys in the order of Whop's documented bodies.
pub(crate) fn v2_membership(m: &MockMembership, related: &Related, expand: Expand) -> Value {
    let product = if expand.product {
        json!({
            "id": related.product.id,
            "name": related.product.name,
            "visibility": related.product.visibility,
            "created_at": related.product.created_at,
            "experiences": [],
            "plans": [related.plan.id],
        })
    } else {
        json!(m.product_id)
    };
    let access_pass = if expand.product {
        json!({
            "id": related.product.id,
            "name": related.product.name,
            "visibility": related.product.visibility,
            "created_at": related.product.created_at,
        })
    } else {
        json!(m.product_id)
    };
    let user = if expand.user {
        json!({
            "id": related.user.id,
            "username": related.user.username,
            "email": related.user.email,
            "profile_pic_url": related.user.profile_pic_url,
            "social_accounts": [],
            "authorized_user": null,
        })
    } else {
        json!(m.user_id)
    };
    let plan = if expand.plan {
        let p = &related.plan;
        json!({
            "id": p.id,
            "plan_type": p.plan_type,
            "release_method": "buy_now",
            "visibility": "visible",
            "billing_period": p.billing_period,
            "internal_notes": null,
            "metadata": {},
            "direct_link": format!("https://whop.com/checkout/{}?d2c=true", p.id),
            "renewal_price": p.renewal_price,
            "initial_price": p.initial_price,
            "base_currency": p.base_currency,
            "requirements": {},
            "release_method_settings": {},
            "accepted_payment_methods": ["free"],
            "stock": 0,
            "unlimited_stock": true,
            "created_at": crate::seed::DEFAULT_CREATED_AT,
            "card_payments": true,
        })
    } else {
        json!(m.plan_id)
    };
    let promo_code = match (&related.promo_code, expand.promo_code) {
        (None, _) => Value::Null,
        (Some(code), true) => json!({
            "id": code.id,
            "code": code.code,
            "amount_off": code.amount_off,
            "base_currency": "usd",
            "promo_type": code.promo_type,
            "status": "active",
            "new_users_only": false,
            "promo_duration_months": 0,
            "uses": 1,
            "unlimited_stock": true,
            "stock": 0,
            "created_at": crate::seed::DEFAULT_CREATED_AT,
            "expires_at": null,
        }),
        (Some(code), false) => json!(code.id),
    };
    let email = m
        .email
        .clone()
        .unwrap_or_else(|| related.user.email.clone());
    json!({
        "id": m.id,
        "product": product,
        "user": user,
        "plan": plan,
        "promo_code": promo_code,
        "email": email,
        "status": m.status,
        "valid": m.valid,
        "cancel_at_period_end": m.cancel_at_period_end,
        "payment_processor": m.payment_processor,
        "license_key": m.license_key,
        "metadata": m.metadata,
        "quantity": m.quantity,
        "wallet_address": m.wallet_address,
        "custom_fields_responses": {},
        "custom_fields_responses_v2": [],
        "discord": m.discord_id.as_ref().map(|id| json!({
            "id": id,
            "username": format!("{}#0001", related.user.username),
            "image_url": null,
        })),
        "nft_tokens": [],
        "expires_at": m.expires_at,
        "renewal_period_start": m.renewal_period_start,
        "renewal_period_end": m.renewal_period_end,
        "created_at": m.created_at,
        "manage_url": manage_url(m),
        "affiliate_page_url": format!("https://whop.com/{}/?a={}", m.company_id, related.user.username),
        "checkout_session": m.checkout_id,
        "affiliate_username": m.affiliate_username,
        "access_pass": access_pass,
        "deliveries": {},
        "telegram_account_id": m.telegram_account_id,
    })
}

/// The v5 MeMembership, keys as in the spec's schema.
pub(crate) fn v5_me_membership(m: &MockMembership) -> Value {
    json!({
        "id": m.id,
        "product_id": m.product_id,
        "user_id": m.user_id,
        "plan_id": m.plan_id,
        "page_id": m.page_id.as_deref().unwrap_or(&m.company_id),
        "created_at": m.created_at,
        "expires_at": m.expires_at,
        "renewal_period_start": m.renewal_period_start,
        "renewal_period_end": m.renewal_period_end,
        "quantity": m.quantity,
        "status": m.status,
        "valid": m.valid,
        "cancel_at_period_end": m.cancel_at_period_end,
        "license_key": m.license_key,
        "metadata": m.metadata,
        "checkout_id": m.checkout_id,
        "affiliate_username": m.affiliate_username,
        "manage_url": manage_url(m),
        "company_buyer_id": m.company_buyer_id,
        "marketplace": m.marketplace,
    })
}

fn manage_url(m: &MockMembership) -> String {
    format!("https://whop.com/hub/{}/", m.id)
}

/// v2 error body: `{"error":{"code":404,"message":"..."}}` (the shape of the spec's examples).
pub(crate) fn v2_error(code: u16, message: &str) -> Value {
    json!({ "error": { "code": code, "message": message } })
}

/// v5 error body: `{"message":"..."}`.
pub(crate) fn v5_error(message: &str) -> Value {
    json!({ "message": message })
}

/// The 429 body of both families.
pub(crate) const RATE_LIMITED_MESSAGE: &str = "You are being rate limited";

/// The message of the spec's 500 example.
pub(crate) const INTERNAL_ERROR_MESSAGE: &str = "Uh oh, something went wrong. This is something we need to fix, and isn't on your end. We've been notified and are working on a fix";

/// A JSON response with Whop's content type and, on v2, the `Deprecation` header.
pub(crate) fn json_response(
    status: StatusCode,
    body: &Value,
    deprecation: Option<HeaderValue>,
) -> Response<Bytes> {
    let mut response = Response::new(Bytes::from(body.to_string()));
    *response.status_mut() = status;
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json; charset=utf-8"),
    );
    if let Some(value) = deprecation {
        headers.insert("deprecation", value);
    }
    response
}
