//! `whop license inspect TOKEN --public-key KEY`: verify a license token offline and show what it
//! says, as the app's verifier would judge it on that machine.

use std::io::Read;
use std::time::SystemTime;

use clap::Args;
use serde::Serialize;
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;
use whop_license::{KeySet, License, PublicKey, Refusal, Verdict, Verifier};

use crate::exit::{Exit, Failure};
use crate::global::GlobalArgs;
use crate::output::{print, print_json};

/// `license inspect`'s long help.
pub(super) const INSPECT_ABOUT: &str = "\
Verify a license token offline, as the app's verifier (crate whop-license) would, and print its
claims: membership, product, hardware id, status, period end, issued at, refresh after, expires
at, and the id of the key that signed it. No network; the token itself is never printed.

The signature is checked against the --public-key keys (repeat for rotation); --product and
--hwid check the token against that product and machine (left out, the token's own are taken:
only the signature and the times are judged). The clock is this machine's.

TOKEN `-` reads the token from stdin (keeps it out of shell history and `ps`).

Exit codes:
  0  valid (or valid with a refresh due) for that product and machine
  1  not valid: expired, bound to another machine, another product, a clock behind the token,
     signed by none of the keys, or not a token / altered (the verdict line says which)
  2  usage error: a --public-key that is not a k4.public key, no token on stdin";

/// Arguments of `whop license inspect`. `Debug` hides the token.
#[derive(Args)]
pub(crate) struct InspectArgs {
    /// The token (`v4.public....`), or `-` to read it from stdin.
    #[arg(value_name = "TOKEN")]
    token: String,
    /// A public key the token may be signed by (`k4.public....`); repeat for several.
    #[arg(long = "public-key", value_name = "KEY", required = true)]
    public_keys: Vec<String>,
    /// The product the token must be for (`prod_...`).
    #[arg(long, value_name = "ID")]
    product: Option<String>,
    /// The hardware id of the machine the token must be for.
    #[arg(long, value_name = "ID")]
    hwid: Option<String>,
}

impl std::fmt::Debug for InspectArgs {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("InspectArgs")
            .field("token", &"<redacted>")
            .field("public_keys", &self.public_keys)
            .field("product", &self.product)
            .field("hwid", &self.hwid)
            .finish()
    }
}

/// What `inspect --json` prints.
#[derive(Serialize)]
struct InspectReport {
    verdict: &'static str,
    usable: bool,
    license: Option<LicenseReport>,
}

#[derive(Serialize)]
struct LicenseReport {
    membership_id: String,
    product_id: String,
    hardware_id: String,
    status: String,
    period_end: Option<String>,
    issued_at: String,
    refresh_after: String,
    expires_at: String,
    key_id: String,
}

/// Runs `whop license inspect`.
pub(super) fn run(global: &GlobalArgs, args: &InspectArgs) -> Result<Exit, Failure> {
    let keys = args
        .public_keys
        .iter()
        .enumerate()
        .map(|(index, text)| {
            PublicKey::from_paserk(text).map_err(|e| {
                Failure::new(
                    Exit::Usage,
                    format!("--public-key number {}: {e}", index + 1),
                )
            })
        })
        .collect::<Result<KeySet, Failure>>()?;
    let token = read_token(&args.token)?;
    let verdict = match keys.open(&token) {
        Err(Refusal::UnknownKey) => Verdict::UnknownKey,
        Err(_) => Verdict::BadSignature,
        Ok(license) => {
            let product = args.product.as_deref().unwrap_or(&license.product_id);
            let hwid = args.hwid.as_deref().unwrap_or(&license.hardware_id);
            Verifier::new(keys.clone(), product).verify(&token, hwid, SystemTime::now(), None)
        }
    };
    let report = InspectReport {
        verdict: verdict_name(&verdict),
        usable: verdict.is_usable(),
        license: verdict.license().map(license_report),
    };
    if global.json {
        print_json(&report)?;
    } else {
        print(&lines(&report))?;
    }
    Ok(if verdict.is_usable() {
        Exit::Ok
    } else {
        Exit::NotValid
    })
}

/// The token from the argument, or from stdin for `-`.
fn read_token(arg: &str) -> Result<String, Failure> {
    if arg != "-" {
        return Ok(arg.trim().to_owned());
    }
    let mut text = String::new();
    std::io::stdin()
        .lock()
        .take(whop_license::MAX_TOKEN_LEN as u64 + 1)
        .read_to_string(&mut text)
        .map_err(|e| {
            Failure::new(
                Exit::Usage,
                format!("could not read the token on stdin: {e}"),
            )
        })?;
    let text = text.trim();
    if text.is_empty() {
        return Err(Failure::new(Exit::Usage, "no token on stdin"));
    }
    Ok(text.to_owned())
}

fn verdict_name(verdict: &Verdict) -> &'static str {
    match verdict {
        Verdict::Valid(_) => "valid",
        Verdict::RefreshDue(_) => "refresh_due",
        Verdict::Expired { .. } => "expired",
        Verdict::BoundToOtherMachine { .. } => "bound_to_other_machine",
        Verdict::WrongProduct { .. } => "wrong_product",
        Verdict::ClockTampered { .. } => "clock_tampered",
        Verdict::UnknownKey => "unknown_key",
        _ => "bad_signature",
    }
}

fn license_report(license: &License) -> LicenseReport {
    LicenseReport {
        membership_id: license.membership_id.clone(),
        product_id: license.product_id.clone(),
        hardware_id: license.hardware_id.clone(),
        status: license.status.clone(),
        period_end: license.period_end.map(rfc3339),
        issued_at: rfc3339(license.issued_at),
        refresh_after: rfc3339(license.refresh_after),
        expires_at: rfc3339(license.expires_at),
        key_id: license.key_id.to_string(),
    }
}

fn rfc3339(at: SystemTime) -> String {
    OffsetDateTime::from(at)
        .format(&Rfc3339)
        .unwrap_or_else(|_| format!("{at:?}"))
}

/// The human form: one `label value` line each.
fn lines(report: &InspectReport) -> String {
    let mut rows = vec![("verdict", report.verdict.replace('_', " "))];
    if let Some(license) = &report.license {
        rows.extend([
            ("membership", license.membership_id.clone()),
            ("product", license.product_id.clone()),
            ("hardware id", license.hardware_id.clone()),
            ("status", license.status.clone()),
            (
                "period end",
                license.period_end.clone().unwrap_or_else(|| "-".to_owned()),
            ),
            ("issued at", license.issued_at.clone()),
            ("refresh after", license.refresh_after.clone()),
            ("expires at", license.expires_at.clone()),
            ("key id", license.key_id.clone()),
        ]);
    }
    rows.iter()
        .map(|(label, value)| format!("{label:<14}{value}\n"))
        .collect()
}
