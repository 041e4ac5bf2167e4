//! The wire type of a submitted report (request body of `POST /api/v1/reports`) and every rule it must satisfy.
//!
//! Deserializing a [`NewReport`] checks only its shape; [`NewReport::check`] checks every rule and
//! reports each broken one as a [`FieldError`] located by a JSON Pointer into the body.

use std::collections::HashSet;
use std::hash::Hash;
use std::sync::LazyLock;

use chrono::{DateTime, TimeDelta, Utc};
use language_tags::LanguageTag;
use regex::Regex;
use serde::{Deserialize, Serialize};
use serde_json::json;
use url::Url;
use utoipa::ToSchema;
use uuid::Uuid;
use validator::{Validate, ValidationError, ValidationErrors, ValidationErrorsKind};

use super::refusal::{FieldError, Refusal};
use crate::domain::storable;
use crate::domain::taxonomy::{
    AccountRole, Category, ContactType, ContentType, DetectionMethod, Indicator, PlatformAction,
    Severity, SuspectedGroup,
};

/// How far past `now` a timestamp may lie, to allow for the reporter's clock being ahead of ours.
const CLOCK_SKEW: TimeDelta = TimeDelta::minutes(5);

/// What an `external_id` may be made of (its length is checked apart).
static EXTERNAL_ID: LazyLock<Regex> = LazyLock::new(|| Regex::new("^[A-Za-z0-9._:-]*$").unwrap());

/// Fields whose Rust name differs from their JSON name, as `(rust, json)`: validator names
/// errors after the Rust field and ignores `#[serde(rename)]`.
const RENAMED_FIELDS: [(&str, &str); 1] = [("kind", "type")];

/// A report of cartel activity on a platform, as submitted by that platform.
#[derive(Debug, Clone, Serialize, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = example_report)]
pub struct NewReport {
    /// The platform's own identifier of this report.
    #[validate(
        length(min = 1, max = 200, message = "must be 1 to 200 characters"),
        regex(path = *EXTERNAL_ID, message = "may contain only letters, digits and . _ : -")
    )]
    #[schema(min_length = 1, max_length = 200, pattern = "^[A-Za-z0-9._:-]*$")]
    pub external_id: String,
    /// The product of the platform where the activity happened, e.g. a video app.
    #[validate(
        length(max = 100, message = "must be at most 100 characters"),
        custom(function = not_blank)
    )]
    #[schema(min_length = 1, max_length = 100)]
    pub service: String,
    /// What kind of activity this is.
    pub category: Category,
    /// The reporter's own name for the category; given exactly when `category` is `other`.
    #[serde(default)]
    #[validate(length(min = 1, max = 200, message = "must be 1 to 200 characters"))]
    #[schema(min_length = 1, max_length = 200)]
    pub category_other: Option<String>,
    /// How urgent the report is.
    pub severity: Severity,
    /// The groups the reporter believes are behind the activity, each at most once.
    #[serde(default)]
    #[validate(length(max = 10, message = "must have at most 10 items"))]
    #[schema(max_items = 10)]
    pub suspected_groups: Vec<SuspectedGroup>,
    /// What happened, in the reporter's words.
    #[validate(length(min = 20, max = 5000, message = "must be 20 to 5000 characters"))]
    #[schema(min_length = 20, max_length = 5000)]
    pub summary: String,
    /// How the platform came to know of the activity.
    pub detection_method: DetectionMethod,
    /// When the platform detected the activity; not in the future.
    pub detected_at: DateTime<Utc>,
    /// When the activity began, as far as known; not in the future.
    #[serde(default)]
    pub activity_start: Option<DateTime<Utc>>,
    /// When the activity last happened, as far as known; not before `activity_start` nor in the future.
    #[serde(default)]
    pub activity_end: Option<DateTime<Utc>>,
    /// The languages used, as BCP 47 tags such as `es-MX`.
    #[serde(default)]
    #[validate(length(max = 10, message = "must have at most 10 items"))]
    #[schema(max_items = 10)]
    pub languages: Vec<String>,
    /// Where the activity is aimed at or takes place.
    #[serde(default)]
    #[validate(length(max = 20, message = "must have at most 20 items"), nested)]
    #[schema(max_items = 20)]
    pub locations: Vec<Location>,
    /// The signs observed in the activity, each at most once.
    #[serde(default)]
    #[validate(length(max = 20, message = "must have at most 20 items"))]
    #[schema(max_items = 20)]
    pub indicators: Vec<Indicator>,
    /// The accounts involved; their `platform_account_id`s are unique within the report.
    #[validate(
        length(min = 1, max = 100, message = "must have 1 to 100 items"),
        nested
    )]
    #[schema(min_items = 1, max_items = 100)]
    pub accounts: Vec<Account>,
    /// The pieces of content involved.
    #[serde(default)]
    #[validate(length(max = 200, message = "must have at most 200 items"), nested)]
    #[schema(max_items = 200)]
    pub content: Vec<ContentItem>,
    /// Whom at the platform to contact about this report.
    #[validate(nested)]
    pub contact: ReportContact,
    /// The platform's reference for data it preserved, e.g. under a preservation request.
    #[serde(default)]
    #[validate(length(min = 1, max = 200, message = "must be 1 to 200 characters"))]
    #[schema(min_length = 1, max_length = 200)]
    pub preservation_reference: Option<String>,
    /// Earlier reports on the same activity, each at most once.
    #[serde(default)]
    #[validate(length(max = 20, message = "must have at most 20 items"))]
    #[schema(max_items = 20)]
    pub prior_report_ids: Vec<Uuid>,
}

