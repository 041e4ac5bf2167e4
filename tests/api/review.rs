//! The analysts' workflow over HTTP: the state machine, assignment, notes, the timeline, the
//! coarse status the submitter sees, filters and search, concurrency, and the export.

use futures_util::future::join_all;
use report_portal::domain::organization::CredentialMode;
use report_portal::domain::user::Role;
use serde_json::{Value, json};

use crate::helpers::{TestApp, TestReporter, expect, spawn_app, valid_report};

async fn post(app: &TestApp, path: &str, token: &str, body: Value) -> reqwest::Response {
    app.client
        .post(format!("{}{path}", app.address))
        .bearer_auth(token)
        .json(&body)
        .send()
        .await
        .unwrap()
}

async fn submit(app: &TestApp, reporter: &TestReporter, report: &Value) -> String {
    let receipt = expect(app.post_report(&reporter.token, report).await, 201).await;
    receipt["id"].as_str().unwrap().to_owned()
}

async fn move_to(app: &TestApp, token: &str, id: &str, body: Value) -> reqwest::Response {
    post(
        app,
        &format!("/api/v1/review/reports/{id}/transitions"),
        token,
        body,
    )
    .await
}

#[actix_web::test]
async fn a_report_is_worked_from_receipt_to_closure_and_the_submitter_never_sees_the_referral() {
    let app = spawn_app().await;
    let reporter = app.reporter(CredentialMode::Live).await;
    let id = submit(&app, &reporter, &valid_report()).await;
    let (analyst_id, analyst) = app.staff(Role::Analyst).await;
    let (_, supervisor) = app.staff(Role::Supervisor).await;
    let own = format!("/api/v1/reports/{id}");

    let list = expect(app.get("/api/v1/review/reports", &analyst).await, 200).await;
    assert_eq!(list["items"][0]["id"], id.as_str());
    assert_eq!(list["items"][0]["status"], "received");

    expect(
        post(
            &app,
            &format!("/api/v1/review/reports/{id}/assignment"),
            &analyst,
            json!({"assignee_id": analyst_id}),
        )
        .await,
        200,
    )
    .await;
    expect(
        move_to(
            &app,
            &analyst,
            &id,
            json!({"to": "in_review", "reason": "triage"}),
        )
        .await,
        200,
    )
    .await;
    assert_eq!(
        expect(app.get(&own, &reporter.token).await, 200).await["status"],
        "in_review"
    );
    let note = expect(
        post(
            &app,
            &format!("/api/v1/review/reports/{id}/notes"),
            &analyst,
            json!({"body": "Same number seen in an earlier case."}),
        )
        .await,
        201,
    )
    .await;
    assert_eq!(note["author_id"], analyst_id.as_str());
    expect(
        move_to(
            &app,
            &analyst,
            &id,
            json!({"to": "escalated", "reason": "minor targeted"}),
        )
        .await,
        200,
    )
    .await;
    assert_eq!(
        expect(app.get(&own, &reporter.token).await, 200).await["status"],
        "in_review",
        "escalation shows as in review"
    );
    let referral = json!({"to": "referred", "reason": "HSI lead", "referral": {"agency": "HSI", "reference": "HSI-2026-77"}});
    let referred = expect(move_to(&app, &supervisor, &id, referral).await, 200).await;
    assert_eq!(referred["status"], "referred");
    assert_eq!(referred["referral"]["agency"], "HSI");

    let seen = expect(app.get(&own, &reporter.token).await, 200).await;
    assert_eq!(seen["status"], "closed", "a referral is never disclosed");
    assert!(
        !seen.to_string().contains("HSI"),
        "no referral detail reaches the submitter"
    );
    let listed = expect(
        app.get("/api/v1/reports?status=closed", &reporter.token)
            .await,
        200,
    )
    .await;
    assert_eq!(listed["items"][0]["id"], id.as_str());

    let closed = expect(
        move_to(
            &app,
            &analyst,
            &id,
            json!({"to": "closed", "reason": "done", "resolution": "actioned"}),
        )
        .await,
        200,
    )
    .await;
    assert_eq!(closed["resolution"], "actioned");
    let refused = expect(
        move_to(
            &app,
            &analyst,
            &id,
            json!({"to": "in_review", "reason": "reopen"}),
        )
        .await,
        409,
    )
    .await;
    assert_eq!(refused["allowed"], json!([]), "only a supervisor reopens");
    let reopened = expect(
        move_to(
            &app,
            &supervisor,
            &id,
            json!({"to": "in_review", "reason": "new information"}),
        )
        .await,
        200,
    )
    .await;
    assert_eq!(reopened["status"], "in_review");

    let kinds: Vec<&str> = reopened["timeline"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["kind"].as_str().unwrap())
        .collect();
    assert_eq!(
        kinds,
        [
            "received",
            "assignment",
            "transition",
            "note",
            "transition",
            "transition",
            "transition",
            "transition"
        ]
    );
    let escalation = &reopened["timeline"][4];
    assert_eq!(
        (escalation["from"].as_str(), escalation["to"].as_str()),
        (Some("in_review"), Some("escalated"))
    );
    assert_eq!(escalation["reason"], "minor targeted");
    assert_eq!(escalation["actor_id"], analyst_id.as_str());
    assert_eq!(
        reopened["notes"][0]["body"],
        "Same number seen in an earlier case."
    );
    assert_eq!(
        reopened["report"]["summary"],
        valid_report()["summary"],
        "the report as submitted"
    );
}

