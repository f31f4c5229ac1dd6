//! `POST /v2/memberships/{id}/terminate`: end a membership at once.
//!
//! Whop's spec: the membership is invalidated immediately and for good (the user must buy again);
//! `201` with the v2 Membership, `expand` honoured. The mock marks it `canceled` and not valid.
//! What Whop answers to a second terminate is not documented; the mock answers `201` again with
//! the membership as it is.

use http::StatusCode;

use super::expand;
use crate::body;
use crate::mutation::MembershipChange;
use crate::state::{Answer, Handled, RequestInfo, State};

/// The status a terminated membership has in the mock.
const TERMINATED_STATUS: &str = "canceled";

impl State {
    pub(crate) fn terminate(&mut self, info: &RequestInfo, id: &str) -> Handled {
        let company_id = info.company()?.to_owned();
        let expand = expand(info.query.as_deref())?;
        let index = self.find_for_company(&company_id, id, false)?;
        let membership = self.change_membership(
            index,
            MembershipChange::Validity {
                status: TERMINATED_STATUS.to_owned(),
                valid: false,
            },
        );
        let related = self.related(&membership);
        Ok(Answer::ok(
            StatusCode::CREATED,
            body::v2_membership(&membership, &related, expand),
        ))
    }
}
