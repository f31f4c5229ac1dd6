//! The lifecycle state of a membership.

use crate::string_enum::string_enum;

string_enum! {
    /// Where a membership is in its lifecycle.
    ///
    /// Use [`grants_access`](Self::grants_access) to decide whether to let the customer in, and
    /// prefer the membership's own `valid` flag when the API sends it: Whop computes that flag
    /// and it is the authority.
    MembershipStatus {
        /// In a free trial before the first charge.
        Trialing => "trialing",
        /// Paid up and renewing.
        Active => "active",
        /// A renewal charge failed and Whop is retrying it; the customer keeps access meanwhile.
        PastDue => "past_due",
        /// A one-time purchase that went through, or a plan whose payments are all made. Access
        /// continues (real bodies show `completed` with `valid: true`).
        Completed => "completed",
        /// Ended by the customer or the seller; no more access.
        Canceled => "canceled",
        /// Ran out (an expiration plan, or a renewal that was not paid in time).
        Expired => "expired",
        /// A payment dispute or similar problem Whop has not settled yet.
        Unresolved => "unresolved",
        /// Created but not yet purchased (a draft from the newer API).
        Drafted => "drafted",
        /// Set to end at the close of the current period; access continues until then.
        Canceling => "canceling",
    }
}

impl MembershipStatus {
    /// Whether a membership in this state normally lets the customer in.
    ///
    /// True for `trialing`, `active`, `past_due` (Whop keeps access while it retries a failed
    /// charge), `completed` (a finished one-time purchase keeps its access) and `canceling`
    /// (access lasts to the end of the paid period). False for everything else, including
    /// unknown values: failing closed is the safe default for a gate.
    pub fn grants_access(&self) -> bool {
        matches!(
            self,
            Self::Trialing | Self::Active | Self::PastDue | Self::Completed | Self::Canceling
        )
    }

    /// Whether the membership has ended for good: `canceled` or `expired`.
    ///
    /// `completed` is not terminal in this sense: it still grants access.
    pub fn is_terminal(&self) -> bool {
        matches!(self, Self::Canceled | Self::Expired)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unknown_status_round_trips_unchanged() {
        let status: MembershipStatus = serde_json::from_str("\"paused\"").unwrap();
        assert_eq!(status, MembershipStatus::Unknown("paused".into()));
        assert_eq!(serde_json::to_string(&status).unwrap(), "\"paused\"");
    }

    #[test]
    fn from_str_maps_known_values_to_their_variant() {
        assert_eq!("past_due".parse(), Ok(MembershipStatus::PastDue));
        assert_eq!(MembershipStatus::PastDue.to_string(), "past_due");
    }

    #[test]
    fn completed_grants_access_and_is_not_terminal() {
        assert!(MembershipStatus::Completed.grants_access());
        assert!(!MembershipStatus::Completed.is_terminal());
    }

    #[test]
    fn unknown_status_does_not_grant_access() {
        assert!(!MembershipStatus::from("paused").grants_access());
    }

    #[test]
    fn canceled_and_expired_are_terminal() {
        assert!(MembershipStatus::Canceled.is_terminal());
        assert!(MembershipStatus::Expired.is_terminal());
        assert!(!MembershipStatus::Canceled.grants_access());
    }
}
