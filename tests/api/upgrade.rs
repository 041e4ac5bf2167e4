//! A database written before the compact storage model (migration `compact_storage`) opens after
//! the upgrade with every report, amendment, evidence file, audit event and statistic intact, and
//! its reports are found by the words they were indexed under.

use base64::Engine;
use base64::engine::general_purpose::STANDARD as BASE64;
use diesel::migration::MigrationSource;
use diesel::prelude::*;
use diesel_migrations::{EmbeddedMigrations, MigrationHarness, embed_migrations};
use report_portal::db::DbConnection;
use report_portal::db::schema::{report_amendments, reports};
use report_portal::domain::lifecycle::NewAmendment;
use report_portal::domain::organization::CredentialMode;
use report_portal::domain::report::NewReport;
use report_portal::domain::search::words;
use report_portal::domain::user::Role;
use report_portal::keys::place;
use serde_json::{Value, json};

use crate::helpers::{TestApp, expect, valid_report};
use crate::retention::{id_of, spawn, upload_evidence};

const SQLITE_MIGRATIONS: EmbeddedMigrations = embed_migrations!("migrations/sqlite");
const POSTGRES_MIGRATIONS: EmbeddedMigrations = embed_migrations!("migrations/postgres");

/// Undoes migration `compact_storage` and stores every report's body and search words as the
/// code before it did: the body sealed uncompressed, base64 text; one row per word, keyed by the
/// word's HMAC-SHA256 in hex and the report's id. Answers how many migrations it undid (it and
/// those after it).
fn store_as_before_compact_storage(app: &TestApp) -> usize {
    fn revert<C, DB>(conn: &mut C, source: EmbeddedMigrations) -> usize
    where
        DB: diesel::backend::Backend,
        C: MigrationHarness<DB>,
        EmbeddedMigrations: MigrationSource<DB>,
    {
        // Newer migrations first, down to compact_storage itself.
        let migrations = MigrationSource::<DB>::migrations(&source).unwrap();
        let start = migrations
            .iter()
            .position(|m| m.name().to_string().ends_with("_compact_storage"))
            .unwrap();
        for migration in migrations[start..].iter().rev() {
            conn.revert_migration(migration.as_ref()).unwrap();
        }
        migrations.len() - start
    }
    let keys = app.key_store();
    let hasher = report_portal::state::load_word_hasher(&app.settings).unwrap();
    app.with_db(|conn| {
        let stored: Vec<(String, Vec<u8>, String)> = reports::table
            .select((reports::id, reports::body, reports::key_id))
            .load(conn)
            .unwrap();
        let amendments: Vec<(String, i32, String)> = report_amendments::table
            .select((
                report_amendments::report_id,
                report_amendments::number,
                report_amendments::body,
            ))
            .load(conn)
            .unwrap();
        let reverted = match conn {
            DbConnection::Sqlite(c) => revert(c, SQLITE_MIGRATIONS),
            DbConnection::Postgres(c) => revert(c, POSTGRES_MIGRATIONS),
        };
        for (id, sealed, key_id) in stored {
            let key = &keys.fetch(&[&key_id]).unwrap()[&key_id];
            let body = key.open_body(&sealed, &place(&id, "body")).unwrap();
            let report: NewReport = serde_json::from_str(&body).unwrap();
            let mut texts: Vec<String> = report.searchable_texts().map(str::to_owned).collect();
            for (_, number, sealed) in amendments.iter().filter(|a| a.0 == id) {
                let place = place(&id, &format!("amendment/{number}"));
                let amendment: NewAmendment =
                    serde_json::from_str(&key.open(sealed, &place).unwrap()).unwrap();
                texts.extend(amendment.searchable_texts().map(str::to_owned));
            }
            let mut hashes: Vec<String> = texts
                .iter()
                .flat_map(|t| words(t))
                .map(|w| hasher.hash(&w))
                .collect();
            hashes.sort();
            hashes.dedup();
            for hash in hashes {
                diesel::sql_query(format!(
                    "INSERT INTO report_words (word_hash, report_id) VALUES ('{hash}', '{id}')"
                ))
                .execute(conn)
                .unwrap();
            }
            let before =
                BASE64.encode(BASE64.decode(key.seal(&body, &place(&id, "body"))).unwrap());
            diesel::sql_query(format!(
                "UPDATE reports SET body = '{before}' WHERE id = '{id}'"
            ))
            .execute(conn)
            .unwrap();
        }
        reverted
    })
}

