//! The audit log over HTTP: every audited action leaves its event, the hash chain verifies, and
//! any edit, deletion, reordering or cut tail made directly in the database is found, also when
//! the hashes are recomputed, against the signed checkpoints kept in the key store.

use std::process::Command;

use diesel::RunQueryDsl;
use report_portal::audit_chain::{Checkpointed, checkpoint};
use report_portal::domain::audit::{AuditEvent, Checkpoint, GENESIS_HASH, Link, SignedCheckpoint};
use report_portal::domain::organization::CredentialMode;
use report_portal::domain::user::Role;
use report_portal::store;
use report_portal::store::audit::NewAuditEvent;
use serde_json::{Value, json};

use crate::helpers::{STAFF_PASSWORD, TestApp, expect, spawn_app, spawn_app_with, valid_report};

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

    // Deleted: the event missing from its place is named (the key store witnessed it there).
    let deleted = verify(&app, &auditor).await;
    assert_eq!(
        (
            deleted["first_invalid"].clone(),
            deleted["first_invalid_seq"].clone()
        ),
        (json!(third), json!(3))
    );
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
    let keys = app.key_store();
    let verdict = app.with_db(|conn| {
        store::audit::seal(conn).unwrap();
        report_portal::audit_chain::verify(conn, &keys, None).unwrap()
    });
    assert!(verdict.valid, "{verdict:?}");
    assert!(verdict.checked >= 240, "{verdict:?}");
}

/// Runs the binary with `args` against `app`'s databases; answers its exit code, what it printed
/// on stdout (JSON when it printed any) and on stderr.
fn command(app: &TestApp, args: &[&str]) -> (Option<i32>, Value, String) {
    let output = Command::new(env!("CARGO_BIN_EXE_report-portal"))
        .args(args)
        .env("DATABASE_URL", app.settings.database_url())
        .env("PORTAL_DATA_DIR", &app.settings.data_dir)
        .env("PORTAL_LOG", "warn")
        .output()
        .unwrap();
    let stdout = serde_json::from_slice(&output.stdout).unwrap_or(Value::Null);
    let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
    (output.status.code(), stdout, stderr)
}

/// Appends `count` events, then verifies over HTTP (which seals and checkpoints the head);
/// answers an auditor's token and the sealed chain.
async fn checkpointed_chain(app: &TestApp, count: usize) -> (String, Vec<AuditEvent>) {
    app.with_db(|conn| {
        for n in 0..count {
            let event = NewAuditEvent::command_line("test.append", &n.to_string());
            store::audit::append(conn, &event).unwrap();
        }
    });
    let auditor = app.staff_token(Role::Auditor).await;
    let clean = verify(app, &auditor).await;
    assert_eq!(clean["valid"], true, "{clean}");
    let events = chain(app);
    assert_eq!(clean["checkpoint_seq"], json!(events.len()), "{clean}");
    (auditor, events)
}

/// Every sealed event, in chain order.
fn chain(app: &TestApp) -> Vec<AuditEvent> {
    app.with_db(|conn| {
        let mut events: Vec<AuditEvent> = Vec::new();
        loop {
            let after = events.last().and_then(|e| e.seq).unwrap_or(0);
            let page = store::audit::sealed_after(conn, after).unwrap();
            if page.is_empty() {
                return events;
            }
            events.extend(page);
        }
    })
}

/// What an attacker with write access to the main database does after changing events from
/// position `from` on: recomputes every hash from there, so that the chain is consistent again.
fn recompute_hashes_from(app: &TestApp, from: i64) {
    use diesel::prelude::*;
    use report_portal::db::schema::audit_events;
    let events = chain(app);
    let mut prev = match from {
        1 => GENESIS_HASH.to_owned(),
        _ => events[from as usize - 2].hash.clone().unwrap(),
    };
    app.with_db(|conn| {
        for event in &events[from as usize - 1..] {
            let hash = event.chain_hash(event.seq.unwrap(), &prev);
            diesel::update(audit_events::table.find(&event.id))
                .set((
                    audit_events::prev_hash.eq(&prev),
                    audit_events::hash.eq(&hash),
                ))
                .execute(conn)
                .unwrap();
            prev = hash;
        }
    });
}

