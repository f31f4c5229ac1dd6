//! The arguments of the license-key and listing commands: `license validate`, `license reset`,
//! `membership get`, `membership list`, `me memberships`.

use clap::Args;

/// `license validate`'s long help.
pub(crate) const VALIDATE_ABOUT: &str = "\
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
pub(crate) const RESET_ABOUT: &str = "\
Reset a license key: clear the metadata it is bound to, so the next validation binds the machine
that sends it. Reads the membership by key (GET /v2/memberships/{key}), then clears its metadata
(POST /v2/memberships/{id} with {\"metadata\": {}}), as Whop's current guide says. Needs your
company API key. Prints the updated membership.";

/// Arguments of `whop license validate`.
#[derive(Debug, Args)]
pub(crate) struct LicenseValidateArgs {
    /// The license key (or membership ID) to validate.
    #[arg(value_name = "KEY")]
    pub(crate) key: String,
    /// This machine's hardware ID, sent as metadata `hwid`.
    #[arg(long, value_name = "ID")]
    pub(crate) hwid: String,
    /// More metadata to bind or compare, `key=value` (repeatable; values are strings).
    #[arg(long, value_name = "KEY=VALUE", value_parser = parse_pair)]
    pub(crate) metadata: Vec<(String, String)>,
}

/// Arguments of `whop license reset`.
#[derive(Debug, Args)]
pub(crate) struct LicenseResetArgs {
    /// The license key (or membership ID) to reset.
    #[arg(value_name = "KEY")]
    pub(crate) key: String,
}

/// `key=value`.
fn parse_pair(text: &str) -> Result<(String, String), String> {
    match text.split_once('=') {
        Some((key, value)) if !key.is_empty() => Ok((key.to_owned(), value.to_owned())),
        _ => Err("expected KEY=VALUE".to_owned()),
    }
}
