//! Retention: each policy purges exactly at its boundary time (the purge's clock is set by the
//! test), held, open and unreleased reports survive, a purged report answers 410 with its
//! tombstone and leaves no search or correlation rows, its external_id is recognised,
//! statistics and the audit chain stay as they were (through a `stats rebuild` and a compaction
//! too), an interrupted purge completes, and concurrent purges purge each report once.

use chrono::{DateTime, Duration, NaiveDateTime, Utc};
use diesel::prelude::*;
use diesel::sql_types::BigInt;
use report_portal::db::DbConnection;
use report_portal::db::schema::{
    correlation_keys, correlation_pdq, correlation_pdq_chunks, report_feedback, report_tombstones,
    reports,
};
use report_portal::domain::organization::CredentialMode;
use report_portal::domain::retention::Retention;
use report_portal::domain::user::Role;
use report_portal::retention::purge;
use report_portal::state::AppState;
use reqwest::Method;
use reqwest::multipart::{Form, Part};
use serde_json::{Value, json};

use crate::helpers::{TestApp, expect, spawn_app_with, valid_report};

pub(crate) const RETENTION: Retention = Retention {
    closed_days: 10,
    retracted_days: 5,
    test_days: 7,
    released_days: 3,
};

/// An application whose server does not purge by itself: the tests choose when, and at what time.
pub(crate) async fn spawn() -> TestApp {
    spawn_app_with(|s| s.purge_interval_seconds = 0).await
}

/// Purges as the server would, at `now`, two reports per transaction.
pub(crate) async fn purge_at(
    app: &TestApp,
    now: DateTime<Utc>,
) -> report_portal::retention::Purged {
    let state = AppState::new(app.settings.clone()).unwrap();
    purge(&state, &RETENTION, now, 2).await.unwrap()
}

/// A report's stored time, read by `query`.
fn stored(
    app: &TestApp,
    query: impl FnOnce(&mut DbConnection) -> QueryResult<Option<NaiveDateTime>>,
) -> DateTime<Utc> {
    app.with_db(query).unwrap().expect("time set").and_utc()
}

/// The review detail's status code for `id`.
async fn review_status(app: &TestApp, supervisor: &str, id: &str) -> u16 {
    app.get(&format!("/api/v1/review/reports/{id}"), supervisor)
        .await
        .status()
        .as_u16()
}

async fn close(app: &TestApp, analyst: &str, id: &str, resolution: &str) {
    app.move_report(analyst, id, json!({"to": "in_review", "reason": "triage"}))
        .await;
    app.move_report(
        analyst,
        id,
        json!({"to": "closed", "reason": "done", "resolution": resolution}),
    )
    .await;
}

pub(crate) async fn retract(app: &TestApp, token: &str, id: &str) {
    let path = format!("/api/v1/reports/{id}/retraction");
    expect(
        app.post_json(&path, token, &json!({"reason": "filed in error"}))
            .await,
        200,
    )
    .await;
}

/// The rows of a report (`seq` its integer key) in the search words, the correlation index and
/// the PDQ index (hashes and chunks).
fn index_rows(app: &TestApp, id: &str, seq: i64) -> (i64, i64, i64) {
    macro_rules! rows_of {
        ($conn:expr, $table:ident) => {
            $table::table
                .filter($table::report_seq.eq(seq))
                .count()
                .get_result::<i64>($conn)
                .unwrap()
        };
    }
    app.with_db(|conn| {
        let words = match conn {
            // Every (token, document) SQLite's index lists for the report: its own document
            // or an amendment's (a rowid below zero, `store::words`).
            DbConnection::Sqlite(_) => diesel::select(diesel::dsl::sql::<BigInt>(&format!(
                "(SELECT count(*) FROM report_word_instances \
                 WHERE CASE WHEN doc > 0 THEN doc ELSE -doc >> 20 END = {seq})"
            )))
            .get_result(conn)
            .unwrap(),
            DbConnection::Postgres(_) => report_portal::store::words::of_report(conn, id)
                .unwrap()
                .len() as i64,
        };
        // The exact values are one row per report (its keys counted), and SQLite's by value.
        let keys = match conn {
            DbConnection::Sqlite(_) => {
                use report_portal::db::schema::sqlite::correlation_key_sets as sets;
                rows_of!(conn, correlation_keys) + rows_of!(conn, sets)
            }
            DbConnection::Postgres(c) => {
                use report_portal::db::schema::postgres::correlation_key_sets as sets;
                sets::table
                    .find(seq)
                    .select(sets::key_heads)
                    .first::<Vec<i64>>(c)
                    .optional()
                    .unwrap()
                    .map_or(0, |keys| keys.len() as i64)
            }
        };
        // PostgreSQL's PDQ chunk keys are in the hashes' rows.
        let chunks = match conn {
            DbConnection::Sqlite(_) => rows_of!(conn, correlation_pdq_chunks),
            DbConnection::Postgres(_) => 0,
        };
        (words, keys, rows_of!(conn, correlation_pdq) + chunks)
    })
}

