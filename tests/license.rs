//! License keys through the whole default stack against whop-mock on loopback: validate (every
//! outcome), the hardware-ID binding end to end, both resets, read and update by ID or key, and
//! hostile input.

#[path = "toolkit_harness.rs"]
mod harness;

use harness::{Api, bounded};
use serde_json::json;
use whop_client::legacy::{Expand, Expandable, ResetMethod, ValidateLicense};
use whop_client::{Applied, Error, Metadata};
use whop_mock::{DEMO_COMPANY_KEY, Fault, MockMembership, MockWhop};

const KEY: &str = "KEY-1";
const ID: &str = "mem_lic000000001";
const EXPIRED_KEY: &str = "KEY-EXPIRED";

fn world() -> MockWhop {
    MockWhop::demo_builder()
        .membership(MockMembership::new(ID).license_key(KEY))
        .membership(
            MockMembership::new("mem_lic000000002")
                .license_key(EXPIRED_KEY)
                .status("expired", false),
        )
        .no_rate_limits()
        .build()
}

async fn api() -> Api {
    Api::start(world()).await
}

fn hwid(outcome: &ValidateLicense) -> Option<String> {
    let metadata = outcome.membership()?.metadata.as_ref()?;
    Some(metadata.get("hwid")?.as_str()?.to_owned())
}

#[tokio::test]
async fn a_hardware_id_binds_on_first_use_and_a_reset_lets_another_machine_bind() {
    bounded(async {
        let api = api().await;
        let validate =
            |machine: &'static str| api.company.legacy().validate_license(KEY).hwid(machine);

        let a = validate("A").await.unwrap();
        assert!(a.is_valid(), "{a:?}");
        assert_eq!(hwid(&a).as_deref(), Some("A"));
        assert!(validate("A").await.unwrap().is_valid());
        let b = validate("B").await.unwrap();
        assert!(
            matches!(b, ValidateLicense::MetadataMismatch { .. }),
            "{b:?}"
        );

        let reset = api.company.legacy().reset_license(KEY).await.unwrap();
        assert_eq!(reset.metadata.as_ref().map(|m| m.is_empty()), Some(true));

        let b = validate("B").await.unwrap();
        assert!(b.is_valid(), "{b:?}");
        assert_eq!(hwid(&b).as_deref(), Some("B"));
        let a = validate("A").await.unwrap();
        assert!(
            matches!(a, ValidateLicense::MetadataMismatch { .. }),
            "{a:?}"
        );
    })
    .await;
}

#[tokio::test]
async fn a_mismatch_carries_the_api_message_and_changes_nothing() {
    bounded(async {
        let api = api().await;
        api.company
            .legacy()
            .validate_license(KEY)
            .hwid("A")
            .await
            .unwrap();
        let outcome = api
            .company
            .legacy()
            .validate_license(KEY)
            .hwid("B")
            .await
            .unwrap();
        let ValidateLicense::MetadataMismatch { message } = outcome else {
            panic!("not a mismatch: {outcome:?}");
        };
        assert!(message.contains("did not match"), "{message}");
        assert_eq!(
            api.mock.membership(ID).unwrap().metadata,
            json!({ "hwid": "A" })
        );
    })
    .await;
}

#[tokio::test]
async fn an_expired_membership_is_invalid_not_an_error() {
    bounded(async {
        let api = api().await;
        let outcome = api
            .company
            .legacy()
            .validate_license(EXPIRED_KEY)
            .hwid("A")
            .await
            .unwrap();
        assert!(
            matches!(outcome, ValidateLicense::Invalid(_)),
            "{outcome:?}"
        );
    })
    .await;
}

#[tokio::test]
async fn an_unknown_key_is_not_found_not_an_error() {
    bounded(async {
        let api = api().await;
        let outcome = api
            .company
            .legacy()
            .validate_license("NO-SUCH-KEY")
            .hwid("A")
            .await
            .unwrap();
        assert!(matches!(outcome, ValidateLicense::NotFound), "{outcome:?}");
    })
    .await;
}

