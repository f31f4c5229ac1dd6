use http_body_util::{BodyExt, Full};
use hyper_util::rt::TokioIo;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

use super::*;
use crate::{Fault, MockServer};

type Sender = hyper::client::conn::http1::SendRequest<Full<Bytes>>;

async fn connect(server: &MockServer) -> Sender {
    bounded(async {
        let stream = TcpStream::connect(server.addr()).await.expect("connect");
        let (sender, connection) = hyper::client::conn::http1::handshake(TokioIo::new(stream))
            .await
            .expect("handshake");
        tokio::spawn(connection);
        sender
    })
    .await
}

async fn send(sender: &mut Sender, request: Request<Bytes>) -> Response<Bytes> {
    bounded(async {
        let (mut parts, body) = request.into_parts();
        parts
            .headers
            .insert("host", http::HeaderValue::from_static("127.0.0.1"));
        sender.ready().await.expect("connection ready");
        let response = sender
            .send_request(Request::from_parts(parts, Full::new(body)))
            .await
            .expect("response");
        let (parts, body) = response.into_parts();
        let body = body.collect().await.expect("body").to_bytes();
        Response::from_parts(parts, body)
    })
    .await
}

/// Writes raw bytes and reads until the server closes the connection.
async fn raw_exchange(server: &MockServer, raw: &[u8]) -> Vec<u8> {
    bounded(async {
        let mut stream = TcpStream::connect(server.addr()).await.expect("connect");
        stream.write_all(raw).await.expect("write");
        let mut answer = Vec::new();
        let _ = stream.read_to_end(&mut answer).await;
        answer
    })
    .await
}

async fn assert_refuses_connections(addr: std::net::SocketAddr) {
    bounded(async {
        loop {
            match TcpStream::connect(addr).await {
                Err(_) => break,
                Ok(_) => tokio::time::sleep(Duration::from_millis(10)).await,
            }
        }
    })
    .await;
}

#[tokio::test]
async fn served_cancel_over_http_answers_201_with_deprecation_header() {
    let server = bounded(world().build().serve()).await.expect("serve");
    assert!(server.base_url().starts_with("http://127.0.0.1:"));
    let mut sender = connect(&server).await;
    let response = send(
        &mut sender,
        cancel("mem_1/cancel?expand[]=plan&expand[]=user"),
    )
    .await;
    assert_eq!(response.status(), 201);
    assert!(response.headers().contains_key("deprecation"));
    let body = json(&response);
    assert_eq!(body["cancel_at_period_end"], true);
    assert!(body["plan"].is_object());
    assert!(
        server
            .mock()
            .membership("mem_1")
            .unwrap()
            .cancel_at_period_end
    );
}

#[tokio::test]
async fn served_v5_lookup_logs_the_raw_encoded_path() {
    let mock = world()
        .membership(
            MockMembership::new("mem_h")
                .user("user_1")
                .license_key("a/b c"),
        )
        .build();
    let server = bounded(mock.serve()).await.expect("serve");
    let mut sender = connect(&server).await;
    let response = send(&mut sender, me("a%2Fb%20c", USER_TOKEN)).await;
    assert_eq!(response.status(), 200);
    assert_eq!(json(&response)["id"], "mem_h");
    assert_eq!(mock.requests()[0].path, "/api/v5/me/memberships/a%2Fb%20c");
}

#[tokio::test]
async fn keep_alive_requests_reuse_one_connection() {
    let server = bounded(world().build().serve()).await.expect("serve");
    let mut sender = connect(&server).await;
    for _ in 0..3 {
        assert_eq!(
            send(&mut sender, me("mem_1", USER_TOKEN)).await.status(),
            200
        );
    }
    assert_eq!(server.connections_accepted(), 1);
    let mut second = connect(&server).await;
    send(&mut second, me("mem_1", USER_TOKEN)).await;
    assert_eq!(server.connections_accepted(), 2);
}

#[tokio::test]
async fn dropped_connection_fault_closes_the_socket_without_a_response() {
    let mock = world().build();
    let server = bounded(mock.serve()).await.expect("serve");
    mock.inject(Fault::DropConnection, 1);
    let answer = raw_exchange(
        &server,
        b"GET /api/v5/me/memberships/mem_1 HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer user-1-token\r\n\r\n",
    )
    .await;
    assert!(
        answer.is_empty(),
        "got {:?}",
        String::from_utf8_lossy(&answer)
    );
    // The server keeps serving.
    let mut sender = connect(&server).await;
    assert_eq!(
        send(&mut sender, me("mem_1", USER_TOKEN)).await.status(),
        200
    );
}

#[tokio::test]
async fn hostile_raw_requests_do_not_break_the_server() {
    let server = bounded(world().build().serve()).await.expect("serve");
    let huge_header = format!(
        "GET /api/v5/me/memberships/mem_1 HTTP/1.1\r\nHost: x\r\nConnection: close\r\nX-Big: {}\r\n\r\n",
        "a".repeat(200_000)
    );
    for raw in [
        b"GET /api/v5/me/memberships/%FF%00%zz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n".to_vec(),
        b"GET /api/v5/me/memberships/../../etc HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n".to_vec(),
        b"POST /api/v2/memberships/mem_1/cancel?expand[]=%ZZ&expand HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer \r\nConnection: close\r\n\r\n".to_vec(),
        b"\x00\x01garbage\r\n\r\n".to_vec(),
        huge_header.into_bytes(),
    ] {
        let _ = raw_exchange(&server, &raw).await;
    }
    let mut sender = connect(&server).await;
    assert_eq!(
        send(&mut sender, me("mem_1", USER_TOKEN)).await.status(),
        200
    );
}

