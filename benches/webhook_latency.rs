//! Time from commit to the first delivery attempt of webhooks.
//!
//! Starts the real server with its default webhook settings (its in-process worker looking for
//! due deliveries every `webhook_poll_seconds`), registers a test-mode endpoint at the tests' HTTP
//! receiver, submits `N` reports over HTTP from `CONCURRENCY` clients at once, and measures for
//! each `report.received` event the time from its `timestamp` (taken in the transaction, just
//! before it commits) to the arrival of its first delivery at the receiver. Prints one JSON
//! object with the percentiles.
//!
//! ```sh
//! cargo bench --bench webhook_latency                      # SQLite in a temporary folder
//! DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench cargo bench --bench webhook_latency
//! N=200 CONCURRENCY=1 cargo bench --bench webhook_latency  # one report at a time
//! ```
//!
//! A PostgreSQL database given in `DATABASE_URL` must be empty (a fresh one).

// The benchmark uses only part of the tests' receiver.
#[allow(dead_code)]
#[path = "../tests/api/receiver.rs"]
mod receiver;

mod common;

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use common::{report, setting};
use futures_util::future::join_all;
use report_portal::config::Settings;
use report_portal::domain::organization::CredentialMode;
use serde_json::json;

fn main() -> anyhow::Result<()> {
    actix_web::rt::System::new().block_on(measure())
}

async fn measure() -> anyhow::Result<()> {
    let reports = setting("N", 1000);
    let concurrency = setting("CONCURRENCY", 4).max(1);
    let data_dir = tempfile::tempdir()?;
    let receiver = receiver::Receiver::start();
    let settings = Settings {
        mail_worker: false,
        ..common::settings(data_dir.path())
    };
    let common::Server {
        address,
        client,
        token,
    } = common::start(&settings, CredentialMode::Test).await?;
    let endpoint = client
        .post(format!("{address}/api/v1/webhooks"))
        .bearer_auth(&token)
        .json(&json!({"url": receiver.url(), "event_types": ["report.received"]}))
        .send()
        .await?;
    anyhow::ensure!(
        endpoint.status() == 201,
        "registration: {}",
        endpoint.status()
    );

    let submitters = (0..concurrency).map(|submitter| {
        let (client, address, token) = (client.clone(), address.clone(), token.clone());
        async move {
            for n in (submitter..reports).step_by(concurrency) {
                let answer = client
                    .post(format!("{address}/api/v1/reports"))
                    .bearer_auth(&token)
                    .json(&report(n))
                    .send()
                    .await
                    .expect("the server answers");
                assert_eq!(answer.status(), 201);
            }
        }
    });
    join_all(submitters).await;
    let arrived = receiver.wait_for(reports, 600).await;

    // The first arrival of each event (a retry would arrive again with the same id).
    let mut first: HashMap<String, (DateTime<Utc>, DateTime<Utc>)> = HashMap::new();
    for delivery in &arrived {
        let body = delivery.json();
        let committed: DateTime<Utc> = body["timestamp"].as_str().unwrap().parse()?;
        first
            .entry(delivery.header("webhook-id"))
            .or_insert((committed, delivery.at));
    }
    let latencies: Vec<f64> = first
        .values()
        .map(|(committed, at)| {
            (*at - *committed).num_microseconds().unwrap_or(i64::MAX) as f64 / 1000.0
        })
        .collect();
    common::print_percentiles(
        &settings,
        latencies,
        json!({
            "reports": reports,
            "concurrency": concurrency,
            "poll_seconds": settings.webhook_poll_seconds,
        }),
    );
    Ok(())
}
