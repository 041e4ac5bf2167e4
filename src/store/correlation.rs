//! The correlation index: each report's indicators, written in the transaction that stores the
//! report (or an amendment), and read for the related reports, the indicator search, the counts
//! of the review detail and the review list.
//!
//! Exact values are looked up by their keyed hash (`indicator_index`, primary key first on the
//! hash); PDQ hashes through their 16 indexed chunks (`pdq_index`, see
//! [`Pdq`](crate::domain::indicators::Pdq)), each candidate verified by its full distance before
//! its rows are read.

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};

use diesel::prelude::*;
use diesel::sql_types::{Bool, Text};

use super::summaries::summaries;
use super::timeline::NewEvent;
use crate::db::portable::{ROWS_PER_STATEMENT, insert_rows};
use crate::db::schema::{indicator_index, pdq_index, report_events, reports};
use crate::db::{DbConnection, MultiBackend};
use crate::domain::correlation::{IndicatorMatch, MatchKind, RelatedCounts, strongest_first};
use crate::domain::indicators::{IndexEntry, IndicatorKind, Lookup, Pdq};
use crate::domain::organization::CredentialMode;
use crate::domain::pagination::{Page, Paginated};
use crate::domain::user::Actor;
use crate::error::ApiError;
use crate::read_model::correlation::{IndicatorHit, RelatedReport, RelatedReports};
use crate::read_model::review::ReviewSummary;

/// The reports a report may be matched with: live reports of every organization; for a
/// test-mode report, only the test-mode reports of its own organization.
struct Scope {
    mode: String,
    organization_id: Option<String>,
}

impl Scope {
    /// The scope of a report of `organization_id` in `mode`.
    fn of(organization_id: &str, mode: &str) -> Scope {
        Scope {
            mode: mode.to_owned(),
            organization_id: (mode != CredentialMode::Live.as_ref())
                .then(|| organization_id.to_owned()),
        }
    }

    /// Every report of `mode`, whichever organization sent it (an analyst's search).
    fn all(mode: CredentialMode) -> Scope {
        Scope {
            mode: mode.as_ref().to_owned(),
            organization_id: None,
        }
    }
}

/// A report's organization and mode.
fn owner(conn: &mut DbConnection, report_id: &str) -> QueryResult<(String, String)> {
    reports::table
        .find(report_id)
        .select((reports::organization_id, reports::mode))
        .first(conn)
}

/// Adds `entries` to the index of report `report_id`, inside the caller's transaction. An entry
/// already indexed for the report is skipped, so an amendment may repeat values.
pub fn index(conn: &mut DbConnection, report_id: &str, entries: &[IndexEntry]) -> QueryResult<()> {
    let (organization_id, mode) = owner(conn, report_id)?;
    insert_entries(conn, &organization_id, &mode, &[(report_id, entries)])
}