pub(crate) fn id_of(receipt: &Value) -> String {
    receipt["id"].as_str().unwrap().to_owned()
}

#[actix_web::test]
async fn each_policy_purges_exactly_at_its_boundary_and_held_open_and_unreleased_reports_stay() {
    let app = spawn().await;
    let live = app.reporter(CredentialMode::Live).await;
    let test = app.reporter(CredentialMode::Test).await;
    let (_, supervisor) = app.staff(Role::Supervisor).await;

    let closed = id_of(&app.submit(&live.token, &valid_report()).await);
    close(&app, &supervisor, &closed, "no_action").await;
    let actioned = id_of(&app.submit(&live.token, &valid_report()).await);
    close(&app, &supervisor, &actioned, "actioned").await;
    let release = format!("/api/v1/review/reports/{actioned}/release");
    expect(
        app.post_json(&release, &supervisor, &json!({"reason": "case over"}))
            .await,
        200,
    )
    .await;
    let retracted = id_of(&app.submit(&live.token, &valid_report()).await);
    retract(&app, &live.token, &retracted).await;
    let test_mode = id_of(&app.submit(&test.token, &valid_report()).await);

    let open = id_of(&app.submit(&live.token, &valid_report()).await);
    let held = id_of(&app.submit(&live.token, &valid_report()).await);
    close(&app, &supervisor, &held, "duplicate").await;
    let hold = format!("/api/v1/review/reports/{held}/hold");
    expect(
        app.post_json(&hold, &supervisor, &json!({"reason": "litigation 26-1"}))
            .await,
        200,
    )
    .await;
    let referred = id_of(&app.submit(&live.token, &valid_report()).await);
    app.move_report(
        &supervisor,
        &referred,
        json!({"to": "in_review", "reason": "triage"}),
    )
    .await;
    app.move_report(
        &supervisor,
        &referred,
        json!({"to": "referred", "reason": "for HSI",
               "referral": {"agency": "HSI", "reference": "HSI-1"}}),
    )
    .await;

    let mut due = vec![
        (
            closed.clone(),
            stored(&app, |c| {
                reports::table
                    .find(&closed)
                    .select(reports::closed_at)
                    .first(c)
            }) + Duration::days(10),
            "closed",
        ),
        (
            actioned.clone(),
            stored(&app, |c| {
                reports::table
                    .find(&actioned)
                    .select(reports::released_at)
                    .first(c)
            }) + Duration::days(3),
            "released",
        ),
        (
            retracted.clone(),
            stored(&app, |c| {
                reports::table
                    .find(&retracted)
                    .select(reports::retracted_at)
                    .first(c)
            }) + Duration::days(5),
            "retracted",
        ),
        (
            test_mode.clone(),
            stored(&app, |c| {
                reports::table
                    .find(&test_mode)
                    .select(reports::received_at.nullable())
                    .first(c)
            }) + Duration::days(7),
            "test_mode",
        ),
    ];
    due.sort_by_key(|(_, at, _)| *at);
    for (id, at, policy) in &due {
        let just_before = purge_at(&app, *at - Duration::microseconds(1)).await;
        assert_eq!(just_before.purged, 0, "{policy}: purged early");
        assert_eq!(review_status(&app, &supervisor, id).await, 200, "{policy}");
        let on_time = purge_at(&app, *at).await;
        assert_eq!(on_time.purged, 1, "{policy}: {on_time:?}");
        assert_eq!(on_time.by_policy.len(), 1);
        let problem = expect(
            app.get(&format!("/api/v1/review/reports/{id}"), &supervisor)
                .await,
            410,
        )
        .await;
        assert_eq!(problem["tombstone"]["policy"], *policy);
    }

    let years_later = Utc::now() + Duration::days(3650);
    assert_eq!(purge_at(&app, years_later).await.purged, 0);
    for id in [&open, &held, &referred] {
        assert_eq!(review_status(&app, &supervisor, id).await, 200);
    }

    // Once the hold is lifted, the closed report's policy applies again.
    expect(
        app.send(Method::DELETE, &hold, Some(&supervisor), None)
            .await,
        200,
    )
    .await;
    let lifted = purge_at(&app, years_later).await;
    assert_eq!(lifted.purged, 1, "{lifted:?}");
    assert_eq!(review_status(&app, &supervisor, &held).await, 410);
}

