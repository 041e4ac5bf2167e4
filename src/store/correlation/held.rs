//! What a bulk writer (`report-portal seed` and `import`) holds of the stored correlation index in
//! its memory, so that its lookups cost memory reads instead of database work for every key:
//! the PDQ hashes, and a filter of the exact values.
//!
//! **PDQ hashes.** The database's index (see [`super::pdq`]) finds a hash's candidates by its 16
//! chunks of 16 bits: with S hashes stored, a lookup reads about 272 × S ÷ 65 536 of them, a row
//! each. At 250 000 hashes that was about 3 ms of PostgreSQL a hash, and a seed's rate fell from
//! 540 to 155 reports a second by 370 000 reports (`benches/results/2026-12-11-370k.md`). Here the
//! same multi-index hashing runs over the hashes in memory ([`NearImages`], with copies of the
//! hashes in its lists): a lookup takes about 0.17 ms of one core at a million hashes and 0.35 ms
//! at the 7.2 million of ten million seeded reports, in about 835 bytes a hash (some 6 GB there;
//! `benches/near_images.rs`).
//!
//! **Exact values.** A report's 19 or so value keys were each probed in PostgreSQL's GIN (about
//! 3.7 µs a key, 23 % of the database's time in a seed of 300 000 reports,
//! `benches/results/2026-12-13-seed-2m.md`), though most values are new. A Bloom filter of the
//! stored keys ([`HeldValues`]: about 10 bits a key, grown by doubling, some 40 MB at a million
//! reports and 300 MB at ten million) lets through every stored key and a few in a hundred of the
//! others; only those are looked up. A value looked up has its holders read once and kept
//! (16 bytes a holder, until the value is common): at 2.8 million reports, reading every stored
//! value's holders and their reports again for every chunk took 42 % of the database's time
//! (`benches/results/2026-12-15-seed-keys.md`). The holders' reports (id, organization, mode)
//! are kept too ([`HeldReports`]).
//!
//! The database stays the truth. Before each lookup the writer reads what was stored since the
//! last one (by `report_seq`, which only grows: its own chunks and other writers' reports alike),
//! adding to the holders it keeps. Every match found in memory is checked against the database
//! before it counts (the hash still stored, the holder still holding values), so a report purged
//! or rolled back meanwhile is never matched; the filter only decides which keys to look up.
//! Known limit: a row committed by another writer with a `report_seq` below the newest already
//! read (a transaction that began before the previous lookup and ended after it), or an
//! amendment's new hash or value of an older report, is not seen by this writer until it starts
//! again.

use std::cell::RefCell;
use std::collections::{BTreeSet, HashMap, HashSet};
use std::sync::Arc;

use diesel::prelude::*;
use fastbloom::BloomFilter;

use super::keys::{self, KeyRow};
use super::pdq::{self, PdqRow};
use super::{Indexed, Near};
use crate::bulk::map_on_every_core;
use crate::db::DbConnection;
use crate::db::schema::correlation_pdq;
use crate::domain::indicators::Pdq;
use crate::domain::near_images::NearImages;

/// Rows read in one statement while catching up: a first read of millions of hashes or sets goes
/// in pages, never all in memory as rows at once.
const ROWS_PER_PAGE: i64 = 100_000;

thread_local! {
    /// What this thread holds, while a [`HeldIndex`] lives.
    static HELD: RefCell<Option<Held>> = const { RefCell::new(None) };
}

/// What a bulk writer holds of the stored correlation index.
#[derive(Default)]
struct Held {
    images: HeldHashes,
    values: HeldValues,
    reports: HeldReports,
}

/// While it lives, this thread's correlation lookups use what it holds of the stored index in
/// memory (read from the database at the first lookup, then only what was stored since): the
/// PDQ hashes, and a filter of the exact values. What a bulk writer takes before its first
/// chunk and drops after its last.
#[must_use = "the index is held only while this lives"]
pub struct HeldIndex(());

impl HeldIndex {
    /// Starts holding, with nothing read yet.
    pub fn start() -> HeldIndex {
        HELD.set(Some(Held::default()));
        HeldIndex(())
    }
}

impl Drop for HeldIndex {
    fn drop(&mut self) {
        HELD.set(None);
    }
}

