//! Settings: built-in defaults, then an optional TOML file, then `PORTAL_*` variables and `DATABASE_URL`.

use std::fmt;
use std::path::{Path, PathBuf};

use figment::Figment;
use figment::providers::{Env, Format, Toml};
use serde::Deserialize;

use crate::domain::organization::DEFAULT_CREDENTIAL_LIFETIME_DAYS;
use crate::domain::retention::Retention;

/// Everything the server and the command line can be configured with.
///
/// Every field can be set in the TOML file under its own name, or through the environment as
/// `PORTAL_<NAME>` (upper case); the database also through `DATABASE_URL`. `docs/operators.md`
/// has the table.
#[derive(Clone, Debug, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Settings {
    /// `postgres://…` selects PostgreSQL; anything else is a SQLite file path (`sqlite://` optional).
    /// Empty means `<data_dir>/portal.db`.
    pub database_url: SecretUrl,
    /// Folder for the SQLite database, the generated signing key and the `.eml` mail drop.
    pub data_dir: PathBuf,
    /// Address the HTTP server listens on.
    pub bind: String,
    /// Address the Prometheus `/metrics` endpoint listens on, apart from the API (which never
    /// serves it): keep it on loopback or a network only the monitoring system reaches. Empty:
    /// no metrics endpoint.
    pub metrics_bind: String,
    /// HTTP worker threads; 0 means one per CPU core.
    pub workers: usize,
    /// Maximum database connections per process.
    pub db_pool_size: u32,
    /// Seconds a request admitted to the database waits for its connection to open before
    /// answering 503 (the database is unreachable).
    pub db_timeout_seconds: u64,
    /// Requests that may wait for a database connection when all `db_pool_size` are in use; one
    /// more is refused at once with 429 and `Retry-After`.
    pub db_queue_length: usize,
    /// Seconds a request may wait in that queue before it is refused with 429.
    pub db_queue_wait_seconds: u64,
    /// Transactions storing single submissions at once, each taking the submissions that
    /// arrived while the others were written (a group commit); they take their connections
    /// from `db_pool_size`.
    pub db_submission_writers: usize,
    /// Ed25519 private key (PKCS#8 PEM) that signs access tokens. Empty means
    /// `<data_dir>/jwt-ed25519.pem`, generated on first start.
    pub jwt_key_file: String,
    /// Key (hex) of the keyed hashes behind report search. Empty means `<data_dir>/search.key`,
    /// generated on first start. Replicas must share it.
    pub search_key_file: String,
    /// Reports past which a correlation value is common: no longer matched report by report,
    /// shown as "common, N reports" (as MISP does with over-correlating values).
    pub correlation_common_threshold: u32,
    /// Take the client address from `client_address_header` (only behind a proxy that sets it).
    pub trust_proxy: bool,
    /// With `trust_proxy`, the header the proxy sets to the client's address: its right-most
    /// entry, the one the proxy appended, is used (`for=` of it when this is `Forwarded`). No
    /// other header is read.
    pub client_address_header: String,
    /// `iss` of every access token.
    pub token_issuer: String,
    /// `aud` of every access token.
    pub token_audience: String,
    /// Lifetime of an access token, in seconds.
    pub token_ttl_seconds: u64,
    /// Seconds a verified credential's status (revoked, organization suspended) may be reused
    /// before it is read again from the database.
    pub auth_cache_seconds: u64,
    /// Hours a staff enrollment link works (it also stops once used, or when a newer one is sent).
    pub enrollment_link_hours: u32,
    /// Refused requests (403, or 404 for another organization's report) of one caller recorded
    /// in the audit log per minute; the rest are only counted in
    /// `portal_access_refusals_total{audited="false"}`.
    pub refusal_audit_per_minute: u32,
    /// Largest accepted request body for JSON and form requests, in bytes.
    pub max_body_bytes: usize,
    /// Requests per second allowed to one API credential or one staff user (sustained).
    pub rate_limit_per_second: u32,
    /// Requests one API credential or staff user may make at once above the sustained rate.
    pub rate_limit_burst: u32,
    /// Sign-in and token requests per second allowed from one client address.
    pub auth_rate_limit_per_second: u32,
    /// Sign-in and token requests one address may make at once above that rate.
    pub auth_rate_limit_burst: u32,
    /// Origins allowed to call the API from a browser (CORS); empty: none.
    pub cors_origins: Vec<String>,
    /// Seconds a client has to send a request's headers (slow clients are cut off).
    pub client_request_timeout_seconds: u64,
    /// Seconds a client has to send a JSON or form body once the portal starts reading it
    /// (408 and the connection closed beyond).
    pub body_timeout_seconds: u64,
    /// Seconds between prunings of the rate limiters' idle callers and addresses (and of
    /// sign-in failures past their window).
    pub rate_limit_prune_seconds: u64,
    /// Seconds a client may leave what the server sent it unread (its receive window closed)
    /// before the connection is cut off, so that a stalled download or export frees its socket
    /// (`TCP_USER_TIMEOUT`, Linux). 0 leaves it to the operating system.
    pub stalled_client_timeout_seconds: u64,
    /// Largest accepted body of a batch submission (`POST /api/v1/reports/batch`), in bytes.
    pub max_batch_body_bytes: usize,
    /// Largest accepted evidence file, in bytes (413 beyond).
    pub max_evidence_bytes: usize,
    /// Seconds an `Idempotency-Key` is remembered with its answer (replayed within that time).
    pub idempotency_key_seconds: u64,
    /// Seconds between prunings of the `Idempotency-Key`s past `idempotency_key_seconds`.
    pub idempotency_prune_seconds: u64,
    /// Folder of the local evidence store (encrypted files). Empty means `<data_dir>/evidence`.
    pub evidence_dir: String,
    /// The key store's database, which holds each report's wrapped data key: `postgres://…` or
    /// a SQLite file path, as `database_url`; never the main database. Empty means
    /// `<data_dir>/keys.db`. Replicas must share it.
    pub keys_database_url: SecretUrl,
    /// Folder of the master key versions (`<version>.key`, hex, 32 bytes) that wrap the data
    /// keys. Empty means `<data_dir>/master-keys`; the first version is generated on first start.
    /// Replicas must share it.
    pub master_key_dir: String,
    /// Log format: `text` or `json`.
    pub log_format: String,
    /// PEM certificate chain to serve HTTPS with (with `tls_key`). Empty means plain HTTP.
    pub tls_cert: String,
    /// PEM private key of `tls_cert`.
    pub tls_key: String,
    /// SMTP server for notification e-mail: `smtp://host:25` (plain), `smtp://host:587?tls=required`
    /// (STARTTLS), `smtps://user:password@host:465` (TLS from the start); a path names the EHLO
    /// host (`smtp://host:25/portal.example.gov`). Empty means `.eml` files under `<data_dir>/mail/`.
    pub smtp_url: SecretUrl,
    /// Seconds to wait for the SMTP server to accept a connection and to answer each command.
    pub smtp_timeout_seconds: u64,
    /// The `From` of notification e-mail.
    pub mail_from: String,
    /// Comma-separated addresses told of every new live report (the analysts' distribution list),
    /// besides the active analysts and supervisors who opted in.
    pub notify_to: String,
    /// The portal's address as analysts reach it; links in e-mail start with it.
    pub public_url: String,
    /// Run the e-mail delivery worker inside the server (off when `report-portal deliver` runs
    /// from a scheduler instead).
    pub mail_worker: bool,
    /// Seconds between the worker's looks at the outbox when no new report wakes it.
    pub mail_poll_seconds: f64,
    /// Seconds a worker holds the messages it claimed; a crashed worker's messages are taken up by
    /// another after this. Keep it well above `smtp_timeout_seconds`.
    pub mail_lease_seconds: f64,
    /// Delivery attempts before a message is marked failed.
    pub mail_max_attempts: i32,
    /// Seconds before the first retry; each further retry waits twice as long (at most an hour),
    /// less a random part of up to half.
    pub mail_backoff_seconds: f64,
    /// Days a live report closed as `no_action`, `duplicate` or `insufficient_information` is
    /// kept after it was closed.
    pub retention_closed_days: u32,
    /// Days a retracted report is kept after its retraction.
    pub retention_retracted_days: u32,
    /// Days a test-mode report is kept after it was received.
    pub retention_test_days: u32,
    /// Days a referred or actioned report is kept after a supervisor released it (until then it
    /// is kept).
    pub retention_released_days: u32,
    /// Seconds between the server's purges of reports past retention; 0: the server does not
    /// purge (`report-portal purge` from a scheduler instead).
    pub purge_interval_seconds: u64,
    /// Reports purged per transaction.
    pub purge_batch_size: u32,
    /// Ed25519 private key (PKCS#8 PEM) that signs the audit chain's checkpoints, not the access
    /// tokens' key. Empty means `<data_dir>/audit-checkpoint-ed25519.pem`, generated on first
    /// start. Replicas must share it.
    pub audit_checkpoint_key_file: String,
    /// Seconds between the server's checkpoints of the audit chain's head while events arrive
    /// (at most 60).
    pub audit_checkpoint_seconds: u64,
    /// A file each new checkpoint is appended to as one JSON line (a witness kept apart from
    /// both databases); empty: none.
    pub audit_witness_file: String,
    /// Run the webhook delivery worker inside the server (any number of replicas may).
    pub webhook_worker: bool,
    /// Seconds between the webhook worker's looks for due deliveries (one indexed read each).
    pub webhook_poll_seconds: f64,
    /// Seconds a worker holds the deliveries it claimed; another takes them up after this.
    pub webhook_lease_seconds: f64,
    /// Seconds one delivery attempt may take (connecting, sending, the answer's headers).
    pub webhook_timeout_seconds: f64,
    /// The waits, in seconds, after each failed attempt; when the last has passed and the next
    /// attempt fails too, the delivery is failed and its endpoint disabled (the organization is
    /// told by e-mail). The default spans about a day.
    pub webhook_retry_seconds: Vec<f64>,
    /// The most webhook endpoints an organization may register.
    pub webhook_max_endpoints: i64,
    /// Days events are kept for the feed (and for deliveries still pending).
    pub event_retention_days: u32,
    /// Minutes a staff refresh token works unused (each use answers a new one).
    pub refresh_idle_minutes: u32,
    /// Hours a staff sign-in's refresh tokens work at most, however often they are used.
    pub refresh_absolute_hours: u32,
    /// `required`: a local account signs in with its password and a TOTP code (it enrolls one
    /// first); `optional`: an account without a second factor signs in with its password alone
    /// (development and tests).
    pub staff_mfa: StaffMfa,
    /// The OpenID Connect provider's issuer URL (discovery at
    /// `<issuer>/.well-known/openid-configuration`); empty: no OpenID Connect sign-in.
    pub oidc_issuer: String,
    /// The portal's client id at the provider.
    pub oidc_client_id: String,
    /// The portal's client secret at the provider.
    pub oidc_client_secret: SecretText,
    /// The redirect URI registered at the provider. Empty means
    /// `<public_url>/api/v1/auth/oidc/callback`.
    pub oidc_redirect_url: String,
    /// The ID token claim that carries the user's groups.
    pub oidc_role_claim: String,
    /// Comma-separated `group=role` pairs: the portal role of a member of each group (the first
    /// pair that matches wins), e.g. `portal-analysts=analyst,portal-admins=admin`.
    pub oidc_roles: String,
    /// Comma-separated URL prefixes a sign-in may return to (`return_to`); empty: none.
    pub oidc_return_to: String,
    /// With OpenID Connect on, the comma-separated e-mail addresses of the local (break-glass)
    /// accounts that may still sign in with a password; every other password sign-in is off.
    pub oidc_break_glass: String,
    /// Days an API credential works from its issue; after that the token endpoint refuses it
    /// as it does an unknown client.
    pub credential_lifetime_days: u32,
    /// Days before a credential expires that its organization gets the `credential.expiring`
    /// event (once).
    pub credential_expiry_warning_days: u32,
    /// Seconds between the server's looks for credentials to warn of (one indexed read each).
    pub credential_expiry_check_seconds: u64,
}

