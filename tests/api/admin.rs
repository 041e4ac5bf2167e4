//! The administration API: organizations and their vetting history, API credentials, staff
//! accounts, and that only administrators reach any of it.

use std::time::Duration;

use report_portal::domain::organization::{CredentialMode, OrganizationStatus};
use report_portal::domain::user::Role;
use reqwest::Method;
use serde_json::{Value, json};

use crate::helpers::{STAFF_PASSWORD, TestApp, expect, spawn_app, spawn_app_with};

/// `method` `/api/v1<path>` as `token` with `body`.
async fn call(
    app: &TestApp,
    token: &str,
    method: Method,
    path: &str,
    body: Option<Value>,
) -> reqwest::Response {
    app.send(
        method,
        &format!("/api/v1{path}"),
        Some(token),
        body.as_ref(),
    )
    .await
}

/// Asserts a 422 whose errors include one at `pointer`.
async fn expect_invalid_at(response: reqwest::Response, pointer: &str) {
    let problem = expect(response, 422).await;
    assert!(
        problem["errors"]
            .as_array()
            .unwrap()
            .iter()
            .any(|e| e["pointer"] == pointer),
        "expected an error at {pointer}: {problem}"
    );
}

/// Registers an organization through the API; answers its id.
async fn register(app: &TestApp, admin: &str, name: &str) -> String {
    let body = expect(
        call(
            app,
            admin,
            Method::POST,
            "/admin/organizations",
            Some(json!({"name": name})),
        )
        .await,
        201,
    )
    .await;
    body["id"].as_str().unwrap().to_owned()
}

/// Changes an organization's status through the API, answering the response.
async fn vet(app: &TestApp, admin: &str, id: &str, status: &str) -> reqwest::Response {
    call(
        app,
        admin,
        Method::POST,
        &format!("/admin/organizations/{id}/vetting"),
        Some(json!({"status": status, "reason": format!("set to {status} by a test")})),
    )
    .await
}

#[actix_web::test]
async fn an_admin_registers_and_vets_an_organization_and_the_history_names_who_and_why() {
    let app = spawn_app().await;
    let (admin_id, admin_email) = app.create_staff(Role::Admin);
    let admin = app.login_token(&admin_email, STAFF_PASSWORD).await;

    let response = call(
        &app,
        &admin,
        Method::POST,
        "/admin/organizations",
        Some(json!({"name": "Example Video", "contact_email": "trust@video.example"})),
    )
    .await;
    let location = response.headers()["location"].to_str().unwrap().to_owned();
    let created = expect(response, 201).await;
    assert_eq!(created["status"], "pending");
    let id = created["id"].as_str().unwrap();
    assert_eq!(location, format!("/api/v1/admin/organizations/{id}"));

    let reason = "Vetting call with the company's trust and safety lead on 2026-11-30";
    let vetted = expect(
        call(
            &app,
            &admin,
            Method::POST,
            &format!("/admin/organizations/{id}/vetting"),
            Some(json!({"status": "vetted", "reason": reason})),
        )
        .await,
        200,
    )
    .await;
    assert_eq!(vetted["status"], "vetted");

    let detail = expect(app.get(&location, &admin).await, 200).await;
    assert_eq!(detail["name"], "Example Video");
    assert_eq!(detail["status"], "vetted");
    assert_eq!(detail["contact_email"], "trust@video.example");
    assert!(detail["created_at"].is_string());
    let history = detail["vetting_history"].as_array().unwrap();
    assert_eq!(history.len(), 2, "{detail}");
    assert_eq!(history[0]["from"], Value::Null);
    assert_eq!(history[0]["to"], "pending");
    assert_eq!(history[0]["actor_id"], admin_id.as_str());
    assert_eq!(history[0]["reason"], Value::Null);
    assert_eq!(history[1]["from"], "pending");
    assert_eq!(history[1]["to"], "vetted");
    assert_eq!(history[1]["actor_id"], admin_id.as_str());
    assert_eq!(history[1]["reason"], reason);
    assert!(history[0]["at"].as_str() <= history[1]["at"].as_str());

    // Changes made outside the API are in the history too, without an actor.
    app.set_organization_status(id, OrganizationStatus::Suspended);
    let detail = expect(app.get(&location, &admin).await, 200).await;
    let last = &detail["vetting_history"][2];
    assert_eq!(
        (
            &last["from"],
            &last["to"],
            &last["actor_id"],
            &last["reason"]
        ),
        (
            &json!("vetted"),
            &json!("suspended"),
            &Value::Null,
            &json!("command line")
        )
    );

    // Revocation is permanent.
    expect(vet(&app, &admin, id, "revoked").await, 200).await;
    expect(vet(&app, &admin, id, "vetted").await, 409).await;
}

