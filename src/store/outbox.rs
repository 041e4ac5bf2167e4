//! The e-mail outbox: notifications queued in the transaction of the change they tell of (a new
//! report, a staff enrollment), claimed by delivery workers under a lease, the record of every
//! attempt, and what admins see. The queue itself (leases, attempts, release) is
//! [`super::queue`]'s.

use std::collections::BTreeMap;

use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::prelude::*;

use super::queue::{self, Lease, Queue};
use crate::auth::secret;
use crate::db::DbConnection;
use crate::db::portable::{self, Local, insert_rows, load_skipping_locked};
use crate::db::schema::{
    organizations, outbox, reports, staff_enrollments, users, webhook_endpoints,
};
use crate::domain::notification::{
    Notification, NotificationKind, NotificationStatus, OutboxDepth,
};
use crate::domain::organization::CredentialMode;
use crate::domain::pagination::{Page, Paginated};
use crate::domain::taxonomy::{Category, Severity};
use crate::domain::user::Role;
use crate::error::ApiError;

/// Queues a notification of `kind` about each of `reports` (report id, urgent), due at once,
/// inside the caller's transaction, so that each exists exactly when the change it tells of was
/// committed. `urgent` ones are sent before the others and say so in their subject.
pub fn enqueue(
    conn: &mut DbConnection,
    kind: NotificationKind,
    reports: &[(&str, bool)],
) -> QueryResult<()> {
    let now = super::now();
    let rows: Vec<_> = reports
        .iter()
        .map(|(report_id, urgent)| {
            (
                outbox::id.eq(super::new_id()),
                outbox::kind.eq(kind),
                outbox::report_id.eq(*report_id),
                outbox::urgent.eq(*urgent),
                outbox::status.eq(NotificationStatus::Pending),
                outbox::attempts.eq(0),
                outbox::next_attempt_at.eq(now),
                outbox::created_at.eq(now),
            )
        })
        .collect();
    insert_rows!(conn, outbox::table, &rows).map(drop)
}

/// An enrollment's message as queued.
#[derive(Insertable)]
#[diesel(table_name = outbox)]
struct NewEnrollmentMessageRow<'a> {
    id: String,
    kind: NotificationKind,
    enrollment_id: &'a str,
    urgent: bool,
    status: NotificationStatus,
    attempts: i32,
    next_attempt_at: NaiveDateTime,
    created_at: NaiveDateTime,
}

/// Queues the e-mail of enrollment `enrollment_id` to its account's holder, due at once, inside
/// the caller's transaction.
pub fn enqueue_enrollment(conn: &mut DbConnection, enrollment_id: &str) -> QueryResult<()> {
    let now = super::now();
    diesel::insert_into(outbox::table)
        .values(NewEnrollmentMessageRow {
            id: super::new_id(),
            kind: NotificationKind::StaffEnrollment,
            enrollment_id,
            urgent: false,
            status: NotificationStatus::Pending,
            attempts: 0,
            next_attempt_at: now,
            created_at: now,
        })
        .execute(conn)
        .map(drop)
}

/// Queues the analysts' notifications of newly stored reports (id, severity) of one `mode`:
/// urgent for critical ones, and none at all for test-mode reports.
pub fn enqueue_new_reports(
    conn: &mut DbConnection,
    mode: CredentialMode,
    reports: &[(&str, Severity)],
) -> QueryResult<()> {
    if mode == CredentialMode::Test {
        return Ok(());
    }
    let rows: Vec<(&str, bool)> = reports
        .iter()
        .map(|(id, severity)| (*id, *severity == Severity::Critical))
        .collect();
    enqueue(conn, NotificationKind::NewReport, &rows)
}

/// What a notification may say about its report: codes, the organization's name and a time;
/// never personal data or free text.
#[derive(Debug, Clone)]
pub struct ReportFacts {
    /// The report's id.
    pub id: String,
    /// Its category.
    pub category: Category,
    /// Its severity.
    pub severity: Severity,
    /// The submitting organization's name.
    pub organization: String,
    /// When the portal stored it.
    pub received_at: DateTime<Utc>,
    /// How many earlier reports share an indicator with it (a count, never a value).
    pub earlier_matches: usize,
}