#[tokio::test]
async fn validate_by_membership_id_works_and_expands() {
    bounded(async {
        let api = api().await;
        let outcome = api
            .company
            .legacy()
            .validate_license(ID)
            .metadata(Metadata::new().with("hwid", "A").with("seat", 2))
            .expand(Expand::User)
            .await
            .unwrap();
        let membership = outcome.membership().expect("found");
        assert!(matches!(membership.user, Some(Expandable::Object(_))));
        assert_eq!(
            api.mock.membership(ID).unwrap().metadata,
            json!({ "hwid": "A", "seat": 2 })
        );
        let request = api.mock.requests().pop().unwrap();
        assert_eq!(request.query.as_deref(), Some("expand[]=user"));
    })
    .await;
}

#[tokio::test]
async fn validate_without_metadata_sends_an_empty_object() {
    bounded(async {
        let api = api().await;
        assert!(
            api.company
                .legacy()
                .validate_license(KEY)
                .await
                .unwrap()
                .is_valid()
        );
        let request = api.mock.requests().pop().unwrap();
        assert_eq!(request.body.as_ref(), br#"{"metadata":{}}"#);
        assert_eq!(request.headers["content-type"], "application/json");
    })
    .await;
}

#[tokio::test]
async fn errors_stay_errors() {
    bounded(async {
        let api = api().await;
        let refused = api
            .user
            .legacy()
            .validate_license(KEY)
            .hwid("A")
            .await
            .unwrap_err();
        assert_eq!(refused.status().map(|s| s.as_u16()), Some(403));
        api.mock.inject(Fault::Status(500), 3);
        let failed = api
            .company
            .legacy()
            .validate_license(KEY)
            .hwid("A")
            .await
            .unwrap_err();
        assert_eq!(failed.status().map(|s| s.as_u16()), Some(500));
        api.mock.inject(Fault::Status(429), 1);
        assert!(
            api.company
                .legacy()
                .validate_license(KEY)
                .await
                .unwrap_err()
                .is_rate_limited()
        );
    })
    .await;
}

#[tokio::test]
async fn validate_is_retried_on_a_lost_answer_and_still_valid() {
    bounded(async {
        let api = api().await;
        // The binding happens, then the answer is lost: the retry finds the same metadata bound.
        api.mock.inject_after_handling(Fault::Status(503), 1);
        let outcome = api
            .company
            .legacy()
            .validate_license(KEY)
            .hwid("A")
            .await
            .unwrap();
        assert!(outcome.is_valid(), "{outcome:?}");
        assert_eq!(api.mock.requests().len(), 2);
    })
    .await;
}

#[tokio::test]
async fn metadata_that_is_not_an_object_is_refused_before_sending() {
    bounded(async {
        let api = api().await;
        for value in [json!(null), json!("A"), json!(["A"]), json!(1)] {
            let e = api
                .company
                .legacy()
                .validate_license(KEY)
                .metadata_json(value.clone())
                .await
                .unwrap_err();
            let Error::InvalidInput(input) = &e else {
                panic!("{e}");
            };
            assert_eq!(input.what(), "metadata");
            let e = api
                .company
                .legacy()
                .update_membership_metadata_json(ID, value)
                .await
                .unwrap_err();
            assert!(matches!(e, Error::InvalidInput(_)), "{e}");
        }
        assert!(api.mock.requests().is_empty());
    })
    .await;
}

#[tokio::test]
async fn the_validate_with_empty_metadata_reset_clears_the_binding_too() {
    bounded(async {
        let api = api().await;
        api.company
            .legacy()
            .validate_license(KEY)
            .hwid("A")
            .await
            .unwrap();
        let reset = api
            .company
            .legacy()
            .reset_license_with(KEY, ResetMethod::ValidateWithEmptyMetadata)
            .await
            .unwrap();
        assert_eq!(reset.metadata.as_ref().map(|m| m.is_empty()), Some(true));
        assert!(
            api.company
                .legacy()
                .validate_license(KEY)
                .hwid("B")
                .await
                .unwrap()
                .is_valid()
        );
    })
    .await;
}

#[tokio::test]
async fn the_default_reset_reads_by_key_then_updates_by_id() {
    bounded(async {
        let api = api().await;
        api.company.legacy().reset_license(KEY).await.unwrap();
        let paths: Vec<String> = api
            .mock
            .requests()
            .iter()
            .map(|r| format!("{} {}", r.method, r.path))
            .collect();
        assert_eq!(
            paths,
            [
                format!("GET /api/v2/memberships/{KEY}"),
                format!("POST /api/v2/memberships/{ID}"),
            ]
        );
        let e = api
            .company
            .legacy()
            .reset_license("NO-SUCH-KEY")
            .await
            .unwrap_err();
        assert!(e.is_not_found());
    })
    .await;
}

#[tokio::test]
async fn a_membership_reads_by_id_or_key_with_expand() {
    bounded(async {
        let api = api().await;
        let by_id = api
            .company
            .legacy()
            .membership(ID)
            .expand(Expand::Plan)
            .await
            .unwrap();
        let by_key = api
            .company
            .legacy()
            .membership(KEY)
            .expand(Expand::Plan)
            .await
            .unwrap();
        assert_eq!(by_id.id, by_key.id);
        assert!(matches!(by_key.plan, Some(Expandable::Object(_))));
        assert_eq!(by_key.status(), 200);
        assert!(
            api.company
                .legacy()
                .membership("NOPE")
                .optional()
                .await
                .unwrap()
                .is_none()
        );
        let e = api.company.legacy().membership("NOPE").await.unwrap_err();
        assert_eq!(e.applied(), Applied::No);
    })
    .await;
}

#[tokio::test]
async fn an_update_replaces_the_metadata_and_it_persists() {
    bounded(async {
        let api = api().await;
        let updated = api
            .company
            .legacy()
            .update_membership_metadata(ID, Metadata::new().with("tier", "gold"))
            .await
            .unwrap();
        assert_eq!(updated.status(), 201);
        let read = api.company.legacy().membership(KEY).await.unwrap();
        assert_eq!(
            read.metadata.as_ref().unwrap().get("tier"),
            Some(&json!("gold"))
        );
        let validated = api
            .company
            .legacy()
            .validate_license(KEY)
            .metadata(Metadata::new().with("tier", "gold"))
            .await
            .unwrap();
        assert!(validated.is_valid());
    })
    .await;
}

#[tokio::test]
async fn a_hostile_key_stays_one_segment_in_every_path() {
    bounded(async {
        let api = api().await;
        let key = "a/../b?c=d#e%f g";
        api.mock
            .insert_membership(MockMembership::new("mem_lic000000009").license_key(key));
        assert!(
            api.company
                .legacy()
                .validate_license(key)
                .hwid("A")
                .await
                .unwrap()
                .is_valid()
        );
        assert_eq!(
            api.company
                .legacy()
                .membership(key)
                .await
                .unwrap()
                .id
                .as_str(),
            "mem_lic000000009"
        );
        api.company.legacy().reset_license(key).await.unwrap();
        api.company
            .legacy()
            .reset_license_with(key, ResetMethod::ValidateWithEmptyMetadata)
            .await
            .unwrap();
        let update = api
            .company
            .legacy()
            .update_membership_metadata(key, Metadata::new())
            .await
            .unwrap_err();
        assert!(
            update.is_not_found(),
            "the update takes an ID, not a key: {update}"
        );
        for request in api.mock.requests() {
            let segments = request.path_segments();
            // The default reset updates by the ID it read; every other request names the key.
            if request.path == "/api/v2/memberships/mem_lic000000009" {
                assert_eq!(request.method, "POST");
                continue;
            }
            assert_eq!(
                segments[3], "a%2F..%2Fb%3Fc%3Dd%23e%25f%20g",
                "{}",
                request.path
            );
            assert!(request.route.is_some(), "{}", request.path);
        }
    })
    .await;
}

#[tokio::test]
async fn empty_and_dot_keys_are_refused_before_sending() {
    bounded(async {
        let api = api().await;
        for key in ["", ".", ".."] {
            let validate = api
                .company
                .legacy()
                .validate_license(key)
                .hwid("A")
                .await
                .unwrap_err();
            let read = api.company.legacy().membership(key).await.unwrap_err();
            let update = api
                .company
                .legacy()
                .update_membership_metadata(key, Metadata::new())
                .await
                .unwrap_err();
            let reset = api.company.legacy().reset_license(key).await.unwrap_err();
            let reset_by_validate = api
                .company
                .legacy()
                .reset_license_with(key, ResetMethod::ValidateWithEmptyMetadata)
                .await
                .unwrap_err();
            for e in [validate, read, update, reset, reset_by_validate] {
                assert!(matches!(e, Error::InvalidInput(_)), "{key:?}: {e}");
            }
        }
        assert!(api.mock.requests().is_empty());
        let _ = DEMO_COMPANY_KEY;
    })
    .await;
}
