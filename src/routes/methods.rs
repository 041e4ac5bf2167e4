//! The answer for requests no route takes: 405 with `Allow` when the path is one the API serves
//! with other methods, 404 otherwise. The paths and their methods come from the OpenAPI document,
//! so they follow the registrations.

use actix_web::{HttpRequest, HttpResponse, web};
use utoipa::openapi::OpenApi;

use crate::error::ApiError;

/// Every documented path template, split into segments (`{name}` matches any one segment), with
/// the methods it serves.
pub struct KnownPaths(Vec<(Vec<String>, Vec<&'static str>)>);

impl KnownPaths {
    /// The paths and methods of `document`.
    pub fn of(document: &OpenApi) -> Self {
        let paths = document
            .paths
            .paths
            .iter()
            .map(|(template, item)| {
                let methods = [
                    ("GET", &item.get),
                    ("POST", &item.post),
                    ("PUT", &item.put),
                    ("PATCH", &item.patch),
                    ("DELETE", &item.delete),
                ]
                .into_iter()
                .filter_map(|(method, operation)| operation.as_ref().map(|_| method))
                .collect();
                (template.split('/').map(str::to_owned).collect(), methods)
            })
            .collect();
        Self(paths)
    }

    /// The methods served at `path`, by the templates that match it with the fewest
    /// placeholders (`/reports/batch` is not `/reports/{id}`); empty when the API has no such
    /// path.
    pub fn allowed(&self, path: &str) -> Vec<&'static str> {
        let segments: Vec<&str> = path.split('/').collect();
        let matching: Vec<(usize, &Vec<&'static str>)> = self
            .0
            .iter()
            .filter(|(template, _)| {
                template.len() == segments.len()
                    && template.iter().zip(&segments).all(|(expected, actual)| {
                        expected == actual || (is_placeholder(expected) && !actual.is_empty())
                    })
            })
            .map(|(template, methods)| {
                let placeholders = template.iter().filter(|s| is_placeholder(s)).count();
                (placeholders, methods)
            })
            .collect();
        let fewest = matching.iter().map(|(placeholders, _)| *placeholders).min();
        let mut allowed: Vec<&'static str> = matching
            .iter()
            .filter(|(placeholders, _)| Some(*placeholders) == fewest)
            .flat_map(|(_, methods)| methods.iter().copied())
            .collect();
        allowed.sort_unstable();
        allowed.dedup();
        allowed
    }
}

/// Whether a template segment is a placeholder such as `{id}`.
fn is_placeholder(segment: &str) -> bool {
    segment.starts_with('{')
}

/// The default service: 405 naming the methods of a known path, 404 for any other.
pub async fn not_routed(
    req: HttpRequest,
    known: web::Data<KnownPaths>,
) -> Result<HttpResponse, ApiError> {
    let allowed = known.allowed(req.path());
    Err(if allowed.is_empty() {
        ApiError::NotFound
    } else {
        ApiError::MethodNotAllowed { allowed }
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use utoipa::openapi::path::{HttpMethod, OperationBuilder, PathItem, PathsBuilder};

    #[test]
    fn a_known_path_names_its_methods_and_templates_match_one_segment() {
        let paths = PathsBuilder::new()
            .path(
                "/api/v1/reports/{id}",
                PathItem::new(HttpMethod::Get, OperationBuilder::new().build()),
            )
            .path(
                "/api/v1/reports/{id}/amendments",
                PathItem::new(HttpMethod::Post, OperationBuilder::new().build()),
            )
            .path(
                "/api/v1/reports/batch",
                PathItem::new(HttpMethod::Post, OperationBuilder::new().build()),
            )
            .path(
                "/api/v1/reports",
                PathItem::from_http_methods(
                    [HttpMethod::Get, HttpMethod::Post],
                    OperationBuilder::new().build(),
                ),
            )
            .build();
        let known = KnownPaths::of(&OpenApi::new(utoipa::openapi::Info::default(), paths));
        assert_eq!(known.allowed("/api/v1/reports"), ["GET", "POST"]);
        assert_eq!(known.allowed("/api/v1/reports/abc"), ["GET"]);
        assert_eq!(known.allowed("/api/v1/reports/batch"), ["POST"]);
        assert_eq!(known.allowed("/api/v1/reports/abc/amendments"), ["POST"]);
        assert!(known.allowed("/api/v1/reports/abc/other").is_empty());
        assert!(known.allowed("/api/v1/reports//amendments").is_empty());
        assert!(known.allowed("/nowhere").is_empty());
    }
}
