//! Partner sharing's rules: partners, collections and grants as admins ask for them, an
//! analyst's share of a report (which indicators, which marking), and when a report may not be
//! shared at all.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use validator::Validate;

use super::indicators::{Indicator, IndicatorKind};
use super::organization::CredentialMode;
use super::refusal::{FieldError, Refusal};
use super::report::{NewReport, check_rules};
use super::status::ReportStatus;
use super::stix::{MAX_NOTE_CHARS, SharedIndicator, Tlp};

/// The most indicators one share may name.
const MAX_CHOSEN: usize = 200;

/// A partner agency to register.
#[derive(Debug, Clone, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewPartner {
    /// The agency's name (unique), e.g. `HSI Cyber Crimes Center`.
    #[validate(length(min = 1, max = 200, message = "must be 1 to 200 characters"))]
    #[schema(min_length = 1, max_length = 200)]
    pub name: String,
}

/// A registered partner and its client credentials; the secret is shown once.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct IssuedPartner {
    /// The partner's id.
    pub id: String,
    /// The OAuth client id (`rp_partner_…`).
    pub client_id: String,
    /// The client secret: shown once, stored only as a hash.
    pub client_secret: String,
}

/// A partner agency as admins see it (never its secret).
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Partner {
    /// The partner's id.
    pub id: String,
    /// The agency's name.
    pub name: String,
    /// Its OAuth client id.
    pub client_id: String,
    /// When it was registered.
    pub created_at: DateTime<Utc>,
    /// When its credentials were revoked.
    pub revoked_at: Option<DateTime<Utc>>,
    /// The collections it may read.
    pub collection_ids: Vec<String>,
}

/// A collection (sharing group) to define.
#[derive(Debug, Clone, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewCollection {
    /// Its title (unique), e.g. `Southwest border recruitment`.
    #[validate(length(min = 1, max = 200, message = "must be 1 to 200 characters"))]
    #[schema(min_length = 1, max_length = 200)]
    pub title: String,
    /// What it holds and who reads it.
    #[validate(length(max = 2000, message = "must be at most 2000 characters"))]
    #[schema(max_length = 2000)]
    pub description: Option<String>,
}

/// A collection (its id is the TAXII collection id).
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Collection {
    /// The collection's id (a UUID).
    pub id: String,
    /// Its title.
    pub title: String,
    /// What it holds.
    pub description: Option<String>,
    /// When it was defined.
    pub created_at: DateTime<Utc>,
}

/// A grant of one collection to a partner.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct GrantRequest {
    /// The collection the partner may read.
    pub collection_id: String,
}

/// An analyst's share of a report's indicators into a collection.
#[derive(Debug, Clone, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ShareRequest {
    /// The collection to share into.
    pub collection_id: String,
    /// The indicators to share, by their JSON Pointer in the report (as
    /// `/review/reports/{id}/related` names them, e.g. `/accounts/0/contact_handles/1/value`);
    /// absent: all of them.
    #[schema(min_items = 1, max_items = 200)]
    pub indicators: Option<Vec<String>>,
    /// The TLP 2.0 marking of everything shared.
    pub tlp: Tlp,
    /// A note for the partner (the report object's description). Nothing of the report's
    /// summary or excerpts is shared unless written here.
    #[validate(length(min = 1, max = MAX_NOTE_CHARS, message = "must be 1 to 5000 characters"))]
    #[schema(min_length = 1, max_length = 5000)]
    pub note: Option<String>,
}

/// A share as analysts see it.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Share {
    /// The share's id.
    pub id: String,
    /// The report shared.
    pub report_id: String,
    /// Into which collection.
    pub collection_id: String,
    /// The marking.
    pub tlp: Tlp,
    /// Who shared it.
    pub shared_by: String,
    /// When.
    pub shared_at: DateTime<Utc>,
    /// When it was withdrawn (its objects revoked).
    pub withdrawn_at: Option<DateTime<Utc>>,
    /// The ids of the STIX objects it produced.
    pub object_ids: Vec<String>,
}

/// How many shares went into one collection under one marking.
#[derive(Debug, Clone)]
pub struct ShareCount {
    /// The collection.
    pub collection_id: String,
    /// Its title.
    pub collection_title: String,
    /// The marking.
    pub tlp: Tlp,
    /// Shares made (withdrawn ones included).
    pub shares: i64,
    /// Of which withdrawn.
    pub withdrawn: i64,
}

