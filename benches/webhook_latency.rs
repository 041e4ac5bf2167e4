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

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use futures_util::future::join_all;
use report_portal::config::{SecretUrl, Settings};
use report_portal::db;
use report_portal::domain::organization::{
    CredentialMode, NewCredential, NewOrganization, OrganizationStatus, StatusChange,
};
use report_portal::startup::Application;
use report_portal::store;
use serde_json::{Value, json};

fn main() -> anyhow::Result<()> {
    actix_web::rt::System::new().block_on(measure())
}

fn setting(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

async fn measure() -> anyhow::Result<()> {
    let reports = setting("N", 1000);
    let concurrency = setting("CONCURRENCY", 4).max(1);
    let data_dir = tempfile::tempdir()?;
    let receiver = receiver::Receiver::start();
    let settings = Settings {
        data_dir: data_dir.path().to_path_buf(),
        bind: "127.0.0.1:0".into(),
        database_url: SecretUrl(std::env::var("DATABASE_URL").unwrap_or_default()),
        mail_worker: false,
        ..Settings::default()
    };
    let application = Application::build(settings.clone())?;
    let address = format!("http://127.0.0.1:{}", application.port());
    actix_web::rt::spawn(application.run_until_stopped());

    let pool = db::connect(
        &settings.database_url(),
        1,
        std::time::Duration::from_secs(5),
    )?;
    let mut conn = pool.get()?;
    let new_organization = NewOrganization {
        name: "Bench Social".into(),
        contact_email: None,
    };
    let organization = store::organizations::create_organization(
        &mut conn,
        &new_organization,
        OrganizationStatus::Vetted,
        StatusChange::COMMAND_LINE,
    )?;
    let new_credential = NewCredential {
        mode: CredentialMode::Test,
        label: None,
    };
    let credential =
        store::organizations::create_credential(&mut conn, &organization.id, &new_credential, 365)?;
    drop(conn);
    let client = reqwest::Client::new();
    let token: Value = client
        .post(format!("{address}/api/v1/auth/token"))
        .basic_auth(&credential.client_id, Some(&credential.client_secret))
        .form(&[("grant_type", "client_credentials")])
        .send()
        .await?
        .json()
        .await?;
    let token = token["access_token"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
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
    let mut latencies: Vec<f64> = first
        .values()
        .map(|(committed, at)| {
            (*at - *committed).num_microseconds().unwrap_or(i64::MAX) as f64 / 1000.0
        })
        .collect();
    latencies.sort_by(f64::total_cmp);
    let percentile = |p: f64| latencies[((latencies.len() - 1) as f64 * p).round() as usize];
    println!(
        "{}",
        json!({
            "reports": reports,
            "concurrency": concurrency,
            "poll_seconds": settings.webhook_poll_seconds,
            "backend": if settings.database_url().starts_with("postgres") { "postgresql" } else { "sqlite" },
            "p50_ms": percentile(0.50),
            "p90_ms": percentile(0.90),
            "p99_ms": percentile(0.99),
            "max_ms": percentile(1.0),
        })
    );
    Ok(())
}

/// A small valid report, different for each `n`.
fn report(n: usize) -> Value {
    json!({
        "external_id": format!("bench-{n}"),
        "service": "Bench Video",
        "category": "recruitment",
        "severity": "high",
        "summary": "Account posts job offers for security work with travel paid.",
        "detection_method": "automated_detection",
        "detected_at": "2026-11-20T14:30:00Z",
        "accounts": [{"platform_account_id": format!("acct-{n}"), "role": "recruiter", "action_taken": "suspended"}],
        "contact": {"name": "Trust and Safety Desk", "email": "desk@example.com"}
    })
}