/// Whether local staff accounts need a second factor.
#[derive(Clone, Copy, Debug, Default, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum StaffMfa {
    /// Every local account signs in with a TOTP code.
    #[default]
    Required,
    /// An account without a second factor signs in with its password alone.
    Optional,
}

impl Default for Settings {
    fn default() -> Self {
        Self {
            database_url: SecretUrl::default(),
            data_dir: PathBuf::from("./data"),
            bind: "127.0.0.1:8080".into(),
            metrics_bind: "127.0.0.1:9464".into(),
            workers: 0,
            db_pool_size: 8,
            db_timeout_seconds: 5,
            db_queue_length: 128,
            db_queue_wait_seconds: 10,
            db_submission_writers: 2,
            jwt_key_file: String::new(),
            search_key_file: String::new(),
            correlation_common_threshold: 2000,
            trust_proxy: false,
            client_address_header: "X-Forwarded-For".into(),
            token_issuer: "report-portal".into(),
            token_audience: "report-portal-api".into(),
            token_ttl_seconds: 900,
            auth_cache_seconds: 30,
            enrollment_link_hours: 72,
            refusal_audit_per_minute: 10,
            max_body_bytes: 2 * 1024 * 1024,
            rate_limit_per_second: 100,
            rate_limit_burst: 200,
            auth_rate_limit_per_second: 5,
            auth_rate_limit_burst: 20,
            cors_origins: Vec::new(),
            client_request_timeout_seconds: 10,
            body_timeout_seconds: 30,
            rate_limit_prune_seconds: 60,
            stalled_client_timeout_seconds: 60,
            max_batch_body_bytes: 20 * 1024 * 1024,
            max_evidence_bytes: 50 * 1024 * 1024,
            idempotency_key_seconds: 24 * 3600,
            idempotency_prune_seconds: 300,
            evidence_dir: String::new(),
            keys_database_url: SecretUrl::default(),
            master_key_dir: String::new(),
            log_format: "text".into(),
            tls_cert: String::new(),
            tls_key: String::new(),
            smtp_url: SecretUrl::default(),
            smtp_timeout_seconds: 10,
            mail_from: "report-portal <report-portal@localhost>".into(),
            notify_to: String::new(),
            public_url: "http://127.0.0.1:8080".into(),
            mail_worker: true,
            mail_poll_seconds: 2.0,
            mail_lease_seconds: 120.0,
            mail_max_attempts: 10,
            mail_backoff_seconds: 30.0,
            retention_closed_days: 1095,
            retention_retracted_days: 365,
            retention_test_days: 7,
            retention_released_days: 30,
            purge_interval_seconds: 3600,
            purge_batch_size: 200,
            audit_checkpoint_key_file: String::new(),
            audit_checkpoint_seconds: 30,
            audit_witness_file: String::new(),
            webhook_worker: true,
            webhook_poll_seconds: 0.25,
            webhook_lease_seconds: 60.0,
            webhook_timeout_seconds: 10.0,
            webhook_retry_seconds: vec![5.0, 300.0, 1800.0, 7200.0, 18000.0, 36000.0, 36000.0],
            webhook_max_endpoints: 10,
            event_retention_days: 30,
            refresh_idle_minutes: 30,
            refresh_absolute_hours: 12,
            staff_mfa: StaffMfa::Required,
            oidc_issuer: String::new(),
            oidc_client_id: String::new(),
            oidc_client_secret: SecretText::default(),
            oidc_redirect_url: String::new(),
            oidc_role_claim: "groups".into(),
            oidc_roles: String::new(),
            oidc_return_to: String::new(),
            oidc_break_glass: String::new(),
            credential_lifetime_days: DEFAULT_CREDENTIAL_LIFETIME_DAYS,
            credential_expiry_warning_days: 30,
            credential_expiry_check_seconds: 3600,
        }
    }
}

