//! API credentials expire: an expired credential is refused at the token endpoint as an unknown
//! one (and its tokens stop working), and its organization is warned once by a
//! `credential.expiring` event, in the feed and delivered to its webhook endpoints.

use std::time::Duration;

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use report_portal::db::schema::credentials;
use report_portal::domain::organization::{CredentialMode, OrganizationStatus};
use report_portal::domain::user::Role;
use reqwest::Method;
use serde_json::{Value, json};

use crate::helpers::{TestApp, expect, spawn_app_with};
use crate::receiver::Receiver;

/// Moves credential `client_id`'s expiry to `at`, as time passing would.
fn set_expiry(app: &TestApp, client_id: &str, at: DateTime<Utc>) {
    let updated = app.with_db(|conn| {
        diesel::update(credentials::table.find(client_id))
            .set(credentials::expires_at.eq(at.naive_utc()))
            .execute(conn)
    });
    assert_eq!(updated.unwrap(), 1);
}

fn parse_time(value: &Value) -> DateTime<Utc> {
    value.as_str().unwrap().parse().unwrap()
}

#[actix_web::test]
async fn an_expired_credential_is_refused_as_an_unknown_one_and_its_tokens_stop_working() {
    let app = spawn_app_with(|s| {
        s.credential_lifetime_days = 90;
        s.auth_cache_seconds = 1;
    })
    .await;
    let admin = app.staff_token(Role::Admin).await;
    let organization = app.create_organization(OrganizationStatus::Vetted);
    let path = format!("/api/v1/admin/organizations/{organization}/credentials");
    let issued = expect(
        app.send(Method::POST, &path, Some(&admin), Some(&json!({})))
            .await,
        201,
    )
    .await;
    // Issued for the configured lifetime, and the expiry is shown where credentials are listed.
    let expires_at = parse_time(&issued["expires_at"]);
    let expected = Utc::now() + chrono::Duration::days(90);
    assert!(
        (expires_at - expected).num_seconds().abs() < 60,
        "{expires_at}"
    );
    let listed = expect(app.get(&path, &admin).await, 200).await;
    assert_eq!(listed[0]["expires_at"], issued["expires_at"]);

    let client_id = issued["client_id"].as_str().unwrap();
    let secret = issued["client_secret"].as_str().unwrap();
    let token = expect(app.request_token(client_id, secret).await, 200).await;
    let token = token["access_token"].as_str().unwrap().to_owned();
    expect(app.get("/api/v1/reports", &token).await, 200).await;

    set_expiry(&app, client_id, Utc::now() - chrono::Duration::seconds(1));
    let refused = expect(app.request_token(client_id, secret).await, 401).await;
    let unknown = expect(
        app.request_token("rp_live_000000000000000000000000", secret)
            .await,
        401,
    )
    .await;
    assert_eq!(refused["error"], "invalid_client");
    assert_eq!(refused, unknown, "an expired credential must look unknown");
    actix_web::rt::time::sleep(Duration::from_millis(1100)).await;
    expect(app.get("/api/v1/reports", &token).await, 401).await;

    let auditor = app.staff_token(Role::Auditor).await;
    let refusals = app
        .audit_events(&auditor, &format!("action=auth.token&target={client_id}"))
        .await;
    let outcomes: Vec<&str> = refusals
        .iter()
        .map(|e| e["outcome"].as_str().unwrap())
        .collect();
    assert_eq!(
        outcomes.iter().filter(|o| **o == "failure").count(),
        1,
        "{refusals:#?}"
    );
    assert_eq!(
        outcomes.iter().filter(|o| **o == "success").count(),
        1,
        "{refusals:#?}"
    );
}

/// The `credential.expiring` events in `token`'s feed.
async fn expiring_events(app: &TestApp, token: &str) -> Vec<Value> {
    let feed = expect(app.get("/api/v1/events?limit=200", token).await, 200).await;
    let items = feed["items"].as_array().unwrap();
    items
        .iter()
        .filter(|e| e["type"] == "credential.expiring")
        .cloned()
        .collect()
}

#[actix_web::test]
async fn a_credential_near_its_expiry_is_warned_of_once_with_its_id_and_expiry() {
    let app = spawn_app_with(|s| {
        s.credential_expiry_check_seconds = 1;
        s.webhook_poll_seconds = 0.05;
    })
    .await;
    let receiver = Receiver::start();
    let reporter = app.reporter(CredentialMode::Test).await;
    let body = json!({"url": receiver.url(), "event_types": ["credential.expiring"]});
    let endpoint = expect(
        app.post_json("/api/v1/webhooks", &reporter.token, &body)
            .await,
        201,
    )
    .await;
    // Another credential of the organization, revoked: never warned of.
    let revoked = app.create_credential(&reporter.organization_id, CredentialMode::Test);
    let admin = app.staff_token(Role::Admin).await;
    let revoke = format!("/api/v1/admin/credentials/{}", revoked.client_id);
    let response = app.send(Method::DELETE, &revoke, Some(&admin), None).await;
    assert_eq!(response.status(), 204);

    // A year away (the default lifetime): not yet.
    actix_web::rt::time::sleep(Duration::from_millis(1500)).await;
    assert_eq!(
        expiring_events(&app, &reporter.token).await,
        Vec::<Value>::new()
    );

    let expires_at = Utc::now() + chrono::Duration::days(10);
    set_expiry(&app, &reporter.credential.client_id, expires_at);
    set_expiry(&app, &revoked.client_id, expires_at);
    let delivered = receiver.wait_for(1, 10).await;
    // Two more looks find nothing more to warn of.
    actix_web::rt::time::sleep(Duration::from_millis(2500)).await;
    let events = expiring_events(&app, &reporter.token).await;
    assert_eq!(events.len(), 1, "{events:#?}");
    let data = &events[0]["data"];
    assert_eq!(
        data.as_object().unwrap().keys().collect::<Vec<_>>(),
        ["client_id", "expires_at"]
    );
    assert_eq!(data["client_id"], reporter.credential.client_id.as_str());
    let told = parse_time(&data["expires_at"]);
    assert!(
        (told - expires_at).num_milliseconds().abs() < 1,
        "{told} {expires_at}"
    );
    assert!(
        !events[0]
            .to_string()
            .contains(&reporter.credential.client_secret)
    );

    assert_eq!(receiver.received().len(), 1);
    let secret = endpoint["secret"].as_str().unwrap();
    standardwebhooks::Webhook::new(secret)
        .unwrap()
        .verify(&delivered[0].body, &delivered[0].headers)
        .unwrap_or_else(|e| panic!("signature refused: {e:?}"));
    assert_eq!(delivered[0].json(), events[0]);
}
