//! A report body as received, prepared to be stored: the one home of body preparation, used
//! by the API and the seeder alike. Canonical JSON (object keys sorted, whole numbers as
//! integers, no insignificant whitespace), its SHA-256, and the keyed hashes of its search words,
//! indicators and platform account ids. (The body is sealed under its report's data key as it
//! is stored.)

use chrono::{DateTime, NaiveDateTime, SubsecRound, Utc};
use serde_json::Value;
use sha2::{Digest, Sha256};

use super::indicators::{self, IndexEntry};
use super::lifecycle::NewAmendment;
use super::refusal::FieldError;
use super::report::NewReport;
use super::search::WordHasher;
use crate::sealing::Deflated;

/// Rewrites `json` in canonical form and answers its text: object keys sorted, every number
/// with a zero fraction that fits an `i64` (`12.0`) written as that integer (as JSON Schema
/// counts it, so integer fields take it), no insignificant whitespace.
pub fn canonical_json(json: &mut Value) -> String {
    whole_numbers_as_integers(json);
    json.sort_all_objects();
    json.to_string()
}

fn whole_numbers_as_integers(json: &mut Value) {
    match json {
        Value::Number(number) => {
            if let Some(float) = number.as_f64().filter(|_| number.is_f64()) {
                if float.fract() == 0.0 && float.abs() < i64::MAX as f64 {
                    *number = (float as i64).into();
                }
            }
        }
        Value::Array(items) => items.iter_mut().for_each(whole_numbers_as_integers),
        Value::Object(fields) => fields.values_mut().for_each(whole_numbers_as_integers),
        _ => {}
    }
}

/// A report body ready to store: the validated report, when it was received, and the body as
/// received in canonical JSON with its SHA-256.
pub struct ReceivedBody {
    /// The validated report.
    pub report: NewReport,
    /// When the portal received it (stored as the report's `received_at`).
    pub received_at: NaiveDateTime,
    /// The body as received, canonical JSON.
    pub canonical: String,
    /// SHA-256 (hex) of `canonical`.
    pub sha256: String,
    /// The keys of the report's searchable words.
    pub word_keys: Vec<i64>,
    /// The report's indicators, as the correlation index keeps them.
    pub indicators: Vec<IndexEntry>,
    /// `canonical` compressed, ready to seal.
    pub deflated: Deflated,
}

impl ReceivedBody {
    /// Prepares a validated `report` received at `received_at` as `canonical` JSON: its hash,
    /// and its search words and indicators keyed under `hasher`.
    pub fn new(
        report: NewReport,
        canonical: String,
        received_at: DateTime<Utc>,
        hasher: &WordHasher,
    ) -> Self {
        ReceivedBody {
            sha256: hex::encode(Sha256::digest(canonical.as_bytes())),
            word_keys: hasher.word_keys(report.searchable_texts()),
            indicators: indicators::index_entries(&report, hasher),
            received_at: received_at.naive_utc().trunc_subsecs(6),
            deflated: Deflated::of(&canonical),
            report,
            canonical,
        }
    }
}

impl ReceivedBody {
    /// Judges `report`, received at `now` as `canonical` JSON, by its rules (every broken one)
    /// and prepares it: how the API receives a report.
    pub fn receive(
        report: NewReport,
        canonical: String,
        now: DateTime<Utc>,
        hasher: &WordHasher,
    ) -> Result<Self, Vec<FieldError>> {
        report.check(now)?;
        Ok(Self::new(report, canonical, now, hasher))
    }

    /// Judges and prepares a report made here (not received as JSON), as if it had been
    /// received at `received_at`: how the seeder prepares its synthetic reports.
    pub fn generated(
        report: NewReport,
        received_at: DateTime<Utc>,
        hasher: &WordHasher,
    ) -> Result<Self, Vec<FieldError>> {
        let mut json = serde_json::to_value(&report).expect("a report serializes to JSON");
        let canonical = canonical_json(&mut json);
        Self::receive(report, canonical, received_at, hasher)
    }
}

/// An amendment body ready to store: the parsed amendment, and the body as received in
/// canonical JSON with its SHA-256.
pub struct ReceivedAmendment {
    /// The amendment (its own rules are checked against the report when stored).
    pub amendment: NewAmendment,
    /// The body as received, canonical JSON.
    pub canonical: String,
    /// SHA-256 (hex) of `canonical`.
    pub sha256: String,
    /// The keys of the amendment's searchable words.
    pub word_keys: Vec<i64>,
}

impl ReceivedAmendment {
    /// Prepares `amendment`, received as `canonical` JSON: its hash, and its search words keyed
    /// under `hasher`.
    pub fn new(amendment: NewAmendment, canonical: String, hasher: &WordHasher) -> Self {
        ReceivedAmendment {
            sha256: hex::encode(Sha256::digest(canonical.as_bytes())),
            word_keys: hasher.word_keys(amendment.searchable_texts()),
            amendment,
            canonical,
        }
    }
}
