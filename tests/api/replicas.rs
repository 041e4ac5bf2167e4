//! Two replicas: two processes of the real binary on one PostgreSQL database, sharing nothing but
//! the database and the key files (each has a data folder of its own). A token issued by one is
//! accepted by the other; one `external_id` sent to both at once is stored once; and with both
//! e-mail workers running, every notification is sent exactly once; with both webhook workers
//! running, every event is delivered once, in order per report. PostgreSQL only.

use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use diesel::prelude::*;
use report_portal::db::schema::reports;
use report_portal::db::{self, DbConnection};
use report_portal::domain::organization::{
    CredentialMode, IssuedCredential, NewCredential, NewOrganization, OrganizationStatus,
    StatusChange,
};
use report_portal::store;
use serde_json::Value;

use crate::helpers::{ServerProcess, TestDatabase, expect, valid_report};
use crate::smtp::{SmtpServer, distinct, unused_port};

/// A server process and its address.
struct Replica {
    address: String,
    _process: ServerProcess,
}

/// Starts `report-portal serve` on `database_url` and the key store `keys_database_url` with a
/// data folder of its own under `dir`, the key files under `keys`, and e-mail to `smtp_url`;
/// waits until it answers `/readyz`.
async fn start_replica(
    name: &str,
    dir: &Path,
    database_url: &str,
    keys_database_url: &str,
    keys: &Path,
    smtp_url: &str,
) -> Replica {
    let data_dir = dir.join(name);
    std::fs::create_dir_all(&data_dir).unwrap();
    let log = std::fs::File::create(data_dir.join("server.log")).unwrap();
    let address = format!("127.0.0.1:{}", unused_port());
    let process = Command::new(env!("CARGO_BIN_EXE_report-portal"))
        .arg("serve")
        .env("DATABASE_URL", database_url)
        .env("PORTAL_DATA_DIR", &data_dir)
        .env("PORTAL_BIND", &address)
        .env("PORTAL_METRICS_BIND", "127.0.0.1:0")
        .env("PORTAL_WORKERS", "2")
        .env("PORTAL_JWT_KEY_FILE", keys.join("jwt-ed25519.pem"))
        .env("PORTAL_SEARCH_KEY_FILE", keys.join("search.key"))
        .env("PORTAL_MASTER_KEY_DIR", keys.join("master-keys"))
        .env("PORTAL_KEYS_DATABASE_URL", keys_database_url)
        .env("PORTAL_SMTP_URL", smtp_url)
        .env("PORTAL_NOTIFY_TO", "analysts@dhs.example")
        .env("PORTAL_MAIL_POLL_SECONDS", "0.2")
        .env("PORTAL_LOG", "warn")
        .stdout(Stdio::null())
        .stderr(log)
        .spawn()
        .expect("the binary starts");
    let replica = Replica {
        address: format!("http://{address}"),
        _process: ServerProcess(process),
    };
    let client = reqwest::Client::new();
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        let ready = client
            .get(format!("{}/readyz", replica.address))
            .send()
            .await
            .is_ok_and(|r| r.status() == 200);
        if ready {
            return replica;
        }
        assert!(
            Instant::now() < deadline,
            "replica {name} did not get ready: {}",
            std::fs::read_to_string(data_dir.join("server.log")).unwrap_or_default()
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// A vetted organization with a live credential, made directly in the database.
fn live_credential(conn: &mut DbConnection) -> IssuedCredential {
    let new = NewOrganization {
        name: "Example Replicated".into(),
        contact_email: None,
    };
    let organization = store::organizations::create_organization(
        conn,
        &new,
        OrganizationStatus::Vetted,
        StatusChange::COMMAND_LINE,
    )
    .unwrap();
    let credential = NewCredential {
        mode: CredentialMode::Live,
        label: None,
    };
    store::organizations::create_credential(conn, &organization.id, &credential, 365).unwrap()
}

async fn post_report(
    client: &reqwest::Client,
    replica: &Replica,
    token: &str,
    report: &Value,
) -> (u16, Value) {
    let response = client
        .post(format!("{}/api/v1/reports", replica.address))
        .bearer_auth(token)
        .json(report)
        .send()
        .await
        .unwrap();
    let status = response.status().as_u16();
    (status, response.json().await.unwrap())
}

#[actix_web::test]
async fn two_replicas_share_tokens_store_one_report_per_external_id_and_notify_once() {
    if std::env::var("TEST_DATABASE_URL").is_err() {
        eprintln!("skipped: set TEST_DATABASE_URL to run two replicas on one PostgreSQL");
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let database = TestDatabase::new(&dir.path().join("unused.db"));
    let keys_database = TestDatabase::new(&dir.path().join("unused-keys.db"));
    let (database_url, keys_database_url) = (database.url(), keys_database.url());
    let keys = dir.path().join("keys");
    std::fs::create_dir_all(&keys).unwrap();
    let smtp = SmtpServer::start();
    // The first replica creates the key files; the second starts on them.
    let first = start_replica(
        "first",
        dir.path(),
        database_url,
        keys_database_url,
        &keys,
        &smtp.url(),
    )
    .await;
    let second = start_replica(
        "second",
        dir.path(),
        database_url,
        keys_database_url,
        &keys,
        &smtp.url(),
    )
    .await;
    let pool = db::connect(database_url, 1, Duration::from_secs(5)).unwrap();
    let credential = live_credential(&mut pool.get().unwrap());
    let client = reqwest::Client::new();

    // A token issued by the first replica is accepted by the second.
    let issued = client
        .post(format!("{}/api/v1/auth/token", first.address))
        .form(&[
            ("grant_type", "client_credentials"),
            ("client_id", &credential.client_id),
            ("client_secret", &credential.client_secret),
        ])
        .send()
        .await
        .unwrap();
    let token = expect(issued, 200).await["access_token"]
        .as_str()
        .unwrap()
        .to_owned();
    let listed = client
        .get(format!("{}/api/v1/reports", second.address))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    expect(listed, 200).await;

    // The same report sent to both at once, again and again: one is stored (201), the other
    // answers the same receipt as a replay (200).
    let mut ids = Vec::new();
    for _ in 0..20 {
        let report = valid_report();
        let (a, b) = tokio::join!(
            post_report(&client, &first, &token, &report),
            post_report(&client, &second, &token, &report)
        );
        let mut statuses = [a.0, b.0];
        statuses.sort();
        assert_eq!(statuses, [200, 201], "{a:?} {b:?}");
        assert_eq!(a.1["id"], b.1["id"], "both answer the one stored report");
        let external_id = report["external_id"].as_str().unwrap().to_owned();
        let stored: i64 = reports::table
            .filter(reports::external_id.eq(&external_id))
            .count()
            .get_result(&mut pool.get().unwrap())
            .unwrap();
        assert_eq!(stored, 1);
        ids.push(a.1["id"].as_str().unwrap().to_owned());
    }

    // Both workers deliver from the one outbox: each new report's message is sent once.
    let messages = smtp.receive(ids.len()).await;
    smtp.assert_quiet(Duration::from_secs(2)).await;
    assert_eq!(distinct(&messages, "Message-ID").len(), ids.len());
    for id in &ids {
        let about = messages.iter().filter(|m| m.text().contains(id)).count();
        assert_eq!(about, 1, "report {id} was told of {about} times");
    }
}

#[actix_web::test]
async fn two_replicas_deliver_each_webhook_once_in_order_per_report() {
    if std::env::var("TEST_DATABASE_URL").is_err() {
        eprintln!("skipped: set TEST_DATABASE_URL to run two replicas on one PostgreSQL");
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let database = TestDatabase::new(&dir.path().join("unused.db"));
    let keys_database = TestDatabase::new(&dir.path().join("unused-keys.db"));
    let (database_url, keys_database_url) = (database.url(), keys_database.url());
    let keys = dir.path().join("keys");
    std::fs::create_dir_all(&keys).unwrap();
    let smtp = SmtpServer::start();
    let smtp_url = smtp.url();
    let start = |name| {
        start_replica(
            name,
            dir.path(),
            database_url,
            keys_database_url,
            &keys,
            &smtp_url,
        )
    };
    let first = start("first").await;
    let second = start("second").await;
    let pool = db::connect(database_url, 1, Duration::from_secs(5)).unwrap();
    let new = NewOrganization {
        name: "Example Hooked".into(),
        contact_email: None,
    };
    let organization = store::organizations::create_organization(
        &mut pool.get().unwrap(),
        &new,
        OrganizationStatus::Vetted,
        StatusChange::COMMAND_LINE,
    )
    .unwrap()
    .id;
    let test_mode = NewCredential {
        mode: CredentialMode::Test,
        label: None,
    };
    let credential = store::organizations::create_credential(
        &mut pool.get().unwrap(),
        &organization,
        &test_mode,
        365,
    )
    .unwrap();
    let client = reqwest::Client::new();
    let issued = client
        .post(format!("{}/api/v1/auth/token", first.address))
        .basic_auth(&credential.client_id, Some(&credential.client_secret))
        .form(&[("grant_type", "client_credentials")])
        .send()
        .await
        .unwrap();
    let token = expect(issued, 200).await["access_token"]
        .as_str()
        .unwrap()
        .to_owned();
    let receiver = crate::receiver::Receiver::start();
    let registered = client
        .post(format!("{}/api/v1/webhooks", second.address))
        .bearer_auth(&token)
        .json(&serde_json::json!({"url": receiver.url(), "event_types": ["report.received", "amendment.received"]}))
        .send()
        .await
        .unwrap();
    let secret = expect(registered, 201).await["secret"]
        .as_str()
        .unwrap()
        .to_owned();

    // Reports to both replicas, each amended at once through the other: both workers claim
    // from the one webhook outbox.
    let mut ids = Vec::new();
    for n in 0..20 {
        let (to, other) = if n % 2 == 0 {
            (&first, &second)
        } else {
            (&second, &first)
        };
        let (status, receipt) = post_report(&client, to, &token, &valid_report()).await;
        assert_eq!(status, 201);
        let id = receipt["id"].as_str().unwrap().to_owned();
        let amended = client
            .post(format!("{}/api/v1/reports/{id}/amendments", other.address))
            .bearer_auth(&token)
            .json(&serde_json::json!({"note": "one more detail about the recruiter's account"}))
            .send()
            .await
            .unwrap();
        expect(amended, 201).await;
        ids.push(id);
    }
    receiver.wait_for(2 * ids.len(), 30).await;
    // Nothing more arrives: no event is delivered twice.
    tokio::time::sleep(Duration::from_secs(2)).await;
    let received = receiver.received();
    assert_eq!(received.len(), 2 * ids.len(), "each event delivered once");
    let webhook_ids: std::collections::HashSet<String> =
        received.iter().map(|r| r.header("webhook-id")).collect();
    assert_eq!(webhook_ids.len(), received.len());
    for id in &ids {
        let kinds: Vec<String> = received
            .iter()
            .map(|r| r.json())
            .filter(|body| body["data"]["report_id"] == id.as_str())
            .map(|body| body["type"].as_str().unwrap().to_owned())
            .collect();
        assert_eq!(
            kinds,
            ["report.received", "amendment.received"],
            "report {id}"
        );
    }
    for delivery in &received {
        standardwebhooks::Webhook::new(&secret)
            .unwrap()
            .verify(&delivery.body, &delivery.headers)
            .unwrap();
    }
}
