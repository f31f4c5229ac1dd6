//! `--mock`: whop-mock's demo world, served on loopback inside the command, so every command can
//! be tried without an account.
//!
//! The world and its HTTP server are behind the cargo feature `mock` (on by default). A binary
//! built without it (`cargo install --path crates/whop-cli --no-default-features`) links no
//! server; it still knows the flag, and refuses it with a usage error that says how to get it.

use crate::exit::Failure;

/// What the error for a missing credential suggests last, after its variable and flag.
#[cfg(feature = "mock")]
pub(crate) const OR_TRY_MOCK: &str = "; or try --mock";
/// What the error for a missing credential suggests last: nothing, as this build has no
/// `--mock`.
#[cfg(not(feature = "mock"))]
pub(crate) const OR_TRY_MOCK: &str = "";

#[cfg(feature = "mock")]
pub(crate) use with_mock::DemoWorld;
#[cfg(not(feature = "mock"))]
pub(crate) use without_mock::DemoWorld;

#[cfg(feature = "mock")]
mod with_mock {
    use whop_mock::{DEMO_COMPANY_KEY, DEMO_USER_TOKEN, MockServer, MockWhop};

    use super::Failure;
    use crate::exit::Exit;

    /// The demo world, served on loopback for as long as the value lives.
    pub(crate) struct DemoWorld {
        server: MockServer,
    }

    impl DemoWorld {
        /// Serves the demo world on a loopback port.
        ///
        /// # Errors
        /// The server could not start ([`Exit::Other`]).
        pub(crate) async fn start() -> Result<DemoWorld, Failure> {
            let server = MockWhop::demo().serve().await.map_err(|e| {
                Failure::new(
                    Exit::Other,
                    format!("could not start the mock API on loopback: {e}"),
                )
            })?;
            let world = DemoWorld { server };
            tracing::info!(base_url = %world.base_url(), "serving the demo world of whop-mock");
            Ok(world)
        }

        /// The API root to send requests to.
        pub(crate) fn base_url(&self) -> String {
            self.server.base_url()
        }

        /// The demo company's API key.
        pub(crate) fn company_key(&self) -> &'static str {
            DEMO_COMPANY_KEY
        }

        /// The demo user's token.
        pub(crate) fn user_token(&self) -> &'static str {
            DEMO_USER_TOKEN
        }
    }
}

#[cfg(not(feature = "mock"))]
mod without_mock {
    use super::Failure;
    use crate::exit::Exit;

    /// No demo world: this binary was built without one. Never constructed.
    pub(crate) enum DemoWorld {}

    impl DemoWorld {
        /// Refuses `--mock`, saying how to get a binary that has it.
        ///
        /// # Errors
        /// Always: a usage error ([`Exit::Usage`]).
        pub(crate) async fn start() -> Result<DemoWorld, Failure> {
            Err(Failure::new(
                Exit::Usage,
                "--mock is not in this build: whop was built without its `mock` feature \
                 (--no-default-features); reinstall with default features to get it, e.g. \
                 `cargo install --path crates/whop-cli`",
            ))
        }

        pub(crate) fn base_url(&self) -> String {
            match *self {}
        }

        pub(crate) fn company_key(&self) -> &'static str {
            match *self {}
        }

        pub(crate) fn user_token(&self) -> &'static str {
            match *self {}
        }
    }
}
