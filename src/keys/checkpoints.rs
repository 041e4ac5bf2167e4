//! The audit chain's anchors in the key store: the signing key of checkpoints, the signed
//! checkpoints of the chain's head, and the witness of each sealed event's place.
//!
//! The key store is a database of its own (`keys_database_url`), so the owner of the main
//! database can rewrite neither what was witnessed nor what was signed.

use std::path::Path;

use diesel::prelude::*;
use jsonwebtoken::{Algorithm, Header, Validation};

use super::KeyStore;
use crate::auth::keys::{Jwk, SigningKeys};
use crate::db::portable;
use crate::domain::audit::{Checkpoint, Link, SignedCheckpoint};
use crate::error::ApiError;

diesel::table! {
    /// Each sealed event's position, id and hash, as a checkpointer saw it extend the chain.
    audit_witness (seq) {
        /// The event's position in the chain (1, 2, …).
        seq -> BigInt,
        /// The event's id.
        event_id -> Text,
        /// The event's chain hash.
        hash -> Text,
    }
}

diesel::table! {
    /// The signed checkpoints, at most one per head.
    audit_checkpoints (seq) {
        /// The position of the last sealed event the checkpoint covers.
        seq -> BigInt,
        /// That event's id.
        event_id -> Text,
        /// That event's chain hash, which covers every event before it.
        hash -> Text,
        /// When the checkpoint was made (UTC).
        at -> Timestamp,
        /// The signed checkpoint (a compact JWS).
        jws -> Text,
    }
}

/// One witnessed link as stored.
#[derive(Queryable, Selectable)]
#[diesel(table_name = audit_witness, check_for_backend(diesel::pg::Pg, diesel::sqlite::Sqlite))]
struct WitnessRow {
    seq: i64,
    event_id: String,
    hash: String,
}

/// The JOSE header `typ` of a checkpoint: never an access token nor a receipt.
pub const CHECKPOINT_TYP: &str = "audit-checkpoint+jwt";

/// The `use` of the checkpoint key in `/.well-known/jwks.json`: not `sig`, so that software
/// looking there for the key of access tokens and receipts passes it by.
pub const CHECKPOINT_KEY_USE: &str = "audit-checkpoint";

/// Why a signed checkpoint is not trusted.
#[derive(Debug, thiserror::Error)]
#[error("the checkpoint is refused: {0}")]
pub struct Refused(String);

/// The Ed25519 key that signs checkpoints (its own, not the access tokens' key).
pub struct CheckpointKey {
    keys: SigningKeys,
    validation: Validation,
}

impl CheckpointKey {
    /// Loads the PKCS#8 PEM key at `path`, or generates one there (0600).
    pub fn load_or_create(path: &Path) -> anyhow::Result<Self> {
        let mut validation = Validation::new(Algorithm::EdDSA);
        validation.required_spec_claims.clear();
        validation.validate_exp = false;
        validation.validate_aud = false;
        Ok(CheckpointKey {
            keys: SigningKeys::load_or_create(path)?,
            validation,
        })
    }

    /// The public key, as published in `/.well-known/jwks.json`.
    pub fn jwk(&self) -> Jwk {
        Jwk {
            key_use: CHECKPOINT_KEY_USE,
            ..self.keys.jwk()
        }
    }

    /// `checkpoint`, signed.
    pub fn sign(&self, checkpoint: Checkpoint) -> Result<SignedCheckpoint, ApiError> {
        let mut header = Header::new(Algorithm::EdDSA);
        header.kid = Some(self.keys.kid.clone());
        header.typ = Some(CHECKPOINT_TYP.to_owned());
        let jws = jsonwebtoken::encode(&header, &checkpoint, &self.keys.encoding)
            .map_err(|e| ApiError::Internal(anyhow::anyhow!("cannot sign a checkpoint: {e}")))?;
        Ok(SignedCheckpoint { checkpoint, jws })
    }

    /// The checkpoint that `jws` carries, once its header names this key and type and its
    /// signature verifies.
    pub fn open(&self, jws: &str) -> Result<Checkpoint, Refused> {
        let refused = |why: &str| Refused(why.to_owned());
        let header = jsonwebtoken::decode_header(jws).map_err(|_| refused("not a JWS"))?;
        if header.alg != Algorithm::EdDSA || header.typ.as_deref() != Some(CHECKPOINT_TYP) {
            return Err(refused("not an audit checkpoint"));
        }
        if header.kid.as_deref() != Some(self.keys.kid.as_str()) {
            return Err(refused(
                "signed by another key than the audit checkpoint key",
            ));
        }
        jsonwebtoken::decode::<Checkpoint>(jws, &self.keys.decoding, &self.validation)
            .map(|data| data.claims)
            .map_err(|e| Refused(format!("bad signature or payload ({e})")))
    }

