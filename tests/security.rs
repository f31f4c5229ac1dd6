//! User input never escapes its path segment, and secrets cannot get into a request.
//!
//! - Hostile IDs and license keys are refused before sending or reach the server as exactly one
//!   path segment that decodes back to the original.
//! - A token with CR/LF and an `http://` base URL to a non-loopback host are refused (one case
//!   each in `tests/failures.rs`; every variant here).
//! - That no secret is printed or traced is in `tests/security_traces.rs`.

use whop_client::{DEFAULT_BASE_URL, Error, RequestSent, Token};
use whop_mock::{MockMembership, Route};
use whop_tests::{Harness, USER_ID, bounded, mock_builder, try_client};

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
            let lookup = h.user.legacy().me_membership(input.as_str()).await.unwrap_err();
            let cancel = h.company.legacy().cancel_membership(input.as_str()).await.unwrap_err();
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
        let found = h.user.legacy().me_membership(key).await.unwrap();
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
        let e = try_client(DEFAULT_BASE_URL, bad, |t| t).unwrap_err();
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
        let e = try_client(bad, "k", |t| t).unwrap_err();
        assert!(matches!(e, Error::InvalidInput(_)), "{bad:?}: {e:?}");
    }
    for good in [
        "https://api.whop.com/api",
        "http://127.0.0.1:1/api",
        "http://localhost:1",
        "http://[::1]:1",
    ] {
        try_client(good, "k", |t| t).unwrap();
    }
}
