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
    let smtp = smtp::SmtpServer::start();
    let settings = Settings {
        data_dir: data_dir.path().to_path_buf(),
        bind: "127.0.0.1:0".into(),
        database_url: SecretUrl(std::env::var("DATABASE_URL").unwrap_or_default()),
        smtp_url: SecretUrl(smtp.url()),
        notify_to: "desk@dhs.example".into(),
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
        mode: CredentialMode::Live,
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

    let mut latencies: Vec<f64> = received
        .iter()
        .map(|(id, at)| {
            let arrived = arrivals.get(id).expect("every report's message arrived");
            (*arrived - *at).num_microseconds().unwrap_or(i64::MAX) as f64 / 1000.0
        })
        .collect();
    latencies.sort_by(f64::total_cmp);
    let percentile = |p: f64| latencies[((latencies.len() - 1) as f64 * p).round() as usize];
    println!(
        "{}",
        json!({
            "reports": reports,
            "concurrency": concurrency,
            "backend": if settings.database_url().starts_with("postgres") { "postgresql" } else { "sqlite" },
            "p50_ms": percentile(0.50),
            "p90_ms": percentile(0.90),
            "p99_ms": percentile(0.99),
            "max_ms": percentile(1.0),
        })
    );
    Ok(())
}

/// The valid report fixture (tests/fixtures/valid_report.json), different for each `n`: its own
/// external id and account, and one in ten critical.
fn report(n: usize) -> Value {
    let mut report: Value =
        serde_json::from_str(include_str!("../tests/fixtures/valid_report.json"))
            .expect("the fixture is JSON");
    report["external_id"] = json!(format!("bench-{n}"));
    report["severity"] = json!(if n % 10 == 0 { "critical" } else { "high" });
    report["accounts"][0]["platform_account_id"] = json!(format!("acct-{n}"));
    report["accounts"][0]["handle"] = json!(format!("@acct.{n}"));
    report["content"][0]["account_ref"] = json!(format!("acct-{n}"));
    report
}
