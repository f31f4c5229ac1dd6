//! OpenID Connect (feature `oidc`): the `id_token`, the JWKS that verifies it, `userinfo`, and
//! discovery; and the whole flow over a real socket.

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use ring::signature::{ECDSA_P256_SHA256_FIXED, UnparsedPublicKey};

use super::*;

fn openid() -> Params {
    Params::authorize()
        .set("scope", "openid profile email")
        .set("nonce", NONCE)
}

async fn openid_sign_in(mock: &MockWhop) -> Value {
    let code = code_for(mock, &openid()).await;
    let response = call(mock, form_post("/oauth/token", &exchange(&code))).await;
    assert_eq!(response.status(), 200);
    json(&response)
}

async fn jwks(mock: &MockWhop) -> Value {
    let response = call(
        mock,
        Request::get("/.well-known/jwks.json")
            .body(Bytes::new())
            .unwrap(),
    )
    .await;
    assert_eq!(response.status(), 200);
    json(&response)
}

fn decode_part(part: &str) -> Value {
    serde_json::from_slice(&URL_SAFE_NO_PAD.decode(part).expect("base64url")).expect("JSON")
}

/// Whether `id_token`'s ES256 signature holds under the key of `jwks` its header names (checked
/// with ring directly: the test must not trust the mock's JOSE code).
fn signature_holds(id_token: &str, jwks: &Value) -> bool {
    let Some((signing_input, signature)) = id_token.rsplit_once('.') else {
        return false;
    };
    let Some((header, _)) = signing_input.split_once('.') else {
        return false;
    };
    let header = decode_part(header);
    let Some(key) = jwks["keys"]
        .as_array()
        .unwrap()
        .iter()
        .find(|k| k["kid"] == header["kid"])
    else {
        return false;
    };
    assert_eq!(
        (key["kty"].as_str(), key["crv"].as_str()),
        (Some("EC"), Some("P-256"))
    );
    let mut point = vec![4u8];
    point.extend(URL_SAFE_NO_PAD.decode(text(&key["x"])).unwrap());
    point.extend(URL_SAFE_NO_PAD.decode(text(&key["y"])).unwrap());
    let signature = URL_SAFE_NO_PAD.decode(signature).unwrap();
    UnparsedPublicKey::new(&ECDSA_P256_SHA256_FIXED, &point)
        .verify(signing_input.as_bytes(), &signature)
        .is_ok()
}

/// The header and claims of `id_token`, once its signature is checked.
fn verified(id_token: &str, jwks: &Value) -> (Value, Value) {
    assert!(signature_holds(id_token, jwks), "a valid ES256 signature");
    let mut parts = id_token.split('.');
    let header = decode_part(parts.next().unwrap());
    (header, decode_part(parts.next().unwrap()))
}

#[tokio::test]
async fn the_id_token_is_es256_signed_by_a_key_of_the_jwks() {
    let mock = oauth_world().build();
    let tokens = openid_sign_in(&mock).await;
    let (header, _) = verified(text(&tokens["id_token"]), &jwks(&mock).await);
    assert_eq!(header["alg"], "ES256");
}

#[tokio::test]
async fn the_id_token_names_issuer_audience_subject_nonce_and_expiry() {
    let mock = oauth_world().build();
    let tokens = openid_sign_in(&mock).await;
    let (_, claims) = verified(text(&tokens["id_token"]), &jwks(&mock).await);
    assert_eq!(claims["iss"], "http://127.0.0.1:4000");
    assert_eq!(claims["aud"], PUBLIC_CLIENT);
    assert_eq!(claims["sub"], OAUTH_USER);
    assert_eq!(claims["nonce"], NONCE);
    let (iat, exp) = (
        claims["iat"].as_u64().unwrap(),
        claims["exp"].as_u64().unwrap(),
    );
    assert_eq!(exp - iat, 3600);
}

