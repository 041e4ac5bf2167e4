//! Background work (e-mail delivery, audit sealing, statistics folding, purges) marked as such,
//! so that the database serves requests before it: see [`super::portable::write_transaction`].

use std::cell::Cell;
use std::future::Future;

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
