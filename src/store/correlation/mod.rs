//! The correlation index: each report's indicators, written in the transaction that stores the
//! report (or an amendment), and read for the related reports, the indicator search, the counts
//! of the review detail and the review list.
//!
//! Exact values are 16-byte keys, each with the report's integer key `seq` and the place of the
//! value in it, stored per backend ([`keys`]); PDQ hashes are found through
//! their 16 chunk keys (see [`Pdq`]), stored per backend ([`pdq`]), and verified by their full
//! distance. New reports are matched against the stored rows before their
//! own are inserted, and against each other in memory. A match's scope (live with live; test
//! within one organization) comes from the report the row points at. A value in more reports
//! than the configured threshold is common (`correlation_common`, as MISP does with
//! over-correlating values): it is no longer expanded report by report, only counted, so what is
//! done per report never reads more than the threshold's worth of sharers of a value. A PDQ hash
//! held as such by more reports than the threshold is common in the same way (its 32 bytes are
//! its key there); its near copies are hashes of their own, still matched. Known limit: several
//! submissions that make a value common at once may leave its count off by a few.

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::sync::Arc;

use diesel::prelude::*;
use diesel::sql_types::Bool;

use self::keys::KeyRow;
use self::pdq::PdqRow;
use super::summaries::summaries;
use crate::db::portable::{ROWS_PER_STATEMENT, add_rows, insert_rows};
use crate::db::schema::{correlation_common, correlation_counts, correlation_places, reports};
use crate::db::{DbConnection, MultiBackend};
use crate::domain::correlation::{IndicatorMatch, MatchKind, RelatedCounts, strongest_first};
use crate::domain::indicators::{IndexEntry, IndicatorKind, Lookup, Pdq};
use crate::domain::organization::CredentialMode;
use crate::domain::pagination::{Page, Paginated};
use crate::error::ApiError;
use crate::read_model::correlation::{CommonValue, IndicatorHit, RelatedReport, RelatedReports};
use crate::read_model::review::ReviewSummary;

mod held;
mod keys;
mod pdq;

pub use self::held::HeldIndex;

/// The shard of `correlation_common` holding a value's count when it became common; the reports
/// indexed after add to shard `seq % COMMON_SHARDS`.
const BASE_SHARD: i32 = 16;
/// How many shards the later reports of a common value are counted in.
const COMMON_SHARDS: i64 = 16;

/// A report as the index sees it: cheap to copy (its strings shared), since each match holds
/// the report matched.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = reports, check_for_backend(diesel::pg::Pg, diesel::sqlite::Sqlite))]
struct Indexed {
    #[diesel(deserialize_as = String)]
    id: Arc<str>,
    seq: i64,
    #[diesel(deserialize_as = String)]
    organization_id: Arc<str>,
    mode: CredentialMode,
}

impl Indexed {
    /// Whether this report may be matched with `other`: live reports with live reports of
    /// every organization; a test-mode report only with test-mode reports of its organization.
    fn reaches(&self, other: &Indexed) -> bool {
        other.mode == self.mode
            && (self.mode == CredentialMode::Live || other.organization_id == self.organization_id)
    }

    /// The shard of `correlation_common` this report is counted in.
    fn shard(&self) -> i32 {
        self.seq.rem_euclid(COMMON_SHARDS) as i32
    }
}

/// The report `id`.
fn indexed(conn: &mut DbConnection, id: &str) -> QueryResult<Indexed> {
    reports::table
        .find(id)
        .select(Indexed::as_select())
        .first(conn)
}

/// The reports `ids` (those that exist).
fn indexed_by_id(conn: &mut DbConnection, ids: &[&str]) -> QueryResult<Vec<Indexed>> {
    let mut found = Vec::new();
    for chunk in ids.chunks(ROWS_PER_STATEMENT) {
        found.extend(
            reports::table
                .filter(reports::id.eq_any(chunk))
                .select(Indexed::as_select())
                .load(conn)?,
        );
    }
    Ok(found)
}

/// The reports whose `seq` is among `seqs`, by `seq`: from a bulk writer's memory for those it
/// has read before ([`held::reports`]).
fn indexed_by_seq(
    conn: &mut DbConnection,
    seqs: &BTreeSet<i64>,
) -> QueryResult<HashMap<i64, Indexed>> {
    held::reports(conn, seqs, read_by_seq)
}

/// The reports whose `seq` is among `seqs`, by `seq`, read from the database.
fn read_by_seq(conn: &mut DbConnection, seqs: &[i64]) -> QueryResult<HashMap<i64, Indexed>> {
    let mut found = HashMap::new();
    for chunk in seqs.chunks(ROWS_PER_STATEMENT) {
        for report in reports::table
            .filter(reports::seq.eq_any(chunk))
            .select(Indexed::as_select())
            .load::<Indexed>(conn)?
        {
            found.insert(report.seq, report);
        }
    }
    Ok(found)
}

/// A place: what kind of value, and where it is in its report.
type Place = (IndicatorKind, String);

/// Which stored places to read.
enum PlacesBy<'a> {
    /// Those with these ids.
    Ids(&'a [i32]),
    /// Those at these pointers (of any kind).
    Pointers(&'a [&'a str]),
}

