//! What a submitter may do to a report it has stored: amend it (append-only, numbered; the
//! report as first submitted never changes) and retract it.

use std::collections::HashSet;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::json;
use utoipa::ToSchema;
use validator::Validate;

use super::refusal::{FieldError, Refusal};
use super::report::{
    Account, ContentItem, Location, account_id_errors, account_ref_errors, field_errors,
    location_errors, part_time_errors,
};
use super::status::ReportStatus;
use super::taxonomy::Severity;

/// An amendment: a note, and any of more accounts, more content, more locations, a higher
/// severity. Its lists follow the rules of the report's own lists; its `account_ref`s may name
/// the report's accounts (including those added by earlier amendments) or its own.
#[derive(Debug, Clone, Serialize, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = example_amendment)]
pub struct NewAmendment {
    /// What the amendment adds or corrects, in the reporter's words.
    #[validate(length(min = 1, max = 5000, message = "must be 1 to 5000 characters"))]
    #[schema(min_length = 1, max_length = 5000)]
    pub note: String,
    /// A severity higher than the report's current one.
    #[serde(default)]
    pub severity: Option<Severity>,
    /// More accounts; their `platform_account_id`s are new to the report.
    #[serde(default)]
    #[validate(length(max = 100, message = "must have at most 100 items"), nested)]
    #[schema(max_items = 100)]
    pub accounts: Vec<Account>,
    /// More pieces of content.
    #[serde(default)]
    #[validate(length(max = 200, message = "must have at most 200 items"), nested)]
    #[schema(max_items = 200)]
    pub content: Vec<ContentItem>,
    /// More locations.
    #[serde(default)]
    #[validate(length(max = 20, message = "must have at most 20 items"), nested)]
    #[schema(max_items = 20)]
    pub locations: Vec<Location>,
}

/// What an amendment is checked against: the report as it stands, with earlier amendments.
#[derive(Debug, Clone)]
pub struct ReportSoFar {
    /// The current severity.
    pub severity: Severity,
    /// The `platform_account_id`s of all its accounts.
    pub account_ids: Vec<String>,
}

impl NewAmendment {
    /// The free text a review search looks in: the new content excerpts.
    pub fn searchable_texts(&self) -> impl Iterator<Item = &str> {
        self.content
            .iter()
            .filter_map(|c| c.text_excerpt.as_deref())
    }

    /// Checks every rule of the amendment against the report as it stands; on failure returns
    /// all broken rules, sorted by pointer into the amendment's body.
    pub fn check(&self, report: &ReportSoFar) -> Result<(), Vec<FieldError>> {
        let mut errors = match self.validate() {
            Ok(()) => Vec::new(),
            Err(errors) => field_errors(&errors, ""),
        };
        if self.severity.is_some_and(|s| s <= report.severity) {
            errors.push(FieldError::new(
                "/severity",
                "not_higher",
                format!(
                    "must be higher than the report's current severity ({})",
                    report.severity.as_ref()
                ),
            ));
        }
        let earlier: HashSet<&str> = report.account_ids.iter().map(String::as_str).collect();
        errors.extend(account_id_errors(&self.accounts, &earlier));
        let mut known = earlier;
        known.extend(self.accounts.iter().map(|a| a.platform_account_id.as_str()));
        errors.extend(account_ref_errors(&self.content, &known));
        errors.extend(location_errors(&self.locations));
        errors.extend(part_time_errors(&self.accounts, &self.content));
        if errors.is_empty() {
            return Ok(());
        }
        errors.sort_by(|a, b| a.pointer.cmp(&b.pointer));
        Err(errors)
    }
}

/// An amendment as stored, shown to the submitter and to analysts.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Amendment {
    /// 1 for the first amendment of a report, then 2, 3, …
    pub number: i32,
    /// When the portal received it (UTC).
    pub received_at: DateTime<Utc>,
    /// SHA-256 (hex) of the amendment as received, in canonical JSON.
    pub body_sha256: String,
    /// The amendment exactly as submitted (canonical JSON).
    #[schema(value_type = NewAmendment)]
    pub amendment: serde_json::Value,
}

