//! `GET /v2/memberships/{id}` (by ID or license key) and `POST /v2/memberships/{id}` (replace the
//! metadata, by membership ID, as the spec says; answers 201).

use http::StatusCode;

use super::{expand, validate::metadata_of};
use crate::body;
use crate::mutation::MembershipChange;
use crate::state::{Answer, Handled, RequestInfo, State};

impl State {
    pub(crate) fn retrieve(&self, info: &RequestInfo, id_or_key: &str) -> Handled {
        let company_id = info.company()?;
        let expand = expand(info.query.as_deref())?;
        let index = self.find_for_company(company_id, id_or_key, true)?;
        let membership = &self.memberships()[index];
        Ok(Answer::ok(
            StatusCode::OK,
            body::v2_membership(membership, &self.related(membership), expand),
        ))
    }

    pub(crate) fn update(&mut self, info: &RequestInfo, id: &str) -> Handled {
        let company_id = info.company()?.to_owned();
        let expand = expand(info.query.as_deref())?;
        let metadata = metadata_of(&info.body)?;
        let index = self.find_for_company(&company_id, id, false)?;
        let membership = self.change_membership(index, MembershipChange::Metadata(metadata));
        let related = self.related(&membership);
        Ok(Answer::ok(
            StatusCode::CREATED,
            body::v2_membership(&membership, &related, expand),
        ))
    }
}
