//! Webhooks and the event feed: the event types, what an endpoint registration must satisfy
//! (the URL rules, with the address rules against server-side request forgery), the signing
//! secrets and the Standard Webhooks signature.

use std::net::IpAddr;

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use chrono::{DateTime, Utc};
use hmac::{Hmac, Mac};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::code_list::{code_list, stored_as_text};
use super::organization::CredentialMode;
use super::refusal::{FieldError, Refusal};

/// The prefix of a signing secret (Standard Webhooks).
pub const SECRET_PREFIX: &str = "whsec_";
/// The longest endpoint URL accepted.
pub const MAX_URL_LENGTH: usize = 2048;

/// What an event tells.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Hash,
    Serialize,
    Deserialize,
    ToSchema,
    strum::AsRefStr,
    strum::EnumString,
    strum::EnumIter,
    diesel::AsExpression,
    diesel::FromSqlRow,
)]
#[diesel(sql_type = diesel::sql_types::Text)]
pub enum EventType {
    /// A report was stored.
    #[serde(rename = "report.received")]
    #[strum(serialize = "report.received")]
    ReportReceived,
    /// The status the submitter sees changed (`received`, `in_review`, `closed`, `retracted`).
    #[serde(rename = "report.status_changed")]
    #[strum(serialize = "report.status_changed")]
    ReportStatusChanged,
    /// A report was purged under the retention rules; only a tombstone is left.
    #[serde(rename = "report.purged")]
    #[strum(serialize = "report.purged")]
    ReportPurged,
    /// DHS recorded outcome feedback on a closed report.
    #[serde(rename = "report.feedback")]
    #[strum(serialize = "report.feedback")]
    ReportFeedback,
    /// An amendment to a report was stored.
    #[serde(rename = "amendment.received")]
    #[strum(serialize = "amendment.received")]
    AmendmentReceived,
    /// An evidence file of a report was stored.
    #[serde(rename = "evidence.received")]
    #[strum(serialize = "evidence.received")]
    EvidenceReceived,
    /// An API credential of the organization expires soon (`credential_expiry_warning_days`
    /// before); sent once per credential.
    #[serde(rename = "credential.expiring")]
    #[strum(serialize = "credential.expiring")]
    CredentialExpiring,
    /// A test event sent on request to one endpoint; never in the feed.
    #[serde(rename = "webhook.test")]
    #[strum(serialize = "webhook.test")]
    WebhookTest,
}

stored_as_text!(EventType);

/// A new webhook endpoint, as an organization (or an admin for it) registers it.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewEndpoint {
    /// Where events are POSTed: `https` (in test mode also `http` to a loopback address), a
    /// public address, at most 2048 characters, no user name or password.
    pub url: String,
    /// The event types to deliver (1 or more, each once); `webhook.test` is always delivered
    /// when asked for.
    pub event_types: Vec<EventType>,
}

/// What an admin registers for an organization: an endpoint and the mode of the events it gets.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewEndpointFor {
    /// The credential mode whose events the endpoint receives.
    pub mode: CredentialMode,
    /// Where events are POSTed (same rules as [`NewEndpoint::url`]).
    pub url: String,
    /// The event types to deliver.
    pub event_types: Vec<EventType>,
}

code_list! {
    /// Whether an endpoint is delivered to.
    EndpointStatus {
        /// Events are delivered.
        Active,
        /// Disabled after persistent failure; retrying a delivery enables it again.
        Disabled,
    }
}

/// A webhook endpoint as its organization sees it (never its secret).
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Endpoint {
    /// The endpoint's id.
    pub id: String,
    /// The organization it belongs to.
    pub organization_id: String,
    /// The credential mode whose events it receives.
    pub mode: CredentialMode,
    /// Where events are POSTed.
    pub url: String,
    /// The event types delivered.
    pub event_types: Vec<EventType>,
    /// Whether it is delivered to.
    pub status: EndpointStatus,
    /// Why it was disabled, when it is.
    pub disabled_reason: Option<String>,
    /// When it was registered.
    pub created_at: DateTime<Utc>,
}

/// A newly registered endpoint with its signing secret, shown this once.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct RegisteredEndpoint {
    /// The endpoint.
    #[serde(flatten)]
    pub endpoint: Endpoint,
    /// The Standard Webhooks signing secret (`whsec_` and base64): keep it; it is not shown again.
    pub secret: String,
}

code_list! {
    /// How a delivery stands.
    DeliveryStatus {
        /// Not yet accepted by the endpoint; tried again after a backoff.
        Pending,
        /// The endpoint answered 2xx.
        Delivered,
        /// Every attempt failed; it can be retried.
        Failed,
    }
}