/// Adds the entries of reports of one organization in `mode`: one multi-row insert per index.
fn insert_entries(
    conn: &mut DbConnection,
    organization_id: &str,
    mode: &str,
    reports: &[(&str, &[IndexEntry])],
) -> QueryResult<()> {
    let mut exact = Vec::new();
    let mut near = Vec::new();
    for (report_id, entries) in reports {
        for entry in *entries {
            match entry {
                IndexEntry::Exact {
                    kind,
                    hash,
                    pointer,
                } => exact.push((
                    indicator_index::value_hash.eq(hash),
                    indicator_index::report_id.eq(*report_id),
                    indicator_index::kind.eq(*kind),
                    indicator_index::organization_id.eq(organization_id),
                    indicator_index::mode.eq(mode),
                    indicator_index::pointer.eq(pointer),
                )),
                IndexEntry::Pdq { pdq, pointer } => {
                    let c = pdq.chunks();
                    near.push((
                        (
                            pdq_index::report_id.eq(*report_id),
                            pdq_index::pdq.eq(pdq.hex()),
                            pdq_index::organization_id.eq(organization_id),
                            pdq_index::mode.eq(mode),
                            pdq_index::pointer.eq(pointer),
                        ),
                        (
                            pdq_index::c0.eq(c[0]),
                            pdq_index::c1.eq(c[1]),
                            pdq_index::c2.eq(c[2]),
                            pdq_index::c3.eq(c[3]),
                            pdq_index::c4.eq(c[4]),
                            pdq_index::c5.eq(c[5]),
                            pdq_index::c6.eq(c[6]),
                            pdq_index::c7.eq(c[7]),
                            pdq_index::c8.eq(c[8]),
                            pdq_index::c9.eq(c[9]),
                            pdq_index::c10.eq(c[10]),
                            pdq_index::c11.eq(c[11]),
                            pdq_index::c12.eq(c[12]),
                            pdq_index::c13.eq(c[13]),
                            pdq_index::c14.eq(c[14]),
                            pdq_index::c15.eq(c[15]),
                        ),
                    ));
                }
            }
        }
    }
    insert_rows!(conn, indicator_index::table, &exact, on_conflict_do_nothing)?;
    insert_rows!(conn, pdq_index::table, &near, on_conflict_do_nothing)?;
    Ok(())
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
    /// The counts of the reports in `found` received before report `id` (ids are time-ordered
    /// UUIDv7s), other than `organization_id`'s for the organizations.
    fn of_earlier(id: &str, organization_id: &str, found: &[Found]) -> Correlation {
        let earlier = || found.iter().filter(|f| f.other.as_str() < id);
        let reports: HashSet<&str> = earlier().map(|f| f.other.as_str()).collect();
        let organizations: HashSet<&str> = earlier()
            .map(|f| f.other_organization.as_str())
            .filter(|o| *o != organization_id)
            .collect();
        Correlation {
            matching_reports: reports.len(),
            other_organizations: organizations.len(),
        }
    }
}

/// Indexes the `entries` of new reports, all of `organization_id` in `mode` (one multi-row
/// insert per index, one lookup of matches for all), and records a `correlation` event on the
/// timeline of each that shares indicators with earlier reports of other organizations, with the
/// counts (never a value).
pub fn index_new_reports(
    conn: &mut DbConnection,
    organization_id: &str,
    mode: CredentialMode,
    actor: &Actor,
    reports: &[(&str, &[IndexEntry])],
) -> QueryResult<()> {
    insert_entries(conn, organization_id, mode.as_ref(), reports)?;
    let ids: Vec<&str> = reports.iter().map(|(id, _)| *id).collect();
    // The new reports' own entries are those just written: matched from here, not read back.
    let found = matches_among(
        conn,
        Own::of(reports),
        &Scope::of(organization_id, mode.as_ref()),
    )?;
    let events: Vec<_> = ids
        .iter()
        .filter_map(|id| {
            let correlation =
                Correlation::of_earlier(id, organization_id, found.get(*id).map_or(&[], |f| f));
            (correlation.other_organizations > 0).then(|| {
                NewEvent {
                    kind: "correlation",
                    from: None,
                    to: None,
                    detail: Some(serde_json::json!({
                        "matching_reports": correlation.matching_reports,
                        "other_organizations": correlation.other_organizations,
                    })),
                }
                .row(id, actor)
            })
        })
        .collect();
    insert_rows!(conn, report_events::table, &events).map(drop)
}

/// How each of the live reports `ids` correlates with the live reports received before it, for
/// their notifications.
pub fn earlier_matches(
    conn: &mut DbConnection,
    ids: &[&str],
) -> QueryResult<HashMap<String, Correlation>> {
    let owners: HashMap<String, String> = reports::table
        .filter(reports::id.eq_any(ids))
        .select((reports::id, reports::organization_id))
        .load(conn)?
        .into_iter()
        .collect();
    let found = matches_of(conn, ids, &Scope::all(CredentialMode::Live))?;
    Ok(owners
        .into_iter()
        .map(|(id, organization_id)| {
            let found = found.get(&id).map_or(&[][..], |f| f);
            let correlation = Correlation::of_earlier(&id, &organization_id, found);
            (id, correlation)
        })
        .collect())
}

