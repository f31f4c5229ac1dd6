//! `whop me ...`: your own memberships, with a user token (WHOP_USER_TOKEN or --user-token, an
//! OAuth token or an app-proxy JWT); only that user's memberships are seen. On the Current API
//! (the default) through `/v1/memberships` ([`current`]), with `--api legacy` through the v5 `me`
//! API ([`legacy`]).
//!
//! - `me membership ID-OR-LICENSE-KEY`: look one up by membership ID or license key.
//! - `me memberships`: list them, filtered, one row per membership (or JSON Lines with `--json`),
//!   one page or `--all`.

mod current;
mod legacy;

use clap::{Args, Subcommand};

use crate::exit::{Exit, Failure, exit_codes_table};
use crate::global::{ApiChoice, GlobalArgs};
use crate::listing::{PagingArgs, StatusArg};

/// What `whop me --help` shows after the subcommands.
pub(crate) const GROUP_AFTER_HELP: &str = "\
Examples:
  whop me membership mem_XXXXXXXXXXXXXX
  whop me memberships --all --json | jq -r .id
  whop --mock me membership DEMO-1A2B3C-4D5E6F70-8A9B0CW

Every command calls the Current API (/api/v1) unless --api legacy (or WHOP_API=legacy) is given.
See `whop me membership --help` for its exit codes.";

/// What `me membership --help` shows last.
const MEMBERSHIP_AFTER_HELP: &str = concat!(
    "\
Examples:
  whop me membership mem_XXXXXXXXXXXXXX
  whop --json me membership -- \"$LICENSE_KEY\" | jq .status
  whop --mock me membership DEMO-1A2B3C-4D5E6F70-8A9B0CW

",
    "Exit codes:\n",
    exit_codes_table!()
);

/// `me memberships`' long help.
const MEMBERSHIPS_ABOUT: &str = "\
List your own memberships, one row per membership, printed as each page arrives.

On the Current API: GET /v1/memberships?user_id=me; a user token sees its own memberships (and
those of accounts it manages). --per is the page size (1 to 100), --after a cursor; with --all,
every page, each membership printed once, stopping on an empty page or a cursor already seen
whatever `page_info` says. With --api legacy: GET /v5/me/memberships, which lists only valid
memberships unless --valid false is given.

Without --all, one page. --json prints JSON Lines. Needs a user token (WHOP_USER_TOKEN or
--user-token), or the sign-in of `whop login`.";

/// `whop me ...`
#[derive(Debug, Subcommand)]
pub(crate) enum MeCommand {
    /// Look up one of your memberships by membership ID or license key.
    #[command(
        long_about = "Look up one of your memberships by membership ID or license key \
            (GET /v1/memberships/{id}; with --api legacy, GET /v5/me/memberships/{id}).\n\n\
            Needs a user token (WHOP_USER_TOKEN or --user-token), or the sign-in of `whop \
            login`; only that user's memberships are found. A license key is sent as one \
            percent-encoded path segment, whatever it contains.",
        after_help = MEMBERSHIP_AFTER_HELP
    )]
    Membership(MembershipArgs),
    /// List your own memberships; --all for every page.
    #[command(long_about = MEMBERSHIPS_ABOUT)]
    Memberships(MembershipsArgs),
}

/// Arguments of `whop me membership`.
#[derive(Debug, Args)]
pub(crate) struct MembershipArgs {
    /// A membership ID (mem_...) or a license key.
    #[arg(value_name = "ID-OR-LICENSE-KEY")]
    id_or_license_key: String,
}

/// Arguments of `whop me memberships`.
#[derive(Debug, Args)]
pub(crate) struct MembershipsArgs {
    /// Only memberships of this company (a biz_ ID: `account_id` on the Current API,
    /// `company_id` on v5).
    #[arg(long, value_name = "ID", visible_alias = "account-id")]
    company_id: Option<String>,
    /// Only memberships of this product.
    #[arg(long, value_name = "ID")]
    product_id: Option<String>,
    /// Only memberships in these statuses (comma-separated, or the flag repeated).
    #[arg(
        long = "status",
        value_name = "STATUS",
        value_enum,
        value_delimiter = ','
    )]
    statuses: Vec<StatusArg>,
    /// (--api legacy only) Only valid (true, Whop's default) or only invalid (false)
    /// memberships.
    #[arg(long, value_name = "BOOL")]
    valid: Option<bool>,
    /// (--api legacy only) Only the membership with this license key.
    #[arg(long, value_name = "KEY")]
    license_key: Option<String>,
    /// Paging.
    #[command(flatten)]
    paging: PagingArgs,
}

/// Runs `whop me ...`.
pub(crate) async fn run(global: &GlobalArgs, command: &MeCommand) -> Result<Exit, Failure> {
    match global.api()? {
        ApiChoice::Current => current::run(global, command).await,
        ApiChoice::Legacy => legacy::run(global, command).await,
    }
}
