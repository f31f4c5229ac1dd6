//! This machine's hardware ID, as the app sends it to the license server.
//!
//! The operating system's machine ID (`/etc/machine-id` on Linux) is stable across reboots and
//! updates, but systemd asks apps not to send it as it is: here it is hashed with the app's own
//! name, so the ID the server (and Whop's metadata) sees is this app's alone and cannot be
//! matched with another app's. Where there is no machine ID, a random one is made once and kept
//! in the data directory.

use std::path::Path;

use ring::digest::{SHA256, digest};
use ring::rand::{SecureRandom, SystemRandom};

/// The app's name, mixed into the hash.
const APP: &str = "license-desktop";

/// This machine's ID for this app: 32 hex digits.
///
/// # Errors
/// When neither a machine ID nor the data directory can be read, nor a new ID written.
pub(crate) fn this_machine(data_dir: &Path) -> Result<String, String> {
    let machine = ["/etc/machine-id", "/var/lib/dbus/machine-id"]
        .iter()
        .find_map(|path| std::fs::read_to_string(path).ok())
        .map(|id| id.trim().to_owned())
        .filter(|id| !id.is_empty());
    let machine = match machine {
        Some(id) => id,
        None => kept_random_id(data_dir)?,
    };
    Ok(for_app(&machine))
}

/// `hex(SHA-256(app ‖ ':' ‖ machine))`, cut to 128 bits.
fn for_app(machine: &str) -> String {
    let hash = digest(&SHA256, format!("{APP}:{machine}").as_bytes());
    hash.as_ref()[..16]
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

fn kept_random_id(data_dir: &Path) -> Result<String, String> {
    let path = data_dir.join("machine-id");
    if let Ok(id) = std::fs::read_to_string(&path) {
        return Ok(id.trim().to_owned());
    }
    let mut bytes = [0u8; 16];
    SystemRandom::new()
        .fill(&mut bytes)
        .map_err(|_| "the system random source failed".to_owned())?;
    let id: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
    std::fs::write(&path, &id).map_err(|e| format!("{}: {e}", path.display()))?;
    Ok(id)
}
