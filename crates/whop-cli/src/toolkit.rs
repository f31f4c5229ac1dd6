//! The license-key and listing commands: `license validate`, `license reset`, `membership get`,
//! `membership list`, `me memberships`.

use whop_client::{Metadata, ValidateLicense};

use crate::context::{Credential, target};
use crate::exit::{Call, Exit, Failure, classify};
use crate::global::GlobalArgs;
use crate::output::{print, print_membership, print_raw_json};
use crate::toolkit_cli::{LicenseResetArgs, LicenseValidateArgs};

/// `whop license validate`: exit 0 valid, 1 not valid / mismatch / not found, 2 any error.
pub(crate) async fn license_validate(
    global: &GlobalArgs,
    args: &LicenseValidateArgs,
) -> Result<Exit, Failure> {
    // Every failure exits 2, whatever its class; the message keeps the class.
    validate(global, args)
        .await
        .map_err(|failure| Failure::new(Exit::Usage, failure.message))
}

async fn validate(global: &GlobalArgs, args: &LicenseValidateArgs) -> Result<Exit, Failure> {
    let target = target(global, Credential::CompanyKey).await?;
    let mut metadata = Metadata::new().with("hwid", args.hwid.as_str());
    for (key, value) in &args.metadata {
        metadata.insert(key.as_str(), value.as_str());
    }
    let outcome = target
        .client
        .validate_license(&args.key)
        .metadata(metadata)
        .await
        .map_err(|e| classify(&e, Call::Company))?;
    let (result, exit, line) = match &outcome {
        ValidateLicense::Valid(m) => (
            "valid",
            Exit::Ok,
            format!(
                "valid: the license key of membership {} is bound to hardware ID {:?}",
                m.id, args.hwid
            ),
        ),
        ValidateLicense::Invalid(m) => (
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
        ValidateLicense::MetadataMismatch { message } => (
            "metadata_mismatch",
            Exit::NotValid,
            format!(
                "metadata mismatch: the license key is bound to another machine; reset it \
                 (`whop license reset`) to bind this one. Whop said: {message}"
            ),
        ),
        ValidateLicense::NotFound => (
            "not_found",
            Exit::NotValid,
            "not found: no membership in your company has this license key".to_owned(),
        ),
        _ => (
            "unknown",
            Exit::NotValid,
            "not valid: an unknown answer".to_owned(),
        ),
    };
    if global.json {
        // {"result": ..., "membership": <the API's own JSON, or null>}
        let membership = outcome.membership().map_or_else(
            || "null".to_owned(),
            |m| String::from_utf8_lossy(m.raw_body()).into_owned(),
        );
        let report = format!("{{\"result\":\"{result}\",\"membership\":{membership}}}");
        print_raw_json(report.as_bytes())?;
    } else {
        print(&format!("{line}\n"))?;
    }
    Ok(exit)
}

/// `whop license reset`: clear the key's binding, print the updated membership.
pub(crate) async fn license_reset(
    global: &GlobalArgs,
    args: &LicenseResetArgs,
) -> Result<Exit, Failure> {
    let target = target(global, Credential::CompanyKey).await?;
    let membership = target
        .client
        .reset_license(&args.key)
        .await
        .map_err(|e| classify(&e, Call::Reset))?;
    print_membership(global, &membership)
}
