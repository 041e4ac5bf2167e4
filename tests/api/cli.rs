//! The command line, run as a real process against the test's database: every command that
//! creates something prints one JSON object, and what it creates works over HTTP.

use std::process::{Command, Output};

use diesel::prelude::*;
use report_portal::db::schema::{audit_events, outbox, reports};
use report_portal::domain::organization::CredentialMode;
use report_portal::domain::user::Role;
use serde_json::{Value, json};

use crate::helpers::{TestApp, TestReporter, expect, spawn_app, valid_report};

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

/// Runs `report-portal import FILE --client-id CLIENT_ID` against `app`'s databases: answers
/// its summary (stdout), the rejected lines it printed on stderr, and whether it exited 0.
fn import(app: &TestApp, file: &std::path::Path, client_id: &str) -> (Value, Vec<Value>, bool) {
    let output: Output = Command::new(env!("CARGO_BIN_EXE_report-portal"))
        .arg("import")
        .arg(file)
        .args(["--client-id", client_id])
        .env("DATABASE_URL", app.settings.database_url())
        .env("PORTAL_DATA_DIR", &app.settings.data_dir)
        .env("PORTAL_LOG", "warn")
        .output()
        .expect("the binary runs");
    let stdout = String::from_utf8(output.stdout).unwrap();
    let stderr = String::from_utf8(output.stderr).unwrap();
    let summary = serde_json::from_str(&stdout)
        .unwrap_or_else(|e| panic!("{e}: the summary expected on stdout: {stdout}\n{stderr}"));
    let rejected = stderr
        .lines()
        .filter_map(|line| serde_json::from_str::<Value>(line).ok())
        .filter(|line| line.get("line").is_some())
        .collect();
    (summary, rejected, output.status.success())
}

/// Imports `lines` (as an NDJSON file) with `importer`'s credential, asserting that the import
/// succeeded, and answers each line's review timeline as `analyst` reads it.
async fn imported_timelines(
    app: &TestApp,
    importer: &TestReporter,
    analyst: &str,
    lines: &[Value],
) -> Vec<Value> {
    let file = app.settings.data_dir.join("lines.ndjson");
    let text: Vec<String> = lines.iter().map(Value::to_string).collect();
    std::fs::write(&file, text.join("\n") + "\n").unwrap();
    let (summary, _, success) = import(app, &file, &importer.credential.client_id);
    assert!(success, "{summary}");
    let mut timelines = Vec::new();
    for line in lines {
        let path = format!(
            "/api/v1/reports/by-external-id/{}",
            line["external_id"].as_str().unwrap()
        );
        let id = expect(app.get(&path, &importer.token).await, 200).await["id"].clone();
        let path = format!("/api/v1/review/reports/{}", id.as_str().unwrap());
        timelines.push(expect(app.get(&path, analyst).await, 200).await["timeline"].clone());
    }
    timelines
}