/// The stored places `by` picks, each with its id: one query per chunk.
fn stored_places(conn: &mut DbConnection, by: PlacesBy) -> QueryResult<Vec<(i32, Place)>> {
    let query = || {
        correlation_places::table
            .select((
                correlation_places::id,
                correlation_places::kind,
                correlation_places::pointer,
            ))
            .into_boxed::<MultiBackend>()
    };
    let queries: Vec<_> = match by {
        PlacesBy::Ids(ids) => ids
            .chunks(ROWS_PER_STATEMENT)
            .map(|chunk| query().filter(correlation_places::id.eq_any(chunk)))
            .collect(),
        PlacesBy::Pointers(pointers) => pointers
            .chunks(ROWS_PER_STATEMENT)
            .map(|chunk| query().filter(correlation_places::pointer.eq_any(chunk)))
            .collect(),
    };
    let mut found = Vec::new();
    for query in queries {
        found.extend(
            query
                .load::<(i32, IndicatorKind, String)>(conn)?
                .into_iter()
                .map(|(id, kind, pointer)| (id, (kind, pointer))),
        );
    }
    Ok(found)
}

/// The ids of the places `wanted`, made for those not stored yet (read first, so that the
/// identity of `correlation_places` is drawn only for new places).
fn place_ids(
    conn: &mut DbConnection,
    wanted: &BTreeSet<Place>,
) -> QueryResult<HashMap<Place, i32>> {
    let pointers: BTreeSet<&str> = wanted.iter().map(|(_, p)| p.as_str()).collect();
    let pointers: Vec<&str> = pointers.into_iter().collect();
    let read = |conn: &mut DbConnection| -> QueryResult<HashMap<Place, i32>> {
        Ok(stored_places(conn, PlacesBy::Pointers(&pointers))?
            .into_iter()
            .map(|(id, place)| (place, id))
            .collect())
    };
    if wanted.is_empty() {
        return Ok(HashMap::new());
    }
    let ids = read(conn)?;
    let missing: Vec<_> = wanted
        .iter()
        .filter(|place| !ids.contains_key(*place))
        .map(|(kind, pointer)| {
            (
                correlation_places::kind.eq(*kind),
                correlation_places::pointer.eq(pointer),
            )
        })
        .collect();
    if missing.is_empty() {
        return Ok(ids);
    }
    insert_rows!(
        conn,
        correlation_places::table,
        &missing,
        on_conflict_do_nothing
    )?;
    read(conn)
}

/// The places `ids`.
fn places(
    conn: &mut DbConnection,
    ids: impl IntoIterator<Item = i32>,
) -> QueryResult<HashMap<i32, Place>> {
    let ids: Vec<i32> = ids
        .into_iter()
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect();
    Ok(stored_places(conn, PlacesBy::Ids(&ids))?
        .into_iter()
        .collect())
}

/// Index rows of values, each with the report it points at.
type Holders = Vec<(KeyRow, Indexed)>;

/// Common values with how many reports hold each.
type CommonCounts = HashMap<Vec<u8>, i64>;

/// The indexed values of some reports, to be matched against the others.
struct Own {
    /// The reports, by `seq`.
    reports: HashMap<i64, Indexed>,
    /// Their exact values.
    keys: Vec<KeyRow>,
    /// Their PDQ hashes.
    pdqs: Vec<PdqRow>,
}

impl Own {
    /// What the index holds of `reports`: one query per table (per chunk of reports).
    fn stored(conn: &mut DbConnection, reports: Vec<Indexed>) -> QueryResult<Own> {
        let seqs: Vec<i64> = reports.iter().map(|r| r.seq).collect();
        Ok(Own {
            keys: keys::of_reports(conn, &seqs)?,
            pdqs: pdq::of_reports(conn, &seqs)?,
            reports: reports.into_iter().map(|r| (r.seq, r)).collect(),
        })
    }

    /// The distinct keys of its exact values.
    fn distinct_keys(&self) -> Vec<Vec<u8>> {
        let keys: BTreeSet<&Vec<u8>> = self.keys.iter().map(|k| &k.value_key).collect();
        keys.into_iter().cloned().collect()
    }

    /// Its values as to being common: each exact value's key and each PDQ hash (its 32 bytes,
    /// never the length of a key), with the report holding it and its place there.
    fn values(&self) -> impl Iterator<Item = (&Vec<u8>, &Indexed, i32)> {
        let keys = self
            .keys
            .iter()
            .map(|k| (&k.value_key, k.report_seq, k.place));
        let pdqs = self.pdqs.iter().map(|p| (&p.pdq, p.report_seq, p.place));
        keys.chain(pdqs)
            .map(|(value, seq, place)| (value, &self.reports[&seq], place))
    }

    /// Its distinct [`Own::values`].
    fn distinct_values(&self) -> Vec<Vec<u8>> {
        let values: BTreeSet<&Vec<u8>> = self.values().map(|(value, _, _)| value).collect();
        values.into_iter().cloned().collect()
    }
}

