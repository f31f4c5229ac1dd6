//! `whop --api legacy membership ...`: the seed's calls on Whop's v2 API, which Whop switched off
//! on the real service (the client's error says so, and names the Current API call).

use whop_client::legacy::{Expand, V2_MAX_PER_PAGE};
use whop_models::{Membership, MembershipPage};

use super::{CancelArgs, ExpandArg, GetArgs, ListArgs, MembershipCommand, TerminateArgs};
use crate::context::{Credential, target};
use crate::exit::{Call, Exit, Failure, classify};
use crate::global::{ApiChoice, GlobalArgs, only_on};
use crate::listing::{Listing, legacy_page_failure};
use crate::output::print_membership;
use crate::render::membership_row;

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

/// Runs `whop --api legacy membership ...`.
pub(super) async fn run(global: &GlobalArgs, command: &MembershipCommand) -> Result<Exit, Failure> {
    let only_current = |what| Err(only_on(ApiChoice::Legacy, what));
    match command {
        MembershipCommand::Cancel(args) => cancel(global, args).await,
        MembershipCommand::Terminate(args) => terminate(global, args).await,
        MembershipCommand::Get(args) => get(global, args).await,
        MembershipCommand::List(args) => list(global, args).await,
        MembershipCommand::Update(_) => only_current("`membership update`"),
        MembershipCommand::Pause(_) => only_current("`membership pause`"),
        MembershipCommand::Resume(_) => only_current("`membership resume`"),
        MembershipCommand::Extend(_) => only_current("`membership extend`"),
    }
}

/// `membership cancel`: cancel at period end, print the updated membership.
async fn cancel(global: &GlobalArgs, args: &CancelArgs) -> Result<Exit, Failure> {
    let target = target(global, Credential::CompanyKey).await?;
    let expand = args.expand.iter().copied().map(Expand::from);
    let membership = target
        .client
        .legacy()
        .cancel_membership(&args.id)
        .expand_all(expand)
        .send()
        .await
        .map_err(|e| classify(&e, Call::Cancel { id: &args.id }))?;
    print_membership(global, &membership)
}

/// `membership terminate`: end the membership now (`--yes` was checked by the caller).
async fn terminate(global: &GlobalArgs, args: &TerminateArgs) -> Result<Exit, Failure> {
    let target = target(global, Credential::CompanyKey).await?;
    let expand = args.expand.iter().copied().map(Expand::from);
    let membership = target
        .client
        .legacy()
        .terminate_membership(&args.id)
        .expand_all(expand)
        .send()
        .await
        .map_err(|e| classify(&e, Call::Terminate { id: &args.id }))?;
    print_membership(global, &membership)
}

/// `membership get`: one membership by ID or license key.
async fn get(global: &GlobalArgs, args: &GetArgs) -> Result<Exit, Failure> {
    let target = target(global, Credential::CompanyKey).await?;
    let membership = target
        .client
        .legacy()
        .membership(&args.id_or_key)
        .expand_all(args.expand.iter().copied().map(Expand::from))
        .await
        .map_err(|e| classify(&e, Call::Company))?;
    print_membership(global, &membership)
}

/// `membership list`: rows (or JSON Lines) as pages arrive.
async fn list(global: &GlobalArgs, args: &ListArgs) -> Result<Exit, Failure> {
    let only_current = |what| Err(only_on(ApiChoice::Legacy, what));
    if args.paging.after.is_some() {
        return only_current("--after");
    }
    if args.created_after.is_some() || args.created_before.is_some() {
        return only_current("--created-after/--created-before");
    }
    if let Some(status) = args.status.iter().find(|s| !s.is_legacy()) {
        return only_current(&format!("--status {}", status.as_str()));
    }
    let one = |values: usize, flag: &str| {
        if values > 1 {
            Err(Failure::new(
                Exit::Usage,
                format!("--api legacy takes one {flag}; nothing was sent"),
            ))
        } else {
            Ok(())
        }
    };
    one(args.status.len(), "--status")?;
    one(args.plan_id.len(), "--plan-id")?;
    one(args.product_id.len(), "--product-id")?;
    let target = target(global, Credential::CompanyKey).await?;
    let page = args.paging.page.unwrap_or(1);
    let mut listing = target
        .client
        .legacy()
        .list_memberships()
        .page(page)
        .per(args.paging.per.unwrap_or(V2_MAX_PER_PAGE))
        .hide_metadata(args.hide_metadata);
    if let Some(status) = args.status.first() {
        listing = listing.status(status.legacy());
    }
    if let Some(id) = args.plan_id.first() {
        listing = listing.plan_id(id);
    }
    if let Some(id) = args.product_id.first() {
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
    let rows = |page: &MembershipPage| {
        let row = |m: &Membership| (m.id.to_string(), membership_row(m));
        page.data.iter().map(row).collect()
    };
    Listing {
        global,
        all: args.paging.all,
        rows,
    }
    .print(listing.pages(), legacy_page_failure)
    .await
}
