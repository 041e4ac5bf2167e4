//! What every request handler shares: settings, the database pool, the token service, the
//! receipt signer, the evidence store, the key store, the short-lived cache of API credential status, the
//! e-mail worker's wake-up call, and the single submissions waiting to be stored together.

use std::sync::Arc;
use std::time::Duration;

use actix_web::web;
use mini_moka::sync::Cache;
use tokio::sync::Notify;

use crate::auth::keys::SigningKeys;
use crate::auth::rate_limit::RateLimits;
use crate::auth::receipt::ReceiptSigner;
use crate::auth::token::TokenService;
use crate::config::Settings;
use crate::db::admission::{Admission, Admitted};
use crate::db::group_commit::GroupCommit;
use crate::db::{self, DbConnection, DbPool};
use crate::domain::search::WordHasher;
use crate::error::ApiError;
use crate::evidence::EvidenceStore;
use crate::keys::KeyStore;
use crate::metrics::Metrics;
use crate::service::submission::{Single, Submission};
use crate::store::organizations::CredentialAccess;
use crate::store::users::StaffAccess;

/// The application's shared state, one per process.
pub struct AppState {
    /// The settings the process started with.
    pub settings: Settings,
    /// The database pool.
    pub pool: DbPool,
    /// The queue for the pool's connections that [`AppState::db`] goes through.
    pub admission: Admission,
    /// Single submissions waiting to be stored together (`routes::submission`): at most
    /// `db_submission_writers` transactions at once, each of up to `MAX_BATCH_REPORTS` reports, and
    /// as many waiting as `db_queue_length`.
    pub singles: GroupCommit<Single, Result<Submission, ApiError>>,
    /// Issues and verifies access tokens.
    pub tokens: TokenService,
    /// Credential status by client id (`None`: no such credential), reused for
    /// `auth_cache_seconds` so that a revocation or suspension takes effect within that time
    /// without a database read on every request.
    pub credential_cache: Cache<String, Option<CredentialAccess>>,
    /// Staff status by user id, reused likewise: a deactivation or a change of role takes
    /// effect within `auth_cache_seconds`.
    pub staff_cache: Cache<String, Option<StaffAccess>>,
    /// Hashes, under the search key, the words of reports and queries for search, and the
    /// indicator values of the correlation index.
    pub word_hasher: WordHasher,
    /// Per-caller and per-address rate limits.
    pub rate_limits: RateLimits,
    /// Prometheus metrics.
    pub metrics: Metrics,
    /// Wakes this process's e-mail worker when a notification is queued, so that it need not
    /// wait for its next look at the outbox.
    pub mail_wakeup: Arc<Notify>,
    /// Signs the receipts of submissions and amendments (with the token signing key).
    pub receipts: ReceiptSigner,
    /// Where evidence files are kept, encrypted.
    pub evidence: EvidenceStore,
    /// Each report's data key (a database of its own).
    pub keys: Arc<KeyStore>,
    /// The agency's OpenID Connect provider, when one is configured.
    pub oidc: Option<Arc<crate::auth::oidc::OidcProvider>>,
}

/// The hasher of search words and indicators under the search key, which is created on first use.
pub fn load_word_hasher(settings: &Settings) -> anyhow::Result<WordHasher> {
    let search_key = crate::secret_file::load_or_create(&settings.search_key_path(), || {
        use rand::RngCore;
        let mut key = [0u8; 32];
        rand::rngs::OsRng.fill_bytes(&mut key);
        Ok(hex::encode(key))
    })?;
    Ok(WordHasher::new(hex::decode(search_key.trim()).map_err(
        |_| anyhow::anyhow!("the search key file must hold hex"),
    )?))
}