/// What an enrollment message needs: whom it is for, and the link's token.
#[derive(Debug, Clone)]
pub struct EnrollmentFacts {
    /// The account's sign-in e-mail, the message's only recipient.
    pub email: String,
    /// The account's display name.
    pub display_name: String,
    /// The account's role.
    pub role: Role,
    /// The link's token, minted by this claim (only its hash is stored); `None` when the
    /// enrollment was used, expired or replaced before its message went out.
    pub token: Option<String>,
    /// When the link stops working.
    pub expires_at: DateTime<Utc>,
}

/// What a claimed notification tells, with what its message needs.
#[derive(Debug, Clone)]
pub enum About {
    /// A new report.
    NewReport(ReportFacts),
    /// A staff account's enrollment link.
    StaffEnrollment(EnrollmentFacts),
    /// An organization's disabled webhook endpoint.
    WebhookDisabled(DisabledFacts),
}

/// A notification a worker has claimed, with what its message needs.
#[derive(Debug, Clone)]
pub struct Claimed {
    /// The notification's id.
    pub id: String,
    /// Whether it is urgent.
    pub urgent: bool,
    /// Attempts made before this one.
    pub attempts: i32,
    /// What it tells.
    pub about: About,
}

impl Claimed {
    /// What kind of notification it is.
    pub fn kind(&self) -> NotificationKind {
        match self.about {
            About::NewReport(_) => NotificationKind::NewReport,
            About::StaffEnrollment(_) => NotificationKind::StaffEnrollment,
            About::WebhookDisabled(_) => NotificationKind::WebhookDisabled,
        }
    }
}

/// A claimed new-report notification with the facts of its report.
#[derive(Queryable, Selectable)]
#[diesel(table_name = outbox, check_for_backend(diesel::pg::Pg, diesel::sqlite::Sqlite))]
struct ClaimedReportRow {
    id: String,
    urgent: bool,
    attempts: i32,
    #[diesel(select_expression = reports::id)]
    report_id: String,
    #[diesel(select_expression = reports::category)]
    category: Category,
    #[diesel(select_expression = reports::severity)]
    severity: Severity,
    #[diesel(select_expression = organizations::name)]
    organization: String,
    #[diesel(select_expression = reports::received_at)]
    received_at: NaiveDateTime,
}

impl From<ClaimedReportRow> for Claimed {
    fn from(row: ClaimedReportRow) -> Self {
        Claimed {
            id: row.id,
            urgent: row.urgent,
            attempts: row.attempts,
            about: About::NewReport(ReportFacts {
                id: row.report_id,
                category: row.category,
                severity: row.severity,
                organization: row.organization,
                received_at: row.received_at.and_utc(),
                earlier_matches: 0,
            }),
        }
    }
}

/// A claimed enrollment message with its enrollment and account.
#[derive(Queryable, Selectable)]
#[diesel(table_name = outbox, check_for_backend(diesel::pg::Pg, diesel::sqlite::Sqlite))]
struct ClaimedEnrollmentRow {
    id: String,
    urgent: bool,
    attempts: i32,
    #[diesel(select_expression = staff_enrollments::id)]
    enrollment_id: String,
    #[diesel(select_expression = staff_enrollments::expires_at)]
    expires_at: NaiveDateTime,
    #[diesel(select_expression = staff_enrollments::used_at)]
    used_at: Option<NaiveDateTime>,
    #[diesel(select_expression = users::email)]
    email: String,
    #[diesel(select_expression = users::display_name)]
    display_name: String,
    #[diesel(select_expression = users::role)]
    role: Role,
}

