//! The audit log: appended to by every request that reads report content or changes anything,
//! sealed into one hash chain by one sealer at a time, read back in bounded groups for the
//! chain's walkers ([`crate::audit_chain`]), and listed for auditors with long fields cut.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::db::portable::{self, insert_rows};
use crate::db::schema::audit_events;
use crate::db::{DbConnection, MultiBackend};
use crate::domain::audit::{AuditEvent, GENESIS_HASH, Outcome, bounded};
use crate::domain::pagination::{Page, Paginated};
use crate::error::ApiError;

/// An event about to be appended. [`append_all`] keeps at most
/// [`MAX_FIELD_CHARS`](crate::domain::audit::MAX_FIELD_CHARS) characters of each text field,
/// whoever built the event.
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

/// Appends an event (call it inside the transaction of the change it records).
pub fn append(conn: &mut DbConnection, event: &NewAuditEvent) -> QueryResult<()> {
    append_all(conn, std::slice::from_ref(event))
}

/// Appends events in one multi-row insert (inside the transaction of the changes they record),
/// each text field [`bounded`]: the one place where what a client sent meets the log.
///
/// Inside a transaction that holds the sealer's lock until it commits, the events go in already
/// sealed, linked after the chain's head: a bulk transaction ([`portable::bulk_transaction`])
/// waits for the lock at its start; any other transaction tries it here and, when another
/// holds it, appends the events unsealed, for the sealer ([`seal`]), without waiting. Sealed
/// later, an event is written twice: the sealer's update makes a second version of its row and
/// a second entry in every index of the log, space that mostly stays (528 bytes an event at ten
/// million seeded reports).
pub fn append_all(conn: &mut DbConnection, events: &[NewAuditEvent]) -> QueryResult<()> {
    let at = super::now().and_utc();
    let kept = |field: &Option<String>| field.as_deref().map(bounded);
    let mut events: Vec<AuditEvent> = events
        .iter()
        .map(|event| AuditEvent {
            id: super::new_id(),
            at,
            actor: kept(&event.actor),
            role: kept(&event.role),
            action: event.action.to_owned(),
            target: kept(&event.target),
            outcome: event.outcome,
            ip: kept(&event.ip),
            request_id: kept(&event.request_id),
            seq: None,
            prev_hash: None,
            hash: None,
        })
        .collect();
    let sealer = portable::OneAtATime::AuditSealer;
    let sealing = portable::in_bulk()
        || (portable::in_transaction(conn)? && portable::try_lock_until_commit(conn, sealer)?);
    if sealing {
        link_after(&mut head(conn)?, &mut events);
    }
    let rows: Vec<_> = events
        .iter()
        .map(|event| {
            (
                audit_events::id.eq(&event.id),
                audit_events::at.eq(event.at.naive_utc()),
                audit_events::actor.eq(&event.actor),
                audit_events::role.eq(&event.role),
                audit_events::action.eq(&event.action),
                audit_events::target.eq(&event.target),
                audit_events::outcome.eq(event.outcome),
                audit_events::ip.eq(&event.ip),
                audit_events::request_id.eq(&event.request_id),
                audit_events::seq.eq(event.seq),
                audit_events::prev_hash.eq(&event.prev_hash),
                audit_events::hash.eq(&event.hash),
            )
        })
        .collect();
    insert_rows!(conn, audit_events::table, &rows).map(drop)
}

/// Links `events`, in order, after the chain's `head` (position and hash): each gets the next
/// position, the hash before it and its chain hash; `head` becomes the last of them.
fn link_after(head: &mut (i64, String), events: &mut [AuditEvent]) {
    let (seq, prev) = head;
    for event in events {
        *seq += 1;
        let hash = event.chain_hash(*seq, prev);
        event.seq = Some(*seq);
        event.prev_hash = Some(std::mem::replace(prev, hash.clone()));
        event.hash = Some(hash);
    }
}

/// The chain's head: the position and hash of the last sealed event, or 0 and the genesis hash
/// for an empty chain. Read under the sealer's lock.
fn head(conn: &mut DbConnection) -> QueryResult<(i64, String)> {
    let head: Option<(Option<i64>, Option<String>)> = audit_events::table
        .filter(audit_events::seq.is_not_null())
        .order(audit_events::seq.desc())
        .select((audit_events::seq, audit_events::hash))
        .first(conn)
        .optional()?;
    Ok(match head {
        Some((Some(seq), Some(hash))) => (seq, hash),
        _ => (0, GENESIS_HASH.to_owned()),
    })
}

