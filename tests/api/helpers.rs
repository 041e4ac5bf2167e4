//! The test harness: spawns the real application on port 0 over a fresh database (a SQLite file,
//! or a new PostgreSQL database when `TEST_DATABASE_URL` is set) and talks HTTP to it.

use std::path::PathBuf;

use diesel::{Connection, RunQueryDsl};
use report_portal::auth::keys::SigningKeys;
use report_portal::auth::receipt::ReceiptSigner;
use report_portal::config::{SecretUrl, Settings, StaffMfa};
use report_portal::db::{self, DbConnection};
use report_portal::domain::organization::{
    CredentialMode, DEFAULT_CREDENTIAL_LIFETIME_DAYS, IssuedCredential, NewCredential,
    NewOrganization, OrganizationStatus, StatusChange,
};
use report_portal::domain::received::ReceivedBody;
use report_portal::domain::report::NewReport;
use report_portal::domain::user::{NewUser, Role};
use report_portal::error::ApiError;
use report_portal::keys::KeyStore;
use report_portal::service;
use report_portal::service::submission::Submission;
use report_portal::startup::Application;
use report_portal::store;
use serde_json::{Value, json};

/// The password of every staff user made by [`TestApp::create_staff`].
pub const STAFF_PASSWORD: &str = "orbit-Lantern-97-quietly";

/// A running application and what a test needs to talk to it.
pub struct TestApp {
    /// `http://127.0.0.1:<port>`.
    pub address: String,
    /// `http://127.0.0.1:<port>` of the metrics server (`metrics_bind`).
    pub metrics_address: String,
    /// The settings the application runs with.
    pub settings: Settings,
    /// An HTTP client.
    pub client: reqwest::Client,
    server: Option<(actix_web::dev::ServerHandle, std::thread::JoinHandle<()>)>,
    /// The test's one pool on the application's database, for [`TestApp::with_db`]; closed
    /// before `_database` is dropped (fields drop in this order).
    pool: db::DbPool,
    _database: TestDatabase,
    _data_dir: tempfile::TempDir,
}

/// The longest a test waits for an answer, or for its application to stop: a hang fails the
/// test (with the threads' stacks, see [`TestApp`]'s drop) instead of holding up the whole run.
pub const LONGEST_WAIT: std::time::Duration = std::time::Duration::from_secs(120);

/// Stops the application at the end of the test, so that its threads and database
/// connections do not outlive it; then the pool closes and the test's database is dropped.
/// An application that has not stopped after [`LONGEST_WAIT`] fails the test, with every
/// thread's stack when `gdb` is at hand: what it waits for is then in the test's output.
impl Drop for TestApp {
    fn drop(&mut self) {
        let Some((handle, thread)) = self.server.take() else {
            return;
        };
        let (stopped, stopping) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            actix_web::rt::System::new().block_on(handle.stop(false));
            let _ = thread.join();
            let _ = stopped.send(());
        });
        if stopping.recv_timeout(LONGEST_WAIT).is_ok() || std::thread::panicking() {
            return;
        }
        // Into a file: gdb stops this process while it writes, so a pipe read here would fill.
        let file = tempfile::NamedTempFile::new().expect("a file for the stacks");
        let stacks = std::process::Command::new("gdb")
            .args(["-p", &std::process::id().to_string(), "-batch"])
            .args(["-ex", "thread apply all bt"])
            .stdout(file.reopen().expect("the stacks' file"))
            .status()
            .map(|_| std::fs::read_to_string(file.path()).unwrap_or_default())
            .unwrap_or_else(|error| format!("(no stacks: gdb: {error})"));
        let logs = captured_logs();
        let recent = String::from_utf8_lossy(&logs.as_bytes()[logs.len().saturating_sub(20_000)..]);
        panic!(
            "the application did not stop within {LONGEST_WAIT:?}\n\
             == its threads:\n{stacks}\n== the last of the process's log:\n{recent}"
        );
    }
}

