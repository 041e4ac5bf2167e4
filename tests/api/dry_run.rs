//! The dry run (`POST /api/v1/reports/validate` and `/reports/batch/validate`): the same answer
//! as a submission for every invalid report of the validation tests, the status a submission
//! would get for a valid one, and nothing stored.

use report_portal::domain::organization::CredentialMode;
use serde_json::{Value, json};

use crate::helpers::{TestApp, expect, spawn_app, valid_report};
use crate::validation::broken_reports;

const VALIDATE: &str = "/api/v1/reports/validate";
const VALIDATE_BATCH: &str = "/api/v1/reports/batch/validate";

/// A response's status and JSON body, without the per-request `request_id`.
async fn answer(response: reqwest::Response) -> (u16, Value) {
    let status = response.status().as_u16();
    let mut body: Value = response.json().await.unwrap();
    without_request_id(&mut body);
    (status, body)
}

fn without_request_id(problem: &mut Value) {
    if let Some(fields) = problem.as_object_mut() {
        fields.remove("request_id");
    }
}

async fn stored_reports(app: &TestApp, token: &str) -> usize {
    let list = expect(app.get("/api/v1/reports", token).await, 200).await;
    list["items"].as_array().unwrap().len()
}

#[actix_web::test]
async fn every_invalid_report_gets_the_submissions_answer_and_nothing_is_stored() {
    let app = spawn_app().await;
    let reporter = app.reporter(CredentialMode::Live).await;
    let cases = broken_reports();
    let mut differences = Vec::new();
    for case in &cases {
        let dry = answer(app.post_json(VALIDATE, &reporter.token, &case.body).await).await;
        let submitted = answer(app.post_report(&reporter.token, &case.body).await).await;
        assert_eq!(submitted.0, 422, "{}: {}", case.changed, submitted.1);
        if dry != submitted {
            differences.push(format!(
                "{}: dry run {dry:?}, submission {submitted:?}",
                case.changed
            ));
        }
    }
    assert!(differences.is_empty(), "{}", differences.join("\n"));

    // The same reports in one batch: each item judged as its submission was.
    let batch = json!({"reports": cases.iter().map(|c| &c.body).collect::<Vec<_>>()});
    let dry = expect(
        app.post_json(VALIDATE_BATCH, &reporter.token, &batch).await,
        200,
    )
    .await;
    let submitted = expect(
        app.post_json("/api/v1/reports/batch", &reporter.token, &batch)
            .await,
        200,
    )
    .await;
    let items = |answer: &Value| -> Vec<Value> {
        let mut results = answer["results"].as_array().unwrap().clone();
        for result in &mut results {
            without_request_id(&mut result["error"]);
        }
        results
    };
    assert_eq!(items(&dry), items(&submitted));
    assert_eq!(items(&dry).len(), cases.len());
    assert_eq!(stored_reports(&app, &reporter.token).await, 0);
}

#[actix_web::test]
async fn a_valid_report_is_judged_as_its_submission_would_be_and_not_stored() {
    let app = spawn_app().await;
    let reporter = app.reporter(CredentialMode::Live).await;
    let report = valid_report();
    let verdict = expect(app.post_json(VALIDATE, &reporter.token, &report).await, 200).await;
    assert_eq!(verdict, json!({"status": 201}));
    assert_eq!(stored_reports(&app, &reporter.token).await, 0);
    let external_id = report["external_id"].as_str().unwrap();
    let path = format!("/api/v1/reports/by-external-id/{external_id}");
    expect(app.get(&path, &reporter.token).await, 404).await;

    // Once stored, the same report would be a replay, and different content a conflict.
    let receipt = app.submit(&reporter.token, &report).await;
    let verdict = expect(app.post_json(VALIDATE, &reporter.token, &report).await, 200).await;
    assert_eq!(verdict, json!({"status": 200, "id": receipt["id"]}));
    let mut changed = report.clone();
    changed["summary"] = json!("A different summary of the same case, long enough.");
    let dry = answer(app.post_json(VALIDATE, &reporter.token, &changed).await).await;
    let submitted = answer(app.post_report(&reporter.token, &changed).await).await;
    assert_eq!(dry.0, 409);
    assert_eq!(dry, submitted);

    // A batch: new, replay, conflict with the stored one, and a repeat of an earlier new item.
    let fresh = valid_report();
    let batch = json!({"reports": [fresh, report, changed, fresh]});
    let dry = expect(
        app.post_json(VALIDATE_BATCH, &reporter.token, &batch).await,
        200,
    )
    .await;
    let statuses: Vec<u64> = dry["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["status"].as_u64().unwrap())
        .collect();
    assert_eq!(statuses, [201, 200, 409, 200], "{dry}");
    assert_eq!(dry["results"][1]["id"], receipt["id"]);
    assert!(dry["results"][3].get("id").is_none(), "{dry}");
    assert!(dry["results"][0].get("receipt").is_none(), "{dry}");
    assert_eq!(stored_reports(&app, &reporter.token).await, 1);
}

#[actix_web::test]
async fn the_dry_run_asks_for_the_same_credentials_as_a_submission() {
    let app = spawn_app().await;
    for path in [VALIDATE, VALIDATE_BATCH] {
        let response = app
            .send(reqwest::Method::POST, path, None, Some(&valid_report()))
            .await;
        expect(response, 401).await;
    }
}