/// One event's delivery to one endpoint, as its organization sees it.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Delivery {
    /// The delivery's id.
    pub id: String,
    /// The event's id: the `webhook-id` header, the same on every attempt.
    pub event_id: String,
    /// The event's type.
    pub event_type: EventType,
    /// How it stands.
    pub status: DeliveryStatus,
    /// Attempts made.
    pub attempts: i32,
    /// The HTTP status of the last attempt, when the endpoint answered.
    pub last_status_code: Option<i32>,
    /// What went wrong last, when the endpoint did not answer (a timeout, a refused address).
    pub last_error: Option<String>,
    /// When the last attempt was made.
    pub last_attempt_at: Option<DateTime<Utc>>,
    /// When the next attempt is due, while pending.
    pub next_attempt_at: Option<DateTime<Utc>>,
    /// When the event happened.
    pub created_at: DateTime<Utc>,
}

/// An event as the feed and the webhooks carry it (the body of a delivery).
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct Event {
    /// The event's id: the feed's order, and each delivery's `webhook-id`.
    pub id: String,
    /// What happened.
    #[serde(rename = "type")]
    pub event_type: EventType,
    /// When it happened.
    pub timestamp: DateTime<Utc>,
    /// Ids and statuses: `report_id`, `external_id`, `status`, and per type `previous_status`,
    /// `amendment_number`, `evidence_id`, `actionable`, `reason`; for `credential.expiring`
    /// `client_id` and `expires_at`. Never report content, never a secret.
    #[schema(value_type = Object)]
    pub data: serde_json::Value,
}

/// Checks `url` for an endpoint of `mode`: what can be judged without resolving its host.
/// Answers the host to resolve and its port.
pub fn check_url(url: &str, mode: CredentialMode) -> Result<(String, u16), Refusal> {
    let refuse = |message: &str| Refusal::invalid("/url", "url", message);
    if url.len() > MAX_URL_LENGTH {
        return Err(refuse("must be at most 2048 characters"));
    }
    let parsed = url::Url::parse(url).map_err(|_| refuse("must be an absolute URL"))?;
    match (parsed.scheme(), mode) {
        ("https", _) | ("http", CredentialMode::Test) => {}
        _ => return Err(refuse("must use https (http is allowed in test mode only)")),
    }
    if !parsed.username().is_empty() || parsed.password().is_some() {
        return Err(refuse("must not carry a user name or password"));
    }
    let host = match parsed.host() {
        Some(url::Host::Domain(domain)) => domain.to_owned(),
        Some(url::Host::Ipv4(ip)) => ip.to_string(),
        Some(url::Host::Ipv6(ip)) => ip.to_string(),
        None => return Err(refuse("must name a host")),
    };
    let port = parsed
        .port_or_known_default()
        .ok_or_else(|| refuse("must name a port"))?;
    if parsed.scheme() == "http" {
        // Plain http only to this machine, for a test-mode receiver.
        let loopback =
            host == "localhost" || host.parse::<IpAddr>().is_ok_and(|ip| ip.is_loopback());
        if !loopback {
            return Err(refuse(
                "must use https (http is allowed to a loopback address only)",
            ));
        }
    }
    Ok((host, port))
}

/// Whether an endpoint of `mode` may be sent to `ip`: a public unicast address; in test mode
/// also a loopback address. Private, link-local, shared, unspecified, multicast and reserved
/// addresses are refused (they reach the portal's own network, cloud metadata services…).
pub fn address_allowed(ip: IpAddr, mode: CredentialMode) -> bool {
    let ip = match ip {
        IpAddr::V6(v6) => v6.to_ipv4_mapped().map_or(ip, IpAddr::V4),
        v4 => v4,
    };
    if ip.is_loopback() {
        return mode == CredentialMode::Test;
    }
    is_public(ip)
}

