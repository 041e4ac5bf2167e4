//! The one error type of the HTTP API, rendered as RFC 9457 `application/problem+json`.

use actix_web::http::{StatusCode, header};
use actix_web::{HttpResponse, ResponseError};
use serde::Serialize;
use utoipa::ToSchema;

pub use crate::domain::refusal::FieldError;
use crate::domain::refusal::Refusal;
use crate::domain::retention::Tombstone;

/// Everything that can go wrong while serving a request or running a command.
///
/// The store returns it too, and the rules' [`Refusal`]s become one; only
/// [`ApiError::to_response`] knows about HTTP.
#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    /// 400: the request could not be read (malformed JSON, bad query parameter).
    #[error("{0}")]
    BadRequest(String),
    /// 401: no token, or a token that is not valid.
    #[error("{0}")]
    Unauthenticated(String),
    /// 403: a valid caller that may not do this (role, or organization not vetted).
    #[error("{0}")]
    Forbidden(String),
    /// 404: absent, or belonging to someone else.
    #[error("not found")]
    NotFound,
    /// 405: the path exists, but not with this method; `allowed` lists its methods.
    #[error("this path answers only {}", .allowed.join(", "))]
    MethodNotAllowed {
        /// The methods the path serves, for the `Allow` header.
        allowed: Vec<&'static str>,
    },
    /// 409: the request conflicts with what is stored; `existing_id` names the stored report.
    #[error("{detail}")]
    Conflict {
        /// What conflicts.
        detail: String,
        /// The id of the stored resource the request collides with.
        existing_id: Option<String>,
    },
    /// 409: the report's status does not allow this move; `allowed` lists the moves it allows.
    #[error("a report that is {from} cannot move to {to}")]
    InvalidTransition {
        /// The current status.
        from: String,
        /// The status asked for.
        to: String,
        /// The statuses it may move to.
        allowed: Vec<String>,
    },
    /// 410: the report was purged under a retention policy; what is left of it.
    #[error("report {} was purged on {} under the {} retention policy", .0.id, .0.purged_at.to_rfc3339(), .0.policy.as_ref())]
    Gone(Box<Tombstone>),
    /// 410: the report's data key is destroyed but its rows are not deleted yet (a purge in
    /// flight, or one stopped half-way that the next run finishes); no tombstone yet.
    #[error(
        "the report is being purged under a retention policy; its content can no longer be read"
    )]
    Purging,
    /// 408: the body did not arrive within `seconds`.
    #[error("the request body did not arrive within {seconds} seconds")]
    RequestTimeout {
        /// The time allowed, in seconds.
        seconds: u64,
    },
    /// 413: the body is larger than `limit` bytes.
    #[error("the request body is larger than {limit} bytes")]
    PayloadTooLarge {
        /// The limit that was exceeded, in bytes.
        limit: usize,
    },
    /// 415: the body is not of the media type the endpoint reads.
    #[error("the request body must be {expected}")]
    UnsupportedMediaType {
        /// The media type the endpoint reads.
        expected: &'static str,
    },
    /// 422: well-formed, but breaking the rules; one entry per broken rule.
    #[error("the request body breaks {} rule(s)", .0.len())]
    Invalid(Vec<FieldError>),
    /// 429: too many attempts; retry after `retry_after` seconds.
    #[error("too many attempts; retry in {retry_after} seconds")]
    TooManyRequests {
        /// Seconds until the next attempt may succeed.
        retry_after: u64,
    },
    /// 503: the database cannot be reached right now; worth retrying.
    #[error("the database is unavailable")]
    Unavailable,
    /// An OAuth 2.0 token endpoint error (RFC 6749 §5.2), rendered in that RFC's own shape.
    #[error("{error}: {description}")]
    OAuth {
        /// The HTTP status (400, 401 or 403).
        status: StatusCode,
        /// The RFC 6749 error code, e.g. `invalid_client`.
        error: &'static str,
        /// A human-readable explanation.
        description: String,
    },
    /// 500: a fault of ours; logged, never described to the client.
    #[error(transparent)]
    Internal(#[from] anyhow::Error),
}

impl ApiError {
    /// A 422 with a single field error.
    pub fn invalid(pointer: impl Into<String>, code: &str, message: impl Into<String>) -> Self {
        ApiError::Invalid(vec![FieldError::new(pointer, code, message)])
    }

    /// This answer again, for another request that shared its fate (single submissions stored
    /// together): a refusal or the database's unavailability as it is, anything else as the
    /// fault of ours it is.
    pub fn again(&self) -> Self {
        match self {
            ApiError::TooManyRequests { retry_after } => ApiError::TooManyRequests {
                retry_after: *retry_after,
            },
            ApiError::Unavailable => ApiError::Unavailable,
            other => ApiError::Internal(anyhow::anyhow!("{other}")),
        }
    }

