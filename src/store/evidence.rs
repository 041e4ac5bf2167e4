//! Evidence records, and the report data key that encrypts their files.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::owner::ReportOwner;
use super::sealed::FreeText;
use super::timeline::{NewEvent, record_event};
use crate::db::schema::{report_evidence, reports};
use crate::db::{DbConnection, portable};
use crate::domain::evidence::Evidence;
use crate::domain::lifecycle::refuse_if_retracted;
use crate::domain::status::ReportStatus;
use crate::domain::user::Actor;
use crate::error::ApiError;
use crate::keys::KeyStore;
use crate::sealing::DataKey;

/// An evidence file that has been stored, about to be recorded.
pub struct NewEvidence {
    /// The id chosen for it (its file's location names it).
    pub id: String,
    /// The report.
    pub report_id: String,
    /// SHA-256 (hex) of its bytes.
    pub sha256: String,
    /// Its size in bytes.
    pub size: i64,
    /// Its type, from its bytes.
    pub media_type: &'static str,
    /// The content item it shows.
    pub content_index: Option<i32>,
    /// The submitter's description.
    pub description: Option<String>,
}

/// Before an upload to one of `owner`'s reports (404 if not its own, 409 if retracted):
/// answers the report's data key, which encrypts the file.
pub fn prepare_upload(
    conn: &mut DbConnection,
    keys: &KeyStore,
    owner: ReportOwner<'_>,
    report_id: &str,
) -> Result<DataKey, ApiError> {
    let (status, key_id): (ReportStatus, String) = owner
        .reports()
        .filter(reports::id.eq(report_id))
        .select((reports::status, reports::key_id))
        .first(conn)?;
    refuse_if_retracted(status)?;
    keys.one(&key_id)
}

/// An evidence record as stored, its description sealed.
#[derive(Queryable, Selectable)]
#[diesel(table_name = report_evidence, check_for_backend(diesel::pg::Pg, diesel::sqlite::Sqlite))]
struct EvidenceRow {
    id: String,
    sha256: String,
    size: i64,
    media_type: String,
    content_index: Option<i32>,
    sealed_description: Option<String>,
    uploaded_at: NaiveDateTime,
}

impl EvidenceRow {
    /// The evidence of `report_id`, its description opened with the report's `key`.
    fn open(self, report_id: &str, key: &DataKey) -> Result<Evidence, ApiError> {
        let description = self
            .sealed_description
            .map(|sealed| FreeText::EvidenceDescription(&self.id).open(key, report_id, &sealed))
            .transpose()?;
        Ok(Evidence {
            id: self.id,
            sha256: self.sha256,
            size: self.size,
            media_type: self.media_type,
            content_index: self.content_index,
            description,
            uploaded_at: self.uploaded_at.and_utc(),
        })
    }
}

/// A new evidence record as written.
#[derive(Insertable)]
#[diesel(table_name = report_evidence, treat_none_as_default_value = false)]
struct NewEvidenceRow<'a> {
    id: &'a str,
    report_id: &'a str,
    sha256: &'a str,
    size: i64,
    media_type: &'a str,
    content_index: Option<i32>,
    sealed_description: Option<String>,
    client_id: &'a str,
    uploaded_at: NaiveDateTime,
}

