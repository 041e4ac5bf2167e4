//! The search words of reports, as 64-bit keys ([`crate::domain::search::WordHasher::word_key`]):
//! on PostgreSQL one row per report with its keys in a GIN-indexed array; on SQLite a
//! contentless FTS5 index (`detail=none`: rowids only, delta-encoded) whose tokens are the keys
//! in base32, one document per report (`rowid` its `seq`) and one per amendment that brought
//! words (the index cannot give a document's tokens back to merge new ones in). Written in the
//! transaction of the submission or amendment that brings the words, deleted in the purge's.

use diesel::dsl::sql;
use diesel::expression::SqlLiteral;
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Bool, Text};

use crate::db::DbConnection;
use crate::db::portable::{self, insert_rows};
use crate::db::schema::{postgres, report_words, reports};

/// A report to index: its `seq` and its word keys.
pub(super) type Indexed<'a> = (i64, &'a [i64]);

/// On SQLite the `n`th amendment with words (from 1) of report `seq` is the document of rowid
/// `-(seq << AMENDMENT_BITS | n)`: a report's amendments take a range of rowids of their own.
const AMENDMENT_BITS: u32 = 20;

/// The digits of the tokens, in order (base32, so that a key is 13 of them).
const DIGITS: &[u8; 32] = b"0123456789abcdefghijklmnopqrstuv";

/// The size in kB past which PostgreSQL's index merges its pending list of new keys, as the
/// migration `words_pending_list` sets it.
const PENDING_LIST_KB: u32 = 256;

/// Indexes new reports under their words, each report once.
///
/// On PostgreSQL the GIN index takes their keys in its pending list, merged in one sorted pass
/// once the list passes [`PENDING_LIST_KB`]. Inside a bulk transaction ([`portable::in_bulk`])
/// the list takes all of the transaction's reports (its limit raised), then is merged at once
/// (`gin_clean_pending_list`), each word's new reports together, and the limit is set back: the
/// change is part of the transaction, so no other ever sees it. Seeded words are shared by many
/// reports: 250 seeded reports' words, twenty times in one transaction, took 538 ms inserted one
/// by one and 144 ms so (`psql`, 15 000 reports indexed).
pub(super) fn index(conn: &mut DbConnection, new: &[Indexed<'_>]) -> QueryResult<()> {
    match conn {
        DbConnection::Postgres(c) => {
            let rows: Vec<_> = new
                .iter()
                .filter(|(_, keys)| !keys.is_empty())
                .map(|(seq, keys)| {
                    (
                        postgres::report_words::report_seq.eq(*seq),
                        postgres::report_words::word_keys.eq(keys.to_vec()),
                    )
                })
                .collect();
            let merging = portable::in_bulk() && !rows.is_empty();
            if merging {
                diesel::sql_query(
                    "ALTER INDEX report_words_keys SET (gin_pending_list_limit = 2097151)",
                )
                .execute(c)?;
            }
            for chunk in rows.chunks(portable::ROWS_PER_STATEMENT) {
                diesel::insert_into(postgres::report_words::table)
                    .values(chunk)
                    .execute(c)?;
            }
            if merging {
                diesel::sql_query("SELECT gin_clean_pending_list('report_words_keys'::regclass)")
                    .execute(c)?;
                diesel::sql_query(format!(
                    "ALTER INDEX report_words_keys SET (gin_pending_list_limit = {PENDING_LIST_KB})"
                ))
                .execute(c)?;
            }
            Ok(())
        }
        DbConnection::Sqlite(_) => {
            let rows: Vec<_> = new
                .iter()
                .filter(|(_, keys)| !keys.is_empty())
                .map(|(seq, keys)| {
                    (
                        report_words::rowid.eq(*seq),
                        report_words::word_keys.eq(tokens(keys)),
                    )
                })
                .collect();
            insert_rows!(conn, report_words::table, &rows).map(drop)
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
                "INSERT INTO report_words (report_seq, word_keys) \
                 SELECT seq, $2 FROM reports WHERE id = $1 \
                 ON CONFLICT (report_seq) DO UPDATE SET word_keys = ARRAY( \
                   SELECT DISTINCT k FROM unnest(report_words.word_keys || excluded.word_keys) AS k \
                   ORDER BY k)",
            )
            .bind::<Text, _>(report_id)
            .bind::<diesel::sql_types::Array<BigInt>, _>(keys)
            .execute(c)
            .map(drop)
        }
        DbConnection::Sqlite(_) => {
            // A document of its own, the next in the report's range of amendments.
            let seq = reports::table
                .find(report_id)
                .select(reports::seq)
                .first(conn)?;
            let (first, last) = amendment_rowids(seq);
            let taken: i64 = report_words::table
                .filter(report_words::rowid.between(first, last))
                .count()
                .get_result(conn)?;
            if taken > last - first {
                return Err(diesel::result::Error::QueryBuilderError(
                    format!("report {report_id} has no room left for an amendment's words").into(),
                ));
            }
            diesel::insert_into(report_words::table)
                .values((
                    report_words::rowid.eq(last - taken),
                    report_words::word_keys.eq(tokens(keys)),
                ))
                .execute(conn)
                .map(drop)
        }
    }
}

