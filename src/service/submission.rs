//! Submitting reports (one or a batch, idempotent by `external_id`) and reading them back as
//! submitted, with their signed receipts.

use std::collections::{HashMap, HashSet};

use crate::auth::receipt::{ReceiptSigner, Received};
use crate::db::DbConnection;
use crate::db::portable::{self, Local};
use crate::domain::indicators::IndexEntry;
use crate::domain::organization::CredentialMode;
use crate::domain::received::ReceivedBody;
use crate::domain::retention::Tombstone;
use crate::domain::status::{ReportStatus, SubmitterStatus};
use crate::domain::submission::{
    Receipt, SubmittedReport, check_prior_reports, check_resubmission, taken_in_other_mode,
};
use crate::error::ApiError;
use crate::keys::{KeyStore, NewKey};
use crate::store::audit::{self, NewAuditEvent};
use crate::store::owner::{ReportKey, ReportOwner, Submitter};
use crate::store::reports::{self, StoredReceipt};
use crate::store::{correlation, events, feedback, lifecycle, outbox, stats, tombstones};

/// The outcome of a submission.
#[derive(Debug)]
pub struct Submission {
    /// The receipt (the original one on a replay).
    pub receipt: Receipt,
    /// Whether the report had already been stored with the same content.
    pub replayed: bool,
}

/// A report a judgement found new: the id made up for it, and its body.
pub type Fresh<'a> = (String, &'a ReceivedBody);

/// How one report of a submission was judged: its stored receipt and whether it is new, or why
/// it was refused.
pub type Judgement = Result<(StoredReceipt, bool), ApiError>;

/// Stores reports (one, or a batch), each judged as if submitted alone and in order: a report
/// whose `external_id` is already stored, or was stored by an earlier item, answers the
/// original receipt when its content is the same and 409 naming the stored report otherwise;
/// one citing unknown `prior_report_ids` answers 422. The others are stored together in one
/// transaction, with one multi-row insert per table; the receipts are signed after it commits.
///
/// Two concurrent submissions of one `external_id` store exactly one report: when the insert
/// hits the unique key, the whole is judged again (the other's report is then seen as stored).
pub fn submit(
    conn: &mut DbConnection,
    keys: &KeyStore,
    submitter: &Submitter,
    signer: &ReceiptSigner,
    bodies: &[ReceivedBody],
) -> Result<Vec<Result<Submission, ApiError>>, ApiError> {
    if bodies.is_empty() {
        return Ok(Vec::new());
    }
    // A key for each body, taken before the transaction: those of replays go unused.
    let data_keys = keys.take(bodies.len())?;
    let judged = judged_again_on_collision(conn, bodies.len(), |conn| {
        store_reports(conn, submitter, bodies, &data_keys)
    })?;
    Ok(judged
        .into_iter()
        .zip(bodies)
        .map(|(judgement, body)| outcome(judgement, body, submitter, signer))
        .collect())
}

/// Runs `store` in a write transaction, and again while it hits the unique key of a concurrent
/// submission of one of its `reports` reports' `external_id`s: each time, the other's report is
/// then seen as stored, so `reports + 1` tries are enough.
fn judged_again_on_collision<T>(
    conn: &mut DbConnection,
    reports: usize,
    mut store: impl FnMut(&mut DbConnection) -> diesel::QueryResult<T>,
) -> Result<T, ApiError> {
    for _ in 0..=reports {
        let judged = portable::write_transaction_under(conn, Local::GenericPlans, &mut store);
        if portable::is_unique_violation(&judged) {
            continue;
        }
        return Ok(judged?);
    }
    Err(ApiError::Internal(anyhow::anyhow!(
        "submissions kept colliding with concurrent ones"
    )))
}

/// One single submission waiting to be stored with others that arrived with it.
pub struct Single {
    /// Who submits it; its `audit` is its own request's.
    pub submitter: Submitter,
    /// The report.
    pub body: ReceivedBody,
}

