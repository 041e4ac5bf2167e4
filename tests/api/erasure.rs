//! Cryptographic erasure: the main database holds no plaintext of a report's free-text and
//! identifying fields, a copy of it taken before a purge cannot be read once the purge has
//! destroyed the report's key in the key store, a purge interrupted after destroying keys
//! completes when run again, and a master key rotation keeps every report and evidence file
//! readable without the old master key.

use chrono::{Duration, Utc};
use diesel::prelude::*;
use diesel::sql_types::{Nullable, Text};
use report_portal::db::DbConnection;
use report_portal::db::schema::reports;
use report_portal::domain::organization::CredentialMode;
use report_portal::domain::user::Role;
use serde_json::json;

use crate::helpers::{TestApp, expect, valid_report};
use crate::retention::{id_of, purge_at, retract, spawn, upload_evidence};

/// Texts of [`valid_report`], the note and the amendment that must never be stored in plaintext.
const PLAINTEXTS: &[&str] = &[
    "promising high pay",
    "@trabajo.seguro.fake",
    "Trabajo Seguro",
    "+52 33 5555 0100",
    "Se buscan j",
    "video.example.com/v/abc123",
    "Guadalajara",
    "analyst note: the recruiter reuses this number",
    "segunda cuenta",
];

/// Row text of every table of a PostgreSQL database.
#[derive(QueryableByName)]
struct Dump {
    #[diesel(sql_type = Nullable<Text>)]
    dump: Option<String>,
}

/// The bytes a backup of the main database taken now would hold: on SQLite a copy of the database
/// file (`VACUUM INTO`), on PostgreSQL every row of every table, as text.
fn backup(app: &TestApp) -> Vec<u8> {
    app.with_db(|conn| match conn {
        DbConnection::Sqlite(_) => {
            let copy = app
                .settings
                .data_dir
                .join(format!("backup-{}.db", uuid::Uuid::new_v4().simple()));
            diesel::sql_query(format!("VACUUM INTO '{}'", copy.display()))
                .execute(conn)
                .unwrap();
            std::fs::read(copy).unwrap()
        }
        DbConnection::Postgres(_) => {
            let tables: Vec<String> = diesel::sql_query(
                "SELECT table_name AS dump FROM information_schema.tables \
                 WHERE table_schema = 'public'",
            )
            .load::<Dump>(conn)
            .unwrap()
            .into_iter()
            .filter_map(|t| t.dump)
            .collect();
            let mut bytes = Vec::new();
            for table in tables {
                let rows = diesel::sql_query(format!(
                    "SELECT string_agg(row_to_json(t)::text, E'\\n') AS dump FROM \"{table}\" t"
                ))
                .get_result::<Dump>(conn)
                .unwrap();
                bytes.extend(rows.dump.unwrap_or_default().into_bytes());
            }
            bytes
        }
    })
}

fn contains(haystack: &[u8], needle: &str) -> bool {
    haystack
        .windows(needle.len())
        .any(|window| window == needle.as_bytes())
}

/// A report with a note and an amendment; answers its id and the reporter's token.
async fn report_with_note_and_amendment(app: &TestApp, supervisor: &str) -> (String, String) {
    let reporter = app.reporter(CredentialMode::Live).await;
    let id = id_of(&app.submit(&reporter.token, &valid_report()).await);
    let note = json!({"body": "analyst note: the recruiter reuses this number"});
    let notes = format!("/api/v1/review/reports/{id}/notes");
    expect(app.post_json(&notes, supervisor, &note).await, 201).await;
    let amendment = json!({"note": "the recruiter opened a segunda cuenta", "accounts": [{
        "platform_account_id": "2222", "handle": "@segunda cuenta", "role": "recruiter",
        "action_taken": "banned"
    }]});
    let amend = format!("/api/v1/reports/{id}/amendments");
    expect(
        app.post_json(&amend, &reporter.token, &amendment).await,
        201,
    )
    .await;
    (id, reporter.token)
}

/// The report's sealed body and data key id, as stored.
fn sealed_body(app: &TestApp, id: &str) -> (String, String) {
    app.with_db(|conn| {
        reports::table
            .find(id)
            .select((reports::body, reports::key_id))
            .first(conn)
            .unwrap()
    })
}

#[actix_web::test]
async fn a_copy_of_the_database_taken_before_a_purge_cannot_be_read_after_it() {
    let app = spawn().await;
    let (_, supervisor) = app.staff(Role::Supervisor).await;
    let (id, token) = report_with_note_and_amendment(&app, &supervisor).await;
    let (kept, _) = report_with_note_and_amendment(&app, &supervisor).await;
    let detail = expect(
        app.get(&format!("/api/v1/review/reports/{id}"), &supervisor)
            .await,
        200,
    )
    .await;
    assert_eq!(detail["notes"][0]["body"], PLAINTEXTS[7]);
    assert_eq!(
        detail["amendments"][0]["amendment"]["accounts"][0]["handle"],
        "@segunda cuenta"
    );
    retract(&app, &token, &id).await;

    let copy = backup(&app);
    assert!(
        contains(&copy, "Example Social Video"),
        "the copy holds what is not sealed (the service)"
    );
    for plaintext in PLAINTEXTS {
        assert!(
            !contains(&copy, plaintext),
            "{plaintext:?} stored in plaintext"
        );
    }
    let (body, key_id) = sealed_body(&app, &id);
    let place = format!("{id}/body");
    let keys = app.key_store();
    let opened = keys.fetch(&[&key_id]).unwrap()[&key_id]
        .open(&body, &place)
        .unwrap();
    assert!(
        opened.contains(PLAINTEXTS[0]),
        "the copy is readable while the key exists"
    );

    let done = purge_at(&app, Utc::now() + Duration::days(5)).await;
    assert_eq!(done.purged, 1, "{done:?}");
    assert!(
        keys.fetch(&[&key_id]).unwrap().is_empty(),
        "the purged report's key is gone from the key store"
    );
    let (_, kept_key_id) = sealed_body(&app, &kept);
    let other = keys.fetch(&[&kept_key_id]).unwrap();
    assert!(other[&kept_key_id].open(&body, &place).is_err());
    expect(
        app.get(&format!("/api/v1/review/reports/{kept}"), &supervisor)
            .await,
        200,
    )
    .await;
}

