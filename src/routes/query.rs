//! The query-string extractor of every handler: like `web::Query`, but a value it cannot read
//! is answered 400 naming the parameter and what it accepts (from the parameter's own OpenAPI
//! description, so the two never disagree), e.g. "query parameter `from` must be a date
//! (YYYY-MM-DD): trailing input".

use std::ops::Deref;

use actix_web::dev::Payload;
use actix_web::{FromRequest, HttpRequest};
use futures_util::future::{Ready, ready};
use serde::de::DeserializeOwned;
use utoipa::IntoParams;
use utoipa::openapi::path::{Parameter, ParameterIn};
use utoipa::openapi::schema::{KnownFormat, SchemaFormat};
use utoipa::openapi::{RefOr, Schema, Type};

use crate::error::ApiError;

/// The query parameters `T`, read from the query string.
#[derive(Debug)]
pub struct Query<T>(pub T);

impl<T> Query<T> {
    /// The parameters.
    pub fn into_inner(self) -> T {
        self.0
    }
}

impl<T> Deref for Query<T> {
    type Target = T;

    fn deref(&self) -> &T {
        &self.0
    }
}

impl<T: DeserializeOwned + IntoParams> FromRequest for Query<T> {
    type Error = ApiError;
    type Future = Ready<Result<Self, ApiError>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        ready(parse::<T>(req.query_string()).map(Query))
    }
}

/// `query` read as `T`; 400 naming the parameter and what it accepts otherwise.
pub fn parse<T: DeserializeOwned + IntoParams>(query: &str) -> Result<T, ApiError> {
    let deserializer =
        serde_urlencoded::Deserializer::new(form_urlencoded::parse(query.as_bytes()));
    serde_path_to_error::deserialize(deserializer).map_err(|error| {
        let name = error.path().to_string();
        let reason = error.inner().to_string();
        let parameters = T::into_params(|| Some(ParameterIn::Query));
        let detail = match parameters.iter().find(|p| p.name == name) {
            Some(parameter) => format!(
                "query parameter `{name}` must be {}: {reason}",
                accepts(parameter)
            ),
            // A parameter missing altogether: serde names it in its message.
            None => format!("bad query parameter: {reason}"),
        };
        ApiError::BadRequest(detail)
    })
}

/// What `parameter` accepts, in words, from its schema.
fn accepts(parameter: &Parameter) -> String {
    let Some(RefOr::T(Schema::Object(object))) = &parameter.schema else {
        return "one of the values its description lists".to_owned();
    };
    if let Some(values) = &object.enum_values {
        let listed: Vec<String> = values.iter().map(|v| v.to_string()).collect();
        return format!("one of {}", listed.join(", "));
    }
    let number = |n: &Option<utoipa::Number>| {
        n.as_ref()
            .and_then(|n| serde_json::to_value(n).ok())
            .map(|v| v.to_string())
    };
    let range = match (number(&object.minimum), number(&object.maximum)) {
        (Some(min), Some(max)) => format!(" from {min} to {max}"),
        (Some(min), None) => format!(" of at least {min}"),
        (None, Some(max)) => format!(" of at most {max}"),
        (None, None) => String::new(),
    };
    match (&object.format, &object.schema_type) {
        (Some(SchemaFormat::KnownFormat(KnownFormat::Date)), _) => "a date (YYYY-MM-DD)".into(),
        (Some(SchemaFormat::KnownFormat(KnownFormat::DateTime)), _) => {
            "an RFC 3339 date-time (e.g. 2026-12-01T00:00:00Z)".into()
        }
        (_, t) if is(t, Type::Integer) => format!("an integer{range}"),
        (_, t) if is(t, Type::Number) => format!("a number{range}"),
        (_, t) if is(t, Type::Boolean) => "`true` or `false`".into(),
        _ => match &parameter.description {
            Some(description) => format!("as described: {description}"),
            None => "a string".into(),
        },
    }
}

fn is(schema_type: &utoipa::openapi::schema::SchemaType, wanted: Type) -> bool {
    use utoipa::openapi::schema::SchemaType;
    match schema_type {
        SchemaType::Type(t) => *t == wanted,
        SchemaType::Array(types) => types.contains(&wanted),
        SchemaType::AnyValue => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::stats::RangeParams;

    #[test]
    fn a_timestamp_for_a_date_names_the_parameter_and_the_format() {
        let error = parse::<RangeParams>("from=2026-12-01T00:00:00Z").unwrap_err();
        assert_eq!(
            error.to_string(),
            "query parameter `from` must be a date (YYYY-MM-DD): trailing input"
        );
    }
}
