//! STIX 2.1 objects for partner sharing: what an analyst's share of a report's indicators
//! becomes (observables, indicators, the suspected groups as intrusion sets, relationships, a
//! report object, the TLP 2.0 marking and the portal's identity), with deterministic ids, and
//! the revoked versions that withdraw a share.
//!
//! Ids: observables (SCOs) take the UUIDv5 of their id-contributing properties under the STIX
//! namespace (STIX 2.1 §2.9), so the same phone number or URL shared twice is one object. Every
//! other object takes a name-based id under the portal's own namespace (a UUIDv5 of the
//! portal's `token_issuer`): the SHA-1 of the namespace and a name, as UUIDv5 is, but stamped
//! version 4, because STIX 2.1 asks SDOs for UUIDv4 ids (and the OASIS validator warns on any
//! other). Nothing here reads the submitter's contact, summary or excerpts: only the indicators
//! chosen, the service name, the suspected groups and the analyst's note.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};
use sha1::{Digest, Sha1};
use utoipa::ToSchema;
use uuid::Uuid;

use super::indicators::{Indicator, IndicatorKind};
use super::taxonomy::SuspectedGroup;

/// The STIX 2.1 namespace of deterministic SCO ids (STIX 2.1 §2.9).
const SCO_NAMESPACE: Uuid = uuid::uuid!("00abedb4-aa42-466c-9c01-fed23315a9b7");

/// The id of the TLP 2.0 extension definition (the FIRST TLP SIG's, in the STIX 2.1 TLP 2.0
/// marking definitions).
pub const TLP2_EXTENSION: &str = "extension-definition--60a3c5c5-0d10-413e-aab3-9e08dde9e88d";

/// The identity (FIRST) that created the TLP 2.0 marking definitions.
const TLP2_CREATOR: &str = "identity--b3bca3c2-1f3d-4b54-b44f-dac42c3a8f01";

/// When the portal's own fixed objects (identity, extension definition, intrusion sets) were
/// created: fixed, so that each is one version wherever it is shared.
const FIXED_CREATED: &str = "2026-01-01T00:00:00.000Z";

/// The largest note an analyst may add to a share.
pub const MAX_NOTE_CHARS: u64 = 5000;

/// A TLP 2.0 marking (FIRST Traffic Light Protocol 2.0).
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
    strum::EnumIter,
    diesel::AsExpression,
    diesel::FromSqlRow,
)]
#[diesel(sql_type = diesel::sql_types::Text)]
pub enum Tlp {
    /// TLP:CLEAR: no limit on disclosure.
    #[serde(rename = "clear")]
    #[strum(serialize = "clear")]
    Clear,
    /// TLP:GREEN: the recipient's community.
    #[serde(rename = "green")]
    #[strum(serialize = "green")]
    Green,
    /// TLP:AMBER: the recipient's organization and its clients, on a need-to-know basis.
    #[serde(rename = "amber")]
    #[strum(serialize = "amber")]
    Amber,
    /// TLP:AMBER+STRICT: the recipient's organization only.
    #[serde(rename = "amber+strict")]
    #[strum(serialize = "amber+strict")]
    AmberStrict,
    /// TLP:RED: the individual recipients only.
    #[serde(rename = "red")]
    #[strum(serialize = "red")]
    Red,
}

super::code_list::stored_as_text!(Tlp);

impl Tlp {
    /// The id of the official TLP 2.0 marking definition.
    pub fn marking_id(self) -> &'static str {
        match self {
            Tlp::Clear => "marking-definition--94868c89-83c2-464b-929b-a1a8aa3c8487",
            Tlp::Green => "marking-definition--bab4a63c-aed9-4cf5-a766-dfca5abac2bb",
            Tlp::Amber => "marking-definition--55d920b0-5e8b-4f79-9ee9-91f868d9b421",
            Tlp::AmberStrict => "marking-definition--939a9414-2ddd-4d32-a0cd-375ea402b003",
            Tlp::Red => "marking-definition--e828b379-4e03-4974-9ac4-e53a884c97c1",
        }
    }

    /// The official TLP 2.0 marking definition, as published with the TLP 2.0 extension.
    pub fn marking_definition(self) -> Value {
        let name = match self {
            Tlp::Clear => "TLP:CLEAR",
            Tlp::Green => "TLP:GREEN",
            Tlp::Amber => "TLP:AMBER",
            Tlp::AmberStrict => "TLP:AMBER+STRICT",
            Tlp::Red => "TLP:RED",
        };
        json!({
            "type": "marking-definition",
            "spec_version": "2.1",
            "id": self.marking_id(),
            "created": "2022-10-01T00:00:00.000Z",
            "created_by_ref": TLP2_CREATOR,
            "name": name,
            "extensions": {
                TLP2_EXTENSION: {"extension_type": "property-extension", "tlp_2_0": self.as_ref()}
            }
        })
    }
}