/// The index rows of `entries` of each report (`(report, entries)`), each value once a report,
/// built in memory (the places are stored as needed). Nothing is written yet: see [`write`].
fn rows(conn: &mut DbConnection, new: &[(&Indexed, Vec<&IndexEntry>)]) -> QueryResult<Own> {
    let wanted: BTreeSet<Place> = new
        .iter()
        .flat_map(|(_, entries)| entries.iter())
        .map(|entry| match entry {
            IndexEntry::Exact { kind, pointer, .. } => (*kind, pointer.clone()),
            IndexEntry::Pdq { pointer, .. } => (IndicatorKind::Pdq, pointer.clone()),
        })
        .collect();
    let place_ids = place_ids(conn, &wanted)?;
    let mut own = Own {
        reports: HashMap::new(),
        keys: Vec::new(),
        pdqs: Vec::new(),
    };
    let mut seen_keys = HashSet::new();
    let mut seen_pdqs = HashSet::new();
    for (report, entries) in new {
        own.reports.insert(report.seq, (*report).clone());
        for entry in entries {
            match entry {
                IndexEntry::Exact { kind, key, pointer } => {
                    if seen_keys.insert((report.seq, key.clone())) {
                        own.keys.push(KeyRow {
                            value_key: key.clone(),
                            report_seq: report.seq,
                            place: place_ids[&(*kind, pointer.clone())],
                        });
                    }
                }
                IndexEntry::Pdq { pdq, pointer } => {
                    if seen_pdqs.insert((report.seq, *pdq)) {
                        own.pdqs.push(PdqRow {
                            report_seq: report.seq,
                            pdq: pdq.to_bytes().to_vec(),
                            place: place_ids[&(IndicatorKind::Pdq, pointer.clone())],
                        });
                    }
                }
            }
        }
    }
    Ok(own)
}

/// Whose index rows [`write`] writes.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Writing {
    /// New reports': none stored yet, so plain inserts (a `COPY` in the bulk path, see
    /// [`crate::db::portable::bulk_transaction`]).
    NewReports,
    /// An amendment's: a row its report has already (a chunk of an earlier hash) is skipped.
    Amendment,
}

/// Inserts `$rows` into `$table` as [`Writing`] `$writing` asks.
macro_rules! insert_as {
    ($writing:expr, $conn:expr, $table:expr, $rows:expr) => {
        match $writing {
            Writing::NewReports => $crate::db::portable::insert_rows!($conn, $table, $rows),
            Writing::Amendment => {
                $crate::db::portable::insert_rows!($conn, $table, $rows, on_conflict_do_nothing)
            }
        }
    };
}
use insert_as;

/// Inserts `own`'s rows (made by [`rows`]): one multi-row insert per table.
fn write(conn: &mut DbConnection, own: &Own, writing: Writing) -> QueryResult<()> {
    keys::write(conn, &own.keys, writing)?;
    pdq::write(conn, &own.pdqs, writing)
}

/// `own`'s common values (exact ones and PDQ hashes), with their counts, and the keys of its
/// other exact values (those still matched report by report).
fn split_common(conn: &mut DbConnection, own: &Own) -> QueryResult<(CommonCounts, Vec<Vec<u8>>)> {
    let common = common_counts(conn, &own.distinct_values())?;
    let open = own
        .distinct_keys()
        .into_iter()
        .filter(|k| !common.contains_key(k))
        .collect();
    Ok((common, open))
}

/// The common values among `keys`, with how many reports hold each.
fn common_counts(conn: &mut DbConnection, keys: &[Vec<u8>]) -> QueryResult<CommonCounts> {
    let mut counts: HashMap<Vec<u8>, i64> = HashMap::new();
    for chunk in keys.chunks(ROWS_PER_STATEMENT) {
        for (key, count) in correlation_common::table
            .filter(correlation_common::value_key.eq_any(chunk))
            .select((correlation_common::value_key, correlation_common::count))
            .load::<(Vec<u8>, i32)>(conn)?
        {
            *counts.entry(key).or_default() += i64::from(count);
        }
    }
    Ok(counts)
}

/// Adds 1 to the count of each common value in `rows` per row, each in its report's shard: one
/// statement, its rows in key order (so that concurrent writers lock them in the same order).
fn count_common_rows(conn: &mut DbConnection, rows: &[(&Vec<u8>, &Indexed)]) -> QueryResult<()> {
    let mut added: BTreeMap<(Vec<u8>, i32), i32> = BTreeMap::new();
    for (value, report) in rows {
        *added.entry(((*value).clone(), report.shard())).or_default() += 1;
    }
    add_to_common_counts(conn, &added)
}

/// Adds each count of `added` (negative to take away) to its common value's count in its shard,
/// `(value key, shard)`: one statement, in key order.
fn add_to_common_counts(
    conn: &mut DbConnection,
    added: &BTreeMap<(Vec<u8>, i32), i32>,
) -> QueryResult<()> {
    let rows: Vec<_> = added
        .iter()
        .map(|((key, shard), count)| {
            (
                correlation_common::value_key.eq(key),
                correlation_common::shard.eq(*shard),
                correlation_common::count.eq(*count),
            )
        })
        .collect();
    add_rows!(conn, correlation_common, (value_key, shard), &rows)
}

