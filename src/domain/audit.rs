//! The audit log's events, the hash that chains each to the one before it, the signed
//! checkpoints of the chain's head, and the judgement of each event against them.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use utoipa::ToSchema;

use super::code_list::code_list;

/// The `prev_hash` of the first event.
pub const GENESIS_HASH: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// The most characters an audit event keeps of a field that may come from a client (actor,
/// role, target, address, request id): room for any id the portal issues and for the longest
/// e-mail address (254), so that no request can make an event, or the log, large.
pub const MAX_FIELD_CHARS: usize = 256;

/// `text` as an audit event keeps it: unchanged up to [`MAX_FIELD_CHARS`] characters, else its
/// first characters with `…` as the last of [`MAX_FIELD_CHARS`], so a cut is visible.
pub fn bounded(text: &str) -> String {
    match text.char_indices().nth(MAX_FIELD_CHARS) {
        None => text.to_owned(),
        Some(_) => {
            let kept: String = text.chars().take(MAX_FIELD_CHARS - 1).collect();
            kept + "…"
        }
    }
}

code_list! {
    /// How an audited action ended.
    Outcome {
        /// Done.
        Success,
        /// Refused or failed (e.g. a wrong password).
        Failure,
    }
}

/// One audit event. `seq`, `prev_hash` and `hash` are set when the event is sealed into the
/// chain, within seconds of being written.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct AuditEvent {
    /// The event's id (UUIDv7).
    pub id: String,
    /// When it happened (UTC).
    pub at: DateTime<Utc>,
    /// Who: a user id, an API client id, or `null` for the command line and the system.
    pub actor: Option<String>,
    /// The actor's role.
    pub role: Option<String>,
    /// What, e.g. `report.read`, `report.submit`, `auth.login`, `user.update`.
    pub action: String,
    /// On what, e.g. a report id or a user id.
    pub target: Option<String>,
    /// How it ended.
    pub outcome: Outcome,
    /// The client's address.
    pub ip: Option<String>,
    /// The request's id.
    pub request_id: Option<String>,
    /// Position in the chain (1, 2, …).
    pub seq: Option<i64>,
    /// The hash of the event before.
    pub prev_hash: Option<String>,
    /// SHA-256(prev_hash ‖ canonical event), hex.
    pub hash: Option<String>,
}

impl AuditEvent {
    /// The event in canonical form (JSON, keys sorted, timestamps with microseconds), without
    /// the hashes: what the chain hash covers.
    pub fn canonical(&self, seq: i64) -> String {
        serde_json::json!({
            "action": self.action,
            "actor": self.actor,
            "at": self.at.to_rfc3339_opts(chrono::SecondsFormat::Micros, true),
            "id": self.id,
            "ip": self.ip,
            "outcome": self.outcome,
            "request_id": self.request_id,
            "role": self.role,
            "seq": seq,
            "target": self.target,
        })
        .to_string()
    }

    /// The event for display: each text field longer than `shown` characters cut to its first
    /// `shown` characters and `…`.
    pub fn shortened(self, shown: usize) -> Self {
        let cut = |text: String| match text.char_indices().nth(shown) {
            Some((end, _)) => format!("{}…", &text[..end]),
            None => text,
        };
        let cut_some = |text: Option<String>| text.map(cut);
        AuditEvent {
            actor: cut_some(self.actor),
            role: cut_some(self.role),
            action: cut(self.action),
            target: cut_some(self.target),
            ip: cut_some(self.ip),
            request_id: cut_some(self.request_id),
            prev_hash: cut_some(self.prev_hash),
            hash: cut_some(self.hash),
            ..self
        }
    }

    /// The chain hash of this event at `seq` after `prev_hash`.
    pub fn chain_hash(&self, seq: i64, prev_hash: &str) -> String {
        let mut hasher = Sha256::new();
        hasher.update(prev_hash.as_bytes());
        hasher.update(self.canonical(seq).as_bytes());
        hex::encode(hasher.finalize())
    }
}

/// One sealed event's place in the chain: what the key store witnesses of it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Link {
    /// Its position (1, 2, …).
    pub seq: i64,
    /// The event's id.
    pub event_id: String,
    /// Its chain hash.
    pub hash: String,
}

/// A checkpoint of the chain's head: what a signature vouches for.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Checkpoint {
    /// The position of the last sealed event.
    pub seq: i64,
    /// Its id.
    pub event_id: String,
    /// Its chain hash, which covers every event before it.
    pub hash: String,
    /// How many events the chain holds up to it (positions start at 1, so `seq`).
    pub count: i64,
    /// When the checkpoint was made (UTC).
    pub at: DateTime<Utc>,
}

impl Checkpoint {
    /// The checkpoint of a chain whose last event is `head`, made now.
    pub fn of(head: &Link) -> Self {
        Checkpoint {
            seq: head.seq,
            event_id: head.event_id.clone(),
            hash: head.hash.clone(),
            count: head.seq,
            at: chrono::SubsecRound::trunc_subsecs(Utc::now(), 6),
        }
    }
}

