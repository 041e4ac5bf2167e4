//! The delivery worker: claims due notifications under a lease, sends them, and records each
//! attempt. A transient failure is retried after an exponential backoff with jitter; a permanent
//! one (5xx), or the last attempt allowed, marks the notification failed for an admin to see.
//!
//! It runs inside the server ([`Worker::run`], woken when a report arrives and otherwise every
//! `mail_poll_seconds`) and in `report-portal deliver` ([`deliver_once`]). Any number of workers
//! may share one database: each claims different notifications.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use actix_web::web;
use serde::Serialize;
use tokio::sync::{Notify, watch};

use super::transport::{SendError, Transport};
use super::{Composer, NO_RECIPIENTS};
use crate::config::Settings;
use crate::db::{self, DbPool};
use crate::error::ApiError;
use crate::store::outbox::{self, Attempt, Attempted, Claimed};
use crate::store::queue::{self, Lease, Queue, Schedule};

/// Notifications claimed at a time. A round (a claim, the sending, the record of the attempts)
/// costs two commits and a dozen statements whatever its size: under a stream of reports, a
/// round takes what arrived while the worker gathered, up to this many.
const BATCH: i64 = 100;
/// Notifications marked failed at a time when nobody is to receive them: one short statement
/// a batch, so that a backlog of thousands never holds the database for long.
const FAIL_BATCH: i64 = 200;
/// How long a woken worker waits for more reports to arrive before it claims: under load it
/// then claims, sends and records many notifications a round, so that delivery costs two
/// commits a batch instead of two a report. Nobody notices 50 ms on an e-mail.
const GATHER: Duration = Duration::from_millis(50);

/// What a round of delivery did, as `report-portal deliver` prints it.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Tally {
    /// Notifications the mail server accepted.
    pub sent: usize,
    /// Notifications marked failed.
    pub failed: usize,
    /// Notifications that failed for now and will be tried again.
    pub retried: usize,
}

/// Delivers the outbox of one database.
pub struct Worker {
    pool: DbPool,
    composer: Composer,
    transport: Transport,
    /// Names this worker's claims: unique per worker, so that a restarted process does not
    /// mistake an earlier run's claims for its own.
    owner: String,
    lease: Duration,
    poll: Duration,
    /// When a transient failure is tried again.
    schedule: Schedule,
    /// Whether the worker found nobody to receive notifications and said so in the log (once,
    /// until recipients appear).
    no_recipients_logged: AtomicBool,
}

impl Worker {
    /// A worker on `pool` with the mail settings of `settings`; fails on malformed settings.
    pub fn new(pool: DbPool, settings: &Settings) -> anyhow::Result<Self> {
        let seconds = |name: &str, value: f64| {
            Duration::try_from_secs_f64(value)
                .map_err(|_| anyhow::anyhow!("{name} must be a number of seconds, not {value}"))
        };
        Ok(Self {
            pool,
            composer: Composer::from_settings(settings)?,
            transport: Transport::from_settings(settings)?,
            owner: uuid::Uuid::new_v4().to_string(),
            lease: seconds("mail_lease_seconds", settings.mail_lease_seconds)?,
            poll: seconds("mail_poll_seconds", settings.mail_poll_seconds)?,
            schedule: Schedule::Backoff {
                base: seconds("mail_backoff_seconds", settings.mail_backoff_seconds)?,
                attempts: settings.mail_max_attempts.max(1),
            },
            no_recipients_logged: AtomicBool::new(false),
        })
    }

    /// Delivers every notification due now, batch after batch, until a batch finds fewer due
    /// than it could take, or `stopping()` turns true. A batch is sent only during the first
    /// half of its lease; what is left of it then, or when stopping, is given back for any
    /// worker to claim. The attempts of a batch are recorded together, in one transaction, after
    /// its last message: a worker that dies mid-batch leaves its sent messages to be sent again
    /// after the lease (they keep their Message-ID, so mail clients show them once). With nobody
    /// to receive them, due notifications are marked failed [`FAIL_BATCH`] at a time, and the log
    /// says why once.
    ///
    /// It is background work ([`db::background`]): each transaction is short and gives way to
    /// requests.
    pub fn deliver_due(&self, stopping: &dyn Fn() -> bool) -> Result<Tally, ApiError> {
        db::background::run(true, || self.deliver_due_now(stopping))
    }