#[actix_web::test]
async fn organizations_are_listed_by_page_and_bad_input_is_located() {
    let app = spawn_app().await;
    let admin = app.staff_token(Role::Admin).await;
    let mut ids = Vec::new();
    for name in ["First", "Second", "Third"] {
        ids.push(register(&app, &admin, name).await);
    }

    let first = expect(
        app.get("/api/v1/admin/organizations?limit=2", &admin).await,
        200,
    )
    .await;
    let cursor = first["next_cursor"].as_str().unwrap();
    let rest = expect(
        app.get(
            &format!("/api/v1/admin/organizations?limit=2&cursor={cursor}"),
            &admin,
        )
        .await,
        200,
    )
    .await;
    assert_eq!(rest["next_cursor"], Value::Null);
    let listed: Vec<&str> = first["items"]
        .as_array()
        .unwrap()
        .iter()
        .chain(rest["items"].as_array().unwrap())
        .map(|o| o["id"].as_str().unwrap())
        .collect();
    assert_eq!(listed, ids);

    for (body, pointer) in [
        (json!({"name": " "}), "/name"),
        (json!({"name": "x".repeat(201)}), "/name"),
        (
            json!({"name": "Example", "contact_email": "not an address"}),
            "/contact_email",
        ),
        (json!({"name": "Example", "status": "vetted"}), "/status"),
    ] {
        let response = call(
            &app,
            &admin,
            Method::POST,
            "/admin/organizations",
            Some(body),
        )
        .await;
        expect_invalid_at(response, pointer).await;
    }
    let vetting = format!("/admin/organizations/{}/vetting", ids[0]);
    for (body, pointer) in [
        (json!({"status": "vetted", "reason": ""}), "/reason"),
        (
            json!({"status": "vetted", "reason": "x".repeat(2001)}),
            "/reason",
        ),
        (json!({"status": "trusted", "reason": "because"}), "/status"),
        (json!({"status": "vetted"}), "/reason"),
    ] {
        expect_invalid_at(
            call(&app, &admin, Method::POST, &vetting, Some(body)).await,
            pointer,
        )
        .await;
    }

    let unknown = uuid::Uuid::now_v7();
    expect(
        app.get(&format!("/api/v1/admin/organizations/{unknown}"), &admin)
            .await,
        404,
    )
    .await;
    expect(vet(&app, &admin, &unknown.to_string(), "vetted").await, 404).await;
}

