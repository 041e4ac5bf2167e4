//! The key store: each report's data key, wrapped by a master key, in a database of its own.
//!
//! The data keys are kept apart from the main database (`keys_database_url`: by default the
//! SQLite file `<data_dir>/keys.db`; with several replicas, a PostgreSQL database of its own), so
//! that a copy or backup of the main database taken before a purge cannot be read once the
//! purge has deleted the report's key here. Master keys are files ([`master::MasterKeys`]).
//!
//! Storing a report costs no commit here: each process keeps a reserve of fresh keys, created
//! [`RESERVE_BLOCK`] at a time in one transaction, and each new report takes one and names it
//! by `reports.key_id`. Reserved keys that no report ever takes (the process stopped) protect
//! nothing and are left in place.
//!
//! The key store also anchors the audit chain ([`checkpoints`]): its signed checkpoints and the
//! witness of each sealed event, out of reach of the main database's owner.

pub mod checkpoints;
pub mod master;

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::Duration;

use diesel::prelude::*;
use serde::Serialize;

use self::checkpoints::CheckpointKey;
use self::master::MasterKeys;
use crate::config::Settings;
use crate::db::{self, DbPool, portable};
use crate::error::ApiError;
use crate::sealing::DataKey;

diesel::table! {
    /// Each report's data key, wrapped by master key version `master_key_id` with `id` as
    /// associated data.
    data_keys (id) {
        /// The key's id, which a report names in `key_id`.
        id -> Text,
        /// The data key, wrapped by the master key.
        wrapped_key -> Text,
        /// The version of the master key that wrapped it.
        master_key_id -> Integer,
        /// When the key was created (UTC).
        created_at -> Timestamp,
    }
}

/// Fresh keys created per insert into the key store: a block's transaction (its commit and the
/// key store's lock) cost about as much as inserting its keys when blocks were 64, and a batch
/// of 100 reports paid one each time. A process that stops leaves at most a block unused.
pub const RESERVE_BLOCK: usize = 1024;

/// Keys re-wrapped per transaction by a rotation.
const ROTATION_BATCH: i64 = 500;

/// A data key as stored: wrapped by master key version `master_key_id`, its id the associated
/// data.
#[derive(Queryable, Selectable)]
#[diesel(table_name = data_keys, check_for_backend(diesel::pg::Pg, diesel::sqlite::Sqlite))]
struct WrappedKeyRow {
    id: String,
    wrapped_key: String,
    master_key_id: i32,
}

/// A data key taken for a new report: its id in the key store, and the key.
pub type NewKey = (String, DataKey);

/// Where a sealed text of a report belongs, its associated data: `<report id>/<what>` (`body`,
/// `amendment/<number>`, `note/<note id>`), so that a sealed text cannot be moved elsewhere.
pub fn place(report_id: &str, what: &str) -> String {
    format!("{report_id}/{what}")
}

/// The key store of this process.
pub struct KeyStore {
    pool: DbPool,
    masters: MasterKeys,
    reserve: Mutex<Vec<NewKey>>,
    checkpoint_key: CheckpointKey,
}

/// What a rotation did.
#[derive(Debug, Serialize)]
pub struct Rotation {
    /// The master key version that now wraps every data key.
    pub master_key_id: u32,
    /// Data keys re-wrapped.
    pub rewrapped: usize,
    /// The master key versions retired (their files deleted).
    pub retired: Vec<u32>,
}

impl KeyStore {
    /// Opens the key store's pool and reads (or creates) the master key versions and the audit
    /// checkpoint key. Does not touch the key database.
    pub fn open(settings: &Settings) -> anyhow::Result<Self> {
        let url = settings.keys_database_url();
        anyhow::ensure!(
            url != settings.database_url(),
            "keys_database_url must name a database of its own, not the main database"
        );
        Ok(KeyStore {
            pool: db::connect(
                &url,
                settings.db_pool_size,
                Duration::from_secs(settings.db_timeout_seconds),
            )?,
            masters: MasterKeys::open(settings.master_key_path())?,
            reserve: Mutex::default(),
            checkpoint_key: CheckpointKey::load_or_create(&settings.audit_checkpoint_key_path())?,
        })
    }

    /// Runs the key store's pending migrations; answers how many ran.
    pub fn migrate(&self) -> anyhow::Result<usize> {
        db::apply(&mut *self.pool.get()?, db::KEYS)
    }

    /// Whether the key store is reachable and its migrations applied.
    pub fn ready(&self) -> bool {
        self.pool
            .get()
            .ok()
            .and_then(|mut conn| db::migrations_current(&mut conn, db::KEYS).ok())
            .unwrap_or(false)
    }

