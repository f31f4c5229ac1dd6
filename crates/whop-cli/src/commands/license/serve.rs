//! `whop license serve --listen ADDR --signing-key FILE [--mock]`: the license server
//! (whop-license-server) on ADDR.
//!
//! Settings come from the environment as everywhere: the company API key and base URL (or the
//! embedded demo world with `--mock`), `WHOP_LICENSE_SIGNING_KEY` (a key file's text) when no
//! `--signing-key` is given, `WHOP_LICENSE_REDIS_URL` (else `WHOP_PACING_REDIS_URL`) for locks
//! and cache shared by several instances, `WHOP_WEBHOOK_SECRET` to receive Whop's webhooks.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;

use clap::Args;
use whop_license::{SigningKey, SigningKeys};
use whop_license_server::LicenseServer;

use crate::context::{Credential, target};
use crate::exit::{Exit, Failure};
use crate::global::GlobalArgs;
use crate::output::print;

/// The variable holding a signing key file's text, when `--signing-key` is not given.
pub(crate) const ENV_SIGNING_KEY: &str = "WHOP_LICENSE_SIGNING_KEY";
/// The variable naming the Redis that several instances share.
pub(crate) const ENV_REDIS_URL: &str = "WHOP_LICENSE_REDIS_URL";
/// The variable holding the webhook secret (`ws_...`).
pub(crate) const ENV_WEBHOOK_SECRET: &str = "WHOP_WEBHOOK_SECRET";

