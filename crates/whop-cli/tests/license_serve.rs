//! `whop license serve --mock`, by running the real binary: it prints the address it listens on
//! and a demo key, and an activation of that key (what the printed curl line sends) returns a
//! token signed by the key it was given; it logs at info level on stderr (never a key, token or
//! hardware ID) and stops gracefully on SIGTERM.

// Every test runs `--mock`, which a build without the `mock` feature refuses.
#![cfg(feature = "mock")]

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use whop_license::{SigningKey, SigningKeys};

/// Kills the server when the test ends, whatever its outcome.
struct Serving(Child);

impl Drop for Serving {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// A `whop license serve --mock` signing with `key`, its stderr as given: the server, the
/// address it listens on, and the demo key it printed.
fn start(key: &SigningKey, stderr: Stdio) -> (Serving, String, String) {
    start_with(key, stderr, &[])
}

/// As [`start`], with more arguments after `license serve`.
fn start_with(key: &SigningKey, stderr: Stdio, extra: &[&str]) -> (Serving, String, String) {
    let key_text = format!("{}\n", &*key.to_paserk());
    let child = Command::new(env!("CARGO_BIN_EXE_whop"))
        .args(["license", "serve", "--listen", "127.0.0.1:0", "--mock"])
        .args(extra)
        .env_remove("WHOP_API_KEY")
        .env_remove("WHOP_BASE_URL")
        .env_remove("WHOP_LICENSE_REDIS_URL")
        .env_remove("WHOP_PACING_REDIS_URL")
        .env("WHOP_LICENSE_SIGNING_KEY", key_text)
        .stdout(Stdio::piped())
        .stderr(stderr)
        .spawn()
        .expect("whop starts");
    let mut serving = Serving(child);
    let mut stdout = BufReader::new(serving.0.stdout.take().expect("stdout"));

    let mut lines = Vec::new();
    while lines.len() < 3 {
        let mut line = String::new();
        if stdout.read_line(&mut line).expect("reads") == 0 {
            panic!("the server stopped; it printed {lines:?}");
        }
        lines.push(line.trim_end().to_owned());
    }
    let address = lines[0]
        .strip_prefix("listening on http://")
        .expect("the address first");
    let demo_key = lines[1]
        .strip_prefix("demo license key")
        .and_then(|rest| rest.split_whitespace().next())
        .expect("a demo key");
    (serving, address.to_owned(), demo_key.to_owned())
}

#[test]
fn serve_mock_activates_the_demo_key_and_answers_a_token() {
    let key = SigningKey::generate().expect("a key");
    let (_serving, address, demo_key) = start(&key, Stdio::null());
    let address = address.as_str();

    let body = format!(r#"{{"license_key":"{demo_key}","hardware_id":"demo-machine"}}"#);
    let (status, answer) = post(address, "/v1/activate", &body);
    assert_eq!(status, 200, "{answer}");
    let json: serde_json::Value = serde_json::from_str(&answer).expect("JSON");
    let token = json["token"].as_str().expect("a token");
    let keys = SigningKeys::new(key);
    let license = keys.key_set().open(token).expect("signed by the key given");
    assert_eq!(license.hardware_id, "demo-machine");
}

#[test]
fn the_per_client_limit_holds_unless_no_client_limit_lifts_it() {
    // 10 a second with bursts of 30 by default: 150 quick requests from one address go over it
    // even on a slow machine (under 15 s).
    let cases: [(&[&str], bool); 2] = [(&[], true), (&["--no-client-limit"], false)];
    for (extra, limited) in cases {
        let key = SigningKey::generate().expect("a key");
        let (_serving, address, _) = start_with(&key, Stdio::null(), extra);
        let statuses: Vec<u16> = (0..150)
            .map(|_| post(&address, "/v1/activate", "{}").0)
            .collect();
        assert_eq!(statuses.contains(&429), limited, "{extra:?}: {statuses:?}");
        assert!(
            statuses.iter().all(|s| [400, 429].contains(s)),
            "{statuses:?}"
        );
    }
}

/// A plain HTTP/1.1 POST (what curl sends): the status and the body.
fn post(address: &str, path: &str, body: &str) -> (u16, String) {
    let mut stream = TcpStream::connect(address).expect("connects");
    stream
        .set_read_timeout(Some(Duration::from_secs(30)))
        .expect("timeout");
    write!(
        stream,
        "POST {path} HTTP/1.1\r\nHost: {address}\r\nContent-Type: application/json\r\n\
         Content-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    )
    .expect("sends");
    let mut response = String::new();
    stream.read_to_string(&mut response).expect("reads");
    let status = response
        .split_whitespace()
        .nth(1)
        .and_then(|code| code.parse().ok())
        .expect("a status line");
    let body = response
        .split_once("\r\n\r\n")
        .map_or("", |(_, body)| body)
        .to_owned();
    (status, body)
}

#[cfg(unix)]
#[test]
fn serve_logs_requests_without_secrets_and_stops_gracefully_on_sigterm() {
    let key = SigningKey::generate().expect("a key");
    let (mut serving, address, demo_key) = start(&key, Stdio::piped());
    let hwid = "demo-machine";
    let body = format!(r#"{{"license_key":"{demo_key}","hardware_id":"{hwid}"}}"#);
    let (status, answer) = post(&address, "/v1/activate", &body);
    assert_eq!(status, 200, "{answer}");
    let json: serde_json::Value = serde_json::from_str(&answer).expect("JSON");
    let token = json["token"].as_str().expect("a token").to_owned();

    let pid = serving.0.id().to_string();
    let killed = Command::new("kill")
        .args(["-TERM", &pid])
        .status()
        .expect("kill runs");
    assert!(killed.success());
    let deadline = Instant::now() + Duration::from_secs(20);
    let exit = loop {
        if let Some(exit) = serving.0.try_wait().expect("waits") {
            break exit;
        }
        assert!(
            Instant::now() < deadline,
            "still running 20 s after SIGTERM"
        );
        std::thread::sleep(Duration::from_millis(20));
    };
    assert!(exit.success(), "{exit:?}");

    let mut log = String::new();
    serving
        .0
        .stderr
        .take()
        .expect("stderr")
        .read_to_string(&mut log)
        .expect("reads");
    for line in [
        "license request",
        "SIGTERM: stopping",
        "license server stopped",
    ] {
        assert!(log.contains(line), "{line:?} missing from:\n{log}");
    }
    for secret in [demo_key.as_str(), hwid, token.as_str()] {
        assert!(!log.contains(secret), "a secret in the log:\n{log}");
    }
}
