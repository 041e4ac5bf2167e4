//! Reports: submission, one or a batch (idempotent by `external_id`), and the submitter's reads.

use std::collections::{HashMap, HashSet};

use chrono::{DateTime, NaiveDateTime, SubsecRound, Utc};
use diesel::prelude::*;
use sha2::{Digest, Sha256};

use super::audit::NewAuditEvent;
use super::organizations::parse;
use super::review::{EventRow, NewEvent};
use crate::auth::receipt::{ReceiptSigner, Received};
use crate::db::portable::{self, insert_rows};
use crate::db::schema::{
    report_accounts, report_contact_handles, report_content, report_events, report_groups,
    report_indicators, report_locations, report_prior_reports, report_words, reports,
};
use crate::db::{DbConnection, MultiBackend};
use crate::domain::indicators::{self, IndexEntry};
use crate::domain::organization::CredentialMode;
use crate::domain::pagination::{Page, Paginated};
use crate::domain::report::{Account, ContentItem, Location, NewReport};
use crate::domain::search::WordHasher;
use crate::domain::status::{ReportStatus, SubmitterStatus};
use crate::domain::submission::{Receipt, ReportSummary, SubmittedReport};
use crate::domain::user::{Actor, Role};
use crate::error::ApiError;
use crate::keys::{KeyStore, NewKey, place};

/// Whose reports an API client sees and changes: its organization's, in its credential's mode.
/// A test-mode credential reaches only test reports, a live one only live reports; any other
/// report is absent to it (404).
#[derive(Debug, Clone, Copy)]
pub struct ReportOwner<'a> {
    /// The organization.
    pub organization_id: &'a str,
    /// The credential's mode.
    pub mode: CredentialMode,
}

impl<'a> ReportOwner<'a> {
    /// The owner's reports, to be filtered further: where every read or change of a
    /// submitter's own reports starts.
    pub(super) fn reports(self) -> reports::BoxedQuery<'a, MultiBackend> {
        reports::table
            .filter(reports::organization_id.eq(self.organization_id))
            .filter(reports::mode.eq(self.mode.as_ref().to_owned()))
            .into_boxed()
    }
}

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
    /// Whether analysts are e-mailed about its new live reports (`seed`'s synthetic ones are
    /// news to nobody unless asked for).
    pub notify: bool,
}

impl Submitter {
    /// The reports this submitter reaches.
    pub fn owner(&self) -> ReportOwner<'_> {
        ReportOwner {
            organization_id: &self.organization_id,
            mode: self.mode,
        }
    }
}

/// The outcome of a submission.
#[derive(Debug)]
pub struct Submission {
    /// The receipt (the original one on a replay).
    pub receipt: Receipt,
    /// Whether the report had already been stored with the same content.
    pub replayed: bool,
}

/// A report body ready to store: the validated report, when it was received, and the body as
/// received in canonical JSON with its SHA-256.
pub struct ReceivedBody {
    /// The validated report.
    pub report: NewReport,
    /// When the portal received it (stored as the report's `received_at`).
    pub received_at: NaiveDateTime,
    /// The body as received, canonical JSON.
    pub canonical: String,
    /// SHA-256 (hex) of `canonical`.
    pub sha256: String,
    /// The keyed hashes of the report's searchable words.
    pub word_hashes: Vec<String>,
    /// The report's indicators, as the correlation index keeps them.
    pub indicators: Vec<IndexEntry>,
    /// The keyed hashes of its platform account ids.
    pub account_hashes: AccountHashes,
}

/// The keyed hashes that stand for platform account ids in the database: each account's
/// `platform_account_id` and each content item's `account_ref`, in order.
pub struct AccountHashes {
    /// One per account.
    pub ids: Vec<String>,
    /// One per content item.
    pub refs: Vec<Option<String>>,
}

