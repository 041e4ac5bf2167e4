//! The PDQ hashes of the correlation index as each backend stores them, read and written as the
//! same rows ([`PdqRow`], `correlation_pdq`: one per hash and report) and found by their 16 chunk
//! keys ([`Pdq::chunk_keys`]): on SQLite rows of their own (`correlation_pdq_chunks`, keyed by
//! the chunk first); on PostgreSQL an array in the hash's row, `chunk_keys`, that the database
//! computes from the hash (a generated column) and indexes with a GIN. Its lookups probe that
//! index one key at a time (`unnest` of the keys joined with `@>`), as [`super::keys`] does and
//! for the same reason, and one more: the GIN checks each row an overlap (`&&`) finds against
//! every key of it, so an overlap's cost grows with the keys bound as well as with the rows found.

use std::collections::{BTreeSet, HashSet};

use diesel::prelude::*;
use diesel::sql_types::{Array, BigInt, Integer, Text};

use super::{Writing, insert_as};
use crate::db::DbConnection;
use crate::db::portable::ROWS_PER_STATEMENT;
use crate::db::schema::{correlation_pdq, correlation_pdq_chunks};
use crate::domain::indicators::Pdq;

/// Chunk keys probed in one statement (bound as one array): a bulk chunk's probes (some 170 000
/// keys) in a few statements, never one of megabytes.
const PROBES_PER_STATEMENT: usize = 65_536;

/// A PDQ hash of a report.
#[derive(Debug, Clone, Queryable, QueryableByName, Selectable)]
#[diesel(table_name = correlation_pdq, check_for_backend(diesel::pg::Pg, diesel::sqlite::Sqlite))]
pub(super) struct PdqRow {
    /// The report (`reports.seq`).
    pub report_seq: i64,
    /// The hash's 32 bytes.
    pub pdq: Vec<u8>,
    /// Where it is in the report (`correlation_places.id`).
    pub place: i32,
}

/// The hashes holding one of the chunk keys bound as `$1` on PostgreSQL, each once: the GIN
/// probed key by key (see the module's documentation). The keys are hidden from the planner in a
/// subquery: seeing a bulk chunk's 170 000 of them, it guesses millions of rows and compiles the
/// statement (JIT; 228 of its 759 ms in `psql`, 14 336 hashes stored).
const HOLDING: &str = "SELECT DISTINCT q.report_seq, q.pdq, q.place \
     FROM unnest((SELECT $1::integer[])) AS w (key) \
     JOIN correlation_pdq q ON q.chunk_keys @> ARRAY[w.key]";

/// A report read from SQLite's chunk rows.
#[derive(QueryableByName)]
struct Candidate {
    #[diesel(sql_type = BigInt)]
    report_seq: i64,
}

/// The PDQ hashes of the reports `seqs`.
pub(super) fn of_reports(conn: &mut DbConnection, seqs: &[i64]) -> QueryResult<Vec<PdqRow>> {
    let mut found = Vec::new();
    for chunk in seqs.chunks(ROWS_PER_STATEMENT) {
        found.extend(
            correlation_pdq::table
                .filter(correlation_pdq::report_seq.eq_any(chunk))
                .select(PdqRow::as_select())
                .load(conn)?,
        );
    }
    Ok(found)
}

/// The stored hashes that may hold one of the chunk keys `probed`, each once: on PostgreSQL
/// those that hold one; on SQLite every hash of the reports holding one, read by their key
/// after the chunk rows (bound as one JSON array, `json_each`: SQLite's bound parameters are
/// limited, and its parser took as long over tens of thousands of integers written into the
/// statement as the lookups). The caller compares each with the hashes that probed its chunks.
pub(super) fn holding(conn: &mut DbConnection, probed: &[i32]) -> QueryResult<Vec<PdqRow>> {
    let pieces = probed.chunks(PROBES_PER_STATEMENT);
    match conn {
        DbConnection::Postgres(c) => {
            let mut seen = HashSet::new();
            let mut found = Vec::new();
            for piece in pieces {
                for row in diesel::sql_query(HOLDING)
                    .bind::<Array<Integer>, _>(piece)
                    .load::<PdqRow>(c)?
                {
                    if seen.insert((row.report_seq, row.pdq.clone())) {
                        found.push(row);
                    }
                }
            }
            Ok(found)
        }
        DbConnection::Sqlite(c) => {
            let mut seqs = BTreeSet::new();
            for piece in pieces {
                let listed = serde_json::to_string(piece).expect("integers serialize");
                seqs.extend(
                    diesel::sql_query(
                        "SELECT DISTINCT report_seq FROM correlation_pdq_chunks \
                         WHERE chunk_key IN (SELECT value FROM json_each(?))",
                    )
                    .bind::<Text, _>(listed)
                    .load::<Candidate>(c)?
                    .into_iter()
                    .map(|c| c.report_seq),
                );
            }
            of_reports(conn, &seqs.into_iter().collect::<Vec<_>>())
        }
    }
}

/// Inserts `rows` (each hash once a report) as [`Writing`] `writing` asks, with their chunk
/// keys: on SQLite as rows of their own; PostgreSQL computes them in each hash's row.
pub(super) fn write(conn: &mut DbConnection, rows: &[PdqRow], writing: Writing) -> QueryResult<()> {
    let pdqs: Vec<_> = rows
        .iter()
        .map(|p| {
            (
                correlation_pdq::report_seq.eq(p.report_seq),
                correlation_pdq::pdq.eq(&p.pdq),
                correlation_pdq::place.eq(p.place),
            )
        })
        .collect();
    insert_as!(writing, conn, correlation_pdq::table, &pdqs)?;
    if let DbConnection::Postgres(_) = conn {
        return Ok(());
    }
    let chunks: BTreeSet<(i32, i64)> = rows
        .iter()
        .filter_map(|p| Some((Pdq::from_bytes(&p.pdq)?, p.report_seq)))
        .flat_map(|(pdq, seq)| pdq.chunk_keys().map(|key| (key, seq)))
        .collect();
    let chunks: Vec<_> = chunks
        .into_iter()
        .map(|(key, seq)| {
            (
                correlation_pdq_chunks::chunk_key.eq(key),
                correlation_pdq_chunks::report_seq.eq(seq),
            )
        })
        .collect();
    insert_as!(writing, conn, correlation_pdq_chunks::table, &chunks).map(drop)
}

/// Deletes the hashes of the reports `seqs` (at most [`ROWS_PER_STATEMENT`]), `stored` being
/// those read of them: on SQLite their chunk rows too, by the primary key.
pub(super) fn forget(conn: &mut DbConnection, seqs: &[i64], stored: &[PdqRow]) -> QueryResult<()> {
    diesel::delete(correlation_pdq::table.filter(correlation_pdq::report_seq.eq_any(seqs)))
        .execute(conn)?;
    if let DbConnection::Postgres(_) = conn {
        return Ok(());
    }
    let chunk_keys: BTreeSet<i32> = stored
        .iter()
        .filter_map(|p| Pdq::from_bytes(&p.pdq))
        .flat_map(|pdq| pdq.chunk_keys())
        .collect();
    let chunk_keys: Vec<i32> = chunk_keys.into_iter().collect();
    for keys in chunk_keys.chunks(ROWS_PER_STATEMENT) {
        diesel::delete(
            correlation_pdq_chunks::table
                .filter(correlation_pdq_chunks::chunk_key.eq_any(keys))
                .filter(correlation_pdq_chunks::report_seq.eq_any(seqs)),
        )
        .execute(conn)?;
    }
    Ok(())
}
