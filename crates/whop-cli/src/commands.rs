//! One module per noun of the command line (`whop membership ...` is in `membership`).

pub(crate) mod license;
pub(crate) mod me;
pub(crate) mod membership;
