//! Organizations (the vetted companies) and their API credentials.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// Where an organization stands in vetting; only `vetted` organizations get tokens and submit.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Serialize,
    Deserialize,
    ToSchema,
    strum::AsRefStr,
    strum::EnumString,
)]
#[serde(rename_all = "snake_case")]
#[strum(serialize_all = "snake_case")]
pub enum OrganizationStatus {
    /// Registered, not yet vetted.
    Pending,
    /// Vetted: may obtain tokens and submit reports.
    Vetted,
    /// Temporarily barred; its tokens stop working within a minute.
    Suspended,
    /// Permanently barred.
    Revoked,
}

/// Whether a credential submits real reports or exercises the API.
///
/// Test-mode reports are marked so: they never notify and never count in the statistics.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Default,
    Serialize,
    Deserialize,
    ToSchema,
    strum::AsRefStr,
    strum::EnumString,
    clap::ValueEnum,
)]
#[serde(rename_all = "snake_case")]
#[strum(serialize_all = "snake_case")]
pub enum CredentialMode {
    /// Real reports.
    #[default]
    Live,
    /// Integration testing.
    Test,
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
}
