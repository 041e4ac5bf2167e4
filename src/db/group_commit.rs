//! Group commit: work that arrives while earlier work is being written waits in a queue, and the
//! next write takes all of it at once, in one transaction. A burst of single submissions then
//! costs a few transactions, fsyncs and multi-row inserts instead of one of each a report.
//!
//! At most [`GroupCommit::writers`] writers run at once, each taking up to
//! [`GroupCommit::largest`] items a write: with two, one group forms while the other is written.
//! The queue is bounded ([`GroupCommit::queue`] refuses beyond its capacity), and a writer counts
//! itself out under the same lock that queues, so an item never waits with no writer coming.

use std::collections::VecDeque;
use std::sync::Mutex;

use tokio::sync::oneshot;

/// Items waiting to be written together, and the writers at work.
#[derive(Debug)]
pub struct GroupCommit<T, R> {
    waiting: Mutex<Waiting<T, R>>,
    writers: usize,
    largest: usize,
    capacity: usize,
}

#[derive(Debug)]
struct Waiting<T, R> {
    items: VecDeque<(T, oneshot::Sender<R>)>,
    writing: usize,
}

/// An item queued: where its result will come, and whether the caller must start a writer
/// (that calls [`GroupCommit::next_group`] until it answers `None`).
#[derive(Debug)]
pub struct Queued<R> {
    /// The item's result, sent by the writer that writes it.
    pub result: oneshot::Receiver<R>,
    /// Whether the caller must start a writer.
    pub start_writer: bool,
}

impl<T, R> GroupCommit<T, R> {
    /// At most `writers` writers at once, each taking at most `largest` items, and at most
    /// `capacity` items waiting.
    pub fn new(writers: usize, largest: usize, capacity: usize) -> Self {
        Self {
            waiting: Mutex::new(Waiting {
                items: VecDeque::new(),
                writing: 0,
            }),
            writers: writers.max(1),
            largest: largest.max(1),
            capacity,
        }
    }

    /// Queues `item`, or answers `None` when `capacity` items already wait.
    pub fn queue(&self, item: T) -> Option<Queued<R>> {
        let mut waiting = self.lock();
        if waiting.items.len() >= self.capacity {
            return None;
        }
        let (sender, result) = oneshot::channel();
        waiting.items.push_back((item, sender));
        let start_writer = waiting.writing < self.writers;
        if start_writer {
            waiting.writing += 1;
        }
        Some(Queued {
            result,
            start_writer,
        })
    }

    /// A writer's next group: the oldest items waiting, at most `largest`, each with where its
    /// result goes. `None` when nothing waits: the writer is then counted out and must stop.
    pub fn next_group(&self) -> Option<Vec<(T, oneshot::Sender<R>)>> {
        let mut waiting = self.lock();
        if waiting.items.is_empty() {
            waiting.writing -= 1;
            return None;
        }
        let take = waiting.items.len().min(self.largest);
        Some(waiting.items.drain(..take).collect())
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Waiting<T, R>> {
        // The lock guards plain pushes and drains, which cannot leave the queue half-changed.
        self.waiting
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_first_items_start_writers_and_the_others_wait_for_them() {
        let queue = GroupCommit::<u32, u32>::new(2, 3, 10);
        let starts: Vec<bool> = (0..5)
            .map(|n| queue.queue(n).unwrap().start_writer)
            .collect();
        assert_eq!(starts, [true, true, false, false, false]);
        let first: Vec<u32> = queue
            .next_group()
            .unwrap()
            .into_iter()
            .map(|(n, _)| n)
            .collect();
        assert_eq!(first, [0, 1, 2], "the oldest, at most `largest`");
        let second: Vec<u32> = queue
            .next_group()
            .unwrap()
            .into_iter()
            .map(|(n, _)| n)
            .collect();
        assert_eq!(second, [3, 4]);
        assert!(queue.next_group().is_none(), "the first writer stops");
        assert!(
            queue.queue(5).unwrap().start_writer,
            "a writer's place is free again"
        );
    }

    #[test]
    fn beyond_its_capacity_the_queue_refuses() {
        let queue = GroupCommit::<u32, u32>::new(1, 100, 2);
        assert!(queue.queue(0).is_some());
        assert!(queue.queue(1).is_some());
        assert!(queue.queue(2).is_none());
        queue.next_group().unwrap();
        assert!(
            queue.queue(3).is_some(),
            "room again once a writer took the group"
        );
    }

    #[test]
    fn a_result_reaches_its_item() {
        let queue = GroupCommit::<u32, u32>::new(1, 100, 10);
        let mut queued = queue.queue(7).unwrap();
        for (n, reply) in queue.next_group().unwrap() {
            reply.send(n * 2).unwrap();
        }
        assert_eq!(queued.result.try_recv().unwrap(), 14);
    }
}