/// A place the activity is aimed at or takes place in.
#[derive(Debug, Clone, Serialize, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Location {
    /// An existing ISO 3166-1 alpha-2 country code, upper case, e.g. `MX`.
    #[validate(custom(function = country_code))]
    #[schema(min_length = 2, max_length = 2, pattern = "^[A-Z]{2}$")]
    pub country: String,
    /// An existing ISO 3166-2 subdivision code of `country`, e.g. `MX-JAL`.
    #[serde(default)]
    #[validate(custom(function = subdivision_code))]
    #[schema(min_length = 4, max_length = 6)]
    pub subdivision: Option<String>,
    /// A city or other place name, free text.
    #[serde(default)]
    #[validate(length(max = 200, message = "must be at most 200 characters"))]
    #[schema(max_length = 200)]
    pub place: Option<String>,
}

/// An account on the platform involved in the activity.
#[derive(Debug, Clone, Serialize, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Account {
    /// The platform's stable identifier of the account, unique within the report.
    #[validate(length(min = 1, max = 200, message = "must be 1 to 200 characters"))]
    #[schema(min_length = 1, max_length = 200)]
    pub platform_account_id: String,
    /// The account's user name, e.g. `@someone`.
    #[serde(default)]
    #[validate(length(max = 200, message = "must be at most 200 characters"))]
    #[schema(max_length = 200)]
    pub handle: Option<String>,
    /// The account's display name.
    #[serde(default)]
    #[validate(length(max = 200, message = "must be at most 200 characters"))]
    #[schema(max_length = 200)]
    pub display_name: Option<String>,
    /// The absolute `http` or `https` URL of the account's profile.
    #[serde(default)]
    #[validate(
        length(max = 2048, message = "must be at most 2048 characters"),
        custom(function = http_url)
    )]
    #[schema(max_length = 2048, format = "uri")]
    pub profile_url: Option<String>,
    /// The part the account plays in the activity.
    pub role: AccountRole,
    /// When the account was created.
    #[serde(default)]
    pub created_at: Option<DateTime<Utc>>,
    /// How many followers the account has; not negative.
    #[serde(default)]
    #[validate(range(min = 0, message = "must not be negative"))]
    #[schema(minimum = 0)]
    pub follower_count: Option<i64>,
    /// What the platform has done about the account.
    pub action_taken: PlatformAction,
    /// Off-platform contact details the account advertises.
    #[serde(default)]
    #[validate(length(max = 20, message = "must have at most 20 items"), nested)]
    #[schema(max_items = 20)]
    pub contact_handles: Vec<ContactHandle>,
}

/// An off-platform contact detail, such as a phone number or a Telegram user name.
#[derive(Debug, Clone, Serialize, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ContactHandle {
    /// The kind of contact detail; `type` in JSON.
    #[serde(rename = "type")]
    pub kind: ContactType,
    /// The contact detail as advertised.
    #[validate(length(min = 1, max = 200, message = "must be 1 to 200 characters"))]
    #[schema(min_length = 1, max_length = 200)]
    pub value: String,
}

/// A piece of content involved in the activity.
#[derive(Debug, Clone, Serialize, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ContentItem {
    /// What kind of content this is.
    pub content_type: ContentType,
    /// The absolute `http` or `https` URL of the content.
    #[serde(default)]
    #[validate(
        length(max = 2048, message = "must be at most 2048 characters"),
        custom(function = http_url)
    )]
    #[schema(max_length = 2048, format = "uri")]
    pub url: Option<String>,
    /// When the content was posted.
    #[serde(default)]
    pub posted_at: Option<DateTime<Utc>>,
    /// An excerpt of the content's text.
    #[serde(default)]
    #[validate(length(max = 5000, message = "must be at most 5000 characters"))]
    #[schema(max_length = 5000)]
    pub text_excerpt: Option<String>,
    /// The content's language as a BCP 47 tag.
    #[serde(default)]
    #[validate(custom(function = language_tag))]
    pub language: Option<String>,
    /// The SHA-256 of the content's media, as 64 hex digits.
    #[serde(default)]
    #[validate(
        length(equal = 64, message = "must be 64 characters"),
        custom(function = hex_digits)
    )]
    #[schema(pattern = "^[0-9A-Fa-f]{64}$")]
    pub sha256: Option<String>,
    /// The MD5 of the content's media, as 32 hex digits.
    #[serde(default)]
    #[validate(
        length(equal = 32, message = "must be 32 characters"),
        custom(function = hex_digits)
    )]
    #[schema(pattern = "^[0-9A-Fa-f]{32}$")]
    pub md5: Option<String>,
    /// The PDQ perceptual hash of the content's image, as 64 hex digits.
    #[serde(default)]
    #[validate(
        length(equal = 64, message = "must be 64 characters"),
        custom(function = hex_digits)
    )]
    #[schema(pattern = "^[0-9A-Fa-f]{64}$")]
    pub pdq: Option<String>,
    /// The `platform_account_id` of the report's account that posted the content.
    #[serde(default)]
    pub account_ref: Option<String>,
    /// Whether the platform preserved the content.
    pub preserved: bool,
    /// Whether the platform removed the content.
    pub removed: bool,
}