/// The stored hashes within [`Pdq::NEAR`] of each of `sources`, when this thread holds the
/// index ([`HeldIndex`]); `None` when it does not.
pub(super) fn near(conn: &mut DbConnection, sources: &[Pdq]) -> QueryResult<Option<Vec<Near>>> {
    HELD.with_borrow_mut(|held| {
        let Some(held) = held else {
            return Ok(None);
        };
        held.images.catch_up(conn, ROWS_PER_PAGE)?;
        let found = held.images.near(sources);
        // Only what the database still holds counts.
        let seqs: Vec<i64> = found
            .iter()
            .map(|n| n.row.report_seq)
            .collect::<HashSet<_>>()
            .into_iter()
            .collect();
        let stored: HashSet<(i64, Vec<u8>)> = pdq::of_reports(conn, &seqs)?
            .into_iter()
            .map(|row| (row.report_seq, row.pdq))
            .collect();
        Ok(Some(
            found
                .into_iter()
                .filter(|n| stored.contains(&(n.row.report_seq, n.row.pdq.clone())))
                .collect(),
        ))
    })
}

/// How the database answers for some keys what this thread may hold in memory.
type Read<K, T> = fn(&mut DbConnection, &[K]) -> QueryResult<T>;

/// Every exact value with one of `keys`: when this thread holds the index ([`HeldIndex`]),
/// the keys its filter lets through, each one's holders read by `read` the first time it is
/// looked up and from memory after, kept current from the sets stored since, and only those of
/// reports that still hold values (a purge may have taken some); else all read by `read`.
pub(super) fn holding(
    conn: &mut DbConnection,
    keys: &[Vec<u8>],
    read: Read<Vec<u8>, Vec<KeyRow>>,
) -> QueryResult<Vec<KeyRow>> {
    HELD.with_borrow_mut(|held| {
        let Some(held) = held else {
            return read(conn, keys);
        };
        let values = &mut held.values;
        values.catch_up(conn, ROWS_PER_PAGE)?;
        let looked: Vec<&Vec<u8>> = keys
            .iter()
            .filter(|key| values.may_hold(keys::head(key)))
            .collect();
        let unread: Vec<Vec<u8>> = looked
            .iter()
            .filter(|key| !values.holders.contains_key(&value(key)))
            .map(|key| (*key).clone())
            .collect();
        let read_now = read(conn, &unread)?;
        for key in &unread {
            values.holders.insert(value(key), Vec::new());
        }
        for row in read_now {
            if let Some(holders) = values.holders.get_mut(&value(&row.value_key)) {
                holders.push((row.report_seq, row.place));
            }
        }
        let mut rows = Vec::new();
        for key in looked {
            // A set read by `read` may be read again by the next catch-up: each holder once.
            let mut seen = HashSet::new();
            for (seq, place) in &values.holders[&value(key)] {
                if seen.insert(*seq) {
                    rows.push(KeyRow {
                        value_key: key.clone(),
                        report_seq: *seq,
                        place: *place,
                    });
                }
            }
        }
        let seqs: Vec<i64> = rows
            .iter()
            .map(|row| row.report_seq)
            .collect::<BTreeSet<_>>()
            .into_iter()
            .collect();
        let stored = keys::still_stored(conn, &seqs)?;
        rows.retain(|row| stored.contains(&row.report_seq));
        Ok(rows)
    })
}

/// Stops holding the holders of `common` values (never looked up again), when this thread holds
/// the index.
pub(super) fn forget_holders<'a>(common: impl IntoIterator<Item = &'a Vec<u8>>) {
    HELD.with_borrow_mut(|held| {
        if let Some(held) = held {
            for key in common {
                held.values.holders.remove(&value(key));
            }
        }
    });
}

/// A value key (16 bytes) as the key of [`HeldValues::holders`].
fn value(key: &[u8]) -> u128 {
    u128::from_be_bytes(key.try_into().unwrap_or_default())
}

/// The reports `seqs`, by `seq`: when this thread holds the index ([`HeldIndex`]), those read
/// before from memory and only the others by `read`; else all by `read`.
pub(super) fn reports(
    conn: &mut DbConnection,
    seqs: &BTreeSet<i64>,
    read: Read<i64, HashMap<i64, Indexed>>,
) -> QueryResult<HashMap<i64, Indexed>> {
    HELD.with_borrow_mut(|held| {
        let Some(held) = held else {
            return read(conn, &seqs.iter().copied().collect::<Vec<_>>());
        };
        let missing: Vec<i64> = seqs
            .iter()
            .filter(|seq| !held.reports.by_seq.contains_key(seq))
            .copied()
            .collect();
        for (seq, report) in read(conn, &missing)? {
            held.reports.add(seq, report);
        }
        Ok(seqs
            .iter()
            .filter_map(|seq| Some((*seq, held.reports.by_seq.get(seq)?.clone())))
            .collect())
    })
}