impl AppState {
    /// Opens the pools and the evidence store, and loads (or creates) the signing, search and
    /// master keys. Does not touch the databases.
    pub fn new(settings: Settings) -> anyhow::Result<Self> {
        actix_web::http::header::HeaderName::try_from(settings.client_address_header.as_str())
            .map_err(|_| {
                anyhow::anyhow!(
                    "client_address_header {:?} is not a header name",
                    settings.client_address_header
                )
            })?;
        let pool = db::connect(
            &settings.database_url(),
            settings.db_pool_size + db::admission::WORKER_CONNECTIONS,
            Duration::from_secs(settings.db_timeout_seconds),
        )?;
        let keys = SigningKeys::load_or_create(&settings.jwt_key_path())?;
        let receipts = ReceiptSigner::new(&keys, &settings.token_issuer);
        let tokens = TokenService::new(keys, &settings);
        let evidence = EvidenceStore::open(&settings)?;
        let keys = Arc::new(KeyStore::open(&settings)?);
        let word_hasher = load_word_hasher(&settings)?;
        let ttl = Duration::from_secs(settings.auth_cache_seconds);
        let metrics = Metrics::new();
        Ok(Self {
            pool,
            admission: Admission::new(
                settings.db_pool_size,
                settings.db_queue_length,
                Duration::from_secs(settings.db_queue_wait_seconds),
                metrics.queue(),
            ),
            singles: GroupCommit::new(
                settings.db_submission_writers,
                crate::domain::submission::MAX_BATCH_REPORTS,
                settings.db_queue_length,
            ),
            tokens,
            credential_cache: Cache::builder()
                .max_capacity(100_000)
                .time_to_live(ttl)
                .build(),
            staff_cache: Cache::builder()
                .max_capacity(100_000)
                .time_to_live(ttl)
                .build(),
            word_hasher,
            rate_limits: RateLimits::new(&settings),
            metrics,
            mail_wakeup: Arc::default(),
            receipts,
            evidence,
            keys,
            oidc: crate::auth::oidc::OidcProvider::new(&settings)?.map(Arc::new),
            settings,
        })
    }

    /// Runs both databases' pending migrations and seals what they set aside; answers how many
    /// ran.
    pub fn migrate(&self) -> anyhow::Result<usize> {
        crate::store::migrate(&mut *self.pool.get()?, &self.keys)
    }

    /// Runs `work` with a pooled connection on the blocking thread pool, never on an async worker;
    /// as background work inside a [`db::background::task`].
    /// It first queues for a connection ([`Admission`]): 429 (`TooManyRequests`) when the queue
    /// is full or the wait in it too long (background work waits its turn, never refused);
    /// 503 (`Unavailable`) when no connection can be had, or when `work` failed because the
    /// database stopped answering.
    pub async fn db<T, F>(&self, work: F) -> Result<T, ApiError>
    where
        T: Send + 'static,
        F: FnOnce(&mut DbConnection) -> Result<T, ApiError> + Send + 'static,
    {
        let background = db::background::in_task();
        let admitted = match background {
            true => self.admission.wait().await,
            false => self.admission.admit().await?,
        };
        self.run(admitted, background, work).await
    }

    /// Runs `work` as [`AppState::db`] does if a connection is free at once and nobody waits for
    /// one, else answers `None` without waiting or queueing.
    pub async fn db_if_free<T, F>(&self, work: F) -> Result<Option<T>, ApiError>
    where
        T: Send + 'static,
        F: FnOnce(&mut DbConnection) -> Result<T, ApiError> + Send + 'static,
    {
        match self.admission.try_admit() {
            Some(admitted) => self.run(admitted, false, work).await.map(Some),
            None => Ok(None),
        }
    }

    /// Runs `work` for [`AppState::db`] once `admitted`.
    async fn run<T, F>(&self, admitted: Admitted, background: bool, work: F) -> Result<T, ApiError>
    where
        T: Send + 'static,
        F: FnOnce(&mut DbConnection) -> Result<T, ApiError> + Send + 'static,
    {
        let pool = self.pool.clone();
        web::block(move || {
            let _admitted = admitted;
            let mut conn = pool.get()?;
            match db::background::run(background, || work(&mut conn)) {
                // The database went away during the work (a restart, a lost network): as
                // unavailable as when no connection could be had, and as worth retrying.
                Err(ApiError::Internal(error)) if db::ping(&mut conn).is_err() => {
                    tracing::warn!(error = %format!("{error:#}"), "database lost during a request");
                    Err(ApiError::Unavailable)
                }
                done => done,
            }
        })
        .await?
    }
}