/// The person at the platform to contact about a report.
#[derive(Debug, Clone, Serialize, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReportContact {
    /// The person's name.
    #[validate(length(min = 1, max = 200, message = "must be 1 to 200 characters"))]
    #[schema(min_length = 1, max_length = 200)]
    pub name: String,
    /// The person's e-mail address.
    #[validate(email(message = "must be a valid e-mail address"))]
    #[schema(format = Email)]
    pub email: String,
    /// The person's phone number: digits, spaces and `+()-.`, with at least 7 digits.
    #[serde(default)]
    #[validate(
        length(max = 50, message = "must be at most 50 characters"),
        custom(function = phone_number)
    )]
    #[schema(max_length = 50)]
    pub phone: Option<String>,
}

impl NewReport {
    /// The free text a review search (`q`) looks in: the summary and the content excerpts.
    pub fn searchable_texts(&self) -> impl Iterator<Item = &str> {
        std::iter::once(self.summary.as_str()).chain(
            self.content
                .iter()
                .filter_map(|c| c.text_excerpt.as_deref()),
        )
    }

    /// Checks every rule of the report, with `now` as the present for the "not in the future"
    /// rules; on failure returns all broken rules, sorted by pointer.
    pub fn check(&self, now: DateTime<Utc>) -> Result<(), Vec<FieldError>> {
        let mut errors = match self.validate() {
            Ok(()) => Vec::new(),
            Err(errors) => field_errors(&errors, ""),
        };
        errors.extend(self.cross_field_errors(now));
        if errors.is_empty() {
            return Ok(());
        }
        errors.sort_by(|a, b| a.pointer.cmp(&b.pointer));
        Err(errors)
    }

    /// The broken rules that the `Validate` derive cannot express: those that relate fields or items.
    fn cross_field_errors(&self, now: DateTime<Utc>) -> Vec<FieldError> {
        let mut errors = Vec::new();

        match (self.category, &self.category_other) {
            (Category::Other, None) => errors.push(FieldError::new(
                "/category_other",
                "required",
                "is required when category is other",
            )),
            (category, Some(_)) if category != Category::Other => errors.push(FieldError::new(
                "/category_other",
                "forbidden",
                "is allowed only when category is other",
            )),
            _ => {}
        }

        let lists = [
            ("suspected_groups", duplicates(&self.suspected_groups)),
            ("indicators", duplicates(&self.indicators)),
            ("prior_report_ids", duplicates(&self.prior_report_ids)),
        ];
        for (list, indexes) in lists {
            errors.extend(indexes.into_iter().map(|i| {
                FieldError::new(
                    format!("/{list}/{i}"),
                    "duplicate",
                    "repeats an earlier item",
                )
            }));
        }

        for (i, tag) in self.languages.iter().enumerate() {
            if let Err(error) = language_tag(tag) {
                errors.push(to_field_error(format!("/languages/{i}"), &error));
            }
        }

        let latest = now + CLOCK_SKEW;
        let times = [
            ("/detected_at", Some(self.detected_at)),
            ("/activity_start", self.activity_start),
            ("/activity_end", self.activity_end),
        ];
        for (pointer, time) in times {
            if time.is_some_and(|time| time > latest) {
                errors.push(FieldError::new(
                    pointer,
                    "future",
                    "must not be in the future",
                ));
            }
        }
        errors.extend(storable::time_errors(times));
        errors.extend(part_time_errors(&self.accounts, &self.content));
        if let (Some(start), Some(end)) = (self.activity_start, self.activity_end) {
            if end < start {
                errors.push(FieldError::new(
                    "/activity_end",
                    "order",
                    "must not be before activity_start",
                ));
            }
        }

        let no_earlier_accounts = HashSet::new();
        errors.extend(account_id_errors(&self.accounts, &no_earlier_accounts));
        let account_ids = self
            .accounts
            .iter()
            .map(|account| account.platform_account_id.as_str())
            .collect();
        errors.extend(account_ref_errors(&self.content, &account_ids));
        errors.extend(location_errors(&self.locations));

        errors
    }
}

/// Checks `value`'s validator rules, located from the root of the body, and adds the errors
/// `more` that rules validator cannot express found: 422 with one field error per broken rule.
pub fn check_rules(
    value: &impl Validate,
    more: impl IntoIterator<Item = FieldError>,
) -> Result<(), Refusal> {
    let mut errors = match value.validate() {
        Ok(()) => Vec::new(),
        Err(e) => field_errors(&e, ""),
    };
    errors.extend(more);
    if errors.is_empty() {
        Ok(())
    } else {
        Err(Refusal::Invalid(errors))
    }
}

