//! Admission to the database: work queues for one of the pool's connections, first come, first
//! served, in a queue of bounded length and wait; a request beyond it is refused at once (429 with
//! `Retry-After`) instead of waiting for a pool checkout to time out (which answered 503 while
//! the database was up, and let the requests that did get through age past their clients'
//! patience).
//!
//! The queue is a fair [`tokio::sync::Semaphore`] with one permit a pooled connection: a permit
//! freed goes to the longest waiter, and nobody takes one while others wait. Waiting is async, so
//! queued requests hold no thread; the blocking thread that runs the database work is taken only
//! once the permit is.
//!
//! A request with a body is turned away before the body is read when the queue is already full
//! ([`Admission::has_room`], checked by [`crate::routes::admission`]): a flood of large bodies is
//! then not read into memory only to be refused, and no permit is held while a slow client
//! sends its body (the permit is taken later, by [`crate::state::AppState::db`]).

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use tokio::sync::{OwnedSemaphorePermit, Semaphore};

use crate::error::ApiError;
use crate::metrics::QueueMetrics;

/// Connections the pool has beyond the admitted ones: the e-mail worker's and the webhook
/// dispatcher's, which take theirs directly (one at a time each), so that an admitted request
/// always finds one free.
pub const WORKER_CONNECTIONS: u32 = 2;

/// The database's door: as many permits as the pool has connections, a queue in front.
#[derive(Debug)]
pub struct Admission {
    permits: Arc<Semaphore>,
    waiting: AtomicUsize,
    queue_length: usize,
    longest_wait: Duration,
    metrics: QueueMetrics,
}

/// The right to use one pooled connection, given back when dropped.
#[derive(Debug)]
pub struct Admitted {
    _permit: OwnedSemaphorePermit,
}

/// A caller's place in the queue, left when dropped: also when the caller gives up waiting (its
/// request's future dropped, as when the client goes away), which otherwise would leave the
/// queue a place shorter for good.
struct InQueue<'a>(&'a Admission);

impl Drop for InQueue<'_> {
    fn drop(&mut self) {
        self.0.waiting.fetch_sub(1, Ordering::SeqCst);
        self.0.metrics.set_waiting(self.0.waiting());
    }
}

/// Refused admission: the queue was full, or the wait in it ran out. Nothing was done; the
/// same request later may succeed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Refused {
    /// Seconds after which to try again.
    pub retry_after: u64,
}

impl From<Refused> for ApiError {
    fn from(refused: Refused) -> Self {
        ApiError::TooManyRequests {
            retry_after: refused.retry_after,
        }
    }
}

impl ApiError {
    /// For `/readyz`, outside the API's documented 429s: a refusal by the queue says the process
    /// is not ready to take more work now, which is its 503.
    pub fn not_ready(self) -> Self {
        match self {
            ApiError::TooManyRequests { .. } => ApiError::Unavailable,
            other => other,
        }
    }
}

impl Admission {
    /// A door for `connections` connections, with at most `queue_length` callers waiting, each at
    /// most `longest_wait`; what happens at it is counted in `metrics`.
    pub fn new(
        connections: u32,
        queue_length: usize,
        longest_wait: Duration,
        metrics: QueueMetrics,
    ) -> Self {
        Self {
            permits: Arc::new(Semaphore::new(connections.max(1) as usize)),
            waiting: AtomicUsize::new(0),
            queue_length,
            longest_wait,
            metrics,
        }
    }

    /// A request's turn: at once when a connection is free and nobody waits, else after those
    /// before it; refused when `queue_length` callers already wait, or after `longest_wait`.
    pub async fn admit(&self) -> Result<Admitted, Refused> {
        let arrived = Instant::now();
        if let Ok(permit) = self.permits.clone().try_acquire_owned() {
            self.metrics.admitted(arrived.elapsed());
            return Ok(Admitted { _permit: permit });
        }
        let ahead = self.waiting.fetch_add(1, Ordering::SeqCst);
        let in_queue = InQueue(self);
        if ahead >= self.queue_length {
            drop(in_queue);
            return Err(self.refuse());
        }
        self.metrics.set_waiting(self.waiting());
        let waited = tokio::time::timeout(self.longest_wait, self.permits.clone().acquire_owned());
        let turn = waited.await;
        drop(in_queue);
        match turn {
            Ok(Ok(permit)) => {
                self.metrics.admitted(arrived.elapsed());
                Ok(Admitted { _permit: permit })
            }
            // Out of time (the semaphore is never closed).
            _ => Err(self.refuse()),
        }
    }

