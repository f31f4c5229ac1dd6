use super::*;
use crate::{Fault, GARBAGE_BODY, HTML_502_BODY, MockError};

#[tokio::test]
async fn status_fault_answers_in_the_family_shape_without_touching_state() {
    let mock = world().build();
    mock.inject(Fault::Status(503), 1);
    let response = call(&mock, cancel("mem_1/cancel")).await;
    assert_eq!(response.status(), 503);
    assert_eq!(json(&response)["error"]["code"], 503);
    assert!(!mock.membership("mem_1").unwrap().cancel_at_period_end);
    let response = call(&mock, me("mem_1", USER_TOKEN)).await;
    assert_eq!(response.status(), 200, "the fault was for one request only");
}

#[tokio::test]
async fn faults_apply_to_the_next_n_requests_in_order() {
    let mock = world().build();
    mock.inject(Fault::Status(500), 2);
    mock.inject(Fault::Status(502), 1);
    assert_eq!(mock.pending_faults(), 3);
    let mut statuses = Vec::new();
    for _ in 0..4 {
        statuses.push(call(&mock, me("mem_1", USER_TOKEN)).await.status().as_u16());
    }
    assert_eq!(statuses, [500, 500, 502, 200]);
    assert_eq!(mock.pending_faults(), 0);
}

#[tokio::test]
async fn html_502_fault_sends_the_html_page() {
    let mock = world().build();
    mock.inject(Fault::html_502(), 1);
    let response = call(&mock, me("mem_1", USER_TOKEN)).await;
    assert_eq!(response.status(), 502);
    assert_eq!(response.headers()["content-type"], "text/html");
    assert_eq!(response.body(), HTML_502_BODY.as_bytes());
}

#[tokio::test]
async fn delay_fault_delays_then_answers_normally() {
    let mock = world().build();
    mock.inject(Fault::Delay(Duration::from_millis(100)), 1);
    let started = tokio::time::Instant::now();
    let response = call(&mock, cancel("mem_1/cancel")).await;
    assert!(started.elapsed() >= Duration::from_millis(100));
    assert_eq!(response.status(), 201);
    assert!(mock.membership("mem_1").unwrap().cancel_at_period_end);
}

#[tokio::test]
async fn delay_before_handling_applies_nothing_if_the_caller_gives_up() {
    let mock = world().build();
    mock.inject(Fault::Delay(Duration::from_secs(5)), 1);
    let mut service = mock.clone();
    let gave_up = tokio::time::timeout(
        Duration::from_millis(50),
        service.call(cancel("mem_1/cancel")),
    )
    .await;
    assert!(gave_up.is_err());
    assert!(!mock.membership("mem_1").unwrap().cancel_at_period_end);
}

#[tokio::test]
async fn dropped_connection_is_a_service_error() {
    let mock = world().build();
    mock.inject(Fault::DropConnection, 1);
    let result = try_call(&mock, cancel("mem_1/cancel")).await;
    assert_eq!(result.unwrap_err(), MockError::ConnectionDropped);
    assert!(!mock.membership("mem_1").unwrap().cancel_at_period_end);
    assert_eq!(mock.requests()[0].status, None);
    assert_eq!(mock.requests()[0].fault, Some(Fault::DropConnection));
}

#[tokio::test]
async fn dropped_connection_after_handling_has_applied_the_cancel() {
    let mock = world().build();
    mock.inject_after_handling(Fault::DropConnection, 1);
    let result = try_call(&mock, cancel("mem_1/cancel")).await;
    assert!(result.is_err());
    assert!(mock.membership("mem_1").unwrap().cancel_at_period_end);
}

#[tokio::test]
async fn garbage_body_fault_is_200_with_undecodable_body() {
    let mock = world().build();
    mock.inject_after_handling(Fault::GarbageBody, 1);
    let response = call(&mock, cancel("mem_1/cancel")).await;
    assert_eq!(response.status(), 200);
    assert_eq!(response.body(), GARBAGE_BODY);
    assert!(serde_json::from_slice::<Value>(response.body()).is_err());
    assert!(mock.membership("mem_1").unwrap().cancel_at_period_end);
}

