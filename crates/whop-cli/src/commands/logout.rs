//! `whop logout`: revoke the stored sign-in at Whop and delete it.

use crate::exit::{Exit, Failure};
use crate::global::GlobalArgs;
use crate::output::print;
use crate::signin::{oauth_failure, stored};

/// Runs `whop logout`. The sign-in is revoked at the server it was made against (whatever
/// `WHOP_BASE_URL` says now), and deleted even when the revocation fails.
pub(crate) async fn run(global: &GlobalArgs) -> Result<Exit, Failure> {
    if global.mock {
        return Err(Failure::new(
            Exit::Usage,
            "--mock saves no sign-in, so there is nothing to sign out of",
        ));
    }
    let Some(signed_in) = stored(None)? else {
        print("Not signed in: nothing to do.\n")?;
        return Ok(Exit::Ok);
    };
    match signed_in.sign_out().await {
        Ok(()) => {
            print("Signed out: the sign-in was revoked at Whop and deleted.\n")?;
            Ok(Exit::Ok)
        }
        Err(whop_oauth::Error::Store(e)) => Err(crate::signin::store_failure(e)),
        Err(e) => {
            let failure = oauth_failure(&e);
            Err(Failure::new(
                failure.exit,
                format!(
                    "the sign-in was deleted here, but Whop could not revoke it: {}",
                    failure.message
                ),
            ))
        }
    }
}
