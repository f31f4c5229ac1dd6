//! The bodies of deliveries: Whop's legacy and v1 envelopes around a mock membership.

use super::*;

/// The legacy envelope, with the v2 membership expanded as in Whop's examples.
pub(super) fn legacy_body(
    event_type: &str,
    key: &str,
    m: &MockMembership,
    related: &Related,
) -> Value {
    let expand = Expand {
        product: true,
        user: true,
        plan: true,
        promo_code: false,
    };
    let mut envelope = serde_json::Map::new();
    envelope.insert("action".to_owned(), json!(event_type));
    envelope.insert(key.to_owned(), body::v2_membership(m, related, expand));
    Value::Object(envelope)
}

/// The v1 envelope with the v1 membership.
pub(super) fn v1_body(
    event_id: &str,
    event_type: &str,
    m: &MockMembership,
    related: &Related,
) -> Value {
    let now = OffsetDateTime::now_utc();
    json!({
        "id": event_id,
        "api_version": "v1",
        "timestamp": rfc3339(now),
        "type": event_type,
        "data": v1_membership(m, related, now),
        "company_id": m.company_id,
    })
}

/// The v1 Membership, keys as in Whop's v1 `Membership` schema.
pub(super) fn v1_membership(m: &MockMembership, related: &Related, now: OffsetDateTime) -> Value {
    let at = |unix: Option<i64>| {
        unix.and_then(|s| OffsetDateTime::from_unix_timestamp(s).ok())
            .map_or(Value::Null, |t| Value::String(rfc3339(t)))
    };
    json!({
        "id": m.id,
        "cancel_at_period_end": m.cancel_at_period_end,
        "cancel_option": null,
        "canceled_at": if m.cancel_at_period_end { Value::String(rfc3339(now)) } else { Value::Null },
        "cancellation_reason": null,
        "checkout_configuration_id": m.checkout_id,
        "company": { "id": m.company_id, "title": m.company_id },
        "created_at": at(Some(m.created_at)),
        "currency": related.plan.base_currency,
        "custom_field_responses": [],
        "joined_at": at(Some(m.created_at)),
        "license_key": m.license_key,
        "manage_url": format!("https://whop.com/hub/{}/", m.id),
        "member": { "id": format!("mber_{}", m.user_id.trim_start_matches("user_")) },
        "metadata": m.metadata,
        "payment_collection_paused": false,
        "plan": { "id": m.plan_id, "metadata": {} },
        "product": { "id": m.product_id, "metadata": {}, "title": related.product.name },
        "promo_code": m.promo_code_id.as_ref().map(|id| json!({ "id": id })),
        "renewal_period_end": at(m.renewal_period_end),
        "renewal_period_start": at(m.renewal_period_start),
        "status": m.status,
        "updated_at": rfc3339(now),
        "user": {
            "id": related.user.id,
            "email": related.user.email,
            "name": null,
            "username": related.user.username,
        },
    })
}

pub(super) fn rfc3339(at: OffsetDateTime) -> String {
    at.format(&Rfc3339)
        .expect("times between 1970 and 9999 format as RFC 3339")
}
