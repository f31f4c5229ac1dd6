//! Whatever a client sends, the answer is one of the contract's: a token, or an error envelope
//! with a known type and its status; never a 5xx for a bad request, never a panic.

mod support;

use std::sync::{Arc, OnceLock};

use proptest::prelude::*;
use support::{Setup, membership, mock_builder, start};
use whop_license_server::ErrorType;

fn runtime() -> &'static tokio::runtime::Runtime {
    static RUNTIME: OnceLock<tokio::runtime::Runtime> = OnceLock::new();
    RUNTIME.get_or_init(|| {
        tokio::runtime::Builder::new_multi_thread()
            .worker_threads(1)
            .enable_all()
            .build()
            .expect("a runtime")
    })
}

fn setup() -> &'static Arc<Setup> {
    static SETUP: OnceLock<Arc<Setup>> = OnceLock::new();
    SETUP.get_or_init(|| {
        runtime().block_on(async {
            Arc::new(
                start(
                    mock_builder().membership(membership(1, Some("H"))).build(),
                    |b| b,
                )
                .await,
            )
        })
    })
}

/// Bodies near the contract's shape as well as arbitrary bytes.
fn body() -> impl Strategy<Value = Vec<u8>> {
    let text = "[ -~]{0,40}";
    prop_oneof![
        proptest::collection::vec(any::<u8>(), 0..200),
        (text, text).prop_map(|(k, h)| {
            serde_json::json!({ "license_key": k, "hardware_id": h })
                .to_string()
                .into_bytes()
        }),
        text.prop_map(|t| serde_json::json!({ "token": t }).to_string().into_bytes()),
        text.prop_map(|t| format!("{{\"token\": \"v4.public.{t}\"}}").into_bytes()),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 128, ..ProptestConfig::default() })]

    #[test]
    fn every_answer_is_a_token_or_a_contract_error(body in body(), refresh in any::<bool>()) {
        let path = if refresh { "/v1/refresh" } else { "/v1/activate" };
        let answer = runtime().block_on(setup().post_raw(path, body, None));
        if answer.status == 200 {
            prop_assert!(answer.json()["token"].is_string());
        } else {
            let kind = answer.outcome();
            let known = ErrorType::ALL.iter().find(|t| t.as_str() == kind);
            prop_assert!(known.is_some(), "unknown type {kind}");
            prop_assert_eq!(known.unwrap().status(), answer.status);
            prop_assert!(answer.status.is_client_error(), "{} for a client's body", answer.status);
        }
    }
}
