//! The smallest app that checks a license token offline: whop-license's verifier and nothing
//! else (no network, no async runtime).
//!
//! ```sh
//! cargo run -p license-verify-size -- k4.public.… prod_… "$(cat /etc/machine-id)" v4.public.…
//! ```
//!
//! `cargo xtask bench` builds it in release with `strip = true` and reports its size: what the
//! verifier costs an app. Exit 0 when the token is usable on this machine, 1 when not, 2 on usage.

use std::process::ExitCode;
use std::time::SystemTime;

use whop_license::{KeySet, PublicKey, Verdict, Verifier};

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [public_key, product, hardware_id, token] = args.as_slice() else {
        eprintln!("usage: license-verify-size PUBLIC-KEY PRODUCT-ID HARDWARE-ID TOKEN");
        return ExitCode::from(2);
    };
    let key = match PublicKey::from_paserk(public_key) {
        Ok(key) => key,
        Err(e) => {
            eprintln!("PUBLIC-KEY: {e}");
            return ExitCode::from(2);
        }
    };
    let verifier = Verifier::new(KeySet::new().with(key), product.as_str());
    let verdict = verifier.verify(token, hardware_id, SystemTime::now(), None);
    let line = match &verdict {
        Verdict::Valid(license) => format!("valid: {} ({})", license.membership_id, license.status),
        Verdict::RefreshDue(license) => format!("valid, refresh due: {}", license.membership_id),
        Verdict::Expired { .. } => "expired: refresh online".to_owned(),
        Verdict::BoundToOtherMachine { .. } => "bound to another machine".to_owned(),
        Verdict::WrongProduct { .. } => "a token for another product".to_owned(),
        Verdict::ClockTampered { .. } => "the clock is behind the token".to_owned(),
        Verdict::UnknownKey => "signed by an unknown key".to_owned(),
        _ => "not a valid token".to_owned(),
    };
    println!("{line}");
    if verdict.is_usable() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    }
}
