//! Human output: aligned `label  value` rows, times in RFC 3339 and relative to now, expanded
//! objects summarised in one line. The legacy (v2, v5) memberships are here; the Current API's in
//! [`current`].

pub(crate) mod current;

use std::fmt::Display;

use serde_json::{Map, Value};
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;
use whop_models::{Expandable, MeMembership, Membership, Object, Plan, Product, PromoCode, User};

/// Rows of `label  value`, printed with the values aligned.
#[derive(Debug, Default)]
pub(crate) struct Rows {
    rows: Vec<(&'static str, String)>,
}

impl Rows {
    /// Adds a row.
    pub(crate) fn push(&mut self, label: &'static str, value: impl Into<String>) {
        self.rows.push((label, value.into()));
    }

    /// The rows, one a line, values starting two spaces after the longest label.
    pub(crate) fn render(&self) -> String {
        let width = self.rows.iter().map(|(l, _)| l.len()).max().unwrap_or(0);
        let mut out = String::new();
        for (label, value) in &self.rows {
            out.push_str(&format!("{label:<width$}  {value}\n"));
        }
        out
    }
}

/// A v2 membership (the answer to a cancel), as rows.
pub(crate) fn membership(m: &Membership, now: OffsetDateTime) -> String {
    let mut rows = Rows::default();
    rows.push("id", m.id.as_str());
    rows.push("status", or_dash(m.status.as_ref()));
    rows.push("valid", yes_no(m.valid));
    rows.push(
        "cancels at period end",
        cancel_words(m.cancel_at_period_end, m.renewal_period_end, now),
    );
    rows.push("period start", when(m.renewal_period_start, now));
    rows.push("period end", when(m.renewal_period_end, now));
    rows.push("expires", when_or(m.expires_at, now, "never"));
    rows.push("created", when(m.created_at, now));
    rows.push(
        "product",
        expandable(
            m.product.as_ref().or(m.access_pass.as_ref()),
            "product",
            product,
        ),
    );
    rows.push("user", expandable(m.user.as_ref(), "user", user));
    rows.push("plan", expandable(m.plan.as_ref(), "plan", plan));
    rows.push(
        "promo code",
        match &m.promo_code {
            None => "none".to_owned(),
            Some(code) => expandable(Some(code), "promo_code", promo_code),
        },
    );
    rows.push("email", m.email.as_deref().unwrap_or("-"));
    rows.push("quantity", or_dash(m.quantity.as_ref()));
    rows.push("payment processor", or_dash(m.payment_processor.as_ref()));
    rows.push(
        "license key",
        m.license_key.as_ref().map_or("none", |k| k.as_str()),
    );
    rows.push("metadata", metadata(m.metadata.as_ref()));
    rows.push("manage at", m.manage_url.as_deref().unwrap_or("-"));
    rows.render()
}

/// A v5 membership (the answer to a lookup), as rows.
pub(crate) fn me_membership(m: &MeMembership, now: OffsetDateTime) -> String {
    let mut rows = Rows::default();
    rows.push("id", m.id.as_str());
    rows.push("status", or_dash(m.status.as_ref()));
    rows.push("valid", yes_no(Some(m.valid)));
    rows.push(
        "cancels at period end",
        cancel_words(m.cancel_at_period_end, m.renewal_period_end, now),
    );
    rows.push("period start", when(m.renewal_period_start, now));
    rows.push("period end", when(m.renewal_period_end, now));
    rows.push("expires", when_or(m.expires_at, now, "never"));
    rows.push("created", when(Some(m.created_at), now));
    rows.push("product", m.product_id.as_str());
    rows.push("plan", m.plan_id.as_str());
    rows.push("user", or_dash(m.user_id.as_ref()));
    rows.push("quantity", m.quantity.to_string());
    rows.push(
        "license key",
        m.license_key.as_ref().map_or("none", |k| k.as_str()),
    );
    rows.push("metadata", metadata(m.metadata.as_ref()));
    rows.push("manage at", m.manage_url.as_str());
    rows.render()
}

/// A v2 membership as one row of a listing: ID, status, valid, license key, user, product.
pub(crate) fn membership_row(m: &Membership) -> String {
    row(
        m.id.as_str(),
        m.status.as_ref().map(|s| s.as_str()),
        m.valid,
        m.license_key.as_ref().map(|k| k.as_str()),
        m.user_id().map(|u| u.as_str()),
        m.product_id().map(|p| p.as_str()),
    )
}

/// A v5 membership as one row of a listing, in the same columns.
pub(crate) fn me_membership_row(m: &MeMembership) -> String {
    row(
        m.id.as_str(),
        m.status.as_ref().map(|s| s.as_str()),
        Some(m.valid),
        m.license_key.as_ref().map(|k| k.as_str()),
        m.user_id.as_ref().map(|u| u.as_str()),
        Some(m.product_id.as_str()),
    )
}

/// The columns of a listing's row, `-` for what is absent.
pub(crate) fn row(
    id: &str,
    status: Option<&str>,
    valid: Option<bool>,
    key: Option<&str>,
    user: Option<&str>,
    product: Option<&str>,
) -> String {
    let valid = match valid {
        Some(true) => "valid",
        Some(false) => "not-valid",
        None => "-",
    };
    format!(
        "{id:<20} {:<11} {valid:<9} {:<30} {:<20} {}",
        status.unwrap_or("-"),
        key.unwrap_or("-"),
        user.unwrap_or("-"),
        product.unwrap_or("-"),
    )
}

/// The value, or `-` when absent.
pub(crate) fn or_dash<T: Display>(value: Option<&T>) -> String {
    value.map_or_else(|| "-".to_owned(), ToString::to_string)
}

/// `yes`, `no`, or `-` when absent.
fn yes_no(flag: Option<bool>) -> &'static str {
    match flag {
        Some(true) => "yes",
        Some(false) => "no",
        None => "-",
    }
}

