//! The audit chain's anchors: signed checkpoints of its head, made by the server while events
//! arrive and at every verify, kept where the main database's owner cannot rewrite them (the key
//! store, the log, an optional witness file); and the verification of the chain against them.
//!
//! A checkpoint is made only when the chain still extends the latest one: the events sealed
//! since are walked from the checkpointed hash, each is witnessed in the key store (position,
//! id, hash), and the new head is signed. `verify` walks the whole chain from its start and
//! compares each event with what was witnessed at its position and with the latest signed
//! checkpoint (and an exported one, from the command line): an edit with recomputed hashes, a
//! deletion with renumbering and a cut tail are each reported with the first event affected.
//! Both hold a bounded number of events at once ([`audit::sealed_after`]).

use std::io::Write;
use std::path::Path;

use crate::db::DbConnection;
use crate::domain::audit::{
    Broken, Checkpoint, GENESIS_HASH, Link, SignedCheckpoint, Verification, judge,
};
use crate::error::ApiError;
use crate::keys::KeyStore;
use crate::store::audit;

/// What [`checkpoint`] did.
#[derive(Debug)]
pub enum Checkpointed {
    /// Nothing is sealed yet: nothing to vouch for.
    Empty,
    /// The head, signed now (and kept, logged and appended to the witness file unless a
    /// checkpoint of this head was kept before).
    Signed(SignedCheckpoint),
    /// The chain no longer extends the latest checkpoint (or that one's signature is bad): no
    /// checkpoint is made; why.
    Refused(Verification),
}

/// Checkpoints the chain's head if the chain extends the latest checkpoint, witnessing in the
/// key store every event sealed since. Safe with several replicas at once: the witness and the
/// checkpoint of a head are kept once, and only the replica that kept it logs it and appends it
/// to `witness_file`.
pub fn checkpoint(
    conn: &mut DbConnection,
    keys: &KeyStore,
    witness_file: Option<&Path>,
) -> Result<Checkpointed, ApiError> {
    let start = match keys.latest_checkpoint()? {
        None => None,
        Some(Ok(latest)) => Some(latest),
        Some(Err(refused)) => return Ok(Checkpointed::Refused(Verification::refused(&refused))),
    };
    let from = start
        .as_ref()
        .map_or((0, GENESIS_HASH.to_owned()), |c| (c.seq, c.hash.clone()));
    let walked = walk(conn, keys, from, &[], true)?;
    if let Some(broken) = walked.broken {
        let verdict = Verification::new(walked.checked, Some(broken), start.map(|c| c.seq));
        tracing::error!(
            first_invalid_seq = verdict.first_invalid_seq,
            first_invalid = verdict.first_invalid,
            reason = verdict.reason,
            "the audit chain no longer extends its latest checkpoint: no checkpoint made"
        );
        return Ok(Checkpointed::Refused(verdict));
    }
    let head = match (walked.head, start) {
        (Some(head), _) => head,
        (None, Some(latest)) => Link {
            seq: latest.seq,
            event_id: latest.event_id,
            hash: latest.hash,
        },
        (None, None) => return Ok(Checkpointed::Empty),
    };
    let signed = keys.checkpoint_key().sign(Checkpoint::of(&head))?;
    keys.keep_checkpoint(&signed, |kept| publish(kept, witness_file))?;
    Ok(Checkpointed::Signed(signed))
}

/// Writes a new checkpoint to the log and appends it to the witness file (a failure to append
/// is logged, not fatal: the key store and the log hold it).
fn publish(signed: &SignedCheckpoint, witness_file: Option<&Path>) {
    let c = &signed.checkpoint;
    tracing::info!(
        seq = c.seq,
        event_id = c.event_id,
        hash = c.hash,
        jws = signed.jws,
        "audit checkpoint"
    );
    let Some(path) = witness_file else { return };
    let appended = serde_json::to_string(signed)
        .map_err(std::io::Error::from)
        .and_then(|line| {
            use std::os::unix::fs::OpenOptionsExt;
            let mut file = std::fs::OpenOptions::new()
                .create(true)
                .append(true)
                .mode(0o600)
                .open(path)?;
            writeln!(file, "{line}")
        });
    if let Err(error) = appended {
        tracing::error!(%error, path = %path.display(), "could not append to the audit witness file");
    }
}