/// The answer to an amendment: 201 when stored, 200 (with `Idempotent-Replayed: true`) when the
/// same amendment had already been stored for the report.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct AmendmentReceipt {
    /// The report's id.
    pub report_id: String,
    /// The amendment's number.
    pub number: i32,
    /// When the portal received it (UTC).
    pub received_at: DateTime<Utc>,
    /// SHA-256 (hex) of the amendment as received, in canonical JSON.
    pub body_sha256: String,
    /// The portal's signed receipt (`typ` `report-receipt+jwt`): as a report's, with the
    /// amendment's number and body hash.
    pub receipt: String,
}

/// A request to withdraw a report.
#[derive(Debug, Clone, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RetractionRequest {
    /// Why the report is withdrawn.
    #[validate(length(min = 1, max = 2000, message = "must be 1 to 2000 characters"))]
    #[schema(min_length = 1, max_length = 2000)]
    pub reason: String,
}

impl RetractionRequest {
    /// Checks the reason's length.
    pub fn check(&self) -> Result<(), Refusal> {
        self.validate()
            .map_err(|e| Refusal::Invalid(field_errors(&e, "")))
    }
}

/// The example amendment of the OpenAPI schema.
fn example_amendment() -> serde_json::Value {
    json!({
        "note": "The recruiter opened a second account after the first was suspended, and now targets minors.",
        "severity": "critical",
        "accounts": [{
            "platform_account_id": "1234567891",
            "handle": "@trabajo.seguro.fake2",
            "role": "recruiter",
            "action_taken": "banned"
        }],
        "content": [{
            "content_type": "post",
            "text_excerpt": "Buscamos chavos de 15 a 17, pago semanal",
            "account_ref": "1234567891",
            "preserved": true,
            "removed": true
        }]
    })
}

/// 409 for a retracted report: nothing more may be added to it.
pub fn refuse_if_retracted(status: ReportStatus) -> Result<(), Refusal> {
    if status == ReportStatus::Retracted {
        return Err(Refusal::Conflict {
            detail: "the report was retracted; nothing more can be added to it".into(),
            existing_id: None,
        });
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn so_far() -> ReportSoFar {
        ReportSoFar {
            severity: Severity::High,
            account_ids: vec!["1234567890".into()],
        }
    }

    fn amendment(body: serde_json::Value) -> NewAmendment {
        serde_json::from_value(body).unwrap()
    }

    fn pointers(result: Result<(), Vec<FieldError>>) -> Vec<(String, String)> {
        result
            .unwrap_err()
            .into_iter()
            .map(|e| (e.pointer, e.code))
            .collect()
    }

    #[test]
    fn the_schema_example_is_valid_and_may_name_earlier_accounts() {
        let mut body = example_amendment();
        assert_eq!(amendment(body.clone()).check(&so_far()), Ok(()));
        body["content"][0]["account_ref"] = json!("1234567890");
        assert_eq!(amendment(body).check(&so_far()), Ok(()));
    }

    #[test]
    fn broken_rules_point_into_the_amendment() {
        let body = json!({
            "note": "",
            "severity": "medium",
            "accounts": [
                {"platform_account_id": "1234567890", "role": "recruiter", "action_taken": "none"},
                {"platform_account_id": "new", "role": "recruiter", "action_taken": "none",
                 "profile_url": "ftp://x"}
            ],
            "content": [{"content_type": "post", "account_ref": "nobody", "preserved": false, "removed": false}],
            "locations": [{"country": "MX", "subdivision": "US-TX"}]
        });
        assert_eq!(
            pointers(amendment(body).check(&so_far())),
            [
                ("/accounts/0/platform_account_id".into(), "duplicate".into()),
                ("/accounts/1/profile_url".into(), "http_url".into()),
                ("/content/0/account_ref".into(), "unknown_account".into()),
                ("/locations/0/subdivision".into(), "country_mismatch".into()),
                ("/note".into(), "length".into()),
                ("/severity".into(), "not_higher".into()),
            ]
        );
    }
}
