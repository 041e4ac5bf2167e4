//! Importing a platform's backlog (`report-portal import`): whom the import submits as, and
//! each chunk of prepared reports judged and stored by the submission's own code
//! ([`super::submission::store_reports`]) in one bulk transaction (`COPY` on PostgreSQL).

use crate::db::{DbConnection, portable};
use crate::domain::organization::OrganizationStatus;
use crate::domain::received::ReceivedBody;
use crate::domain::submission::check_resubmission;
use crate::error::ApiError;
use crate::keys::NewKey;
use crate::store;
use crate::store::audit::NewAuditEvent;
use crate::store::correlation::HeldIndex;
use crate::store::owner::Submitter;

use super::submission::{Judgement, read_and_judge, store_reports};

/// What became of one imported report.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Imported {
    /// Stored now (the API's 201).
    Stored,
    /// Already stored with the same content, by the API or an earlier import (the API's 200
    /// replay): skipped.
    Duplicate,
}

/// The submitter an import of credential `client_id` stores as: its organization, in its mode,
/// refused as the API refuses the credential's tokens (unknown or expired, revoked, the
/// organization not vetted). Records `report.import.start` (the command line's, targeting the
/// credential) in the audit log; each report stored is then recorded as `report.import`. No
/// analyst e-mail per report (`notify` false): a backlog is not news report by report. Values
/// shared by more than `common_threshold` reports are common.
pub fn importer(
    conn: &mut DbConnection,
    client_id: &str,
    common_threshold: u32,
) -> Result<Submitter, ApiError> {
    let access = store::organizations::credential_access(conn, client_id)?
        .ok_or_else(|| ApiError::Unauthenticated("no such credential, or it has expired".into()))?;
    if access.revoked {
        return Err(ApiError::Unauthenticated(
            "the credential has been revoked".into(),
        ));
    }
    if access.organization_status != OrganizationStatus::Vetted {
        return Err(ApiError::Forbidden("the organization is not vetted".into()));
    }
    super::recorded(
        conn,
        &NewAuditEvent::command_line("report.import.start", client_id),
        |_| Ok(()),
    )?;
    Ok(Submitter {
        organization_id: access.organization_id,
        client_id: client_id.to_owned(),
        mode: access.mode,
        audit: NewAuditEvent::command_line("report.import", ""),
        notify: false,
        common_threshold,
        feed_since: None,
    })
}

/// Holds the stored correlation index in this thread's memory for the lookups of the chunks
/// stored until it is dropped ([`HeldIndex`]): what an import takes before its first chunk.
pub fn hold_index() -> HeldIndex {
    HeldIndex::start()
}

/// Judges and stores `bodies` in order, each new one under its data key of `data_keys` (taken
/// beforehand, one a body), as a batch submission would, in one bulk transaction: one outcome
/// per body, or the refusal the API would have answered (409 for different content
/// under a stored `external_id` or one of the other mode, 410 for a purged one, 422 for unknown
/// `prior_report_ids`). With `stop_at_refusal`, nothing after the first refused body is stored
/// and the outcomes end with its refusal.
pub fn store_chunk(
    conn: &mut DbConnection,
    submitter: &Submitter,
    bodies: &[ReceivedBody],
    data_keys: &[NewKey],
    stop_at_refusal: bool,
) -> Result<Vec<Result<Imported, ApiError>>, ApiError> {
    if bodies.is_empty() {
        return Ok(Vec::new());
    }
    // A concurrent submission of one of the external ids hits the unique key: judged again, it
    // is then seen as stored (as `submission::submit` does).
    for _ in 0..=bodies.len().min(3) {
        let judged = portable::bulk_transaction(conn, |conn| {
            let mut end = bodies.len();
            let mut refused = Vec::new();
            if stop_at_refusal {
                let (judgements, _) = read_and_judge(conn, submitter, bodies)?;
                let outcomes = outcomes(judgements, bodies);
                if let Some(first) = outcomes.iter().position(Result::is_err) {
                    end = first;
                    refused = outcomes.into_iter().skip(first).take(1).collect();
                }
            }
            let judgements = store_reports(conn, submitter, &bodies[..end], data_keys)?;
            Ok::<_, diesel::result::Error>((judgements, refused))
        });
        if portable::is_unique_violation(&judged) {
            continue;
        }
        let (judgements, refused) = judged?;
        let mut outcomes = outcomes(judgements, bodies);
        outcomes.extend(refused);
        return Ok(outcomes);
    }
    Err(ApiError::Internal(anyhow::anyhow!(
        "imports kept colliding with concurrent submissions"
    )))
}

/// What each judgement means for an import: a replay with other content is the API's 409.
fn outcomes(
    judgements: Vec<Judgement>,
    bodies: &[ReceivedBody],
) -> Vec<Result<Imported, ApiError>> {
    judgements
        .into_iter()
        .zip(bodies)
        .map(|(judgement, body)| {
            let (row, created) = judgement?;
            if created {
                return Ok(Imported::Stored);
            }
            check_resubmission(&row.id, &row.external_id, &row.body_sha256, &body.sha256)?;
            Ok(Imported::Duplicate)
        })
        .collect()
}
