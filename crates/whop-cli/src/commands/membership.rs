//! `whop membership ...`: your company's memberships, with the company API key (WHOP_API_KEY or
//! --api-key). On the Current API (the default) each command is one call to `/v1/memberships`
//! ([`current`]); with `--api legacy` the seed's v2 calls run instead ([`legacy`]).
//!
//! - `membership get ID-OR-KEY`: look one up by membership ID or license key.
//! - `membership list`: list them, filtered, one row per membership (or JSON Lines with `--json`),
//!   one page or `--all`.
//! - `membership cancel ID`: cancel at the end of the current period (the membership keeps access
//!   until then).
//! - `membership terminate ID --yes`: end access now; without `--yes` nothing is sent.
//! - `membership update ID`: merge or clear the metadata, or undo a pending cancel (Current API).
//! - `membership pause|resume|extend ID`: pause billing, resume it, add free days (Current API).

mod current;
mod legacy;

use clap::{ArgGroup, Args, Subcommand, ValueEnum};
use serde_json::{Map, Value};
use time::OffsetDateTime;

use crate::exit::{Exit, Failure, exit_codes_table};
use crate::global::{ApiChoice, GlobalArgs};
use crate::listing::{PagingArgs, StatusArg, parse_time};

/// What `whop membership --help` shows after the subcommands.
pub(crate) const GROUP_AFTER_HELP: &str = "\
Examples:
  whop membership get mem_XXXXXXXXXXXXXX
  whop membership cancel mem_XXXXXXXXXXXXXX
  whop membership update mem_XXXXXXXXXXXXXX --metadata '{\"seat\": 2}'
  whop --mock membership list --all --json | jq -r .id
  whop --api legacy membership cancel mem_XXXXXXXXXXXXXX --expand product,user

Every command calls the Current API (/api/v1) unless --api legacy (or WHOP_API=legacy) is given.
See `whop membership cancel --help` and `whop membership terminate --help` for their exit codes.";

/// What `membership cancel --help` and `membership get --help` show last.
const CANCEL_AFTER_HELP: &str = concat!(
    "\
Examples:
  whop membership cancel mem_XXXXXXXXXXXXXX
  whop membership cancel mem_XXXXXXXXXXXXXX --json | jq -r .current_period_end
  whop --mock membership cancel mem_demo000000001
  whop --api legacy membership cancel mem_XXXXXXXXXXXXXX --expand product,user,plan,promo_code

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
  whop --mock membership terminate mem_demo000000001 --yes

Terminating ends access at once; without --yes the command refuses and sends nothing. After a
network error (exit 6) the termination may have happened: look the membership up before running
the command again.

",
    "Exit codes:\n",
    exit_codes_table!()
);

/// `membership list`'s long help.
const LIST_ABOUT: &str = "\
List your company's memberships, one row per membership, printed as each page arrives.

On the Current API (GET /v1/memberships): --per is the page size (`first`, 1 to 100), --after a
cursor to start from; with --all, every page, each membership printed once, stopping on an empty
page or a cursor already seen whatever `page_info` says. With --api legacy (GET /v2/memberships):
--page and --per (1 to 50), and the v2-only filters.

Without --all, one page; with --all, a progress line on stderr when stderr is a terminal. --json
prints each membership as Whop sent it, one JSON object per line (JSON Lines). Needs your company
API key.";

