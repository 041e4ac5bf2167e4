//! HTTP handlers, one module per area; each handler is registered once, and the OpenAPI
//! document follows from the registrations.

pub mod auth;
pub mod body;
pub mod evidence;
pub mod lifecycle;
pub mod ops;
pub mod request_id;
pub mod review;
pub mod submission;

use actix_web::dev::{ServiceFactory, ServiceRequest};
use utoipa_actix_web::{UtoipaApp, scope};

/// Registers every endpoint: the API under `/api/v1`, the JWK Set and operations at the root.
pub fn mount<T>(app: UtoipaApp<T>) -> UtoipaApp<T>
where
    T: ServiceFactory<ServiceRequest, Config = (), Error = actix_web::Error, InitError = ()>,
{
    app.service(
        scope::scope("/api/v1")
            .service(auth::token)
            .service(auth::login)
            .service(auth::me)
            .service(submission::taxonomy)
            .service(submission::submit)
            .service(submission::submit_batch)
            .service(submission::list)
            .service(submission::get_by_external_id)
            .service(submission::get)
            .service(review::list)
            .service(review::export)
            .service(review::show)
            .service(review::assign)
            .service(review::transition)
            .service(review::add_note)
            .service(review::download_evidence)
            .service(lifecycle::amend)
            .service(lifecycle::retract)
            .service(evidence::upload),
    )
    .service(auth::jwks)
    .service(ops::healthz)
    .service(ops::readyz)
}
