//! The decisions: whether a membership state lets a machine in, and the token that says so.

use std::collections::BTreeSet;
use std::time::{Duration, SystemTime};

use whop_license::Claims;

use crate::cache::MembershipState;
use crate::error::{ApiError, ErrorType};
use crate::server::Inner;

/// What a membership state says of one machine.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Judgement {
    /// Grants access and is bound to this machine: sign.
    Sign,
    /// No access (status, or a product this server does not license).
    NotValid,
    /// Bound to another machine.
    BoundElsewhere,
    /// Grants access, bound to no machine: activation binds it; refresh refuses (a reset).
    Unbound,
}

pub(crate) fn judge(
    state: &MembershipState,
    hardware_id: &str,
    products: Option<&BTreeSet<String>>,
) -> Judgement {
    let product_licensed = products.is_none_or(|products| {
        state
            .product_id
            .as_ref()
            .is_some_and(|product| products.contains(product))
    });
    if !state.grants_access || !product_licensed {
        return Judgement::NotValid;
    }
    match &state.bound_hwid {
        Some(bound) if bound == hardware_id => Judgement::Sign,
        Some(_) => Judgement::BoundElsewhere,
        None => Judgement::Unbound,
    }
}

/// Where the state a token is signed from comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Source {
    /// Read from Whop within its freshness window.
    Fresh,
    /// Past its freshness (Whop failing, or being re-read): the token expires by the end of
    /// the state's grace period.
    Grace,
}

/// The token's times: `(refresh_after, exp)`. From grace, `exp` is also capped at
/// `read_at + grace`, so no token outlives the last good state's grace period.
pub(crate) fn token_times(
    now: SystemTime,
    read_at: SystemTime,
    source: Source,
    refresh_after: Duration,
    max_offline: Duration,
    grace: Duration,
) -> (SystemTime, SystemTime) {
    let mut expires = now + max_offline;
    if source == Source::Grace {
        expires = expires.min(read_at + grace);
    }
    ((now + refresh_after).min(expires), expires)
}

impl Inner {
    /// The answer for `hardware_id` from `state`: a token, or the refusal.
    pub(crate) fn answer(
        &self,
        state: &MembershipState,
        hardware_id: &str,
        source: Source,
        unbound: ErrorType,
    ) -> Result<String, ApiError> {
        match judge(state, hardware_id, self.products.as_ref()) {
            Judgement::Sign => self.sign(state, hardware_id, source),
            Judgement::NotValid => Err(ErrorType::LicenseNotValid.into()),
            Judgement::BoundElsewhere => Err(ErrorType::BoundToAnotherMachine.into()),
            Judgement::Unbound => Err(unbound.into()),
        }
    }

    fn sign(
        &self,
        state: &MembershipState,
        hardware_id: &str,
        source: Source,
    ) -> Result<String, ApiError> {
        let now = self.clock.now();
        let (refresh_after, expires_at) = token_times(
            now,
            state.read_at(),
            source,
            self.refresh_after,
            self.max_offline,
            self.cache.freshness().grace,
        );
        if expires_at <= now {
            return Err(
                ApiError::new(ErrorType::TryLater).retry_after(crate::server::DEFAULT_TRY_LATER)
            );
        }
        let claims = Claims {
            membership_id: state.id.clone(),
            product_id: state.product_id.clone().unwrap_or_default(),
            hardware_id: hardware_id.to_owned(),
            status: state.status.clone(),
            period_end: state.period_end(),
            issued_at: now,
            refresh_after,
            expires_at,
        };
        let token = self.keys.active().sign(&claims).map_err(|_| {
            tracing::error!("a token could not be signed (a time out of range)");
            ApiError::new(ErrorType::Internal)
        })?;
        if source == Source::Grace {
            self.metrics.served_from_grace();
        }
        Ok(token)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn state(grants_access: bool, bound: Option<&str>, product: &str) -> MembershipState {
        MembershipState {
            id: "mem_1".into(),
            product_id: Some(product.into()),
            status: "active".into(),
            grants_access,
            bound_hwid: bound.map(Into::into),
            period_end_ms: None,
            read_at_ms: 0,
        }
    }

    #[test]
    fn judgement_of_a_state_for_a_machine() {
        let only_prod_1: BTreeSet<String> = ["prod_1".to_owned()].into();
        for (state, products, judgement) in [
            (state(true, Some("A"), "prod_1"), None, Judgement::Sign),
            (
                state(true, Some("B"), "prod_1"),
                None,
                Judgement::BoundElsewhere,
            ),
            (state(true, None, "prod_1"), None, Judgement::Unbound),
            (state(false, Some("A"), "prod_1"), None, Judgement::NotValid),
            (state(false, None, "prod_1"), None, Judgement::NotValid),
            (
                state(true, Some("A"), "prod_1"),
                Some(&only_prod_1),
                Judgement::Sign,
            ),
            (
                state(true, Some("A"), "prod_2"),
                Some(&only_prod_1),
                Judgement::NotValid,
            ),
        ] {
            assert_eq!(
                judge(&state, "A", products),
                judgement,
                "{state:?} {products:?}"
            );
        }
    }

    #[test]
    fn a_token_from_grace_expires_by_the_end_of_the_grace_period() {
        let s = Duration::from_secs;
        let read_at = SystemTime::UNIX_EPOCH + s(1_000_000);
        let now = read_at + s(600);
        let (hour, week, day) = (s(3_600), s(7 * 86_400), s(86_400));
        assert_eq!(
            token_times(now, read_at, Source::Fresh, hour, week, day),
            (now + hour, now + week)
        );
        assert_eq!(
            token_times(now, read_at, Source::Grace, hour, week, day),
            (now + hour, read_at + day)
        );
        // Near the end of grace, refresh_after is capped at exp too.
        let late = read_at + day - s(60);
        assert_eq!(
            token_times(late, read_at, Source::Grace, hour, week, day),
            (read_at + day, read_at + day)
        );
    }
}
