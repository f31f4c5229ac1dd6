//! `whop membership ...`: your company's memberships, through Whop's v2 API with the company API
//! key (WHOP_API_KEY or --api-key).
//!
//! - `membership cancel ID`: cancel at the end of the current period (the membership keeps access
//!   until then); prints the updated membership.
//! - `membership terminate ID --yes`: end access now, irreversibly; without `--yes` nothing is sent.
//! - `membership get ID-OR-KEY`: look one up by membership ID or license key.
//! - `membership list`: list them, filtered, one row per membership (or JSON Lines with `--json`),
//!   one page or `--all`.

use clap::{Args, Subcommand, ValueEnum};
use whop_client::{Direction, Expand, MembershipStatus, V2_MAX_PER_PAGE};
use whop_models::MembershipPage;

use crate::context::{Credential, target};
use crate::exit::{Call, Exit, Failure, classify, exit_codes_table};
use crate::global::GlobalArgs;
use crate::listing::{PagingArgs, parse_status, stream_pages};
use crate::output::print_membership;
use crate::render::membership_row;

/// What `whop membership --help` shows after the subcommands.
pub(crate) const GROUP_AFTER_HELP: &str = "\
Examples:
  whop membership cancel mem_XXXXXXXXXXXXXX --expand product,user
  whop --mock membership cancel mem_demo000000001
  whop membership terminate mem_XXXXXXXXXXXXXX --yes

See `whop membership cancel --help` and `whop membership terminate --help` for their exit codes.";

/// What `membership cancel --help` and `membership get --help` show last.
const CANCEL_AFTER_HELP: &str = concat!(
    "\
Examples:
  whop membership cancel mem_XXXXXXXXXXXXXX
  whop membership cancel mem_XXXXXXXXXXXXXX --expand product,user --expand plan
  whop membership cancel mem_XXXXXXXXXXXXXX --json | jq -r .renewal_period_end
  whop --mock membership cancel mem_demo000000001 --expand product,user,plan,promo_code

Cancelling is at period end and cancelling twice is the same as once, so after a network error
(exit 6) it is safe to run the command again.

",
    "Exit codes:\n",
    exit_codes_table!()
);

/// What `membership terminate --help` shows last.
const TERMINATE_AFTER_HELP: &str = concat!(
    "\
Examples:
  whop membership terminate mem_XXXXXXXXXXXXXX --yes
  whop --mock membership terminate mem_demo000000001 --yes --expand user

Terminating ends access at once and cannot be undone (the customer has to buy again); without
--yes the command refuses and sends nothing. After a network error (exit 6) the termination may
have happened: look the membership up before running the command again.

",
    "Exit codes:\n",
    exit_codes_table!()
);

/// `membership list`'s long help.
const LIST_ABOUT: &str = "\
List your company's memberships (GET /v2/memberships), one row per membership, printed as each
page arrives. Without --all, one page (--page, default 1); with --all, every page from --page on,
with a progress line on stderr when stderr is a terminal. --json prints each membership as Whop
sent it, one JSON object per line (JSON Lines). Needs your company API key.";

/// `whop membership ...`
#[derive(Debug, Subcommand)]
pub(crate) enum MembershipCommand {
    /// Cancel a membership at the end of its current period.
    #[command(
        long_about = "Cancel a membership at the end of its current period \
            (POST /v2/memberships/{id}/cancel).\n\n\
            The membership keeps access until its current period ends, then does not renew; \
            Whop's v2 API never ends access at once. Needs your company API key \
            (WHOP_API_KEY or --api-key). Prints the updated membership.",
        after_help = CANCEL_AFTER_HELP
    )]
    Cancel(CancelArgs),
    /// End a membership now, irreversibly (asks for --yes).
    #[command(
        long_about = "End a membership now (POST /v2/memberships/{id}/terminate).\n\n\
            Access ends at once and the termination cannot be undone: the customer has to buy \
            again. To stop renewal but keep access until the period ends, use `membership \
            cancel`. Refuses to run without --yes. Needs your company API key (WHOP_API_KEY or \
            --api-key). Prints the terminated membership.",
        after_help = TERMINATE_AFTER_HELP
    )]
    Terminate(TerminateArgs),
    /// Look up a membership by ID or license key (company API key).
    #[command(long_about = "Look up one of your company's memberships by membership ID or license \
        key (GET /v2/memberships/{id}). Needs your company API key.", after_help = CANCEL_AFTER_HELP)]
    Get(GetArgs),
    /// List your company's memberships, filtered; --all for every page.
    #[command(long_about = LIST_ABOUT)]
    List(ListArgs),
}

