//! The audit log over HTTP: every audited action leaves its event, the hash chain verifies, and
//! any edit, deletion or reordering made directly in the database is found.

use std::process::Command;

use diesel::RunQueryDsl;
use report_portal::domain::organization::CredentialMode;
use report_portal::domain::user::Role;
use report_portal::store;
use report_portal::store::audit::NewAuditEvent;
use serde_json::{Value, json};

use crate::helpers::{STAFF_PASSWORD, TestApp, expect, spawn_app, valid_report};

async fn events(app: &TestApp, auditor: &str) -> Vec<Value> {
    let page = expect(
        app.get("/api/v1/audit/events?limit=200", auditor).await,
        200,
    )
    .await;
    page["items"].as_array().unwrap().clone()
}

async fn verify(app: &TestApp, auditor: &str) -> Value {
    expect(app.get("/api/v1/audit/verify", auditor).await, 200).await
}

fn sql(app: &TestApp, statement: &str) {
    app.with_db(|conn| diesel::sql_query(statement).execute(conn))
        .unwrap();
}

#[actix_web::test]
async fn every_audited_action_leaves_its_event() {
    let app = spawn_app().await;
    let reporter = app.reporter(CredentialMode::Live).await;
    app.request_token(&reporter.credential.client_id, "wrong")
        .await;
    let id = expect(app.post_report(&reporter.token, &valid_report()).await, 201).await["id"]
        .as_str()
        .unwrap()
        .to_owned();
    expect(
        app.get(&format!("/api/v1/reports/{id}"), &reporter.token)
            .await,
        200,
    )
    .await;
    let (analyst_id, analyst) = app.staff(Role::Analyst).await;
    app.login("nobody@dhs.example", STAFF_PASSWORD).await;
    expect(
        app.get(&format!("/api/v1/review/reports/{id}"), &analyst)
            .await,
        200,
    )
    .await;
    let steps = [
        ("assignment", json!({"assignee_id": analyst_id}), 200),
        (
            "transitions",
            json!({"to": "in_review", "reason": "triage"}),
            200,
        ),
        ("notes", json!({"body": "seen before"}), 201),
    ];
    for (path, body, status) in steps {
        let path = format!("/api/v1/review/reports/{id}/{path}");
        expect(
            app.send(reqwest::Method::POST, &path, Some(&analyst), Some(&body))
                .await,
            status,
        )
        .await;
    }
    expect(app.get("/api/v1/review/export", &analyst).await, 200).await;
    let admin = app.staff_token(Role::Admin).await;
    let body = json!({"status": "suspended", "reason": "lapsed agreement"});
    let path = format!(
        "/api/v1/admin/organizations/{}/vetting",
        reporter.organization_id
    );
    expect(
        app.send(reqwest::Method::POST, &path, Some(&admin), Some(&body))
            .await,
        200,
    )
    .await;
    let auditor = app.staff_token(Role::Auditor).await;

    let log = events(&app, &auditor).await;
    let has = |action: &str, outcome: &str, target: Option<&str>| {
        log.iter().any(|e| {
            e["action"] == action
                && e["outcome"] == outcome
                && target.is_none_or(|t| e["target"] == t)
        })
    };
    let client = reporter.credential.client_id.as_str();
    let expected = [
        ("auth.token", "success", Some(client)),
        ("auth.token", "failure", Some(client)),
        ("report.submit", "success", Some(id.as_str())),
        ("report.read", "success", Some(id.as_str())),
        ("auth.login", "success", None),
        ("auth.login", "failure", Some("nobody@dhs.example")),
        ("report.assign", "success", Some(id.as_str())),
        ("report.transition", "success", Some(id.as_str())),
        ("report.note", "success", Some(id.as_str())),
        ("report.export", "success", None),
        (
            "organization.vet",
            "success",
            Some(reporter.organization_id.as_str()),
        ),
    ];
    for (action, outcome, target) in expected {
        assert!(
            has(action, outcome, target),
            "no {outcome} {action} on {target:?} in {log:#?}"
        );
    }
    let read = log
        .iter()
        .find(|e| e["action"] == "report.read" && e["actor"] == analyst_id.as_str())
        .unwrap();
    assert_eq!(read["role"], "analyst");
    assert_eq!(read["ip"], "127.0.0.1");
    assert!(read["request_id"].is_string());
    assert!(
        log.iter().all(|e| e["hash"].is_string()),
        "listing seals every event"
    );
}