impl AccountHashes {
    /// The hashes of `accounts` and `content` under `hasher`.
    pub fn new(accounts: &[Account], content: &[ContentItem], hasher: &WordHasher) -> Self {
        AccountHashes {
            ids: accounts
                .iter()
                .map(|a| hasher.account_id(&a.platform_account_id))
                .collect(),
            refs: content
                .iter()
                .map(|c| c.account_ref.as_deref().map(|id| hasher.account_id(id)))
                .collect(),
        }
    }
}

impl ReceivedBody {
    /// Prepares a validated `report` received at `received_at` as `canonical` JSON: its hash,
    /// and its search words and indicators keyed under `hasher`.
    pub fn new(
        report: NewReport,
        canonical: String,
        received_at: DateTime<Utc>,
        hasher: &WordHasher,
    ) -> Self {
        ReceivedBody {
            sha256: hex::encode(Sha256::digest(canonical.as_bytes())),
            word_hashes: hasher.hash_words(report.searchable_texts()),
            indicators: indicators::index_entries(&report, hasher),
            account_hashes: AccountHashes::new(&report.accounts, &report.content, hasher),
            received_at: received_at.naive_utc().trunc_subsecs(6),
            report,
            canonical,
        }
    }
}

/// Stores reports (one, or a batch), each judged as if submitted alone and in order: a report
/// whose `external_id` is already stored, or was stored by an earlier item, answers the
/// original receipt when its content is the same and 409 naming the stored report otherwise;
/// one citing unknown `prior_report_ids` answers 422. The others are stored together in one
/// transaction, with one multi-row insert per table.
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
    for _ in 0..=bodies.len() {
        let judged = portable::write_transaction(conn, |conn| {
            judge_and_insert(conn, submitter, bodies, &data_keys)
        });
        if portable::is_unique_violation(&judged) {
            continue;
        }
        return Ok(judged?
            .into_iter()
            .zip(bodies)
            .map(|(judgement, body)| {
                let (row, created) = judgement?;
                let receipt = receipt(row, &submitter.organization_id, signer)?;
                if created {
                    Ok(Submission {
                        receipt,
                        replayed: false,
                    })
                } else {
                    replay_or_conflict(receipt, &body.sha256)
                }
            })
            .collect());
    }
    Err(ApiError::Internal(anyhow::anyhow!(
        "submissions kept colliding with concurrent ones"
    )))
}

/// How one report of a submission was judged: its receipt row and whether it is new, or why it
/// was refused.
pub(super) type Judgement = Result<(ReceiptRow, bool), ApiError>;

/// A report a judgement found new: the id made up for it, and its body.
pub(super) type Fresh<'b> = (String, &'b ReceivedBody);

/// Judges every body in order ([`judge`]) and inserts the new reports.
fn judge_and_insert(
    conn: &mut DbConnection,
    submitter: &Submitter,
    bodies: &[ReceivedBody],
    data_keys: &[NewKey],
) -> QueryResult<Vec<Judgement>> {
    let (judgements, new) = judge(conn, submitter, bodies)?;
    insert(conn, submitter, &new, data_keys)?;
    Ok(judgements)
}