/// Arguments of `whop membership cancel`.
#[derive(Debug, Args)]
pub(crate) struct CancelArgs {
    /// The membership ID (mem_...).
    #[arg(value_name = "ID")]
    id: String,

    /// Related objects to include in full instead of by ID: comma-separated, or the flag
    /// repeated.
    #[arg(long, value_name = "FIELD", value_delimiter = ',')]
    expand: Vec<ExpandArg>,
}

/// Arguments of `whop membership terminate`.
#[derive(Debug, Args)]
pub(crate) struct TerminateArgs {
    /// The membership ID (mem_...).
    #[arg(value_name = "ID")]
    id: String,

    /// Confirm: end the membership now, irreversibly. Without it nothing is sent.
    #[arg(long)]
    yes: bool,

    /// Related objects to include in full instead of by ID: comma-separated, or the flag
    /// repeated.
    #[arg(long, value_name = "FIELD", value_delimiter = ',')]
    expand: Vec<ExpandArg>,
}

/// Arguments of `whop membership get`.
#[derive(Debug, Args)]
pub(crate) struct GetArgs {
    /// A membership ID (mem_...) or a license key.
    #[arg(value_name = "ID-OR-KEY")]
    id_or_key: String,
    /// Related objects to include in full: comma-separated, or the flag repeated.
    #[arg(long, value_name = "FIELD", value_delimiter = ',')]
    expand: Vec<ExpandArg>,
}

/// Arguments of `whop membership list`.
#[derive(Debug, Args)]
pub(crate) struct ListArgs {
    /// Only memberships in this status.
    #[arg(long, value_name = "STATUS", value_parser = parse_status)]
    status: Option<MembershipStatus>,
    /// Only memberships of this plan.
    #[arg(long, value_name = "ID")]
    plan_id: Option<String>,
    /// Only memberships of this product.
    #[arg(long, value_name = "ID")]
    product_id: Option<String>,
    /// Only memberships of this user.
    #[arg(long, value_name = "ID")]
    user_id: Option<String>,
    /// Only memberships linked to this Discord account ID.
    #[arg(long, value_name = "ID")]
    discord_id: Option<String>,
    /// Only memberships paid from this wallet.
    #[arg(long, value_name = "ADDRESS")]
    wallet_address: Option<String>,
    /// Only valid (true) or only invalid (false) memberships.
    #[arg(long, value_name = "BOOL")]
    valid: Option<bool>,
    /// Leave the metadata out.
    #[arg(long)]
    hide_metadata: bool,
    /// Order by creation: desc (newest first, Whop's default) or asc.
    #[arg(long, value_enum)]
    direction: Option<DirectionArg>,
    /// Related objects to include in full: comma-separated, or the flag repeated.
    #[arg(long, value_name = "FIELD", value_delimiter = ',')]
    expand: Vec<ExpandArg>,
    /// Paging.
    #[command(flatten)]
    paging: PagingArgs,
}

/// `--direction`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum DirectionArg {
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

/// A related object `--expand` can include in full.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum ExpandArg {
    /// The product (and the deprecated access_pass).
    Product,
    /// The customer.
    User,
    /// The plan.
    Plan,
    /// The promo code used at checkout.
    #[value(name = "promo_code")]
    PromoCode,
}

impl From<ExpandArg> for Expand {
    fn from(arg: ExpandArg) -> Self {
        match arg {
            ExpandArg::Product => Expand::Product,
            ExpandArg::User => Expand::User,
            ExpandArg::Plan => Expand::Plan,
            ExpandArg::PromoCode => Expand::PromoCode,
        }
    }
}

/// Runs `whop membership ...`.
pub(crate) async fn run(global: &GlobalArgs, command: &MembershipCommand) -> Result<Exit, Failure> {
    match command {
        MembershipCommand::Cancel(args) => cancel(global, args).await,
        MembershipCommand::Terminate(args) => terminate(global, args).await,
        MembershipCommand::Get(args) => get(global, args).await,
        MembershipCommand::List(args) => list(global, args).await,
    }
}