/// An audit event as stored; [`list`] loads it with its text fields cut.
#[derive(Queryable, Selectable)]
#[diesel(table_name = audit_events, check_for_backend(diesel::pg::Pg, diesel::sqlite::Sqlite))]
struct EventRow {
    id: String,
    at: NaiveDateTime,
    actor: Option<String>,
    role: Option<String>,
    action: String,
    target: Option<String>,
    outcome: Outcome,
    ip: Option<String>,
    request_id: Option<String>,
    seq: Option<i64>,
    prev_hash: Option<String>,
    hash: Option<String>,
}

impl From<EventRow> for AuditEvent {
    fn from(row: EventRow) -> Self {
        AuditEvent {
            id: row.id,
            at: row.at.and_utc(),
            actor: row.actor,
            role: row.role,
            action: row.action,
            target: row.target,
            outcome: row.outcome,
            ip: row.ip,
            request_id: row.request_id,
            seq: row.seq,
            prev_hash: row.prev_hash,
            hash: row.hash,
        }
    }
}

/// Events sealed per transaction.
const SEAL_BATCH: i64 = 1000;

/// Rows measured at once before loading them ([`bounded`]).
const MEASURED: i64 = 256;

/// What the sealer and the chain's walkers load at once, in bytes of the events' text fields:
/// rows are loaded in groups up to this size, a larger row alone.
const LOADED_BYTES: i64 = 4 << 20;

/// The characters of a listed event's text field shown at most ([`list`]).
pub const SHOWN_CHARS: usize = 1024;

#[diesel::declare_sql_function]
extern "SQL" {
    /// The length of a text in bytes (SQLite 3.43 and PostgreSQL `octet_length`), which SQLite
    /// reads from the row's header without reading the text.
    fn octet_length(
        text: diesel::sql_types::Nullable<diesel::sql_types::Text>,
    ) -> diesel::sql_types::Nullable<diesel::sql_types::Integer>;

    /// `count` characters of a text from `start` (1-based; SQLite and PostgreSQL `substr`).
    fn substr<T: diesel::sql_types::SingleValue>(
        text: T,
        start: diesel::sql_types::Integer,
        count: diesel::sql_types::Integer,
    ) -> T;
}

/// An event's id and the size in bytes of each of its text fields (`None` for a null field).
#[derive(Queryable)]
struct Measured {
    id: String,
    actor: Option<i32>,
    role: Option<i32>,
    action: Option<i32>,
    target: Option<i32>,
    outcome: Option<i32>,
    ip: Option<i32>,
    request_id: Option<i32>,
    prev_hash: Option<i32>,
    hash: Option<i32>,
}

impl Measured {
    /// The bytes of all its text fields.
    fn bytes(&self) -> i64 {
        [
            self.actor,
            self.role,
            self.action,
            self.target,
            self.outcome,
            self.ip,
            self.request_id,
            self.prev_hash,
            self.hash,
        ]
        .into_iter()
        .map(|n| i64::from(n.unwrap_or(0)))
        .sum()
    }
}

/// The ids of `measured` (in their order) in groups to load at once: each group's text fields
/// hold at most [`LOADED_BYTES`] bytes, or it is one larger row alone.
fn in_groups_of_bounded_size(measured: Vec<Measured>) -> Vec<Vec<String>> {
    let mut groups: Vec<Vec<String>> = Vec::new();
    let mut size = 0;
    for row in measured {
        let bytes = row.bytes();
        match groups.last_mut() {
            Some(group) if size + bytes <= LOADED_BYTES => group.push(row.id),
            _ => {
                groups.push(vec![row.id]);
                size = 0;
            }
        }
        size += bytes;
    }
    groups
}

