//! The one queue of both outboxes, the e-mail notifications (`outbox`) and the webhook
//! deliveries (`webhook_deliveries`): rows due at `next_attempt_at`, claimed a batch at a time
//! under a [`Lease`], each attempt recorded, tried again on a [`Schedule`], failed after the
//! last attempt, given back when a worker stops, and queued again by hand.
//!
//! A claim pushes the rows' `next_attempt_at` to the end of the lease and names the worker in
//! `lease_owner`: no other worker takes them meanwhile, and if their worker dies they simply
//! fall due again when the lease ends. What differs between the two (which rows are due, what
//! is read of them, what an attempt records) is passed in.

use std::time::Duration;

use chrono::NaiveDateTime;
use diesel::prelude::*;
use rand::Rng;

use crate::db::DbConnection;
use crate::db::portable;
use crate::domain::notification::NotificationStatus;
use crate::domain::webhooks::DeliveryStatus;
use crate::error::ApiError;

/// A table holding a queue: each has `id`, `status`, `attempts`, `next_attempt_at` and
/// `lease_owner`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Queue {
    /// The e-mail outbox (`outbox`).
    Mail,
    /// The webhook deliveries (`webhook_deliveries`).
    Webhooks,
}

/// Evaluates `$body` with `$t` naming the schema of `$queue`'s table, `$pending` its pending
/// status and `$retryable` the condition on a row an admin may queue again: a failed
/// notification (a sent one would arrive twice); a delivery that is not pending (an
/// organization may ask for an event again).
macro_rules! on_table {
    ($queue:expr, |$t:ident, $pending:ident, $retryable:ident| $body:expr) => {
        match $queue {
            Queue::Mail => {
                use crate::db::schema::outbox as $t;
                let $pending = NotificationStatus::Pending;
                let $retryable = $t::status.eq(NotificationStatus::Failed);
                $body
            }
            Queue::Webhooks => {
                use crate::db::schema::webhook_deliveries as $t;
                let $pending = DeliveryStatus::Pending;
                let $retryable = $t::status.ne(DeliveryStatus::Pending);
                $body
            }
        }
    };
}

/// A worker's hold on the rows it claims: its name, and when the hold was taken and ends.
#[derive(Debug, Clone, Copy)]
pub struct Lease<'a> {
    owner: &'a str,
    taken: NaiveDateTime,
    until: NaiveDateTime,
}

impl<'a> Lease<'a> {
    /// A lease of `length` from now for worker `owner` (unique per worker, so that a restarted
    /// process does not mistake an earlier run's claims for its own).
    pub fn new(owner: &'a str, length: Duration) -> Result<Self, ApiError> {
        let taken = super::now();
        let length = chrono::Duration::from_std(length)
            .map_err(|e| ApiError::Internal(anyhow::anyhow!("lease too long: {e}")))?;
        Ok(Lease {
            owner,
            taken,
            until: taken + length,
        })
    }
}

/// Claims for `lease` the rows of `queue` that `due` picks (their ids: rows pending and due at
/// the time it is given, read skipping rows another claim has locked, at most a batch) and
/// answers what `read` makes of them, in one write transaction. Workers claiming at once get
/// different rows (PostgreSQL skips rows another claim has locked; SQLite lets one writer in at
/// a time).
pub fn claim<T>(
    conn: &mut DbConnection,
    queue: Queue,
    lease: &Lease,
    due: impl FnOnce(&mut DbConnection, NaiveDateTime) -> QueryResult<Vec<String>>,
    read: impl FnOnce(&mut DbConnection, &[String]) -> Result<Vec<T>, ApiError>,
) -> Result<Vec<T>, ApiError> {
    portable::write_transaction(conn, |conn| {
        let ids = due(conn, lease.taken)?;
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        on_table!(queue, |t, _pending, _retryable| diesel::update(
            t::table.filter(t::id.eq_any(&ids))
        )
        .set((
            t::lease_owner.eq(lease.owner),
            t::next_attempt_at.eq(lease.until),
        ))
        .execute(conn))?;
        read(conn, &ids)
    })
}

