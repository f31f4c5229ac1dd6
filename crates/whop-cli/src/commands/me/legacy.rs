//! `whop --api legacy me ...`: the seed's calls on the v5 `me` API, with a user token.

use time::OffsetDateTime;
use whop_models::{MeMembership, MeMembershipPage};

use super::{MeCommand, MembershipArgs, MembershipsArgs};
use crate::context::{Credential, target};
use crate::exit::{Call, Exit, Failure, classify};
use crate::global::{ApiChoice, GlobalArgs, only_on};
use crate::listing::{Listing, legacy_page_failure};
use crate::output::{print, print_raw_json};
use crate::render::{self, me_membership_row};

/// Runs `whop --api legacy me ...`.
pub(super) async fn run(global: &GlobalArgs, command: &MeCommand) -> Result<Exit, Failure> {
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
        .legacy()
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
    if args.paging.after.is_some() {
        return Err(only_on(ApiChoice::Legacy, "--after"));
    }
    if let Some(status) = args.statuses.iter().find(|s| !s.is_legacy()) {
        return Err(only_on(
            ApiChoice::Legacy,
            &format!("--status {}", status.as_str()),
        ));
    }
    let target = target(global, Credential::UserToken).await?;
    let mut listing = target
        .client
        .legacy()
        .my_memberships()
        .page(args.paging.page.unwrap_or(1));
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
        listing = listing.status(status.legacy());
    }
    if let Some(valid) = args.valid {
        listing = listing.valid(valid);
    }
    if let Some(key) = &args.license_key {
        listing = listing.license_key(key);
    }
    let rows = |page: &MeMembershipPage| {
        let row = |m: &MeMembership| (m.id.to_string(), me_membership_row(m));
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