#[actix_web::test]
async fn an_import_stores_the_valid_lines_once_each_as_if_posted_and_reports_the_others() {
    let app = spawn_app().await;
    let reporter = app.reporter(CredentialMode::Live).await;
    let client_id = reporter.credential.client_id.as_str();
    // Posted through the API before: its line in the backlog is a duplicate.
    let posted = valid_report();
    let posted_receipt = expect(app.post_report(&reporter.token, &posted).await, 201).await;
    let (first, second) = (valid_report(), valid_report());
    let mut invalid = valid_report();
    invalid["severity"] = json!("apocalyptic");
    let mut changed = posted.clone();
    changed["summary"] = json!("the same external id with other content");
    let lines = [
        first.to_string(),
        invalid.to_string(),
        String::new(),
        posted.to_string(),
        "{not json".to_owned(),
        second.to_string(),
        changed.to_string(),
    ];
    let file = app.settings.data_dir.join("backlog.ndjson");
    std::fs::write(&file, lines.join("\n") + "\n").unwrap();
    let outbox_before: i64 = app.with_db(|c| outbox::table.count().get_result(c).unwrap());

    let (summary, rejected, success) = import(&app, &file, client_id);
    assert_eq!(
        (
            &summary["lines"],
            &summary["stored"],
            &summary["duplicates"],
            &summary["rejected"]
        ),
        (&json!(6), &json!(2), &json!(1), &json!(3)),
        "{summary}"
    );
    assert!(!success, "a rejected line makes the exit status 1");
    let rejected: Vec<(u64, u64, Value)> = rejected
        .iter()
        .map(|r| {
            (
                r["line"].as_u64().unwrap(),
                r["problem"]["status"].as_u64().unwrap(),
                r["problem"].clone(),
            )
        })
        .collect();
    assert_eq!(
        rejected
            .iter()
            .map(|(l, s, _)| (*l, *s))
            .collect::<Vec<_>>(),
        vec![(2, 422), (5, 400), (7, 409)],
        "{rejected:?}"
    );
    assert!(
        rejected[0].2["detail"]
            .as_str()
            .unwrap()
            .contains("severity")
            || rejected[0].2["errors"].to_string().contains("/severity"),
        "{}",
        rejected[0].2
    );
    assert_eq!(
        rejected[2].2["existing_id"], posted_receipt["id"],
        "the 409 names the stored report, as the API's does"
    );

    // Each stored report reads back through the API as the posted one does.
    let read = |report: &Value| {
        let path = format!(
            "/api/v1/reports/by-external-id/{}",
            report["external_id"].as_str().unwrap()
        );
        let token = reporter.token.clone();
        let app = &app;
        async move { expect(app.get(&path, &token).await, 200).await }
    };
    let posted_read = read(&posted).await;
    let fields = |v: &Value| v.as_object().unwrap().keys().cloned().collect::<Vec<_>>();
    for report in [&first, &second] {
        let read = read(report).await;
        let mut sent = report.clone();
        let mut stored = read["report"].clone();
        for value in [&mut sent, &mut stored] {
            for at in ["detected_at", "activity_start", "activity_end"] {
                value.as_object_mut().unwrap().remove(at);
            }
        }
        assert_eq!(stored, sent, "the report as sent");
        assert_eq!(fields(&read), fields(&posted_read), "the receipt's fields");
        assert_eq!(read["external_id"], report["external_id"]);
        assert_eq!(read["status"], "received");
        assert_eq!(read["mode"], "live");
        assert_eq!(
            read["receipt"].as_str().unwrap().split('.').count(),
            3,
            "signed"
        );
    }
    let (imported, started): (i64, i64) = app.with_db(|c| {
        let mut count = |action: &str| {
            audit_events::table
                .filter(audit_events::action.eq(action))
                .count()
                .get_result::<i64>(c)
                .unwrap()
        };
        (count("report.import"), count("report.import.start"))
    });
    assert_eq!(
        (imported, started),
        (2, 1),
        "audited: the run and each report"
    );
    let outbox_after: i64 = app.with_db(|c| outbox::table.count().get_result(c).unwrap());
    assert_eq!(
        outbox_after, outbox_before,
        "no analyst e-mail per imported report"
    );

    // Run again (after an interruption, say): nothing is stored twice.
    let (again, rejected_again, _) = import(&app, &file, client_id);
    assert_eq!(
        (&again["stored"], &again["duplicates"], &again["rejected"]),
        (&json!(0), &json!(3), &json!(3)),
        "{again}"
    );
    assert_eq!(rejected_again.len(), 3);
    let stored: i64 = app.with_db(|c| reports::table.count().get_result(c).unwrap());
    assert_eq!(stored, 3, "the posted report and the two imported ones");
}

