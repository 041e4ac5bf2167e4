//! E-mail notifications end to end: reports submitted over HTTP, the outbox delivered by the real
//! worker with lettre over TCP to the loopback SMTP server of `smtp.rs` (or to `.eml` files), and
//! the outbox as admins see and retry it.

use std::collections::HashSet;
use std::sync::Arc;
use std::time::Duration;

use report_portal::config::{SecretUrl, Settings};
use report_portal::db::{self, portable};
use report_portal::domain::notification::NotificationKind;
use report_portal::domain::organization::CredentialMode;
use report_portal::domain::user::{NewUser, Role};
use report_portal::mail::worker::{Tally, Worker};
use report_portal::service;
use report_portal::store::queue::Lease;
use report_portal::store::{self, outbox};
use serde_json::{Value, json};
use tokio::sync::{Notify, watch};

use crate::helpers::{TestApp, expect, spawn_app_with, valid_report};
use crate::smtp::{SmtpServer, Stage, distinct, part, smtp_url, unused_port};

/// Long enough for the worker (polling every 50 ms) to have sent anything it was going to.
const QUIET: Duration = Duration::from_millis(400);

/// An application whose worker sends to `smtp_url` and notifies the distribution list
/// `desk@` and `watch@`, with intervals cut to test size.
async fn app_mailing_to(smtp_url: &str, adjust: impl FnOnce(&mut Settings)) -> TestApp {
    spawn_app_with(|settings| {
        settings.smtp_url = SecretUrl(smtp_url.to_owned());
        settings.notify_to = "desk@dhs.example, watch@dhs.example".into();
        settings.mail_from = "Report Portal <portal@dhs.example>".into();
        settings.public_url = "https://portal.dhs.example".into();
        settings.smtp_timeout_seconds = 2;
        settings.mail_poll_seconds = 0.05;
        settings.mail_backoff_seconds = 0.05;
        settings.mail_lease_seconds = 5.0;
        adjust(settings);
    })
    .await
}

/// Submits a live report (from a new organization) with `severity`; answers its id.
async fn submit(app: &TestApp, mode: CredentialMode, severity: &str) -> String {
    let reporter = app.reporter(mode).await;
    let mut report = valid_report();
    report["severity"] = json!(severity);
    let receipt = expect(app.post_report(&reporter.token, &report).await, 201).await;
    receipt["id"].as_str().unwrap().to_owned()
}

/// Creates a staff member; answers the e-mail address.
fn staff(app: &TestApp, role: Role, notify: bool, active: bool) -> String {
    let email = format!(
        "{}-{}@dhs.example",
        role.as_ref(),
        uuid::Uuid::new_v4().simple()
    );
    let new = NewUser {
        email: email.clone(),
        display_name: "Staff".into(),
        role,
        notify,
    };
    let created = app
        .with_db(|conn| service::users::register_with_password(conn, &new, None, None))
        .unwrap();
    if !active {
        let changes = report_portal::domain::user::UserChanges {
            active: Some(false),
            ..Default::default()
        };
        app.with_db(|conn| {
            store::users::update_user(
                conn,
                "command line",
                &created.user.id,
                &changes,
                app.settings.enrollment_link_ttl(),
            )
        })
        .unwrap();
    }
    email
}

/// The outbox as an admin lists it, in `status` (all when empty).
async fn notifications(app: &TestApp, admin: &str, status: &str) -> Vec<Value> {
    let filter = if status.is_empty() {
        String::new()
    } else {
        format!("&status={status}")
    };
    let path = format!("/api/v1/admin/notifications?limit=200{filter}");
    let page = expect(app.get(&path, admin).await, 200).await;
    page["items"].as_array().unwrap().clone()
}

