//! `whop me ...`: your own memberships, through Whop's v5 `me` API with a user token
//! (WHOP_USER_TOKEN or --user-token, an OAuth token or an app-proxy JWT); only that user's
//! memberships are seen.
//!
//! - `me membership ID-OR-LICENSE-KEY`: look one up by membership ID or license key.
//! - `me memberships`: list them, filtered, one row per membership (or JSON Lines with `--json`),
//!   one page or `--all`.

use clap::{Args, Subcommand};
use time::OffsetDateTime;
use whop_client::MembershipStatus;
use whop_models::MeMembershipPage;

use crate::context::{Credential, target};
use crate::exit::{Call, Exit, Failure, classify, exit_codes_table};
use crate::global::GlobalArgs;
use crate::listing::{PagingArgs, parse_status, stream_pages};
use crate::output::{print, print_raw_json};
use crate::render::{self, me_membership_row};

/// What `whop me --help` shows after the subcommands.
pub(crate) const GROUP_AFTER_HELP: &str = "\
Examples:
  whop me membership mem_XXXXXXXXXXXXXX
  whop --mock me membership DEMO-1A2B3C-4D5E6F70-8A9B0CW

See `whop me membership --help` for its exit codes.";

/// What `me membership --help` shows last.
const MEMBERSHIP_AFTER_HELP: &str = concat!(
    "\
Examples:
  whop me membership mem_XXXXXXXXXXXXXX
  whop --json me membership -- \"$LICENSE_KEY\" | jq .valid
  whop --mock me membership DEMO-1A2B3C-4D5E6F70-8A9B0CW

",
    "Exit codes:\n",
    exit_codes_table!()
);

/// `me memberships`' long help.
const MEMBERSHIPS_ABOUT: &str = "\
List your own memberships (GET /v5/me/memberships), one row per membership, printed as each page
arrives. Whop lists only valid memberships unless --valid false is given. Without --all, one page;
with --all, every page. --json prints JSON Lines. Needs a user token (WHOP_USER_TOKEN or
--user-token).";

/// `whop me ...`
#[derive(Debug, Subcommand)]
pub(crate) enum MeCommand {
    /// Look up one of your memberships by membership ID or license key.
    #[command(
        long_about = "Look up one of your memberships by membership ID or license key \
            (GET /v5/me/memberships/{id}).\n\n\
            Needs a user token (WHOP_USER_TOKEN or --user-token); only that user's memberships \
            are found. A license key is sent as one percent-encoded path segment, whatever it \
            contains.",
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
    /// Only memberships of this company.
    #[arg(long, value_name = "ID")]
    company_id: Option<String>,
    /// Only memberships of this product.
    #[arg(long, value_name = "ID")]
    product_id: Option<String>,
    /// Only memberships in these statuses (comma-separated, or the flag repeated).
    #[arg(long = "status", value_name = "STATUS", value_delimiter = ',', value_parser = parse_status)]
    statuses: Vec<MembershipStatus>,
    /// Only valid (true, Whop's default) or only invalid (false) memberships.
    #[arg(long, value_name = "BOOL")]
    valid: Option<bool>,
    /// Only the membership with this license key.
    #[arg(long, value_name = "KEY")]
    license_key: Option<String>,
    /// Paging.
    #[command(flatten)]
    paging: PagingArgs,
}

/// Runs `whop me ...`.
pub(crate) async fn run(global: &GlobalArgs, command: &MeCommand) -> Result<Exit, Failure> {
    match command {
        MeCommand::Membership(args) => membership(global, args).await,
        MeCommand::Memberships(args) => memberships(global, args).await,
    }
}

/// `whop me membership`: look up one's own membership by ID or license key.
async fn membership(global: &GlobalArgs, args: &MembershipArgs) -> Result<Exit, Failure> {
    let target = target(global, Credential::UserToken).await?;
    let membership = target
        .client
        .me_membership(&args.id_or_license_key)
        .send()
        .await
        .map_err(|e| classify(&e, Call::Lookup))?;
    if global.json {
        print_raw_json(membership.raw_body())?;
    } else {
        print(&render::me_membership(
            &membership,
            OffsetDateTime::now_utc(),
        ))?;
    }
    Ok(Exit::Ok)
}

/// `whop me memberships`: the caller's own memberships, rows (or JSON Lines) as pages arrive.
async fn memberships(global: &GlobalArgs, args: &MembershipsArgs) -> Result<Exit, Failure> {
    let target = target(global, Credential::UserToken).await?;
    let mut listing = target.client.my_memberships().page(args.paging.page);
    if let Some(per) = args.paging.per {
        listing = listing.per(per);
    }
    if let Some(company_id) = &args.company_id {
        listing = listing.company_id(company_id);
    }
    if let Some(product_id) = &args.product_id {
        listing = listing.product_id(product_id);
    }
    for status in &args.statuses {
        listing = listing.status(status.clone());
    }
    if let Some(valid) = args.valid {
        listing = listing.valid(valid);
    }
    if let Some(key) = &args.license_key {
        listing = listing.license_key(key);
    }
    let rows = |page: &MeMembershipPage| page.data.iter().map(me_membership_row).collect();
    stream_pages(global, &args.paging, listing.pages(), rows).await
}
