//! The dry run of a submission: the reports judged by the very code that judges a submission
//! ([`super::submission::read_and_judge`]), against what is stored, with nothing written.

use std::collections::HashSet;

use super::submission::read_and_judge;
use crate::db::DbConnection;
use crate::domain::received::ReceivedBody;
use crate::domain::submission::check_resubmission;
use crate::error::ApiError;
use crate::store::owner::Submitter;

/// What a submission of one report would answer, had it been sent instead of the dry run.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verdict {
    /// 201: it would be stored as a new report.
    New,
    /// 200: the same report is already stored (a replay); its id when it is stored already,
    /// `None` when an earlier report of the same dry-run batch is the one it repeats.
    Replay(Option<String>),
}

/// Judges `bodies` as [`super::submission::submit`] would, in order, each as if submitted
/// alone: a [`Verdict`], or the very refusal a submission would get (409 conflict, 422 unknown
/// `prior_report_ids`, 410 purged). Nothing is stored and no data key is used.
pub fn judge(
    conn: &mut DbConnection,
    submitter: &Submitter,
    bodies: &[ReceivedBody],
) -> Result<Vec<Result<Verdict, ApiError>>, ApiError> {
    let (judgements, new) = read_and_judge(conn, submitter, bodies)?;
    // Ids the judgement made up for reports that would be new: never shown, never stored.
    let unstored: HashSet<String> = new.into_iter().map(|(id, _)| id).collect();
    Ok(judgements
        .into_iter()
        .zip(bodies)
        .map(|(judgement, body)| {
            let (row, created) = judgement?;
            if created {
                return Ok(Verdict::New);
            }
            let stored = !unstored.contains(&row.id);
            check_resubmission(&row.id, &row.external_id, &row.body_sha256, &body.sha256)
                .map_err(|conflict| hide_unstored(conflict.into(), stored))?;
            Ok(Verdict::Replay(stored.then_some(row.id)))
        })
        .collect())
}

/// A conflict with an earlier report of the same dry-run batch names no id: that report exists
/// only in the dry run.
fn hide_unstored(conflict: ApiError, stored: bool) -> ApiError {
    match conflict {
        ApiError::Conflict { .. } if !stored => ApiError::Conflict {
            detail: "an earlier report of this batch has the same external_id and different \
                     content"
                .into(),
            existing_id: None,
        },
        other => other,
    }
}
