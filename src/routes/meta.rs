//! What an audit event records of a request: the client's address and the request's id.

use std::future::{Ready, ready};
use std::net::{IpAddr, SocketAddr};

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
    /// The client's address: the peer's, or with `trust_proxy` the right-most entry of
    /// `client_address_header` (see [`client_address`]).
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

/// The address that rate limits, sign-in backoff and audit events know the client by.
///
/// Without a trusted proxy, the peer's. Behind one (`trusted_header` is the configured
/// `client_address_header`), the right-most entry of that header, the one the proxy itself
/// appended (entries to its left are whatever the client sent); for `Forwarded` (RFC 7239) the
/// `for=` of that entry. Any other header, `Forwarded` included, is ignored. When the entry is
/// not an IP address (absent, `unknown`, an obfuscated name), the peer's address is used.
pub fn client_address(req: &HttpRequest, trusted_header: Option<&str>) -> String {
    let peer = || req.peer_addr().map(|peer| peer.ip());
    trusted_header
        .and_then(|name| {
            let last_line = req.headers().get_all(name).next_back()?.to_str().ok()?;
            let entry = last_line.rsplit(',').next()?;
            let node = if name.eq_ignore_ascii_case("forwarded") {
                forwarded_for(entry)?
            } else {
                entry.trim()
            };
            ip_of(node)
        })
        .or_else(peer)
        .map_or_else(|| "unknown".to_owned(), |ip| ip.to_string())
}

/// The `for=` node of one `Forwarded` element (`for=192.0.2.1;proto=https`), unquoted.
fn forwarded_for(element: &str) -> Option<&str> {
    element.split(';').find_map(|pair| {
        let (name, value) = pair.split_once('=')?;
        name.trim()
            .eq_ignore_ascii_case("for")
            .then(|| value.trim().trim_matches('"'))
    })
}

/// The IP address of a node: `192.0.2.1`, `192.0.2.1:4711`, `2001:db8::1`, `[2001:db8::1]` or
/// `[2001:db8::1]:4711`.
fn ip_of(node: &str) -> Option<IpAddr> {
    node.parse::<IpAddr>()
        .ok()
        .or_else(|| node.parse::<SocketAddr>().ok().map(|socket| socket.ip()))
        .or_else(|| node.strip_prefix('[')?.strip_suffix(']')?.parse().ok())
}

impl FromRequest for RequestMeta {
    type Error = ApiError;
    type Future = Ready<Result<Self, ApiError>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let trusted_header = req
            .app_data::<web::Data<AppState>>()
            .filter(|state| state.settings.trust_proxy)
            .map(|state| state.settings.client_address_header.clone());
        ready(Ok(RequestMeta {
            ip: client_address(req, trusted_header.as_deref()),
            request_id: req.extensions().get::<RequestId>().map(|id| id.0.clone()),
        }))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use actix_web::test::TestRequest;

    fn address(headers: &[(&str, &str)], trusted: Option<&str>) -> String {
        let req = headers
            .iter()
            .fold(
                TestRequest::default().peer_addr("10.0.0.2:5000".parse().unwrap()),
                |req, header| req.append_header(*header),
            )
            .to_http_request();
        client_address(&req, trusted)
    }

    #[test]
    fn only_the_right_most_entry_of_the_configured_header_counts() {
        let sent = [
            ("forwarded", "for=192.0.2.66"),
            ("x-real-ip", "192.0.2.77"),
            ("x-forwarded-for", "192.0.2.1, 198.51.100.9"),
        ];
        assert_eq!(address(&sent, None), "10.0.0.2");
        assert_eq!(address(&sent, Some("X-Forwarded-For")), "198.51.100.9");
        let two_lines = [
            ("x-forwarded-for", "192.0.2.1"),
            ("x-forwarded-for", "198.51.100.9:4711"),
        ];
        assert_eq!(address(&two_lines, Some("X-Forwarded-For")), "198.51.100.9");
        assert_eq!(address(&sent[..1], Some("X-Forwarded-For")), "10.0.0.2");
        let junk = [("x-forwarded-for", "192.0.2.1, unknown")];
        assert_eq!(address(&junk, Some("X-Forwarded-For")), "10.0.0.2");
    }

    #[test]
    fn forwarded_is_read_only_when_configured_and_then_its_last_for() {
        let sent = [(
            "forwarded",
            r#"for=192.0.2.66, for="[2001:db8::7]:4711";proto=https"#,
        )];
        assert_eq!(address(&sent, Some("Forwarded")), "2001:db8::7");
        assert_eq!(address(&sent, Some("X-Forwarded-For")), "10.0.0.2");
    }
}
