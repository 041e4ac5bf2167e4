//! Access tokens: the client-credentials endpoint, the JWK Set, and every way a token can be wrong.

use std::time::Duration;

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use chrono::Utc;
use ed25519_dalek::pkcs8::EncodePrivateKey;
use ed25519_dalek::pkcs8::spki::der::pem::LineEnding;
use jsonwebtoken::{Algorithm, EncodingKey, Header};
use report_portal::domain::organization::{CredentialMode, OrganizationStatus};
use report_portal::store;
use serde_json::{Value, json};

use report_portal::domain::user::Role;

use crate::helpers::{STAFF_PASSWORD, TestApp, captured_logs, expect, spawn_app, spawn_app_with};

/// Claims a valid token for `sub` would carry.
fn claims(app: &TestApp, sub: &str) -> Value {
    let now = Utc::now().timestamp();
    json!({
        "iss": app.settings.token_issuer, "aud": app.settings.token_audience, "sub": sub,
        "exp": now + 600, "nbf": now - 5, "iat": now - 5, "jti": uuid::Uuid::new_v4().to_string(),
        "typ": "client", "role": "reporter", "client_id": sub,
    })
}

/// Signs `claims` with the application's own key (or `pem` when given).
fn sign(app: &TestApp, claims: &Value, pem: Option<&str>) -> String {
    let own = std::fs::read_to_string(app.signing_key_path()).unwrap();
    let key = EncodingKey::from_ed_pem(pem.unwrap_or(&own).as_bytes()).unwrap();
    let jwks: Value = {
        let keys = report_portal::auth::keys::SigningKeys::from_pem(&own).unwrap();
        serde_json::to_value(keys.jwks()).unwrap()
    };
    let mut header = Header::new(Algorithm::EdDSA);
    header.kid = Some(jwks["keys"][0]["kid"].as_str().unwrap().to_owned());
    header.typ = Some("at+jwt".into());
    jsonwebtoken::encode(&header, claims, &key).unwrap()
}

async fn status_with(app: &TestApp, token: &str) -> u16 {
    let response = app.get("/api/v1/reports", token).await;
    let status = response.status().as_u16();
    if status == 401 {
        let challenge = response
            .headers()
            .get("www-authenticate")
            .map(|v| v.to_str().unwrap().to_owned());
        assert!(
            challenge.unwrap_or_default().starts_with("Bearer"),
            "401 without a Bearer challenge"
        );
    }
    status
}

#[actix_web::test]
async fn a_vetted_client_gets_a_fifteen_minute_token_by_form_or_basic() {
    let app = spawn_app().await;
    let reporter = app.reporter(CredentialMode::Live).await;
    let body = expect(
        app.request_token(
            &reporter.credential.client_id,
            &reporter.credential.client_secret,
        )
        .await,
        200,
    )
    .await;
    assert_eq!(body["token_type"], "Bearer");
    assert_eq!(body["expires_in"], 900);

    let basic = app
        .client
        .post(format!("{}/api/v1/auth/token", app.address))
        .basic_auth(
            &reporter.credential.client_id,
            Some(&reporter.credential.client_secret),
        )
        .header("content-type", "application/x-www-form-urlencoded")
        .body("grant_type=client_credentials")
        .send()
        .await
        .unwrap();
    assert_eq!(basic.headers().get("cache-control").unwrap(), "no-store");
    let body = expect(basic, 200).await;
    let token = body["access_token"].as_str().unwrap();
    assert_eq!(status_with(&app, token).await, 200);

    // The header names the algorithm and a key published in the JWK Set.
    let header: Value = serde_json::from_slice(
        &URL_SAFE_NO_PAD
            .decode(token.split('.').next().unwrap())
            .unwrap(),
    )
    .unwrap();
    assert_eq!(header["alg"], "EdDSA");
    assert_eq!(header["typ"], "at+jwt");
    // RFC 9068 §2.2: an at+jwt names the client it was issued to.
    let payload: Value = serde_json::from_slice(
        &URL_SAFE_NO_PAD
            .decode(token.split('.').nth(1).unwrap())
            .unwrap(),
    )
    .unwrap();
    assert_eq!(payload["client_id"], reporter.credential.client_id.as_str());
    let jwks = expect(
        app.client
            .get(format!("{}/.well-known/jwks.json", app.address))
            .send()
            .await
            .unwrap(),
        200,
    )
    .await;
    assert_eq!(jwks["keys"][0]["kid"], header["kid"]);
    assert_eq!(jwks["keys"][0]["crv"], "Ed25519");
}