#[actix_web::test]
async fn moves_the_state_machine_does_not_draw_are_refused_with_the_allowed_ones() {
    let app = spawn_app().await;
    let reporter = app.reporter(CredentialMode::Live).await;
    let id = submit(&app, &reporter, &valid_report()).await;
    let (_, analyst) = app.staff(Role::Analyst).await;

    let refused = expect(
        move_to(
            &app,
            &analyst,
            &id,
            json!({"to": "closed", "reason": "x", "resolution": "no_action"}),
        )
        .await,
        409,
    )
    .await;
    assert_eq!(refused["allowed"], json!(["in_review"]));
    expect(
        move_to(
            &app,
            &analyst,
            &id,
            json!({"to": "in_review", "reason": "triage"}),
        )
        .await,
        200,
    )
    .await;
    for to in ["received", "retracted", "in_review"] {
        let refused = expect(
            move_to(&app, &analyst, &id, json!({"to": to, "reason": "x"})).await,
            409,
        )
        .await;
        assert_eq!(
            refused["allowed"],
            json!(["escalated", "referred", "closed"]),
            "{to}"
        );
    }
    let missing = expect(
        move_to(
            &app,
            &analyst,
            &id,
            json!({"to": "referred", "reason": "x"}),
        )
        .await,
        422,
    )
    .await;
    assert_eq!(missing["errors"][0]["pointer"], "/referral");
    let missing = expect(
        move_to(&app, &analyst, &id, json!({"to": "closed", "reason": "x"})).await,
        422,
    )
    .await;
    assert_eq!(missing["errors"][0]["pointer"], "/resolution");
    expect(
        move_to(
            &app,
            &analyst,
            &uuid::Uuid::now_v7().to_string(),
            json!({"to": "in_review", "reason": "x"}),
        )
        .await,
        404,
    )
    .await;

    let detail = expect(
        app.get(&format!("/api/v1/review/reports/{id}"), &analyst)
            .await,
        200,
    )
    .await;
    assert_eq!(
        detail["status"], "in_review",
        "refused moves change nothing"
    );
    assert_eq!(detail["timeline"].as_array().unwrap().len(), 2);
}

