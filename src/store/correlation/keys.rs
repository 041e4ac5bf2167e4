//! The exact values of the correlation index as each backend stores them, read and written as the
//! same rows: one row per report on both (`correlation_key_sets`), its values' keys and their
//! places. On PostgreSQL each 16-byte key is kept as its two 8-byte halves in two parallel
//! `bigint` arrays, the first GIN-indexed (fixed-size entries: about two thirds of an index of
//! `bytea` keys), the second compared where the first is found, so all 128 bits are matched; the
//! places are a third array. PostgreSQL keeps no statistics of keys this rare, so it would guess
//! that an overlap (`&&`) with many keys holds for most rows and scan the table: its lookups probe
//! the index one key at a time instead (`unnest` of the keys joined with `@>`), a plan that stays
//! an index scan at any size. On SQLite the keys are concatenated in one blob in key order and the
//! places packed as varints in another; the reports holding a value are the rows by value
//! (`correlation_keys`, a table without rowid of `(value_key, report_seq)`), and a holder's place
//! is read from its set.

use std::collections::{BTreeMap, BTreeSet, HashSet};

use diesel::dsl::sql;
use diesel::prelude::*;
use diesel::sql_types::{Array, BigInt, Binary, Bool, Text};
use diesel::upsert::excluded;

use super::{Holders, Writing, held, indexed_by_seq, insert_as};
use crate::db::DbConnection;
use crate::db::portable::{ROWS_PER_STATEMENT, copies, insert_rows, per_backend};
use crate::db::schema::postgres::correlation_key_sets;
use crate::db::schema::sqlite::correlation_key_sets as packed_sets;
use crate::db::schema::{correlation_keys, reports};
use crate::domain::organization::CredentialMode;

/// An exact value of a report.
#[derive(Debug, Clone)]
pub(super) struct KeyRow {
    /// The first 16 bytes of its keyed hash.
    pub value_key: Vec<u8>,
    /// The report (`reports.seq`).
    pub report_seq: i64,
    /// Where it is in the report (`correlation_places.id`).
    pub place: i32,
}

/// A report's exact values, as both backends' sets hold them ([`Halves`] and [`Packed`] as read).
#[derive(Debug, Default)]
pub(super) struct KeySet {
    pub report_seq: i64,
    pub places: Vec<i32>,
    pub value_keys: Vec<Vec<u8>>,
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

    /// The sets of `rows`, by report, each's values in the order of `rows`.
    fn of_rows<'a>(rows: impl IntoIterator<Item = &'a KeyRow>) -> BTreeMap<i64, KeySet> {
        let mut sets: BTreeMap<i64, KeySet> = BTreeMap::new();
        for row in rows {
            let set = sets.entry(row.report_seq).or_default();
            set.report_seq = row.report_seq;
            set.places.push(row.place);
            set.value_keys.push(row.value_key.clone());
        }
        sets
    }
}

/// A report's exact values as PostgreSQL stores them: each key as its two halves, big-endian
/// signed integers.
#[derive(Debug, Queryable, QueryableByName, Selectable)]
#[diesel(table_name = correlation_key_sets, check_for_backend(diesel::pg::Pg))]
struct Halves {
    report_seq: i64,
    places: Vec<i32>,
    key_heads: Vec<i64>,
    key_tails: Vec<i64>,
}

/// The first half of `key`: what PostgreSQL indexes, and a bulk writer's filter holds.
pub(super) fn head(key: &[u8]) -> i64 {
    halves(key).0
}

/// The halves of `key` (16 bytes), as PostgreSQL stores them.
fn halves(key: &[u8]) -> (i64, i64) {
    let half = |bytes: &[u8]| i64::from_be_bytes(bytes.try_into().unwrap_or_default());
    (half(&key[..KEY_BYTES / 2]), half(&key[KEY_BYTES / 2..]))
}

impl Halves {
    /// `set` as halves, its values in their order.
    fn of(set: KeySet) -> Halves {
        let (key_heads, key_tails) = set.value_keys.iter().map(|key| halves(key)).unzip();
        Halves {
            report_seq: set.report_seq,
            places: set.places,
            key_heads,
            key_tails,
        }
    }

