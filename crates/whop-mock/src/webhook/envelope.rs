//! The bodies of deliveries: Whop's legacy and v1 envelopes around a mock membership.

use super::*;
use crate::v1_body::{current_membership, legacy_membership};

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

/// The v1 envelope. With the Legacy membership (unpinned, or pinned to the Legacy date): the
/// date or `null`, `company_id`. Pinned to a date of the new resource: the date, `account_id`,
/// the Current API's membership, and on a `membership.updated` sent for a change,
/// `previous_attributes`: each top-level attribute the change altered, with its value before
/// (left out when the new resource shows none, as for a pause).
pub(super) fn v1_body(
    event_id: &str,
    event_type: &str,
    envelope: Envelope<'_>,
    before: Option<&MockMembership>,
    m: &MockMembership,
    related: &Related,
) -> Value {
    let mut body = json!({
        "id": event_id,
        "api_version": "v1",
        "timestamp": rfc3339(OffsetDateTime::now_utc()),
        "type": event_type,
    });
    let fields = match envelope {
        Envelope::V1Current(date) => {
            let data = current_membership(m, false);
            let previous = before
                .filter(|_| event_type == UPDATED)
                .map(|before| previous_attributes(&current_membership(before, false), &data))
                .filter(|previous| !previous.is_empty());
            json!({
                "api_version_date": date,
                "data": data,
                "account_id": m.company_id,
                "previous_attributes": previous,
            })
        }
        Envelope::Legacy | Envelope::V1LegacyShape(_) => {
            let date = match envelope {
                Envelope::V1LegacyShape(date) => date,
                _ => None,
            };
            json!({
                "api_version_date": date,
                "data": legacy_membership(m, related, false),
                "company_id": m.company_id,
            })
        }
    };
    if let (Value::Object(body), Value::Object(fields)) = (&mut body, fields) {
        body.extend(fields.into_iter().filter(|(key, value)| {
            // `api_version_date` is sent as null when unpinned; an absent `previous_attributes`
            // is left out.
            key == "api_version_date" || !value.is_null()
        }));
    }
    body
}

/// Each top-level key of `before` whose value `after` does not share, with its value before.
fn previous_attributes(before: &Value, after: &Value) -> serde_json::Map<String, Value> {
    let Value::Object(before) = before else {
        return serde_json::Map::new();
    };
    before
        .iter()
        .filter(|(key, value)| after.get(key.as_str()) != Some(*value))
        .map(|(key, value)| (key.clone(), value.clone()))
        .collect()
}

pub(super) fn rfc3339(at: OffsetDateTime) -> String {
    at.format(&Rfc3339)
        .expect("times between 1970 and 9999 format as RFC 3339")
}
