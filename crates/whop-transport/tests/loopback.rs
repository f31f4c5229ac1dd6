//! The default transport against real servers on loopback (plain HTTP and TLS).

use std::time::{Duration, Instant};

use bytes::Bytes;
use http::header::{AUTHORIZATION, LOCATION, USER_AGENT};
use http::{HeaderValue, Method, Request, Response, StatusCode};
use tower::ServiceExt;
use whop_transport::{
    API_VERSION_DATE, ApiFamily, ApiVersionDate, Attempts, DEPRECATION, Endpoint, Error, ErrorKind,
    IDEMPOTENCY_KEY, RequestExt, RequestSent, RetryConfig, RetryLayer, Token, Transport,
    TransportBuilder,
};

use whop_test_server::{
    RawScript, ScriptedServer, TestCertificate, response, unused_loopback_addr,
};

/// Short, deterministic retries for tests: no budget, millisecond backoffs.
fn fast_retry() -> RetryConfig {
    RetryConfig::default()
        .with_max_attempts(3)
        .with_base_delay(Duration::from_millis(10))
        .with_max_delay(Duration::from_millis(20))
        .with_max_retry_after(Duration::from_secs(3))
        .without_budget()
}

fn builder() -> TransportBuilder {
    Transport::builder()
        .retry(fast_retry())
        .connect_timeout(Duration::from_secs(2))
        .attempt_timeout(Duration::from_secs(3))
        .deadline(Duration::from_secs(8))
}

fn transport() -> Transport {
    builder().build().expect("transport builds")
}

fn request(method: Method, url: &str) -> Request<Bytes> {
    Request::builder()
        .method(method)
        .uri(url)
        .body(Bytes::new())
        .expect("valid request")
}

async fn send(transport: &Transport, req: Request<Bytes>) -> Result<Response<Bytes>, Error> {
    tokio::time::timeout(Duration::from_secs(9), transport.clone().oneshot(req))
        .await
        .expect("every call ends within the test bound")
}

fn attempts(response: &Response<Bytes>) -> u32 {
    response.extensions().get::<Attempts>().map_or(1, |a| a.0)
}

/// An HTTP server on loopback answering request `n` with `respond(n)`.
async fn serve(
    respond: impl Fn(usize) -> Response<Bytes> + Send + Sync + 'static,
) -> ScriptedServer {
    ScriptedServer::http(move |n, _| respond(n))
        .await
        .expect("serves on loopback")
}

/// An HTTP server on loopback answering every request with `code` and an empty body.
async fn status(code: u16) -> ScriptedServer {
    serve(move |_| response(code, &[], "")).await
}

/// A raw TCP server on loopback playing `script` on every connection.
async fn raw(script: RawScript) -> ScriptedServer {
    ScriptedServer::raw(script)
        .await
        .expect("serves on loopback")
}

#[tokio::test]
async fn tls_with_a_trusted_self_signed_ca_succeeds_over_http2_when_enabled() {
    let cert = TestCertificate::new();
    let server = ScriptedServer::https(&cert, |_, _| response(200, &[], "secure"))
        .await
        .expect("serves on loopback");
    let transport = builder()
        .add_root_certificate(cert.ca().clone())
        .build()
        .expect("builds");

    let response = send(&transport, request(Method::GET, &server.url("/tls")))
        .await
        .expect("TLS request succeeds");

    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(response.body(), "secure");
    // The server offers h2 and http/1.1; the client offers h2 only with the `http2` feature.
    let negotiated = if cfg!(feature = "http2") {
        http::Version::HTTP_2
    } else {
        http::Version::HTTP_11
    };
    assert_eq!(response.version(), negotiated, "ALPN picked the protocol");
}