/// The portal as a STIX producer: its namespace, and the ids of its identity and extension.
#[derive(Debug, Clone)]
pub struct Portal {
    namespace: Uuid,
    /// The portal's name, as its `identity` object says it.
    name: String,
    /// Where the portal's extension is documented (its `schema`).
    schema_url: String,
}

impl Portal {
    /// The portal known as `issuer` (its `token_issuer`, unique per deployment), documented at
    /// `public_url`.
    pub fn new(issuer: &str, public_url: &str) -> Self {
        Portal {
            namespace: uuid_v5(&Uuid::NAMESPACE_URL, format!("stix:{issuer}").as_bytes()),
            name: format!("DHS report portal ({issuer})"),
            schema_url: format!("{}/docs/partners.md", public_url.trim_end_matches('/')),
        }
    }

    /// A deterministic id of type `kind` for `name`: SHA-1 over the portal's namespace and the
    /// name (as UUIDv5), stamped version 4 as STIX asks of SDOs.
    pub fn id(&self, kind: &str, name: &str) -> String {
        let bytes = sha1_name(&self.namespace, format!("{kind}|{name}").as_bytes());
        format!(
            "{kind}--{}",
            uuid::Builder::from_random_bytes(bytes).into_uuid()
        )
    }

    /// The id of the portal's `identity`, the creator of everything it shares.
    pub fn identity_id(&self) -> String {
        self.id("identity", "portal")
    }

    /// The id of the portal's extension definition (the `phone-number` observable and the
    /// `platform` property of user accounts).
    pub fn extension_id(&self) -> String {
        self.id("extension-definition", "observables-1")
    }

    fn identity(&self) -> Value {
        json!({
            "type": "identity",
            "spec_version": "2.1",
            "id": self.identity_id(),
            "created": FIXED_CREATED,
            "modified": FIXED_CREATED,
            "name": self.name,
            "identity_class": "organization",
            "sectors": ["government-national"],
        })
    }

    fn extension_definition(&self) -> Value {
        json!({
            "type": "extension-definition",
            "spec_version": "2.1",
            "id": self.extension_id(),
            "created": FIXED_CREATED,
            "modified": FIXED_CREATED,
            "created_by_ref": self.identity_id(),
            "name": "report-portal observables",
            "description": "A phone-number observable (value: E.164 phone number) and a \
                            platform property on user-account (the service or messaging app \
                            the account is on).",
            "schema": self.schema_url,
            "version": "1.0.0",
            "extension_types": ["new-sco", "property-extension"],
        })
    }
}

/// What a share is made of: the report's parts it may use, and the analyst's choices.
#[derive(Debug, Clone)]
pub struct ShareInput<'a> {
    /// The share's id (names its report object, indicators and relationships).
    pub share_id: &'a str,
    /// The report's category code, e.g. `recruitment`.
    pub category: &'a str,
    /// The service the activity was seen on.
    pub service: &'a str,
    /// The suspected groups.
    pub groups: &'a [SuspectedGroup],
    /// The indicators chosen, each with where it is in the report.
    pub indicators: &'a [SharedIndicator],
    /// The marking.
    pub tlp: Tlp,
    /// The analyst's note for the partner.
    pub note: Option<&'a str>,
    /// When it is shared.
    pub at: DateTime<Utc>,
}

/// One indicator as shared: its normalized value and what the report says around it.
#[derive(Debug, Clone)]
pub struct SharedIndicator {
    /// The indicator (kind, normalized value, pointer).
    pub indicator: Indicator,
    /// For an account: the platform's account id as written; for a messaging handle: the
    /// messaging service (`telegram`, ...); otherwise `None`.
    pub detail: Option<String>,
    /// For a media hash: which content item (so its hashes make one `file`).
    pub content_index: Option<usize>,
}