impl Settings {
    /// Reads the settings: defaults, then `file` (if given), then the environment.
    pub fn load(file: Option<&Path>) -> anyhow::Result<Self> {
        let mut figment = Figment::new();
        if let Some(file) = file {
            figment = figment.merge(Toml::file_exact(file));
        }
        figment
            .merge(Env::prefixed("PORTAL_").ignore(&["config", "log"]))
            .merge(Env::raw().only(&["DATABASE_URL"]))
            .extract()
            .map_err(|e| anyhow::anyhow!("invalid settings: {e}"))
    }

    /// Whether the server itself serves HTTPS (`tls_cert` is set).
    pub fn serves_tls(&self) -> bool {
        !self.tls_cert.is_empty()
    }

    /// The database URL, with the SQLite default under `data_dir` filled in.
    pub fn database_url(&self) -> String {
        if self.database_url.0.is_empty() {
            self.data_dir
                .join("portal.db")
                .to_string_lossy()
                .into_owned()
        } else {
            self.database_url.0.clone()
        }
    }

    /// The signing key's path, with the default under `data_dir` filled in.
    pub fn jwt_key_path(&self) -> PathBuf {
        self.file_or_default(&self.jwt_key_file, "jwt-ed25519.pem")
    }

    /// The audit checkpoint key's path, with the default under `data_dir` filled in.
    pub fn audit_checkpoint_key_path(&self) -> PathBuf {
        self.file_or_default(
            &self.audit_checkpoint_key_file,
            "audit-checkpoint-ed25519.pem",
        )
    }

