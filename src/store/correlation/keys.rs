//! The exact values of the correlation index as each backend stores them, read and written as the
//! same rows: on SQLite one row per value and report (`correlation_keys`, a table without rowid
//! keyed by the value first); on PostgreSQL one row per report (`correlation_key_sets`), its
//! values' keys in a GIN-indexed array and their places in a parallel one. PostgreSQL keeps no
//! statistics of keys this rare, so it would guess that an overlap (`&&`) with many keys holds
//! for most rows and scan the table: its lookups probe the index one key at a time instead
//! (`unnest` of the keys joined with `@>`), a plan that stays an index scan at any size.

use std::collections::{BTreeMap, BTreeSet, HashSet};

use diesel::dsl::sql;
use diesel::prelude::*;
use diesel::sql_types::{Array, BigInt, Binary, Bool, Integer};
use diesel::upsert::excluded;

use super::{Holders, Indexed, Writing, indexed_by_seq, insert_as};
use crate::db::portable::{ROWS_PER_STATEMENT, copies};
use crate::db::schema::postgres::correlation_key_sets;
use crate::db::schema::{correlation_keys, reports};
use crate::db::{DbConnection, MultiBackend};
use crate::domain::organization::CredentialMode;

/// An exact value of a report.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = correlation_keys, check_for_backend(diesel::sqlite::Sqlite))]
pub(super) struct KeyRow {
    /// The first 16 bytes of its keyed hash.
    pub value_key: Vec<u8>,
    /// The report (`reports.seq`).
    pub report_seq: i64,
    /// Where it is in the report (`correlation_places.id`).
    pub place: i32,
}

/// A report's exact values on PostgreSQL.
#[derive(Debug, Queryable, QueryableByName, Selectable)]
#[diesel(table_name = correlation_key_sets, check_for_backend(diesel::pg::Pg))]
struct KeySet {
    report_seq: i64,
    places: Vec<i32>,
    value_keys: Vec<Vec<u8>>,
}

impl KeySet {
    /// Its values as rows, each key once (two amendments at once may add one twice), only those
    /// among `wanted` when given.
    fn rows(self, wanted: Option<&HashSet<&[u8]>>) -> Vec<KeyRow> {
        let mut seen = HashSet::new();
        self.value_keys
            .into_iter()
            .zip(self.places)
            .filter(|(key, _)| wanted.is_none_or(|w| w.contains(key.as_slice())))
            .filter(|(key, _)| seen.insert(key.clone()))
            .map(|(value_key, place)| KeyRow {
                value_key,
                report_seq: self.report_seq,
                place,
            })
            .collect()
    }
}

/// The sets holding one of the keys bound as `$1`, each as often as it holds one: the index probed
/// key by key (see the module's documentation).
const HOLDING: &str = "SELECT s.report_seq, s.places, s.value_keys \
     FROM unnest($1::bytea[]) AS w (key) \
     JOIN correlation_key_sets s ON s.value_keys @> ARRAY[w.key]";

/// The exact values of the reports `seqs`.
pub(super) fn of_reports(conn: &mut DbConnection, seqs: &[i64]) -> QueryResult<Vec<KeyRow>> {
    let mut found = Vec::new();
    for chunk in seqs.chunks(ROWS_PER_STATEMENT) {
        match conn {
            DbConnection::Postgres(c) => found.extend(
                correlation_key_sets::table
                    .filter(correlation_key_sets::report_seq.eq_any(chunk))
                    .select(KeySet::as_select())
                    .load(c)?
                    .into_iter()
                    .flat_map(|set| set.rows(None)),
            ),
            DbConnection::Sqlite(c) => found.extend(
                correlation_keys::table
                    .filter(correlation_keys::report_seq.eq_any(chunk))
                    .select(KeyRow::as_select())
                    .load(c)?,
            ),
        }
    }
    Ok(found)
}

