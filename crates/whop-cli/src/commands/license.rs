//! `whop license ...`: license keys.
//!
//! - `license check KEY`: is the key one of the user's valid memberships? Through the v5 `me`
//!   API with a user token (WHOP_USER_TOKEN or --user-token). Exit 0 valid, 1 not valid or not
//!   found, 2 any error.
//! - `license validate KEY --hwid ID`: validate the key and bind it to this machine (the first
//!   validation stores the metadata sent; later ones must match it). Exit 0 valid, 1 not valid,
//!   bound to another machine or not found, 2 any error.
//! - `license reset KEY`: clear the machine a key is bound to, so the next validation binds anew.
//!
//! `validate` and `reset` use the v2 API with the company API key (WHOP_API_KEY or --api-key).

use clap::{Args, Subcommand};
use whop_client::{LicenseCheck, MembershipId, MembershipStatus, Metadata, ValidateLicense};

use crate::context::{Credential, target};
use crate::exit::{Call, Exit, Failure, classify};
use crate::global::GlobalArgs;
use crate::output::{print, print_membership, print_raw_json};

/// What `whop license --help` shows after the subcommands.
pub(crate) const GROUP_AFTER_HELP: &str = "\
Examples:
  whop license check -- \"$LICENSE_KEY\" && echo licensed
  whop --mock license check DEMO-1A2B3C-4D5E6F70-8A9B0CW

See `whop license check --help` for its exit codes.";

/// What `license check --help` shows last.
const CHECK_AFTER_HELP: &str = "\
Examples:
  whop license check -- \"$LICENSE_KEY\" && echo licensed
  whop --json license check -- \"$LICENSE_KEY\" | jq -r .result
  whop --mock license check DEMO-1A2B3C-4D5E6F70-8A9B0CW; echo $?    # 0: valid
  whop --mock license check DEMO-EXPIRED-00000000-0000000; echo $?   # 1: not valid
  whop --mock license check NO-SUCH-KEY; echo $?                     # 1: not found

Put `--` before a key that comes from a user, so a key starting with `-` is not read as a flag.

Exit codes of `license check`:
  0  the key belongs to one of your memberships, and it is valid
  1  the key belongs to one of your memberships that is not valid, or to none of them
  2  any error: usage, credentials, network, rate limit, refused token, ... (stderr says which)";

/// `license validate`'s long help.
const VALIDATE_ABOUT: &str = "\
Validate a license key and bind it to this machine (POST /v2/memberships/{key}/validate_license).