/// Claims up to `limit` due notifications under `lease`: urgent ones first, then the oldest
/// (see [`queue::claim`]).
pub fn claim(conn: &mut DbConnection, lease: &Lease, limit: i64) -> Result<Vec<Claimed>, ApiError> {
    let due = |conn: &mut DbConnection, now: NaiveDateTime| {
        let due = outbox::table
            .filter(outbox::status.eq(NotificationStatus::Pending))
            .filter(outbox::next_attempt_at.le(now))
            .order((outbox::urgent.desc(), outbox::id.asc()))
            .limit(limit)
            .select(outbox::id);
        load_skipping_locked!(conn, due)
    };
    queue::claim(conn, Queue::Mail, lease, due, |conn, ids| {
        let reports = outbox::table
            .inner_join(reports::table.inner_join(organizations::table))
            .filter(outbox::id.eq_any(ids))
            .select(ClaimedReportRow::as_select())
            .load(conn)?
            .into_iter()
            .map(Claimed::from)
            .collect();
        let mut claimed = with_earlier_matches(conn, reports)?;
        claimed.extend(claim_enrollments(conn, ids)?);
        claimed.extend(disabled_notices(conn, ids)?);
        claimed.sort_by(|a, b| b.urgent.cmp(&a.urgent).then_with(|| a.id.cmp(&b.id)));
        Ok(claimed)
    })
}

/// The enrollment messages among the claimed `ids`, each with a freshly minted token whose hash
/// replaces the enrollment's (so only the latest message's link works, and a message retried
/// after a failure carries a link that works). Enrollments that no longer work get no token.
fn claim_enrollments(conn: &mut DbConnection, ids: &[String]) -> Result<Vec<Claimed>, ApiError> {
    let now = super::now();
    let rows = outbox::table
        .inner_join(staff_enrollments::table.inner_join(users::table))
        .filter(outbox::id.eq_any(ids))
        .select(ClaimedEnrollmentRow::as_select())
        .load(conn)?;
    rows.into_iter()
        .map(|row| {
            let open = row.used_at.is_none() && row.expires_at > now;
            let token = open.then(secret::new_secret);
            if let Some(token) = &token {
                diesel::update(staff_enrollments::table.find(&row.enrollment_id))
                    .set(staff_enrollments::token_hash.eq(secret::hash_secret(token)))
                    .execute(conn)?;
            }
            Ok(Claimed {
                id: row.id,
                urgent: row.urgent,
                attempts: row.attempts,
                about: About::StaffEnrollment(EnrollmentFacts {
                    email: row.email,
                    display_name: row.display_name,
                    role: row.role,
                    token,
                    expires_at: row.expires_at.and_utc(),
                }),
            })
        })
        .collect()
}

/// `claimed` with the count of earlier reports each one's report matches.
fn with_earlier_matches(
    conn: &mut DbConnection,
    mut claimed: Vec<Claimed>,
) -> Result<Vec<Claimed>, ApiError> {
    let ids: Vec<&str> = claimed
        .iter()
        .filter_map(|c| match &c.about {
            About::NewReport(report) => Some(report.id.as_str()),
            About::StaffEnrollment(_) | About::WebhookDisabled(_) => None,
        })
        .collect();
    let matches = super::correlation::earlier_matches(conn, &ids)?;
    for notification in &mut claimed {
        if let About::NewReport(report) = &mut notification.about {
            if let Some(correlation) = matches.get(&report.id) {
                report.earlier_matches = correlation.matching_reports;
            }
        }
    }
    Ok(claimed)
}

/// The staff members who asked to be e-mailed about new reports: active analysts and
/// supervisors with `notify` set.
pub fn staff_recipients(conn: &mut DbConnection) -> Result<Vec<String>, ApiError> {
    Ok(users::table
        .filter(users::active.eq(true))
        .filter(users::notify.eq(true))
        .filter(users::role.eq_any([Role::Analyst, Role::Supervisor]))
        .order(users::email.asc())
        .select(users::email)
        .load(conn)?)
}

