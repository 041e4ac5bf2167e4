//! Staff refresh tokens: every sign-in answers one; each exchange rotates it; a rotated token
//! that comes back revokes its whole family (RFC 9700 §4.14), also when two exchanges of the
//! same token race; sign-out, deactivation and a change of role revoke; idle and absolute
//! lifetimes end a family.

use diesel::prelude::*;
use report_portal::db::schema::{refresh_families, refresh_tokens};
use report_portal::domain::user::Role;
use reqwest::Method;
use serde_json::{Value, json};

use crate::helpers::{STAFF_PASSWORD, TestApp, expect, spawn_app_with};

/// An application whose sign-in rate limit does not get in the way of a test's many sign-ins.
async fn app() -> TestApp {
    spawn_app_with(|s| {
        s.auth_rate_limit_per_second = 1000;
        s.auth_rate_limit_burst = 1000;
    })
    .await
}

/// Signs in as a new staff member of `role`; answers the account id and the token answer.
async fn sign_in(app: &TestApp, role: Role) -> (String, Value) {
    let (id, email) = app.create_staff(role);
    (
        id,
        expect(app.login(&email, STAFF_PASSWORD).await, 200).await,
    )
}

/// `POST /api/v1/auth/token` with `grant_type=refresh_token`.
async fn refresh(app: &TestApp, token: &str) -> reqwest::Response {
    app.client
        .post(format!("{}/api/v1/auth/token", app.address))
        .form(&[("grant_type", "refresh_token"), ("refresh_token", token)])
        .send()
        .await
        .unwrap()
}

/// Asserts that `token` is refused as RFC 6749 says.
async fn assert_refused(app: &TestApp, token: &str) {
    let body = expect(refresh(app, token).await, 400).await;
    assert_eq!(body["error"], "invalid_grant", "{body}");
}

fn refresh_token(answer: &Value) -> String {
    answer["refresh_token"]
        .as_str()
        .expect("a refresh token")
        .to_owned()
}

#[tokio::test]
async fn each_exchange_rotates_and_reuse_revokes_the_family() {
    let app = app().await;
    let (id, signed_in) = sign_in(&app, Role::Analyst).await;
    let first = refresh_token(&signed_in);
    assert!(first.len() >= 43, "opaque and long: {first}");

    let renewed = expect(refresh(&app, &first).await, 200).await;
    let second = refresh_token(&renewed);
    assert_ne!(second, first);
    let access = renewed["access_token"].as_str().unwrap();
    let me = expect(app.get("/api/v1/me", access).await, 200).await;
    assert_eq!(me["id"], id);
    assert_eq!(me["role"], "analyst");

    // Only hashes are stored.
    let stored: Vec<String> = app.with_db(|conn| {
        refresh_tokens::table
            .select(refresh_tokens::token_hash)
            .load(conn)
            .unwrap()
    });
    assert_eq!(stored.len(), 2);
    assert!(!stored.contains(&first) && !stored.contains(&second));

    // The rotated token comes back: refused, and the token it was exchanged for dies with it.
    assert_refused(&app, &first).await;
    assert_refused(&app, &second).await;

    let auditor = app.staff_token(Role::Auditor).await;
    let reuse = app
        .audit_events(&auditor, "action=auth.refresh.reuse")
        .await;
    assert_eq!(reuse.len(), 1, "{reuse:?}");
    assert_eq!(reuse[0]["outcome"], "failure");
    assert_eq!(reuse[0]["target"], id);
    let refreshes = app.audit_events(&auditor, "action=auth.refresh").await;
    let outcomes: Vec<&str> = refreshes
        .iter()
        .map(|e| e["outcome"].as_str().unwrap())
        .collect();
    assert_eq!(outcomes.iter().filter(|o| **o == "success").count(), 1);
    assert_eq!(outcomes.iter().filter(|o| **o == "failure").count(), 1);
}

#[tokio::test]
async fn two_exchanges_of_one_token_at_once_one_wins_and_the_family_is_revoked() {
    let app = app().await;
    for _ in 0..5 {
        let (_, signed_in) = sign_in(&app, Role::Analyst).await;
        let token = refresh_token(&signed_in);
        let (a, b) = tokio::join!(refresh(&app, &token), refresh(&app, &token));
        let mut statuses = [a.status().as_u16(), b.status().as_u16()];
        statuses.sort();
        assert_eq!(statuses, [200, 400], "exactly one exchange wins");
        let winner = if a.status() == 200 { a } else { b };
        let won = winner.json::<Value>().await.unwrap();
        // The loser was a reuse: the winner's new token is revoked with the family.
        assert_refused(&app, &refresh_token(&won)).await;
    }
}

