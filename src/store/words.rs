//! The search words of reports, as 64-bit keys ([`crate::domain::search::WordHasher::word_key`]):
//! on PostgreSQL one row per report with its keys in a GIN-indexed array, on SQLite one row of
//! two integers per word and report (`reports.seq`) in a table without rowid, for the search,
//! and one row per report with its keys in a blob, for the purge. Written in the transaction of
//! the submission or amendment that brings the words, deleted in the purge's.

use diesel::dsl::sql;
use diesel::expression::SqlLiteral;
use diesel::prelude::*;
use diesel::sql_types::Bool;

use crate::db::DbConnection;
use crate::db::portable::insert_rows;
use crate::db::schema::{postgres, report_word_lists, report_words, reports};

/// A report to index: its `seq`, its id and its word keys.
pub(super) type Indexed<'a> = (i64, &'a str, &'a [i64]);

/// Indexes new reports under their words, each report once.
pub(super) fn index(conn: &mut DbConnection, new: &[Indexed<'_>]) -> QueryResult<()> {
    match conn {
        DbConnection::Postgres(c) => {
            let rows: Vec<_> = new
                .iter()
                .filter(|(_, _, keys)| !keys.is_empty())
                .map(|(_, id, keys)| {
                    (
                        postgres::report_words::report_id.eq(*id),
                        postgres::report_words::word_keys.eq(keys.to_vec()),
                    )
                })
                .collect();
            for chunk in rows.chunks(crate::db::portable::ROWS_PER_STATEMENT) {
                diesel::insert_into(postgres::report_words::table)
                    .values(chunk)
                    .execute(c)?;
            }
            Ok(())
        }
        DbConnection::Sqlite(_) => {
            let rows: Vec<_> = new
                .iter()
                .flat_map(|(seq, _, keys)| {
                    keys.iter().map(move |key| {
                        (
                            report_words::word_key.eq(*key),
                            report_words::report_seq.eq(*seq),
                        )
                    })
                })
                .collect();
            insert_rows!(conn, report_words::table, &rows, on_conflict_do_nothing)?;
            let lists: Vec<_> = new
                .iter()
                .filter(|(_, _, keys)| !keys.is_empty())
                .map(|(seq, _, keys)| {
                    (
                        report_word_lists::report_seq.eq(*seq),
                        report_word_lists::word_keys.eq(packed(keys)),
                    )
                })
                .collect();
            insert_rows!(conn, report_word_lists::table, &lists).map(drop)
        }
    }
}

/// Adds the words of an amendment to those `report_id` is indexed under.
pub(super) fn add(conn: &mut DbConnection, report_id: &str, keys: &[i64]) -> QueryResult<()> {
    if keys.is_empty() {
        return Ok(());
    }
    match conn {
        DbConnection::Postgres(c) => {
            // One row per report: merged into the array (distinct, sorted), or made.
            diesel::sql_query(
                "INSERT INTO report_words (report_id, word_keys) VALUES ($1, $2) \
                 ON CONFLICT (report_id) DO UPDATE SET word_keys = ARRAY( \
                   SELECT DISTINCT k FROM unnest(report_words.word_keys || excluded.word_keys) AS k \
                   ORDER BY k)",
            )
            .bind::<diesel::sql_types::Text, _>(report_id)
            .bind::<diesel::sql_types::Array<diesel::sql_types::BigInt>, _>(keys)
            .execute(c)
            .map(drop)
        }
        DbConnection::Sqlite(_) => {
            // The report's list is made again with the new keys; its rows already there stay.
            let seq = reports::table
                .find(report_id)
                .select(reports::seq)
                .first(conn)?;
            let mut merged = listed(conn, &[seq])?
                .pop()
                .map_or_else(Vec::new, |(_, k)| k);
            merged.extend_from_slice(keys);
            diesel::delete(report_word_lists::table.find(seq)).execute(conn)?;
            index(conn, &[(seq, report_id, &merged)])
        }
    }
}

/// Deletes the words of the reports `ids` (before the reports themselves).
pub(super) fn delete(conn: &mut DbConnection, ids: &[&str]) -> QueryResult<()> {
    match conn {
        DbConnection::Postgres(c) => diesel::delete(
            postgres::report_words::table.filter(postgres::report_words::report_id.eq_any(ids)),
        )
        .execute(c)
        .map(drop),
        DbConnection::Sqlite(_) => {
            let seqs: Vec<i64> = reports::table
                .filter(reports::id.eq_any(ids))
                .select(reports::seq)
                .load(conn)?;
            for (seq, keys) in listed(conn, &seqs)? {
                diesel::delete(
                    report_words::table
                        .filter(report_words::word_key.eq_any(keys))
                        .filter(report_words::report_seq.eq(seq)),
                )
                .execute(conn)?;
            }
            diesel::delete(
                report_word_lists::table.filter(report_word_lists::report_seq.eq_any(&seqs)),
            )
            .execute(conn)
            .map(drop)
        }
    }
}

/// The word keys `report_id` is indexed under, sorted (none for a report purged or absent).
pub fn of_report(conn: &mut DbConnection, report_id: &str) -> QueryResult<Vec<i64>> {
    let mut keys = match conn {
        DbConnection::Postgres(c) => postgres::report_words::table
            .find(report_id)
            .select(postgres::report_words::word_keys)
            .first::<Vec<i64>>(c)
            .optional()?
            .unwrap_or_default(),
        DbConnection::Sqlite(_) => {
            let seq = reports::table
                .find(report_id)
                .select(reports::seq)
                .first::<i64>(conn)
                .optional()?;
            let listed = listed(conn, &Vec::from_iter(seq))?;
            listed.into_iter().flat_map(|(_, keys)| keys).collect()
        }
    };
    keys.sort_unstable();
    Ok(keys)
}

/// The word keys of the reports `seqs` on SQLite, by report (none for a report without words).
fn listed(conn: &mut DbConnection, seqs: &[i64]) -> QueryResult<Vec<(i64, Vec<i64>)>> {
    Ok(report_word_lists::table
        .filter(report_word_lists::report_seq.eq_any(seqs))
        .load::<(i64, Vec<u8>)>(conn)?
        .into_iter()
        .map(|(seq, blob)| (seq, unpacked(&blob)))
        .collect())
}

/// Word keys as one blob: distinct, in order, 8 bytes each, big-endian (SQLite's list of a
/// report's keys; the migration `word_lists` writes the same form).
fn packed(keys: &[i64]) -> Vec<u8> {
    let mut keys = keys.to_vec();
    keys.sort_unstable();
    keys.dedup();
    keys.iter().flat_map(|key| key.to_be_bytes()).collect()
}

/// The keys of a blob [`packed`] made.
fn unpacked(blob: &[u8]) -> Vec<i64> {
    blob.chunks_exact(8)
        .map(|chunk| {
            let mut bytes = [0; 8];
            bytes.copy_from_slice(chunk);
            i64::from_be_bytes(bytes)
        })
        .collect()
}

/// A condition on `reports`: the report is indexed under every one of `keys` (not empty). The
/// keys are integers the portal computed, written into the statement as literals.
pub fn containing_all(conn: &DbConnection, keys: &[i64]) -> SqlLiteral<Bool> {
    let mut keys = keys.to_vec();
    keys.sort_unstable();
    keys.dedup();
    let listed = keys
        .iter()
        .map(i64::to_string)
        .collect::<Vec<_>>()
        .join(",");
    sql(&match conn {
        DbConnection::Postgres(_) => format!(
            "reports.id IN (SELECT report_id FROM report_words \
             WHERE word_keys @> ARRAY[{listed}]::bigint[])"
        ),
        DbConnection::Sqlite(_) => format!(
            "reports.seq IN (SELECT report_seq FROM report_words WHERE word_key IN ({listed}) \
             GROUP BY report_seq HAVING count(*) = {})",
            keys.len()
        ),
    })
}