/// Marks up to `limit` due new-report notifications failed with `error`, one attempt each, in
/// one short transaction (one statement picks them, one marks them), for when there is nobody to
/// send them to; rows another worker holds are left to it, and so are enrollment e-mails (they go
/// to their account's holder). Answers how many it marked.
pub fn fail_due_reports(
    conn: &mut DbConnection,
    error: &str,
    limit: i64,
) -> Result<usize, ApiError> {
    let now = super::now();
    portable::write_transaction_under(conn, Local::ShortLockWaits, |conn| {
        let due = outbox::table
            .filter(outbox::report_id.is_not_null())
            .filter(outbox::status.eq(NotificationStatus::Pending))
            .filter(outbox::next_attempt_at.le(now))
            .order((outbox::urgent.desc(), outbox::id.asc()))
            .limit(limit)
            .select(outbox::id);
        let ids: Vec<String> = load_skipping_locked!(conn, due)?;
        Ok(
            diesel::update(outbox::table.filter(outbox::id.eq_any(&ids)))
                .set((
                    outbox::attempts.eq(outbox::attempts + 1),
                    outbox::lease_owner.eq(None::<String>),
                    outbox::status.eq(NotificationStatus::Failed),
                    outbox::last_error.eq(error),
                ))
                .execute(conn)?,
        )
    })
}

/// How one delivery attempt ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Attempt {
    /// The mail server accepted the message.
    Sent,
    /// A transient failure: try again at `at`.
    Retry {
        /// What went wrong.
        error: String,
        /// When to try again.
        at: NaiveDateTime,
    },
    /// A permanent failure, or the last attempt allowed: an admin must retry it.
    Failed {
        /// What went wrong.
        error: String,
    },
}

/// One delivery attempt to record: the notification, to whom it went, and how it ended.
pub struct Attempted<'a> {
    /// The notification's id.
    pub id: &'a str,
    /// The addresses it was sent to.
    pub recipients: Vec<String>,
    /// How it ended.
    pub attempt: Attempt,
}

/// Records the attempts worker `owner` made and ends their leases (see
/// [`queue::record_attempts`]); answers the ids whose lease it no longer held. The messages sent
/// to the same addresses (every new-report e-mail goes to the same desk) are recorded by one
/// statement: one a message was a tenth of PostgreSQL's statement time under single
/// submissions.
pub fn record_attempts<'a>(
    conn: &mut DbConnection,
    owner: &str,
    attempts: &'a [Attempted<'a>],
) -> Result<Vec<&'a str>, ApiError> {
    let mut sent: BTreeMap<&'a [String], Vec<&'a str>> = BTreeMap::new();
    let mut unsent = Vec::new();
    for attempted in attempts {
        match attempted.attempt {
            Attempt::Sent => sent
                .entry(attempted.recipients.as_slice())
                .or_default()
                .push(attempted.id),
            _ => unsent.push(Recorded::One(attempted)),
        }
    }
    let recorded = sent
        .into_iter()
        .map(|(recipients, ids)| Recorded::Sent(recipients, ids))
        .chain(unsent);
    queue::record_attempts(conn, owner, recorded, record)
}

/// Attempts recorded by one statement.
enum Recorded<'a> {
    /// Messages sent, each to these addresses.
    Sent(&'a [String], Vec<&'a str>),
    /// One attempt.
    One(&'a Attempted<'a>),
}

/// Records attempts; answers the ids among them whose lease `owner` no longer held.
fn record<'a>(
    conn: &mut DbConnection,
    owner: &str,
    recorded: Recorded<'a>,
) -> Result<Vec<&'a str>, ApiError> {
    let (ids, recipients, attempt) = match recorded {
        Recorded::Sent(recipients, ids) => (ids, recipients, &Attempt::Sent),
        Recorded::One(attempted) => (
            vec![attempted.id],
            attempted.recipients.as_slice(),
            &attempted.attempt,
        ),
    };
    let held = outbox::table
        .filter(outbox::id.eq_any(&ids))
        .filter(outbox::lease_owner.eq(owner));
    let attempted = (
        outbox::attempts.eq(outbox::attempts + 1),
        outbox::lease_owner.eq(None::<String>),
        outbox::recipients.eq((!recipients.is_empty()).then(|| recipients.join(","))),
    );
    let updated: Vec<String> = match attempt {
        Attempt::Sent => diesel::update(held)
            .set((
                attempted,
                outbox::status.eq(NotificationStatus::Sent),
                outbox::sent_at.eq(super::now()),
            ))
            .returning(outbox::id)
            .get_results(conn)?,
        Attempt::Retry { error, at } => diesel::update(held)
            .set((
                attempted,
                outbox::next_attempt_at.eq(at),
                outbox::last_error.eq(error),
            ))
            .returning(outbox::id)
            .get_results(conn)?,
        Attempt::Failed { error } => diesel::update(held)
            .set((
                attempted,
                outbox::status.eq(NotificationStatus::Failed),
                outbox::last_error.eq(error),
            ))
            .returning(outbox::id)
            .get_results(conn)?,
    };
    Ok(ids
        .into_iter()
        .filter(|id| !updated.iter().any(|held| held == id))
        .collect())
}

