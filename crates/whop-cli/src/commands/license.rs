//! `whop license ...`: license keys. On the Current API (the default) each command is built from
//! `/v1/memberships/{key}` calls ([`current`]); with `--api legacy` the seed's v2/v5 calls run
//! instead ([`legacy`]).
//!
//! - `license check KEY`: read-only: does the key grant access? With a user token
//!   (WHOP_USER_TOKEN or --user-token): the key is looked up among that user's memberships. Exit 0
//!   valid, 1 not valid or not found, 2 any error.
//! - `license validate KEY --hwid ID`: validate the key and bind it to this machine, with the
//!   company API key. Exit 0 valid, 1 bound to another machine, not valid or not found, 2 any
//!   error.
//! - `license reset KEY`: clear the machine a key is bound to, so the next validation binds anew.
//! - `license keygen --out FILE`: a signing key for the license server ([`keygen`]; no network).
//! - `license inspect TOKEN --public-key KEY`: verify a license token offline and show its claims
//!   ([`inspect`]). Exit 0 valid for that machine, 1 not, 2 usage error.
//! - `license serve --listen ADDR --signing-key FILE`: the license server ([`serve`]).

mod current;
mod inspect;
mod keygen;
mod legacy;
mod serve;

use inspect::InspectArgs;
use keygen::KeygenArgs;
use serve::ServeArgs;

use clap::{Args, Subcommand};
use whop_client::MembershipStatus;

use crate::exit::{Exit, Failure};
use crate::global::{ApiChoice, GlobalArgs};
use crate::output::{print, print_raw_json};

/// What `whop license --help` shows after the subcommands.
pub(crate) const GROUP_AFTER_HELP: &str = "\
Examples:
  whop license check -- \"$LICENSE_KEY\" && echo licensed
  whop license validate -- \"$LICENSE_KEY\" --hwid \"$(cat /etc/machine-id)\"
  whop --mock license check DEMO-1A2B3C-4D5E6F70-8A9B0CW
  whop license keygen --out signing.key
  whop license inspect \"$TOKEN\" --public-key k4.public.... --hwid \"$(cat /etc/machine-id)\"
  whop license serve --listen 127.0.0.1:8080 --signing-key signing.key
  whop license serve --listen 127.0.0.1:8080 --mock

Every command calls the Current API (/api/v1) unless --api legacy (or WHOP_API=legacy) is given.
See `whop license check --help` and `whop license validate --help` for their exit codes.
`license keygen` and `license inspect` run offline, with no credential.";

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
Validate a license key and bind it to this machine.

On the Current API: reads the membership by key (GET /v1/memberships/{key}), checks that its
status grants access, and, when no machine is bound yet, writes the hardware ID into its metadata
(PATCH /v1/memberships/{key}) and reads it again to confirm. A key bound to another hardware ID is
refused until it is reset (`whop license reset`). Two machines binding one unbound key in the same
instant can both be told `valid`; the re-read narrows that window but cannot close it. This is a
server-side call: never ship your company API key inside the software you sell.

With --api legacy: POST /v2/memberships/{key}/validate_license, which stores the metadata sent
({\"hwid\": ID} plus any --metadata) on the first validation and compares it later.

Needs your company API key (WHOP_API_KEY or --api-key).

Exit codes of `license validate`:
  0  valid: the key is bound (now, or already) to this hardware ID and the membership is valid
  1  bound to another machine, not valid (the membership expired, was canceled, ...), or not
     found; the line printed says which
  2  any error: usage, credentials, network, rate limit, refused key, ... (stderr says which)";

/// `license reset`'s long help.
const RESET_ABOUT: &str = "\
Reset a license key: remove the hardware ID it is bound to, so the next validation binds the
machine that sends it. On the Current API: reads the membership by key (GET /v1/memberships/{key}),
then removes the binding (PATCH /v1/memberships/{id} merging {\"hwid\": null}; other metadata
keys are kept) and checks it is gone. With --api legacy: reads the membership by key (GET /v2/memberships/{key}), then
clears all its metadata (POST /v2/memberships/{id} with {\"metadata\": {}}). Needs your company
API key. Prints the updated membership.";

/// `whop license ...`
#[derive(Debug, Subcommand)]
pub(crate) enum LicenseCommand {
    /// Check whether a license key grants access: exit 0 if valid, 1 if not or unknown, 2 on error.
    #[command(
        long_about = "Check whether a license key grants access, changing nothing \
            (GET /v1/memberships/{key}; with --api legacy, GET /v5/me/memberships/{key}).\n\n\
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
    /// Generate a signing key for the license server: writes FILE (0600), prints the public key.
    #[command(long_about = keygen::KEYGEN_ABOUT)]
    Keygen(KeygenArgs),
    /// Verify a license token offline and show its claims: exit 0 valid, 1 not, 2 usage error.
    #[command(long_about = inspect::INSPECT_ABOUT)]
    Inspect(InspectArgs),
    /// Run the license server: activate and refresh over HTTP, answered with signed tokens.
    #[command(long_about = serve::SERVE_ABOUT)]
    Serve(ServeArgs),
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
    /// This machine's hardware ID.
    #[arg(long, value_name = "ID")]
    hwid: String,
    /// (--api legacy only) More metadata to bind or compare, `key=value` (repeatable; values
    /// are strings).
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

/// Runs `whop license ...`. `check` and `validate` fold every failure into exit 2, whatever its
/// class (the message keeps the class): their 1 means "not valid" only.
pub(crate) async fn run(global: &GlobalArgs, command: &LicenseCommand) -> Result<Exit, Failure> {
    // Offline commands: no API, no credentials.
    match command {
        LicenseCommand::Keygen(args) => return keygen::run(global, args),
        LicenseCommand::Inspect(args) => return inspect::run(global, args),
        LicenseCommand::Serve(args) => return serve::run(global, args).await,
        LicenseCommand::Check(_) | LicenseCommand::Validate(_) | LicenseCommand::Reset(_) => {}
    }
    let api = global.api();
    let outcome = match (api, command) {
        (Err(failure), _) => Err(failure),
        (Ok(ApiChoice::Current), command) => current::run(global, command).await,
        (Ok(ApiChoice::Legacy), command) => legacy::run(global, command).await,
    };
    match command {
        LicenseCommand::Check(_) | LicenseCommand::Validate(_) => {
            outcome.map_err(|failure| Failure::new(Exit::Usage, failure.message))
        }
        _ => outcome,
    }
}

/// What `current` and `legacy` answer for an offline command, which [`run`] never hands them.
fn offline_command() -> Failure {
    Failure::new(
        Exit::Other,
        "this license command runs offline, without the API",
    )
}

/// The line for a key whose membership grants no access (`check` and `validate` alike).
fn not_valid(id: &impl std::fmt::Display, status: Option<&MembershipStatus>) -> String {
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
