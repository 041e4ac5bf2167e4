//! The stored PDQ hashes held in a bulk writer's memory (`report-portal seed` and `import`), so
//! that its near-image lookups cost memory reads instead of a database row for every candidate.
//!
//! The database's index (see [`super::pdq`]) finds a hash's candidates by its 16 chunks of 16
//! bits: with S hashes stored, a lookup reads about 272 × S ÷ 65 536 of them, a row each. At
//! 250 000 hashes that was about 3 ms of PostgreSQL a hash, and a seed's rate fell from 540 to
//! 155 reports a second by 370 000 reports (`benches/results/2026-12-11-370k.md`). Here the same
//! multi-index hashing runs over the hashes in memory: 16 tables of 65 536 buckets, and the
//! hashes as [`Pdq`]s (four machine words each), so a candidate costs a few nanoseconds.
//!
//! The database stays the truth. Before each lookup the writer reads the rows stored since the
//! last one (by `report_seq`, which only grows: its own chunks and other writers' reports alike),
//! and every match found in memory is read again from the database before it counts, so a
//! report purged or rolled back meanwhile is never matched. Known limit: a row committed by
//! another writer with a `report_seq` below the newest already read (a transaction that began
//! before the previous lookup and ended after it), or an amendment's new hash of an older report,
//! is not seen by this writer until it starts again. It costs about 112 bytes of memory a hash
//! (some 800 MB at the 7.2 million hashes of 10 million seeded reports).

use std::cell::RefCell;
use std::collections::HashSet;

use diesel::prelude::*;

use super::Near;
use super::pdq::{self, PdqRow};
use crate::bulk::map_on_every_core;
use crate::db::DbConnection;
use crate::db::schema::correlation_pdq;
use crate::domain::indicators::Pdq;

/// Rows read in one statement while catching up: a first read of millions of hashes goes in
/// pages, never all in memory as rows at once.
const ROWS_PER_PAGE: i64 = 100_000;

thread_local! {
    /// The hashes this thread holds, while a [`HeldImages`] lives.
    static HELD: RefCell<Option<HeldHashes>> = const { RefCell::new(None) };
}

/// While it lives, this thread's near-image lookups use the stored hashes held in its memory
/// (read from the database at the first lookup, then only those stored since): what a bulk
/// writer takes before its first chunk and drops after its last.
#[must_use = "the hashes are held only while this lives"]
pub struct HeldImages(());

impl HeldImages {
    /// Starts holding, with nothing read yet.
    pub fn start() -> HeldImages {
        HELD.set(Some(HeldHashes::default()));
        HeldImages(())
    }
}

impl Drop for HeldImages {
    fn drop(&mut self) {
        HELD.set(None);
    }
}