/// `whop membership cancel`: cancel at period end, print the updated membership.
async fn cancel(global: &GlobalArgs, args: &CancelArgs) -> Result<Exit, Failure> {
    let target = target(global, Credential::CompanyKey).await?;
    let expand = args.expand.iter().copied().map(Expand::from);
    let membership = target
        .client
        .cancel_membership(&args.id)
        .expand_all(expand)
        .send()
        .await
        .map_err(|e| classify(&e, Call::Cancel { id: &args.id }))?;
    print_membership(global, &membership)
}

/// `whop membership terminate`: end the membership now; refuses without `--yes`.
async fn terminate(global: &GlobalArgs, args: &TerminateArgs) -> Result<Exit, Failure> {
    if !args.yes {
        return Err(Failure::new(
            Exit::Usage,
            format!(
                "terminating {:?} ends its access at once and cannot be undone; nothing was sent: \
                 run again with --yes to confirm (or use `membership cancel` to end it at period end)",
                args.id
            ),
        ));
    }
    let target = target(global, Credential::CompanyKey).await?;
    let expand = args.expand.iter().copied().map(Expand::from);
    let membership = target
        .client
        .terminate_membership(&args.id)
        .expand_all(expand)
        .send()
        .await
        .map_err(|e| classify(&e, Call::Terminate { id: &args.id }))?;
    print_membership(global, &membership)
}

/// `whop membership get`: one membership by ID or license key.
async fn get(global: &GlobalArgs, args: &GetArgs) -> Result<Exit, Failure> {
    let target = target(global, Credential::CompanyKey).await?;
    let membership = target
        .client
        .membership(&args.id_or_key)
        .expand_all(args.expand.iter().copied().map(Expand::from))
        .await
        .map_err(|e| classify(&e, Call::Company))?;
    print_membership(global, &membership)
}

/// `whop membership list`: rows (or JSON Lines) as pages arrive.
async fn list(global: &GlobalArgs, args: &ListArgs) -> Result<Exit, Failure> {
    let target = target(global, Credential::CompanyKey).await?;
    let mut listing = target
        .client
        .list_memberships()
        .page(args.paging.page)
        .per(args.paging.per.unwrap_or(V2_MAX_PER_PAGE))
        .hide_metadata(args.hide_metadata);
    if let Some(status) = &args.status {
        listing = listing.status(status.clone());
    }
    if let Some(id) = &args.plan_id {
        listing = listing.plan_id(id);
    }
    if let Some(id) = &args.product_id {
        listing = listing.product_id(id);
    }
    if let Some(id) = &args.user_id {
        listing = listing.user_id(id);
    }
    if let Some(id) = &args.discord_id {
        listing = listing.discord_id(id);
    }
    if let Some(address) = &args.wallet_address {
        listing = listing.wallet_address(address);
    }
    if let Some(valid) = args.valid {
        listing = listing.valid(valid);
    }
    if let Some(direction) = args.direction {
        listing = listing.direction(direction.into());
    }
    for field in &args.expand {
        listing = listing.expand(Expand::from(*field));
    }
    let rows = |page: &MembershipPage| page.data.iter().map(membership_row).collect();
    stream_pages(global, &args.paging, listing.pages(), rows).await
}

#[cfg(test)]
mod tests {
    use clap::Parser;

    use super::*;

    /// `whop membership ...` alone, without the flags every subcommand takes.
    #[derive(Debug, Parser)]
    struct Line {
        #[command(subcommand)]
        command: MembershipCommand,
    }

    #[test]
    fn expand_takes_commas_and_repeats() {
        let cli = Line::try_parse_from([
            "membership",
            "cancel",
            "mem_1",
            "--expand",
            "product,user",
            "--expand",
            "promo_code",
        ])
        .expect("valid arguments");
        let MembershipCommand::Cancel(args) = cli.command else {
            panic!("parsed as another command");
        };
        assert_eq!(
            args.expand,
            [ExpandArg::Product, ExpandArg::User, ExpandArg::PromoCode]
        );
    }
}