/// Asserts that both the API and the command line find the chain broken at `seq`, naming
/// `first_invalid`.
async fn found(app: &TestApp, auditor: &str, seq: usize, first_invalid: &str) {
    let verdict = verify(app, auditor).await;
    let (status, printed, stderr) = command(app, &["audit", "verify"]);
    for verdict in [verdict, printed] {
        assert_eq!(verdict["valid"], false, "{verdict} {stderr}");
        assert_eq!(verdict["first_invalid"], first_invalid, "{verdict}");
        assert_eq!(verdict["first_invalid_seq"], json!(seq), "{verdict}");
        assert_eq!(verdict["checked"], json!(seq - 1), "{verdict}");
    }
    assert_eq!(status, Some(1), "the command exits 1 on a broken chain");
}

#[actix_web::test]
async fn an_edit_with_recomputed_hashes_is_found_at_the_edited_event() {
    let app = spawn_app().await;
    let (auditor, events) = checkpointed_chain(&app, 12).await;
    let edited = &events[4];
    sql(
        &app,
        &format!(
            "UPDATE audit_events SET target = 'someone-else' WHERE id = '{}'",
            edited.id
        ),
    );
    recompute_hashes_from(&app, 5);
    found(&app, &auditor, 5, &edited.id).await;
}

#[actix_web::test]
async fn a_deletion_with_renumbering_is_found_at_the_deleted_event() {
    let app = spawn_app().await;
    let (auditor, events) = checkpointed_chain(&app, 12).await;
    let deleted = &events[4];
    sql(
        &app,
        &format!("DELETE FROM audit_events WHERE id = '{}'", deleted.id),
    );
    sql(&app, "UPDATE audit_events SET seq = 1 - seq WHERE seq > 5");
    sql(&app, "UPDATE audit_events SET seq = -seq WHERE seq < 0");
    recompute_hashes_from(&app, 5);
    assert_eq!(
        chain(&app).len(),
        events.len() - 1,
        "renumbered without a gap"
    );
    found(&app, &auditor, 5, &deleted.id).await;
}

#[actix_web::test]
async fn a_cut_tail_is_found_at_the_first_missing_event() {
    let app = spawn_app().await;
    let (auditor, events) = checkpointed_chain(&app, 40).await;
    let kept = events.len() - 25;
    sql(
        &app,
        &format!("DELETE FROM audit_events WHERE seq > {kept}"),
    );
    found(&app, &auditor, kept + 1, &events[kept].id).await;
}

/// Runs `statement` on the key store's database.
fn keys_sql(app: &TestApp, statement: &str) {
    let pool = report_portal::db::connect(
        &app.settings.keys_database_url(),
        1,
        std::time::Duration::from_secs(5),
    )
    .unwrap();
    diesel::sql_query(statement)
        .execute(&mut pool.get().unwrap())
        .unwrap();
}

#[actix_web::test]
async fn an_exported_checkpoint_finds_a_tail_cut_after_the_export() {
    let app = spawn_app().await;
    checkpointed_chain(&app, 40).await;
    let exported = crate::cli::run(&app, &["audit", "checkpoint"]);
    let head = exported["seq"].as_i64().unwrap();
    assert_eq!(exported["count"], head);
    let file = app.settings.data_dir.join("checkpoint.json");
    std::fs::write(&file, exported.to_string()).unwrap();
    let file = file.to_str().unwrap();

    // The attacker cuts the tail and, to be thorough, empties the key store's anchors too.
    sql(
        &app,
        &format!("DELETE FROM audit_events WHERE seq > {}", head - 25),
    );
    keys_sql(&app, "DELETE FROM audit_witness");
    keys_sql(&app, "DELETE FROM audit_checkpoints");

    let (status, verdict, stderr) = command(&app, &["audit", "verify", "--checkpoint", file]);
    assert_eq!(status, Some(1), "{verdict} {stderr}");
    assert_eq!(verdict["valid"], false);
    assert_eq!(verdict["first_invalid_seq"], head - 24);
    assert_eq!(verdict["checked"], head - 25);
    assert_eq!(verdict["checkpoint_seq"], head);
}

