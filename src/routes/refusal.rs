//! Refused requests leave a trace: every 403 to a known caller (a role refusal, or an action the
//! caller's role may not take), and every 404 that hides another organization's report (or a
//! report of the other mode) from an API client, is audited as `access.refused` with outcome
//! `failure`, naming the caller and what they asked for. An ordinary 404 (an id nobody has) is
//! not. At most `refusal_audit_per_minute` refusals of one caller a minute are audited, so that
//! refusals cannot flood the audit log; all are counted in `portal_access_refusals_total`.

use actix_web::body::MessageBody;
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::middleware::Next;
use actix_web::{Error, FromRequest, HttpMessage, HttpRequest, web};

use super::meta::RequestMeta;
use crate::auth::caller::Principal;
use crate::error::ApiError;
use crate::state::AppState;
use crate::store::{audit, reports};

/// The audit action of a refused request.
const ACTION: &str = "access.refused";

/// Middleware: answers the request, then audits it if it was refused (see the module).
pub async fn middleware(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<impl MessageBody>, Error> {
    let response = next.call(req).await?;
    let error = response
        .response()
        .error()
        .and_then(|e| e.as_error::<ApiError>());
    let refused = matches!(error, Some(ApiError::Forbidden(_) | ApiError::NotFound));
    let principal = response.request().extensions().get::<Principal>().cloned();
    if let (true, Some(principal), Some(state)) = (
        refused,
        principal,
        response
            .request()
            .app_data::<web::Data<AppState>>()
            .cloned(),
    ) {
        let forbidden = matches!(error, Some(ApiError::Forbidden(_)));
        record(&state, response.request(), principal, forbidden).await;
    }
    Ok(response)
}

/// Audits the refusal of `principal`'s request `req` (a 403 when `forbidden`, else a 404) when it
/// is one (see the module) and the caller's allowance lets it be; a failure to audit is logged,
/// never the answer's business.
async fn record(state: &AppState, req: &HttpRequest, principal: Principal, forbidden: bool) {
    let Some(target) = refused_target(state, req, &principal, forbidden).await else {
        return;
    };
    let actor = principal.actor();
    let audited = state.rate_limits.may_audit_refusal(&actor.id);
    state.metrics.access_refused(audited);
    if !audited {
        return;
    }
    let meta = RequestMeta::extract(req).await;
    let Ok(meta) = meta else { return };
    let event = meta.event(Some(&actor), ACTION, Some(&target)).failed();
    if let Err(error) = state.db(move |conn| Ok(audit::append(conn, &event)?)).await {
        tracing::warn!(%error, "could not audit a refused request");
    }
}

/// What the refused request asked for: for a 403, its method and route (never the raw path,
/// which the client chose); for a 404, the id of the report it probed, if it hides one from the
/// caller. `None` when the request was not a refusal.
async fn refused_target(
    state: &AppState,
    req: &HttpRequest,
    principal: &Principal,
    forbidden: bool,
) -> Option<String> {
    if forbidden {
        let route = req.match_pattern().unwrap_or_else(|| "unmatched".into());
        return Some(format!("{} {route}", req.method()));
    }
    let Principal::Reporter(reporter) = principal else {
        return None;
    };
    let report_id = req.match_info().get("id")?.to_owned();
    let (organization_id, mode) = (reporter.organization_id.clone(), reporter.mode);
    let id = report_id.clone();
    let hidden = state
        .db(move |conn| reports::is_hidden_from(conn, &id, &organization_id, mode))
        .await;
    match hidden {
        Ok(true) => Some(report_id),
        Ok(false) => None,
        Err(error) => {
            tracing::warn!(%error, "could not tell whether a 404 hid another's report");
            None
        }
    }
}
