//! The token (and a customer's license key) appears in no Debug or Display output of the SDK's
//! types, in no error, and in no tracing output: the test installs a `tracing-subscriber` at TRACE,
//! writing to a buffer, on the test's current-thread runtime (so the client's connection tasks log
//! into it too), runs success and failure paths, and searches everything.
//!
//! This is the only test in its binary on purpose: tracing caches each callsite's interest
//! process-wide, and a test on another thread (with no subscriber) hitting a callsite first can
//! race with this test's `set_default`, so a span would go unrecorded and the check be vacuous.

use std::io::Write;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tracing_subscriber::fmt::MakeWriter;
use tracing_subscriber::fmt::format::FmtSpan;
use tracing_subscriber::util::SubscriberInitExt;
use whop_client::{Client, DEFAULT_BASE_URL, Error, RetryConfig, Token};
use whop_mock::{Fault, MockMembership};
use whop_tests::{Harness, USER_ID, bounded, client, fast_retries, mock_builder, try_client};

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
    let company = client(&server.url("/api"), SECRET_KEY, |t| {
        t.retry(fast_retries())
            .attempt_timeout(Duration::from_secs(2))
    });
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
        let m = h.company.legacy().cancel_membership("mem_1").await.unwrap();
        printed.push(format!("{m:?}"));
        let me = h.user.legacy().me_membership(LICENSE_KEY).await.unwrap();
        assert_eq!(me.id.as_str(), "mem_1");

        // 401 with an unknown token, 404, 429, a persistent 503 (retried), a decode failure.
        let stranger = h.company.with_token(&Token::new(SECRET_STRANGER).unwrap());
        let mut errors = vec![
            stranger
                .legacy()
                .me_membership(LICENSE_KEY)
                .await
                .unwrap_err(),
        ];
        errors.push(
            h.user
                .legacy()
                .me_membership("LK-CONFIDENTIAL-9d2e-4472")
                .await
                .unwrap_err(),
        );
        // To the stranger: a 429 holds its credential's calls for the cooldown (60 s here), and
        // the user's token has more calls to make.
        h.mock.inject(Fault::rate_limited_for(60), 1);
        errors.push(
            stranger
                .legacy()
                .me_membership(LICENSE_KEY)
                .await
                .unwrap_err(),
        );
        h.mock.inject(Fault::Status(503), 3);
        errors.push(
            h.user
                .legacy()
                .me_membership(LICENSE_KEY)
                .await
                .unwrap_err(),
        );
        h.mock.inject(Fault::GarbageBody, 1);
        errors.push(
            h.user
                .legacy()
                .me_membership(LICENSE_KEY)
                .await
                .unwrap_err(),
        );
        // A timeout.
        let impatient = client(h.company.base_url().as_str(), SECRET_KEY, |t| {
            t.retry(RetryConfig::disabled())
                .attempt_timeout(Duration::from_millis(100))
        });
        h.mock.inject(Fault::Delay(Duration::from_secs(2)), 1);
        errors.push(
            impatient
                .legacy()
                .cancel_membership("mem_1")
                .await
                .unwrap_err(),
        );
        // A body over the cap.
        let capped = client(h.company.base_url().as_str(), SECRET_KEY, |t| {
            t.max_body_bytes(16)
        });
        errors.push(capped.user_lookup_for_test().await);
        // Connection refused.
        let base = h.company.base_url().to_string();
        let Harness {
            server,
            company,
            user,
            ..
        } = h;
        server.shutdown().await;
        errors.push(
            company
                .legacy()
                .cancel_membership("mem_1")
                .await
                .unwrap_err(),
        );
        errors.push(user.legacy().me_membership(LICENSE_KEY).await.unwrap_err());
        // Invalid input (from the builder and from a call).
        errors.push(
            try_client(
                &base.replace("127.0.0.1", "api.whop.com"),
                SECRET_KEY,
                |t| t,
            )
            .unwrap_err(),
        );
        errors.push(
            try_client(
                DEFAULT_BASE_URL,
                &format!("{SECRET_KEY}\r\nX-Evil: 1"),
                |t| t,
            )
            .unwrap_err(),
        );
        errors.push(company.legacy().cancel_membership("").await.unwrap_err());

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
        printed.push(format!(
            "{:?}",
            Client::builder().transport(|t| t.token(Token::new(SECRET_KEY).unwrap()))
        ));
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
        self.legacy()
            .cancel_membership("mem_missing")
            .await
            .unwrap_err()
    }
}
