//! Reports: the rows a submission writes (one multi-row insert per table for a batch), the
//! receipts already stored under external ids, and the submitter's reads.

use std::collections::{HashMap, HashSet};

use anyhow::Context;
use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::owner::{ReportKey, ReportOwner, Submitter};
use super::parts::{index_groups, naive};
use crate::db::DbConnection;
use crate::db::portable::{insert_rows, next_report_seqs};
use crate::db::schema::{report_prior_reports, reports};
use crate::domain::organization::CredentialMode;
use crate::domain::pagination::{Page, Paginated};
use crate::domain::received::ReceivedBody;
use crate::domain::status::{ReportStatus, SubmitterStatus};
use crate::domain::submission::{Receipt, ReportSummary};
use crate::domain::taxonomy::{Category, Severity};
use crate::error::ApiError;
use crate::keys::{KeyStore, NewKey, place};
use crate::sealing::DataKey;

/// What a receipt states of a stored report, as stored.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = reports)]
#[diesel(check_for_backend(diesel::pg::Pg, diesel::sqlite::Sqlite))]
pub struct StoredReceipt {
    /// The report's id.
    pub id: String,
    /// The organization's own identifier for it.
    pub external_id: String,
    /// Its status.
    pub status: ReportStatus,
    /// Live or test.
    pub mode: CredentialMode,
    /// When the portal stored it.
    pub received_at: NaiveDateTime,
    /// SHA-256 (hex) of its canonical body.
    #[diesel(deserialize_as = HexDigest)]
    pub body_sha256: String,
}

/// A report's `body_sha256` as stored, the 32 bytes of the digest, read as the 64 lowercase hex
/// characters that receipts and the review detail show.
#[derive(diesel::deserialize::FromSqlRow)]
pub struct HexDigest(String);

impl<DB: diesel::backend::Backend> diesel::deserialize::FromSql<diesel::sql_types::Binary, DB>
    for HexDigest
where
    Vec<u8>: diesel::deserialize::FromSql<diesel::sql_types::Binary, DB>,
{
    fn from_sql(bytes: DB::RawValue<'_>) -> diesel::deserialize::Result<Self> {
        Vec::<u8>::from_sql(bytes).map(|digest| HexDigest(hex::encode(digest)))
    }
}

impl From<HexDigest> for String {
    fn from(digest: HexDigest) -> String {
        digest.0
    }
}

/// The bytes stored of the digest `hex_digest` (64 hex characters).
fn digest_bytes(hex_digest: &str) -> QueryResult<Vec<u8>> {
    hex::decode(hex_digest).map_err(|e| diesel::result::Error::SerializationError(Box::new(e)))
}

impl StoredReceipt {
    /// The receipt of this report, signed by `sign` (given the report as received).
    pub fn receipt(
        self,
        sign: impl FnOnce(&Self) -> Result<String, ApiError>,
    ) -> Result<Receipt, ApiError> {
        let receipt = sign(&self)?;
        Ok(Receipt {
            status: self.status.for_submitter(),
            mode: self.mode,
            received_at: self.received_at.and_utc(),
            id: self.id,
            external_id: self.external_id,
            body_sha256: self.body_sha256,
            receipt,
        })
    }
}

/// A report as its submitter's list shows it.
#[derive(Queryable, Selectable)]
#[diesel(table_name = reports, check_for_backend(diesel::pg::Pg, diesel::sqlite::Sqlite))]
struct SummaryRow {
    id: String,
    external_id: String,
    status: ReportStatus,
    category: Category,
    severity: Severity,
    mode: CredentialMode,
    received_at: NaiveDateTime,
}

impl From<SummaryRow> for ReportSummary {
    fn from(row: SummaryRow) -> Self {
        ReportSummary {
            id: row.id,
            external_id: row.external_id,
            status: row.status.for_submitter(),
            category: row.category,
            severity: row.severity,
            mode: row.mode,
            received_at: row.received_at.and_utc(),
        }
    }
}

/// The receipts of the organization's reports (in either mode) stored under `external_ids`, by
/// external id.
pub fn claimed(
    conn: &mut DbConnection,
    organization_id: &str,
    external_ids: &[&str],
) -> QueryResult<HashMap<String, StoredReceipt>> {
    Ok(reports::table
        .filter(reports::organization_id.eq(organization_id))
        .filter(reports::external_id.eq_any(external_ids))
        .select(StoredReceipt::as_select())
        .load(conn)?
        .into_iter()
        .map(|row| (row.external_id.clone(), row))
        .collect())
}

