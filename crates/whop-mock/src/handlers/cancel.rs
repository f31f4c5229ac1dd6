//! `POST /v2/memberships/{id}/cancel`: cancel at period end; twice is the same as once.

use http::StatusCode;

use super::expand;
use crate::body;
use crate::mutation::MembershipChange;
use crate::state::{Answer, Handled, RequestInfo, State};

impl State {
    pub(crate) fn cancel(&mut self, info: &RequestInfo, id: &str) -> Handled {
        let company_id = info.company()?.to_owned();
        let expand = expand(info.query.as_deref())?;
        let index = self.find_for_company(&company_id, id, false)?;
        let membership = self.change_membership(index, MembershipChange::CancelAtPeriodEnd(true));
        let related = self.related(&membership);
        Ok(Answer::ok(
            StatusCode::CREATED,
            body::v2_membership(&membership, &related, expand),
        ))
    }
}
