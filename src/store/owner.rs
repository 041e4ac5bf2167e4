//! Whose reports a caller reaches: an API client's own (its organization's, in its
//! credential's mode), who is submitting, and how a report is named.

use diesel::prelude::*;

use super::audit::NewAuditEvent;
use crate::db::MultiBackend;
use crate::db::schema::reports;
use crate::domain::organization::CredentialMode;

/// Whose reports an API client sees and changes: its organization's, in its credential's mode.
/// A test-mode credential reaches only test reports, a live one only live reports; any other
/// report is absent to it (404).
#[derive(Debug, Clone, Copy)]
pub struct ReportOwner<'a> {
    /// The organization.
    pub organization_id: &'a str,
    /// The credential's mode.
    pub mode: CredentialMode,
}

impl<'a> ReportOwner<'a> {
    /// The owner's reports, to be filtered further: where every read or change of a
    /// submitter's own reports starts.
    pub(super) fn reports(self) -> reports::BoxedQuery<'a, MultiBackend> {
        reports::table
            .filter(reports::organization_id.eq(self.organization_id))
            .filter(reports::mode.eq(self.mode.as_ref().to_owned()))
            .into_boxed()
    }
}

/// Who is submitting: the organization, its credential and that credential's mode.
#[derive(Debug, Clone)]
pub struct Submitter {
    /// The submitting organization.
    pub organization_id: String,
    /// The credential used.
    pub client_id: String,
    /// Live or test.
    pub mode: CredentialMode,
    /// The audit event of a stored report (its target is filled in with the new id).
    pub audit: NewAuditEvent,
    /// Whether analysts are e-mailed about its new live reports (`seed`'s synthetic ones are
    /// news to nobody unless asked for).
    pub notify: bool,
    /// Past how many reports a value its reports share is common
    /// (`correlation_common_threshold`).
    pub common_threshold: u32,
    /// Only reports received at or after this time get a `report.received` event in the feed:
    /// `seed`'s reports of past days leave out those a running server would have pruned by now
    /// (older than `event_retention_days`). `None` on the API, whose reports arrive now.
    pub feed_since: Option<chrono::DateTime<chrono::Utc>>,
}

impl Submitter {
    /// The reports this submitter reaches.
    pub fn owner(&self) -> ReportOwner<'_> {
        ReportOwner {
            organization_id: &self.organization_id,
            mode: self.mode,
        }
    }
}

/// Which of an organization's reports to read.
pub enum ReportKey {
    /// By the portal's id.
    Id(String),
    /// By the organization's own identifier.
    ExternalId(String),
}
