//! The app's license gate: activate once online, then start offline from the stored token.
//!
//! The state file holds the token the license server signed and the latest time the app has
//! seen (`last_seen`, the clock's high-water mark). Each start verifies the token with
//! [`Verifier`] alone, no network: the signature against the public key built into the app, the
//! product, this machine's hardware ID and the time. Only two answers touch the network:
//! - no state file yet (first start): activate with the license key, online, once;
//! - [`Verdict::RefreshDue`]: the app starts at once, and a background thread asks the server
//!   for a fresh token; if it fails (offline), nothing changes until the hard expiry;
//! - [`Verdict::Expired`] (offline longer than the server allows) refreshes online before
//!   starting, and refuses if that fails.

use std::path::PathBuf;
use std::thread::JoinHandle;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use serde::{Deserialize, Serialize};
use whop_license::{License, Verdict, Verifier};

use crate::server_api::{ApiError, LicenseServerApi};

/// What the app needs to gate itself.
#[derive(Clone)]
pub(crate) struct Gate {
    /// The license server's API.
    pub(crate) api: LicenseServerApi,
    /// The public keys built into the app, and its product.
    pub(crate) verifier: Verifier,
    /// This machine's hardware ID, as sent at activation.
    pub(crate) hardware_id: String,
    /// Where the token and last-seen time live.
    pub(crate) state_file: PathBuf,
}

/// How the app got to start.
pub(crate) enum Started {
    /// First start: activated online just now.
    Activated(License),
    /// From the stored token, offline.
    Offline(License),
    /// From the stored token, offline; it is due for a refresh, which runs in the background.
    OfflineRefreshing(License, JoinHandle<Result<(), String>>),
    /// The stored token had expired; refreshed online before starting.
    Refreshed(License),
}

/// Why the app does not start. Never holds the token or the license key.
#[derive(Debug)]
pub(crate) enum Refused {
    /// First start and no license key to activate with.
    NoLicenseKey,
    /// The server said no (or could not be reached) on activation or an expired token's refresh.
    Server(ApiError),
    /// The clock is behind the token's issue time or the last time the app ran.
    ClockSetBack,
    /// The stored token belongs to another machine, another product or another server's key, or
    /// was altered.
    NotThisAppsToken(&'static str),
    /// The state file could not be read or written.
    State(String),
}

impl std::fmt::Display for Refused {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Refused::NoLicenseKey => {
                f.write_str("not activated yet: start once online with --license-key KEY")
            }
            Refused::Server(e) => write!(f, "the license server refused: {e}"),
            Refused::ClockSetBack => f.write_str(
                "this computer's clock is behind the last time the app ran: set it right",
            ),
            Refused::NotThisAppsToken(why) => write!(f, "the stored license is not usable: {why}"),
            Refused::State(e) => write!(f, "the license file: {e}"),
        }
    }
}

/// The state file's contents.
#[derive(Serialize, Deserialize)]
struct Stored {
    token: String,
    /// Unix seconds.
    last_seen: u64,
}

impl Gate {
    /// Starts the app at `now` (the system clock, except in the self-test), activating with
    /// `license_key` when nothing is stored yet.
    ///
    /// # Errors
    /// [`Refused`] says why the app must not start.
    pub(crate) fn start(
        &self,
        license_key: Option<&str>,
        now: SystemTime,
    ) -> Result<Started, Refused> {
        let Some(stored) = self.load()? else {
            let key = license_key.ok_or(Refused::NoLicenseKey)?;
            let token = self
                .api
                .activate(key, &self.hardware_id)
                .map_err(Refused::Server)?;
            let license = self.accept(&token, None, now)?;
            return Ok(Started::Activated(license));
        };
        let last_seen = Some(from_unix(stored.last_seen));
        let verdict = self
            .verifier
            .verify(&stored.token, &self.hardware_id, now, last_seen);
        let seen = verdict.last_seen_to_store(last_seen, now);
        match verdict {
            Verdict::Valid(license) => {
                self.save(&stored.token, seen)?;
                Ok(Started::Offline(license))
            }
            Verdict::RefreshDue(license) => {
                self.save(&stored.token, seen)?;
                let refresh = self.refresh_in_background(stored.token, now);
                Ok(Started::OfflineRefreshing(license, refresh))
            }
            Verdict::Expired { .. } => {
                let token = self.api.refresh(&stored.token).map_err(Refused::Server)?;
                Ok(Started::Refreshed(self.accept(&token, last_seen, now)?))
            }
            Verdict::ClockTampered { .. } => Err(Refused::ClockSetBack),
            Verdict::BoundToOtherMachine { .. } => {
                Err(Refused::NotThisAppsToken("it is bound to another machine"))
            }
            Verdict::WrongProduct { .. } => {
                Err(Refused::NotThisAppsToken("it is for another product"))
            }
            Verdict::UnknownKey => Err(Refused::NotThisAppsToken(
                "it is signed by a key this app does not know",
            )),
            _ => Err(Refused::NotThisAppsToken("its signature does not verify")),
        }
    }

