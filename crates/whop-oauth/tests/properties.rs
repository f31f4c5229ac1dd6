//! Property tests of the types that cross a boundary: stored token sets, the callback's query,
//! userinfo claims.

use std::time::{Duration, SystemTime};

use proptest::prelude::*;
use whop_oauth::oauth2::url::form_urlencoded;
use whop_oauth::{Callback, TokenSet, UserInfo};

fn token_set() -> impl Strategy<Value = TokenSet> {
    (
        "[!-~]{1,40}",
        proptest::option::of("[!-~]{1,40}"),
        proptest::option::of((0u64..4_000_000_000, 0u32..1_000_000_000)),
        proptest::option::of("biz_[a-zA-Z0-9]{1,12}"),
    )
        .prop_map(|(access, refresh, expires, company_id)| {
            let expires_at =
                expires.map(|(secs, nanos)| SystemTime::UNIX_EPOCH + Duration::new(secs, nanos));
            TokenSet::new(access, refresh, expires_at).with_company_id(company_id)
        })
}

proptest! {
    #[test]
    fn a_stored_token_set_reads_back_the_same(set in token_set()) {
        let json = serde_json::to_string(&set).unwrap();
        let back: TokenSet = serde_json::from_str(&json).unwrap();
        prop_assert_eq!(back.access_token(), set.access_token());
        prop_assert_eq!(back.refresh_token(), set.refresh_token());
        prop_assert_eq!(back.expires_at(), set.expires_at());
        prop_assert_eq!(back.company_id(), set.company_id());
    }

    #[test]
    fn a_token_sets_debug_never_shows_its_tokens(set in token_set()) {
        let shown = format!("{set:?}");
        let quoted = format!("\"{}\"", set.access_token().secret());
        prop_assert!(!shown.contains(&quoted), "{}", shown);
    }

    #[test]
    fn any_query_is_read_without_panicking(query in ".{0,200}") {
        let _ = Callback::from_query(&query);
    }

    #[test]
    fn an_encoded_callback_reads_back_its_code_and_state(code in ".{1,60}", state in ".{1,60}") {
        let query = form_urlencoded::Serializer::new(String::new())
            .append_pair("code", &code)
            .append_pair("state", &state)
            .finish();
        let shown = format!("{:?}", Callback::from_query(&query));
        prop_assert!(shown.contains("has_code: true") && shown.contains("has_state: true"));
    }

    #[test]
    fn userinfo_reads_back_the_same(
        sub in "user_[a-zA-Z0-9]{1,12}",
        email in proptest::option::of("[a-z]{1,8}@[a-z]{1,8}\\.com"),
        verified in proptest::option::of(any::<bool>()),
        extra in proptest::option::of("[a-z ]{0,20}"),
    ) {
        let mut json = serde_json::json!({ "sub": sub, "email": email, "email_verified": verified });
        if let Some(extra) = extra {
            json["locale"] = extra.into();
        }
        let info: UserInfo = serde_json::from_value(json).unwrap();
        let again: UserInfo = serde_json::from_value(serde_json::to_value(&info).unwrap()).unwrap();
        prop_assert_eq!(info, again);
    }
}
