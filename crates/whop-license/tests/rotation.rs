//! Key rotation and the server's key file.

mod support;

use support::{HWID, claims, key, kind, now};
use whop_license::{KeyFileError, KeySet, SigningKeys, Verifier};

#[test]
fn tokens_from_every_key_of_the_file_verify() {
    let (new, old) = (key(), key());
    let text = format!("{}\n{}\n", &*new.to_paserk(), &*old.to_paserk());
    let keys = SigningKeys::from_env_text(&text).expect("reads");
    assert_eq!(keys.active().id(), new.id());
    let verifier = Verifier::new(keys.key_set(), support::PRODUCT);
    for signer in keys.keys() {
        let token = signer.sign(&claims()).expect("signs");
        assert_eq!(kind(&verifier.verify(&token, HWID, now(), None)), "Valid");
    }
}

#[test]
fn a_token_of_a_key_removed_from_the_app_is_unknown_key() {
    let (new, old) = (key(), key());
    let token = old.sign(&claims()).expect("signs");
    let verifier = Verifier::new(
        KeySet::new().with(new.public_key().clone()),
        support::PRODUCT,
    );
    assert_eq!(
        kind(&verifier.verify(&token, HWID, now(), None)),
        "UnknownKey"
    );
}

#[test]
fn a_key_file_reads_back_from_disk() {
    let key = key();
    let dir = std::env::temp_dir().join(format!("whop-license-test-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("dir");
    let path = dir.join("keys");
    std::fs::write(&path, format!("# signing key\n{}\n", &*key.to_paserk())).expect("writes");
    let keys = SigningKeys::from_file(&path).expect("reads");
    std::fs::remove_dir_all(&dir).expect("cleans up");
    assert_eq!(keys.active().id(), key.id());
}

#[test]
fn a_missing_key_file_names_its_path() {
    let error = SigningKeys::from_file("/nonexistent/whop-license/keys").expect_err("missing");
    assert!(matches!(error, KeyFileError::Io { .. }));
    assert!(
        error.to_string().contains("/nonexistent/whop-license/keys"),
        "{error}"
    );
}

#[test]
fn each_key_file_reads_as_expected() {
    let (a, b) = (key(), key());
    let (a_text, b_text) = (a.to_paserk(), b.to_paserk());
    let public = a.public_key().to_paserk();
    // A valid key with one character changed: its public half no longer matches its seed.
    let mut broken = a_text.to_string();
    let last = broken.pop().expect("non-empty");
    broken.push(if last == 'A' { 'B' } else { 'A' });
    // 44 zero characters are 33 zero bytes: the 32-byte seed and one byte of the public half.
    let zero_seed = format!("k4.secret.{}{}", "A".repeat(44), &b_text[54..]);
    let cases: Vec<(&str, String, Result<usize, KeyFileError>)> = vec![
        ("one key", format!("{}\n", &*a_text), Ok(1)),
        ("no final newline", a_text.to_string(), Ok(1)),
        (
            "comments and blanks",
            format!("# new\n\n  {}  \n\n# old\n{}\n", &*a_text, &*b_text),
            Ok(2),
        ),
        ("crlf", format!("{}\r\n{}\r\n", &*a_text, &*b_text), Ok(2)),
        (
            "a key twice",
            format!("{}\n{}\n", &*a_text, &*a_text),
            Ok(1),
        ),
        ("empty", String::new(), Err(KeyFileError::NoKey)),
        (
            "only comments",
            "# nothing\n\n".to_owned(),
            Err(KeyFileError::NoKey),
        ),
        (
            "a bad line",
            format!("# keys\n{}\nnot a key\n", &*a_text),
            Err(KeyFileError::BadLine { line: 3 }),
        ),
        (
            "a public key",
            public.clone(),
            Err(KeyFileError::BadLine { line: 1 }),
        ),
        (
            "a broken key",
            format!("\n{broken}\n"),
            Err(KeyFileError::BadLine { line: 2 }),
        ),
        (
            "an all-zero seed",
            zero_seed,
            Err(KeyFileError::BadLine { line: 1 }),
        ),
    ];
    for (name, text, expected) in cases {
        let read = SigningKeys::from_env_text(&text);
        match (read, expected) {
            (Ok(keys), Ok(count)) => {
                assert_eq!(keys.keys().count(), count, "case: {name}");
                assert_eq!(keys.active().id(), a.id(), "case: {name}");
            }
            (Err(error), Err(expected)) => {
                assert_eq!(
                    format!("{error:?}"),
                    format!("{expected:?}"),
                    "case: {name}"
                );
                let shown = format!("{error} {error:?}");
                for line in text.lines().filter(|l| l.contains("k4.")) {
                    let body = &line.trim()[10..];
                    assert!(!shown.contains(body), "case {name} shows a key: {shown}");
                }
            }
            (read, expected) => panic!("case {name}: {read:?}, expected {expected:?}"),
        }
    }
}

#[test]
fn the_key_sets_debug_shows_only_ids() {
    let key = key();
    let keys = SigningKeys::new(key.clone());
    let shown = format!("{keys:?}");
    assert!(shown.contains(key.id().as_str()), "{shown}");
    assert!(!shown.contains(&key.to_paserk()[10..]), "{shown}");
}
