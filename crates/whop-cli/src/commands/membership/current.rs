//! The Current API commands land with whop-client's Current API calls; until then this says so.

use crate::exit::{Exit, Failure};
use crate::global::GlobalArgs;

/// Refuses: this build has no Current API calls yet.
pub(super) async fn run<C>(_global: &GlobalArgs, _command: &C) -> Result<Exit, Failure> {
    Err(Failure::new(
        Exit::Usage,
        "the Current API commands are not in this build yet: use --api legacy",
    ))
}