#[tokio::test]
async fn sign_out_revokes_the_family() {
    let app = app().await;
    let (_, signed_in) = sign_in(&app, Role::Supervisor).await;
    let first = refresh_token(&signed_in);
    let second = refresh_token(&expect(refresh(&app, &first).await, 200).await);
    let logout = |token: String| {
        app.client
            .post(format!("{}/api/v1/auth/logout", app.address))
            .json(&json!({"refresh_token": token}))
            .send()
    };
    // Any token of the family signs out, the used one too.
    assert_eq!(logout(first.clone()).await.unwrap().status(), 204);
    assert_refused(&app, &second).await;
    // An unknown token answers the same (RFC 7009), audited as a failure.
    assert_eq!(logout("not-a-token".into()).await.unwrap().status(), 204);
    let auditor = app.staff_token(Role::Auditor).await;
    let events = app.audit_events(&auditor, "action=auth.logout").await;
    let mut outcomes: Vec<&str> = events
        .iter()
        .map(|e| e["outcome"].as_str().unwrap())
        .collect();
    outcomes.sort();
    assert_eq!(outcomes, ["failure", "success"]);
}

#[tokio::test]
async fn deactivation_and_a_change_of_role_revoke_at_once() {
    let app = app().await;
    let (_, admin) = app.staff(Role::Admin).await;
    for change in [json!({"active": false}), json!({"role": "auditor"})] {
        let (id, signed_in) = sign_in(&app, Role::Analyst).await;
        let token = refresh_token(&signed_in);
        let path = format!("/api/v1/admin/users/{id}");
        expect(
            app.send(Method::PATCH, &path, Some(&admin), Some(&change))
                .await,
            200,
        )
        .await;
        assert_refused(&app, &token).await;
    }
    // A change that is neither leaves the tokens working.
    let (id, signed_in) = sign_in(&app, Role::Analyst).await;
    let path = format!("/api/v1/admin/users/{id}");
    let rename = json!({"display_name": "Renamed"});
    expect(
        app.send(Method::PATCH, &path, Some(&admin), Some(&rename))
            .await,
        200,
    )
    .await;
    expect(refresh(&app, &refresh_token(&signed_in)).await, 200).await;
}

#[tokio::test]
async fn idle_and_absolute_lifetimes_end_a_family() {
    let app = app().await;
    let past = chrono::Utc::now().naive_utc() - chrono::Duration::seconds(1);

    let (_, signed_in) = sign_in(&app, Role::Analyst).await;
    let token = refresh_token(&signed_in);
    app.with_db(|conn| {
        diesel::update(refresh_tokens::table)
            .set(refresh_tokens::idle_expires_at.eq(past))
            .execute(conn)
            .unwrap()
    });
    assert_refused(&app, &token).await;

    let (_, signed_in) = sign_in(&app, Role::Analyst).await;
    let token = refresh_token(&signed_in);
    app.with_db(|conn| {
        diesel::update(refresh_families::table)
            .set(refresh_families::expires_at.eq(past))
            .execute(conn)
            .unwrap()
    });
    assert_refused(&app, &token).await;

    // The defaults: 30 minutes idle, 12 hours at most.
    let (_, signed_in) = sign_in(&app, Role::Analyst).await;
    let hash = report_portal::auth::secret::hash_secret(&refresh_token(&signed_in));
    let (idle, absolute) = app.with_db(|conn| {
        refresh_tokens::table
            .inner_join(refresh_families::table)
            .filter(refresh_tokens::token_hash.eq(&hash))
            .select((
                refresh_tokens::idle_expires_at,
                refresh_families::expires_at,
            ))
            .first::<(chrono::NaiveDateTime, chrono::NaiveDateTime)>(conn)
            .unwrap()
    });
    let now = chrono::Utc::now().naive_utc();
    assert!(
        (idle - now - chrono::Duration::minutes(30))
            .num_seconds()
            .abs()
            < 60
    );
    assert!(
        (absolute - now - chrono::Duration::hours(12))
            .num_seconds()
            .abs()
            < 60
    );
}

#[tokio::test]
async fn a_refresh_grant_without_a_token_is_an_invalid_request() {
    let app = app().await;
    let response = app
        .client
        .post(format!("{}/api/v1/auth/token", app.address))
        .form(&[("grant_type", "refresh_token")])
        .send()
        .await
        .unwrap();
    assert_eq!(expect(response, 400).await["error"], "invalid_request");
    assert_refused(&app, "never-issued").await;
    // An API client's token answer carries no refresh token.
    let reporter = app
        .reporter(report_portal::domain::organization::CredentialMode::Live)
        .await;
    let answer = expect(
        app.request_token(
            &reporter.credential.client_id,
            &reporter.credential.client_secret,
        )
        .await,
        200,
    )
    .await;
    assert!(answer.get("refresh_token").is_none(), "{answer}");
}
