//! `whop login`: sign in with Whop in the browser, and keep the sign-in for `me` commands.
//!
//! The command listens on `127.0.0.1` on an ephemeral port (`--port` for a fixed one), opens the
//! authorization URL in the system browser (or, with `--no-browser`, prints it on stderr), waits
//! for Whop to redirect back, exchanges the code (PKCE, no secret: the CLI is a public app), and
//! saves the tokens to the credentials file ([`crate::signin`]). Nothing it prints holds a token.

use std::time::Duration;

use clap::Args;
use whop_oauth::native::{LoopbackRedirect, OpenUrl};

use crate::context::{base_url_text, demo_world, env, parse_base_url};
use crate::exit::{Exit, Failure};
use crate::global::GlobalArgs;
use crate::mock::DemoWorld;
use crate::output::{print, print_json};
use crate::signin::{ENV_CONFIG_DIR, FileTokenStore, config_dir, oauth_client, oauth_failure};

/// The variable holding the app's client ID.
pub(crate) const ENV_CLIENT_ID: &str = "WHOP_CLIENT_ID";

/// What `whop login --help` shows last.
pub(crate) const AFTER_HELP: &str = "\
Examples:
  WHOP_CLIENT_ID=app_XXXXXXXXXXXXXX whop login
  whop login --client-id app_XXXXXXXXXXXXXX --no-browser    # over SSH: open the URL elsewhere
  whop --mock login --no-browser

Register http://127.0.0.1:PORT/callback as a redirect URI of your app (Whop matches it exactly:
use --port with the port you registered), and make the app public (no client secret).
The sign-in is saved in $WHOP_CONFIG_DIR, else $XDG_CONFIG_HOME/whop, else ~/.config/whop
(%APPDATA%\\whop on Windows), in credentials.json, readable by you alone (mode 0600).
`whop me ...` and `whop license check` use it when WHOP_USER_TOKEN is not set, refreshing it
as needed; `whop logout` revokes and deletes it.";

/// Arguments of `whop login`.
#[derive(Debug, Args)]
pub(crate) struct LoginArgs {
    /// Your Whop app's client ID (its app_ ID) [env: WHOP_CLIENT_ID]. With --mock, the demo
    /// world's app unless given.
    #[arg(long, value_name = "ID")]
    client_id: Option<String>,
    /// Print the authorization URL on stderr instead of opening a browser (an SSH session, a
    /// machine with no browser): open it anywhere that can reach this machine's 127.0.0.1.
    #[arg(long)]
    no_browser: bool,
    /// Listen for the redirect on this port of 127.0.0.1 instead of one the system picks.
    #[arg(long, value_name = "PORT", default_value_t = 0)]
    port: u16,
    /// How long to wait for the browser, in seconds.
    #[arg(long, value_name = "SECS", default_value_t = 300)]
    wait: u64,
}

/// Runs `whop login`.
pub(crate) async fn run(global: &GlobalArgs, args: &LoginArgs) -> Result<Exit, Failure> {
    let mock = demo_world(global).await?;
    let base_url = parse_base_url(base_url_text(global, mock.as_ref()).as_deref())?;
    let client_id = args
        .client_id
        .clone()
        .or_else(|| env(ENV_CLIENT_ID))
        .or_else(|| mock.as_ref().map(DemoWorld::client_id))
        .ok_or_else(|| {
            Failure::new(
                Exit::Usage,
                format!(
                    "no client ID: pass --client-id or set {ENV_CLIENT_ID} (your Whop app's \
                     app_ ID); nothing was sent"
                ),
            )
        })?;
    // Known before the browser opens: a sign-in with nowhere to go is not started.
    let dir = match &mock {
        Some(_) => None,
        None => Some(config_dir().ok_or_else(|| {
            Failure::new(
                Exit::Usage,
                format!("no config directory: set {ENV_CONFIG_DIR} or HOME; nothing was sent"),
            )
        })?),
    };

    let redirect = LoopbackRedirect::bind_port(args.port)
        .await
        .map_err(|e| oauth_failure(&e.into()))?
        .wait(Duration::from_secs(args.wait));
    let client = oauth_client(&client_id, &base_url, &redirect.redirect_uri())?;
    let wait = args.wait;
    let open = if args.no_browser {
        OpenUrl::With(Box::new(move |url: &str| {
            eprintln!("Open this URL in a browser to sign in (waiting {wait} s):\n{url}");
        }))
    } else {
        eprintln!(
            "Opening your browser to sign in with Whop (waiting {wait} s; if it does not open, \
             run `whop login --no-browser`)..."
        );
        OpenUrl::System
    };
    let signed_in = redirect
        .sign_in(&client, client.authorize(), open)
        .await
        .map_err(|e| oauth_failure(&e))?;
    let user = client
        .userinfo(&signed_in.tokens)
        .await
        .map_err(|e| oauth_failure(&e))?;

    if let Some(dir) = &dir {
        use whop_oauth::TokenStore as _;
        FileTokenStore::new(dir, &client_id, &base_url)
            .save(&signed_in.tokens)
            .map_err(crate::signin::store_failure)?;
    }
    if global.json {
        print_json(&user)?;
    } else {
        let who = user
            .preferred_username
            .as_deref()
            .or(user.name.as_deref())
            .unwrap_or(&user.sub);
        let saved = match &mock {
            Some(_) => " --mock: the demo world ends with this command, so nothing was saved.",
            None => "",
        };
        print(&format!("Signed in as {who} ({}).{saved}\n", user.sub))?;
    }
    Ok(Exit::Ok)
}
