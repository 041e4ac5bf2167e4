//! The analysts' work on reports: the filtered list, the full detail, assignment, status
//! transitions (with an optimistic version check), notes, and the timeline of every change.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::events::{Change, Owner, Subject};
use super::sealed::FreeText;
use super::stats::{CountedMove, Milestones};
use super::summaries::SummaryRow;
use super::timeline::{NewEvent, record_event, sealed_event};
use crate::db::portable::insert_rows;
use crate::db::schema::{
    organizations, report_events, report_groups, report_notes, reports, users,
};
use crate::db::{DbConnection, MultiBackend};
use crate::domain::organization::CredentialMode;
use crate::domain::pagination::{Page, Paginated};
use crate::domain::review::{Referral, Resolution, ReviewFilter, TransitionRequest, next_statuses};
use crate::domain::status::ReportStatus;
use crate::domain::user::{Actor, Role};
use crate::error::ApiError;
use crate::keys::{KeyStore, place};
use crate::read_model::review::{Note, ReviewDetail, ReviewSummary, TimelineEvent};
use crate::sealing::DataKey;

/// A report as its detail reads it: the list line, its organization's name and what only the
/// detail shows (the body and the referral still sealed).
#[derive(Queryable, Selectable)]
#[diesel(table_name = reports, check_for_backend(diesel::pg::Pg, diesel::sqlite::Sqlite))]
struct DetailRow {
    #[diesel(embed)]
    summary: SummaryRow,
    #[diesel(select_expression = organizations::name)]
    organization_name: String,
    #[diesel(deserialize_as = super::reports::HexDigest)]
    body_sha256: String,
    body: Vec<u8>,
    resolution: Option<Resolution>,
    sealed_referral: Option<String>,
    key_id: String,
    client_id: String,
    received_at: NaiveDateTime,
}

/// An internal note as stored: its body sealed.
#[derive(Queryable, Selectable, Insertable)]
#[diesel(table_name = report_notes, check_for_backend(diesel::pg::Pg, diesel::sqlite::Sqlite))]
struct NoteRow {
    id: String,
    report_id: String,
    author_id: String,
    at: NaiveDateTime,
    body: String,
}

/// One change of the report's timeline as stored: its reason and free-text detail sealed.
#[derive(Queryable, Selectable)]
#[diesel(table_name = report_events, check_for_backend(diesel::pg::Pg, diesel::sqlite::Sqlite))]
struct TimelineRow {
    id: String,
    at: NaiveDateTime,
    actor_id: Option<String>,
    actor_role: Role,
    kind: String,
    from_status: Option<ReportStatus>,
    to_status: Option<ReportStatus>,
    sealed_reason: Option<String>,
    detail: Option<String>,
    sealed_detail: Option<String>,
}

/// What an assignment or a note starts from: the report's version, assignee and data key id.
#[derive(Queryable, Selectable)]
#[diesel(table_name = reports, check_for_backend(diesel::pg::Pg, diesel::sqlite::Sqlite))]
struct Current {
    version: i32,
    assignee_id: Option<String>,
    key_id: String,
}