/// Stores single submissions that arrived together in one transaction (a group commit): those
/// of one credential with one multi-row insert per table, each judged in arrival order as if
/// submitted alone and audited as its own request. Answers one outcome per submission, in
/// order: what [`submit`] would have answered for it alone. If the transaction fails for
/// another reason than concurrent inserts of their `external_id`s, each is then submitted
/// alone, so that none can fail the others; if it fails because the database went away, the
/// error is the answer for all (503, as for one alone).
pub fn submit_together(
    conn: &mut DbConnection,
    keys: &KeyStore,
    signer: &ReceiptSigner,
    singles: Vec<Single>,
) -> Result<Vec<Result<Submission, ApiError>>, ApiError> {
    let count = singles.len();
    let groups = by_credential(singles);
    let mut outcomes: Vec<Option<Result<Submission, ApiError>>> =
        (0..count).map(|_| None).collect();
    match store_groups(conn, keys, &groups) {
        Ok(judged) => {
            for (group, judgements) in groups.iter().zip(judged) {
                for ((judgement, body), index) in judgements
                    .into_iter()
                    .zip(&group.bodies)
                    .zip(&group.indexes)
                {
                    outcomes[*index] = Some(outcome(judgement, body, &group.submitter, signer));
                }
            }
        }
        // The database went away: each submission gets what one alone would (503 from
        // `AppState::db`, which finds it gone).
        Err(error) if crate::db::ping(conn).is_err() => return Err(error),
        Err(error) => {
            tracing::warn!(error = %error, "submissions stored together failed: each is stored alone");
            for group in &groups {
                for ((body, audit), index) in
                    group.bodies.iter().zip(&group.audits).zip(&group.indexes)
                {
                    let alone = Submitter {
                        audit: audit.clone(),
                        ..group.submitter.clone()
                    };
                    outcomes[*index] = Some(
                        submit(conn, keys, &alone, signer, std::slice::from_ref(body)).and_then(
                            |mut outcome| outcome.pop().unwrap_or_else(|| Err(missing_result())),
                        ),
                    );
                }
            }
        }
    }
    let mut outcomes: Vec<Result<Submission, ApiError>> = outcomes
        .into_iter()
        .map(|outcome| outcome.unwrap_or_else(|| Err(missing_result())))
        .collect();
    // Lost while each was stored alone: those not stored are as unavailable as the database.
    if outcomes.iter().any(is_internal) && crate::db::ping(conn).is_err() {
        for outcome in outcomes.iter_mut().filter(|outcome| is_internal(outcome)) {
            *outcome = Err(ApiError::Unavailable);
        }
    }
    Ok(outcomes)
}

/// Whether `outcome` is a fault of ours (perhaps the database's going away).
fn is_internal(outcome: &Result<Submission, ApiError>) -> bool {
    matches!(outcome, Err(ApiError::Internal(_)))
}

/// Single submissions of one credential, stored together.
struct Group {
    /// The credential (with the first one's audit event).
    submitter: Submitter,
    /// The reports, in arrival order.
    bodies: Vec<ReceivedBody>,
    /// The audit event of each one's request.
    audits: Vec<NewAuditEvent>,
    /// Where each one is among the submissions.
    indexes: Vec<usize>,
}

/// `singles` by credential, each group in arrival order.
fn by_credential(singles: Vec<Single>) -> Vec<Group> {
    let mut groups: Vec<Group> = Vec::new();
    for (index, Single { submitter, body }) in singles.into_iter().enumerate() {
        let same = |group: &&mut Group| {
            group.submitter.client_id == submitter.client_id
                && group.submitter.mode == submitter.mode
        };
        match groups.iter_mut().find(same) {
            Some(group) => {
                group.bodies.push(body);
                group.audits.push(submitter.audit);
                group.indexes.push(index);
            }
            None => groups.push(Group {
                audits: vec![submitter.audit.clone()],
                submitter,
                bodies: vec![body],
                indexes: vec![index],
            }),
        }
    }
    groups
}

/// Stores `groups` in one transaction ([`judged_again_on_collision`], as [`submit`] does);
/// answers each group's judgements.
fn store_groups(
    conn: &mut DbConnection,
    keys: &KeyStore,
    groups: &[Group],
) -> Result<Vec<Vec<Judgement>>, ApiError> {
    let count = groups.iter().map(|group| group.bodies.len()).sum();
    let data_keys = keys.take(count)?;
    judged_again_on_collision(conn, count, |conn| {
        let mut left = data_keys.as_slice();
        groups
            .iter()
            .map(|group| {
                let (taken, rest) = left.split_at(group.bodies.len());
                left = rest;
                let audits: Vec<&NewAuditEvent> = group.audits.iter().collect();
                store_audited(conn, &group.submitter, &group.bodies, &audits, taken)
            })
            .collect()
    })
}

/// What a submission answers for `body` once judged.
fn outcome(
    judgement: Judgement,
    body: &ReceivedBody,
    submitter: &Submitter,
    signer: &ReceiptSigner,
) -> Result<Submission, ApiError> {
    let (row, created) = judgement?;
    if !created {
        check_resubmission(&row.id, &row.external_id, &row.body_sha256, &body.sha256)?;
    }
    Ok(Submission {
        receipt: signed(row, &submitter.organization_id, signer)?,
        replayed: !created,
    })
}