/// Every exact value with one of `keys` (values not common, so at most the threshold's worth
/// each), with the report holding it. PostgreSQL's reports are
/// read apart, by `seq`: joined, the planner guesses the probe of 1 000 keys matches thousands of
/// sets and hashes all of `reports`.
pub(super) fn holding(conn: &mut DbConnection, keys: &[Vec<u8>]) -> QueryResult<Holders> {
    let mut found = Vec::new();
    for chunk in keys.chunks(ROWS_PER_STATEMENT) {
        match conn {
            DbConnection::Postgres(c) => {
                let wanted: HashSet<&[u8]> = chunk.iter().map(Vec::as_slice).collect();
                let mut seen = HashSet::new();
                let mut rows = Vec::new();
                for set in diesel::sql_query(HOLDING)
                    .bind::<Array<Binary>, _>(chunk)
                    .load::<KeySet>(c)?
                {
                    if seen.insert(set.report_seq) {
                        rows.extend(set.rows(Some(&wanted)));
                    }
                }
                let reports = indexed_by_seq(conn, &seen.into_iter().collect())?;
                found.extend(rows.into_iter().filter_map(|row| {
                    let report = reports.get(&row.report_seq)?.clone();
                    Some((row, report))
                }));
            }
            DbConnection::Sqlite(c) => found.extend(
                correlation_keys::table
                    .inner_join(reports::table.on(reports::seq.eq(correlation_keys::report_seq)))
                    .filter(correlation_keys::value_key.eq_any(chunk))
                    .select((KeyRow::as_select(), Indexed::as_select()))
                    .load::<(KeyRow, Indexed)>(c)?,
            ),
        }
    }
    Ok(found)
}

/// The newest reports of `mode` holding `key`, below the report `before` when given: at most
/// `limit` of them, newest first, each as its `seq`, its id and the value's place there.
pub(super) fn newest_holding(
    conn: &mut DbConnection,
    key: &[u8],
    mode: CredentialMode,
    before: Option<i64>,
    limit: i64,
) -> QueryResult<Vec<(i64, String, i32)>> {
    let holders: Vec<Holding> = match conn {
        DbConnection::Postgres(c) => {
            // Each holder's `seq` and the value's place there, read from the index alone in a
            // subquery that nothing is pushed into (`OFFSET 0`), then bounded and sorted: with a
            // `LIMIT` or a bound on `report_seq` in it, the planner (which keeps no statistics of
            // keys this rare) may walk the primary key backwards in the hope of meeting the key
            // soon, or intersect its few rows with most of the primary key. The arrays stay in
            // the database: a value common to 15 000 reports took 0.5 s to send with them and
            // 0.06 s without (the seeded 20 000 reports, `psql`).
            diesel::sql_query(
                "SELECT report_seq, place FROM ( \
                   SELECT report_seq, places[array_position(value_keys, $1)] AS place \
                   FROM correlation_key_sets WHERE value_keys @> ARRAY[$1] OFFSET 0 \
                 ) AS holders WHERE report_seq < $2 ORDER BY report_seq DESC",
            )
            .bind::<Binary, _>(key)
            .bind::<BigInt, _>(before.unwrap_or(i64::MAX))
            .load::<Holding>(c)?
        }
        DbConnection::Sqlite(_) => {
            let mut query = correlation_keys::table
                .inner_join(reports::table.on(reports::seq.eq(correlation_keys::report_seq)))
                .filter(correlation_keys::value_key.eq(key))
                .filter(reports::mode.eq(mode))
                .select((
                    correlation_keys::report_seq,
                    reports::id,
                    correlation_keys::place,
                ))
                .order(correlation_keys::report_seq.desc())
                .limit(limit)
                .into_boxed::<MultiBackend>();
            if let Some(before) = before {
                query = query.filter(correlation_keys::report_seq.lt(before));
            }
            return query.load(conn);
        }
    };
    // The reports of the holders read a page's worth at a time, until the page is full.
    let mut found = Vec::new();
    for piece in holders.chunks(usize::try_from(limit).unwrap_or(1).max(1)) {
        let seqs: BTreeSet<i64> = piece.iter().map(|holder| holder.report_seq).collect();
        let reports = indexed_by_seq(conn, &seqs)?;
        for holder in piece {
            let Some(report) = reports.get(&holder.report_seq).filter(|r| r.mode == mode) else {
                continue;
            };
            found.push((holder.report_seq, report.id.clone(), holder.place));
            if found.len() as i64 == limit {
                return Ok(found);
            }
        }
    }
    Ok(found)
}

/// A report holding a value on PostgreSQL, and the value's place there.
#[derive(QueryableByName)]
struct Holding {
    #[diesel(sql_type = BigInt)]
    report_seq: i64,
    #[diesel(sql_type = Integer)]
    place: i32,
}