/// The accounts whose `platform_account_id` repeats an earlier account's, in the list or in
/// `earlier` (the accounts a report already has, for an amendment).
pub fn account_id_errors(accounts: &[Account], earlier: &HashSet<&str>) -> Vec<FieldError> {
    let ids = accounts
        .iter()
        .map(|account| account.platform_account_id.as_str());
    let repeated_in_list = duplicates(ids.clone());
    ids.enumerate()
        .filter(|(i, id)| repeated_in_list.contains(i) || earlier.contains(id))
        .map(|(i, _)| {
            FieldError::new(
                format!("/accounts/{i}/platform_account_id"),
                "duplicate",
                "repeats the platform_account_id of an earlier account",
            )
        })
        .collect()
}

/// The accounts' `created_at` and the content items' `posted_at` that no backend can store
/// (see [`storable`]).
pub fn part_time_errors(accounts: &[Account], content: &[ContentItem]) -> Vec<FieldError> {
    let created = accounts
        .iter()
        .enumerate()
        .map(|(i, account)| (format!("/accounts/{i}/created_at"), account.created_at));
    let posted = content
        .iter()
        .enumerate()
        .map(|(i, item)| (format!("/content/{i}/posted_at"), item.posted_at));
    storable::time_errors(created.chain(posted))
}

/// The content items whose `account_ref` names none of `account_ids`.
pub fn account_ref_errors(content: &[ContentItem], account_ids: &HashSet<&str>) -> Vec<FieldError> {
    content
        .iter()
        .enumerate()
        .filter(|(_, item)| {
            item.account_ref
                .as_deref()
                .is_some_and(|id| !account_ids.contains(id))
        })
        .map(|(i, _)| {
            FieldError::new(
                format!("/content/{i}/account_ref"),
                "unknown_account",
                "must be the platform_account_id of one of the report's accounts",
            )
        })
        .collect()
}

/// The locations whose subdivision is not of their country.
pub fn location_errors(locations: &[Location]) -> Vec<FieldError> {
    let mut errors = Vec::new();
    for (i, location) in locations.iter().enumerate() {
        if let Some(code) = &location.subdivision {
            let both_known =
                country_code(&location.country).is_ok() && subdivision_code(code).is_ok();
            if both_known
                && code.split_once('-').map(|(prefix, _)| prefix) != Some(&location.country)
            {
                errors.push(FieldError::new(
                    format!("/locations/{i}/subdivision"),
                    "country_mismatch",
                    "must be a subdivision of the location's country",
                ));
            }
        }
    }
    errors
}

/// Turns validator's nested `errors` into field errors whose pointers start at `base` (`""` for
/// the whole body), sorted by pointer; fields are named as in JSON, also where serde renames them.
pub fn field_errors(errors: &ValidationErrors, base: &str) -> Vec<FieldError> {
    let mut out = Vec::new();
    for (field, kind) in errors.errors() {
        let pointer = field_pointer(base, field);
        match kind {
            ValidationErrorsKind::Field(list) => {
                out.extend(
                    list.iter()
                        .map(|error| to_field_error(pointer.clone(), error)),
                );
            }
            ValidationErrorsKind::Struct(inner) => out.extend(field_errors(inner, &pointer)),
            ValidationErrorsKind::List(items) => {
                for (i, inner) in items {
                    out.extend(field_errors(
                        inner,
                        &child_pointer(&pointer, &i.to_string()),
                    ));
                }
            }
        }
    }
    out.sort_by(|a, b| a.pointer.cmp(&b.pointer));
    out
}

/// The pointer of the field validator calls `field` under `base`; `__all__` (struct-level errors) is `base` itself.
fn field_pointer(base: &str, field: &str) -> String {
    if field == "__all__" {
        return base.to_owned();
    }
    let name = RENAMED_FIELDS
        .iter()
        .find(|(rust, _)| *rust == field)
        .map_or(field, |(_, json)| json);
    child_pointer(base, name)
}

/// `base` extended by one reference token, escaped as RFC 6901 requires.
fn child_pointer(base: &str, token: &str) -> String {
    format!("{base}/{}", token.replace('~', "~0").replace('/', "~1"))
}

/// A field error at `pointer` for validator's `error`, with its message or, lacking one, a generic one.
fn to_field_error(pointer: String, error: &ValidationError) -> FieldError {
    let message = match &error.message {
        Some(message) => message.to_string(),
        None => format!("breaks the {} rule", error.code),
    };
    FieldError::new(pointer, error.code.clone(), message)
}

/// The indexes of the items that equal an earlier item.
fn duplicates<T: Eq + Hash>(items: impl IntoIterator<Item = T>) -> Vec<usize> {
    let mut seen = HashSet::new();
    items
        .into_iter()
        .enumerate()
        .filter_map(|(i, item)| (!seen.insert(item)).then_some(i))
        .collect()
}

/// A validation error with `code` and `message`.
fn invalid(code: &'static str, message: &'static str) -> ValidationError {
    ValidationError::new(code).with_message(message.into())
}

/// Accepts text that is not empty and not only white space.
pub fn not_blank(value: &str) -> Result<(), ValidationError> {
    if value.trim().is_empty() {
        return Err(invalid("blank", "must not be empty or only white space"));
    }
    Ok(())
}

