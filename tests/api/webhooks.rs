//! Webhooks, the event feed and outcome feedback, against a real HTTP receiver
//! ([`crate::receiver`]) with every signature checked by the official Standard Webhooks library
//! (the `standardwebhooks` crate of github.com/standard-webhooks/standard-webhooks).

use std::collections::HashSet;
use std::time::Duration;

use report_portal::config::Settings;
use report_portal::domain::organization::CredentialMode;
use report_portal::domain::user::Role;
use report_portal::store;
use reqwest::Method;
use serde_json::{Value, json};

use crate::helpers::{TestApp, TestReporter, expect, spawn_app_with, valid_report};
use crate::receiver::{Received, Receiver};

/// Quick polling and short retries, so that a test sees several attempts in seconds.
fn quick(settings: &mut Settings) {
    settings.webhook_poll_seconds = 0.05;
    settings.webhook_retry_seconds = vec![0.5, 0.5, 0.5];
}

const ALL: [&str; 6] = [
    "report.received",
    "report.status_changed",
    "report.purged",
    "report.feedback",
    "amendment.received",
    "evidence.received",
];

/// Registers `url` for every event type as `reporter`; answers the endpoint with its secret.
async fn register(app: &TestApp, reporter: &TestReporter, url: &str) -> Value {
    let body = json!({"url": url, "event_types": ALL});
    expect(
        app.post_json("/api/v1/webhooks", &reporter.token, &body)
            .await,
        201,
    )
    .await
}

/// Checks `received`'s signature with the official library, as a platform would.
fn verify(secret: &str, received: &Received) {
    standardwebhooks::Webhook::new(secret)
        .unwrap()
        .verify(&received.body, &received.headers)
        .unwrap_or_else(|e| panic!("signature refused: {e:?}"));
}

