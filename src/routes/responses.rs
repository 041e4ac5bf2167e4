//! The error answers many operations share, declared once for the OpenAPI document: each caller
//! extractor brings its 401 and 403, and [`JsonErrors`] the answers to a body that is not JSON.
//! A handler lists them by type: `responses((status = 200, …), Caller, JsonErrors)`.

use std::collections::BTreeMap;

use utoipa::IntoResponses;
use utoipa::openapi::{Content, Ref, RefOr, Response, ResponseBuilder};

use crate::auth::caller::{Reporter, RoleGroup, Staff};

/// A problem+json answer described as `description`.
fn problem(description: &str) -> RefOr<Response> {
    ResponseBuilder::new()
        .description(description)
        .content(
            "application/problem+json",
            Content::new(Some(Ref::from_schema_name("Problem"))),
        )
        .build()
        .into()
}

/// The answers `(status, description)`, as utoipa wants them.
fn answers(list: &[(&str, &str)]) -> BTreeMap<String, RefOr<Response>> {
    list.iter()
        .map(|(status, description)| (status.to_string(), problem(description)))
        .collect()
}

const NO_TOKEN: (&str, &str) = ("401", "No valid token");

impl IntoResponses for Reporter {
    fn responses() -> BTreeMap<String, RefOr<Response>> {
        answers(&[NO_TOKEN, ("403", "Organization not vetted")])
    }
}

impl<G: RoleGroup> IntoResponses for Staff<G> {
    fn responses() -> BTreeMap<String, RefOr<Response>> {
        answers(&[NO_TOKEN, ("403", G::REFUSED)])
    }
}

/// The answers to a JSON body that cannot be read: 400, 413 and 415.
pub struct JsonErrors;

impl IntoResponses for JsonErrors {
    fn responses() -> BTreeMap<String, RefOr<Response>> {
        answers(&[
            ("400", "Malformed JSON"),
            ("413", "Body too large"),
            ("415", "Not JSON"),
        ])
    }
}

/// The answers of the sign-in endpoints to a JSON body that cannot be read (see
/// [`super::body::read_sign_in_json`]): 400, 408, 413 and 415.
pub struct SignInBodyErrors;

impl IntoResponses for SignInBodyErrors {
    fn responses() -> BTreeMap<String, RefOr<Response>> {
        answers(&[
            ("400", "Malformed JSON"),
            ("408", "The body did not arrive in time"),
            ("413", "Body over 4 KiB"),
            ("415", "Not JSON"),
        ])
    }
}

/// The 429 of an endpoint limited per address (the sign-in endpoints, which answer callers not
/// signed in).
pub struct AddressLimited;

impl IntoResponses for AddressLimited {
    fn responses() -> BTreeMap<String, RefOr<Response>> {
        answers(&[(
            "429",
            "Too many requests from this address; see `Retry-After`",
        )])
    }
}

/// The answers that depend on the path rather than on the handler, added to the document in
/// this one place: under `/api/v1`, 429 with `Retry-After` (every operation is rate-limited,
/// per caller or per address) and 503 (every operation reads the database); and 410 where a
/// report is named in the path, or by its `external_id` in the body (a purged report answers
/// it). An answer a handler documents itself is kept.
pub struct PathAnswers;

impl utoipa::Modify for PathAnswers {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        for (path, item) in openapi.paths.paths.iter_mut() {
            if !path.starts_with("/api/v1/") {
                continue;
            }
            let names_a_report = names_a_report(path);
            let operations = [
                &mut item.get,
                &mut item.post,
                &mut item.put,
                &mut item.patch,
                &mut item.delete,
            ];
            for operation in operations.into_iter().flatten() {
                let answers = &mut operation.responses.responses;
                let limited = answers
                    .entry("429".into())
                    .or_insert_with(too_many_requests);
                if let RefOr::T(limited) = limited {
                    limited
                        .headers
                        .entry("Retry-After".into())
                        .or_insert_with(retry_after);
                }
                answers
                    .entry("503".into())
                    .or_insert_with(|| problem("Database unavailable; retry"));
                if names_a_report {
                    answers.entry("410".into()).or_insert_with(|| {
                        problem("The report was purged under a retention policy")
                    });
                }
            }
        }
    }
}