#[actix_web::test]
async fn holds_and_releases_are_for_supervisors_with_a_reason_and_show_in_detail_and_timeline() {
    let app = spawn().await;
    let live = app.reporter(CredentialMode::Live).await;
    let (_, analyst) = app.staff(Role::Analyst).await;
    let (supervisor_id, supervisor) = app.staff(Role::Supervisor).await;
    let id = id_of(&app.submit(&live.token, &valid_report()).await);
    let hold = format!("/api/v1/review/reports/{id}/hold");
    let reason = json!({"reason": "preservation order 2026-77"});

    expect(app.post_json(&hold, &analyst, &reason).await, 403).await;
    let problem = expect(
        app.post_json(&hold, &supervisor, &json!({"reason": ""}))
            .await,
        422,
    )
    .await;
    assert_eq!(problem["errors"][0]["pointer"], "/reason");
    expect(app.post_json(&hold, &supervisor, &json!({})).await, 422).await;
    let unknown = "/api/v1/review/reports/0190c5b8-0000-7000-8000-000000000000/hold";
    expect(app.post_json(unknown, &supervisor, &reason).await, 404).await;

    let detail = expect(app.post_json(&hold, &supervisor, &reason).await, 200).await;
    assert_eq!(detail["legal_hold"]["reason"], "preservation order 2026-77");
    assert_eq!(detail["legal_hold"]["placed_by"], supervisor_id.as_str());
    let last = detail["timeline"].as_array().unwrap().last().unwrap();
    assert_eq!(last["kind"], "hold");
    assert_eq!(last["reason"], "preservation order 2026-77");
    expect(app.post_json(&hold, &supervisor, &reason).await, 409).await;

    expect(
        app.send(Method::DELETE, &hold, Some(&analyst), None).await,
        403,
    )
    .await;
    let detail = expect(
        app.send(Method::DELETE, &hold, Some(&supervisor), None)
            .await,
        200,
    )
    .await;
    assert!(detail["legal_hold"].is_null());
    let last = detail["timeline"].as_array().unwrap().last().unwrap();
    assert_eq!(last["kind"], "hold_lifted");
    expect(
        app.send(Method::DELETE, &hold, Some(&supervisor), None)
            .await,
        409,
    )
    .await;

    // Only a referred or actioned report is released, once; any later move withdraws it.
    let release = format!("/api/v1/review/reports/{id}/release");
    let why = json!({"reason": "case closed by HSI"});
    expect(app.post_json(&release, &supervisor, &why).await, 409).await;
    app.move_report(
        &supervisor,
        &id,
        json!({"to": "in_review", "reason": "triage"}),
    )
    .await;
    app.move_report(
        &supervisor,
        &id,
        json!({"to": "referred", "reason": "for HSI",
               "referral": {"agency": "HSI", "reference": "HSI-2"}}),
    )
    .await;
    expect(app.post_json(&release, &analyst, &why).await, 403).await;
    let detail = expect(app.post_json(&release, &supervisor, &why).await, 200).await;
    assert!(detail["released_at"].is_string());
    expect(app.post_json(&release, &supervisor, &why).await, 409).await;
    app.move_report(
        &supervisor,
        &id,
        json!({"to": "closed", "reason": "done", "resolution": "actioned"}),
    )
    .await;
    let detail = expect(
        app.get(&format!("/api/v1/review/reports/{id}"), &supervisor)
            .await,
        200,
    )
    .await;
    assert!(detail["released_at"].is_null());

    let audit: Vec<String> = app.with_db(|conn| {
        use report_portal::db::schema::audit_events;
        audit_events::table
            .filter(audit_events::target.eq(&id))
            .select(audit_events::action)
            .load(conn)
            .unwrap()
    });
    for action in ["report.hold", "report.hold_lift", "report.release"] {
        assert!(audit.iter().any(|a| a == action), "{action}: {audit:?}");
    }
}