/// The reports matching `filter`, newest first; `word_keys` are the keys of the words of
/// `filter.q`, every one of which must appear.
pub fn list(
    conn: &mut DbConnection,
    filter: &ReviewFilter,
    word_keys: &[i64],
    page: &Page,
) -> Result<Paginated<ReviewSummary>, ApiError> {
    let mut query = reports::table
        .filter(reports::mode.eq(filter.mode.unwrap_or(CredentialMode::Live)))
        .order(reports::id.desc())
        .limit(page.limit + 1)
        .into_boxed::<MultiBackend>();
    if let Some(status) = filter.status {
        query = query.filter(reports::status.eq(status));
    }
    if let Some(severity) = filter.severity {
        query = query.filter(reports::severity.eq(severity));
    }
    if let Some(category) = filter.category {
        query = query.filter(reports::category.eq(category));
    }
    if let Some(group) = filter.group {
        let with_group = report_groups::table.filter(report_groups::code.eq(group));
        query = query.filter(reports::seq.eq_any(with_group.select(report_groups::report_seq)));
    }
    if let Some(organization_id) = &filter.organization_id {
        query = query.filter(reports::organization_id.eq(organization_id.clone()));
    }
    if let Some(service) = &filter.service {
        query = query.filter(reports::service.eq(service.clone()));
    }
    if let Some(assignee_id) = &filter.assignee_id {
        query = query.filter(reports::assignee_id.eq(assignee_id.clone()));
    }
    if let Some(from) = filter.received_from {
        query = query.filter(reports::received_at.ge(from.naive_utc()));
    }
    if let Some(to) = filter.received_to {
        query = query.filter(reports::received_at.lt(to.naive_utc()));
    }
    if let Some(related_to) = &filter.related_to {
        query = query.filter(super::correlation::related_to(conn, related_to)?);
    }
    if !word_keys.is_empty() {
        query = query.filter(super::words::containing_all(conn, word_keys));
    }
    if let Some(after) = &page.after {
        query = query.filter(reports::id.lt(after.clone()));
    }
    let items = query
        .select(SummaryRow::as_select())
        .load(conn)?
        .into_iter()
        .map(ReviewSummary::from)
        .collect();
    Ok(Paginated::from_overfetch(
        items,
        page,
        |r: &ReviewSummary| &r.id,
    ))
}

/// Everything about one report.
pub fn detail(
    conn: &mut DbConnection,
    keys: &KeyStore,
    id: &str,
) -> Result<ReviewDetail, ApiError> {
    let found = reports::table
        .inner_join(organizations::table)
        .filter(reports::id.eq(id))
        .select(DetailRow::as_select())
        .first(conn)
        .optional()?;
    let Some(row) = found else {
        return Err(super::tombstones::gone_or_not_found(
            conn,
            None,
            &super::owner::ReportKey::Id(id.to_owned()),
        ));
    };
    let key = keys.one(&row.key_id)?;
    let (legal_hold, released_at) = super::retention::hold_and_release(conn, id, &key)?;
    let referral = row
        .sealed_referral
        .map(|sealed| FreeText::Referral.open(&key, id, &sealed))
        .transpose()?
        .map(|json| serde_json::from_str::<Referral>(&json))
        .transpose()
        .map_err(|e| ApiError::Internal(e.into()))?;
    let body = key.open_body(&row.body, &place(id, "body"))?;
    let notes = report_notes::table
        .filter(report_notes::report_id.eq(id))
        .order(report_notes::id.asc())
        .select(NoteRow::as_select())
        .load(conn)?
        .into_iter()
        .map(|note| {
            let body = key.open(&note.body, &place(id, &format!("note/{}", note.id)))?;
            Ok(Note {
                id: note.id,
                author_id: note.author_id,
                at: note.at.and_utc(),
                body,
            })
        })
        .collect::<Result<_, ApiError>>()?;
    let stored = stored_events(conn, id, row.client_id, row.received_at)?;
    Ok(ReviewDetail {
        summary: row.summary.into(),
        organization_name: row.organization_name,
        body_sha256: row.body_sha256,
        resolution: row.resolution,
        referral,
        report: serde_json::from_str(&body).map_err(|e| ApiError::Internal(e.into()))?,
        amendments: super::lifecycle::amendments(conn, id, &key)?,
        evidence: super::evidence::list(conn, id, &key)?,
        notes,
        timeline: timeline(conn, id, &key, stored)?,
        related_counts: super::correlation::counts(conn, id)?,
        legal_hold,
        released_at,
    })
}

