//! A blocking client, for synchronous programs (cargo feature `blocking`).
//!
//! [`Client`] makes the same calls as the async [`crate::Client`] and waits for their answers, so a
//! synchronous program (the license gate of a desktop app, a script) needs no async code and no
//! runtime of its own:
//!
//! ```no_run
//! use whop_client::blocking::Client;
//!
//! # fn main() -> Result<(), whop_client::Error> {
//! // On your license server (it holds the API key; never ship it in the app).
//! let client = Client::from_env()?; // WHOP_API_KEY
//! if !client.validate_license("XXXXX-XXXXXX-XXXXXXXX-XXXXXXX", "machine-id")?.is_valid() {
//!     std::process::exit(1);
//! }
//! # Ok(())
//! # }
//! ```
//!
//! The legacy v2/v5 calls are under [`Client::legacy`].
//!
//! # How it runs
//!
//! Like `reqwest::blocking`, the client runs the async client on a Tokio runtime of its own: a
//! current-thread runtime on a **dedicated thread**, started with the client and stopped when the
//! last clone is dropped. Each call is handed to that thread; the calling thread waits for the
//! answer. Clones (and [`with_token`](Client::with_token)) share the thread, the connection pool
//! and the pacing, and calls from several threads run concurrently.
//!
//! The runtime is on its own thread rather than owned by the caller's thread, so the client is
//! safe to create, call and drop from anywhere, even inside another async runtime, where a
//! `block_on` of its own would panic. A call there still blocks that runtime's worker thread for
//! its whole duration: in async code, use the async [`crate::Client`].

use std::future::Future;
use std::pin::Pin;
use std::sync::{Arc, mpsc as std_mpsc};
use std::thread::{self, JoinHandle};

use tokio::sync::mpsc;
use whop_transport::{ErrorKind, RequestSent, Token};

use crate::client::ClientBuilder;
use crate::error::Error;

mod current;
mod legacy;

pub use legacy::Legacy;

/// A call handed to the runtime thread.
type Job = Pin<Box<dyn Future<Output = ()> + Send>>;

/// A blocking client of Whop's API. See the [module docs](self).
///
/// Cheap to clone: clones share one runtime thread and one connection pool.
#[derive(Clone, Debug)]
pub struct Client {
    client: crate::Client,
    runtime: Arc<RuntimeThread>,
}

impl Client {
    /// A client of Whop's API with `token` as its credential (see [`crate::Client::new`]).
    ///
    /// # Errors
    /// As [`crate::Client::new`]; or the runtime thread could not be started.
    pub fn new(token: Token) -> Result<Client, Error> {
        Client::from_builder(crate::Client::builder().transport(|t| t.token(token)))
    }

    /// A client configured from the environment (see [`crate::Client::from_env`]).
    ///
    /// # Errors
    /// As [`crate::Client::from_env`]; or the runtime thread could not be started.
    pub fn from_env() -> Result<Client, Error> {
        Client::from_async(crate::Client::from_env()?)
    }

    /// A client built by `builder` (base URL, token, retries, pacing: see [`ClientBuilder`]).
    ///
    /// # Errors
    /// As [`ClientBuilder::build`]; or the runtime thread could not be started.
    pub fn from_builder(builder: ClientBuilder) -> Result<Client, Error> {
        Client::from_async(builder.build()?)
    }

    /// Runs the async `client` on a runtime thread of its own.
    ///
    /// # Errors
    /// The runtime or its thread could not be started ([`Error::Transport`], never sent).
    pub fn from_async(client: crate::Client) -> Result<Client, Error> {
        Ok(Client {
            client,
            runtime: Arc::new(RuntimeThread::start()?),
        })
    }

    /// The same client (same runtime thread, pool and settings) with another credential, as
    /// [`crate::Client::with_token`].
    pub fn with_token(&self, token: &Token) -> Client {
        Client {
            client: self.client.with_token(token),
            runtime: Arc::clone(&self.runtime),
        }
    }

