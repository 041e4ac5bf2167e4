//! HTTP handlers, one module per area; each handler is registered once, and the OpenAPI
//! document follows from the registrations.

pub mod admin;
pub mod admission;
pub mod audit;
pub mod auth;
pub mod body;
pub mod csv_table;
pub mod dry_run;
pub mod evidence;
pub mod idempotency;
pub mod lifecycle;
pub mod meta;
pub mod methods;
pub mod notifications;
pub mod oidc;
pub mod ops;
pub mod query;
pub mod refusal;
pub mod request_id;
pub mod responses;
pub mod retention;
pub mod review;
pub mod sharing;
pub mod staff_auth;
pub mod stats;
pub mod submission;
pub mod taxii;
pub mod webhooks;

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
            .service(auth::enroll)
            .service(staff_auth::logout)
            .service(oidc::start)
            .service(oidc::callback)
            .service(staff_auth::enroll_totp)
            .service(staff_auth::reset_factor)
            .service(submission::taxonomy)
            .service(submission::submit)
            .service(submission::submit_batch)
            .service(dry_run::validate)
            .service(dry_run::validate_batch)
            .service(submission::list_reports)
            .service(submission::get_by_external_id)
            .service(submission::get)
            .service(review::list_review_reports)
            .service(review::export)
            .service(review::search_indicators)
            .service(review::related)
            .service(review::show)
            .service(review::assign)
            .service(review::transition)
            .service(review::add_note)
            .service(retention::place_hold)
            .service(retention::lift_hold)
            .service(retention::release)
            .service(admin::list_organizations)
            .service(admin::create_organization)
            .service(admin::get_organization)
            .service(admin::vet_organization)
            .service(admin::issue_credential)
            .service(admin::list_credentials)
            .service(admin::revoke_credential)
            .service(admin::list_users)
            .service(admin::create_user)
            .service(admin::get_user)
            .service(admin::update_user)
            .service(admin::send_enrollment)
            .service(audit::events)
            .service(audit::verify)
            .service(stats::summary)
            .service(stats::breakdown)
            .service(stats::timeseries)
            .service(stats::triage)
            .service(notifications::list_notifications)
            .service(notifications::retry)
            .service(review::download_evidence)
            .service(lifecycle::amend)
            .service(lifecycle::retract)
            .service(evidence::upload)
            .service(webhooks::create_webhook)
            .service(webhooks::list_webhooks)
            .service(webhooks::get_webhook)
            .service(webhooks::delete_webhook)
            .service(webhooks::list_deliveries)
            .service(webhooks::test_webhook)
            .service(webhooks::retry_delivery)
            .service(webhooks::list_events)
            .service(webhooks::feedback_summary)
            .service(webhooks::admin_create_webhook)
            .service(webhooks::admin_list_webhooks)
            .service(sharing::create_partner)
            .service(sharing::list_partners)
            .service(sharing::revoke_partner)
            .service(sharing::create_collection)
            .service(sharing::grant)
            .service(sharing::revoke_grant)
            .service(sharing::list_collections)
            .service(sharing::share_report)
            .service(sharing::list_shares)
            .service(sharing::withdraw)
            .service(sharing::stix_bundle)
            .service(sharing::share_counts),
    )
    .service(auth::jwks)
    .service(ops::healthz)
    .service(ops::readyz)
    .map(|app| app.service(taxii::scope()))
}
