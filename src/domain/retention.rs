//! Retention: how long each kind of report is kept, the rules that say which reports are due for
//! purge at a given time, legal holds, and the tombstone a purged report leaves.

use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use validator::Validate;

use super::code_list::code_list;
use super::organization::CredentialMode;
use super::refusal::Refusal;
use super::review::Resolution;
use super::status::ReportStatus;

code_list! {
    /// The retention policy under which a report is purged.
    #[derive(PartialOrd, Ord)]
    RetentionPolicy {
        /// A test-mode report, some days after it was received.
        TestMode,
        /// A retracted report, some days after its retraction.
        Retracted,
        /// A report closed as `no_action`, `duplicate` or `insufficient_information`, some days after
        /// it was closed.
        Closed,
        /// A referred or actioned report, some days after a supervisor released it.
        Released,
    }
}

impl RetentionPolicy {
    /// What the submitter is told: a referral or action is never disclosed to it, so a
    /// released report is simply `closed`.
    pub fn for_submitter(self) -> Self {
        match self {
            RetentionPolicy::Released => RetentionPolicy::Closed,
            other => other,
        }
    }
}

/// The time a retention period counts from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Clock {
    /// When the report was received.
    ReceivedAt,
    /// When it was last closed.
    ClosedAt,
    /// When it was retracted.
    RetractedAt,
    /// When a supervisor released it.
    ReleasedAt,
}

/// Which reports one policy purges at a given time: those of `mode`, in one of `statuses`
/// (any status when empty), closed with one of `resolutions` (any when empty), not on legal
/// hold, whose `clock` is at or before `due_by`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PurgeRule {
    /// The policy.
    pub policy: RetentionPolicy,
    /// Live or test reports.
    pub mode: CredentialMode,
    /// The statuses it applies to; empty: all.
    pub statuses: &'static [ReportStatus],
    /// The resolutions it applies to; empty: any.
    pub resolutions: &'static [Resolution],
    /// What the period counts from.
    pub clock: Clock,
    /// Reports whose clock is at or before this are due.
    pub due_by: DateTime<Utc>,
}

/// How many days each kind of report is kept (from the settings).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Retention {
    /// Closed with `no_action`, `duplicate` or `insufficient_information`: days after closing.
    pub closed_days: u32,
    /// Retracted: days after retraction.
    pub retracted_days: u32,
    /// Test mode: days after receipt.
    pub test_days: u32,
    /// Referred or actioned, once released by a supervisor: days after the release.
    pub released_days: u32,
}

impl Retention {
    /// The rules of every policy as they stand at `now`. A live report that is open (received,
    /// in review, escalated), or referred or actioned and not released, matches none of them.
    pub fn rules(&self, now: DateTime<Utc>) -> Vec<PurgeRule> {
        let due_by = |days: u32| now - Duration::days(i64::from(days));
        vec![
            PurgeRule {
                policy: RetentionPolicy::TestMode,
                mode: CredentialMode::Test,
                statuses: &[],
                resolutions: &[],
                clock: Clock::ReceivedAt,
                due_by: due_by(self.test_days),
            },
            PurgeRule {
                policy: RetentionPolicy::Retracted,
                mode: CredentialMode::Live,
                statuses: &[ReportStatus::Retracted],
                resolutions: &[],
                clock: Clock::RetractedAt,
                due_by: due_by(self.retracted_days),
            },
            PurgeRule {
                policy: RetentionPolicy::Closed,
                mode: CredentialMode::Live,
                statuses: &[ReportStatus::Closed],
                resolutions: &[
                    Resolution::NoAction,
                    Resolution::Duplicate,
                    Resolution::InsufficientInformation,
                ],
                clock: Clock::ClosedAt,
                due_by: due_by(self.closed_days),
            },
            PurgeRule {
                policy: RetentionPolicy::Released,
                mode: CredentialMode::Live,
                statuses: &[ReportStatus::Referred, ReportStatus::Closed],
                resolutions: &[],
                clock: Clock::ReleasedAt,
                due_by: due_by(self.released_days),
            },
        ]
    }
}

/// Whether a supervisor may release a report in `status` with `resolution` for purge: only a
/// referred report, or one closed as `actioned` (the others have policies of their own).
pub fn check_releasable(
    status: ReportStatus,
    resolution: Option<Resolution>,
) -> Result<(), Refusal> {
    match (status, resolution) {
        (ReportStatus::Referred, _) | (ReportStatus::Closed, Some(Resolution::Actioned)) => Ok(()),
        _ => Err(Refusal::Conflict {
            detail: "only a referred report, or one closed as actioned, is released for purge; \
                     the others are kept by their own retention policy"
                .into(),
            existing_id: None,
        }),
    }
}

