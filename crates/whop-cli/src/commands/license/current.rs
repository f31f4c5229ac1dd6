//! `whop license ...` on the Current API (the default): `/v1/memberships/{key}`, read, and for a
//! validation bound to a hardware ID in the membership's metadata.

use whop_client::LicenseBinding;

use super::{CheckArgs, LicenseCommand, ResetArgs, ValidateArgs, not_valid, print_outcome};
use crate::context::{Credential, target};
use crate::exit::{Call, Exit, Failure, classify};
use crate::global::{ApiChoice, GlobalArgs, only_on};
use crate::output::print_current_membership;

/// Runs `whop license ...` on the Current API.
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

/// `license check`: exit 0 when the key's membership grants access, 1 when not or not found.
async fn check(global: &GlobalArgs, args: &CheckArgs) -> Result<Exit, Failure> {
    let target = target(global, Credential::UserToken).await?;
    let found = target
        .client
        .membership(&args.key)
        .optional()
        .await
        .map_err(|e| classify(&e, Call::Lookup))?;
    let (result, exit, line) = match &found {
        Some(m) if m.grants_access() => (
            "valid",
            Exit::Ok,
            format!("valid: the license key belongs to membership {}", m.id),
        ),
        Some(m) => (
            "not_valid",
            Exit::NotValid,
            not_valid(&m.id, m.status.as_ref()),
        ),
        None => (
            "not_found",
            Exit::NotValid,
            "not found: no membership of yours has this license key".to_owned(),
        ),
    };
    let membership = found.as_ref().map(|m| &m.raw_body()[..]);
    print_outcome(global, result, &line, membership)?;
    Ok(exit)
}

/// `license validate`: exit 0 valid (bound now or already to this hardware ID), 1 bound to
/// another machine, not valid or not found.
async fn validate(global: &GlobalArgs, args: &ValidateArgs) -> Result<Exit, Failure> {
    if !args.metadata.is_empty() {
        return Err(only_on(ApiChoice::Current, "--metadata"));
    }
    let target = target(global, Credential::CompanyKey).await?;
    let binding = target
        .client
        .validate_license(&args.key, &args.hwid)
        .await
        .map_err(|e| classify(&e, Call::Company))?;
    let (result, exit, line, membership) = match &binding {
        LicenseBinding::Valid(m) => (
            "valid",
            Exit::Ok,
            format!(
                "valid: the license key of membership {} is bound to hardware ID {:?}",
                m.id, args.hwid
            ),
            Some(&m.raw_body()[..]),
        ),
        LicenseBinding::BoundToOtherMachine {
            membership,
            bound_to,
        } => (
            "bound_to_other_machine",
            Exit::NotValid,
            format!(
                "bound to another machine: the license key of membership {} is bound to hardware \
                 ID {bound_to:?}; reset it (`whop license reset`) to bind this one",
                membership.id
            ),
            Some(&membership.raw_body()[..]),
        ),
        LicenseBinding::NotValid(m) => (
            "not_valid",
            Exit::NotValid,
            not_valid(&m.id, m.status.as_ref()),
            Some(&m.raw_body()[..]),
        ),
        LicenseBinding::NotFound => (
            "not_found",
            Exit::NotValid,
            "not found: no membership in your company has this license key".to_owned(),
            None,
        ),
        _ => (
            "unknown",
            Exit::NotValid,
            "not valid: an answer this version of whop does not know".to_owned(),
            None,
        ),
    };
    print_outcome(global, result, &line, membership)?;
    Ok(exit)
}

/// `license reset`: remove the key's binding, print the updated membership.
async fn reset(global: &GlobalArgs, args: &ResetArgs) -> Result<Exit, Failure> {
    let target = target(global, Credential::CompanyKey).await?;
    let membership = target
        .client
        .reset_license(&args.key)
        .await
        .map_err(|e| classify(&e, Call::Reset))?;
    print_current_membership(global, &membership)
}
