//! The analysts' internal notes on a report.

use crate::db::DbConnection;
use crate::domain::user::Actor;
use crate::error::ApiError;
use crate::keys::KeyStore;
use crate::read_model::review::Note;
use crate::store::audit::NewAuditEvent;
use crate::store::review;

/// Adds `actor`'s note `body` to report `id` (sealed under its data key), recorded as `event`;
/// answers the note.
pub fn add(
    conn: &mut DbConnection,
    keys: &KeyStore,
    (id, body): (&str, &str),
    actor: &Actor,
    event: &NewAuditEvent,
) -> Result<Note, ApiError> {
    super::recorded(conn, event, |conn| {
        review::add_note(conn, keys, id, actor, body)
    })
}
