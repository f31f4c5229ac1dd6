//! A `redis-server` of the test's own, on a free loopback port: started, waited for (bounded),
//! killed on drop. Shared by the Redis tests (`mod redis_server;`) and `cargo xtask bench`.
//!
//! A test that needs it and cannot find `redis-server` fails, saying how to install it: no
//! silent skip. `cargo xtask ci` installs it (Debian's package) when missing and run as root.

#![allow(dead_code, unreachable_pub)]

use std::io::{Read, Write};
use std::net::{Ipv4Addr, SocketAddr, TcpListener, TcpStream};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// How to get `redis-server`, for the failure message.
pub const INSTALL_HINT: &str = "redis-server not found on PATH (nor in /usr/bin, /usr/sbin, \
     /usr/local/bin): install it, e.g. `apt-get install -y redis-server` on Debian or Ubuntu \
     (`cargo xtask ci` does this itself when run as root), `brew install redis` on macOS";

/// A running `redis-server`, killed (and its directory removed) on drop.
pub struct RedisServer {
    child: Option<Child>,
    port: u16,
    dir: PathBuf,
}

/// The `redis-server` binary, if installed.
pub fn find_redis_server() -> Option<PathBuf> {
    let path = std::env::var_os("PATH").unwrap_or_default();
    std::env::split_paths(&path)
        .chain(["/usr/bin", "/usr/sbin", "/usr/local/bin"].map(PathBuf::from))
        .map(|dir| dir.join("redis-server"))
        .find(|candidate| candidate.is_file())
}

impl RedisServer {
    /// Starts a server on a free loopback port.
    ///
    /// # Panics
    /// When `redis-server` is not installed ([`INSTALL_HINT`]) or does not answer within 10 s.
    pub fn start() -> Self {
        let port = TcpListener::bind((Ipv4Addr::LOCALHOST, 0))
            .and_then(|l| l.local_addr())
            .expect("a free loopback port")
            .port();
        Self::start_on(port)
    }

    /// Starts a server on `port` (a restart after [`kill`](Self::kill) uses the same one).
    ///
    /// # Panics
    /// As [`start`](Self::start).
    pub fn start_on(port: u16) -> Self {
        let binary = find_redis_server().unwrap_or_else(|| panic!("{INSTALL_HINT}"));
        let dir = std::env::temp_dir().join(format!("whop-redis-{}-{port}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("a temporary directory");
        let child = Command::new(binary)
            .args(["--port", &port.to_string(), "--bind", "127.0.0.1"])
            .args(["--save", "", "--appendonly", "no"])
            .arg("--dir")
            .arg(&dir)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap_or_else(|e| panic!("redis-server did not start: {e}; {INSTALL_HINT}"));
        let mut server = Self {
            child: Some(child),
            port,
            dir,
        };
        server.wait_until_it_answers();
        server
    }

    fn wait_until_it_answers(&mut self) {
        let until = Instant::now() + Duration::from_secs(10);
        while Instant::now() < until {
            if self.ping() {
                return;
            }
            if let Some(status) = self
                .child
                .as_mut()
                .and_then(|c| c.try_wait().ok().flatten())
            {
                panic!(
                    "redis-server on port {} exited at start: {status}",
                    self.port
                );
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        panic!(
            "redis-server on port {} did not answer within 10 s",
            self.port
        );
    }

    /// `true` if the server answers `PING`.
    pub fn ping(&self) -> bool {
        let addr = SocketAddr::from((Ipv4Addr::LOCALHOST, self.port));
        let Ok(mut stream) = TcpStream::connect_timeout(&addr, Duration::from_millis(200)) else {
            return false;
        };
        let _ = stream.set_read_timeout(Some(Duration::from_millis(500)));
        let mut answer = [0; 7];
        stream.write_all(b"PING\r\n").is_ok()
            && stream.read_exact(&mut answer).is_ok()
            && &answer == b"+PONG\r\n"
    }

    /// `redis://127.0.0.1:<port>/`.
    pub fn url(&self) -> String {
        format!("redis://127.0.0.1:{}/", self.port)
    }

    /// The port.
    pub fn port(&self) -> u16 {
        self.port
    }

    /// Kills the server now (SIGKILL: no goodbye to its clients) and waits for it to exit.
    pub fn kill(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

impl Drop for RedisServer {
    fn drop(&mut self) {
        self.kill();
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}
