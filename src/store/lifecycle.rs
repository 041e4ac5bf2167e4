//! What a submitter does to a report it has stored: amendments (append-only and numbered; the
//! report's own body never changes) and retraction; each writes the report's own rows, and
//! the use case (`service::lifecycle`) records what follows (correlation, counts, e-mail, events).

use std::collections::HashSet;

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::owner::{ReportOwner, Submitter};
use super::parts::{Parts, insert_parts};
use super::timeline::{NewEvent, record_event, record_sealed_event};
use crate::db::schema::{
    report_accounts, report_amendments, report_content, report_locations, reports,
};
use crate::db::{DbConnection, portable};
use crate::domain::lifecycle::{Amendment, ReportSoFar};
use crate::domain::received::{AccountHashes, ReceivedAmendment};
use crate::domain::search::WordHasher;
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
/// amendment) and stores it with its parts and search words, a raised severity and its
/// timeline event (inside the caller's transaction); answers its number and receipt time.
pub fn insert(
    conn: &mut DbConnection,
    keys: &KeyStore,
    submitter: &Submitter,
    report: &OwnReport,
    body: &ReceivedAmendment,
    hasher: &WordHasher,
) -> Result<(i32, NaiveDateTime), ApiError> {
    let (report_id, severity) = (report.id.as_str(), report.severity);
    let amendment = &body.amendment;
    let account_hashes = AccountHashes::new(&amendment.accounts, &amendment.content, hasher);
    let stored: HashSet<String> = report_accounts::table
        .filter(report_accounts::report_id.eq(report_id))
        .select(report_accounts::platform_account_id)
        .load::<String>(conn)?
        .into_iter()
        .collect();
    // The database keeps only keyed hashes of account ids: the report's earlier accounts, as
    // the check needs them, are those the amendment names whose hash is stored.
    let named = amendment
        .accounts
        .iter()
        .map(|a| &a.platform_account_id)
        .zip(&account_hashes.ids)
        .chain(
            amendment
                .content
                .iter()
                .zip(&account_hashes.refs)
                .filter_map(|(c, hash)| c.account_ref.as_ref().zip(hash.as_ref())),
        );
    let account_ids: Vec<String> = named
        .filter(|(_, hash)| stored.contains(*hash))
        .map(|(id, _)| id.clone())
        .collect();
    amendment
        .check(&ReportSoFar {
            severity,
            account_ids,
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
            body: keys.one(&report.key_id)?.seal(
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

    let count = |positions: i64| i32::try_from(positions).unwrap_or(i32::MAX);
    let accounts: i64 = report_accounts::table
        .filter(report_accounts::report_id.eq(report_id))
        .count()
        .get_result(conn)?;
    let content: i64 = report_content::table
        .filter(report_content::report_id.eq(report_id))
        .count()
        .get_result(conn)?;
    let locations: i64 = report_locations::table
        .filter(report_locations::report_id.eq(report_id))
        .count()
        .get_result(conn)?;
    super::words::add(conn, report_id, &body.word_keys)?;
    insert_parts(
        conn,
        &[Parts {
            report_id,
            first: (count(accounts), count(content), count(locations)),
            accounts: &amendment.accounts,
            content: &amendment.content,
            locations: &amendment.locations,
            account_hashes: &account_hashes,
        }],
    )?;
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
