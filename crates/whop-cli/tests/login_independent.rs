//! The issue's acceptance, against a small OAuth server and API written here, not whop-mock: `whop
//! login --no-browser` prints a URL; following it signs in; `me memberships --all --json` lists
//! the user's memberships with the stored token; a due token is refreshed once; `logout` revokes
//! it and `me` then says "sign in". The server checks what a real one would (the code once, the
//! refresh token rotating, the bearer token) and nothing of whop-mock's.

#[allow(dead_code)] // only the runner and the browser of the shared support
mod support;

use std::collections::HashMap;
use std::io::{BufRead as _, BufReader, Read as _, Write as _};
use std::net::{Ipv4Addr, TcpListener, TcpStream};
use std::path::Path;
use std::sync::{Arc, Mutex};
use std::thread;

use support::{Whop, browser_get};
use whop_oauth::oauth2::url::form_urlencoded;

/// A page of two memberships, as the Current API sends them (whop-models' fixture).
const PAGE: &str = include_str!(
    "../../whop-models/tests/fixtures/example_v1_membership_list_page__SYNTHETIC_from_rs_sdk_fields.json"
);

/// What the server has issued and seen.
#[derive(Default)]
struct State {
    issued: u32,
    code: Option<String>,
    access: Option<String>,
    refresh: Option<String>,
    refreshes: u32,
    revoked: bool,
}

/// One request: method, path, query, the bearer token, the form body.
struct Request {
    method: String,
    path: String,
    query: HashMap<String, String>,
    bearer: Option<String>,
    form: HashMap<String, String>,
}

fn read_request(stream: &mut TcpStream) -> Option<Request> {
    let mut reader = BufReader::new(stream.try_clone().ok()?);
    let mut line = String::new();
    reader.read_line(&mut line).ok()?;
    let mut parts = line.split_whitespace();
    let method = parts.next()?.to_owned();
    let target = parts.next()?.to_owned();
    let (mut length, mut bearer) = (0, None);
    loop {
        let mut header = String::new();
        reader.read_line(&mut header).ok()?;
        let header = header.trim_end();
        if header.is_empty() {
            break;
        }
        let (name, value) = header.split_once(':')?;
        match name.to_ascii_lowercase().as_str() {
            "content-length" => length = value.trim().parse().ok()?,
            "authorization" => {
                bearer = value.trim().strip_prefix("Bearer ").map(str::to_owned);
            }
            _ => {}
        }
    }
    let mut body = vec![0; length];
    reader.read_exact(&mut body).ok()?;
    let (path, query) = target.split_once('?').unwrap_or((&target, ""));
    let parse = |bytes: &[u8]| form_urlencoded::parse(bytes).into_owned().collect();
    Some(Request {
        method,
        path: path.to_owned(),
        query: parse(query.as_bytes()),
        bearer,
        form: parse(&body),
    })
}

fn respond(stream: &mut TcpStream, status: &str, headers: &str, body: &str) {
    let _ = write!(
        stream,
        "HTTP/1.1 {status}\r\n{headers}Content-Type: application/json\r\nContent-Length: {}\r\n\
         Connection: close\r\n\r\n{body}",
        body.len()
    );
}

fn tokens(state: &mut State, expires_in: u32) -> String {
    state.issued += 1;
    let n = state.issued;
    state.access = Some(format!("indep_at_{n}_9f1c"));
    state.refresh = Some(format!("indep_rt_{n}_47ab"));
    format!(
        r#"{{"access_token":"indep_at_{n}_9f1c","refresh_token":"indep_rt_{n}_47ab","token_type":"Bearer","expires_in":{expires_in}}}"#
    )
}

