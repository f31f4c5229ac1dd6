//! `whop login`, `logout` and `whoami`, and `me` commands with the stored sign-in, against
//! whop-mock's OAuth server on loopback. The "browser" is a plain HTTP client that follows the
//! URL `login --no-browser` prints. Every output of every command is scanned for the tokens.

// These tests use the shared runner and world, not the seeded API's shortcuts.
#[allow(dead_code)]
mod support;

use std::path::{Path, PathBuf};
use std::time::Duration;

use serde_json::Value;
use support::{ACTIVE_ID, Api, Outcome, USER_ID, Whop, browser_get, world_builder};
use whop_mock::OAuthApp;

const CLIENT_ID: &str = "app_clitest0000001";

/// The test world with a public OAuth app whose loopback redirect matches any port, signing in
/// the test user; access tokens live `lifetime`.
fn oauth_api(lifetime: Duration) -> Api {
    Api::serve(
        world_builder()
            .oauth_app(
                OAuthApp::public(CLIENT_ID)
                    .redirect_uri("http://127.0.0.1/callback")
                    .any_loopback_port(true),
            )
            .oauth_user(USER_ID)
            .oauth_access_token_lifetime(lifetime)
            .build(),
    )
}

/// A user's config directory, fresh for one test.
fn config_dir(test: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("login-{test}"));
    let _ = std::fs::remove_dir_all(&dir);
    dir
}

/// One user's session: the API, the config directory, every output and every token seen.
struct Session {
    api: Api,
    dir: PathBuf,
    outputs: Vec<String>,
    tokens: Vec<String>,
}

impl Session {
    fn new(test: &str, lifetime: Duration) -> Session {
        Session {
            api: oauth_api(lifetime),
            dir: config_dir(test),
            outputs: Vec::new(),
            tokens: Vec::new(),
        }
    }

    /// `whop` with this session's API and config directory, and no token in the environment.
    fn whop(&self) -> Whop {
        Whop::bare()
            .env("WHOP_BASE_URL", &self.api.base_url())
            .env("WHOP_CONFIG_DIR", &self.dir.to_string_lossy())
    }

    fn credentials(&self) -> PathBuf {
        self.dir.join("credentials.json")
    }

    /// The stored access and refresh tokens (remembered for the final scan).
    fn stored_tokens(&mut self) -> (String, String) {
        let text = std::fs::read_to_string(self.credentials()).expect("a stored sign-in");
        let json: Value = serde_json::from_str(&text).expect("JSON");
        let access = json["tokens"]["access_token"].as_str().unwrap().to_owned();
        let refresh = json["tokens"]["refresh_token"].as_str().unwrap().to_owned();
        self.tokens.extend([access.clone(), refresh.clone()]);
        (access, refresh)
    }

    fn keep(&mut self, out: Outcome) -> Outcome {
        self.outputs.push(format!("{}\n{}", out.stdout, out.stderr));
        out
    }

    /// `whop login --no-browser`, its URL followed as a browser would.
    fn login(&mut self) -> Outcome {
        let running = self.whop().spawn(&[
            "login",
            "--client-id",
            CLIENT_ID,
            "--no-browser",
            "--wait",
            "20",
        ]);
        let out = follow_and_finish(running);
        self.keep(out)
    }

    fn run(&mut self, args: &[&str]) -> Outcome {
        let out = self.whop().run(args);
        self.keep(out)
    }

    /// How many refreshes the OAuth server has seen.
    fn refreshes(&self) -> usize {
        self.api
            .mock()
            .requests()
            .iter()
            .filter(|r| {
                r.path == "/oauth/token"
                    && String::from_utf8_lossy(&r.body).contains("grant_type=refresh_token")
            })
            .count()
    }
}

