//! What a submitter does to a report it has stored: amendments (append-only and numbered; the
//! report's own body never changes) and retraction; each writes the report's own rows, and
//! the use case (`service::lifecycle`) records what follows (correlation, counts, e-mail, events).

use chrono::NaiveDateTime;
use diesel::prelude::*;
use serde::Deserialize;

use super::owner::{ReportOwner, Submitter};
use super::timeline::{NewEvent, record_event, record_sealed_event};
use crate::db::schema::{report_amendments, reports};
use crate::db::{DbConnection, portable};
use crate::domain::lifecycle::{Amendment, ReportSoFar};
use crate::domain::received::ReceivedAmendment;
use crate::domain::status::ReportStatus;
use crate::domain::taxonomy::Severity;
use crate::domain::user::Actor;
use crate::domain::user::Role;
use crate::error::ApiError;
use crate::keys::{KeyStore, place};
use crate::sealing::DataKey;

/// One of an organization's reports, as an amendment or a retraction needs it.
#[derive(Queryable, Selectable)]
#[diesel(table_name = reports, check_for_backend(diesel::pg::Pg, diesel::sqlite::Sqlite))]
pub struct OwnReport {
    /// The report's id.
    pub id: String,
    /// Its `external_id`.
    pub external_id: String,
    /// Its status.
    pub status: ReportStatus,
    /// Its version (bumped by every change).
    pub version: i32,
    /// Its current severity.
    pub severity: Severity,
    /// Its service.
    pub service: String,
    /// Its data key's id.
    pub key_id: String,
}

/// Report `report_id` if it is one of `owner`'s (404 otherwise).
pub fn own_report(
    conn: &mut DbConnection,
    owner: ReportOwner<'_>,
    report_id: &str,
) -> Result<OwnReport, ApiError> {
    Ok(owner
        .reports()
        .filter(reports::id.eq(report_id))
        .select(OwnReport::as_select())
        .first(conn)?)
}

/// The number and receipt time of report `report_id`'s amendment whose body hashes to
/// `body_sha256`, if one is stored.
pub fn earlier_amendment(
    conn: &mut DbConnection,
    report_id: &str,
    body_sha256: &str,
) -> QueryResult<Option<(i32, NaiveDateTime)>> {
    report_amendments::table
        .filter(report_amendments::report_id.eq(report_id))
        .filter(report_amendments::body_sha256.eq(body_sha256))
        .select((report_amendments::number, report_amendments::received_at))
        .first(conn)
        .optional()
}

/// An amendment as written, its body sealed.
#[derive(Insertable)]
#[diesel(table_name = report_amendments)]
struct NewAmendmentRow<'a> {
    id: String,
    report_id: &'a str,
    number: i32,
    client_id: &'a str,
    received_at: NaiveDateTime,
    body: String,
    body_sha256: &'a str,
}

/// An amendment as read, its body still sealed.
#[derive(Queryable, Selectable)]
#[diesel(table_name = report_amendments, check_for_backend(diesel::pg::Pg, diesel::sqlite::Sqlite))]
struct AmendmentRow {
    number: i32,
    received_at: NaiveDateTime,
    body_sha256: String,
    body: String,
}

/// Checks a new amendment of `report` against the report as it stands (422 pointing into the
/// amendment) and stores it (its parts are only in its sealed body) with its search words, a
/// raised severity and its timeline event (inside the caller's transaction); answers its number and receipt time.
pub fn insert(
    conn: &mut DbConnection,
    keys: &KeyStore,
    submitter: &Submitter,
    report: &OwnReport,
    body: &ReceivedAmendment,
) -> Result<(i32, NaiveDateTime), ApiError> {
    let (report_id, severity) = (report.id.as_str(), report.severity);
    let amendment = &body.amendment;
    let key = keys.one(&report.key_id)?;
    amendment
        .check(&ReportSoFar {
            severity,
            account_ids: parts_so_far(conn, report_id, &key)?.account_ids,
        })
        .map_err(ApiError::Invalid)?;

    let last: Option<i32> = report_amendments::table
        .filter(report_amendments::report_id.eq(report_id))
        .select(diesel::dsl::max(report_amendments::number))
        .first(conn)?;
    let number = last.unwrap_or(0) + 1;
    let received_at = super::now();
    diesel::insert_into(report_amendments::table)
        .values(NewAmendmentRow {
            id: super::new_id(),
            report_id,
            number,
            client_id: &submitter.client_id,
            received_at,
            body: key.seal(
                &body.canonical,
                &place(report_id, &format!("amendment/{number}")),
            ),
            body_sha256: &body.sha256,
        })
        .execute(conn)
        .map_err(|error| {
            if portable::is_duplicate(&error) {
                ApiError::Conflict {
                    detail: "another amendment of this report was being stored at the same \
                             moment; send this one again"
                        .into(),
                    existing_id: None,
                }
            } else {
                error.into()
            }
        })?;

    super::words::add(conn, report_id, &body.word_keys)?;
    if let Some(raised) = amendment.severity {
        diesel::update(reports::table.find(report_id))
            .set(reports::severity.eq(raised.as_ref()))
            .execute(conn)?;
    }
    let actor = Actor {
        id: submitter.client_id.clone(),
        role: Role::Reporter,
    };
    let severity_change = amendment
        .severity
        .map(|to| serde_json::json!({"from": severity, "to": to}));
    let detail = serde_json::json!({"number": number, "severity": severity_change});
    record_event(
        conn,
        report_id,
        &actor,
        NewEvent {
            kind: "amendment",
            from: None,
            to: None,
            detail: Some(detail),
        },
    )?;
    Ok((number, received_at))
}