/// The report's timeline, its sealed reasons and details opened with the report's `key`, and
/// the events of its storing (`stored`) where no row holds them.
fn timeline(
    conn: &mut DbConnection,
    report_id: &str,
    key: &DataKey,
    stored: StoredEvents,
) -> Result<Vec<TimelineEvent>, ApiError> {
    let mut events = report_events::table
        .filter(report_events::report_id.eq(report_id))
        .order(report_events::id.asc())
        .select(TimelineRow::as_select())
        .load(conn)?
        .into_iter()
        .map(|row| {
            let reason = row
                .sealed_reason
                .map(|sealed| FreeText::EventReason(&row.id).open(key, report_id, &sealed))
                .transpose()?;
            let detail = match row.sealed_detail {
                Some(sealed) => Some(FreeText::EventDetail(&row.id).open(key, report_id, &sealed)?),
                None => row.detail,
            };
            Ok(TimelineEvent {
                id: row.id,
                at: row.at.and_utc(),
                actor_id: row.actor_id,
                actor_role: row.actor_role,
                kind: row.kind,
                from: row.from_status,
                to: row.to_status,
                reason,
                detail: detail
                    .as_deref()
                    .map(serde_json::from_str)
                    .transpose()
                    .map_err(|e| ApiError::Internal(e.into()))?,
            })
        })
        .collect::<Result<Vec<_>, ApiError>>()?;
    if !events.iter().any(|e| e.kind == RECEIVED) {
        events.insert(0, stored.received);
    }
    if let Some(correlated) = stored.correlated
        && !events.iter().any(|e| e.kind == CORRELATION)
    {
        let received = events.iter().position(|e| e.kind == RECEIVED);
        events.insert(received.map_or(0, |i| i + 1), correlated);
    }
    Ok(events)
}

/// The kind of the event of a report sharing indicators with earlier reports of other
/// organizations.
const CORRELATION: &str = "correlation";

/// The events of a report's storing, told by its own rows rather than rows of the timeline.
struct StoredEvents {
    /// It was received ([`received_event`]).
    received: TimelineEvent,
    /// It shares indicators with earlier reports of other organizations: what
    /// `correlation_counts` counted as it was stored. Reports stored before migration
    /// `correlation_events_from_counts` keep the row written then where the counts differ.
    correlated: Option<TimelineEvent>,
}

/// The events of storing report `report_id`, sent by API client `client_id` at `received_at`.
fn stored_events(
    conn: &mut DbConnection,
    report_id: &str,
    client_id: String,
    received_at: NaiveDateTime,
) -> QueryResult<StoredEvents> {
    let counted = super::correlation::earlier_matches(conn, &[report_id])?.remove(report_id);
    let correlated = counted
        .filter(|c| c.other_organizations > 0)
        .map(|c| TimelineEvent {
            id: format!("{report_id}:{CORRELATION}"),
            at: received_at.and_utc(),
            actor_id: Some(client_id.clone()),
            actor_role: Role::Reporter,
            kind: CORRELATION.to_owned(),
            from: None,
            to: None,
            reason: None,
            detail: Some(serde_json::json!({
                "matching_reports": c.matching_reports,
                "other_organizations": c.other_organizations,
            })),
        });
    Ok(StoredEvents {
        received: received_event(report_id, client_id, received_at),
        correlated,
    })
}

/// The kind of a report's first timeline event: it was stored.
const RECEIVED: &str = "received";

/// The `received` event of report `report_id`, sent by API client `client_id` and stored at
/// `received_at`. It is not stored for reports received since migration `body_only_copies`
/// (the report's own row holds all it says; its id is the report's), and reports received
/// before keep the one stored then.
fn received_event(report_id: &str, client_id: String, received_at: NaiveDateTime) -> TimelineEvent {
    TimelineEvent {
        id: report_id.to_owned(),
        at: received_at.and_utc(),
        actor_id: Some(client_id),
        actor_role: Role::Reporter,
        kind: RECEIVED.to_owned(),
        from: None,
        to: Some(ReportStatus::Received),
        reason: None,
        detail: None,
    }
}

/// The report's version, assignee and data key id, locked for this transaction where
/// the backend locks rows; 410 when it was purged.
fn current(conn: &mut DbConnection, id: &str) -> Result<Current, ApiError> {
    let found = reports::table
        .find(id)
        .select(Current::as_select())
        .first(conn)
        .optional()?;
    found.ok_or_else(|| {
        super::tombstones::gone_or_not_found(
            conn,
            None,
            &super::owner::ReportKey::Id(id.to_owned()),
        )
    })
}

/// What a report's moves start from: the state they change, and what their events and counts
/// say of the report.
#[derive(Queryable, Selectable)]
#[diesel(table_name = reports, check_for_backend(diesel::pg::Pg, diesel::sqlite::Sqlite))]
struct Moving {
    id: String,
    status: ReportStatus,
    version: i32,
    first_reviewed_at: Option<NaiveDateTime>,
    closed_at: Option<NaiveDateTime>,
    key_id: String,
    organization_id: String,
    mode: CredentialMode,
    external_id: String,
    received_at: NaiveDateTime,
}