/// Deletes the words of the reports `ids` (before the reports themselves).
pub(super) fn delete(conn: &mut DbConnection, ids: &[&str]) -> QueryResult<()> {
    let seqs: Vec<i64> = reports::table
        .filter(reports::id.eq_any(ids))
        .select(reports::seq)
        .load(conn)?;
    match conn {
        DbConnection::Postgres(c) => diesel::delete(
            postgres::report_words::table.filter(postgres::report_words::report_seq.eq_any(&seqs)),
        )
        .execute(c)
        .map(drop),
        DbConnection::Sqlite(_) => {
            diesel::delete(report_words::table.filter(report_words::rowid.eq_any(&seqs)))
                .execute(conn)?;
            for seq in seqs {
                let (first, last) = amendment_rowids(seq);
                diesel::delete(
                    report_words::table.filter(report_words::rowid.between(first, last)),
                )
                .execute(conn)?;
            }
            Ok(())
        }
    }
}

/// The word keys `report_id` is indexed under, sorted (none for a report purged or absent). On
/// SQLite this reads the whole index (a contentless index lists its tokens only by token): for
/// checks and tests, not for requests.
pub fn of_report(conn: &mut DbConnection, report_id: &str) -> QueryResult<Vec<i64>> {
    let Some(seq) = reports::table
        .find(report_id)
        .select(reports::seq)
        .first::<i64>(conn)
        .optional()?
    else {
        return Ok(Vec::new());
    };
    let mut keys = match conn {
        DbConnection::Postgres(c) => postgres::report_words::table
            .find(seq)
            .select(postgres::report_words::word_keys)
            .first::<Vec<i64>>(c)
            .optional()?
            .unwrap_or_default(),
        DbConnection::Sqlite(_) => {
            let (first, last) = amendment_rowids(seq);
            diesel::sql_query(
                "SELECT DISTINCT term FROM report_word_instances \
                 WHERE doc = ? OR doc BETWEEN ? AND ?",
            )
            .bind::<BigInt, _>(seq)
            .bind::<BigInt, _>(first)
            .bind::<BigInt, _>(last)
            .load::<Term>(conn)?
            .iter()
            .map(|t| key_of(&t.term))
            .collect()
        }
    };
    keys.sort_unstable();
    Ok(keys)
}

/// A token of SQLite's index, as `fts5vocab` lists it.
#[derive(QueryableByName)]
struct Term {
    /// The token.
    #[diesel(sql_type = Text)]
    term: String,
}

/// The rowids of the documents of report `seq`'s amendments on SQLite, first and last.
fn amendment_rowids(seq: i64) -> (i64, i64) {
    let base = seq << AMENDMENT_BITS;
    (-(base | ((1 << AMENDMENT_BITS) - 1)), -(base | 1))
}

/// The token of a key: its 64 bits as 13 base32 digits, most significant first (the migration
/// `words_in_fts5` writes the same).
fn token(key: i64) -> String {
    let bits = key as u64;
    (0..13)
        .map(|i| char::from(DIGITS[((bits >> (60 - 5 * i)) & 31) as usize]))
        .collect()
}

