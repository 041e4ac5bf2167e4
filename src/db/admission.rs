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

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use tokio::sync::{OwnedSemaphorePermit, Semaphore};

use crate::error::ApiError;

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
}

/// The right to use one pooled connection, given back when dropped.
#[derive(Debug)]
pub struct Admitted {
    _permit: OwnedSemaphorePermit,
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
    /// most `longest_wait`.
    pub fn new(connections: u32, queue_length: usize, longest_wait: Duration) -> Self {
        Self {
            permits: Arc::new(Semaphore::new(connections.max(1) as usize)),
            waiting: AtomicUsize::new(0),
            queue_length,
            longest_wait,
        }
    }

    /// A request's turn: at once when a connection is free and nobody waits, else after those
    /// before it; refused when `queue_length` callers already wait, or after `longest_wait`.
    pub async fn admit(&self) -> Result<Admitted, Refused> {
        if let Ok(permit) = self.permits.clone().try_acquire_owned() {
            return Ok(Admitted { _permit: permit });
        }
        let refused = Refused {
            retry_after: self.longest_wait.as_secs().max(1),
        };
        if self.waiting.fetch_add(1, Ordering::SeqCst) >= self.queue_length {
            self.waiting.fetch_sub(1, Ordering::SeqCst);
            return Err(refused);
        }
        let waited = tokio::time::timeout(self.longest_wait, self.permits.clone().acquire_owned());
        let turn = waited.await;
        self.waiting.fetch_sub(1, Ordering::SeqCst);
        match turn {
            Ok(Ok(permit)) => Ok(Admitted { _permit: permit }),
            // Out of time (the semaphore is never closed).
            _ => Err(refused),
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
        let admission = Arc::new(Admission::new(1, 2, Duration::from_secs(5)));
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
        assert_eq!(admission.admit().await.unwrap_err().retry_after, 5);
        drop(first);
        for task in queued {
            task.await.unwrap();
        }
        assert_eq!(*order.lock(), vec![0, 1]);
        assert_eq!(admission.waiting(), 0);
    }

    #[tokio::test]
    async fn a_wait_past_the_longest_is_refused() {
        let admission = Admission::new(1, 10, Duration::from_millis(50));
        let _held = admission.admit().await.unwrap();
        assert_eq!(admission.admit().await.unwrap_err().retry_after, 1);
        assert_eq!(admission.waiting(), 0);
    }
}
