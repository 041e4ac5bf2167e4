//! Background work gives way to requests: with 20 000 notifications queued and nobody to receive
//! them, the server (a real process) answers a token request, a submission and the command
//! line's `user create` within 2 s each while it marks the backlog failed, says why once, and
//! stops within 10 s of SIGTERM with an idle keep-alive connection open.

use std::process::Command;
use std::time::{Duration, Instant};

use diesel::prelude::*;
use report_portal::db::schema::outbox;
use report_portal::domain::notification::NotificationKind;
use report_portal::domain::organization::CredentialMode;
use report_portal::store;
use serde_json::Value;

use crate::helpers::{ServerProcess, TestApp, expect, spawn_app_with, valid_report};
use crate::smtp::unused_port;

/// Notifications in the backlog.
const BACKLOG: usize = 20_000;
/// The longest a request may take while the backlog drains.
const PROMPT: Duration = Duration::from_secs(2);

/// Starts `report-portal serve` on `app`'s databases and data folder, on a free port, with the
/// defaults (e-mail worker on, no recipients), logging to `server.log` in the data folder;
/// answers the process and its address once it answers `/healthz`.
async fn serve(app: &TestApp) -> (ServerProcess, String) {
    let port = unused_port();
    let child = ServerProcess(
        Command::new(env!("CARGO_BIN_EXE_report-portal"))
            .arg("serve")
            .env("DATABASE_URL", app.settings.database_url())
            .env("PORTAL_DATA_DIR", &app.settings.data_dir)
            .env("PORTAL_BIND", format!("127.0.0.1:{port}"))
            .env("PORTAL_WORKERS", "2")
            .env("PORTAL_LOG", "info")
            .stderr(std::fs::File::create(log_path(app)).expect("a log file"))
            .spawn()
            .expect("the binary runs"),
    );
    let address = format!("http://127.0.0.1:{port}");
    let started = Instant::now();
    while app
        .client
        .get(format!("{address}/healthz"))
        .send()
        .await
        .is_err()
    {
        assert!(started.elapsed() < Duration::from_secs(60), "no answer");
        actix_web::rt::time::sleep(Duration::from_millis(50)).await;
    }
    (child, address)
}

/// Where [`serve`] has the server log.
fn log_path(app: &TestApp) -> std::path::PathBuf {
    app.settings.data_dir.join("server.log")
}

/// How many notifications are pending.
fn pending(app: &TestApp) -> i64 {
    app.with_db(|conn| {
        outbox::table
            .filter(outbox::status.eq("pending"))
            .count()
            .get_result(conn)
            .unwrap()
    })
}

/// Times `work`, asserting it took less than [`PROMPT`].
async fn promptly<T>(what: &str, work: impl std::future::Future<Output = T>) -> T {
    let started = Instant::now();
    let done = work.await;
    let took = started.elapsed();
    assert!(
        took < PROMPT,
        "{what} took {took:?} while the backlog drained"
    );
    done
}

#[actix_web::test]
async fn requests_and_the_command_line_are_served_promptly_while_a_backlog_drains() {
    // The test's own server only prepares the database: the process below delivers.
    let mut app = spawn_app_with(|settings| settings.mail_worker = false).await;
    let reporter = app.reporter(CredentialMode::Live).await;
    let report = expect(app.post_report(&reporter.token, &valid_report()).await, 201).await;
    let report_id = report["id"].as_str().unwrap().to_owned();
    app.with_db(|conn| {
        let about = vec![(report_id.as_str(), false); BACKLOG];
        store::outbox::enqueue(conn, NotificationKind::NewReport, &about).unwrap()
    });

    let (mut server, address) = serve(&app).await;
    assert!(pending(&app) > 0, "the backlog drained before the test");
    // From here on the helpers talk to the process.
    app.address = address;
    let token = promptly("a token", async {
        expect(
            app.request_token(
                &reporter.credential.client_id,
                &reporter.credential.client_secret,
            )
            .await,
            200,
        )
        .await
    })
    .await;
    let token = token["access_token"].as_str().unwrap();
    let mut report = valid_report();
    report["summary"] = Value::from("Another recruiter, met while the outbox drained.");
    promptly("a submission", async {
        expect(app.post_report(token, &report).await, 201).await
    })
    .await;
    promptly("user create", async {
        crate::cli::run(
            &app,
            &[
                "user",
                "create",
                "--email",
                "late.analyst@dhs.example",
                "--role",
                "analyst",
            ],
        )
    })
    .await;
    let ready = expect(
        app.client
            .get(format!("{}/readyz", app.address))
            .send()
            .await
            .unwrap(),
        200,
    )
    .await;
    assert!(
        ready["detail"].as_str().unwrap().contains("no recipients"),
        "{ready}"
    );
    assert!(
        pending(&app) > 0,
        "the backlog drained before the requests were made"
    );

    // SIGTERM with the client's keep-alive connection still open.
    let signalled = Instant::now();
    // SAFETY: kill only sends a signal to the child this test started.
    assert_eq!(
        unsafe { libc::kill(server.0.id() as i32, libc::SIGTERM) },
        0
    );
    while server.0.try_wait().unwrap().is_none() {
        assert!(
            signalled.elapsed() < Duration::from_secs(10),
            "still running 10 s after SIGTERM"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
    let logs = std::fs::read_to_string(log_path(&app)).unwrap();
    assert_eq!(
        logs.matches("e-mail cannot be delivered").count(),
        1,
        "said once: {logs}"
    );
    assert!(
        !logs.contains("e-mail not delivered"),
        "one line a message: {logs}"
    );
    let claimed: i64 = app.with_db(|conn| {
        outbox::table
            .filter(outbox::lease_owner.is_not_null())
            .count()
            .get_result(conn)
            .unwrap()
    });
    assert_eq!(claimed, 0, "claims given back on the way out");
}