/// Indexes `written` (about to be inserted, see [`write`]) as to common values: a row of a
/// common value adds to its count; a value now in more reports than `threshold` becomes common,
/// its count the reports seen now, `written`'s included (a concurrent writer that made it common
/// first is added to instead). The same for PDQ hashes, counted by the reports holding the very
/// same hash. Answers the matches of the values of `written` not common: with the stored rows,
/// read before `written`'s are inserted, and with each other, matched here.
fn count_common(conn: &mut DbConnection, written: &Own, threshold: u32) -> QueryResult<Vec<Found>> {
    let (common, open) = split_common(conn, written)?;
    let mut common: HashSet<Vec<u8>> = common.into_keys().collect();
    let mut holders = keys::holding(conn, &open)?;
    let open: HashSet<&Vec<u8>> = open.iter().collect();
    holders.extend(
        written
            .keys
            .iter()
            .filter(|row| open.contains(&row.value_key))
            .map(|row| (row.clone(), written.reports[&row.report_seq].clone())),
    );
    let mut held: BTreeMap<Vec<u8>, i64> = BTreeMap::new();
    for (row, _) in &holders {
        *held.entry(row.value_key.clone()).or_default() += 1;
    }
    let NearFound {
        found: near,
        held: held_pdqs,
    } = near_found(conn, written, &common, &written.pdqs)?;
    held.extend(held_pdqs);
    let threshold = i64::from(threshold);
    let mut lost = HashSet::new();
    // In key order, before any count is added to: concurrent writers wait on each other in one
    // order.
    for (value, count) in held.iter().filter(|(_, count)| **count > threshold) {
        let marked = diesel::insert_into(correlation_common::table)
            .values((
                correlation_common::value_key.eq(value),
                correlation_common::shard.eq(BASE_SHARD),
                correlation_common::count.eq(i32::try_from(*count).unwrap_or(i32::MAX)),
            ))
            .on_conflict_do_nothing();
        let inserted = crate::db::portable::per_backend!(conn, c => marked.execute(c))?;
        if inserted == 0 {
            lost.insert(value.clone());
        }
        common.insert(value.clone());
    }
    // A value made common here was counted with `written`'s rows.
    let counted: Vec<(&Vec<u8>, &Indexed)> = written
        .values()
        .filter(|(value, _, _)| {
            let became = held.contains_key(*value) && !lost.contains(*value);
            common.contains(*value) && !became
        })
        .map(|(value, report, _)| (value, report))
        .collect();
    count_common_rows(conn, &counted)?;
    held::forget_holders(&common);
    let mut found = exact_found(written, &holders);
    found.extend(near);
    found.retain(|f| !common.contains(&f.value));
    Ok(found)
}

/// An indicator one report shares with another.
struct Found {
    /// The report matched (its `seq`).
    own: i64,
    /// The value shared: an exact value's key, or the matched report's PDQ hash.
    value: Vec<u8>,
    /// The other report.
    other: Indexed,
    /// `None` for an exact match; the PDQ distance for a near one.
    distance: Option<u32>,
    /// Where the value is in each report.
    place: i32,
    other_place: i32,
}

impl Found {
    /// The match as analysts see it, with the `places` of both sides.
    fn to_match(&self, places: &HashMap<i32, Place>) -> Option<IndicatorMatch> {
        let (kind, pointer) = places.get(&self.place)?;
        let (_, other_pointer) = places.get(&self.other_place)?;
        Some(IndicatorMatch {
            kind: *kind,
            how: MatchKind::of(self.distance),
            distance: self.distance,
            pointer: pointer.clone(),
            other_pointer: other_pointer.clone(),
        })
    }
}

/// The exact matches of `own`'s values found among `holders` (each report's rows matched
/// within its scope).
fn exact_found(own: &Own, holders: &[(KeyRow, Indexed)]) -> Vec<Found> {
    let mut by_key: HashMap<&[u8], Vec<&(KeyRow, Indexed)>> = HashMap::new();
    for holder in holders {
        by_key
            .entry(holder.0.value_key.as_slice())
            .or_default()
            .push(holder);
    }
    own.keys
        .iter()
        .flat_map(|row| {
            let report = &own.reports[&row.report_seq];
            by_key
                .get(row.value_key.as_slice())
                .into_iter()
                .flatten()
                .filter(move |(other_row, other)| {
                    other_row.report_seq != row.report_seq && report.reaches(other)
                })
                .map(move |(other_row, other)| Found {
                    own: row.report_seq,
                    value: row.value_key.clone(),
                    other: other.clone(),
                    distance: None,
                    place: row.place,
                    other_place: other_row.place,
                })
        })
        .collect()
}

/// What the PDQ hashes of some reports were found near.
struct NearFound {
    /// The near matches (each report's within its scope).
    found: Vec<Found>,
    /// How many reports hold each hash looked for, the very same hash.
    held: BTreeMap<Vec<u8>, i64>,
}

