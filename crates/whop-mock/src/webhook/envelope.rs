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

/// The v1 envelope. Unpinned: `api_version_date: null`, `company_id` and the 2025 Legacy
/// membership. Pinned: the date, `account_id` and the Current API's membership, and on
/// `membership.updated` after a change, `previous_attributes`: each top-level attribute that
/// differs, with its value before.
pub(super) fn v1_body(
    event_id: &str,
    event_type: &str,
    envelope: Envelope<'_>,
    before: Option<&MockMembership>,
    m: &MockMembership,
    related: &Related,
) -> Value {
    let now = OffsetDateTime::now_utc();
    let mut body = json!({
        "id": event_id,
        "api_version": "v1",
        "api_version_date": null,
        "timestamp": rfc3339(now),
        "type": event_type,
    });
    let fields = match envelope {
        Envelope::V1Pinned(date) => {
            let data = current_membership(m);
            let previous = before
                .filter(|_| event_type == UPDATED)
                .map(|before| previous_attributes(&current_membership(before), &data));
            let mut fields = json!({
                "api_version_date": date,
                "data": data,
                "account_id": m.company_id,
            });
            if let Some(previous) = previous {
                fields["previous_attributes"] = previous;
            }
            fields
        }
        Envelope::Legacy | Envelope::V1Unpinned => json!({
            "data": v1_membership(m, related, now),
            "company_id": m.company_id,
        }),
    };
    if let (Value::Object(body), Value::Object(fields)) = (&mut body, fields) {
        body.extend(fields);
    }
    body
}

/// Each top-level key of `before` whose value `after` does not share, with its value before.
fn previous_attributes(before: &Value, after: &Value) -> Value {
    let Value::Object(before) = before else {
        return Value::Object(serde_json::Map::new());
    };
    before
        .iter()
        .filter(|(key, value)| after.get(key.as_str()) != Some(*value))
        .map(|(key, value)| (key.clone(), value.clone()))
        .collect::<serde_json::Map<_, _>>()
        .into()
}

/// The Current API's Membership (`Api-Version-Date` 2026-09-15): keys as in Whop's Rust SDK's
/// `Membership`. `member` is `null`, as on every read but the buyer's own.
pub(super) fn current_membership(m: &MockMembership) -> Value {
    json!({
        "id": m.id,
        "account": {
            "id": m.company_id,
            "logo_url": null,
            "route": m.company_id,
            "title": m.company_id,
        },
        "cancel_at_period_end": m.cancel_at_period_end,
        "created_at": at(Some(m.created_at)),
        "current_period_end": at(m.renewal_period_end),
        "license_key": m.license_key,
        "member": null,
        "metadata": m.metadata,
        "phone_number": null,
        "plan_id": m.plan_id,
        "product_id": m.product_id,
        "status": m.status,
        "user_id": m.user_id,
    })
}

/// Unix seconds as RFC 3339 text, `null` when absent.
fn at(unix: Option<i64>) -> Value {
    unix.and_then(|s| OffsetDateTime::from_unix_timestamp(s).ok())
        .map_or(Value::Null, |t| Value::String(rfc3339(t)))
}

/// The 2025 Legacy v1 Membership, keys as in Whop's Legacy `Membership` schema.
pub(super) fn v1_membership(m: &MockMembership, related: &Related, now: OffsetDateTime) -> Value {
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