/// A request to the base URL names the base URL's authority once, as the HTTP client writes it:
/// one `Host` header over HTTP/1.1, `:authority` and no `Host` over HTTP/2 (the `http2`
/// feature); the server accepts it.
#[tokio::test]
async fn a_request_to_the_base_url_over_tls_names_the_authority_once() {
    let cert = TestCertificate::new();
    let hosts = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
    let seen = std::sync::Arc::clone(&hosts);
    let server = ScriptedServer::https(&cert, move |_, parts| {
        let host: Vec<String> = parts
            .headers
            .get_all(http::header::HOST)
            .iter()
            .map(|v| v.to_str().unwrap_or("<not text>").to_owned())
            .collect();
        seen.lock()
            .expect("not poisoned")
            .push((host, parts.uri.authority().cloned()));
        response(200, &[], "secure")
    })
    .await
    .expect("serves on loopback");
    let base = server.url("/api");
    let transport = builder()
        .base_url(base.clone())
        .add_root_certificate(cert.ca().clone())
        .build()
        .expect("builds");

    let response = send(&transport, request(Method::GET, &server.url("/api/v5/me")))
        .await
        .expect("TLS request to the base URL succeeds");

    assert_eq!(response.status(), StatusCode::OK);
    let authority = base
        .trim_start_matches("https://")
        .trim_end_matches("/api")
        .to_owned();
    let hosts = hosts.lock().expect("not poisoned");
    let (host, uri_authority) = &hosts[0];
    if cfg!(feature = "http2") {
        assert_eq!(response.version(), http::Version::HTTP_2, "ALPN picked h2");
        assert_eq!(
            uri_authority.as_ref().map(|a| a.as_str()),
            Some(authority.as_str()),
            ":authority is the base URL's"
        );
        assert!(host.is_empty(), "no Host beside :authority: {host:?}");
    } else {
        assert_eq!(host, &vec![authority], "one Host, the base URL's authority");
    }
}

#[tokio::test]
async fn tls_with_an_untrusted_certificate_fails_as_tls_error_never_sent() {
    let cert = TestCertificate::new();
    let server = ScriptedServer::https(&cert, |_, _| response(200, &[], ""))
        .await
        .expect("serves on loopback");

    let error = send(&transport(), request(Method::GET, &server.url("/tls")))
        .await
        .expect_err("untrusted certificate is refused");

    assert_eq!(error.kind(), ErrorKind::Tls, "{error:?}");
    assert_eq!(error.request_sent(), RequestSent::NotSent);
    assert_eq!(error.attempts(), 1, "a TLS failure is not retried");
    assert_eq!(server.requests(), 0);
    assert!(error.to_string().contains("TLS"), "{error}");
}

/// A server on loopback that speaks only TLS 1.2 and answers one request with `200 ok`, and the
/// root (DER) that signed its certificate.
async fn tls12_only_server() -> (String, rustls::pki_types::CertificateDer<'static>) {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};

    let certificate = whop_test_server::TestCertificate::new();
    let config = certificate.server_config(&[&rustls::version::TLS12]);
    let acceptor = tokio_rustls::TlsAcceptor::from(std::sync::Arc::new(config));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("binds loopback");
    let url = format!("https://{}/tls12", listener.local_addr().expect("bound"));
    tokio::spawn(async move {
        while let Ok((stream, _)) = listener.accept().await {
            let Ok(mut stream) = acceptor.accept(stream).await else {
                continue;
            };
            let mut head = Vec::new();
            let mut buf = [0; 1024];
            while !head.windows(4).any(|w| w == b"\r\n\r\n") {
                match stream.read(&mut buf).await {
                    Ok(0) | Err(_) => break,
                    Ok(n) => head.extend_from_slice(&buf[..n]),
                }
            }
            let _ = stream
                .write_all(b"HTTP/1.1 200 OK\r\ncontent-length: 2\r\nconnection: close\r\n\r\nok")
                .await;
            let _ = stream.shutdown().await;
        }
    });
    (url, certificate.ca().clone())
}

#[tokio::test]
async fn a_tls_1_2_only_server_is_reached_with_tls12_and_refused_in_words_without() {
    let (url, root) = tls12_only_server().await;
    let transport = builder()
        .add_root_certificate(root)
        .build()
        .expect("builds");

    let result = send(&transport, request(Method::GET, &url)).await;

    if cfg!(feature = "tls12") {
        let response = result.expect("TLS 1.2 is offered with the (default) feature");
        assert_eq!(response.status(), StatusCode::OK);
        assert_eq!(response.body(), "ok");
    } else {
        // rustls's TLS 1.2 is compiled into this test (the server needs it): the client still
        // offers TLS 1.3 only.
        let error = result.expect_err("TLS 1.3 only without the feature");
        assert_eq!(error.kind(), ErrorKind::Tls, "{error:?}");
        assert_eq!(error.request_sent(), RequestSent::NotSent);
        let message = error.to_string();
        assert!(
            message.contains("this client offers TLS 1.3 only")
                && message.contains("turn on the `tls12` feature"),
            "{message}"
        );
    }
}

