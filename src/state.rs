//! What every request handler shares: settings, the database pool, the token service, and the
//! short-lived cache of API credential status.

use std::time::Duration;

use actix_web::web;
use mini_moka::sync::Cache;

use crate::auth::keys::SigningKeys;
use crate::auth::token::TokenService;
use crate::config::Settings;
use crate::db::{self, DbConnection, DbPool};
use crate::domain::search::WordHasher;
use crate::error::ApiError;
use crate::store::audit::{self, NewAuditEvent};
use crate::store::organizations::CredentialAccess;
use crate::store::users::StaffAccess;

/// The application's shared state, one per process.
pub struct AppState {
    /// The settings the process started with.
    pub settings: Settings,
    /// The database pool.
    pub pool: DbPool,
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
}

impl AppState {
    /// Opens the pool and loads (or creates) the signing key. Does not touch the database.
    pub fn new(settings: Settings) -> anyhow::Result<Self> {
        let pool = db::connect(
            &settings.database_url(),
            settings.db_pool_size,
            Duration::from_secs(settings.db_timeout_seconds),
        )?;
        let tokens = TokenService::new(
            SigningKeys::load_or_create(&settings.jwt_key_path())?,
            &settings,
        );
        let search_key = crate::secret_file::load_or_create(&settings.search_key_path(), || {
            use rand::RngCore;
            let mut key = [0u8; 32];
            rand::rngs::OsRng.fill_bytes(&mut key);
            Ok(hex::encode(key))
        })?;
        let word_hasher = WordHasher::new(
            hex::decode(search_key.trim())
                .map_err(|_| anyhow::anyhow!("the search key file must hold hex"))?,
        );
        let ttl = Duration::from_secs(settings.auth_cache_seconds);
        Ok(Self {
            settings,
            pool,
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
        })
    }

    /// Like [`AppState::db`], and appends `event` in the same transaction when `work` succeeds.
    pub async fn audited<T, F>(&self, event: NewAuditEvent, work: F) -> Result<T, ApiError>
    where
        T: Send + 'static,
        F: FnOnce(&mut DbConnection) -> Result<T, ApiError> + Send + 'static,
    {
        self.db(move |conn| audit::recorded(conn, &event, work))
            .await
    }

    /// Runs `work` with a pooled connection on the blocking thread pool, never on an async worker.
    pub async fn db<T, F>(&self, work: F) -> Result<T, ApiError>
    where
        T: Send + 'static,
        F: FnOnce(&mut DbConnection) -> Result<T, ApiError> + Send + 'static,
    {
        let pool = self.pool.clone();
        web::block(move || {
            let mut conn = pool.get()?;
            work(&mut conn)
        })
        .await?
    }
}
