//! Admission to the database under a flood: more concurrent submissions than the pool and its
//! queue hold get 429 with `Retry-After`, never 503 while the database is up, and every report
//! acknowledged with 201 is stored; with the queue full, a request is turned away before its
//! body is read; the queue's figures are in `/metrics`.

use std::collections::BTreeMap;
use std::time::Duration;

use report_portal::domain::organization::CredentialMode;
use serde_json::Value;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

use crate::helpers::{TestApp, expect, hold_the_write_lock, spawn_app_with, valid_report};

/// Concurrent submissions in the flood: far more than one connection and a queue of two.
const FLOOD: usize = 120;

#[actix_web::test]
async fn a_flood_beyond_the_queue_gets_429_with_retry_after_and_no_503() {
    let app = spawn_app_with(|s| {
        s.db_pool_size = 1;
        s.db_queue_length = 2;
        s.db_queue_wait_seconds = 2;
        // A request that got its turn and still finds no connection within a second says the
        // database is unavailable (503): the old behaviour under a flood.
        s.db_timeout_seconds = 1;
        // The per-caller limits would answer 429 too: out of the way, so that every 429 here is
        // the queue's.
        s.rate_limit_per_second = 1_000_000;
        s.rate_limit_burst = 1_000_000;
    })
    .await;
    let reporter = app.reporter(CredentialMode::Live).await;

    let flood = (0..FLOOD).map(|n| {
        let mut report = valid_report();
        report["external_id"] = format!("flood-{n}").into();
        let request = app
            .client
            .post(format!("{}/api/v1/reports", app.address))
            .bearer_auth(&reporter.token)
            .json(&report)
            .send();
        async move {
            let response = request.await.unwrap();
            let status = response.status().as_u16();
            let retry_after = response
                .headers()
                .get("retry-after")
                .map(|v| v.to_str().unwrap().to_owned());
            let content_type = response
                .headers()
                .get("content-type")
                .map(|v| v.to_str().unwrap().to_owned());
            let body: Value = response.json().await.unwrap();
            (status, retry_after, content_type, body)
        }
    });
    let answers = futures_util::future::join_all(flood).await;

    let mut statuses = BTreeMap::new();
    for (status, ..) in &answers {
        *statuses.entry(*status).or_insert(0) += 1;
    }
    assert_eq!(
        statuses.keys().copied().collect::<Vec<_>>(),
        vec![201, 429],
        "only stored reports and refusals beyond the queue: {statuses:?}"
    );
    let mut stored = Vec::new();
    for (status, retry_after, content_type, body) in answers {
        if status == 201 {
            stored.push(body["id"].as_str().unwrap().to_owned());
            continue;
        }
        let seconds: u64 = retry_after
            .expect("a 429 carries Retry-After")
            .parse()
            .unwrap();
        assert_eq!(seconds, 2, "Retry-After is the longest wait in the queue");
        assert_eq!(content_type.as_deref(), Some("application/problem+json"));
        assert_eq!(body["type"], "urn:report-portal:problem:too-many-requests");
        assert_eq!(body["status"], 429);
    }
    for id in &stored {
        let response = app
            .get(&format!("/api/v1/reports/{id}"), &reporter.token)
            .await;
        assert_eq!(response.status(), 200, "report {id} was acknowledged");
    }

    // Once the flood has passed, submissions are taken again.
    let mut report = valid_report();
    report["external_id"] = "after-the-flood".into();
    expect(app.post_report(&reporter.token, &report).await, 201).await;
}

/// The value of the metric sample `name` (with its labels, as written) at `/metrics`.
async fn metric(app: &TestApp, name: &str) -> f64 {
    let text = app
        .client
        .get(format!("{}/metrics", app.metrics_address))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    text.lines()
        .find_map(|line| line.strip_prefix(name)?.strip_prefix(' ')?.parse().ok())
        .unwrap_or(0.0)
}

