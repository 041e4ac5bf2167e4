//! The audit log: appended to by every request that reads report content or changes anything,
//! sealed into one hash chain by one sealer at a time, listed and verified for auditors.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::organizations::parse;
use crate::db::portable::{self, insert_rows};
use crate::db::schema::audit_events;
use crate::db::{DbConnection, MultiBackend};
use crate::domain::audit::{AuditEvent, GENESIS_HASH, Outcome, Verification};
use crate::domain::pagination::{Page, Paginated};
use crate::error::ApiError;

/// An event about to be appended.
#[derive(Debug, Clone)]
pub struct NewAuditEvent {
    /// Who: a user id, an API client id, or `None` for the command line and the system.
    pub actor: Option<String>,
    /// The actor's role.
    pub role: Option<String>,
    /// What, e.g. `report.read`.
    pub action: &'static str,
    /// On what.
    pub target: Option<String>,
    /// How it ended.
    pub outcome: Outcome,
    /// The client's address.
    pub ip: Option<String>,
    /// The request's id.
    pub request_id: Option<String>,
}

impl NewAuditEvent {
    /// The same event, as a failure.
    pub fn failed(self) -> Self {
        NewAuditEvent {
            outcome: Outcome::Failure,
            ..self
        }
    }

    /// An event of the portal itself, acting as `actor` (such as `system:retention`), with no
    /// address.
    pub fn system(actor: &str, action: &'static str, target: &str) -> Self {
        NewAuditEvent {
            actor: Some(actor.to_owned()),
            role: Some("system".into()),
            ..Self::command_line(action, target)
        }
    }

    /// An event of the command line (no actor, no address).
    pub fn command_line(action: &'static str, target: &str) -> Self {
        NewAuditEvent {
            actor: None,
            role: None,
            action,
            target: Some(target.to_owned()),
            outcome: Outcome::Success,
            ip: None,
            request_id: None,
        }
    }
}

/// Runs `work` and appends `event` in one transaction: the event is written exactly when what
/// it records happened (a change is committed with its event, or neither is).
pub fn recorded<T>(
    conn: &mut DbConnection,
    event: &NewAuditEvent,
    work: impl FnOnce(&mut DbConnection) -> Result<T, ApiError>,
) -> Result<T, ApiError> {
    recorded_as(conn, event, work, |_| None)
}

/// Like [`recorded`], with the event's target taken from what `work` answers (e.g. the id of
/// what it created) when `target_of` names one.
pub fn recorded_as<T>(
    conn: &mut DbConnection,
    event: &NewAuditEvent,
    work: impl FnOnce(&mut DbConnection) -> Result<T, ApiError>,
    target_of: impl FnOnce(&T) -> Option<String>,
) -> Result<T, ApiError> {
    portable::write_transaction(conn, |conn| {
        let value = work(conn)?;
        let target = target_of(&value).or_else(|| event.target.clone());
        append(
            conn,
            &NewAuditEvent {
                target,
                ..event.clone()
            },
        )?;
        Ok(value)
    })
}

/// Appends an event (call it inside the transaction of the change it records).
pub fn append(conn: &mut DbConnection, event: &NewAuditEvent) -> QueryResult<()> {
    append_all(conn, std::slice::from_ref(event))
}

/// Appends events in one multi-row insert (inside the transaction of the changes they record).
pub fn append_all(conn: &mut DbConnection, events: &[NewAuditEvent]) -> QueryResult<()> {
    let at = super::now();
    let rows: Vec<_> = events
        .iter()
        .map(|event| {
            (
                audit_events::id.eq(super::new_id()),
                audit_events::at.eq(at),
                audit_events::actor.eq(&event.actor),
                audit_events::role.eq(&event.role),
                audit_events::action.eq(event.action),
                audit_events::target.eq(&event.target),
                audit_events::outcome.eq(event.outcome.as_ref()),
                audit_events::ip.eq(&event.ip),
                audit_events::request_id.eq(&event.request_id),
            )
        })
        .collect();
    insert_rows!(conn, audit_events::table, &rows).map(drop)
}

type EventRow = (
    String,
    NaiveDateTime,
    Option<String>,
    Option<String>,
    String,
    Option<String>,
    String,
    Option<String>,
    Option<String>,
    Option<i64>,
    Option<String>,
    Option<String>,
);

type EventColumns = (
    audit_events::id,
    audit_events::at,
    audit_events::actor,
    audit_events::role,
    audit_events::action,
    audit_events::target,
    audit_events::outcome,
    audit_events::ip,
    audit_events::request_id,
    audit_events::seq,
    audit_events::prev_hash,
    audit_events::hash,
);

const EVENT_COLUMNS: EventColumns = (
    audit_events::id,
    audit_events::at,
    audit_events::actor,
    audit_events::role,
    audit_events::action,
    audit_events::target,
    audit_events::outcome,
    audit_events::ip,
    audit_events::request_id,
    audit_events::seq,
    audit_events::prev_hash,
    audit_events::hash,
);

fn event(row: EventRow) -> Result<AuditEvent, ApiError> {
    let (id, at, actor, role, action, target, outcome, ip, request_id, seq, prev_hash, hash) = row;
    Ok(AuditEvent {
        id,
        at: at.and_utc(),
        actor,
        role,
        action,
        target,
        outcome: parse(&outcome)?,
        ip,
        request_id,
        seq,
        prev_hash,
        hash,
    })
}

/// Events sealed per transaction.
const SEAL_BATCH: i64 = 1000;

