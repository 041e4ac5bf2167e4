//! Operations endpoints, the metrics on an address of their own, the documentation, and the
//! committed OpenAPI document.

use report_portal::domain::organization::CredentialMode;
use serde_json::Value;

use crate::helpers::{expect, spawn_app, valid_report};

#[actix_web::test]
async fn health_and_readiness_answer() {
    let app = spawn_app().await;
    let health = expect(
        app.client
            .get(format!("{}/healthz", app.address))
            .send()
            .await
            .unwrap(),
        200,
    )
    .await;
    assert_eq!(health["status"], "ok");
    let ready = expect(
        app.client
            .get(format!("{}/readyz", app.address))
            .send()
            .await
            .unwrap(),
        200,
    )
    .await;
    assert_eq!(ready["status"], "ready");
}

#[actix_web::test]
async fn swagger_ui_is_served_from_the_binary() {
    let app = spawn_app().await;
    let page = app
        .client
        .get(format!("{}/docs/", app.address))
        .send()
        .await
        .unwrap();
    assert_eq!(page.status(), 200);
    assert!(page.text().await.unwrap().contains("swagger-ui"));
    let bundle = app
        .client
        .get(format!("{}/docs/swagger-ui-bundle.js", app.address))
        .send()
        .await
        .unwrap();
    assert_eq!(
        bundle.status(),
        200,
        "the UI's assets are vendored, not fetched from a CDN"
    );
}

#[actix_web::test]
async fn the_committed_openapi_document_is_what_the_server_serves() {
    let app = spawn_app().await;
    let served = expect(
        app.client
            .get(format!("{}/api-docs/openapi.json", app.address))
            .send()
            .await
            .unwrap(),
        200,
    )
    .await;
    let committed: Value = serde_json::from_str(include_str!("../../openapi/openapi.json"))
        .expect("openapi/openapi.json is JSON");
    assert!(
        served == committed,
        "openapi/openapi.json is out of date; regenerate it with:\n    cargo run -- openapi > openapi/openapi.json"
    );
    assert!(served["openapi"].as_str().unwrap().starts_with("3.1"));
    let paths = served["paths"].as_object().unwrap();
    for path in [
        "/api/v1/auth/token",
        "/api/v1/reports",
        "/api/v1/reports/{id}",
        "/.well-known/jwks.json",
    ] {
        assert!(paths.contains_key(path), "{path} is documented");
    }
    assert!(
        !paths.contains_key("/metrics"),
        "not an endpoint of the API's port"
    );
    assert!(served["components"]["securitySchemes"]["bearer"].is_object());
    // OpenAPI 3.1 requires each operationId once: validators and client generators refuse
    // a document that repeats one.
    let mut operation_ids: Vec<&str> = paths
        .values()
        .flat_map(|operations| operations.as_object().unwrap().values())
        .filter_map(|operation| operation["operationId"].as_str())
        .collect();
    let listed = operation_ids.len();
    operation_ids.sort_unstable();
    operation_ids.dedup();
    assert_eq!(operation_ids.len(), listed, "an operationId is repeated");
}

#[actix_web::test]
async fn metrics_are_served_on_their_own_address_and_never_on_the_public_port() {
    let app = spawn_app().await;
    let reporter = app.reporter(CredentialMode::Live).await;
    app.submit(&reporter.token, &valid_report()).await;
    // On the API's port, the live report count is nobody's business.
    let public = app
        .client
        .get(format!("{}/metrics", app.address))
        .send()
        .await
        .unwrap();
    let problem = expect(public, 404).await;
    assert_eq!(problem["status"], 404);
    // On metrics_bind, Prometheus finds it; and nothing else is served there.
    let scraped = app
        .client
        .get(format!("{}/metrics", app.metrics_address))
        .send()
        .await
        .unwrap();
    assert_eq!(scraped.status(), 200);
    let text = scraped.text().await.unwrap();
    assert!(
        text.contains(r#"portal_reports_received_total{mode="live"} 1"#),
        "{text}"
    );
    let elsewhere = app
        .client
        .get(format!("{}/api/v1/reports", app.metrics_address))
        .send()
        .await
        .unwrap();
    assert_eq!(elsewhere.status(), 404);
}
