//! Requests the API cannot take: malformed, of the wrong type, too large, or to nowhere. Each
//! gets its status and a problem+json body, and nothing already stored changes.

use report_portal::domain::organization::CredentialMode;
use serde_json::json;

use crate::helpers::{expect, spawn_app, spawn_app_with, valid_report};

#[actix_web::test]
async fn malformed_json_is_a_400_with_the_request_id() {
    let app = spawn_app().await;
    let reporter = app.reporter(CredentialMode::Live).await;
    let response = app
        .client
        .post(format!("{}/api/v1/reports", app.address))
        .bearer_auth(&reporter.token)
        .header("content-type", "application/json")
        .header("x-request-id", "trace-me-123")
        .body("{\"external_id\": \"a\",")
        .send()
        .await
        .unwrap();
    assert_eq!(
        response.headers().get("x-request-id").unwrap(),
        "trace-me-123"
    );
    let problem = expect(response, 400).await;
    assert_eq!(problem["request_id"], "trace-me-123");
    assert_eq!(problem["status"], 400);
    assert_eq!(
        problem["type"],
        "urn:report-portal:problem:malformed-request"
    );
}

#[actix_web::test]
async fn bodies_nested_too_deep_are_a_400_and_the_server_stays_up() {
    let app = spawn_app().await;
    let reporter = app.reporter(CredentialMode::Live).await;
    // The report object is one level; the value under "deep" adds `depth - 1` more. 32 in all
    // is within the limit (and refused for the unknown field); 33 is past it, and 100 000 far
    // past serde_json's own recursion limit.
    for (depth, status, problem_type) in [
        (32, 422, "validation-failed"),
        (33, 400, "malformed-request"),
        (100_000, 400, "malformed-request"),
    ] {
        let mut report = valid_report();
        report["deep"] = json!("placeholder");
        let nested = format!("{}{}", "[".repeat(depth - 1), "]".repeat(depth - 1));
        let body = report.to_string().replace("\"placeholder\"", &nested);
        let response = app
            .client
            .post(format!("{}/api/v1/reports", app.address))
            .bearer_auth(&reporter.token)
            .header("content-type", "application/json")
            .body(body)
            .send()
            .await
            .unwrap();
        let problem = expect(response, status).await;
        assert_eq!(
            problem["type"],
            format!("urn:report-portal:problem:{problem_type}"),
            "depth {depth}"
        );
    }
    app.submit(&reporter.token, &valid_report()).await;
}

#[actix_web::test]
async fn unknown_fields_wrong_types_and_missing_fields_are_422_with_pointers() {
    let app = spawn_app().await;
    let reporter = app.reporter(CredentialMode::Live).await;
    let cases = [
        (json!({"surprise": true}), "/surprise", "unknown_field"),
        (
            json!({"accounts": [{"platform_account_id": "1", "role": "recruiter", "action_taken": "none", "color": "red"}]}),
            "/accounts/0/color",
            "unknown_field",
        ),
        (json!({"severity": 3}), "/severity", "type"),
        (json!({"category": "gossip"}), "/category", "enum"),
        (
            json!({"detected_at": "yesterday"}),
            "/detected_at",
            "invalid",
        ),
    ];
    for (change, pointer, code) in cases {
        let mut report = valid_report();
        for (key, value) in change.as_object().unwrap() {
            report[key] = value.clone();
        }
        let problem = expect(app.post_report(&reporter.token, &report).await, 422).await;
        assert_eq!(problem["errors"][0]["pointer"], pointer, "{problem}");
        assert_eq!(problem["errors"][0]["code"], code, "{problem}");
    }
    let mut missing = valid_report();
    missing.as_object_mut().unwrap().remove("contact");
    let problem = expect(app.post_report(&reporter.token, &missing).await, 422).await;
    assert_eq!(problem["errors"][0]["pointer"], "/contact");
    assert_eq!(problem["errors"][0]["code"], "required");
}

#[actix_web::test]
async fn a_body_that_is_not_json_is_a_415() {
    let app = spawn_app().await;
    let reporter = app.reporter(CredentialMode::Live).await;
    for content_type in [
        Some("text/plain"),
        Some("application/x-www-form-urlencoded"),
        None,
    ] {
        let mut request = app
            .client
            .post(format!("{}/api/v1/reports", app.address))
            .bearer_auth(&reporter.token)
            .body(valid_report().to_string());
        if let Some(content_type) = content_type {
            request = request.header("content-type", content_type);
        }
        expect(request.send().await.unwrap(), 415).await;
    }
    let token = app
        .client
        .post(format!("{}/api/v1/auth/token", app.address))
        .json(&json!({"grant_type": "client_credentials"}))
        .send()
        .await
        .unwrap();
    assert_eq!(expect(token, 415).await["error"], "invalid_request");
}

#[actix_web::test]
async fn an_oversized_body_is_a_413_and_stores_nothing() {
    let app = spawn_app_with(|s| s.max_body_bytes = 64 * 1024).await;
    let reporter = app.reporter(CredentialMode::Live).await;
    let mut report = valid_report();
    report["summary"] = json!("x".repeat(70 * 1024));
    expect(app.post_report(&reporter.token, &report).await, 413).await;
    // Chunked, without a Content-Length, is cut off as well.
    let body = report.to_string();
    let stream = futures_util::stream::iter(
        body.into_bytes()
            .chunks(8192)
            .map(|c| Ok::<_, std::io::Error>(c.to_vec()))
            .collect::<Vec<_>>(),
    );
    let chunked = app
        .client
        .post(format!("{}/api/v1/reports", app.address))
        .bearer_auth(&reporter.token)
        .header("content-type", "application/json")
        .body(reqwest::Body::wrap_stream(stream))
        .send()
        .await
        .unwrap();
    expect(chunked, 413).await;
    let list = expect(app.get("/api/v1/reports", &reporter.token).await, 200).await;
    assert!(list["items"].as_array().unwrap().is_empty());
}

#[actix_web::test]
async fn unknown_paths_and_ids_are_404_problems() {
    let app = spawn_app().await;
    let reporter = app.reporter(CredentialMode::Live).await;
    expect(app.get("/api/v1/nothing-here", &reporter.token).await, 404).await;
    expect(
        app.get("/api/v1/reports/not-a-uuid", &reporter.token).await,
        404,
    )
    .await;
    expect(
        app.get(
            &format!("/api/v1/reports/{}", uuid::Uuid::now_v7()),
            &reporter.token,
        )
        .await,
        404,
    )
    .await;
}

#[actix_web::test]
async fn a_known_path_asked_with_another_method_is_a_405_naming_its_methods() {
    let app = spawn_app().await;
    let reporter = app.reporter(CredentialMode::Live).await;
    for (method, path, allowed) in [
        (reqwest::Method::DELETE, "/api/v1/reports", "GET, POST"),
        (reqwest::Method::PUT, "/api/v1/reports/batch", "POST"),
        (reqwest::Method::PATCH, "/api/v1/reports/some-id", "GET"),
        (reqwest::Method::TRACE, "/healthz", "GET"),
    ] {
        let response = app
            .send(method.clone(), path, Some(&reporter.token), None)
            .await;
        assert_eq!(response.headers().get("allow").unwrap(), allowed, "{path}");
        let problem = expect(response, 405).await;
        assert_eq!(
            problem["type"],
            "urn:report-portal:problem:method-not-allowed"
        );
    }
    expect(
        app.send(reqwest::Method::DELETE, "/api/v1/nothing-here", None, None)
            .await,
        404,
    )
    .await;
}