/// The near matches of `own`'s PDQ hashes, those `common` aside, among the stored hashes and
/// `unstored`.
fn near_found(
    conn: &mut DbConnection,
    own: &Own,
    common: &HashSet<Vec<u8>>,
    unstored: &[PdqRow],
) -> QueryResult<NearFound> {
    let looked: Vec<(&PdqRow, Pdq)> = own
        .pdqs
        .iter()
        .filter(|p| !common.contains(&p.pdq))
        .filter_map(|p| Some((p, Pdq::from_bytes(&p.pdq)?)))
        .collect();
    let sources: Vec<Pdq> = looked.iter().map(|(_, pdq)| *pdq).collect();
    let near = near(conn, &sources, unstored)?;
    let mut holders: BTreeMap<Vec<u8>, BTreeSet<i64>> = BTreeMap::new();
    for one in near.iter().filter(|n| n.distance == 0) {
        holders
            .entry(looked[one.source].0.pdq.clone())
            .or_default()
            .insert(one.row.report_seq);
    }
    let seqs: BTreeSet<i64> = near.iter().map(|n| n.row.report_seq).collect();
    let others = indexed_by_seq(conn, &seqs)?;
    let found = near
        .into_iter()
        .filter_map(|near| {
            let source = looked[near.source].0;
            let report = &own.reports[&source.report_seq];
            let other = others.get(&near.row.report_seq)?;
            (other.seq != report.seq && report.reaches(other)).then(|| Found {
                own: source.report_seq,
                value: source.pdq.clone(),
                other: other.clone(),
                distance: Some(near.distance),
                place: source.place,
                other_place: near.row.place,
            })
        })
        .collect();
    let held = holders
        .into_iter()
        .map(|(pdq, reports)| (pdq, reports.len() as i64))
        .collect();
    Ok(NearFound { found, held })
}

/// Every indicator of `own` shared with another report in its scope, and its common values with
/// their counts: what is stored is read, values common are not expanded.
fn matched(conn: &mut DbConnection, own: &Own) -> QueryResult<(Vec<Found>, CommonCounts)> {
    let (common, open) = split_common(conn, own)?;
    let holders = keys::holding(conn, &open)?;
    let common_values: HashSet<Vec<u8>> = common.keys().cloned().collect();
    let mut found = exact_found(own, &holders);
    found.extend(near_found(conn, own, &common_values, &[])?.found);
    Ok((found, common))
}

/// How a new report correlates with the reports before it.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Correlation {
    /// Earlier reports sharing an indicator with it: the "matches N earlier reports" of its
    /// notification.
    pub matching_reports: usize,
    /// How many other organizations sent those.
    pub other_organizations: usize,
}

impl Correlation {
    /// The counts of the reports in `found` received before `report` (ids are time-ordered
    /// UUIDv7s), other than its organization's for the organizations.
    fn of_earlier<'a>(report: &Indexed, found: impl Iterator<Item = &'a Found>) -> Correlation {
        let earlier: Vec<&Indexed> = found
            .map(|f| &f.other)
            .filter(|other| other.id < report.id)
            .collect();
        let reports: HashSet<&str> = earlier.iter().map(|o| &*o.id).collect();
        let organizations: HashSet<&str> = earlier
            .iter()
            .map(|o| &*o.organization_id)
            .filter(|o| **o != *report.organization_id)
            .collect();
        Correlation {
            matching_reports: reports.len(),
            other_organizations: organizations.len(),
        }
    }
}

/// Indexes `entries` of reports, counts their common values and makes common those now in more
/// than `threshold` reports; answers the matches of the values not common. The stored rows are
/// looked up before the new ones are inserted, so the lookup never reads them back.
fn index_reports(
    conn: &mut DbConnection,
    new: &[(&Indexed, Vec<&IndexEntry>)],
    threshold: u32,
    writing: Writing,
) -> QueryResult<Vec<Found>> {
    let own = rows(conn, new)?;
    let found = count_common(conn, &own, threshold)?;
    write(conn, &own, writing)?;
    Ok(found)
}

/// Adds `entries` to the index of report `report_id` (an amendment's), inside the caller's
/// transaction, values in more than `threshold` reports being common. An entry already indexed
/// for the report is skipped, so an amendment may repeat values.
pub fn index(
    conn: &mut DbConnection,
    report_id: &str,
    entries: &[IndexEntry],
    threshold: u32,
) -> QueryResult<()> {
    let report = indexed(conn, report_id)?;
    let stored = Own::stored(conn, vec![report.clone()])?;
    let keys: HashSet<&[u8]> = stored.keys.iter().map(|k| k.value_key.as_slice()).collect();
    let pdqs: HashSet<&[u8]> = stored.pdqs.iter().map(|p| p.pdq.as_slice()).collect();
    let fresh: Vec<&IndexEntry> = entries
        .iter()
        .filter(|entry| match entry {
            IndexEntry::Exact { key, .. } => !keys.contains(key.as_slice()),
            IndexEntry::Pdq { pdq, .. } => !pdqs.contains(pdq.to_bytes().as_slice()),
        })
        .collect();
    index_reports(conn, &[(&report, fresh)], threshold, Writing::Amendment).map(drop)
}

