//! A desktop app sold on Whop that activates once online, then starts offline from its stored
//! token: the app ships no secret and needs no network on later starts.
//!
//! ```sh
//! cargo run -p license-desktop -- --self-test
//! cargo run -p license-desktop -- --server http://127.0.0.1:8787 \
//!     --public-key k4.public.… --product prod_… [--license-key KEY] [--data-dir DIR]
//! ```
//!
//! - **First start** (`--license-key`): `POST /v1/activate` to the license server
//!   (`whop license serve`), which binds the key to this machine's hardware ID on Whop and
//!   answers a signed token. The app verifies it and stores it with the time it last saw.
//! - **Later starts**: [`whop_license::Verifier`] alone, no network: the signature against the
//!   public key built into the app (here `--public-key`; a real app has it as a constant, with
//!   its product ID and server URL), the product, this machine, the time. When the token is due
//!   for a refresh the app starts at once and refreshes in the background; when it has expired
//!   (offline longer than the server allows) it must refresh online first. A clock set back
//!   behind the last start is refused.
//! - **`--self-test`** runs all of it on this machine: whop-mock and a license server in-process
//!   on loopback, a first start online, a second start with the server stopped, a start due for
//!   a refresh (the background refresh fails offline, the app runs), and a start with the clock
//!   set back, refused. Exit 0 when every answer is right.
//!
//! Exit status: 0 the app starts; 1 refused (the reason on stderr); 2 usage or setup error.

mod gate;
mod hardware_id;
mod self_test;
mod server_api;

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::SystemTime;

use whop_license::{KeySet, PublicKey, Verifier};

use crate::gate::{Gate, Started};
use crate::server_api::LicenseServerApi;

const USAGE: &str = "usage: license-desktop --self-test\n       license-desktop --server URL \
     --public-key k4.public.… --product prod_… [--license-key KEY] [--data-dir DIR]";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.iter().any(|a| a == "--self-test") {
        return match self_test::run() {
            Ok(()) => {
                println!("self-test: every answer was right");
                ExitCode::SUCCESS
            }
            Err(e) => {
                eprintln!("self-test failed: {e}");
                ExitCode::FAILURE
            }
        };
    }
    let options = match Options::parse(&args) {
        Ok(options) => options,
        Err(e) => {
            eprintln!("{e}\n{USAGE}");
            return ExitCode::from(2);
        }
    };
    let gate = match options.gate() {
        Ok(gate) => gate,
        Err(e) => {
            eprintln!("{e}");
            return ExitCode::from(2);
        }
    };
    match gate.start(options.license_key.as_deref(), SystemTime::now()) {
        Ok(started) => {
            run_app(started);
            ExitCode::SUCCESS
        }
        Err(refused) => {
            eprintln!("not starting: {refused}");
            ExitCode::FAILURE
        }
    }
}

/// The app itself: here it says how it started and, if a refresh runs, waits for it (a real app
/// would just carry on and let the thread finish).
fn run_app(started: Started) {
    let refresh = match started {
        Started::Activated(license) => {
            println!(
                "activated online for {}; the app runs",
                license.membership_id
            );
            None
        }
        Started::Offline(license) => {
            println!(
                "started offline ({}, {}); the app runs",
                license.membership_id, license.status
            );
            None
        }
        Started::OfflineRefreshing(license, refresh) => {
            println!(
                "started offline ({}); refreshing the license in the background",
                license.membership_id
            );
            Some(refresh)
        }
        Started::Refreshed(license) => {
            println!(
                "the stored license had expired; refreshed online for {}",
                license.membership_id
            );
            None
        }
    };
    if let Some(refresh) = refresh {
        match refresh.join() {
            Ok(Ok(())) => println!("background refresh: a fresh license is stored"),
            Ok(Err(e)) => {
                println!("background refresh failed ({e}); the stored license still serves")
            }
            Err(_) => println!("background refresh panicked; the stored license still serves"),
        }
    }
}

struct Options {
    server: String,
    public_key: String,
    product: String,
    license_key: Option<String>,
    data_dir: Option<PathBuf>,
}

impl Options {
    fn parse(args: &[String]) -> Result<Self, String> {
        let (mut server, mut public_key, mut product) = (None, None, None);
        let (mut license_key, mut data_dir) = (None, None);
        let mut args = args.iter();
        while let Some(flag) = args.next() {
            let slot = match flag.as_str() {
                "--server" => &mut server,
                "--public-key" => &mut public_key,
                "--product" => &mut product,
                "--license-key" => &mut license_key,
                "--data-dir" => &mut data_dir,
                other => return Err(format!("unknown argument `{other}`")),
            };
            *slot = Some(args.next().ok_or(format!("{flag} needs a value"))?.clone());
        }
        Ok(Self {
            server: server.ok_or("--server is required")?,
            public_key: public_key.ok_or("--public-key is required")?,
            product: product.ok_or("--product is required")?,
            license_key,
            data_dir: data_dir.map(PathBuf::from),
        })
    }

    fn gate(&self) -> Result<Gate, String> {
        let key =
            PublicKey::from_paserk(&self.public_key).map_err(|e| format!("--public-key: {e}"))?;
        let data_dir = match &self.data_dir {
            Some(dir) => dir.clone(),
            None => default_data_dir()?,
        };
        std::fs::create_dir_all(&data_dir).map_err(|e| format!("{}: {e}", data_dir.display()))?;
        Ok(Gate {
            api: LicenseServerApi::new(&self.server)?,
            verifier: Verifier::new(KeySet::new().with(key), &self.product),
            hardware_id: hardware_id::this_machine(&data_dir)?,
            state_file: data_dir.join("license.json"),
        })
    }
}

/// `$XDG_DATA_HOME/license-desktop`, `~/.local/share/license-desktop`, or
/// `%APPDATA%\license-desktop`.
fn default_data_dir() -> Result<PathBuf, String> {
    let var = |name| {
        std::env::var_os(name)
            .filter(|v| !v.is_empty())
            .map(PathBuf::from)
    };
    var("XDG_DATA_HOME")
        .or_else(|| var("HOME").map(|home| home.join(".local").join("share")))
        .or_else(|| var("APPDATA"))
        .map(|base| base.join("license-desktop"))
        .ok_or_else(|| "no data directory: pass --data-dir".to_owned())
}
