//! What the bulk writers (`report-portal seed` and `report-portal import`) share: preparing
//! reports on every core while the database stores the previous chunk. The writes themselves go
//! through the API's code in a bulk transaction (`crate::db::portable::bulk_transaction`).

use std::sync::mpsc::{Receiver, SyncSender};

/// Reports per bulk transaction: large enough that each organization's share of a chunk makes
/// `COPY`s of thousands of rows and that SQLite commits (and syncs) rarely, small enough that a
/// chunk in memory stays in the tens of megabytes.
pub const REPORTS_PER_TRANSACTION: usize = 5000;

/// The channel from the thread that prepares chunks of reports to the one that writes them: a
/// rendezvous (no buffer). A prepared chunk is handed over once the writer is done with the
/// previous one, and the next is prepared while it is written, so that two chunks at most are in
/// memory. The writes are the slower side: a buffer only holds one more prepared chunk (about
/// 25 KB a report), which took the seeder's peak RSS from 339 MB to 421 MB at 30 000 reports on
/// SQLite, at the same rate.
pub fn handover<T>() -> (SyncSender<T>, Receiver<T>) {
    std::sync::mpsc::sync_channel(0)
}

/// Answers `work` applied to every item of `items`, in order, spread over the machine's cores
/// (scoped threads, one contiguous share each): the preparation of reports (word hashing,
/// canonical JSON, SHA-256) costs as much CPU as storing them.
pub fn map_on_every_core<T: Send, U: Send>(items: Vec<T>, work: impl Fn(T) -> U + Sync) -> Vec<U> {
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    if cores == 1 || items.len() < 2 {
        return items.into_iter().map(work).collect();
    }
    let share = items.len().div_ceil(cores);
    let mut shares = Vec::with_capacity(cores);
    let mut rest = items;
    while rest.len() > share {
        let tail = rest.split_off(share);
        shares.push(rest);
        rest = tail;
    }
    shares.push(rest);
    let work = &work;
    std::thread::scope(|scope| {
        let handles: Vec<_> = shares
            .into_iter()
            .map(|share| scope.spawn(move || share.into_iter().map(work).collect::<Vec<U>>()))
            .collect();
        handles
            .into_iter()
            .flat_map(|handle| match handle.join() {
                Ok(done) => done,
                Err(panic) => std::panic::resume_unwind(panic),
            })
            .collect()
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_prepared_chunk_is_handed_over_never_queued() {
        let (chunks, _received) = handover::<Vec<u32>>();
        assert!(matches!(
            chunks.try_send(vec![1]),
            Err(std::sync::mpsc::TrySendError::Full(_))
        ));
    }

    #[test]
    fn every_item_is_mapped_once_and_in_order() {
        let items: Vec<u32> = (0..1001).collect();
        let doubled = map_on_every_core(items, |n| n * 2);
        assert_eq!(doubled, (0..1001).map(|n| n * 2).collect::<Vec<_>>());
        assert_eq!(
            map_on_every_core(Vec::<u32>::new(), |n| n),
            Vec::<u32>::new()
        );
    }
}
