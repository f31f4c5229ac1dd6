//! The Current API's membership (`whop_models::v1::Membership`) for people: aligned rows, and one
//! row of a listing in the same columns as the legacy ones.

use time::OffsetDateTime;
use whop_models::v1::Membership;

use super::{Rows, cancel_words, metadata, or_dash, row, when};

/// A Current API membership, as rows.
pub(crate) fn membership(m: &Membership, now: OffsetDateTime) -> String {
    let mut rows = Rows::default();
    rows.push("id", m.id.as_str());
    rows.push("status", or_dash(m.status.as_ref()));
    rows.push(
        "grants access",
        if m.grants_access() { "yes" } else { "no" },
    );
    rows.push(
        "cancels at period end",
        cancel_words(m.cancel_at_period_end, m.current_period_end, now),
    );
    rows.push("period end", when(m.current_period_end, now));
    rows.push("created", when(m.created_at, now));
    rows.push(
        "account",
        m.account.as_ref().map_or_else(
            || "-".to_owned(),
            |a| match &a.title {
                Some(title) => format!("{title} ({})", a.id),
                None => a.id.to_string(),
            },
        ),
    );
    rows.push("product", or_dash(m.product_id.as_ref()));
    rows.push("plan", or_dash(m.plan_id.as_ref()));
    rows.push("user", or_dash(m.user_id.as_ref()));
    rows.push(
        "access level",
        or_dash(
            m.member
                .as_ref()
                .and_then(|member| member.access_level.as_ref()),
        ),
    );
    rows.push(
        "license key",
        m.license_key.as_ref().map_or("none", |k| k.as_str()),
    );
    rows.push("metadata", metadata(m.metadata.as_ref()));
    rows.render()
}

/// A Current API membership as one row of a listing: ID, status, access, license key, user,
/// product.
pub(crate) fn membership_row(m: &Membership) -> String {
    row(
        m.id.as_str(),
        m.status.as_ref().map(|s| s.as_str()),
        Some(m.grants_access()),
        m.license_key.as_ref().map(|k| k.as_str()),
        m.user_id.as_ref().map(|u| u.as_str()),
        m.product_id.as_ref().map(|p| p.as_str()),
    )
}
