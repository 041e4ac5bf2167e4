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
