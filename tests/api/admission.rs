//! Admission to the database under a flood: more concurrent submissions than the pool and its
//! queue hold get 429 with `Retry-After`, never 503 while the database is up, and every report
//! acknowledged with 201 is stored.

use std::collections::BTreeMap;

use report_portal::domain::organization::CredentialMode;
use serde_json::Value;

use crate::helpers::{expect, spawn_app_with, valid_report};

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
