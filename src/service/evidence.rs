//! Evidence files: an organization's upload to one of its reports recorded (the report is checked
//! before the file is stored by [`evidence::prepare_upload`]), and an analyst's download (audited,
//! on the report's timeline).

use crate::db::{DbConnection, portable};
use crate::domain::evidence::Evidence;
use crate::domain::user::Actor;
use crate::error::ApiError;
use crate::keys::KeyStore;
use crate::sealing::DataKey;
use crate::store::audit::NewAuditEvent;
use crate::store::evidence::{self, NewEvidence};

/// Records a stored file by `actor` in one transaction (see [`evidence::record`]): answers it
/// and `true`, or the report's earlier file with the same bytes and `false` (also when a
/// concurrent upload of them won), in which case the caller deletes the new file.
pub fn record_upload(
    conn: &mut DbConnection,
    key: &DataKey,
    new: &NewEvidence,
    actor: &Actor,
) -> Result<(Evidence, bool), ApiError> {
    let recorded =
        portable::write_transaction(conn, |conn| evidence::record(conn, key, new, actor));
    match recorded {
        Err(ApiError::Conflict { .. }) => {
            evidence::by_sha256(conn, key, &new.report_id, &new.sha256)?
                .map(|existing| (existing, false))
                .ok_or_else(|| ApiError::Internal(anyhow::anyhow!("evidence vanished")))
        }
        other => other,
    }
}

/// Evidence file `evidence_id` of report `report_id` for download by `actor`, with the
/// report's data key; the download is on the report's timeline and recorded as `event`.
pub fn download(
    conn: &mut DbConnection,
    keys: &KeyStore,
    (report_id, evidence_id): (&str, &str),
    actor: &Actor,
    event: &NewAuditEvent,
) -> Result<(Evidence, DataKey), ApiError> {
    super::recorded(conn, event, |conn| {
        evidence::download(conn, keys, report_id, evidence_id, actor)
    })
}
