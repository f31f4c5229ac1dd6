use super::*;
use crate::Limit;

fn ms(n: u64) -> Duration {
    Duration::from_millis(n)
}

/// Two v5 and three v2 requests per second, a 150 ms cooldown.
fn fast_limits() -> RateLimits {
    RateLimits::whop()
        .v2(Some(Limit::new(3, Duration::from_secs(1))))
        .v5(Some(Limit::new(2, Duration::from_secs(1))))
        .cooldown(ms(150))
}

#[test]
fn default_limits_are_whops() {
    let limits = RateLimits::default();
    assert_eq!(limits.v2, Some(Limit::new(100, Duration::from_secs(10))));
    assert_eq!(limits.v5, Some(Limit::new(20, Duration::from_secs(10))));
    assert_eq!(limits.cooldown, Duration::from_secs(60));
    assert!(!limits.retry_after_header);
}

#[tokio::test]
async fn exceeding_the_limit_gives_429_through_the_cooldown_then_recovers() {
    let mock = world().rate_limits(fast_limits()).build();
    for _ in 0..2 {
        assert_eq!(call(&mock, me("mem_1", USER_TOKEN)).await.status(), 200);
    }
    let limited = call(&mock, me("mem_1", USER_TOKEN)).await;
    assert_eq!(limited.status(), 429);
    assert_eq!(
        json(&limited),
        serde_json::json!({"message": "You are being rate limited"})
    );
    assert!(!limited.headers().contains_key("retry-after"));
    // Inside the cooldown, every request is refused, even though the window would allow it.
    assert_eq!(call(&mock, me("mem_1", USER_TOKEN)).await.status(), 429);
    bounded(tokio::time::sleep(ms(200))).await;
    assert_eq!(call(&mock, me("mem_1", USER_TOKEN)).await.status(), 200);
}

#[tokio::test]
async fn the_window_slides() {
    let limits = RateLimits::whop()
        .v5(Some(Limit::new(2, ms(100))))
        .cooldown(Duration::from_secs(60));
    let mock = world().rate_limits(limits).build();
    for _ in 0..2 {
        assert_eq!(call(&mock, me("mem_1", USER_TOKEN)).await.status(), 200);
    }
    bounded(tokio::time::sleep(ms(150))).await;
    for _ in 0..2 {
        assert_eq!(call(&mock, me("mem_1", USER_TOKEN)).await.status(), 200);
    }
}

#[tokio::test]
async fn families_are_limited_separately() {
    let mock = world().rate_limits(fast_limits()).build();
    for _ in 0..3 {
        call(&mock, me("mem_1", USER_TOKEN)).await;
    }
    assert_eq!(call(&mock, me("mem_1", USER_TOKEN)).await.status(), 429);
    let v2 = call(&mock, cancel("mem_1/cancel")).await;
    assert_eq!(v2.status(), 201);
}

#[tokio::test]
async fn v2_429_has_the_rate_limit_body_and_deprecation_header() {
    let mock = world().rate_limits(fast_limits()).build();
    for _ in 0..3 {
        assert_eq!(call(&mock, cancel("mem_1/cancel")).await.status(), 201);
    }
    let limited = call(&mock, cancel("mem_1/cancel")).await;
    assert_eq!(limited.status(), 429);
    assert_eq!(json(&limited)["message"], "You are being rate limited");
    assert!(limited.headers().contains_key("deprecation"));
}

#[tokio::test]
async fn retry_after_header_gives_the_cooldown_left_when_enabled() {
    let limits = fast_limits()
        .cooldown(Duration::from_millis(2500))
        .retry_after_header(true);
    let mock = world().rate_limits(limits).build();
    for _ in 0..2 {
        call(&mock, me("mem_1", USER_TOKEN)).await;
    }
    let limited = call(&mock, me("mem_1", USER_TOKEN)).await;
    assert_eq!(limited.headers()["retry-after"], "3");
}

#[tokio::test]
async fn disabled_limits_never_refuse() {
    let mock = world().rate_limits(RateLimits::disabled()).build();
    for _ in 0..150 {
        assert_eq!(call(&mock, me("mem_1", USER_TOKEN)).await.status(), 200);
    }
}

#[tokio::test]
async fn set_rate_limits_resets_the_cooldown() {
    let mock = world()
        .rate_limits(fast_limits().cooldown(Duration::from_secs(60)))
        .build();
    for _ in 0..3 {
        call(&mock, me("mem_1", USER_TOKEN)).await;
    }
    assert_eq!(call(&mock, me("mem_1", USER_TOKEN)).await.status(), 429);
    mock.set_rate_limits(RateLimits::disabled());
    assert_eq!(call(&mock, me("mem_1", USER_TOKEN)).await.status(), 200);
}

#[tokio::test]
async fn an_absurd_cooldown_does_not_panic() {
    let limits = fast_limits()
        .cooldown(Duration::MAX)
        .retry_after_header(true);
    let mock = world().rate_limits(limits).build();
    for _ in 0..3 {
        call(&mock, me("mem_1", USER_TOKEN)).await;
    }
    assert_eq!(call(&mock, me("mem_1", USER_TOKEN)).await.status(), 429);
}