/// Walks the whole sealed chain against what the key store witnessed, its latest signed
/// checkpoint, and `exported` (a checkpoint exported earlier, its signature already verified).
pub fn verify(
    conn: &mut DbConnection,
    keys: &KeyStore,
    exported: Option<Checkpoint>,
) -> Result<Verification, ApiError> {
    let mut anchors: Vec<Checkpoint> = exported.into_iter().collect();
    match keys.latest_checkpoint()? {
        None => {}
        Some(Ok(latest)) => anchors.push(latest),
        Some(Err(refused)) => return Ok(Verification::refused(&refused)),
    }
    let walked = walk(conn, keys, (0, GENESIS_HASH.to_owned()), &anchors, false)?;
    let latest = anchors.iter().map(|c| c.seq).max();
    Ok(Verification::new(walked.checked, walked.broken, latest))
}

/// Where a walk ended.
struct Walked {
    /// Events found in place.
    checked: i64,
    /// The last of them, if the walk met any.
    head: Option<Link>,
    /// The first fault, if any.
    broken: Option<Broken>,
}

/// Walks the sealed events after position `from.0` (whose hash is `from.1`), judging each
/// against the witness and `anchors`; witnesses each event in place when `record`. At the end,
/// an event witnessed or checkpointed beyond the last one found is missing.
fn walk(
    conn: &mut DbConnection,
    keys: &KeyStore,
    from: (i64, String),
    anchors: &[Checkpoint],
    record: bool,
) -> Result<Walked, ApiError> {
    // Read before the events: whatever is witnessed now was sealed before the walk starts.
    let expected_end = keys
        .witnessed_head()?
        .into_iter()
        .chain(anchors.iter().map(|c| c.seq))
        .max()
        .unwrap_or(0);
    let (mut checked, mut prev) = from;
    let mut head = None;
    loop {
        let events = audit::sealed_after(conn, checked)?;
        if events.is_empty() {
            break;
        }
        let witnessed = keys.witnessed(checked + 1, checked + events.len() as i64)?;
        let mut links = Vec::with_capacity(events.len());
        let mut broken = None;
        for event in &events {
            let seq = checked + 1;
            let witness = witnessed
                .binary_search_by_key(&seq, |l| l.seq)
                .ok()
                .map(|i| &witnessed[i]);
            let anchor = anchors.iter().find(|c| c.seq == seq);
            match judge(seq, &prev, event, witness, anchor) {
                Ok(hash) => {
                    links.push(Link {
                        seq,
                        event_id: event.id.clone(),
                        hash: hash.clone(),
                    });
                    prev = hash;
                    checked = seq;
                }
                Err(fault) => {
                    broken = Some(fault);
                    break;
                }
            }
        }
        if record {
            keys.witness(&links)?;
        }
        head = links.pop().or(head);
        if broken.is_some() {
            return Ok(Walked {
                checked,
                head,
                broken,
            });
        }
    }
    let broken = (expected_end > checked).then(|| missing(keys, checked + 1, anchors));
    Ok(Walked {
        checked,
        head,
        broken: broken.transpose()?,
    })
}

/// The fault of a chain that ends before position `seq`, naming the event witnessed or
/// checkpointed there when one was.
fn missing(keys: &KeyStore, seq: i64, anchors: &[Checkpoint]) -> Result<Broken, ApiError> {
    let witnessed = keys.witnessed(seq, seq)?.pop().map(|l| l.event_id);
    let checkpointed = || {
        anchors
            .iter()
            .find(|c| c.seq == seq)
            .map(|c| c.event_id.clone())
    };
    Ok(Broken {
        seq,
        event_id: witnessed.or_else(checkpointed),
        reason: "missing: the chain ends before its checkpoint",
    })
}