/// Records the `attempts` of worker `owner` in one transaction (one commit for a whole claimed
/// batch): `record` writes one (one row's, or several rows' recorded alike), ending their
/// leases, and answers the ids among them whose lease `owner` no longer held (the lease ran out
/// and another worker took the row): nothing is recorded for those, and they may be sent twice.
/// Answers all such ids.
pub fn record_attempts<'a, A: 'a>(
    conn: &mut DbConnection,
    owner: &str,
    attempts: impl IntoIterator<Item = A>,
    mut record: impl FnMut(&mut DbConnection, &str, A) -> Result<Vec<&'a str>, ApiError>,
) -> Result<Vec<&'a str>, ApiError> {
    portable::write_transaction(conn, |conn| {
        let mut lost = Vec::new();
        for attempt in attempts {
            lost.extend(record(conn, owner, attempt)?);
        }
        Ok(lost)
    })
}

/// Gives back every row of `queue` that worker `owner` holds and has not attempted: due again
/// at once. Answers how many.
pub fn release(conn: &mut DbConnection, queue: Queue, owner: &str) -> Result<usize, ApiError> {
    let now = super::now();
    Ok(on_table!(queue, |t, pending, _retryable| diesel::update(
        t::table
            .filter(t::lease_owner.eq(owner))
            .filter(t::status.eq(pending))
    )
    .set((
        t::lease_owner.eq(None::<String>),
        t::next_attempt_at.eq(now),
    ))
    .execute(conn))?)
}

/// Queues row `id` of `queue` again, due at once with a fresh round of attempts, if an admin
/// may (see [`on_table`]); answers whether it did.
pub fn requeue(conn: &mut DbConnection, queue: Queue, id: &str) -> QueryResult<bool> {
    let now = super::now();
    on_table!(queue, |t, pending, retryable| diesel::update(
        t::table.filter(t::id.eq(id)).filter(retryable)
    )
    .set((
        t::status.eq(pending),
        t::attempts.eq(0),
        t::next_attempt_at.eq(now),
    ))
    .execute(conn))
    .map(|updated| updated == 1)
}

/// When a failed attempt is tried again.
#[derive(Debug, Clone, PartialEq)]
pub enum Schedule {
    /// After `base` doubled for each earlier failure, at most [`Schedule::MAX_BACKOFF`], less a
    /// random part of up to half (so that rows that failed together are not all tried again at
    /// the same moment); `attempts` in all.
    Backoff {
        /// The first wait.
        base: Duration,
        /// The attempts allowed.
        attempts: i32,
    },
    /// After each of these waits in turn; one attempt more than there are waits.
    Waits(Vec<Duration>),
}

impl Schedule {
    /// The longest wait of a [`Schedule::Backoff`].
    pub const MAX_BACKOFF: Duration = Duration::from_secs(3600);

    /// How long to wait after failed attempt number `made` (1 for the first); `None` when it
    /// was the last allowed.
    pub fn wait(&self, made: i32) -> Option<Duration> {
        match self {
            Schedule::Backoff { base, attempts } => (made < *attempts).then(|| {
                let doublings = made.clamp(1, 32) as u32 - 1;
                let full = base
                    .saturating_mul(2u32.saturating_pow(doublings))
                    .min(Self::MAX_BACKOFF);
                full.mul_f64(rand::thread_rng().gen_range(0.5..=1.0))
            }),
            Schedule::Waits(waits) => waits.get(usize::try_from(made - 1).unwrap_or(0)).copied(),
        }
    }

    /// When to try again after failed attempt number `made` (see [`Schedule::wait`]).
    pub fn retry_at(&self, made: i32) -> Option<NaiveDateTime> {
        self.wait(made).map(|wait| {
            super::now() + chrono::Duration::from_std(wait).unwrap_or(chrono::Duration::hours(1))
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_with_jitter_up_to_an_hour() {
        let schedule = Schedule::Backoff {
            base: Duration::from_secs(30),
            attempts: 40,
        };
        for (attempt, full) in [(1, 30), (2, 60), (3, 120), (8, 3600), (30, 3600)] {
            let full = Duration::from_secs(full);
            for _ in 0..50 {
                let wait = schedule.wait(attempt).unwrap();
                assert!(wait >= full / 2 && wait <= full, "{attempt}: {wait:?}");
            }
        }
        assert_eq!(schedule.wait(40), None);
    }

    #[test]
    fn waits_are_taken_in_turn_then_the_row_fails() {
        let schedule = Schedule::Waits(vec![Duration::from_secs(5), Duration::from_secs(300)]);
        assert_eq!(schedule.wait(1), Some(Duration::from_secs(5)));
        assert_eq!(schedule.wait(2), Some(Duration::from_secs(300)));
        assert_eq!(schedule.wait(3), None);
    }
}