/// `license serve`'s long help.
pub(super) const SERVE_ABOUT: &str = "\
Run the license server: apps POST /v1/activate {\"license_key\", \"hardware_id\"} and
POST /v1/refresh {\"token\"} and get a signed token they verify offline (whop-license); also
GET /healthz, GET /metrics, and POST /v1/webhooks/whop when WHOP_WEBHOOK_SECRET is set.

Signs with the first key of --signing-key FILE (or WHOP_LICENSE_SIGNING_KEY, the file's text;
make one with `whop license keygen`); every key in it is accepted on refresh (rotation). Reads
Whop with your company API key (WHOP_API_KEY or --api-key; WHOP_BASE_URL). With
WHOP_LICENSE_REDIS_URL (else WHOP_PACING_REDIS_URL), several instances share one lock per key and
one cache through Redis. Each client address may make 10 requests a second (bursts of 30);
--no-client-limit lifts that behind a reverse proxy, which should limit instead.

--mock serves the embedded demo world instead of Whop, signs with a fresh key unless one is given,
and prints a demo license key and a curl line to try. Prints the address it listens on, then
serves until Ctrl-C or SIGTERM, letting requests in progress finish, then exits 0. Logs to
stderr at info level (each request's route, outcome and time, the membership syncs; never a key,
token or hardware ID); -v logs at debug level, the client's requests too.";

/// Arguments of `whop license serve`.
#[derive(Debug, Args)]
pub(crate) struct ServeArgs {
    /// Where to listen (`127.0.0.1:8080`; port 0 picks a free one).
    #[arg(long, value_name = "ADDR")]
    listen: SocketAddr,
    /// The signing key file (`whop license keygen --out FILE`) [env: WHOP_LICENSE_SIGNING_KEY,
    /// the file's text].
    #[arg(long, value_name = "FILE")]
    signing_key: Option<PathBuf>,
    /// No limit per client address. Behind a reverse proxy every request comes from the
    /// proxy's address, so all apps would share one address's limit: limit there instead.
    #[arg(long)]
    no_client_limit: bool,
}

/// Runs `whop license serve`.
pub(super) async fn run(global: &GlobalArgs, args: &ServeArgs) -> Result<Exit, Failure> {
    let keys = signing_keys(global, args)?;
    let target = target(global, Credential::CompanyKey).await?;
    let mut builder = LicenseServer::builder(target.client.clone(), keys.clone());
    if let Some(store) = store().await? {
        builder = builder.store(store);
    }
    if let Some(secret) = env(ENV_WEBHOOK_SECRET) {
        let secret = whop_webhooks::Secret::new(&secret)
            .map_err(|e| Failure::new(Exit::Usage, format!("{ENV_WEBHOOK_SECRET}: {e}")))?;
        builder = builder.webhook_secret(secret);
    }
    if args.no_client_limit {
        builder = builder.per_client_limit(None);
    }
    let server = builder.build();
    let listener = tokio::net::TcpListener::bind(args.listen)
        .await
        .map_err(|e| {
            Failure::new(
                Exit::Other,
                format!("could not listen on {}: {e}", args.listen),
            )
        })?;
    let address = listener.local_addr().map_err(|e| {
        Failure::new(
            Exit::Other,
            format!("could not read the bound address: {e}"),
        )
    })?;
    print(&format!("listening on http://{address}\n"))?;
    if global.mock {
        print(&demo_lines(address, &keys))?;
    }
    tracing::info!(%address, "license server listening");
    server
        .serve_until(listener, stop_signal())
        .await
        .map_err(|e| Failure::new(Exit::Other, format!("the server stopped: {e}")))?;
    tracing::info!("license server stopped");
    Ok(Exit::Ok)
}

/// Ctrl-C, or SIGTERM (what `docker stop`, systemd and Kubernetes send): the server then lets
/// the requests in progress finish and the command exits 0. A signal that cannot be listened
/// for is logged and never fires (the other one still does).
async fn stop_signal() {
    let interrupt = async {
        if let Err(error) = tokio::signal::ctrl_c().await {
            tracing::warn!(%error, "cannot listen for Ctrl-C");
            std::future::pending::<()>().await;
        }
    };
    #[cfg(unix)]
    let terminate = async {
        use tokio::signal::unix::{SignalKind, signal};
        match signal(SignalKind::terminate()) {
            Ok(mut terminate) => {
                terminate.recv().await;
            }
            Err(error) => {
                tracing::warn!(%error, "cannot listen for SIGTERM");
                std::future::pending::<()>().await;
            }
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = interrupt => tracing::info!("Ctrl-C: stopping"),
        () = terminate => tracing::info!("SIGTERM: stopping"),
    }
}

/// The keys: `--signing-key`, else the variable, else (with `--mock` only) a fresh one.
fn signing_keys(global: &GlobalArgs, args: &ServeArgs) -> Result<SigningKeys, Failure> {
    let usage = |e: &dyn std::fmt::Display| Failure::new(Exit::Usage, e.to_string());
    if let Some(path) = &args.signing_key {
        return SigningKeys::from_file(path).map_err(|e| usage(&e));
    }
    if let Some(text) = env(ENV_SIGNING_KEY) {
        return SigningKeys::from_env_text(&text).map_err(|e| usage(&e));
    }
    if global.mock {
        return SigningKey::generate()
            .map(SigningKeys::new)
            .map_err(|e| Failure::new(Exit::Other, e.to_string()));
    }
    Err(Failure::new(
        Exit::Usage,
        format!(
            "no signing key: give --signing-key FILE or set {ENV_SIGNING_KEY} (make one with \
             `whop license keygen --out FILE`)"
        ),
    ))
}

/// The Redis store, when a URL is set (feature `redis`).
#[cfg(feature = "redis")]
async fn store() -> Result<Option<Arc<dyn whop_license_server::store::Store>>, Failure> {
    let Some(url) = env(ENV_REDIS_URL).or_else(|| env(whop_client::ENV_PACING_REDIS_URL)) else {
        return Ok(None);
    };
    let store = whop_license_server::store::RedisStore::connect(url)
        .await
        .map_err(|e| Failure::new(Exit::Network, format!("{ENV_REDIS_URL}: {e}")))?;
    Ok(Some(Arc::new(store)))
}

/// Without the `redis` feature, a Redis URL is refused rather than ignored: instances that
/// believe they share locks, but do not, could bind one key twice.
#[cfg(not(feature = "redis"))]
async fn store() -> Result<Option<Arc<dyn whop_license_server::store::Store>>, Failure> {
    match env(ENV_REDIS_URL) {
        Some(_) => Err(Failure::new(
            Exit::Usage,
            format!("{ENV_REDIS_URL} is set, but whop was built without its `redis` feature"),
        )),
        None => Ok(None),
    }
}

/// What `--mock` prints: a key to try, and the curl line that activates it.
#[cfg(feature = "mock")]
fn demo_lines(address: SocketAddr, keys: &SigningKeys) -> String {
    use whop_mock::{DEMO_CURRENT_LICENSE_KEY, DEMO_CURRENT_UNBOUND_LICENSE_KEY};
    let public = keys.active().public_key().to_paserk();
    format!(
        "demo license key  {DEMO_CURRENT_LICENSE_KEY} (bound to hardware ID demo-machine)\n\
         unbound demo key  {DEMO_CURRENT_UNBOUND_LICENSE_KEY} (binds to the first machine)\n\
         public key        {public}\n\
         try:\n  curl -s -X POST http://{address}/v1/activate -H 'content-type: application/json' \
         -d '{{\"license_key\":\"{DEMO_CURRENT_LICENSE_KEY}\",\"hardware_id\":\"demo-machine\"}}'\n"
    )
}

#[cfg(not(feature = "mock"))]
fn demo_lines(_: SocketAddr, _: &SigningKeys) -> String {
    String::new()
}

fn env(name: &str) -> Option<String> {
    std::env::var(name).ok().filter(|value| !value.is_empty())
}