/// What admins see of a notification, from the outbox left-joined with the enrollments.
#[derive(Queryable, Selectable)]
#[diesel(table_name = outbox, check_for_backend(diesel::pg::Pg, diesel::sqlite::Sqlite))]
struct NotificationRow {
    id: String,
    kind: NotificationKind,
    report_id: Option<String>,
    #[diesel(select_expression = staff_enrollments::user_id.nullable())]
    user_id: Option<String>,
    urgent: bool,
    status: NotificationStatus,
    attempts: i32,
    next_attempt_at: NaiveDateTime,
    created_at: NaiveDateTime,
    sent_at: Option<NaiveDateTime>,
    recipients: Option<String>,
    last_error: Option<String>,
}

impl From<NotificationRow> for Notification {
    fn from(row: NotificationRow) -> Self {
        Notification {
            id: row.id,
            kind: row.kind,
            report_id: row.report_id,
            user_id: row.user_id,
            urgent: row.urgent,
            status: row.status,
            attempts: row.attempts,
            next_attempt_at: row.next_attempt_at.and_utc(),
            created_at: row.created_at.and_utc(),
            sent_at: row.sent_at.map(|at| at.and_utc()),
            recipients: row
                .recipients
                .map(|r| r.split(',').map(str::to_owned).collect())
                .unwrap_or_default(),
            last_error: row.last_error,
        }
    }
}

/// The notifications, newest first, optionally only those in `status`.
pub fn list(
    conn: &mut DbConnection,
    status: Option<NotificationStatus>,
    page: &Page,
) -> Result<Paginated<Notification>, ApiError> {
    let mut query = outbox::table
        .left_join(staff_enrollments::table)
        .order(outbox::id.desc())
        .limit(page.limit + 1)
        .into_boxed();
    if let Some(status) = status {
        query = query.filter(outbox::status.eq(status));
    }
    if let Some(after) = &page.after {
        query = query.filter(outbox::id.lt(after));
    }
    let items = query
        .select(NotificationRow::as_select())
        .load(conn)?
        .into_iter()
        .map(Notification::from)
        .collect();
    Ok(Paginated::from_overfetch(items, page, |n| &n.id))
}

/// One notification; 404 when absent.
pub fn get(conn: &mut DbConnection, id: &str) -> Result<Notification, ApiError> {
    Ok(outbox::table
        .left_join(staff_enrollments::table)
        .filter(outbox::id.eq(id))
        .select(NotificationRow::as_select())
        .first(conn)?
        .into())
}

/// Queues a failed notification again, due at once, with a fresh round of attempts; 409 unless
/// it is failed (a pending one is queued already, a sent one would arrive twice).
pub fn retry(conn: &mut DbConnection, id: &str) -> Result<Notification, ApiError> {
    let requeued = queue::requeue(conn, Queue::Mail, id)?;
    let current = get(conn, id)?;
    if !requeued {
        return Err(ApiError::Conflict {
            detail: format!(
                "only a failed notification can be retried; this one is {}",
                current.status.as_ref()
            ),
            existing_id: None,
        });
    }
    Ok(current)
}

/// How many notifications are pending and how many failed.
pub fn depth(conn: &mut DbConnection) -> Result<OutboxDepth, ApiError> {
    let mut count = |status: NotificationStatus| -> QueryResult<i64> {
        outbox::table
            .filter(outbox::status.eq(status))
            .count()
            .get_result(conn)
    };
    Ok(OutboxDepth {
        pending: count(NotificationStatus::Pending)?,
        failed: count(NotificationStatus::Failed)?,
    })
}