/// The reports a bulk writer has read (the holders of the values and hashes it matched), by
/// `seq`: a report's id, organization and mode never change, and its `seq` is never another
/// report's, so what is read once holds for the writer's life. About 130 bytes a report (its id,
/// and the entry; each organization's id is kept once), some 1.3 GB if all of ten million were
/// read. Known limit: on SQLite, whose `seq` is the next after the greatest, a newest report
/// erased while a bulk writer runs leaves its `seq` to the next report stored, which this writer
/// then takes for the erased one.
#[derive(Default)]
struct HeldReports {
    by_seq: HashMap<i64, Indexed>,
    /// Each organization's id, kept once.
    organizations: HashSet<Arc<str>>,
}

impl HeldReports {
    fn add(&mut self, seq: i64, mut report: Indexed) {
        match self.organizations.get(&report.organization_id) {
            Some(kept) => report.organization_id = Arc::clone(kept),
            None => {
                self.organizations
                    .insert(Arc::clone(&report.organization_id));
            }
        }
        self.by_seq.insert(seq, report);
    }
}

/// Value keys a filter is first made for; each next one for twice as many as the last.
const FIRST_FILTER_KEYS: usize = 1 << 20;

/// The share of keys not stored that a filter lets through when full.
const FALSE_POSITIVES: f64 = 0.01;

/// A Bloom filter of the stored value keys' first halves ([`keys::head`]), about 10 bits a key,
/// and the holders of the values looked up. A filter cannot grow: when the last is full a new
/// one, twice its size, takes the next keys, and a key may be in any. Each full filter lets
/// through one in a hundred of the keys not stored: seven of them (127 million keys, some 6.7
/// million reports), seven in a hundred.
struct HeldValues {
    /// Each filter, with how many keys it was made for and how many it has taken.
    filters: Vec<(BloomFilter, usize, usize)>,
    /// How many keys the first filter is made for.
    first: usize,
    /// The reports (`seq`) holding each value looked up (not common) and the value's place
    /// there: 16 bytes a holder, at most the common threshold's worth a value.
    holders: HashMap<u128, Vec<(i64, i32)>>,
    /// The highest `report_seq` read.
    newest: i64,
}

impl Default for HeldValues {
    fn default() -> HeldValues {
        HeldValues::made_for(FIRST_FILTER_KEYS)
    }
}

impl HeldValues {
    fn made_for(first: usize) -> HeldValues {
        HeldValues {
            filters: Vec::new(),
            first,
            holders: HashMap::new(),
            newest: i64::MIN,
        }
    }

    /// Reads the sets stored since the last read, `rows_per_page` a statement in the order of
    /// their key.
    fn catch_up(&mut self, conn: &mut DbConnection, rows_per_page: i64) -> QueryResult<()> {
        loop {
            let page = keys::sets_after(conn, self.newest, rows_per_page)?;
            for set in &page {
                for (key, place) in set.value_keys.iter().zip(&set.places) {
                    self.add(keys::head(key));
                    if let Some(holders) = self.holders.get_mut(&value(key)) {
                        holders.push((set.report_seq, *place));
                    }
                }
            }
            if let Some(set) = page.last() {
                self.newest = set.report_seq;
            }
            if (page.len() as i64) < rows_per_page {
                return Ok(());
            }
        }
    }

    fn add(&mut self, head: i64) {
        let full = self
            .filters
            .last()
            .is_none_or(|(_, made_for, taken)| taken >= made_for);
        if full {
            let made_for = self.filters.last().map_or(self.first, |(_, n, _)| 2 * n);
            let filter = BloomFilter::with_false_pos(FALSE_POSITIVES).expected_items(made_for);
            self.filters.push((filter, made_for, 0));
        }
        if let Some((filter, _, taken)) = self.filters.last_mut() {
            filter.insert(&head);
            *taken += 1;
        }
    }

    fn may_hold(&self, head: i64) -> bool {
        self.filters
            .iter()
            .any(|(filter, _, _)| filter.contains(&head))
    }
}

/// The hashes read, each once a report, in their index.
struct HeldHashes {
    index: NearImages,
    /// Each hash's report (`report_seq`) and place, by its index.
    owners: Vec<(i64, i32)>,
    /// The highest `report_seq` read.
    newest: i64,
}

impl Default for HeldHashes {
    fn default() -> HeldHashes {
        HeldHashes {
            index: NearImages::default(),
            owners: Vec::new(),
            newest: i64::MIN,
        }
    }
}