impl ShareRequest {
    /// The request's own rules (422).
    pub fn check(&self) -> Result<(), Refusal> {
        let count = self.indicators.as_ref().map(Vec::len);
        let chosen = match count {
            Some(0) => Some(FieldError::new(
                "/indicators",
                "length",
                "must name at least one indicator (or be left out for all)",
            )),
            Some(n) if n > MAX_CHOSEN => Some(FieldError::new(
                "/indicators",
                "length",
                "may name at most 200 indicators",
            )),
            _ => None,
        };
        check_rules(self, chosen)
    }
}

/// 409 unless a report of `status` and `mode`, `held` or not, may be shared: never a retracted
/// report (its submitter withdrew it), a test-mode report, or one under a legal hold (a hold
/// keeps a report as it is for legal proceedings; until holds say what they allow, every hold
/// forbids disclosure to partners).
pub fn check_shareable(
    status: ReportStatus,
    mode: CredentialMode,
    held: bool,
) -> Result<(), Refusal> {
    let refusal = if status == ReportStatus::Retracted {
        "the report was retracted by its submitter and cannot be shared"
    } else if mode == CredentialMode::Test {
        "test-mode reports are never shared"
    } else if held {
        "the report is under a legal hold, which forbids sharing"
    } else {
        return Ok(());
    };
    Err(Refusal::Conflict {
        detail: refusal.into(),
        existing_id: None,
    })
}

/// The indicators of `report` that a share names (all when `chosen` is `None`), each with what
/// STIX needs around it; 422 naming each pointer that is not one of the report's indicators, or
/// when the report has none.
pub fn chosen_indicators(
    report: &NewReport,
    all: Vec<Indicator>,
    chosen: Option<&[String]>,
) -> Result<Vec<SharedIndicator>, Refusal> {
    // One reading per place: a phone number without country code has two.
    let mut seen = std::collections::HashSet::new();
    let all: Vec<Indicator> = all
        .into_iter()
        .filter(|i| seen.insert(i.pointer.clone()))
        .collect();
    let picked: Vec<Indicator> = match chosen {
        None => all,
        Some(pointers) => {
            let unknown: Vec<FieldError> = pointers
                .iter()
                .enumerate()
                .filter(|(_, p)| !all.iter().any(|i| &i.pointer == *p))
                .map(|(n, _)| {
                    FieldError::new(
                        format!("/indicators/{n}"),
                        "unknown_indicator",
                        "is not the pointer of one of the report's indicators",
                    )
                })
                .collect();
            if !unknown.is_empty() {
                return Err(Refusal::Invalid(unknown));
            }
            all.into_iter()
                .filter(|i| pointers.contains(&i.pointer))
                .collect()
        }
    };
    if picked.is_empty() {
        return Err(Refusal::invalid(
            "/indicators",
            "no_indicators",
            "the report has no indicator to share",
        ));
    }
    Ok(picked
        .into_iter()
        .map(|indicator| with_detail(report, indicator))
        .collect())
}

/// An indicator with what the report says around it: an account's id as written, a messaging
/// handle's service, a hash's content item.
fn with_detail(report: &NewReport, indicator: Indicator) -> SharedIndicator {
    let parts: Vec<&str> = indicator.pointer.split('/').collect();
    let index = |n: usize| parts.get(n).and_then(|p| p.parse::<usize>().ok());
    let mut detail = None;
    let mut content_index = None;
    match (parts.get(1).copied(), indicator.kind) {
        (Some("accounts"), IndicatorKind::Account) => {
            detail = index(2)
                .and_then(|i| report.accounts.get(i))
                .map(|a| a.platform_account_id.trim().to_owned());
        }
        (Some("accounts"), IndicatorKind::Handle) if parts.get(3) == Some(&"contact_handles") => {
            detail = index(2)
                .and_then(|i| report.accounts.get(i))
                .and_then(|a| index(4).and_then(|j| a.contact_handles.get(j)))
                .map(|c| c.kind.as_ref().to_owned());
        }
        (Some("content"), _) => content_index = index(2),
        _ => {}
    }
    SharedIndicator {
        indicator,
        detail,
        content_index,
    }
}