/// An indicator one report shares with another.
struct Found {
    other: String,
    other_organization: String,
    kind: IndicatorKind,
    /// `None` for an exact match; the PDQ distance for a near one.
    distance: Option<u32>,
    pointer: String,
    other_pointer: String,
}

impl Found {
    fn to_match(&self) -> IndicatorMatch {
        IndicatorMatch {
            kind: self.kind,
            how: MatchKind::of(self.distance),
            distance: self.distance,
            pointer: self.pointer.clone(),
            other_pointer: self.other_pointer.clone(),
        }
    }
}

/// Every indicator report `report_id` shares with another report in `scope`.
fn matches(conn: &mut DbConnection, report_id: &str, scope: &Scope) -> QueryResult<Vec<Found>> {
    Ok(matches_of(conn, &[report_id], scope)?
        .remove(report_id)
        .unwrap_or_default())
}

/// Every indicator each of `report_ids` shares with another report in `scope`, by report: two
/// queries (exact values, PDQ hashes) whatever the number of reports.
fn matches_of(
    conn: &mut DbConnection,
    report_ids: &[&str],
    scope: &Scope,
) -> QueryResult<HashMap<String, Vec<Found>>> {
    let own = Own::stored(conn, report_ids)?;
    matches_among(conn, own, scope)
}

/// Every indicator of `own` shared with another report in `scope`, by report.
fn matches_among(
    conn: &mut DbConnection,
    own: Own,
    scope: &Scope,
) -> QueryResult<HashMap<String, Vec<Found>>> {
    let mut found: HashMap<String, Vec<Found>> = HashMap::new();
    for (report_id, one) in exact_matches(conn, own.exact, scope)?
        .into_iter()
        .chain(near_matches(conn, own.near, scope)?)
    {
        found.entry(report_id).or_default().push(one);
    }
    Ok(found)
}

/// An exact value of one of the reports being matched, as indexed.
#[derive(Queryable, Selectable)]
#[diesel(table_name = indicator_index, check_for_backend(diesel::pg::Pg, diesel::sqlite::Sqlite))]
struct ExactEntry {
    value_hash: String,
    report_id: String,
    kind: IndicatorKind,
    pointer: String,
}

/// An exact value of another report, found by its hash.
#[derive(Queryable, Selectable)]
#[diesel(table_name = indicator_index, check_for_backend(diesel::pg::Pg, diesel::sqlite::Sqlite))]
struct SharingEntry {
    value_hash: String,
    report_id: String,
    organization_id: String,
    pointer: String,
}

/// The indexed indicators of some reports, to be matched against the others.
struct Own {
    /// Exact values.
    exact: Vec<ExactEntry>,
    /// PDQ hashes: (report id, hash, pointer).
    near: Vec<(String, Pdq, String)>,
}

impl Own {
    /// The entries of `reports`, as the index keeps them.
    fn of(reports: &[(&str, &[IndexEntry])]) -> Own {
        let mut own = Own {
            exact: Vec::new(),
            near: Vec::new(),
        };
        for (report_id, entries) in reports {
            for entry in *entries {
                match entry {
                    IndexEntry::Exact {
                        kind,
                        hash,
                        pointer,
                    } => own.exact.push(ExactEntry {
                        value_hash: hash.clone(),
                        report_id: (*report_id).to_owned(),
                        kind: *kind,
                        pointer: pointer.clone(),
                    }),
                    IndexEntry::Pdq { pdq, pointer } => {
                        own.near
                            .push(((*report_id).to_owned(), *pdq, pointer.clone()))
                    }
                }
            }
        }
        own
    }