    /// A connection's permit at once if one is free and nobody waits, else `None` (neither
    /// queued nor counted): for work that would rather do without the database than wait, as
    /// `/metrics` does under load.
    pub fn try_admit(&self) -> Option<Admitted> {
        let permit = self.permits.clone().try_acquire_owned().ok()?;
        Some(Admitted { _permit: permit })
    }

    /// Whether a request arriving now could be admitted or queued: `Err` (counted as a refusal)
    /// when every connection is taken and `queue_length` callers already wait. Takes nothing, so
    /// a request may check before reading its body and queue only once it has it.
    pub fn has_room(&self) -> Result<(), Refused> {
        match self.permits.available_permits() == 0 && self.waiting() >= self.queue_length {
            true => Err(self.refuse()),
            false => Ok(()),
        }
    }

    /// A refusal, counted: also that of work turned away before it came here (single
    /// submissions beyond the queue in which they wait to be stored together).
    pub fn refuse(&self) -> Refused {
        self.metrics.refused();
        Refused {
            retry_after: self.longest_wait.as_secs().max(1),
        }
    }

    /// Background work's turn: in the same line, but never refused (it has no client to retry).
    pub async fn wait(&self) -> Admitted {
        let permit = self.permits.clone().acquire_owned().await;
        Admitted {
            _permit: permit.expect("the admission semaphore is never closed"),
        }
    }

    /// How many callers wait in the queue now.
    pub fn waiting(&self) -> usize {
        self.waiting.load(Ordering::SeqCst)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn waiters_beyond_the_queue_are_refused_and_the_rest_go_in_order() {
        let admission = Arc::new(Admission::new(
            1,
            2,
            Duration::from_secs(5),
            QueueMetrics::new(),
        ));
        let first = admission.admit().await.unwrap();
        let order = Arc::new(parking_lot::Mutex::new(Vec::new()));
        let mut queued = Vec::new();
        for n in 0..2 {
            let (door, seen) = (admission.clone(), order.clone());
            queued.push(tokio::spawn(async move {
                let turn = door.admit().await.unwrap();
                seen.lock().push(n);
                tokio::time::sleep(Duration::from_millis(10)).await;
                drop(turn);
            }));
            while admission.waiting() <= n {
                tokio::task::yield_now().await;
            }
        }
        assert_eq!(admission.has_room().unwrap_err().retry_after, 5);
        assert_eq!(admission.admit().await.unwrap_err().retry_after, 5);
        drop(first);
        for task in queued {
            task.await.unwrap();
        }
        assert_eq!(*order.lock(), vec![0, 1]);
        assert_eq!(admission.waiting(), 0);
        assert!(admission.has_room().is_ok());
    }

    #[tokio::test]
    async fn a_caller_that_stops_waiting_leaves_the_queue() {
        let admission = Arc::new(Admission::new(
            1,
            1,
            Duration::from_secs(5),
            QueueMetrics::new(),
        ));
        let _held = admission.admit().await.unwrap();
        let door = admission.clone();
        let queued = tokio::spawn(async move { door.admit().await.map(drop) });
        while admission.waiting() == 0 {
            tokio::task::yield_now().await;
        }
        assert!(admission.has_room().is_err(), "the one place is taken");
        queued.abort();
        assert!(queued.await.unwrap_err().is_cancelled());
        assert_eq!(admission.waiting(), 0);
        assert!(admission.has_room().is_ok(), "its place is free again");
    }

    #[tokio::test]
    async fn a_wait_past_the_longest_is_refused() {
        let admission = Admission::new(1, 10, Duration::from_millis(50), QueueMetrics::new());
        let _held = admission.admit().await.unwrap();
        assert_eq!(admission.admit().await.unwrap_err().retry_after, 1);
        assert_eq!(admission.waiting(), 0);
    }
}
