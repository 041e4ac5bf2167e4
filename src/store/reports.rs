//! Reports: submission (idempotent by `external_id`), and the submitter's reads.

use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::prelude::*;

use super::audit::NewAuditEvent;
use super::organizations::parse;
use super::review::{NewEvent, record_event};
use crate::db::DbConnection;
use crate::db::portable::{self, insert_rows};
use crate::db::schema::{
    report_accounts, report_contact_handles, report_content, report_groups, report_indicators,
    report_locations, report_prior_reports, report_words, reports,
};
use crate::domain::indicators::IndexEntry;
use crate::domain::organization::CredentialMode;
use crate::domain::pagination::{Page, Paginated};
use crate::domain::report::NewReport;
use crate::domain::status::{ReportStatus, SubmitterStatus};
use crate::domain::submission::{Receipt, ReportSummary, SubmittedReport};
use crate::domain::user::{Actor, Role};
use crate::error::ApiError;

/// Who is submitting: the organization, its credential and that credential's mode.
#[derive(Debug, Clone)]
pub struct Submitter {
    /// The submitting organization.
    pub organization_id: String,
    /// The credential used.
    pub client_id: String,
    /// Live or test.
    pub mode: CredentialMode,
    /// The audit event of a stored report (its target is filled in with the new id).
    pub audit: NewAuditEvent,
}

/// The outcome of a submission.
#[derive(Debug)]
pub struct Submission {
    /// The receipt (the original one on a replay).
    pub receipt: Receipt,
    /// Whether the report had already been stored with the same content.
    pub replayed: bool,
}

/// A report body ready to store: the validated report, and the body as received in canonical
/// JSON with its SHA-256.
pub struct ReceivedBody<'a> {
    /// The validated report.
    pub report: &'a NewReport,
    /// The body as received, canonical JSON.
    pub canonical: &'a str,
    /// SHA-256 (hex) of `canonical`.
    pub sha256: &'a str,
    /// The keyed hashes of the report's searchable words.
    pub word_hashes: &'a [String],
    /// The report's indicators, as the correlation index keeps them.
    pub indicators: &'a [IndexEntry],
}

/// Stores a report, or recognises a resubmission of its `external_id`: the same content
/// answers the original receipt, different content 409 naming the stored report.
///
/// Two concurrent submissions of one `external_id` store exactly one report: the loser's
/// insert hits the unique key and is answered like a resubmission.
pub fn submit(
    conn: &mut DbConnection,
    submitter: &Submitter,
    body: ReceivedBody<'_>,
) -> Result<Submission, ApiError> {
    let external_id = &body.report.external_id;
    if let Some(stored) = find_receipt(conn, &submitter.organization_id, external_id)? {
        return replay_or_conflict(stored, body.sha256);
    }
    check_prior_reports(
        conn,
        &submitter.organization_id,
        &body.report.prior_report_ids,
    )?;
    let id = super::new_id();
    let received_at = super::now();
    let inserted = portable::write_transaction(conn, |conn| {
        insert(conn, &id, received_at, submitter, &body)
    });
    if portable::is_unique_violation(&inserted) {
        let stored =
            find_receipt(conn, &submitter.organization_id, external_id)?.ok_or_else(|| {
                ApiError::Internal(anyhow::anyhow!("unique violation without a stored report"))
            })?;
        return replay_or_conflict(stored, body.sha256);
    }
    inserted?;
    let receipt = Receipt {
        id,
        external_id: external_id.clone(),
        status: ReportStatus::Received.for_submitter(),
        mode: submitter.mode,
        received_at: received_at.and_utc(),
        body_sha256: body.sha256.to_owned(),
    };
    Ok(Submission {
        receipt,
        replayed: false,
    })
}

fn replay_or_conflict(stored: Receipt, sha256: &str) -> Result<Submission, ApiError> {
    if stored.body_sha256 == sha256 {
        Ok(Submission {
            receipt: stored,
            replayed: true,
        })
    } else {
        Err(ApiError::Conflict {
            detail: format!(
                "report {} was already submitted with external_id {:?} and different content; \
                 send an amendment to change it",
                stored.id, stored.external_id
            ),
            existing_id: Some(stored.id),
        })
    }
}

/// `prior_report_ids` must name the organization's own reports (422 otherwise).
fn check_prior_reports(
    conn: &mut DbConnection,
    organization_id: &str,
    ids: &[uuid::Uuid],
) -> Result<(), ApiError> {
    if ids.is_empty() {
        return Ok(());
    }
    let wanted: Vec<String> = ids.iter().map(ToString::to_string).collect();
    let found: Vec<String> = reports::table
        .filter(reports::organization_id.eq(organization_id))
        .filter(reports::id.eq_any(&wanted))
        .select(reports::id)
        .load(conn)?;
    let errors: Vec<_> = wanted
        .iter()
        .enumerate()
        .filter(|(_, id)| !found.contains(id))
        .map(|(i, _)| {
            crate::error::FieldError::new(
                format!("/prior_report_ids/{i}"),
                "unknown_report",
                "must be the id of one of your organization's earlier reports",
            )
        })
        .collect();
    if errors.is_empty() {
        Ok(())
    } else {
        Err(ApiError::Invalid(errors))
    }
}