    fn deliver_due_now(&self, stopping: &dyn Fn() -> bool) -> Result<Tally, ApiError> {
        let mut tally = Tally::default();
        let mut conn = self.pool.get()?;
        while !stopping() {
            let staff = outbox::staff_recipients(&mut conn)?;
            if self.composer.report_recipients(&staff).is_empty() {
                let failed = outbox::fail_due_reports(&mut conn, NO_RECIPIENTS, FAIL_BATCH)?;
                if failed > 0 {
                    if !self.no_recipients_logged.swap(true, Ordering::Relaxed) {
                        tracing::warn!(
                            error = NO_RECIPIENTS,
                            "new-report e-mail cannot be delivered; due notifications are marked failed"
                        );
                    }
                    tally.failed += failed;
                    continue;
                }
            } else {
                self.no_recipients_logged.store(false, Ordering::Relaxed);
            }
            let lease = Lease::new(&self.owner, self.lease)?;
            let batch = outbox::claim(&mut conn, &lease, BATCH)?;
            if batch.is_empty() {
                break;
            }
            let claimed_at = Instant::now();
            let mut attempts = Vec::with_capacity(batch.len());
            for notification in &batch {
                if stopping() || claimed_at.elapsed() > self.lease / 2 {
                    break;
                }
                let (recipients, attempt) = self.attempt(notification, &staff);
                match &attempt {
                    Attempt::Sent => tally.sent += 1,
                    Attempt::Retry { .. } => tally.retried += 1,
                    Attempt::Failed { .. } => tally.failed += 1,
                }
                if let Attempt::Retry { error, .. } | Attempt::Failed { error } = &attempt {
                    tracing::warn!(id = %notification.id, %error, "e-mail not delivered");
                }
                attempts.push(Attempted {
                    id: &notification.id,
                    recipients,
                    attempt,
                });
            }
            for id in outbox::record_attempts(&mut conn, &self.owner, &attempts)? {
                tracing::warn!(
                    %id,
                    "the lease ran out before the attempt was recorded; another worker may send this message again"
                );
            }
            if attempts.len() < batch.len() {
                queue::release(&mut conn, Queue::Mail, &self.owner)?;
            }
            if batch.len() < BATCH as usize {
                // Nothing more was due at the claim: what arrived since waits for the next
                // wakeup, and is gathered with what follows it instead of sent in rounds of few.
                break;
            }
        }
        Ok(tally)
    }

    /// Delivers everything due now and returns.
    pub fn drain(&self) -> Result<Tally, ApiError> {
        self.deliver_due(&|| false)
    }

    /// Delivers until `stop` turns true: whenever `wakeup` is notified (a report arrived) and
    /// at least every `mail_poll_seconds`. On stop it finishes the message it is sending and
    /// gives back the rest of its claims.
    pub async fn run(self, wakeup: Arc<Notify>, mut stop: watch::Receiver<bool>) {
        let worker = Arc::new(self);
        loop {
            let (this, stopped) = (worker.clone(), stop.clone());
            match web::block(move || this.deliver_due(&|| *stopped.borrow())).await {
                Ok(Ok(tally)) if tally != Tally::default() => tracing::info!(
                    sent = tally.sent,
                    failed = tally.failed,
                    retried = tally.retried,
                    "e-mail delivery"
                ),
                Ok(Ok(_)) => {}
                Ok(Err(error)) => tracing::warn!(%error, "e-mail delivery interrupted"),
                Err(error) => tracing::error!(%error, "e-mail delivery crashed"),
            }
            tokio::select! {
                _ = stop.changed() => break,
                _ = wakeup.notified() => actix_web::rt::time::sleep(GATHER).await,
                _ = actix_web::rt::time::sleep(worker.poll) => {}
            }
        }
        let this = worker.clone();
        let released =
            web::block(move || queue::release(&mut *this.pool.get()?, Queue::Mail, &this.owner));
        if let Ok(Err(error)) = released.await {
            tracing::warn!(%error, "could not give back claimed e-mail; it is sent after the lease");
        }
    }

    /// One attempt at `notification`: to whom it went, and how it ended.
    fn attempt(&self, notification: &Claimed, staff: &[String]) -> (Vec<String>, Attempt) {
        let to = self.composer.recipients(notification, staff);
        let recipients = to.iter().map(|m| m.email.to_string()).collect();
        let sent = self
            .composer
            .compose(notification, &to)
            .and_then(|message| self.transport.send(&notification.id, &message));
        let attempt = match sent {
            Ok(()) => Attempt::Sent,
            Err(SendError::Transient(error)) => {
                match self.schedule.retry_at(notification.attempts + 1) {
                    Some(at) => Attempt::Retry { error, at },
                    None => Attempt::Failed { error },
                }
            }
            Err(SendError::Permanent(error)) => Attempt::Failed { error },
        };
        (recipients, attempt)
    }
}

/// `report-portal deliver`: applies pending migrations, then delivers every notification due
/// now, once.
pub fn deliver_once(settings: &Settings) -> anyhow::Result<Tally> {
    let pool = db::connect(
        &settings.database_url(),
        1,
        Duration::from_secs(settings.db_timeout_seconds),
    )?;
    db::run_migrations(&mut *pool.get()?)?;
    Ok(Worker::new(pool, settings)?.drain()?)
}
