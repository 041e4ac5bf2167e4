//! Background work (e-mail delivery, audit sealing, statistics folding, purges) marked as such,
//! so that the database serves requests before it: see [`super::portable::write_transaction`];
//! and the one loop of the periodic tasks ([`every`]).

use std::cell::Cell;
use std::future::Future;
use std::time::Duration;

tokio::task_local! {
    /// Set for the duration of a background task.
    static BACKGROUND_TASK: ();
}

thread_local! {
    /// Set while this thread does background work.
    static BACKGROUND_THREAD: Cell<bool> = const { Cell::new(false) };
}

/// Runs `task` as background work: the database work it hands to
/// [`crate::state::AppState::db`] gives way to requests.
pub async fn task<F: Future>(task: F) -> F::Output {
    BACKGROUND_TASK.scope((), task).await
}

/// Whether the current task was started by [`task`].
pub fn in_task() -> bool {
    BACKGROUND_TASK.try_with(|_| ()).is_ok()
}

/// Runs `work` on this thread as background work when `background` is true, as usual otherwise.
pub fn run<T>(background: bool, work: impl FnOnce() -> T) -> T {
    if !background || on_this_thread() {
        return work();
    }
    struct Reset;
    impl Drop for Reset {
        fn drop(&mut self) {
            BACKGROUND_THREAD.set(false);
        }
    }
    BACKGROUND_THREAD.set(true);
    let _reset = Reset;
    work()
}

/// Whether this thread is doing background work now.
pub fn on_this_thread() -> bool {
    BACKGROUND_THREAD.get()
}

/// When a periodic task ([`every`]) first runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FirstRun {
    /// At start-up.
    AtStart,
    /// One period after start-up (replicas starting together need not all run it at once).
    AfterOnePeriod,
}

/// Runs `task` as background work ([`task`]) every `period` until the process stops, the first
/// time as `first` says; a failure is logged as "could not {what}" and the next run tries again.
/// `period` must not be zero.
pub async fn every<F, Fut, E>(period: Duration, first: FirstRun, what: &'static str, mut run: F)
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Result<(), E>>,
    E: std::fmt::Display,
{
    let start = tokio::time::Instant::now()
        + match first {
            FirstRun::AtStart => Duration::ZERO,
            FirstRun::AfterOnePeriod => period,
        };
    task(async {
        let mut ticks = tokio::time::interval_at(start, period);
        loop {
            ticks.tick().await;
            if let Err(error) = run().await {
                tracing::warn!(%error, "could not {what}");
            }
        }
    })
    .await
}
