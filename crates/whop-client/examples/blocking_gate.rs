//! A license gate for a synchronous program (cargo feature `blocking`): no async code, no runtime.
//!
//! ```sh
//! cargo run -p whop-client --features blocking --example blocking_gate [LICENSE_KEY]
//! ```
//!
//! Checks the key against whop-mock's demo world on loopback (its valid demo key by default), or
//! against Whop with `WHOP_USER_TOKEN` set. Exits 0 when the key grants access, 1 when not.

use whop_client::{Client, Token, blocking};

/// The gate: `true` when `key` belongs to one of the user's memberships and it grants access
/// (`GET /v1/memberships/{key}` with the user's own token: no API key in the app).
pub(crate) fn licensed(
    base_url: &str,
    user_token: &str,
    key: &str,
) -> Result<bool, whop_client::Error> {
    let token = Token::new(user_token)?;
    let builder = Client::builder().transport(|t| t.base_url(base_url).token(token));
    let client = blocking::Client::from_builder(builder)?;
    Ok(client
        .membership_optional(key)?
        .is_some_and(|membership| membership.grants_access()))
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let key = std::env::args().nth(1);
    let valid = if let Ok(token) = std::env::var("WHOP_USER_TOKEN") {
        licensed(
            whop_client::DEFAULT_BASE_URL,
            &token,
            &key.ok_or("give a license key")?,
        )?
    } else {
        // No token: whop-mock's demo world, served on loopback by a runtime of its own.
        let runtime = tokio::runtime::Runtime::new()?;
        let server = runtime.block_on(whop_mock::MockWhop::demo().serve())?;
        let key = key.unwrap_or_else(|| whop_mock::DEMO_LICENSE_KEY.to_owned());
        licensed(&server.base_url(), whop_mock::DEMO_USER_TOKEN, &key)?
    };
    println!("{}", if valid { "licensed" } else { "not licensed" });
    std::process::exit(if valid { 0 } else { 1 });
}