/// A process of the real binary that a test started, killed when dropped (also when the test
/// fails while it runs).
pub struct ServerProcess(pub std::process::Child);

impl Drop for ServerProcess {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// An organization's API client, ready to submit.
pub struct TestReporter {
    /// The organization's id.
    pub organization_id: String,
    /// The credential.
    pub credential: IssuedCredential,
    /// A valid access token.
    pub token: String,
}

/// Starts the application with the test defaults.
pub async fn spawn_app() -> TestApp {
    spawn_app_with(|_| {}).await
}

/// Everything the application logged in this test process (the `info` level and above).
pub fn captured_logs() -> String {
    String::from_utf8_lossy(&LOGS.lock().unwrap()).into_owned()
}

static LOGS: std::sync::Mutex<Vec<u8>> = std::sync::Mutex::new(Vec::new());

/// Writes log lines into [`LOGS`].
struct LogSink;

impl std::io::Write for LogSink {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        LOGS.lock().unwrap().extend_from_slice(bytes);
        Ok(bytes.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// Routes the application's logs into [`captured_logs`], once per process.
fn capture_logs() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        tracing_subscriber::fmt()
            .with_env_filter("info")
            .with_writer(|| LogSink)
            .with_ansi(false)
            .init();
    });
}

/// Starts the application after `adjust` has changed the test defaults.
pub async fn spawn_app_with(adjust: impl FnOnce(&mut Settings)) -> TestApp {
    capture_logs();
    let data_dir = tempfile::tempdir().expect("temporary folder");
    let mut settings = Settings {
        data_dir: data_dir.path().to_path_buf(),
        bind: "127.0.0.1:0".into(),
        metrics_bind: "127.0.0.1:0".into(),
        workers: 2,
        db_pool_size: 4,
        database_url: SecretUrl(fresh_database(&data_dir.path().join("portal.db"))),
        // Staff sign in with passwords alone, except in the second-factor tests (tests/api/mfa.rs).
        staff_mfa: StaffMfa::Optional,
        ..Settings::default()
    };
    let database = TestDatabase {
        url: settings.database_url.0.clone(),
    };
    adjust(&mut settings);
    // The application runs on a thread and runtime of its own, as it would in its own process.
    let (started, running) = std::sync::mpsc::channel();
    let app_settings = settings.clone();
    let thread = std::thread::spawn(move || {
        actix_web::rt::System::new().block_on(async move {
            let application = Application::build(app_settings).expect("application starts");
            let ports = (application.port(), application.metrics_port());
            started.send((ports, application.handle())).unwrap();
            application.run_until_stopped().await.expect("server runs");
        })
    });
    let ((port, metrics_port), handle) = running.recv().expect("application starts");
    let pool = db::connect(
        &settings.database_url(),
        2,
        std::time::Duration::from_secs(5),
    )
    .expect("a pool on the test's database");
    TestApp {
        address: format!("http://127.0.0.1:{port}"),
        metrics_address: format!("http://127.0.0.1:{}", metrics_port.unwrap_or_default()),
        settings,
        client: reqwest::Client::builder()
            .timeout(LONGEST_WAIT)
            .build()
            .expect("an HTTP client"),
        server: Some((handle, thread)),
        pool,
        _database: database,
        _data_dir: data_dir,
    }
}

/// A new empty database: a new PostgreSQL database when `TEST_DATABASE_URL` is set, else the
/// SQLite file `sqlite_path`. Nothing drops the PostgreSQL database: prefer [`TestDatabase`].
pub fn fresh_database(sqlite_path: &std::path::Path) -> String {
    match std::env::var("TEST_DATABASE_URL") {
        Ok(admin_url) if !admin_url.is_empty() => {
            // The process id says which test run made it.
            let name = format!(
                "portal_test_{}_{}",
                std::process::id(),
                uuid::Uuid::new_v4().simple()
            );
            let mut admin =
                diesel::PgConnection::establish(&admin_url).expect("TEST_DATABASE_URL reachable");
            diesel::sql_query(format!("CREATE DATABASE {name}"))
                .execute(&mut admin)
                .expect("create database");
            let mut url = url::Url::parse(&admin_url).expect("TEST_DATABASE_URL is a URL");
            url.set_path(&name);
            url.to_string()
        }
        _ => sqlite_path.to_string_lossy().into_owned(),
    }
}