/// Whether `ip` is a public unicast address.
fn is_public(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(v4) => {
            let [a, b, ..] = v4.octets();
            !(v4.is_private()
                || v4.is_loopback()
                || v4.is_link_local()
                || v4.is_unspecified()
                || v4.is_broadcast()
                || v4.is_multicast()
                || v4.is_documentation()
                || a == 0
                || (a == 100 && (64..128).contains(&b)) // shared address space (RFC 6598)
                || (a == 192 && b == 0 && v4.octets()[2] == 0) // IETF protocol assignments
                || (a == 198 && (b == 18 || b == 19)) // benchmarking
                || a >= 240) // reserved
        }
        IpAddr::V6(v6) => {
            let first = v6.segments()[0];
            !(v6.is_loopback()
                || v6.is_unspecified()
                || v6.is_multicast()
                || (first & 0xfe00) == 0xfc00 // unique local
                || (first & 0xffc0) == 0xfe80 // link-local
                || (first & 0xffc0) == 0xfec0 // site-local (deprecated)
                || first == 0x2001 && v6.segments()[1] == 0x0db8 // documentation
                || first == 0x0064 && v6.segments()[1] == 0xff9b // NAT64
                || v6.segments()[..6] == [0; 6]) // IPv4-compatible (deprecated)
        }
    }
}

/// Checks the chosen event types: at least one, each once.
pub fn check_event_types(types: &[EventType]) -> Result<(), Refusal> {
    let mut errors = Vec::new();
    if types.is_empty() {
        errors.push(FieldError::new(
            "/event_types",
            "length",
            "must name at least one event type",
        ));
    }
    for (index, kind) in types.iter().enumerate() {
        if types[..index].contains(kind) {
            errors.push(FieldError::new(
                format!("/event_types/{index}"),
                "unique",
                "is named twice",
            ));
        }
    }
    if errors.is_empty() {
        Ok(())
    } else {
        Err(Refusal::Invalid(errors))
    }
}

/// A new signing secret: `whsec_` and 32 random bytes in base64.
pub fn new_secret() -> String {
    use rand::RngCore;
    let mut key = [0u8; 32];
    rand::rngs::OsRng.fill_bytes(&mut key);
    format!("{SECRET_PREFIX}{}", STANDARD.encode(key))
}

/// The Standard Webhooks signature header value of `body` sent as `id` at `timestamp` (Unix
/// seconds) under `secret`: `v1,` and the base64 HMAC-SHA256 of `id.timestamp.body`.
pub fn sign(secret: &str, id: &str, timestamp: i64, body: &[u8]) -> anyhow::Result<String> {
    let key = STANDARD
        .decode(secret.strip_prefix(SECRET_PREFIX).unwrap_or(secret))
        .map_err(|e| anyhow::anyhow!("malformed signing secret: {e}"))?;
    let mut mac = Hmac::<sha2::Sha256>::new_from_slice(&key)
        .map_err(|e| anyhow::anyhow!("signing key: {e}"))?;
    mac.update(format!("{id}.{timestamp}.").as_bytes());
    mac.update(body);
    Ok(format!(
        "v1,{}",
        STANDARD.encode(mac.finalize().into_bytes())
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn live_endpoints_need_https_and_test_ones_may_use_loopback_http() {
        use CredentialMode::{Live, Test};
        assert!(check_url("https://hooks.example.com/x", Live).is_ok());
        assert!(check_url("http://hooks.example.com/x", Live).is_err());
        assert!(check_url("http://127.0.0.1:9/x", Live).is_err());
        assert!(check_url("http://127.0.0.1:9/x", Test).is_ok());
        assert!(check_url("http://hooks.example.com/x", Test).is_err());
        assert!(check_url("https://user:pw@hooks.example.com/", Live).is_err());
        assert!(check_url("not a url", Live).is_err());
    }

    #[test]
    fn private_link_local_and_metadata_addresses_are_refused() {
        use CredentialMode::{Live, Test};
        for refused in [
            "10.0.0.1",
            "172.16.5.4",
            "192.168.1.1",
            "169.254.169.254",
            "127.0.0.1",
            "0.0.0.0",
            "100.64.0.1",
            "::1",
            "fe80::1",
            "fd00::1",
            "::ffff:10.0.0.1",
            "::ffff:127.0.0.1",
            "224.0.0.1",
        ] {
            assert!(
                !address_allowed(refused.parse().unwrap(), Live),
                "{refused}"
            );
        }
        assert!(address_allowed("93.184.216.34".parse().unwrap(), Live));
        assert!(address_allowed("2606:2800:220:1::1".parse().unwrap(), Live));
        assert!(address_allowed("127.0.0.1".parse().unwrap(), Test));
        assert!(!address_allowed("169.254.169.254".parse().unwrap(), Test));
    }

    #[test]
    fn the_signature_is_the_standard_webhooks_one() {
        // The example of the Standard Webhooks specification's reference tests.
        let secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
        let body = br#"{"test": 2432232314}"#;
        let signature = sign(secret, "msg_p5jXN8AQM9LWM0D4loKWxJek", 1614265330, body).unwrap();
        assert_eq!(signature, "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=");
    }
}
