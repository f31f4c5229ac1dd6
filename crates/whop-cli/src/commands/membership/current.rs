//! `whop membership ...` on the Current API (`/v1/memberships`, the release's pinned
//! `Api-Version-Date`), the default.

use super::{
    CancelArgs, ExtendArgs, GetArgs, IdArgs, ListArgs, MembershipCommand, PauseArgs, TerminateArgs,
    UpdateArgs,
};
use crate::context::{Credential, target};
use crate::exit::{Call, Exit, Failure, classify};
use crate::global::{ApiChoice, GlobalArgs, only_on};
use crate::listing::{current_statuses, page_size, print_current_listing};
use crate::output::print_current_membership;

/// Runs `whop membership ...` on the Current API.
pub(super) async fn run(global: &GlobalArgs, command: &MembershipCommand) -> Result<Exit, Failure> {
    match command {
        MembershipCommand::Get(args) => get(global, args).await,
        MembershipCommand::List(args) => list(global, args).await,
        MembershipCommand::Cancel(args) => cancel(global, args).await,
        MembershipCommand::Terminate(args) => terminate(global, args).await,
        MembershipCommand::Update(args) => update(global, args).await,
        MembershipCommand::Pause(args) => pause(global, args).await,
        MembershipCommand::Resume(args) => resume(global, args).await,
        MembershipCommand::Extend(args) => extend(global, args).await,
    }
}

/// `--expand` is v2's: the Current API has no such parameter.
fn no_expand<T>(expand: &[T]) -> Result<(), Failure> {
    if expand.is_empty() {
        Ok(())
    } else {
        Err(only_on(ApiChoice::Current, "--expand"))
    }
}

/// `membership get`: one membership by ID or license key.
async fn get(global: &GlobalArgs, args: &GetArgs) -> Result<Exit, Failure> {
    no_expand(&args.expand)?;
    let target = target(global, Credential::CompanyKey).await?;
    let membership = target
        .client
        .membership(&args.id_or_key)
        .send()
        .await
        .map_err(|e| classify(&e, Call::Company))?;
    print_current_membership(global, &membership)
}

/// `membership cancel`: cancel at period end (the request says so explicitly).
async fn cancel(global: &GlobalArgs, args: &CancelArgs) -> Result<Exit, Failure> {
    no_expand(&args.expand)?;
    let target = target(global, Credential::CompanyKey).await?;
    let membership = target
        .client
        .cancel_membership_at_period_end(&args.id)
        .send()
        .await
        .map_err(|e| classify(&e, Call::Cancel { id: &args.id }))?;
    print_current_membership(global, &membership)
}

/// `membership terminate --yes`: end access now (`--yes` was checked by the caller).
async fn terminate(global: &GlobalArgs, args: &TerminateArgs) -> Result<Exit, Failure> {
    no_expand(&args.expand)?;
    let target = target(global, Credential::CompanyKey).await?;
    let membership = target
        .client
        .cancel_membership_now(&args.id)
        .send()
        .await
        .map_err(|e| classify(&e, Call::Terminate { id: &args.id }))?;
    print_current_membership(global, &membership)
}

/// `membership update`: merge or clear the metadata, or undo a pending cancel.
async fn update(global: &GlobalArgs, args: &UpdateArgs) -> Result<Exit, Failure> {
    let target = target(global, Credential::CompanyKey).await?;
    let client = &target.client;
    let id = args.id.as_str();
    let answer = if let Some(metadata) = &args.metadata {
        let metadata = serde_json::Value::Object(metadata.clone());
        client
            .merge_membership_metadata_json(id, metadata)
            .send()
            .await
    } else if args.clear_metadata {
        client.clear_membership_metadata(id).send().await
    } else {
        client.undo_membership_cancel(id).send().await
    };
    // Each of these sets a value: sending it again sets the same value.
    let call = Call::Change {
        id,
        rerun_safe: true,
    };
    let membership = answer.map_err(|e| classify(&e, call))?;
    print_current_membership(global, &membership)
}

/// `membership pause`: stop billing, keep access.
async fn pause(global: &GlobalArgs, args: &PauseArgs) -> Result<Exit, Failure> {
    let target = target(global, Credential::CompanyKey).await?;
    let mut pause = target.client.pause_membership(&args.id);
    if let Some(until) = args.until {
        pause = pause.until(until);
    }
    let call = Call::Change {
        id: &args.id,
        rerun_safe: true,
    };
    let membership = pause.send().await.map_err(|e| classify(&e, call))?;
    print_current_membership(global, &membership)
}

/// `membership resume`: bill again.
async fn resume(global: &GlobalArgs, args: &IdArgs) -> Result<Exit, Failure> {
    let target = target(global, Credential::CompanyKey).await?;
    let call = Call::Change {
        id: &args.id,
        rerun_safe: true,
    };
    let membership = target
        .client
        .resume_membership(&args.id)
        .send()
        .await
        .map_err(|e| classify(&e, call))?;
    print_current_membership(global, &membership)
}

/// `membership extend`: add free days. Not safe to repeat blindly: each run adds the days.
async fn extend(global: &GlobalArgs, args: &ExtendArgs) -> Result<Exit, Failure> {
    let target = target(global, Credential::CompanyKey).await?;
    let call = Call::Change {
        id: &args.id,
        rerun_safe: false,
    };
    let membership = target
        .client
        .extend_membership(&args.id, args.days)
        .send()
        .await
        .map_err(|e| classify(&e, call))?;
    print_current_membership(global, &membership)
}

/// `membership list`: rows (or JSON Lines) as pages arrive, each membership once.
async fn list(global: &GlobalArgs, args: &ListArgs) -> Result<Exit, Failure> {
    let legacy_only = |what| Err(only_on(ApiChoice::Current, what));
    no_expand(&args.expand)?;
    if args.paging.page.is_some() {
        return legacy_only("--page (v2's page numbers; the Current API pages with --after)");
    }
    if args.discord_id.is_some() || args.wallet_address.is_some() {
        return legacy_only("--discord-id/--wallet-address");
    }
    if args.valid.is_some() || args.hide_metadata {
        return legacy_only("--valid/--hide-metadata");
    }
    let statuses = current_statuses(&args.status)?;
    let first = page_size(args.paging.per)?;
    let target = target(global, Credential::CompanyKey).await?;
    let mut listing = target.client.list_memberships();
    for id in &args.plan_id {
        listing = listing.plan_id(id);
    }
    for id in &args.product_id {
        listing = listing.product_id(id);
    }
    if let Some(id) = &args.user_id {
        listing = listing.user_id(id);
    }
    if let Some(at) = args.created_after {
        listing = listing.created_after(at);
    }
    if let Some(at) = args.created_before {
        listing = listing.created_before(at);
    }
    if let Some(direction) = args.direction {
        listing = listing.direction(direction.into());
    }
    print_current_listing(global, &args.paging, first, statuses, listing).await
}