/// Moves a report along the state machine (inside the caller's transaction); 409 with the
/// allowed moves for any other, and 409 when another change got there first.
pub fn transition(
    conn: &mut DbConnection,
    keys: &KeyStore,
    id: &str,
    actor: &Actor,
    request: &TransitionRequest,
) -> Result<(), ApiError> {
    transition_all(conn, keys, actor, &[(id, std::slice::from_ref(request))])
}

/// Moves each of several reports through its requests in order (inside the caller's
/// transaction), all at one time: what [`transition`] does for each move, with one read of the
/// reports, one update per report, and one write of the timeline events, the feed events and
/// each rollup for them all (the seeder's bulk path); each report is named once. Fails as a
/// whole at the first move the state machine refuses or a report changed meanwhile.
pub fn transition_all(
    conn: &mut DbConnection,
    keys: &KeyStore,
    actor: &Actor,
    moves: &[(&str, &[TransitionRequest])],
) -> Result<(), ApiError> {
    let ids: Vec<&str> = moves.iter().map(|(id, _)| *id).collect();
    let mut rows: std::collections::HashMap<String, Moving> = std::collections::HashMap::new();
    for chunk in ids.chunks(crate::db::portable::ROWS_PER_STATEMENT) {
        let found = reports::table
            .filter(reports::id.eq_any(chunk))
            .select(Moving::as_select())
            .load(conn)?;
        rows.extend(found.into_iter().map(|row| (row.id.clone(), row)));
    }
    let key_ids: Vec<&str> = rows.values().map(|row| row.key_id.as_str()).collect();
    let data_keys = keys.fetch(&key_ids)?;
    let now = super::now();
    let mut timeline = Vec::new();
    let mut changes = Vec::new();
    let mut counted = Vec::new();
    let mut feedback = Vec::new();
    for (id, requests) in moves {
        let Some(row) = rows.get(*id) else {
            return Err(super::tombstones::gone_or_not_found(
                conn,
                None,
                &super::owner::ReportKey::Id((*id).to_owned()),
            ));
        };
        let key = data_keys.get(&row.key_id).ok_or_else(|| {
            ApiError::Internal(anyhow::anyhow!("the data key of report {id} is gone"))
        })?;
        let (mut status, mut first_reviewed_at, mut closed_at) =
            (row.status, row.first_reviewed_at, row.closed_at);
        let (mut resolution, mut referral) = (None, None);
        for request in *requests {
            let from = status;
            let allowed = next_statuses(from, actor.role);
            if !allowed.contains(&request.to) {
                return Err(ApiError::InvalidTransition {
                    from: from.as_ref().to_owned(),
                    to: request.to.as_ref().to_owned(),
                    allowed: allowed.iter().map(|s| s.as_ref().to_owned()).collect(),
                });
            }
            let to = request.to;
            let milestones = Milestones {
                first_review: from == ReportStatus::Received && first_reviewed_at.is_none(),
                first_closure: to == ReportStatus::Closed && closed_at.is_none(),
            };
            if milestones.first_review {
                first_reviewed_at = Some(now);
            }
            if to == ReportStatus::Closed {
                closed_at = Some(now);
            }
            status = to;
            resolution = request.resolution;
            referral = match &request.referral {
                Some(given) => Some(FreeText::Referral.seal(
                    key,
                    id,
                    &serde_json::to_string(given).map_err(|e| ApiError::Internal(e.into()))?,
                )),
                None => None,
            };
            if row.mode == CredentialMode::Live {
                counted.push(CountedMove {
                    received_at: row.received_at,
                    from,
                    to,
                    milestones,
                });
            }
            let subject = Subject {
                report_id: id,
                owner: Owner {
                    organization_id: &row.organization_id,
                    mode: row.mode,
                },
                external_id: &row.external_id,
                status: to,
            };
            changes.push((subject, Change::Moved { from, to }));
            if let Some(given) = &request.feedback {
                feedback.push((*id, given));
            }
            let detail =
                serde_json::json!({"referral": request.referral, "resolution": request.resolution});
            let event = NewEvent {
                kind: "transition",
                from: Some(from),
                to: Some(to),
                detail: Some(detail),
            };
            timeline.push(sealed_event(key, id, actor, event, &request.reason));
        }
        let moved = reports::table
            .find(id)
            .filter(reports::version.eq(row.version));
        let changed = diesel::update(moved)
            .set((
                reports::status.eq(status),
                reports::version.eq(row.version + requests.len() as i32),
                reports::resolution.eq(resolution),
                reports::sealed_referral.eq(referral),
                reports::first_reviewed_at.eq(first_reviewed_at),
                reports::closed_at.eq(closed_at),
                // A release is for the status it was given in: any move withdraws it.
                reports::released_at.eq(None::<NaiveDateTime>),
            ))
            .execute(conn)?;
        if changed == 0 {
            return Err(ApiError::Conflict {
                detail: "the report changed while this request was made; read it again and retry"
                    .into(),
                existing_id: None,
            });
        }
    }
    super::stats::count_moves(conn, &counted, now)?;
    super::events::record_all(conn, &changes)?;
    for (id, given) in feedback {
        super::feedback::record(conn, id, given)?;
    }
    insert_rows!(conn, report_events::table, &timeline)?;
    Ok(())
}