/// Accepts an absolute URL with scheme `http` or `https`.
fn http_url(value: &str) -> Result<(), ValidationError> {
    match Url::parse(value) {
        Ok(url) if matches!(url.scheme(), "http" | "https") => Ok(()),
        _ => Err(invalid("http_url", "must be an absolute http or https URL")),
    }
}

/// Accepts an existing ISO 3166-1 alpha-2 country code in upper case.
fn country_code(value: &str) -> Result<(), ValidationError> {
    if rust_iso3166::from_alpha2(value).is_none() {
        return Err(invalid(
            "country",
            "must be an ISO 3166-1 alpha-2 country code such as MX",
        ));
    }
    Ok(())
}

/// Accepts an existing ISO 3166-2 subdivision code.
fn subdivision_code(value: &str) -> Result<(), ValidationError> {
    if rust_iso3166::iso3166_2::from_code(value).is_none() {
        return Err(invalid(
            "subdivision",
            "must be an ISO 3166-2 subdivision code such as MX-JAL",
        ));
    }
    Ok(())
}

/// Accepts a well-formed and valid BCP 47 language tag.
fn language_tag(value: &str) -> Result<(), ValidationError> {
    match LanguageTag::parse(value) {
        Ok(tag) if tag.is_valid() => Ok(()),
        _ => Err(invalid(
            "language_tag",
            "must be a BCP 47 language tag such as es-MX",
        )),
    }
}

/// Accepts text made only of hexadecimal digits (its length is checked apart).
fn hex_digits(value: &str) -> Result<(), ValidationError> {
    if !value.chars().all(|c| c.is_ascii_hexdigit()) {
        return Err(invalid("hex", "must be hexadecimal digits only"));
    }
    Ok(())
}

/// Accepts a phone number of digits, spaces and `+()-.` with at least 7 digits.
fn phone_number(value: &str) -> Result<(), ValidationError> {
    let allowed = value
        .chars()
        .all(|c| c.is_ascii_digit() || " +()-.".contains(c));
    let digits = value.chars().filter(char::is_ascii_digit).count();
    if !allowed || digits < 7 {
        return Err(invalid(
            "phone",
            "must be digits, spaces and +()-. with at least 7 digits",
        ));
    }
    Ok(())
}

