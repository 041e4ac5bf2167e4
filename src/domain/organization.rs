//! Organizations (the vetted companies) and their API credentials.

use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use validator::Validate;

use super::code_list::code_list;
use super::report::not_blank;

code_list! {
    /// Where an organization stands in vetting; only `vetted` organizations get tokens and submit.
    OrganizationStatus {
        /// Registered, not yet vetted.
        Pending,
        /// Vetted: may obtain tokens and submit reports.
        Vetted,
        /// Temporarily barred; its tokens stop working within a minute.
        Suspended,
        /// Permanently barred: no status change takes it back.
        Revoked,
    }
}

code_list! {
    /// Whether a credential submits real reports or exercises the API.
    ///
    /// Test-mode reports are marked so: they never notify and never count in the statistics.
    #[derive(Default, clap::ValueEnum)]
    CredentialMode {
        /// Real reports.
        #[default]
        Live,
        /// Integration testing.
        Test,
    }
}

/// An organization as shown to administrators and printed by the command line.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Organization {
    /// The organization's id (UUIDv7).
    pub id: String,
    /// The company's name.
    pub name: String,
    /// Vetting status.
    pub status: OrganizationStatus,
}

/// A newly issued credential; the only time its secret is ever shown.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct IssuedCredential {
    /// The public identifier, e.g. `rp_live_3f9c…`.
    pub client_id: String,
    /// The secret, shown once; only its hash is stored.
    pub client_secret: String,
    /// `live` or `test`.
    pub mode: CredentialMode,
    /// When it stops working (UTC): the token endpoint then refuses it as an unknown client.
    pub expires_at: DateTime<Utc>,
}

/// The days a credential works unless the operator configures otherwise.
pub const DEFAULT_CREDENTIAL_LIFETIME_DAYS: u32 = 365;

/// When a credential issued at `issued_at` stops working, after `lifetime_days`.
pub fn credential_expiry(issued_at: DateTime<Utc>, lifetime_days: u32) -> DateTime<Utc> {
    issued_at + Duration::days(i64::from(lifetime_days))
}

/// Whether a credential expiring at `expires_at` has expired at `now` (from that instant on).
pub fn credential_expired(expires_at: DateTime<Utc>, now: DateTime<Utc>) -> bool {
    now >= expires_at
}

/// The instant before which a credential's expiry is due for its `credential.expiring` warning
/// at `now`, given `warning_days`: a credential expiring at or before it is warned of (once).
pub fn expiry_warning_horizon(now: DateTime<Utc>, warning_days: u32) -> DateTime<Utc> {
    now + Duration::days(i64::from(warning_days))
}

/// A new organization, as an administrator registers it (or the command line).
#[derive(Debug, Clone, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewOrganization {
    /// The company's name.
    #[validate(
        length(max = 200, message = "must be at most 200 characters"),
        custom(function = not_blank)
    )]
    #[schema(min_length = 1, max_length = 200)]
    pub name: String,
    /// Where DHS reaches the company's trust-and-safety team.
    #[validate(email(message = "must be a valid e-mail address"))]
    #[schema(format = Email)]
    pub contact_email: Option<String>,
}

/// An administrator's vetting decision: the new status and why.
#[derive(Debug, Clone, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct VettingDecision {
    /// The new status.
    pub status: OrganizationStatus,
    /// Why, for the vetting history.
    #[validate(
        length(max = 2000, message = "must be at most 2000 characters"),
        custom(function = not_blank)
    )]
    #[schema(min_length = 1, max_length = 2000)]
    pub reason: String,
}

/// Who changes an organization's status and why, as its vetting history records it.
#[derive(Debug, Clone, Copy)]
pub struct StatusChange<'a> {
    /// The administrator's user id; `None` for the command line.
    pub actor_id: Option<&'a str>,
    /// Why; `None` when no reason was asked for (an administrator registering an organization).
    pub reason: Option<&'a str>,
}

impl StatusChange<'static> {
    /// A change made with the command line.
    pub const COMMAND_LINE: Self = StatusChange {
        actor_id: None,
        reason: Some("command line"),
    };
}

/// One entry of an organization's vetting history.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct VettingEvent {
    /// When (UTC).
    pub at: DateTime<Utc>,
    /// The administrator who made the change; `null` for the command line.
    pub actor_id: Option<String>,
    /// The status before; `null` when the organization was registered.
    pub from: Option<OrganizationStatus>,
    /// The status after.
    pub to: OrganizationStatus,
    /// Why, as given.
    pub reason: Option<String>,
}

/// An organization with its contact, registration time and vetting history, for administrators.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct OrganizationDetail {
    /// Its id, name and status.
    #[serde(flatten)]
    pub organization: Organization,
    /// Where DHS reaches the company's trust-and-safety team.
    pub contact_email: Option<String>,
    /// When it was registered (UTC).
    pub created_at: DateTime<Utc>,
    /// Every status change, oldest first; the first is the registration.
    pub vetting_history: Vec<VettingEvent>,
}

/// A request for a new API credential.
#[derive(Debug, Clone, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewCredential {
    /// `live` (the default) for real reports, `test` for integration testing.
    #[serde(default)]
    pub mode: CredentialMode,
    /// A note on what the credential is for.
    #[validate(length(max = 200, message = "must be at most 200 characters"))]
    #[schema(max_length = 200)]
    pub label: Option<String>,
}

/// An API credential as administrators see it: never its secret, nor the secret's hash.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Credential {
    /// The public identifier.
    pub client_id: String,
    /// `live` or `test`.
    pub mode: CredentialMode,
    /// The note given when it was issued.
    pub label: Option<String>,
    /// When it was issued (UTC).
    pub created_at: DateTime<Utc>,
    /// When it was revoked (UTC); `null` while it works.
    pub revoked_at: Option<DateTime<Utc>>,
    /// When it expires (UTC): from then on it is refused like an unknown client, and a
    /// `credential.expiring` event tells the organization beforehand.
    pub expires_at: DateTime<Utc>,
}

/// A credential whose expiry is near, as the `credential.expiring` event tells of it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExpiringCredential {
    /// The public identifier.
    pub client_id: String,
    /// The organization that owns it.
    pub organization_id: String,
    /// `live` or `test`: the mode of the endpoints and feed the event goes to.
    pub mode: CredentialMode,
    /// When it expires (UTC).
    pub expires_at: DateTime<Utc>,
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone;

    use super::*;

    #[test]
    fn a_credential_expires_after_its_lifetime_and_is_warned_of_within_the_warning_days() {
        let issued = Utc.with_ymd_and_hms(2026, 1, 1, 12, 0, 0).unwrap();
        let expires = credential_expiry(issued, 365);
        assert_eq!(expires, Utc.with_ymd_and_hms(2027, 1, 1, 12, 0, 0).unwrap());
        assert!(!credential_expired(expires, expires - Duration::seconds(1)));
        assert!(credential_expired(expires, expires));
        let now = expires - Duration::days(30);
        assert!(expires <= expiry_warning_horizon(now, 30));
        assert!(expires > expiry_warning_horizon(now - Duration::seconds(1), 30));
    }
}
