//! `Idempotency-Key` on the POSTs that `external_id` does not make idempotent (amendments,
//! retraction, evidence): the first answer replayed for the same request, 422 for another, 409
//! while the first runs, keys scoped per organization and mode, bounded, sealed and pruned.

use diesel::prelude::*;
use futures_util::StreamExt;
use report_portal::db::schema::idempotency_keys;
use report_portal::domain::organization::CredentialMode;
use reqwest::multipart::{Form, Part};
use serde_json::{Value, json};

use crate::helpers::{TestApp, expect, spawn_app, spawn_app_with, valid_report};

/// `POST` `path` with `body` as JSON, `token` and `Idempotency-Key: key`.
async fn post_keyed(
    app: &TestApp,
    path: &str,
    token: &str,
    key: &str,
    body: &Value,
) -> reqwest::Response {
    app.client
        .post(format!("{}{path}", app.address))
        .bearer_auth(token)
        .header("Idempotency-Key", key)
        .json(body)
        .send()
        .await
        .unwrap()
}

fn amendment(note: &str) -> Value {
    json!({"note": note, "severity": "critical"})
}

fn replayed(response: &reqwest::Response) -> bool {
    response
        .headers()
        .get("idempotent-replayed")
        .is_some_and(|v| v == "true")
}

fn stored_keys(app: &TestApp) -> i64 {
    app.with_db(|conn| idempotency_keys::table.count().get_result(conn).unwrap())
}

#[actix_web::test]
async fn a_retry_with_the_same_key_and_body_answers_the_first_answer_again() {
    let app = spawn_app().await;
    let reporter = app.reporter(CredentialMode::Live).await;
    let report = app.submit(&reporter.token, &valid_report()).await;
    let path = format!(
        "/api/v1/reports/{}/amendments",
        report["id"].as_str().unwrap()
    );
    let body = amendment("Raised: the account now targets minors.");

    let first = post_keyed(&app, &path, &reporter.token, "amend-1", &body).await;
    assert!(!replayed(&first));
    let first = expect(first, 201).await;
    let again = post_keyed(&app, &path, &reporter.token, "\"amend-1\"", &body).await;
    assert!(replayed(&again), "the sf-string form is the same key");
    assert_eq!(
        expect(again, 201).await,
        first,
        "the first answer, status and body"
    );
    // Without the key the same amendment is told apart by its content only (200).
    expect(app.post_json(&path, &reporter.token, &body).await, 200).await;

    // The same key with another request: 422, and nothing stored.
    let other = post_keyed(
        &app,
        &path,
        &reporter.token,
        "amend-1",
        &amendment("Another note."),
    )
    .await;
    let problem = expect(other, 422).await;
    assert_eq!(
        problem["errors"][0]["code"], "idempotency_key_reused",
        "{problem}"
    );
    let stored = expect(
        app.get(
            &format!("/api/v1/reports/{}", report["id"].as_str().unwrap()),
            &reporter.token,
        )
        .await,
        200,
    )
    .await;
    assert_eq!(
        stored["amendments"].as_array().unwrap().len(),
        1,
        "{stored}"
    );

    // The same key on another path is another request too.
    let retraction = format!(
        "/api/v1/reports/{}/retraction",
        report["id"].as_str().unwrap()
    );
    let problem = expect(
        post_keyed(
            &app,
            &retraction,
            &reporter.token,
            "amend-1",
            &json!({"reason": "sent in error"}),
        )
        .await,
        422,
    )
    .await;
    assert_eq!(problem["errors"][0]["code"], "idempotency_key_reused");
}

#[actix_web::test]
async fn keys_belong_to_one_organization_and_mode() {
    let app = spawn_app().await;
    let live = app.reporter(CredentialMode::Live).await;
    let test_credential = app.create_credential(&live.organization_id, CredentialMode::Test);
    let test_token = app.token_for(&test_credential).await;
    let other = app.reporter(CredentialMode::Live).await;
    for token in [&live.token, &test_token, &other.token] {
        let report = app.submit(token, &valid_report()).await;
        let path = format!(
            "/api/v1/reports/{}/retraction",
            report["id"].as_str().unwrap()
        );
        let response = post_keyed(
            &app,
            &path,
            token,
            "shared-key",
            &json!({"reason": "duplicate"}),
        )
        .await;
        assert!(!replayed(&response));
        expect(response, 200).await;
    }
    assert_eq!(stored_keys(&app), 3);
}

#[actix_web::test]
async fn a_key_must_be_short_visible_ascii() {
    let app = spawn_app().await;
    let reporter = app.reporter(CredentialMode::Live).await;
    let report = app.submit(&reporter.token, &valid_report()).await;
    let path = format!(
        "/api/v1/reports/{}/amendments",
        report["id"].as_str().unwrap()
    );
    for key in [
        "x".repeat(256),
        String::new(),
        "with space".into(),
        "\"\"".into(),
    ] {
        let response = post_keyed(&app, &path, &reporter.token, &key, &amendment("A note.")).await;
        expect(response, 400).await;
    }
    let longest = "k".repeat(255);
    expect(
        post_keyed(
            &app,
            &path,
            &reporter.token,
            &longest,
            &amendment("A note."),
        )
        .await,
        201,
    )
    .await;
    // Without a token the key changes nothing: 401.
    let response = app
        .client
        .post(format!("{}{path}", app.address))
        .header("Idempotency-Key", "k")
        .json(&amendment("A note."))
        .send()
        .await
        .unwrap();
    expect(response, 401).await;
}