#[actix_web::test]
async fn wrong_secrets_unknown_clients_and_bad_grants_get_oauth_errors() {
    let app = spawn_app().await;
    let reporter = app.reporter(CredentialMode::Live).await;
    let wrong = expect(
        app.request_token(&reporter.credential.client_id, "not-the-secret")
            .await,
        401,
    )
    .await;
    assert_eq!(wrong["error"], "invalid_client");
    let unknown = expect(
        app.request_token("rp_live_000000000000000000000000", "x")
            .await,
        401,
    )
    .await;
    assert_eq!(
        unknown, wrong,
        "unknown client and wrong secret must look the same"
    );

    let grant = app
        .client
        .post(format!("{}/api/v1/auth/token", app.address))
        .header("content-type", "application/x-www-form-urlencoded")
        .body("grant_type=password&username=a&password=b")
        .send()
        .await
        .unwrap();
    assert_eq!(expect(grant, 400).await["error"], "unsupported_grant_type");
}

#[actix_web::test]
async fn a_client_id_holding_a_nul_is_an_unknown_client_not_a_server_error() {
    let app = spawn_app().await;
    let reporter = app.reporter(CredentialMode::Live).await;
    let nul_id = format!("{}\0", reporter.credential.client_id);
    let body = expect(
        app.request_token(&nul_id, &reporter.credential.client_secret)
            .await,
        401,
    )
    .await;
    assert_eq!(body["error"], "invalid_client");
}

#[actix_web::test]
async fn a_pending_organization_gets_no_token() {
    let app = spawn_app().await;
    let organization = app.create_organization(OrganizationStatus::Pending);
    let credential = app.create_credential(&organization, CredentialMode::Live);
    let body = expect(
        app.request_token(&credential.client_id, &credential.client_secret)
            .await,
        403,
    )
    .await;
    assert_eq!(body["error"], "unauthorized_client");
}

#[actix_web::test]
async fn suspension_and_revocation_take_effect_while_the_token_is_unexpired() {
    let app = spawn_app_with(|s| s.auth_cache_seconds = 1).await;
    let reporter = app.reporter(CredentialMode::Live).await;
    assert_eq!(status_with(&app, &reporter.token).await, 200);

    app.set_organization_status(&reporter.organization_id, OrganizationStatus::Suspended);
    actix_web::rt::time::sleep(Duration::from_millis(1100)).await;
    let body = expect(app.get("/api/v1/reports", &reporter.token).await, 403).await;
    assert!(body["detail"].as_str().unwrap().contains("not vetted"));

    app.set_organization_status(&reporter.organization_id, OrganizationStatus::Vetted);
    app.with_db(|conn| {
        store::organizations::revoke_credential(conn, &reporter.credential.client_id)
    })
    .unwrap();
    actix_web::rt::time::sleep(Duration::from_millis(1100)).await;
    assert_eq!(status_with(&app, &reporter.token).await, 401);
    let again = app
        .request_token(
            &reporter.credential.client_id,
            &reporter.credential.client_secret,
        )
        .await;
    assert_eq!(expect(again, 401).await["error"], "invalid_client");
}