/// The stored hashes within [`Pdq::NEAR`] of each of `sources`, when this thread holds the
/// hashes ([`HeldImages`]); `None` when it does not.
pub(super) fn near(conn: &mut DbConnection, sources: &[Pdq]) -> QueryResult<Option<Vec<Near>>> {
    HELD.with_borrow_mut(|held| {
        let Some(held) = held else {
            return Ok(None);
        };
        held.catch_up(conn, ROWS_PER_PAGE)?;
        let found = held.near(sources);
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

/// The hashes read, each once a report, and their multi-index.
struct HeldHashes {
    hashes: Vec<Pdq>,
    /// Each hash's report (`report_seq`) and place.
    owners: Vec<(i64, i32)>,
    /// For each chunk key (`position << 16 | chunk`), the hashes (their index) holding it.
    buckets: Vec<Vec<u32>>,
    /// The highest `report_seq` read.
    newest: i64,
}

impl Default for HeldHashes {
    fn default() -> HeldHashes {
        HeldHashes {
            hashes: Vec::new(),
            owners: Vec::new(),
            buckets: vec![Vec::new(); Pdq::CHUNKS << 16],
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
        let Some(pdq) = Pdq::from_bytes(&row.pdq) else {
            return;
        };
        let Ok(index) = u32::try_from(self.hashes.len()) else {
            return;
        };
        for key in pdq.chunk_keys() {
            self.buckets[key as usize].push(index);
        }
        self.hashes.push(pdq);
        self.owners.push((row.report_seq, row.place));
    }

    /// The held hashes within [`Pdq::NEAR`] of each of `sources`, each once a source, the
    /// sources shared among the machine's cores (a bulk chunk looks for thousands).
    fn near(&self, sources: &[Pdq]) -> Vec<Near> {
        let looked: Vec<(usize, &Pdq)> = sources.iter().enumerate().collect();
        map_on_every_core(looked, |(source, pdq)| self.near_one(source, pdq))
            .into_iter()
            .flatten()
            .collect()
    }

    /// The held hashes within [`Pdq::NEAR`] of `pdq`, source `source`: one within that distance
    /// has a chunk within one bit of the source's (16 chunks, 31 bits), so the candidates are
    /// those in the buckets of each chunk and its 16 one-bit neighbours, and a match is kept at
    /// the first chunk that finds it.
    fn near_one(&self, source: usize, pdq: &Pdq) -> Vec<Near> {
        let mut found = Vec::new();
        let chunks = pdq.chunks();
        for (position, probes) in pdq.probes().iter().enumerate() {
            for probe in probes {
                let key = (position << 16) | *probe as usize;
                for &index in &self.buckets[key] {
                    let held = &self.hashes[index as usize];
                    let apart = pdq.distance(held);
                    let found_before = || {
                        let held = held.chunks();
                        (0..position).any(|p| (chunks[p] ^ held[p]).count_ones() <= 1)
                    };
                    if apart <= Pdq::NEAR && !found_before() {
                        let (report_seq, place) = self.owners[index as usize];
                        found.push(Near {
                            source,
                            row: PdqRow {
                                report_seq,
                                pdq: held.to_bytes().to_vec(),
                                place,
                            },
                            distance: apart,
                        });
                    }
                }
            }
        }
        found
    }
}

#[cfg(test)]
mod tests {
    use diesel::r2d2::ManageConnection;

    use super::*;
    use crate::db::{DbManager, run_migrations};

    fn database(dir: &tempfile::TempDir) -> DbConnection {
        let path = dir.path().join("held.db");
        let mut conn = DbManager::new(path.to_str().unwrap())
            .unwrap()
            .connect()
            .unwrap();
        run_migrations(&mut conn).unwrap();
        conn
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

    /// `pdq` with bits `bits` flipped.
    fn flipped(pdq: &Pdq, bits: impl IntoIterator<Item = usize>) -> Pdq {
        let mut bytes = pdq.to_bytes();
        for bit in bits {
            bytes[bit / 8] ^= 0x80 >> (bit % 8);
        }
        Pdq::from_bytes(&bytes).unwrap()
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
        let edge = flipped(
            &image,
            (0..15).flat_map(|c| [16 * c, 16 * c + 9]).chain([250]),
        );
        let far = flipped(&image, (0..16).flat_map(|c| [16 * c, 16 * c + 9]));
        store(&mut conn, 1, &image);
        store(&mut conn, 2, &edge);
        store(&mut conn, 3, &far);
        assert_eq!(found(&mut conn, &image), None, "nothing held yet");

        let held = HeldImages::start();
        assert_eq!(found(&mut conn, &image), Some(vec![(1, 0), (2, 31)]));
        // Stored after the first lookup: read at the next; deleted: no longer matched.
        store(&mut conn, 4, &flipped(&image, [3, 70, 140]));
        diesel::delete(correlation_pdq::table.filter(correlation_pdq::report_seq.eq(1)))
            .execute(&mut conn)
            .unwrap();
        assert_eq!(found(&mut conn, &image), Some(vec![(2, 31), (4, 3)]));
        drop(held);
        assert_eq!(found(&mut conn, &image), None);
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
