//! Secrets never print, and user input never escapes its path segment.
//!
//! - The token (and a customer's license key) appears in no Debug or Display output of the SDK's
//!   types, in no error, and in no tracing output: each test installs a `tracing-subscriber` at
//!   TRACE, writing to a buffer, on the test's current-thread runtime (so the client's connection
//!   tasks log into it too), runs success and failure paths, and searches everything.
//! - Hostile IDs and license keys are refused before sending or reach the server as exactly one
//!   path segment that decodes back to the original.
//! - A token with CR/LF and an `http://` base URL to a non-loopback host are refused (one case
//!   each in `tests/failures.rs`; every variant here).

use std::io::Write;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tracing_subscriber::fmt::MakeWriter;
use tracing_subscriber::fmt::format::FmtSpan;
use tracing_subscriber::util::SubscriberInitExt;
use whop_client::{Client, Error, RequestSent, RetryConfig, Token};
use whop_mock::{Fault, MockMembership, Route};
use whop_tests::{Harness, USER_ID, bounded, fast_retries, mock_builder};

/// A company key that looks like one, so any leak is unmistakable.
const SECRET_KEY: &str = "sk_live_SECRET_e8b7c1d9f0a2";
/// A user token, as secret as the key.
const SECRET_USER_TOKEN: &str = "usr_tok_SECRET_41c5aa09";
/// A token the mock does not know (for the 401 path): still a secret.
const SECRET_STRANGER: &str = "sk_live_STRANGER_77f3e2";
/// A customer's license key: must not be logged in clear.
const LICENSE_KEY: &str = "LK-CONFIDENTIAL-9d2e-4471";

const SECRETS: &[&str] = &[SECRET_KEY, SECRET_USER_TOKEN, SECRET_STRANGER, LICENSE_KEY];

/// A `MakeWriter` appending everything to one shared buffer.
#[derive(Clone, Default)]
struct Capture(Arc<Mutex<Vec<u8>>>);

