//! What the rules answer when they refuse: broken input rules located in the body, or a
//! refusal of another kind with its reason. The rules know no HTTP; the routes' side maps a
//! refusal to its status and problem document (`crate::error`).

use serde::Serialize;
use utoipa::ToSchema;

/// One broken input rule, located by a JSON Pointer (RFC 6901) into the request body.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct FieldError {
    /// Where in the body, e.g. `/accounts/0/profile_url`; `""` for the whole body.
    pub pointer: String,
    /// A stable machine-readable code, e.g. `length`, `url`, `required`, `unknown_field`.
    pub code: String,
    /// A human-readable explanation.
    pub message: String,
}

impl FieldError {
    /// A field error at `pointer` with the given `code` and `message`.
    pub fn new(
        pointer: impl Into<String>,
        code: impl Into<String>,
        message: impl Into<String>,
    ) -> Self {
        Self {
            pointer: pointer.into(),
            code: code.into(),
            message: message.into(),
        }
    }
}

/// Why the rules refuse a request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Refusal {
    /// Well-formed, but breaking the rules; one entry per broken rule.
    Invalid(Vec<FieldError>),
    /// A parameter that cannot be read as what it stands for (a date, a cursor, a value).
    BadParameter(String),
    /// The request conflicts with what is stored; `existing_id` names the stored resource.
    Conflict {
        /// What conflicts.
        detail: String,
        /// The id of the stored resource the request collides with.
        existing_id: Option<String>,
    },
    /// The caller may not do this, whatever it sends.
    Forbidden(String),
}

impl Refusal {
    /// A refusal for a single broken rule.
    pub fn invalid(pointer: impl Into<String>, code: &str, message: impl Into<String>) -> Self {
        Refusal::Invalid(vec![FieldError::new(pointer, code, message)])
    }
}