#[actix_web::test]
async fn of_two_concurrent_transitions_exactly_one_succeeds() {
    let app = spawn_app().await;
    let reporter = app.reporter(CredentialMode::Live).await;
    let (_, analyst) = app.staff(Role::Analyst).await;
    for _ in 0..5 {
        let id = submit(&app, &reporter, &valid_report()).await;
        expect(
            move_to(
                &app,
                &analyst,
                &id,
                json!({"to": "in_review", "reason": "triage"}),
            )
            .await,
            200,
        )
        .await;
        // Two analysts escalate at once: whichever comes second finds it escalated already.
        let first = move_to(
            &app,
            &analyst,
            &id,
            json!({"to": "escalated", "reason": "a"}),
        );
        let second = move_to(
            &app,
            &analyst,
            &id,
            json!({"to": "escalated", "reason": "b"}),
        );
        let answers = join_all([first, second]).await;
        let mut statuses = [answers[0].status().as_u16(), answers[1].status().as_u16()];
        statuses.sort();
        assert_eq!(statuses, [200, 409]);
        let detail = expect(
            app.get(&format!("/api/v1/review/reports/{id}"), &analyst)
                .await,
            200,
        )
        .await;
        assert_eq!(
            detail["timeline"].as_array().unwrap().len(),
            3,
            "one transition recorded, not two"
        );
    }
}

#[actix_web::test]
async fn analysts_take_unassigned_reports_and_supervisors_assign_anyone() {
    let app = spawn_app().await;
    let reporter = app.reporter(CredentialMode::Live).await;
    let id = submit(&app, &reporter, &valid_report()).await;
    let (first_id, first) = app.staff(Role::Analyst).await;
    let (second_id, second) = app.staff(Role::Analyst).await;
    let (auditor_id, _) = app.staff(Role::Auditor).await;
    let (_, supervisor) = app.staff(Role::Supervisor).await;
    let path = format!("/api/v1/review/reports/{id}/assignment");

    expect(
        post(&app, &path, &first, json!({"assignee_id": second_id})).await,
        403,
    )
    .await;
    let taken = expect(
        post(&app, &path, &first, json!({"assignee_id": first_id})).await,
        200,
    )
    .await;
    assert_eq!(taken["assignee_id"], first_id.as_str());
    expect(
        post(&app, &path, &second, json!({"assignee_id": second_id})).await,
        409,
    )
    .await;
    expect(
        post(&app, &path, &first, json!({"assignee_id": null})).await,
        403,
    )
    .await;
    expect(
        post(&app, &path, &supervisor, json!({"assignee_id": auditor_id})).await,
        422,
    )
    .await;
    let moved = expect(
        post(&app, &path, &supervisor, json!({"assignee_id": second_id})).await,
        200,
    )
    .await;
    assert_eq!(moved["assignee_id"], second_id.as_str());
    let mine = expect(
        app.get(
            &format!("/api/v1/review/reports?assignee_id={second_id}"),
            &second,
        )
        .await,
        200,
    )
    .await;
    assert_eq!(mine["items"].as_array().unwrap().len(), 1);
    let cleared = expect(
        post(&app, &path, &supervisor, json!({"assignee_id": null})).await,
        200,
    )
    .await;
    assert_eq!(cleared["assignee_id"], Value::Null);
}

