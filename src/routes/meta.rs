//! What an audit event records of a request: the client's address and the request's id.

use std::future::{Ready, ready};

use actix_web::dev::Payload;
use actix_web::{FromRequest, HttpMessage, HttpRequest, web};

use super::request_id::RequestId;
use crate::domain::audit::Outcome;
use crate::domain::user::Actor;
use crate::error::ApiError;
use crate::state::AppState;
use crate::store::audit::NewAuditEvent;

/// The request's client address and id.
#[derive(Debug, Clone)]
pub struct RequestMeta {
    /// The peer address, or with `trust_proxy` the first `X-Forwarded-For` entry.
    pub ip: String,
    /// The request's id (as in `X-Request-Id`).
    pub request_id: Option<String>,
}

impl RequestMeta {
    /// A successful audit event of `action` on `target` by `actor` (`None`: unauthenticated).
    pub fn event(
        &self,
        actor: Option<&Actor>,
        action: &'static str,
        target: Option<&str>,
    ) -> NewAuditEvent {
        NewAuditEvent {
            actor: actor.map(|a| a.id.clone()),
            role: actor.map(|a| a.role.as_ref().to_owned()),
            action,
            target: target.map(str::to_owned),
            outcome: Outcome::Success,
            ip: Some(self.ip.clone()),
            request_id: self.request_id.clone(),
        }
    }
}

impl FromRequest for RequestMeta {
    type Error = ApiError;
    type Future = Ready<Result<Self, ApiError>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let trust_proxy = req
            .app_data::<web::Data<AppState>>()
            .is_some_and(|s| s.settings.trust_proxy);
        let info = req.connection_info();
        let ip = if trust_proxy {
            info.realip_remote_addr()
        } else {
            info.peer_addr()
        };
        ready(Ok(RequestMeta {
            ip: ip.unwrap_or("unknown").to_owned(),
            request_id: req.extensions().get::<RequestId>().map(|id| id.0.clone()),
        }))
    }
}