    /// Runs any call of the async client and waits for its answer: for what has no method here
    /// (a page of a list, a builder option), without writing a runtime of your own.
    ///
    /// `call` gets a clone of the async client and returns the future to run on the runtime
    /// thread:
    ///
    /// ```no_run
    /// use whop_client::blocking::Client;
    /// use whop_client::{MembershipFilter, Token};
    ///
    /// # fn main() -> Result<(), whop_client::Error> {
    /// let client = Client::new(Token::new("company-api-key")?)?;
    /// let page = client.call(|c| async move {
    ///     c.list_memberships().status(MembershipFilter::Active).first(50).send().await
    /// })?;
    /// for membership in &page.get().data {
    ///     println!("{}", membership.id);
    /// }
    /// # Ok(())
    /// # }
    /// ```
    ///
    /// # Errors
    /// What the call returns. If the runtime thread is gone (it panicked), an
    /// [`Error::Transport`] that says the request may have been sent, since this method cannot
    /// know whether `call` changes anything.
    pub fn call<T, F>(&self, call: impl FnOnce(crate::Client) -> F) -> Result<T, Error>
    where
        F: Future<Output = Result<T, Error>> + Send + 'static,
        T: Send + 'static,
    {
        self.run(true, call)
    }

    /// Runs `call` on the runtime thread and waits for its result. `side_effect`: the call could
    /// change something (for the error when the runtime thread is gone).
    pub(super) fn run<T, F>(
        &self,
        side_effect: bool,
        call: impl FnOnce(crate::Client) -> F,
    ) -> Result<T, Error>
    where
        F: Future<Output = Result<T, Error>> + Send + 'static,
        T: Send + 'static,
    {
        let (answer, answered) = std_mpsc::sync_channel(1);
        let future = call(self.client.clone());
        let job: Job = Box::pin(async move {
            let _ = answer.send(future.await);
        });
        if !self.runtime.submit(job) {
            return Err(runtime_gone(RequestSent::NotSent, side_effect));
        }
        answered
            .recv()
            .unwrap_or_else(|_| Err(runtime_gone(RequestSent::MaybeSent, side_effect)))
    }
}

/// The runtime thread stopped (it panicked): the call failed, and may have been sent if it had
/// been handed over.
fn runtime_gone(sent: RequestSent, side_effect: bool) -> Error {
    let error = whop_transport::Error::new(
        ErrorKind::Other,
        sent,
        Some("the blocking client's runtime thread stopped".into()),
    );
    Error::from_service(Box::new(error), side_effect)
}

/// A current-thread Tokio runtime on a thread of its own, running the calls handed to it.
#[derive(Debug)]
struct RuntimeThread {
    jobs: Option<mpsc::UnboundedSender<Job>>,
    thread: Option<JoinHandle<()>>,
}

impl RuntimeThread {
    fn start() -> Result<RuntimeThread, Error> {
        let not_started = |e: std::io::Error| {
            let error = whop_transport::Error::new(
                ErrorKind::Other,
                RequestSent::NotSent,
                Some(Box::new(e)),
            );
            Error::from_service(Box::new(error), false)
        };
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .map_err(not_started)?;
        let (jobs, mut queue) = mpsc::unbounded_channel::<Job>();
        let thread = thread::Builder::new()
            .name("whop-client-blocking".to_owned())
            .spawn(move || {
                runtime.block_on(async move {
                    // Each call runs as its own task, so calls from several threads overlap.
                    while let Some(job) = queue.recv().await {
                        tokio::spawn(job);
                    }
                });
            })
            .map_err(not_started)?;
        Ok(RuntimeThread {
            jobs: Some(jobs),
            thread: Some(thread),
        })
    }

    /// Hands `job` to the runtime; `false` if the runtime thread is gone.
    fn submit(&self, job: Job) -> bool {
        self.jobs
            .as_ref()
            .is_some_and(|jobs| jobs.send(job).is_ok())
    }
}

impl Drop for RuntimeThread {
    fn drop(&mut self) {
        // Closing the queue ends the loop; the runtime then drops with its thread.
        drop(self.jobs.take());
        if let Some(thread) = self.thread.take()
            && thread.thread().id() != thread::current().id()
        {
            let _ = thread.join();
        }
    }
}