/// A test's own empty database ([`fresh_database`]), dropped with this value: a PostgreSQL
/// database is dropped even while servers or pools still hold connections to it
/// (`WITH (FORCE)`, PostgreSQL 13 and later); a SQLite file goes with its temporary folder.
pub struct TestDatabase {
    url: String,
}

impl TestDatabase {
    /// Creates the database (the SQLite file `sqlite_path` when `TEST_DATABASE_URL` is unset).
    pub fn new(sqlite_path: &std::path::Path) -> Self {
        TestDatabase {
            url: fresh_database(sqlite_path),
        }
    }

    /// The database's URL (a file path for SQLite).
    pub fn url(&self) -> &str {
        &self.url
    }
}

impl Drop for TestDatabase {
    fn drop(&mut self) {
        if db::Backend::of(&self.url) != db::Backend::Postgres {
            return;
        }
        let Ok(admin_url) = std::env::var("TEST_DATABASE_URL") else {
            return;
        };
        let name = url::Url::parse(&self.url).expect("a PostgreSQL URL").path()[1..].to_owned();
        let dropped = diesel::PgConnection::establish(&admin_url)
            .map_err(|e| e.to_string())
            .and_then(|mut admin| {
                diesel::sql_query(format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
                    .execute(&mut admin)
                    .map_err(|e| e.to_string())
            });
        if let Err(error) = dropped {
            eprintln!("test database {name} not dropped: {error}");
        }
    }
}

impl TestApp {
    /// Stops the server as SIGTERM does: it accepts no more connections, and the requests in
    /// flight get [`report_portal::startup::SHUTDOWN_GRACE`] to finish.
    pub async fn stop_gracefully(&self) {
        if let Some((handle, _)) = &self.server {
            handle.stop(true).await;
        }
    }

    /// The path of the running application's signing key.
    pub fn signing_key_path(&self) -> PathBuf {
        self.settings.jwt_key_path()
    }

    /// Runs `work` on a direct database connection (for setting up and inspecting state), drawn
    /// from the test's one pool.
    pub fn with_db<T>(&self, work: impl FnOnce(&mut DbConnection) -> T) -> T {
        let mut conn = self
            .pool
            .get()
            .expect("a connection to the test's database");
        work(&mut conn)
    }

    /// The running application's key store (the same database and master keys).
    pub fn key_store(&self) -> KeyStore {
        KeyStore::open(&self.settings).unwrap()
    }

    /// What submitting `reporter`'s live reports straight through the service needs, as the
    /// API would pass it: `count` bodies, the `i`th `report(i)` (without search words or
    /// indicators).
    pub fn direct_submission(
        &self,
        reporter: &TestReporter,
        count: usize,
        report: impl Fn(usize) -> Value,
    ) -> DirectSubmission {
        let submitter = store::owner::Submitter {
            organization_id: reporter.organization_id.clone(),
            client_id: reporter.credential.client_id.clone(),
            mode: CredentialMode::Live,
            audit: store::audit::NewAuditEvent {
                actor: Some(reporter.credential.client_id.clone()),
                role: Some("reporter".into()),
                action: "report.submit",
                target: None,
                outcome: report_portal::domain::audit::Outcome::Success,
                ip: None,
                request_id: None,
            },
            notify: true,
            common_threshold: self.settings.correlation_common_threshold,
            feed_since: None,
        };
        let signing_keys = SigningKeys::load_or_create(&self.signing_key_path()).unwrap();
        let bodies = (0..count)
            .map(|i| {
                let json = report(i);
                let canonical = json.to_string();
                ReceivedBody {
                    deflated: report_portal::sealing::Deflated::of(&canonical),
                    report: serde_json::from_value::<NewReport>(json).unwrap(),
                    received_at: chrono::Utc::now().naive_utc(),
                    canonical,
                    sha256: "0".repeat(64),
                    word_keys: Vec::new(),
                    indicators: Vec::new(),
                }
            })
            .collect();
        DirectSubmission {
            submitter,
            signer: ReceiptSigner::new(&signing_keys, "report-portal"),
            keys: self.key_store(),
            bodies,
        }
    }

