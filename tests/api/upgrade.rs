//! A database written before the compact storage model (migration `compact_storage`) opens after
//! the upgrade with every report, amendment, evidence file, audit event and statistic intact, and
//! its reports are found by the words they were indexed under; so do databases of each later
//! change of the stored form (normalized copies, the correlation index, events stored whole,
//! SQLite's words indexed by report, the rollups keyed by dimension, the months folded).

use base64::Engine;
use base64::engine::general_purpose::STANDARD as BASE64;
use diesel::migration::MigrationSource;
use diesel::prelude::*;
use diesel::sql_types::Text;
use diesel_migrations::{EmbeddedMigrations, MigrationHarness, embed_migrations};
use report_portal::db::DbConnection;
use report_portal::db::schema::{report_amendments, reports};
use report_portal::domain::lifecycle::NewAmendment;
use report_portal::domain::organization::CredentialMode;
use report_portal::domain::report::NewReport;
use report_portal::domain::search::words;
use report_portal::domain::user::Role;
use report_portal::domain::webhooks::Event;
use report_portal::keys::place;
use reqwest::Method;
use serde_json::{Value, json};

use crate::helpers::{TestApp, expect, valid_report};
use crate::retention::{id_of, spawn, upload_evidence};

const SQLITE_MIGRATIONS: EmbeddedMigrations = embed_migrations!("migrations/sqlite");
const POSTGRES_MIGRATIONS: EmbeddedMigrations = embed_migrations!("migrations/postgres");

/// Undoes the migration named `name` and every one after it, newest first, on either backend.
/// Answers how many it undid.
fn revert_down_to(conn: &mut DbConnection, name: &str) -> usize {
    fn revert<C, DB>(conn: &mut C, source: EmbeddedMigrations, name: &str) -> usize
    where
        DB: diesel::backend::Backend,
        C: MigrationHarness<DB>,
        EmbeddedMigrations: MigrationSource<DB>,
    {
        let migrations = MigrationSource::<DB>::migrations(&source).unwrap();
        let start = migrations
            .iter()
            .position(|m| m.name().to_string().ends_with(&format!("_{name}")))
            .unwrap();
        for migration in migrations[start..].iter().rev() {
            conn.revert_migration(migration.as_ref()).unwrap();
        }
        migrations.len() - start
    }
    match conn {
        DbConnection::Sqlite(c) => revert(c, SQLITE_MIGRATIONS, name),
        DbConnection::Postgres(c) => revert(c, POSTGRES_MIGRATIONS, name),
    }
}

