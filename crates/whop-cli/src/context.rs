//! Where the command sends its requests and with which credentials: the environment, the flags,
//! or the embedded mock.

use tower::layer::util::Identity;
use whop_client::{BaseUrl, BoxClient, Client, PacingConfig, PacingEnv, Token};
use whop_oauth::UserAuthLayer;

use crate::exit::{Exit, Failure};
use crate::global::{GlobalArgs, Secret};
use crate::mock::{DemoWorld, OR_TRY_MOCK};
use crate::signin::{self, LOGIN};

/// The variable holding the company API key (v2).
pub(crate) const ENV_API_KEY: &str = whop_client::ENV_API_KEY;
/// The variable holding the user token (v5).
pub(crate) const ENV_USER_TOKEN: &str = "WHOP_USER_TOKEN";
/// The variable holding another API root.
pub(crate) const ENV_BASE_URL: &str = whop_client::ENV_BASE_URL;

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
}

/// A client ready for one command, and the mock server behind it, if any (kept alive as long as
/// the client is used).
pub(crate) struct Target {
    /// The client, with the credential the command needs (a token, or the stored sign-in's,
    /// refreshed as needed).
    pub(crate) client: BoxClient,
    _mock: Option<DemoWorld>,
}

/// Builds the client a command needs: from the flags, else the environment, else (with `--mock`)
/// the embedded demo world.
///
/// # Errors
/// A missing or refused credential or base URL ([`Exit::Usage`]), `--mock` in a build without it
/// ([`Exit::Usage`]), or a mock that could not start.
pub(crate) async fn target(global: &GlobalArgs, credential: Credential) -> Result<Target, Failure> {
    let mock = demo_world(global).await?;
    let base_url = base_url_text(global, mock.as_ref());

    let flag = match credential {
        Credential::CompanyKey => global.api_key.as_ref(),
        Credential::UserToken => global.user_token.as_ref(),
    };
    let demo = mock.as_ref().map(|world| match credential {
        Credential::CompanyKey => world.company_key(),
        Credential::UserToken => world.user_token(),
    });
    let token = token(flag, credential, demo)?;
    // No user token given: the stored sign-in of `whop login`, checked (and refreshed) now so
    // that a dead one says "sign in again" before anything else is sent.
    let signed_in = match (&token, credential) {
        (None, Credential::UserToken) => {
            let base_url = parse_base_url(base_url.as_deref())?;
            match signin::stored(Some(&base_url))? {
                Some(signed_in) => {
                    signed_in.check().await?;
                    tracing::debug!(source = "the stored sign-in", "credential found");
                    Some(signed_in)
                }
                None => None,
            }
        }
        _ => None,
    };
    if token.is_none() && signed_in.is_none() {
        return Err(missing(credential));
    }

    let pacing = pacing().await?;
    let builder = Client::builder().transport(|t| {
        let t = t.pacing(pacing);
        let t = match token {
            Some(token) => t.token(token),
            None => t,
        };
        // --timeout: the transport's overall deadline of a call, retries and waits included.
        let t = match global.timeout {
            Some(timeout) => t.deadline(timeout),
            None => t,
        };
        match base_url {
            Some(base_url) => t.base_url(base_url),
            None => t,
        }
    });
    let client = match signed_in {
        Some(signed_in) => builder.layer(UserAuthLayer::new(signed_in.source)),
        None => builder.layer(Identity::new()),
    };
    let client = client.build().map_err(|e| {
        Failure::new(
            Exit::Usage,
            format!("{e} (set by --base-url or {ENV_BASE_URL})"),
        )
    })?;
    tracing::debug!("client ready");
    Ok(Target {
        client,
        _mock: mock,
    })
}

