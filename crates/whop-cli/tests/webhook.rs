//! `whop webhook sign` and `whop webhook verify`, by running the real binary: what `sign` prints
//! verifies, one changed byte does not, and each failure has its exit code.

use std::time::{SystemTime, UNIX_EPOCH};

#[allow(dead_code)] // the webhook commands need no mock API
mod support;

use support::{Outcome as Run, Whop};

const SECRET_VAR: &str = "WHOP_TEST_WEBHOOK_SECRET";
const SECRET: &str = "ws_cli_test_5e6f";
const V1_BODY: &str = r#"{"id":"msg_1","api_version":"v1","type":"membership.deactivated","data":{"id":"mem_cli000000001","status":"canceled"}}"#;
const LEGACY_BODY: &str =
    r#"{"action":"membership.went_valid","data":{"id":"mem_cli000000002","valid":true}}"#;

/// Runs `whop` with `args`, `stdin` as its input and the test secret in [`SECRET_VAR`].
fn whop(args: &[&str], stdin: &[u8]) -> Run {
    Whop::bare().env(SECRET_VAR, SECRET).stdin(stdin).run(args)
}

/// `whop webhook sign` for `body`; the header lines it printed.
fn sign(extra: &[&str], body: &str) -> Vec<String> {
    let mut args = vec!["webhook", "sign", "--secret-env", SECRET_VAR];
    args.extend_from_slice(extra);
    let run = whop(&args, body.as_bytes());
    assert_eq!(run.code, Some(0), "sign: {}", run.stderr);
    run.stdout.lines().map(str::to_owned).collect()
}

/// `whop webhook verify` with `headers` as -H flags.
fn verify(headers: &[String], extra: &[&str], body: &[u8]) -> Run {
    let mut args = vec!["webhook", "verify", "--secret-env", SECRET_VAR];
    for header in headers {
        args.extend(["-H", header]);
    }
    args.extend_from_slice(extra);
    whop(&args, body)
}

#[test]
fn signed_standard_headers_verify_and_name_the_event_and_membership() {
    let headers = sign(&[], V1_BODY);
    assert_eq!(headers.len(), 3, "{headers:?}");
    assert!(headers[0].starts_with("webhook-id: msg_"), "{headers:?}");
    let run = verify(&headers, &[], V1_BODY.as_bytes());
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    assert!(
        run.stdout.contains("membership.deactivated"),
        "{}",
        run.stdout
    );
    assert!(run.stdout.contains("mem_cli000000001"), "{}", run.stdout);
}

#[test]
fn signed_legacy_headers_verify() {
    let headers = sign(&["--scheme", "legacy"], LEGACY_BODY);
    assert_eq!(headers.len(), 1);
    assert!(
        headers[0].starts_with("x-whop-signature: t="),
        "{headers:?}"
    );
    let run = verify(&headers, &["--json"], LEGACY_BODY.as_bytes());
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    let report: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(report["scheme"], "legacy");
    assert_eq!(report["event"], "membership.went_valid");
    assert_eq!(report["membership_id"], "mem_cli000000002");
}

#[test]
fn a_one_byte_change_to_the_body_exits_1_and_says_signature() {
    for (scheme, body) in [("standard", V1_BODY), ("legacy", LEGACY_BODY)] {
        let headers = sign(&["--scheme", scheme], body);
        let mut changed = body.as_bytes().to_vec();
        let last = changed.len() - 2;
        changed[last] ^= 0x01;
        let run = verify(&headers, &[], &changed);
        assert_eq!(run.code, Some(1), "{scheme}: {}", run.stderr);
        assert!(
            run.stderr.starts_with("whop: error: signature rejected"),
            "{}",
            run.stderr
        );
    }
}

#[test]
fn an_old_timestamp_exits_1_and_says_timestamp() {
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_secs();
    let an_hour_ago = (now - 3600).to_string();
    let headers = sign(&["--timestamp", &an_hour_ago], V1_BODY);
    let run = verify(&headers, &[], V1_BODY.as_bytes());
    assert_eq!(run.code, Some(1));
    assert!(
        run.stderr.starts_with("whop: error: timestamp rejected"),
        "{}",
        run.stderr
    );
    // A wide enough tolerance accepts it.
    let run = verify(&headers, &["--tolerance", "7200"], V1_BODY.as_bytes());
    assert_eq!(run.code, Some(0), "{}", run.stderr);
}

#[test]
fn a_signed_body_that_is_not_an_event_exits_1() {
    let headers = sign(&[], "not json");
    let run = verify(&headers, &[], b"not json");
    assert_eq!(run.code, Some(1));
    assert!(
        run.stderr.contains("signature valid, but"),
        "{}",
        run.stderr
    );
}

#[test]
fn usage_errors_exit_2() {
    let headers = sign(&[], V1_BODY);
    let unset = whop(
        &[
            "webhook",
            "verify",
            "--secret-env",
            "WHOP_TEST_UNSET_VARIABLE",
        ],
        V1_BODY.as_bytes(),
    );
    assert_eq!(unset.code, Some(2), "{}", unset.stderr);
    assert!(
        unset.stderr.contains("WHOP_TEST_UNSET_VARIABLE"),
        "{}",
        unset.stderr
    );

    let unparseable = verify(&["no colon here".to_owned()], &[], V1_BODY.as_bytes());
    assert_eq!(unparseable.code, Some(2), "{}", unparseable.stderr);

    let missing = verify(&headers[..2], &[], V1_BODY.as_bytes());
    assert_eq!(missing.code, Some(2), "{}", missing.stderr);
    assert!(
        missing.stderr.contains("webhook-signature"),
        "{}",
        missing.stderr
    );

    let none = verify(&[], &[], V1_BODY.as_bytes());
    assert_eq!(none.code, Some(2), "{}", none.stderr);
}

#[test]
fn the_secret_never_appears_in_any_output() {
    let headers = sign(&[], V1_BODY);
    let mut changed = V1_BODY.as_bytes().to_vec();
    changed[10] ^= 0x01;
    for run in [
        verify(&headers, &[], V1_BODY.as_bytes()),
        verify(&headers, &[], &changed),
    ] {
        assert!(!run.stdout.contains(SECRET) && !run.stderr.contains(SECRET));
    }
}