impl HeldHashes {
    /// Reads the rows stored since the last read, `rows_per_page` a statement in the order of
    /// their key.
    fn catch_up(&mut self, conn: &mut DbConnection, rows_per_page: i64) -> QueryResult<()> {
        // After every row of `newest`: no hash of 32 bytes sorts after 33 bytes of 0xff.
        let (mut seq, mut pdq) = (self.newest, vec![0xff; 33]);
        loop {
            let page: Vec<PdqRow> = correlation_pdq::table
                .filter(correlation_pdq::report_seq.ge(seq))
                .filter(
                    correlation_pdq::report_seq
                        .gt(seq)
                        .or(correlation_pdq::report_seq
                            .eq(seq)
                            .and(correlation_pdq::pdq.gt(&pdq))),
                )
                .order((correlation_pdq::report_seq, correlation_pdq::pdq))
                .limit(rows_per_page)
                .select(PdqRow::as_select())
                .load(conn)?;
            for row in &page {
                self.add(row);
            }
            match page.last() {
                Some(last) if page.len() as i64 == rows_per_page => {
                    (seq, pdq) = (last.report_seq, last.pdq.clone());
                }
                last => {
                    self.newest = last.map_or(seq, |row| row.report_seq);
                    return Ok(());
                }
            }
        }
    }

    fn add(&mut self, row: &PdqRow) {
        if let Some(pdq) = Pdq::from_bytes(&row.pdq)
            && self.index.add(pdq).is_some()
        {
            self.owners.push((row.report_seq, row.place));
        }
    }

