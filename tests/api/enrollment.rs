//! Staff enrollment: an administrator neither sets nor receives a colleague's password. A new
//! account's holder gets a one-time link by e-mail (through the outbox) and chooses their own;
//! a move into a role that reads report content takes effect only once the holder has signed
//! in again (and, from a role that does not read it, enrolled again).

use diesel::prelude::*;
use report_portal::db::schema::staff_enrollments;
use report_portal::domain::user::Role;
use reqwest::Method;
use serde_json::{Value, json};

use crate::helpers::{STAFF_PASSWORD, TestApp, expect, spawn_app};

/// A password that passes the rules.
const CHOSEN: &str = "granite-Harbor-41-slowly";

/// `POST /api/v1/admin/users` of an analyst at `email` as `admin`; answers the account.
async fn create_analyst(app: &TestApp, admin: &str, email: &str) -> Value {
    let body = json!({"email": email, "display_name": "Ana Analyst", "role": "analyst"});
    expect(
        app.send(
            Method::POST,
            "/api/v1/admin/users",
            Some(admin),
            Some(&body),
        )
        .await,
        201,
    )
    .await
}

/// `PATCH /api/v1/admin/users/{id}` as `admin` with `changes`.
async fn change(app: &TestApp, admin: &str, id: &str, changes: Value) -> reqwest::Response {
    let path = format!("/api/v1/admin/users/{id}");
    app.send(Method::PATCH, &path, Some(admin), Some(&changes))
        .await
}

/// Asserts the one answer to a link that does not work, whatever the reason.
async fn expect_refused_link(response: reqwest::Response) {
    let problem = expect(response, 422).await;
    let errors = problem["errors"].as_array().unwrap();
    assert_eq!(errors.len(), 1, "{problem}");
    assert_eq!(errors[0]["pointer"], "/token");
    assert_eq!(errors[0]["code"], "enrollment_link");
}