/// Whether the operations of `path` name one report: by id in the path, or (submission and its
/// dry run) by `external_id` in the body.
fn names_a_report(path: &str) -> bool {
    path.contains("/reports/{id}")
        || path.contains("/reports/by-external-id/")
        || path == "/api/v1/reports"
        || path == "/api/v1/reports/validate"
}

/// The `Retry-After` header of a 429.
fn retry_after() -> utoipa::openapi::Header {
    utoipa::openapi::HeaderBuilder::new()
        .schema(
            utoipa::openapi::ObjectBuilder::new()
                .schema_type(utoipa::openapi::Type::Integer)
                .minimum(Some(1)),
        )
        .description(Some("Seconds to wait before the next request"))
        .build()
}

/// 429 with its `Retry-After` header.
fn too_many_requests() -> RefOr<Response> {
    ResponseBuilder::new()
        .description("Too many requests; retry after `Retry-After` seconds")
        .header("Retry-After", retry_after())
        .content(
            "application/problem+json",
            Content::new(Some(Ref::from_schema_name("Problem"))),
        )
        .build()
        .into()
}

/// No text the portal takes may hold a NUL character (PostgreSQL cannot store one; the portal
/// refuses it everywhere, 422 in a body and 400 in a URL): stated in the document as a
/// `pattern` on every free string (one without a format, a pattern or a list of values) of the
/// schemas and of the operations' parameters, so that clients and testing tools know the rule.
/// Not on the problem documents ([`ECHOING_SCHEMAS`]): they name what the client sent, NUL and
/// all (an unknown field's name, escaped as `\u0000` in JSON).
pub struct NoNul;

/// The response schemas that repeat what a client sent, whatever it holds.
const ECHOING_SCHEMAS: [&str; 2] = ["Problem", "FieldError"];

/// The pattern of a string without a NUL character.
pub const WITHOUT_NUL: &str = "^[^\\u0000]*$";

impl utoipa::Modify for NoNul {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        if let Some(components) = openapi.components.as_mut() {
            components
                .schemas
                .iter_mut()
                .filter(|(name, _)| !ECHOING_SCHEMAS.contains(&name.as_str()))
                .for_each(|(_, schema)| forbid_nul(schema));
        }
        for item in openapi.paths.paths.values_mut() {
            let operations = [
                &mut item.get,
                &mut item.post,
                &mut item.put,
                &mut item.patch,
                &mut item.delete,
            ];
            for operation in operations.into_iter().flatten() {
                let parameters = operation.parameters.iter_mut().flatten();
                parameters
                    .filter_map(|p| p.schema.as_mut())
                    .for_each(forbid_nul);
            }
        }
    }
}

fn forbid_nul(schema: &mut RefOr<utoipa::openapi::Schema>) {
    use utoipa::openapi::schema::{AdditionalProperties, ArrayItems, Schema, SchemaType, Type};
    let RefOr::T(schema) = schema else { return };
    match schema {
        Schema::Object(object) => {
            let string = match &object.schema_type {
                SchemaType::Type(t) => *t == Type::String,
                SchemaType::Array(types) => types.contains(&Type::String),
                SchemaType::AnyValue => false,
            };
            let free =
                object.pattern.is_none() && object.format.is_none() && object.enum_values.is_none();
            if string && free {
                object.pattern = Some(WITHOUT_NUL.to_owned());
            }
            object.properties.values_mut().for_each(forbid_nul);
            if let Some(AdditionalProperties::RefOr(inner)) =
                object.additional_properties.as_deref_mut()
            {
                forbid_nul(inner);
            }
        }
        Schema::Array(array) => {
            if let ArrayItems::RefOrSchema(items) = &mut array.items {
                forbid_nul(items);
            }
        }
        Schema::AllOf(all) => all.items.iter_mut().for_each(forbid_nul),
        Schema::OneOf(one) => one.items.iter_mut().for_each(forbid_nul),
        Schema::AnyOf(any) => any.items.iter_mut().for_each(forbid_nul),
        _ => {}
    }
}