    /// Creates an organization with `status`; answers its id.
    pub fn create_organization(&self, status: OrganizationStatus) -> String {
        let new = NewOrganization {
            name: "Example Social".into(),
            contact_email: None,
        };
        self.with_db(|conn| {
            store::organizations::create_organization(
                conn,
                &new,
                status,
                StatusChange::COMMAND_LINE,
            )
        })
        .unwrap()
        .id
    }

    /// Issues a credential for `organization_id`.
    pub fn create_credential(
        &self,
        organization_id: &str,
        mode: CredentialMode,
    ) -> IssuedCredential {
        let new = NewCredential { mode, label: None };
        let lifetime = DEFAULT_CREDENTIAL_LIFETIME_DAYS;
        self.with_db(|conn| {
            store::organizations::create_credential(conn, organization_id, &new, lifetime)
        })
        .unwrap()
    }

    /// Sets an organization's vetting status.
    pub fn set_organization_status(&self, organization_id: &str, status: OrganizationStatus) {
        self.with_db(|conn| {
            store::organizations::set_organization_status(
                conn,
                organization_id,
                status,
                StatusChange::COMMAND_LINE,
            )
        })
        .unwrap();
    }

    /// Creates an active staff user of `role` whose password is [`STAFF_PASSWORD`]; answers
    /// their id and e-mail.
    pub fn create_staff(&self, role: Role) -> (String, String) {
        let email = format!(
            "{}-{}@dhs.example",
            role.as_ref(),
            uuid::Uuid::new_v4().simple()
        );
        let new = NewUser {
            email: email.clone(),
            display_name: format!("Test {}", role.as_ref()),
            role,
            notify: false,
        };
        let created = self
            .with_db(|conn| {
                service::users::register_with_password(conn, &new, Some(STAFF_PASSWORD), None)
            })
            .unwrap();
        (created.user.id, email)
    }

    /// A new staff user of `role`, signed in: answers their access token.
    pub async fn staff_token(&self, role: Role) -> String {
        self.staff(role).await.1
    }

    /// `POST /api/v1/auth/token` with a form body.
    pub async fn request_token(&self, client_id: &str, client_secret: &str) -> reqwest::Response {
        self.client
            .post(format!("{}/api/v1/auth/token", self.address))
            .header("content-type", "application/x-www-form-urlencoded")
            .body(format!(
                "grant_type=client_credentials&client_id={client_id}&client_secret={client_secret}"
            ))
            .send()
            .await
            .unwrap()
    }

    /// A valid access token for `credential`.
    pub async fn token_for(&self, credential: &IssuedCredential) -> String {
        let response = self
            .request_token(&credential.client_id, &credential.client_secret)
            .await;
        assert_eq!(response.status(), 200, "token request failed");
        let body: Value = response.json().await.unwrap();
        body["access_token"].as_str().unwrap().to_owned()
    }

    /// A vetted organization with a credential of `mode` and a token.
    pub async fn reporter(&self, mode: CredentialMode) -> TestReporter {
        let organization_id = self.create_organization(OrganizationStatus::Vetted);
        let credential = self.create_credential(&organization_id, mode);
        let token = self.token_for(&credential).await;
        TestReporter {
            organization_id,
            credential,
            token,
        }
    }

    /// `GET` `path` (under the address) with `token`.
    pub async fn get(&self, path: &str, token: &str) -> reqwest::Response {
        self.send(reqwest::Method::GET, path, Some(token), None)
            .await
    }

