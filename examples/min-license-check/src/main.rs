//! The smallest useful app: check one license key with the default client, and nothing else.
//!
//! ```sh
//! WHOP_USER_TOKEN=... cargo run -p min-license-check -- LICENSE-KEY
//! ```
//!
//! `cargo xtask bench` builds it in release with `strip = true` and reports its size and its cold
//! build time: what whop-client with default features costs an app that only checks licenses.
//! `WHOP_BASE_URL` points it elsewhere (a local whop-mock).

use std::process::ExitCode;

use whop_client::legacy::LicenseCheck;
use whop_client::{Client, Token};

fn main() -> ExitCode {
    let (Ok(token), Some(key)) = (std::env::var("WHOP_USER_TOKEN"), std::env::args().nth(1)) else {
        eprintln!("usage: WHOP_USER_TOKEN=... min_license_check LICENSE-KEY");
        return ExitCode::from(2);
    };
    let runtime = match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(e) => {
            eprintln!("could not start the runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    let checked = runtime.block_on(async {
        let token = Token::new(token)?;
        let base_url = std::env::var(whop_client::ENV_BASE_URL)
            .unwrap_or_else(|_| whop_client::DEFAULT_BASE_URL.to_owned());
        let client = Client::builder()
            .transport(|t| t.token(token).base_url(base_url))
            .build()?;
        client.legacy().check_license(&key).await
    });
    match checked {
        Ok(LicenseCheck::Valid(_)) => {
            println!("valid");
            ExitCode::SUCCESS
        }
        Ok(LicenseCheck::Invalid(_)) => {
            println!("not valid");
            ExitCode::from(1)
        }
        Ok(LicenseCheck::NotFound) => {
            println!("no such license key");
            ExitCode::from(1)
        }
        Err(e) => {
            eprintln!("could not check the license: {e}");
            ExitCode::FAILURE
        }
    }
}