    fn slug(&self) -> &'static str {
        match self {
            ApiError::BadRequest(_) => "malformed-request",
            ApiError::Unauthenticated(_) => "unauthenticated",
            ApiError::Forbidden(_) => "forbidden",
            ApiError::NotFound => "not-found",
            ApiError::MethodNotAllowed { .. } => "method-not-allowed",
            ApiError::Conflict { .. } => "conflict",
            ApiError::InvalidTransition { .. } => "invalid-transition",
            ApiError::Gone(_) | ApiError::Purging => "report-purged",
            ApiError::RequestTimeout { .. } => "request-timeout",
            ApiError::PayloadTooLarge { .. } => "payload-too-large",
            ApiError::UnsupportedMediaType { .. } => "unsupported-media-type",
            ApiError::Invalid(_) => "validation-failed",
            ApiError::TooManyRequests { .. } => "too-many-requests",
            ApiError::Unavailable => "unavailable",
            ApiError::OAuth { .. } => "oauth",
            ApiError::Internal(_) => "internal",
        }
    }

    /// The response for this error, carrying `request_id` in its body.
    pub fn to_response(&self, request_id: Option<&str>) -> HttpResponse {
        let status = self.status_code();
        let mut response = HttpResponse::build(status);
        if let ApiError::OAuth {
            error, description, ..
        } = self
        {
            if status == StatusCode::UNAUTHORIZED {
                response
                    .insert_header((header::WWW_AUTHENTICATE, r#"Basic realm="report-portal""#));
            }
            return response
                .insert_header((header::CACHE_CONTROL, "no-store"))
                .json(OAuthError {
                    error,
                    error_description: description,
                });
        }
        match self {
            ApiError::Unauthenticated(_) => {
                response
                    .insert_header((header::WWW_AUTHENTICATE, r#"Bearer realm="report-portal""#));
            }
            ApiError::TooManyRequests { retry_after } => {
                response.insert_header((header::RETRY_AFTER, retry_after.to_string()));
            }
            ApiError::Unavailable => {
                response.insert_header((header::RETRY_AFTER, "5"));
            }
            ApiError::MethodNotAllowed { allowed } => {
                response.insert_header((header::ALLOW, allowed.join(", ")));
            }
            // The rest of the body is not read: the connection cannot carry another request.
            ApiError::PayloadTooLarge { .. } | ApiError::RequestTimeout { .. } => {
                response.force_close();
            }
            ApiError::Internal(error) => {
                tracing::error!(error = %format!("{error:#}"), "internal error")
            }
            _ => {}
        }
        response
            .content_type("application/problem+json")
            .body(serde_json::to_string(&self.problem(request_id)).unwrap_or_default())
    }

    /// The problem document of this error, as its response carries it (also what a batch item
    /// that fails carries).
    pub fn problem(&self, request_id: Option<&str>) -> Problem {
        let status = self.status_code();
        let detail = match self {
            ApiError::Internal(_) => "an internal error occurred; it has been logged".to_owned(),
            ApiError::NotFound => "no such resource".to_owned(),
            other => other.to_string(),
        };
        let mut problem = Problem {
            problem_type: format!("urn:report-portal:problem:{}", self.slug()),
            title: status.canonical_reason().unwrap_or("Error").to_owned(),
            status: status.as_u16(),
            detail,
            request_id: request_id.map(str::to_owned),
            errors: Vec::new(),
            existing_id: None,
            allowed: None,
            tombstone: None,
        };
        match self {
            ApiError::Invalid(errors) => problem.errors = errors.clone(),
            ApiError::Conflict { existing_id, .. } => problem.existing_id = existing_id.clone(),
            ApiError::InvalidTransition { allowed, .. } => problem.allowed = Some(allowed.clone()),
            ApiError::Gone(tombstone) => problem.tombstone = Some((**tombstone).clone()),
            _ => {}
        }
        problem
    }
}

impl ResponseError for ApiError {
    fn status_code(&self) -> StatusCode {
        match self {
            ApiError::BadRequest(_) => StatusCode::BAD_REQUEST,
            ApiError::Unauthenticated(_) => StatusCode::UNAUTHORIZED,
            ApiError::Forbidden(_) => StatusCode::FORBIDDEN,
            ApiError::NotFound => StatusCode::NOT_FOUND,
            ApiError::MethodNotAllowed { .. } => StatusCode::METHOD_NOT_ALLOWED,
            ApiError::Conflict { .. } => StatusCode::CONFLICT,
            ApiError::InvalidTransition { .. } => StatusCode::CONFLICT,
            ApiError::Gone(_) | ApiError::Purging => StatusCode::GONE,
            ApiError::RequestTimeout { .. } => StatusCode::REQUEST_TIMEOUT,
            ApiError::PayloadTooLarge { .. } => StatusCode::PAYLOAD_TOO_LARGE,
            ApiError::UnsupportedMediaType { .. } => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            ApiError::Invalid(_) => StatusCode::UNPROCESSABLE_ENTITY,
            ApiError::TooManyRequests { .. } => StatusCode::TOO_MANY_REQUESTS,
            ApiError::Unavailable => StatusCode::SERVICE_UNAVAILABLE,
            ApiError::OAuth { status, .. } => *status,
            ApiError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    /// Rendered without a request id; the request-id middleware renders it again with one.
    fn error_response(&self) -> HttpResponse {
        self.to_response(None)
    }
}

impl From<Refusal> for ApiError {
    fn from(refusal: Refusal) -> Self {
        match refusal {
            Refusal::Invalid(errors) => ApiError::Invalid(errors),
            Refusal::BadParameter(detail) => ApiError::BadRequest(detail),
            Refusal::Conflict {
                detail,
                existing_id,
            } => ApiError::Conflict {
                detail,
                existing_id,
            },
            Refusal::Forbidden(detail) => ApiError::Forbidden(detail),
        }
    }
}

impl From<diesel::result::Error> for ApiError {
    fn from(error: diesel::result::Error) -> Self {
        use diesel::result::{DatabaseErrorKind, Error};
        match error {
            Error::NotFound => ApiError::NotFound,
            Error::DatabaseError(
                DatabaseErrorKind::ClosedConnection | DatabaseErrorKind::UnableToSendCommand,
                _,
            ) => ApiError::Unavailable,
            // Too busy to take the write now (SQLite's lock wait ran out, or PostgreSQL gave up
            // on a conflict): nothing was stored, and the same request later will do.
            Error::DatabaseError(DatabaseErrorKind::SerializationFailure, _) => {
                ApiError::Unavailable
            }
            Error::DatabaseError(_, ref info) if info.message().contains("database is locked") => {
                tracing::warn!("the SQLite database stayed locked past busy_timeout");
                ApiError::Unavailable
            }
            other => ApiError::Internal(other.into()),
        }
    }
}

impl From<diesel::r2d2::PoolError> for ApiError {
    fn from(error: diesel::r2d2::PoolError) -> Self {
        tracing::warn!(%error, "no database connection");
        ApiError::Unavailable
    }
}

impl From<crate::sealing::CryptoError> for ApiError {
    fn from(error: crate::sealing::CryptoError) -> Self {
        ApiError::Internal(error.into())
    }
}

impl From<actix_web::error::BlockingError> for ApiError {
    fn from(error: actix_web::error::BlockingError) -> Self {
        ApiError::Internal(anyhow::anyhow!("blocking task failed: {error}"))
    }
}

/// The RFC 9457 problem document every error response carries (except the token endpoint's).
#[derive(Debug, Serialize, ToSchema)]
pub struct Problem {
    /// A URI naming the kind of problem, e.g. `urn:report-portal:problem:validation-failed`.
    #[serde(rename = "type")]
    pub problem_type: String,
    /// The HTTP reason phrase.
    pub title: String,
    /// The HTTP status code.
    pub status: u16,
    /// What went wrong, for a human.
    pub detail: String,
    /// The request's id, as in the `X-Request-Id` response header; quote it when reporting a problem.
    pub request_id: Option<String>,
    /// For 422: every broken rule, located by a JSON Pointer.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub errors: Vec<FieldError>,
    /// For 409 on a report: the id of the report already stored under that `external_id`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub existing_id: Option<String>,
    /// For 409 on a transition: the statuses the report may move to.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub allowed: Option<Vec<String>>,
    /// For 410: what is left of the purged report.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tombstone: Option<Tombstone>,
}

/// An OAuth 2.0 error response (RFC 6749 §5.2).
#[derive(Debug, Serialize, ToSchema)]
pub struct OAuthError<'a> {
    /// `invalid_request`, `invalid_client`, `unauthorized_client` or `unsupported_grant_type`.
    pub error: &'a str,
    /// What went wrong, for a human.
    pub error_description: &'a str,
}

#[cfg(test)]
mod tests {
    use super::*;
    use diesel::result::{DatabaseErrorKind, Error};

    fn database_error(kind: DatabaseErrorKind, message: &str) -> ApiError {
        Error::DatabaseError(kind, Box::new(message.to_owned())).into()
    }

    #[test]
    fn a_database_too_busy_to_write_is_a_503_not_a_500() {
        for error in [
            database_error(DatabaseErrorKind::Unknown, "database is locked"),
            database_error(
                DatabaseErrorKind::SerializationFailure,
                "could not serialize access",
            ),
            database_error(DatabaseErrorKind::ClosedConnection, "server closed"),
        ] {
            assert_eq!(error.status_code(), StatusCode::SERVICE_UNAVAILABLE);
        }
        let other = database_error(DatabaseErrorKind::Unknown, "no such column: x");
        assert_eq!(other.status_code(), StatusCode::INTERNAL_SERVER_ERROR);
    }
}