/// The key of a [`token`].
fn key_of(token: &str) -> i64 {
    token.bytes().fold(0u64, |bits, digit| {
        let value = DIGITS.iter().position(|d| *d == digit).unwrap_or(0) as u64;
        (bits << 5) | value
    }) as i64
}

/// The tokens of `keys`, separated by spaces: one document's text.
fn tokens(keys: &[i64]) -> String {
    keys.iter()
        .map(|key| token(*key))
        .collect::<Vec<_>>()
        .join(" ")
}

/// A condition on `reports`: the report is indexed under every one of `keys` (not empty). The
/// keys are integers the portal computed, written into the statement as literals (on SQLite as
/// quoted tokens of a full-text query).
pub fn containing_all(conn: &DbConnection, keys: &[i64]) -> SqlLiteral<Bool> {
    let mut keys = keys.to_vec();
    keys.sort_unstable();
    keys.dedup();
    sql(&match conn {
        DbConnection::Postgres(_) => {
            let listed = keys
                .iter()
                .map(i64::to_string)
                .collect::<Vec<_>>()
                .join(",");
            format!(
                "reports.seq IN (SELECT report_seq FROM report_words \
                 WHERE word_keys @> ARRAY[{listed}]::bigint[])"
            )
        }
        // A report's words may be in several documents. One full-text query finds the reports
        // whose own document has all the keys; a report with one of them in an amendment's
        // (rowids below zero, first in each token's list) is checked key by key, in its own
        // document or its amendments'.
        DbConnection::Sqlite(_) => {
            let quoted: Vec<String> = keys
                .iter()
                .map(|key| format!("\"{}\"", token(*key)))
                .collect();
            let (bits, last) = (AMENDMENT_BITS, (1 << AMENDMENT_BITS) - 1);
            let each = quoted
                .iter()
                .map(|key| {
                    format!(
                        "(EXISTS (SELECT 1 FROM report_words WHERE report_words MATCH '{key}' \
                           AND rowid = amended.seq) \
                         OR EXISTS (SELECT 1 FROM report_words WHERE report_words MATCH '{key}' \
                           AND rowid BETWEEN -(amended.seq << {bits} | {last}) \
                           AND -(amended.seq << {bits} | 1)))"
                    )
                })
                .collect::<Vec<_>>()
                .join(" AND ");
            format!(
                "reports.seq IN (SELECT rowid FROM report_words \
                   WHERE report_words MATCH '{all}' AND rowid > 0 \
                 UNION SELECT amended.seq FROM (SELECT DISTINCT -rowid >> {bits} AS seq \
                   FROM report_words WHERE report_words MATCH '{any}' AND rowid < 0) AS amended \
                 WHERE {each})",
                all = quoted.join(" AND "),
                any = quoted.join(" OR "),
            )
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_13_base32_digits_in_the_keys_order_and_give_the_keys_back() {
        let keys = [i64::MIN, -1, 0, 1, 0x1234_5678_9abc_def0, i64::MAX];
        let tokens: Vec<String> = keys.iter().map(|k| token(*k)).collect();
        assert_eq!(tokens[2], "0000000000000");
        assert_eq!(tokens[1], "fvvvvvvvvvvvv");
        for (key, token) in keys.iter().zip(&tokens) {
            assert_eq!(token.len(), 13);
            assert_eq!(key_of(token), *key);
        }
        let unsigned: Vec<u64> = keys.iter().map(|k| *k as u64).collect();
        let mut by_token = unsigned.clone();
        by_token.sort_by_key(|k| token(*k as i64));
        let mut sorted = unsigned;
        sorted.sort_unstable();
        assert_eq!(by_token, sorted);
    }

    #[test]
    fn amendments_take_rowids_below_zero_that_map_back_to_their_report() {
        let (first, last) = amendment_rowids(7);
        assert!(first < last && last < 0);
        assert_eq!((-first) >> AMENDMENT_BITS, 7);
        assert_eq!((-last) >> AMENDMENT_BITS, 7);
        assert!(amendment_rowids(8).1 < first);
    }
}