#[tokio::test]
async fn rate_limited_fault_sends_the_given_retry_after() {
    let mock = world().build();
    mock.inject(Fault::rate_limited_for(7), 1);
    mock.inject(
        Fault::RateLimited {
            retry_after: Some("Wed, 21 Oct 2015 07:28:00 GMT".to_owned()),
        },
        1,
    );
    mock.inject(
        Fault::RateLimited {
            retry_after: Some("bad\r\nvalue".to_owned()),
        },
        1,
    );
    let first = call(&mock, me("mem_1", USER_TOKEN)).await;
    assert_eq!(first.status(), 429);
    assert_eq!(first.headers()["retry-after"], "7");
    assert_eq!(json(&first)["message"], "You are being rate limited");
    let second = call(&mock, me("mem_1", USER_TOKEN)).await;
    assert_eq!(
        second.headers()["retry-after"],
        "Wed, 21 Oct 2015 07:28:00 GMT"
    );
    let third = call(&mock, me("mem_1", USER_TOKEN)).await;
    assert_eq!(third.status(), 429);
    assert!(!third.headers().contains_key("retry-after"));
}

#[tokio::test]
async fn out_of_range_status_fault_is_sent_as_500() {
    let mock = world().build();
    mock.inject(Fault::Status(42), 1);
    assert_eq!(call(&mock, me("mem_1", USER_TOKEN)).await.status(), 500);
}

#[tokio::test]
async fn clear_faults_empties_the_queue() {
    let mock = world().build();
    mock.inject(Fault::Status(500), 3);
    mock.clear_faults();
    assert_eq!(call(&mock, me("mem_1", USER_TOKEN)).await.status(), 200);
}

#[tokio::test]
async fn periodic_fault_hits_every_nth_request_after_queued_ones() {
    let mock = world().build();
    mock.inject(Fault::Status(500), 1);
    mock.inject_every(Fault::Status(503), 3);
    let mut statuses = Vec::new();
    for _ in 0..7 {
        statuses.push(call(&mock, me("mem_1", USER_TOKEN)).await.status().as_u16());
    }
    assert_eq!(statuses, [500, 200, 200, 503, 200, 200, 503]);
    mock.clear_faults();
    assert_eq!(call(&mock, me("mem_1", USER_TOKEN)).await.status(), 200);
}

#[tokio::test]
async fn redirect_fault_is_a_301_to_the_location_without_touching_state() {
    let mock = world().build();
    mock.inject(
        Fault::Redirect {
            location: "https://evil.example/steal".to_owned(),
        },
        1,
    );
    let response = call(&mock, cancel("mem_1/cancel")).await;
    assert_eq!(response.status(), 301);
    assert_eq!(response.headers()["location"], "https://evil.example/steal");
    assert!(!mock.membership("mem_1").unwrap().cancel_at_period_end);
}

#[tokio::test]
async fn truncated_body_keeps_the_full_content_length_and_applies_the_cancel() {
    let mock = world().build();
    mock.inject(Fault::TruncatedBody { keep: 10 }, 1);
    let response = call(&mock, cancel("mem_1/cancel")).await;
    assert_eq!(response.status(), 201);
    assert_eq!(response.body().len(), 10);
    let announced: usize = response.headers()["content-length"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!(announced > 10);
    assert!(mock.membership("mem_1").unwrap().cancel_at_period_end);
}

#[tokio::test]
async fn trickled_body_arrives_whole_after_the_total_time_as_a_service() {
    let mock = world().build();
    mock.inject(
        Fault::TrickleBody {
            chunk: 1024,
            interval: Duration::from_millis(30),
        },
        1,
    );
    let started = tokio::time::Instant::now();
    let response = call(&mock, me("mem_1", USER_TOKEN)).await;
    assert!(started.elapsed() >= Duration::from_millis(30));
    assert_eq!(json(&response)["id"], "mem_1");
}