    /// The indexed entries of reports `report_ids`: one query per index.
    fn stored(conn: &mut DbConnection, report_ids: &[&str]) -> QueryResult<Own> {
        let exact = indicator_index::table
            .filter(indicator_index::report_id.eq_any(report_ids))
            .select(ExactEntry::as_select())
            .load(conn)?;
        let near = Self::stored_near(conn, report_ids)?;
        Ok(Own { exact, near })
    }

    /// The indexed PDQ hashes of reports `report_ids`.
    fn stored_near(
        conn: &mut DbConnection,
        report_ids: &[&str],
    ) -> QueryResult<Vec<(String, Pdq, String)>> {
        Ok(pdq_index::table
            .filter(pdq_index::report_id.eq_any(report_ids))
            .select((pdq_index::report_id, pdq_index::pdq, pdq_index::pointer))
            .load::<(String, String, String)>(conn)?
            .into_iter()
            .filter_map(|(report_id, pdq, pointer)| Some((report_id, Pdq::parse(&pdq)?, pointer)))
            .collect())
    }
}

/// Every indicator of report `id` (404 when there is none) shared with another report.
fn find(conn: &mut DbConnection, id: &str) -> Result<Vec<Found>, ApiError> {
    let (organization_id, mode) = owner(conn, id)?;
    Ok(matches(conn, id, &Scope::of(&organization_id, &mode))?)
}

/// The exact values of `own` shared with other reports in `scope`, with the report sharing it.
/// A lookup by index of every entry with one of their hashes, joined here with `own`: a self-join in SQL lets PostgreSQL's generic plan for a prepared
/// statement scan the whole index to hash it, once per submission.
fn exact_matches(
    conn: &mut DbConnection,
    own: Vec<ExactEntry>,
    scope: &Scope,
) -> QueryResult<Vec<(String, Found)>> {
    if own.is_empty() {
        return Ok(Vec::new());
    }
    let hashes: Vec<&str> = own.iter().map(|entry| entry.value_hash.as_str()).collect();
    let mut sharing: HashMap<String, Vec<SharingEntry>> = HashMap::new();
    // In chunks: SQLite binds at most 32 766 values a statement.
    for chunk in hashes.chunks(ROWS_PER_STATEMENT) {
        let mut query = indicator_index::table
            .filter(indicator_index::value_hash.eq_any(chunk))
            .filter(indicator_index::mode.eq(scope.mode.clone()))
            .select(SharingEntry::as_select())
            .into_boxed::<MultiBackend>();
        if let Some(organization_id) = &scope.organization_id {
            query = query.filter(indicator_index::organization_id.eq(organization_id.clone()));
        }
        for entry in query.load::<SharingEntry>(conn)? {
            sharing
                .entry(entry.value_hash.clone())
                .or_default()
                .push(entry);
        }
    }
    Ok(own
        .into_iter()
        .flat_map(|own| {
            sharing
                .get(&own.value_hash)
                .into_iter()
                .flatten()
                .filter(|other| other.report_id != own.report_id)
                .map(|other| {
                    (
                        own.report_id.clone(),
                        Found {
                            other: other.report_id.clone(),
                            other_organization: other.organization_id.clone(),
                            kind: own.kind,
                            distance: None,
                            pointer: own.pointer.clone(),
                            other_pointer: other.pointer.clone(),
                        },
                    )
                })
                .collect::<Vec<_>>()
        })
        .collect())
}

/// The PDQ hashes of other reports in `scope` within [`Pdq::NEAR`] of one of the hashes of
/// `own`, with the report it is near.
fn near_matches(
    conn: &mut DbConnection,
    own: Vec<(String, Pdq, String)>,
    scope: &Scope,
) -> QueryResult<Vec<(String, Found)>> {
    let sources: Vec<Pdq> = own.iter().map(|(_, pdq, _)| *pdq).collect();
    Ok(near(conn, &sources, scope)?
        .into_iter()
        .filter_map(|near| {
            let (report_id, _, pointer) = &own[near.source];
            (near.row.report_id != *report_id).then(|| {
                (
                    report_id.clone(),
                    Found {
                        other: near.row.report_id,
                        other_organization: near.row.organization_id,
                        kind: IndicatorKind::Pdq,
                        distance: Some(near.distance),
                        pointer: pointer.clone(),
                        other_pointer: near.row.pointer,
                    },
                )
            })
        })
        .collect())
}

