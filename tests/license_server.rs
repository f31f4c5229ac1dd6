//! Two license server instances sharing one Redis (locks, cache and Whop pacing), on loopback
//! with whop-mock and a `redis-server` of the test's own: the binding is single-writer across
//! instances, and a token one instance signed refreshes on the other.

mod redis_server;

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;
use redis_server::RedisServer;
use serde_json::{Value, json};
use tower::ServiceExt as _;
use whop_client::transport::pacing::RedisStore as PacingStore;
use whop_client::transport::{HttpClient, Transport};
use whop_client::{Client, HWID_METADATA_KEY, PacingConfig, RetryConfig, Token};
use whop_license::{KeySet, SigningKey, SigningKeys, Verdict, Verifier};
use whop_license_server::LicenseServer;
use whop_license_server::store::RedisStore;
use whop_mock::{
    DEFAULT_PRODUCT_ID, DEMO_COMPANY_KEY, Fault, MockMembership, MockServer, MockWhop,
};

const KEY: &str = "KEY-RACE-0001";
const MEMBERSHIP: &str = "mem_race00000001";
const MACHINES: usize = 500;

/// Fails the test instead of hanging it: generous, for a loaded 2-core machine.
async fn bounded<F: std::future::Future>(test: F) -> F::Output {
    tokio::time::timeout(Duration::from_secs(90), test)
        .await
        .expect("test finished within 90 s")
}

/// whop-mock on loopback with one unbound license key, Whop's rate limits on.
async fn whop() -> MockServer {
    MockWhop::demo_builder()
        .membership(MockMembership::new(MEMBERSHIP).license_key(KEY))
        .build()
        .serve()
        .await
        .expect("the mock serves on loopback")
}

/// One instance: its own Whop client (paced through the shared Redis), the shared Redis store,
/// served on a loopback port of its own. No per-client limit: every test request comes from
/// 127.0.0.1.
async fn instance(whop: &MockServer, keys: SigningKeys, redis_url: &str) -> SocketAddr {
    let pacing = PacingStore::new(redis_url).expect("a valid Redis URL");
    let client = Client::builder()
        .transport(|t| {
            t.base_url(whop.base_url())
                .token(Token::new(DEMO_COMPANY_KEY).expect("valid token"))
                .pacing(PacingConfig::default().with_store(pacing))
                .retry(RetryConfig::default().with_base_delay(Duration::from_millis(5)))
        })
        .build()
        .expect("client builds");
    let store = RedisStore::connect(redis_url)
        .await
        .expect("the store connects to the test's redis-server");
    // No start-up sync: the race test queues Whop faults by request order, and the sync's list
    // calls would take them at an unknown point.
    let server = LicenseServer::builder(client, keys)
        .store(Arc::new(store))
        .per_client_limit(None)
        .sync(false)
        .build();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("a loopback port");
    let addr = listener.local_addr().expect("its address");
    tokio::spawn(async move { server.serve(listener).await });
    addr
}

/// The signing key both instances load (one key file, deployed to both).
fn key_file() -> (String, KeySet) {
    let key = SigningKey::generate().expect("a signing key");
    let text = key.to_paserk().to_string();
    (text, KeySet::new().with(key.public_key().clone()))
}

fn keys(text: &str) -> SigningKeys {
    SigningKeys::from_env_text(text).expect("the key file parses")
}

async fn post(http: &HttpClient, addr: SocketAddr, path: &str, body: Value) -> (u16, Value) {
    let request = http::Request::post(format!("http://{addr}{path}"))
        .header(http::header::CONTENT_TYPE, "application/json")
        .body(Bytes::from(body.to_string()))
        .expect("a request");
    let response = http
        .clone()
        .oneshot(request)
        .await
        .expect("the instance answers");
    let status = response.status().as_u16();
    let body = serde_json::from_slice(response.body()).expect("a JSON answer");
    (status, body)
}