/// "cancels at period end", spelled out.
pub(crate) fn cancel_words(
    flag: Option<bool>,
    period_end: Option<OffsetDateTime>,
    now: OffsetDateTime,
) -> String {
    match flag {
        Some(true) => {
            let mut words = "yes: access ends at the end of the current period".to_owned();
            if let Some(end) = period_end {
                words.push_str(&format!(", {}", when(Some(end), now)));
            }
            words
        }
        Some(false) => "no: access does not end with the current period".to_owned(),
        None => "- (not in the answer)".to_owned(),
    }
}

/// A time as RFC 3339 and relative to `now`: `2026-12-03T10:00:00Z (in 12 days)`; `-` when absent.
pub(crate) fn when(at: Option<OffsetDateTime>, now: OffsetDateTime) -> String {
    when_or(at, now, "-")
}

/// As [`when`], with `absent` for a missing time (`never` for `expires`).
fn when_or(at: Option<OffsetDateTime>, now: OffsetDateTime, absent: &str) -> String {
    match at {
        None => absent.to_owned(),
        Some(at) => match at.format(&Rfc3339) {
            Ok(text) => format!("{text} ({})", relative(at, now)),
            // Years outside 0..=9999 have no RFC 3339 form.
            Err(_) => format!("{} (Unix seconds)", at.unix_timestamp()),
        },
    }
}

/// How far `at` is from `now`, in words: "in 12 days", "3 months ago", "just now".
pub(crate) fn relative(at: OffsetDateTime, now: OffsetDateTime) -> String {
    const MINUTE: u64 = 60;
    const HOUR: u64 = 60 * MINUTE;
    const DAY: u64 = 24 * HOUR;
    let seconds = (at - now).whole_seconds();
    let distance = seconds.unsigned_abs();
    if distance < 45 {
        return "just now".to_owned();
    }
    let (count, unit) = if distance < 45 * MINUTE {
        (distance.div_ceil(MINUTE).max(1), "minute")
    } else if distance < 36 * HOUR {
        ((distance + HOUR / 2) / HOUR, "hour")
    } else if distance < 45 * DAY {
        ((distance + DAY / 2) / DAY, "day")
    } else if distance < 365 * DAY {
        ((distance + 15 * DAY) / (30 * DAY), "month")
    } else {
        (distance / (365 * DAY), "year")
    };
    let plural = if count == 1 { "" } else { "s" };
    if seconds > 0 {
        format!("in {count} {unit}{plural}")
    } else {
        format!("{count} {unit}{plural} ago")
    }
}