    /// The held hashes within [`Pdq::NEAR`] of each of `sources`, each once a source, the
    /// sources shared among the machine's cores (a bulk chunk looks for thousands).
    fn near(&self, sources: &[Pdq]) -> Vec<Near> {
        let looked: Vec<(usize, &Pdq)> = sources.iter().enumerate().collect();
        map_on_every_core(looked, |(source, pdq)| {
            self.index
                .near(pdq)
                .into_iter()
                .map(|(index, distance)| {
                    let (report_seq, place) = self.owners[index as usize];
                    Near {
                        source,
                        row: PdqRow {
                            report_seq,
                            pdq: self.index.hash(index).to_bytes().to_vec(),
                            place,
                        },
                        distance,
                    }
                })
                .collect::<Vec<_>>()
        })
        .into_iter()
        .flatten()
        .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::db::migrated_sqlite;

    fn database(dir: &tempfile::TempDir) -> DbConnection {
        migrated_sqlite(&dir.path().join("held.db"))
    }

    fn store(conn: &mut DbConnection, report_seq: i64, pdq: &Pdq) {
        diesel::insert_into(correlation_pdq::table)
            .values((
                correlation_pdq::report_seq.eq(report_seq),
                correlation_pdq::pdq.eq(pdq.to_bytes().to_vec()),
                correlation_pdq::place.eq(7),
            ))
            .execute(conn)
            .unwrap();
    }

    /// The reports found near `pdq`, with their distance, in order.
    fn found(conn: &mut DbConnection, pdq: &Pdq) -> Option<Vec<(i64, u32)>> {
        let found = near(conn, &[*pdq]).unwrap()?;
        let mut found: Vec<(i64, u32)> = found
            .into_iter()
            .map(|n| (n.row.report_seq, n.distance))
            .collect();
        found.sort_unstable();
        Some(found)
    }

    #[test]
    fn held_hashes_find_each_near_report_once_and_follow_the_database() {
        let dir = tempfile::tempdir().unwrap();
        let mut conn = database(&dir);
        let image = Pdq::parse(&"5a".repeat(32)).unwrap();
        // 31 bits off with only the last chunk within one bit; 32 off with two in every chunk.
        let edge = image.flipped((0..15).flat_map(|c| [16 * c, 16 * c + 9]).chain([250]));
        let far = image.flipped((0..16).flat_map(|c| [16 * c, 16 * c + 9]));
        store(&mut conn, 1, &image);
        store(&mut conn, 2, &edge);
        store(&mut conn, 3, &far);
        assert_eq!(found(&mut conn, &image), None, "nothing held yet");

        let held = HeldIndex::start();
        assert_eq!(found(&mut conn, &image), Some(vec![(1, 0), (2, 31)]));
        // Stored after the first lookup: read at the next; deleted: no longer matched.
        store(&mut conn, 4, &image.flipped([3, 70, 140]));
        diesel::delete(correlation_pdq::table.filter(correlation_pdq::report_seq.eq(1)))
            .execute(&mut conn)
            .unwrap();
        assert_eq!(found(&mut conn, &image), Some(vec![(2, 31), (4, 3)]));
        drop(held);
        assert_eq!(found(&mut conn, &image), None);
    }

    /// Value key `i`: 16 bytes as uniform as a keyed hash's.
    fn value_key(i: u32) -> Vec<u8> {
        use sha2::Digest;
        sha2::Sha256::digest(i.to_be_bytes())[..16].to_vec()
    }

    /// Stores report `seq` holding the value keys `keys`.
    fn store_values(conn: &mut DbConnection, seq: i64, keys: std::ops::Range<u32>) {
        let rows: Vec<keys::KeyRow> = keys
            .map(|i| keys::KeyRow {
                value_key: value_key(i),
                report_seq: seq,
                place: 1,
            })
            .collect();
        keys::write(conn, &rows, super::super::Writing::NewReports).unwrap();
    }

    #[test]
    fn the_filter_of_values_lets_through_every_stored_key_and_few_others() {
        let dir = tempfile::tempdir().unwrap();
        let mut conn = database(&dir);
        store_values(&mut conn, 1, 0..50);
        store_values(&mut conn, 2, 50..100);
        let mut values = HeldValues::default();
        values.catch_up(&mut conn, ROWS_PER_PAGE).unwrap();
        let passed: Vec<u32> = (0..2000)
            .filter(|i| values.may_hold(keys::head(&value_key(*i))))
            .collect();
        assert_eq!(
            passed[..100],
            (0..100).collect::<Vec<_>>(),
            "every stored key"
        );
        assert!(
            passed.len() < 100 + 40,
            "{} of 1 900 others",
            passed.len() - 100
        );
    }

    /// The reports holding value `i`, each as `(seq, place)`, in order.
    fn holders(conn: &mut DbConnection, i: u32) -> Vec<(i64, i32)> {
        let mut found: Vec<(i64, i32)> = holding(conn, &[value_key(i)], keys::read_holding)
            .unwrap()
            .into_iter()
            .map(|row| (row.report_seq, row.place))
            .collect();
        found.sort_unstable();
        found
    }

    #[test]
    fn held_holders_follow_the_database_as_reports_are_stored_and_purged() {
        let dir = tempfile::tempdir().unwrap();
        let mut conn = database(&dir);
        store_values(&mut conn, 1, 0..50);
        store_values(&mut conn, 2, 40..60);
        let held = HeldIndex::start();
        assert_eq!(holders(&mut conn, 45), [(1, 1), (2, 1)]);
        assert_eq!(holders(&mut conn, 5000), [], "never stored");
        // Stored after the first lookup: among the holders at the next; purged: no longer.
        store_values(&mut conn, 3, 45..46);
        store_values(&mut conn, 4, 5000..5001);
        keys::forget(&mut conn, &[1]).unwrap();
        assert_eq!(holders(&mut conn, 45), [(2, 1), (3, 1)]);
        assert_eq!(holders(&mut conn, 5000), [(4, 1)]);
        // What the database answers without the held index.
        drop(held);
        assert_eq!(holders(&mut conn, 45), [(2, 1), (3, 1)]);
    }

    #[test]
    fn a_full_filter_is_followed_by_a_larger_one_and_no_key_is_lost() {
        let mut values = HeldValues::made_for(8);
        for head in 0..1000 {
            values.add(head * 7919);
        }
        let sizes: Vec<usize> = values
            .filters
            .iter()
            .map(|(_, made_for, _)| *made_for)
            .collect();
        assert_eq!(sizes, [8, 16, 32, 64, 128, 256, 512]);
        assert!((0..1000).all(|head| values.may_hold(head * 7919)));
    }

    #[test]
    fn a_report_whose_hashes_straddle_two_pages_is_read_whole_and_once() {
        let dir = tempfile::tempdir().unwrap();
        let mut conn = database(&dir);
        let hash = |i: u8| Pdq::from_bytes(&[i; 32]).unwrap();
        for (seq, i) in [(1, 1), (1, 2), (2, 3), (2, 4), (2, 5), (3, 6)] {
            store(&mut conn, seq, &hash(i));
        }
        let mut held = HeldHashes::default();
        held.catch_up(&mut conn, 2).unwrap();
        let mut owners: Vec<i64> = held.owners.iter().map(|(seq, _)| *seq).collect();
        owners.sort_unstable();
        assert_eq!(owners, [1, 1, 2, 2, 2, 3]);
        assert_eq!(held.newest, 3);
    }
}
