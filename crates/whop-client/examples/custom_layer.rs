//! Add your own tower layer to the transport: here, one that counts calls and logs their time.
//!
//! ```sh
//! cargo run -p whop-client --example custom_layer                       # on the mock
//! WHOP_API_KEY=... cargo run -p whop-client --example custom_layer -- mem_XXXXXXXXXXXXXX
//! ```
//!
//! `Client::with_service` takes any tower `Service` from `http::Request<Bytes>` to
//! `http::Response<Bytes>`. Wrap the default `Transport` in a `tower::ServiceBuilder` with your
//! layers in front, and you keep everything it does (base URL, credentials, retries, pacing,
//! timeouts) while your layer sees each call once, before retries: metrics, logging, a circuit
//! breaker, a header of your own.
//!
//! Without `WHOP_API_KEY` it starts the embedded fake API (whop-mock) on loopback and makes a few
//! calls through the layer. With `WHOP_API_KEY` it cancels, on Whop, the membership given as the
//! first argument (nothing without one).

use std::future::Future;
use std::pin::Pin;
use std::process::ExitCode;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::task::{Context, Poll};
use std::time::Instant;

use bytes::Bytes;
use http::{Request, Response};
use tower::{Layer, Service, ServiceBuilder};
use whop_client::transport::{Endpoint, RequestExt, Transport};
use whop_client::{Client, Token};

/// The layer: counts every call, and prints its route, status and time.
#[derive(Clone, Default)]
struct CallLog {
    calls: Arc<AtomicU64>,
}

impl<S> Layer<S> for CallLog {
    type Service = CallLogService<S>;

    fn layer(&self, inner: S) -> Self::Service {
        CallLogService {
            inner,
            calls: Arc::clone(&self.calls),
        }
    }
}

/// The service the layer wraps around the transport.
#[derive(Clone)]
struct CallLogService<S> {
    inner: S,
    calls: Arc<AtomicU64>,
}

impl<S> Service<Request<Bytes>> for CallLogService<S>
where
    S: Service<Request<Bytes>, Response = Response<Bytes>>,
    S::Future: Send + 'static,
{
    type Response = S::Response;
    type Error = S::Error;
    // A boxed future keeps the example short; a hand-written future avoids the allocation.
    type Future = Pin<Box<dyn Future<Output = Result<Self::Response, Self::Error>> + Send>>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, request: Request<Bytes>) -> Self::Future {
        let n = self.calls.fetch_add(1, Ordering::Relaxed) + 1;
        // Every request carries the endpoint's description: log its route
        // (`GET /v5/me/memberships/{id}`), never the path, which can hold a license key.
        let route = request.endpoint().map_or("unknown", Endpoint::route);
        let started = Instant::now();
        let response = self.inner.call(request);
        Box::pin(async move {
            let result = response.await;
            let status = match &result {
                Ok(response) => response.status().to_string(),
                Err(_) => "error".to_owned(),
            };
            println!(
                "call #{n}: {route} -> {status} in {:.1?}",
                started.elapsed()
            );
            result
        })
    }
}

#[tokio::main]
async fn main() -> ExitCode {
    match run().await {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("custom_layer failed: {message}");
            ExitCode::FAILURE
        }
    }
}

async fn run() -> Result<(), String> {
    let real = std::env::var(whop_client::ENV_API_KEY).ok();
    // Without an account, the fake API on loopback and its demo company key.
    let mock = match real {
        Some(_) => None,
        None => Some(
            whop_mock::MockWhop::demo()
                .serve()
                .await
                .map_err(|e| format!("could not start the mock API: {e}"))?,
        ),
    };
    let (base_url, key) = match (&mock, real) {
        (Some(server), _) => {
            println!(
                "No WHOP_API_KEY: using the embedded mock API at {}\n",
                server.base_url()
            );
            (server.base_url(), whop_mock::DEMO_COMPANY_KEY.to_owned())
        }
        (None, Some(key)) => (
            std::env::var(whop_client::ENV_BASE_URL)
                .unwrap_or_else(|_| whop_client::DEFAULT_BASE_URL.to_owned()),
            key,
        ),
        (None, None) => unreachable!("one of the two is set"),
    };

    // 1. The default transport, configured as usual.
    let transport = Transport::builder()
        .base_url(&base_url)
        .token(Token::new(key).map_err(|e| e.to_string())?)
        .build()
        .map_err(|e| e.to_string())?;
    // 2. Your layers in front of it (outermost first), then the client over the stack.
    let log = CallLog::default();
    let service = ServiceBuilder::new().layer(log.clone()).service(transport);
    let client = Client::with_service(service);

    if mock.is_none() {
        let Some(id) = std::env::args().nth(1) else {
            println!("Give the membership ID to cancel as the first argument: nothing was sent.");
            return Ok(());
        };
        client
            .cancel_membership_at_period_end(&id)
            .await
            .map_err(|e| e.to_string())?;
        return Ok(());
    }

    // The client works as before; every call goes through the layer.
    client
        .cancel_membership_at_period_end(whop_mock::DEMO_MEMBERSHIP_ID)
        .await
        .map_err(|e| e.to_string())?;
    let user = client.with_token(&Token::new(whop_mock::DEMO_USER_TOKEN).expect("a valid token"));
    let found = user
        .membership(whop_mock::DEMO_LICENSE_KEY)
        .optional()
        .await
        .map_err(|e| e.to_string())?;
    let valid = found.is_some_and(|m| m.grants_access());
    println!("license valid: {valid}");
    // A 404 is an answer, and the layer sees it too.
    let missing = client
        .cancel_membership_at_period_end("mem_doesnotexist00")
        .await;
    println!(
        "cancel of an unknown ID: {}",
        if missing.is_err() { "error" } else { "ok" }
    );

    let calls = log.calls.load(Ordering::Relaxed);
    println!("{calls} calls through the layer");
    if let Some(server) = mock {
        server.shutdown().await;
    }
    if calls == 3 {
        Ok(())
    } else {
        Err(format!("the layer saw {calls} calls, not 3"))
    }
}