    /// The set it holds.
    fn joined(self) -> KeySet {
        let value_keys = self
            .key_heads
            .into_iter()
            .zip(self.key_tails)
            .map(|(head, tail)| [head.to_be_bytes(), tail.to_be_bytes()].concat())
            .collect();
        KeySet {
            report_seq: self.report_seq,
            places: self.places,
            value_keys,
        }
    }
}

/// A report's exact values as SQLite stores them: the keys (each [`KEY_BYTES`] long) concatenated
/// in key order, their places as unsigned LEB128 varints in the same order.
#[derive(Debug, Queryable, QueryableByName, Selectable)]
#[diesel(table_name = packed_sets, check_for_backend(diesel::sqlite::Sqlite))]
struct Packed {
    report_seq: i64,
    value_keys: Vec<u8>,
    places: Vec<u8>,
}

/// The length of a key.
const KEY_BYTES: usize = crate::domain::indicators::KEY_BYTES;

impl Packed {
    /// `set` packed, its values (distinct) sorted by key.
    fn of(set: KeySet) -> Packed {
        let sorted: BTreeMap<Vec<u8>, i32> = set.value_keys.into_iter().zip(set.places).collect();
        let mut packed = Packed {
            report_seq: set.report_seq,
            value_keys: Vec::with_capacity(sorted.len() * KEY_BYTES),
            places: Vec::with_capacity(sorted.len()),
        };
        for (key, place) in sorted {
            packed.value_keys.extend(key);
            // Places are ids of `correlation_places`, never negative.
            let mut left = place as u32;
            while left >= 0x80 {
                packed.places.push((left & 0x7f) as u8 | 0x80);
                left >>= 7;
            }
            packed.places.push(left as u8);
        }
        packed
    }

    /// The set it packs.
    fn unpacked(self) -> KeySet {
        let mut places = Vec::new();
        let (mut place, mut shift) = (0u32, 0);
        for byte in self.places {
            place |= u32::from(byte & 0x7f) << shift;
            shift += 7;
            if byte < 0x80 {
                places.push(place as i32);
                (place, shift) = (0, 0);
            }
        }
        KeySet {
            report_seq: self.report_seq,
            places,
            value_keys: self
                .value_keys
                .chunks(KEY_BYTES)
                .map(<[u8]>::to_vec)
                .collect(),
        }
    }
}

/// The sets holding one of the keys' first halves bound as `$1`, each as often as it holds one:
/// the index probed key by key (see the module's documentation). Their second halves are compared
/// by the caller. The keys are hidden from the planner in a subquery, as in `pdq::HOLDING`:
/// seeing a thousand of them at 8.6 million sets, it guesses 43 486 rows a key (about 9 are
/// found) and scans every set in parallel for minutes instead.
const HOLDING: &str = "SELECT s.report_seq, s.places, s.key_heads, s.key_tails \
     FROM unnest((SELECT $1::int8[])) AS w (head) \
     JOIN correlation_key_sets s ON s.key_heads @> ARRAY[w.head]";

/// The sets of the reports `seqs` (those holding any value).
fn sets_of(conn: &mut DbConnection, seqs: &[i64]) -> QueryResult<Vec<KeySet>> {
    let mut found = Vec::new();
    for chunk in seqs.chunks(ROWS_PER_STATEMENT) {
        match conn {
            DbConnection::Postgres(c) => found.extend(
                correlation_key_sets::table
                    .filter(correlation_key_sets::report_seq.eq_any(chunk))
                    .select(Halves::as_select())
                    .load(c)?
                    .into_iter()
                    .map(Halves::joined),
            ),
            DbConnection::Sqlite(c) => found.extend(
                packed_sets::table
                    .filter(packed_sets::report_seq.eq_any(chunk))
                    .select(Packed::as_select())
                    .load(c)?
                    .into_iter()
                    .map(Packed::unpacked),
            ),
        }
    }
    Ok(found)
}