/// The review list's condition "holds one of `keys`": a subquery over the index, so no list of
/// reports is bound. On PostgreSQL the keys (16-byte hashes the portal computed) are written into
/// it as literals.
pub(super) fn holding_any(
    conn: &DbConnection,
    keys: Vec<Vec<u8>>,
) -> Box<dyn BoxableExpression<reports::table, MultiBackend, SqlType = Bool>> {
    match conn {
        DbConnection::Postgres(_) => {
            let listed: Vec<String> = keys
                .iter()
                .map(|key| format!("'\\x{}'::bytea", hex::encode(key)))
                .collect();
            Box::new(sql::<Bool>(&format!(
                "reports.seq IN (SELECT s.report_seq FROM unnest(ARRAY[{}]::bytea[]) AS w (key) \
                 JOIN correlation_key_sets s ON s.value_keys @> ARRAY[w.key])",
                listed.join(",")
            )))
        }
        DbConnection::Sqlite(_) => Box::new(
            reports::seq.eq_any(
                correlation_keys::table
                    .filter(correlation_keys::value_key.eq_any(keys))
                    .select(correlation_keys::report_seq),
            ),
        ),
    }
}

/// Stores `rows` (each value once a report) as [`Writing`] `writing` asks: on PostgreSQL one row
/// per report, or for an amendment its values added to its report's row (those it holds already
/// were left out by the caller).
pub(super) fn write(conn: &mut DbConnection, rows: &[KeyRow], writing: Writing) -> QueryResult<()> {
    let DbConnection::Postgres(c) = conn else {
        let rows: Vec<_> = rows
            .iter()
            .map(|k| {
                (
                    correlation_keys::value_key.eq(&k.value_key),
                    correlation_keys::report_seq.eq(k.report_seq),
                    correlation_keys::place.eq(k.place),
                )
            })
            .collect();
        return insert_as!(writing, conn, correlation_keys::table, &rows).map(drop);
    };
    let mut sets: BTreeMap<i64, (Vec<i32>, Vec<&Vec<u8>>)> = BTreeMap::new();
    for row in rows {
        let (places, keys) = sets.entry(row.report_seq).or_default();
        places.push(row.place);
        keys.push(&row.value_key);
    }
    let sets: Vec<_> = sets
        .into_iter()
        .map(|(seq, (places, keys))| {
            (
                correlation_key_sets::report_seq.eq(seq),
                correlation_key_sets::places.eq(places),
                correlation_key_sets::value_keys.eq(keys),
            )
        })
        .collect();
    match writing {
        // A `COPY` in the bulk path, as [`crate::db::portable::insert_rows`] sends.
        Writing::NewReports if copies(sets.len()) => diesel::ExecuteCopyFromDsl::execute(
            diesel::copy_from(correlation_key_sets::table).from_insertable(&sets),
            c,
        )
        .map(drop),
        Writing::NewReports => sets.chunks(ROWS_PER_STATEMENT).try_for_each(|chunk| {
            diesel::insert_into(correlation_key_sets::table)
                .values(chunk)
                .execute(c)
                .map(drop)
        }),
        Writing::Amendment => sets.into_iter().try_for_each(|set| {
            use correlation_key_sets::{places, value_keys};
            diesel::insert_into(correlation_key_sets::table)
                .values(set)
                .on_conflict(correlation_key_sets::report_seq)
                .do_update()
                .set((
                    places.eq(places.concat(excluded(places))),
                    value_keys.eq(value_keys.concat(excluded(value_keys))),
                ))
                .execute(c)
                .map(drop)
        }),
    }
}

/// Deletes the exact values of the reports `seqs`.
pub(super) fn forget(conn: &mut DbConnection, seqs: &[i64]) -> QueryResult<()> {
    match conn {
        DbConnection::Postgres(c) => diesel::delete(
            correlation_key_sets::table.filter(correlation_key_sets::report_seq.eq_any(seqs)),
        )
        .execute(c),
        DbConnection::Sqlite(c) => diesel::delete(
            correlation_keys::table.filter(correlation_keys::report_seq.eq_any(seqs)),
        )
        .execute(c),
    }
    .map(drop)
}