/// The notifications in `status` once `done` holds for them; panics after ten seconds.
async fn wait_for(
    app: &TestApp,
    admin: &str,
    status: &str,
    done: impl Fn(&[Value]) -> bool,
) -> Vec<Value> {
    for _ in 0..200 {
        let items = notifications(app, admin, status).await;
        if done(&items) {
            return items;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!(
        "the outbox never got there: {:?}",
        notifications(app, admin, "").await
    );
}

async fn post(app: &TestApp, path: &str, token: &str) -> reqwest::Response {
    app.client
        .post(format!("{}{path}", app.address))
        .bearer_auth(token)
        .send()
        .await
        .unwrap()
}

async fn readiness(app: &TestApp) -> Value {
    let response = app
        .client
        .get(format!("{}/readyz", app.address))
        .send()
        .await
        .unwrap();
    expect(response, 200).await
}

/// A worker of its own on the application's database, as another replica would run it.
fn another_worker(app: &TestApp) -> Worker {
    let pool = db::connect(&app.settings.database_url(), 2, Duration::from_secs(5)).unwrap();
    Worker::new(pool, &app.settings).unwrap()
}

#[actix_web::test]
async fn a_live_report_sends_one_message_to_the_list_and_the_staff_who_opted_in() {
    let smtp = SmtpServer::start();
    let app = app_mailing_to(&smtp.url(), |_| {}).await;
    let analyst = staff(&app, Role::Analyst, true, true);
    let supervisor = staff(&app, Role::Supervisor, true, true);
    staff(&app, Role::Analyst, false, true);
    staff(&app, Role::Analyst, true, false);
    staff(&app, Role::Auditor, true, true);

    let id = submit(&app, CredentialMode::Live, "high").await;
    let message = smtp.receive(1).await.remove(0);
    smtp.assert_quiet(QUIET).await;

    assert_eq!(message.from, "portal@dhs.example");
    let recipients: HashSet<&str> = message.to.iter().map(String::as_str).collect();
    let expected: HashSet<&str> = [
        "desk@dhs.example",
        "watch@dhs.example",
        analyst.as_str(),
        supervisor.as_str(),
    ]
    .into();
    assert_eq!(recipients, expected);
    assert_eq!(
        message.header("Subject").unwrap(),
        "New high report: recruitment from Example Social"
    );
    let text = message.text();
    for fact in [
        format!("Report:        {id}"),
        "Severity:      high".into(),
        "Category:      recruitment".into(),
        "Organization:  Example Social".into(),
        "Correlation:   no earlier report".into(),
        format!("https://portal.dhs.example/api/v1/review/reports/{id}"),
    ] {
        assert!(text.contains(&fact), "{fact:?} missing from:\n{text}");
    }
    let submitted = valid_report().to_string();
    for private in [
        "job offers",
        "trabajo.seguro",
        "5555 0100",
        "jóvenes",
        "le-response@example.com",
        "Trust & Safety",
        "Guadalajara",
    ] {
        assert!(submitted.contains(private), "{private:?} is in the report");
        for sent in [&message.data, &text, &message.html()] {
            assert!(!sent.contains(private), "{private:?} must not be e-mailed");
        }
    }

    let (_, admin) = app.staff(Role::Admin).await;
    let sent = notifications(&app, &admin, "sent").await;
    assert_eq!(sent.len(), 1);
    assert_eq!(sent[0]["report_id"], id.as_str());
    assert_eq!(sent[0]["kind"], "new_report");
    assert_eq!(sent[0]["attempts"], 1);
    assert_eq!(sent[0]["recipients"].as_array().unwrap().len(), 4);
    let notification_id = sent[0]["id"].as_str().unwrap();
    assert_eq!(
        message.header("Message-ID").unwrap(),
        format!("<outbox-{notification_id}@dhs.example>")
    );
}

/// Linux: the connections of this process (the worker's among them) to `port` on loopback, each
/// with whether Nagle's algorithm is off on it (`TCP_NODELAY`), found through
/// `/proc/self/net/tcp` (a connection's socket inode) and `/proc/self/fd` (its descriptor).
#[cfg(target_os = "linux")]
fn nagle_off_on_connections_to(port: u16) -> Vec<bool> {
    let established: HashSet<String> = std::fs::read_to_string("/proc/self/net/tcp")
        .unwrap()
        .lines()
        .skip(1)
        .filter_map(|line| {
            let fields: Vec<&str> = line.split_whitespace().collect();
            let remote_port = u16::from_str_radix(fields.get(2)?.rsplit(':').next()?, 16).ok()?;
            (remote_port == port && fields.get(3) == Some(&"01")).then(|| fields[9].to_owned())
        })
        .collect();
    std::fs::read_dir("/proc/self/fd")
        .unwrap()
        .filter_map(|entry| {
            let entry = entry.ok()?;
            let target = std::fs::read_link(entry.path()).ok()?;
            let inode = target
                .to_str()?
                .strip_prefix("socket:[")?
                .strip_suffix(']')?;
            if !established.contains(inode) {
                return None;
            }
            let fd: libc::c_int = entry.file_name().to_str()?.parse().ok()?;
            let mut nodelay: libc::c_int = 0;
            let mut length = std::mem::size_of::<libc::c_int>() as libc::socklen_t;
            // SAFETY: getsockopt writes at most `length` bytes into `nodelay`; on a descriptor
            // closed meanwhile it fails, and the connection is left out.
            let read = unsafe {
                libc::getsockopt(
                    fd,
                    libc::IPPROTO_TCP,
                    libc::TCP_NODELAY,
                    (&raw mut nodelay).cast(),
                    &mut length,
                )
            };
            (read == 0).then_some(nodelay != 0)
        })
        .collect()
}

/// lettre writes a message's final `.` apart from its body; with Nagle's algorithm on, that write
/// waits for the relay to acknowledge the body, which relays delay (40 ms on Linux): the worker
/// then sent some 23 messages a second (`benches/mail_drain.sh`).
#[cfg(target_os = "linux")]
#[actix_web::test]
async fn the_worker_sends_to_the_relay_without_waiting_for_each_write_to_be_acknowledged() {
    let smtp = SmtpServer::start();
    let app = app_mailing_to(&smtp.url(), |_| {}).await;
    submit(&app, CredentialMode::Live, "high").await;
    smtp.receive(1).await;
    let connections = nagle_off_on_connections_to(smtp.port());
    assert!(
        !connections.is_empty(),
        "the worker keeps its connection to the relay for the next message"
    );
    assert!(
        connections.iter().all(|off| *off),
        "Nagle's algorithm is off on the worker's connection: {connections:?}"
    );
}

#[actix_web::test]
async fn a_report_sharing_indicators_with_earlier_ones_says_how_many_and_never_which() {
    let smtp = SmtpServer::start();
    let app = app_mailing_to(&smtp.url(), |_| {}).await;
    // Three organizations report the same recruiter (same handle and WhatsApp number).
    let first = submit(&app, CredentialMode::Live, "high").await;
    smtp.receive(1).await;
    let second = submit(&app, CredentialMode::Live, "high").await;
    smtp.receive(1).await;
    let third = submit(&app, CredentialMode::Live, "high").await;
    let message = smtp.receive(1).await.remove(0);

    let text = message.text();
    assert!(text.contains(&format!("Report:        {third}")), "{text}");
    assert!(
        text.contains("Correlation:   matches 2 earlier reports"),
        "{text}"
    );
    assert!(message.html().contains("matches 2 earlier reports"));
    for private in [
        first.as_str(),
        second.as_str(),
        "trabajo.seguro",
        "5555 0100",
        "3355550100",
    ] {
        for sent in [&message.data, &text, &message.html()] {
            assert!(!sent.contains(private), "{private:?} must not be e-mailed");
        }
    }
}

#[actix_web::test]
async fn a_temporary_refusal_is_retried_and_the_message_delivered() {
    let smtp = SmtpServer::start();
    smtp.refuse(Stage::Mail, 451, 1);
    let app = app_mailing_to(&smtp.url(), |_| {}).await;

    let id = submit(&app, CredentialMode::Live, "medium").await;
    let message = smtp.receive(1).await.remove(0);
    assert!(message.text().contains(&id));
    smtp.assert_quiet(QUIET).await;

    let (_, admin) = app.staff(Role::Admin).await;
    let sent = notifications(&app, &admin, "sent").await;
    assert_eq!(sent.len(), 1);
    assert_eq!(sent[0]["attempts"], 2);
    assert!(
        sent[0]["last_error"].as_str().unwrap().contains("451"),
        "{}",
        sent[0]
    );
}

#[actix_web::test]
async fn a_permanent_refusal_fails_the_message_and_an_admin_can_send_it_again() {
    let smtp = SmtpServer::start();
    smtp.refuse(Stage::Data, 554, 1);
    let app = app_mailing_to(&smtp.url(), |_| {}).await;
    let (_, admin) = app.staff(Role::Admin).await;

    let id = submit(&app, CredentialMode::Live, "low").await;
    let failed = wait_for(&app, &admin, "failed", |items| items.len() == 1).await;
    assert_eq!(failed[0]["report_id"], id.as_str());
    assert_eq!(failed[0]["attempts"], 1, "a 5xx answer is not retried");
    assert!(failed[0]["last_error"].as_str().unwrap().contains("554"));
    smtp.assert_quiet(QUIET).await;
    assert_eq!(
        readiness(&app).await["outbox"],
        json!({"pending": 0, "failed": 1})
    );

    let retry = format!(
        "/api/v1/admin/notifications/{}/retry",
        failed[0]["id"].as_str().unwrap()
    );
    let (_, analyst) = app.staff(Role::Analyst).await;
    expect(post(&app, &retry, &analyst).await, 403).await;
    let queued = expect(post(&app, &retry, &admin).await, 200).await;
    assert_eq!(queued["status"], "pending");
    assert_eq!(queued["attempts"], 0);

    let message = smtp.receive(1).await.remove(0);
    assert!(message.text().contains(&id));
    wait_for(&app, &admin, "sent", |items| items.len() == 1).await;
    assert_eq!(
        readiness(&app).await["outbox"],
        json!({"pending": 0, "failed": 0})
    );
    expect(post(&app, &retry, &admin).await, 409).await;
    expect(
        post(&app, "/api/v1/admin/notifications/nope/retry", &admin).await,
        404,
    )
    .await;
}

#[actix_web::test]
async fn reports_keep_arriving_while_smtp_is_down_and_all_are_delivered_when_it_is_back() {
    let port = unused_port();
    let app = app_mailing_to(&smtp_url(port), |settings| {
        settings.mail_max_attempts = 1000;
    })
    .await;
    let (_, admin) = app.staff(Role::Admin).await;

    let mut ids = HashSet::new();
    for _ in 0..5 {
        ids.insert(submit(&app, CredentialMode::Live, "high").await);
    }
    wait_for(&app, &admin, "pending", |items| {
        items.len() == 5 && items.iter().all(|n| n["last_error"].is_string())
    })
    .await;

    let smtp = SmtpServer::start_on(port);
    let messages = smtp.receive(5).await;
    smtp.assert_quiet(QUIET).await;
    let delivered: HashSet<String> = messages
        .iter()
        .map(|m| {
            ids.iter()
                .find(|id| m.text().contains(id.as_str()))
                .cloned()
                .expect("a submitted report")
        })
        .collect();
    assert_eq!(delivered, ids);
    wait_for(&app, &admin, "sent", |items| items.len() == 5).await;
}

#[actix_web::test]
async fn two_workers_on_one_postgresql_send_each_of_a_thousand_messages_once() {
    if std::env::var("TEST_DATABASE_URL").is_err() {
        eprintln!("skipped: set TEST_DATABASE_URL to run two workers on one PostgreSQL");
        return;
    }
    let smtp = SmtpServer::start();
    let app = app_mailing_to(&smtp.url(), |settings| settings.mail_worker = false).await;
    let id = submit(&app, CredentialMode::Live, "high").await;
    app.with_db(|conn| {
        let copies = vec![(id.as_str(), false); 999];
        portable::write_transaction(conn, |conn| {
            outbox::enqueue(conn, NotificationKind::NewReport, &copies)
        })
    })
    .unwrap();

    let drains = [another_worker(&app), another_worker(&app)]
        .map(|worker| actix_web::rt::task::spawn_blocking(move || worker.drain().unwrap()));
    let messages = smtp.receive(1000).await;
    let mut tallies = Vec::new();
    for drain in drains {
        tallies.push(drain.await.unwrap());
    }
    smtp.assert_quiet(QUIET).await;

    assert_eq!(distinct(&messages, "Message-ID").len(), 1000);
    assert_eq!(tallies.iter().map(|t| t.sent).sum::<usize>(), 1000);
    eprintln!("sent per worker: {tallies:?}");
    assert_eq!(
        readiness(&app).await["outbox"],
        json!({"pending": 0, "failed": 0})
    );
}

#[actix_web::test]
async fn messages_claimed_by_a_worker_that_died_are_delivered_after_its_lease() {
    let smtp = SmtpServer::start();
    let app = app_mailing_to(&smtp.url(), |settings| settings.mail_worker = false).await;
    let id = submit(&app, CredentialMode::Live, "high").await;
    let lease = Duration::from_millis(1500);
    let claimed = app
        .with_db(|conn| outbox::claim(conn, &Lease::new("a-worker-that-dies", lease)?, 10))
        .unwrap();
    assert_eq!(claimed.len(), 1);

    let (stop, stopped) = watch::channel(false);
    let worker = actix_web::rt::spawn(another_worker(&app).run(Arc::new(Notify::new()), stopped));
    smtp.assert_quiet(lease / 2).await;
    let message = smtp.receive(1).await.remove(0);
    assert!(message.text().contains(&id));

    stop.send(true).unwrap();
    tokio::time::timeout(Duration::from_secs(5), worker)
        .await
        .expect("the worker stops when told")
        .unwrap();
}

#[actix_web::test]
async fn a_stopping_worker_finishes_its_message_and_gives_back_the_rest() {
    let smtp = SmtpServer::start();
    let app = app_mailing_to(&smtp.url(), |settings| settings.mail_worker = false).await;
    for _ in 0..3 {
        submit(&app, CredentialMode::Live, "high").await;
    }
    let worker = another_worker(&app);
    // Asked whether to stop before the round and before each message: told to stop once the
    // first message is sent.
    let asked = std::sync::atomic::AtomicUsize::new(0);
    let stopping = || asked.fetch_add(1, std::sync::atomic::Ordering::SeqCst) >= 2;
    let tally = worker.deliver_due(&stopping).unwrap();
    assert_eq!(
        tally,
        Tally {
            sent: 1,
            failed: 0,
            retried: 0
        }
    );
    smtp.receive(1).await;
    assert_eq!(
        app.with_db(outbox::depth).unwrap().pending,
        2,
        "the message sent is recorded as sent"
    );

    let given_back = app
        .with_db(|conn| {
            let lease = Lease::new("another-worker", Duration::from_secs(60))?;
            outbox::claim(conn, &lease, 10)
        })
        .unwrap();
    assert_eq!(given_back.len(), 2, "the rest is free to claim at once");
}

#[actix_web::test]
async fn test_mode_reports_send_nothing() {
    let smtp = SmtpServer::start();
    let app = app_mailing_to(&smtp.url(), |_| {}).await;
    submit(&app, CredentialMode::Test, "critical").await;
    let live = submit(&app, CredentialMode::Live, "low").await;

    let message = smtp.receive(1).await.remove(0);
    assert!(message.text().contains(&live));
    smtp.assert_quiet(QUIET).await;
    let (_, admin) = app.staff(Role::Admin).await;
    assert_eq!(notifications(&app, &admin, "").await.len(), 1);
}

#[actix_web::test]
async fn critical_reports_go_out_first_and_are_marked_urgent() {
    let smtp = SmtpServer::start();
    let app = app_mailing_to(&smtp.url(), |settings| settings.mail_worker = false).await;
    let high = submit(&app, CredentialMode::Live, "high").await;
    let critical = submit(&app, CredentialMode::Live, "critical").await;

    assert_eq!(another_worker(&app).drain().unwrap().sent, 2);
    let messages = smtp.receive(2).await;
    assert!(messages[0].text().contains(&critical));
    assert_eq!(
        messages[0].header("Subject").unwrap(),
        "[URGENT] New critical report: recruitment from Example Social"
    );
    assert!(messages[1].text().contains(&high));
    assert!(!messages[1].header("Subject").unwrap().contains("URGENT"));
}

#[actix_web::test]
async fn without_smtp_each_message_is_written_to_an_eml_file() {
    let app = spawn_app_with(|settings| {
        settings.notify_to = "desk@dhs.example".into();
        settings.mail_poll_seconds = 0.05;
    })
    .await;
    let (_, admin) = app.staff(Role::Admin).await;
    let id = submit(&app, CredentialMode::Live, "high").await;

    let sent = wait_for(&app, &admin, "sent", |items| items.len() == 1).await;
    let notification_id = sent[0]["id"].as_str().unwrap();
    let folder = app.settings.data_dir.join("mail");
    let files: Vec<_> = std::fs::read_dir(&folder)
        .unwrap()
        .map(|entry| entry.unwrap().file_name().into_string().unwrap())
        .collect();
    assert_eq!(files, [format!("{notification_id}.eml")]);
    let eml = std::fs::read_to_string(folder.join(&files[0])).unwrap();
    assert!(eml.contains("To: desk@dhs.example"), "{eml}");
    assert!(eml.contains("Subject: New high report: recruitment from Example Social"));
    assert!(eml.contains(&format!("Message-ID: <outbox-{notification_id}@localhost>")));
    assert!(part(&eml, "text/plain").contains(&format!("Report:        {id}")));
}

#[actix_web::test]
async fn the_deliver_command_sends_what_is_due_and_prints_a_tally() {
    let smtp = SmtpServer::start();
    let app = app_mailing_to(&smtp.url(), |settings| settings.mail_worker = false).await;
    let id = submit(&app, CredentialMode::Live, "high").await;
    submit(&app, CredentialMode::Live, "low").await;
    // More than the worker claims in one round (100): all are sent, round after round.
    app.with_db(|conn| {
        let copies = vec![(id.as_str(), false); 248];
        portable::write_transaction(conn, |conn| {
            outbox::enqueue(conn, NotificationKind::NewReport, &copies)
        })
    })
    .unwrap();

    let output = std::process::Command::new(env!("CARGO_BIN_EXE_report-portal"))
        .arg("deliver")
        .env("DATABASE_URL", app.settings.database_url())
        .env("PORTAL_DATA_DIR", &app.settings.data_dir)
        .env("PORTAL_SMTP_URL", smtp.url())
        .env("PORTAL_NOTIFY_TO", "desk@dhs.example,watch@dhs.example")
        .env("PORTAL_LOG", "warn")
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let printed: Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(printed, json!({"sent": 250, "failed": 0, "retried": 0}));
    for message in smtp.receive(250).await {
        assert_eq!(message.to, ["desk@dhs.example", "watch@dhs.example"]);
    }
}