#[actix_web::test]
async fn the_list_filters_and_searches_whole_words_without_case_or_accents() {
    let app = spawn_app().await;
    let first = app.reporter(CredentialMode::Live).await;
    let second = app.reporter(CredentialMode::Live).await;
    let tester = app.reporter(CredentialMode::Test).await;
    let (_, analyst) = app.staff(Role::Analyst).await;

    let a = submit(&app, &first, &valid_report()).await;
    let mut other = valid_report();
    other["severity"] = json!("critical");
    other["category"] = json!("threat");
    other["suspected_groups"] = json!(["sinaloa"]);
    other["service"] = json!("Example Chat");
    other["summary"] = json!("Threats against a journalist posted from a newly created account.");
    other["content"][0]["text_excerpt"] = json!("te vamos a encontrar");
    let b = submit(&app, &second, &other).await;
    submit(&app, &tester, &valid_report()).await;

    let ids = |page: &Value| -> Vec<String> {
        page["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|i| i["id"].as_str().unwrap().to_owned())
            .collect()
    };
    let query = |q: &str| format!("/api/v1/review/reports?{q}");
    let cases: Vec<(String, Vec<&String>)> = vec![
        (query(""), vec![&b, &a]),
        (query("severity=critical"), vec![&b]),
        (query("category=recruitment"), vec![&a]),
        (query("group=cjng"), vec![&a]),
        (query("group=sinaloa"), vec![&b]),
        (
            query(&format!("organization_id={}", second.organization_id)),
            vec![&b],
        ),
        (query("service=Example%20Chat"), vec![&b]),
        (query("status=received"), vec![&b, &a]),
        (query("status=closed"), vec![]),
        (query("q=JOVENES"), vec![&a]),
        (query("q=j%C3%B3venes%20seguridad"), vec![&a]),
        (query("q=jov"), vec![]),
        (query("q=encontrar"), vec![&b]),
        (query("q=journalist%20jovenes"), vec![]),
        (
            query("received_from=2000-01-01T00:00:00Z&received_to=2000-01-02T00:00:00Z"),
            vec![],
        ),
        (query("received_from=2000-01-01T00:00:00Z"), vec![&b, &a]),
    ];
    for (path, expected) in cases {
        let page = expect(app.get(&path, &analyst).await, 200).await;
        let expected: Vec<String> = expected.into_iter().cloned().collect();
        assert_eq!(ids(&page), expected, "{path}");
    }
    let test_mode = expect(app.get(&query("mode=test"), &analyst).await, 200).await;
    assert_eq!(
        test_mode["items"].as_array().unwrap().len(),
        1,
        "test reports only when asked for"
    );
    expect(app.get(&query("severity=extreme"), &analyst).await, 400).await;
}

/// Stores `count` reports of `reporter`, the `i`th `report(i)`, straight through the store, many
/// at once (much faster than one request each).
fn store_directly(
    app: &TestApp,
    reporter: &TestReporter,
    count: usize,
    report: impl Fn(usize) -> Value,
) {
    let direct = app.direct_submission(reporter, count, report);
    for chunk in direct.bodies.chunks(500) {
        app.with_db(|conn| direct.submit(conn, chunk)).unwrap();
    }
}

#[actix_web::test]
async fn the_export_streams_more_reports_than_a_page_as_ndjson_and_csv() {
    let app = spawn_app().await;
    let reporter = app.reporter(CredentialMode::Live).await;
    let (_, analyst) = app.staff(Role::Analyst).await;
    const COUNT: usize = 260;
    store_directly(&app, &reporter, COUNT, |_| valid_report());

    let ndjson = app
        .get("/api/v1/review/export?format=ndjson", &analyst)
        .await;
    assert_eq!(
        ndjson.headers().get("content-type").unwrap(),
        "application/x-ndjson"
    );
    let text = ndjson.text().await.unwrap();
    let lines: Vec<Value> = text
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), COUNT);
    let mut ids: Vec<&str> = lines.iter().map(|l| l["id"].as_str().unwrap()).collect();
    assert!(
        ids.windows(2).all(|w| w[0] > w[1]),
        "newest first, no repeats"
    );
    ids.dedup();
    assert_eq!(ids.len(), COUNT);

    let csv = app
        .get("/api/v1/review/export?format=csv&severity=high", &analyst)
        .await;
    assert!(
        csv.headers()
            .get("content-type")
            .unwrap()
            .to_str()
            .unwrap()
            .starts_with("text/csv")
    );
    let text = csv.text().await.unwrap();
    let mut rows = text.lines();
    assert!(
        rows.next()
            .unwrap()
            .starts_with("id,organization_id,external_id")
    );
    assert_eq!(rows.count(), COUNT);
    let none = app
        .get("/api/v1/review/export?format=csv&severity=low", &analyst)
        .await;
    assert_eq!(none.text().await.unwrap().lines().count(), 0);
}