fn naive(at: &DateTime<Utc>) -> NaiveDateTime {
    at.naive_utc()
}

fn insert(
    conn: &mut DbConnection,
    id: &str,
    received_at: NaiveDateTime,
    submitter: &Submitter,
    body: &ReceivedBody<'_>,
) -> QueryResult<()> {
    let report = body.report;
    diesel::insert_into(reports::table)
        .values((
            reports::id.eq(id),
            reports::organization_id.eq(&submitter.organization_id),
            reports::client_id.eq(&submitter.client_id),
            reports::mode.eq(submitter.mode.as_ref()),
            reports::external_id.eq(&report.external_id),
            reports::service.eq(&report.service),
            reports::category.eq(report.category.as_ref()),
            reports::category_other.eq(&report.category_other),
            reports::severity.eq(report.severity.as_ref()),
            reports::summary.eq(&report.summary),
            reports::detection_method.eq(report.detection_method.as_ref()),
            reports::detected_at.eq(naive(&report.detected_at)),
            reports::activity_start.eq(report.activity_start.as_ref().map(naive)),
            reports::activity_end.eq(report.activity_end.as_ref().map(naive)),
            reports::languages.eq(report.languages.join(",")),
            reports::contact_name.eq(&report.contact.name),
            reports::contact_email.eq(&report.contact.email),
            reports::contact_phone.eq(&report.contact.phone),
            reports::preservation_reference.eq(&report.preservation_reference),
            reports::status.eq(ReportStatus::Received.as_ref()),
            reports::received_at.eq(received_at),
            reports::body.eq(body.canonical),
            reports::body_sha256.eq(body.sha256),
        ))
        .execute(conn)?;

    let accounts: Vec<_> = report
        .accounts
        .iter()
        .zip(0..)
        .map(|(a, position): (_, i32)| {
            (
                report_accounts::report_id.eq(id),
                report_accounts::position.eq(position),
                report_accounts::platform_account_id.eq(&a.platform_account_id),
                report_accounts::handle.eq(&a.handle),
                report_accounts::display_name.eq(&a.display_name),
                report_accounts::profile_url.eq(&a.profile_url),
                report_accounts::role.eq(a.role.as_ref()),
                report_accounts::created_at.eq(a.created_at.as_ref().map(naive)),
                report_accounts::follower_count.eq(a.follower_count),
                report_accounts::action_taken.eq(a.action_taken.as_ref()),
            )
        })
        .collect();
    insert_rows!(conn, report_accounts::table, &accounts)?;

    let handles: Vec<_> = report
        .accounts
        .iter()
        .zip(0..)
        .flat_map(|(a, account): (_, i32)| {
            a.contact_handles
                .iter()
                .zip(0..)
                .map(move |(h, position): (_, i32)| {
                    (
                        report_contact_handles::report_id.eq(id),
                        report_contact_handles::account_position.eq(account),
                        report_contact_handles::position.eq(position),
                        report_contact_handles::kind.eq(h.kind.as_ref()),
                        report_contact_handles::value.eq(&h.value),
                    )
                })
        })
        .collect();
    insert_rows!(conn, report_contact_handles::table, &handles)?;

    let content: Vec<_> = report
        .content
        .iter()
        .zip(0..)
        .map(|(c, position): (_, i32)| {
            (
                report_content::report_id.eq(id),
                report_content::position.eq(position),
                report_content::content_type.eq(c.content_type.as_ref()),
                report_content::url.eq(&c.url),
                report_content::posted_at.eq(c.posted_at.as_ref().map(naive)),
                report_content::text_excerpt.eq(&c.text_excerpt),
                report_content::language.eq(&c.language),
                report_content::sha256.eq(c.sha256.as_ref().map(|h| h.to_ascii_lowercase())),
                report_content::md5.eq(c.md5.as_ref().map(|h| h.to_ascii_lowercase())),
                report_content::pdq.eq(c.pdq.as_ref().map(|h| h.to_ascii_lowercase())),
                report_content::account_ref.eq(&c.account_ref),
                report_content::preserved.eq(c.preserved),
                report_content::removed.eq(c.removed),
            )
        })
        .collect();
    insert_rows!(conn, report_content::table, &content)?;

    let locations: Vec<_> = report
        .locations
        .iter()
        .zip(0..)
        .map(|(l, position): (_, i32)| {
            (
                report_locations::report_id.eq(id),
                report_locations::position.eq(position),
                report_locations::country.eq(&l.country),
                report_locations::subdivision.eq(&l.subdivision),
                report_locations::place.eq(&l.place),
            )
        })
        .collect();
    insert_rows!(conn, report_locations::table, &locations)?;

    let groups: Vec<_> = report
        .suspected_groups
        .iter()
        .map(|g| {
            (
                report_groups::report_id.eq(id),
                report_groups::code.eq(g.as_ref()),
            )
        })
        .collect();
    insert_rows!(conn, report_groups::table, &groups)?;

    let indicators: Vec<_> = report
        .indicators
        .iter()
        .map(|i| {
            (
                report_indicators::report_id.eq(id),
                report_indicators::code.eq(i.as_ref()),
            )
        })
        .collect();
    insert_rows!(conn, report_indicators::table, &indicators)?;

    let prior: Vec<_> = report
        .prior_report_ids
        .iter()
        .map(|p| {
            (
                report_prior_reports::report_id.eq(id),
                report_prior_reports::prior_report_id.eq(p.to_string()),
            )
        })
        .collect();
    insert_rows!(conn, report_prior_reports::table, &prior)?;

    let words: Vec<_> = body
        .word_hashes
        .iter()
        .map(|hash| {
            (
                report_words::report_id.eq(id),
                report_words::word_hash.eq(hash),
            )
        })
        .collect();
    insert_rows!(conn, report_words::table, &words)?;

    let submitter_actor = Actor {
        id: submitter.client_id.clone(),
        role: Role::Reporter,
    };
    let received = NewEvent {
        kind: "received",
        from: None,
        to: Some(ReportStatus::Received),
        reason: None,
        detail: None,
    };
    record_event(conn, id, &submitter_actor, received)?;
    super::correlation::index_new_report(conn, id, &submitter_actor, body.indicators)?;
    let stored = NewAuditEvent {
        target: Some(id.to_owned()),
        ..submitter.audit.clone()
    };
    super::audit::append(conn, &stored)
}