    /// `count` fresh data keys for new reports, from the reserve (refilled when it runs short).
    pub fn take(&self, count: usize) -> Result<Vec<NewKey>, ApiError> {
        let mut reserve = self.reserve.lock().expect("key reserve lock");
        while reserve.len() < count {
            let block = self.create(RESERVE_BLOCK.max(count - reserve.len()))?;
            reserve.extend(block);
        }
        let rest = reserve.len() - count;
        Ok(reserve.split_off(rest))
    }

    /// Creates and stores `count` data keys in one transaction, wrapped by the newest master key.
    fn create(&self, count: usize) -> Result<Vec<NewKey>, ApiError> {
        let conn = &mut *self.pool.get()?;
        portable::write_transaction(conn, |conn| {
            portable::lock_key_wrapping(conn, false)?;
            let (version, master) = self.masters.current()?;
            let now = crate::store::now();
            let keys: Vec<NewKey> = (0..count)
                .map(|_| (uuid::Uuid::new_v4().to_string(), DataKey::generate()))
                .collect();
            let rows: Vec<_> = keys
                .iter()
                .map(|(id, key)| {
                    (
                        data_keys::id.eq(id),
                        data_keys::wrapped_key.eq(master.wrap(key, id)),
                        data_keys::master_key_id.eq(version as i32),
                        data_keys::created_at.eq(now),
                    )
                })
                .collect();
            portable::insert_rows!(conn, data_keys::table, &rows)?;
            Ok(keys)
        })
    }

    /// The data keys among `ids` that the store still holds (one query); a destroyed key is
    /// simply absent.
    pub fn fetch(&self, ids: &[&str]) -> Result<HashMap<String, DataKey>, ApiError> {
        let conn = &mut *self.pool.get()?;
        let rows: Vec<WrappedKeyRow> = data_keys::table
            .filter(data_keys::id.eq_any(ids))
            .select(WrappedKeyRow::as_select())
            .load(conn)?;
        rows.into_iter()
            .map(|row| {
                let master = self.masters.get(row.master_key_id as u32)?;
                let key = master
                    .unwrap(&row.wrapped_key, &row.id)
                    .map_err(anyhow::Error::from)?;
                Ok((row.id, key))
            })
            .collect()
    }

    /// The data key `id` of a stored report. A report's rows outlive its key only between the
    /// two steps of a purge, so its absence answers 410 ([`ApiError::Purging`]).
    pub fn one(&self, id: &str) -> Result<DataKey, ApiError> {
        self.fetch(&[id])?.remove(id).ok_or(ApiError::Purging)
    }

    /// Deletes the data keys `ids` and commits: whatever they encrypted can no longer be read,
    /// wherever copies of it are. Keys already gone are not an error.
    pub fn destroy(&self, ids: &[&str]) -> Result<usize, ApiError> {
        let conn = &mut *self.pool.get()?;
        Ok(diesel::delete(data_keys::table.filter(data_keys::id.eq_any(ids))).execute(conn)?)
    }

    /// Rotates the master key: creates a new version, waits until nothing wraps keys under an
    /// older one, re-wraps every data key under the new version (in batches, without touching
    /// report data), then deletes the older versions' files. Safe while servers run: they read
    /// the new version when they next wrap or meet a key wrapped by it. A rotation that stops
    /// half-way leaves every key readable; running it again finishes the work. Keys wrapped by
    /// a newer version (a rotation started meanwhile) are left to that rotation.
    pub fn rotate(&self) -> anyhow::Result<Rotation> {
        let conn = &mut *self.pool.get()?;
        let version = self.masters.create_next()?;
        portable::write_transaction(conn, |conn| portable::lock_key_wrapping(conn, true))?;
        let new = self.masters.get(version)?;
        let mut rewrapped = 0;
        loop {
            let batch = portable::write_transaction(conn, |conn| {
                let old: Vec<WrappedKeyRow> = data_keys::table
                    .filter(data_keys::master_key_id.lt(version as i32))
                    .order(data_keys::id.asc())
                    .limit(ROTATION_BATCH)
                    .select(WrappedKeyRow::as_select())
                    .load(conn)?;
                for WrappedKeyRow {
                    id,
                    wrapped_key,
                    master_key_id: old_version,
                } in &old
                {
                    let key = self
                        .masters
                        .get(*old_version as u32)?
                        .unwrap(wrapped_key, id)?;
                    diesel::update(
                        data_keys::table
                            .find(id)
                            .filter(data_keys::master_key_id.eq(old_version)),
                    )
                    .set((
                        data_keys::wrapped_key.eq(new.wrap(&key, id)),
                        data_keys::master_key_id.eq(version as i32),
                    ))
                    .execute(conn)?;
                }
                anyhow::Ok(old.len())
            })?;
            if batch == 0 {
                break;
            }
            rewrapped += batch;
        }
        Ok(Rotation {
            master_key_id: version,
            rewrapped,
            retired: self.masters.retire_before(version)?,
        })
    }
}
