//! The raw mode: read a request head, then write exactly the bytes a script says, pause, close or
//! reset.

use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;
use http::{HeaderMap, HeaderName, HeaderValue};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

use super::{ScriptedServer, Seen};

/// How long a connection is held open, after its script, for the client to close it.
pub const HOLD_LIMIT: Duration = Duration::from_secs(30);

/// A request head larger than this is not a request: the connection stops reading.
const MAX_HEAD: usize = 1024 * 1024;

/// What a [`ScriptedServer::raw`] connection does after reading a request head: write bytes and
/// pause, in order, then close (FIN), reset (RST), or neither.
///
/// Unless the script ends with [`reset`](Self::reset), the connection is then held open, reading
/// (and counting any further request heads), until the client closes it or [`HOLD_LIMIT`] passes,
/// so [`ScriptedServer::connections_open`] drops to zero only when the client has let go.
///
/// ```
/// use std::time::Duration;
/// use whop_test_server::RawScript;
///
/// // Never answers: a client's attempt timeout must fire.
/// let silent = RawScript::new();
/// // A head that never ends.
/// let stalled = RawScript::new().write(b"HTTP/1.1 200 OK\r\nx-slow: ");
/// // A body shorter than its Content-Length, then FIN.
/// let short = RawScript::new()
///     .write(b"HTTP/1.1 200 OK\r\ncontent-length: 500\r\n\r\n{}")
///     .close();
/// // No response at all: a reset.
/// let reset = RawScript::new().reset();
/// # let _ = (silent, stalled, short, reset, Duration::ZERO);
/// ```
#[derive(Clone, Debug, Default)]
#[must_use]
pub struct RawScript {
    steps: Vec<Step>,
    end: End,
}

#[derive(Clone, Debug)]
enum Step {
    Write(Bytes),
    Pause(Duration),
}

#[derive(Clone, Copy, Debug, Default)]
enum End {
    #[default]
    Hold,
    Close,
    Reset,
}

impl RawScript {
    /// A script that reads the request head and answers nothing.
    pub fn new() -> Self {
        Self::default()
    }

    /// Then write `bytes` (and flush).
    pub fn write(mut self, bytes: impl AsRef<[u8]>) -> Self {
        self.steps
            .push(Step::Write(Bytes::copy_from_slice(bytes.as_ref())));
        self
    }

    /// Then wait `duration`.
    pub fn pause(mut self, duration: Duration) -> Self {
        self.steps.push(Step::Pause(duration));
        self
    }

    /// At the end, close the write side (FIN): the client reads end-of-stream.
    pub fn close(mut self) -> Self {
        self.end = End::Close;
        self
    }

    /// At the end, reset the connection (RST, `SO_LINGER` 0): the client reads "connection
    /// reset". Bytes written just before may be discarded unsent: [`pause`](Self::pause) a few
    /// milliseconds first to let them leave.
    pub fn reset(mut self) -> Self {
        self.end = End::Reset;
        self
    }

    /// Plays the script on `stream`, recording request heads in `seen`.
    async fn play(self, mut stream: TcpStream, seen: &Seen) {
        let mut heads = HeadReader::default();
        if !heads.next(&mut stream, seen).await {
            return;
        }
        for step in self.steps {
            match step {
                Step::Write(bytes) => {
                    let _ = stream.write_all(&bytes).await;
                    let _ = stream.flush().await;
                }
                Step::Pause(duration) => tokio::time::sleep(duration).await,
            }
        }
        match self.end {
            End::Reset => {
                // Linger 0 makes the close an RST; it never blocks, unlike a positive linger.
                let _ = stream.set_zero_linger();
                return;
            }
            End::Close => {
                let _ = stream.shutdown().await;
            }
            End::Hold => {}
        }
        let _ = tokio::time::timeout(HOLD_LIMIT, async {
            while heads.next(&mut stream, seen).await {}
        })
        .await;
    }
}

impl ScriptedServer {
    /// Serves raw TCP: every connection reads one request head, then plays `script`.
    ///
    /// # Errors
    /// If binding the loopback port fails.
    pub async fn raw(script: RawScript) -> std::io::Result<ScriptedServer> {
        ScriptedServer::raw_per_connection(move |_| script.clone()).await
    }

    /// Serves raw TCP: connection number `n` (0-based) reads one request head, then plays
    /// `script(n)`. For example, reset the first connection and answer the second.
    ///
    /// # Errors
    /// If binding the loopback port fails.
    pub async fn raw_per_connection(
        script: impl Fn(usize) -> RawScript + Send + Sync + 'static,
    ) -> std::io::Result<ScriptedServer> {
        let script = Arc::new(script);
        ScriptedServer::start(
            "http",
            Arc::new(move |stream, index, seen| {
                let script = script(index);
                Box::pin(async move { script.play(stream, &seen).await })
            }),
        )
        .await
    }
}

/// Reads request heads off a connection, one at a time.
#[derive(Default)]
struct HeadReader {
    buffer: Vec<u8>,
}

impl HeadReader {
    /// Reads until a whole request head has arrived and records it; `false` when the client
    /// closed the connection (or it failed) first. Bytes that are not a head (a request body) are
    /// skipped.
    async fn next(&mut self, stream: &mut TcpStream, seen: &Seen) -> bool {
        let mut chunk = [0u8; 4096];
        loop {
            let mut slots = [httparse::EMPTY_HEADER; 64];
            let mut head = httparse::Request::new(&mut slots);
            match head.parse(&self.buffer) {
                Ok(httparse::Status::Complete(length)) => {
                    seen.request(header_map(head.headers));
                    self.buffer.drain(..length);
                    return true;
                }
                Ok(httparse::Status::Partial) if self.buffer.len() < MAX_HEAD => {}
                Ok(httparse::Status::Partial) | Err(_) => self.buffer.clear(),
            }
            match stream.read(&mut chunk).await {
                Ok(0) | Err(_) => return false,
                Ok(read) => self.buffer.extend_from_slice(&chunk[..read]),
            }
        }
    }
}

fn header_map(headers: &[httparse::Header<'_>]) -> HeaderMap {
    headers
        .iter()
        .filter_map(|header| {
            let name = HeaderName::from_bytes(header.name.as_bytes()).ok()?;
            let value = HeaderValue::from_bytes(header.value).ok()?;
            Some((name, value))
        })
        .collect()
}