/// What the e-mail about a disabled endpoint says: the organization, its contact, the endpoint.
#[derive(Debug, Clone)]
pub struct DisabledFacts {
    /// The organization's name.
    pub organization: String,
    /// The organization's contact e-mail, the message's only recipient (none: it cannot be sent).
    pub contact_email: Option<String>,
    /// The endpoint's id.
    pub endpoint_id: String,
    /// The endpoint's URL.
    pub url: String,
    /// Why it was disabled.
    pub reason: Option<String>,
}

/// The notices of disabled endpoints among the claimed outbox rows `ids`.
fn disabled_notices(conn: &mut DbConnection, ids: &[String]) -> Result<Vec<Claimed>, ApiError> {
    let rows = outbox::table
        .inner_join(webhook_endpoints::table.inner_join(organizations::table))
        .filter(outbox::id.eq_any(ids))
        .select((
            outbox::id,
            outbox::urgent,
            outbox::attempts,
            organizations::name,
            organizations::contact_email,
            webhook_endpoints::id,
            webhook_endpoints::url,
            webhook_endpoints::disabled_reason,
        ))
        .load::<(
            String,
            bool,
            i32,
            String,
            Option<String>,
            String,
            String,
            Option<String>,
        )>(conn)?;
    Ok(rows
        .into_iter()
        .map(
            |(id, urgent, attempts, organization, contact_email, endpoint_id, url, reason)| {
                Claimed {
                    id,
                    urgent,
                    attempts,
                    about: About::WebhookDisabled(DisabledFacts {
                        organization,
                        contact_email,
                        endpoint_id,
                        url,
                        reason,
                    }),
                }
            },
        )
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::db::migrated_sqlite;

    /// Row `id` of the outbox, pending and leased to `owner`.
    fn leased(conn: &mut DbConnection, id: &str, owner: &str) {
        let now = crate::store::now();
        diesel::insert_into(outbox::table)
            .values((
                outbox::id.eq(id),
                outbox::kind.eq(NotificationKind::StaffEnrollment),
                outbox::enrollment_id.eq(format!("enrollment-{id}")),
                outbox::urgent.eq(false),
                outbox::status.eq(NotificationStatus::Pending),
                outbox::attempts.eq(0),
                outbox::next_attempt_at.eq(now),
                outbox::lease_owner.eq(owner),
                outbox::created_at.eq(now),
            ))
            .execute(conn)
            .unwrap();
    }

    fn status(conn: &mut DbConnection, id: &str) -> (NotificationStatus, i32, Option<String>) {
        outbox::table
            .find(id)
            .select((outbox::status, outbox::attempts, outbox::lease_owner))
            .first(conn)
            .unwrap()
    }

    #[test]
    fn attempts_are_recorded_only_where_the_worker_still_holds_the_lease() {
        let dir = tempfile::tempdir().unwrap();
        let mut conn = migrated_sqlite(&dir.path().join("outbox.db"));
        // The rows' enrollments are not the point here.
        diesel::sql_query("PRAGMA foreign_keys = OFF")
            .execute(&mut conn)
            .unwrap();
        for (id, owner) in [("a", "w1"), ("b", "w1"), ("c", "w2"), ("d", "w1")] {
            leased(&mut conn, id, owner);
        }
        let desk = vec!["desk@dhs.example".to_string()];
        let attempts: Vec<Attempted> = ["a", "b", "c"]
            .into_iter()
            .map(|id| Attempted {
                id,
                recipients: desk.clone(),
                attempt: Attempt::Sent,
            })
            .chain([Attempted {
                id: "d",
                recipients: desk.clone(),
                attempt: Attempt::Retry {
                    error: "421".into(),
                    at: crate::store::now(),
                },
            }])
            .collect();
        let lost = record_attempts(&mut conn, "w1", &attempts).unwrap();
        assert_eq!(lost, ["c"]);
        assert_eq!(status(&mut conn, "a"), (NotificationStatus::Sent, 1, None));
        assert_eq!(status(&mut conn, "b"), (NotificationStatus::Sent, 1, None));
        assert_eq!(
            status(&mut conn, "c"),
            (NotificationStatus::Pending, 0, Some("w2".into()))
        );
        assert_eq!(
            status(&mut conn, "d"),
            (NotificationStatus::Pending, 1, None)
        );
    }
}
