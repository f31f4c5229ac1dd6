//! `whop me ...` on the Current API (the default): `/v1/memberships` with the user's token.

use super::{MeCommand, MembershipArgs, MembershipsArgs};
use crate::context::{Credential, target};
use crate::exit::{Call, Exit, Failure, classify};
use crate::global::{ApiChoice, GlobalArgs, only_on};
use crate::listing::{current_statuses, page_size, print_current_listing};
use crate::output::print_current_membership;

/// Runs `whop me ...` on the Current API.
pub(super) async fn run(global: &GlobalArgs, command: &MeCommand) -> Result<Exit, Failure> {
    match command {
        MeCommand::Membership(args) => membership(global, args).await,
        MeCommand::Memberships(args) => memberships(global, args).await,
    }
}

/// `me membership`: one of the user's memberships by ID or license key.
async fn membership(global: &GlobalArgs, args: &MembershipArgs) -> Result<Exit, Failure> {
    let target = target(global, Credential::UserToken).await?;
    let membership = target
        .client
        .membership(&args.id_or_license_key)
        .send()
        .await
        .map_err(|e| classify(&e, Call::Lookup))?;
    print_current_membership(global, &membership)
}

/// `me memberships`: the caller's own memberships (`user_id=me`), each printed once.
async fn memberships(global: &GlobalArgs, args: &MembershipsArgs) -> Result<Exit, Failure> {
    let legacy_only = |what| Err(only_on(ApiChoice::Current, what));
    if args.paging.page.is_some() {
        return legacy_only("--page (v5's page numbers; the Current API pages with --after)");
    }
    if args.valid.is_some() {
        return legacy_only("--valid");
    }
    if args.license_key.is_some() {
        return legacy_only("--license-key (use `whop me membership KEY`)");
    }
    let statuses = current_statuses(&args.statuses)?;
    let first = page_size(args.paging.per)?;
    let target = target(global, Credential::UserToken).await?;
    let mut listing = target.client.list_memberships().me();
    if let Some(id) = &args.company_id {
        listing = listing.account_id(id);
    }
    if let Some(id) = &args.product_id {
        listing = listing.product_id(id);
    }
    print_current_listing(global, &args.paging, first, statuses, listing).await
}
