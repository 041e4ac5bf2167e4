//! The retention purge of reports past their time: one batch per transaction (the background
//! purge and the `purge` command run batches until none is left).

use chrono::{DateTime, Utc};

use crate::db::{DbConnection, portable};
use crate::domain::retention::PurgeRule;
use crate::error::ApiError;
use crate::keys::KeyStore;
use crate::store::retention::{self, Batch, DueCursor};

/// One batch as one write transaction: what the purge commits at a time, so that a purge cut off
/// loses at most the batch in hand and the next run resumes after the last committed one (the
/// store's [`retention::purge_batch`] says what a batch does, inside its caller's transaction).
pub fn purge_batch(
    conn: &mut DbConnection,
    keys: &KeyStore,
    rule: &PurgeRule,
    after: Option<&DueCursor>,
    limit: i64,
    now: DateTime<Utc>,
) -> Result<Batch, ApiError> {
    portable::write_transaction(conn, |conn| {
        retention::purge_batch(conn, keys, rule, after, limit, now)
    })
}