#[actix_web::test]
async fn a_purge_interrupted_after_destroying_the_keys_completes_when_run_again() {
    let app = spawn().await;
    let reporter = app.reporter(CredentialMode::Live).await;
    let (_, supervisor) = app.staff(Role::Supervisor).await;
    let mut ids = Vec::new();
    for _ in 0..3 {
        let id = id_of(&app.submit(&reporter.token, &valid_report()).await);
        upload_evidence(&app, &reporter.token, &id).await;
        retract(&app, &reporter.token, &id).await;
        ids.push(id);
    }
    // The purge's first step committed (the keys destroyed), then the process died.
    let key_ids: Vec<String> = ids.iter().map(|id| sealed_body(&app, id).1).collect();
    let key_refs: Vec<&str> = key_ids.iter().map(String::as_str).collect();
    assert_eq!(app.key_store().destroy(&key_refs).unwrap(), 3);
    // Until the purge runs again, the report is gone, though without its tombstone yet.
    let reader = format!("/api/v1/reports/{}", ids[0]);
    let halfway = expect(app.get(&reader, &reporter.token).await, 410).await;
    assert_eq!(halfway["type"], "urn:report-portal:problem:report-purged");
    let detail = format!("/api/v1/review/reports/{}", ids[1]);
    expect(app.get(&detail, &supervisor).await, 410).await;

    let done = purge_at(&app, Utc::now() + Duration::days(5)).await;
    assert_eq!((done.purged, done.evidence_deleted), (3, 3), "{done:?}");
    for id in &ids {
        let gone = app
            .get(&format!("/api/v1/review/reports/{id}"), &supervisor)
            .await;
        assert_eq!(gone.status(), 410);
    }
    let left: i64 = app.with_db(|conn| reports::table.count().get_result(conn).unwrap());
    assert_eq!(left, 0);
}

#[actix_web::test]
async fn transitions_notes_and_assignment_of_a_purged_report_answer_410() {
    let app = spawn().await;
    let reporter = app.reporter(CredentialMode::Live).await;
    let (_, supervisor) = app.staff(Role::Supervisor).await;
    let id = id_of(&app.submit(&reporter.token, &valid_report()).await);
    retract(&app, &reporter.token, &id).await;
    purge_at(&app, Utc::now() + Duration::days(5)).await;
    let base = format!("/api/v1/review/reports/{id}");
    for (path, body) in [
        (
            "transitions",
            json!({"to": "in_review", "reason": "triage"}),
        ),
        ("notes", json!({"body": "too late"})),
        ("assignment", json!({"assignee_id": null})),
    ] {
        let answer = app
            .post_json(&format!("{base}/{path}"), &supervisor, &body)
            .await;
        assert_eq!(answer.status(), 410, "{path}");
    }
    let auditor = app.staff_token(Role::Auditor).await;
    let purges = expect(
        app.get("/api/v1/audit/events?action=report.purge", &auditor)
            .await,
        200,
    )
    .await;
    assert_eq!(purges["items"][0]["actor"], "system:retention");
}

#[actix_web::test]
async fn a_master_key_rotation_keeps_every_report_and_file_readable_without_the_old_key() {
    let app = spawn().await;
    let (_, supervisor) = app.staff(Role::Supervisor).await;
    let (id, token) = report_with_note_and_amendment(&app, &supervisor).await;
    upload_evidence(&app, &token, &id).await;
    let path = format!("/api/v1/review/reports/{id}");
    let before = expect(app.get(&path, &supervisor).await, 200).await;
    let evidence = format!(
        "{path}/evidence/{}",
        before["evidence"][0]["id"].as_str().unwrap()
    );
    let file = app.get(&evidence, &supervisor).await.bytes().await.unwrap();

    let rotated = crate::cli::run(&app, &["keys", "rotate"]);
    assert_eq!(rotated["master_key_id"], 2, "{rotated}");
    assert_eq!(rotated["retired"], json!([1]), "{rotated}");
    assert!(rotated["rewrapped"].as_u64().unwrap() >= 1, "{rotated}");
    let master = app.settings.master_key_path();
    assert!(!master.join("1.key").exists());
    assert!(master.join("2.key").exists());

    // The running server reads every report and file, and stores new ones.
    let mut after = expect(app.get(&path, &supervisor).await, 200).await;
    after["timeline"] = before["timeline"].clone();
    assert_eq!(after, before);
    let again = app.get(&evidence, &supervisor).await.bytes().await.unwrap();
    assert_eq!(again, file);
    let reporter = app.reporter(CredentialMode::Live).await;
    let new = id_of(&app.submit(&reporter.token, &valid_report()).await);
    // A process started now, with only the new master key, opens every key.
    let key_ids: Vec<String> = [&id, &new]
        .iter()
        .map(|id| sealed_body(&app, id).1)
        .collect();
    let key_refs: Vec<&str> = key_ids.iter().map(String::as_str).collect();
    assert_eq!(app.key_store().fetch(&key_refs).unwrap().len(), 2);
}
