//! Cancel a customer's membership from a support tool.
//!
//! ```sh
//! cargo run -p whop-client --example support_cancel                       # on the mock
//! WHOP_API_KEY=... cargo run -p whop-client --example support_cancel -- mem_XXXXXXXXXXXXXX
//! ```
//!
//! An agent pastes a membership ID; the tool cancels it at the end of the current period (on the
//! Current API, `cancel_membership_at_period_end`: the request always says so, since a cancel
//! without it would end access at once) and says in one line what happened and what to do next.
//!
//! Without `WHOP_API_KEY` it starts the embedded fake API (whop-mock) on loopback and cancels the
//! demo membership, then an ID that does not exist. With `WHOP_API_KEY` (your company API key) it
//! cancels, on Whop, the membership given as the first argument, and nothing without one.

use std::process::ExitCode;

use whop_client::{Applied, Client, Token};

#[tokio::main]
async fn main() -> ExitCode {
    if std::env::var_os(whop_client::ENV_API_KEY).is_some() {
        // The real API: WHOP_API_KEY (and WHOP_BASE_URL, if set).
        let client = match Client::from_env() {
            Ok(client) => client,
            Err(e) => return fail(&e.to_string()),
        };
        let Some(id) = std::env::args().nth(1) else {
            println!("Give the membership ID to cancel as the first argument: nothing was sent.");
            return ExitCode::SUCCESS;
        };
        println!("{}", cancel_for_support(&client, &id).await);
        return ExitCode::SUCCESS;
    }

    // No account: the fake API on loopback, with its demo company key.
    let server = match whop_mock::MockWhop::demo().serve().await {
        Ok(server) => server,
        Err(e) => return fail(&format!("could not start the mock API: {e}")),
    };
    println!(
        "No WHOP_API_KEY: using the embedded mock API at {}\n",
        server.base_url()
    );
    let client = Client::builder()
        .transport(|t| {
            t.base_url(server.base_url())
                .token(Token::new(whop_mock::DEMO_COMPANY_KEY).expect("a valid token"))
        })
        .build()
        .expect("a client for the mock");

    println!(
        "{}",
        cancel_for_support(&client, whop_mock::DEMO_MEMBERSHIP_ID).await
    );
    // Again: cancelling is idempotent, so the second answer is the same as the first.
    println!(
        "{}",
        cancel_for_support(&client, whop_mock::DEMO_MEMBERSHIP_ID).await
    );
    println!(
        "{}",
        cancel_for_support(&client, "mem_doesnotexist00").await
    );

    // The example checks itself: the demo membership now cancels at period end.
    let cancelled = server.mock().membership(whop_mock::DEMO_MEMBERSHIP_ID);
    server.shutdown().await;
    if cancelled.is_some_and(|m| m.cancel_at_period_end) {
        ExitCode::SUCCESS
    } else {
        fail("the demo membership was not cancelled")
    }
}

/// Cancels `id` at period end and returns the one line the support agent reads.
async fn cancel_for_support(client: &Client, id: &str) -> String {
    match client.cancel_membership_at_period_end(id).await {
        Ok(membership) => {
            // The user's ID lets the agent check it is the right customer.
            let who = membership
                .user_id
                .as_ref()
                .map_or_else(|| "no user".to_owned(), ToString::to_string);
            let ends = membership.current_period_end.map_or_else(
                || "at the end of the period".to_owned(),
                |t| format!("on {}", t.date()),
            );
            format!("Done: {id} ({who}) will not renew; access ends {ends}.")
        }
        // The usual mistakes, said so an agent can act on them.
        Err(e) if e.is_not_found() => format!("No membership {id}: check the ID (mem_...)."),
        Err(e) if e.is_unauthorized() => "Whop refused the API key: ask an admin.".to_owned(),
        Err(e) if e.is_rate_limited() => match e.retry_after() {
            Some(wait) => format!(
                "Whop is rate limiting us: try again in {} s.",
                wait.as_secs()
            ),
            None => "Whop is rate limiting us: try again in a minute.".to_owned(),
        },
        // Everything else: was the membership cancelled or not? The error knows.
        Err(e) => match e.applied() {
            Applied::No => format!("Not cancelled: {e}"),
            Applied::Yes => format!("Cancelled, but Whop's answer was unreadable: {e}"),
            // `Maybe`: a timeout or a 5xx after the request left. Cancelling at period end twice
            // is the same as once, so the advice is simple.
            _ => format!("Maybe cancelled ({e}): run it again, it is safe."),
        },
    }
}

fn fail(message: &str) -> ExitCode {
    eprintln!("support_cancel failed: {message}");
    ExitCode::FAILURE
}