#[actix_web::test]
async fn an_admin_neither_sets_nor_receives_a_new_colleagues_password() {
    let app = spawn_app().await;
    let admin = app.staff_token(Role::Admin).await;
    let auditor = app.staff_token(Role::Auditor).await;

    // The handover of the pen test: the admin's answer carried the analyst's password.
    let created = create_analyst(&app, &admin, "ana@dhs.example").await;
    let id = created["id"].as_str().unwrap();
    assert!(created.get("password").is_none(), "{created}");

    // The link goes to the holder alone, through the outbox; nothing the admin can read has it.
    let token = app.enrollment_tokens("ana@dhs.example", 1).await.remove(0);
    // The worker records the attempt just after writing the message: wait for the record.
    let mut notifications = Value::Null;
    for _ in 0..100 {
        notifications = expect(app.get("/api/v1/admin/notifications", &admin).await, 200).await;
        if notifications["items"][0]["status"] == "sent" {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    let enrollment = &notifications["items"][0];
    assert_eq!(enrollment["kind"], "staff_enrollment");
    assert_eq!(enrollment["user_id"], id);
    assert_eq!(enrollment["recipients"], json!(["ana@dhs.example"]));
    for seen_by_admin in [
        created.to_string(),
        notifications.to_string(),
        expect(app.get("/api/v1/admin/users", &admin).await, 200)
            .await
            .to_string(),
    ] {
        assert!(!seen_by_admin.contains(&token), "{seen_by_admin}");
    }
    // Until the holder enrolls, the account cannot sign in at all.
    expect(app.login("ana@dhs.example", STAFF_PASSWORD).await, 401).await;

    // A weak password is refused and leaves the link working; a strong one enrolls, once.
    let weak = expect(app.enroll(&token, "password1234").await, 422).await;
    assert_eq!(weak["errors"][0]["pointer"], "/password", "{weak}");
    expect(app.enroll(&token, CHOSEN).await, 204).await;
    let analyst = app.login_token("ana@dhs.example", CHOSEN).await;
    assert_eq!(
        expect(app.get("/api/v1/me", &analyst).await, 200).await["role"],
        "analyst"
    );
    expect_refused_link(app.enroll(&token, "another-Quiet-Lantern-88").await).await;
    app.login_token("ana@dhs.example", CHOSEN).await;

    let enrollments = app.audit_events(&auditor, "action=auth.enrollment").await;
    let outcomes: Vec<(&str, &str)> = enrollments
        .iter()
        .map(|e| {
            assert_eq!(e["target"], id, "{e}");
            (
                e["outcome"].as_str().unwrap(),
                e["role"].as_str().unwrap_or(""),
            )
        })
        .collect();
    assert_eq!(
        outcomes,
        [("failure", ""), ("success", "analyst")],
        "newest first"
    );
}

#[actix_web::test]
async fn expired_replaced_and_unknown_links_are_refused_alike() {
    let app = spawn_app().await;
    let admin = app.staff_token(Role::Admin).await;
    let created = create_analyst(&app, &admin, "ben@dhs.example").await;
    let id = created["id"].as_str().unwrap().to_owned();
    let first = app.enrollment_tokens("ben@dhs.example", 1).await.remove(0);

    // An administrator sends a new link: the first stops working.
    let path = format!("/api/v1/admin/users/{id}/enrollment");
    expect(app.send(Method::POST, &path, Some(&admin), None).await, 202).await;
    let second = app.enrollment_tokens("ben@dhs.example", 2).await.remove(1);
    assert_ne!(first, second);
    expect_refused_link(app.enroll(&first, CHOSEN).await).await;
    expect_refused_link(app.enroll("no-such-token", CHOSEN).await).await;

    // Past its time the second does not work either.
    app.with_db(|conn| {
        diesel::update(staff_enrollments::table.filter(staff_enrollments::user_id.eq(&id)))
            .set(
                staff_enrollments::expires_at
                    .eq(chrono::Utc::now().naive_utc() - chrono::Duration::minutes(1)),
            )
            .execute(conn)
    })
    .unwrap();
    expect_refused_link(app.enroll(&second, CHOSEN).await).await;
    expect(app.login("ben@dhs.example", CHOSEN).await, 401).await;

    // A third link works.
    expect(app.send(Method::POST, &path, Some(&admin), None).await, 202).await;
    let third = app.enrollment_tokens("ben@dhs.example", 3).await.remove(2);
    expect(app.enroll(&third, CHOSEN).await, 204).await;
    app.login_token("ben@dhs.example", CHOSEN).await;
}

#[actix_web::test]
async fn a_move_into_a_content_reading_role_needs_the_holders_new_enrollment_and_sign_in() {
    let app = spawn_app().await;
    let admin_actor = app.staff(Role::Admin).await;
    let (admin_id, admin) = (admin_actor.0.as_str(), admin_actor.1.as_str());
    let auditor = app.staff_token(Role::Auditor).await;

    // An admin cannot make themself an analyst.
    expect(
        change(&app, admin, admin_id, json!({"role": "analyst"})).await,
        403,
    )
    .await;

    // An account whose password others may know (made on the command line) moves from auditor
    // to analyst: its tokens and its password stop working; its holder enrolls again.
    let (id, email) = app.create_staff(Role::Auditor);
    let before = app.login_token(&email, STAFF_PASSWORD).await;
    let moved = expect(
        change(&app, admin, &id, json!({"role": "analyst"})).await,
        200,
    )
    .await;
    assert_eq!(moved["role"], "analyst");
    expect(app.get("/api/v1/review/reports", &before).await, 401).await;
    expect(app.login(&email, STAFF_PASSWORD).await, 401).await;
    let token = app.enrollment_tokens(&email, 1).await.remove(0);
    expect(app.enroll(&token, CHOSEN).await, 204).await;
    let analyst = app.login_token(&email, CHOSEN).await;
    expect(app.get("/api/v1/review/reports", &analyst).await, 200).await;

    // Both the change and its taking effect are in the audit log.
    let changes = app.audit_events(&auditor, "action=user.role_change").await;
    assert_eq!(changes.len(), 1, "{changes:?}");
    assert_eq!(
        (&changes[0]["actor"], &changes[0]["target"]),
        (&json!(admin_id), &json!(id))
    );
    let enrolled = app
        .audit_events(&auditor, &format!("action=auth.enrollment&actor={id}"))
        .await;
    assert_eq!(enrolled.len(), 1, "{enrolled:?}");
    assert_eq!(enrolled[0]["role"], "analyst");
    let signed_in = app
        .audit_events(&auditor, &format!("action=auth.login&actor={id}"))
        .await;
    let roles: Vec<&str> = signed_in
        .iter()
        .map(|e| e["role"].as_str().unwrap())
        .collect();
    assert_eq!(roles, ["analyst", "auditor"], "newest first");
}
