//! Quickstart: read and list memberships, bind a license key to a machine, cancel at period end,
//! all on Whop's Current API (`/api/v1`).
//!
//! ```sh
//! cargo run -p whop-client --example quickstart
//! ```
//!
//! Without `WHOP_API_KEY` it starts the embedded fake API (whop-mock) on loopback, **with API v2
//! switched off** as Whop's is since 2026-11-13, and runs every call over real HTTP through the
//! full default stack: nothing here needs v2. With `WHOP_API_KEY` it calls Whop, read-only:
//! - `WHOP_MEMBERSHIP_ID` (or the first argument): a membership (or license key) to read;
//! - then the first page of your memberships.

use std::future::poll_fn;
use std::pin::Pin;
use std::process::ExitCode;

use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;
use whop_client::{Client, LicenseBinding, MembershipFilter, Stream, Token, v1};

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
    // The Current API only: every /api/v2/ route answers as a retired one does.
    let mock = whop_mock::MockWhop::demo_builder().v2_retired(true).build();
    let server = mock
        .serve()
        .await
        .map_err(|e| format!("could not start the mock API on loopback: {e}"))?;
    let base_url = server.base_url();
    println!("No WHOP_API_KEY set: using the embedded mock Whop API at {base_url} (v2 retired)\n");

    let company = Client::builder()
        .transport(|t| {
            t.base_url(&base_url)
                .token(token(whop_mock::DEMO_COMPANY_KEY))
        })
        .build()
        .map_err(|e| e.to_string())?;

    // 1. One membership, by ID (a license key works too).
    let id = whop_mock::DEMO_MEMBERSHIP_ID;
    let membership = company
        .membership(id)
        .await
        .map_err(|e| format!("reading {id}: {e}"))?;
    println!("GET /v1/memberships/{{id}}:");
    print_membership(&membership);

    // 2. Every active membership, streamed page by page (2 a page, to show the cursors at work).
    println!("GET /v1/memberships?status=active&first=2, every page:");
    let mut active = company
        .list_memberships()
        .status(MembershipFilter::Active)
        .first(2)
        .items();
    while let Some(item) = poll_fn(|cx| Pin::new(&mut active).poll_next(cx)).await {
        let m = item.map_err(|e| format!("listing: {e}"))?;
        println!("  {} {}", m.id, display(m.status.as_ref()));
    }
    println!();

    // 3. A license key bound to one machine (server-side: it needs the API key).
    let key = whop_mock::DEMO_CURRENT_UNBOUND_LICENSE_KEY;
    for machine in ["this-machine", "this-machine", "another-machine"] {
        let outcome = company
            .validate_license(key, machine)
            .await
            .map_err(|e| format!("validating the license key: {e}"))?;
        let said = match outcome {
            LicenseBinding::Valid(_) => "valid: bound to this machine".to_owned(),
            LicenseBinding::BoundToOtherMachine { bound_to, .. } => {
                format!("refused: bound to {bound_to}")
            }
            LicenseBinding::NotValid(_) => "refused: the membership has no access".to_owned(),
            LicenseBinding::NotFound => "refused: no such key".to_owned(),
            _ => "refused".to_owned(),
        };
        println!("License key on {machine}: {said}");
    }
    println!();

    // 4. A user's own memberships, with the user's token.
    let user = company.with_token(&token(whop_mock::DEMO_USER_TOKEN));
    let mine = user
        .list_memberships()
        .me()
        .send()
        .await
        .map_err(|e| format!("listing the user's memberships: {e}"))?;
    println!(
        "GET /v1/memberships?user_id=me: {} memberships\n",
        mine.data.len()
    );

    // 5. Cancel at period end (the request always says so), then take it back.
    let cancelled = company
        .cancel_membership_at_period_end(id)
        .await
        .map_err(|e| format!("cancelling {id}: {e} (applied: {:?})", e.applied()))?;
    println!("POST /v1/memberships/{{id}}/cancel {{\"cancel_at_period_end\": true}}:");
    print_membership(&cancelled);
    let undone = company
        .undo_membership_cancel(id)
        .await
        .map_err(|e| format!("undoing the cancel of {id}: {e}"))?;
    println!("PATCH /v1/memberships/{{id}} {{\"cancel_at_period_end\": false}}:");
    print_membership(&undone);

    let v2_requests = mock
        .requests()
        .iter()
        .filter(|r| r.path.starts_with("/api/v2/"))
        .count();
    println!("Requests to /api/v2/: {v2_requests}");
    server.shutdown().await;
    Ok(())
}

async fn against_whop() -> Result<(), String> {
    let company = Client::from_env().map_err(|e| e.to_string())?;
    println!("WHOP_API_KEY set: calling {}\n", company.base_url());
    let id = std::env::args()
        .nth(1)
        .or_else(|| std::env::var("WHOP_MEMBERSHIP_ID").ok());
    match id {
        Some(id) => {
            let membership = company
                .membership(&id)
                .await
                .map_err(|e| format!("reading {id}: {e}"))?;
            println!("GET /v1/memberships/{{id}}:");
            print_membership(&membership);
        }
        None => println!("No WHOP_MEMBERSHIP_ID (or first argument): skipping the read.\n"),
    }
    let page = company
        .list_memberships()
        .first(5)
        .send()
        .await
        .map_err(|e| format!("listing: {e}"))?;
    println!("GET /v1/memberships?first=5:");
    for m in &page.data {
        println!("  {} {}", m.id, display(m.status.as_ref()));
    }
    Ok(())
}

fn token(value: &str) -> Token {
    Token::new(value).expect("the demo tokens are valid")
}

fn print_membership(m: &v1::Membership) {
    row("id", m.id.as_str());
    row("status", &display(m.status.as_ref()));
    row("grants access", &m.grants_access().to_string());
    row(
        "cancel at period end",
        &match m.cancel_at_period_end {
            Some(true) => "yes: access ends when the current period does".to_owned(),
            Some(false) => "no".to_owned(),
            None => "-".to_owned(),
        },
    );
    row("product", &display(m.product_id.as_ref()));
    row("current period ends", &when(m.current_period_end));
    row("created", &when(m.created_at));
    println!();
}

fn row(label: &str, value: &str) {
    println!("  {label:<22} {value}");
}

fn display<T: std::fmt::Display>(value: Option<&T>) -> String {
    value.map_or_else(|| "-".to_owned(), ToString::to_string)
}

fn when(at: Option<OffsetDateTime>) -> String {
    at.and_then(|t| t.format(&Rfc3339).ok())
        .unwrap_or_else(|| "-".to_owned())
}
