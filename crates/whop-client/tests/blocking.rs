//! The blocking client (issue 16, item 10): the example gate runs here, so it cannot rot.

#[path = "../examples/blocking_gate.rs"]
#[allow(dead_code)] // its `main` runs only as the example
mod gate;

use whop_client::{Client, Token, blocking};
use whop_mock::{DEMO_EXPIRED_LICENSE_KEY, DEMO_LICENSE_KEY, DEMO_USER_TOKEN, MockWhop};

/// A runtime serving the demo world, for a test that is itself synchronous.
fn serve_demo() -> (tokio::runtime::Runtime, whop_mock::MockServer) {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .expect("a runtime");
    let mock = MockWhop::demo_builder().no_rate_limits().build();
    let server = runtime.block_on(mock.serve()).expect("serves");
    (runtime, server)
}

/// A blocking client of `server` with `credential`.
fn blocking_client(server: &whop_mock::MockServer, credential: &str) -> blocking::Client {
    let token = Token::new(credential).expect("valid");
    blocking::Client::from_builder(Client::builder_for(server, token)).expect("builds")
}

#[test]
fn the_example_gate_lets_a_valid_key_in_and_keeps_an_expired_one_out() {
    let (_runtime, server) = serve_demo();
    let base_url = server.base_url();
    assert!(gate::licensed(&base_url, DEMO_USER_TOKEN, DEMO_LICENSE_KEY).expect("answers"));
    assert!(
        !gate::licensed(&base_url, DEMO_USER_TOKEN, DEMO_EXPIRED_LICENSE_KEY).expect("answers")
    );
    assert!(!gate::licensed(&base_url, DEMO_USER_TOKEN, "NO-SUCH-KEY").expect("answers"));
}

#[test]
fn clones_share_one_runtime_thread_and_calls_from_threads_overlap() {
    let (_runtime, server) = serve_demo();
    let client = blocking_client(&server, DEMO_USER_TOKEN);
    let threads: Vec<_> = (0..4)
        .map(|_| {
            let client = client.clone();
            std::thread::spawn(move || client.legacy().check_license(DEMO_LICENSE_KEY))
        })
        .collect();
    for thread in threads {
        assert!(thread.join().expect("joins").expect("answers").is_valid());
    }
}

/// Where a runtime of the caller's own would panic ("cannot start a runtime from within a
/// runtime"), the client's runtime thread does not: creating, calling and dropping it inside an
/// async task works (though it blocks that worker for the call).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_blocking_client_is_safe_inside_an_async_runtime() {
    let mock = MockWhop::demo_builder().no_rate_limits().build();
    let server = mock.serve().await.expect("serves");
    let client = blocking_client(&server, DEMO_USER_TOKEN);
    assert!(
        client
            .legacy()
            .check_license(DEMO_LICENSE_KEY)
            .expect("answers")
            .is_valid()
    );
    drop(client);
}

/// A desktop app's license cycle without async code: bind on first use, refuse another machine,
/// reset, then bind to the new machine.
#[test]
fn the_blocking_client_binds_a_key_refuses_another_machine_and_rebinds_after_a_reset() {
    use whop_client::legacy::ValidateLicense;
    use whop_mock::{DEMO_COMPANY_KEY, DEMO_UNBOUND_LICENSE_KEY};

    let (_runtime, server) = serve_demo();
    let client = blocking_client(&server, DEMO_COMPANY_KEY);

    let first = client
        .legacy()
        .validate_license(DEMO_UNBOUND_LICENSE_KEY, "laptop-a")
        .expect("answers");
    assert!(first.is_valid(), "{first:?}");
    let other = client
        .legacy()
        .validate_license(DEMO_UNBOUND_LICENSE_KEY, "laptop-b")
        .expect("answers");
    assert!(
        matches!(other, ValidateLicense::MetadataMismatch { .. }),
        "{other:?}"
    );
    client
        .legacy()
        .reset_license(DEMO_UNBOUND_LICENSE_KEY)
        .expect("reset");
    let rebound = client
        .legacy()
        .validate_license(DEMO_UNBOUND_LICENSE_KEY, "laptop-b")
        .expect("answers");
    assert!(rebound.is_valid(), "{rebound:?}");
}

/// A company's support script without async code: read a membership, write its metadata, read
/// it back, and list through the generic `call`.
#[test]
fn the_blocking_client_reads_updates_and_lists_memberships() {
    use whop_client::Metadata;
    use whop_client::legacy::Expand;
    use whop_mock::{DEMO_COMPANY_KEY, DEMO_MEMBERSHIP_ID};

    let (_runtime, server) = serve_demo();
    let client = blocking_client(&server, DEMO_COMPANY_KEY);

    let read = client
        .legacy()
        .membership(DEMO_MEMBERSHIP_ID, &[Expand::Product])
        .expect("reads");
    assert_eq!(read.get().id.as_str(), DEMO_MEMBERSHIP_ID);

    let metadata = Metadata::new().with("seat", "desk-7");
    client
        .legacy()
        .update_membership_metadata(DEMO_MEMBERSHIP_ID, metadata.clone())
        .expect("updates");
    let again = client
        .legacy()
        .membership(DEMO_MEMBERSHIP_ID, &[])
        .expect("reads again");
    assert_eq!(again.get().metadata.as_ref(), Some(metadata.as_map()));

    let page = client
        .call(|c| async move { c.legacy().list_memberships().per(50).send().await })
        .expect("lists");
    assert!(
        page.get()
            .data
            .iter()
            .any(|m| m.id.as_str() == DEMO_MEMBERSHIP_ID),
        "the listed page has the membership"
    );
}

/// A lookup of a membership that does not exist is the typed not-found error, not a panic.
#[test]
fn the_blocking_client_says_not_found_for_an_unknown_membership() {
    use whop_mock::DEMO_COMPANY_KEY;

    let (_runtime, server) = serve_demo();
    let client = blocking_client(&server, DEMO_COMPANY_KEY);
    let error = client
        .legacy()
        .membership("mem_doesnotexist", &[])
        .expect_err("no such membership");
    assert!(error.is_not_found(), "{error:?}");
}

#[test]
fn the_blocking_client_binds_a_key_on_the_current_api_and_rebinds_after_a_reset() {
    use whop_client::LicenseBinding;
    use whop_mock::{DEMO_COMPANY_KEY, DEMO_CURRENT_UNBOUND_LICENSE_KEY};

    let (_runtime, server) = serve_demo();
    let client = blocking_client(&server, DEMO_COMPANY_KEY);
    let key = DEMO_CURRENT_UNBOUND_LICENSE_KEY;
    assert!(client.validate_license(key, "A").expect("binds").is_valid());
    assert!(matches!(
        client.validate_license(key, "B").expect("answers"),
        LicenseBinding::BoundToOtherMachine { .. }
    ));
    client.reset_license(key).expect("resets");
    assert!(
        client
            .validate_license(key, "B")
            .expect("rebinds")
            .is_valid()
    );
    let membership = client.membership(key).expect("reads");
    assert_eq!(
        whop_client::bound_hardware_id(&membership).as_deref(),
        Some("B")
    );
    assert!(
        client
            .membership_optional("NO-SUCH-KEY")
            .expect("answers")
            .is_none()
    );
    let cancelled = client
        .cancel_membership_at_period_end(membership.id.as_str())
        .expect("cancels");
    assert_eq!(cancelled.cancel_at_period_end, Some(true));
    assert!(
        server
            .mock()
            .requests()
            .iter()
            .all(|r| !r.path.starts_with("/api/v2/"))
    );
}