#[actix_web::test]
async fn an_import_for_an_unknown_credential_stores_nothing() {
    let app = spawn_app().await;
    let file = app.settings.data_dir.join("backlog.ndjson");
    std::fs::write(&file, valid_report().to_string()).unwrap();
    let output = Command::new(env!("CARGO_BIN_EXE_report-portal"))
        .arg("import")
        .arg(&file)
        .args(["--client-id", "rp_live_unknown"])
        .env("DATABASE_URL", app.settings.database_url())
        .env("PORTAL_DATA_DIR", &app.settings.data_dir)
        .env("PORTAL_LOG", "warn")
        .output()
        .unwrap();
    assert!(!output.status.success());
    assert!(
        String::from_utf8_lossy(&output.stderr).contains("rp_live_unknown"),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let stored: i64 = app.with_db(|c| reports::table.count().get_result(c).unwrap());
    assert_eq!(stored, 0);
}

#[actix_web::test]
async fn an_import_finds_the_reports_stored_before_that_share_a_value_with_its_lines() {
    let app = spawn_app().await;
    let (other, importer) = (
        app.reporter(CredentialMode::Live).await,
        app.reporter(CredentialMode::Live).await,
    );
    let (_, analyst) = app.staff(Role::Analyst).await;
    let with_account = |account: &str| {
        let mut report = valid_report();
        report["accounts"] = json!([{
            "platform_account_id": account,
            "role": "recruiter",
            "action_taken": "banned"
        }]);
        report["content"] = json!([]);
        report
    };
    let shared = format!("acct-{}", uuid::Uuid::new_v4().simple());
    let new = format!("acct-{}", uuid::Uuid::new_v4().simple());
    // Stored before, by another organization: the shared account. Imported: the shared account
    // (the filter of stored values must let it through), then an account stored nowhere.
    app.submit(&other.token, &with_account(&shared)).await;
    let lines = [with_account(&shared), with_account(&new)];
    let timelines = imported_timelines(&app, &importer, &analyst, &lines).await;
    assert_eq!(
        timelines[0][1]["detail"],
        json!({"matching_reports": 1, "other_organizations": 1}),
        "{}",
        timelines[0]
    );
    assert_eq!(
        timelines[1].as_array().unwrap().len(),
        1,
        "{}",
        timelines[1]
    );
}

#[actix_web::test]
async fn an_import_finds_the_near_images_of_reports_stored_before_and_of_its_own_lines() {
    let app = spawn_app().await;
    let (other, importer) = (
        app.reporter(CredentialMode::Live).await,
        app.reporter(CredentialMode::Live).await,
    );
    let (_, analyst) = app.staff(Role::Analyst).await;
    let flipped = |bits: &[usize]| {
        let mut bytes = [0x3c_u8; 32];
        for bit in bits {
            bytes[bit / 8] ^= 0x80 >> (bit % 8);
        }
        hex::encode(bytes)
    };
    let with_image = |pdq: String| {
        let mut report = valid_report();
        report["accounts"] = json!([{
            "platform_account_id": format!("acct-{}", uuid::Uuid::new_v4().simple()),
            "role": "recruiter",
            "action_taken": "banned"
        }]);
        report["content"] =
            json!([{"content_type": "image", "preserved": true, "removed": false, "pdq": pdq}]);
        report
    };
    // Stored before: the image itself. Imported: 5 bits off it, 6 bits off it (11 off the
    // first line), and 32 bits off it with two in every chunk (near none of them).
    let original = app.submit(&other.token, &with_image(flipped(&[]))).await;
    let lines = [
        with_image(flipped(&[0, 1, 2, 3, 4])),
        with_image(flipped(&[100, 101, 102, 103, 104, 105])),
        with_image(flipped(
            &(0..16)
                .flat_map(|c| [16 * c, 16 * c + 8])
                .collect::<Vec<_>>(),
        )),
    ];
    let timelines = imported_timelines(&app, &importer, &analyst, &lines).await;
    // The first line matched the stored report; the second that one and the first line, of
    // its own organization; the third nothing.
    assert_eq!(
        timelines[0][1]["detail"],
        json!({"matching_reports": 1, "other_organizations": 1})
    );
    assert_eq!(
        timelines[1][1]["detail"],
        json!({"matching_reports": 2, "other_organizations": 1})
    );
    assert_eq!(
        timelines[2].as_array().unwrap().len(),
        1,
        "{}",
        timelines[2]
    );
    let related = expect(
        app.get(
            &format!(
                "/api/v1/review/reports/{}/related",
                original["id"].as_str().unwrap()
            ),
            &analyst,
        )
        .await,
        200,
    )
    .await;
    assert_eq!(related["items"].as_array().unwrap().len(), 2, "{related}");
}
