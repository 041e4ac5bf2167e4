//! Cryptographic erasure: the main database holds no plaintext of a report's free-text and
//! identifying fields (the body's, and every other free text about the report, also when a
//! migration sealed it in an existing database), a copy of it taken before a purge cannot be
//! read once the purge has destroyed the report's key in the key store, a purge interrupted
//! after destroying keys completes when run again, and a master key rotation keeps every report
//! and evidence file readable without the old master key.

use chrono::{Duration, Utc};
use diesel::migration::MigrationSource;
use diesel::prelude::*;
use diesel::sql_types::{Nullable, Text};
use diesel_migrations::{EmbeddedMigrations, MigrationHarness, embed_migrations};
use report_portal::db::DbConnection;
use report_portal::db::schema::reports;
use report_portal::domain::organization::CredentialMode;
use report_portal::domain::user::Role;
use report_portal::store::sealed::FreeText;
use reqwest::Method;
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
fn sealed_body(app: &TestApp, id: &str) -> (Vec<u8>, String) {
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
        .open_body(&body, &place)
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
    assert!(other[&kept_key_id].open_body(&body, &place).is_err());
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

/// One unique marker in each free text about a report outside its body, amendments and notes.
mod marker {
    pub const EVIDENCE_DESCRIPTION: &str = "MarkerEvidenceDescriptionQ7";
    pub const TRANSITION_REASON: &str = "MarkerTransitionReasonQ7";
    pub const RETRACTION_REASON: &str = "MarkerRetractionReasonQ7";
    pub const HOLD_REASON: &str = "MarkerHoldReasonQ7";
    pub const RELEASE_REASON: &str = "MarkerReleaseReasonQ7";
    pub const REFERRAL_AGENCY: &str = "MarkerReferralAgencyQ7";
    pub const REFERRAL_REFERENCE: &str = "MarkerReferralReferenceQ7";
    pub const NOTE: &str = "MarkerNoteQ7";
    pub const CATEGORY_OTHER: &str = "MarkerCategoryOtherQ7";
    pub const PRESERVATION_REFERENCE: &str = "MarkerPreservationReferenceQ7";
    pub const ALL: [&str; 10] = [
        EVIDENCE_DESCRIPTION,
        TRANSITION_REASON,
        RETRACTION_REASON,
        HOLD_REASON,
        RELEASE_REASON,
        REFERRAL_AGENCY,
        REFERRAL_REFERENCE,
        NOTE,
        CATEGORY_OTHER,
        PRESERVATION_REFERENCE,
    ];
}

/// Row text of every column of every table of the main database, read through diesel, and on
/// SQLite the database file's own bytes after a checkpoint (free pages included).
fn every_stored_text(app: &TestApp) -> Vec<u8> {
    app.with_db(|conn| {
        let sqlite = matches!(conn, DbConnection::Sqlite(_));
        let list_tables = match sqlite {
            true => "SELECT name AS dump FROM sqlite_master WHERE type = 'table'",
            false => {
                "SELECT table_name AS dump FROM information_schema.tables \
                 WHERE table_schema = 'public'"
            }
        };
        let tables: Vec<String> = diesel::sql_query(list_tables)
            .load::<Dump>(conn)
            .unwrap()
            .into_iter()
            .filter_map(|t| t.dump)
            .collect();
        let mut bytes = Vec::new();
        for table in tables {
            let every_row = match sqlite {
                // Each column's values, as text (bytes in hex), one query a column.
                true => diesel::sql_query(format!(
                    "SELECT name AS dump FROM pragma_table_info('{table}')"
                ))
                .load::<Dump>(conn)
                .unwrap()
                .into_iter()
                .filter_map(|c| c.dump)
                .map(|column| {
                    format!(
                        "SELECT group_concat(CASE typeof(\"{column}\") WHEN 'blob' \
                         THEN hex(\"{column}\") ELSE CAST(\"{column}\" AS TEXT) END, \
                         char(10)) AS dump \
                         FROM \"{table}\""
                    )
                })
                .collect(),
                false => vec![format!(
                    "SELECT string_agg(row_to_json(t)::text, E'\\n') AS dump FROM \"{table}\" t"
                )],
            };
            for query in every_row {
                let rows = diesel::sql_query(query).get_result::<Dump>(conn).unwrap();
                bytes.extend(rows.dump.unwrap_or_default().into_bytes());
            }
        }
        if sqlite {
            diesel::sql_query("PRAGMA wal_checkpoint(TRUNCATE)")
                .execute(conn)
                .unwrap();
            let file = app.settings.database_url();
            bytes.extend(std::fs::read(&file).unwrap());
            bytes.extend(std::fs::read(format!("{file}-wal")).unwrap_or_default());
        }
        bytes
    })
}

/// Uploads a small PNG with `description` as evidence of `report_id`; answers the evidence as
/// the submitter sees it (`status` 201 when new, 200 when the report already had the file).
async fn upload_described(
    app: &TestApp,
    token: &str,
    report_id: &str,
    description: &str,
    status: u16,
) -> serde_json::Value {
    let png = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDRdescribed image bytes".to_vec();
    let form = reqwest::multipart::Form::new()
        .text("description", description.to_owned())
        .part(
            "file",
            reqwest::multipart::Part::bytes(png)
                .file_name("capture.png")
                .mime_str("image/png")
                .unwrap(),
        );
    let response = app
        .client
        .post(format!(
            "{}/api/v1/reports/{report_id}/evidence",
            app.address
        ))
        .bearer_auth(token)
        .multipart(form)
        .send()
        .await
        .unwrap();
    expect(response, status).await
}

/// Two reports with every free text outside the body set to a [`marker`]: the first referred
/// and released (its hold placed and lifted), the second retracted. Answers their ids, the
/// reporter's token and a supervisor's token.
async fn reports_with_every_free_text(app: &TestApp) -> (String, String, String, String) {
    let reporter = app.reporter(CredentialMode::Live).await;
    let (_, supervisor) = app.staff(Role::Supervisor).await;
    let mut report = valid_report();
    report["category"] = json!("other");
    report["category_other"] = json!(marker::CATEGORY_OTHER);
    report["preservation_reference"] = json!(marker::PRESERVATION_REFERENCE);
    let referred = id_of(&app.submit(&reporter.token, &report).await);
    let described = upload_described(
        app,
        &reporter.token,
        &referred,
        marker::EVIDENCE_DESCRIPTION,
        201,
    )
    .await;
    assert_eq!(described["description"], marker::EVIDENCE_DESCRIPTION);
    let base = format!("/api/v1/review/reports/{referred}");
    let note = json!({"body": marker::NOTE});
    expect(
        app.post_json(&format!("{base}/notes"), &supervisor, &note)
            .await,
        201,
    )
    .await;
    let hold = json!({"reason": marker::HOLD_REASON});
    expect(
        app.post_json(&format!("{base}/hold"), &supervisor, &hold)
            .await,
        200,
    )
    .await;
    app.move_report(
        &supervisor,
        &referred,
        json!({"to": "in_review", "reason": marker::TRANSITION_REASON}),
    )
    .await;
    app.move_report(
        &supervisor,
        &referred,
        json!({"to": "referred", "reason": "for the agency", "referral":
            {"agency": marker::REFERRAL_AGENCY, "reference": marker::REFERRAL_REFERENCE}}),
    )
    .await;
    let release = json!({"reason": marker::RELEASE_REASON});
    expect(
        app.post_json(&format!("{base}/release"), &supervisor, &release)
            .await,
        200,
    )
    .await;

    let retracted = id_of(&app.submit(&reporter.token, &valid_report()).await);
    let path = format!("/api/v1/reports/{retracted}/retraction");
    let reason = json!({"reason": marker::RETRACTION_REASON});
    expect(app.post_json(&path, &reporter.token, &reason).await, 200).await;
    (referred, retracted, reporter.token, supervisor)
}

/// The reasons on a report's timeline, as analysts see them.
fn timeline_reasons(detail: &serde_json::Value) -> Vec<&str> {
    detail["timeline"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|event| event["reason"].as_str())
        .collect()
}

/// Analysts and the submitter see every free text of [`reports_with_every_free_text`] as sent.
async fn assert_free_text_shown(
    app: &TestApp,
    (referred, retracted, token, supervisor): &(String, String, String, String),
) {
    let detail = expect(
        app.get(&format!("/api/v1/review/reports/{referred}"), supervisor)
            .await,
        200,
    )
    .await;
    assert_eq!(
        detail["evidence"][0]["description"],
        marker::EVIDENCE_DESCRIPTION
    );
    assert_eq!(detail["notes"][0]["body"], marker::NOTE);
    assert_eq!(detail["referral"]["agency"], marker::REFERRAL_AGENCY);
    assert_eq!(detail["referral"]["reference"], marker::REFERRAL_REFERENCE);
    assert_eq!(detail["report"]["category_other"], marker::CATEGORY_OTHER);
    assert_eq!(
        detail["report"]["preservation_reference"],
        marker::PRESERVATION_REFERENCE
    );
    assert_eq!(detail["legal_hold"]["reason"], marker::HOLD_REASON);
    let reasons = timeline_reasons(&detail);
    for reason in [
        marker::HOLD_REASON,
        marker::TRANSITION_REASON,
        marker::RELEASE_REASON,
    ] {
        assert!(reasons.contains(&reason), "{reason} in {reasons:?}");
    }
    let referral = detail["timeline"]
        .as_array()
        .unwrap()
        .iter()
        .find(|event| event["to"] == "referred")
        .unwrap();
    assert_eq!(
        referral["detail"]["referral"]["reference"],
        marker::REFERRAL_REFERENCE
    );
    let withdrawn = expect(
        app.get(&format!("/api/v1/review/reports/{retracted}"), supervisor)
            .await,
        200,
    )
    .await;
    assert!(timeline_reasons(&withdrawn).contains(&marker::RETRACTION_REASON));

    let own = expect(
        app.get(&format!("/api/v1/reports/{referred}"), token).await,
        200,
    )
    .await;
    assert_eq!(own["report"]["category_other"], marker::CATEGORY_OTHER);
    assert_eq!(
        own["report"]["preservation_reference"],
        marker::PRESERVATION_REFERENCE
    );
    let again = upload_described(app, token, referred, "sent again", 200).await;
    assert_eq!(again["description"], marker::EVIDENCE_DESCRIPTION);
}

/// Asserts that no [`marker`] is stored in plaintext anywhere in the main database.
fn assert_no_marker_stored(app: &TestApp) {
    let stored = every_stored_text(app);
    for text in marker::ALL {
        assert!(!contains(&stored, text), "{text:?} stored in plaintext");
    }
}

/// Every sealed free text of `report_id` outside its body, opened with its data key while the
/// key store still holds it; answers the texts and the key's id.
fn open_sealed_free_text(app: &TestApp, report_id: &str) -> (Vec<String>, String) {
    use report_portal::db::schema::{report_events, report_evidence, report_holds};
    let (key_id, referral, holds, events, evidence) = app.with_db(|conn| {
        let (key_id, referral): (String, Option<String>) = reports::table
            .find(report_id)
            .select((reports::key_id, reports::sealed_referral))
            .first(conn)
            .unwrap();
        let holds: Vec<String> = report_holds::table
            .filter(report_holds::report_id.eq(report_id))
            .select(report_holds::sealed_reason)
            .load(conn)
            .unwrap();
        let events: Vec<(String, Option<String>, Option<String>)> = report_events::table
            .filter(report_events::report_id.eq(report_id))
            .select((
                report_events::id,
                report_events::sealed_reason,
                report_events::sealed_detail,
            ))
            .load(conn)
            .unwrap();
        let evidence: Vec<(String, Option<String>)> = report_evidence::table
            .filter(report_evidence::report_id.eq(report_id))
            .select((report_evidence::id, report_evidence::sealed_description))
            .load(conn)
            .unwrap();
        (key_id, referral, holds, events, evidence)
    });
    let keys = app.key_store().fetch(&[&key_id]).unwrap();
    let key = &keys[&key_id];
    let mut sealed: Vec<(FreeText<'_>, String)> = Vec::new();
    sealed.extend(referral.map(|text| (FreeText::Referral, text)));
    sealed.extend(holds.into_iter().map(|text| (FreeText::HoldReason, text)));
    for (id, reason, detail) in &events {
        sealed.extend(reason.clone().map(|text| (FreeText::EventReason(id), text)));
        sealed.extend(detail.clone().map(|text| (FreeText::EventDetail(id), text)));
    }
    for (id, description) in &evidence {
        sealed.extend(
            description
                .clone()
                .map(|text| (FreeText::EvidenceDescription(id), text)),
        );
    }
    let opened = sealed
        .into_iter()
        .map(|(free_text, text)| free_text.open(key, report_id, &text).unwrap())
        .collect();
    (opened, key_id)
}

#[actix_web::test]
async fn free_text_outside_the_body_is_sealed_shown_as_before_and_unreadable_after_a_purge() {
    let app = spawn().await;
    let reports = reports_with_every_free_text(&app).await;
    assert_free_text_shown(&app, &reports).await;
    assert_no_marker_stored(&app);

    // Each marker outside the body is sealed in its own column, under its report's key.
    let (referred, retracted, _, supervisor) = &reports;
    let (mut opened, referred_key) = open_sealed_free_text(&app, referred);
    let (withdrawn, retracted_key) = open_sealed_free_text(&app, retracted);
    opened.extend(withdrawn);
    for text in marker::ALL {
        let in_body = [
            marker::NOTE,
            marker::CATEGORY_OTHER,
            marker::PRESERVATION_REFERENCE,
        ];
        assert!(
            in_body.contains(&text) || opened.iter().any(|o| o.contains(text)),
            "{text:?} not among the sealed texts {opened:?}"
        );
    }

    let hold = format!("/api/v1/review/reports/{referred}/hold");
    expect(
        app.send(Method::DELETE, &hold, Some(supervisor), None)
            .await,
        200,
    )
    .await;
    let copy = backup(&app);
    let done = purge_at(&app, Utc::now() + Duration::days(6)).await;
    assert_eq!(done.purged, 2, "{done:?}");
    let keys = app.key_store();
    assert!(
        keys.fetch(&[&referred_key, &retracted_key])
            .unwrap()
            .is_empty(),
        "the keys that sealed the free text are gone"
    );
    for text in marker::ALL {
        assert!(!contains(&copy, text), "{text:?} in the copy taken before");
    }
    for id in [referred, retracted] {
        let path = format!("/api/v1/review/reports/{id}");
        expect(app.get(&path, supervisor).await, 410).await;
    }
}

/// The main database's migrations, as the server embeds them.
const SQLITE_MIGRATIONS: EmbeddedMigrations = embed_migrations!("migrations/sqlite");
const POSTGRES_MIGRATIONS: EmbeddedMigrations = embed_migrations!("migrations/postgres");

/// Undoes migration `000014_sealed_free_text` (its plaintext columns come back empty, the sealed
/// ones are dropped) and writes the reports' free text into the plaintext columns as the code
/// before it stored them: a database deployed before the migration.
fn store_free_text_as_before_sealing(app: &TestApp, referred: &str) {
    fn revert<C, DB>(conn: &mut C, source: EmbeddedMigrations)
    where
        DB: diesel::backend::Backend,
        C: MigrationHarness<DB>,
        EmbeddedMigrations: MigrationSource<DB>,
    {
        let migrations = MigrationSource::<DB>::migrations(&source).unwrap();
        let sealing = migrations
            .iter()
            .find(|m| m.name().to_string().ends_with("000014_sealed_free_text"))
            .unwrap();
        conn.revert_migration(sealing.as_ref()).unwrap();
    }
    let referral = format!(
        r#"{{"referral":{{"agency":"{}","reference":"{}"}},"resolution":null}}"#,
        marker::REFERRAL_AGENCY,
        marker::REFERRAL_REFERENCE
    );
    let statements = [
        format!(
            "UPDATE report_evidence SET description = '{}'",
            marker::EVIDENCE_DESCRIPTION
        ),
        format!(
            "UPDATE report_events SET reason = CASE kind WHEN 'hold' THEN '{}' \
             WHEN 'release' THEN '{}' WHEN 'retraction' THEN '{}' ELSE reason END",
            marker::HOLD_REASON,
            marker::RELEASE_REASON,
            marker::RETRACTION_REASON
        ),
        format!(
            "UPDATE report_events SET reason = '{}', \
             detail = '{{\"referral\":null,\"resolution\":null}}' \
             WHERE kind = 'transition' AND to_status = 'in_review'",
            marker::TRANSITION_REASON
        ),
        format!(
            "UPDATE report_events SET reason = 'for the agency', detail = '{referral}' \
             WHERE kind = 'transition' AND to_status = 'referred'"
        ),
        format!("UPDATE report_holds SET reason = '{}'", marker::HOLD_REASON),
        format!(
            "UPDATE reports SET referral_agency = '{}', referral_reference = '{}', \
             category_other = '{}', preservation_reference = '{}' WHERE id = '{referred}'",
            marker::REFERRAL_AGENCY,
            marker::REFERRAL_REFERENCE,
            marker::CATEGORY_OTHER,
            marker::PRESERVATION_REFERENCE
        ),
    ];
    app.with_db(|conn| {
        match conn {
            DbConnection::Sqlite(c) => revert(c, SQLITE_MIGRATIONS),
            DbConnection::Postgres(c) => revert(c, POSTGRES_MIGRATIONS),
        }
        for statement in &statements {
            diesel::sql_query(statement).execute(conn).unwrap();
        }
    });
}

#[actix_web::test]
async fn free_text_stored_before_the_sealing_migration_is_sealed_by_it_and_still_shown() {
    let app = spawn().await;
    let reports = reports_with_every_free_text(&app).await;
    store_free_text_as_before_sealing(&app, &reports.0);
    let stored = every_stored_text(&app);
    assert!(
        contains(&stored, marker::HOLD_REASON),
        "the old plaintext is in place"
    );

    let migrated = crate::cli::run(&app, &["migrate"]);
    assert_eq!(migrated["applied"], 1, "{migrated}");
    assert_no_marker_stored(&app);
    let set_aside: i64 = app.with_db(|conn| {
        report_portal::db::schema::free_text_to_seal::table
            .count()
            .get_result(conn)
            .unwrap()
    });
    assert_eq!(set_aside, 0, "every text set aside was sealed");
    assert_free_text_shown(&app, &reports).await;
}