/// The sets of at most `limit` reports after report `after`, in the order of their `seq`.
pub(super) fn sets_after(
    conn: &mut DbConnection,
    after: i64,
    limit: i64,
) -> QueryResult<Vec<KeySet>> {
    match conn {
        DbConnection::Postgres(c) => Ok(correlation_key_sets::table
            .filter(correlation_key_sets::report_seq.gt(after))
            .order(correlation_key_sets::report_seq)
            .limit(limit)
            .select(Halves::as_select())
            .load(c)?
            .into_iter()
            .map(Halves::joined)
            .collect()),
        DbConnection::Sqlite(c) => Ok(packed_sets::table
            .filter(packed_sets::report_seq.gt(after))
            .order(packed_sets::report_seq)
            .limit(limit)
            .select(Packed::as_select())
            .load(c)?
            .into_iter()
            .map(Packed::unpacked)
            .collect()),
    }
}

/// Which of the reports `seqs` still hold exact values (a set of theirs is stored).
pub(super) fn still_stored(conn: &mut DbConnection, seqs: &[i64]) -> QueryResult<HashSet<i64>> {
    let mut found = HashSet::new();
    for chunk in seqs.chunks(ROWS_PER_STATEMENT) {
        found.extend(match conn {
            DbConnection::Postgres(c) => correlation_key_sets::table
                .filter(correlation_key_sets::report_seq.eq_any(chunk))
                .select(correlation_key_sets::report_seq)
                .load::<i64>(c)?,
            DbConnection::Sqlite(c) => packed_sets::table
                .filter(packed_sets::report_seq.eq_any(chunk))
                .select(packed_sets::report_seq)
                .load::<i64>(c)?,
        });
    }
    Ok(found)
}

/// The exact values of the reports `seqs`.
pub(super) fn of_reports(conn: &mut DbConnection, seqs: &[i64]) -> QueryResult<Vec<KeyRow>> {
    Ok(sets_of(conn, seqs)?
        .into_iter()
        .flat_map(|set| set.rows(None))
        .collect())
}

/// Every exact value with one of `keys` (values not common, so at most the threshold's worth
/// each), with the report holding it: from a bulk writer's memory when it holds the index
/// ([`held::holding`]), else read ([`read_holding`]); then the reports, apart, by `seq`.
pub(super) fn holding(conn: &mut DbConnection, keys: &[Vec<u8>]) -> QueryResult<Holders> {
    let rows = held::holding(conn, keys, read_holding)?;
    let seqs: BTreeSet<i64> = rows.iter().map(|row| row.report_seq).collect();
    let reports = indexed_by_seq(conn, &seqs)?;
    Ok(rows
        .into_iter()
        .filter_map(|row| {
            let report = reports.get(&row.report_seq)?.clone();
            Some((row, report))
        })
        .collect())
}

