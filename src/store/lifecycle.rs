//! What a submitter does to a report it has stored: amendments (append-only and numbered; the
//! report's own body never changes) and retraction.

use std::collections::HashSet;

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::events;
use super::organizations::parse;
use super::owner::{ReportOwner, Submitter};
use super::parts::{Parts, insert_parts};
use super::timeline::{NewEvent, record_event, record_sealed_event};
use crate::db::schema::{
    report_accounts, report_amendments, report_content, report_locations, reports,
};
use crate::db::{DbConnection, portable};
use crate::domain::indicators;
use crate::domain::lifecycle::{Amendment, ReportSoFar, refuse_if_retracted};
use crate::domain::received::{AccountHashes, ReceivedAmendment};
use crate::domain::search::WordHasher;
use crate::domain::stats::Dimension;
use crate::domain::status::ReportStatus;
use crate::domain::taxonomy::Severity;
use crate::domain::user::Actor;
use crate::domain::user::Role;
use crate::error::ApiError;
use crate::keys::{KeyStore, place};
use crate::sealing::DataKey;

/// What an amendment needs of the report it amends.
struct Amending<'a> {
    /// The report's id.
    id: &'a str,
    /// Its current severity.
    severity: Severity,
    /// Its service.
    service: String,
    /// Its data key's id.
    key_id: String,
}

/// The report's external id, status and version, and what an amendment needs of it, if it is
/// one of `owner`'s (404 otherwise).
fn own_report<'a>(
    conn: &mut DbConnection,
    owner: ReportOwner<'_>,
    report_id: &'a str,
) -> Result<(String, ReportStatus, i32, Amending<'a>), ApiError> {
    let (external_id, status, severity, version, service, key_id) = owner
        .reports()
        .filter(reports::id.eq(report_id))
        .select((
            reports::external_id,
            reports::status,
            reports::severity,
            reports::version,
            reports::service,
            reports::key_id,
        ))
        .first::<(String, String, String, i32, String, String)>(conn)?;
    let report = Amending {
        id: report_id,
        severity: parse(&severity)?,
        service,
        key_id,
    };
    Ok((external_id, parse(&status)?, version, report))
}

/// Appends an amendment to one of the organization's reports (inside the caller's
/// transaction), checked against the report as it stands (422 pointing into the amendment);
/// the same amendment sent again answers its stored number and time. A higher severity becomes
/// the report's severity. Answers the report's `external_id`, the amendment's number and
/// receipt time, and whether it was a replay.
pub fn amend(
    conn: &mut DbConnection,
    keys: &KeyStore,
    submitter: &Submitter,
    report_id: &str,
    body: &ReceivedAmendment,
    hasher: &WordHasher,
) -> Result<(String, i32, NaiveDateTime, bool), ApiError> {
    let (external_id, status, _, report) = own_report(conn, submitter.owner(), report_id)?;
    refuse_if_retracted(status)?;
    let earlier = report_amendments::table
        .filter(report_amendments::report_id.eq(report_id))
        .filter(report_amendments::body_sha256.eq(&body.sha256))
        .select((report_amendments::number, report_amendments::received_at))
        .first::<(i32, NaiveDateTime)>(conn)
        .optional()?;
    if let Some((number, received_at)) = earlier {
        return Ok((external_id, number, received_at, true));
    }
    let (number, received_at) = insert(conn, keys, submitter, &report, body, hasher)?;
    events::record(conn, report_id, events::Change::Amended { number })?;
    Ok((external_id, number, received_at, false))
}

/// Checks and stores a new amendment (inside the caller's transaction); answers its number and
/// receipt time.
fn insert(
    conn: &mut DbConnection,
    keys: &KeyStore,
    submitter: &Submitter,
    report: &Amending<'_>,
    body: &ReceivedAmendment,
    hasher: &WordHasher,
) -> Result<(i32, NaiveDateTime), ApiError> {
    let (report_id, severity) = (report.id, report.severity);
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
        .values((
            report_amendments::id.eq(super::new_id()),
            report_amendments::report_id.eq(report_id),
            report_amendments::number.eq(number),
            report_amendments::client_id.eq(&submitter.client_id),
            report_amendments::received_at.eq(received_at),
            report_amendments::body.eq(keys.one(&report.key_id)?.seal(
                &body.canonical,
                &place(report_id, &format!("amendment/{number}")),
            )),
            report_amendments::body_sha256.eq(&body.sha256),
        ))
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
    let indicators = indicators::of_parts(
        &report.service,
        &amendment.accounts,
        &amendment.content,
        &format!("/amendments/{number}"),
    );
    let entries: Vec<_> = indicators.iter().map(|i| i.entry(hasher)).collect();
    super::correlation::index(conn, report_id, &entries)?;

    if let Some(raised) = amendment.severity {
        diesel::update(reports::table.find(report_id))
            .set(reports::severity.eq(raised.as_ref()))
            .execute(conn)?;
        super::stats::count_change(
            conn,
            report_id,
            Dimension::Severity,
            severity.as_ref(),
            raised.as_ref(),
        )?;
        // A report raised to critical notifies as a new critical report does (live reports only).
        if raised == Severity::Critical {
            super::outbox::enqueue_new_reports(conn, submitter.mode, &[(report_id, raised)])?;
        }
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
        .select((
            report_amendments::number,
            report_amendments::received_at,
            report_amendments::body_sha256,
            report_amendments::body,
        ))
        .load::<(i32, NaiveDateTime, String, String)>(conn)?
        .into_iter()
        .map(|(number, received_at, body_sha256, body)| {
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

/// Withdraws one of the organization's reports (inside the caller's transaction): allowed unless DHS has closed or referred it
/// (409, saying only that it is closed: a referral is never disclosed). Retracting a retracted
/// report changes nothing.
pub fn retract(
    conn: &mut DbConnection,
    keys: &KeyStore,
    submitter: &Submitter,
    report_id: &str,
    reason: &str,
) -> Result<(), ApiError> {
    let (_, from, version, report) = own_report(conn, submitter.owner(), report_id)?;
    match from {
        ReportStatus::Retracted => return Ok(()),
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
    super::stats::count_transition(
        conn,
        report_id,
        from,
        ReportStatus::Retracted,
        super::stats::Milestones::default(),
    )?;
    let moved = events::Change::Moved {
        from,
        to: ReportStatus::Retracted,
    };
    events::record(conn, report_id, moved)?;
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
    Ok(())
}