type ReceiptColumns = (
    reports::id,
    reports::external_id,
    reports::status,
    reports::mode,
    reports::received_at,
    reports::body_sha256,
);

const RECEIPT_COLUMNS: ReceiptColumns = (
    reports::id,
    reports::external_id,
    reports::status,
    reports::mode,
    reports::received_at,
    reports::body_sha256,
);

type ReceiptRow = (String, String, String, String, NaiveDateTime, String);

fn receipt(row: ReceiptRow) -> Result<Receipt, ApiError> {
    let (id, external_id, status, mode, received_at, body_sha256) = row;
    Ok(Receipt {
        id,
        external_id,
        status: parse::<ReportStatus>(&status)?.for_submitter(),
        mode: parse(&mode)?,
        received_at: received_at.and_utc(),
        body_sha256,
    })
}

fn find_receipt(
    conn: &mut DbConnection,
    organization_id: &str,
    external_id: &str,
) -> Result<Option<Receipt>, ApiError> {
    reports::table
        .filter(reports::organization_id.eq(organization_id))
        .filter(reports::external_id.eq(external_id))
        .select(RECEIPT_COLUMNS)
        .first::<ReceiptRow>(conn)
        .optional()?
        .map(receipt)
        .transpose()
}

/// Which of an organization's reports to read.
pub enum ReportKey {
    /// By the portal's id.
    Id(String),
    /// By the organization's own identifier.
    ExternalId(String),
}

/// One of the organization's own reports as submitted; 404 when absent or another's.
pub fn get(
    conn: &mut DbConnection,
    organization_id: &str,
    key: &ReportKey,
) -> Result<SubmittedReport, ApiError> {
    let query = reports::table
        .filter(reports::organization_id.eq(organization_id))
        .into_boxed();
    let query = match key {
        ReportKey::Id(id) => query.filter(reports::id.eq(id)),
        ReportKey::ExternalId(external_id) => query.filter(reports::external_id.eq(external_id)),
    };
    let (row, body) = query
        .select((RECEIPT_COLUMNS, reports::body))
        .first::<(ReceiptRow, String)>(conn)?;
    let report = serde_json::from_str(&body).map_err(|e| ApiError::Internal(e.into()))?;
    Ok(SubmittedReport {
        receipt: receipt(row)?,
        report,
    })
}

/// The organization's reports, newest first, optionally only those in `status`.
pub fn list(
    conn: &mut DbConnection,
    organization_id: &str,
    status: Option<SubmitterStatus>,
    page: &Page,
) -> Result<Paginated<ReportSummary>, ApiError> {
    let mut query = reports::table
        .filter(reports::organization_id.eq(organization_id))
        .order(reports::id.desc())
        .limit(page.limit + 1)
        .into_boxed();
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
    let rows = query
        .select((
            reports::id,
            reports::external_id,
            reports::status,
            reports::category,
            reports::severity,
            reports::mode,
            reports::received_at,
        ))
        .load::<(
            String,
            String,
            String,
            String,
            String,
            String,
            NaiveDateTime,
        )>(conn)?;
    let items = rows
        .into_iter()
        .map(
            |(id, external_id, status, category, severity, mode, received_at)| {
                Ok(ReportSummary {
                    id,
                    external_id,
                    status: parse::<ReportStatus>(&status)?.for_submitter(),
                    category: parse(&category)?,
                    severity: parse(&severity)?,
                    mode: parse(&mode)?,
                    received_at: received_at.and_utc(),
                })
            },
        )
        .collect::<Result<Vec<_>, ApiError>>()?;
    Ok(Paginated::from_overfetch(items, page, |r| &r.id))
}