    /// `method` `path` (under the address) with `token` if any and `body` as JSON if any.
    pub async fn send(
        &self,
        method: reqwest::Method,
        path: &str,
        token: Option<&str>,
        body: Option<&Value>,
    ) -> reqwest::Response {
        let mut request = self
            .client
            .request(method, format!("{}{path}", self.address));
        if let Some(token) = token {
            request = request.bearer_auth(token);
        }
        if let Some(body) = body {
            request = request.json(body);
        }
        request.send().await.unwrap()
    }

    /// `POST /api/v1/reports` with `report` as JSON.
    pub async fn post_report(&self, token: &str, report: &Value) -> reqwest::Response {
        self.client
            .post(format!("{}/api/v1/reports", self.address))
            .bearer_auth(token)
            .json(report)
            .send()
            .await
            .unwrap()
    }
}

impl TestApp {
    /// `POST /api/v1/auth/login`.
    pub async fn login(&self, email: &str, password: &str) -> reqwest::Response {
        self.client
            .post(format!("{}/api/v1/auth/login", self.address))
            .json(&json!({"email": email, "password": password}))
            .send()
            .await
            .unwrap()
    }

    /// Signs in through `POST /api/v1/auth/login`, which must succeed; answers the token.
    pub async fn login_token(&self, email: &str, password: &str) -> String {
        let body = expect(self.login(email, password).await, 200).await;
        body["access_token"].as_str().unwrap().to_owned()
    }

    /// A signed-in staff member of `role`: (user id, token).
    pub async fn staff(&self, role: Role) -> (String, String) {
        let (id, email) = self.create_staff(role);
        (
            id,
            self.login_token(&email.to_uppercase(), STAFF_PASSWORD)
                .await,
        )
    }
}

/// Reports to submit straight through the service ([`TestApp::direct_submission`]).
pub struct DirectSubmission {
    submitter: store::owner::Submitter,
    signer: ReceiptSigner,
    keys: KeyStore,
    /// The reports.
    pub bodies: Vec<ReceivedBody>,
}

impl DirectSubmission {
    /// Submits `bodies` (some of [`Self::bodies`]) on `conn`, as one request would.
    pub fn submit(
        &self,
        conn: &mut DbConnection,
        bodies: &[ReceivedBody],
    ) -> Result<Vec<Result<Submission, ApiError>>, ApiError> {
        service::submission::submit(conn, &self.keys, &self.submitter, &self.signer, bodies)
    }
}

/// The valid report every test, benchmark and CI script starts from: every optional part
/// filled (tests/fixtures/valid_report.json).
pub const VALID_REPORT: &str = include_str!("../fixtures/valid_report.json");

/// A complete, valid report with every optional part filled and a unique `external_id`.
pub fn valid_report() -> Value {
    let mut report: Value = serde_json::from_str(VALID_REPORT).expect("the fixture is JSON");
    report["external_id"] = json!(format!("case-{}", uuid::Uuid::new_v4().simple()));
    report
}

/// The JSON body of `response`, after asserting its status and (for errors) its media type.
pub async fn expect(response: reqwest::Response, status: u16) -> Value {
    let actual = response.status().as_u16();
    let content_type = response
        .headers()
        .get("content-type")
        .map(|v| v.to_str().unwrap().to_owned())
        .unwrap_or_default();
    let text = response.text().await.unwrap();
    assert_eq!(actual, status, "unexpected status; body: {text}");
    if status >= 400 && !text.contains("\"error\":") {
        assert_eq!(content_type, "application/problem+json", "body: {text}");
    }
    serde_json::from_str(&text).unwrap_or(Value::Null)
}

impl TestApp {
    /// `POST` `path` (under the address) with `body` as JSON and `token`.
    pub async fn post_json(&self, path: &str, token: &str, body: &Value) -> reqwest::Response {
        self.client
            .post(format!("{}{path}", self.address))
            .bearer_auth(token)
            .json(body)
            .send()
            .await
            .unwrap()
    }