#[actix_web::test]
async fn a_checkpoint_with_a_bad_signature_is_refused() {
    let app = spawn_app().await;
    checkpointed_chain(&app, 3).await;
    let exported = crate::cli::run(&app, &["audit", "checkpoint"]);
    let jws = exported["jws"].as_str().unwrap();
    let mut forged_signature = jws.to_owned();
    let at = jws.len() - 20;
    let flipped = if &jws[at..=at] == "A" { "B" } else { "A" };
    forged_signature.replace_range(at..=at, flipped);
    let tokens_key = std::fs::read_to_string(app.signing_key_path()).unwrap();
    let mut header = jsonwebtoken::Header::new(jsonwebtoken::Algorithm::EdDSA);
    header.typ = Some("audit-checkpoint+jwt".into());
    header.kid = jsonwebtoken::decode_header(jws).unwrap().kid;
    let claims: Checkpoint = serde_json::from_value(exported.clone()).unwrap();
    let other_key = jsonwebtoken::encode(
        &header,
        &claims,
        &jsonwebtoken::EncodingKey::from_ed_pem(tokens_key.as_bytes()).unwrap(),
    )
    .unwrap();
    let with = |field: &str, value: Value| {
        let mut forged = exported.clone();
        forged[field] = value;
        forged
    };
    let forgeries = [
        with("jws", json!(forged_signature)),
        with("jws", json!(other_key)),
        with("seq", json!(claims.seq + 5)),
    ];
    for (n, forged) in forgeries.into_iter().enumerate() {
        let file = app.settings.data_dir.join(format!("forged-{n}.json"));
        std::fs::write(&file, forged.to_string()).unwrap();
        let (status, printed, stderr) = command(
            &app,
            &["audit", "verify", "--checkpoint", file.to_str().unwrap()],
        );
        assert_eq!(status, Some(2), "forgery {n}: {printed} {stderr}");
        assert_eq!(printed, Value::Null, "no verdict");
        assert!(stderr.contains("the checkpoint is refused"), "{stderr}");
    }
}

