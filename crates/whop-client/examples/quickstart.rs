//! Quickstart: cancel a membership and check a license key.
//!
//! ```sh
//! cargo run -p whop-client --example quickstart
//! ```
//!
//! Without `WHOP_API_KEY` it starts the embedded fake API (whop-mock) on loopback and runs both
//! calls over real HTTP through the full default stack. With `WHOP_API_KEY` it calls Whop:
//! - `WHOP_MEMBERSHIP_ID` (or the first argument): the membership to cancel at period end;
//! - `WHOP_USER_TOKEN` and `WHOP_LICENSE_KEY` (or the second argument): a license key to check
//!   with a user's token.
//!
//! Either step is skipped when its inputs are missing, so nothing is cancelled by accident.

use std::process::ExitCode;

use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;
use whop_client::legacy::{Expand, LicenseCheck};
use whop_client::models::{Expandable, MeMembership, Membership, Object};
use whop_client::{Client, Token};

#[tokio::main]
async fn main() -> ExitCode {
    match run().await {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("quickstart failed: {message}");
            ExitCode::FAILURE
        }
    }
}

async fn run() -> Result<(), String> {
    if std::env::var_os(whop_client::ENV_API_KEY).is_some() {
        return against_whop().await;
    }
    let mock = whop_mock::MockWhop::demo();
    let server = mock
        .serve()
        .await
        .map_err(|e| format!("could not start the mock API on loopback: {e}"))?;
    let base_url = server.base_url();
    println!("No WHOP_API_KEY set: using the embedded mock Whop API at {base_url}\n");

    let company_key = token(whop_mock::DEMO_COMPANY_KEY)?;
    let company = Client::builder()
        .transport(|t| t.base_url(&base_url).token(company_key))
        .build()
        .map_err(|e| e.to_string())?;
    let user = company.with_token(&token(whop_mock::DEMO_USER_TOKEN)?);

    let before = user
        .legacy()
        .me_membership(whop_mock::DEMO_MEMBERSHIP_ID)
        .await
        .map_err(|e| format!("looking up {}: {e}", whop_mock::DEMO_MEMBERSHIP_ID))?;
    println!("Before cancel (GET /v5/me/memberships/{{id}}):");
    print_me_membership(&before);
    println!();

    cancel(&company, whop_mock::DEMO_MEMBERSHIP_ID).await?;
    check_license(&user, whop_mock::DEMO_LICENSE_KEY).await?;
    check_license(&user, "NO-SUCH-KEY").await?;

    server.shutdown().await;
    Ok(())
}

async fn against_whop() -> Result<(), String> {
    let company = Client::from_env().map_err(|e| e.to_string())?;
    let mut args = std::env::args().skip(1);
    let membership_id = args
        .next()
        .or_else(|| std::env::var("WHOP_MEMBERSHIP_ID").ok());
    let license_key = args
        .next()
        .or_else(|| std::env::var("WHOP_LICENSE_KEY").ok());
    println!("WHOP_API_KEY set: calling {}\n", company.base_url());

    match membership_id {
        Some(id) => cancel(&company, &id).await?,
        None => println!("No WHOP_MEMBERSHIP_ID (or first argument): skipping cancel.\n"),
    }
    match (license_key, std::env::var("WHOP_USER_TOKEN").ok()) {
        (Some(key), Some(user_token)) => {
            let user = company.with_token(&token(&user_token)?);
            check_license(&user, &key).await?;
        }
        _ => println!(
            "No WHOP_LICENSE_KEY (or second argument) and WHOP_USER_TOKEN: skipping the license check."
        ),
    }
    Ok(())
}

fn token(value: &str) -> Result<Token, String> {
    Token::new(value).map_err(|e| format!("bad token: {e}"))
}

async fn cancel(client: &Client, id: &str) -> Result<(), String> {
    let cancelled = client
        .legacy()
        .cancel_membership(id)
        .expand(Expand::Plan)
        .expand(Expand::User)
        .await
        .map_err(|e| format!("cancelling {id}: {e} (applied: {:?})", e.applied()))?;
    println!("After cancel (POST /v2/memberships/{{id}}/cancel?expand[]=user&expand[]=plan):");
    print_membership(&cancelled);
    println!("  {:<22} {}", "HTTP status", cancelled.status());
    if let Some(deprecation) = cancelled.deprecation() {
        println!(
            "  {:<22} {deprecation} (Whop is moving to a newer API)",
            "Deprecation header"
        );
    }
    println!();
    Ok(())
}

async fn check_license(client: &Client, key: &str) -> Result<(), String> {
    let check = client
        .legacy()
        .check_license(key)
        .await
        .map_err(|e| format!("checking license key: {e}"))?;
    println!("License key check (GET /v5/me/memberships/{{license_key}}):");
    match &check {
        LicenseCheck::Valid(m) => {
            println!("  {key:?} is VALID");
            print_me_membership(m);
        }
        LicenseCheck::Invalid(m) => {
            println!("  {key:?} belongs to a membership that is NOT valid");
            print_me_membership(m);
        }
        LicenseCheck::NotFound => println!("  {key:?}: no membership of yours has this key"),
    }
    println!();
    Ok(())
}

fn print_membership(m: &Membership) {
    row("id", m.id.as_str());
    row("status", &display(m.status.as_ref()));
    row("valid", &display(m.valid.as_ref()));
    row(
        "cancel at period end",
        &cancel_words(m.cancel_at_period_end),
    );
    row(
        "product",
        &expandable(m.product.as_ref(), |p| p.name.clone()),
    );
    row("user", &expandable(m.user.as_ref(), |u| u.username.clone()));
    row(
        "plan",
        &expandable(m.plan.as_ref(), |p| {
            p.plan_type.as_ref().map(|t| t.to_string())
        }),
    );
    row("renewal period ends", &when(m.renewal_period_end));
    row("created", &when(m.created_at));
}

fn print_me_membership(m: &MeMembership) {
    row("id", m.id.as_str());
    row("status", &display(m.status.as_ref()));
    row("valid", &m.valid.to_string());
    row(
        "cancel at period end",
        &cancel_words(m.cancel_at_period_end),
    );
    row("product", m.product_id.as_str());
    row("renewal period ends", &when(m.renewal_period_end));
    row("manage at", &m.manage_url);
}

fn row(label: &str, value: &str) {
    println!("  {label:<22} {value}");
}

fn display<T: std::fmt::Display>(value: Option<&T>) -> String {
    value.map_or_else(|| "-".to_owned(), ToString::to_string)
}

fn cancel_words(flag: Option<bool>) -> String {
    match flag {
        Some(true) => "yes: access ends when the current period does".to_owned(),
        Some(false) => "no".to_owned(),
        None => "-".to_owned(),
    }
}

fn when(at: Option<OffsetDateTime>) -> String {
    at.and_then(|t| t.format(&Rfc3339).ok())
        .unwrap_or_else(|| "-".to_owned())
}

fn expandable<T: Object>(
    field: Option<&Expandable<T>>,
    name: impl Fn(&T) -> Option<String>,
) -> String
where
    T::Id: std::fmt::Display,
{
    match field {
        None => "-".to_owned(),
        Some(Expandable::Id(id)) => format!("{id} (not expanded)"),
        Some(Expandable::Object(object)) => match name(object) {
            Some(name) => format!("{} ({name})", object.id()),
            None => object.id().to_string(),
        },
    }
}
