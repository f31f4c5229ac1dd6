//! `--mock`: whop-mock's demo world, served on loopback inside the command, so every command can
//! be tried without an account.
//!
//! The world and its HTTP server are behind the cargo feature `mock` (on by default). A binary
//! built without it (`cargo install --path crates/whop-cli --no-default-features`) links no
//! server; it still knows the flag, and refuses it with a usage error that says how to get it.

use crate::context::Credential;
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
    use whop_mock::{
        DEMO_COMPANY_KEY, DEMO_USER_ID, DEMO_USER_TOKEN, MockMembership, MockServer, MockWhop,
    };

    use super::{Credential, Failure};
    use crate::exit::Exit;

    /// A demo membership of the demo user whose period is over: its license key checks as not
    /// valid.
    const EXPIRED_MEMBERSHIP_ID: &str = "mem_demo000000003";
    /// The license key of [`EXPIRED_MEMBERSHIP_ID`].
    const EXPIRED_LICENSE_KEY: &str = "DEMO-EXPIRED-00000000-0000000";
    /// A valid demo membership whose license key is bound to no machine yet: `license validate`
    /// binds it.
    const UNBOUND_MEMBERSHIP_ID: &str = "mem_demo000000004";
    /// The license key of [`UNBOUND_MEMBERSHIP_ID`].
    const UNBOUND_LICENSE_KEY: &str = "DEMO-UNBOUND-00000000-0000004";

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
            let server = world().serve().await.map_err(|e| {
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
            format!("{}/api", self.server.base_url())
        }

        /// The credential's value in the demo world.
        pub(crate) fn credential(&self, credential: Credential) -> &'static str {
            match credential {
                Credential::CompanyKey => DEMO_COMPANY_KEY,
                Credential::UserToken => DEMO_USER_TOKEN,
            }
        }
    }

    /// whop-mock's demo, plus an expired membership of the demo user so that `license check` can
    /// be seen failing, and a valid one whose key no machine is bound to yet, so that `license
    /// validate` can be seen binding.
    fn world() -> MockWhop {
        MockWhop::demo_builder()
            .membership(
                MockMembership::new(EXPIRED_MEMBERSHIP_ID)
                    .user(DEMO_USER_ID)
                    .license_key(EXPIRED_LICENSE_KEY)
                    .status("expired", false)
                    .created_at(whop_mock::DEFAULT_CREATED_AT + 3600),
            )
            .membership(
                MockMembership::new(UNBOUND_MEMBERSHIP_ID)
                    .user(DEMO_USER_ID)
                    .license_key(UNBOUND_LICENSE_KEY)
                    .created_at(whop_mock::DEFAULT_CREATED_AT + 7200),
            )
            .build()
    }
}

#[cfg(not(feature = "mock"))]
mod without_mock {
    use super::{Credential, Failure};
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

        pub(crate) fn credential(&self, _: Credential) -> &'static str {
            match *self {}
        }
    }
}