    /// Verifies a token the server just sent and stores it.
    fn accept(
        &self,
        token: &str,
        last_seen: Option<SystemTime>,
        now: SystemTime,
    ) -> Result<License, Refused> {
        let verdict = self
            .verifier
            .verify(token, &self.hardware_id, now, last_seen);
        let seen = verdict.last_seen_to_store(last_seen, now);
        match verdict {
            Verdict::Valid(license) | Verdict::RefreshDue(license) => {
                self.save(token, seen)?;
                Ok(license)
            }
            _ => Err(Refused::NotThisAppsToken(
                "the server's token does not verify here (another public key or product?)",
            )),
        }
    }

    /// Asks the server for a fresh token on another thread; the app runs meanwhile.
    fn refresh_in_background(
        &self,
        token: String,
        now: SystemTime,
    ) -> JoinHandle<Result<(), String>> {
        let gate = self.clone();
        std::thread::spawn(move || {
            let fresh = gate.api.refresh(&token).map_err(|e| e.to_string())?;
            let stored = gate.load().map_err(|e| e.to_string())?;
            let last_seen = stored.map(|s| from_unix(s.last_seen));
            gate.accept(&fresh, last_seen, now)
                .map(drop)
                .map_err(|e| e.to_string())
        })
    }

    fn load(&self) -> Result<Option<Stored>, Refused> {
        match std::fs::read(&self.state_file) {
            Ok(bytes) => serde_json::from_slice(&bytes).map(Some).map_err(|e| {
                Refused::State(format!("unreadable ({e}); delete it to activate again"))
            }),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(Refused::State(e.to_string())),
        }
    }

    /// Writes the state (to a new file renamed over the old one, so a crash never leaves half a
    /// file), readable by this user only: the token is this machine's license.
    fn save(&self, token: &str, last_seen: Option<SystemTime>) -> Result<(), Refused> {
        // Only a usable verdict moves the high-water mark.
        let Some(last_seen) = last_seen else {
            return Ok(());
        };
        let stored = Stored {
            token: token.to_owned(),
            last_seen: unix(last_seen),
        };
        let bytes = serde_json::to_vec(&stored).map_err(|e| Refused::State(e.to_string()))?;
        let temporary = self.state_file.with_extension("tmp");
        write_private(&temporary, &bytes)
            .and_then(|()| std::fs::rename(&temporary, &self.state_file))
            .map_err(|e| Refused::State(e.to_string()))
    }
}

#[cfg(unix)]
fn write_private(path: &std::path::Path, bytes: &[u8]) -> std::io::Result<()> {
    use std::io::Write;
    use std::os::unix::fs::OpenOptionsExt;
    let mut file = std::fs::OpenOptions::new()
        .write(true)
        .create(true)
        .truncate(true)
        .mode(0o600)
        .open(path)?;
    file.write_all(bytes)?;
    file.sync_all()
}

#[cfg(not(unix))]
fn write_private(path: &std::path::Path, bytes: &[u8]) -> std::io::Result<()> {
    std::fs::write(path, bytes)
}

fn unix(at: SystemTime) -> u64 {
    at.duration_since(UNIX_EPOCH).map_or(0, |d| d.as_secs())
}

fn from_unix(seconds: u64) -> SystemTime {
    UNIX_EPOCH + Duration::from_secs(seconds)
}

#[cfg(test)]
mod tests {
    use whop_license::{Claims, KeySet, SigningKey};

    use super::*;

    const PRODUCT: &str = "prod_desktop";
    const MACHINE: &str = "machine-a";
    const HOUR: Duration = Duration::from_secs(3600);

    /// A gate whose server is a port nothing listens on: every start here is offline.
    fn gate(dir: &std::path::Path, signing: &SigningKey) -> Gate {
        let dead = std::net::TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .expect("a free port");
        Gate {
            api: LicenseServerApi::new(format!("http://{dead}")).expect("a client"),
            verifier: Verifier::new(KeySet::new().with(signing.public_key().clone()), PRODUCT),
            hardware_id: MACHINE.to_owned(),
            state_file: dir.join("license.json"),
        }
    }

    fn token(signing: &SigningKey, hwid: &str, product: &str, issued: SystemTime) -> String {
        signing
            .sign(&Claims {
                membership_id: "mem_1".to_owned(),
                product_id: product.to_owned(),
                hardware_id: hwid.to_owned(),
                status: "active".to_owned(),
                period_end: None,
                issued_at: issued,
                refresh_after: issued + HOUR,
                expires_at: issued + 24 * HOUR,
            })
            .expect("signs")
    }

    fn store(gate: &Gate, token: &str, last_seen: SystemTime) {
        gate.save(token, Some(last_seen)).expect("saved");
    }