    /// The audit witness file, if one is set.
    pub fn audit_witness_path(&self) -> Option<PathBuf> {
        (!self.audit_witness_file.is_empty()).then(|| PathBuf::from(&self.audit_witness_file))
    }

    /// The search key's path, with the default under `data_dir` filled in.
    pub fn search_key_path(&self) -> PathBuf {
        self.file_or_default(&self.search_key_file, "search.key")
    }

    /// The local evidence store's folder, with the default under `data_dir` filled in.
    pub fn evidence_path(&self) -> PathBuf {
        self.file_or_default(&self.evidence_dir, "evidence")
    }

    /// The key store's URL, with the SQLite default under `data_dir` filled in.
    pub fn keys_database_url(&self) -> String {
        if self.keys_database_url.0.is_empty() {
            self.data_dir.join("keys.db").to_string_lossy().into_owned()
        } else {
            self.keys_database_url.0.clone()
        }
    }

    /// The master key folder, with the default under `data_dir` filled in.
    pub fn master_key_path(&self) -> PathBuf {
        self.file_or_default(&self.master_key_dir, "master-keys")
    }

    /// How long a staff enrollment link works.
    pub fn enrollment_link_ttl(&self) -> chrono::Duration {
        chrono::Duration::hours(i64::from(self.enrollment_link_hours.max(1)))
    }