#[actix_web::test]
async fn with_the_queue_full_a_request_is_refused_before_its_body_arrives() {
    let app = spawn_app_with(|s| {
        s.db_pool_size = 1;
        s.db_queue_length = 1;
        s.db_queue_wait_seconds = 30;
        // Reading a body that never ends would take this long before the old 408.
        s.body_timeout_seconds = 30;
        s.rate_limit_per_second = 1_000_000;
        s.rate_limit_burst = 1_000_000;
    })
    .await;
    let reporter = app.reporter(CredentialMode::Live).await;
    let refused_before = metric(&app, "portal_db_admissions_total{outcome=\"refused\"}").await;
    // On SQLite a submission gives up waiting for the lock after its busy timeout (10 s), which
    // empties the queue: on a loaded machine that can happen before the client below arrives,
    // so an attempt without an answer is tried again (the old code answers none of them).
    let mut submissions = Vec::new();
    let mut answered = None;
    for _attempt in 0..3 {
        let (answer, blockers) = refused_before_the_body(&app, &reporter.token).await;
        submissions.extend(blockers);
        if answer.is_some() {
            answered = answer;
            break;
        }
    }
    let answer = answered.expect("no answer within 5 s to a request whose body never came");
    assert!(answer.starts_with("http/1.1 429"), "{answer}");
    assert!(answer.contains("retry-after: 30\r\n"), "{answer}");
    assert!(
        answer.contains("content-type: application/problem+json\r\n"),
        "{answer}"
    );
    assert!(
        metric(&app, "portal_db_admissions_total{outcome=\"refused\"}").await > refused_before,
        "the refusal is counted"
    );

    // The lock gone, the queued submissions are stored.
    let mut statuses = Vec::new();
    for submission in submissions {
        statuses.push(submission.await.unwrap().unwrap().status().as_u16());
    }
    assert!(statuses.contains(&201), "{statuses:?}");
    assert_eq!(metric(&app, "portal_db_queue_waiting").await, 0.0);
    assert!(metric(&app, "portal_db_admissions_total{outcome=\"admitted\"}").await >= 1.0);
    assert!(metric(&app, "portal_db_queue_wait_seconds_count").await >= 1.0);
}

/// With the write lock held, submissions until one holds the connection and one waits behind
/// it (the queue of one full), then a client that sends the headers and a part of its body, and
/// then nothing: answers what it got within 5 s (lowercase), if anything, and the submissions,
/// once the lock is given back.
async fn refused_before_the_body(
    app: &TestApp,
    token: &str,
) -> (
    Option<String>,
    Vec<actix_web::rt::task::JoinHandle<reqwest::Result<reqwest::Response>>>,
) {
    let release = hold_the_write_lock(app);

    let mut submissions = Vec::new();
    for n in 0..4 {
        if metric(app, "portal_db_queue_waiting").await >= 1.0 {
            break;
        }
        let mut report = valid_report();
        report["external_id"] = format!("blocker-{n}").into();
        let request = app
            .client
            .post(format!("{}/api/v1/reports", app.address))
            .bearer_auth(token)
            .json(&report)
            .send();
        submissions.push(actix_web::rt::spawn(request));
        for _ in 0..50 {
            if metric(app, "portal_db_queue_waiting").await >= 1.0 {
                break;
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }
    if metric(app, "portal_db_queue_waiting").await < 1.0 {
        release.send(()).unwrap();
        return (None, submissions);
    }

    // A client that sends the headers and a part of its body, and then nothing.
    let address = app.address.trim_start_matches("http://").to_owned();
    let mut client = tokio::net::TcpStream::connect(&address).await.unwrap();
    let head = format!(
        "POST /api/v1/reports HTTP/1.1\r\nHost: {address}\r\nAuthorization: Bearer {}\r\n\
         Content-Type: application/json\r\nContent-Length: 20000\r\n\r\n{{\"title\": \"",
        token
    );
    client.write_all(head.as_bytes()).await.unwrap();
    let mut answer = Vec::new();
    let read = tokio::time::timeout(Duration::from_secs(5), async {
        let mut buffer = [0u8; 4096];
        while !String::from_utf8_lossy(&answer).contains("\r\n\r\n") {
            match client.read(&mut buffer).await.unwrap() {
                0 => break,
                n => answer.extend_from_slice(&buffer[..n]),
            }
        }
    })
    .await;
    let answer = String::from_utf8_lossy(&answer).to_lowercase();
    release.send(()).unwrap();
    (read.is_ok().then_some(answer), submissions)
}
