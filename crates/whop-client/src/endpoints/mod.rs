//! One module an endpoint: how its request is built and what it returns.

pub(crate) mod cancel;
pub(crate) mod license;
pub(crate) mod me_membership;
pub(crate) mod terminate;