/// Which of `ids` are `owner`'s reports.
pub fn owned_among(
    conn: &mut DbConnection,
    owner: ReportOwner<'_>,
    ids: &[String],
) -> QueryResult<HashSet<String>> {
    if ids.is_empty() {
        return Ok(HashSet::new());
    }
    Ok(owner
        .reports()
        .filter(reports::id.eq_any(ids))
        .select(reports::id)
        .load::<String>(conn)?
        .into_iter()
        .collect())
}

/// Inserts `new` reports (id and prepared body) of `submitter`, each with one of the fresh
/// `data_keys`, which seals its body: one multi-row insert per table for all of them (the
/// report, its search words, groups and cited earlier reports; the rest of it is only in its
/// sealed body). Answers the `seq` each was given, in order.
pub fn insert(
    conn: &mut DbConnection,
    submitter: &Submitter,
    new: &[(String, &ReceivedBody)],
    data_keys: &[NewKey],
) -> QueryResult<Vec<i64>> {
    if new.is_empty() {
        return Ok(Vec::new());
    }
    let seqs = next_report_seqs(conn, new.len())?;
    let digests = new
        .iter()
        .map(|(_, body)| digest_bytes(&body.sha256))
        .collect::<QueryResult<Vec<_>>>()?;
    let rows: Vec<_> = new
        .iter()
        .zip(data_keys)
        .zip(&seqs)
        .zip(&digests)
        .map(|((((id, body), (key_id, key)), seq), digest)| {
            let report = &body.report;
            (
                reports::id.eq(id),
                reports::seq.eq(seq),
                reports::organization_id.eq(&submitter.organization_id),
                reports::client_id.eq(&submitter.client_id),
                reports::mode.eq(submitter.mode.as_ref()),
                reports::external_id.eq(&report.external_id),
                reports::service.eq(&report.service),
                reports::category.eq(report.category.as_ref()),
                reports::severity.eq(report.severity.as_ref()),
                reports::detection_method.eq(report.detection_method.as_ref()),
                reports::detected_at.eq(naive(&report.detected_at)),
                reports::activity_start.eq(report.activity_start.as_ref().map(naive)),
                reports::activity_end.eq(report.activity_end.as_ref().map(naive)),
                reports::languages.eq(report.languages.join(",")),
                reports::status.eq(ReportStatus::Received.as_ref()),
                reports::received_at.eq(body.received_at),
                reports::body.eq(key.seal_deflated(&body.deflated, &place(id, "body"))),
                reports::body_sha256.eq(digest),
                reports::key_id.eq(key_id),
            )
        })
        .collect();
    insert_rows!(conn, reports::table, &rows)?;

    let words: Vec<_> = new
        .iter()
        .zip(&seqs)
        .map(|((_, body), seq)| (*seq, body.word_keys.as_slice()))
        .collect();
    super::words::index(conn, &words)?;
    let groups: Vec<_> = new
        .iter()
        .zip(&seqs)
        .map(|((_, body), seq)| (*seq, body.report.suspected_groups.as_slice()))
        .collect();
    index_groups(conn, &groups)?;

    let prior: Vec<_> = new
        .iter()
        .flat_map(|(id, body)| {
            body.report.prior_report_ids.iter().map(move |p| {
                (
                    report_prior_reports::report_id.eq(id),
                    report_prior_reports::prior_report_id.eq(p.to_string()),
                )
            })
        })
        .collect();
    insert_rows!(conn, report_prior_reports::table, &prior)?;

    Ok(seqs)
}

/// One of `owner`'s reports as submitted: what its receipt states, and its body opened (canonical
/// JSON); `None` when absent or another's (also one of its organization in the other mode).
pub fn get(
    conn: &mut DbConnection,
    keys: &KeyStore,
    owner: ReportOwner<'_>,
    key: &ReportKey,
) -> Result<Option<(StoredReceipt, serde_json::Value, DataKey)>, ApiError> {
    let query = owner.reports();
    let query = match key {
        ReportKey::Id(id) => query.filter(reports::id.eq(id)),
        ReportKey::ExternalId(external_id) => query.filter(reports::external_id.eq(external_id)),
    };
    let Some((row, body, key_id)) = query
        .select((StoredReceipt::as_select(), reports::body, reports::key_id))
        .first::<(StoredReceipt, Vec<u8>, String)>(conn)
        .optional()?
    else {
        return Ok(None);
    };
    let key = keys.one(&key_id)?;
    let body = key.open_body(&body, &place(&row.id, "body"))?;
    let report = serde_json::from_str(&body).map_err(|e| ApiError::Internal(e.into()))?;
    Ok(Some((row, report, key)))
}