#[tokio::test]
async fn shutdown_closes_open_connections_and_stops_accepting() {
    let server = bounded(world().build().serve()).await.expect("serve");
    let addr = server.addr();
    let mut idle = bounded(TcpStream::connect(addr)).await.expect("connect");
    bounded(async {
        while server.connections_accepted() == 0 {
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
    })
    .await;
    bounded(server.shutdown()).await;
    let mut buf = [0u8; 16];
    let read = bounded(idle.read(&mut buf)).await;
    assert!(matches!(read, Ok(0) | Err(_)), "connection still open");
    assert_refuses_connections(addr).await;
}

#[tokio::test]
async fn dropping_the_server_stops_it() {
    let server = bounded(world().build().serve()).await.expect("serve");
    let addr = server.addr();
    drop(server);
    assert_refuses_connections(addr).await;
}

#[tokio::test]
async fn many_concurrent_connections_are_all_answered_correctly() {
    let mock = world().build();
    let server = bounded(mock.serve()).await.expect("serve");
    let mut calls = tokio::task::JoinSet::new();
    for i in 0..64 {
        let addr = server.addr();
        calls.spawn(async move {
            let stream = TcpStream::connect(addr).await.expect("connect");
            let (mut sender, connection) =
                hyper::client::conn::http1::handshake(TokioIo::new(stream))
                    .await
                    .expect("handshake");
            tokio::spawn(connection);
            let (segment, token, id) = if i % 2 == 0 {
                ("K-1", USER_TOKEN, "mem_1")
            } else {
                ("K-2", OTHER_USER_TOKEN, "mem_2")
            };
            let response = send(&mut sender, me(segment, token)).await;
            assert_eq!(response.status(), 200);
            assert_eq!(json(&response)["id"], id);
        });
    }
    bounded(async {
        while let Some(result) = calls.join_next().await {
            result.expect("call task");
        }
    })
    .await;
    assert_eq!(server.connections_accepted(), 64);
    assert_eq!(mock.requests().len(), 64);
}

#[test]
fn public_handles_are_send_sync_and_the_service_future_is_send() {
    fn send_sync<T: Send + Sync + 'static>() {}
    fn send<T: Send>() {}
    send_sync::<MockWhop>();
    send_sync::<MockServer>();
    send_sync::<crate::RecordedRequest>();
    send_sync::<crate::MockError>();
    send::<crate::ResponseFuture>();
}

#[tokio::test]
async fn truncated_body_over_http_closes_the_connection_mid_body() {
    let mock = world().build();
    let server = bounded(mock.serve()).await.expect("serve");
    mock.inject(Fault::TruncatedBody { keep: 7 }, 1);
    let answer = raw_exchange(
        &server,
        b"GET /api/v5/me/memberships/mem_1 HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer user-1-token\r\n\r\n",
    )
    .await;
    let answer = String::from_utf8_lossy(&answer);
    let (head, body) = answer.split_once("\r\n\r\n").expect("headers were sent");
    assert!(head.starts_with("HTTP/1.1 200"), "{head}");
    let announced: usize = head
        .lines()
        .find_map(|line| line.strip_prefix("content-length: "))
        .expect("content-length")
        .parse()
        .unwrap();
    assert_eq!(body.len(), 7);
    assert!(announced > 7);
}

#[tokio::test]
async fn trickled_body_over_http_arrives_in_chunks_over_time() {
    let mock = world().build();
    let server = bounded(mock.serve()).await.expect("serve");
    mock.inject(
        Fault::TrickleBody {
            chunk: 64,
            interval: Duration::from_millis(10),
        },
        1,
    );
    let mut sender = connect(&server).await;
    let started = tokio::time::Instant::now();
    let response = send(&mut sender, me("mem_1", USER_TOKEN)).await;
    let chunks = response.body().len().div_ceil(64);
    assert!(chunks >= 3);
    assert!(started.elapsed() >= Duration::from_millis(10) * u32::try_from(chunks).unwrap());
    assert_eq!(json(&response)["id"], "mem_1");
}

#[tokio::test]
async fn a_v1_patch_over_http_merges_and_is_logged_with_its_api_version_date() {
    let mock = world().build();
    let server = mock.serve().await.expect("serve");
    let mut sender = connect(&server).await;
    let body = serde_json::json!({ "metadata": { "hwid": "A" } });
    let response = send(
        &mut sender,
        v1("PATCH", "/memberships/K-1", COMPANY_KEY, NEW, Some(&body)),
    )
    .await;
    assert_eq!(response.status(), 200);
    assert_eq!(json(&response)["metadata"]["hwid"], "A");
    let logged = mock.requests().pop().expect("logged");
    assert_eq!(logged.api_version_date.as_deref(), NEW);
    assert!(logged.is_v1());
}