    /// The checkpoint of `signed` (as exported), once its signature verifies and its readable
    /// fields are those the signature covers.
    pub fn verify(&self, signed: &SignedCheckpoint) -> Result<Checkpoint, Refused> {
        let checkpoint = self.open(&signed.jws)?;
        if checkpoint != signed.checkpoint {
            return Err(Refused(
                "its fields differ from what its signature covers".into(),
            ));
        }
        Ok(checkpoint)
    }
}

impl KeyStore {
    /// The checkpoint signing key.
    pub fn checkpoint_key(&self) -> &CheckpointKey {
        &self.checkpoint_key
    }

    /// The latest stored checkpoint, once its signature verifies (`Err` inside when it does not:
    /// the key store was tampered with).
    pub fn latest_checkpoint(&self) -> Result<Option<Result<Checkpoint, Refused>>, ApiError> {
        let conn = &mut *self.pool.get()?;
        let jws: Option<String> = audit_checkpoints::table
            .order(audit_checkpoints::seq.desc())
            .select(audit_checkpoints::jws)
            .first(conn)
            .optional()?;
        Ok(jws.map(|jws| self.checkpoint_key.open(&jws)))
    }

    /// Keeps `signed` and then `publish`es it, unless a checkpoint of that head or of a later one
    /// is kept already; answers whether it was kept. One checkpointer at a time across replicas
    /// (until the keeping commits), so that neither the log nor what `publish` writes (the
    /// witness file) ever goes back to an older head, however checkpointers interleave.
    pub fn keep_checkpoint(
        &self,
        signed: &SignedCheckpoint,
        publish: impl FnOnce(&SignedCheckpoint),
    ) -> Result<bool, ApiError> {
        let conn = &mut *self.pool.get()?;
        let c = &signed.checkpoint;
        let row = (
            audit_checkpoints::seq.eq(c.seq),
            audit_checkpoints::event_id.eq(&c.event_id),
            audit_checkpoints::hash.eq(&c.hash),
            audit_checkpoints::at.eq(c.at.naive_utc()),
            audit_checkpoints::jws.eq(&signed.jws),
        );
        portable::write_transaction(conn, |conn| -> Result<bool, ApiError> {
            portable::lock_until_commit(conn, portable::OneAtATime::AuditCheckpoints)?;
            let latest: Option<i64> = audit_checkpoints::table
                .select(diesel::dsl::max(audit_checkpoints::seq))
                .first(conn)?;
            if latest.is_some_and(|latest| latest >= c.seq) {
                return Ok(false);
            }
            portable::insert_rows!(conn, audit_checkpoints::table, &[row])?;
            publish(signed);
            Ok(true)
        })
    }

    /// Witnesses `links` (those already witnessed are left as they are).
    pub fn witness(&self, links: &[Link]) -> Result<(), ApiError> {
        if links.is_empty() {
            return Ok(());
        }
        let conn = &mut *self.pool.get()?;
        let rows: Vec<_> = links
            .iter()
            .map(|link| {
                (
                    audit_witness::seq.eq(link.seq),
                    audit_witness::event_id.eq(&link.event_id),
                    audit_witness::hash.eq(&link.hash),
                )
            })
            .collect();
        portable::write_transaction(conn, |conn| {
            portable::insert_rows!(conn, audit_witness::table, &rows, on_conflict_do_nothing)
        })?;
        Ok(())
    }

    /// What was witnessed at positions `first..=last`, in order.
    pub fn witnessed(&self, first: i64, last: i64) -> Result<Vec<Link>, ApiError> {
        let conn = &mut *self.pool.get()?;
        let rows: Vec<WitnessRow> = audit_witness::table
            .filter(audit_witness::seq.between(first, last))
            .order(audit_witness::seq.asc())
            .select(WitnessRow::as_select())
            .load(conn)?;
        Ok(rows
            .into_iter()
            .map(|row| Link {
                seq: row.seq,
                event_id: row.event_id,
                hash: row.hash,
            })
            .collect())
    }

    /// The last position witnessed, if any.
    pub fn witnessed_head(&self) -> Result<Option<i64>, ApiError> {
        let conn = &mut *self.pool.get()?;
        Ok(audit_witness::table
            .select(diesel::dsl::max(audit_witness::seq))
            .first(conn)?)
    }
}
