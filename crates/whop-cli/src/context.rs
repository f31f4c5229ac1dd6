//! Where the command sends its requests and with which credentials: the environment, the flags,
//! or the embedded mock.

use whop_client::{Client, Token};
use whop_mock::{
    DEMO_COMPANY_KEY, DEMO_USER_ID, DEMO_USER_TOKEN, MockMembership, MockServer, MockWhop,
};

use crate::cli::{GlobalArgs, Secret};
use crate::exit::{Exit, Failure};

/// The variable holding the company API key (v2).
pub(crate) const ENV_API_KEY: &str = whop_client::ENV_API_KEY;
/// The variable holding the user token (v5).
pub(crate) const ENV_USER_TOKEN: &str = "WHOP_USER_TOKEN";
/// The variable holding another API root.
pub(crate) const ENV_BASE_URL: &str = whop_client::ENV_BASE_URL;

/// A demo membership of the demo user in the `--mock` world whose period is over: its license key
/// checks as not valid.
pub(crate) const MOCK_EXPIRED_MEMBERSHIP_ID: &str = "mem_demo000000003";
/// The license key of [`MOCK_EXPIRED_MEMBERSHIP_ID`].
pub(crate) const MOCK_EXPIRED_LICENSE_KEY: &str = "DEMO-EXPIRED-00000000-0000000";

/// Which credential a command needs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Credential {
    /// The company API key, for v2.
    CompanyKey,
    /// A user's token, for v5 `me`.
    UserToken,
}

impl Credential {
    /// The environment variable that holds it.
    fn variable(self) -> &'static str {
        match self {
            Credential::CompanyKey => ENV_API_KEY,
            Credential::UserToken => ENV_USER_TOKEN,
        }
    }

    /// The flag that overrides the variable.
    fn flag(self) -> &'static str {
        match self {
            Credential::CompanyKey => "--api-key",
            Credential::UserToken => "--user-token",
        }
    }

    /// What it is called in messages.
    fn what(self) -> &'static str {
        match self {
            Credential::CompanyKey => "company API key",
            Credential::UserToken => "user token",
        }
    }

    /// Its value in the `--mock` world.
    fn demo(self) -> &'static str {
        match self {
            Credential::CompanyKey => DEMO_COMPANY_KEY,
            Credential::UserToken => DEMO_USER_TOKEN,
        }
    }
}

/// A client ready for one command, and the mock server behind it, if any (kept alive as long as
/// the client is used).
pub(crate) struct Target {
    /// The client, with the credential the command needs.
    pub(crate) client: Client,
    _mock: Option<MockServer>,
}

/// Builds the client a command needs: from the flags, else the environment, else (with `--mock`)
/// the embedded demo world.
///
/// # Errors
/// A missing or refused credential or base URL ([`Exit::Usage`]), or a mock that could not start.
pub(crate) async fn target(global: &GlobalArgs, credential: Credential) -> Result<Target, Failure> {
    let (base_url, mock) = if global.mock {
        let server = mock_world().serve().await.map_err(|e| {
            Failure::new(
                Exit::Other,
                format!("could not start the mock API on loopback: {e}"),
            )
        })?;
        let base_url = format!("{}/api", server.base_url());
        tracing::info!(%base_url, "serving the demo world of whop-mock");
        (Some(base_url), Some(server))
    } else {
        let base_url = global.base_url.clone().or_else(|| env(ENV_BASE_URL));
        (base_url, None)
    };

    let flag = match credential {
        Credential::CompanyKey => global.api_key.as_ref(),
        Credential::UserToken => global.user_token.as_ref(),
    };
    let token = token(flag, credential, global.mock)?;

    let client = Client::builder().transport(|t| {
        let t = t.token(token);
        match base_url {
            Some(base_url) => t.base_url(base_url),
            None => t,
        }
    });
    let client = client.build().map_err(|e| {
        Failure::new(
            Exit::Usage,
            format!("{e} (set by --base-url or {ENV_BASE_URL})"),
        )
    })?;
    tracing::debug!(base_url = %client.base_url(), "client ready");
    Ok(Target {
        client,
        _mock: mock,
    })
}

/// The credential from its flag, else its variable, else (with `--mock`) the demo one.
fn token(flag: Option<&Secret>, credential: Credential, mock: bool) -> Result<Token, Failure> {
    let (value, source) = if let Some(secret) = flag {
        (secret.expose().to_owned(), credential.flag())
    } else if mock {
        (credential.demo().to_owned(), "the --mock demo world")
    } else if let Some(value) = env(credential.variable()) {
        (value, credential.variable())
    } else {
        return Err(Failure::new(
            Exit::Usage,
            format!(
                "no {what}: set {var} (or pass {flag}; or try --mock)",
                what = credential.what(),
                var = credential.variable(),
                flag = credential.flag(),
            ),
        ));
    };
    tracing::debug!(credential = credential.what(), source, "credential found");
    // `InvalidToken`'s message never repeats the token.
    Token::new(value).map_err(|e| {
        Failure::new(
            Exit::Usage,
            format!("the {} from {source} is refused: {e}", credential.what()),
        )
    })
}

/// A variable's value; unset and empty are the same (`WHOP_API_KEY= whop ...` clears it).
fn env(name: &str) -> Option<String> {
    std::env::var(name).ok().filter(|v| !v.is_empty())
}

/// The `--mock` world: whop-mock's demo, plus an expired membership of the demo user so that
/// `license check` can be seen failing.
fn mock_world() -> MockWhop {
    MockWhop::demo_builder()
        .membership(
            MockMembership::new(MOCK_EXPIRED_MEMBERSHIP_ID)
                .user(DEMO_USER_ID)
                .license_key(MOCK_EXPIRED_LICENSE_KEY)
                .status("expired", false),
        )
        .build()
}
