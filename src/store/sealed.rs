//! A report's free text outside its body, amendments and notes (evidence descriptions, timeline
//! reasons and details, the legal hold's reason, the referral), sealed under the report's data
//! key in `sealed_*` columns: where each text belongs, and sealing the texts that migration
//! `000014_sealed_free_text` took out of their plaintext columns.

use std::collections::HashMap;

use diesel::prelude::*;

use crate::db::schema::{free_text_to_seal, report_events, report_evidence, report_holds, reports};
use crate::db::{DbConnection, portable};
use crate::error::ApiError;
use crate::keys::{KeyStore, place};
use crate::sealing::DataKey;

/// Rows of `free_text_to_seal` sealed per transaction.
const SEAL_BATCH: i64 = 500;

/// A free text about a report, by where it belongs.
#[derive(Debug, Clone, Copy)]
pub enum FreeText<'a> {
    /// The description of the evidence file with this id.
    EvidenceDescription(&'a str),
    /// The reason of the timeline event with this id.
    EventReason(&'a str),
    /// The detail (JSON) of the timeline event with this id, when it carries free text.
    EventDetail(&'a str),
    /// The reason of the report's legal hold.
    HoldReason,
    /// The report's referral (JSON: agency and reference).
    Referral,
}

impl FreeText<'_> {
    /// Its place (associated data) in the report `report_id`: `<report id>/evidence/<id>/
    /// description`, `…/event/<id>/reason`, `…/event/<id>/detail`, `…/hold/reason`, `…/referral`.
    pub fn place(self, report_id: &str) -> String {
        let what = match self {
            FreeText::EvidenceDescription(id) => format!("evidence/{id}/description"),
            FreeText::EventReason(id) => format!("event/{id}/reason"),
            FreeText::EventDetail(id) => format!("event/{id}/detail"),
            FreeText::HoldReason => "hold/reason".to_owned(),
            FreeText::Referral => "referral".to_owned(),
        };
        place(report_id, &what)
    }

    /// `text` sealed under the report's `key`, as stored.
    pub fn seal(self, key: &DataKey, report_id: &str, text: &str) -> String {
        key.seal(text, &self.place(report_id))
    }

    /// The text that `sealed` holds.
    pub fn open(self, key: &DataKey, report_id: &str, sealed: &str) -> Result<String, ApiError> {
        Ok(key.open(sealed, &self.place(report_id))?)
    }
}

/// Seals every text in `free_text_to_seal` into its `sealed_*` column under its report's key and
/// removes it there, a batch per transaction; answers how many were sealed. A text whose report
/// has no data key any more (a purge destroyed it, or the report predates the key store and can
/// no longer be read) is removed unsealed. On SQLite, when anything was set aside, the database
/// is then rewritten (`VACUUM`), so that the plaintext does not linger in its free pages.
pub fn seal_set_aside(conn: &mut DbConnection, keys: &KeyStore) -> anyhow::Result<usize> {
    let (mut sealed, mut discarded) = (0, 0);
    loop {
        let batch = portable::write_transaction(conn, |conn| seal_batch(conn, keys))?;
        if batch == (0, 0) {
            break;
        }
        sealed += batch.0;
        discarded += batch.1;
    }
    if discarded > 0 {
        tracing::warn!(
            discarded,
            "free text of reports without a data key was removed unsealed"
        );
    }
    if sealed + discarded > 0 {
        tracing::info!(sealed, "sealed the free text set aside by a migration");
        if matches!(conn, DbConnection::Sqlite(_)) {
            diesel::sql_query("VACUUM").execute(conn)?;
            diesel::sql_query("PRAGMA wal_checkpoint(TRUNCATE)").execute(conn)?;
        }
    }
    Ok(sealed)
}

/// A text that a migration set aside, to be sealed into `field` of the row `row_id` of
/// `report_id`.
#[derive(Queryable, Selectable)]
#[diesel(table_name = free_text_to_seal, check_for_backend(diesel::pg::Pg, diesel::sqlite::Sqlite))]
struct SetAsideRow {
    field: String,
    row_id: String,
    report_id: String,
    text: String,
}

/// Seals the next batch of `free_text_to_seal`; answers how many texts were sealed and how many
/// removed unsealed.
fn seal_batch(conn: &mut DbConnection, keys: &KeyStore) -> Result<(usize, usize), ApiError> {
    let rows: Vec<SetAsideRow> = free_text_to_seal::table
        .order((free_text_to_seal::field, free_text_to_seal::row_id))
        .limit(SEAL_BATCH)
        .select(SetAsideRow::as_select())
        .load(conn)?;
    let report_ids: Vec<&str> = rows.iter().map(|row| row.report_id.as_str()).collect();
    let key_ids: HashMap<String, String> = reports::table
        .filter(reports::id.eq_any(&report_ids))
        .select((reports::id, reports::key_id))
        .load::<(String, String)>(conn)?
        .into_iter()
        .collect();
    let key_refs: Vec<&str> = key_ids.values().map(String::as_str).collect();
    let data_keys = keys.fetch(&key_refs)?;
    let (mut sealed, mut discarded) = (0, 0);
    for SetAsideRow {
        field,
        row_id,
        report_id,
        text,
    } in &rows
    {
        match key_ids.get(report_id).and_then(|id| data_keys.get(id)) {
            Some(key) => {
                store(conn, field, row_id, report_id, text, key)?;
                sealed += 1;
            }
            None => discarded += 1,
        }
        diesel::delete(free_text_to_seal::table.find((field, row_id))).execute(conn)?;
    }
    Ok((sealed, discarded))
}

/// Seals `text`, set aside from `field` of the row `row_id` of `report_id`, into its column.
fn store(
    conn: &mut DbConnection,
    field: &str,
    row_id: &str,
    report_id: &str,
    text: &str,
    key: &DataKey,
) -> Result<(), ApiError> {
    let updated = match field {
        "evidence_description" => diesel::update(report_evidence::table.find(row_id))
            .set(
                report_evidence::sealed_description
                    .eq(FreeText::EvidenceDescription(row_id).seal(key, report_id, text)),
            )
            .execute(conn),
        "event_reason" => diesel::update(report_events::table.find(row_id))
            .set(
                report_events::sealed_reason
                    .eq(FreeText::EventReason(row_id).seal(key, report_id, text)),
            )
            .execute(conn),
        "event_detail" => diesel::update(report_events::table.find(row_id))
            .set(
                report_events::sealed_detail
                    .eq(FreeText::EventDetail(row_id).seal(key, report_id, text)),
            )
            .execute(conn),
        "hold_reason" => diesel::update(report_holds::table.find(report_id))
            .set(report_holds::sealed_reason.eq(FreeText::HoldReason.seal(key, report_id, text)))
            .execute(conn),
        "referral" => diesel::update(reports::table.find(report_id))
            .set(reports::sealed_referral.eq(FreeText::Referral.seal(key, report_id, text)))
            .execute(conn),
        other => {
            return Err(ApiError::Internal(anyhow::anyhow!(
                "free_text_to_seal names an unknown field {other:?}"
            )));
        }
    };
    updated?;
    Ok(())
}
