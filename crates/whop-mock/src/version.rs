//! `Api-Version-Date`: which of the two membership resources of `/api/v1` answers a request.
//!
//! Whop serves two generations of the membership resource on the same path, picked by the
//! header: none (or the original `2025-01-01`) gets the "Legacy" resource (`company`,
//! `renewal_period_*`, plural list filters, metadata replaced, cancel at period end by default,
//! `/uncancel`, `/add_free_days`); a recent date gets the new one (`account`,
//! `current_period_end`, singular filters, metadata merged, a cancel without
//! `cancel_at_period_end` revoking access at once, `/extend`). An unknown date is a `400` that
//! lists the supported dates.
//!
//! The list is the mock's own (the mock stands in for Whop), not the pin of any client: a client
//! whose pin is missing here learns it from the `400`, as it would from Whop.

/// The `Api-Version-Date` values the mock accepts on `/api/v1`, oldest first.
///
/// - `2025-01-01`: the original version, which a request without the header gets too: the
///   Legacy membership resource ([`LEGACY_API_VERSION_DATE`]).
/// - `2026-09-15`: the version Whop's Rust SDK (`whop_sdk`) pins on its membership calls: the new
///   resource.
/// - `2026-09-29`: the `x-api-version-date` of Whop's stable OpenAPI document: the new resource.
///
/// Whop accepts other dates as well (its changelog lists more); which ones, and at which of them
/// memberships switched to the new resource, Whop does not publish, so the mock accepts only
/// these.
pub const SUPPORTED_API_VERSION_DATES: &[&str] =
    &[LEGACY_API_VERSION_DATE, "2026-09-15", "2026-09-29"];

/// The original `Api-Version-Date`, which a `/api/v1` request without the header gets: the
/// Legacy membership resource.
pub const LEGACY_API_VERSION_DATE: &str = "2025-01-01";

/// Which membership resource answers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Resource {
    /// The 2025 resource (no header, or [`LEGACY_API_VERSION_DATE`]).
    Legacy,
    /// The new resource (a recent supported date).
    Current,
}

/// The resource for the header's value (`None`: no header), or the message of the `400` for a
/// date the mock does not support.
pub(crate) fn resource(api_version_date: Option<&str>) -> Result<Resource, String> {
    match api_version_date {
        None | Some(LEGACY_API_VERSION_DATE) => Ok(Resource::Legacy),
        Some(date) if SUPPORTED_API_VERSION_DATES.contains(&date) => Ok(Resource::Current),
        Some(date) => Err(format!(
            "Unsupported Api-Version-Date \"{date}\". Supported versions: {}.",
            SUPPORTED_API_VERSION_DATES.join(", ")
        )),
    }
}
