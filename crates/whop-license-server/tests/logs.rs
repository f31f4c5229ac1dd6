//! No license key, token or hardware ID in any log line: every line the process writes (at every
//! level, the client's and the transport's included) during activations, refreshes and errors
//! is captured and searched.

mod support;

use std::io::Write;
use std::sync::{Arc, Mutex};

use support::{membership, mock_builder, start};
use whop_mock::Fault;

const KEY: &str = "KEY-000001-SECRETPART";
const HWID: &str = "HWID-ABCDEF-PRIVATE";

#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

impl Write for Captured {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(bytes);
        Ok(bytes.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn no_log_line_holds_a_license_key_a_token_or_a_hardware_id() {
    let captured = Captured::default();
    let writer = captured.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_max_level(tracing::Level::TRACE)
        .with_writer(move || writer.clone())
        .finish();
    tracing::subscriber::set_global_default(subscriber).expect("the only subscriber");

    let mock = mock_builder()
        .membership(membership(1, Some(HWID)))
        .membership(membership(2, None))
        .build();
    let setup = start(mock, |b| b).await;
    assert_eq!(membership_key(1), KEY);

    let token = setup.activate(KEY, HWID).await.token();
    let refreshed = setup.refresh(&token).await.token();
    let outcomes = [
        setup.activate(KEY, "HWID-SOMEONE-ELSE").await.outcome(),
        setup
            .activate("KEY-UNKNOWN-SECRETPART", HWID)
            .await
            .outcome(),
        setup.refresh(&format!("{token}x")).await.outcome(),
        {
            setup.mock.inject(Fault::Status(503), 1);
            setup.activate(&membership_key(2), HWID).await.outcome()
        },
    ];
    assert_eq!(
        outcomes,
        [
            "bound_to_another_machine",
            "license_not_valid",
            "token_not_valid",
            "try_later"
        ]
    );

    let text = String::from_utf8(captured.0.lock().unwrap().clone()).unwrap();
    assert!(
        text.contains("license request"),
        "the server logged nothing:\n{text}"
    );
    for secret in [
        KEY,
        "KEY-UNKNOWN-SECRETPART",
        &membership_key(2),
        HWID,
        &token,
        &refreshed,
    ] {
        assert!(!text.contains(secret), "a log line holds a secret:\n{text}");
    }
    // A token's payload alone (without its prefix) must not show either.
    let payload = &token["v4.public.".len()..token.len().min(60)];
    assert!(!text.contains(payload));
}

fn membership_key(n: usize) -> String {
    support::license_key(n)
}
