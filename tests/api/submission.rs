//! Submitting reports and reading them back: the happy path, idempotency, concurrency,
//! pagination, test mode and tenant isolation, also between an organization's live and test
//! credentials.

use futures_util::future::join_all;
use report_portal::domain::organization::{CredentialMode, OrganizationStatus};
use report_portal::domain::user::Role;
use serde_json::{Value, json};
use sha2::{Digest, Sha256};

use crate::helpers::{
    TestApp, expect, hold_the_write_lock, spawn_app, spawn_app_with, valid_report,
};

#[actix_web::test]
async fn a_report_is_stored_and_read_back_exactly_as_submitted() {
    let app = spawn_app().await;
    let reporter = app.reporter(CredentialMode::Live).await;
    let report = valid_report();

    let response = app.post_report(&reporter.token, &report).await;
    let location = response
        .headers()
        .get("location")
        .unwrap()
        .to_str()
        .unwrap()
        .to_owned();
    let receipt = expect(response, 201).await;
    let id = receipt["id"].as_str().unwrap();
    assert_eq!(location, format!("/api/v1/reports/{id}"));
    assert_eq!(
        uuid::Uuid::parse_str(id).unwrap().get_version_num(),
        7,
        "ids are UUIDv7"
    );
    assert_eq!(receipt["status"], "received");
    assert_eq!(receipt["mode"], "live");
    assert_eq!(receipt["external_id"], report["external_id"]);

    let read = expect(app.get(&location, &reporter.token).await, 200).await;
    assert_eq!(read["report"], report, "the report comes back as submitted");
    assert_eq!(read["id"], receipt["id"]);
    assert_eq!(read["received_at"], receipt["received_at"]);
    let canonical = read["report"].to_string();
    assert_eq!(
        read["body_sha256"],
        hex::encode(Sha256::digest(canonical.as_bytes()))
    );

    let external = report["external_id"].as_str().unwrap();
    let by_external = expect(
        app.get(
            &format!("/api/v1/reports/by-external-id/{external}"),
            &reporter.token,
        )
        .await,
        200,
    )
    .await;
    assert_eq!(by_external, read);

    let list = expect(app.get("/api/v1/reports", &reporter.token).await, 200).await;
    assert_eq!(list["items"].as_array().unwrap().len(), 1);
    assert_eq!(list["items"][0]["id"], receipt["id"]);
    assert_eq!(list["items"][0]["severity"], "high");
    assert_eq!(list["next_cursor"], Value::Null);
}

#[actix_web::test]
async fn the_report_row_holds_no_identifying_plaintext_and_its_groups_are_indexed() {
    use diesel::prelude::*;
    use report_portal::db::schema::{report_groups, reports};
    let app = spawn_app().await;
    let reporter = app.reporter(CredentialMode::Live).await;
    let receipt = expect(app.post_report(&reporter.token, &valid_report()).await, 201).await;
    let id = receipt["id"].as_str().unwrap().to_owned();
    let (body, groups, start): (Vec<u8>, Vec<String>, Option<chrono::NaiveDateTime>) =
        app.with_db(|conn| {
            let (body, seq, start) = reports::table
                .find(&id)
                .select((reports::body, reports::seq, reports::activity_end))
                .first::<(Vec<u8>, i64, _)>(conn)
                .unwrap();
            let groups = report_groups::table
                .filter(report_groups::report_seq.eq(seq))
                .select(report_groups::code)
                .order(report_groups::code.asc())
                .load(conn)
                .unwrap();
            (body, groups, start)
        });
    // The accounts, handles and content are only in the sealed body.
    let plain = String::from_utf8_lossy(&body);
    assert!(!plain.contains("1234567890") && !plain.contains("whatsapp"));
    assert_eq!(
        groups,
        valid_report()["suspected_groups"]
            .as_array()
            .map(|g| {
                let mut g: Vec<String> = g.iter().map(|c| c.as_str().unwrap().to_owned()).collect();
                g.sort();
                g
            })
            .unwrap()
    );
    // 2026-11-19T23:00:00-06:00 is stored in UTC.
    assert_eq!(start.unwrap().to_string(), "2026-11-20 05:00:00");
}