/// The example report of the OpenAPI schema: realistic, fully populated and clearly fake.
fn example_report() -> serde_json::Value {
    json!({
        "external_id": "EXAMPLE-2025-05-0001",
        "service": "Example Video",
        "category": "recruitment",
        "severity": "high",
        "suspected_groups": ["cjng"],
        "summary": "FICTIONAL EXAMPLE. An account posts videos offering USD 1,500 a week for \
                    'security work' in Jalisco and asks applicants to continue on WhatsApp.",
        "detection_method": "automated_detection",
        "detected_at": "2025-05-20T14:30:00Z",
        "activity_start": "2025-05-01T00:00:00Z",
        "activity_end": "2025-05-19T23:59:59Z",
        "languages": ["es-MX", "en"],
        "locations": [{"country": "MX", "subdivision": "MX-JAL", "place": "Guadalajara"}],
        "indicators": ["payment_offer", "job_advertisement", "off_platform_contact"],
        "accounts": [
            {
                "platform_account_id": "1000000001",
                "handle": "@example_jobs",
                "display_name": "Example Jobs",
                "profile_url": "https://video.example.com/@example_jobs",
                "role": "recruiter",
                "created_at": "2025-04-28T09:00:00Z",
                "follower_count": 1234,
                "action_taken": "suspended",
                "contact_handles": [{"type": "whatsapp", "value": "+52 33 0000 0000"}]
            },
            {
                "platform_account_id": "1000000002",
                "role": "promoter",
                "action_taken": "content_removed"
            }
        ],
        "content": [{
            "content_type": "video",
            "url": "https://video.example.com/v/0000000001",
            "posted_at": "2025-05-18T21:15:00Z",
            "text_excerpt": "Se busca personal de seguridad. Pago semanal. Informes por WhatsApp.",
            "language": "es-MX",
            "sha256": "0000000000000000000000000000000000000000000000000000000000000001",
            "md5": "00000000000000000000000000000001",
            "pdq": "f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0",
            "account_ref": "1000000001",
            "preserved": true,
            "removed": true
        }],
        "contact": {
            "name": "Jane Example",
            "email": "trust-safety@example.com",
            "phone": "+1 (555) 010-0000"
        },
        "preservation_reference": "PRES-EXAMPLE-0001",
        "prior_report_ids": ["01970000-0000-7000-8000-000000000001"]
    })
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;

    use strum::IntoEnumIterator;
    use utoipa::PartialSchema;

    use super::*;

    /// A rule test: how to break the valid report, and the pointer and code of the one error expected.
    type Case = (fn(&mut NewReport), &'static str, &'static str);

    /// The present of every test, a little after the example's timestamps.
    fn now() -> DateTime<Utc> {
        "2025-06-01T12:00:00Z".parse().unwrap()
    }

    /// A fully populated valid report: the schema's example.
    fn valid_report() -> NewReport {
        serde_json::from_value(example_report()).unwrap()
    }

    /// The `(pointer, code)` pairs of the errors `check` returns for `report`.
    fn broken_rules(report: &NewReport) -> Vec<(String, String)> {
        report
            .check(now())
            .unwrap_err()
            .into_iter()
            .map(|error| (error.pointer, error.code))
            .collect()
    }

    /// `n` accounts with distinct ids, the first being the one the example's content refers to.
    fn accounts(n: usize) -> Vec<Account> {
        let template = valid_report().accounts.remove(0);
        (0..n)
            .map(|i| Account {
                platform_account_id: format!("{}", 1_000_000_001 + i),
                ..template.clone()
            })
            .collect()
    }

    #[test]
    fn valid_report_passes() {
        assert_eq!(valid_report().check(now()), Ok(()));
    }

    #[test]
    fn minimal_report_passes() {
        let report: NewReport = serde_json::from_value(json!({
            "external_id": "r1",
            "service": "Chat",
            "category": "other",
            "category_other": "Arms fundraising",
            "severity": "low",
            "summary": "Twenty characters at least.",
            "detection_method": "user_report",
            "detected_at": "2025-06-01T12:04:00Z",
            "accounts": [{"platform_account_id": "a", "role": "other", "action_taken": "none"}],
            "contact": {"name": "J", "email": "j@example.org"}
        }))
        .unwrap();
        assert_eq!(report.check(now()), Ok(()));
    }

    #[test]
    fn each_rule_reports_its_pointer_and_code() {
        let cases: Vec<Case> = vec![
            (|r| r.external_id.clear(), "/external_id", "length"),
            (
                |r| r.external_id = "has space".into(),
                "/external_id",
                "regex",
            ),
            (|r| r.service = "  ".into(), "/service", "blank"),
            (|r| r.service = "s".repeat(101), "/service", "length"),
            (
                |r| r.category = Category::Other,
                "/category_other",
                "required",
            ),
            (
                |r| r.category_other = Some("Arms".into()),
                "/category_other",
                "forbidden",
            ),
            (
                |r| {
                    r.category = Category::Other;
                    r.category_other = Some(String::new());
                },
                "/category_other",
                "length",
            ),
            (
                |r| r.suspected_groups = SuspectedGroup::iter().take(11).collect(),
                "/suspected_groups",
                "length",
            ),
            (
                |r| r.suspected_groups.push(SuspectedGroup::Cjng),
                "/suspected_groups/1",
                "duplicate",
            ),
            (|r| r.summary = "too short".into(), "/summary", "length"),
            (|r| r.summary = "s".repeat(5001), "/summary", "length"),
            (
                |r| r.detected_at = now() + TimeDelta::minutes(6),
                "/detected_at",
                "future",
            ),
            (
                |r| {
                    r.activity_start = Some(now() + TimeDelta::days(1));
                    r.activity_end = None;
                },
                "/activity_start",
                "future",
            ),
            (
                |r| r.activity_end = Some(now() + TimeDelta::days(1)),
                "/activity_end",
                "future",
            ),
            (
                |r| r.activity_end = Some(r.activity_start.unwrap() - TimeDelta::seconds(1)),
                "/activity_end",
                "order",
            ),
            (
                |r| r.languages.push("en_US".into()),
                "/languages/2",
                "language_tag",
            ),
            (
                |r| r.languages = vec!["es".into(); 11],
                "/languages",
                "length",
            ),
            (
                |r| r.locations[0].country = "mx".into(),
                "/locations/0/country",
                "country",
            ),
            (
                |r| r.locations[0].subdivision = Some("MX-ZZZ".into()),
                "/locations/0/subdivision",
                "subdivision",
            ),
            (
                |r| r.locations[0].subdivision = Some("US-TX".into()),
                "/locations/0/subdivision",
                "country_mismatch",
            ),
            (
                |r| r.locations[0].place = Some("p".repeat(201)),
                "/locations/0/place",
                "length",
            ),
            (
                |r| r.locations = vec![r.locations[0].clone(); 21],
                "/locations",
                "length",
            ),
            (
                |r| r.indicators.push(Indicator::PaymentOffer),
                "/indicators/3",
                "duplicate",
            ),
            (
                |r| {
                    r.accounts.clear();
                    r.content.clear();
                },
                "/accounts",
                "length",
            ),
            (|r| r.accounts = accounts(101), "/accounts", "length"),
            (
                |r| r.accounts[1].platform_account_id = "1000000001".into(),
                "/accounts/1/platform_account_id",
                "duplicate",
            ),
            (
                |r| r.accounts[1].platform_account_id.clear(),
                "/accounts/1/platform_account_id",
                "length",
            ),
            (
                |r| r.accounts[0].handle = Some("h".repeat(201)),
                "/accounts/0/handle",
                "length",
            ),
            (
                |r| r.accounts[0].display_name = Some("d".repeat(201)),
                "/accounts/0/display_name",
                "length",
            ),
            (
                |r| r.accounts[0].profile_url = Some("ftp://example.com/u".into()),
                "/accounts/0/profile_url",
                "http_url",
            ),
            (
                |r| r.accounts[1].profile_url = Some("/u/someone".into()),
                "/accounts/1/profile_url",
                "http_url",
            ),
            (
                |r| {
                    r.accounts[0].profile_url =
                        Some(format!("https://example.com/{}", "u".repeat(2029)))
                },
                "/accounts/0/profile_url",
                "length",
            ),
            (
                |r| r.accounts[0].follower_count = Some(-1),
                "/accounts/0/follower_count",
                "range",
            ),
            (
                |r| r.accounts[0].contact_handles[0].value.clear(),
                "/accounts/0/contact_handles/0/value",
                "length",
            ),
            (
                |r| {
                    r.accounts[1].contact_handles =
                        vec![r.accounts[0].contact_handles[0].clone(); 21]
                },
                "/accounts/1/contact_handles",
                "length",
            ),
            (
                |r| r.content[0].url = Some("mailto:x@example.com".into()),
                "/content/0/url",
                "http_url",
            ),
            (
                |r| r.content[0].text_excerpt = Some("t".repeat(5001)),
                "/content/0/text_excerpt",
                "length",
            ),
            (
                |r| r.content[0].language = Some("en_US".into()),
                "/content/0/language",
                "language_tag",
            ),
            (
                |r| r.content[0].sha256 = Some("abc".into()),
                "/content/0/sha256",
                "length",
            ),
            (
                |r| r.content[0].sha256 = Some("g".repeat(64)),
                "/content/0/sha256",
                "hex",
            ),
            (
                |r| r.content[0].md5 = Some("0".repeat(31)),
                "/content/0/md5",
                "length",
            ),
            (
                |r| r.content[0].pdq = Some("z".repeat(64)),
                "/content/0/pdq",
                "hex",
            ),
            (
                |r| r.content[0].account_ref = Some("nobody".into()),
                "/content/0/account_ref",
                "unknown_account",
            ),
            (
                |r| r.content = vec![r.content[0].clone(); 201],
                "/content",
                "length",
            ),
            (|r| r.contact.name.clear(), "/contact/name", "length"),
            (
                |r| r.contact.email = "not-an-email".into(),
                "/contact/email",
                "email",
            ),
            (
                |r| r.contact.phone = Some("555-CALL-NOW".into()),
                "/contact/phone",
                "phone",
            ),
            (
                |r| r.contact.phone = Some("1".repeat(51)),
                "/contact/phone",
                "length",
            ),
            (
                |r| r.preservation_reference = Some(String::new()),
                "/preservation_reference",
                "length",
            ),
            (
                |r| r.prior_report_ids.push(r.prior_report_ids[0]),
                "/prior_report_ids/1",
                "duplicate",
            ),
            (
                |r| r.prior_report_ids = (0..21).map(Uuid::from_u128).collect(),
                "/prior_report_ids",
                "length",
            ),
        ];
        for (mutate, pointer, code) in cases {
            let mut report = valid_report();
            mutate(&mut report);
            assert_eq!(
                broken_rules(&report),
                [(pointer.to_owned(), code.to_owned())],
                "expected {pointer} {code}"
            );
        }
    }

    #[test]
    fn timestamps_may_be_up_to_five_minutes_ahead() {
        let mut report = valid_report();
        report.detected_at = now() + CLOCK_SKEW;
        report.activity_end = Some(now() + CLOCK_SKEW);
        assert_eq!(report.check(now()), Ok(()));
    }

    #[test]
    fn all_errors_are_returned_sorted_by_pointer() {
        let mut report = valid_report();
        report.contact.email = "nope".into();
        report.summary = "short".into();
        report.accounts[1].profile_url = Some("nope".into());
        report.content[0].account_ref = Some("nobody".into());
        report.category_other = Some("x".into());
        let errors = report.check(now()).unwrap_err();
        let pointers: Vec<&str> = errors.iter().map(|e| e.pointer.as_str()).collect();
        assert_eq!(
            pointers,
            [
                "/accounts/1/profile_url",
                "/category_other",
                "/contact/email",
                "/content/0/account_ref",
                "/summary",
            ]
        );
        assert!(errors.iter().all(|e| !e.message.is_empty()));
        assert_eq!(errors[0].message, "must be an absolute http or https URL");
    }

    #[test]
    fn field_errors_names_renamed_fields_as_in_json() {
        let handle_errors = ValidationErrors(HashMap::from([(
            "kind".into(),
            ValidationErrorsKind::Field(vec![ValidationError::new("custom")]),
        )]));
        let account_errors = ValidationErrors(HashMap::from([(
            "contact_handles".into(),
            ValidationErrorsKind::List([(0, Box::new(handle_errors))].into()),
        )]));
        let report_errors = ValidationErrors(HashMap::from([(
            "accounts".into(),
            ValidationErrorsKind::List([(1, Box::new(account_errors))].into()),
        )]));
        assert_eq!(
            field_errors(&report_errors, ""),
            [FieldError::new(
                "/accounts/1/contact_handles/0/type",
                "custom",
                "breaks the custom rule"
            )]
        );
    }

    #[test]
    fn field_errors_starts_at_base_and_maps_struct_level_errors_to_it() {
        let errors = ValidationErrors(HashMap::from([(
            "__all__".into(),
            ValidationErrorsKind::Field(vec![invalid("whole", "is wrong as a whole")]),
        )]));
        assert_eq!(
            field_errors(&errors, "/contact"),
            [FieldError::new("/contact", "whole", "is wrong as a whole")]
        );
    }

    #[test]
    fn pointer_tokens_are_escaped() {
        assert_eq!(child_pointer("", "a/b~c"), "/a~1b~0c");
        assert_eq!(child_pointer("/x", "0"), "/x/0");
    }

    #[test]
    fn duplicates_lists_later_repeats() {
        assert_eq!(duplicates(["a", "b", "a", "c", "b", "a"]), [2, 4, 5]);
        assert!(duplicates(Vec::<u8>::new()).is_empty());
    }

    #[test]
    fn not_blank_rejects_empty_and_white_space() {
        assert!(not_blank("x").is_ok());
        assert!(not_blank(" x ").is_ok());
        assert_eq!(not_blank("").unwrap_err().code, "blank");
        assert_eq!(not_blank(" \t\n").unwrap_err().code, "blank");
    }

    #[test]
    fn http_url_accepts_only_absolute_http_urls() {
        assert!(http_url("https://example.com/a?b=c").is_ok());
        assert!(http_url("http://example.com").is_ok());
        for bad in [
            "ftp://example.com",
            "javascript:alert(1)",
            "/relative",
            "example.com",
            "",
        ] {
            assert_eq!(http_url(bad).unwrap_err().code, "http_url", "{bad}");
        }
    }

    #[test]
    fn country_accepts_existing_upper_case_codes() {
        assert!(country_code("MX").is_ok());
        assert!(country_code("US").is_ok());
        for bad in ["mx", "XX", "MEX", ""] {
            assert_eq!(country_code(bad).unwrap_err().code, "country", "{bad}");
        }
    }

    #[test]
    fn subdivision_accepts_existing_codes() {
        assert!(subdivision_code("MX-JAL").is_ok());
        assert!(subdivision_code("US-TX").is_ok());
        for bad in ["MX-ZZZ", "mx-jal", "JAL", ""] {
            assert_eq!(
                subdivision_code(bad).unwrap_err().code,
                "subdivision",
                "{bad}"
            );
        }
    }

    #[test]
    fn language_tag_accepts_valid_bcp47_tags() {
        for good in ["es", "es-MX", "en-US", "zh-Hant-TW", "es-419"] {
            assert!(language_tag(good).is_ok(), "{good}");
        }
        for bad in ["en_US", "", "english", "es-MX-", "zz-ZZ"] {
            assert_eq!(language_tag(bad).unwrap_err().code, "language_tag", "{bad}");
        }
    }

    #[test]
    fn hex_digits_accepts_only_hex() {
        assert!(hex_digits("0123456789abcdefABCDEF").is_ok());
        assert_eq!(hex_digits("0x12").unwrap_err().code, "hex");
        assert_eq!(hex_digits("12 34").unwrap_err().code, "hex");
    }

    #[test]
    fn phone_needs_allowed_characters_and_seven_digits() {
        for good in ["+1 (555) 010-0000", "5550100", "+52.33.0000.0000"] {
            assert!(phone_number(good).is_ok(), "{good}");
        }
        for bad in ["555-010", "555-CALL-NOW", "+1 555 010 0000 ext 1", ""] {
            assert_eq!(phone_number(bad).unwrap_err().code, "phone", "{bad}");
        }
    }

    #[test]
    fn unknown_fields_are_rejected() {
        let mut body = example_report();
        body["surprise"] = json!(true);
        assert!(serde_json::from_value::<NewReport>(body).is_err());

        let mut body = example_report();
        body["accounts"][0]["surprise"] = json!(true);
        assert!(serde_json::from_value::<NewReport>(body).is_err());
    }

    #[test]
    fn contact_handle_kind_is_called_type_in_json() {
        let handle: ContactHandle =
            serde_json::from_value(json!({"type": "telegram", "value": "@someone"})).unwrap();
        assert_eq!(handle.kind, ContactType::Telegram);
        assert!(
            serde_json::from_value::<ContactHandle>(json!({"kind": "telegram", "value": "x"}))
                .is_err()
        );
        let schema = serde_json::to_value(ContactHandle::schema()).unwrap();
        assert!(schema["properties"]["type"].is_object());
    }

    #[test]
    fn optional_arrays_default_to_empty() {
        let mut body = example_report();
        let object = body.as_object_mut().unwrap();
        for key in [
            "suspected_groups",
            "languages",
            "locations",
            "indicators",
            "content",
            "prior_report_ids",
        ] {
            object.remove(key);
        }
        let report: NewReport = serde_json::from_value(body).unwrap();
        assert!(report.languages.is_empty() && report.content.is_empty());
        assert_eq!(report.check(now()), Ok(()));
    }

    #[test]
    fn schema_example_is_a_valid_report() {
        let schema = serde_json::to_value(NewReport::schema()).unwrap();
        let example = schema["example"].clone();
        assert_eq!(example, example_report());
        let report: NewReport = serde_json::from_value(example).unwrap();
        assert_eq!(report.check(Utc::now()), Ok(()));
    }

    #[test]
    fn schema_pattern_of_external_id_is_the_validation_regex() {
        let schema = serde_json::to_value(NewReport::schema()).unwrap();
        assert_eq!(
            schema["properties"]["external_id"]["pattern"],
            EXTERNAL_ID.as_str()
        );
    }
}