/// Records a stored file, its description sealed under the report's `key` (422 if
/// `content_index` names no content item of the report). When the report already has a file
/// with the same bytes, nothing is recorded: answers that one and `false` (the caller then
/// deletes the new file). Inside the caller's transaction: a concurrent upload of the same
/// bytes answers 409, which the caller turns into that upload's record.
pub fn record(
    conn: &mut DbConnection,
    key: &DataKey,
    new: &NewEvidence,
    actor: &Actor,
) -> Result<(Evidence, bool), ApiError> {
    if let Some(existing) = by_sha256(conn, key, &new.report_id, &new.sha256)? {
        return Ok((existing, false));
    }
    if let Some(index) = new.content_index {
        let items = super::lifecycle::parts_so_far(conn, &new.report_id, key)?.content_items;
        if usize::try_from(index).map_or(true, |index| index >= items) {
            return Err(ApiError::invalid(
                "/content_index",
                "unknown_content",
                format!("must be the index of one of the report's {items} content items"),
            ));
        }
    }
    let uploaded_at = super::now();
    diesel::insert_into(report_evidence::table)
        .values(NewEvidenceRow {
            id: &new.id,
            report_id: &new.report_id,
            sha256: &new.sha256,
            size: new.size,
            media_type: new.media_type,
            content_index: new.content_index,
            sealed_description: new
                .description
                .as_deref()
                .map(|text| FreeText::EvidenceDescription(&new.id).seal(key, &new.report_id, text)),
            client_id: &actor.id,
            uploaded_at,
        })
        .execute(conn)
        .map_err(|error| match portable::is_duplicate(&error) {
            true => ApiError::Conflict {
                detail: "the same file was being stored at the same moment".into(),
                existing_id: None,
            },
            false => error.into(),
        })?;
    let detail = serde_json::json!({
        "evidence_id": new.id, "sha256": new.sha256, "size": new.size, "media_type": new.media_type,
    });
    record_event(
        conn,
        &new.report_id,
        actor,
        NewEvent {
            kind: "evidence",
            from: None,
            to: None,
            detail: Some(detail),
        },
    )?;
    let evidence_id = &new.id;
    super::events::record(
        conn,
        &new.report_id,
        super::events::Change::Evidence { evidence_id },
    )?;
    let recorded = Evidence {
        id: new.id.clone(),
        sha256: new.sha256.clone(),
        size: new.size,
        media_type: new.media_type.to_owned(),
        content_index: new.content_index,
        description: new.description.clone(),
        uploaded_at: uploaded_at.and_utc(),
    };
    Ok((recorded, true))
}

/// The report's file with the bytes hashing to `sha256`, if any.
pub fn by_sha256(
    conn: &mut DbConnection,
    key: &DataKey,
    report_id: &str,
    sha256: &str,
) -> Result<Option<Evidence>, ApiError> {
    report_evidence::table
        .filter(report_evidence::report_id.eq(report_id))
        .filter(report_evidence::sha256.eq(sha256))
        .select(EvidenceRow::as_select())
        .first(conn)
        .optional()?
        .map(|row| row.open(report_id, key))
        .transpose()
}

/// A report's evidence, oldest first, opened with the report's `key`.
pub fn list(
    conn: &mut DbConnection,
    report_id: &str,
    key: &DataKey,
) -> Result<Vec<Evidence>, ApiError> {
    report_evidence::table
        .filter(report_evidence::report_id.eq(report_id))
        .order(report_evidence::id.asc())
        .select(EvidenceRow::as_select())
        .load(conn)?
        .into_iter()
        .map(|row| row.open(report_id, key))
        .collect()
}

/// One evidence file of a report for download, with the report's data key; the download is
/// recorded on the report's timeline.
pub fn download(
    conn: &mut DbConnection,
    keys: &KeyStore,
    report_id: &str,
    evidence_id: &str,
    actor: &Actor,
) -> Result<(Evidence, DataKey), ApiError> {
    let row = report_evidence::table
        .filter(report_evidence::report_id.eq(report_id))
        .filter(report_evidence::id.eq(evidence_id))
        .select(EvidenceRow::as_select())
        .first(conn)?;
    let key_id: String = reports::table
        .find(report_id)
        .select(reports::key_id)
        .first(conn)?;
    let detail = serde_json::json!({"evidence_id": evidence_id});
    record_event(
        conn,
        report_id,
        actor,
        NewEvent {
            kind: "evidence_download",
            from: None,
            to: None,
            detail: Some(detail),
        },
    )?;
    let key = keys.one(&key_id)?;
    Ok((row.open(report_id, &key)?, key))
}