/// A PDQ hash of the index.
struct PdqRow {
    report_id: String,
    organization_id: String,
    pointer: String,
}

/// An indexed PDQ hash near one of the hashes looked for.
struct Near {
    /// Which of the hashes looked for.
    source: usize,
    row: PdqRow,
    distance: u32,
}

/// The indexed PDQ hashes in `scope` within [`Pdq::NEAR`] of any of `sources`: the candidates
/// (hashes with a chunk among the probes of a source's chunk) are read from the chunk indexes,
/// verified by their full distance, and only the near ones are read from the table.
fn near(conn: &mut DbConnection, sources: &[Pdq], scope: &Scope) -> QueryResult<Vec<Near>> {
    if sources.is_empty() {
        return Ok(Vec::new());
    }
    // hex → (which source, distance) for every candidate near enough.
    let mut close: HashMap<String, Vec<(usize, u32)>> = HashMap::new();
    for hex in candidates(conn, sources)? {
        let Some(candidate) = Pdq::parse(&hex) else {
            continue;
        };
        for (source, wanted) in sources.iter().enumerate() {
            let distance = wanted.distance(&candidate);
            if distance <= Pdq::NEAR {
                close
                    .entry(hex.clone())
                    .or_default()
                    .push((source, distance));
            }
        }
    }
    if close.is_empty() {
        return Ok(Vec::new());
    }
    let mut query = pdq_index::table
        .filter(pdq_index::pdq.eq_any(close.keys().cloned().collect::<Vec<_>>()))
        .filter(pdq_index::mode.eq(scope.mode.clone()))
        .select((
            pdq_index::report_id,
            pdq_index::organization_id,
            pdq_index::pdq,
            pdq_index::pointer,
        ))
        .into_boxed::<MultiBackend>();
    if let Some(organization_id) = &scope.organization_id {
        query = query.filter(pdq_index::organization_id.eq(organization_id.clone()));
    }
    let mut found = Vec::new();
    for (report_id, organization_id, pdq, pointer) in
        query.load::<(String, String, String, String)>(conn)?
    {
        for &(source, distance) in close.get(&pdq).into_iter().flatten() {
            found.push(Near {
                source,
                row: PdqRow {
                    report_id: report_id.clone(),
                    organization_id: organization_id.clone(),
                    pointer: pointer.clone(),
                },
                distance,
            });
        }
    }
    Ok(found)
}

/// A hash read from a chunk index.
#[derive(QueryableByName)]
struct Candidate {
    #[diesel(sql_type = Text)]
    pdq: String,
}

/// The distinct indexed hashes whose chunk `i` is one of the probes of chunk `i` of a source:
/// one scan of each chunk's index, which holds the whole hash, so the table is not read.
fn candidates(conn: &mut DbConnection, sources: &[Pdq]) -> QueryResult<HashSet<String>> {
    let mut probes: [BTreeSet<i32>; Pdq::CHUNKS] = Default::default();
    for source in sources {
        for (wanted, values) in probes.iter_mut().zip(source.probes()) {
            wanted.extend(values);
        }
    }
    // Integers computed here, written into the statement rather than bound: 272 per hash would
    // exceed SQLite's limit on bound parameters for a report with many images.
    let statement = probes
        .iter()
        .enumerate()
        .map(|(i, values)| {
            let values: Vec<String> = values.iter().map(i32::to_string).collect();
            format!(
                "SELECT pdq FROM pdq_index WHERE c{i} IN ({})",
                values.join(",")
            )
        })
        .collect::<Vec<_>>()
        .join(" UNION ALL ");
    Ok(diesel::sql_query(statement)
        .load::<Candidate>(conn)?
        .into_iter()
        .map(|c| c.pdq)
        .collect())
}

