//! The membership and lookup commands (the license-key and listing ones are in `toolkit`): send
//! the call, print the answer, choose the exit code.

pub(crate) mod me;
pub(crate) mod membership;

use whop_client::LicenseCheck;

use crate::cli::LicenseCheckArgs;
use crate::context::{Credential, target};
use crate::exit::{Call, Exit, Failure, classify};
use crate::global::GlobalArgs;
use crate::output::{print, print_raw_json};

/// `whop license check`: exit 0 when valid, 1 when not valid or not found, 2 on any error.
pub(crate) async fn license_check(
    global: &GlobalArgs,
    args: &LicenseCheckArgs,
) -> Result<Exit, Failure> {
    let outcome = check(global, &args.key).await;
    // Every failure of `license check` exits 2, whatever its class; the message keeps the class.
    outcome.map_err(|failure| Failure::new(Exit::Usage, failure.message))
}

/// The check itself; [`license_check`] folds its failures into exit 2.
async fn check(global: &GlobalArgs, key: &str) -> Result<Exit, Failure> {
    let target = target(global, Credential::UserToken).await?;
    let check = target
        .client
        .check_license(key)
        .await
        .map_err(|e| classify(&e, Call::Lookup))?;
    let (result, exit, line) = match &check {
        LicenseCheck::Valid(m) => (
            "valid",
            Exit::Ok,
            format!("valid: the license key belongs to membership {}", m.id),
        ),
        LicenseCheck::Invalid(m) => (
            "not_valid",
            Exit::NotValid,
            format!(
                "not valid: the license key belongs to membership {}, which is {} and grants no access",
                m.id,
                m.status
                    .as_ref()
                    .map_or_else(|| "of unknown status".to_owned(), ToString::to_string)
            ),
        ),
        LicenseCheck::NotFound => (
            "not_found",
            Exit::NotValid,
            "not found: no membership of yours has this license key".to_owned(),
        ),
    };
    if global.json {
        // {"result": ..., "membership": <the API's own JSON, or null>}
        let membership = match &check {
            LicenseCheck::Valid(m) | LicenseCheck::Invalid(m) => {
                String::from_utf8_lossy(m.raw_body()).into_owned()
            }
            LicenseCheck::NotFound => "null".to_owned(),
        };
        let report = format!("{{\"result\":\"{result}\",\"membership\":{membership}}}");
        print_raw_json(report.as_bytes())?;
    } else {
        print(&format!("{line}\n"))?;
    }
    Ok(exit)
}