    /// How long each kind of report is kept.
    pub fn retention(&self) -> Retention {
        Retention {
            closed_days: self.retention_closed_days,
            retracted_days: self.retention_retracted_days,
            test_days: self.retention_test_days,
            released_days: self.retention_released_days,
        }
    }

    /// How long staff refresh tokens work.
    pub fn refresh_lifetimes(&self) -> crate::store::refresh_tokens::Lifetimes {
        crate::store::refresh_tokens::Lifetimes {
            idle: chrono::Duration::minutes(i64::from(self.refresh_idle_minutes.max(1))),
            absolute: chrono::Duration::hours(i64::from(self.refresh_absolute_hours.max(1))),
        }
    }

    /// Whether OpenID Connect sign-in is configured.
    pub fn oidc_enabled(&self) -> bool {
        !self.oidc_issuer.is_empty()
    }

    /// Whether the local account `email` (normalized) may sign in with a password: always
    /// without OpenID Connect; with it, only the break-glass accounts named in `oidc_break_glass`.
    pub fn password_sign_in_allowed(&self, email: &str) -> bool {
        !self.oidc_enabled()
            || self
                .oidc_break_glass
                .split(',')
                .any(|named| named.trim().eq_ignore_ascii_case(email))
    }

    fn file_or_default(&self, configured: &str, default_name: &str) -> PathBuf {
        if configured.is_empty() {
            self.data_dir.join(default_name)
        } else {
            PathBuf::from(configured)
        }
    }
}

/// A URL that may carry a password (database, SMTP): its `Debug` form masks the password.
#[derive(Clone, Default, Deserialize)]
#[serde(transparent)]
pub struct SecretUrl(pub String);

impl fmt::Debug for SecretUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match url::Url::parse(&self.0) {
            Ok(mut url) if url.password().is_some() => {
                let _ = url.set_password(Some("********"));
                write!(f, "{:?}", url.as_str())
            }
            _ => write!(f, "{:?}", self.0),
        }
    }
}

/// A secret setting (a client secret): its `Debug` form does not show it.
#[derive(Clone, Default, Deserialize)]
#[serde(transparent)]
pub struct SecretText(pub String);

impl fmt::Debug for SecretText {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(if self.0.is_empty() {
            "\"\""
        } else {
            "\"********\""
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_output_hides_the_database_and_smtp_passwords() {
        let settings = Settings {
            database_url: SecretUrl("postgres://portal:hunter2@db/portal".into()),
            smtp_url: SecretUrl("smtps://mailer:hunter3@smtp.example:465".into()),
            ..Settings::default()
        };
        let printed = format!("{settings:?}");
        assert!(!printed.contains("hunter2"), "{printed}");
        assert!(!printed.contains("hunter3"), "{printed}");
        assert!(printed.contains("portal:********@db"), "{printed}");
        assert!(
            printed.contains("mailer:********@smtp.example"),
            "{printed}"
        );
    }

    #[test]
    fn sqlite_default_lives_in_the_data_dir() {
        let settings = Settings {
            data_dir: "/var/lib/portal".into(),
            ..Settings::default()
        };
        assert_eq!(settings.database_url(), "/var/lib/portal/portal.db");
        assert_eq!(
            settings.jwt_key_path(),
            PathBuf::from("/var/lib/portal/jwt-ed25519.pem")
        );
    }
}