/// A STIX timestamp: UTC, milliseconds, `Z`.
pub fn timestamp(at: DateTime<Utc>) -> String {
    at.format("%Y-%m-%dT%H:%M:%S%.3fZ").to_string()
}

/// The deterministic id of an SCO of `kind` whose id-contributing properties are `contributing`.
fn sco_id(kind: &str, contributing: &Value) -> String {
    // serde_json's maps are sorted and compact: the canonical form of these flat objects.
    let name = serde_json::to_string(contributing).unwrap_or_default();
    format!("{kind}--{}", uuid_v5(&SCO_NAMESPACE, name.as_bytes()))
}

/// The SHA-1 of `namespace` then `name`, the 16 bytes both name-based ids start from.
fn sha1_name(namespace: &Uuid, name: &[u8]) -> [u8; 16] {
    let mut hasher = Sha1::new();
    hasher.update(namespace.as_bytes());
    hasher.update(name);
    let mut bytes = [0u8; 16];
    bytes.copy_from_slice(&hasher.finalize()[..16]);
    bytes
}

/// The UUIDv5 of `name` in `namespace` (RFC 9562 §5.5).
fn uuid_v5(namespace: &Uuid, name: &[u8]) -> Uuid {
    uuid::Builder::from_sha1_bytes(sha1_name(namespace, name)).into_uuid()
}

/// A STIX pattern string literal: backslashes and quotes escaped.
fn literal(value: &str) -> String {
    format!("'{}'", value.replace('\\', "\\\\").replace('\'', "\\'"))
}