/// `membership update`'s long help.
const UPDATE_ABOUT: &str = "\
Change a membership (PATCH /v1/memberships/{id}; Current API only): one of

  --metadata JSON   merge these keys into the membership's metadata: keys not named keep their
                    values (this is not a replacement of the whole object)
  --clear-metadata  remove every metadata key (sends {\"metadata\": {}})
  --undo-cancel     keep a membership that was set to cancel at period end (cancel_at_period_end
                    false)

Needs your company API key. Prints the updated membership.";

/// `whop membership ...`
#[derive(Debug, Subcommand)]
pub(crate) enum MembershipCommand {
    /// Look up a membership by ID or license key (company API key).
    #[command(
        long_about = "Look up one of your company's memberships by membership ID or license key \
            (GET /v1/memberships/{id}; with --api legacy, GET /v2/memberships/{id}). Needs your \
            company API key.",
        after_help = CANCEL_AFTER_HELP
    )]
    Get(GetArgs),
    /// List your company's memberships, filtered; --all for every page.
    #[command(long_about = LIST_ABOUT)]
    List(ListArgs),
    /// Cancel a membership at the end of its current period.
    #[command(
        long_about = "Cancel a membership at the end of its current period \
            (POST /v1/memberships/{id}/cancel with cancel_at_period_end: true; with --api \
            legacy, POST /v2/memberships/{id}/cancel).\n\n\
            The membership keeps access until its current period ends, then does not renew. \
            The request always says `at period end` explicitly: on the Current API a cancel \
            without it ends access at once. Needs your company API key (WHOP_API_KEY or \
            --api-key). Prints the updated membership.",
        after_help = CANCEL_AFTER_HELP
    )]
    Cancel(CancelArgs),
    /// End a membership's access now (asks for --yes).
    #[command(
        long_about = "End a membership's access now (POST /v1/memberships/{id}/cancel with \
            cancel_at_period_end: false; with --api legacy, POST \
            /v2/memberships/{id}/terminate, which cannot be undone).\n\n\
            Access ends at once. To stop renewal but keep access until the period ends, use \
            `membership cancel`. Refuses to run without --yes. Needs your company API key \
            (WHOP_API_KEY or --api-key). Prints the membership.",
        after_help = TERMINATE_AFTER_HELP
    )]
    Terminate(TerminateArgs),
    /// Merge or clear a membership's metadata, or undo a pending cancel (Current API).
    #[command(long_about = UPDATE_ABOUT)]
    Update(UpdateArgs),
    /// Pause a membership's billing; it keeps access (Current API).
    #[command(
        long_about = "Pause a membership's billing (POST /v1/memberships/{id}/pause; Current API \
            only): the customer keeps access and is not charged until `membership resume`, or \
            until --until. Whop pauses only memberships it bills. Needs your company API key."
    )]
    Pause(PauseArgs),
    /// Resume a paused membership's billing (Current API).
    #[command(long_about = "Resume a paused membership's billing \
        (POST /v1/memberships/{id}/resume; Current API only). Needs your company API key.")]
    Resume(IdArgs),
    /// Add free days to a membership's current period (Current API).
    #[command(
        long_about = "Add free days to a membership (POST /v1/memberships/{id}/extend; Current \
            API only): its current period ends --days later. Running it twice adds the days \
            twice. Needs your company API key."
    )]
    Extend(ExtendArgs),
}

/// Arguments of `whop membership get`.
#[derive(Debug, Args)]
pub(crate) struct GetArgs {
    /// A membership ID (mem_...) or a license key.
    #[arg(value_name = "ID-OR-KEY")]
    id_or_key: String,
    /// (--api legacy only) Related objects to include in full: comma-separated, or the flag
    /// repeated.
    #[arg(long, value_name = "FIELD", value_delimiter = ',')]
    expand: Vec<ExpandArg>,
}

/// Arguments of `whop membership cancel`.
#[derive(Debug, Args)]
pub(crate) struct CancelArgs {
    /// The membership ID (mem_...).
    #[arg(value_name = "ID")]
    id: String,
    /// (--api legacy only) Related objects to include in full instead of by ID:
    /// comma-separated, or the flag repeated.
    #[arg(long, value_name = "FIELD", value_delimiter = ',')]
    expand: Vec<ExpandArg>,
}

/// Arguments of `whop membership terminate`.
#[derive(Debug, Args)]
pub(crate) struct TerminateArgs {
    /// The membership ID (mem_...).
    #[arg(value_name = "ID")]
    id: String,
    /// Confirm: end the membership's access now. Without it nothing is sent.
    #[arg(long)]
    yes: bool,
    /// (--api legacy only) Related objects to include in full instead of by ID:
    /// comma-separated, or the flag repeated.
    #[arg(long, value_name = "FIELD", value_delimiter = ',')]
    expand: Vec<ExpandArg>,
}

/// Arguments of `whop membership update`.
#[derive(Debug, Args)]
#[command(group(ArgGroup::new("change").required(true).args(["metadata", "clear_metadata", "undo_cancel"])))]
pub(crate) struct UpdateArgs {
    /// The membership ID (mem_...) or its license key.
    #[arg(value_name = "ID")]
    id: String,
    /// Merge these keys into the metadata (a JSON object); other keys keep their values.
    #[arg(long, value_name = "JSON", value_parser = parse_object)]
    metadata: Option<Map<String, Value>>,
    /// Remove every metadata key.
    #[arg(long)]
    clear_metadata: bool,
    /// Keep a membership set to cancel at period end (cancel_at_period_end: false).
    #[arg(long)]
    undo_cancel: bool,
}

/// Arguments of `whop membership pause`.
#[derive(Debug, Args)]
pub(crate) struct PauseArgs {
    /// The membership ID (mem_...).
    #[arg(value_name = "ID")]
    id: String,
    /// Resume billing by itself at this time (RFC 3339, such as 2027-01-31T00:00:00Z; in the
    /// future).
    #[arg(long, value_name = "TIME", value_parser = parse_time)]
    until: Option<OffsetDateTime>,
}

/// Arguments of `whop membership resume`.
#[derive(Debug, Args)]
pub(crate) struct IdArgs {
    /// The membership ID (mem_...).
    #[arg(value_name = "ID")]
    id: String,
}