/// Assigns a report (or unassigns it with `None`), inside the caller's transaction. An analyst may only take an unassigned report
/// for themself; a supervisor may assign any active analyst or supervisor, or unassign.
pub fn assign(
    conn: &mut DbConnection,
    id: &str,
    actor: &Actor,
    assignee: Option<&str>,
) -> Result<(), ApiError> {
    {
        let Current {
            version,
            assignee_id: current_assignee,
            ..
        } = current(conn, id)?;
        if actor.role != Role::Supervisor {
            if assignee != Some(actor.id.as_str()) {
                return Err(ApiError::Forbidden(
                    "an analyst may only take a report for themself".into(),
                ));
            }
            if let Some(holder) = current_assignee.filter(|holder| *holder != actor.id) {
                return Err(ApiError::Conflict {
                    detail: format!("the report is already assigned to {holder}"),
                    existing_id: None,
                });
            }
        }
        if let Some(assignee) = assignee {
            let role: Option<Role> = users::table
                .find(assignee)
                .filter(users::active)
                .select(users::role)
                .first(conn)
                .optional()?;
            let can_review = matches!(role, Some(Role::Analyst | Role::Supervisor));
            if !can_review {
                return Err(ApiError::invalid(
                    "/assignee_id",
                    "assignee",
                    "must be an active analyst or supervisor",
                ));
            }
        }
        let changed = diesel::update(reports::table.find(id).filter(reports::version.eq(version)))
            .set((
                reports::assignee_id.eq(assignee),
                reports::version.eq(version + 1),
            ))
            .execute(conn)?;
        if changed == 0 {
            return Err(ApiError::Conflict {
                detail: "the report changed meanwhile; retry".into(),
                existing_id: None,
            });
        }
        let detail = serde_json::json!({"assignee_id": assignee});
        record_event(
            conn,
            id,
            actor,
            NewEvent {
                kind: "assignment",
                from: None,
                to: None,
                detail: Some(detail),
            },
        )?;
        Ok(())
    }
}

/// Adds an internal note (in the caller's transaction); answers it.
pub fn add_note(
    conn: &mut DbConnection,
    keys: &KeyStore,
    id: &str,
    actor: &Actor,
    body: &str,
) -> Result<Note, ApiError> {
    let key_id = current(conn, id)?.key_id;
    let note_id = super::new_id();
    let at = super::now();
    let sealed = keys
        .one(&key_id)?
        .seal(body, &place(id, &format!("note/{note_id}")));
    diesel::insert_into(report_notes::table)
        .values(NoteRow {
            id: note_id.clone(),
            report_id: id.to_owned(),
            author_id: actor.id.clone(),
            at,
            body: sealed,
        })
        .execute(conn)?;
    let detail = serde_json::json!({"note_id": note_id});
    record_event(
        conn,
        id,
        actor,
        NewEvent {
            kind: "note",
            from: None,
            to: None,
            detail: Some(detail),
        },
    )?;
    Ok(Note {
        id: note_id,
        author_id: actor.id.clone(),
        at: at.and_utc(),
        body: body.to_owned(),
    })
}
