//! What third-party clients found wrong with the API and its document: a batch's reports
//! counted like single ones, query parameter errors that name the parameter and what it
//! accepts, and 429/503/410 documented wherever they can happen.

use report_portal::domain::organization::CredentialMode;
use report_portal::domain::user::Role;
use serde_json::{Value, json};

use crate::helpers::{expect, spawn_app, valid_report};

#[actix_web::test]
async fn a_batch_counts_its_new_reports_in_the_metrics() {
    let app = spawn_app().await;
    let reporter = app.reporter(CredentialMode::Live).await;
    let first = valid_report();
    let batch = json!({"reports": [first, valid_report(), first]});
    expect(
        app.post_json("/api/v1/reports/batch", &reporter.token, &batch)
            .await,
        200,
    )
    .await;
    let metrics = app
        .client
        .get(format!("{}/metrics", app.metrics_address))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        metrics.contains(r#"portal_reports_received_total{mode="live"} 2"#),
        "two new reports, the replay not counted: {metrics}"
    );
}

#[actix_web::test]
async fn a_query_parameter_error_names_the_parameter_and_what_it_accepts() {
    let app = spawn_app().await;
    let auditor = app.staff_token(Role::Auditor).await;
    let reporter = app.reporter(CredentialMode::Live).await;
    let cases = [
        (
            "/api/v1/stats/summary?from=2026-12-01T00:00:00Z",
            auditor.as_str(),
            "query parameter `from` must be a date (YYYY-MM-DD)",
        ),
        (
            "/api/v1/reports?limit=many",
            &reporter.token,
            "query parameter `limit` must be an integer from 1 to 200",
        ),
        (
            "/api/v1/reports?status=lost",
            &reporter.token,
            "query parameter `status` must be",
        ),
    ];
    for (path, token, expected) in cases {
        let problem = expect(app.get(path, token).await, 400).await;
        let detail = problem["detail"].as_str().unwrap();
        assert!(detail.starts_with(expected), "{path}: {detail}");
    }
}

#[actix_web::test]
async fn every_api_operation_documents_429_with_retry_after_and_503() {
    let app = spawn_app().await;
    let document: Value = app
        .client
        .get(format!("{}/api-docs/openapi.json", app.address))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let mut missing = Vec::new();
    for (path, item) in document["paths"].as_object().unwrap() {
        if !path.starts_with("/api/v1/") {
            continue;
        }
        for (method, operation) in item.as_object().unwrap() {
            let answers = &operation["responses"];
            if answers["429"]["headers"]["Retry-After"].is_null() {
                missing.push(format!("{method} {path}: 429 with Retry-After"));
            }
            if answers["503"].is_null() {
                missing.push(format!("{method} {path}: 503"));
            }
            if path.contains("/reports/{id}") && answers["410"].is_null() {
                missing.push(format!("{method} {path}: 410"));
            }
        }
    }
    assert!(missing.is_empty(), "{}", missing.join("\n"));
}

#[actix_web::test]
#[ignore = "needs openapi-spec-validator (.ci/spec.sh installs it)"]
async fn the_served_document_passes_a_standard_validator() {
    let app = spawn_app().await;
    let document = app
        .client
        .get(format!("{}/api-docs/openapi.json", app.address))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let file = tempfile::NamedTempFile::with_suffix(".json").unwrap();
    std::fs::write(file.path(), document).unwrap();
    let validator = std::env::var("OPENAPI_SPEC_VALIDATOR")
        .unwrap_or_else(|_| ".ci/.venv/bin/openapi-spec-validator".into());
    let output = std::process::Command::new(&validator)
        .arg(file.path())
        .output()
        .unwrap_or_else(|e| panic!("cannot run {validator}: {e}"));
    assert!(
        output.status.success(),
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
}