#[actix_web::test]
async fn credentials_are_issued_once_listed_without_secrets_and_revoked_at_once() {
    let app = spawn_app().await;
    let admin = app.staff_token(Role::Admin).await;
    let id = register(&app, &admin, "Example Social").await;
    expect(vet(&app, &admin, &id, "vetted").await, 200).await;
    let path = format!("/admin/organizations/{id}/credentials");

    let response = call(&app, &admin, Method::POST, &path, Some(json!({}))).await;
    assert_eq!(response.headers()["cache-control"], "no-store");
    let live = expect(response, 201).await;
    assert_eq!(live["mode"], "live");
    assert!(live["client_id"].as_str().unwrap().starts_with("rp_live_"));
    let test = expect(
        call(
            &app,
            &admin,
            Method::POST,
            &path,
            Some(json!({"mode": "test", "label": "staging integration"})),
        )
        .await,
        201,
    )
    .await;
    assert_eq!(test["mode"], "test");
    let (client_id, secret) = (
        live["client_id"].as_str().unwrap(),
        live["client_secret"].as_str().unwrap(),
    );

    let response = call(&app, &admin, Method::GET, &path, None).await;
    let text = response.text().await.unwrap();
    assert!(!text.contains(secret) && !text.contains(test["client_secret"].as_str().unwrap()));
    let listed: Value = serde_json::from_str(&text).unwrap();
    let listed = listed.as_array().unwrap();
    assert_eq!(listed.len(), 2);
    for credential in listed {
        let mut keys: Vec<&str> = credential
            .as_object()
            .unwrap()
            .keys()
            .map(String::as_str)
            .collect();
        keys.sort_unstable();
        assert_eq!(
            keys,
            [
                "client_id",
                "created_at",
                "expires_at",
                "label",
                "mode",
                "revoked_at"
            ]
        );
        assert_eq!(credential["revoked_at"], Value::Null);
    }
    assert!(listed.iter().any(|c| c["label"] == "staging integration"));

    let token = expect(app.request_token(client_id, secret).await, 200).await;
    let token = token["access_token"].as_str().unwrap();
    expect(app.get("/api/v1/reports", token).await, 200).await;

    // Revoked: no new token, and the existing one is refused at once on this replica although
    // the credential cache would otherwise keep it for 30 seconds.
    let revoke = format!("/admin/credentials/{client_id}");
    let response = call(&app, &admin, Method::DELETE, &revoke, None).await;
    assert_eq!(response.status(), 204);
    let refused = expect(app.request_token(client_id, secret).await, 401).await;
    assert_eq!(refused["error"], "invalid_client");
    expect(app.get("/api/v1/reports", token).await, 401).await;
    let listed = expect(call(&app, &admin, Method::GET, &path, None).await, 200).await;
    let revoked = listed
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["client_id"] == client_id)
        .unwrap();
    assert!(revoked["revoked_at"].is_string());

    expect(call(&app, &admin, Method::DELETE, &revoke, None).await, 404).await;
    expect(
        call(
            &app,
            &admin,
            Method::DELETE,
            "/admin/credentials/rp_live_nothing",
            None,
        )
        .await,
        404,
    )
    .await;
    let unknown = format!("/admin/organizations/{}/credentials", uuid::Uuid::now_v7());
    expect(call(&app, &admin, Method::GET, &unknown, None).await, 404).await;
    expect(
        call(&app, &admin, Method::POST, &unknown, Some(json!({}))).await,
        404,
    )
    .await;
    let long_label = json!({"label": "x".repeat(201)});
    expect_invalid_at(
        call(&app, &admin, Method::POST, &path, Some(long_label)).await,
        "/label",
    )
    .await;
    let bad_mode = json!({"mode": "sandbox"});
    expect_invalid_at(
        call(&app, &admin, Method::POST, &path, Some(bad_mode)).await,
        "/mode",
    )
    .await;
}

#[actix_web::test]
async fn a_suspension_refuses_the_organizations_tokens_within_the_cache_time() {
    let app = spawn_app_with(|s| s.auth_cache_seconds = 1).await;
    let admin = app.staff_token(Role::Admin).await;
    let reporter = app.reporter(CredentialMode::Live).await;
    expect(app.get("/api/v1/reports", &reporter.token).await, 200).await;

    let suspended = expect(
        vet(&app, &admin, &reporter.organization_id, "suspended").await,
        200,
    )
    .await;
    assert_eq!(suspended["status"], "suspended");
    actix_web::rt::time::sleep(Duration::from_millis(1100)).await;
    expect(app.get("/api/v1/reports", &reporter.token).await, 403).await;
    let refused = expect(
        app.request_token(
            &reporter.credential.client_id,
            &reporter.credential.client_secret,
        )
        .await,
        403,
    )
    .await;
    assert_eq!(refused["error"], "unauthorized_client");
}