    /// Amends report `id` with `amendment` (201 expected); answers its receipt.
    pub async fn amend(&self, token: &str, id: &str, amendment: &Value) -> Value {
        let path = format!("/api/v1/reports/{id}/amendments");
        expect(self.post_json(&path, token, amendment).await, 201).await
    }

    /// Submits `report` (201 expected); answers its receipt.
    pub async fn submit(&self, token: &str, report: &Value) -> Value {
        expect(self.post_report(token, report).await, 201).await
    }

    /// Moves a report along the review state machine as `analyst` (200 expected).
    pub async fn move_report(&self, analyst: &str, id: &str, body: Value) {
        let path = format!("/api/v1/review/reports/{id}/transitions");
        expect(self.post_json(&path, analyst, &body).await, 200).await;
    }
}

impl TestApp {
    /// The tokens of the first `count` enrollment e-mails to `email`, oldest first, as the
    /// worker writes them to the mail folder (no SMTP in tests); waits up to ten seconds.
    pub async fn enrollment_tokens(&self, email: &str, count: usize) -> Vec<String> {
        let folder = self.settings.data_dir.join("mail");
        let to = format!("To: {email}\r\n");
        for _ in 0..200 {
            let mut names: Vec<_> = std::fs::read_dir(&folder)
                .map(|entries| {
                    entries
                        .filter_map(|entry| entry.ok()?.file_name().into_string().ok())
                        .filter(|name| name.ends_with(".eml"))
                        .collect()
                })
                .unwrap_or_default();
            names.sort();
            let tokens: Vec<String> = names
                .iter()
                .filter_map(|name| std::fs::read_to_string(folder.join(name)).ok())
                .filter(|eml| eml.contains(&to) && eml.contains("choose your password"))
                .map(|eml| {
                    let text = crate::smtp::part(&eml, "text/plain");
                    let start = text.find("\"token\": \"").expect("a token") + 10;
                    let end = start + text[start..].find('"').expect("the token's end");
                    text[start..end].to_owned()
                })
                .collect();
            if tokens.len() >= count {
                return tokens;
            }
            tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        }
        panic!("fewer than {count} enrollment e-mails to {email} arrived");
    }

    /// `POST /api/v1/auth/enrollment` with `token` and `password`.
    pub async fn enroll(&self, token: &str, password: &str) -> reqwest::Response {
        self.client
            .post(format!("{}/api/v1/auth/enrollment", self.address))
            .json(&json!({"token": token, "password": password}))
            .send()
            .await
            .unwrap()
    }

    /// The audit events matching `query` (e.g. `action=auth.enrollment`), as `auditor` lists
    /// them.
    pub async fn audit_events(&self, auditor: &str, query: &str) -> Vec<Value> {
        let path = format!("/api/v1/audit/events?limit=200&{query}");
        let page = expect(self.get(&path, auditor).await, 200).await;
        page["items"].as_array().unwrap().clone()
    }
}

/// Holds the write lock of the application's database (the `reports` table on PostgreSQL, the
/// whole file on SQLite) from another connection until told to let go, so that a submission that
/// gets a connection waits there, holding its place at the door. Answers once the lock is held.
pub fn hold_the_write_lock(app: &TestApp) -> std::sync::mpsc::Sender<()> {
    let url = app.settings.database_url();
    let (held, holding) = std::sync::mpsc::channel();
    let (release, released) = std::sync::mpsc::channel::<()>();
    std::thread::spawn(move || {
        let pool = db::connect(&url, 1, std::time::Duration::from_secs(5)).unwrap();
        let mut conn = pool.get().unwrap();
        let lock = match *conn {
            DbConnection::Postgres(_) => "BEGIN; LOCK TABLE reports IN EXCLUSIVE MODE",
            DbConnection::Sqlite(_) => "BEGIN IMMEDIATE",
        };
        for statement in lock.split("; ") {
            diesel::sql_query(statement).execute(&mut *conn).unwrap();
        }
        held.send(()).unwrap();
        let _ = released.recv();
        diesel::sql_query("ROLLBACK").execute(&mut *conn).unwrap();
    });
    holding.recv().unwrap();
    release
}
