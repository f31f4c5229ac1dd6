//! A pacing Redis that is configured but cannot be reached is never silent: the `whop` binary
//! says so on stderr, whatever the tracing set-up, and with `WHOP_PACING_REDIS_FALLBACK=fail`
//! stops before sending anything.

// The shared helpers serve other test files too; this one uses some of them.
#[allow(dead_code)]
mod support;

use support::{ACTIVE_ID, Api, unreachable_base_url};

/// A Redis URL on loopback where nothing listens.
fn unreachable_redis_url() -> String {
    let http = unreachable_base_url();
    let port = http
        .trim_start_matches("http://127.0.0.1:")
        .trim_end_matches("/api");
    format!("redis://127.0.0.1:{port}/")
}

#[cfg(feature = "redis")]
#[test]
fn an_unreachable_pacing_redis_is_said_once_on_stderr_and_the_command_still_runs() {
    // With and without --verbose (a tracing subscriber on stderr, or none at all).
    for verbose in [false, true] {
        let api = Api::start();
        let mut args = vec!["membership", "get", ACTIVE_ID];
        if verbose {
            args.push("--verbose");
        }
        let out = api
            .whop()
            .env("WHOP_PACING_REDIS_URL", &unreachable_redis_url())
            .run(&args);
        out.assert_code(0);
        let warnings: Vec<&str> = out
            .stderr
            .lines()
            .filter(|l| l.starts_with("whop: warning: WHOP_PACING_REDIS_URL is set, but "))
            .collect();
        assert_eq!(warnings.len(), 1, "verbose {verbose}: {}", out.stderr);
        assert!(
            warnings[0].contains("paces itself alone"),
            "{}",
            warnings[0]
        );
    }
}

#[cfg(feature = "redis")]
#[test]
fn with_fallback_fail_an_unreachable_pacing_redis_stops_the_command_before_sending() {
    let api = Api::start();
    let out = api
        .whop()
        .env("WHOP_PACING_REDIS_URL", &unreachable_redis_url())
        .env("WHOP_PACING_REDIS_FALLBACK", "fail")
        .run(&["membership", "get", ACTIVE_ID]);
    out.assert_code(6);
    let line = out.error_line();
    assert!(
        line.contains("WHOP_PACING_REDIS_URL") && line.contains("never sent"),
        "{line}"
    );
    assert!(api.mock().requests().is_empty());
}

#[cfg(not(feature = "redis"))]
#[test]
fn a_pacing_redis_in_a_build_without_redis_is_a_usage_error() {
    let api = Api::start();
    let out = api
        .whop()
        .env("WHOP_PACING_REDIS_URL", &unreachable_redis_url())
        .run(&["membership", "get", ACTIVE_ID]);
    out.assert_code(2);
    assert!(
        out.error_line().contains("WHOP_PACING_REDIS_URL"),
        "{}",
        out.stderr
    );
    assert!(api.mock().requests().is_empty());
}