impl Drop for Session {
    /// No command printed a token the session saw.
    fn drop(&mut self) {
        if std::thread::panicking() {
            return;
        }
        for token in &self.tokens {
            for output in &self.outputs {
                assert!(
                    !output.contains(token.as_str()),
                    "a token was printed: {output}"
                );
            }
        }
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

/// Follows the URL a `login --no-browser` printed: the authorize endpoint's 302, then the
/// loopback redirect's page; then waits for the command.
fn follow_and_finish(running: support::Running) -> Outcome {
    let url = running.stderr_line_starting_with("http://");
    let (status, location) = browser_get(&url);
    assert_eq!(status, 302, "the authorize endpoint redirects");
    let location = location.expect("a Location");
    assert!(location.starts_with("http://127.0.0.1:"), "{location}");
    let (status, _) = browser_get(&location);
    assert_eq!(status, 200, "the loopback listener answers the callback");
    running.finish()
}

#[test]
fn login_no_browser_completes_and_says_who_signed_in() {
    let mut session = Session::new("completes", Duration::from_secs(3600));
    let out = session.login();
    out.assert_code(0)
        .assert_stdout_starts_with(&format!("Signed in as test_user ({USER_ID})."));
    assert!(
        out.stderr
            .starts_with("Open this URL in a browser to sign in"),
        "{}",
        out.stderr
    );
    session.stored_tokens();
}

#[test]
fn me_memberships_uses_the_stored_token() {
    let mut session = Session::new("me-uses-it", Duration::from_secs(3600));
    session.login().assert_code(0);
    session.stored_tokens();
    session.api.mock().clear_requests();
    let out = session.run(&["me", "memberships", "--all", "--json"]);
    out.assert_code(0);
    assert!(out.stdout.contains(ACTIVE_ID), "{}", out.stdout);
    let me = session.api.mock().requests();
    let listed = me
        .iter()
        .find(|r| r.path == "/api/v1/memberships")
        .expect("the listing was sent");
    // No token is in the environment: the user the mock saw is the sign-in's.
    assert!(
        matches!(&listed.caller, whop_mock::Caller::User { user_id } if user_id == USER_ID),
        "{:?}",
        listed.caller
    );
}

#[test]
fn license_check_uses_the_stored_token() {
    let mut session = Session::new("license-check", Duration::from_secs(3600));
    session.login().assert_code(0);
    session.stored_tokens();
    let out = session.run(&["license", "check", support::ACTIVE_KEY]);
    out.assert_code(0);
}

#[cfg(unix)]
#[test]
fn the_credentials_file_is_readable_by_the_user_alone() {
    use std::os::unix::fs::PermissionsExt as _;
    let mut session = Session::new("mode", Duration::from_secs(3600));
    session.login().assert_code(0);
    let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode(&session.credentials()), 0o600);
    assert_eq!(mode(&session.dir), 0o700);
    session.stored_tokens();
}

#[test]
fn after_expiry_the_next_command_refreshes_once_and_succeeds() {
    // The refreshed token is due only in the second half of its life: one refresh per command.
    let lifetime = Duration::from_secs(8);
    let mut session = Session::new("refresh", lifetime);
    session.login().assert_code(0);
    let (before, _) = session.stored_tokens();
    std::thread::sleep(lifetime + Duration::from_millis(500));
    let out = session.run(&["me", "memberships", "--all", "--json"]);
    out.assert_code(0);
    assert!(out.stdout.contains(ACTIVE_ID), "{}", out.stdout);
    assert_eq!(session.refreshes(), 1);
    let (after, _) = session.stored_tokens();
    assert_ne!(before, after, "the rotated set was saved");
}

#[test]
fn after_logout_the_token_is_revoked_and_me_says_sign_in() {
    let mut session = Session::new("logout", Duration::from_secs(3600));
    session.login().assert_code(0);
    let (access, _) = session.stored_tokens();
    let out = session.run(&["logout"]);
    out.assert_code(0).assert_stdout_starts_with("Signed out");
    assert!(!session.credentials().exists(), "the file is deleted");
    // The old access token no longer works at the API.
    let out = session
        .whop()
        .env("WHOP_USER_TOKEN", &access)
        .run(&["me", "memberships"]);
    session.keep(out).assert_code(4);
    let out = session.run(&["me", "memberships", "--all", "--json"]);
    out.assert_code(2);
    assert!(
        out.error_line().contains("sign in with `whop login`"),
        "{}",
        out.stderr
    );
}

#[test]
fn a_refused_refresh_says_sign_in_again() {
    let mut session = Session::new("dead-grant", Duration::from_secs(1));
    session.login().assert_code(0);
    session.stored_tokens();
    // Another device signed the grant out: its refresh token is revoked at the server.
    let text = std::fs::read_to_string(session.credentials()).unwrap();
    let mut json: Value = serde_json::from_str(&text).unwrap();
    json["tokens"]["refresh_token"] = Value::from("rt_not_issued_by_the_server");
    std::fs::write(session.credentials(), json.to_string()).unwrap();
    std::thread::sleep(Duration::from_millis(1_500));
    let out = session.run(&["me", "memberships"]);
    out.assert_code(4);
    assert!(
        out.error_line().ends_with("sign in again: whop login"),
        "{}",
        out.stderr
    );
}

#[test]
fn whoami_shows_the_signed_in_user() {
    let mut session = Session::new("whoami", Duration::from_secs(3600));
    session.login().assert_code(0);
    session.stored_tokens();
    let out = session.run(&["whoami"]);
    out.assert_code(0);
    assert!(
        out.stdout.contains(&format!("user      {USER_ID}\n")),
        "{}",
        out.stdout
    );
    assert!(
        out.stdout.contains("username  test_user\n"),
        "{}",
        out.stdout
    );
}

#[test]
fn whoami_without_a_sign_in_says_sign_in() {
    let mut session = Session::new("whoami-none", Duration::from_secs(3600));
    let out = session.run(&["whoami"]);
    out.assert_code(2);
    assert!(out.error_line().contains("whop login"), "{}", out.stderr);
}

#[test]
fn login_without_a_client_id_is_a_usage_error() {
    let mut session = Session::new("no-client-id", Duration::from_secs(3600));
    let out = session.run(&["login", "--no-browser"]);
    out.assert_code(2);
    assert!(
        out.error_line().contains("WHOP_CLIENT_ID"),
        "{}",
        out.stderr
    );
}

#[test]
fn a_sign_in_for_another_base_url_is_not_sent_there() {
    let mut session = Session::new("other-base", Duration::from_secs(3600));
    session.login().assert_code(0);
    session.stored_tokens();
    let out = session
        .whop()
        .env("WHOP_BASE_URL", &support::unreachable_base_url())
        .run(&["me", "memberships"]);
    let out = session.keep(out);
    out.assert_code(2);
    assert!(out.error_line().contains("sign in again"), "{}", out.stderr);
}

#[cfg(feature = "mock")]
#[test]
fn mock_login_signs_in_the_demo_user() {
    let dir = config_dir("mock");
    let running = Whop::bare()
        .env("WHOP_CONFIG_DIR", &dir.to_string_lossy())
        .spawn(&["--mock", "login", "--no-browser", "--wait", "20"]);
    let out = follow_and_finish(running);
    out.assert_code(0).assert_stdout_starts_with(&format!(
        "Signed in as demo_user ({}).",
        whop_mock::DEMO_USER_ID
    ));
    assert!(!dir.exists(), "--mock saves nothing");
}

#[test]
fn two_commands_at_once_after_expiry_refresh_once() {
    let lifetime = Duration::from_secs(8);
    let mut session = Session::new("two-at-once", lifetime);
    session.login().assert_code(0);
    session.stored_tokens();
    std::thread::sleep(lifetime + Duration::from_millis(500));
    let first = session.whop().spawn(&["me", "memberships", "--json"]);
    let second = session.whop().spawn(&["me", "memberships", "--json"]);
    for out in [first.finish(), second.finish()] {
        session.keep(out).assert_code(0);
    }
    assert_eq!(
        session.refreshes(),
        1,
        "the second waited for the first's refresh"
    );
    session.stored_tokens();
}
