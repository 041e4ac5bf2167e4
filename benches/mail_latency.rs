//! Time from commit to delivery of new-report e-mail.
//!
//! Starts the real server (its in-process worker sending to the loopback SMTP server of the
//! tests), submits `N` live reports over HTTP from `CONCURRENCY` clients at once, and measures for
//! each report the time from its `received_at` (taken just before its transaction commits) to the
//! arrival of its message at the SMTP server. Prints one JSON object with the percentiles.
//!
//! ```sh
//! cargo bench --bench mail_latency                      # SQLite in a temporary folder
//! DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench cargo bench --bench mail_latency
//! N=200 CONCURRENCY=1 cargo bench --bench mail_latency  # one report at a time
//! ```
//!
//! A PostgreSQL database given in `DATABASE_URL` must be empty (a fresh one).

// The benchmark uses only part of the tests' SMTP server.
#[allow(dead_code)]
#[path = "../tests/api/smtp.rs"]
mod smtp;

mod common;

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use common::{report, setting};
use futures_util::future::join_all;
use report_portal::config::{SecretUrl, Settings};
use report_portal::domain::organization::CredentialMode;
use serde_json::{Value, json};

fn main() -> anyhow::Result<()> {
    actix_web::rt::System::new().block_on(measure())
}

async fn measure() -> anyhow::Result<()> {
    let reports = setting("N", 1000);
    let concurrency = setting("CONCURRENCY", 4).max(1);
    let data_dir = tempfile::tempdir()?;
    let smtp = smtp::SmtpServer::start();
    let settings = Settings {
        smtp_url: SecretUrl(smtp.url()),
        notify_to: "desk@dhs.example".into(),
        ..common::settings(data_dir.path())
    };
    let common::Server {
        address,
        client,
        token,
    } = common::start(&settings, CredentialMode::Live).await?;

    // Messages are timed as they arrive, while the reports are still being submitted.
    let arrivals = actix_web::rt::spawn(async move {
        let mut arrivals = HashMap::new();
        while arrivals.len() < reports {
            let message = smtp.receive(1).await.remove(0);
            let arrived = Utc::now();
            let text = message.text();
            let id = text
                .lines()
                .find_map(|line| line.strip_prefix("Report:"))
                .map(|id| id.trim().to_owned())
                .unwrap_or_default();
            arrivals.insert(id, arrived);
        }
        arrivals
    });

    let submitters = (0..concurrency).map(|submitter| {
        let (client, address, token) = (client.clone(), address.clone(), token.clone());
        async move {
            let mut received = Vec::new();
            for n in (submitter..reports).step_by(concurrency) {
                let receipt: Value = client
                    .post(format!("{address}/api/v1/reports"))
                    .bearer_auth(&token)
                    .json(&report(n))
                    .send()
                    .await
                    .expect("the server answers")
                    .json()
                    .await
                    .expect("a receipt");
                let id = receipt["id"].as_str().expect("stored").to_owned();
                let at: DateTime<Utc> = receipt["received_at"]
                    .as_str()
                    .and_then(|at| at.parse().ok())
                    .expect("received_at");
                received.push((id, at));
            }
            received
        }
    });
    let received: Vec<(String, DateTime<Utc>)> =
        join_all(submitters).await.into_iter().flatten().collect();
    let arrivals = arrivals.await?;

    let latencies: Vec<f64> = received
        .iter()
        .map(|(id, at)| {
            let arrived = arrivals.get(id).expect("every report's message arrived");
            (*arrived - *at).num_microseconds().unwrap_or(i64::MAX) as f64 / 1000.0
        })
        .collect();
    common::print_percentiles(
        &settings,
        latencies,
        json!({"reports": reports, "concurrency": concurrency}),
    );
    Ok(())
}