#[actix_web::test]
async fn every_kind_of_bad_token_is_refused_with_401() {
    let app = spawn_app().await;
    let reporter = app.reporter(CredentialMode::Live).await;
    let sub = reporter.credential.client_id.clone();
    let valid = sign(&app, &claims(&app, &sub), None);
    assert_eq!(
        status_with(&app, &valid).await,
        200,
        "the forged-but-valid baseline must pass"
    );

    let now = Utc::now().timestamp();
    let mut cases: Vec<(&str, String)> = Vec::new();
    let with = |field: &str, value: Value| {
        let mut c = claims(&app, &sub);
        c[field] = value;
        sign(&app, &c, None)
    };
    let without = |field: &str| {
        let mut c = claims(&app, &sub);
        c.as_object_mut().unwrap().remove(field);
        sign(&app, &c, None)
    };
    cases.push(("expired", with("exp", json!(now - 120))));
    cases.push(("not yet valid", with("nbf", json!(now + 600))));
    cases.push(("wrong audience", with("aud", json!("someone-else"))));
    cases.push(("wrong issuer", with("iss", json!("https://evil.example"))));
    cases.push((
        "issued to another client",
        with("client_id", json!("rp_live_someone_else")),
    ));
    for claim in [
        "exp",
        "nbf",
        "iat",
        "jti",
        "typ",
        "sub",
        "iss",
        "aud",
        "client_id",
    ] {
        cases.push(("missing claim", without(claim)));
    }
    let other_key = ed25519_dalek::SigningKey::generate(&mut rand::rngs::OsRng);
    let other_pem = other_key.to_pkcs8_pem(LineEnding::LF).unwrap();
    cases.push((
        "signed by another key",
        sign(&app, &claims(&app, &sub), Some(&other_pem)),
    ));

    let mut parts: Vec<String> = valid.split('.').map(str::to_owned).collect();
    let header: Value =
        serde_json::from_slice(&URL_SAFE_NO_PAD.decode(&parts[0]).unwrap()).unwrap();
    let mut tampered = claims(&app, &sub);
    tampered["sub"] = json!("rp_live_someone_else");
    parts[1] = URL_SAFE_NO_PAD.encode(tampered.to_string());
    cases.push(("tampered payload", parts.join(".")));

    let mut none_header = header.clone();
    none_header["alg"] = json!("none");
    let none = format!(
        "{}.{}.",
        URL_SAFE_NO_PAD.encode(none_header.to_string()),
        URL_SAFE_NO_PAD.encode(claims(&app, &sub).to_string())
    );
    cases.push(("alg none", none));

    let public = std::fs::read_to_string(app.signing_key_path()).unwrap();
    let mut hs_header = Header::new(Algorithm::HS256);
    hs_header.kid = header["kid"].as_str().map(str::to_owned);
    hs_header.typ = Some("at+jwt".into());
    let hs = jsonwebtoken::encode(
        &hs_header,
        &claims(&app, &sub),
        &EncodingKey::from_secret(public.as_bytes()),
    )
    .unwrap();
    cases.push(("HS256 with the key as secret", hs));
    cases.push(("garbage", "not.a.token".into()));

    for (what, token) in cases {
        assert_eq!(
            status_with(&app, &token).await,
            401,
            "{what} must be refused"
        );
    }

    let missing = app
        .client
        .get(format!("{}/api/v1/reports", app.address))
        .send()
        .await
        .unwrap();
    assert_eq!(
        missing
            .headers()
            .get("www-authenticate")
            .unwrap()
            .to_str()
            .unwrap()
            .split(' ')
            .next(),
        Some("Bearer")
    );
    expect(missing, 401).await;
}

#[actix_web::test]
async fn staff_and_client_tokens_cannot_stand_in_for_each_other() {
    let app = spawn_app().await;
    let reporter = app.reporter(CredentialMode::Live).await;
    let (_, analyst) = app.staff(Role::Analyst).await;
    expect(app.get("/api/v1/reports", &analyst).await, 403).await;
    expect(
        app.get("/api/v1/review/reports", &reporter.token).await,
        403,
    )
    .await;

    // A client's id in a staff-typed token names no staff member.
    let mut staff = claims(&app, &reporter.credential.client_id);
    staff["typ"] = json!("staff");
    staff["role"] = json!("analyst");
    staff["client_id"] = json!(report_portal::auth::token::STAFF_CLIENT_ID);
    assert_eq!(status_with(&app, &sign(&app, &staff, None)).await, 401);
    // A client token claiming a staff role is not a client token.
    let mut client = claims(&app, &reporter.credential.client_id);
    client["role"] = json!("analyst");
    assert_eq!(status_with(&app, &sign(&app, &client, None)).await, 401);
}

#[actix_web::test]
async fn a_wrong_password_and_an_unknown_email_answer_alike() {
    let app = spawn_app().await;
    let (_, email) = app.create_staff(Role::Analyst);
    let wrong = expect(app.login(&email, "not-the-password-at-all").await, 401).await;
    let unknown = expect(app.login("nobody@dhs.example", STAFF_PASSWORD).await, 401).await;
    assert_eq!(wrong["detail"], unknown["detail"]);
    let me = expect(app.login(&email, STAFF_PASSWORD).await, 200).await;
    let token = me["access_token"].as_str().unwrap();
    let who = expect(app.get("/api/v1/me", token).await, 200).await;
    assert_eq!(who["role"], "analyst");
    assert_eq!(who["email"], email.as_str());
}