/// Seals every event not yet in the chain, oldest first; answers how many. One sealer at a time
/// across all replicas, so the chain never forks.
pub fn seal(conn: &mut DbConnection) -> Result<usize, ApiError> {
    let mut sealed = 0;
    loop {
        let batch = portable::write_transaction(conn, |conn| -> Result<usize, ApiError> {
            portable::lock_audit_sealer(conn)?;
            let head: Option<(Option<i64>, Option<String>)> = audit_events::table
                .filter(audit_events::seq.is_not_null())
                .order(audit_events::seq.desc())
                .select((audit_events::seq, audit_events::hash))
                .first(conn)
                .optional()?;
            let (mut seq, mut prev) = match head {
                Some((Some(seq), Some(hash))) => (seq, hash),
                _ => (0, GENESIS_HASH.to_owned()),
            };
            let pending = audit_events::table
                .filter(audit_events::seq.is_null())
                .order(audit_events::id.asc())
                .limit(SEAL_BATCH)
                .select(EVENT_COLUMNS)
                .load::<EventRow>(conn)?;
            let mut links = Vec::with_capacity(pending.len());
            for row in &pending {
                let event = event(row.clone())?;
                seq += 1;
                let hash = event.chain_hash(seq, &prev);
                links.push(serde_json::json!({"id": event.id, "seq": seq, "prev_hash": prev, "hash": hash}));
                prev = hash;
            }
            if !links.is_empty() {
                let links = serde_json::Value::Array(links).to_string();
                let linked = portable::link_audit_events(conn, &links)?;
                if linked != pending.len() {
                    return Err(ApiError::Internal(anyhow::anyhow!(
                        "sealed {linked} of {} audit events",
                        pending.len()
                    )));
                }
            }
            Ok(pending.len())
        })?;
        sealed += batch;
        if batch < SEAL_BATCH as usize {
            return Ok(sealed);
        }
    }
}

/// The last sealed event's position and hash, if any.
pub fn head(conn: &mut DbConnection) -> Result<Option<(i64, String)>, ApiError> {
    let head: Option<(Option<i64>, Option<String>)> = audit_events::table
        .filter(audit_events::seq.is_not_null())
        .order(audit_events::seq.desc())
        .select((audit_events::seq, audit_events::hash))
        .first(conn)
        .optional()?;
    Ok(head.and_then(|(seq, hash)| seq.zip(hash)))
}

/// Walks the whole sealed chain: every event must be at the next position, name the previous
/// event's hash, and hash to what it says.
pub fn verify(conn: &mut DbConnection) -> Result<Verification, ApiError> {
    let mut checked = 0;
    let mut prev = GENESIS_HASH.to_owned();
    loop {
        let rows = audit_events::table
            .filter(audit_events::seq.gt(checked))
            .order(audit_events::seq.asc())
            .limit(SEAL_BATCH)
            .select(EVENT_COLUMNS)
            .load::<EventRow>(conn)?;
        let done = (rows.len() as i64) < SEAL_BATCH;
        for row in rows {
            let event = event(row)?;
            let seq = checked + 1;
            let intact = event.seq == Some(seq)
                && event.prev_hash.as_deref() == Some(prev.as_str())
                && event.hash.as_deref() == Some(event.chain_hash(seq, &prev).as_str());
            if !intact {
                return Ok(Verification {
                    valid: false,
                    checked,
                    first_invalid: Some(event.id),
                });
            }
            prev = event.hash.unwrap_or_default();
            checked = seq;
        }
        if done {
            return Ok(Verification {
                valid: true,
                checked,
                first_invalid: None,
            });
        }
    }
}

/// Which events to list.
#[derive(Debug, Clone, Default, serde::Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct AuditFilter {
    /// Only events by this actor.
    pub actor: Option<String>,
    /// Only events of this action, e.g. `report.read`.
    pub action: Option<String>,
    /// Only events on this target.
    pub target: Option<String>,
    /// Only events at or after this time (RFC 3339, years 0001 to 9999).
    #[serde(default, deserialize_with = "crate::domain::storable::optional_time")]
    pub from: Option<chrono::DateTime<chrono::Utc>>,
    /// Only events before this time (RFC 3339, years 0001 to 9999).
    #[serde(default, deserialize_with = "crate::domain::storable::optional_time")]
    pub to: Option<chrono::DateTime<chrono::Utc>>,
}

/// Events matching `filter`, newest first.
pub fn list(
    conn: &mut DbConnection,
    filter: &AuditFilter,
    page: &Page,
) -> Result<Paginated<AuditEvent>, ApiError> {
    let mut query = audit_events::table
        .order(audit_events::id.desc())
        .limit(page.limit + 1)
        .into_boxed::<MultiBackend>();
    if let Some(actor) = &filter.actor {
        query = query.filter(audit_events::actor.eq(actor.clone()));
    }
    if let Some(action) = &filter.action {
        query = query.filter(audit_events::action.eq(action.clone()));
    }
    if let Some(target) = &filter.target {
        query = query.filter(audit_events::target.eq(target.clone()));
    }
    if let Some(from) = filter.from {
        query = query.filter(audit_events::at.ge(from.naive_utc()));
    }
    if let Some(to) = filter.to {
        query = query.filter(audit_events::at.lt(to.naive_utc()));
    }
    if let Some(after) = &page.after {
        query = query.filter(audit_events::id.lt(after.clone()));
    }
    let items = query
        .select(EVENT_COLUMNS)
        .load::<EventRow>(conn)?
        .into_iter()
        .map(event)
        .collect::<Result<_, _>>()?;
    Ok(Paginated::from_overfetch(items, page, |e: &AuditEvent| {
        &e.id
    }))
}