#[actix_web::test]
async fn deliveries_are_signed_in_order_and_carry_ids_and_statuses_only() {
    let app = spawn_app_with(quick).await;
    let receiver = Receiver::start();
    let reporter = app.reporter(CredentialMode::Test).await;
    let endpoint = register(&app, &reporter, &receiver.url()).await;
    let secret = endpoint["secret"].as_str().unwrap();
    assert!(secret.starts_with("whsec_"));
    // The secret is shown once: never again.
    let id = endpoint["id"].as_str().unwrap();
    let shown = expect(
        app.get(&format!("/api/v1/webhooks/{id}"), &reporter.token)
            .await,
        200,
    )
    .await;
    assert!(shown.get("secret").is_none());

    let report = valid_report();
    let receipt = app.submit(&reporter.token, &report).await;
    let report_id = receipt["id"].as_str().unwrap();
    let analyst = app.staff_token(Role::Analyst).await;
    app.move_report(
        &analyst,
        report_id,
        json!({"to": "in_review", "reason": "looking"}),
    )
    .await;
    app.move_report(&analyst, report_id, json!({"to": "referred", "reason": "HSI", "referral": {"agency": "HSI", "reference": "REF-1"}})).await;
    app.move_report(
        &analyst,
        report_id,
        json!({"to": "closed", "reason": "done", "resolution": "insufficient_information",
               "feedback": {"actionable": false, "reason": "insufficient_information"}}),
    )
    .await;

    // received, in_review, closed (at the referral: the closure after it changes nothing the
    // submitter sees), the feedback.
    let received = receiver.wait_for(4, 20).await;
    for delivery in &received {
        verify(secret, delivery);
    }
    let bodies: Vec<Value> = received.iter().map(Received::json).collect();
    let kinds: Vec<(&str, &str)> = bodies
        .iter()
        .map(|b| {
            (
                b["type"].as_str().unwrap(),
                b["data"]["status"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        kinds,
        [
            ("report.received", "received"),
            ("report.status_changed", "in_review"),
            ("report.status_changed", "closed"),
            ("report.feedback", "closed"),
        ]
    );
    assert_eq!(bodies[2]["data"]["previous_status"], "in_review");
    assert_eq!(bodies[3]["data"]["actionable"], false);
    assert_eq!(bodies[3]["data"]["reason"], "insufficient_information");
    for (body, delivery) in bodies.iter().zip(&received) {
        assert_eq!(body["data"]["report_id"], report_id);
        assert_eq!(body["data"]["external_id"], report["external_id"]);
        assert_eq!(delivery.header("webhook-id"), body["id"].as_str().unwrap());
        // No content: nothing of what the report says, and never the referral.
        let text = String::from_utf8(delivery.body.clone()).unwrap();
        for secret_text in [
            "Jalisco",
            "le-response@example.com",
            "+52 33",
            "HSI",
            "REF-1",
            "referred",
        ] {
            assert!(!text.contains(secret_text), "{secret_text} in {text}");
        }
    }
    // The submitter sees the feedback on its report.
    let own = expect(
        app.get(&format!("/api/v1/reports/{report_id}"), &reporter.token)
            .await,
        200,
    )
    .await;
    assert_eq!(own["feedback"]["actionable"], false);
    assert_eq!(own["feedback"]["reason"], "insufficient_information");
    // The deliveries list shows each with its status code.
    let listed = expect(
        app.get(
            &format!("/api/v1/webhooks/{id}/deliveries"),
            &reporter.token,
        )
        .await,
        200,
    )
    .await;
    let items = listed["items"].as_array().unwrap();
    assert_eq!(items.len(), 4);
    assert!(
        items
            .iter()
            .all(|d| d["status"] == "delivered" && d["last_status_code"] == 204)
    );
    // The feed holds the same events with the same bodies.
    let feed = expect(app.get("/api/v1/events", &reporter.token).await, 200).await;
    assert_eq!(feed["items"].as_array().unwrap(), &bodies);
}

#[actix_web::test]
async fn a_delivery_is_retried_while_the_receiver_is_down_with_the_same_webhook_id() {
    let app = spawn_app_with(quick).await;
    let port = crate::smtp::unused_port();
    let reporter = app.reporter(CredentialMode::Test).await;
    let endpoint = register(&app, &reporter, &format!("http://127.0.0.1:{port}/hooks")).await;
    let id = endpoint["id"].as_str().unwrap();
    let report_id = app.submit(&reporter.token, &valid_report()).await["id"].clone();
    // Three amendments while the receiver is down: they wait behind the report's first event.
    let amend = format!("/api/v1/reports/{}/amendments", report_id.as_str().unwrap());
    for n in 1..=3 {
        let note = json!({"note": format!("detail number {n} about the recruiter's account")});
        expect(app.post_json(&amend, &reporter.token, &note).await, 201).await;
    }
    // Nothing listens: the first attempt fails and is scheduled again.
    let path = format!("/api/v1/webhooks/{id}/deliveries");
    let mut failed = Value::Null;
    for _ in 0..100 {
        let items = expect(app.get(&path, &reporter.token).await, 200).await["items"].clone();
        failed = items.as_array().unwrap().last().unwrap().clone();
        if failed["attempts"].as_i64() >= Some(1) {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert_eq!(failed["status"], "pending", "{failed}");
    assert!(
        failed["last_error"].as_str().unwrap().contains("connect"),
        "{failed}"
    );
    // A pending delivery is queued already: no retry.
    let retry = format!(
        "/api/v1/webhooks/{id}/deliveries/{}/retry",
        failed["id"].as_str().unwrap()
    );
    expect(
        app.send(Method::POST, &retry, Some(&reporter.token), None)
            .await,
        409,
    )
    .await;
    let receiver = Receiver::start_on(port);
    let received = receiver.wait_for(4, 20).await;
    for delivery in &received {
        verify(endpoint["secret"].as_str().unwrap(), delivery);
    }
    // In order: the report, then its amendments by number.
    let order: Vec<(String, Value)> = received
        .iter()
        .map(|r| {
            (
                r.json()["type"].as_str().unwrap().to_owned(),
                r.json()["data"]["amendment_number"].clone(),
            )
        })
        .collect();
    assert_eq!(
        order,
        [
            ("report.received".to_owned(), Value::Null),
            ("amendment.received".to_owned(), json!(1)),
            ("amendment.received".to_owned(), json!(2)),
            ("amendment.received".to_owned(), json!(3)),
        ]
    );
    assert_eq!(
        received[0].header("webhook-id"),
        failed["event_id"].as_str().unwrap()
    );
    let failed_at: chrono::DateTime<chrono::Utc> =
        failed["last_attempt_at"].as_str().unwrap().parse().unwrap();
    assert!(received[0].at > failed_at, "retried after the failure");
    tokio::time::sleep(Duration::from_millis(300)).await;
    let items = expect(app.get(&path, &reporter.token).await, 200).await["items"].clone();
    let first = items.as_array().unwrap().last().unwrap().clone();
    assert_eq!(first["status"], "delivered");
    assert!(first["attempts"].as_i64().unwrap() >= 2, "{first}");
    assert_eq!(receiver.received().len(), 4, "each event once");
}

#[actix_web::test]
async fn persistent_failure_disables_the_endpoint_tells_the_organization_and_a_retry_enables_it() {
    let app = spawn_app_with(quick).await;
    let receiver = Receiver::start();
    receiver.answer(500);
    let reporter = app.reporter(CredentialMode::Test).await;
    app.with_db(|conn| {
        use diesel::prelude::*;
        use report_portal::db::schema::organizations;
        diesel::update(organizations::table.find(&reporter.organization_id))
            .set(organizations::contact_email.eq("integration@platform.example"))
            .execute(conn)
    })
    .unwrap();
    let endpoint = register(&app, &reporter, &receiver.url()).await;
    let id = endpoint["id"].as_str().unwrap();
    app.submit(&reporter.token, &valid_report()).await;
    // One attempt and three retries, then the endpoint is disabled.
    receiver.wait_for(4, 20).await;
    let mut shown = Value::Null;
    for _ in 0..100 {
        shown = expect(
            app.get(&format!("/api/v1/webhooks/{id}"), &reporter.token)
                .await,
            200,
        )
        .await;
        if shown["status"] == "disabled" {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert_eq!(shown["status"], "disabled", "{shown}");
    assert!(shown["disabled_reason"].as_str().unwrap().contains("500"));
    let deliveries = expect(
        app.get(
            &format!("/api/v1/webhooks/{id}/deliveries"),
            &reporter.token,
        )
        .await,
        200,
    )
    .await;
    let delivery = deliveries["items"][0].clone();
    assert_eq!(delivery["status"], "failed");
    assert_eq!(delivery["attempts"], 4);
    assert_eq!(delivery["last_status_code"], 500);
    // The organization's contact is told by e-mail.
    let mail = app.settings.data_dir.join("mail");
    let mut told = false;
    for _ in 0..200 {
        told = std::fs::read_dir(&mail).is_ok_and(|files| {
            files.filter_map(Result::ok).any(|file| {
                std::fs::read_to_string(file.path()).is_ok_and(|eml| {
                    eml.contains("To: integration@platform.example") && eml.contains(id)
                })
            })
        });
        if told {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert!(told, "no e-mail to the organization");
    // While disabled, nothing is sent and a test event is refused.
    let test = app
        .send(
            Method::POST,
            &format!("/api/v1/webhooks/{id}/test"),
            Some(&reporter.token),
            None,
        )
        .await;
    expect(test, 409).await;
    // Fixed: a retry enables the endpoint and delivers with the same webhook-id.
    receiver.answer(200);
    let retry = format!(
        "/api/v1/webhooks/{id}/deliveries/{}/retry",
        delivery["id"].as_str().unwrap()
    );
    let retried = expect(
        app.send(Method::POST, &retry, Some(&reporter.token), None)
            .await,
        200,
    )
    .await;
    assert_eq!(retried["status"], "pending");
    let received = receiver.wait_for(5, 10).await;
    verify(endpoint["secret"].as_str().unwrap(), &received[4]);
    assert_eq!(
        received[4].header("webhook-id"),
        received[0].header("webhook-id")
    );
    let shown = expect(
        app.get(&format!("/api/v1/webhooks/{id}"), &reporter.token)
            .await,
        200,
    )
    .await;
    assert_eq!(shown["status"], "active");
    // A delivered one can be sent again (the receiver dedupes by webhook-id).
    expect(
        app.send(Method::POST, &retry, Some(&reporter.token), None)
            .await,
        200,
    )
    .await;
    let received = receiver.wait_for(6, 10).await;
    assert_eq!(
        received[5].header("webhook-id"),
        received[0].header("webhook-id")
    );
}

#[actix_web::test]
async fn a_test_event_is_delivered_signed_and_stays_out_of_the_feed() {
    let app = spawn_app_with(quick).await;
    let receiver = Receiver::start();
    let reporter = app.reporter(CredentialMode::Test).await;
    let endpoint = register(&app, &reporter, &receiver.url()).await;
    let id = endpoint["id"].as_str().unwrap();
    let sent = app
        .send(
            Method::POST,
            &format!("/api/v1/webhooks/{id}/test"),
            Some(&reporter.token),
            None,
        )
        .await;
    let event = expect(sent, 202).await;
    let received = receiver.wait_for(1, 10).await;
    verify(endpoint["secret"].as_str().unwrap(), &received[0]);
    assert_eq!(received[0].json(), event);
    assert_eq!(event["type"], "webhook.test");
    let feed = expect(app.get("/api/v1/events", &reporter.token).await, 200).await;
    assert_eq!(feed["items"], json!([]));
}

#[actix_web::test]
async fn live_endpoints_must_use_https_to_public_addresses() {
    let app = spawn_app_with(quick).await;
    let live = app.reporter(CredentialMode::Live).await;
    let refused = [
        ("http://hooks.example.com/x", "url"),
        ("https://127.0.0.1/x", "address"),
        ("https://localhost/x", "address"),
        ("https://10.1.2.3/x", "address"),
        ("https://192.168.0.10/x", "address"),
        ("https://169.254.169.254/latest/meta-data", "address"),
        ("https://[::1]/x", "address"),
        ("https://[fd00::1]/x", "address"),
        ("https://[::ffff:10.0.0.1]/x", "address"),
        ("https://user:secret@hooks.example.com/x", "url"),
        ("ftp://hooks.example.com/x", "url"),
    ];
    for (url, code) in refused {
        let body = json!({"url": url, "event_types": ["report.received"]});
        let problem = expect(
            app.post_json("/api/v1/webhooks", &live.token, &body).await,
            422,
        )
        .await;
        assert_eq!(problem["errors"][0]["pointer"], "/url", "{url}: {problem}");
        assert_eq!(problem["errors"][0]["code"], code, "{url}: {problem}");
    }
    // In test mode loopback http is allowed, other private addresses are not.
    let test = app.reporter(CredentialMode::Test).await;
    for url in [
        "http://10.1.2.3/x",
        "https://10.1.2.3/x",
        "https://169.254.169.254/x",
    ] {
        let body = json!({"url": url, "event_types": ["report.received"]});
        expect(
            app.post_json("/api/v1/webhooks", &test.token, &body).await,
            422,
        )
        .await;
    }
    let body = json!({"url": "http://127.0.0.1:9/x", "event_types": []});
    let problem = expect(
        app.post_json("/api/v1/webhooks", &test.token, &body).await,
        422,
    )
    .await;
    assert_eq!(problem["errors"][0]["pointer"], "/event_types");
}

#[actix_web::test]
async fn a_live_endpoint_that_reaches_a_loopback_address_is_refused_at_delivery() {
    let app = spawn_app_with(quick).await;
    let receiver = Receiver::start();
    let live = app.reporter(CredentialMode::Live).await;
    // As if the name had resolved to a public address at registration and to this one now.
    let keys = app.key_store();
    let owner = store::events::Owner {
        organization_id: &live.organization_id,
        mode: CredentialMode::Live,
    };
    let url = format!("https://127.0.0.1:{}/hooks", receiver.port);
    let types = [report_portal::domain::webhooks::EventType::ReportReceived];
    let endpoint = app
        .with_db(|conn| store::webhooks::register(conn, &keys, owner, &url, &types, 10))
        .unwrap();
    app.submit(&live.token, &valid_report()).await;
    let path = format!("/api/v1/webhooks/{}/deliveries", endpoint.endpoint.id);
    let mut delivery = Value::Null;
    for _ in 0..100 {
        delivery = expect(app.get(&path, &live.token).await, 200).await["items"][0].clone();
        if delivery["attempts"].as_i64() >= Some(1) {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert!(
        delivery["last_error"]
            .as_str()
            .unwrap()
            .contains("may not reach"),
        "{delivery}"
    );
    assert!(receiver.received().is_empty());
}

#[actix_web::test]
async fn endpoints_and_events_are_the_organizations_own_in_its_mode() {
    let app = spawn_app_with(quick).await;
    let receiver = Receiver::start();
    let owner = app.reporter(CredentialMode::Test).await;
    let endpoint = register(&app, &owner, &receiver.url()).await;
    let id = endpoint["id"].as_str().unwrap();
    app.submit(&owner.token, &valid_report()).await;
    let delivery = receiver.wait_for(1, 10).await;
    let other = app.reporter(CredentialMode::Test).await;
    let live = app.create_credential(&owner.organization_id, CredentialMode::Live);
    let same_org_live = app.token_for(&live).await;
    let deliveries = expect(
        app.get(&format!("/api/v1/webhooks/{id}/deliveries"), &owner.token)
            .await,
        200,
    )
    .await;
    let delivery_id = deliveries["items"][0]["id"].as_str().unwrap().to_owned();
    for token in [&other.token, &same_org_live] {
        for (method, path) in [
            (Method::GET, format!("/api/v1/webhooks/{id}")),
            (Method::GET, format!("/api/v1/webhooks/{id}/deliveries")),
            (Method::POST, format!("/api/v1/webhooks/{id}/test")),
            (
                Method::POST,
                format!("/api/v1/webhooks/{id}/deliveries/{delivery_id}/retry"),
            ),
            (Method::DELETE, format!("/api/v1/webhooks/{id}")),
        ] {
            expect(app.send(method, &path, Some(token), None).await, 404).await;
        }
        let listed = expect(app.get("/api/v1/webhooks", token).await, 200).await;
        assert_eq!(listed, json!([]));
        let feed = expect(app.get("/api/v1/events", token).await, 200).await;
        assert_eq!(feed["items"], json!([]));
    }
    // Staff cannot use the reporter's endpoints; an admin registers for an organization.
    let admin = app.staff_token(Role::Admin).await;
    expect(app.get("/api/v1/webhooks", &admin).await, 403).await;
    let path = format!(
        "/api/v1/admin/organizations/{}/webhooks",
        other.organization_id
    );
    let body = json!({"mode": "test", "url": receiver.url(), "event_types": ["report.received"]});
    let registered = expect(app.post_json(&path, &admin, &body).await, 201).await;
    assert!(registered["secret"].as_str().unwrap().starts_with("whsec_"));
    let listed = expect(app.get("/api/v1/webhooks", &other.token).await, 200).await;
    assert_eq!(listed[0]["id"], registered["id"]);
    let missing = "/api/v1/admin/organizations/no-such-org/webhooks";
    expect(app.post_json(missing, &admin, &body).await, 404).await;
    // The other organization's report reaches its own endpoint only.
    app.submit(&other.token, &valid_report()).await;
    let all = receiver.wait_for(2, 10).await;
    verify(registered["secret"].as_str().unwrap(), &all[1]);
    assert_eq!(delivery.len(), 1);
    // Removal, audited.
    let removed = app
        .send(
            Method::DELETE,
            &format!("/api/v1/webhooks/{id}"),
            Some(&owner.token),
            None,
        )
        .await;
    expect(removed, 204).await;
    expect(
        app.get(&format!("/api/v1/webhooks/{id}"), &owner.token)
            .await,
        404,
    )
    .await;
    let auditor = app.staff_token(Role::Auditor).await;
    let actions: HashSet<String> = app
        .audit_events(&auditor, "")
        .await
        .iter()
        .filter_map(|e| e["action"].as_str().map(str::to_owned))
        .collect();
    assert!(
        actions.contains("webhook.register") && actions.contains("webhook.remove"),
        "{actions:?}"
    );
}

#[actix_web::test]
async fn an_organization_has_at_most_the_configured_number_of_endpoints() {
    let app = spawn_app_with(|s| s.webhook_max_endpoints = 2).await;
    let reporter = app.reporter(CredentialMode::Test).await;
    for _ in 0..2 {
        register(&app, &reporter, "http://127.0.0.1:9/hooks").await;
    }
    let body = json!({"url": "http://127.0.0.1:9/hooks", "event_types": ALL});
    expect(
        app.post_json("/api/v1/webhooks", &reporter.token, &body)
            .await,
        409,
    )
    .await;
}

#[actix_web::test]
async fn a_batch_records_one_received_event_per_new_report_in_its_order() {
    let app = spawn_app_with(quick).await;
    let reporter = app.reporter(CredentialMode::Test).await;
    let reports: Vec<Value> = (0..3).map(|_| valid_report()).collect();
    let answer = expect(
        app.post_json(
            "/api/v1/reports/batch",
            &reporter.token,
            &json!({"reports": reports}),
        )
        .await,
        200,
    )
    .await;
    let ids: Vec<Value> = answer["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|result| result["id"].clone())
        .collect();
    let page = expect(
        app.get("/api/v1/events?limit=10", &reporter.token).await,
        200,
    )
    .await;
    let events = page["items"].as_array().unwrap();
    let seen: Vec<Value> = events
        .iter()
        .map(|event| event["data"]["report_id"].clone())
        .collect();
    assert_eq!(seen, ids);
    for (event, report) in events.iter().zip(&reports) {
        assert_eq!(event["type"], "report.received");
        assert_eq!(event["data"]["external_id"], report["external_id"]);
        assert_eq!(event["data"]["status"], "received");
    }
}

#[actix_web::test]
async fn the_feed_pages_by_cursor_and_goes_on_from_the_last_one() {
    let app = spawn_app_with(quick).await;
    let reporter = app.reporter(CredentialMode::Test).await;
    let mut ids = Vec::new();
    for _ in 0..5 {
        ids.push(app.submit(&reporter.token, &valid_report()).await["id"].clone());
    }
    let mut seen = Vec::new();
    let mut cursor = String::new();
    loop {
        let page = expect(
            app.get(&format!("/api/v1/events?limit=2{cursor}"), &reporter.token)
                .await,
            200,
        )
        .await;
        let items = page["items"].as_array().unwrap();
        seen.extend(items.iter().map(|e| e["data"]["report_id"].clone()));
        cursor = format!("&cursor={}", page["next_cursor"].as_str().unwrap());
        if items.len() < 2 {
            break;
        }
    }
    assert_eq!(seen, ids);
    // Later events come after the last cursor.
    let later = app.submit(&reporter.token, &valid_report()).await;
    let page = expect(
        app.get(&format!("/api/v1/events?limit=2{cursor}"), &reporter.token)
            .await,
        200,
    )
    .await;
    assert_eq!(page["items"][0]["data"]["report_id"], later["id"]);
    expect(
        app.get("/api/v1/events?cursor=%%%", &reporter.token).await,
        400,
    )
    .await;
    expect(
        app.get("/api/v1/events?limit=0", &reporter.token).await,
        400,
    )
    .await;
}

#[actix_web::test]
async fn the_feedback_summary_gives_the_organizations_own_figures() {
    let app = spawn_app_with(quick).await;
    let reporter = app.reporter(CredentialMode::Test).await;
    let analyst = app.staff_token(Role::Analyst).await;
    let mut ids = Vec::new();
    for _ in 0..4 {
        ids.push(
            app.submit(&reporter.token, &valid_report()).await["id"]
                .as_str()
                .unwrap()
                .to_owned(),
        );
    }
    for id in &ids[..3] {
        app.move_report(
            &analyst,
            id,
            json!({"to": "in_review", "reason": "looking"}),
        )
        .await;
    }
    let close = |actionable: bool, reason: Option<&str>| {
        json!({"to": "closed", "reason": "done", "resolution": "no_action",
               "feedback": {"actionable": actionable, "reason": reason}})
    };
    app.move_report(&analyst, &ids[0], close(true, None)).await;
    app.move_report(
        &analyst,
        &ids[1],
        close(false, Some("insufficient_information")),
    )
    .await;
    // Feedback only when closing.
    let path = format!("/api/v1/review/reports/{}/transitions", ids[2]);
    let body = json!({"to": "escalated", "reason": "up", "feedback": {"actionable": true}});
    let problem = expect(app.post_json(&path, &analyst, &body).await, 422).await;
    assert_eq!(problem["errors"][0]["pointer"], "/feedback");
    let bad = json!({"to": "closed", "reason": "x", "resolution": "no_action", "feedback": {"actionable": false, "reason": "whatever"}});
    expect(app.post_json(&path, &analyst, &bad).await, 422).await;

    let summary = expect(
        app.get("/api/v1/feedback/summary", &reporter.token).await,
        200,
    )
    .await;
    assert_eq!(summary["reports_sent"], 4);
    assert_eq!(summary["acknowledged"], 3);
    assert_eq!(summary["with_feedback"], 2);
    assert_eq!(summary["actionable_share"], 0.5);
    assert!(summary["median_seconds_to_first_review"].as_i64().is_some());
    assert_eq!(
        summary["top_reasons"],
        json!([{"reason": "insufficient_information", "count": 1}])
    );
    assert!(
        summary["advice"]
            .as_str()
            .unwrap()
            .contains("insufficient information")
    );
    // Another organization sees only its own (none); a period before the reports is empty.
    let other = app.reporter(CredentialMode::Test).await;
    let theirs = expect(app.get("/api/v1/feedback/summary", &other.token).await, 200).await;
    assert_eq!(theirs["reports_sent"], 0);
    let past = "/api/v1/feedback/summary?from=2020-01-01T00:00:00Z&to=2020-02-01T00:00:00Z";
    assert_eq!(
        expect(app.get(past, &reporter.token).await, 200).await["reports_sent"],
        0
    );
    let backwards = "/api/v1/feedback/summary?from=2020-02-01T00:00:00Z&to=2020-01-01T00:00:00Z";
    expect(app.get(backwards, &reporter.token).await, 400).await;
    // The reason codes are in the taxonomy.
    let taxonomy = expect(app.get("/api/v1/taxonomy", &reporter.token).await, 200).await;
    assert!(
        taxonomy["feedback_reasons"]
            .as_array()
            .unwrap()
            .contains(&json!("not_in_scope"))
    );
}

#[actix_web::test]
async fn events_older_than_the_retention_period_are_pruned_with_their_deliveries() {
    let app = spawn_app_with(quick).await;
    let receiver = Receiver::start();
    let reporter = app.reporter(CredentialMode::Test).await;
    register(&app, &reporter, &receiver.url()).await;
    let old = app.submit(&reporter.token, &valid_report()).await;
    receiver.wait_for(1, 10).await;
    let kept = app.submit(&reporter.token, &valid_report()).await;
    receiver.wait_for(2, 10).await;
    let forty_days_ago = chrono::Utc::now() - chrono::Duration::days(40);
    app.with_db(|conn| {
        use diesel::prelude::*;
        use report_portal::db::schema::events;
        diesel::update(events::table.filter(events::report_id.eq(old["id"].as_str().unwrap())))
            .set(events::created_at.eq(forty_days_ago.naive_utc()))
            .execute(conn)
    })
    .unwrap();
    // What the server's hourly task does, with the default period of 30 days.
    let before = chrono::Utc::now() - chrono::Duration::days(30);
    let pruned = app
        .with_db(|conn| store::events::prune(conn, before, 100))
        .unwrap();
    assert_eq!(pruned, 1);
    let feed = expect(app.get("/api/v1/events", &reporter.token).await, 200).await;
    let reports: Vec<&Value> = feed["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| &e["data"]["report_id"])
        .collect();
    assert_eq!(reports, [&kept["id"]]);
}