/// Undoes migration `compact_storage` and stores every report's body and search words as the
/// code before it did: the body sealed uncompressed, base64 text; one row per word, keyed by the
/// word's HMAC-SHA256 in hex and the report's id. Answers how many migrations it undid (it and
/// those after it).
fn store_as_before_compact_storage(app: &TestApp) -> usize {
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
        let reverted = revert_down_to(conn, "compact_storage");
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

/// Submits two reports as `token`'s reporter and amends the second with an account and a
/// post of its own ("@segunda", "Desde la segunda cuenta"); answers their ids.
async fn two_reports_the_second_amended(app: &TestApp, token: &str) -> (String, String) {
    let first = id_of(&app.submit(token, &valid_report()).await);
    let second = id_of(&app.submit(token, &valid_report()).await);
    let amendment = json!({"note": "a second account",
        "accounts": [{"platform_account_id": "2222", "handle": "@segunda", "role": "recruiter",
                      "action_taken": "banned"}],
        "content": [{"content_type": "post", "text_excerpt": "Desde la segunda cuenta",
                     "account_ref": "2222", "preserved": true, "removed": true}]});
    app.amend(token, &second, &amendment).await;
    (first, second)
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
    let (first, second) = two_reports_the_second_amended(&app, &reporter.token).await;
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

/// Undoes migration `body_only_copies` (and any after it) and stores the suspected groups and
/// the normalized copies of accounts, content items and locations as the code before it did
/// (keyed by the report's id). Answers how many migrations it undid.
fn store_as_before_body_only_copies(app: &TestApp, reports_written: &[(String, Value)]) -> usize {
    app.with_db(|conn| {
        let reverted = revert_down_to(conn, "body_only_copies");
        let statements = |id: &str, report: &Value| {
            let mut sql = vec![format!("DELETE FROM report_groups WHERE report_id = '{id}'")];
            for code in report["suspected_groups"].as_array().unwrap() {
                sql.push(format!(
                    "INSERT INTO report_groups (report_id, code) VALUES ('{id}', '{}')",
                    code.as_str().unwrap()
                ));
            }
            for code in report["indicators"].as_array().unwrap() {
                sql.push(format!(
                    "INSERT INTO report_indicators (report_id, code) VALUES ('{id}', '{}')",
                    code.as_str().unwrap()
                ));
            }
            sql.push(format!(
                "INSERT INTO report_accounts (report_id, position, platform_account_id, role, \
                 action_taken) VALUES ('{id}', 0, '{}', 'recruiter', 'suspended')",
                "0".repeat(64)
            ));
            sql.push(format!(
                "INSERT INTO report_contact_handles (report_id, account_position, position, kind) \
                 VALUES ('{id}', 0, 0, 'whatsapp')"
            ));
            sql.push(format!(
                "INSERT INTO report_content (report_id, position, content_type, preserved, removed) \
                 VALUES ('{id}', 0, 'video', TRUE, TRUE)"
            ));
            sql.push(format!(
                "INSERT INTO report_locations (report_id, position, country) VALUES ('{id}', 0, 'MX')"
            ));
            sql
        };
        for (id, report) in reports_written {
            for statement in statements(id, report) {
                diesel::sql_query(statement).execute(conn).unwrap();
            }
        }
        reverted
    })
}

/// The review list's ids for `query`.
async fn listed(app: &TestApp, staff: &str, query: &str) -> Vec<String> {
    let path = format!("/api/v1/review/reports?{query}");
    let page = expect(app.get(&path, staff).await, 200).await;
    page["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["id"].as_str().unwrap().to_owned())
        .collect()
}

#[actix_web::test]
async fn reports_stored_with_normalized_copies_filter_amend_and_take_evidence_after_the_upgrade() {
    let app = spawn().await;
    let (_, supervisor) = app.staff(Role::Supervisor).await;
    let reporter = app.reporter(CredentialMode::Live).await;
    let mut other = valid_report();
    other["suspected_groups"] = json!(["sinaloa"]);
    let written = vec![valid_report(), other];
    let mut stored = Vec::new();
    for report in &written {
        let id = id_of(&app.submit(&reporter.token, report).await);
        stored.push((id, report.clone()));
    }
    let (first, second) = (stored[0].0.clone(), stored[1].0.clone());
    let amendment = json!({"note": "a second account",
        "accounts": [{"platform_account_id": "2222", "role": "recruiter", "action_taken": "banned"}],
        "content": [{"content_type": "post", "account_ref": "2222", "preserved": true,
                     "removed": false}]});
    app.amend(&reporter.token, &first, &amendment).await;
    let shown = |id: &str| format!("/api/v1/review/reports/{id}");
    let mut before = Vec::new();
    for id in [&first, &second] {
        before.push(expect(app.get(&shown(id), &supervisor).await, 200).await);
    }
    let feed_before = expect(app.get("/api/v1/events", &reporter.token).await, 200).await;
    let stats = "/api/v1/stats/summary?from=2020-01-01&to=2030-01-01";
    let stats_before = expect(app.get(stats, &supervisor).await, 200).await;

    let reverted = store_as_before_body_only_copies(&app, &stored);
    let migrated = crate::cli::run(&app, &["migrate"]);
    assert_eq!(migrated["applied"], reverted, "{migrated}");

    for (id, was) in [&first, &second].into_iter().zip(&before) {
        let now = expect(app.get(&shown(id), &supervisor).await, 200).await;
        assert_eq!(&now, was, "the detail and timeline of {id}");
    }
    let feed_after = expect(app.get("/api/v1/events", &reporter.token).await, 200).await;
    assert_eq!(feed_after, feed_before);
    assert_eq!(
        expect(app.get(stats, &supervisor).await, 200).await,
        stats_before
    );
    assert_eq!(
        listed(&app, &supervisor, "group=cjng").await,
        std::slice::from_ref(&first)
    );
    assert_eq!(
        listed(&app, &supervisor, "group=sinaloa").await,
        std::slice::from_ref(&second)
    );
    assert_eq!(
        listed(&app, &supervisor, "group=unknown").await,
        std::slice::from_ref(&first)
    );
    assert!(listed(&app, &supervisor, "group=gulf").await.is_empty());
    // A report received now shows the same `received` event, though it is no longer stored.
    let third = id_of(&app.submit(&reporter.token, &valid_report()).await);
    let new = expect(app.get(&shown(&third), &supervisor).await, 200).await;
    let (mut was, mut is) = (before[0]["timeline"][0].clone(), new["timeline"][0].clone());
    assert_eq!(is["id"], third.as_str());
    assert_eq!(is["at"], new["received_at"]);
    for event in [&mut was, &mut is] {
        event["id"] = Value::Null;
        event["at"] = Value::Null;
    }
    assert_eq!(is, was);

    // An amendment may name the body's account and the first amendment's, and no other.
    let naming = |account: &str| {
        json!({"note": "more", "content": [{"content_type": "post", "account_ref": account, "preserved": false,
                            "removed": false}]})
    };
    for known in ["1234567890", "2222"] {
        app.amend(&reporter.token, &first, &naming(known)).await;
    }
    let amend = format!("/api/v1/reports/{first}/amendments");
    let refused = expect(
        app.post_json(&amend, &reporter.token, &naming("9999"))
            .await,
        422,
    )
    .await;
    assert_eq!(
        refused["errors"][0]["pointer"], "/content/0/account_ref",
        "{refused}"
    );
    // The report has four content items now (one in the body, three in amendments).
    assert_eq!(upload_at(&app, &reporter.token, &first, 3).await, 201);
    assert_eq!(upload_at(&app, &reporter.token, &first, 4).await, 422);
    assert_eq!(upload_at(&app, &reporter.token, &second, 1).await, 422);
}

/// Uploads an evidence file showing content item `index` of `report_id`: the status.
async fn upload_at(app: &TestApp, token: &str, report_id: &str, index: i32) -> u16 {
    use reqwest::multipart::{Form, Part};
    let mut png = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR".to_vec();
    png.extend(format!("{report_id}{index}").bytes());
    let form = Form::new().text("content_index", index.to_string()).part(
        "file",
        Part::bytes(png)
            .file_name("capture.png")
            .mime_str("image/png")
            .unwrap(),
    );
    app.client
        .post(format!(
            "{}/api/v1/reports/{report_id}/evidence",
            app.address
        ))
        .bearer_auth(token)
        .multipart(form)
        .send()
        .await
        .unwrap()
        .status()
        .as_u16()
}

/// Undoes migration `compact_correlation` (and those after it) and writes the correlation index
/// as 0c680c9 did, from the reports' bodies and amendments: one row per value with its whole
/// HMAC-SHA256 in hex, the report's id, kind, organization, mode and pointer; one row per PDQ
/// hash in hex with its 16 chunk columns. Answers how many migrations it undid.
fn store_as_before_compact_correlation(app: &TestApp) -> usize {
    use report_portal::domain::indicators::{IndicatorKind, Pdq, of_parts, of_report};
    let keys = app.key_store();
    let hasher = report_portal::state::load_word_hasher(&app.settings).unwrap();
    app.with_db(|conn| {
        let stored: Vec<(String, Vec<u8>, String, String, String)> = reports::table
            .select((
                reports::id,
                reports::body,
                reports::key_id,
                reports::organization_id,
                reports::mode,
            ))
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
        let reverted = revert_down_to(conn, "compact_correlation");
        // What the undoing wrote back is replaced by what the old code wrote.
        for table in ["indicator_index", "pdq_index"] {
            diesel::sql_query(format!("DELETE FROM {table}"))
                .execute(conn)
                .unwrap();
        }
        for (id, sealed, key_id, organization, mode) in stored {
            let key = &keys.fetch(&[&key_id]).unwrap()[&key_id];
            let body = key.open_body(&sealed, &place(&id, "body")).unwrap();
            let report: NewReport = serde_json::from_str(&body).unwrap();
            let mut indicators = of_report(&report);
            for (_, number, sealed) in amendments.iter().filter(|a| a.0 == id) {
                let place = place(&id, &format!("amendment/{number}"));
                let amendment: NewAmendment =
                    serde_json::from_str(&key.open(sealed, &place).unwrap()).unwrap();
                indicators.extend(of_parts(
                    &report.service,
                    &amendment.accounts,
                    &amendment.content,
                    &format!("/amendments/{number}"),
                ));
            }
            for indicator in indicators {
                let (kind, pointer) = (indicator.kind.as_ref(), &indicator.pointer);
                let statement = match (indicator.kind, Pdq::parse(&indicator.value)) {
                    (IndicatorKind::Pdq, Some(pdq)) => {
                        let chunks = pdq.chunks().map(|c| c.to_string()).join(", ");
                        let hex = pdq.hex();
                        format!(
                            "INSERT INTO pdq_index (report_id, pdq, organization_id, mode, \
                             pointer, c0, c1, c2, c3, c4, c5, c6, c7, c8, c9, c10, c11, c12, c13, \
                             c14, c15) VALUES ('{id}', '{hex}', '{organization}', '{mode}', \
                             '{pointer}', {chunks}) ON CONFLICT DO NOTHING"
                        )
                    }
                    _ => {
                        let hash = hasher.hash(&format!("{kind}:{}", indicator.value));
                        format!(
                            "INSERT INTO indicator_index (value_hash, report_id, kind, \
                             organization_id, mode, pointer) VALUES ('{hash}', '{id}', '{kind}', \
                             '{organization}', '{mode}', '{pointer}') ON CONFLICT DO NOTHING"
                        )
                    }
                };
                diesel::sql_query(statement).execute(conn).unwrap();
            }
        }
        reverted
    })
}

/// What analysts see of correlation: the related view and the counts of each of `ids`, and the
/// search of a phone number, a handle and a PDQ hash.
async fn correlation_shown(app: &TestApp, analyst: &str, ids: &[String], pdq: &str) -> Vec<Value> {
    let mut shown = Vec::new();
    for id in ids {
        let path = format!("/api/v1/review/reports/{id}/related");
        shown.push(expect(app.get(&path, analyst).await, 200).await);
        let path = format!("/api/v1/review/reports/{id}");
        let detail = expect(app.get(&path, analyst).await, 200).await;
        shown.push(detail["related_counts"].clone());
    }
    for query in [
        "type=phone&value=%2B52%2033%205555%200100".to_owned(),
        "type=handle&value=tercera".to_owned(),
        format!("type=pdq&value={pdq}"),
    ] {
        let path = format!("/api/v1/review/indicators?{query}");
        shown.push(expect(app.get(&path, analyst).await, 200).await);
    }
    shown
}

#[actix_web::test]
async fn a_correlation_index_of_0c680c9_is_matched_searched_and_counted_alike_after_the_upgrade() {
    let app = crate::helpers::spawn_app_with(|s| {
        s.purge_interval_seconds = 0;
        s.mail_worker = false;
    })
    .await;
    let (_, analyst) = app.staff(Role::Analyst).await;
    let pdq = "a5".repeat(32);
    let near = format!("5a{}", "a5".repeat(31));
    let with_image = |hash: &str| {
        let mut report = valid_report();
        report["content"][0]["pdq"] = json!(hash);
        report
    };
    // Two organizations report the same recruiter and nearly the same image (8 bits apart); the
    // second's amendment adds a handle a third report has.
    let first = id_of(
        &app.submit(
            &app.reporter(CredentialMode::Live).await.token,
            &with_image(&pdq),
        )
        .await,
    );
    let second_reporter = app.reporter(CredentialMode::Live).await;
    let second = id_of(&app.submit(&second_reporter.token, &with_image(&near)).await);
    let amendment = json!({"note": "another handle",
        "accounts": [{"platform_account_id": "3333", "handle": "@tercera", "role": "recruiter",
                      "action_taken": "banned"}]});
    app.amend(&second_reporter.token, &second, &amendment).await;
    let mut third_report = valid_report();
    third_report["accounts"] = json!([{"platform_account_id": "4444", "handle": "tercera",
        "role": "recruiter", "action_taken": "banned"}]);
    third_report["content"] = json!([]);
    let third = id_of(
        &app.submit(
            &app.reporter(CredentialMode::Live).await.token,
            &third_report,
        )
        .await,
    );

    let ids = [first.clone(), second.clone(), third.clone()];
    let before = correlation_shown(&app, &analyst, &ids, &pdq).await;
    let (related_first, related_second, related_third) = (&before[0], &before[2], &before[4]);
    assert_eq!(related_first["total"], 1, "{related_first}");
    let pdq_match = json!({"kind": "pdq", "match": "near", "distance": 8,
        "pointer": "/content/0/pdq", "other_pointer": "/content/0/pdq"});
    assert!(
        related_first["items"][0]["matches"]
            .as_array()
            .unwrap()
            .contains(&pdq_match)
    );
    assert_eq!(related_second["total"], 2, "{related_second}");
    assert_eq!(related_third["total"], 1, "{related_third}");
    for (found, search) in before[6..].iter().zip(["phone", "handle", "pdq"]) {
        assert_eq!(
            found["items"].as_array().unwrap().len(),
            2,
            "{search}: {found}"
        );
    }

    let reverted = store_as_before_compact_correlation(&app);
    let migrated = crate::cli::run(&app, &["migrate"]);
    assert_eq!(migrated["applied"], reverted, "{migrated}");

    assert_eq!(correlation_shown(&app, &analyst, &ids, &pdq).await, before);
    // The notifications not sent yet tell the counts of the exact values (the third report
    // matches the second's amended handle).
    let counts = app.with_db(|conn| {
        report_portal::store::correlation::earlier_matches(
            conn,
            &[first.as_str(), second.as_str(), third.as_str()],
        )
        .unwrap()
    });
    let matching = |id: &str| counts.get(id).map_or(0, |c| c.matching_reports);
    assert_eq!(
        (matching(&first), matching(&second), matching(&third)),
        (0, 1, 1)
    );
}

#[actix_web::test]
async fn image_hashes_past_the_threshold_stored_before_are_common_after_the_upgrade() {
    let app = crate::helpers::spawn_app_with(|s| {
        s.correlation_common_threshold = 2;
        s.mail_worker = false;
    })
    .await;
    let (_, analyst) = app.staff(Role::Analyst).await;
    let mut report = valid_report();
    report["content"][0]["pdq"] = json!("3c".repeat(32));
    let mut ids = Vec::new();
    for _ in 0..3 {
        let reporter = app.reporter(CredentialMode::Live).await;
        ids.push(id_of(&app.submit(&reporter.token, &report).await));
    }
    let related = |id: String| {
        let (app, analyst) = (&app, &analyst);
        let path = format!("/api/v1/review/reports/{id}/related");
        async move { expect(app.get(&path, analyst).await, 200).await }
    };
    let before = related(ids[0].clone()).await;
    let pdq = json!({"kind": "pdq", "pointer": "/content/0/pdq", "reports": 3});
    assert!(
        before["common"].as_array().unwrap().contains(&pdq),
        "{before}"
    );

    // The database as the code before kept it: no hash common, the threshold in force (written
    // at start) in its table.
    let reverted = app.with_db(|conn| {
        let reverted = revert_down_to(conn, "pdq_common");
        diesel::sql_query("UPDATE correlation_settings SET common_threshold = 2")
            .execute(conn)
            .unwrap();
        reverted
    });
    let migrated = crate::cli::run(&app, &["migrate"]);
    assert_eq!(migrated["applied"], reverted, "{migrated}");

    assert_eq!(related(ids[0].clone()).await, before);
}

/// Three correlated reports: two of one organization, the second amended with "@segunda"
/// ([`two_reports_the_second_amended`]), and one of another organization with that handle
/// instead of the valid report's; answers their ids and an analyst's token.
async fn three_correlated_reports(app: &TestApp) -> ([String; 3], String) {
    let reporter = app.reporter(CredentialMode::Live).await;
    three_correlated_reports_sent_with(app, &reporter.token).await
}

/// [`three_correlated_reports`], the first two sent with the reporter's `token`.
async fn three_correlated_reports_sent_with(app: &TestApp, token: &str) -> ([String; 3], String) {
    let (_, analyst) = app.staff(Role::Analyst).await;
    let (first, second) = two_reports_the_second_amended(app, token).await;
    let mut third = valid_report();
    third["accounts"][0]["handle"] = json!("segunda");
    let other = app.reporter(CredentialMode::Live).await;
    let third = id_of(&app.submit(&other.token, &third).await);
    ([first, second, third], analyst)
}

#[actix_web::test]
async fn exact_values_in_the_wider_rows_are_matched_searched_and_counted_alike_after_the_upgrade() {
    let app = crate::helpers::spawn_app_with(|s| s.mail_worker = false).await;
    let (ids, analyst) = three_correlated_reports(&app).await;
    let pdq = "a5".repeat(32);
    let before = correlation_shown(&app, &analyst, &ids, &pdq).await;
    let totals: Vec<&Value> = before
        .iter()
        .step_by(2)
        .take(3)
        .map(|r| &r["total"])
        .collect();
    assert_eq!(totals, [&json!(2), &json!(2), &json!(2)], "{before:?}");

    let reverted = app.with_db(|conn| revert_down_to(conn, "key_rows_narrower"));
    let migrated = crate::cli::run(&app, &["migrate"]);
    assert_eq!(migrated["applied"], reverted, "{migrated}");
    assert_eq!(correlation_shown(&app, &analyst, &ids, &pdq).await, before);
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

/// Undoes migration `event_data` (and those after it: `word_lists` gives SQLite's words back
/// their index by report, over the same rows) and stores each of `events` whole, as the code
/// before did. Answers how many migrations it undid.
fn store_as_before_event_data(app: &TestApp, events: &[Event]) -> usize {
    app.with_db(|conn| {
        let reverted = revert_down_to(conn, "event_data");
        for event in events {
            diesel::sql_query("UPDATE events SET payload = $1 WHERE id = $2")
                .bind::<Text, _>(serde_json::to_string(event).unwrap())
                .bind::<Text, _>(&event.id)
                .execute(conn)
                .unwrap();
        }
        reverted
    })
}

/// The ids of the test-mode reports the review list finds for `q`.
async fn found(app: &TestApp, staff: &str, q: &str) -> Vec<String> {
    listed(app, staff, &format!("mode=test&q={q}")).await
}

#[actix_web::test]
async fn events_stored_whole_and_word_rows_by_report_are_fed_delivered_and_searched_alike() {
    let app = crate::helpers::spawn_app_with(|s| {
        s.purge_interval_seconds = 0;
        s.webhook_worker = false;
    })
    .await;
    let (_, supervisor) = app.staff(Role::Supervisor).await;
    let reporter = app.reporter(CredentialMode::Test).await;
    let body = json!({"url": "http://127.0.0.1:9/hook", "event_types": ["report.received",
        "amendment.received"]});
    let endpoint = expect(
        app.post_json("/api/v1/webhooks", &reporter.token, &body)
            .await,
        201,
    )
    .await;
    let (first, second) = two_reports_the_second_amended(&app, &reporter.token).await;
    let test_event = format!("/api/v1/webhooks/{}/test", endpoint["id"].as_str().unwrap());
    let test_event = expect(
        app.send(Method::POST, &test_event, Some(&reporter.token), None)
            .await,
        202,
    )
    .await;
    let feed_before = expect(app.get("/api/v1/events", &reporter.token).await, 200).await;
    let mut events: Vec<Event> = serde_json::from_value(feed_before["items"].clone()).unwrap();
    let about: Vec<&Value> = events.iter().map(|e| &e.data["report_id"]).collect();
    assert_eq!(about, [&json!(first), &json!(second), &json!(second)]);
    events.push(serde_json::from_value(test_event).unwrap());
    let words_before = app.with_db(|conn| {
        [&first, &second].map(|id| report_portal::store::words::of_report(conn, id).unwrap())
    });
    assert!(words_before.iter().all(|keys| !keys.is_empty()));
    assert_eq!(found(&app, &supervisor, "segunda").await, [second.as_str()]);

    let reverted = store_as_before_event_data(&app, &events);
    let migrated = crate::cli::run(&app, &["migrate"]);
    assert_eq!(migrated["applied"], reverted, "{migrated}");

    // The feed shows the same events, and each delivery sends the bytes the event was stored as.
    let feed_after = expect(app.get("/api/v1/events", &reporter.token).await, 200).await;
    assert_eq!(feed_after, feed_before);
    let claimed = app.with_db(|conn| {
        let keys = app.key_store();
        let lease =
            report_portal::store::queue::Lease::new("upgrade", std::time::Duration::from_secs(60))
                .unwrap();
        report_portal::store::webhooks::claim(conn, &keys, &lease, 10).unwrap()
    });
    assert_eq!(claimed.len(), 3, "one due per report and the test event");
    for delivery in claimed {
        let event = events.iter().find(|e| e.id == delivery.event_id).unwrap();
        assert_eq!(delivery.payload, serde_json::to_string(event).unwrap());
    }
    // The words are the same, found alike, amended and purged alike.
    let words_after = app.with_db(|conn| {
        [&first, &second].map(|id| report_portal::store::words::of_report(conn, id).unwrap())
    });
    assert_eq!(words_after, words_before);
    assert_eq!(found(&app, &supervisor, "segunda").await, [second.as_str()]);
    let amendment = third_account();
    app.amend(&reporter.token, &second, &amendment).await;
    assert_eq!(found(&app, &supervisor, "tercera").await, [second.as_str()]);
    assert_eq!(found(&app, &supervisor, "segunda").await, [second.as_str()]);
    assert_eq!(
        found(&app, &supervisor, "jalisco").await,
        [second.as_str(), first.as_str()]
    );
}

/// The unfolded rows of the rollups: counts and triage buckets in shards 0 and up.
pub(crate) fn shard_rows(app: &TestApp) -> (i64, i64) {
    use report_portal::db::schema::{report_counts, triage_histogram};
    app.with_db(|conn| {
        let counts = report_counts::table
            .filter(report_counts::shard.ge(0))
            .count()
            .get_result(conn)
            .unwrap();
        let triage = triage_histogram::table
            .filter(triage_histogram::shard.ge(0))
            .count()
            .get_result(conn)
            .unwrap();
        (counts, triage)
    })
}

#[actix_web::test]
async fn rollups_keyed_by_day_and_histories_by_report_and_event_read_alike_after_the_upgrade() {
    let app = crate::helpers::spawn_app().await;
    let reporter = app.reporter(CredentialMode::Live).await;
    let analyst = app.staff_token(Role::Analyst).await;
    let mut ids = Vec::new();
    for n in 0..6 {
        let report = crate::stats::varied(n);
        let stored = expect(app.post_report(&reporter.token, &report).await, 201).await;
        ids.push(stored["id"].as_str().unwrap().to_owned());
    }
    let moves = [
        json!({"to": "in_review", "reason": "triage"}),
        json!({"to": "closed", "reason": "done", "resolution": "no_action"}),
    ];
    let move_path = format!("/api/v1/review/reports/{}/transitions", ids[0]);
    for to in &moves {
        expect(
            app.send(Method::POST, &move_path, Some(&analyst), Some(to))
                .await,
            200,
        )
        .await;
    }
    let mut paths: Vec<String> = [
        "summary?",
        "triage?",
        "timeseries?interval=month&dimension=group&",
    ]
    .into_iter()
    .map(str::to_owned)
    .chain(crate::stats::DIMENSIONS.map(|d| format!("breakdown?dimension={d}&")))
    .map(|query| format!("/api/v1/stats/{query}from=2020-01-01&to=2030-01-01"))
    .collect();
    paths.push(format!("/api/v1/review/reports/{}", ids[0]));
    let mut before = Vec::new();
    for path in &paths {
        before.push(expect(app.get(path, &analyst).await, 200).await);
    }
    let (counts, triage) = shard_rows(&app);
    assert!(counts > 0 && triage > 0, "{counts} {triage}");

    let history = &before.last().unwrap()["timeline"];
    assert_eq!(history.as_array().unwrap().len(), 3, "{history}");

    let reverted = app.with_db(|conn| revert_down_to(conn, "rollups_by_dimension"));
    let migrated = crate::cli::run(&app, &["migrate"]);
    assert_eq!(migrated["applied"], reverted, "{migrated}");

    let same_figures = || async {
        for (path, before) in paths.iter().zip(&before) {
            assert_eq!(
                &expect(app.get(path, &analyst).await, 200).await,
                before,
                "{path}"
            );
        }
    };
    same_figures().await;
    assert_eq!(shard_rows(&app), (counts, triage));
    // A compaction folds every dimension's and metric's shards, and the figures stay.
    let tomorrow = chrono::Utc::now().date_naive() + chrono::Duration::days(1);
    app.with_db(|conn| report_portal::store::stats::compact(conn, tomorrow).unwrap());
    assert_eq!(shard_rows(&app), (0, 0));
    same_figures().await;
    // New counts still add up on the folded rows.
    expect(
        app.post_report(&reporter.token, &crate::stats::varied(0))
            .await,
        201,
    )
    .await;
    let summary = expect(app.get(&paths[0], &analyst).await, 200).await;
    let received = &before[0]["received"]["count"];
    assert_eq!(
        summary["received"]["count"],
        received.as_i64().unwrap() + 1,
        "{summary}"
    );
}

/// How many of SQLite's full-text rows are about report `seq`: the (token, document) pairs
/// `fts5vocab` lists and the documents' sizes, its own document or an amendment's (a rowid
/// below zero, `store::words`).
fn full_text_rows(conn: &mut DbConnection, seq: i64) -> (i64, i64) {
    let count = |conn: &mut DbConnection, table: &str, rowid: &str| {
        diesel::select(diesel::dsl::sql::<diesel::sql_types::BigInt>(&format!(
            "(SELECT count(*) FROM {table} \
             WHERE CASE WHEN {rowid} > 0 THEN {rowid} ELSE -{rowid} >> 20 END = {seq})"
        )))
        .get_result(conn)
        .unwrap()
    };
    (
        count(conn, "report_word_instances", "doc"),
        count(conn, "report_words_docsize", "id"),
    )
}

#[actix_web::test]
async fn words_stored_as_rows_are_found_amended_and_purged_alike_from_the_full_text_index() {
    words_are_found_amended_and_purged_alike_after_the_upgrade_from("words_in_fts5").await;
}

#[actix_web::test]
async fn words_keyed_by_report_id_are_found_amended_and_purged_alike_after_the_upgrade() {
    // PostgreSQL's rows keyed by the report's text id before `words_by_seq` (SQLite's migration
    // of that name is empty).
    words_are_found_amended_and_purged_alike_after_the_upgrade_from("words_by_seq").await;
}

/// Two reports' words, the second's amended, stored as they were before `migration`; after the
/// upgrade the same words are indexed and found, amendments add to them, and a purge leaves
/// nothing of them.
async fn words_are_found_amended_and_purged_alike_after_the_upgrade_from(migration: &str) {
    let app = crate::retention::spawn().await;
    let (_, supervisor) = app.staff(Role::Supervisor).await;
    let reporter = app.reporter(CredentialMode::Test).await;
    let (first, second) = two_reports_the_second_amended(&app, &reporter.token).await;
    let words = || {
        app.with_db(|conn| {
            [&first, &second].map(|id| report_portal::store::words::of_report(conn, id).unwrap())
        })
    };
    let words_before = words();
    assert!(
        words_before[0].len() < words_before[1].len(),
        "{words_before:?}"
    );
    let searches = ["jalisco", "segunda", "jalisco%20segunda", "nowhere"];
    let mut before = Vec::new();
    for q in searches {
        before.push(found(&app, &supervisor, q).await);
    }
    assert_eq!(before[1], [second.as_str()]);
    assert_eq!(before[2], [second.as_str()]);

    let reverted = app.with_db(|conn| {
        let reverted = revert_down_to(conn, migration);
        // SQLite's rows of (word, report) again, the amendment's words among the second's.
        if let (DbConnection::Sqlite(_), "words_in_fts5") = (&*conn, migration) {
            let rows: i64 = diesel::select(diesel::dsl::sql::<diesel::sql_types::BigInt>(
                "(SELECT count(*) FROM report_words)",
            ))
            .get_result(conn)
            .unwrap();
            assert_eq!(rows as usize, words_before[0].len() + words_before[1].len());
        }
        reverted
    });
    let migrated = crate::cli::run(&app, &["migrate"]);
    assert_eq!(migrated["applied"], reverted, "{migrated}");

    assert_eq!(words(), words_before);
    for (q, before) in searches.into_iter().zip(&before) {
        assert_eq!(&found(&app, &supervisor, q).await, before, "{q}");
    }
    // An amendment's words are found with those stored before, in the report's other documents.
    let amendment = third_account();
    app.amend(&reporter.token, &second, &amendment).await;
    let fourth = json!({"note": "a fourth account",
        "accounts": [{"platform_account_id": "4444", "handle": "@cuarta", "role": "recruiter",
                      "action_taken": "banned"}],
        "content": [{"content_type": "post", "text_excerpt": "Desde la cuarta cuenta",
                     "account_ref": "4444", "preserved": true, "removed": true}]});
    app.amend(&reporter.token, &second, &fourth).await;
    for q in [
        "tercera",
        "segunda%20tercera",
        "jalisco%20tercera",
        "tercera%20cuarta",
        "jalisco%20segunda%20tercera%20cuarta",
    ] {
        assert_eq!(found(&app, &supervisor, q).await, [second.as_str()], "{q}");
    }
    assert!(
        found(&app, &supervisor, "cuarta%20nowhere")
            .await
            .is_empty()
    );
    assert_eq!(found(&app, &supervisor, "jalisco").await, before[0]);
    assert!(words()[1].len() > words_before[1].len());

    // A purge leaves nothing of them: no search finds them, no row is left about them.
    let seqs: Vec<i64> = app.with_db(|conn| {
        reports::table
            .filter(reports::id.eq_any([&first, &second]))
            .select(reports::seq)
            .load(conn)
            .unwrap()
    });
    if app.with_db(|conn| matches!(conn, DbConnection::Sqlite(_))) {
        assert!(app.with_db(|conn| seqs.iter().all(|seq| full_text_rows(conn, *seq).0 > 0)));
    }
    let now = chrono::Utc::now() + chrono::Duration::days(8);
    assert_eq!(crate::retention::purge_at(&app, now).await.purged, 2);
    for q in ["jalisco", "segunda", "tercera"] {
        assert!(found(&app, &supervisor, q).await.is_empty(), "{q}");
    }
    app.with_db(|conn| match conn {
        DbConnection::Sqlite(_) => {
            for seq in &seqs {
                assert_eq!(full_text_rows(conn, *seq), (0, 0), "{seq}");
            }
        }
        DbConnection::Postgres(_) => {
            let left: i64 = diesel::select(diesel::dsl::sql::<diesel::sql_types::BigInt>(
                "(SELECT count(*) FROM report_words)",
            ))
            .get_result(conn)
            .unwrap();
            assert_eq!(left, 0, "the purged reports' words are deleted");
        }
    });
}

/// What analysts see of correlation ([`correlation_shown`]) and the review list of the reports
/// related to each of `ids`.
async fn correlation_and_list_shown(app: &TestApp, analyst: &str, ids: &[String]) -> Vec<Value> {
    let mut shown = correlation_shown(app, analyst, ids, &"a5".repeat(32)).await;
    for id in ids {
        let related = listed(app, analyst, &format!("related_to={id}")).await;
        shown.push(json!(related));
    }
    shown
}

#[actix_web::test]
async fn exact_values_in_rows_by_value_are_matched_searched_counted_and_purged_alike_after_the_upgrade()
 {
    let app = crate::helpers::spawn_app_with(|s| {
        s.correlation_common_threshold = 2;
        s.mail_worker = false;
    })
    .await;
    // The valid report's number is in all three reports, so common; its handle in the first
    // two; "segunda" in the second (by its amendment) and the third, of another organization.
    let (ids, analyst) = three_correlated_reports(&app).await;
    let before = correlation_and_list_shown(&app, &analyst, &ids).await;
    let phone = json!({"kind": "phone", "pointer": "/accounts/0/contact_handles/0/value",
        "reports": 3});
    assert!(
        before[0]["common"].as_array().unwrap().contains(&phone),
        "{}",
        before[0]
    );
    let totals: Vec<&Value> = before
        .iter()
        .step_by(2)
        .take(3)
        .map(|r| &r["total"])
        .collect();
    assert_eq!(totals, [&json!(1), &json!(2), &json!(1)], "{before:?}");
    assert_eq!(
        before[6]["items"].as_array().unwrap().len(),
        3,
        "{}",
        before[6]
    );
    assert_eq!(
        before[9..],
        [json!([ids[1]]), json!([ids[2], ids[0]]), json!([ids[1]])]
    );

    // The index as the rows of one value and report the code before kept.
    let reverted = app.with_db(|conn| revert_down_to(conn, "correlation_key_sets"));
    let migrated = crate::cli::run(&app, &["migrate"]);
    assert_eq!(migrated["applied"], reverted, "{migrated}");
    assert_eq!(
        correlation_and_list_shown(&app, &analyst, &ids).await,
        before
    );

    // Purged, the reports' values are found no more, and the common value counts them no more.
    app.with_db(|conn| {
        let ids: Vec<&str> = ids.iter().map(String::as_str).collect();
        report_portal::store::correlation::forget(conn, &ids).unwrap();
    });
    let after = correlation_and_list_shown(&app, &analyst, &ids).await;
    for (id, related) in ids.iter().zip(after.iter().step_by(2)) {
        assert_eq!(related["total"], 0, "{id}: {related}");
        assert_eq!(related["common"], json!([]), "{id}: {related}");
    }
    assert_eq!(after[6]["items"], json!([]), "{}", after[6]);
    assert!(
        after[9..].iter().all(|list| list == &json!([])),
        "{after:?}"
    );
}

/// An amendment adding a third account, with the word "tercera".
fn third_account() -> Value {
    json!({"note": "a third account",
        "accounts": [{"platform_account_id": "3333", "handle": "@tercera", "role": "recruiter",
                      "action_taken": "banned"}],
        "content": [{"content_type": "post", "text_excerpt": "Desde la tercera cuenta",
                     "account_ref": "3333", "preserved": true, "removed": true}]})
}

/// The distances of the near image matches of a related view, smallest first.
fn near_image_distances(related: &Value) -> Vec<i64> {
    let mut distances: Vec<i64> = related["items"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|item| item["matches"].as_array().unwrap())
        .filter(|found| found["kind"] == "pdq")
        .map(|found| found["distance"].as_i64().unwrap())
        .collect();
    distances.sort_unstable();
    distances
}

/// How many rows the PDQ index holds: hashes, and on SQLite their chunk keys' rows.
fn pdq_index_rows(conn: &mut DbConnection) -> i64 {
    let tables = match conn {
        DbConnection::Sqlite(_) => {
            "(SELECT count(*) FROM correlation_pdq) \
             + (SELECT count(*) FROM correlation_pdq_chunks)"
        }
        DbConnection::Postgres(_) => "(SELECT count(*) FROM correlation_pdq)",
    };
    diesel::select(diesel::dsl::sql::<diesel::sql_types::BigInt>(tables))
        .get_result(conn)
        .unwrap()
}

#[actix_web::test]
async fn image_hashes_with_chunk_rows_are_matched_searched_and_purged_alike_after_the_upgrade() {
    let app = crate::helpers::spawn_app_with(|s| s.mail_worker = false).await;
    let (_, analyst) = app.staff(Role::Analyst).await;
    // Three images, each pair 8 or 16 bits apart; the third is reported after the upgrade.
    let pdq = "a5".repeat(32);
    let near = format!("5a{}", "a5".repeat(31));
    let nearer_last = format!("{}5a", "a5".repeat(31));
    let submit_image = |hash: String| {
        let app = &app;
        async move {
            let mut report = valid_report();
            report["content"][0]["pdq"] = json!(hash);
            let reporter = app.reporter(CredentialMode::Live).await;
            id_of(&app.submit(&reporter.token, &report).await)
        }
    };
    let mut ids = vec![submit_image(pdq.clone()).await, submit_image(near).await];
    let before = correlation_shown(&app, &analyst, &ids, &pdq).await;
    assert_eq!(near_image_distances(&before[0]), [8], "{}", before[0]);
    assert_eq!(
        before[6]["items"].as_array().unwrap().len(),
        2,
        "{}",
        before[6]
    );

    // The hashes' chunk keys as the rows the code before kept.
    let reverted = app.with_db(|conn| revert_down_to(conn, "pdq_chunk_keys_in_rows"));
    let migrated = crate::cli::run(&app, &["migrate"]);
    assert_eq!(migrated["applied"], reverted, "{migrated}");
    assert_eq!(correlation_shown(&app, &analyst, &ids, &pdq).await, before);

    // A new report's image is matched with both stored before, and all three are searched.
    ids.push(submit_image(nearer_last).await);
    let after = correlation_shown(&app, &analyst, &ids, &pdq).await;
    assert_eq!(near_image_distances(&after[4]), [8, 16], "{}", after[4]);
    assert_eq!(
        after[8]["items"].as_array().unwrap().len(),
        3,
        "{}",
        after[8]
    );

    // Purged, the reports leave no row of the PDQ index and are found by their image no more.
    app.with_db(|conn| {
        let ids: Vec<&str> = ids.iter().map(String::as_str).collect();
        report_portal::store::correlation::forget(conn, &ids).unwrap();
        assert_eq!(pdq_index_rows(conn), 0);
    });
    let purged = correlation_shown(&app, &analyst, &ids, &pdq).await;
    assert_eq!(purged[8]["items"], json!([]), "{}", purged[8]);
}

#[actix_web::test]
async fn exact_values_in_rows_with_places_are_matched_searched_counted_amended_and_purged_alike_after_the_upgrade()
 {
    let app = crate::helpers::spawn_app_with(|s| {
        s.correlation_common_threshold = 2;
        s.mail_worker = false;
    })
    .await;
    let reporter = app.reporter(CredentialMode::Live).await;
    let (ids, analyst) = three_correlated_reports_sent_with(&app, &reporter.token).await;
    let before = correlation_and_list_shown(&app, &analyst, &ids).await;

    // The index as the rows of one value and report with its place the code before kept on
    // SQLite, the places' ids moved to need from one to five bytes each as varints (on
    // PostgreSQL, its keys whole in `bytea` arrays: migration `key_halves` undone too).
    let reverted = app.with_db(|conn| {
        let reverted = revert_down_to(conn, "sqlite_key_sets");
        if let DbConnection::Sqlite(_) = conn {
            let moved = "CASE %id % 5 WHEN 0 THEN %id WHEN 1 THEN %id + 200 \
                WHEN 2 THEN %id + 20000 WHEN 3 THEN %id + 3000000 ELSE %id + 300000000 END";
            for (table, column) in [
                ("correlation_places", "id"),
                ("correlation_keys", "place"),
                ("correlation_pdq", "place"),
            ] {
                let moved = moved.replace("%id", column);
                diesel::sql_query(format!("UPDATE {table} SET {column} = {moved}"))
                    .execute(conn)
                    .unwrap();
            }
            let places: i64 = diesel::select(diesel::dsl::sql::<diesel::sql_types::BigInt>(
                "(SELECT count(DISTINCT place) FROM correlation_keys WHERE place > 300000000)",
            ))
            .get_result(conn)
            .unwrap();
            assert!(places > 0);
        }
        reverted
    });
    let migrated = crate::cli::run(&app, &["migrate"]);
    assert_eq!(migrated["applied"], reverted, "{migrated}");
    assert_eq!(
        correlation_and_list_shown(&app, &analyst, &ids).await,
        before
    );

    // Amended with "@segunda", the first is its third holder: the value becomes common, counted
    // from the rows stored before, and the second and third share nothing else.
    let mut amendment = third_account();
    amendment["accounts"][0]["handle"] = json!("@segunda");
    app.amend(&reporter.token, &ids[0], &amendment).await;
    let amended = correlation_and_list_shown(&app, &analyst, &ids).await;
    let totals: Vec<&Value> = amended
        .iter()
        .step_by(2)
        .take(3)
        .map(|r| &r["total"])
        .collect();
    assert_eq!(totals, [&json!(1), &json!(1), &json!(0)], "{amended:?}");
    for related in amended.iter().step_by(2).take(3) {
        let handles: Vec<&Value> = related["common"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|common| common["kind"] == "handle")
            .map(|common| &common["reports"])
            .collect();
        assert_eq!(handles, [&json!(3)], "{related}");
    }
    let path = "/api/v1/review/indicators?type=handle&value=segunda";
    let found = expect(app.get(path, &analyst).await, 200).await;
    assert_eq!(found["items"].as_array().unwrap().len(), 3, "{found}");

    // Purged, the reports' values are found no more, and no row is left of them.
    app.with_db(|conn| {
        let ids: Vec<&str> = ids.iter().map(String::as_str).collect();
        report_portal::store::correlation::forget(conn, &ids).unwrap();
    });
    let after = correlation_and_list_shown(&app, &analyst, &ids).await;
    for related in after.iter().step_by(2).take(3) {
        assert_eq!(related["total"], 0, "{related}");
        assert_eq!(related["common"], json!([]), "{related}");
    }
    assert!(
        after[9..].iter().all(|list| list == &json!([])),
        "{after:?}"
    );
    app.with_db(|conn| {
        if let DbConnection::Sqlite(_) = conn {
            let rows: i64 = diesel::select(diesel::dsl::sql::<diesel::sql_types::BigInt>(
                "(SELECT count(*) FROM correlation_keys) + \
                 (SELECT count(*) FROM correlation_key_sets)",
            ))
            .get_result(conn)
            .unwrap();
            assert_eq!(rows, 0);
        }
    });
}

/// The stored `body_sha256` of every report, as text: the hex it was before migration
/// `body_digest_bytes`, the hex of its bytes after.
fn stored_digests(conn: &mut DbConnection) -> Vec<String> {
    let digests = match conn {
        DbConnection::Sqlite(_) => {
            "(SELECT group_concat(CASE typeof(body_sha256) WHEN 'blob' \
             THEN lower(hex(body_sha256)) ELSE body_sha256 END, ',') FROM reports)"
        }
        // A `bytea` as text is `\x` and its hex.
        DbConnection::Postgres(_) => {
            "(SELECT string_agg(ltrim(body_sha256::text, '\\x'), ',') FROM reports)"
        }
    };
    let digests = diesel::dsl::sql::<Text>(digests);
    let mut listed: Vec<String> = diesel::select(digests)
        .get_result::<String>(conn)
        .unwrap()
        .split(',')
        .map(str::to_owned)
        .collect();
    listed.sort();
    listed
}

#[actix_web::test]
async fn digests_stored_as_hex_are_shown_replayed_and_refused_alike_after_the_upgrade() {
    let app = crate::helpers::spawn_app_with(|s| s.mail_worker = false).await;
    let reporter = app.reporter(CredentialMode::Live).await;
    let (_, analyst) = app.staff(Role::Analyst).await;
    let reports: Vec<Value> = (0..2).map(|_| valid_report()).collect();
    let mut ids = Vec::new();
    for report in &reports {
        ids.push(id_of(&app.submit(&reporter.token, report).await));
    }
    let shown = || async {
        let mut shown = Vec::new();
        for id in &ids {
            let own = format!("/api/v1/reports/{id}");
            shown.push(expect(app.get(&own, &reporter.token).await, 200).await);
            let detail = format!("/api/v1/review/reports/{id}");
            shown.push(expect(app.get(&detail, &analyst).await, 200).await);
        }
        shown
    };
    let before = shown().await;
    let digests: Vec<&Value> = before.iter().map(|r| &r["body_sha256"]).collect();
    assert_eq!(digests[0].as_str().unwrap().len(), 64, "{before:?}");
    assert_eq!(digests[0], digests[1]);
    assert_ne!(digests[0], digests[2]);

    // The digests as the hex text the code before stored.
    let reverted = app.with_db(|conn| revert_down_to(conn, "body_digest_bytes"));
    app.with_db(|conn| {
        let column_type = match conn {
            DbConnection::Sqlite(_) => "(SELECT min(typeof(body_sha256)) FROM reports)",
            DbConnection::Postgres(_) => "(SELECT min(pg_typeof(body_sha256)::text) FROM reports)",
        };
        let stored: String = diesel::select(diesel::dsl::sql::<Text>(column_type))
            .get_result(conn)
            .unwrap();
        assert_eq!(stored, "text");
    });
    let as_text = app.with_db(stored_digests);
    let migrated = crate::cli::run(&app, &["migrate"]);
    assert_eq!(migrated["applied"], reverted, "{migrated}");
    assert_eq!(app.with_db(stored_digests), as_text);
    assert_eq!(shown().await, before);

    // The same body again is a replay of the receipt; another under the same external id is
    // refused; a new report is stored and shown with its digest.
    let replay = expect(app.post_report(&reporter.token, &reports[0]).await, 200).await;
    assert_eq!(replay["id"], json!(ids[0]));
    assert_eq!(replay["body_sha256"], *digests[0]);
    let mut changed = reports[1].clone();
    changed["severity"] = json!("critical");
    let conflict = expect(app.post_report(&reporter.token, &changed).await, 409).await;
    assert_eq!(conflict["existing_id"], json!(ids[1]));
    let third = app.submit(&reporter.token, &valid_report()).await;
    let read = format!("/api/v1/reports/{}", id_of(&third));
    let read = expect(app.get(&read, &reporter.token).await, 200).await;
    assert_eq!(read["body_sha256"], third["body_sha256"]);
    assert_eq!(app.with_db(stored_digests).len(), 3);
}

/// The `correlation` rows of the reports' timelines.
fn correlation_rows(conn: &mut DbConnection) -> Vec<(String, Option<String>)> {
    use report_portal::db::schema::report_events;
    report_events::table
        .filter(report_events::kind.eq("correlation"))
        .order(report_events::report_id)
        .select((report_events::report_id, report_events::detail))
        .load(conn)
        .unwrap()
}

#[actix_web::test]
async fn correlation_events_stored_as_rows_are_shown_alike_after_the_upgrade() {
    let app = crate::helpers::spawn_app_with(|s| s.mail_worker = false).await;
    let (first, second, third) = (
        app.reporter(CredentialMode::Live).await,
        app.reporter(CredentialMode::Live).await,
        app.reporter(CredentialMode::Live).await,
    );
    let (_, analyst) = app.staff(Role::Analyst).await;
    // The same report from three organizations: the second matches the first, the third both.
    let report = valid_report();
    let mut ids = Vec::new();
    for reporter in [&first, &second, &third] {
        ids.push(id_of(&app.submit(&reporter.token, &report).await));
    }
    let timelines = || async {
        let mut shown = Vec::new();
        for id in &ids {
            let path = format!("/api/v1/review/reports/{id}");
            shown.push(expect(app.get(&path, &analyst).await, 200).await["timeline"].clone());
        }
        shown
    };
    let before = timelines().await;
    let kinds: Vec<Vec<&str>> = before
        .iter()
        .map(|t| {
            let events = t.as_array().unwrap();
            events.iter().map(|e| e["kind"].as_str().unwrap()).collect()
        })
        .collect();
    assert_eq!(
        kinds,
        [
            vec!["received"],
            vec!["received", "correlation"],
            vec!["received", "correlation"]
        ]
    );
    assert_eq!(
        before[2][1]["detail"],
        json!({"matching_reports": 2, "other_organizations": 2})
    );
    assert_eq!(before[2][1]["actor_id"], before[2][0]["actor_id"]);
    assert_eq!(app.with_db(correlation_rows), []);

    // As the code before stored them: a row each; the third's counts differ from its row's.
    let reverted = app.with_db(|conn| revert_down_to(conn, "correlation_events_from_counts"));
    let rows = app.with_db(correlation_rows);
    assert_eq!(rows.len(), 2, "{rows:?}");
    assert_eq!(timelines().await, before);
    let differing = r#"{"matching_reports":2,"other_organizations":1}"#;
    app.with_db(|conn| {
        use report_portal::db::schema::report_events;
        diesel::update(report_events::table.filter(report_events::report_id.eq(&ids[2])))
            .filter(report_events::kind.eq("correlation"))
            .set(report_events::detail.eq(differing))
            .execute(conn)
            .unwrap();
    });
    let migrated = crate::cli::run(&app, &["migrate"]);
    assert_eq!(migrated["applied"], reverted, "{migrated}");

    // The agreeing row is gone and its event shown alike; the other row stays, shown once.
    assert_eq!(
        app.with_db(correlation_rows),
        [(ids[2].clone(), Some(differing.to_owned()))]
    );
    let after = timelines().await;
    assert_eq!(after[..2], before[..2]);
    assert_eq!(
        after[2][1]["detail"],
        json!({"matching_reports": 2, "other_organizations": 1})
    );
    assert_eq!(after[2].as_array().unwrap().len(), 2, "{}", after[2]);
}

#[actix_web::test]
async fn rollups_of_past_months_read_alike_after_the_upgrade_and_once_their_months_are_folded() {
    let app = crate::helpers::spawn_app().await;
    let reporter = app.reporter(CredentialMode::Live).await;
    for n in 0..3 {
        let report = crate::stats::varied(n);
        expect(app.post_report(&reporter.token, &report).await, 201).await;
    }
    let mut rows = crate::stats::month_rows("2025-05-31".into(), 40, 3, 5);
    rows.extend(crate::stats::month_rows("2025-06-01".into(), 12, 0, 2));
    crate::stats::put_counts(&app, &rows);
    let analyst = app.staff_token(Role::Analyst).await;
    let paths: Vec<String> = crate::stats::DIMENSIONS
        .map(|d| format!("breakdown?dimension={d}&"))
        .into_iter()
        .chain(["summary?".to_owned()])
        .flat_map(|query| {
            [
                "from=2025-05-01&to=2025-07-01",
                "from=2025-05-31&to=2030-01-01",
            ]
            .map(|range| format!("/api/v1/stats/{query}{range}"))
        })
        .collect();
    let figures = || async {
        let mut shown = Vec::new();
        for path in &paths {
            shown.push(expect(app.get(path, &analyst).await, 200).await);
        }
        shown
    };
    let before = figures().await;
    assert_eq!(before.last().unwrap()["received"]["count"], 55);

    let reverted = app.with_db(|conn| revert_down_to(conn, "rollup_months"));
    let migrated = crate::cli::run(&app, &["migrate"]);
    assert_eq!(migrated["applied"], reverted, "{migrated}");
    assert_eq!(figures().await, before);

    let today = chrono::Utc::now().date_naive();
    app.with_db(|conn| report_portal::store::stats::compact(conn, today).unwrap());
    assert_eq!(crate::stats::folded_months(&app), ["2025-05", "2025-06"]);
    assert_eq!(figures().await, before);
}
