//! The audit log's events, and the hash that chains each to the one before it.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use utoipa::ToSchema;

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

/// How an audited action ended.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Serialize,
    Deserialize,
    ToSchema,
    strum::AsRefStr,
    strum::EnumString,
)]
#[serde(rename_all = "snake_case")]
#[strum(serialize_all = "snake_case")]
pub enum Outcome {
    /// Done.
    Success,
    /// Refused or failed (e.g. a wrong password).
    Failure,
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

    /// The chain hash of this event at `seq` after `prev_hash`.
    pub fn chain_hash(&self, seq: i64, prev_hash: &str) -> String {
        let mut hasher = Sha256::new();
        hasher.update(prev_hash.as_bytes());
        hasher.update(self.canonical(seq).as_bytes());
        hex::encode(hasher.finalize())
    }
}

/// The answer of a chain verification.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct Verification {
    /// Whether every event checked is intact and in place.
    pub valid: bool,
    /// How many events were checked.
    pub checked: i64,
    /// The id of the first event that is altered, missing its predecessor, or out of place.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub first_invalid: Option<String>,
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