/// A supervisor's request to place a legal hold on a report, or to release it for purge.
#[derive(Debug, Clone, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReasonRequest {
    /// Why (e.g. the litigation or the records request that requires the report be kept).
    #[validate(length(min = 1, max = 2000, message = "must be 1 to 2000 characters"))]
    #[schema(min_length = 1, max_length = 2000)]
    pub reason: String,
}

impl ReasonRequest {
    /// Checks the reason's length.
    pub fn check(&self) -> Result<(), Refusal> {
        self.validate()
            .map_err(|e| Refusal::Invalid(super::report::field_errors(&e, "")))
    }
}

/// A legal hold: while it is in place the report is never purged.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct LegalHold {
    /// Why it is held.
    pub reason: String,
    /// When the hold was placed.
    pub placed_at: DateTime<Utc>,
    /// The supervisor who placed it.
    pub placed_by: String,
}

/// What is left of a purged report, as a later lookup answers it (410 Gone).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct Tombstone {
    /// The purged report's id.
    pub id: String,
    /// The submitting organization.
    pub organization_id: String,
    /// The organization's own identifier of the report.
    pub external_id: String,
    /// Live or test.
    pub mode: CredentialMode,
    /// When the report was received.
    pub received_at: DateTime<Utc>,
    /// When it was purged.
    pub purged_at: DateTime<Utc>,
    /// The retention policy that applied.
    pub policy: RetentionPolicy,
}

impl Tombstone {
    /// The tombstone as the submitting organization sees it (a release is shown as `closed`).
    pub fn for_submitter(self) -> Self {
        Tombstone {
            policy: self.policy.for_submitter(),
            ..self
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const RETENTION: Retention = Retention {
        closed_days: 365,
        retracted_days: 90,
        test_days: 7,
        released_days: 30,
    };

    #[test]
    fn each_policy_counts_its_days_back_from_now() {
        let now: DateTime<Utc> = "2027-06-01T12:00:00Z".parse().unwrap();
        let due: Vec<_> = RETENTION
            .rules(now)
            .into_iter()
            .map(|rule| (rule.policy, rule.due_by.to_rfc3339()))
            .collect();
        assert_eq!(
            due,
            [
                (
                    RetentionPolicy::TestMode,
                    "2027-05-25T12:00:00+00:00".into()
                ),
                (
                    RetentionPolicy::Retracted,
                    "2027-03-03T12:00:00+00:00".into()
                ),
                (RetentionPolicy::Closed, "2026-06-01T12:00:00+00:00".into()),
                (
                    RetentionPolicy::Released,
                    "2027-05-02T12:00:00+00:00".into()
                ),
            ]
        );
    }

    #[test]
    fn no_rule_reaches_an_open_live_report_or_an_unreleased_referral() {
        for rule in RETENTION.rules(Utc::now()) {
            if rule.mode == CredentialMode::Live {
                for open in [
                    ReportStatus::Received,
                    ReportStatus::InReview,
                    ReportStatus::Escalated,
                ] {
                    assert!(!rule.statuses.contains(&open), "{rule:?}");
                }
                assert!(rule.clock != Clock::ReceivedAt, "{rule:?}");
            }
            if rule.statuses.contains(&ReportStatus::Referred) {
                assert_eq!(rule.clock, Clock::ReleasedAt);
            }
            if rule.statuses.contains(&ReportStatus::Closed) && rule.clock == Clock::ClosedAt {
                assert!(!rule.resolutions.contains(&Resolution::Actioned));
            }
        }
    }

    #[test]
    fn only_referred_or_actioned_reports_are_released() {
        assert!(check_releasable(ReportStatus::Referred, None).is_ok());
        assert!(check_releasable(ReportStatus::Closed, Some(Resolution::Actioned)).is_ok());
        assert!(check_releasable(ReportStatus::Closed, Some(Resolution::NoAction)).is_err());
        assert!(check_releasable(ReportStatus::InReview, None).is_err());
    }

    #[test]
    fn the_submitter_never_learns_of_a_release() {
        assert_eq!(
            RetentionPolicy::Released.for_submitter(),
            RetentionPolicy::Closed
        );
        assert_eq!(
            RetentionPolicy::Retracted.for_submitter(),
            RetentionPolicy::Retracted
        );
    }
}