impl Write for Capture {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().expect("not poisoned").extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl<'a> MakeWriter<'a> for Capture {
    type Writer = Capture;
    fn make_writer(&'a self) -> Capture {
        self.clone()
    }
}

impl Capture {
    fn text(&self) -> String {
        String::from_utf8_lossy(&self.0.lock().expect("not poisoned")).into_owned()
    }
}

/// Installs a TRACE subscriber (every event, every span's open, fields and close) for this thread.
fn capture_traces() -> (Capture, tracing::subscriber::DefaultGuard) {
    let capture = Capture::default();
    let guard = tracing_subscriber::fmt()
        .with_max_level(tracing::Level::TRACE)
        .with_span_events(FmtSpan::FULL)
        .with_writer(capture.clone())
        .with_ansi(false)
        .finish()
        .set_default();
    (capture, guard)
}

fn assert_no_secret(what: &str, text: &str) {
    for secret in SECRETS {
        assert!(
            !text.contains(secret),
            "{what} contains the secret {secret:?}:\n{text}"
        );
    }
    // Also a secret cut short (a prefix long enough to identify it).
    for secret in SECRETS {
        assert!(
            !text.contains(&secret[..12]),
            "{what} contains part of {secret:?}:\n{text}"
        );
    }
}

fn both(e: &Error) -> String {
    format!("{e}\n{e:?}\n{:?}", std::error::Error::source(e))
}

async fn harness() -> Harness {
    let mock = mock_builder()
        .company_token(SECRET_KEY)
        .user_token(SECRET_USER_TOKEN, USER_ID)
        .membership(
            MockMembership::new("mem_1")
                .user(USER_ID)
                .license_key(LICENSE_KEY),
        )
        .build();
    let server = mock.serve().await.expect("mock serves");
    let company = Client::builder()
        .base_url(format!("{}/api", server.base_url()))
        .token(SECRET_KEY)
        .retry(fast_retries())
        .attempt_timeout(Duration::from_secs(2))
        .build()
        .expect("client builds");
    let user = company.with_token(&Token::new(SECRET_USER_TOKEN).unwrap());
    Harness {
        server,
        mock,
        company,
        user,
    }
}

#[tokio::test]
async fn no_secret_in_traces_errors_or_debug_output_on_any_path() {
    let (capture, _guard) = capture_traces();
    bounded(async {
        let h = harness().await;
        let mut printed = Vec::new();

        // Success paths: a cancel (201) and a lookup by license key (200).
        let m = h.company.cancel_membership("mem_1").await.unwrap();
        printed.push(format!("{m:?}"));
        let me = h.user.me_membership(LICENSE_KEY).await.unwrap();
        assert_eq!(me.id.as_str(), "mem_1");

        // 401 with an unknown token, 404, 429, a persistent 503 (retried), a decode failure.
        let stranger = h.company.with_token(&Token::new(SECRET_STRANGER).unwrap());
        let mut errors = vec![stranger.me_membership(LICENSE_KEY).await.unwrap_err()];
        errors.push(
            h.user
                .me_membership("LK-CONFIDENTIAL-9d2e-4472")
                .await
                .unwrap_err(),
        );
        h.mock.inject(Fault::rate_limited_for(60), 1);
        errors.push(h.user.me_membership(LICENSE_KEY).await.unwrap_err());
        h.mock.inject(Fault::Status(503), 3);
        errors.push(h.user.me_membership(LICENSE_KEY).await.unwrap_err());
        h.mock.inject(Fault::GarbageBody, 1);
        errors.push(h.user.me_membership(LICENSE_KEY).await.unwrap_err());
        // A timeout.
        let impatient = Client::builder()
            .base_url(h.company.base_url())
            .token(SECRET_KEY)
            .retry(RetryConfig::disabled())
            .attempt_timeout(Duration::from_millis(100))
            .build()
            .unwrap();
        h.mock.inject(Fault::Delay(Duration::from_secs(2)), 1);
        errors.push(impatient.cancel_membership("mem_1").await.unwrap_err());
        // A body over the cap.
        let capped = Client::builder()
            .base_url(h.company.base_url())
            .token(SECRET_KEY)
            .transport(|t| t.max_body_bytes(16))
            .build()
            .unwrap();
        errors.push(capped.user_lookup_for_test().await);
        // Connection refused.
        let base = h.company.base_url().to_owned();
        let Harness {
            server,
            company,
            user,
            ..
        } = h;
        server.shutdown().await;
        errors.push(company.cancel_membership("mem_1").await.unwrap_err());
        errors.push(user.me_membership(LICENSE_KEY).await.unwrap_err());
        // Invalid input (from the builder and from a call).
        errors.push(
            Client::builder()
                .base_url(base.replace("127.0.0.1", "api.whop.com"))
                .token(SECRET_KEY)
                .build()
                .unwrap_err(),
        );
        errors.push(
            Client::builder()
                .token(format!("{SECRET_KEY}\r\nX-Evil: 1"))
                .build()
                .unwrap_err(),
        );
        errors.push(company.cancel_membership("").await.unwrap_err());

        let kinds: Vec<&str> = errors
            .iter()
            .map(|e| match e {
                Error::InvalidInput(_) => "InvalidInput",
                Error::Transport(_) => "Transport",
                Error::Timeout(_) => "Timeout",
                Error::Api(_) => "Api",
                Error::Decode(_) => "Decode",
                _ => "other",
            })
            .collect();
        for variant in ["InvalidInput", "Transport", "Timeout", "Api", "Decode"] {
            assert!(kinds.contains(&variant), "no {variant} among {kinds:?}");
        }
        printed.extend(errors.iter().map(both));
        printed.push(format!("{company:?} {user:?} {impatient:?} {capped:?}"));
        printed.push(format!(
            "{:?} {}",
            Token::new(SECRET_KEY).unwrap(),
            Token::new(SECRET_KEY).unwrap()
        ));
        printed.push(format!(
            "{:?}",
            Token::new(SECRET_KEY).unwrap().header_value()
        ));
        printed.push(format!(
            "{:?}",
            Token::new(format!("{SECRET_KEY}\n")).unwrap_err()
        ));
        let transport = whop_client::transport::Transport::builder()
            .token(Token::new(SECRET_KEY).unwrap())
            .build()
            .unwrap();
        printed.push(format!("{transport:?}"));
        printed.push(format!(
            "{:?}",
            whop_client::transport::Transport::builder().token(Token::new(SECRET_KEY).unwrap())
        ));
        printed.push(format!("{:?}", Client::builder().token(SECRET_KEY)));
        let printed = printed.join("\n");
        eprintln!(
            "searched {} errors ({kinds:?}) and {} bytes of Debug/Display output",
            errors.len(),
            printed.len()
        );
        assert_no_secret("Debug/Display output", &printed);
    })
    .await;

    let traces = capture.text();
    assert!(
        traces.contains("whop_request"),
        "the capture works:\n{traces}"
    );
    assert!(
        traces.contains("retrying"),
        "retries were traced:\n{traces}"
    );
    assert!(
        traces.contains("TRACE") || traces.contains("DEBUG"),
        "{traces}"
    );
    eprintln!("searched {} bytes of TRACE output", traces.len());
    assert_no_secret("tracing output", &traces);
}

trait CappedLookup {
    async fn user_lookup_for_test(&self) -> Error;
}

impl CappedLookup for Client {
    /// A lookup whose (small) answer is over the client's cap, as the company: a 404 body is
    /// enough to exceed 16 bytes.
    async fn user_lookup_for_test(&self) -> Error {
        self.cancel_membership("mem_missing").await.unwrap_err()
    }
}

/// Hostile IDs and license keys typed by customers. `.` and `..` and the empty string cannot name
/// a resource and are refused; everything else must arrive as one segment.
fn hostile_inputs() -> Vec<String> {
    let mut inputs: Vec<String> = [
        "",
        ".",
        "..",
        "...",
        "/",
        "//",
        "a/b",
        "../x",
        "./x",
        "x/..",
        "../../v2/memberships/mem_1/cancel",
        "%2F",
        "a%2Fb",
        "%2e%2e",
        "%2E%2E%2F",
        "..%2F",
        "%00",
        "%",
        "%%",
        "%zz",
        "?",
        "a?b=c",
        "mem_1?expand[]=user",
        "#",
        "a#frag",
        "\r\n",
        "a\r\nX-Evil: 1",
        "\n",
        "\r",
        "\0",
        "a\0b",
        "\t",
        "\x7f",
        " ",
        "a b",
        " leading",
        "trailing ",
        "+",
        "a+b",
        "\\",
        "a\\..\\b",
        ";",
        "a;b=c",
        "&",
        "=",
        "@",
        ":",
        "http://evil.com/",
        "//evil.com/x",
        "~",
        "[",
        "]",
        "{id}",
        "<script>alert(1)</script>",
        "\"",
        "'",
        "`",
        "é",
        "日本語",
        "🔑",
        "\u{202e}gpj.exe",
        "\u{0085}",
        "\u{2028}",
        "\u{feff}",
        "\u{fffd}",
        "mem_1/cancel",
        "mem_1%2Fcancel",
        "K-1 OR 1=1",
        "$(rm -rf /)",
        "..;/",
        "%c0%ae%c0%ae/",
    ]
    .iter()
    .map(|s| (*s).to_owned())
    .collect();
    inputs.push("K".repeat(10 * 1024));
    inputs.push("/".repeat(10 * 1024));
    inputs.push("é".repeat(5 * 1024));
    inputs
}

#[tokio::test]
async fn hostile_ids_and_keys_are_refused_or_arrive_as_exactly_one_segment() {
    bounded(async {
        let h = Harness::start(mock_builder().build()).await;
        let inputs = hostile_inputs();
        assert!(inputs.len() >= 50, "{}", inputs.len());
        let (mut refused, mut delivered) = (0, 0);
        for input in &inputs {
            h.mock.clear_requests();
            let lookup = h.user.me_membership(input.as_str()).await.unwrap_err();
            let cancel = h.company.cancel_membership(input.as_str()).await.unwrap_err();
            let requests = h.mock.requests();
            if matches!(lookup, Error::InvalidInput(_)) {
                assert!(matches!(cancel, Error::InvalidInput(_)), "{input:?}: {cancel:?}");
                assert_eq!(lookup.request_sent(), RequestSent::NotSent);
                assert!(requests.is_empty(), "{input:?} was refused yet sent");
                refused += 1;
                continue;
            }
            assert!(lookup.is_not_found(), "{input:?}: {lookup:?}");
            assert!(cancel.is_not_found(), "{input:?}: {cancel:?}");
            assert_eq!(requests.len(), 2, "{input:?}");
            let (v5, v2) = (&requests[0], &requests[1]);
            assert_eq!(
                v5.route,
                Some(Route::RetrieveMyMembership {
                    id_or_key: input.clone()
                }),
                "{input:?} arrived as {}",
                v5.path
            );
            assert_eq!(v5.path_segments().len(), 5, "{}", v5.path);
            assert_eq!(v5.query, None, "{input:?}");
            assert_eq!(
                v2.route,
                Some(Route::CancelMembership { id: input.clone() }),
                "{input:?} arrived as {}",
                v2.path
            );
            assert_eq!(v2.path_segments().len(), 5, "{}", v2.path);
            assert_eq!(v2.query, None, "{input:?}");
            delivered += 1;
        }
        eprintln!(
            "{} hostile inputs: {refused} refused before sending, {delivered} delivered as one segment",
            inputs.len()
        );
        assert_eq!(refused, 3, "only the empty string and the dot segments are refused");
    })
    .await;
}

#[tokio::test]
async fn a_membership_with_a_hostile_license_key_is_found_by_it() {
    bounded(async {
        let key = "a/b?c#d%2F../é\r\n K";
        let mock = mock_builder()
            .membership(MockMembership::new("mem_1").user(USER_ID).license_key(key))
            .build();
        let h = Harness::start(mock).await;
        let found = h.user.me_membership(key).await.unwrap();
        assert_eq!(found.id.as_str(), "mem_1");
    })
    .await;
}

#[test]
fn every_token_with_a_control_character_or_whitespace_is_refused_without_echoing_it() {
    for bad in [
        "sk\r\nX-Evil: 1",
        "sk\r",
        "sk\n",
        "\r\nsk",
        "sk\0",
        "sk live",
        " sk",
        "sk\t",
        "sk\x7f",
        "sk\u{2028}",
        "ské",
        "",
    ] {
        let e = Client::builder().token(bad).build().unwrap_err();
        assert!(matches!(e, Error::InvalidInput(_)), "{bad:?}: {e:?}");
        let text = format!("{e} {e:?}");
        assert!(bad.is_empty() || !text.contains(bad), "{text}");
        assert!(Token::new(bad).is_err(), "{bad:?}");
    }
}

#[test]
fn every_plain_http_base_url_to_a_remote_host_is_refused() {
    for bad in [
        "http://api.whop.com/api",
        "http://10.0.0.1/api",
        "http://192.168.1.1:8080",
        "http://localhost.evil.com/api",
        "http://127.0.0.1.nip.io/api",
        "http://[::ffff:8.8.8.8]/api",
        "http://0.0.0.0/api",
        "ftp://127.0.0.1/api",
        "api.whop.com/api",
        "/api",
    ] {
        let e = Client::builder()
            .base_url(bad)
            .token("k")
            .build()
            .unwrap_err();
        assert!(matches!(e, Error::InvalidInput(_)), "{bad:?}: {e:?}");
    }
    for good in [
        "https://api.whop.com/api",
        "http://127.0.0.1:1/api",
        "http://localhost:1",
        "http://[::1]:1",
    ] {
        Client::builder().base_url(good).token("k").build().unwrap();
    }
}