/// The reports sharing indicators with report `id` (404 when there is no such report): the
/// strongest `limit` of them with what they share, and how many there are.
pub fn related(
    conn: &mut DbConnection,
    id: &str,
    limit: usize,
) -> Result<RelatedReports, ApiError> {
    let mut by_report: HashMap<String, Vec<IndicatorMatch>> = HashMap::new();
    for found in find(conn, id)? {
        by_report
            .entry(found.other.clone())
            .or_default()
            .push(found.to_match());
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
    Ok(RelatedReports { items, total })
}

fn by_id(summaries: Vec<ReviewSummary>) -> HashMap<String, ReviewSummary> {
    summaries.into_iter().map(|s| (s.id.clone(), s)).collect()
}

/// How many other reports share indicators with report `id`, per kind.
pub fn counts(conn: &mut DbConnection, id: &str) -> Result<RelatedCounts, ApiError> {
    let found = find(conn, id)?;
    Ok(RelatedCounts::of(
        found.iter().map(|f| (f.other.as_str(), f.kind)),
    ))
}

/// For each live report of `page` (a page of the review list), how many other organizations
/// reported an indicator it shares: one grouped query over the exact values and one over the
/// PDQ hashes of the whole page, whatever its size. Test-mode reports are matched only within
/// their organization, so they have none.
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
    let live_mode = CredentialMode::Live.as_ref();
    let other = diesel::alias!(indicator_index as other);
    let mut pairs: HashSet<(String, String)> = indicator_index::table
        .inner_join(
            other.on(other
                .field(indicator_index::value_hash)
                .eq(indicator_index::value_hash)),
        )
        .filter(indicator_index::report_id.eq_any(&live))
        .filter(other.field(indicator_index::mode).eq(live_mode))
        .filter(
            other
                .field(indicator_index::organization_id)
                .ne(indicator_index::organization_id),
        )
        .select((
            indicator_index::report_id,
            other.field(indicator_index::organization_id),
        ))
        .distinct()
        .load::<(String, String)>(conn)?
        .into_iter()
        .collect();
    let own: Vec<(String, String, Pdq)> = pdq_index::table
        .filter(pdq_index::report_id.eq_any(&live))
        .select((
            pdq_index::report_id,
            pdq_index::organization_id,
            pdq_index::pdq,
        ))
        .load::<(String, String, String)>(conn)?
        .into_iter()
        .filter_map(|(id, organization, pdq)| Some((id, organization, Pdq::parse(&pdq)?)))
        .collect();
    let sources: Vec<Pdq> = own.iter().map(|(_, _, pdq)| *pdq).collect();
    for near in near(conn, &sources, &Scope::all(CredentialMode::Live))? {
        let (report_id, organization_id, _) = &own[near.source];
        if near.row.organization_id != *organization_id {
            pairs.insert((report_id.clone(), near.row.organization_id));
        }
    }
    let mut counts = HashMap::new();
    for (report_id, _) in pairs {
        *counts.entry(report_id).or_default() += 1;
    }
    Ok(counts)
}

