//! The OpenAPI 3.1 document: its info, tags and security schemes. Paths and schemas come from
//! the handlers' own annotations (see [`crate::routes::mount`]).

use actix_web::App;
use actix_web::dev::{ServiceFactory, ServiceRequest};
use utoipa::openapi::security::{Http, HttpAuthScheme, SecurityScheme};
use utoipa::{Modify, OpenApi};
use utoipa_actix_web::{AppExt, UtoipaApp};

use crate::error::{FieldError, Problem};

/// The document's fixed parts.
#[derive(OpenApi)]
#[openapi(
    info(
        title = "report-portal",
        description = "Voluntary reporting pathway of the Combating Cartels on Social Media Act: vetted \
            technology companies submit structured reports of cartel recruitment on their services to the \
            Department of Homeland Security. Errors are RFC 9457 `application/problem+json`.",
    ),
    modifiers(&SecuritySchemes),
    components(schemas(Problem, FieldError)),
    tags(
        (name = "auth", description = "Access tokens"),
        (name = "submission", description = "Reports from an organization's API client"),
        (name = "review", description = "Triage and referral by DHS analysts and supervisors"),
        (name = "admin", description = "Organizations, their vetting and API credentials, staff accounts (administrators only)"),
        (name = "statistics", description = "Aggregate counts and triage times from the rollups (auditors, analysts, supervisors)"),
        (name = "audit", description = "The tamper-evident audit log (auditors only)"),
        (name = "notifications", description = "The e-mail outbox, for administrators"),
        (name = "webhooks", description = "An organization's webhook endpoints, its event feed and its outcome-feedback figures"),
        (name = "operations", description = "Health of the service"),
    )
)]
pub struct ApiDoc;

struct SecuritySchemes;

impl Modify for SecuritySchemes {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        let bearer = Http::builder()
            .scheme(HttpAuthScheme::Bearer)
            .bearer_format("JWT")
            .description(Some("An access token from `POST /api/v1/auth/token`"))
            .build();
        components.add_security_scheme("bearer", SecurityScheme::Http(bearer));
        components.add_security_scheme(
            "client_basic",
            SecurityScheme::Http(Http::new(HttpAuthScheme::Basic)),
        );
    }
}

/// The whole document, as served at `/api-docs/openapi.json` and printed by `report-portal openapi`.
pub fn document() -> utoipa::openapi::OpenApi {
    let app = App::new().into_utoipa_app().openapi(ApiDoc::openapi());
    mount(app).1
}

/// Registers every endpoint on `app` ([`crate::routes::mount`]); answers the app and its
/// complete document, with the answers that follow from the paths
/// ([`crate::routes::responses::PathAnswers`]) and the rule against NUL characters
/// ([`crate::routes::responses::NoNul`]).
pub fn mount<T>(app: UtoipaApp<T>) -> (App<T>, utoipa::openapi::OpenApi)
where
    T: ServiceFactory<ServiceRequest, Config = (), Error = actix_web::Error, InitError = ()>,
{
    let (app, mut document) = crate::routes::mount(app).split_for_parts();
    crate::routes::responses::PathAnswers.modify(&mut document);
    crate::routes::responses::NoNul.modify(&mut document);
    (app, document)
}