The first validation of a key stores the metadata sent (here {\"hwid\": ID} plus any --metadata)
in the membership: that binds the key to the machine. Later validations must send the same
metadata; another machine gets a mismatch until the key is reset (`whop license reset`, or the
customer's Whop dashboard). Needs your company API key (WHOP_API_KEY or --api-key).

Exit codes of `license validate`:
  0  valid: the key is bound (now, or already) to this hardware ID and the membership is valid
  1  not valid (the membership expired, was canceled, ...), metadata mismatch (bound to another
     machine), or not found; the line printed says which
  2  any error: usage, credentials, network, rate limit, refused key, ... (stderr says which)";

/// `license reset`'s long help.
const RESET_ABOUT: &str = "\
Reset a license key: clear the metadata it is bound to, so the next validation binds the machine
that sends it. Reads the membership by key (GET /v2/memberships/{key}), then clears its metadata
(POST /v2/memberships/{id} with {\"metadata\": {}}), as Whop's current guide says. Needs your
company API key. Prints the updated membership.";

/// `whop license ...`
#[derive(Debug, Subcommand)]
pub(crate) enum LicenseCommand {
    /// Check whether a license key grants access: exit 0 if valid, 1 if not or unknown, 2 on error.
    #[command(
        long_about = "Check whether a license key grants access \
            (GET /v5/me/memberships/{key}).\n\n\
            Prints one line saying whether the key is valid, not valid, or not found, and exits \
            0, 1 or 1; any error exits 2. Needs a user token (WHOP_USER_TOKEN or --user-token): \
            the key is looked up among that user's memberships only. With --json, prints \
            {\"result\": \"valid\" | \"not_valid\" | \"not_found\", \"membership\": ...}.",
        after_help = CHECK_AFTER_HELP
    )]
    Check(CheckArgs),
    /// Validate a key and bind it to this machine's hardware ID: exit 0 valid, 1 not, 2 error.
    #[command(long_about = VALIDATE_ABOUT)]
    Validate(ValidateArgs),
    /// Reset a key: clear the machine it is bound to (company API key).
    #[command(long_about = RESET_ABOUT)]
    Reset(ResetArgs),
}

/// Arguments of `whop license check`.
#[derive(Debug, Args)]
pub(crate) struct CheckArgs {
    /// The license key to check.
    #[arg(value_name = "KEY")]
    key: String,
}

/// Arguments of `whop license validate`.
#[derive(Debug, Args)]
pub(crate) struct ValidateArgs {
    /// The license key (or membership ID) to validate.
    #[arg(value_name = "KEY")]
    key: String,
    /// This machine's hardware ID, sent as metadata `hwid`.
    #[arg(long, value_name = "ID")]
    hwid: String,
    /// More metadata to bind or compare, `key=value` (repeatable; values are strings).
    #[arg(long, value_name = "KEY=VALUE", value_parser = parse_pair)]
    metadata: Vec<(String, String)>,
}

/// Arguments of `whop license reset`.
#[derive(Debug, Args)]
pub(crate) struct ResetArgs {
    /// The license key (or membership ID) to reset.
    #[arg(value_name = "KEY")]
    key: String,
}

/// `key=value`.
fn parse_pair(text: &str) -> Result<(String, String), String> {
    match text.split_once('=') {
        Some((key, value)) if !key.is_empty() => Ok((key.to_owned(), value.to_owned())),
        _ => Err("expected KEY=VALUE".to_owned()),
    }
}
/// Runs `whop license ...`.
pub(crate) async fn run(global: &GlobalArgs, command: &LicenseCommand) -> Result<Exit, Failure> {
    match command {
        LicenseCommand::Check(args) => check(global, args).await,
        LicenseCommand::Validate(args) => validate(global, args).await,
        LicenseCommand::Reset(args) => reset(global, args).await,
    }
}

/// `whop license check`: exit 0 when valid, 1 when not valid or not found, 2 on any error.
async fn check(global: &GlobalArgs, args: &CheckArgs) -> Result<Exit, Failure> {
    // Every failure of `license check` exits 2, whatever its class; the message keeps the class.
    check_key(global, &args.key)
        .await
        .map_err(|failure| Failure::new(Exit::Usage, failure.message))
}

/// The check itself; [`check`] folds its failures into exit 2.
async fn check_key(global: &GlobalArgs, key: &str) -> Result<Exit, Failure> {
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

/// `whop license validate`: exit 0 valid, 1 not valid / mismatch / not found, 2 any error.
async fn validate(global: &GlobalArgs, args: &ValidateArgs) -> Result<Exit, Failure> {
    // Every failure exits 2, whatever its class; the message keeps the class.
    validate_key(global, args)
        .await
        .map_err(|failure| Failure::new(Exit::Usage, failure.message))
}

/// The validation itself; [`validate`] folds its failures into exit 2.
async fn validate_key(global: &GlobalArgs, args: &ValidateArgs) -> Result<Exit, Failure> {
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

/// `whop license reset`: clear the key's binding, print the updated membership.
async fn reset(global: &GlobalArgs, args: &ResetArgs) -> Result<Exit, Failure> {
    let target = target(global, Credential::CompanyKey).await?;
    let membership = target
        .client
        .reset_license(&args.key)
        .await
        .map_err(|e| classify(&e, Call::Reset))?;
    print_membership(global, &membership)
}

/// The line for a key whose membership grants no access (`check` and `validate` alike).
fn not_valid(id: &MembershipId, status: Option<&MembershipStatus>) -> String {
    format!(
        "not valid: the license key belongs to membership {id}, which is {} and grants no access",
        status.map_or_else(|| "of unknown status".to_owned(), ToString::to_string)
    )
}

/// Prints the outcome of `check` or `validate`: its line, or with `--json`
/// `{"result": ..., "membership": <the API's own JSON, or null>}`.
fn print_outcome(
    global: &GlobalArgs,
    result: &str,
    line: &str,
    membership: Option<&[u8]>,
) -> Result<(), Failure> {
    if global.json {
        let membership = membership.map_or_else(
            || "null".to_owned(),
            |raw| String::from_utf8_lossy(raw).into_owned(),
        );
        let report = format!("{{\"result\":\"{result}\",\"membership\":{membership}}}");
        print_raw_json(report.as_bytes())
    } else {
        print(&format!("{line}\n"))
    }
}