/// What the analysts, auditors and statistics readers see of the database.
async fn everything_shown(app: &TestApp, ids: &[String], staff: &str) -> Vec<Value> {
    let mut shown = Vec::new();
    for id in ids {
        let path = format!("/api/v1/review/reports/{id}");
        shown.push(expect(app.get(&path, staff).await, 200).await);
        let path = format!("/api/v1/review/reports/{id}/related");
        shown.push(expect(app.get(&path, staff).await, 200).await);
    }
    for query in [
        "q=JALISCO",
        "q=segunda%20cuenta",
        "q=jalisco%20segunda",
        "q=nowhere",
    ] {
        let path = format!("/api/v1/review/reports?{query}");
        let page = expect(app.get(&path, staff).await, 200).await;
        let found: Vec<&Value> = page["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| &r["id"])
            .collect();
        shown.push(json!({query: found}));
    }
    let path = "/api/v1/stats/summary?from=2020-01-01&to=2030-01-01";
    shown.push(expect(app.get(path, staff).await, 200).await);
    shown
}

#[actix_web::test]
async fn a_database_of_the_previous_storage_model_opens_after_the_upgrade_with_everything_intact() {
    let app = spawn().await;
    let (_, supervisor) = app.staff(Role::Supervisor).await;
    let (_, auditor) = app.staff(Role::Auditor).await;
    let reporter = app.reporter(CredentialMode::Live).await;
    let first = id_of(&app.submit(&reporter.token, &valid_report()).await);
    let second = id_of(&app.submit(&reporter.token, &valid_report()).await);
    let amendment = json!({"note": "a second account",
        "accounts": [{"platform_account_id": "2222", "handle": "@segunda", "role": "recruiter",
                      "action_taken": "banned"}],
        "content": [{"content_type": "post", "text_excerpt": "Desde la segunda cuenta",
                     "account_ref": "2222", "preserved": true, "removed": true}]});
    let amend = format!("/api/v1/reports/{second}/amendments");
    expect(
        app.post_json(&amend, &reporter.token, &amendment).await,
        201,
    )
    .await;
    upload_evidence(&app, &reporter.token, &second).await;
    let ids = [first.clone(), second.clone()];
    let before = everything_shown(&app, &ids, &supervisor).await;
    assert_eq!(before[4], json!({"q=JALISCO": [&second, &first]}));
    assert_eq!(before[5], json!({"q=segunda%20cuenta": [&second]}));
    assert_eq!(before[7], json!({"q=nowhere": []}));
    let audit_before = app.audit_events(&auditor, "").await;

    let reverted = store_as_before_compact_storage(&app);
    let migrated = crate::cli::run(&app, &["migrate"]);
    assert_eq!(migrated["applied"], reverted, "{migrated}");

    let after = everything_shown(&app, &ids, &supervisor).await;
    assert_eq!(after, before);
    let audit_after = app.audit_events(&auditor, "").await;
    for event in &audit_before {
        assert!(audit_after.contains(event), "{event} is kept");
    }
    let verified = crate::cli::run(&app, &["audit", "verify"]);
    assert_eq!(verified["valid"], true, "{verified}");
    // New reports are numbered on after the migrated ones and found alike.
    let third = id_of(&app.submit(&reporter.token, &valid_report()).await);
    let page = expect(
        app.get("/api/v1/review/reports?q=jalisco", &supervisor)
            .await,
        200,
    )
    .await;
    let found: Vec<&str> = page["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["id"].as_str().unwrap())
        .collect();
    assert_eq!(found, [&third, &second, &first]);
}

/// Whether the SQLite database has the marker table of migration `body_upgrade_marker`.
fn body_upgrade_marked(conn: &mut DbConnection) -> bool {
    diesel::select(diesel::dsl::sql::<diesel::sql_types::BigInt>(
        "(SELECT count(*) FROM sqlite_master WHERE name = 'body_upgrade_marker')",
    ))
    .get_result::<i64>(conn)
    .unwrap()
        > 0
}

#[actix_web::test]
async fn starts_after_the_bodies_were_upgraded_look_through_no_report() {
    let app = spawn().await;
    let reporter = app.reporter(CredentialMode::Live).await;
    let id = id_of(&app.submit(&reporter.token, &valid_report()).await);
    let typeof_body = |app: &TestApp| {
        app.with_db(|conn| {
            diesel::select(diesel::dsl::sql::<diesel::sql_types::Text>(&format!(
                "(SELECT CAST(typeof(body) AS TEXT) FROM reports WHERE id = '{id}')"
            )))
            .get_result::<String>(conn)
            .unwrap()
        })
    };
    if app.with_db(|conn| matches!(conn, DbConnection::Postgres(_))) {
        // PostgreSQL's bodies were converted by migration `compact_storage` itself (its column
        // holds bytes only): nothing is marked, nothing looks.
        return;
    }
    // The first start looked once and dropped the marker.
    assert!(!app.with_db(body_upgrade_marked));
    // A base64 body now (none can be, short of a hand edit) is left alone: nothing looks.
    app.with_db(|conn| {
        let body: Vec<u8> = reports::table
            .find(&id)
            .select(reports::body)
            .first(conn)
            .unwrap();
        diesel::update(reports::table.find(&id))
            .set(reports::body.eq(BASE64.encode(body).into_bytes()))
            .execute(conn)
            .unwrap();
        diesel::sql_query(format!(
            "UPDATE reports SET body = CAST(body AS TEXT) WHERE id = '{id}'"
        ))
        .execute(conn)
        .unwrap();
    });
    assert_eq!(typeof_body(&app), "text");
    crate::cli::run(&app, &["migrate"]);
    assert_eq!(
        typeof_body(&app),
        "text",
        "no start looks without the marker"
    );
    // Marked, the next start rewrites it and drops the marker.
    app.with_db(|conn| {
        diesel::sql_query("CREATE TABLE body_upgrade_marker (id INTEGER PRIMARY KEY)")
            .execute(conn)
            .unwrap()
    });
    crate::cli::run(&app, &["migrate"]);
    assert_eq!(typeof_body(&app), "blob");
    assert!(!app.with_db(body_upgrade_marked));
    let (_, supervisor) = app.staff(Role::Supervisor).await;
    expect(
        app.get(&format!("/api/v1/review/reports/{id}"), &supervisor)
            .await,
        200,
    )
    .await;
}