#[actix_web::test]
async fn resubmitting_the_same_report_replays_the_original_answer() {
    let app = spawn_app().await;
    let reporter = app.reporter(CredentialMode::Live).await;
    let report = valid_report();
    let first = expect(app.post_report(&reporter.token, &report).await, 201).await;

    // Same content with keys in another order and other whitespace is the same report.
    let reordered: String = {
        let object = report.as_object().unwrap();
        let mut pairs: Vec<_> = object.iter().collect();
        pairs.reverse();
        let body: Vec<String> = pairs
            .iter()
            .map(|(k, v)| format!("\n  {:?} : {}", k, v))
            .collect();
        format!("{{{}}}", body.join(","))
    };
    let replay = app
        .client
        .post(format!("{}/api/v1/reports", app.address))
        .bearer_auth(&reporter.token)
        .header("content-type", "application/json")
        .body(reordered)
        .send()
        .await
        .unwrap();
    assert_eq!(replay.headers().get("idempotent-replayed").unwrap(), "true");
    let second = expect(replay, 200).await;
    assert_eq!(second, first);

    let mut changed = report.clone();
    changed["severity"] = json!("critical");
    let conflict = expect(app.post_report(&reporter.token, &changed).await, 409).await;
    assert_eq!(conflict["existing_id"], first["id"]);
    assert!(
        conflict["detail"]
            .as_str()
            .unwrap()
            .contains(first["id"].as_str().unwrap())
    );

    let stored = expect(
        app.get(
            &format!("/api/v1/reports/{}", first["id"].as_str().unwrap()),
            &reporter.token,
        )
        .await,
        200,
    )
    .await;
    assert_eq!(
        stored["report"]["severity"], "high",
        "a conflicting resubmission changes nothing"
    );
}

#[actix_web::test]
async fn concurrent_submissions_of_one_external_id_store_exactly_one_report() {
    let app = spawn_app().await;
    let reporter = app.reporter(CredentialMode::Live).await;
    let report = valid_report();
    let responses = join_all((0..8).map(|_| app.post_report(&reporter.token, &report))).await;
    let mut created = 0;
    let mut ids = Vec::new();
    for response in responses {
        let status = response.status().as_u16();
        assert!(status == 201 || status == 200, "status {status}");
        created += usize::from(status == 201);
        ids.push(response.json::<Value>().await.unwrap()["id"].clone());
    }
    assert_eq!(created, 1);
    assert!(ids.iter().all(|id| *id == ids[0]));
    let list = expect(app.get("/api/v1/reports", &reporter.token).await, 200).await;
    assert_eq!(list["items"].as_array().unwrap().len(), 1);
}

#[actix_web::test]
async fn one_organization_never_sees_another_organizations_reports() {
    let app = spawn_app().await;
    let owner = app.reporter(CredentialMode::Live).await;
    let other = app.reporter(CredentialMode::Live).await;
    let report = valid_report();
    let receipt = expect(app.post_report(&owner.token, &report).await, 201).await;
    let id = receipt["id"].as_str().unwrap();
    let external = report["external_id"].as_str().unwrap();

    expect(
        app.get(&format!("/api/v1/reports/{id}"), &other.token)
            .await,
        404,
    )
    .await;
    expect(
        app.get(
            &format!("/api/v1/reports/by-external-id/{external}"),
            &other.token,
        )
        .await,
        404,
    )
    .await;
    let list = expect(app.get("/api/v1/reports", &other.token).await, 200).await;
    assert!(list["items"].as_array().unwrap().is_empty());

    // The same external_id is free for another organization, and citing another
    // organization's report as a prior report is refused.
    let mut theirs = report.clone();
    theirs["prior_report_ids"] = json!([id]);
    let refused = expect(app.post_report(&other.token, &theirs).await, 422).await;
    assert_eq!(refused["errors"][0]["pointer"], "/prior_report_ids/0");
    theirs["prior_report_ids"] = json!([]);
    expect(app.post_report(&other.token, &theirs).await, 201).await;
}

#[actix_web::test]
async fn prior_reports_of_the_same_organization_are_accepted() {
    let app = spawn_app().await;
    let reporter = app.reporter(CredentialMode::Live).await;
    let first = expect(app.post_report(&reporter.token, &valid_report()).await, 201).await;
    let mut follow_up = valid_report();
    follow_up["prior_report_ids"] = json!([first["id"]]);
    expect(app.post_report(&reporter.token, &follow_up).await, 201).await;
}