/// Indexes the `entries` of new reports (id, `seq`), all of `organization_id` in `mode` (one
/// multi-row insert per table, one lookup of matches for all), and records for each that
/// matches earlier reports the counts its notification and its timeline's `correlation` event
/// tell (`correlation_counts`, never a value). Values in more than `threshold` reports are
/// common: counted, not matched.
pub fn index_new_reports(
    conn: &mut DbConnection,
    organization_id: &str,
    mode: CredentialMode,
    new: &[(&str, i64, &[IndexEntry])],
    threshold: u32,
) -> QueryResult<()> {
    let organization_id: Arc<str> = organization_id.into();
    let reports: Vec<Indexed> = new
        .iter()
        .map(|(id, seq, _)| Indexed {
            id: (*id).into(),
            seq: *seq,
            organization_id: organization_id.clone(),
            mode,
        })
        .collect();
    let entries: Vec<(&Indexed, Vec<&IndexEntry>)> = reports
        .iter()
        .zip(new)
        .map(|(report, (_, _, entries))| (report, entries.iter().collect()))
        .collect();
    let found = index_reports(conn, &entries, threshold, Writing::NewReports)?;
    let mut by_report: HashMap<i64, Vec<&Found>> = HashMap::new();
    for one in &found {
        by_report.entry(one.own).or_default().push(one);
    }
    let mut counts = Vec::new();
    for (report, _) in &entries {
        let found = by_report.get(&report.seq).map_or(&[][..], |f| f);
        let correlation = Correlation::of_earlier(report, found.iter().copied());
        if correlation.matching_reports > 0 {
            counts.push((
                correlation_counts::report_seq.eq(report.seq),
                correlation_counts::matching_reports.eq(count(correlation.matching_reports)),
                correlation_counts::other_organizations.eq(count(correlation.other_organizations)),
            ));
        }
    }
    insert_rows!(conn, correlation_counts::table, &counts).map(drop)
}

/// A count as stored.
fn count(n: usize) -> i32 {
    i32::try_from(n).unwrap_or(i32::MAX)
}

/// How each of the reports `ids` correlated with the reports received before it, as counted
/// when it was stored (for their notifications): one read of `correlation_counts`, no matching.
/// A report without a row matched none.
pub fn earlier_matches(
    conn: &mut DbConnection,
    ids: &[&str],
) -> QueryResult<HashMap<String, Correlation>> {
    let mut found = HashMap::new();
    for chunk in ids.chunks(ROWS_PER_STATEMENT) {
        for (id, matching, others) in correlation_counts::table
            .inner_join(reports::table.on(reports::seq.eq(correlation_counts::report_seq)))
            .filter(reports::id.eq_any(chunk))
            .select((
                reports::id,
                correlation_counts::matching_reports,
                correlation_counts::other_organizations,
            ))
            .load::<(String, i32, i32)>(conn)?
        {
            let correlation = Correlation {
                matching_reports: usize::try_from(matching).unwrap_or_default(),
                other_organizations: usize::try_from(others).unwrap_or_default(),
            };
            found.insert(id, correlation);
        }
    }
    Ok(found)
}

/// Deletes the index rows of the reports `ids` (before the reports themselves), and takes them
/// off the counts of common values.
pub fn forget(conn: &mut DbConnection, ids: &[&str]) -> QueryResult<()> {
    let reports = indexed_by_id(conn, ids)?;
    if reports.is_empty() {
        return Ok(());
    }
    let own = Own::stored(conn, reports)?;
    let (common, _) = split_common(conn, &own)?;
    let mut taken: BTreeMap<(Vec<u8>, i32), i32> = BTreeMap::new();
    for (value, report, _) in own.values().filter(|(v, _, _)| common.contains_key(*v)) {
        *taken.entry((value.clone(), report.shard())).or_default() -= 1;
    }
    add_to_common_counts(conn, &taken)?;
    let seqs: Vec<i64> = own.reports.keys().copied().collect();
    for seqs in seqs.chunks(ROWS_PER_STATEMENT) {
        keys::forget(conn, seqs)?;
        pdq::forget(conn, seqs, &own.pdqs)?;
        diesel::delete(
            correlation_counts::table.filter(correlation_counts::report_seq.eq_any(seqs)),
        )
        .execute(conn)?;
    }
    Ok(())
}

/// Which of the hashes looked for probe each chunk key: a candidate is compared only with the
/// sources that probed one of its chunks (a hash within [`Pdq::NEAR`] shares one within a bit),
/// so a bulk chunk's thousands of hashes are not each compared with every candidate of the
/// others. One sorted list of `(key, source)` rather than a map of lists: a bulk chunk probes
/// some 170 000 keys, and a list each cost more in allocations than the lookups themselves.
struct Probing(Vec<(i32, usize)>);

impl Probing {
    fn of(sources: &[Pdq]) -> Probing {
        let mut probing: Vec<(i32, usize)> = sources
            .iter()
            .enumerate()
            .flat_map(|(source, pdq)| pdq.probe_keys().into_iter().map(move |key| (key, source)))
            .collect();
        probing.sort_unstable();
        probing.dedup();
        Probing(probing)
    }

    /// The keys probed, each once, in order.
    fn keys(&self) -> Vec<i32> {
        let mut keys: Vec<i32> = self.0.iter().map(|(key, _)| *key).collect();
        keys.dedup();
        keys
    }

    /// The sources that probe `key`.
    fn sources(&self, key: i32) -> impl Iterator<Item = usize> + '_ {
        let start = self.0.partition_point(|(probed, _)| *probed < key);
        self.0[start..]
            .iter()
            .take_while(move |(probed, _)| *probed == key)
            .map(|(_, source)| *source)
    }
}

/// An indexed PDQ hash near one of the hashes looked for.
struct Near {
    /// Which of the hashes looked for.
    source: usize,
    row: PdqRow,
    distance: u32,
}

