//! `--self-test`: the app's whole life on this machine, with whop-mock and a license server
//! in-process on loopback.
//!
//! 1. First start, online: activates the demo key, stores the token.
//! 2. The server (and the mock) stopped: the next start verifies the stored token offline.
//! 3. Two hours later (past `refresh_after`), still offline: the app starts, its background
//!    refresh fails, and the stored token keeps serving.
//! 4. The clock set back a day: refused.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::{Duration, SystemTime};

use tokio::runtime::Runtime;
use tokio::sync::oneshot;
use whop_client::{Client, Token};
use whop_license::{KeySet, SigningKey, SigningKeys, Verifier};
use whop_license_server::LicenseServer;
use whop_mock::{DEFAULT_PRODUCT_ID, DEMO_COMPANY_KEY, MockMembership, MockServer, MockWhop};

use crate::gate::{Gate, Refused, Started};
use crate::server_api::LicenseServerApi;

const LICENSE_KEY: &str = "DESKTOP-DEMO-KEY-0001";
const MEMBERSHIP: &str = "mem_desktop000001";
const THIS_MACHINE: &str = "self-test-machine";

/// The license server and the mock, served on a runtime of their own (the app's calls block,
/// as at a desktop app's start-up).
struct Servers {
    runtime: Runtime,
    whop: MockServer,
    addr: SocketAddr,
    stop: oneshot::Sender<()>,
}

impl Servers {
    fn start(keys: SigningKeys) -> Result<Self, String> {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .map_err(|e| e.to_string())?;
        let (stop, stopped) = oneshot::channel();
        let (whop, addr) = runtime.block_on(async {
            let whop = MockWhop::demo_builder()
                .membership(MockMembership::new(MEMBERSHIP).license_key(LICENSE_KEY))
                .build()
                .serve()
                .await
                .map_err(|e| format!("whop-mock: {e}"))?;
            let token = Token::new(DEMO_COMPANY_KEY).map_err(|e| e.to_string())?;
            let client = Client::builder()
                .transport(|t| t.base_url(whop.base_url()).token(token))
                .build()
                .map_err(|e| e.to_string())?;
            let server = LicenseServer::builder(client, keys).build();
            let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
                .await
                .map_err(|e| e.to_string())?;
            let addr = listener.local_addr().map_err(|e| e.to_string())?;
            tokio::spawn(async move {
                tokio::select! {
                    _ = server.serve(listener) => {}
                    _ = stopped => {}
                }
            });
            Ok::<_, String>((whop, addr))
        })?;
        Ok(Self {
            runtime,
            whop,
            addr,
            stop,
        })
    }

    /// Stops both, and checks that nothing answers on the server's port any more.
    fn stop(self) -> Result<(), String> {
        let _ = self.stop.send(());
        self.runtime.block_on(self.whop.shutdown());
        self.runtime.shutdown_timeout(Duration::from_secs(5));
        match std::net::TcpStream::connect_timeout(&self.addr, Duration::from_millis(500)) {
            Ok(_) => Err("the license server still answers after it was stopped".to_owned()),
            Err(_) => Ok(()),
        }
    }
}

/// A data directory of this run's own, removed at the end.
struct DataDir(PathBuf);

impl Drop for DataDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// Runs the four starts; `Err` says which answer was wrong.
pub(crate) fn run() -> Result<(), String> {
    let signing = SigningKey::generate().map_err(|e| e.to_string())?;
    // What the app has built in: the public half only.
    let public = signing.public_key().clone();
    let servers = Servers::start(SigningKeys::new(signing))?;
    let dir = DataDir(
        std::env::temp_dir().join(format!("license-desktop-self-test-{}", std::process::id())),
    );
    std::fs::create_dir_all(&dir.0).map_err(|e| e.to_string())?;
    let gate = Gate {
        api: LicenseServerApi::new(format!("http://{}", servers.addr))?,
        verifier: Verifier::new(KeySet::new().with(public), DEFAULT_PRODUCT_ID),
        hardware_id: THIS_MACHINE.to_owned(),
        state_file: dir.0.join("license.json"),
    };
    let now = SystemTime::now();

    println!(
        "1. first start, online (license server at {})",
        servers.addr
    );
    match gate.start(Some(LICENSE_KEY), now) {
        Ok(Started::Activated(license)) => println!(
            "   activated: {} ({}), usable offline until {}",
            license.membership_id,
            license.status,
            rfc3339(license.expires_at)
        ),
        other => {
            return Err(format!(
                "step 1: expected an activation, got {}",
                say(other)
            ));
        }
    }

    servers.stop()?;
    println!("2. second start, the license server and Whop stopped");
    match gate.start(None, now + Duration::from_secs(60)) {
        Ok(Started::Offline(license)) => {
            println!(
                "   started offline from the stored token ({})",
                license.status
            );
        }
        other => {
            return Err(format!(
                "step 2: expected an offline start, got {}",
                say(other)
            ));
        }
    }

    println!("3. two hours later, still offline (the token asks for a refresh after one hour)");
    match gate.start(None, now + Duration::from_secs(2 * 3600)) {
        Ok(Started::OfflineRefreshing(_, refresh)) => match refresh.join() {
            Ok(Err(e)) => println!("   started; the background refresh failed ({e}); still runs"),
            Ok(Ok(())) => return Err("step 3: a refresh succeeded with the server down".into()),
            Err(_) => return Err("step 3: the background refresh panicked".into()),
        },
        other => {
            return Err(format!(
                "step 3: expected a start due for refresh, got {}",
                say(other)
            ));
        }
    }

    println!("4. the clock set back a day");
    match gate.start(None, now - Duration::from_secs(24 * 3600)) {
        Err(Refused::ClockSetBack) => println!("   refused: {}", Refused::ClockSetBack),
        other => return Err(format!("step 4: expected a refusal, got {}", say(other))),
    }
    Ok(())
}

/// A start's outcome in words, for a failure message.
fn say(outcome: Result<Started, Refused>) -> String {
    match outcome {
        Ok(Started::Activated(_)) => "an activation".into(),
        Ok(Started::Offline(_)) => "an offline start".into(),
        Ok(Started::OfflineRefreshing(..)) => "an offline start with a refresh".into(),
        Ok(Started::Refreshed(_)) => "an online refresh".into(),
        Err(refused) => format!("a refusal ({refused})"),
    }
}

fn rfc3339(at: SystemTime) -> String {
    time::OffsetDateTime::from(at)
        .format(&time::format_description::well_known::Rfc3339)
        .unwrap_or_else(|_| "?".into())
}
