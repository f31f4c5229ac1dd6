//! A Whop webhook receiver on hyper: raw body in, verify, dispatch on the typed event,
//! 2xx/4xx as Whop expects.
//!
//! ```sh
//! WHOP_WEBHOOK_SECRET=ws_... cargo run -p whop-webhooks --example receiver -- 8787
//! ```
//!
//! Listens on `127.0.0.1:<port>` (the first argument, default 8787). Put a tunnel or your
//! reverse proxy in front of it for Whop to reach it. `RECEIVER_FAIL_FIRST=N` answers the
//! first N deliveries with 500, to watch the retries. The logic is in `app.rs`, which the
//! crate's end-to-end test runs against whop-mock's deliveries.

mod app;

use std::net::Ipv4Addr;
use std::process::ExitCode;
use std::sync::Arc;

use tokio::net::TcpListener;
use whop_webhooks::{Secret, Verifier};

#[tokio::main(flavor = "current_thread")]
async fn main() -> ExitCode {
    let Ok(secret) = std::env::var("WHOP_WEBHOOK_SECRET") else {
        eprintln!("receiver: set WHOP_WEBHOOK_SECRET to the webhook's secret (ws_...)");
        return ExitCode::from(2);
    };
    let secret = match Secret::new(secret) {
        Ok(secret) => secret,
        Err(error) => {
            eprintln!("receiver: {error}");
            return ExitCode::from(2);
        }
    };
    let port: u16 = match std::env::args().nth(1).map(|p| p.parse()) {
        None => 8787,
        Some(Ok(port)) => port,
        Some(Err(_)) => {
            eprintln!("receiver: the argument must be a port number");
            return ExitCode::from(2);
        }
    };
    let fail_first = std::env::var("RECEIVER_FAIL_FIRST")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(0);
    let listener = match TcpListener::bind((Ipv4Addr::LOCALHOST, port)).await {
        Ok(listener) => listener,
        Err(error) => {
            eprintln!("receiver: cannot listen on 127.0.0.1:{port}: {error}");
            return ExitCode::FAILURE;
        }
    };
    let receiver = Arc::new(app::Receiver::new(Verifier::new(secret)).fail_first(fail_first));
    eprintln!("receiver: listening on http://127.0.0.1:{port}/ (Ctrl-C to stop)");
    let stop = async {
        // Until the process is interrupted; `handled()` is what a test would look at.
        std::future::pending::<()>().await;
    };
    app::serve(listener, Arc::clone(&receiver), stop).await;
    eprintln!("receiver: {} deliveries handled", receiver.handled().len());
    ExitCode::SUCCESS
}