#[actix_web::test]
async fn checkpoints_are_published_logged_witnessed_and_kept_once_per_head() {
    let app = spawn_app_with(|s| {
        s.audit_witness_file = s.data_dir.join("witness.jsonl").to_string_lossy().into();
    })
    .await;
    checkpointed_chain(&app, 3).await;

    // Several replicas checkpoint the same head at once: one checkpoint is kept, no error.
    let stores: Vec<_> = (0..4).map(|_| app.key_store()).collect();
    let (url, witness) = (
        app.settings.database_url(),
        app.settings.audit_witness_path(),
    );
    std::thread::scope(|scope| {
        for keys in &stores {
            let (url, witness) = (url.clone(), witness.clone());
            scope.spawn(move || {
                let pool = report_portal::db::connect(&url, 1, std::time::Duration::from_secs(30))
                    .unwrap();
                let mut conn = pool.get().unwrap();
                store::audit::append(&mut conn, &NewAuditEvent::command_line("test.append", ""))
                    .unwrap();
                store::audit::seal(&mut conn).unwrap();
                let made = checkpoint(&mut conn, keys, witness.as_deref()).unwrap();
                assert!(matches!(made, Checkpointed::Signed(_)), "{made:?}");
            });
        }
    });
    let head = chain(&app).len() as i64;
    let lines = std::fs::read_to_string(app.settings.audit_witness_path().unwrap()).unwrap();
    let witnessed: Vec<SignedCheckpoint> = lines
        .lines()
        .map(|line| serde_json::from_str(line).unwrap())
        .collect();
    let heads: Vec<i64> = witnessed.iter().map(|c| c.checkpoint.seq).collect();
    assert!(
        heads.windows(2).all(|pair| pair[0] < pair[1]),
        "one line per head, in chain order: {lines}"
    );
    let last = witnessed.last().unwrap();
    assert_eq!(last.checkpoint.seq, head);

    // A checkpointer that walked the chain before a later head was kept comes too late: its
    // older head is neither kept nor published, so the witness file never goes back.
    let first = &chain(&app)[0];
    let older = Link {
        seq: first.seq.unwrap(),
        event_id: first.id.clone(),
        hash: first.hash.clone().unwrap(),
    };
    let keys = app.key_store();
    let late = keys.checkpoint_key().sign(Checkpoint::of(&older)).unwrap();
    let mut published = false;
    assert!(!keys.keep_checkpoint(&late, |_| published = true).unwrap());
    assert!(!published, "an older head is not published");
    let latest = keys.latest_checkpoint().unwrap().unwrap().unwrap();
    assert_eq!(latest.seq, head);

    // Anyone can check a checkpoint with the key published for it (not the tokens' key).
    let jwks = expect(
        app.client
            .get(format!("{}/.well-known/jwks.json", app.address))
            .send()
            .await
            .unwrap(),
        200,
    )
    .await;
    let kid = jsonwebtoken::decode_header(&last.jws).unwrap().kid.unwrap();
    let jwk = jwks["keys"]
        .as_array()
        .unwrap()
        .iter()
        .find(|k| k["kid"] == kid.as_str())
        .expect("the checkpoint key is published");
    assert_eq!(jwk["use"], "audit-checkpoint");
    assert_ne!(jwks["keys"][0]["kid"], kid.as_str(), "not the tokens' key");
    let key = jsonwebtoken::DecodingKey::from_ed_components(jwk["x"].as_str().unwrap()).unwrap();
    let mut validation = jsonwebtoken::Validation::new(jsonwebtoken::Algorithm::EdDSA);
    validation.required_spec_claims.clear();
    validation.validate_exp = false;
    let claims = jsonwebtoken::decode::<Checkpoint>(&last.jws, &key, &validation)
        .unwrap()
        .claims;
    assert_eq!(claims, last.checkpoint);
    assert!(
        crate::helpers::captured_logs().contains(&last.jws),
        "the checkpoint is in the log"
    );
}

#[actix_web::test]
async fn huge_old_events_are_listed_cut_short_and_the_chain_still_verifies() {
    let app = spawn_app().await;
    // 2 MiB in a field PostgreSQL does not index (its index on `target` refuses such rows),
    // written as a version before fields were bounded wrote them (`append` now cuts them).
    let huge = "x".repeat(2 << 20);
    app.with_db(|conn| {
        use diesel::ExpressionMethods;
        use report_portal::db::schema::audit_events;
        for _ in 0..30 {
            diesel::insert_into(audit_events::table)
                .values((
                    audit_events::id.eq(store::new_id()),
                    audit_events::at.eq(store::now()),
                    audit_events::action.eq("auth.login"),
                    audit_events::target.eq("someone@example.com"),
                    audit_events::outcome.eq("success"),
                    audit_events::request_id.eq(&huge),
                ))
                .execute(conn)
                .unwrap();
        }
    });
    let auditor = app.staff_token(Role::Auditor).await;
    let response = app.get("/api/v1/audit/events?limit=200", &auditor).await;
    assert_eq!(response.status(), 200);
    let body = response.bytes().await.unwrap();
    assert!(body.len() < 512 * 1024, "a page of {} bytes", body.len());
    let page: Value = serde_json::from_slice(&body).unwrap();
    let cut = format!("{}…", &huge[..1024]);
    let listed = page["items"].as_array().unwrap();
    assert_eq!(
        listed
            .iter()
            .filter(|e| e["request_id"] == cut.as_str())
            .count(),
        30
    );
    assert_eq!(verify(&app, &auditor).await["valid"], true);
}