/// Every exact value with one of `keys`, read from the database: the sets holding one, each
/// report's once. Their reports are not joined here ([`holding`] reads them apart by `seq`):
/// joined, PostgreSQL's planner guesses the probe of 1 000 keys matches thousands of sets and
/// hashes all of `reports`.
pub(super) fn read_holding(conn: &mut DbConnection, keys: &[Vec<u8>]) -> QueryResult<Vec<KeyRow>> {
    let mut rows = Vec::new();
    for chunk in keys.chunks(ROWS_PER_STATEMENT) {
        let sets: Vec<KeySet> = match conn {
            DbConnection::Postgres(c) => {
                let heads: Vec<i64> = chunk.iter().map(|key| head(key)).collect();
                diesel::sql_query(HOLDING)
                    .bind::<Array<BigInt>, _>(heads)
                    .load::<Halves>(c)?
                    .into_iter()
                    .map(Halves::joined)
                    .collect()
            }
            DbConnection::Sqlite(c) => packed_sets::table
                .filter(
                    packed_sets::report_seq.eq_any(
                        correlation_keys::table
                            .filter(correlation_keys::value_key.eq_any(chunk))
                            .select(correlation_keys::report_seq),
                    ),
                )
                .select(Packed::as_select())
                .load(c)?
                .into_iter()
                .map(Packed::unpacked)
                .collect(),
        };
        let wanted: HashSet<&[u8]> = chunk.iter().map(Vec::as_slice).collect();
        let mut seen = BTreeSet::new();
        for set in sets {
            if seen.insert(set.report_seq) {
                rows.extend(set.rows(Some(&wanted)));
            }
        }
    }
    Ok(rows)
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
            // The key's second half is compared there too.
            let (head, tail) = halves(key);
            diesel::sql_query(
                "SELECT report_seq, place FROM ( \
                   SELECT report_seq, places[array_position(key_heads, $1)] AS place, \
                     key_tails[array_position(key_heads, $1)] AS tail \
                   FROM correlation_key_sets WHERE key_heads @> ARRAY[$1] OFFSET 0 \
                 ) AS holders WHERE tail = $2 AND report_seq < $3 ORDER BY report_seq DESC",
            )
            .bind::<BigInt, _>(head)
            .bind::<BigInt, _>(tail)
            .bind::<BigInt, _>(before.unwrap_or(i64::MAX))
            .load::<Holding>(c)?
        }
        DbConnection::Sqlite(c) => {
            // The holders of the page from the rows by value, newest first; the value's place in
            // each from its set.
            let found = diesel::sql_query(
                "SELECT s.report_seq, s.value_keys, s.places, r.id \
                 FROM correlation_keys k \
                 JOIN reports r ON r.seq = k.report_seq \
                 JOIN correlation_key_sets s ON s.report_seq = k.report_seq \
                 WHERE k.value_key = ? AND r.mode = ? AND k.report_seq < ? \
                 ORDER BY k.report_seq DESC LIMIT ?",
            )
            .bind::<Binary, _>(key)
            .bind::<Text, _>(mode)
            .bind::<BigInt, _>(before.unwrap_or(i64::MAX))
            .bind::<BigInt, _>(limit)
            .load::<PackedHolder>(c)?;
            return Ok(found
                .into_iter()
                .filter_map(|holder| {
                    let set = holder.set.unpacked();
                    let at = set.value_keys.iter().position(|k| k == key)?;
                    Some((set.report_seq, holder.id, set.places[at]))
                })
                .collect());
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
            found.push((holder.report_seq, report.id.to_string(), holder.place));
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
    #[diesel(sql_type = diesel::sql_types::Integer)]
    place: i32,
}

/// A report holding a value on SQLite: its set, and its id.
#[derive(QueryableByName)]
struct PackedHolder {
    #[diesel(embed)]
    set: Packed,
    #[diesel(sql_type = Text)]
    id: String,
}