    fn outcome(started: Result<Started, Refused>) -> &'static str {
        match started {
            Ok(Started::Activated(_)) => "activated",
            Ok(Started::Offline(_)) => "offline",
            Ok(Started::OfflineRefreshing(_, refresh)) => {
                assert!(refresh.join().expect("no panic").is_err(), "no server");
                "offline, refreshing"
            }
            Ok(Started::Refreshed(_)) => "refreshed",
            Err(Refused::NoLicenseKey) => "no license key",
            Err(Refused::Server(_)) => "server",
            Err(Refused::ClockSetBack) => "clock set back",
            Err(Refused::NotThisAppsToken(_)) => "not this app's token",
            Err(Refused::State(_)) => "state",
        }
    }

    struct Case {
        name: &'static str,
        /// Token hwid and product; `None`: nothing stored.
        stored: Option<(&'static str, &'static str)>,
        /// The start's clock, from the token's issue time.
        after: Duration,
        /// The stored last-seen time, from the token's issue time.
        last_seen_after: Duration,
        want: &'static str,
    }

    #[test]
    fn each_stored_state_gives_its_start_offline() {
        let cases = [
            Case {
                name: "first start without a key",
                stored: None,
                after: Duration::ZERO,
                last_seen_after: Duration::ZERO,
                want: "no license key",
            },
            Case {
                name: "fresh token",
                stored: Some((MACHINE, PRODUCT)),
                after: HOUR / 2,
                last_seen_after: Duration::ZERO,
                want: "offline",
            },
            Case {
                name: "past refresh_after",
                stored: Some((MACHINE, PRODUCT)),
                after: 2 * HOUR,
                last_seen_after: Duration::ZERO,
                want: "offline, refreshing",
            },
            Case {
                name: "expired, server unreachable",
                stored: Some((MACHINE, PRODUCT)),
                after: 25 * HOUR,
                last_seen_after: Duration::ZERO,
                want: "server",
            },
            Case {
                name: "clock behind the last start",
                stored: Some((MACHINE, PRODUCT)),
                after: HOUR / 2,
                last_seen_after: 3 * HOUR,
                want: "clock set back",
            },
            Case {
                name: "another machine's token",
                stored: Some(("machine-b", PRODUCT)),
                after: HOUR / 2,
                last_seen_after: Duration::ZERO,
                want: "not this app's token",
            },
            Case {
                name: "another product's token",
                stored: Some((MACHINE, "prod_other")),
                after: HOUR / 2,
                last_seen_after: Duration::ZERO,
                want: "not this app's token",
            },
        ];
        let signing = SigningKey::generate().expect("a key");
        let issued = SystemTime::now();
        for case in cases {
            let dir = std::env::temp_dir().join(format!(
                "license-desktop-gate-{}-{}",
                std::process::id(),
                case.name.replace(' ', "-")
            ));
            std::fs::create_dir_all(&dir).expect("a directory");
            let gate = gate(&dir, &signing);
            if let Some((hwid, product)) = case.stored {
                store(
                    &gate,
                    &token(&signing, hwid, product, issued),
                    issued + case.last_seen_after,
                );
            }
            let got = outcome(gate.start(None, issued + case.after));
            let _ = std::fs::remove_dir_all(&dir);
            assert_eq!(got, case.want, "{}", case.name);
        }
    }

    #[test]
    fn a_start_moves_last_seen_forward_only() {
        let signing = SigningKey::generate().expect("a key");
        let dir = std::env::temp_dir().join(format!("license-desktop-seen-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("a directory");
        let gate = gate(&dir, &signing);
        let issued = SystemTime::now();
        store(&gate, &token(&signing, MACHINE, PRODUCT, issued), issued);
        let seen = |gate: &Gate| from_unix(gate.load().unwrap().unwrap().last_seen);
        assert!(matches!(
            gate.start(None, issued + HOUR / 2),
            Ok(Started::Offline(_))
        ));
        let after_first = seen(&gate);
        assert!(after_first >= issued + HOUR / 2 - Duration::from_secs(1));
        // A start a minute earlier (within the skew) runs, and keeps the later mark.
        assert!(matches!(
            gate.start(None, issued + HOUR / 2 - Duration::from_secs(60)),
            Ok(Started::Offline(_))
        ));
        assert_eq!(seen(&gate), after_first);
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn an_unreadable_license_file_is_refused_with_what_to_do() {
        let signing = SigningKey::generate().expect("a key");
        let dir = std::env::temp_dir().join(format!("license-desktop-bad-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("a directory");
        let gate = gate(&dir, &signing);
        std::fs::write(&gate.state_file, b"not json").expect("written");
        let refused = gate.start(None, SystemTime::now()).err().expect("refused");
        let _ = std::fs::remove_dir_all(&dir);
        assert!(refused.to_string().contains("delete it"), "{refused}");
    }
}