#[actix_web::test]
async fn the_chain_verifies_and_names_the_first_edited_deleted_or_reordered_event() {
    let app = spawn_app().await;
    let reporter = app.reporter(CredentialMode::Live).await;
    for _ in 0..4 {
        expect(app.post_report(&reporter.token, &valid_report()).await, 201).await;
    }
    let auditor = app.staff_token(Role::Auditor).await;
    let clean = verify(&app, &auditor).await;
    assert_eq!(clean["valid"], true);
    assert!(clean["checked"].as_i64().unwrap() >= 7);
    let id_at = |seq: i64| -> String {
        use diesel::prelude::*;
        use report_portal::db::schema::audit_events;
        app.with_db(|conn| {
            audit_events::table
                .filter(audit_events::seq.eq(seq))
                .select(audit_events::id)
                .first(conn)
        })
        .unwrap()
    };

    // Edited.
    let third = id_at(3);
    sql(
        &app,
        &format!("UPDATE audit_events SET target = 'someone-else' WHERE id = '{third}'"),
    );
    let edited = verify(&app, &auditor).await;
    assert_eq!(
        (edited["valid"].clone(), edited["first_invalid"].clone()),
        (json!(false), json!(third))
    );
    assert_eq!(edited["checked"], 2);
    let output = Command::new(env!("CARGO_BIN_EXE_report-portal"))
        .args(["audit", "verify"])
        .env("DATABASE_URL", app.settings.database_url())
        .env("PORTAL_DATA_DIR", &app.settings.data_dir)
        .output()
        .unwrap();
    assert_eq!(
        output.status.code(),
        Some(1),
        "the command exits non-zero on a broken chain"
    );
    let printed: Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(printed["first_invalid"], json!(third));
    sql(
        &app,
        &format!("DELETE FROM audit_events WHERE id = '{third}'"),
    );

    // Deleted: the event after the gap no longer follows its predecessor.
    let fourth = id_at(4);
    assert_eq!(verify(&app, &auditor).await["first_invalid"], json!(fourth));
}

#[actix_web::test]
async fn swapping_two_events_is_found() {
    let app = spawn_app().await;
    let reporter = app.reporter(CredentialMode::Live).await;
    for _ in 0..3 {
        expect(app.post_report(&reporter.token, &valid_report()).await, 201).await;
    }
    let auditor = app.staff_token(Role::Auditor).await;
    assert_eq!(verify(&app, &auditor).await["valid"], true);
    sql(&app, "UPDATE audit_events SET seq = -2 WHERE seq = 2");
    sql(&app, "UPDATE audit_events SET seq = 2 WHERE seq = 3");
    sql(&app, "UPDATE audit_events SET seq = 3 WHERE seq = -2");
    let verdict = verify(&app, &auditor).await;
    assert_eq!(verdict["valid"], false);
    assert_eq!(verdict["checked"], 1);
}

#[actix_web::test]
async fn concurrent_appends_and_sealers_keep_one_chain() {
    let app = spawn_app().await;
    let url = app.settings.database_url();
    let threads: Vec<_> = (0..6)
        .map(|worker| {
            let url = url.clone();
            std::thread::spawn(move || {
                let pool = report_portal::db::connect(&url, 1, std::time::Duration::from_secs(30))
                    .unwrap();
                let mut conn = pool.get().unwrap();
                for n in 0..40 {
                    let event =
                        NewAuditEvent::command_line("test.append", &format!("{worker}-{n}"));
                    store::audit::append(&mut conn, &event).unwrap();
                    if n % 10 == 0 {
                        store::audit::seal(&mut conn).unwrap();
                    }
                }
                store::audit::seal(&mut conn).unwrap();
            })
        })
        .collect();
    for thread in threads {
        thread.join().unwrap();
    }
    let verdict = app.with_db(|conn| {
        store::audit::seal(conn).unwrap();
        store::audit::verify(conn).unwrap()
    });
    assert!(verdict.valid, "{verdict:?}");
    assert!(verdict.checked >= 240, "{verdict:?}");
}
