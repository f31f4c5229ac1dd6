//! `whop whoami`: who the stored sign-in is (Whop's `userinfo`), never a token.

use crate::context::{base_url_text, parse_base_url};
use crate::exit::{Exit, Failure};
use crate::global::GlobalArgs;
use crate::output::{print, print_json};
use crate::signin::{LOGIN, oauth_failure, stored};

/// Runs `whop whoami`: the user's ID, username, name and email (`--json`: every claim).
pub(crate) async fn run(global: &GlobalArgs) -> Result<Exit, Failure> {
    if global.mock {
        return Err(Failure::new(
            Exit::Usage,
            "--mock saves no sign-in: `whop --mock login` shows the demo user",
        ));
    }
    let base_url = parse_base_url(base_url_text(global, None).as_deref())?;
    let signed_in = stored(Some(&base_url))?.ok_or_else(|| {
        Failure::new(
            Exit::Usage,
            format!("not signed in: sign in with `{LOGIN}`; nothing was sent"),
        )
    })?;
    let user = signed_in
        .source
        .userinfo()
        .await
        .map_err(|e| oauth_failure(&e))?;
    if global.json {
        print_json(&user)?;
        return Ok(Exit::Ok);
    }
    let rows = [
        ("user", Some(user.sub.as_str())),
        ("username", user.preferred_username.as_deref()),
        ("name", user.name.as_deref()),
        ("email", user.email.as_deref()),
    ];
    let text: String = rows
        .iter()
        .filter_map(|(label, value)| value.map(|v| format!("{label:<9} {v}\n")))
        .collect();
    print(&text)?;
    Ok(Exit::Ok)
}
