//! The license binding on the Current API: against whop-mock's Current-API keys over loopback,
//! and, for the race the re-read is there to catch, over a scripted service.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use bytes::Bytes;
use whop_client::{Client, Error, HWID_METADATA_KEY, LicenseBinding, Token};
use whop_mock::{
    DEMO_COMPANY_KEY, DEMO_CURRENT_EXPIRED_LICENSE_KEY, DEMO_CURRENT_LICENSE_KEY,
    DEMO_CURRENT_UNBOUND_LICENSE_KEY, MockServer, MockWhop,
};

async fn demo() -> (MockServer, Client) {
    let mock = MockWhop::demo_builder().no_rate_limits().build();
    let server = mock.serve().await.expect("serves on loopback");
    let client = Client::builder_for(&server, Token::new(DEMO_COMPANY_KEY).expect("valid"))
        .build()
        .expect("builds");
    (server, client)
}

#[tokio::test]
async fn an_unbound_key_binds_stays_bound_refuses_another_machine_and_rebinds_after_a_reset() {
    let (server, client) = demo().await;
    let key = DEMO_CURRENT_UNBOUND_LICENSE_KEY;
    let outcomes = [
        (client.validate_license(key, "A").await, "A binds"),
        (client.validate_license(key, "A").await, "A again"),
    ];
    for (outcome, step) in outcomes {
        assert!(outcome.expect(step).is_valid(), "{step}");
    }
    match client.validate_license(key, "B").await.expect("answers") {
        LicenseBinding::BoundToOtherMachine { bound_to, .. } => assert_eq!(bound_to, "A"),
        other => panic!("B: {other:?}"),
    }
    let reset = client.reset_license(key).await.expect("resets");
    assert!(whop_client::bound_hardware_id(&reset).is_none());
    assert!(
        client
            .validate_license(key, "B")
            .await
            .expect("B")
            .is_valid()
    );
    assert!(
        !client
            .validate_license(key, "A")
            .await
            .expect("A")
            .is_valid()
    );
    // Every request went to the Current API.
    assert!(
        server
            .mock()
            .requests()
            .iter()
            .all(|r| r.path.starts_with("/api/v1/"))
    );
}

#[tokio::test]
async fn a_key_bound_before_is_valid_for_its_machine_only() {
    let (_server, client) = demo().await;
    let key = DEMO_CURRENT_LICENSE_KEY;
    assert!(
        client
            .validate_license(key, "demo-machine")
            .await
            .expect("ok")
            .is_valid()
    );
    assert!(matches!(
        client.validate_license(key, "other").await.expect("ok"),
        LicenseBinding::BoundToOtherMachine { .. }
    ));
}

#[tokio::test]
async fn an_expired_key_is_not_valid_and_binds_nothing() {
    let (_server, client) = demo().await;
    let outcome = client
        .validate_license(DEMO_CURRENT_EXPIRED_LICENSE_KEY, "A")
        .await
        .expect("answers");
    let LicenseBinding::NotValid(membership) = outcome else {
        panic!("{outcome:?}");
    };
    assert!(whop_client::bound_hardware_id(&membership).is_none());
}

#[tokio::test]
async fn an_unknown_key_is_not_found() {
    let (_server, client) = demo().await;
    let outcome = client
        .validate_license("NO-SUCH-KEY", "A")
        .await
        .expect("answers");
    assert!(matches!(outcome, LicenseBinding::NotFound));
}

/// A service where the key reads unbound, the write succeeds, and the re-read finds `winner`.
fn racing(
    winner: Option<&'static str>,
) -> (Client<impl whop_client::HttpService>, Arc<AtomicUsize>) {
    let calls = Arc::new(AtomicUsize::new(0));
    let counter = Arc::clone(&calls);
    let service = tower::service_fn(move |request: http::Request<Bytes>| {
        let n = counter.fetch_add(1, Ordering::SeqCst);
        let hwid = match (n, winner) {
            (0, _) | (_, None) => "null".to_owned(),
            (1, _) => "\"me\"".to_owned(),
            (_, Some(winner)) => format!("\"{winner}\""),
        };
        let method = request.method().clone();
        let body = format!(
            r#"{{"id":"mem_1","status":"active","metadata":{{"{HWID_METADATA_KEY}":{hwid}}}}}"#
        );
        async move {
            assert!(
                n != 1 || method == http::Method::PATCH,
                "the second request writes"
            );
            Ok::<_, std::io::Error>(http::Response::new(Bytes::from(body)))
        }
    });
    (Client::with_service(service), calls)
}

#[tokio::test]
async fn a_binding_overwritten_before_the_re_read_is_another_machines() {
    let (client, calls) = racing(Some("other"));
    match client.validate_license("KEY", "me").await.expect("answers") {
        LicenseBinding::BoundToOtherMachine { bound_to, .. } => assert_eq!(bound_to, "other"),
        other => panic!("{other:?}"),
    }
    assert_eq!(calls.load(Ordering::SeqCst), 3, "read, write, read again");
}

#[tokio::test]
async fn a_binding_confirmed_by_the_re_read_is_valid() {
    let (client, _) = racing(Some("me"));
    assert!(
        client
            .validate_license("KEY", "me")
            .await
            .expect("answers")
            .is_valid()
    );
}

#[tokio::test]
async fn a_binding_that_reads_unbound_again_is_unconfirmed_not_valid() {
    let (client, _) = racing(None);
    let error = client
        .validate_license("KEY", "me")
        .await
        .expect_err("unconfirmed");
    assert!(matches!(error, Error::Unconfirmed(_)), "{error:?}");
}
