//! The Current API's (`/api/v1`) JSON bodies, built with `serde_json` from the mock's records:
//! the new Membership (the shape of Whop's Rust SDK at `Api-Version-Date` 2026-09-15), the
//! Legacy one (Whop's TypeScript SDK 0.0.42 and the Legacy reference pages), the list page and
//! the error body. Times are RFC 3339 text, as on the Current API.

use http::StatusCode;
use serde_json::{Value, json};
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

use crate::body::Related;
use crate::seed::MockMembership;

/// Unix seconds as RFC 3339 text; `null` for none (or a time outside what RFC 3339 can write).
pub(crate) fn iso(unix_seconds: Option<i64>) -> Value {
    unix_seconds
        .and_then(|s| OffsetDateTime::from_unix_timestamp(s).ok())
        .and_then(|t| t.format(&Rfc3339).ok())
        .map_or(Value::Null, Value::String)
}

/// The status the new resource reports: `canceling` for an active membership set to cancel at
/// the end of its period ("active and set to cancel at period end", as Whop's list filter
/// describes it); the stored status otherwise.
pub(crate) fn current_status(m: &MockMembership) -> &str {
    if m.cancel_at_period_end && m.status == "active" {
        "canceling"
    } else {
        &m.status
    }
}

/// The new resource's Membership. `member` is filled only on the buyer's own reads (a user
/// token), `null` on a seller's, as Whop documents.
pub(crate) fn current_membership(m: &MockMembership, buyer_read: bool) -> Value {
    let member = if buyer_read {
        json!({ "access_level": "customer", "last_accessed_at": null, "position": null })
    } else {
        Value::Null
    };
    json!({
        "id": m.id,
        "account": {
            "id": m.company_id,
            "logo_url": null,
            "route": m.company_id,
            "title": m.company_id,
        },
        "cancel_at_period_end": m.cancel_at_period_end,
        "created_at": iso(Some(m.created_at)),
        "current_period_end": iso(m.renewal_period_end.or(m.expires_at)),
        "license_key": m.license_key,
        "member": member,
        "metadata": m.metadata,
        "phone_number": null,
        "plan_id": m.plan_id,
        "product_id": m.product_id,
        "status": current_status(m),
        "user_id": m.user_id,
    })
}

/// The Legacy resource's Membership; a list item has no `custom_field_responses`, as in Whop's
/// SDKs.
pub(crate) fn legacy_membership(m: &MockMembership, related: &Related, list_item: bool) -> Value {
    let mut body = json!({
        "id": m.id,
        "status": m.status,
        "created_at": iso(Some(m.created_at)),
        "updated_at": iso(Some(m.canceled_at.unwrap_or(m.created_at))),
        "joined_at": iso(Some(m.created_at)),
        "cancel_at_period_end": m.cancel_at_period_end,
        "cancel_option": null,
        "canceled_at": iso(m.canceled_at),
        "cancellation_reason": m.cancellation_reason,
        "checkout_configuration_id": m.checkout_id,
        "company": { "id": m.company_id, "title": m.company_id },
        "currency": related.plan.base_currency,
        "custom_field_responses": [],
        "license_key": m.license_key,
        "manage_url": format!("https://whop.com/hub/{}/", m.id),
        "member": { "id": format!("mber_{}", m.user_id.trim_start_matches("user_")) },
        "metadata": m.metadata,
        "payment_collection_paused": m.payment_collection_paused,
        "plan": { "id": m.plan_id, "metadata": {} },
        "product": { "id": m.product_id, "title": related.product.name, "metadata": {} },
        "promo_code": m.promo_code_id.as_ref().map(|id| json!({ "id": id })),
        "renewal_period_start": iso(m.renewal_period_start),
        "renewal_period_end": iso(m.renewal_period_end),
        "user": {
            "id": related.user.id,
            "username": related.user.username,
            "name": null,
            "email": related.user.email,
        },
    });
    if list_item && let Some(object) = body.as_object_mut() {
        object.remove("custom_field_responses");
    }
    body
}

/// The `error.type` the mock sends with a status. Whop documents the shape and a few types
/// (`invalid_request`, `rate_limit_exceeded`); the rest follow the status names of Whop's SDKs.
pub(crate) fn error_type(status: StatusCode) -> &'static str {
    match status.as_u16() {
        400 => "invalid_request",
        401 => "unauthorized",
        403 => "forbidden",
        404 => "not_found",
        409 => "conflict",
        422 => "unprocessable_entity",
        429 => "rate_limit_exceeded",
        500 => "internal_server_error",
        503 => "service_unavailable",
        _ => "api_error",
    }
}

/// The v1 error body: `{"error": {"type": …, "message": …}}`.
pub(crate) fn error(status: StatusCode, message: &str) -> Value {
    json!({ "error": { "type": error_type(status), "message": message } })
}

/// The message of a v1 429: the only place Whop puts the wait.
pub(crate) fn rate_limited_message(seconds: u64) -> String {
    format!("Try again in {seconds} seconds.")
}