#[actix_web::test]
async fn the_list_pages_newest_first_and_filters_by_status() {
    let app = spawn_app().await;
    let reporter = app.reporter(CredentialMode::Live).await;
    let mut ids = Vec::new();
    for _ in 0..5 {
        ids.push(
            expect(app.post_report(&reporter.token, &valid_report()).await, 201).await["id"]
                .clone(),
        );
    }
    ids.reverse();
    let mut seen = Vec::new();
    let mut path = "/api/v1/reports?limit=2".to_owned();
    loop {
        let page = expect(app.get(&path, &reporter.token).await, 200).await;
        seen.extend(
            page["items"]
                .as_array()
                .unwrap()
                .iter()
                .map(|item| item["id"].clone()),
        );
        match page["next_cursor"].as_str() {
            Some(cursor) => path = format!("/api/v1/reports?limit=2&cursor={cursor}"),
            None => break,
        }
    }
    assert_eq!(seen, ids);

    let received = expect(
        app.get("/api/v1/reports?status=received", &reporter.token)
            .await,
        200,
    )
    .await;
    assert_eq!(received["items"].as_array().unwrap().len(), 5);
    let closed = expect(
        app.get("/api/v1/reports?status=closed", &reporter.token)
            .await,
        200,
    )
    .await;
    assert!(closed["items"].as_array().unwrap().is_empty());
    expect(
        app.get("/api/v1/reports?limit=0", &reporter.token).await,
        400,
    )
    .await;
    expect(
        app.get("/api/v1/reports?limit=201", &reporter.token).await,
        400,
    )
    .await;
    expect(
        app.get("/api/v1/reports?status=referred", &reporter.token)
            .await,
        400,
    )
    .await;
    expect(
        app.get("/api/v1/reports?cursor=%%%", &reporter.token).await,
        400,
    )
    .await;
}

#[actix_web::test]
async fn a_test_credential_marks_its_reports_as_test() {
    let app = spawn_app().await;
    let reporter = app.reporter(CredentialMode::Test).await;
    assert!(reporter.credential.client_id.starts_with("rp_test_"));
    let receipt = expect(app.post_report(&reporter.token, &valid_report()).await, 201).await;
    assert_eq!(receipt["mode"], "test");
}

/// What a credential of one mode tries on a report of the other mode of its own organization:
/// every reporter endpoint that names a report, each answered 404.
async fn probe_the_other_mode(app: &TestApp, token: &str, id: &str, external_id: &str) {
    let missing = |response: reqwest::Response, what: &str| {
        let what = what.to_owned();
        async move {
            assert_eq!(response.status(), 404, "{what}");
            expect(response, 404).await;
        }
    };
    let read = app.get(&format!("/api/v1/reports/{id}"), token).await;
    missing(read, "read by id").await;
    let path = format!("/api/v1/reports/by-external-id/{external_id}");
    missing(app.get(&path, token).await, "read by external id").await;
    let amendment = json!({"note": "A correction from the other mode."});
    let path = format!("/api/v1/reports/{id}/amendments");
    missing(app.post_json(&path, token, &amendment).await, "amend").await;
    let path = format!("/api/v1/reports/{id}/retraction");
    let retraction = json!({"reason": "Sent by mistake."});
    missing(app.post_json(&path, token, &retraction).await, "retract").await;
    let form = reqwest::multipart::Form::new().part(
        "file",
        reqwest::multipart::Part::bytes(b"Plain text evidence.".to_vec()).file_name("a.txt"),
    );
    let upload = app
        .client
        .post(format!("{}/api/v1/reports/{id}/evidence", app.address))
        .bearer_auth(token)
        .multipart(form)
        .send()
        .await
        .unwrap();
    missing(upload, "upload evidence").await;
}