/// A store that answered fewer results than it was given reports (a bug, logged as such).
pub fn missing_result() -> ApiError {
    ApiError::Internal(anyhow::anyhow!(
        "the store answered fewer results than reports"
    ))
}

/// Judges and stores reports inside the caller's transaction (what [`submit`] does in its
/// own): reads what is already stored for the bodies' `external_id`s and `prior_report_ids`
/// (one query each), judges every body in order, inserts the new reports with one of
/// `data_keys` each, and records their timeline, correlation index, e-mail, counts and audit
/// events. A replay is answered with its stored receipt, unjudged against the new body.
pub fn store_reports(
    conn: &mut DbConnection,
    submitter: &Submitter,
    bodies: &[ReceivedBody],
    data_keys: &[NewKey],
) -> Result<Vec<Judgement>, diesel::result::Error> {
    let audits = vec![&submitter.audit; bodies.len()];
    store_audited(conn, submitter, bodies, &audits, data_keys)
}

/// [`store_reports`] with the audit event of each body's own request (`audits`, one a body)
/// instead of the submitter's: how single submissions arriving together are stored at once.
fn store_audited(
    conn: &mut DbConnection,
    submitter: &Submitter,
    bodies: &[ReceivedBody],
    audits: &[&NewAuditEvent],
    data_keys: &[NewKey],
) -> Result<Vec<Judgement>, diesel::result::Error> {
    let (judgements, new) = read_and_judge(conn, submitter, bodies)?;
    if !new.is_empty() {
        let new_audits: Vec<&NewAuditEvent> = judgements
            .iter()
            .zip(audits)
            .filter(|(judgement, _)| matches!(judgement, Ok((_, true))))
            .map(|(_, audit)| *audit)
            .collect();
        let seqs = reports::insert(conn, submitter, &new, data_keys)?;
        record_new(conn, submitter, &new, &seqs, &new_audits)?;
    }
    Ok(judgements)
}

/// Reads what is already stored for the bodies' `external_id`s and `prior_report_ids` (one
/// query each) and judges every body in order ([`judge`]); writes nothing, so that the dry run
/// (`super::dry_run`) judges with the very code a submission does. Answers the judgements and
/// the new reports with the ids made up for them.
pub fn read_and_judge<'a>(
    conn: &mut DbConnection,
    submitter: &Submitter,
    bodies: &'a [ReceivedBody],
) -> Result<(Vec<Judgement>, Vec<Fresh<'a>>), diesel::result::Error> {
    let organization_id = &submitter.organization_id;
    let external_ids: Vec<&str> = bodies
        .iter()
        .map(|b| b.report.external_id.as_str())
        .collect();
    let mut claimed = reports::claimed(conn, organization_id, &external_ids)?;
    let purged = tombstones::purged_external_ids(conn, organization_id, &external_ids)?;
    let cited: Vec<String> = bodies
        .iter()
        .flat_map(|b| b.report.prior_report_ids.iter().map(ToString::to_string))
        .collect();
    let known_prior = reports::owned_among(conn, submitter.owner(), &cited)?;
    Ok(judge(
        submitter,
        bodies,
        &mut claimed,
        &purged,
        &known_prior,
    ))
}