#[actix_web::test]
async fn staff_accounts_are_enrolled_by_their_holder_and_need_an_unused_e_mail() {
    let app = spawn_app().await;
    let admin = app.staff_token(Role::Admin).await;
    let new_user =
        |email: &str| json!({"email": email, "display_name": "Ana Analyst", "role": "analyst"});

    let mut with_password = new_user("ana@dhs.example");
    with_password["password"] = json!("granite-Harbor-41-slowly");
    expect_invalid_at(
        call(
            &app,
            &admin,
            Method::POST,
            "/admin/users",
            Some(with_password),
        )
        .await,
        "/password",
    )
    .await;
    let mut reporter = new_user("ana@dhs.example");
    reporter["role"] = json!("reporter");
    expect_invalid_at(
        call(&app, &admin, Method::POST, "/admin/users", Some(reporter)).await,
        "/role",
    )
    .await;

    let response = call(
        &app,
        &admin,
        Method::POST,
        "/admin/users",
        Some(new_user("Ana@DHS.example")),
    )
    .await;
    let location = response.headers()["location"].to_str().unwrap().to_owned();
    let created = expect(response, 201).await;
    assert_eq!(created["email"], "ana@dhs.example");
    assert_eq!(created["role"], "analyst");
    assert!(created.get("password").is_none(), "{created}");
    assert_eq!(
        location,
        format!("/api/v1/admin/users/{}", created["id"].as_str().unwrap())
    );
    let token = &app.enrollment_tokens("ana@dhs.example", 1).await[0];
    expect(app.enroll(token, "granite-Harbor-41-slowly").await, 204).await;
    app.login_token("ana@dhs.example", "granite-Harbor-41-slowly")
        .await;
    let fetched = expect(app.get(&location, &admin).await, 200).await;
    assert_eq!(fetched["id"], created["id"]);

    let duplicate = new_user("ANA@dhs.EXAMPLE");
    expect(
        call(&app, &admin, Method::POST, "/admin/users", Some(duplicate)).await,
        409,
    )
    .await;

    let listed = expect(app.get("/api/v1/admin/users?limit=200", &admin).await, 200).await;
    let emails: Vec<&str> = listed["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|u| u["email"].as_str().unwrap())
        .collect();
    assert_eq!(emails.len(), 2, "{listed}");
    assert!(emails.contains(&"ana@dhs.example"));
    let unknown = format!("/api/v1/admin/users/{}", uuid::Uuid::now_v7());
    expect(app.get(&unknown, &admin).await, 404).await;
}

#[actix_web::test]
async fn a_changed_account_takes_effect_at_once_and_bad_changes_are_refused() {
    let app = spawn_app().await;
    let admin = app.staff_token(Role::Admin).await;
    let (id, email) = app.create_staff(Role::Analyst);
    let analyst = app.login_token(&email, STAFF_PASSWORD).await;
    expect(app.get("/api/v1/me", &analyst).await, 200).await;
    let path = format!("/admin/users/{id}");

    let promoted = expect(
        call(
            &app,
            &admin,
            Method::PATCH,
            &path,
            Some(json!({"role": "supervisor", "notify": true})),
        )
        .await,
        200,
    )
    .await;
    assert_eq!(
        (&promoted["role"], &promoted["notify"]),
        (&json!("supervisor"), &json!(true))
    );
    // A move to a role that reads report content takes effect at the holder's next sign-in.
    expect(app.get("/api/v1/me", &analyst).await, 401).await;
    let supervisor = app.login_token(&email, STAFF_PASSWORD).await;
    assert_eq!(
        expect(app.get("/api/v1/me", &supervisor).await, 200).await["role"],
        "supervisor"
    );

    for (body, pointer) in [
        (json!({"role": "reporter"}), "/role"),
        (json!({"role": "owner"}), "/role"),
        (json!({"display_name": ""}), "/display_name"),
        (json!({"email": "new@dhs.example"}), "/email"),
        (json!({"active": "no"}), "/active"),
    ] {
        expect_invalid_at(
            call(&app, &admin, Method::PATCH, &path, Some(body)).await,
            pointer,
        )
        .await;
    }

    let deactivated = expect(
        call(
            &app,
            &admin,
            Method::PATCH,
            &path,
            Some(json!({"active": false})),
        )
        .await,
        200,
    )
    .await;
    assert_eq!(deactivated["active"], false);
    assert_eq!(deactivated["role"], "supervisor");
    expect(app.get("/api/v1/me", &supervisor).await, 401).await;

    let unknown = format!("/admin/users/{}", uuid::Uuid::now_v7());
    expect(
        call(
            &app,
            &admin,
            Method::PATCH,
            &unknown,
            Some(json!({"active": false})),
        )
        .await,
        404,
    )
    .await;
}

#[actix_web::test]
async fn the_last_active_admin_can_be_neither_demoted_nor_deactivated() {
    let app = spawn_app().await;
    let (first_id, first_email) = app.create_staff(Role::Admin);
    let first = app.login_token(&first_email, STAFF_PASSWORD).await;
    let path = format!("/admin/users/{first_id}");

    // Nobody changes their own role; the last admin cannot deactivate themself either.
    expect(
        call(
            &app,
            &first,
            Method::PATCH,
            &path,
            Some(json!({"role": "analyst"})),
        )
        .await,
        403,
    )
    .await;
    expect(
        call(
            &app,
            &first,
            Method::PATCH,
            &path,
            Some(json!({"active": false})),
        )
        .await,
        409,
    )
    .await;
    let unchanged = expect(call(&app, &first, Method::GET, &path, None).await, 200).await;
    assert_eq!(
        (&unchanged["role"], &unchanged["active"]),
        (&json!("admin"), &json!(true))
    );

    let (second_id, second_email) = app.create_staff(Role::Admin);
    let second = app.login_token(&second_email, STAFF_PASSWORD).await;
    let demoted = expect(
        call(
            &app,
            &second,
            Method::PATCH,
            &path,
            Some(json!({"role": "auditor"})),
        )
        .await,
        200,
    )
    .await;
    assert_eq!(demoted["role"], "auditor");
    expect(
        call(&app, &first, Method::GET, "/admin/users", None).await,
        403,
    )
    .await;

    let second_path = format!("/admin/users/{second_id}");
    expect(
        call(
            &app,
            &second,
            Method::PATCH,
            &second_path,
            Some(json!({"active": false})),
        )
        .await,
        409,
    )
    .await;
}

#[actix_web::test]
async fn only_administrators_reach_the_admin_endpoints() {
    let app = spawn_app().await;
    let admin = app.staff_token(Role::Admin).await;
    let organization = register(&app, &admin, "Example Social").await;
    let (user, _) = app.create_staff(Role::Analyst);
    let endpoints = [
        (Method::GET, "/admin/organizations".to_owned(), None),
        (
            Method::POST,
            "/admin/organizations".to_owned(),
            Some(json!({"name": "Other"})),
        ),
        (
            Method::GET,
            format!("/admin/organizations/{organization}"),
            None,
        ),
        (
            Method::POST,
            format!("/admin/organizations/{organization}/vetting"),
            Some(json!({"status": "vetted", "reason": "looks fine"})),
        ),
        (
            Method::GET,
            format!("/admin/organizations/{organization}/credentials"),
            None,
        ),
        (
            Method::POST,
            format!("/admin/organizations/{organization}/credentials"),
            Some(json!({})),
        ),
        (
            Method::DELETE,
            "/admin/credentials/rp_live_any".to_owned(),
            None,
        ),
        (Method::GET, "/admin/users".to_owned(), None),
        (
            Method::POST,
            "/admin/users".to_owned(),
            Some(json!({"email": "eve@dhs.example", "display_name": "Eve", "role": "admin"})),
        ),
        (Method::GET, format!("/admin/users/{user}"), None),
        (
            Method::POST,
            format!("/admin/users/{user}/enrollment"),
            None,
        ),
        (
            Method::PATCH,
            format!("/admin/users/{user}"),
            Some(json!({"role": "admin"})),
        ),
    ];

    let mut refused = vec![(
        Role::Reporter,
        app.reporter(CredentialMode::Live).await.token,
    )];
    for role in [Role::Analyst, Role::Auditor, Role::Supervisor] {
        refused.push((role, app.staff_token(role).await));
    }
    for (method, path, body) in &endpoints {
        let url = format!("/api/v1{path}");
        for (role, token) in &refused {
            let response = app
                .send(method.clone(), &url, Some(token), body.as_ref())
                .await;
            assert_eq!(response.status(), 403, "{role:?} {method} {path}");
        }
        let response = app.send(method.clone(), &url, None, body.as_ref()).await;
        assert_eq!(response.status(), 401, "no token {method} {path}");
        assert!(response.headers().contains_key("www-authenticate"));
    }
    let organization = expect(
        app.get(
            &format!("/api/v1/admin/organizations/{organization}"),
            &admin,
        )
        .await,
        200,
    )
    .await;
    assert_eq!(
        organization["status"], "pending",
        "no refused call changed anything"
    );
}