#[actix_web::test]
async fn each_role_reaches_exactly_its_own_endpoint_groups() {
    let app = spawn_app().await;
    let reporter = app.reporter(CredentialMode::Live).await;
    let id = submit(&app, &reporter, &valid_report()).await;
    let mut tokens = vec![String::new(), reporter.token.clone()];
    for role in [Role::Analyst, Role::Supervisor, Role::Auditor, Role::Admin] {
        tokens.push(app.staff(role).await.1);
    }
    let endpoints = [
        format!("/api/v1/reports/{id}"),
        "/api/v1/taxonomy".to_owned(),
        "/api/v1/review/reports".to_owned(),
        format!("/api/v1/review/reports/{id}"),
        "/api/v1/review/export".to_owned(),
        "/api/v1/me".to_owned(),
        "/api/v1/admin/users".to_owned(),
        "/api/v1/admin/organizations".to_owned(),
        "/api/v1/audit/events".to_owned(),
        "/api/v1/audit/verify".to_owned(),
    ];
    // Expected status per role, in the order of `tokens`: none, reporter, analyst, supervisor, auditor, admin.
    let expected: [[u16; 6]; 10] = [
        [401, 200, 403, 403, 403, 403],
        [401, 200, 403, 403, 403, 403],
        [401, 403, 200, 200, 403, 403],
        [401, 403, 200, 200, 403, 403],
        [401, 403, 200, 200, 403, 403],
        [401, 200, 200, 200, 200, 200],
        [401, 403, 403, 403, 403, 200],
        [401, 403, 403, 403, 403, 200],
        [401, 403, 403, 403, 200, 403],
        [401, 403, 403, 403, 200, 403],
    ];
    let mut table = Vec::new();
    for path in &endpoints {
        let mut row = [0u16; 6];
        for (i, token) in tokens.iter().enumerate() {
            let mut request = app.client.get(format!("{}{path}", app.address));
            if !token.is_empty() {
                request = request.bearer_auth(token);
            }
            row[i] = request.send().await.unwrap().status().as_u16();
        }
        table.push(row);
    }
    assert_eq!(
        table, expected,
        "rows: {endpoints:?}; columns: none, reporter, analyst, supervisor, auditor, admin"
    );
}

#[actix_web::test]
async fn concurrent_notes_are_all_kept() {
    let app = spawn_app().await;
    let reporter = app.reporter(CredentialMode::Live).await;
    let id = submit(&app, &reporter, &valid_report()).await;
    let (_, analyst) = app.staff(Role::Analyst).await;
    let path = format!("/api/v1/review/reports/{id}/notes");
    let responses =
        join_all((0..6).map(|i| post(&app, &path, &analyst, json!({"body": format!("note {i}")}))))
            .await;
    assert!(responses.iter().all(|r| r.status() == 201));
    let detail = expect(
        app.get(&format!("/api/v1/review/reports/{id}"), &analyst)
            .await,
        200,
    )
    .await;
    assert_eq!(detail["notes"].as_array().unwrap().len(), 6);
    expect(post(&app, &path, &analyst, json!({"body": ""})).await, 422).await;
}

/// Values a spreadsheet would run as formulas, as a submitter may type them.
const FORMULAS: [&str; 6] = [
    "=HYPERLINK(\"http://x\",\"y\")",
    "+1+1",
    "-1+1",
    "@SUM(A1)",
    "\tTab",
    "\rReturn",
];

/// Parses CSV text into rows of cells.
fn csv_rows(text: &str) -> Vec<Vec<String>> {
    csv::ReaderBuilder::new()
        .has_headers(false)
        .from_reader(text.as_bytes())
        .records()
        .map(|r| r.unwrap().iter().map(str::to_owned).collect())
        .collect()
}

#[actix_web::test]
async fn no_csv_cell_of_the_export_or_the_statistics_starts_a_formula() {
    let app = spawn_app().await;
    let reporter = app.reporter(CredentialMode::Live).await;
    for (i, formula) in FORMULAS.iter().enumerate() {
        let mut report = valid_report();
        report["service"] = json!(formula);
        report["external_id"] = json!(format!("-{i}"));
        submit(&app, &reporter, &report).await;
    }
    let (_, analyst) = app.staff(Role::Analyst).await;
    let export = app.get("/api/v1/review/export?format=csv", &analyst).await;
    let rows = csv_rows(&export.text().await.unwrap());
    let column = |name: &str| rows[0].iter().position(|c| c == name).unwrap();
    let (service, external_id) = (column("service"), column("external_id"));
    let mut services: Vec<&str> = rows[1..].iter().map(|r| r[service].as_str()).collect();
    services.sort();
    let mut expected: Vec<String> = FORMULAS.iter().map(|f| format!("'{f}")).collect();
    expected.sort();
    assert_eq!(services, expected, "each kept, behind a quote");
    assert!(rows[1..].iter().all(|r| r[external_id].starts_with("'-")));

    let breakdown = app
        .get(
            "/api/v1/stats/breakdown?dimension=service&from=2020-01-01&to=2030-01-01&format=csv",
            &analyst,
        )
        .await;
    let rows = csv_rows(&breakdown.text().await.unwrap());
    assert_eq!(rows.len(), 1 + FORMULAS.len(), "{rows:?}");
    assert!(
        rows[1..]
            .iter()
            .all(|r| r[0].starts_with('\'') && r[1] == "1")
    );
}