/// The review list's condition "shares an indicator with report `id`" (in that report's
/// scope); no report meets it when there is no such report. The exact matches stay a subquery,
/// so a value shared by very many reports binds no list of ids.
pub fn related_to(
    conn: &mut DbConnection,
    id: &str,
) -> Result<Box<dyn BoxableExpression<reports::table, MultiBackend, SqlType = Bool>>, ApiError> {
    let Some((organization_id, mode)) = owner(conn, id).optional()? else {
        return Ok(Box::new(reports::id.eq_any(Vec::<String>::new())));
    };
    let mine = diesel::alias!(indicator_index as mine);
    let shared = mine
        .filter(mine.field(indicator_index::report_id).eq(id.to_owned()))
        .select(mine.field(indicator_index::value_hash));
    // The scope in SQL (a subquery cannot be boxed): of the report's mode, and of its
    // organization unless live.
    let exact = indicator_index::table
        .filter(indicator_index::value_hash.eq_any(shared))
        .filter(indicator_index::mode.eq(mode.clone()))
        .filter(
            indicator_index::mode
                .eq(CredentialMode::Live.as_ref())
                .or(indicator_index::organization_id.eq(organization_id.clone())),
        )
        .select(indicator_index::report_id);
    let own = Own::stored_near(conn, &[id])?;
    let near: Vec<String> = near_matches(conn, own, &Scope::of(&organization_id, &mode))?
        .into_iter()
        .map(|(_, found)| found.other)
        .collect();
    Ok(Box::new(reports::id.ne(id.to_owned()).and(
        reports::id.eq_any(exact).or(reports::id.eq_any(near)),
    )))
}

/// The reports of `mode` in which a searched value appears, newest first: by its keyed hashes,
/// or for a PDQ hash every report with a hash within [`Pdq::NEAR`].
pub fn search(
    conn: &mut DbConnection,
    lookup: &Lookup,
    mode: CredentialMode,
    page: &Page,
) -> Result<Paginated<IndicatorHit>, ApiError> {
    // (report id, distance for a near match, pointer), newest first, at most one page and one.
    let hits: Vec<(String, Option<u32>, String)> = match lookup {
        Lookup::Exact(hashes) => {
            let mut query = indicator_index::table
                .into_boxed::<MultiBackend>()
                .filter(indicator_index::value_hash.eq_any(hashes))
                .filter(indicator_index::mode.eq(mode.as_ref().to_owned()))
                .select(indicator_index::report_id)
                .distinct()
                .order(indicator_index::report_id.desc())
                .limit(page.limit + 1);
            if let Some(after) = &page.after {
                query = query.filter(indicator_index::report_id.lt(after.clone()));
            }
            let ids: Vec<String> = query.load(conn)?;
            let pointers: HashMap<String, String> = indicator_index::table
                .filter(indicator_index::value_hash.eq_any(hashes))
                .filter(indicator_index::report_id.eq_any(&ids))
                .select((indicator_index::report_id, indicator_index::pointer))
                .load::<(String, String)>(conn)?
                .into_iter()
                .collect();
            ids.into_iter()
                .map(|id| {
                    let pointer = pointers.get(&id).cloned().unwrap_or_default();
                    (id, None, pointer)
                })
                .collect()
        }
        Lookup::Near(pdq) => {
            let mut nearest: BTreeMap<String, (u32, String)> = BTreeMap::new();
            for near in near(conn, &[*pdq], &Scope::all(mode))? {
                let best = nearest
                    .entry(near.row.report_id)
                    .or_insert((near.distance, near.row.pointer.clone()));
                if near.distance < best.0 {
                    *best = (near.distance, near.row.pointer);
                }
            }
            nearest
                .into_iter()
                .rev()
                .filter(|(id, _)| page.after.as_ref().is_none_or(|after| id < after))
                .take(page.limit as usize + 1)
                .map(|(id, (distance, pointer))| (id, Some(distance), pointer))
                .collect()
        }
    };
    let ids: Vec<String> = hits.iter().map(|(id, _, _)| id.clone()).collect();
    let mut lines = by_id(summaries(conn, &ids)?);
    let items = hits
        .into_iter()
        .filter_map(|(id, distance, pointer)| {
            lines.remove(&id).map(|report| IndicatorHit {
                report,
                how: MatchKind::of(distance),
                distance,
                pointer,
            })
        })
        .collect();
    Ok(Paginated::from_overfetch(items, page, |hit| &hit.report.id))
}