fn error_type(body: &Value) -> &str {
    body["error"]["type"].as_str().unwrap_or("(no error type)")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn five_hundred_machines_racing_for_one_key_over_two_instances_bind_exactly_one() {
    bounded(async {
        let redis = RedisServer::start();
        let whop = whop().await;
        let (text, public) = key_file();
        let instances = [
            instance(&whop, keys(&text), &redis.url()).await,
            instance(&whop, keys(&text), &redis.url()).await,
        ];
        let http = Transport::builder().build_http_client().expect("a client");
        // Widen the race: Whop's first answer (the first binder's read) comes 400 ms after Whop
        // handled it. Without one lock across instances, the other instance reads "unbound" in
        // the meantime, binds its machine and confirms it, then the first one writes and confirms
        // its own: two winners. With the lock, the other instance reads only after the binding.
        whop.mock()
            .inject_after_handling(Fault::Delay(Duration::from_millis(400)), 1);
        let started = std::time::Instant::now();
        let requests: Vec<_> = (0..MACHINES)
            .map(|i| {
                let (http, addr) = (http.clone(), instances[i % 2]);
                tokio::spawn(async move {
                    let hwid = format!("machine-{i:03}");
                    let body = json!({ "license_key": KEY, "hardware_id": hwid });
                    (hwid, post(&http, addr, "/v1/activate", body).await)
                })
            })
            .collect();
        let mut winners = Vec::new();
        let mut others = Vec::new();
        for request in requests {
            let (hwid, (status, body)) = request.await.expect("the request task");
            match status {
                200 => winners.push((hwid, body)),
                _ => others.push((status, error_type(&body).to_owned())),
            }
        }
        let elapsed = started.elapsed();
        assert_eq!(winners.len(), 1, "winners: {:?}", winners.len());
        let bound = others
            .iter()
            .filter(|(status, kind)| *status == 409 && kind == "bound_to_another_machine")
            .count();
        let unexpected: Vec<_> = others
            .iter()
            .filter(|(status, _)| *status != 409)
            .take(5)
            .collect();
        assert_eq!(bound, MACHINES - 1, "first other answers: {unexpected:?}");

        let (hwid, body) = &winners[0];
        let membership = whop.mock().membership(MEMBERSHIP).expect("the membership");
        assert_eq!(
            membership.metadata[HWID_METADATA_KEY].as_str(),
            Some(hwid.as_str()),
            "Whop's binding is not the winner's"
        );
        let token = body["token"].as_str().expect("a token");
        let verdict = Verifier::new(public, DEFAULT_PRODUCT_ID).verify(
            token,
            hwid,
            std::time::SystemTime::now(),
            None,
        );
        assert!(matches!(verdict, Verdict::Valid(_)), "{verdict:?}");

        let calls = whop.mock().requests();
        // The figures, with `--nocapture`.
        eprintln!(
            "{MACHINES} activations over 2 instances: {elapsed:?}, {} Whop calls",
            calls.len()
        );
        assert!(
            calls.iter().all(|r| r.status != Some(429)),
            "Whop answered 429"
        );
        assert!(
            calls.len() <= 20,
            "{} Whop calls for one key: the cache and the lock should keep it to a few",
            calls.len()
        );
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_token_signed_by_one_instance_refreshes_on_the_other() {
    bounded(async {
        let redis = RedisServer::start();
        let whop = whop().await;
        let (text, public) = key_file();
        let a = instance(&whop, keys(&text), &redis.url()).await;
        let b = instance(&whop, keys(&text), &redis.url()).await;
        let http = Transport::builder().build_http_client().expect("a client");
        let activate = json!({ "license_key": KEY, "hardware_id": "machine-a" });
        let (status, body) = post(&http, a, "/v1/activate", activate).await;
        assert_eq!(status, 200, "{body}");
        let token = body["token"].as_str().expect("a token").to_owned();
        let (status, body) = post(&http, b, "/v1/refresh", json!({ "token": token })).await;
        assert_eq!(status, 200, "{body}");
        let fresh = body["token"].as_str().expect("a token");
        let verdict = Verifier::new(public, DEFAULT_PRODUCT_ID).verify(
            fresh,
            "machine-a",
            std::time::SystemTime::now(),
            None,
        );
        let Verdict::Valid(license) = verdict else {
            panic!("{verdict:?}");
        };
        assert_eq!(license.membership_id, MEMBERSHIP);
    })
    .await;
}
