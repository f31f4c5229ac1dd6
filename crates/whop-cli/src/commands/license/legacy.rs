//! `whop --api legacy license ...`: the seed's calls: `check` on the v5 `me` API with a user
//! token, `validate` and `reset` on Whop's v2 API (switched off on the real service; the client's
//! error says so, and names the Current API call) with the company API key.

use whop_client::legacy::{LicenseCheck, ValidateLicense};
use whop_client::{HWID_METADATA_KEY, Metadata};

use super::{CheckArgs, LicenseCommand, ResetArgs, ValidateArgs, not_valid, print_outcome};
use crate::context::{Credential, target};
use crate::exit::{Call, Exit, Failure, classify};
use crate::global::GlobalArgs;
use crate::output::print_membership;

/// Runs `whop --api legacy license ...`.
pub(super) async fn run(global: &GlobalArgs, command: &LicenseCommand) -> Result<Exit, Failure> {
    match command {
        LicenseCommand::Check(args) => check(global, args).await,
        LicenseCommand::Validate(args) => validate(global, args).await,
        LicenseCommand::Reset(args) => reset(global, args).await,
        LicenseCommand::Keygen(_) | LicenseCommand::Inspect(_) | LicenseCommand::Serve(_) => {
            Err(super::offline_command())
        }
    }
}

/// `license check`: exit 0 when valid, 1 when not valid or not found.
async fn check(global: &GlobalArgs, args: &CheckArgs) -> Result<Exit, Failure> {
    let key = args.key.as_str();
    let target = target(global, Credential::UserToken).await?;
    let check = target
        .client
        .legacy()
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
            not_valid(&m.id, m.status.as_ref()),
        ),
        LicenseCheck::NotFound => (
            "not_found",
            Exit::NotValid,
            "not found: no membership of yours has this license key".to_owned(),
        ),
    };
    let membership = match &check {
        LicenseCheck::Valid(m) | LicenseCheck::Invalid(m) => Some(&m.raw_body()[..]),
        LicenseCheck::NotFound => None,
    };
    print_outcome(global, result, &line, membership)?;
    Ok(exit)
}

/// `license validate`: exit 0 valid, 1 not valid / mismatch / not found.
async fn validate(global: &GlobalArgs, args: &ValidateArgs) -> Result<Exit, Failure> {
    let target = target(global, Credential::CompanyKey).await?;
    let mut metadata = Metadata::new().with(HWID_METADATA_KEY, args.hwid.as_str());
    for (key, value) in &args.metadata {
        metadata.insert(key.as_str(), value.as_str());
    }
    let outcome = target
        .client
        .legacy()
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
            not_valid(&m.id, m.status.as_ref()),
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
    let membership = outcome.membership().map(|m| &m.raw_body()[..]);
    print_outcome(global, result, &line, membership)?;
    Ok(exit)
}

/// `license reset`: clear the key's binding, print the updated membership.
async fn reset(global: &GlobalArgs, args: &ResetArgs) -> Result<Exit, Failure> {
    let target = target(global, Credential::CompanyKey).await?;
    let membership = target
        .client
        .legacy()
        .reset_license(&args.key)
        .await
        .map_err(|e| classify(&e, Call::Reset))?;
    print_membership(global, &membership)
}
