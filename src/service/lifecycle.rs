//! What an organization's API client does to a report it has stored: amend it, retract it.

use crate::auth::receipt::{ReceiptSigner, Received};
use crate::db::{DbConnection, portable};
use crate::domain::lifecycle::AmendmentReceipt;
use crate::domain::received::ReceivedAmendment;
use crate::domain::search::WordHasher;
use crate::domain::submission::SubmittedReport;
use crate::error::ApiError;
use crate::keys::KeyStore;
use crate::store::audit::{self, NewAuditEvent};
use crate::store::lifecycle;
use crate::store::owner::{ReportKey, Submitter};

/// The outcome of an amendment.
#[derive(Debug)]
pub struct Amended {
    /// The receipt (the original one on a replay).
    pub receipt: AmendmentReceipt,
    /// Whether the same amendment had already been stored for the report.
    pub replayed: bool,
}

/// Appends an amendment to one of `submitter`'s reports (see [`lifecycle::amend`]) and records
/// `event`, in one transaction; the receipt is signed after it commits. The same amendment sent
/// again answers its original receipt.
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
        let stored = lifecycle::amend(conn, keys, submitter, report_id, body, hasher)?;
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
/// one transaction; then answers the report as it stands.
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
        lifecycle::retract(conn, keys, submitter, report_id, reason)?;
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