/// Reads what is already stored for the bodies' `external_id`s and `prior_report_ids` (one
/// query each) and judges every body in order, as if each was submitted alone: its judgement,
/// and the new reports (a fresh id each) to insert. It writes nothing, so a dry run
/// (`super::dry_run`) judges with it too.
pub(super) fn judge<'b>(
    conn: &mut DbConnection,
    submitter: &Submitter,
    bodies: &'b [ReceivedBody],
) -> QueryResult<(Vec<Judgement>, Vec<Fresh<'b>>)> {
    let organization_id = &submitter.organization_id;
    let external_ids: Vec<&str> = bodies
        .iter()
        .map(|b| b.report.external_id.as_str())
        .collect();
    let mut claimed: HashMap<String, ReceiptRow> = reports::table
        .filter(reports::organization_id.eq(organization_id))
        .filter(reports::external_id.eq_any(&external_ids))
        .select(RECEIPT_COLUMNS)
        .load::<ReceiptRow>(conn)?
        .into_iter()
        .map(|row| (row.1.clone(), row))
        .collect();
    let purged = super::retention::purged_external_ids(conn, organization_id, &external_ids)?;
    let cited: Vec<String> = bodies
        .iter()
        .flat_map(|b| b.report.prior_report_ids.iter().map(ToString::to_string))
        .collect();
    let known_prior: HashSet<String> = if cited.is_empty() {
        HashSet::new()
    } else {
        submitter
            .owner()
            .reports()
            .filter(reports::id.eq_any(&cited))
            .select(reports::id)
            .load::<String>(conn)?
            .into_iter()
            .collect()
    };

    let mode = submitter.mode.as_ref();
    let mut judgements = Vec::with_capacity(bodies.len());
    let mut new = Vec::new();
    for body in bodies {
        let external_id = &body.report.external_id;
        // Column 3 of a receipt row and of a tombstone row is the report's mode.
        let other_mode = claimed
            .get(external_id)
            .map(|row| row.3.as_str())
            .or_else(|| purged.get(external_id).map(|row| row.3.as_str()))
            .is_some_and(|claimed_by| claimed_by != mode);
        if other_mode {
            judgements.push(Err(taken_in_other_mode(external_id)));
            continue;
        }
        if let Some(row) = claimed.get(external_id) {
            judgements.push(Ok((row.clone(), false)));
            continue;
        }
        if let Some(tombstone) = purged.get(external_id) {
            judgements.push(Err(super::retention::resubmission_of(tombstone)));
            continue;
        }
        if let Err(errors) = check_prior_reports(&body.report.prior_report_ids, &known_prior) {
            judgements.push(Err(errors));
            continue;
        }
        let row: ReceiptRow = (
            super::new_id(),
            external_id.clone(),
            ReportStatus::Received.as_ref().to_owned(),
            submitter.mode.as_ref().to_owned(),
            body.received_at,
            body.sha256.clone(),
        );
        claimed.insert(external_id.clone(), row.clone());
        new.push((row.0.clone(), body));
        judgements.push(Ok((row, true)));
    }
    Ok((judgements, new))
}

/// 409 for an `external_id` that a report of the organization in the other mode (live or test)
/// has, or had: an organization's external ids are one namespace, but a credential learns
/// nothing of the other mode's report, not even its id.
fn taken_in_other_mode(external_id: &str) -> ApiError {
    ApiError::Conflict {
        detail: format!(
            "external_id {external_id:?} is taken by a report of your organization in the other \
             mode (live or test); choose another"
        ),
        existing_id: None,
    }
}

