//! What an organization's API client does to a report it has stored: amend it, retract it.

use chrono::NaiveDateTime;

use crate::auth::receipt::{ReceiptSigner, Received};
use crate::db::{DbConnection, portable};
use crate::domain::indicators;
use crate::domain::lifecycle::{AmendmentReceipt, refuse_if_retracted};
use crate::domain::received::ReceivedAmendment;
use crate::domain::search::WordHasher;
use crate::domain::stats::Dimension;
use crate::domain::status::ReportStatus;
use crate::domain::submission::SubmittedReport;
use crate::domain::taxonomy::Severity;
use crate::error::ApiError;
use crate::keys::KeyStore;
use crate::store::audit::{self, NewAuditEvent};
use crate::store::events::{self, Change, Owner, Subject};
use crate::store::lifecycle::{self, OwnReport};
use crate::store::owner::{ReportKey, Submitter};
use crate::store::{correlation, outbox, stats};

/// The outcome of an amendment.
#[derive(Debug)]
pub struct Amended {
    /// The receipt (the original one on a replay).
    pub receipt: AmendmentReceipt,
    /// Whether the same amendment had already been stored for the report.
    pub replayed: bool,
}

/// Appends an amendment to one of `submitter`'s reports and records `event`, in one
/// transaction: checked against the report as it stands (422 pointing into the amendment), its
/// indicators added to the correlation index, a raised severity counted (and, raised to
/// critical, e-mailed as a new critical report is), its webhook event recorded. The receipt is
/// signed after it commits. The same amendment sent again answers its original receipt.
pub fn amend(
    conn: &mut DbConnection,
    keys: &KeyStore,
    submitter: &Submitter,
    report_id: &str,
    body: &ReceivedAmendment,
    (signer, hasher): (&ReceiptSigner, &WordHasher),
    event: &NewAuditEvent,
) -> Result<Amended, ApiError> {
    let (external_id, number, received_at, replayed) = portable::write_transaction(conn, |conn| {
        let stored = store_amendment(conn, keys, submitter, report_id, body, hasher)?;
        audit::append(conn, event)?;
        Ok::<_, ApiError>(stored)
    })?;
    let received_at = received_at.and_utc();
    let receipt = signer.sign(Received {
        report_id,
        organization_id: &submitter.organization_id,
        external_id: &external_id,
        amendment: Some(number),
        body_sha256: &body.sha256,
        received_at,
    })?;
    Ok(Amended {
        receipt: AmendmentReceipt {
            report_id: report_id.to_owned(),
            number,
            received_at,
            body_sha256: body.sha256.clone(),
            receipt,
        },
        replayed,
    })
}

/// Withdraws one of `submitter`'s reports (see [`lifecycle::retract`]) and records `event`, in
/// one transaction, with the change of counts and its webhook event; then answers the report
/// as it stands.
pub fn retract(
    conn: &mut DbConnection,
    keys: &KeyStore,
    submitter: &Submitter,
    report_id: &str,
    reason: &str,
    signer: &ReceiptSigner,
    event: &NewAuditEvent,
) -> Result<SubmittedReport, ApiError> {
    portable::write_transaction(conn, |conn| {
        let report = lifecycle::own_report(conn, submitter.owner(), report_id)?;
        if let Some(from) = lifecycle::retract(conn, keys, submitter, &report, reason)? {
            let to = ReportStatus::Retracted;
            stats::count_transition(conn, report_id, from, to, stats::Milestones::default())?;
            let subject = subject(submitter, &report, to);
            events::record_for(conn, &subject, Change::Moved { from, to })?;
        }
        audit::append(conn, event)?;
        Ok::<_, ApiError>(())
    })?;
    super::submission::report(
        conn,
        keys,
        submitter.owner(),
        &ReportKey::Id(report_id.to_owned()),
        signer,
    )
}

/// What [`amend`] does in its transaction, but for the audit event: answers the report's
/// `external_id`, the amendment's number and receipt time, and whether it was a replay.
fn store_amendment(
    conn: &mut DbConnection,
    keys: &KeyStore,
    submitter: &Submitter,
    report_id: &str,
    body: &ReceivedAmendment,
    hasher: &WordHasher,
) -> Result<(String, i32, NaiveDateTime, bool), ApiError> {
    let report = lifecycle::own_report(conn, submitter.owner(), report_id)?;
    refuse_if_retracted(report.status)?;
    if let Some((number, received_at)) =
        lifecycle::earlier_amendment(conn, report_id, &body.sha256)?
    {
        return Ok((report.external_id, number, received_at, true));
    }
    let (number, received_at) = lifecycle::insert(conn, keys, submitter, &report, body)?;
    let amendment = &body.amendment;
    let found = indicators::of_parts(
        &report.service,
        &amendment.accounts,
        &amendment.content,
        &format!("/amendments/{number}"),
    );
    let entries: Vec<_> = found.iter().map(|i| i.entry(hasher)).collect();
    correlation::index(conn, report_id, &entries, submitter.common_threshold)?;
    if let Some(raised) = amendment.severity {
        let from = report.severity.as_ref();
        stats::count_change(conn, report_id, Dimension::Severity, from, raised.as_ref())?;
        // A report raised to critical notifies as a new critical report does (live reports only).
        if raised == Severity::Critical {
            outbox::enqueue_new_reports(conn, submitter.mode, &[(report_id, raised)])?;
        }
    }
    let subject = subject(submitter, &report, report.status);
    events::record_for(conn, &subject, Change::Amended { number })?;
    Ok((report.external_id, number, received_at, false))
}

/// `report` of `submitter`, in `status`, as its webhook events name it.
fn subject<'a>(
    submitter: &'a Submitter,
    report: &'a OwnReport,
    status: ReportStatus,
) -> Subject<'a> {
    Subject {
        report_id: &report.id,
        owner: Owner {
            organization_id: &submitter.organization_id,
            mode: submitter.mode,
        },
        external_id: &report.external_id,
        status,
    }
}
