//! What the latency benches share: their settings from the environment, the real server they
//! start with a vetted organization's token, the reports they submit and the line they print.

use std::path::Path;

use report_portal::config::{SecretUrl, Settings};
use report_portal::db;
use report_portal::domain::organization::{
    CredentialMode, NewCredential, NewOrganization, OrganizationStatus, StatusChange,
};
use report_portal::startup::Application;
use report_portal::store;
use serde_json::{Value, json};

/// The number in environment variable `name`, or `default`.
pub fn setting(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

/// The settings every bench starts from: data in `data_dir`, any free port, the database of
/// `DATABASE_URL` (SQLite in `data_dir` when unset).
pub fn settings(data_dir: &Path) -> Settings {
    Settings {
        data_dir: data_dir.to_path_buf(),
        bind: "127.0.0.1:0".into(),
        database_url: SecretUrl(std::env::var("DATABASE_URL").unwrap_or_default()),
        ..Settings::default()
    }
}

/// A running server and a vetted organization's client signed in to it.
pub struct Server {
    /// Where it listens, e.g. `http://127.0.0.1:41234`.
    pub address: String,
    /// The client the bench talks through.
    pub client: reqwest::Client,
    /// The organization's access token.
    pub token: String,
}

/// Starts the server with `settings` on the current actix system, registers a vetted
/// organization with a credential of `mode` and signs it in.
pub async fn start(settings: &Settings, mode: CredentialMode) -> anyhow::Result<Server> {
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
    let new_credential = NewCredential { mode, label: None };
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
    Ok(Server {
        address,
        client,
        token,
    })
}

/// The valid report fixture (tests/fixtures/valid_report.json), different for each `n`: its own
/// external id and account, and one in ten critical.
pub fn report(n: usize) -> Value {
    let mut report: Value =
        serde_json::from_str(include_str!("../../tests/fixtures/valid_report.json"))
            .expect("the fixture is JSON");
    report["external_id"] = json!(format!("bench-{n}"));
    report["severity"] = json!(if n % 10 == 0 { "critical" } else { "high" });
    report["accounts"][0]["platform_account_id"] = json!(format!("acct-{n}"));
    report["accounts"][0]["handle"] = json!(format!("@acct.{n}"));
    report["content"][0]["account_ref"] = json!(format!("acct-{n}"));
    report
}

/// Prints one JSON line: `fields`, the backend of `settings`, and the 50th, 90th and 99th
/// percentile and the maximum of `latencies` (in milliseconds).
pub fn print_percentiles(settings: &Settings, mut latencies: Vec<f64>, fields: Value) {
    latencies.sort_by(f64::total_cmp);
    let percentile = |p: f64| latencies[((latencies.len() - 1) as f64 * p).round() as usize];
    let mut line = fields;
    line["backend"] = json!(if settings.database_url().starts_with("postgres") {
        "postgresql"
    } else {
        "sqlite"
    });
    line["p50_ms"] = json!(percentile(0.50));
    line["p90_ms"] = json!(percentile(0.90));
    line["p99_ms"] = json!(percentile(0.99));
    line["max_ms"] = json!(percentile(1.0));
    println!("{line}");
}