/// One line for a field that may be expanded: the summary of the object, or its ID.
fn expandable<T: Object>(
    field: Option<&Expandable<T>>,
    expand_name: &str,
    summary: fn(&T) -> String,
) -> String
where
    T::Id: Display,
{
    match field {
        None => "-".to_owned(),
        Some(Expandable::Id(id)) => format!("{id} (--expand {expand_name} for details)"),
        Some(Expandable::Object(object)) => summary(object),
    }
}

/// A product in one line: its name and ID.
fn product(p: &Product) -> String {
    match p.display_name() {
        Some(name) => format!("{name} ({})", p.id),
        None => p.id.to_string(),
    }
}

/// A user in one line: username, email and ID.
fn user(u: &User) -> String {
    let mut out = u
        .username
        .clone()
        .or_else(|| u.name.clone())
        .unwrap_or_else(|| u.id.to_string());
    if let Some(email) = &u.email {
        out.push_str(&format!(" <{email}>"));
    }
    out.push_str(&format!(" ({})", u.id));
    out
}

/// A plan in one line: its ID, type, period and prices.
fn plan(p: &Plan) -> String {
    let mut facts = Vec::new();
    if let Some(kind) = &p.plan_type {
        facts.push(kind.to_string());
    }
    if let Some(days) = p.billing_period {
        facts.push(format!("every {days} days"));
    }
    let currency = p.base_currency.as_deref().unwrap_or("");
    if let Some(price) = &p.initial_price {
        facts.push(format!("initial {price} {currency}").trim_end().to_owned());
    }
    if let Some(price) = &p.renewal_price {
        facts.push(format!("renewal {price} {currency}").trim_end().to_owned());
    }
    if facts.is_empty() {
        p.id.to_string()
    } else {
        format!("{} ({})", p.id, facts.join(", "))
    }
}

/// A promo code in one line: the code, its ID, discount and status.
fn promo_code(c: &PromoCode) -> String {
    let mut out = c.code.clone().unwrap_or_else(|| c.id.to_string());
    let mut facts = vec![c.id.to_string()];
    if let Some(off) = &c.amount_off {
        match &c.promo_type {
            Some(kind) => facts.push(format!("{off} off, {kind}")),
            None => facts.push(format!("{off} off")),
        }
    }
    if let Some(status) = &c.status {
        facts.push(status.to_string());
    }
    out.push_str(&format!(" ({})", facts.join(", ")));
    out
}

/// Metadata as compact JSON, or `none`.
pub(crate) fn metadata(map: Option<&Map<String, Value>>) -> String {
    match map {
        Some(map) if !map.is_empty() => {
            serde_json::to_string(map).unwrap_or_else(|_| "(unprintable)".to_owned())
        }
        _ => "none".to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use time::Duration;

    use super::*;

    fn now() -> OffsetDateTime {
        OffsetDateTime::from_unix_timestamp(1_800_000_000).expect("in range")
    }

    #[test]
    fn relative_times_read_like_speech() {
        let cases = [
            (Duration::seconds(10), "just now"),
            (Duration::seconds(-10), "just now"),
            (Duration::minutes(5), "in 5 minutes"),
            (Duration::minutes(-1), "1 minute ago"),
            (Duration::hours(3), "in 3 hours"),
            (Duration::hours(-1), "1 hour ago"),
            (Duration::days(12), "in 12 days"),
            (Duration::days(-2), "2 days ago"),
            (Duration::days(-90), "3 months ago"),
            (Duration::days(60), "in 2 months"),
            (Duration::days(400), "in 1 year"),
            (Duration::days(-3 * 365 - 20), "3 years ago"),
        ];
        for (offset, expected) in cases {
            assert_eq!(relative(now() + offset, now()), expected, "{offset}");
        }
    }

    #[test]
    fn a_time_shows_rfc3339_and_relative() {
        let at = now() + Duration::days(12);
        assert_eq!(when(Some(at), now()), "2027-01-27T08:00:00Z (in 12 days)");
        assert_eq!(when(None, now()), "-");
    }

    #[test]
    fn rows_align_their_values() {
        let mut rows = Rows::default();
        rows.push("id", "mem_1");
        rows.push("cancels at period end", "no");
        assert_eq!(
            rows.render(),
            "id                     mem_1\ncancels at period end  no\n"
        );
    }
}
