//! Unit tests: one behaviour each, every test bounded in time.

use std::future::Future;
use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

use crate::{RawScript, ScriptedServer, response, unused_loopback_addr};

/// Fails the test instead of hanging it.
async fn bounded<F: Future>(future: F) -> F::Output {
    tokio::time::timeout(Duration::from_secs(5), future)
        .await
        .expect("test step took longer than 5 s")
}

const GET: &[u8] = b"GET /m HTTP/1.1\r\nhost: 127.0.0.1\r\nx-test: 1\r\n\r\n";

async fn connect(server: &ScriptedServer) -> TcpStream {
    bounded(TcpStream::connect(server.addr()))
        .await
        .expect("connect")
}

/// Writes `request`, then reads until the server closes or resets the connection.
async fn exchange(stream: &mut TcpStream, request: &[u8]) -> (Vec<u8>, std::io::Result<usize>) {
    bounded(async {
        stream.write_all(request).await.expect("write");
        let mut answer = Vec::new();
        let end = stream.read_to_end(&mut answer).await;
        (answer, end)
    })
    .await
}

async fn eventually(mut condition: impl FnMut() -> bool) {
    bounded(async {
        while !condition() {
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
    })
    .await;
}

#[tokio::test]
async fn http_answers_request_n_with_respond_n_over_one_kept_alive_connection() {
    let server = ScriptedServer::http(|n, head| {
        assert_eq!(head.uri.path(), "/m");
        response(
            if n == 0 { 503 } else { 200 },
            &[("x-n", &n.to_string())],
            "ok",
        )
    })
    .await
    .expect("serves");
    let mut stream = connect(&server).await;
    let two = [GET, GET].concat();
    let pipelined = [
        &two[..],
        b"GET /m HTTP/1.1\r\nhost: x\r\nconnection: close\r\n\r\n",
    ]
    .concat();

    let (answer, _) = exchange(&mut stream, &pipelined).await;

    let answer = String::from_utf8(answer).expect("ASCII");
    assert!(answer.starts_with("HTTP/1.1 503"), "{answer}");
    assert_eq!(answer.matches("HTTP/1.1 200").count(), 2, "{answer}");
    assert!(answer.contains("x-n: 2"), "{answer}");
    assert_eq!(server.requests(), 3);
    assert_eq!(server.connections_accepted(), 1);
    assert_eq!(server.headers()[0]["x-test"], "1");
    eventually(|| server.connections_closed() == 1).await;
}

#[tokio::test]
async fn raw_reset_sends_nothing_and_resets_the_connection() {
    let server = ScriptedServer::raw(RawScript::new().reset())
        .await
        .expect("serves");
    let mut stream = connect(&server).await;

    let (answer, end) = exchange(&mut stream, GET).await;

    assert!(answer.is_empty());
    assert_eq!(
        end.expect_err("reset").kind(),
        std::io::ErrorKind::ConnectionReset
    );
    assert_eq!(server.requests(), 1);
    assert_eq!(server.headers()[0]["x-test"], "1");
}

#[tokio::test]
async fn raw_write_then_close_sends_exactly_the_bytes_then_holds_until_the_client_closes() {
    let server = ScriptedServer::raw(RawScript::new().write(b"HTTP/1.1 200 OK\r\n").close())
        .await
        .expect("serves");
    let mut stream = connect(&server).await;

    let (answer, end) = exchange(&mut stream, GET).await;

    assert_eq!(answer, b"HTTP/1.1 200 OK\r\n");
    assert_eq!(end.expect("FIN"), answer.len());
    assert_eq!(server.connections_open(), 1, "held for the client to close");
    assert!(!server.all_closed_within(Duration::from_millis(20)).await);
    drop(stream);
    assert!(server.all_closed_within(Duration::from_secs(3)).await);
    assert_eq!(server.connections_closed(), 1);
}

#[tokio::test]
async fn raw_silent_answers_nothing_and_counts_every_request_head() {
    let server = ScriptedServer::raw(RawScript::new()).await.expect("serves");
    let mut stream = connect(&server).await;
    let pause = Duration::from_millis(30);

    bounded(async {
        stream.write_all(GET).await.expect("write");
        stream.write_all(GET).await.expect("write");
        let mut byte = [0u8; 1];
        let read = tokio::time::timeout(pause, stream.read(&mut byte)).await;
        assert!(read.is_err(), "nothing is answered");
    })
    .await;

    eventually(|| server.requests() == 2).await;
    assert_eq!(server.connections_open(), 1);
}

#[tokio::test]
async fn raw_per_connection_plays_the_script_for_each_connection_index() {
    let server = ScriptedServer::raw_per_connection(|n| {
        RawScript::new()
            .pause(Duration::from_millis(1))
            .write(format!("connection {n}"))
            .close()
    })
    .await
    .expect("serves");

    for n in 0..3 {
        let mut stream = connect(&server).await;
        let (answer, _) = exchange(&mut stream, GET).await;
        assert_eq!(answer, format!("connection {n}").as_bytes());
    }
    assert_eq!(server.connections_accepted(), 3);
}

#[tokio::test]
async fn shutdown_stops_the_server_and_an_unused_address_refuses() {
    let server = ScriptedServer::raw(RawScript::new()).await.expect("serves");
    let addr = server.addr();
    assert!(server.base_url().starts_with("http://127.0.0.1:"));
    assert_eq!(server.url("/x"), format!("http://{addr}/x"));
    bounded(server.shutdown()).await;
    assert!(TcpStream::connect(addr).await.is_err());
    assert!(TcpStream::connect(unused_loopback_addr()).await.is_err());
}
