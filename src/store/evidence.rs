//! Evidence records, and the report data key that encrypts their files.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::lifecycle::refuse_if_retracted;
use super::organizations::parse;
use super::reports::ReportOwner;
use super::review::{NewEvent, record_event};
use super::sealed::FreeText;
use crate::db::schema::{report_content, report_evidence, reports};
use crate::db::{DbConnection, portable};
use crate::domain::evidence::Evidence;
use crate::domain::status::ReportStatus;
use crate::domain::user::Actor;
use crate::error::ApiError;
use crate::evidence::crypto::DataKey;
use crate::keys::KeyStore;

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
    let (status, key_id): (String, String) = owner
        .reports()
        .filter(reports::id.eq(report_id))
        .select((reports::status, reports::key_id))
        .first(conn)?;
    refuse_if_retracted(parse::<ReportStatus>(&status)?)?;
    keys.one(&key_id)
}

type EvidenceRow = (
    String,
    String,
    i64,
    String,
    Option<i32>,
    Option<String>,
    NaiveDateTime,
);

type EvidenceColumns = (
    report_evidence::id,
    report_evidence::sha256,
    report_evidence::size,
    report_evidence::media_type,
    report_evidence::content_index,
    report_evidence::sealed_description,
    report_evidence::uploaded_at,
);

const EVIDENCE_COLUMNS: EvidenceColumns = (
    report_evidence::id,
    report_evidence::sha256,
    report_evidence::size,
    report_evidence::media_type,
    report_evidence::content_index,
    report_evidence::sealed_description,
    report_evidence::uploaded_at,
);

/// The evidence of `report_id` that `row` holds, its description opened with the report's `key`.
fn evidence(row: EvidenceRow, report_id: &str, key: &DataKey) -> Result<Evidence, ApiError> {
    let (id, sha256, size, media_type, content_index, description, uploaded_at) = row;
    let description = description
        .map(|sealed| FreeText::EvidenceDescription(&id).open(key, report_id, &sealed))
        .transpose()?;
    Ok(Evidence {
        id,
        sha256,
        size,
        media_type,
        content_index,
        description,
        uploaded_at: uploaded_at.and_utc(),
    })
}

/// Records a stored file, its description sealed under the report's `key` (422 if
/// `content_index` names no content item of the report). When the report already has a file
/// with the same bytes, nothing is recorded: answers that one and `false` (the caller then
/// deletes the new file).
pub fn record(
    conn: &mut DbConnection,
    key: &DataKey,
    new: &NewEvidence,
    actor: &Actor,
) -> Result<(Evidence, bool), ApiError> {
    let recorded = portable::write_transaction(conn, |conn| {
        if let Some(existing) = by_sha256(conn, key, &new.report_id, &new.sha256)? {
            return Ok((existing, false));
        }
        if let Some(index) = new.content_index {
            let items: i64 = report_content::table
                .filter(report_content::report_id.eq(&new.report_id))
                .count()
                .get_result(conn)?;
            if i64::from(index) >= items {
                return Err(ApiError::invalid(
                    "/content_index",
                    "unknown_content",
                    format!("must be the index of one of the report's {items} content items"),
                ));
            }
        }
        let uploaded_at = super::now();
        diesel::insert_into(report_evidence::table)
            .values((
                report_evidence::id.eq(&new.id),
                report_evidence::report_id.eq(&new.report_id),
                report_evidence::sha256.eq(&new.sha256),
                report_evidence::size.eq(new.size),
                report_evidence::media_type.eq(new.media_type),
                report_evidence::content_index.eq(new.content_index),
                report_evidence::sealed_description.eq(new.description.as_ref().map(|text| {
                    FreeText::EvidenceDescription(&new.id).seal(key, &new.report_id, text)
                })),
                report_evidence::client_id.eq(&actor.id),
                report_evidence::uploaded_at.eq(uploaded_at),
            ))
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
    });
    match recorded {
        // A concurrent upload of the same bytes won: answer its record.
        Err(ApiError::Conflict { .. }) => by_sha256(conn, key, &new.report_id, &new.sha256)?
            .map(|existing| (existing, false))
            .ok_or_else(|| ApiError::Internal(anyhow::anyhow!("evidence vanished"))),
        other => other,
    }
}

fn by_sha256(
    conn: &mut DbConnection,
    key: &DataKey,
    report_id: &str,
    sha256: &str,
) -> Result<Option<Evidence>, ApiError> {
    report_evidence::table
        .filter(report_evidence::report_id.eq(report_id))
        .filter(report_evidence::sha256.eq(sha256))
        .select(EVIDENCE_COLUMNS)
        .first::<EvidenceRow>(conn)
        .optional()?
        .map(|row| evidence(row, report_id, key))
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
        .select(EVIDENCE_COLUMNS)
        .load::<EvidenceRow>(conn)?
        .into_iter()
        .map(|row| evidence(row, report_id, key))
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
        .select(EVIDENCE_COLUMNS)
        .first::<EvidenceRow>(conn)?;
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
    Ok((evidence(row, report_id, &key)?, key))
}
