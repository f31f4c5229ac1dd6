//! `whop webhook ...`: Whop's webhook signatures, by hand.
//!
//! - `webhook verify`: check a delivery (exit 0 valid, 1 rejected, 2 usage error).
//! - `webhook sign`: print the headers Whop would send with a body, to test a receiver.
//!
//! No network: the body comes on stdin, the headers as `-H` flags, the secret from
//! the variable named by `--secret-env` (never a flag, so it stays out of shell history).

use std::io::Read;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use clap::{Args, Subcommand, ValueEnum};
use http::{HeaderMap, HeaderName, HeaderValue};
use serde::Serialize;
use whop_webhooks::{ReceiveError, Scheme, Secret, Verifier, signed_headers};

use crate::exit::{Exit, Failure};
use crate::global::GlobalArgs;
use crate::output::{print, print_json};

/// The largest body read from stdin.
const MAX_BODY: u64 = 16 * 1024 * 1024;

const VERIFY_AFTER_HELP: &str = "\
Examples:
  WHOP_WEBHOOK_SECRET=ws_... whop webhook verify --secret-env WHOP_WEBHOOK_SECRET \\
      -H 'webhook-id: msg_...' -H 'webhook-timestamp: 1700000000' \\
      -H 'webhook-signature: v1,...' < body.json
  whop webhook verify --secret-env WHOP_WEBHOOK_SECRET -H \"X-Whop-Signature: $SIG\" < body.json

The body must be the raw bytes Whop sent (save it before any JSON parsing). A `ws_...` secret is
used as its raw bytes, a `whsec_...` one is base64-decoded after the prefix.

Exit codes of `webhook verify`:
  0  the signature is valid: prints the event type and the membership ID
  1  rejected: the signature (bad, malformed, wrong version), the timestamp (outside the
     tolerance, not a number), or a signed body that is not a Whop event; stderr says which
  2  usage error: the secret variable is unset or invalid, a -H is not `Name: value`, or the
     headers of either scheme are missing, repeated or malformed";

const SIGN_AFTER_HELP: &str = "\
Examples:
  whop webhook sign --secret-env WHOP_WEBHOOK_SECRET < body.json
  whop webhook sign --secret-env WHOP_WEBHOOK_SECRET --scheme legacy < body.json
  whop webhook sign --secret-env WHOP_WEBHOOK_SECRET --id msg_test1 --timestamp 1700000000 < body.json

Prints one `name: value` line per header: give each to `curl -H` (with the body as
--data-binary @body.json) to test a receiver, or to `whop webhook verify -H`.";

/// `whop webhook ...`
#[derive(Debug, Subcommand)]
pub(crate) enum WebhookCommand {
    /// Verify a delivery: the raw body on stdin, its headers as -H. Exit 0 valid, 1 rejected,
    /// 2 usage error.
    #[command(after_help = VERIFY_AFTER_HELP)]
    Verify(VerifyArgs),
    /// Print the headers Whop would send with the body on stdin, to test a receiver by hand.
    #[command(after_help = SIGN_AFTER_HELP)]
    Sign(SignArgs),
}

/// Arguments of `whop webhook verify`.
#[derive(Debug, Args)]
pub(crate) struct VerifyArgs {
    /// The environment variable holding the webhook secret.
    #[arg(long, value_name = "VAR")]
    secret_env: String,

    /// A header of the delivery, `Name: value`; repeat for each.
    #[arg(short = 'H', long = "header", value_name = "NAME: VALUE")]
    headers: Vec<String>,

    /// How far the signed timestamp may be from this machine's clock, either way, in seconds.
    #[arg(long, value_name = "SECS", default_value_t = 300)]
    tolerance: u64,

    /// The signature scheme; `auto` detects it from the headers.
    #[arg(long, value_enum, default_value_t = SchemeArg::Auto)]
    scheme: SchemeArg,
}

/// Arguments of `whop webhook sign`.
#[derive(Debug, Args)]
pub(crate) struct SignArgs {
    /// The environment variable holding the webhook secret.
    #[arg(long, value_name = "VAR")]
    secret_env: String,

    /// The signature scheme: `standard` (API version v1) or `legacy` (X-Whop-Signature).
    #[arg(long, value_enum, default_value_t = SignScheme::Standard)]
    scheme: SignScheme,

    /// The `webhook-id` (standard scheme); a new one when left out.
    #[arg(long, value_name = "ID")]
    id: Option<String>,

    /// The signed timestamp in Unix seconds; now when left out.
    #[arg(long, value_name = "UNIX")]
    timestamp: Option<u64>,
}

/// `--scheme` of `verify`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum SchemeArg {
    /// Detect the scheme from the headers.
    Auto,
    /// X-Whop-Signature (API versions v2 and v5).
    Legacy,
    /// Standard Webhooks (API version v1).
    Standard,
}

/// `--scheme` of `sign`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum SignScheme {
    /// X-Whop-Signature (API versions v2 and v5).
    Legacy,
    /// Standard Webhooks (API version v1).
    Standard,
}

/// Runs `whop webhook ...`.
pub(crate) fn run(global: &GlobalArgs, command: &WebhookCommand) -> Result<Exit, Failure> {
    match command {
        WebhookCommand::Verify(args) => verify(global, args),
        WebhookCommand::Sign(args) => sign(args),
    }
}

