//! The arguments of the license-key and listing commands: `license validate`, `license reset`,
//! `membership get`, `membership list`, `me memberships`.

use clap::{Args, ValueEnum};
use whop_client::{Direction, MembershipStatus};

use crate::cli::ExpandArg;
use crate::listing::{PagingArgs, parse_status};

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

/// `membership list`'s long help.
pub(crate) const LIST_ABOUT: &str = "\
List your company's memberships (GET /v2/memberships), one row per membership, printed as each
page arrives. Without --all, one page (--page, default 1); with --all, every page from --page on,
with a progress line on stderr when stderr is a terminal. --json prints each membership as Whop
sent it, one JSON object per line (JSON Lines). Needs your company API key.";

/// `me memberships`' long help.
pub(crate) const ME_LIST_ABOUT: &str = "\
List your own memberships (GET /v5/me/memberships), one row per membership, printed as each page
arrives. Whop lists only valid memberships unless --valid false is given. Without --all, one page;
with --all, every page. --json prints JSON Lines. Needs a user token (WHOP_USER_TOKEN or
--user-token).";

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

/// Arguments of `whop membership get`.
#[derive(Debug, Args)]
pub(crate) struct MembershipGetArgs {
    /// A membership ID (mem_...) or a license key.
    #[arg(value_name = "ID-OR-KEY")]
    pub(crate) id_or_key: String,
    /// Related objects to include in full: comma-separated, or the flag repeated.
    #[arg(long, value_name = "FIELD", value_delimiter = ',')]
    pub(crate) expand: Vec<ExpandArg>,
}

/// Arguments of `whop membership list`.
#[derive(Debug, Args)]
pub(crate) struct MembershipListArgs {
    /// Only memberships in this status.
    #[arg(long, value_name = "STATUS", value_parser = parse_status)]
    pub(crate) status: Option<MembershipStatus>,
    /// Only memberships of this plan.
    #[arg(long, value_name = "ID")]
    pub(crate) plan_id: Option<String>,
    /// Only memberships of this product.
    #[arg(long, value_name = "ID")]
    pub(crate) product_id: Option<String>,
    /// Only memberships of this user.
    #[arg(long, value_name = "ID")]
    pub(crate) user_id: Option<String>,
    /// Only memberships linked to this Discord account ID.
    #[arg(long, value_name = "ID")]
    pub(crate) discord_id: Option<String>,
    /// Only memberships paid from this wallet.
    #[arg(long, value_name = "ADDRESS")]
    pub(crate) wallet_address: Option<String>,
    /// Only valid (true) or only invalid (false) memberships.
    #[arg(long, value_name = "BOOL")]
    pub(crate) valid: Option<bool>,
    /// Leave the metadata out.
    #[arg(long)]
    pub(crate) hide_metadata: bool,
    /// Order by creation: desc (newest first, Whop's default) or asc.
    #[arg(long, value_enum)]
    pub(crate) direction: Option<DirectionArg>,
    /// Related objects to include in full: comma-separated, or the flag repeated.
    #[arg(long, value_name = "FIELD", value_delimiter = ',')]
    pub(crate) expand: Vec<ExpandArg>,
    /// Paging.
    #[command(flatten)]
    pub(crate) paging: PagingArgs,
}

/// Arguments of `whop me memberships`.
#[derive(Debug, Args)]
pub(crate) struct MeMembershipsArgs {
    /// Only memberships of this company.
    #[arg(long, value_name = "ID")]
    pub(crate) company_id: Option<String>,
    /// Only memberships of this product.
    #[arg(long, value_name = "ID")]
    pub(crate) product_id: Option<String>,
    /// Only memberships in these statuses (comma-separated, or the flag repeated).
    #[arg(long = "status", value_name = "STATUS", value_delimiter = ',', value_parser = parse_status)]
    pub(crate) statuses: Vec<MembershipStatus>,
    /// Only valid (true, Whop's default) or only invalid (false) memberships.
    #[arg(long, value_name = "BOOL")]
    pub(crate) valid: Option<bool>,
    /// Only the membership with this license key.
    #[arg(long, value_name = "KEY")]
    pub(crate) license_key: Option<String>,
    /// Paging.
    #[command(flatten)]
    pub(crate) paging: PagingArgs,
}

/// `--direction`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum DirectionArg {
    /// Oldest first.
    Asc,
    /// Newest first.
    Desc,
}

impl From<DirectionArg> for Direction {
    fn from(arg: DirectionArg) -> Self {
        match arg {
            DirectionArg::Asc => Direction::Asc,
            DirectionArg::Desc => Direction::Desc,
        }
    }
}

/// `key=value`.
fn parse_pair(text: &str) -> Result<(String, String), String> {
    match text.split_once('=') {
        Some((key, value)) if !key.is_empty() => Ok((key.to_owned(), value.to_owned())),
        _ => Err("expected KEY=VALUE".to_owned()),
    }
}