/// The PDQ hashes within [`Pdq::NEAR`] of any of `sources`, among those indexed and `unstored`
/// (rows not inserted yet): the stored ones from the hashes a bulk writer holds in memory
/// ([`held`]), or else read by their chunk keys ([`pdq::holding`]: the candidates, with a chunk
/// among the probes of a source's chunk); those of `unstored` are picked alike in memory, and
/// only the candidates near enough kept.
fn near(conn: &mut DbConnection, sources: &[Pdq], unstored: &[PdqRow]) -> QueryResult<Vec<Near>> {
    let probing = Probing::of(sources);
    let mut found = match held::near(conn, sources)? {
        Some(found) => found,
        None => compared(sources, &probing, &pdq::holding(conn, &probing.keys())?),
    };
    found.extend(compared(sources, &probing, unstored));
    Ok(found)
}

/// The `candidates` within [`Pdq::NEAR`] of the sources that probed one of their chunks.
fn compared(sources: &[Pdq], probing: &Probing, candidates: &[PdqRow]) -> Vec<Near> {
    let mut found = Vec::new();
    for row in candidates {
        let Some(candidate) = Pdq::from_bytes(&row.pdq) else {
            continue;
        };
        let compared: BTreeSet<usize> = candidate
            .chunk_keys()
            .iter()
            .flat_map(|key| probing.sources(*key))
            .collect();
        for source in compared {
            let distance = sources[source].distance(&candidate);
            if distance <= Pdq::NEAR {
                found.push(Near {
                    source,
                    row: row.clone(),
                    distance,
                });
            }
        }
    }
    found
}

/// The reports sharing indicators with report `id` (404 when there is no such report): the
/// strongest `limit` of them with what they share, how many there are, and the report's common
/// values with their counts.
pub fn related(
    conn: &mut DbConnection,
    id: &str,
    limit: usize,
) -> Result<RelatedReports, ApiError> {
    let report = indexed(conn, id)?;
    let own = Own::stored(conn, vec![report])?;
    let (found, common) = matched(conn, &own)?;
    let common_rows: Vec<(&Vec<u8>, i32)> = own
        .values()
        .filter(|(value, _, _)| common.contains_key(*value))
        .map(|(value, _, place)| (value, place))
        .collect();
    let places = places(
        conn,
        found
            .iter()
            .flat_map(|f| [f.place, f.other_place])
            .chain(common_rows.iter().map(|(_, place)| *place)),
    )?;
    let mut by_report: HashMap<String, Vec<IndicatorMatch>> = HashMap::new();
    for one in &found {
        if let Some(matched) = one.to_match(&places) {
            by_report
                .entry(one.other.id.to_string())
                .or_default()
                .push(matched);
        }
    }
    let mut related: Vec<_> = by_report.into_iter().collect();
    strongest_first(&mut related);
    let total = related.len();
    related.truncate(limit);
    let ids: Vec<String> = related.iter().map(|(id, _)| id.clone()).collect();
    let mut lines = by_id(summaries(conn, &ids)?);
    let items = related
        .into_iter()
        .filter_map(|(id, matches)| {
            lines
                .remove(&id)
                .map(|report| RelatedReport { report, matches })
        })
        .collect();
    let mut common: Vec<CommonValue> = common_rows
        .into_iter()
        .filter_map(|(value, place)| {
            let (kind, pointer) = places.get(&place)?;
            Some(CommonValue {
                kind: *kind,
                pointer: pointer.clone(),
                reports: usize::try_from(common[value]).unwrap_or_default(),
            })
        })
        .collect();
    common.sort_by(|a, b| a.pointer.cmp(&b.pointer).then(a.kind.cmp(&b.kind)));
    Ok(RelatedReports {
        items,
        total,
        common,
    })
}

fn by_id(summaries: Vec<ReviewSummary>) -> HashMap<String, ReviewSummary> {
    summaries.into_iter().map(|s| (s.id.clone(), s)).collect()
}

/// How many other reports share indicators with report `id`, per kind (common values not
/// expanded, so not counted).
pub fn counts(conn: &mut DbConnection, id: &str) -> Result<RelatedCounts, ApiError> {
    let report = indexed(conn, id)?;
    let own = Own::stored(conn, vec![report])?;
    let (found, _) = matched(conn, &own)?;
    let kinds = places(conn, found.iter().map(|f| f.place))?;
    Ok(RelatedCounts::of(found.iter().filter_map(|f| {
        Some((&*f.other.id, kinds.get(&f.place)?.0))
    })))
}

/// For each live report of `page` (a page of the review list), how many other organizations
/// reported an indicator it shares (common values aside): the index rows of the whole page and
/// of the values they hold read at once, whatever its size. Test-mode reports are matched only
/// within their organization, so they have none.
pub fn other_organizations(
    conn: &mut DbConnection,
    page: &[ReviewSummary],
) -> Result<HashMap<String, usize>, ApiError> {
    let live: Vec<&str> = page
        .iter()
        .filter(|r| r.mode == CredentialMode::Live)
        .map(|r| r.id.as_str())
        .collect();
    if live.is_empty() {
        return Ok(HashMap::new());
    }
    let reports = indexed_by_id(conn, &live)?;
    let own = Own::stored(conn, reports)?;
    let (found, _) = matched(conn, &own)?;
    let mut pairs: HashSet<(&str, &str)> = HashSet::new();
    for one in &found {
        let report = &own.reports[&one.own];
        if one.other.organization_id != report.organization_id {
            pairs.insert((&report.id, &one.other.organization_id));
        }
    }
    let mut counts = HashMap::new();
    for (report_id, _) in pairs {
        *counts.entry(report_id.to_owned()).or_default() += 1;
    }
    Ok(counts)
}

