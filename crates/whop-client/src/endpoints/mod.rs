//! One module an endpoint: how its request is built and what it returns.

pub(crate) mod cancel;
pub(crate) mod license;
pub(crate) mod list_memberships;
pub(crate) mod list_my_memberships;
pub(crate) mod me_membership;
pub(crate) mod membership;
pub(crate) mod reset_license;
pub(crate) mod terminate;
pub(crate) mod update_membership;
pub(crate) mod validate_license;
