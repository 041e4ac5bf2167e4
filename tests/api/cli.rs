//! The command line, run as a real process against the test's database: every command that
//! creates something prints one JSON object, and what it creates works over HTTP.

use std::process::Command;

use report_portal::domain::user::Role;
use serde_json::{Value, json};

use crate::helpers::{TestApp, expect, spawn_app};

/// Runs the binary with `args` against `app`'s databases and data folder; answers the one JSON
/// line it prints, after asserting it succeeded.
pub(crate) fn run(app: &TestApp, args: &[&str]) -> Value {
    let output = Command::new(env!("CARGO_BIN_EXE_report-portal"))
        .args(args)
        .env("DATABASE_URL", app.settings.database_url())
        .env("PORTAL_DATA_DIR", &app.settings.data_dir)
        .env("PORTAL_LOG", "warn")
        .output()
        .expect("the binary runs");
    assert!(
        output.status.success(),
        "{args:?} failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    let stdout = String::from_utf8(output.stdout).unwrap();
    assert_eq!(stdout.lines().count(), 1, "exactly one JSON line: {stdout}");
    serde_json::from_str(&stdout).unwrap()
}

#[actix_web::test]
async fn an_organization_vetted_and_given_a_credential_on_the_command_line_can_submit() {
    let app = spawn_app().await;
    assert_eq!(
        run(&app, &["migrate"])["applied"],
        0,
        "the server already migrated"
    );

    let organization = run(&app, &["org", "create", "--name", "Example Video"]);
    assert_eq!(organization["status"], "pending");
    let id = organization["id"].as_str().unwrap();
    let credential = run(
        &app,
        &["credential", "create", "--org", id, "--label", "ci"],
    );
    assert_eq!(credential["mode"], "live");
    let (client_id, secret) = (
        credential["client_id"].as_str().unwrap(),
        credential["client_secret"].as_str().unwrap(),
    );
    expect(app.request_token(client_id, secret).await, 403).await;

    assert_eq!(run(&app, &["org", "vet", id])["status"], "vetted");
    let token = expect(app.request_token(client_id, secret).await, 200).await;
    let token = token["access_token"].as_str().unwrap();
    expect(
        app.post_report(token, &crate::helpers::valid_report())
            .await,
        201,
    )
    .await;

    assert_eq!(run(&app, &["org", "suspend", id])["status"], "suspended");
    expect(app.request_token(client_id, secret).await, 403).await;

    let admin = app.staff_token(Role::Admin).await;
    let detail = expect(
        app.get(&format!("/api/v1/admin/organizations/{id}"), &admin)
            .await,
        200,
    )
    .await;
    let mut history = detail["vetting_history"].clone();
    for event in history.as_array_mut().unwrap() {
        event.as_object_mut().unwrap().remove("at");
    }
    assert_eq!(
        history,
        json!([
            {"from": null, "to": "pending", "actor_id": null, "reason": "command line"},
            {"from": "pending", "to": "vetted", "actor_id": null, "reason": "command line"},
            {"from": "vetted", "to": "suspended", "actor_id": null, "reason": "command line"},
        ])
    );

    let test = run(
        &app,
        &["credential", "create", "--org", id, "--mode", "test"],
    );
    assert_eq!(test["mode"], "test");
}

#[test]
fn the_openapi_command_prints_the_committed_document() {
    let output = Command::new(env!("CARGO_BIN_EXE_report-portal"))
        .arg("openapi")
        .output()
        .unwrap();
    assert!(output.status.success());
    let printed: Value = serde_json::from_slice(&output.stdout).unwrap();
    let committed: Value =
        serde_json::from_str(include_str!("../../openapi/openapi.json")).unwrap();
    assert!(
        printed == committed,
        "regenerate with: cargo run -- openapi > openapi/openapi.json"
    );
}