/// Opens a connection that asks for `path` with a small receive buffer and then never reads.
#[cfg(target_os = "linux")]
async fn stalled_get(app: &TestApp, path: &str, token: &str) -> tokio::net::TcpStream {
    use tokio::io::AsyncWriteExt;
    let address: std::net::SocketAddr = app.address.trim_start_matches("http://").parse().unwrap();
    let socket = socket2::Socket::new(socket2::Domain::IPV4, socket2::Type::STREAM, None).unwrap();
    socket.set_recv_buffer_size(4096).unwrap();
    socket.connect(&address.into()).unwrap();
    socket.set_nonblocking(true).unwrap();
    let mut stream = tokio::net::TcpStream::from_std(socket.into()).unwrap();
    let request =
        format!("GET {path} HTTP/1.1\r\nHost: {address}\r\nAuthorization: Bearer {token}\r\n\r\n");
    stream.write_all(request.as_bytes()).await.unwrap();
    stream
}

#[cfg(target_os = "linux")]
#[actix_web::test]
async fn stalled_exports_hold_no_database_connection_and_are_cut_off() {
    use tokio::io::AsyncReadExt;
    let app = crate::helpers::spawn_app_with(|settings| {
        // A small pool, but not so small that the background jobs and the exports' reading
        // (before they stall) alone keep every connection busy on a loaded machine.
        settings.db_pool_size = 4;
        settings.db_timeout_seconds = 5;
        settings.stalled_client_timeout_seconds = 5;
    })
    .await;
    let reporter = app.reporter(CredentialMode::Live).await;
    let (_, analyst) = app.staff(Role::Analyst).await;
    // About 5 MB of CSV: more than the sockets (on loopback the server's send buffer grows to
    // megabytes) and the server's own buffers hold.
    store_directly(&app, &reporter, 12_000, |i| {
        let mut report = valid_report();
        report["external_id"] = json!(format!("{i:0>200}"));
        report["service"] = json!("s".repeat(100));
        report
    });
    let mut stalled = Vec::new();
    for _ in 0..2 * app.settings.db_pool_size {
        stalled.push(stalled_get(&app, "/api/v1/review/export?format=csv", &analyst).await);
    }
    // Time for the exports to fill the sockets' buffers and stall.
    tokio::time::sleep(std::time::Duration::from_secs(3)).await;

    // Each gets a connection within db_timeout_seconds (503 otherwise): the stalled exports
    // hold none.
    for _ in 0..3 {
        let status = app
            .get("/api/v1/review/reports?limit=1", &analyst)
            .await
            .status();
        assert_eq!(
            status, 200,
            "other requests are served beside the stalled exports"
        );
    }

    // Past the timeout, each stalled export has been cut off short of its end. (Eight exports
    // reading 12 000 reports through four connections take a while to fill their sockets on a
    // loaded two-core machine, tens of seconds in a debug build beside a release build; the
    // cut-off comes 5 s after each stalls. Reading earlier would let them go on.)
    tokio::time::sleep(std::time::Duration::from_secs(30)).await;
    for mut stream in stalled {
        let mut received = Vec::new();
        let read = tokio::time::timeout(
            std::time::Duration::from_secs(30),
            stream.read_to_end(&mut received),
        )
        .await
        .expect("the connection is closed, not left waiting");
        assert!(
            read.is_err() || received.len() < 900_000,
            "cut off: {read:?}, {} bytes",
            received.len()
        );
    }
}