#[tokio::test]
async fn a_tampered_id_token_fails_verification() {
    let mock = oauth_world().build();
    let tokens = openid_sign_in(&mock).await;
    let id_token = text(&tokens["id_token"]);
    let (rest, signature) = id_token.rsplit_once('.').unwrap();
    let (header, _) = rest.split_once('.').unwrap();
    let forged_claims = URL_SAFE_NO_PAD.encode(r#"{"sub":"user_2"}"#);
    let forged = format!("{header}.{forged_claims}.{signature}");
    let jwks = jwks(&mock).await;
    assert!(signature_holds(id_token, &jwks));
    assert!(!signature_holds(&forged, &jwks));
}

#[tokio::test]
async fn a_refresh_answers_no_id_token() {
    let mock = oauth_world().build();
    let tokens = openid_sign_in(&mock).await;
    let response = call(
        &mock,
        form_post("/oauth/token", &refresh(text(&tokens["refresh_token"]))),
    )
    .await;
    assert!(json(&response).get("id_token").is_none());
}

#[tokio::test]
async fn userinfo_answers_the_claims_of_the_scopes_granted() {
    let mock = oauth_world().build();
    let cases = [
        ("openid", vec!["sub"]),
        (
            "openid profile",
            vec!["sub", "name", "preferred_username", "picture"],
        ),
        ("openid email", vec!["sub", "email", "email_verified"]),
    ];
    for (scope, mut keys) in cases {
        let code = code_for(&mock, &openid().set("scope", scope)).await;
        let tokens = json(&call(&mock, form_post("/oauth/token", &exchange(&code))).await);
        let request = Request::get("/oauth/userinfo")
            .header(
                "authorization",
                format!("Bearer {}", text(&tokens["access_token"])),
            )
            .body(Bytes::new())
            .unwrap();
        let body = json(&call(&mock, request).await);
        assert_eq!(body["sub"], OAUTH_USER, "{scope}");
        let mut got: Vec<&str> = body
            .as_object()
            .unwrap()
            .keys()
            .map(String::as_str)
            .collect();
        got.sort_unstable();
        keys.sort_unstable();
        assert_eq!(got, keys, "{scope}");
    }
}

#[tokio::test]
async fn discovery_names_the_endpoints_at_the_origin() {
    let mock = oauth_world().build();
    let request = Request::get("/.well-known/openid-configuration")
        .header("host", "127.0.0.1:4000")
        .body(Bytes::new())
        .unwrap();
    let body = json(&call(&mock, request).await);
    let origin = "http://127.0.0.1:4000";
    assert_eq!(body["issuer"], origin);
    for (key, path) in [
        ("authorization_endpoint", "/oauth/authorize"),
        ("token_endpoint", "/oauth/token"),
        ("userinfo_endpoint", "/oauth/userinfo"),
        ("revocation_endpoint", "/oauth/revoke"),
        ("jwks_uri", "/.well-known/jwks.json"),
    ] {
        assert_eq!(body[key], format!("{origin}{path}"), "{key}");
    }
    assert_eq!(
        body["code_challenge_methods_supported"],
        serde_json::json!(["S256"])
    );
}

#[tokio::test]
async fn served_on_loopback_the_issuer_is_the_servers_origin() {
    let mock = oauth_world().build();
    let server = mock.serve().await.expect("serve");
    let tokens = super::super::bounded(async {
        let stream = tokio::net::TcpStream::connect(server.addr()).await.unwrap();
        let io = hyper_util::rt::TokioIo::new(stream);
        let (mut sender, connection) = hyper::client::conn::http1::handshake(io).await.unwrap();
        tokio::spawn(connection);
        let host = server.addr().to_string();
        let mut send = async |request: Request<Bytes>| {
            let (mut parts, body) = request.into_parts();
            parts.headers.insert("host", host.parse().unwrap());
            let request = Request::from_parts(parts, http_body_util::Full::new(body));
            let response = sender.send_request(request).await.unwrap();
            let (parts, body) = response.into_parts();
            let body = http_body_util::BodyExt::collect(body)
                .await
                .unwrap()
                .to_bytes();
            Response::from_parts(parts, body)
        };
        let code = redirected(&send(authorize_request(&openid())).await)["code"].clone();
        json(&send(form_post("/oauth/token", &exchange(&code))).await)
    })
    .await;
    let (_, claims) = verified(text(&tokens["id_token"]), &jwks(&mock).await);
    assert_eq!(claims["iss"], server.origin());
    server.shutdown().await;
}
