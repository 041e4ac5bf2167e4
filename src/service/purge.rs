//! The retention purge of reports past their time: one batch per transaction (the background
//! purge and the `purge` command run batches until none is left).

use chrono::{DateTime, Utc};

use crate::db::{DbConnection, portable};
use crate::domain::retention::PurgeRule;
use crate::error::ApiError;
use crate::keys::KeyStore;
use crate::store::retention::{self, Batch};

/// Purges the next batch of at most `limit` reports that `rule` reaches after `after`, at
/// `now`, in one transaction (see [`retention::purge_batch`]).
pub fn purge_batch(
    conn: &mut DbConnection,
    keys: &KeyStore,
    rule: &PurgeRule,
    after: Option<&str>,
    limit: i64,
    now: DateTime<Utc>,
) -> Result<Batch, ApiError> {
    portable::write_transaction(conn, |conn| {
        retention::purge_batch(conn, keys, rule, after, limit, now)
    })
}