/// Measures the rows a query selects: its id and the size of each text field.
macro_rules! measured {
    ($query:expr, $conn:expr) => {
        $query
            .select((
                audit_events::id,
                octet_length(audit_events::actor),
                octet_length(audit_events::role),
                octet_length(audit_events::action.nullable()),
                octet_length(audit_events::target),
                octet_length(audit_events::outcome.nullable()),
                octet_length(audit_events::ip),
                octet_length(audit_events::request_id),
                octet_length(audit_events::prev_hash),
                octet_length(audit_events::hash),
            ))
            .load::<Measured>($conn)
    };
}

/// Seals every event not yet in the chain, oldest first; answers how many. One sealer at a time
/// across all replicas, so the chain never forks. Holds a bounded number of events at once.
pub fn seal(conn: &mut DbConnection) -> Result<usize, ApiError> {
    let mut sealed = 0;
    loop {
        let batch = portable::write_transaction(conn, |conn| -> Result<usize, ApiError> {
            portable::lock_until_commit(conn, portable::OneAtATime::AuditSealer)?;
            let mut head = head(conn)?;
            let pending = measured!(
                audit_events::table
                    .filter(audit_events::seq.is_null())
                    .order(audit_events::id.asc())
                    .limit(SEAL_BATCH),
                conn
            )?;
            let count = pending.len();
            // One statement per group: SQLite's UPDATE … FROM holds the rows it changes in a
            // temporary table (in memory: `temp_store`), so a group bounds that too.
            let mut linked = 0;
            for group in in_groups_of_bounded_size(pending) {
                let rows = audit_events::table
                    .filter(audit_events::id.eq_any(&group))
                    .order(audit_events::id.asc())
                    .select(EventRow::as_select())
                    .load(conn)?;
                let mut events: Vec<AuditEvent> = rows.into_iter().map(AuditEvent::from).collect();
                link_after(&mut head, &mut events);
                let links: Vec<_> = events
                    .iter()
                    .map(|e| serde_json::json!({"id": e.id, "seq": e.seq, "prev_hash": e.prev_hash, "hash": e.hash}))
                    .collect();
                let links = serde_json::Value::Array(links).to_string();
                linked += portable::link_audit_events(conn, &links)?;
            }
            if linked != count {
                return Err(ApiError::Internal(anyhow::anyhow!(
                    "sealed {linked} of {count} audit events"
                )));
            }
            Ok(count)
        })?;
        sealed += batch;
        if batch < SEAL_BATCH as usize {
            return Ok(sealed);
        }
    }
}

/// The next sealed events after position `after`, in position order: as many as [`bounded`]
/// loads at once (at least one when there is one), empty at the end of the chain.
pub fn sealed_after(conn: &mut DbConnection, after: i64) -> Result<Vec<AuditEvent>, ApiError> {
    let measured = measured!(
        audit_events::table
            .filter(audit_events::seq.gt(after))
            .order(audit_events::seq.asc())
            .limit(MEASURED),
        conn
    )?;
    let Some(group) = in_groups_of_bounded_size(measured).into_iter().next() else {
        return Ok(Vec::new());
    };
    Ok(audit_events::table
        .filter(audit_events::id.eq_any(&group))
        .order(audit_events::seq.asc())
        .select(EventRow::as_select())
        .load(conn)?
        .into_iter()
        .map(AuditEvent::from)
        .collect())
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

/// Events matching `filter`, newest first, each text field cut to [`SHOWN_CHARS`] characters
/// and `…` (read no further from the database), so that a page stays small whatever the table
/// holds; `verify` covers the whole fields.
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
    let shown = SHOWN_CHARS as i32 + 1;
    let items = query
        .select((
            audit_events::id,
            audit_events::at,
            substr(audit_events::actor, 1, shown),
            substr(audit_events::role, 1, shown),
            substr(audit_events::action, 1, shown),
            substr(audit_events::target, 1, shown),
            substr(audit_events::outcome, 1, shown),
            substr(audit_events::ip, 1, shown),
            substr(audit_events::request_id, 1, shown),
            audit_events::seq,
            substr(audit_events::prev_hash, 1, shown),
            substr(audit_events::hash, 1, shown),
        ))
        .load::<EventRow>(conn)?
        .into_iter()
        .map(|row| AuditEvent::from(row).shortened(SHOWN_CHARS))
        .collect();
    Ok(Paginated::from_overfetch(items, page, |e: &AuditEvent| {
        &e.id
    }))
}