#[actix_web::test]
async fn repeated_failures_slow_down_sign_ins_for_that_account() {
    let app = spawn_app().await;
    let (_, email) = app.create_staff(Role::Supervisor);
    for _ in 0..6 {
        let status = app
            .login(&email, "wrong-password-guess")
            .await
            .status()
            .as_u16();
        assert!(status == 401 || status == 429);
    }
    let blocked = app.login(&email, STAFF_PASSWORD).await;
    assert_eq!(blocked.status(), 429, "even the right password waits");
    let retry_after: u64 = blocked
        .headers()
        .get("retry-after")
        .unwrap()
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!((1..=2).contains(&retry_after), "{retry_after}");
    // An unknown e-mail is slowed down the same way, so lockouts reveal nothing.
    for _ in 0..6 {
        app.login("ghost@dhs.example", "wrong-password-guess").await;
    }
    assert_eq!(
        app.login("ghost@dhs.example", "wrong-password-guess")
            .await
            .status(),
        429
    );
    actix_web::rt::time::sleep(Duration::from_millis(2100)).await;
    expect(app.login(&email, STAFF_PASSWORD).await, 200).await;
}

#[actix_web::test]
async fn a_deactivated_user_is_refused_while_the_token_is_unexpired() {
    let app = spawn_app_with(|s| s.auth_cache_seconds = 1).await;
    let (id, email) = app.create_staff(Role::Analyst);
    let token = expect(app.login(&email, STAFF_PASSWORD).await, 200).await["access_token"]
        .as_str()
        .unwrap()
        .to_owned();
    expect(app.get("/api/v1/review/reports", &token).await, 200).await;
    let changes = report_portal::domain::user::UserChanges {
        active: Some(false),
        ..Default::default()
    };
    app.with_db(|conn| {
        let link_ttl = app.settings.enrollment_link_ttl();
        store::users::update_user(conn, "command line", &id, &changes, link_ttl)
    })
    .unwrap();
    actix_web::rt::time::sleep(Duration::from_millis(1100)).await;
    expect(app.get("/api/v1/review/reports", &token).await, 401).await;
    expect(app.login(&email, STAFF_PASSWORD).await, 401).await;
}

/// The audit events of `action`: (target, actor, client address, outcome).
type EventFields = (Option<String>, Option<String>, Option<String>, String);

fn events_of(app: &TestApp, action: &str) -> Vec<EventFields> {
    use diesel::prelude::*;
    use report_portal::db::schema::audit_events;
    app.with_db(|conn| {
        audit_events::table
            .filter(audit_events::action.eq(action))
            .select((
                audit_events::target,
                audit_events::actor,
                audit_events::ip,
                audit_events::outcome,
            ))
            .load(conn)
            .unwrap()
    })
}

#[actix_web::test]
async fn a_flood_of_long_e_mail_addresses_is_refused_before_anything_is_recorded() {
    use report_portal::domain::audit::MAX_FIELD_CHARS;
    let app = spawn_app_with(|s| s.auth_rate_limit_burst = 100).await;
    let long = format!("{}@dhs.example", "a".repeat(3000));
    for _ in 0..30 {
        let refused = expect(app.login(&long, "wrong-password-guess").await, 422).await;
        assert_eq!(refused["errors"][0]["pointer"], "/email");
    }
    assert!(events_of(&app, "auth.login").is_empty(), "nothing recorded");

    // The longest address there is passes, and is recorded whole; even once the account is
    // slowed down (429), the next overlong one is still a 422 that records nothing.
    let longest = format!("{}@dhs.example", "b".repeat(254 - "@dhs.example".len()));
    let mut attempts = 0;
    loop {
        attempts += 1;
        let status = app.login(&longest, "wrong-password-guess").await.status();
        if status == 429 {
            break;
        }
        assert!(
            status == 401 && attempts < 10,
            "{status} at attempt {attempts}"
        );
    }
    expect(app.login(&long, "wrong-password-guess").await, 422).await;
    let recorded = events_of(&app, "auth.login");
    assert_eq!(recorded.len(), attempts);
    assert!(
        recorded
            .iter()
            .all(|e| e.0.as_deref() == Some(longest.as_str()))
    );

    // What other endpoints take from a client is cut to the bound.
    let long_client = format!("rp_live_{}", "c".repeat(3000));
    expect(app.request_token(&long_client, "x").await, 401).await;
    let (target, actor, ..) = events_of(&app, "auth.token").pop().unwrap();
    for field in [target.unwrap(), actor.unwrap()] {
        assert_eq!(field.chars().count(), MAX_FIELD_CHARS);
        assert!(field.ends_with('…'));
    }
}