#[actix_web::test]
async fn a_credential_reaches_only_the_reports_of_its_own_mode() {
    let app = spawn_app().await;
    let organization_id = app.create_organization(OrganizationStatus::Vetted);
    let mut tokens = Vec::new();
    let mut reports = Vec::new();
    for mode in [CredentialMode::Live, CredentialMode::Test] {
        let credential = app.create_credential(&organization_id, mode);
        let token = app.token_for(&credential).await;
        let report = valid_report();
        let receipt = app.submit(&token, &report).await;
        let external_id = report["external_id"].as_str().unwrap().to_owned();
        reports.push((receipt["id"].as_str().unwrap().to_owned(), external_id));
        tokens.push(token);
    }
    for (mine, theirs) in [(0, 1), (1, 0)] {
        let (token, (other_id, other_external_id)) = (&tokens[mine], &reports[theirs]);
        probe_the_other_mode(&app, token, other_id, other_external_id).await;

        let list = expect(app.get("/api/v1/reports", token).await, 200).await;
        let listed: Vec<&str> = list["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|item| item["id"].as_str().unwrap())
            .collect();
        assert_eq!(listed, [reports[mine].0.as_str()]);

        // Citing the other mode's report is citing an unknown report, and its external_id
        // is taken without its id being told.
        let mut citing = valid_report();
        citing["prior_report_ids"] = json!([other_id]);
        let refused = expect(app.post_report(token, &citing).await, 422).await;
        assert_eq!(refused["errors"][0]["code"], "unknown_report");
        let mut reusing = valid_report();
        reusing["external_id"] = json!(other_external_id);
        let conflict = expect(app.post_report(token, &reusing).await, 409).await;
        assert!(conflict.get("existing_id").is_none(), "{conflict}");
        assert!(
            !conflict.to_string().contains(other_id.as_str()),
            "{conflict}"
        );
    }
    // Nothing the other mode tried changed a report.
    for (token, (id, _)) in tokens.iter().zip(&reports) {
        let report = expect(app.get(&format!("/api/v1/reports/{id}"), token).await, 200).await;
        assert_eq!(report["status"], "received");
        assert_eq!(report["amendments"], json!([]));
    }
}

#[actix_web::test]
async fn the_taxonomy_lists_every_code() {
    let app = spawn_app().await;
    let reporter = app.reporter(CredentialMode::Live).await;
    let taxonomy = expect(app.get("/api/v1/taxonomy", &reporter.token).await, 200).await;
    assert!(
        taxonomy["categories"]
            .as_array()
            .unwrap()
            .contains(&json!("recruitment"))
    );
    assert!(
        taxonomy["suspected_groups"]
            .as_array()
            .unwrap()
            .contains(&json!("cjng"))
    );
    assert_eq!(
        taxonomy["severities"],
        json!(["low", "medium", "high", "critical"])
    );
    for list in [
        "indicators",
        "content_types",
        "account_roles",
        "platform_actions",
        "contact_types",
        "detection_methods",
    ] {
        assert!(!taxonomy[list].as_array().unwrap().is_empty(), "{list}");
    }
}

/// Single submissions that arrive together are stored together (one transaction for those
/// waiting while others are written), yet each answers as if it came alone: its own report for
/// its own organization, and its own request (id, client) in the audit log.
#[actix_web::test]
async fn single_submissions_arriving_together_each_answer_and_are_audited_as_if_alone() {
    let app = spawn_app().await;
    let reporters = [
        app.reporter(CredentialMode::Live).await,
        app.reporter(CredentialMode::Live).await,
    ];
    const EACH: usize = 10;
    // While the write lock is held, the first submissions wait on it and the others gather
    // behind them; let go, the gathered ones are written together.
    let release = hold_the_write_lock(&app);
    let sends = (0..2 * EACH).map(|n| {
        let reporter = &reporters[n % 2];
        let mut report = valid_report();
        // Both organizations use the same external ids: each is judged within its own.
        report["external_id"] = format!("together-{}", n / 2).into();
        let request_id = format!("together-request-{n}");
        let request = app
            .client
            .post(format!("{}/api/v1/reports", app.address))
            .bearer_auth(&reporter.token)
            .header("X-Request-Id", &request_id)
            .json(&report)
            .send();
        async move { (n, request_id, request.await.unwrap()) }
    });
    let let_go = async {
        tokio::time::sleep(std::time::Duration::from_millis(1500)).await;
        release.send(()).unwrap();
    };
    let (sent, ()) = futures_util::join!(join_all(sends), let_go);
    let mut answered = Vec::new();
    for (n, request_id, response) in sent {
        assert_eq!(response.status().as_u16(), 201, "submission {n}");
        let receipt: Value = response.json().await.unwrap();
        answered.push((n, request_id, receipt["id"].as_str().unwrap().to_owned()));
    }
    for (i, reporter) in reporters.iter().enumerate() {
        let list = expect(
            app.get("/api/v1/reports?limit=100", &reporter.token).await,
            200,
        )
        .await;
        let mut listed: Vec<&str> = list["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|item| item["id"].as_str().unwrap())
            .collect();
        let mut own: Vec<&str> = answered
            .iter()
            .filter(|(n, ..)| n % 2 == i)
            .map(|(.., id)| id.as_str())
            .collect();
        listed.sort_unstable();
        own.sort_unstable();
        assert_eq!(
            listed, own,
            "organization {i} lists exactly its own reports"
        );
    }
    let auditor = app.staff_token(Role::Auditor).await;
    let log = expect(
        app.get("/api/v1/audit/events?limit=200", &auditor).await,
        200,
    )
    .await;
    for (n, request_id, id) in &answered {
        let submitted: Vec<&Value> = log["items"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|e| e["action"] == "report.submit" && e["target"] == id.as_str())
            .collect();
        assert_eq!(submitted.len(), 1, "one audit event for report {id}");
        assert_eq!(
            submitted[0]["request_id"],
            request_id.as_str(),
            "submission {n}"
        );
        assert_eq!(
            submitted[0]["actor"],
            reporters[n % 2].credential.client_id.as_str(),
            "submission {n}"
        );
    }
}

#[actix_web::test]
async fn single_submissions_in_flight_when_the_server_stops_are_answered() {
    // Clients submit one report after another on both workers until the server, stopping as on
    // SIGTERM, refuses their connections. Every submission it answered is stored; none is
    // answered 500 because the writer of its group stopped before it was written.
    let app = spawn_app_with(|s| {
        s.rate_limit_per_second = 100_000;
        s.rate_limit_burst = 100_000;
    })
    .await;
    let reporter = app.reporter(CredentialMode::Live).await;
    let clients = (0..24).map(|client| {
        let (address, token) = (app.address.clone(), reporter.token.clone());
        actix_web::rt::spawn(async move {
            let http = reqwest::Client::new();
            let mut answers = Vec::new();
            for n in 0.. {
                let mut report = valid_report();
                report["external_id"] = json!(format!("stopping-{client}-{n}"));
                let sent = http
                    .post(format!("{address}/api/v1/reports"))
                    .bearer_auth(&token)
                    .json(&report)
                    .send()
                    .await;
                match sent {
                    Ok(response) => answers.push(response.status().as_u16()),
                    Err(_) => return answers,
                }
            }
            answers
        })
    });
    let clients: Vec<_> = clients.collect();
    actix_web::rt::time::sleep(std::time::Duration::from_millis(500)).await;
    app.stop_gracefully().await;
    let answers: Vec<u16> = join_all(clients)
        .await
        .into_iter()
        .flat_map(Result::unwrap)
        .collect();
    let mut by_status = std::collections::BTreeMap::<u16, usize>::new();
    for status in &answers {
        *by_status.entry(*status).or_default() += 1;
    }
    assert_eq!(
        by_status.keys().collect::<Vec<_>>(),
        [&201],
        "{by_status:?}"
    );
    let stored: i64 = app.with_db(|conn| {
        use diesel::prelude::*;
        report_portal::db::schema::reports::table
            .count()
            .get_result(conn)
            .unwrap()
    });
    assert!(
        stored >= answers.len() as i64,
        "{stored} stored, {} answered",
        answers.len()
    );
}

/// How often PostgreSQL planned a prepared statement of this session.
#[derive(diesel::QueryableByName)]
struct Plans {
    #[diesel(sql_type = diesel::sql_types::BigInt)]
    generic_plans: i64,
    #[diesel(sql_type = diesel::sql_types::BigInt)]
    custom_plans: i64,
}

/// A setting as PostgreSQL shows it.
#[derive(diesel::QueryableByName)]
struct PlanCacheMode {
    #[diesel(sql_type = diesel::sql_types::Text)]
    plan_cache_mode: String,
}

#[actix_web::test]
async fn postgresql_plans_a_submission_s_duplicate_check_once_a_connection_not_once_a_submission() {
    use diesel::RunQueryDsl;
    use report_portal::db::DbConnection;
    let app = spawn_app().await;
    let reporter = app.reporter(CredentialMode::Live).await;
    let direct = app.direct_submission(&reporter, 36, |_| valid_report());
    app.with_db(|conn| {
        if !matches!(conn, DbConnection::Postgres(_)) {
            return;
        }
        // Eight submissions of 1 to 8 reports, each in its own transaction, on one connection.
        let mut left = direct.bodies.as_slice();
        for count in 1..=8 {
            let (bodies, rest) = left.split_at(count);
            left = rest;
            let stored = direct.submit(conn, bodies).unwrap();
            assert!(stored.iter().all(|outcome| outcome.is_ok()));
        }
        let plans: Plans = diesel::sql_query(
            "SELECT generic_plans, custom_plans FROM pg_prepared_statements \
             WHERE statement LIKE '%\"reports\".\"external_id\" = ANY%'",
        )
        .get_result(conn)
        .unwrap();
        assert_eq!((plans.generic_plans, plans.custom_plans), (8, 0));
        // The connection's other transactions plan as PostgreSQL chooses.
        let mode: PlanCacheMode = diesel::sql_query("SHOW plan_cache_mode")
            .get_result(conn)
            .unwrap();
        assert_eq!(mode.plan_cache_mode, "auto");
    });
}
