//! `whop license keygen` and `whop license inspect`, by running the real binary: the key file is
//! owner-only and never printed, tokens are judged as the app's verifier judges them, and each
//! outcome has its exit code.

use std::path::PathBuf;
use std::time::{Duration, SystemTime};

#[allow(dead_code)] // offline commands: no mock API
mod support;

use support::{Outcome as Run, Whop};
use whop_license::{Claims, SigningKey, SigningKeys};

const PRODUCT: &str = "prod_cli_test";
const HWID: &str = "machine-cli-1";

fn whop(args: &[&str]) -> Run {
    Whop::bare().run(args)
}

/// A fresh directory for one test's files.
fn temp_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("whop-cli-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("a temp dir");
    dir
}

/// A token for [`PRODUCT`] on [`HWID`], valid now for a day.
fn token(key: &SigningKey) -> String {
    let now = SystemTime::now();
    key.sign(&Claims {
        membership_id: "mem_cli_test".to_owned(),
        product_id: PRODUCT.to_owned(),
        hardware_id: HWID.to_owned(),
        status: "active".to_owned(),
        period_end: None,
        issued_at: now - Duration::from_secs(60),
        refresh_after: now + Duration::from_secs(3600),
        expires_at: now + Duration::from_secs(86_400),
    })
    .expect("signs")
}

fn inspect(token: &str, key: &SigningKey, extra: &[&str]) -> Run {
    let public = key.public_key().to_paserk();
    let mut args = vec!["license", "inspect", token, "--public-key", &public];
    args.extend_from_slice(extra);
    whop(&args)
}

#[test]
fn keygen_writes_an_owner_only_key_file_and_prints_the_public_key() {
    let dir = temp_dir("keygen");
    let path = dir.join("signing.key");
    let run = whop(&["license", "keygen", "--out", path.to_str().expect("utf-8")]);
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    let keys = SigningKeys::from_file(&path).expect("a key file");
    let public = keys.active().public_key().to_paserk();
    assert!(run.stdout.contains(&public), "{}", run.stdout);
    assert!(
        run.stdout.contains(keys.active().id().as_str()),
        "{}",
        run.stdout
    );
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&path)
            .expect("metadata")
            .permissions()
            .mode();
        assert_eq!(mode & 0o777, 0o600);
    }
    let secret = keys.active().to_paserk();
    assert!(!run.stdout.contains(&secret[10..]) && !run.stderr.contains(&secret[10..]));
    std::fs::remove_dir_all(&dir).expect("cleans up");
}

#[test]
fn keygen_refuses_to_overwrite_a_file_without_force() {
    let dir = temp_dir("keygen-overwrite");
    let path = dir.join("signing.key");
    std::fs::write(&path, "keep me\n").expect("writes");
    let out = path.to_str().expect("utf-8");
    let run = whop(&["license", "keygen", "--out", out]);
    assert_eq!(run.code, Some(2), "{}", run.stderr);
    assert!(run.stderr.contains("--force"), "{}", run.stderr);
    assert_eq!(std::fs::read_to_string(&path).expect("reads"), "keep me\n");
    let run = whop(&["license", "keygen", "--out", out, "--force"]);
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    assert!(SigningKeys::from_file(&path).is_ok());
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&path)
            .expect("metadata")
            .permissions()
            .mode();
        assert_eq!(mode & 0o777, 0o600);
    }
    std::fs::remove_dir_all(&dir).expect("cleans up");
}

#[test]
fn inspect_exits_0_for_a_valid_token_on_its_machine() {
    let key = SigningKey::generate().expect("a key");
    let run = inspect(&token(&key), &key, &["--product", PRODUCT, "--hwid", HWID]);
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    assert!(run.stdout.contains("valid"), "{}", run.stdout);
    assert!(run.stdout.contains("mem_cli_test"), "{}", run.stdout);
    assert!(run.stdout.contains(key.id().as_str()), "{}", run.stdout);
}

#[test]
fn inspect_exits_1_for_another_machine() {
    let key = SigningKey::generate().expect("a key");
    let run = inspect(&token(&key), &key, &["--hwid", "machine-cli-2"]);
    assert_eq!(run.code, Some(1), "{}", run.stderr);
    assert!(
        run.stdout.contains("bound to other machine"),
        "{}",
        run.stdout
    );
}

#[test]
fn inspect_exits_1_for_a_tampered_token() {
    let key = SigningKey::generate().expect("a key");
    let token = token(&key);
    let at = token.len() / 2;
    let mut bytes = token.into_bytes();
    bytes[at] = if bytes[at] == b'A' { b'B' } else { b'A' };
    let tampered = String::from_utf8(bytes).expect("ascii");
    let run = inspect(&tampered, &key, &["--hwid", HWID]);
    assert_eq!(run.code, Some(1), "{}", run.stderr);
    assert!(run.stdout.contains("bad signature"), "{}", run.stdout);
}

#[test]
fn inspect_exits_1_for_a_key_it_was_not_given() {
    let (key, other) = (
        SigningKey::generate().expect("a key"),
        SigningKey::generate().expect("a key"),
    );
    let run = inspect(&token(&other), &key, &[]);
    assert_eq!(run.code, Some(1), "{}", run.stderr);
    assert!(run.stdout.contains("unknown key"), "{}", run.stdout);
}

#[test]
fn inspect_reads_the_token_from_stdin_and_prints_json() {
    let key = SigningKey::generate().expect("a key");
    let public = key.public_key().to_paserk();
    let run = Whop::bare().stdin(token(&key).as_bytes()).run(&[
        "--json",
        "license",
        "inspect",
        "-",
        "--public-key",
        &public,
    ]);
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    let report: serde_json::Value = serde_json::from_str(&run.stdout).expect("json");
    assert_eq!(report["verdict"], "valid");
    assert_eq!(report["license"]["hardware_id"], HWID);
}

#[test]
fn inspect_usage_errors_exit_2() {
    let key = SigningKey::generate().expect("a key");
    let token = token(&key);
    let secret = key.to_paserk();
    let cases: [(&str, Vec<&str>); 3] = [
        ("no public key", vec!["license", "inspect", &token]),
        (
            "a secret key as public key",
            vec!["license", "inspect", &token, "--public-key", &secret],
        ),
        (
            "not a key",
            vec![
                "license",
                "inspect",
                &token,
                "--public-key",
                "k4.public.nope",
            ],
        ),
    ];
    for (name, args) in cases {
        let run = whop(&args);
        assert_eq!(run.code, Some(2), "case {name}: {}", run.stderr);
        assert!(
            !run.stdout.contains(&secret[10..]) && !run.stderr.contains(&secret[10..]),
            "case {name} shows the secret"
        );
        assert!(!run.stderr.contains(&token), "case {name} shows the token");
    }
}