/// The review list's condition "holds one of `keys`": a subquery over the index, so no list of
/// reports is bound. On PostgreSQL the keys' halves (of hashes the portal computed) are written
/// into it as literals, the second compared where the first is found.
pub(super) fn holding_any(
    conn: &DbConnection,
    keys: Vec<Vec<u8>>,
) -> Box<dyn BoxableExpression<reports::table, crate::db::MultiBackend, SqlType = Bool>> {
    match conn {
        DbConnection::Postgres(_) => {
            let (heads, tails): (Vec<String>, Vec<String>) = keys
                .iter()
                .map(|key| halves(key))
                .map(|(head, tail)| (head.to_string(), tail.to_string()))
                .unzip();
            Box::new(sql::<Bool>(&format!(
                "reports.seq IN (SELECT s.report_seq \
                 FROM unnest(ARRAY[{}]::int8[], ARRAY[{}]::int8[]) AS w (head, tail) \
                 JOIN correlation_key_sets s ON s.key_heads @> ARRAY[w.head] \
                 AND s.key_tails[array_position(s.key_heads, w.head)] = w.tail)",
                heads.join(","),
                tails.join(",")
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

/// Stores `rows` (each value once a report) as [`Writing`] `writing` asks: one set per report,
/// or for an amendment its values added to its report's set (those it holds already were left
/// out by the caller). On SQLite each value also gets its row by value, and an amendment's set is
/// read, merged (kept in key order) and written back: SQLite lets one writer in at a time.
pub(super) fn write(conn: &mut DbConnection, rows: &[KeyRow], writing: Writing) -> QueryResult<()> {
    let mut sets = KeySet::of_rows(rows);
    let DbConnection::Postgres(c) = conn else {
        if writing == Writing::Amendment {
            let seqs: Vec<i64> = sets.keys().copied().collect();
            for stored in sets_of(conn, &seqs)? {
                let set = sets.entry(stored.report_seq).or_default();
                set.places.extend(stored.places);
                set.value_keys.extend(stored.value_keys);
            }
        }
        let sets: Vec<_> = sets
            .into_values()
            .map(Packed::of)
            .map(|set| {
                (
                    packed_sets::report_seq.eq(set.report_seq),
                    packed_sets::value_keys.eq(set.value_keys),
                    packed_sets::places.eq(set.places),
                )
            })
            .collect();
        match writing {
            Writing::NewReports => insert_rows!(conn, packed_sets::table, &sets)?,
            Writing::Amendment => per_backend!(conn, c => diesel::insert_into(packed_sets::table)
                .values(&sets)
                .on_conflict(packed_sets::report_seq)
                .do_update()
                .set((
                    packed_sets::value_keys.eq(excluded(packed_sets::value_keys)),
                    packed_sets::places.eq(excluded(packed_sets::places)),
                ))
                .execute(c))?,
        };
        let by_value: Vec<_> = rows
            .iter()
            .map(|k| {
                (
                    correlation_keys::value_key.eq(&k.value_key),
                    correlation_keys::report_seq.eq(k.report_seq),
                )
            })
            .collect();
        return insert_as!(writing, conn, correlation_keys::table, &by_value).map(drop);
    };
    let sets: Vec<_> = sets
        .into_values()
        .map(Halves::of)
        .map(|set| {
            (
                correlation_key_sets::report_seq.eq(set.report_seq),
                correlation_key_sets::places.eq(set.places),
                correlation_key_sets::key_heads.eq(set.key_heads),
                correlation_key_sets::key_tails.eq(set.key_tails),
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
            use correlation_key_sets::{key_heads, key_tails, places};
            diesel::insert_into(correlation_key_sets::table)
                .values(set)
                .on_conflict(correlation_key_sets::report_seq)
                .do_update()
                .set((
                    places.eq(places.concat(excluded(places))),
                    key_heads.eq(key_heads.concat(excluded(key_heads))),
                    key_tails.eq(key_tails.concat(excluded(key_tails))),
                ))
                .execute(c)
                .map(drop)
        }),
    }
}

/// Deletes the exact values of the reports `seqs`: on SQLite their rows by value too, found by
/// their keys (read from their sets).
pub(super) fn forget(conn: &mut DbConnection, seqs: &[i64]) -> QueryResult<()> {
    if let DbConnection::Postgres(c) = conn {
        return diesel::delete(
            correlation_key_sets::table.filter(correlation_key_sets::report_seq.eq_any(seqs)),
        )
        .execute(c)
        .map(drop);
    }
    let keys: BTreeSet<Vec<u8>> = sets_of(conn, seqs)?
        .into_iter()
        .flat_map(|set| set.value_keys)
        .collect();
    let keys: Vec<Vec<u8>> = keys.into_iter().collect();
    for keys in keys.chunks(ROWS_PER_STATEMENT) {
        diesel::delete(
            correlation_keys::table
                .filter(correlation_keys::value_key.eq_any(keys))
                .filter(correlation_keys::report_seq.eq_any(seqs)),
        )
        .execute(conn)?;
    }
    diesel::delete(packed_sets::table.filter(packed_sets::report_seq.eq_any(seqs)))
        .execute(conn)
        .map(drop)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_set_packed_is_sorted_by_key_and_unpacks_to_its_values_places_of_every_size() {
        let places = [
            300_000_000,
            0,
            127,
            128,
            16_383,
            16_384,
            2_097_152,
            i32::MAX,
        ];
        let keys: Vec<Vec<u8>> = (0..places.len() as u8).rev().map(|k| vec![k; 16]).collect();
        let set = KeySet {
            report_seq: 7,
            places: places.to_vec(),
            value_keys: keys.clone(),
        };
        let packed = Packed::of(set);
        assert_eq!(packed.value_keys.len(), 16 * places.len());
        assert_eq!(packed.places.len(), 5 + 1 + 1 + 2 + 2 + 3 + 4 + 5);
        let unpacked = packed.unpacked();
        assert_eq!(unpacked.report_seq, 7);
        let mut expected: Vec<(Vec<u8>, i32)> = keys.into_iter().zip(places).collect();
        expected.sort();
        let found: Vec<(Vec<u8>, i32)> = unpacked
            .value_keys
            .into_iter()
            .zip(unpacked.places)
            .collect();
        assert_eq!(found, expected);
    }
}