/// A report's amendments, oldest first, opened with the report's data key.
pub fn amendments(
    conn: &mut DbConnection,
    report_id: &str,
    key: &DataKey,
) -> Result<Vec<Amendment>, ApiError> {
    report_amendments::table
        .filter(report_amendments::report_id.eq(report_id))
        .order(report_amendments::number.asc())
        .select(AmendmentRow::as_select())
        .load(conn)?
        .into_iter()
        .map(|row| {
            let AmendmentRow {
                number,
                received_at,
                body_sha256,
                body,
            } = row;
            let body = key.open(&body, &place(report_id, &format!("amendment/{number}")))?;
            Ok(Amendment {
                number,
                received_at: received_at.and_utc(),
                body_sha256,
                amendment: serde_json::from_str(&body).map_err(|e| ApiError::Internal(e.into()))?,
            })
        })
        .collect()
}

/// The parts of a report an amendment or an evidence upload is checked against, read from its
/// sealed body and amendments (no copy of them is kept in tables of their own).
pub struct PartsSoFar {
    /// The `platform_account_id`s of its accounts, the body's first, then each amendment's.
    pub account_ids: Vec<String>,
    /// How many content items it has (the body's and its amendments').
    pub content_items: usize,
}

/// What [`PartsSoFar`] reads of a body or an amendment; everything else in it is skipped.
#[derive(Deserialize)]
struct BodyParts {
    #[serde(default)]
    accounts: Vec<AccountId>,
    #[serde(default)]
    content: Vec<serde::de::IgnoredAny>,
}

/// An account, as [`BodyParts`] reads it.
#[derive(Deserialize)]
struct AccountId {
    platform_account_id: String,
}

/// The parts of report `report_id` so far, its body and amendments opened with its `key`.
pub fn parts_so_far(
    conn: &mut DbConnection,
    report_id: &str,
    key: &DataKey,
) -> Result<PartsSoFar, ApiError> {
    let invalid = |e: serde_json::Error| ApiError::Internal(e.into());
    let sealed: Vec<u8> = reports::table
        .find(report_id)
        .select(reports::body)
        .first(conn)?;
    let body = key.open_body(&sealed, &place(report_id, "body"))?;
    let mut parts = vec![serde_json::from_str::<BodyParts>(&body).map_err(invalid)?];
    for amendment in amendments(conn, report_id, key)? {
        parts.push(BodyParts::deserialize(&amendment.amendment).map_err(invalid)?);
    }
    Ok(PartsSoFar {
        content_items: parts.iter().map(|p| p.content.len()).sum(),
        account_ids: parts
            .into_iter()
            .flat_map(|p| p.accounts)
            .map(|a| a.platform_account_id)
            .collect(),
    })
}

/// Withdraws `report`, one of the organization's (inside the caller's transaction), with its
/// timeline event: allowed unless DHS has closed or referred it (409, saying only that it is
/// closed: a referral is never disclosed). Answers the status it left; `None` for a report
/// already retracted, which changes nothing.
pub fn retract(
    conn: &mut DbConnection,
    keys: &KeyStore,
    submitter: &Submitter,
    report: &OwnReport,
    reason: &str,
) -> Result<Option<ReportStatus>, ApiError> {
    let (report_id, from, version) = (report.id.as_str(), report.status, report.version);
    match from {
        ReportStatus::Retracted => return Ok(None),
        ReportStatus::Closed | ReportStatus::Referred => {
            return Err(ApiError::Conflict {
                detail: "the report is closed; it can no longer be retracted".into(),
                existing_id: None,
            });
        }
        ReportStatus::Received | ReportStatus::InReview | ReportStatus::Escalated => {}
    }
    let changed = diesel::update(
        reports::table
            .find(report_id)
            .filter(reports::version.eq(version)),
    )
    .set((
        reports::status.eq(ReportStatus::Retracted.as_ref()),
        reports::version.eq(version + 1),
        reports::retracted_at.eq(super::now()),
    ))
    .execute(conn)?;
    if changed == 0 {
        return Err(ApiError::Conflict {
            detail: "the report changed while this request was made; send it again".into(),
            existing_id: None,
        });
    }
    let actor = Actor {
        id: submitter.client_id.clone(),
        role: Role::Reporter,
    };
    record_sealed_event(
        conn,
        &keys.one(&report.key_id)?,
        report_id,
        &actor,
        NewEvent {
            kind: "retraction",
            from: Some(from),
            to: Some(ReportStatus::Retracted),
            detail: None,
        },
        reason,
    )?;
    Ok(Some(from))
}