/// What `verify --json` prints.
#[derive(Debug, Serialize)]
struct VerifyReport<'a> {
    valid: bool,
    scheme: &'static str,
    event: &'a str,
    membership_id: Option<&'a str>,
    webhook_id: Option<&'a str>,
    timestamp: u64,
}

fn verify(global: &GlobalArgs, args: &VerifyArgs) -> Result<Exit, Failure> {
    let secret = secret(&args.secret_env)?;
    let headers = parse_headers(&args.headers)?;
    let body = read_stdin()?;
    let mut verifier = Verifier::new(secret).tolerance(Duration::from_secs(args.tolerance));
    match args.scheme {
        SchemeArg::Auto => {}
        SchemeArg::Legacy => verifier = verifier.scheme(Scheme::Legacy),
        SchemeArg::Standard => verifier = verifier.scheme(Scheme::Standard),
    }
    let delivery = verifier
        .receive(&headers, &body)
        .map_err(|error| match &error {
            ReceiveError::Verify(verify) if verify.is_timestamp() || verify.is_signature() => {
                Failure::new(Exit::NotValid, error.to_string())
            }
            ReceiveError::Verify(_) => Failure::new(Exit::Usage, error.to_string()),
            _ => Failure::new(Exit::NotValid, error.to_string()),
        })?;
    let event = delivery.event.kind();
    let membership_id = delivery.event.membership_id();
    if global.json {
        let report = VerifyReport {
            valid: true,
            scheme: delivery.verified.scheme().as_str(),
            event,
            membership_id,
            webhook_id: delivery.verified.webhook_id(),
            timestamp: delivery.verified.timestamp(),
        };
        print_json(&report)?;
    } else {
        let mut rows = vec![
            ("valid", format!("{} signature", delivery.verified.scheme())),
            ("event", event.to_owned()),
            ("membership", membership_id.unwrap_or("-").to_owned()),
        ];
        if let Some(id) = delivery.verified.webhook_id() {
            rows.push(("webhook id", id.to_owned()));
        }
        let text: String = rows
            .iter()
            .map(|(label, value)| format!("{label:<12}{value}\n"))
            .collect();
        print(&text)?;
    }
    Ok(Exit::Ok)
}

fn sign(args: &SignArgs) -> Result<Exit, Failure> {
    let secret = secret(&args.secret_env)?;
    let body = read_stdin()?;
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap_or_default();
    let timestamp = args.timestamp.unwrap_or(now.as_secs());
    let (scheme, id) =
        match args.scheme {
            SignScheme::Legacy => (Scheme::Legacy, None),
            SignScheme::Standard => (
                Scheme::Standard,
                Some(args.id.clone().unwrap_or_else(|| {
                    format!("msg_cli{:x}{:x}", now.as_nanos(), std::process::id())
                })),
            ),
        };
    let headers = signed_headers(&secret, scheme, id.as_deref(), timestamp, &body)
        .map_err(|e| Failure::new(Exit::Usage, e.to_string()))?;
    let mut text = String::new();
    for (name, value) in &headers {
        let value = value.to_str().unwrap_or_default();
        text.push_str(&format!("{name}: {value}\n"));
    }
    print(&text)?;
    Ok(Exit::Ok)
}

/// The secret from the variable `name`; never echoed.
fn secret(name: &str) -> Result<Secret, Failure> {
    let value = std::env::var(name).map_err(|_| {
        Failure::new(
            Exit::Usage,
            format!("the variable {name} (--secret-env) is not set: put the webhook secret in it"),
        )
    })?;
    Secret::new(value).map_err(|e| Failure::new(Exit::Usage, format!("{name}: {e}")))
}

/// `-H 'Name: value'` flags as a header map (repeats kept, so duplicates can be refused).
fn parse_headers(flags: &[String]) -> Result<HeaderMap, Failure> {
    let mut headers = HeaderMap::new();
    for (index, flag) in flags.iter().enumerate() {
        let unreadable = || {
            Failure::new(
                Exit::Usage,
                format!("-H number {}: expected `Name: value`", index + 1),
            )
        };
        let (name, value) = flag.split_once(':').ok_or_else(unreadable)?;
        let name = HeaderName::from_bytes(name.trim().as_bytes()).map_err(|_| unreadable())?;
        let value = HeaderValue::from_str(value.trim()).map_err(|_| unreadable())?;
        headers.append(name, value);
    }
    Ok(headers)
}

/// The raw body from stdin, bounded.
fn read_stdin() -> Result<Vec<u8>, Failure> {
    let mut body = Vec::new();
    std::io::stdin()
        .lock()
        .take(MAX_BODY + 1)
        .read_to_end(&mut body)
        .map_err(|e| {
            Failure::new(
                Exit::Usage,
                format!("could not read the body on stdin: {e}"),
            )
        })?;
    if body.len() as u64 > MAX_BODY {
        return Err(Failure::new(
            Exit::Usage,
            format!("the body on stdin is larger than {MAX_BODY} bytes"),
        ));
    }
    Ok(body)
}