pub(super) fn replay_or_conflict(stored: Receipt, sha256: &str) -> Result<Submission, ApiError> {
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

/// `prior_report_ids` must name the organization's own reports, `known` (422 otherwise).
fn check_prior_reports(ids: &[uuid::Uuid], known: &HashSet<String>) -> Result<(), ApiError> {
    let errors: Vec<_> = ids
        .iter()
        .enumerate()
        .filter(|(_, id)| !known.contains(&id.to_string()))
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

/// Inserts `new` reports (id and body), each with one of the fresh `data_keys`, which seals its
/// body: one multi-row insert per table for all of them.
fn insert(
    conn: &mut DbConnection,
    submitter: &Submitter,
    new: &[(String, &ReceivedBody)],
    data_keys: &[NewKey],
) -> QueryResult<()> {
    if new.is_empty() {
        return Ok(());
    }
    let rows: Vec<_> = new
        .iter()
        .zip(data_keys)
        .map(|((id, body), (key_id, key))| {
            let report = &body.report;
            (
                reports::id.eq(id),
                reports::organization_id.eq(&submitter.organization_id),
                reports::client_id.eq(&submitter.client_id),
                reports::mode.eq(submitter.mode.as_ref()),
                reports::external_id.eq(&report.external_id),
                reports::service.eq(&report.service),
                reports::category.eq(report.category.as_ref()),
                reports::severity.eq(report.severity.as_ref()),
                reports::detection_method.eq(report.detection_method.as_ref()),
                reports::detected_at.eq(naive(&report.detected_at)),
                reports::activity_start.eq(report.activity_start.as_ref().map(naive)),
                reports::activity_end.eq(report.activity_end.as_ref().map(naive)),
                reports::languages.eq(report.languages.join(",")),
                reports::status.eq(ReportStatus::Received.as_ref()),
                reports::received_at.eq(body.received_at),
                reports::body.eq(key.seal(&body.canonical, &place(id, "body"))),
                reports::body_sha256.eq(&body.sha256),
                reports::key_id.eq(key_id),
            )
        })
        .collect();
    insert_rows!(conn, reports::table, &rows)?;

    let parts: Vec<Parts<'_>> = new
        .iter()
        .map(|(id, body)| Parts {
            report_id: id,
            first: (0, 0, 0),
            accounts: &body.report.accounts,
            content: &body.report.content,
            locations: &body.report.locations,
            word_hashes: &body.word_hashes,
            account_hashes: &body.account_hashes,
        })
        .collect();
    insert_parts(conn, &parts)?;

    let groups: Vec<_> = new
        .iter()
        .flat_map(|(id, body)| {
            body.report.suspected_groups.iter().map(move |g| {
                (
                    report_groups::report_id.eq(id),
                    report_groups::code.eq(g.as_ref()),
                )
            })
        })
        .collect();
    insert_rows!(conn, report_groups::table, &groups)?;

    let indicators: Vec<_> = new
        .iter()
        .flat_map(|(id, body)| {
            body.report.indicators.iter().map(move |i| {
                (
                    report_indicators::report_id.eq(id),
                    report_indicators::code.eq(i.as_ref()),
                )
            })
        })
        .collect();
    insert_rows!(conn, report_indicators::table, &indicators)?;

    let prior: Vec<_> = new
        .iter()
        .flat_map(|(id, body)| {
            body.report.prior_report_ids.iter().map(move |p| {
                (
                    report_prior_reports::report_id.eq(id),
                    report_prior_reports::prior_report_id.eq(p.to_string()),
                )
            })
        })
        .collect();
    insert_rows!(conn, report_prior_reports::table, &prior)?;

    let submitter_actor = Actor {
        id: submitter.client_id.clone(),
        role: Role::Reporter,
    };
    let events: Vec<EventRow> = new
        .iter()
        .map(|(id, _)| {
            NewEvent {
                kind: "received",
                from: None,
                to: Some(ReportStatus::Received),
                detail: None,
            }
            .row(id, &submitter_actor)
        })
        .collect();
    insert_rows!(conn, report_events::table, &events)?;
    let entries: Vec<(&str, &[IndexEntry])> = new
        .iter()
        .map(|(id, body)| (id.as_str(), body.indicators.as_slice()))
        .collect();
    super::correlation::index_new_reports(
        conn,
        &submitter.organization_id,
        submitter.mode,
        &submitter_actor,
        &entries,
    )?;
    let severities: Vec<_> = new
        .iter()
        .map(|(id, body)| (id.as_str(), body.report.severity))
        .collect();
    if submitter.notify {
        super::outbox::enqueue_new_reports(conn, submitter.mode, &severities)?;
    }
    if submitter.mode == CredentialMode::Live {
        super::stats::count_new_reports(
            conn,
            &submitter.organization_id,
            new.iter().map(|(_, body)| (body.received_at, &body.report)),
        )?;
    }
    let stored: Vec<NewAuditEvent> = new
        .iter()
        .map(|(id, _)| NewAuditEvent {
            target: Some(id.clone()),
            ..submitter.audit.clone()
        })
        .collect();
    super::audit::append_all(conn, &stored)
}

/// What a submission or an amendment adds to one report: accounts (with their contact
/// handles), content items and locations, numbered on from `first` (the numbers of accounts,
/// content items and locations the report already has), and the keyed hashes of new words.
pub(super) struct Parts<'a> {
    /// The report.
    pub report_id: &'a str,
    /// The position of the first new account, content item and location.
    pub first: (i32, i32, i32),
    /// New accounts.
    pub accounts: &'a [Account],
    /// New content items.
    pub content: &'a [ContentItem],
    /// New locations.
    pub locations: &'a [Location],
    /// Search words the report is not yet indexed under.
    pub word_hashes: &'a [String],
    /// The keyed hashes of the new accounts' and content items' platform account ids.
    pub account_hashes: &'a AccountHashes,
}

/// Inserts the parts of any number of reports: one multi-row insert per table.
pub(super) fn insert_parts(conn: &mut DbConnection, parts: &[Parts<'_>]) -> QueryResult<()> {
    let accounts: Vec<_> = parts
        .iter()
        .flat_map(|p| {
            p.accounts
                .iter()
                .zip(&p.account_hashes.ids)
                .zip(p.first.0..)
                .map(move |((a, hashed_id), position)| {
                    (
                        report_accounts::report_id.eq(p.report_id),
                        report_accounts::position.eq(position),
                        report_accounts::platform_account_id.eq(hashed_id),
                        report_accounts::role.eq(a.role.as_ref()),
                        report_accounts::created_at.eq(a.created_at.as_ref().map(naive)),
                        report_accounts::follower_count.eq(a.follower_count),
                        report_accounts::action_taken.eq(a.action_taken.as_ref()),
                    )
                })
        })
        .collect();
    insert_rows!(conn, report_accounts::table, &accounts)?;

    let handles: Vec<_> = parts
        .iter()
        .flat_map(|p| {
            p.accounts
                .iter()
                .zip(p.first.0..)
                .flat_map(move |(a, account)| {
                    a.contact_handles
                        .iter()
                        .zip(0..)
                        .map(move |(h, position): (_, i32)| {
                            (
                                report_contact_handles::report_id.eq(p.report_id),
                                report_contact_handles::account_position.eq(account),
                                report_contact_handles::position.eq(position),
                                report_contact_handles::kind.eq(h.kind.as_ref()),
                            )
                        })
                })
        })
        .collect();
    insert_rows!(conn, report_contact_handles::table, &handles)?;

    let content: Vec<_> = parts
        .iter()
        .flat_map(|p| {
            p.content
                .iter()
                .zip(&p.account_hashes.refs)
                .zip(p.first.1..)
                .map(move |((c, hashed_ref), position)| {
                    (
                        report_content::report_id.eq(p.report_id),
                        report_content::position.eq(position),
                        report_content::content_type.eq(c.content_type.as_ref()),
                        report_content::posted_at.eq(c.posted_at.as_ref().map(naive)),
                        report_content::language.eq(&c.language),
                        report_content::sha256
                            .eq(c.sha256.as_ref().map(|h| h.to_ascii_lowercase())),
                        report_content::md5.eq(c.md5.as_ref().map(|h| h.to_ascii_lowercase())),
                        report_content::pdq.eq(c.pdq.as_ref().map(|h| h.to_ascii_lowercase())),
                        report_content::account_ref.eq(hashed_ref),
                        report_content::preserved.eq(c.preserved),
                        report_content::removed.eq(c.removed),
                    )
                })
        })
        .collect();
    insert_rows!(conn, report_content::table, &content)?;

    let locations: Vec<_> = parts
        .iter()
        .flat_map(|p| {
            p.locations
                .iter()
                .zip(p.first.2..)
                .map(move |(l, position)| {
                    (
                        report_locations::report_id.eq(p.report_id),
                        report_locations::position.eq(position),
                        report_locations::country.eq(&l.country),
                        report_locations::subdivision.eq(&l.subdivision),
                    )
                })
        })
        .collect();
    insert_rows!(conn, report_locations::table, &locations)?;

    let words: Vec<_> = parts
        .iter()
        .flat_map(|p| {
            p.word_hashes.iter().map(move |hash| {
                (
                    report_words::report_id.eq(p.report_id),
                    report_words::word_hash.eq(hash),
                )
            })
        })
        .collect();
    insert_rows!(conn, report_words::table, &words).map(drop)
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

pub(super) type ReceiptRow = (String, String, String, String, NaiveDateTime, String);

/// The receipt of a stored report, signed.
pub(super) fn receipt(
    row: ReceiptRow,
    organization_id: &str,
    signer: &ReceiptSigner,
) -> Result<Receipt, ApiError> {
    let (id, external_id, status, mode, received_at, body_sha256) = row;
    let received_at = received_at.and_utc();
    let receipt = signer.sign(Received {
        report_id: &id,
        organization_id,
        external_id: &external_id,
        amendment: None,
        body_sha256: &body_sha256,
        received_at,
    })?;
    Ok(Receipt {
        id,
        external_id,
        status: parse::<ReportStatus>(&status)?.for_submitter(),
        mode: parse(&mode)?,
        received_at,
        body_sha256,
        receipt,
    })
}

/// Which of an organization's reports to read.
pub enum ReportKey {
    /// By the portal's id.
    Id(String),
    /// By the organization's own identifier.
    ExternalId(String),
}

/// One of `owner`'s reports as submitted; 404 when absent or another's (also one of its
/// organization in the other mode).
pub fn get(
    conn: &mut DbConnection,
    keys: &KeyStore,
    owner: ReportOwner<'_>,
    key: &ReportKey,
    signer: &ReceiptSigner,
) -> Result<SubmittedReport, ApiError> {
    let query = owner.reports();
    let query = match key {
        ReportKey::Id(id) => query.filter(reports::id.eq(id)),
        ReportKey::ExternalId(external_id) => query.filter(reports::external_id.eq(external_id)),
    };
    let Some((row, body, key_id)) = query
        .select((RECEIPT_COLUMNS, reports::body, reports::key_id))
        .first::<(ReceiptRow, String, String)>(conn)
        .optional()?
    else {
        return Err(
            match super::retention::gone_or_not_found(conn, Some(owner), key) {
                ApiError::Gone(tombstone) => ApiError::Gone(Box::new(tombstone.for_submitter())),
                other => other,
            },
        );
    };
    let key = keys.one(&key_id)?;
    let body = key.open(&body, &place(&row.0, "body"))?;
    let report = serde_json::from_str(&body).map_err(|e| ApiError::Internal(e.into()))?;
    let amendments = super::lifecycle::amendments(conn, &row.0, &key)?;
    Ok(SubmittedReport {
        receipt: receipt(row, owner.organization_id, signer)?,
        report,
        amendments,
    })
}

/// `owner`'s reports, newest first, optionally only those in `status`.
pub fn list(
    conn: &mut DbConnection,
    owner: ReportOwner<'_>,
    status: Option<SubmitterStatus>,
    page: &Page,
) -> Result<Paginated<ReportSummary>, ApiError> {
    let mut query = owner
        .reports()
        .order(reports::id.desc())
        .limit(page.limit + 1);
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

/// Whether report `id` exists but is hidden from an API client of `organization_id` working in
/// `mode`: another organization's report, or one of the other mode. That is what a probe for
/// others' reports finds, as opposed to an id nobody has.
pub fn is_hidden_from(
    conn: &mut DbConnection,
    id: &str,
    organization_id: &str,
    mode: CredentialMode,
) -> Result<bool, ApiError> {
    let hidden: i64 = reports::table
        .filter(reports::id.eq(id))
        .filter(
            reports::organization_id
                .ne(organization_id)
                .or(reports::mode.ne(mode.as_ref())),
        )
        .count()
        .get_result(conn)?;
    Ok(hidden > 0)
}
