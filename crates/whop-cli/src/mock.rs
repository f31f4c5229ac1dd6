//! `--mock`: whop-mock's demo world, served on loopback inside the command, so every command can
//! be tried without an account.
//!
//! The world and its HTTP server are behind the cargo feature `mock` (on by default). A binary
//! built without it (`cargo install --path crates/whop-cli --no-default-features`) links no
//! server; it still knows the flag, and refuses it with a usage error that says how to get it.
//!
//! `WHOP_MOCK_V2_RETIRED=1` serves the world as Whop is now, every v2 route gone
//! (`MockWhopBuilder::v2_retired`), so `--api legacy` can be seen failing as it does against Whop
//! while the Current API works: a rehearsal of a migration.

use crate::exit::{Exit, Failure};

/// The variable that serves the `--mock` world with every v2 route gone.
#[cfg(feature = "mock")]
pub(crate) const ENV_MOCK_V2_RETIRED: &str = "WHOP_MOCK_V2_RETIRED";

/// Whether `WHOP_MOCK_V2_RETIRED` asks for v2 gone: `1` or `true` yes; unset, empty, `0` or
/// `false` no.
///
/// # Errors
/// Any other value ([`Exit::Usage`]): a rehearsal must not run against the wrong world.
#[cfg(feature = "mock")]
pub(crate) fn v2_retired_from_env() -> Result<bool, Failure> {
    let value = std::env::var(ENV_MOCK_V2_RETIRED).unwrap_or_default();
    match value.as_str() {
        "1" | "true" => Ok(true),
        "" | "0" | "false" => Ok(false),
        other => Err(Failure::new(
            Exit::Usage,
            format!("{ENV_MOCK_V2_RETIRED}={other:?}: expected 1 (v2 gone) or 0; nothing was sent"),
        )),
    }
}

/// The client ID of the OAuth app the `--mock` world registers for `whop --mock login`.
#[cfg(feature = "mock")]
pub(crate) const DEMO_CLIENT_ID: &str = "app_whopclidemo0001";

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
    use whop_mock::{DEMO_COMPANY_KEY, DEMO_USER_TOKEN, MockServer, MockWhop, OAuthApp};

    use super::{Exit, Failure, v2_retired_from_env};

    /// The demo world, served on loopback for as long as the value lives.
    pub(crate) struct DemoWorld {
        server: MockServer,
    }

    impl DemoWorld {
        /// Serves the demo world on a loopback port; with `WHOP_MOCK_V2_RETIRED=1`, without v2.
        ///
        /// # Errors
        /// A bad `WHOP_MOCK_V2_RETIRED` ([`Exit::Usage`]), or the server could not start
        /// ([`Exit::Other`]).
        pub(crate) async fn start() -> Result<DemoWorld, Failure> {
            let retired = v2_retired_from_env()?;
            let mock = MockWhop::demo_builder()
                .v2_retired(retired)
                // `whop --mock login`: a public app (no secret, as for any CLI), its loopback
                // redirect accepted on whatever port the command listens on.
                .oauth_app(
                    OAuthApp::public(super::DEMO_CLIENT_ID)
                        .redirect_uri("http://127.0.0.1/callback")
                        .any_loopback_port(true),
                )
                .build();
            let server = mock.serve().await.map_err(|e| {
                Failure::new(
                    Exit::Other,
                    format!("could not start the mock API on loopback: {e}"),
                )
            })?;
            let world = DemoWorld { server };
            tracing::info!(
                base_url = %world.base_url(),
                v2_retired = retired,
                "serving the demo world of whop-mock"
            );
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

        /// The client ID of the demo world's OAuth app.
        pub(crate) fn client_id(&self) -> String {
            super::DEMO_CLIENT_ID.to_owned()
        }

        /// The demo user's token.
        pub(crate) fn user_token(&self) -> &'static str {
            DEMO_USER_TOKEN
        }
    }
}

#[cfg(not(feature = "mock"))]
mod without_mock {
    use super::{Exit, Failure};

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

        pub(crate) fn client_id(&self) -> String {
            match *self {}
        }

        pub(crate) fn user_token(&self) -> &'static str {
            match *self {}
        }
    }
}