/// Arguments of `whop membership extend`.
#[derive(Debug, Args)]
pub(crate) struct ExtendArgs {
    /// The membership ID (mem_...).
    #[arg(value_name = "ID")]
    id: String,
    /// How many days to add (1 to 1095).
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u32).range(1..=1095))]
    days: u32,
}

/// Arguments of `whop membership list`.
#[derive(Debug, Args)]
pub(crate) struct ListArgs {
    /// Only memberships in these statuses (comma-separated, or the flag repeated; --api legacy
    /// takes one, and neither `canceling` nor `paused`).
    #[arg(long, value_name = "STATUS", value_enum, value_delimiter = ',')]
    status: Vec<StatusArg>,
    /// Only memberships of these plans (repeatable; --api legacy takes one).
    #[arg(long, value_name = "ID")]
    plan_id: Vec<String>,
    /// Only memberships of these products (repeatable; --api legacy takes one).
    #[arg(long, value_name = "ID")]
    product_id: Vec<String>,
    /// Only memberships of this user.
    #[arg(long, value_name = "ID")]
    user_id: Option<String>,
    /// Only memberships created after this time (RFC 3339; Current API).
    #[arg(long, value_name = "TIME", value_parser = parse_time)]
    created_after: Option<OffsetDateTime>,
    /// Only memberships created before this time (RFC 3339; Current API).
    #[arg(long, value_name = "TIME", value_parser = parse_time)]
    created_before: Option<OffsetDateTime>,
    /// (--api legacy only) Only memberships linked to this Discord account ID.
    #[arg(long, value_name = "ID")]
    discord_id: Option<String>,
    /// (--api legacy only) Only memberships paid from this wallet.
    #[arg(long, value_name = "ADDRESS")]
    wallet_address: Option<String>,
    /// (--api legacy only) Only valid (true) or only invalid (false) memberships.
    #[arg(long, value_name = "BOOL")]
    valid: Option<bool>,
    /// (--api legacy only) Leave the metadata out.
    #[arg(long)]
    hide_metadata: bool,
    /// Order by creation: desc (newest first, Whop's default) or asc.
    #[arg(long, value_enum)]
    direction: Option<DirectionArg>,
    /// (--api legacy only) Related objects to include in full: comma-separated, or the flag
    /// repeated.
    #[arg(long, value_name = "FIELD", value_delimiter = ',')]
    expand: Vec<ExpandArg>,
    /// Paging.
    #[command(flatten)]
    paging: PagingArgs,
}

/// `--direction`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum DirectionArg {
    /// Oldest first.
    Asc,
    /// Newest first.
    Desc,
}

impl From<DirectionArg> for whop_client::Direction {
    fn from(arg: DirectionArg) -> Self {
        match arg {
            DirectionArg::Asc => whop_client::Direction::Asc,
            DirectionArg::Desc => whop_client::Direction::Desc,
        }
    }
}

/// A related object `--expand` can include in full (--api legacy).
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

/// `--metadata JSON`: a JSON object.
fn parse_object(text: &str) -> Result<Map<String, Value>, String> {
    match serde_json::from_str::<Value>(text) {
        Ok(Value::Object(map)) => Ok(map),
        Ok(_) => Err("expected a JSON object, such as '{\"seat\": 2}'".to_owned()),
        Err(e) => Err(format!("not JSON: {e}")),
    }
}

/// Runs `whop membership ...`.
pub(crate) async fn run(global: &GlobalArgs, command: &MembershipCommand) -> Result<Exit, Failure> {
    if let MembershipCommand::Terminate(args) = command
        && !args.yes
    {
        return Err(Failure::new(
            Exit::Usage,
            format!(
                "terminating {:?} ends its access at once; nothing was sent: run again with \
                 --yes to confirm (or use `membership cancel` to end it at period end)",
                args.id
            ),
        ));
    }
    match global.api()? {
        ApiChoice::Current => current::run(global, command).await,
        ApiChoice::Legacy => legacy::run(global, command).await,
    }
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

    #[test]
    fn update_takes_exactly_one_change() {
        let cases: [(&[&str], bool); 5] = [
            (&["--metadata", r#"{"a":1}"#], true),
            (&["--clear-metadata"], true),
            (&["--undo-cancel"], true),
            (&[], false),
            (&["--clear-metadata", "--undo-cancel"], false),
        ];
        for (flags, ok) in cases {
            let line = ["membership", "update", "mem_1"].iter().chain(flags);
            assert_eq!(Line::try_parse_from(line).is_ok(), ok, "{flags:?}");
        }
    }

    #[test]
    fn metadata_must_be_a_json_object() {
        for text in ["[1]", "1", "{", "\"a\""] {
            assert!(parse_object(text).is_err(), "{text}");
        }
        assert_eq!(parse_object(r#"{"a":1}"#).unwrap()["a"], 1);
    }
}