#[actix_web::test]
async fn a_duplicate_while_the_first_runs_is_409_and_evidence_replays() {
    let app = spawn_app().await;
    let reporter = app.reporter(CredentialMode::Live).await;
    let report = app.submit(&reporter.token, &valid_report()).await;
    let path = format!(
        "{}/api/v1/reports/{}/evidence",
        app.address,
        report["id"].as_str().unwrap()
    );
    let file = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR evidence bytes".to_vec();
    let form = |body: reqwest::Body| {
        Form::new().part(
            "file",
            Part::stream(body)
                .file_name("capture.png")
                .mime_str("image/png")
                .unwrap(),
        )
    };

    // The first upload's file arrives only when the test lets it.
    let (send, receive) = tokio::sync::mpsc::unbounded_channel::<Vec<u8>>();
    let receive = futures_util::stream::unfold(receive, |mut receive| async move {
        let piece = receive.recv().await?;
        Some((Ok::<_, std::io::Error>(piece), receive))
    });
    let first = app
        .client
        .post(&path)
        .bearer_auth(&reporter.token)
        .header("Idempotency-Key", "upload-1")
        .multipart(form(reqwest::Body::wrap_stream(receive)))
        .send();
    let first = actix_web::rt::spawn(first);
    while stored_keys(&app) == 0 {
        actix_web::rt::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    let duplicate = app
        .client
        .post(&path)
        .bearer_auth(&reporter.token)
        .header("Idempotency-Key", "upload-1")
        .multipart(form(reqwest::Body::from(file.clone())))
        .send()
        .await
        .unwrap();
    let problem = expect(duplicate, 409).await;
    assert!(
        problem["detail"].as_str().unwrap().contains("in progress"),
        "{problem}"
    );

    send.send(file.clone()).unwrap();
    drop(send);
    let first = first.await.unwrap().unwrap();
    let first = expect(first, 201).await;

    // A retry of the finished upload with the same bytes (the same multipart boundary): 201.
    let retry_body = {
        let form = form(reqwest::Body::from(file.clone()));
        let boundary = form.boundary().to_owned();
        let mut bytes = Vec::new();
        let mut stream = form.into_stream();
        while let Some(chunk) = stream.next().await {
            bytes.extend_from_slice(&chunk.unwrap());
        }
        (boundary, bytes)
    };
    let send_raw = |key: &'static str| {
        app.client
            .post(&path)
            .bearer_auth(&reporter.token)
            .header("Idempotency-Key", key)
            .header(
                "content-type",
                format!("multipart/form-data; boundary={}", retry_body.0),
            )
            .body(retry_body.1.clone())
            .send()
    };
    expect(send_raw("upload-2").await.unwrap(), 200).await;
    let again = send_raw("upload-2").await.unwrap();
    assert!(replayed(&again));
    let again = expect(again, 200).await;
    assert_eq!(again["id"], first["id"]);
}

#[actix_web::test]
async fn answers_are_sealed_and_keys_are_pruned_after_their_time() {
    let app = spawn_app_with(|settings| {
        settings.idempotency_key_seconds = 1;
        settings.idempotency_prune_seconds = 1;
    })
    .await;
    let reporter = app.reporter(CredentialMode::Live).await;
    let report = valid_report();
    let stored = app.submit(&reporter.token, &report).await;
    let path = format!(
        "/api/v1/reports/{}/retraction",
        stored["id"].as_str().unwrap()
    );
    let reason = json!({"reason": "sent in error by the night shift"});
    expect(
        post_keyed(&app, &path, &reporter.token, "retract-1", &reason).await,
        200,
    )
    .await;
    let sealed: Option<String> = app.with_db(|conn| {
        idempotency_keys::table
            .select(idempotency_keys::sealed_answer)
            .first(conn)
            .unwrap()
    });
    let sealed = sealed.expect("the answer is kept");
    let summary = report["summary"].as_str().unwrap();
    assert!(
        !sealed.contains(summary) && !sealed.contains("night shift"),
        "{sealed}"
    );

    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
    while stored_keys(&app) > 0 {
        assert!(
            std::time::Instant::now() < deadline,
            "the key was never pruned"
        );
        actix_web::rt::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    // Forgotten: the key runs a new request (retracting again changes nothing: 200, no replay).
    let response = post_keyed(
        &app,
        &path,
        &reporter.token,
        "retract-1",
        &json!({"reason": "other"}),
    )
    .await;
    assert!(!replayed(&response));
    expect(response, 200).await;
}
