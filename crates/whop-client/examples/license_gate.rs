//! Gate an app on a license key: start only for a key that belongs to a valid membership.
//!
//! ```sh
//! cargo run -p whop-client --example license_gate                       # on the mock
//! WHOP_USER_TOKEN=... cargo run -p whop-client --example license_gate -- "$LICENSE_KEY"
//! ```
//!
//! The check is `Client::membership(key)` on the Current API (`GET /v1/memberships/{key}`, with
//! the user's own token, so the app ships no API key), then the membership's status: access, no
//! access (expired, cancelled, unpaid), or no such key among this user's memberships.
//!
//! Without `WHOP_USER_TOKEN` it starts the embedded fake API (whop-mock) on loopback and gates on
//! three keys: a valid one, an expired one and an unknown one. With `WHOP_USER_TOKEN` (the user's
//! OAuth token or app-proxy JWT) it checks, on Whop, the key given as the first argument (or
//! `WHOP_LICENSE_KEY`).

use std::process::ExitCode;

use whop_client::{Client, Token};
use whop_mock::{MockMembership, MockWhop};

/// What the app does with the answer.
#[derive(Debug, PartialEq, Eq)]
enum Gate {
    /// Start the app.
    Open,
    /// Do not start; tell the user why.
    Closed(String),
}

/// The gate itself: the only function an app needs.
async fn gate(client: &Client, license_key: &str) -> Gate {
    match client.membership(license_key).optional().await {
        Ok(Some(membership)) if membership.grants_access() => {
            // Binding the key to one machine goes here: `Client::validate_license(key, hwid)`,
            // which needs your company API key, so from your server, never from the app.
            Gate::Open
        }
        Ok(Some(membership)) => Gate::Closed(format!(
            "this license is {}: renew it from your Whop account",
            membership
                .status
                .as_ref()
                .map_or_else(|| "not valid".to_owned(), ToString::to_string)
        )),
        Ok(None) => Gate::Closed("no license with this key: check it for typos".to_owned()),
        // Network, refused token, rate limit, ...: say so instead of "invalid key". An app may
        // choose to stay open offline for a while; this one stays closed.
        Err(e) => Gate::Closed(format!("could not check the license: {e}")),
    }
}

/// A client with the user's token, to Whop (or `WHOP_BASE_URL`).
fn user_client(user_token: String) -> Result<Client, whop_client::Error> {
    let token = Token::new(user_token)?;
    Client::builder()
        .transport(|t| match std::env::var(whop_client::ENV_BASE_URL) {
            Ok(base_url) => t.token(token).base_url(base_url),
            Err(_) => t.token(token),
        })
        .build()
}

#[tokio::main]
async fn main() -> ExitCode {
    if let Ok(user_token) = std::env::var("WHOP_USER_TOKEN") {
        let Some(key) = std::env::args()
            .nth(1)
            .or_else(|| std::env::var("WHOP_LICENSE_KEY").ok())
        else {
            eprintln!("Give the license key as the first argument (or WHOP_LICENSE_KEY).");
            return ExitCode::FAILURE;
        };
        let client = match user_client(user_token) {
            Ok(client) => client,
            Err(e) => {
                eprintln!("license_gate: {e}");
                return ExitCode::FAILURE;
            }
        };
        return match gate(&client, &key).await {
            Gate::Open => {
                println!("Licensed: starting the app.");
                ExitCode::SUCCESS
            }
            Gate::Closed(why) => {
                println!("Not starting: {why}");
                ExitCode::from(1)
            }
        };
    }

    // No account: the demo world, plus an expired membership of the demo user.
    let mock = MockWhop::demo_builder()
        .membership(
            MockMembership::new("mem_demo0000000ex")
                .user(whop_mock::DEMO_USER_ID)
                .license_key("DEMO-EXPIRED-KEY")
                .status("expired", false),
        )
        .build();
    let server = match mock.serve().await {
        Ok(server) => server,
        Err(e) => {
            eprintln!("license_gate: could not start the mock API: {e}");
            return ExitCode::FAILURE;
        }
    };
    println!(
        "No WHOP_USER_TOKEN: using the embedded mock API at {}\n",
        server.base_url()
    );
    let client = Client::builder()
        .transport(|t| {
            t.base_url(server.base_url())
                .token(Token::new(whop_mock::DEMO_USER_TOKEN).expect("a valid token"))
        })
        .build()
        .expect("a client for the mock");

    let mut as_expected = true;
    for (key, expect_open) in [
        (whop_mock::DEMO_LICENSE_KEY, true),
        ("DEMO-EXPIRED-KEY", false),
        ("NO-SUCH-KEY", false),
    ] {
        let gate = gate(&client, key).await;
        match &gate {
            Gate::Open => println!("{key}: licensed, the app starts"),
            Gate::Closed(why) => println!("{key}: the app does not start: {why}"),
        }
        as_expected &= (gate == Gate::Open) == expect_open;
    }
    server.shutdown().await;
    if as_expected {
        ExitCode::SUCCESS
    } else {
        eprintln!("license_gate: a key was not gated as expected");
        ExitCode::FAILURE
    }
}