/// The pacing the environment asks for. A configured Redis is checked now: one that cannot be
/// reached is said on stderr whatever the tracing set-up (a mistyped `WHOP_PACING_REDIS_URL`
/// otherwise paces each process alone in silence, until together they trip Whop's limit), and
/// with `WHOP_PACING_REDIS_FALLBACK=fail` the command stops before sending anything.
async fn pacing() -> Result<PacingConfig, Failure> {
    let pacing = PacingEnv::from_env().map_err(|e| Failure::new(Exit::Usage, e.to_string()))?;
    #[cfg(feature = "redis")]
    if let Some(store) = pacing.redis()
        && let Err(error) = store.check().await
    {
        use whop_client::{ENV_PACING_REDIS_FALLBACK, ENV_PACING_REDIS_URL};
        if pacing.fails_without_redis() {
            return Err(Failure::new(
                Exit::Network,
                format!(
                    "{ENV_PACING_REDIS_URL} is set, but {error}; with \
                     {ENV_PACING_REDIS_FALLBACK}=fail nothing is sent without it: the request \
                     was never sent"
                ),
            ));
        }
        eprintln!(
            "whop: warning: {ENV_PACING_REDIS_URL} is set, but {error}: this command paces itself \
             alone, not with the other processes on its key (set {ENV_PACING_REDIS_FALLBACK}=fail \
             to stop instead)"
        );
    }
    Ok(pacing.into_config())
}

/// The credential from its flag, else (with `--mock`) the demo one, else its variable; `None`
/// when none is given.
fn token(
    flag: Option<&Secret>,
    credential: Credential,
    demo: Option<&str>,
) -> Result<Option<Token>, Failure> {
    let (value, source) = if let Some(secret) = flag {
        (secret.expose().to_owned(), credential.flag())
    } else if let Some(demo) = demo {
        (demo.to_owned(), "the --mock demo world")
    } else if let Some(value) = env(credential.variable()) {
        (value, credential.variable())
    } else {
        return Ok(None);
    };
    tracing::debug!(credential = credential.what(), source, "credential found");
    // `InvalidToken`'s message never repeats the token.
    Token::new(value).map(Some).map_err(|e| {
        Failure::new(
            Exit::Usage,
            format!("the {} from {source} is refused: {e}", credential.what()),
        )
    })
}

/// The usage error for a credential given nowhere.
fn missing(credential: Credential) -> Failure {
    let sign_in = match credential {
        Credential::UserToken => format!("sign in with `{LOGIN}`, or "),
        Credential::CompanyKey => String::new(),
    };
    Failure::new(
        Exit::Usage,
        format!(
            "no {what}: {sign_in}set {var} (or pass {flag}{OR_TRY_MOCK})",
            what = credential.what(),
            var = credential.variable(),
            flag = credential.flag(),
        ),
    )
}

/// The embedded demo world when `--mock` is given (kept alive as long as the command runs).
///
/// # Errors
/// As [`DemoWorld::start`].
pub(crate) async fn demo_world(global: &GlobalArgs) -> Result<Option<DemoWorld>, Failure> {
    if global.mock {
        DemoWorld::start().await.map(Some)
    } else {
        Ok(None)
    }
}

/// The base URL a command talks to, as given: the mock's, else `--base-url`, else
/// `WHOP_BASE_URL`; `None` for Whop's.
pub(crate) fn base_url_text(global: &GlobalArgs, mock: Option<&DemoWorld>) -> Option<String> {
    match mock {
        Some(world) => Some(world.base_url()),
        None => global.base_url.clone().or_else(|| env(ENV_BASE_URL)),
    }
}

/// The base URL a command talks to: `url` (from [`base_url_text`]), else Whop's.
///
/// # Errors
/// A URL the client refuses ([`Exit::Usage`]).
pub(crate) fn parse_base_url(url: Option<&str>) -> Result<BaseUrl, Failure> {
    match url {
        Some(url) => BaseUrl::parse(url).map_err(|e| {
            Failure::new(
                Exit::Usage,
                format!("{e} (set by --base-url or {ENV_BASE_URL})"),
            )
        }),
        None => Ok(BaseUrl::default()),
    }
}

/// A variable's value; unset and empty are the same (`WHOP_API_KEY= whop ...` clears it).
pub(crate) fn env(name: &str) -> Option<String> {
    std::env::var(name).ok().filter(|v| !v.is_empty())
}