/// `owner`'s reports, newest first, optionally only those in `status`.
pub fn list(
    conn: &mut DbConnection,
    owner: ReportOwner<'_>,
    status: Option<SubmitterStatus>,
    page: &Page,
) -> Result<Paginated<ReportSummary>, ApiError> {
    let mut query = owner
        .reports()
        .order(reports::id.desc())
        .limit(page.limit + 1);
    if let Some(status) = status {
        let statuses: Vec<&str> = status
            .internal_statuses()
            .iter()
            .map(AsRef::as_ref)
            .collect();
        query = query.filter(reports::status.eq_any(statuses));
    }
    if let Some(after) = &page.after {
        query = query.filter(reports::id.lt(after));
    }
    let items = query
        .select(SummaryRow::as_select())
        .load(conn)?
        .into_iter()
        .map(ReportSummary::from)
        .collect();
    Ok(Paginated::from_overfetch(items, page, |r| &r.id))
}

/// Whether report `id` exists but is hidden from an API client of `organization_id` working in
/// `mode`: another organization's report, or one of the other mode. That is what a probe for
/// others' reports finds, as opposed to an id nobody has.
pub fn is_hidden_from(
    conn: &mut DbConnection,
    id: &str,
    organization_id: &str,
    mode: CredentialMode,
) -> Result<bool, ApiError> {
    let hidden: i64 = reports::table
        .filter(reports::id.eq(id))
        .filter(
            reports::organization_id
                .ne(organization_id)
                .or(reports::mode.ne(mode.as_ref())),
        )
        .count()
        .get_result(conn)?;
    Ok(hidden > 0)
}

/// Bodies upgraded per transaction by [`upgrade_bodies`].
const BODIES_PER_TRANSACTION: i64 = 500;

/// Rewrites as bytes the bodies that a SQLite database stored as base64 text before migration
/// `compact_storage` (which on PostgreSQL decodes them itself; SQLite has no base64 function),
/// a batch per transaction; answers how many. Run after the migrations (by
/// [`super::migrate`]); a body sealed uncompressed still opens ([`DataKey::open_body`]). It looks
/// through the reports only while migration `body_upgrade_marker`'s marker table is there, and
/// drops it when done: later starts cost one look at the schema.
pub fn upgrade_bodies(conn: &mut DbConnection) -> anyhow::Result<usize> {
    use base64::Engine;
    use base64::engine::general_purpose::STANDARD as BASE64;
    use diesel::dsl::sql;
    use diesel::sql_types::{BigInt, Bool};
    if !matches!(conn, DbConnection::Sqlite(_)) {
        return Ok(0);
    }
    let marked = diesel::select(sql::<BigInt>(
        "(SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'body_upgrade_marker')",
    ))
    .get_result::<i64>(conn)?;
    if marked == 0 {
        return Ok(0);
    }
    let mut upgraded = 0;
    loop {
        let batch = crate::db::portable::write_transaction(conn, |conn| {
            let texts = reports::table
                .filter(sql::<Bool>("typeof(reports.body) = 'text'"))
                .select((reports::id, reports::body))
                .limit(BODIES_PER_TRANSACTION)
                .load::<(String, Vec<u8>)>(conn)?;
            for (id, text) in &texts {
                let bytes = BASE64
                    .decode(text)
                    .with_context(|| format!("the body of report {id} is not base64"))?;
                diesel::update(reports::table.find(id))
                    .set(reports::body.eq(bytes))
                    .execute(conn)?;
            }
            if texts.is_empty() {
                diesel::sql_query("DROP TABLE body_upgrade_marker").execute(conn)?;
            }
            anyhow::Ok(texts.len())
        })?;
        if batch == 0 {
            return Ok(upgraded);
        }
        upgraded += batch;
    }
}