fn handle(state: &Mutex<State>, stream: &mut TcpStream) {
    let Some(r) = read_request(stream) else {
        return;
    };
    let mut state = state.lock().unwrap();
    let authorized = !state.revoked && r.bearer.is_some() && r.bearer == state.access;
    let invalid_grant = r#"{"error":"invalid_grant"}"#;
    match (r.method.as_str(), r.path.as_str()) {
        ("GET", "/oauth/authorize") => {
            assert_eq!(
                r.query.get("code_challenge_method").map(String::as_str),
                Some("S256")
            );
            let code = "indep_code_1".to_owned();
            state.code = Some(code.clone());
            let location = format!(
                "{}?code={code}&state={}",
                r.query["redirect_uri"], r.query["state"]
            );
            respond(
                stream,
                "302 Found",
                &format!("Location: {location}\r\n"),
                "",
            );
        }
        ("POST", "/oauth/token") => match r.form.get("grant_type").map(String::as_str) {
            Some("authorization_code")
                if r.form.contains_key("code") && r.form.get("code") == state.code.as_ref() =>
            {
                assert!(r.form.contains_key("code_verifier"), "PKCE");
                state.code = None;
                // Expired at once: the next command refreshes.
                let body = tokens(&mut state, 0);
                respond(stream, "200 OK", "", &body);
            }
            Some("refresh_token")
                if r.form.contains_key("refresh_token")
                    && r.form.get("refresh_token") == state.refresh.as_ref()
                    && !state.revoked =>
            {
                state.refreshes += 1;
                let body = tokens(&mut state, 3600);
                respond(stream, "200 OK", "", &body);
            }
            _ => respond(stream, "400 Bad Request", "", invalid_grant),
        },
        ("GET", "/oauth/userinfo") if authorized => respond(
            stream,
            "200 OK",
            "",
            r#"{"sub":"user_indep00000001","preferred_username":"indep_user"}"#,
        ),
        ("POST", "/oauth/revoke") => {
            if r.form.get("token") == state.refresh.as_ref() {
                state.revoked = true;
            }
            respond(stream, "200 OK", "", "{}");
        }
        ("GET", "/api/v1/memberships") if authorized => {
            assert_eq!(r.query.get("user_id").map(String::as_str), Some("me"));
            let body = if r.query.contains_key("after") {
                r#"{"data":[]}"#
            } else {
                PAGE
            };
            respond(stream, "200 OK", "", body);
        }
        _ if authorized || r.path.starts_with("/oauth") => {
            respond(stream, "404 Not Found", "", r#"{"error":"not_found"}"#);
        }
        _ => respond(
            stream,
            "401 Unauthorized",
            "",
            r#"{"error":{"type":"unauthorized","message":"invalid token"}}"#,
        ),
    }
}

/// Serves on loopback until the test process ends; one connection at a time.
fn serve() -> (String, Arc<Mutex<State>>) {
    let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, 0)).unwrap();
    let origin = format!("http://{}", listener.local_addr().unwrap());
    let state = Arc::new(Mutex::new(State::default()));
    let shared = Arc::clone(&state);
    thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(mut stream) = stream else { continue };
            handle(&shared, &mut stream);
        }
    });
    (origin, state)
}

#[test]
fn login_me_refresh_and_logout_against_a_server_that_is_not_whop_mock() {
    let (origin, state) = serve();
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("login-independent");
    let _ = std::fs::remove_dir_all(&dir);
    let whop = || {
        Whop::bare()
            .env("WHOP_BASE_URL", &format!("{origin}/api"))
            .env("WHOP_CONFIG_DIR", &dir.to_string_lossy())
    };
    let mut outputs = Vec::new();

    let running = whop().spawn(&["login", "--client-id", "app_indep", "--no-browser"]);
    let url = running.stderr_line_starting_with("http://");
    let (status, location) = browser_get(&url);
    assert_eq!(status, 302);
    let (status, _) = browser_get(&location.expect("a Location"));
    assert_eq!(status, 200);
    let out = running.finish();
    out.assert_code(0)
        .assert_stdout_starts_with("Signed in as indep_user (user_indep00000001).");
    outputs.push(out);

    // The token from the sign-in is due: this command refreshes it once, then lists.
    let out = whop().run(&["me", "memberships", "--all", "--json"]);
    out.assert_code(0);
    assert!(out.stdout.contains("mem_AAAAAAAAAAAAAA"), "{}", out.stdout);
    assert!(out.stdout.contains("mem_BBBBBBBBBBBBBB"), "{}", out.stdout);
    outputs.push(out);
    assert_eq!(state.lock().unwrap().refreshes, 1);

    // The refreshed token is good for an hour: no second refresh.
    let out = whop().run(&["me", "memberships", "--json"]);
    out.assert_code(0);
    outputs.push(out);
    assert_eq!(state.lock().unwrap().refreshes, 1);

    let out = whop().run(&["logout"]);
    out.assert_code(0);
    outputs.push(out);
    assert!(state.lock().unwrap().revoked, "the sign-in was revoked");

    let out = whop().run(&["me", "memberships"]);
    out.assert_code(2);
    assert!(out.error_line().contains("sign in"), "{}", out.stderr);
    outputs.push(out);

    for out in &outputs {
        for text in [&out.stdout, &out.stderr] {
            assert!(
                !text.contains("indep_at_") && !text.contains("indep_rt_"),
                "{text}"
            );
        }
    }
    let _ = std::fs::remove_dir_all(&dir);
}