#[actix_web::test]
async fn sign_in_and_token_bodies_over_4_kib_are_413() {
    let app = spawn_app().await;
    let padding = "p".repeat(5 * 1024);
    let login = app
        .client
        .post(format!("{}/api/v1/auth/login", app.address))
        .json(&json!({"email": "someone@dhs.example", "password": padding}))
        .send()
        .await
        .unwrap();
    expect(login, 413).await;
    let token = app
        .client
        .post(format!("{}/api/v1/auth/token", app.address))
        .header("content-type", "application/x-www-form-urlencoded")
        .body(format!(
            "grant_type=client_credentials&client_id=rp_live_x&client_secret={padding}"
        ))
        .send()
        .await
        .unwrap();
    assert_eq!(expect(token, 413).await["error"], "invalid_request");
    assert!(events_of(&app, "auth.login").is_empty());
    assert!(events_of(&app, "auth.token").is_empty());
}

#[actix_web::test]
async fn concurrent_wrong_passwords_get_no_more_checks_than_the_limit() {
    let app = spawn_app_with(|s| s.auth_rate_limit_burst = 100).await;
    let (_, email) = app.create_staff(Role::Analyst);
    let attempts = (0..20).map(|_| app.login(&email, "wrong-password-guess"));
    let statuses: Vec<u16> = futures_util::future::join_all(attempts)
        .await
        .iter()
        .map(|response| response.status().as_u16())
        .collect();
    // A 401 is a password checked; a 429 was refused before any check.
    let checked = statuses.iter().filter(|s| **s == 401).count();
    let refused = statuses.iter().filter(|s| **s == 429).count();
    assert_eq!(checked + refused, 20, "{statuses:?}");
    assert!(checked <= 5, "{checked} password checks: {statuses:?}");
    // Every attempt is in the audit log, checked or not.
    assert_eq!(events_of(&app, "auth.login").len(), 20);
}

#[actix_web::test]
async fn an_address_spraying_many_accounts_cannot_lock_out_another() {
    let app = spawn_app_with(|s| {
        s.auth_rate_limit_burst = 100;
        s.trust_proxy = true;
    })
    .await;
    for n in 0..25 {
        let email = format!("guess-{n}@dhs.example");
        expect(app.login(&email, "wrong-password-guess").await, 401).await;
    }
    let (_, email) = app.create_staff(Role::Supervisor);
    expect(app.login(&email, STAFF_PASSWORD).await, 200).await;

    // Failing on one account slows that address on it, not the account holder elsewhere.
    let from = |address: &'static str, password: &'static str| {
        app.client
            .post(format!("{}/api/v1/auth/login", app.address))
            .header("x-forwarded-for", address)
            .json(&json!({"email": email, "password": password}))
            .send()
    };
    for _ in 0..5 {
        expect(
            from("203.0.113.9", "wrong-password-guess").await.unwrap(),
            401,
        )
        .await;
    }
    expect(from("203.0.113.9", STAFF_PASSWORD).await.unwrap(), 429).await;
    expect(from("198.51.100.20", STAFF_PASSWORD).await.unwrap(), 200).await;
}

#[actix_web::test]
async fn tokens_with_a_crit_header_or_a_long_lifetime_are_refused_and_401_names_no_reason() {
    let app = spawn_app().await;
    let reporter = app.reporter(CredentialMode::Live).await;
    let sub = reporter.credential.client_id.clone();
    assert_eq!(
        status_with(&app, &sign(&app, &claims(&app, &sub), None)).await,
        200
    );

    let own = std::fs::read_to_string(app.signing_key_path()).unwrap();
    let mut critical = jsonwebtoken::decode_header(sign(&app, &claims(&app, &sub), None)).unwrap();
    critical.crit = Some(vec!["exp".into()]);
    let crit = jsonwebtoken::encode(
        &critical,
        &claims(&app, &sub),
        &EncodingKey::from_ed_pem(own.as_bytes()).unwrap(),
    )
    .unwrap();
    assert_eq!(status_with(&app, &crit).await, 401, "crit header");

    let now = Utc::now().timestamp();
    let mut long = claims(&app, &sub);
    long["iat"] = json!(now - 5);
    long["exp"] = json!(now - 5 + app.settings.token_ttl_seconds as i64 + 3600);
    assert_eq!(
        status_with(&app, &sign(&app, &long, None)).await,
        401,
        "lifetime over the configured one"
    );

    let other_key = ed25519_dalek::SigningKey::generate(&mut rand::rngs::OsRng);
    let other_pem = other_key.to_pkcs8_pem(LineEnding::LF).unwrap();
    let forged = sign(&app, &claims(&app, &sub), Some(&other_pem));
    let body = expect(app.get("/api/v1/reports", &forged).await, 401).await;
    assert_eq!(body["detail"], "the access token is not valid");
    assert!(
        captured_logs().contains("bad signature"),
        "the reason is logged"
    );
}