/// The display name and aliases of a suspected group; `None` for `other` and `unknown`.
fn group_names(group: SuspectedGroup) -> Option<(&'static str, &'static [&'static str])> {
    use SuspectedGroup::*;
    Some(match group {
        Cjng => (
            "Cártel de Jalisco Nueva Generación",
            &["CJNG", "Jalisco New Generation Cartel"],
        ),
        Sinaloa => ("Cártel de Sinaloa", &["Sinaloa Cartel", "CDS"]),
        Gulf => ("Cártel del Golfo", &["Gulf Cartel", "CDG"]),
        CdnZetas => ("Cártel del Noreste", &["CDN", "Los Zetas"]),
        FamiliaMichoacana => ("La Familia Michoacana", &["LFM"]),
        CartelesUnidos => ("Cárteles Unidos", &["United Cartels"]),
        BeltranLeyva => (
            "Beltrán Leyva Organization",
            &["BLO", "Cártel de los Beltrán Leyva"],
        ),
        Juarez => (
            "Cártel de Juárez",
            &["Juárez Cartel", "Vicente Carrillo Fuentes Organization"],
        ),
        Tijuana => (
            "Cártel de Tijuana",
            &["Tijuana Cartel", "Arellano Félix Organization"],
        ),
        LaLinea => ("La Línea", &["La Linea"]),
        GuerrerosUnidos => ("Guerreros Unidos", &["GU"]),
        TrenDeAragua => ("Tren de Aragua", &["TdA"]),
        Ms13 => ("Mara Salvatrucha", &["MS-13"]),
        Barrio18 => ("Barrio 18", &["18th Street gang", "Calle 18"]),
        Other | Unknown => return None,
    })
}

/// What one indicator becomes: its observable, and a pattern with a name when a pattern makes
/// sense (a PDQ hash is matched by distance, so it gets none).
struct Observed {
    sco: Value,
    pattern: Option<(String, String)>,
}

/// The observables of the chosen indicators: hashes of one content item make one `file`.
fn observables(portal: &Portal, input: &ShareInput<'_>, marking: &str) -> Vec<Observed> {
    let extension = portal.extension_id();
    let mut found: Vec<Observed> = Vec::new();
    let mut files: Vec<(usize, serde_json::Map<String, Value>)> = Vec::new();
    for shared in input.indicators {
        let value = shared.indicator.value.as_str();
        let observed = match shared.indicator.kind {
            IndicatorKind::Url => {
                let sco = json!({"type": "url", "value": value});
                Observed {
                    pattern: Some((
                        format!("[url:value = {}]", literal(value)),
                        "URL".to_owned(),
                    )),
                    sco,
                }
            }
            IndicatorKind::Email => Observed {
                pattern: Some((
                    format!("[email-addr:value = {}]", literal(value)),
                    "E-mail address".to_owned(),
                )),
                sco: json!({"type": "email-addr", "value": value}),
            },
            IndicatorKind::Phone => Observed {
                pattern: Some((
                    format!("[phone-number:value = {}]", literal(value)),
                    "Phone number".to_owned(),
                )),
                sco: json!({
                    "type": "phone-number",
                    "value": value,
                    "extensions": {extension.clone(): {"extension_type": "new-sco"}},
                }),
            },
            IndicatorKind::Account => {
                let user_id = shared.detail.as_deref().unwrap_or(value);
                Observed {
                    pattern: Some((
                        format!("[user-account:user_id = {}]", literal(user_id)),
                        format!("Account on {}", input.service),
                    )),
                    sco: user_account(&extension, json!({"user_id": user_id}), input.service),
                }
            }
            IndicatorKind::Handle => {
                let platform = shared.detail.as_deref().unwrap_or(input.service);
                Observed {
                    pattern: Some((
                        format!("[user-account:account_login = {}]", literal(value)),
                        format!("Handle on {platform}"),
                    )),
                    sco: user_account(&extension, json!({"account_login": value}), platform),
                }
            }
            IndicatorKind::Sha256 | IndicatorKind::Md5 | IndicatorKind::Pdq => {
                let (key, name) = match shared.indicator.kind {
                    IndicatorKind::Sha256 => ("SHA-256", Some("SHA-256")),
                    IndicatorKind::Md5 => ("MD5", Some("MD5")),
                    _ => ("x_PDQ", None),
                };
                let index = shared.content_index.unwrap_or(usize::MAX);
                match files.iter_mut().find(|(i, _)| *i == index) {
                    Some((_, hashes)) => {
                        hashes.insert(key.into(), value.into());
                    }
                    None => files.push((
                        index,
                        serde_json::Map::from_iter([(key.to_owned(), Value::from(value))]),
                    )),
                }
                if let Some(name) = name {
                    found.push(Observed {
                        pattern: Some((
                            format!("[file:hashes.{} = {}]", quote_key(key), literal(value)),
                            format!("Media {name}"),
                        )),
                        sco: Value::Null,
                    });
                }
                continue;
            }
        };
        found.push(observed);
    }
    // The file objects, each keyed by its strongest hash.
    for (_, hashes) in files {
        let key = ["SHA-256", "MD5", "x_PDQ"]
            .into_iter()
            .find(|k| hashes.contains_key(*k))
            .unwrap_or("x_PDQ");
        let id = sco_id("file", &json!({"hashes": {key: hashes[key].clone()}}));
        found.push(Observed {
            sco: json!({"type": "file", "id": id, "hashes": hashes}),
            pattern: None,
        });
    }
    found
        .into_iter()
        .map(|mut observed| {
            if let Value::Object(sco) = &mut observed.sco {
                let kind = sco["type"].as_str().unwrap_or_default().to_owned();
                if !sco.contains_key("id") {
                    let contributing = match kind.as_str() {
                        "user-account" => json!({
                            "user_id": sco.get("user_id"),
                            "account_login": sco.get("account_login"),
                        }),
                        _ => json!({"value": sco["value"]}),
                    };
                    let contributing = strip_nulls(contributing);
                    let id = if kind == "phone-number" {
                        // Not an SCO the validator knows: a portal id (UUIDv4 form).
                        portal.id("phone-number", &contributing.to_string())
                    } else {
                        sco_id(&kind, &contributing)
                    };
                    sco.insert("id".into(), id.into());
                }
                sco.insert("spec_version".into(), "2.1".into());
                sco.insert("object_marking_refs".into(), json!([marking]));
            }
            observed
        })
        .collect()
}

/// A hash name as a pattern's object path step (quoted when it has a hyphen).
fn quote_key(key: &str) -> String {
    if key.contains('-') {
        format!("'{key}'")
    } else {
        key.to_owned()
    }
}

fn strip_nulls(value: Value) -> Value {
    match value {
        Value::Object(map) => {
            Value::Object(map.into_iter().filter(|(_, v)| !v.is_null()).collect())
        }
        other => other,
    }
}

/// A user account with the portal's `platform` property (STIX's `account_type` vocabulary
/// names few services, so the platform travels in the extension).
fn user_account(extension: &str, mut fields: Value, platform: &str) -> Value {
    fields["type"] = "user-account".into();
    fields["extensions"] = json!({
        extension: {"extension_type": "property-extension", "platform": platform}
    });
    fields
}

/// The STIX objects of one share, in bundle order: the portal's identity and extension
/// definition, the marking, the observables, the intrusion sets, the indicators, the
/// relationships, and the report tying them together.
pub fn share_objects(portal: &Portal, input: &ShareInput<'_>) -> Vec<Value> {
    let at = timestamp(input.at);
    let marking = input.tlp.marking_id();
    let identity = portal.identity_id();
    let mut objects = vec![
        portal.identity(),
        portal.extension_definition(),
        input.tlp.marking_definition(),
    ];
    let observed = observables(portal, input, marking);
    let mut refs: Vec<String> = Vec::new();
    for o in &observed {
        if let Some(id) = o.sco.get("id").and_then(Value::as_str) {
            refs.push(id.to_owned());
            objects.push(o.sco.clone());
        }
    }
    let mut sets = Vec::new();
    for group in input.groups {
        let Some((name, aliases)) = group_names(*group) else {
            continue;
        };
        let id = portal.id("intrusion-set", group.as_ref());
        if sets.contains(&id) {
            continue;
        }
        objects.push(json!({
            "type": "intrusion-set",
            "spec_version": "2.1",
            "id": id,
            "created": FIXED_CREATED,
            "modified": FIXED_CREATED,
            "created_by_ref": identity,
            "name": name,
            "aliases": aliases,
        }));
        refs.push(id.clone());
        sets.push(id);
    }
    let mut relationships = Vec::new();
    for (pattern, label) in observed.iter().filter_map(|o| o.pattern.as_ref()) {
        let id = portal.id("indicator", &format!("{}|{pattern}", input.share_id));
        objects.push(json!({
            "type": "indicator",
            "spec_version": "2.1",
            "id": id,
            "created": at,
            "modified": at,
            "created_by_ref": identity,
            "name": format!("{label} reported for {}", input.category.replace('_', " ")),
            "description": format!(
                "{label} seen on {} in activity reported to DHS under the Combating Cartels on \
                 Social Media Act.",
                input.service
            ),
            "indicator_types": ["malicious-activity"],
            "pattern": pattern,
            "pattern_type": "stix",
            "valid_from": at,
            "object_marking_refs": [marking],
        }));
        refs.push(id.clone());
        for set in &sets {
            let relationship = portal.id("relationship", &format!("{id}|indicates|{set}"));
            relationships.push(json!({
                "type": "relationship",
                "spec_version": "2.1",
                "id": relationship,
                "created": at,
                "modified": at,
                "created_by_ref": identity,
                "relationship_type": "indicates",
                "source_ref": id,
                "target_ref": set,
                "object_marking_refs": [marking],
            }));
            refs.push(relationship);
        }
    }
    objects.extend(relationships);
    let report = json!({
        "type": "report",
        "spec_version": "2.1",
        "id": portal.id("report", input.share_id),
        "created": at,
        "modified": at,
        "created_by_ref": identity,
        "name": format!(
            "Indicators of {} activity on {}",
            input.category.replace('_', " "),
            input.service
        ),
        "description": input.note.unwrap_or("Indicators shared by DHS from a platform's report."),
        "report_types": ["threat-report"],
        "published": at,
        "object_refs": refs,
        "object_marking_refs": [marking],
    });
    objects.push(report);
    objects
}

/// The revoked version of `object` as of `at`, for a withdrawal: `None` for objects that carry
/// no versions (observables, markings) or are the portal's own (identity, extension, intrusion
/// sets), which stay.
pub fn revoked(object: &Value, at: DateTime<Utc>) -> Option<Value> {
    let kind = object.get("type")?.as_str()?;
    if !matches!(kind, "indicator" | "relationship" | "report") {
        return None;
    }
    let previous = object.get("modified")?.as_str()?;
    let mut modified = timestamp(at);
    // A version must be later than the last, even within the same millisecond.
    if modified.as_str() <= previous {
        let last = DateTime::parse_from_rfc3339(previous)
            .ok()?
            .with_timezone(&Utc);
        modified = timestamp(last + chrono::Duration::milliseconds(1));
    }
    let mut next = object.clone();
    next["modified"] = modified.into();
    next["revoked"] = true.into();
    Some(next)
}

/// The version of a STIX object as TAXII names it: `modified`, else `created`, else `None`
/// (the server then uses the date it was added).
pub fn version(object: &Value) -> Option<&str> {
    object
        .get("modified")
        .or_else(|| object.get("created"))
        .and_then(Value::as_str)
}

/// A bundle of `objects` with a fresh id.
pub fn bundle(objects: Vec<Value>) -> Value {
    json!({
        "type": "bundle",
        "id": format!("bundle--{}", Uuid::new_v4()),
        "objects": objects,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn indicator(kind: IndicatorKind, value: &str, pointer: &str) -> SharedIndicator {
        SharedIndicator {
            indicator: Indicator {
                kind,
                value: value.into(),
                pointer: pointer.into(),
            },
            detail: None,
            content_index: None,
        }
    }

    fn share(share_id: &str, indicators: &[SharedIndicator]) -> Vec<Value> {
        let portal = Portal::new("report-portal", "https://portal.example");
        share_objects(
            &portal,
            &ShareInput {
                share_id,
                category: "recruitment",
                service: "Example Chat",
                groups: &[SuspectedGroup::Cjng, SuspectedGroup::Unknown],
                indicators,
                tlp: Tlp::Amber,
                note: None,
                at: Utc::now(),
            },
        )
    }

    #[test]
    fn the_same_phone_number_is_one_observable_across_shares_and_sdo_ids_are_v4() {
        let phone = [indicator(IndicatorKind::Phone, "+523355550100", "/a")];
        let first = share("s1", &phone);
        let second = share("s2", &phone);
        let id = |objects: &[Value], kind: &str| {
            objects
                .iter()
                .find(|o| o["type"] == kind)
                .map(|o| o["id"].as_str().unwrap().to_owned())
                .unwrap()
        };
        assert_eq!(id(&first, "phone-number"), id(&second, "phone-number"));
        assert_eq!(id(&first, "intrusion-set"), id(&second, "intrusion-set"));
        assert_ne!(id(&first, "indicator"), id(&second, "indicator"));
        let report = id(&first, "report");
        let uuid = Uuid::parse_str(report.trim_start_matches("report--")).unwrap();
        assert_eq!(uuid.get_version_num(), 4);
        assert_eq!(
            first
                .iter()
                .filter(|o| o["type"] == "intrusion-set")
                .count(),
            1
        );
    }

    #[test]
    fn url_observables_take_the_stix_uuidv5_of_their_value() {
        let objects = share(
            "s",
            &[indicator(IndicatorKind::Url, "https://example.com/a", "/u")],
        );
        let url = objects.iter().find(|o| o["type"] == "url").unwrap();
        // As Python's uuid.uuid5(STIX namespace, '{"value":"https://example.com/a"}') gives it,
        // and the OASIS stix2 library for URL(value='https://example.com/a').
        assert_eq!(url["id"], "url--6ccd10ff-4c3f-5062-a19f-b6bd987c6637");
    }

    #[test]
    fn patterns_escape_quotes_and_withdrawal_makes_a_later_revoked_version() {
        let objects = share("s", &[indicator(IndicatorKind::Handle, "o'neil\\", "/h")]);
        let indicator = objects.iter().find(|o| o["type"] == "indicator").unwrap();
        assert_eq!(
            indicator["pattern"],
            "[user-account:account_login = 'o\\'neil\\\\']"
        );
        let at = DateTime::parse_from_rfc3339(indicator["modified"].as_str().unwrap())
            .unwrap()
            .with_timezone(&Utc);
        let revoked = revoked(indicator, at).unwrap();
        assert_eq!(revoked["revoked"], true);
        assert!(revoked["modified"].as_str() > indicator["modified"].as_str());
        let url = objects
            .iter()
            .find(|o| o["type"] == "user-account")
            .unwrap();
        assert!(super::revoked(url, at).is_none());
    }
}