/// A signed checkpoint as it is exported, logged and appended to the witness file: the
/// checkpoint's fields for reading, and `jws`, a compact JWS (EdDSA, `typ`
/// `audit-checkpoint+jwt`, the audit checkpoint key's `kid`) whose payload is the checkpoint.
/// Only the payload is trusted, and only once its signature is verified.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SignedCheckpoint {
    /// The checkpoint, as the signature covers it.
    #[serde(flatten)]
    pub checkpoint: Checkpoint,
    /// The compact JWS over it.
    pub jws: String,
}

/// Where and why a chain stops being the one its checkpoints vouch for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Broken {
    /// The position of the first event affected.
    pub seq: i64,
    /// That event's id, when known (a missing event is known by the witness or a checkpoint).
    pub event_id: Option<String>,
    /// What is wrong there.
    pub reason: &'static str,
}

/// Judges the event found at position `seq` after `prev` (the hash before it) against what the
/// key store witnessed there and the signed checkpoint there, if any. Answers the event's hash
/// when it is in place.
pub fn judge(
    seq: i64,
    prev: &str,
    event: &AuditEvent,
    witnessed: Option<&Link>,
    checkpoint: Option<&Checkpoint>,
) -> Result<String, Broken> {
    let broken = |event_id: &str, reason| Broken {
        seq,
        event_id: Some(event_id.to_owned()),
        reason,
    };
    let other = |link: &&Link| {
        link.event_id != event.id || event.hash.as_deref() != Some(link.hash.as_str())
    };
    if let Some(link) = witnessed.filter(other) {
        return Err(broken(
            &link.event_id,
            "not the event the key store witnessed here",
        ));
    }
    let hash = event.chain_hash(seq, prev);
    let linked = event.seq == Some(seq)
        && event.prev_hash.as_deref() == Some(prev)
        && event.hash.as_deref() == Some(hash.as_str());
    if !linked {
        return Err(broken(&event.id, "altered, or out of place"));
    }
    let missed = |c: &&Checkpoint| c.event_id != event.id || c.hash != hash;
    if let Some(checkpoint) = checkpoint.filter(missed) {
        return Err(broken(
            &checkpoint.event_id,
            "does not reach the signed checkpoint",
        ));
    }
    Ok(hash)
}

/// The answer of a chain verification.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct Verification {
    /// Whether every event is intact, in place, and the chain reaches its latest signed
    /// checkpoint (none missing at its end).
    pub valid: bool,
    /// How many events were found in place before the first fault (all of them when valid).
    pub checked: i64,
    /// The id of the first event that is altered, missing, or out of place (when known).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub first_invalid: Option<String>,
    /// The position of that event.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub first_invalid_seq: Option<i64>,
    /// What is wrong there.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    /// The position of the latest signed checkpoint checked against (none yet: absent).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub checkpoint_seq: Option<i64>,
}

impl Verification {
    /// The verdict after `checked` events in place, then `broken` (if anything).
    pub fn new(checked: i64, broken: Option<Broken>, checkpoint_seq: Option<i64>) -> Self {
        Verification {
            valid: broken.is_none(),
            checked,
            first_invalid_seq: broken.as_ref().map(|b| b.seq),
            reason: broken.as_ref().map(|b| b.reason.to_owned()),
            first_invalid: broken.and_then(|b| b.event_id),
            checkpoint_seq,
        }
    }

    /// The verdict when the checkpoint to check against cannot be trusted (`why`).
    pub fn refused(why: &impl std::fmt::Display) -> Self {
        Verification {
            valid: false,
            checked: 0,
            first_invalid: None,
            first_invalid_seq: None,
            reason: Some(why.to_string()),
            checkpoint_seq: None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn event() -> AuditEvent {
        AuditEvent {
            id: "01a2".into(),
            at: "2026-11-29T10:00:00Z".parse().unwrap(),
            actor: Some("u1".into()),
            role: Some("analyst".into()),
            action: "report.read".into(),
            target: Some("r1".into()),
            outcome: Outcome::Success,
            ip: Some("127.0.0.1".into()),
            request_id: None,
            seq: None,
            prev_hash: None,
            hash: None,
        }
    }

    #[test]
    fn fields_are_kept_whole_up_to_the_bound_and_cut_visibly_beyond() {
        let exact = "é".repeat(MAX_FIELD_CHARS);
        assert_eq!(bounded(&exact), exact);
        let cut = bounded(&"é".repeat(MAX_FIELD_CHARS + 1));
        assert_eq!(cut.chars().count(), MAX_FIELD_CHARS);
        assert!(cut.ends_with("é…"), "{cut}");
        assert_eq!(
            bounded(&"x".repeat(2 << 20)).chars().count(),
            MAX_FIELD_CHARS
        );
    }

    #[test]
    fn the_hash_covers_every_field_the_position_and_the_previous_hash() {
        let base = event().chain_hash(1, GENESIS_HASH);
        let mut other = event();
        other.target = Some("r2".into());
        assert_ne!(other.chain_hash(1, GENESIS_HASH), base);
        assert_ne!(event().chain_hash(2, GENESIS_HASH), base);
        assert_ne!(event().chain_hash(1, &base), base);
        assert_eq!(event().chain_hash(1, GENESIS_HASH), base, "deterministic");
    }
}