/// Judges every body in order against what is `claimed` (stored, or taken by an earlier body),
/// `purged` and the `known_prior` reports; answers the judgements and the new reports with
/// their new ids.
fn judge<'a>(
    submitter: &Submitter,
    bodies: &'a [ReceivedBody],
    claimed: &mut HashMap<String, StoredReceipt>,
    purged: &HashMap<String, Tombstone>,
    known_prior: &HashSet<String>,
) -> (Vec<Judgement>, Vec<(String, &'a ReceivedBody)>) {
    let mode = submitter.mode;
    let mut judgements = Vec::with_capacity(bodies.len());
    let mut new = Vec::new();
    for body in bodies {
        let external_id = &body.report.external_id;
        let other_mode = claimed
            .get(external_id)
            .map(|row| row.mode)
            .or_else(|| purged.get(external_id).map(|tombstone| tombstone.mode))
            .is_some_and(|claimed_by| claimed_by != mode);
        if other_mode {
            judgements.push(Err(taken_in_other_mode(external_id).into()));
            continue;
        }
        if let Some(row) = claimed.get(external_id) {
            judgements.push(Ok((row.clone(), false)));
            continue;
        }
        if let Some(tombstone) = purged.get(external_id) {
            judgements.push(Err(tombstones::resubmission_of(tombstone)));
            continue;
        }
        if let Err(refusal) = check_prior_reports(&body.report.prior_report_ids, known_prior) {
            judgements.push(Err(refusal.into()));
            continue;
        }
        let row = StoredReceipt {
            id: crate::store::new_id(),
            external_id: external_id.clone(),
            status: ReportStatus::Received,
            mode,
            received_at: body.received_at,
            body_sha256: body.sha256.clone(),
        };
        claimed.insert(external_id.clone(), row.clone());
        new.push((row.id.clone(), body));
        judgements.push(Ok((row, true)));
    }
    (judgements, new)
}

/// Records what follows from storing `new` reports, given `seqs` (their `received` timeline
/// events are their own rows, see `store::review`): their feed events, their indicators in the
/// correlation index, the analysts' e-mail, the live counts and the audit events.
fn record_new(
    conn: &mut DbConnection,
    submitter: &Submitter,
    new: &[(String, &ReceivedBody)],
    seqs: &[i64],
    audits: &[&NewAuditEvent],
) -> diesel::QueryResult<()> {
    let received: Vec<(&str, &str, _)> = new
        .iter()
        .map(|(id, body)| {
            (
                id.as_str(),
                body.report.external_id.as_str(),
                body.received_at,
            )
        })
        .collect();
    let owner = events::Owner {
        organization_id: &submitter.organization_id,
        mode: submitter.mode,
    };
    let since = submitter.feed_since.map(|since| since.naive_utc());
    events::record_received(conn, owner, &received, since)?;
    let entries: Vec<(&str, i64, &[IndexEntry])> = new
        .iter()
        .zip(seqs)
        .map(|((id, body), seq)| (id.as_str(), *seq, body.indicators.as_slice()))
        .collect();
    correlation::index_new_reports(
        conn,
        &submitter.organization_id,
        submitter.mode,
        &entries,
        submitter.common_threshold,
    )?;
    if submitter.notify {
        let severities: Vec<_> = new
            .iter()
            .map(|(id, body)| (id.as_str(), body.report.severity))
            .collect();
        outbox::enqueue_new_reports(conn, submitter.mode, &severities)?;
    }
    if submitter.mode == CredentialMode::Live {
        stats::count_new_reports(
            conn,
            &submitter.organization_id,
            new.iter().map(|(_, body)| (body.received_at, &body.report)),
        )?;
    }
    let stored: Vec<NewAuditEvent> = new
        .iter()
        .zip(audits)
        .map(|((id, _), audit)| NewAuditEvent {
            target: Some(id.clone()),
            ..(*audit).clone()
        })
        .collect();
    audit::append_all(conn, &stored)
}

/// The receipt of stored report `row` of `organization_id`, signed.
fn signed(
    row: StoredReceipt,
    organization_id: &str,
    signer: &ReceiptSigner,
) -> Result<Receipt, ApiError> {
    row.receipt(|row| {
        signer.sign(Received {
            report_id: &row.id,
            organization_id,
            external_id: &row.external_id,
            amendment: None,
            body_sha256: &row.body_sha256,
            received_at: row.received_at.and_utc(),
        })
    })
}

/// [`report`], the reading recorded as `event` targeting the report found.
pub fn read_own(
    conn: &mut DbConnection,
    keys: &KeyStore,
    owner: ReportOwner<'_>,
    key: &ReportKey,
    signer: &ReceiptSigner,
    event: &NewAuditEvent,
) -> Result<SubmittedReport, ApiError> {
    super::recorded_as(
        conn,
        event,
        |conn| report(conn, keys, owner, key, signer),
        |r: &SubmittedReport| Some(r.receipt.id.clone()),
    )
}

/// One of `owner`'s reports as submitted, with its amendments and signed receipt: 404 when
/// absent or another's (also one of its organization in the other mode), 410 with the
/// tombstone as the submitter sees it when purged.
pub fn report(
    conn: &mut DbConnection,
    keys: &KeyStore,
    owner: ReportOwner<'_>,
    key: &ReportKey,
    signer: &ReceiptSigner,
) -> Result<SubmittedReport, ApiError> {
    let Some((row, report, data_key)) = reports::get(conn, keys, owner, key)? else {
        return Err(
            match tombstones::gone_or_not_found(conn, Some(owner), key) {
                ApiError::Gone(tombstone) => ApiError::Gone(Box::new(tombstone.for_submitter())),
                other => other,
            },
        );
    };
    let amendments = lifecycle::amendments(conn, &row.id, &data_key)?;
    let receipt = signed(row, owner.organization_id, signer)?;
    let feedback =
        feedback::get(conn, &receipt.id)?.filter(|_| receipt.status == SubmitterStatus::Closed);
    Ok(SubmittedReport {
        receipt,
        report,
        amendments,
        feedback,
    })
}