/// The review list's condition "shares an indicator with report `id`" (in that report's
/// scope, common values aside); no report meets it when there is no such report. The exact
/// matches stay a subquery over the report's values, so no list of ids is bound for them.
pub fn related_to(
    conn: &mut DbConnection,
    id: &str,
) -> Result<Box<dyn BoxableExpression<reports::table, MultiBackend, SqlType = Bool>>, ApiError> {
    let Some(report) = indexed(conn, id).optional()? else {
        return Ok(Box::new(reports::id.eq_any(Vec::<String>::new())));
    };
    let own = Own::stored(conn, vec![report.clone()])?;
    let (common, open) = split_common(conn, &own)?;
    let exact = keys::holding_any(conn, open);
    let common: HashSet<Vec<u8>> = common.into_keys().collect();
    let near: Vec<i64> = near_found(conn, &own, &common, &[])?
        .found
        .into_iter()
        .map(|found| found.other.seq)
        .collect();
    let in_scope = reports::mode.eq(report.mode).and(
        reports::mode
            .eq(CredentialMode::Live)
            .or(reports::organization_id.eq(report.organization_id.to_string())),
    );
    Ok(Box::new(
        reports::id
            .ne(id.to_owned())
            .and(in_scope)
            .and(exact.or(reports::seq.eq_any(near))),
    ))
}

/// The reports of `mode` in which a searched value appears, newest first: by its keys (each
/// read newest first from the index, as far as the page goes, common values too), or for a PDQ
/// hash every report with a hash within [`Pdq::NEAR`].
pub fn search(
    conn: &mut DbConnection,
    lookup: &Lookup,
    mode: CredentialMode,
    page: &Page,
) -> Result<Paginated<IndicatorHit>, ApiError> {
    let wanted = page.limit + 1;
    // (report id, distance for a near match, place), newest first, at most one page and one.
    let hits: Vec<(String, Option<u32>, i32)> = match lookup {
        Lookup::Exact(keys) => {
            let before: Option<i64> = match &page.after {
                Some(after) => Some(
                    match reports::table
                        .find(after)
                        .select(reports::seq)
                        .first::<i64>(conn)
                        .optional()?
                    {
                        Some(seq) => seq,
                        // Purged since the last page: go on below the newest report before it.
                        None => reports::table
                            .filter(reports::id.lt(after))
                            .order(reports::id.desc())
                            .select(reports::seq)
                            .first::<i64>(conn)
                            .optional()?
                            .map_or(i64::MIN, |seq| seq + 1),
                    },
                ),
                None => None,
            };
            let mut newest: BTreeMap<std::cmp::Reverse<i64>, (String, i32)> = BTreeMap::new();
            for key in keys {
                for (seq, id, place) in keys::newest_holding(conn, key, mode, before, wanted)? {
                    newest.entry(std::cmp::Reverse(seq)).or_insert((id, place));
                }
            }
            newest
                .into_values()
                .take(wanted as usize)
                .map(|(id, place)| (id, None, place))
                .collect()
        }
        Lookup::Near(pdq) => {
            let near = near(conn, &[*pdq], &[])?;
            let seqs: BTreeSet<i64> = near.iter().map(|n| n.row.report_seq).collect();
            let reports = indexed_by_seq(conn, &seqs)?;
            let mut nearest: BTreeMap<String, (u32, i32)> = BTreeMap::new();
            for near in near {
                let Some(report) = reports.get(&near.row.report_seq) else {
                    continue;
                };
                if report.mode != mode {
                    continue;
                }
                let best = nearest
                    .entry(report.id.to_string())
                    .or_insert((near.distance, near.row.place));
                if near.distance < best.0 {
                    *best = (near.distance, near.row.place);
                }
            }
            nearest
                .into_iter()
                .rev()
                .filter(|(id, _)| page.after.as_ref().is_none_or(|after| id < after))
                .take(wanted as usize)
                .map(|(id, (distance, place))| (id, Some(distance), place))
                .collect()
        }
    };
    let places = places(conn, hits.iter().map(|(_, _, place)| *place))?;
    let ids: Vec<String> = hits.iter().map(|(id, _, _)| id.clone()).collect();
    let mut lines = by_id(summaries(conn, &ids)?);
    let items = hits
        .into_iter()
        .filter_map(|(id, distance, place)| {
            lines.remove(&id).map(|report| IndicatorHit {
                report,
                how: MatchKind::of(distance),
                distance,
                pointer: places
                    .get(&place)
                    .map(|(_, pointer)| pointer.clone())
                    .unwrap_or_default(),
            })
        })
        .collect();
    Ok(Paginated::from_overfetch(items, page, |hit| &hit.report.id))
}