#[tokio::test]
async fn get_on_503_503_200_succeeds_after_three_attempts() {
    let server = serve(|i| response(if i < 2 { 503 } else { 200 }, &[], "ok")).await;

    let response = send(&transport(), request(Method::GET, &server.url("/m")))
        .await
        .expect("ok");

    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(attempts(&response), 3);
    assert_eq!(server.requests(), 3);
}

#[tokio::test]
async fn post_not_marked_retry_safe_on_503_makes_one_attempt() {
    let server = status(503).await;

    let response = send(&transport(), request(Method::POST, &server.url("/cancel")))
        .await
        .expect("a 503 is a response, not an error");

    assert_eq!(response.status(), StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!(server.requests(), 1);
}

#[tokio::test]
async fn post_marked_retry_safe_on_503_is_retried_and_the_last_503_is_returned() {
    let server = status(503).await;
    let mut req = request(Method::POST, &server.url("/cancel"));
    req.set_endpoint(Endpoint::new("POST /cancel", ApiFamily::V2).retry_safe());

    let response = send(&transport(), req).await.expect("a 503 is a response");

    assert_eq!(response.status(), StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!(attempts(&response), 3);
    assert_eq!(server.requests(), 3);
}

#[tokio::test]
async fn rate_limited_with_retry_after_1_waits_about_a_second_then_succeeds() {
    let server = serve(|i| {
        if i == 0 {
            response(429, &[("retry-after", "1")], "")
        } else {
            response(200, &[], "")
        }
    })
    .await;

    let start = Instant::now();
    let response = send(&transport(), request(Method::GET, &server.url("/m")))
        .await
        .expect("ok");
    let waited = start.elapsed();

    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(server.requests(), 2);
    assert!(waited >= Duration::from_millis(950), "waited {waited:?}");
    assert!(waited < Duration::from_millis(2500), "waited {waited:?}");
}

#[tokio::test]
async fn rate_limited_without_retry_after_is_returned_at_once() {
    let server = status(429).await;

    let start = Instant::now();
    let response = send(&transport(), request(Method::GET, &server.url("/m")))
        .await
        .expect("429");

    assert_eq!(response.status(), StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(server.requests(), 1);
    assert!(start.elapsed() < Duration::from_millis(500));
}

#[tokio::test]
async fn connection_refused_is_retried_even_for_post_then_fails_never_sent() {
    let addr = unused_loopback_addr();

    let error = send(
        &transport(),
        request(Method::POST, &format!("http://{addr}/cancel")),
    )
    .await
    .expect_err("nothing listens");

    assert_eq!(error.kind(), ErrorKind::Connect);
    assert_eq!(error.request_sent(), RequestSent::NotSent);
    assert_eq!(error.attempts(), 3);
    assert!(error.to_string().contains("never sent"), "{error}");
}

#[tokio::test]
async fn a_server_that_never_answers_hits_the_per_attempt_timeout() {
    let server = raw(RawScript::new()).await;
    let transport = builder()
        .retry(RetryConfig::disabled())
        .attempt_timeout(Duration::from_millis(200))
        .build()
        .expect("builds");

    let start = Instant::now();
    let error = send(&transport, request(Method::GET, &server.url("/m")))
        .await
        .expect_err("hangs");
    let took = start.elapsed();

    assert_eq!(error.kind(), ErrorKind::Timeout);
    assert_eq!(error.request_sent(), RequestSent::MaybeSent);
    assert!(
        took >= Duration::from_millis(190) && took < Duration::from_secs(1),
        "took {took:?}"
    );
    assert_eq!(server.requests(), 1);
}

#[tokio::test]
async fn a_server_that_never_answers_is_bounded_by_the_overall_deadline_across_retries() {
    let server = raw(RawScript::new()).await;
    let transport = builder()
        .retry(fast_retry().with_max_attempts(10))
        .attempt_timeout(Duration::from_millis(300))
        .deadline(Duration::from_millis(700))
        .build()
        .expect("builds");

    let start = Instant::now();
    let error = send(&transport, request(Method::GET, &server.url("/m")))
        .await
        .expect_err("hangs");
    let took = start.elapsed();

    assert_eq!(error.kind(), ErrorKind::DeadlineExceeded, "{error:?}");
    assert_eq!(error.request_sent(), RequestSent::MaybeSent);
    assert!(took >= Duration::from_millis(690), "took {took:?}");
    assert!(
        took < Duration::from_millis(1000),
        "deadline held: took {took:?}"
    );
    assert!(server.requests() >= 2, "retried within the deadline");
}

#[tokio::test]
async fn a_body_over_the_cap_is_a_typed_error() {
    let server = serve(|_| response(200, &[], "x".repeat(2048))).await;
    let transport = builder().max_body_bytes(1024).build().expect("builds");

    let error = send(&transport, request(Method::GET, &server.url("/big")))
        .await
        .expect_err("big");

    assert_eq!(error.kind(), ErrorKind::BodyTooLarge { limit: 1024 });
    assert_eq!(error.status(), Some(StatusCode::OK));
}

#[tokio::test]
async fn a_chunked_body_over_the_cap_is_counted_while_collecting() {
    static REPLY: &[u8] = b"HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\n\
        200\r\nxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\r\n0\r\n\r\n";
    let server = raw(RawScript::new().write(REPLY).close()).await;
    let transport = builder().max_body_bytes(100).build().expect("builds");

    let error = send(&transport, request(Method::GET, &server.url("/big")))
        .await
        .expect_err("big");

    assert_eq!(error.kind(), ErrorKind::BodyTooLarge { limit: 100 });
}

#[tokio::test]
async fn a_hundred_sequential_calls_reuse_one_connection() {
    let server = status(200).await;
    let transport = transport();

    for _ in 0..100 {
        let response = send(&transport, request(Method::GET, &server.url("/m")))
            .await
            .expect("ok");
        assert_eq!(response.status(), StatusCode::OK);
    }

    assert_eq!(server.requests(), 100);
    assert_eq!(server.connections_accepted(), 1);
}

#[tokio::test]
async fn concurrent_calls_from_many_tasks_all_succeed() {
    let server = status(200).await;
    let transport = transport();
    let url = server.url("/m");

    let mut tasks = tokio::task::JoinSet::new();
    for _ in 0..32 {
        let (transport, url) = (transport.clone(), url.clone());
        tasks.spawn(async move { send(&transport, request(Method::GET, &url)).await });
    }
    while let Some(result) = tasks.join_next().await {
        assert_eq!(
            result.expect("task ran").expect("ok").status(),
            StatusCode::OK
        );
    }
    assert_eq!(server.requests(), 32);
}

#[tokio::test]
async fn the_authorization_header_and_user_agent_reach_the_server() {
    let server = status(200).await;
    let transport = builder()
        .token(Token::new("sk_test_123").expect("valid"))
        .base_url(server.url("/api"))
        .build()
        .expect("builds");

    send(&transport, request(Method::GET, &server.url("/api/m")))
        .await
        .expect("ok");

    let headers = &server.headers()[0];
    assert_eq!(headers[AUTHORIZATION], "Bearer sk_test_123");
    let agent = headers[USER_AGENT].to_str().expect("ascii");
    assert_eq!(agent, format!("whop-rs/{}", env!("CARGO_PKG_VERSION")));
}

#[tokio::test]
async fn a_path_only_request_goes_under_the_base_url_with_the_default_token() {
    let server = ScriptedServer::http(|_, head| {
        let expected = head.uri == "/api/v2/memberships/mem_1?expand[]=plan";
        response(if expected { 200 } else { 404 }, &[], "")
    })
    .await
    .expect("server starts");
    let transport = builder()
        .token(Token::new("sk_test_123").expect("valid"))
        .base_url(server.url("/api"))
        .build()
        .expect("builds");

    let response = send(
        &transport,
        request(Method::GET, "/v2/memberships/mem_1?expand[]=plan"),
    )
    .await
    .expect("ok");

    assert_eq!(
        response.status(),
        StatusCode::OK,
        "the path under the base URL"
    );
    assert_eq!(server.headers()[0][AUTHORIZATION], "Bearer sk_test_123");
}

#[tokio::test]
async fn a_token_in_the_request_extensions_is_that_requests_credential() {
    let server = status(200).await;
    let transport = builder()
        .token(Token::new("company_key").expect("valid"))
        .base_url(server.url("/api"))
        .build()
        .expect("builds");
    let mut req = request(Method::GET, "/v5/me/memberships/x");
    req.extensions_mut()
        .insert(Token::new("user_token").expect("valid"));

    send(&transport, req).await.expect("ok");

    assert_eq!(server.headers()[0][AUTHORIZATION], "Bearer user_token");
}

#[tokio::test]
async fn an_existing_authorization_header_is_not_overwritten() {
    let server = status(200).await;
    let transport = builder()
        .token(Token::new("company_key").expect("valid"))
        .build()
        .expect("builds");
    let mut req = request(Method::GET, &server.url("/api/v5/me/memberships/x"));
    req.headers_mut()
        .insert(AUTHORIZATION, HeaderValue::from_static("Bearer user_token"));

    send(&transport, req).await.expect("ok");

    assert_eq!(server.headers()[0][AUTHORIZATION], "Bearer user_token");
}

#[tokio::test]
async fn the_token_is_not_sent_to_hosts_other_than_the_base_url() {
    let server = status(200).await;
    let transport = builder()
        .token(Token::new("company_key").expect("valid"))
        .base_url("https://api.whop.com/api")
        .build()
        .expect("builds");

    send(&transport, request(Method::GET, &server.url("/m")))
        .await
        .expect("ok");

    assert!(server.headers()[0].get(AUTHORIZATION).is_none());
}

#[tokio::test]
async fn http_to_a_non_loopback_host_is_refused_and_never_sent() {
    let error = send(
        &transport(),
        request(Method::GET, "http://api.whop.com/api/v2/memberships"),
    )
    .await
    .expect_err("refused");

    assert_eq!(error.kind(), ErrorKind::InvalidRequest);
    assert_eq!(error.request_sent(), RequestSent::NotSent);
    assert_eq!(error.attempts(), 1);
}

#[tokio::test]
async fn a_301_is_returned_not_followed() {
    let server =
        serve(|_| response(301, &[("location", "http://127.0.0.1:1/elsewhere")], "")).await;

    let response = send(&transport(), request(Method::GET, &server.url("/m")))
        .await
        .expect("301");

    assert_eq!(response.status(), StatusCode::MOVED_PERMANENTLY);
    assert_eq!(response.headers()[LOCATION], "http://127.0.0.1:1/elsewhere");
    assert_eq!(server.requests(), 1);
}

#[tokio::test]
async fn a_deprecation_header_is_left_on_the_response() {
    let server = serve(|_| response(200, &[("deprecation", "true")], "{}")).await;

    let response = send(&transport(), request(Method::GET, &server.url("/m")))
        .await
        .expect("ok");

    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(response.headers()[DEPRECATION], "true");
}

#[tokio::test]
async fn the_pool_idle_timeout_closes_idle_connections() {
    let server = status(200).await;
    let transport = builder()
        .pool_idle_timeout(Duration::from_millis(100))
        .build()
        .expect("builds");

    send(&transport, request(Method::GET, &server.url("/m")))
        .await
        .expect("ok");
    tokio::time::sleep(Duration::from_millis(500)).await;

    // Without a pool timer, hyper-util only notices expiry at the next checkout and the socket
    // stays open until then; with it, the idle connection is closed in the background.
    assert_eq!(
        server.connections_closed(),
        1,
        "the idle connection was closed while idle"
    );
    send(&transport, request(Method::GET, &server.url("/m")))
        .await
        .expect("ok");
    assert_eq!(server.connections_accepted(), 2);
}

#[tokio::test]
async fn an_exhausted_retry_budget_stops_retrying() {
    let server = status(503).await;
    let no_reserve = fast_retry().with_budget(Duration::from_secs(1), 0, 0.0);
    let transport = builder().retry(no_reserve).build().expect("builds");

    let response = send(&transport, request(Method::GET, &server.url("/m")))
        .await
        .expect("503");

    assert_eq!(response.status(), StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!(server.requests(), 1);
}

#[tokio::test]
async fn a_connection_dropped_after_sending_a_post_is_not_retried_and_may_have_been_sent() {
    let server = raw(RawScript::new().close()).await;

    let error = send(&transport(), request(Method::POST, &server.url("/cancel")))
        .await
        .expect_err("no response");

    assert_eq!(error.kind(), ErrorKind::ConnectionClosed, "{error:?}");
    assert_eq!(error.request_sent(), RequestSent::MaybeSent);
    assert!(error.to_string().contains("may have been sent"), "{error}");
    assert_eq!(server.requests(), 1);
}

#[tokio::test]
async fn a_connection_dropped_after_sending_a_get_is_retried() {
    let server = raw(RawScript::new().close()).await;

    let error = send(&transport(), request(Method::GET, &server.url("/m")))
        .await
        .expect_err("no response");

    assert_eq!(error.kind(), ErrorKind::ConnectionClosed, "{error:?}");
    assert_eq!(error.attempts(), 3);
    assert_eq!(server.requests(), 3);
}

#[tokio::test]
async fn a_head_response_declaring_a_length_over_the_cap_is_not_an_error() {
    let server = serve(|_| response(200, &[], "x".repeat(2048))).await;
    let transport = builder().max_body_bytes(1024).build().expect("builds");

    let response = send(&transport, request(Method::HEAD, &server.url("/big")))
        .await
        .expect("ok");

    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(response.headers()[http::header::CONTENT_LENGTH], "2048");
    assert!(response.body().is_empty());
}

#[tokio::test]
async fn unbounded_timeouts_and_cap_do_not_overflow() {
    let server = status(200).await;
    let transport = builder()
        .attempt_timeout(Duration::MAX)
        .deadline(Duration::MAX)
        .connect_timeout(Duration::MAX)
        .max_body_bytes(usize::MAX)
        .build()
        .expect("builds");

    let response = send(&transport, request(Method::GET, &server.url("/m")))
        .await
        .expect("ok");

    assert_eq!(response.status(), StatusCode::OK);
}

/// A request to `url` declared as `route` of `family`.
fn endpoint_request(
    method: Method,
    url: &str,
    route: &'static str,
    family: ApiFamily,
) -> Request<Bytes> {
    let mut req = request(method, url);
    req.set_endpoint(Endpoint::new(route, family));
    req
}

/// The `name` header of each request the server received, in order.
fn received(server: &ScriptedServer, name: &http::HeaderName) -> Vec<Option<String>> {
    server
        .headers()
        .iter()
        .map(|headers| {
            headers
                .get(name)
                .map(|v| v.to_str().expect("ASCII").to_owned())
        })
        .collect()
}

#[tokio::test]
async fn a_v1_request_carries_the_pinned_api_version_date_and_v2_and_v5_requests_none() {
    let server = status(200).await;
    let transport = transport();
    // (family, expected Api-Version-Date)
    let cases = [
        (ApiFamily::V1, Some(ApiVersionDate::PINNED.to_string())),
        (ApiFamily::V2, None),
        (ApiFamily::V5, None),
    ];
    for (family, _) in &cases {
        let req = endpoint_request(Method::GET, &server.url("/m"), "GET /m", *family);
        send(&transport, req).await.expect("ok");
    }
    let expected: Vec<_> = cases.into_iter().map(|(_, date)| date).collect();
    assert_eq!(received(&server, &API_VERSION_DATE), expected);
}

#[tokio::test]
async fn a_requests_own_api_version_date_wins_over_the_transports() {
    let server = status(200).await;
    let mut req = endpoint_request(Method::GET, &server.url("/m"), "GET /m", ApiFamily::V1);
    req.headers_mut()
        .insert(API_VERSION_DATE, HeaderValue::from_static("2026-09-02-2"));
    send(&transport(), req).await.expect("ok");
    assert_eq!(
        received(&server, &API_VERSION_DATE),
        [Some("2026-09-02-2".to_owned())]
    );
}

#[tokio::test]
async fn the_transports_api_version_date_replaces_the_pin() {
    let server = status(200).await;
    let transport = builder()
        .api_version_date("2026-09-29".parse().expect("valid"))
        .build()
        .expect("builds");
    let req = endpoint_request(Method::GET, &server.url("/m"), "GET /m", ApiFamily::V1);
    send(&transport, req).await.expect("ok");
    assert_eq!(
        received(&server, &API_VERSION_DATE),
        [Some("2026-09-29".to_owned())]
    );
}

#[tokio::test]
async fn only_v1_writes_get_an_idempotency_key() {
    let server = status(200).await;
    let transport = transport();
    // (method, family, expects a key)
    let cases = [
        (Method::POST, ApiFamily::V1, true),
        (Method::PATCH, ApiFamily::V1, true),
        (Method::GET, ApiFamily::V1, false),
        (Method::POST, ApiFamily::V2, false),
        (Method::POST, ApiFamily::V5, false),
    ];
    for (method, family, _) in &cases {
        let req = endpoint_request(method.clone(), &server.url("/w"), "W /w", *family);
        send(&transport, req).await.expect("ok");
    }
    let keys = received(&server, &IDEMPOTENCY_KEY);
    for ((method, family, expected), key) in cases.iter().zip(&keys) {
        assert_eq!(key.is_some(), *expected, "{method} {family}: {key:?}");
    }
    assert_ne!(keys[0], keys[1], "a fresh key per call");
}

#[tokio::test]
async fn every_attempt_of_a_v1_write_sends_the_same_idempotency_key() {
    let server = serve(|i| response(if i == 0 { 503 } else { 200 }, &[], "ok")).await;
    let req = endpoint_request(
        Method::POST,
        &server.url("/v1/memberships/mem_1/cancel"),
        "POST /v1/memberships/{id}/cancel",
        ApiFamily::V1,
    );

    let response = send(&transport(), req).await.expect("ok");

    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(attempts(&response), 2);
    let keys = received(&server, &IDEMPOTENCY_KEY);
    assert_eq!(keys.len(), 2);
    assert!(keys[0].is_some(), "{keys:?}");
    assert_eq!(keys[0], keys[1]);
}

#[tokio::test]
async fn a_callers_idempotency_key_is_kept() {
    let server = status(200).await;
    let mut req = endpoint_request(Method::POST, &server.url("/w"), "POST /w", ApiFamily::V1);
    req.headers_mut()
        .insert(IDEMPOTENCY_KEY, HeaderValue::from_static("my-key-1"));
    send(&transport(), req).await.expect("ok");
    assert_eq!(
        received(&server, &IDEMPOTENCY_KEY),
        [Some("my-key-1".to_owned())]
    );
}

/// The default stack's retry layer without the idempotency layer: a v1 POST is then an ordinary
/// POST. What makes the default stack retry it is the key, not the family.
#[tokio::test]
async fn a_v1_post_on_503_is_retried_because_of_its_idempotency_key() {
    let server = status(503).await;
    let without_keys = tower::ServiceBuilder::new()
        .layer(RetryLayer::new(fast_retry()))
        .service(builder().build_http_client().expect("builds"));
    let v1_post = || endpoint_request(Method::POST, &server.url("/w"), "POST /w", ApiFamily::V1);

    let unkeyed = tokio::time::timeout(Duration::from_secs(9), without_keys.oneshot(v1_post()))
        .await
        .expect("within the bound")
        .expect("a 503 is a response");
    assert_eq!(attempts(&unkeyed), 1, "no key: not retry-safe");

    let keyed = send(&transport(), v1_post())
        .await
        .expect("a 503 is a response");
    assert_eq!(keyed.status(), StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!(attempts(&keyed), 3, "the key makes it retry-safe");
    assert_eq!(server.requests(), 4);
}

#[tokio::test]
async fn a_v1_429_waits_the_seconds_its_message_names_then_succeeds() {
    let server = serve(|i| {
        if i == 0 {
            let body =
                r#"{"error":{"type":"rate_limit_exceeded","message":"Try again in 1 seconds."}}"#;
            response(429, &[], body)
        } else {
            response(200, &[], "")
        }
    })
    .await;
    let req = endpoint_request(Method::GET, &server.url("/m"), "GET /m", ApiFamily::V1);

    let start = Instant::now();
    let response = send(&transport(), req).await.expect("ok");
    let waited = start.elapsed();

    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(server.requests(), 2);
    assert!(waited >= Duration::from_millis(950), "waited {waited:?}");
    assert!(waited < Duration::from_millis(4000), "waited {waited:?}");
}