/// Uploads a small PNG as evidence of `report_id`.
pub(crate) async fn upload_evidence(app: &TestApp, token: &str, report_id: &str) {
    let png = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDRsome image bytes".to_vec();
    let form = Form::new().part(
        "file",
        Part::bytes(png)
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
    expect(response, 201).await;
}

fn evidence_files(app: &TestApp, report_id: &str) -> usize {
    std::fs::read_dir(app.settings.evidence_path().join(report_id))
        .map(|entries| entries.count())
        .unwrap_or(0)
}

#[actix_web::test]
async fn a_purged_report_answers_410_with_its_tombstone_and_its_external_id_stays_taken() {
    let app = spawn().await;
    let live = app.reporter(CredentialMode::Live).await;
    let other = app.reporter(CredentialMode::Live).await;
    let (_, supervisor) = app.staff(Role::Supervisor).await;
    let mut report = valid_report();
    report["content"][0]["pdq"] = json!("f0".repeat(32));
    let receipt = app.submit(&live.token, &report).await;
    let id = id_of(&receipt);
    let external_id = report["external_id"].as_str().unwrap();
    upload_evidence(&app, &live.token, &id).await;
    assert_eq!(evidence_files(&app, &id), 1);
    retract(&app, &live.token, &id).await;
    let seq: i64 = app.with_db(|conn| {
        reports::table
            .find(&id)
            .select(reports::seq)
            .first(conn)
            .unwrap()
    });
    let (words, indicators, pdqs) = index_rows(&app, &id, seq);
    assert!(words > 0 && indicators > 0 && pdqs > 0);

    let done = purge_at(&app, Utc::now() + Duration::days(5)).await;
    assert_eq!((done.purged, done.evidence_deleted), (1, 1), "{done:?}");
    assert_eq!(evidence_files(&app, &id), 0, "evidence files deleted");
    // No foreign key keeps these from outliving their report: the purge deletes them itself.
    assert_eq!(
        index_rows(&app, &id, seq),
        (0, 0, 0),
        "search and correlation rows left"
    );

    for path in [
        format!("/api/v1/reports/{id}"),
        format!("/api/v1/reports/by-external-id/{external_id}"),
    ] {
        let problem = expect(app.get(&path, &live.token).await, 410).await;
        assert_eq!(problem["type"], "urn:report-portal:problem:report-purged");
        let tombstone = &problem["tombstone"];
        assert_eq!(tombstone["id"], id.as_str());
        assert_eq!(tombstone["organization_id"], live.organization_id.as_str());
        assert_eq!(tombstone["external_id"], external_id);
        assert_eq!(tombstone["received_at"], receipt["received_at"]);
        assert_eq!(tombstone["policy"], "retracted");
        assert!(tombstone["purged_at"].is_string());
        // Another organization learns nothing.
        expect(app.get(&path, &other.token).await, 404).await;
    }
    let problem = expect(
        app.get(&format!("/api/v1/review/reports/{id}"), &supervisor)
            .await,
        410,
    )
    .await;
    assert_eq!(problem["tombstone"]["id"], id.as_str());
    let hold = format!("/api/v1/review/reports/{id}/hold");
    let reason = json!({"reason": "too late"});
    expect(app.post_json(&hold, &supervisor, &reason).await, 410).await;

    // Sending the same report again is recognised: 410, and nothing is stored.
    let problem = expect(app.post_report(&live.token, &report).await, 410).await;
    assert_eq!(problem["tombstone"]["id"], id.as_str());
    let batch = expect(
        app.post_json(
            "/api/v1/reports/batch",
            &live.token,
            &json!({"reports": [report]}),
        )
        .await,
        200,
    )
    .await;
    assert_eq!(batch["results"][0]["status"], 410);
    assert_eq!(batch["results"][0]["error"]["tombstone"]["id"], id.as_str());
    let stored: i64 = app.with_db(|conn| {
        reports::table
            .filter(reports::external_id.eq(external_id))
            .count()
            .get_result(conn)
            .unwrap()
    });
    assert_eq!(stored, 0);
    // Another organization may use the same identifier of its own.
    app.submit(&other.token, &report).await;

    // Purging again changes nothing.
    let again = purge_at(&app, Utc::now() + Duration::days(5)).await;
    assert_eq!((again.purged, again.evidence_deleted), (0, 0));
}

#[actix_web::test]
async fn the_outcome_feedback_of_a_purged_report_is_purged_with_it() {
    let app = spawn().await;
    let live = app.reporter(CredentialMode::Live).await;
    let (_, supervisor) = app.staff(Role::Supervisor).await;
    let id = id_of(&app.submit(&live.token, &valid_report()).await);
    app.move_report(
        &supervisor,
        &id,
        json!({"to": "in_review", "reason": "triage"}),
    )
    .await;
    app.move_report(
        &supervisor,
        &id,
        json!({"to": "closed", "reason": "done", "resolution": "no_action",
               "feedback": {"actionable": false, "reason": "insufficient_information"}}),
    )
    .await;
    let feedback_rows = |app: &TestApp| -> i64 {
        app.with_db(|conn| {
            report_feedback::table
                .filter(report_feedback::report_id.eq(&id))
                .count()
                .get_result(conn)
                .unwrap()
        })
    };
    assert_eq!(feedback_rows(&app), 1);

    let done = purge_at(
        &app,
        Utc::now() + Duration::days(RETENTION.closed_days.into()),
    )
    .await;
    assert_eq!(done.purged, 1, "{done:?}");
    // No foreign key keeps the feedback from outliving its report: the purge deletes it.
    assert_eq!(feedback_rows(&app), 0, "feedback left after the purge");
}

#[actix_web::test]
async fn statistics_and_the_audit_chain_are_the_same_after_the_purge() {
    let app = spawn().await;
    let live = app.reporter(CredentialMode::Live).await;
    let (_, supervisor) = app.staff(Role::Supervisor).await;
    let (_, auditor) = app.staff(Role::Auditor).await;
    for resolution in ["no_action", "duplicate", "insufficient_information"] {
        let id = id_of(&app.submit(&live.token, &valid_report()).await);
        close(&app, &supervisor, &id, resolution).await;
    }
    let id = id_of(&app.submit(&live.token, &valid_report()).await);
    retract(&app, &live.token, &id).await;

    let stats_paths = [
        "/api/v1/stats/summary",
        "/api/v1/stats/breakdown?dimension=category",
        "/api/v1/stats/breakdown?dimension=status",
        "/api/v1/stats/breakdown?dimension=organization",
        "/api/v1/stats/timeseries?interval=day",
        "/api/v1/stats/triage",
    ];
    let mut before = Vec::new();
    for path in stats_paths {
        before.push(expect(app.get(path, &supervisor).await, 200).await);
    }
    let verified = expect(app.get("/api/v1/audit/verify", &auditor).await, 200).await;
    assert_eq!(verified["valid"], true);

    let done = purge_at(&app, Utc::now() + Duration::days(3650)).await;
    assert_eq!(done.purged, 4, "{done:?}");

    let same_figures = || async {
        for (path, before) in stats_paths.iter().zip(&before) {
            let after = expect(app.get(path, &supervisor).await, 200).await;
            assert_eq!(&after, before, "{path}");
        }
    };
    same_figures().await;
    // A rebuild adds back what the purge kept of the purged reports, and so does a compaction
    // of every day's shards.
    let rebuilt = {
        let keys = app.key_store();
        app.with_db(|conn| report_portal::store::stats::rebuild(conn, &keys).unwrap())
    };
    assert_eq!(
        (rebuilt.reports, rebuilt.differences),
        (0, 0),
        "{rebuilt:?}"
    );
    same_figures().await;
    let tomorrow = Utc::now().date_naive() + Duration::days(1);
    app.with_db(|conn| report_portal::store::stats::compact(conn, tomorrow).unwrap());
    same_figures().await;
    // A live report purged before its contribution was kept: a rebuild refuses, changing nothing.
    app.with_db(|conn| {
        diesel::update(report_tombstones::table)
            .set(report_tombstones::counts_kept.eq(false))
            .execute(conn)
            .unwrap()
    });
    let refused = {
        let keys = app.key_store();
        app.with_db(|conn| report_portal::store::stats::rebuild(conn, &keys).unwrap_err())
    };
    assert!(
        refused.to_string().contains("4 live reports were purged"),
        "{refused}"
    );
    same_figures().await;

    let after = expect(app.get("/api/v1/audit/verify", &auditor).await, 200).await;
    assert_eq!(after["valid"], true, "{after}");
    assert!(
        after["checked"].as_i64().unwrap() >= verified["checked"].as_i64().unwrap() + 4,
        "the purge is in the chain: {after} vs {verified}"
    );
    let purges = expect(
        app.get("/api/v1/audit/events?action=report.purge", &auditor)
            .await,
        200,
    )
    .await;
    assert_eq!(purges["items"].as_array().unwrap().len(), 4);
}

#[actix_web::test]
async fn a_purge_interrupted_half_way_completes_when_run_again() {
    let app = spawn().await;
    let live = app.reporter(CredentialMode::Live).await;
    let mut ids = Vec::new();
    for _ in 0..5 {
        let id = id_of(&app.submit(&live.token, &valid_report()).await);
        upload_evidence(&app, &live.token, &id).await;
        retract(&app, &live.token, &id).await;
        ids.push(id);
    }
    let now = Utc::now() + Duration::days(5);
    // One batch committed, then the process died: before the evidence files were deleted.
    let rule = RETENTION
        .rules(now)
        .into_iter()
        .find(|r| r.policy.as_ref() == "retracted")
        .unwrap();
    let keys = app.key_store();
    let first = app.with_db(|conn| {
        report_portal::store::retention::purge_batch(conn, &keys, &rule, None, 2, now).unwrap()
    });
    assert_eq!(first.purged.len(), 2);
    let files_left: usize = ids.iter().map(|id| evidence_files(&app, id)).sum();
    assert_eq!(files_left, 5);

    let done = purge_at(&app, now).await;
    assert_eq!((done.purged, done.evidence_deleted), (3, 5), "{done:?}");
    let files_left: usize = ids.iter().map(|id| evidence_files(&app, id)).sum();
    assert_eq!(files_left, 0);
    let (tombstones, pending): (i64, i64) = app.with_db(|conn| {
        (
            report_tombstones::table.count().get_result(conn).unwrap(),
            report_tombstones::table
                .filter(report_tombstones::evidence_deleted.eq(false))
                .count()
                .get_result(conn)
                .unwrap(),
        )
    });
    assert_eq!((tombstones, pending), (5, 0));
}

#[actix_web::test]
async fn purges_running_at_once_purge_each_report_exactly_once() {
    let app = spawn().await;
    let test = app.reporter(CredentialMode::Test).await;
    let reports: Vec<Value> = (0..40).map(|_| valid_report()).collect();
    expect(
        app.post_json(
            "/api/v1/reports/batch",
            &test.token,
            &json!({"reports": reports}),
        )
        .await,
        200,
    )
    .await;
    let now = Utc::now() + Duration::days(8);
    let (a, b, c) = tokio::join!(
        purge_at(&app, now),
        purge_at(&app, now),
        purge_at(&app, now)
    );
    assert_eq!(a.purged + b.purged + c.purged, 40, "{a:?} {b:?} {c:?}");
    let (tombstones, left): (i64, i64) = app.with_db(|conn| {
        (
            report_tombstones::table.count().get_result(conn).unwrap(),
            reports::table.count().get_result(conn).unwrap(),
        )
    });
    assert_eq!((tombstones, left), (40, 0));
}

#[actix_web::test]
async fn the_command_line_shows_what_it_would_purge_then_purges_it() {
    let app = spawn().await;
    let test = app.reporter(CredentialMode::Test).await;
    let id = id_of(&app.submit(&test.token, &valid_report()).await);
    let run = |args: &[&str]| {
        let output = std::process::Command::new(env!("CARGO_BIN_EXE_report-portal"))
            .args(args)
            .env("DATABASE_URL", app.settings.database_url())
            .env("PORTAL_DATA_DIR", &app.settings.data_dir)
            .env("PORTAL_RETENTION_TEST_DAYS", "0")
            .env("PORTAL_LOG", "warn")
            .output()
            .expect("the binary runs");
        assert!(output.status.success(), "{output:?}");
        serde_json::from_slice::<Value>(&output.stdout).unwrap()
    };
    let plan = run(&["purge", "--dry-run"]);
    assert_eq!(plan["dry_run"], true);
    assert_eq!(plan["count"], 1);
    assert_eq!(plan["reports"][0]["id"], id.as_str());
    assert_eq!(plan["reports"][0]["policy"], "test_mode");
    let (_, supervisor) = app.staff(Role::Supervisor).await;
    assert_eq!(review_status(&app, &supervisor, &id).await, 200);

    let done = run(&["purge"]);
    assert_eq!(done["purged"], 1, "{done}");
    assert_eq!(done["by_policy"]["test_mode"], 1);
    assert_eq!(review_status(&app, &supervisor, &id).await, 410);
}
