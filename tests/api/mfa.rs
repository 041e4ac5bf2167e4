//! The TOTP second factor of local accounts with `staff_mfa` `required`: enrollment (secret,
//! `otpauth://` URI, recovery codes, the secret sealed), codes computed here by an independent
//! RFC 6238 implementation (HMAC-SHA-1 over the `hmac` and `sha1` crates, not the portal's
//! `totp-rs`), a code accepted once, a code from two steps ago refused, single-use recovery
//! codes, and an administrator's reset.

use diesel::prelude::*;
use hmac::{Hmac, Mac};
use report_portal::config::StaffMfa;
use report_portal::db::schema::{audit_events, staff_factors};
use report_portal::domain::user::Role;
use reqwest::Method;
use serde_json::{Value, json};

use crate::helpers::{STAFF_PASSWORD, TestApp, expect, spawn_app_with};

/// An application that requires a second factor of local accounts.
async fn app() -> TestApp {
    spawn_app_with(|s| {
        s.staff_mfa = StaffMfa::Required;
        s.auth_rate_limit_per_second = 1000;
        s.auth_rate_limit_burst = 1000;
    })
    .await
}

/// RFC 4648 base32 (no padding) decoded.
fn base32(text: &str) -> Vec<u8> {
    const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
    let (mut bits, mut value, mut out) = (0u32, 0u64, Vec::new());
    for c in text.bytes() {
        let index = ALPHABET.iter().position(|a| *a == c).expect("base32") as u64;
        value = (value << 5) | index;
        bits += 5;
        if bits >= 8 {
            bits -= 8;
            out.push((value >> bits) as u8);
            value &= (1 << bits) - 1;
        }
    }
    out
}

/// The RFC 6238 code (SHA-1, 6 digits, 30 s) of `secret` (base32) at `unix_seconds`.
fn code_at(secret: &str, unix_seconds: i64) -> String {
    let mut mac = Hmac::<sha1::Sha1>::new_from_slice(&base32(secret)).unwrap();
    mac.update(&((unix_seconds / 30) as u64).to_be_bytes());
    let digest = mac.finalize().into_bytes();
    let offset = (digest[19] & 0x0f) as usize;
    let binary = u32::from_be_bytes(digest[offset..offset + 4].try_into().unwrap()) & 0x7fff_ffff;
    format!("{:06}", binary % 1_000_000)
}

/// The audit events of `action` as (actor, target, outcome), read from the database (in these
/// tests password sign-ins need a factor, so no auditor signs in for them).
pub(crate) fn audited(
    app: &TestApp,
    action: &str,
) -> Vec<(Option<String>, Option<String>, String)> {
    app.with_db(|conn| {
        audit_events::table
            .filter(audit_events::action.eq(action))
            .select((
                audit_events::actor,
                audit_events::target,
                audit_events::outcome,
            ))
            .load(conn)
            .unwrap()
    })
}

fn now() -> i64 {
    chrono::Utc::now().timestamp()
}

#[test]
fn the_independent_implementation_meets_rfc_6238() {
    // Appendix B, SHA-1, the last six of the eight digits.
    let seed = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ";
    assert_eq!(code_at(seed, 59), "287082");
    assert_eq!(code_at(seed, 1_111_111_109), "081804");
    assert_eq!(code_at(seed, 2_000_000_000), "279037");
}

/// `POST /api/v1/auth/login` with a second factor.
async fn login(app: &TestApp, email: &str, factor: Value) -> reqwest::Response {
    let mut body = json!({"email": email, "password": STAFF_PASSWORD});
    body.as_object_mut()
        .unwrap()
        .extend(factor.as_object().unwrap().clone());
    app.client
        .post(format!("{}/api/v1/auth/login", app.address))
        .json(&body)
        .send()
        .await
        .unwrap()
}

/// `POST /api/v1/auth/mfa/totp`.
async fn enroll(app: &TestApp, email: &str) -> reqwest::Response {
    app.client
        .post(format!("{}/api/v1/auth/mfa/totp", app.address))
        .json(&json!({"email": email, "password": STAFF_PASSWORD}))
        .send()
        .await
        .unwrap()
}

/// A new analyst with a confirmed factor: answers the account id, e-mail, secret, recovery
/// codes and the time whose code confirmed it.
async fn enrolled(app: &TestApp) -> (String, String, String, Vec<String>, i64) {
    let (id, email) = app.create_staff(Role::Analyst);
    let factor = expect(enroll(app, &email).await, 201).await;
    let secret = factor["secret"].as_str().unwrap().to_owned();
    let codes = factor["recovery_codes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c.as_str().unwrap().to_owned())
        .collect();
    let at = now();
    expect(
        login(app, &email, json!({"otp": code_at(&secret, at)})).await,
        200,
    )
    .await;
    (id, email, secret, codes, at)
}

#[tokio::test]
async fn a_password_alone_is_refused_until_a_factor_is_enrolled_and_then_too() {
    let app = app().await;
    let (id, email) = app.create_staff(Role::Analyst);
    let refused = expect(app.login(&email, STAFF_PASSWORD).await, 403).await;
    assert!(
        refused["detail"]
            .as_str()
            .unwrap()
            .contains("/auth/mfa/totp"),
        "{refused}"
    );
    // Enrollment needs the password.
    let wrong = app
        .client
        .post(format!("{}/api/v1/auth/mfa/totp", app.address))
        .json(&json!({"email": email, "password": "not-the-password"}))
        .send()
        .await
        .unwrap();
    expect(wrong, 401).await;

    let factor = expect(enroll(&app, &email).await, 201).await;
    let secret = factor["secret"].as_str().unwrap();
    let uri = factor["otpauth_uri"].as_str().unwrap();
    assert!(uri.starts_with("otpauth://totp/report-portal:"), "{uri}");
    assert!(uri.contains(&format!("secret={secret}")), "{uri}");
    assert_eq!(factor["recovery_codes"].as_array().unwrap().len(), 10);

    // Sealed: the stored secret is not the secret.
    let sealed: String = app.with_db(|conn| {
        staff_factors::table
            .find(&id)
            .select(staff_factors::sealed_secret)
            .first(conn)
            .unwrap()
    });
    assert!(!sealed.contains(secret));

    // Pending until a code of it signs in; a wrong code does not confirm it.
    expect(app.login(&email, STAFF_PASSWORD).await, 403).await;
    let wrong_code = format!(
        "{:06}",
        (code_at(secret, now()).parse::<u32>().unwrap() + 1) % 1_000_000
    );
    expect(login(&app, &email, json!({"otp": wrong_code})).await, 401).await;
    let signed_in = expect(
        login(&app, &email, json!({"otp": code_at(secret, now())})).await,
        200,
    )
    .await;
    assert!(signed_in["refresh_token"].is_string());

    // Confirmed: the password alone is refused, and the factor cannot be replaced.
    let missing = expect(app.login(&email, STAFF_PASSWORD).await, 401).await;
    assert!(
        missing["detail"].as_str().unwrap().contains("otp"),
        "{missing}"
    );
    expect(enroll(&app, &email).await, 409).await;

    for action in ["auth.mfa.enroll", "auth.mfa.confirm"] {
        let events = audited(&app, action);
        assert!(
            events
                .iter()
                .any(|(actor, _, outcome)| actor.as_deref() == Some(&id) && outcome == "success"),
            "{action}: {events:?}"
        );
    }
    let failed = audited(&app, "auth.login.second_factor");
    assert!(
        failed.iter().all(|e| e.2 == "failure") && failed.len() >= 3,
        "{failed:?}"
    );
}

#[tokio::test]
async fn a_code_is_accepted_once_and_not_from_two_steps_ago() {
    let app = app().await;
    let (_, email, secret, _, at) = enrolled(&app).await;
    // The very code that confirmed the factor: refused.
    expect(
        login(&app, &email, json!({"otp": code_at(&secret, at)})).await,
        401,
    )
    .await;
    // Two steps ago: refused (only one step either side is accepted).
    expect(
        login(&app, &email, json!({"otp": code_at(&secret, now() - 60)})).await,
        401,
    )
    .await;
    // The next step's code is still within the window, and later than the last accepted.
    expect(
        login(&app, &email, json!({"otp": code_at(&secret, at + 30)})).await,
        200,
    )
    .await;
    // Now the current step's is older than the last accepted: refused.
    expect(
        login(&app, &email, json!({"otp": code_at(&secret, at)})).await,
        401,
    )
    .await;
}

#[tokio::test]
async fn recovery_codes_work_once_each() {
    let app = app().await;
    let (_, email, _, codes, _) = enrolled(&app).await;
    expect(
        login(
            &app,
            &email,
            json!({"recovery_code": codes[0].to_uppercase()}),
        )
        .await,
        200,
    )
    .await;
    expect(
        login(&app, &email, json!({"recovery_code": codes[0]})).await,
        401,
    )
    .await;
    expect(
        login(&app, &email, json!({"recovery_code": codes[1]})).await,
        200,
    )
    .await;
    expect(
        login(&app, &email, json!({"recovery_code": "aaaaa-bbbbb"})).await,
        401,
    )
    .await;
}

#[tokio::test]
async fn an_administrator_resets_a_factor_and_the_holder_enrolls_again() {
    let app = app().await;
    let (id, email, secret, _, _) = enrolled(&app).await;
    // The admin signs in with a factor of their own.
    let (_, admin_email) = app.create_staff(Role::Admin);
    let factor = expect(enroll(&app, &admin_email).await, 201).await;
    let admin = expect(
        login(
            &app,
            &admin_email,
            json!({"otp": code_at(factor["secret"].as_str().unwrap(), now())}),
        )
        .await,
        200,
    )
    .await;
    let admin = admin["access_token"].as_str().unwrap();

    let path = format!("/api/v1/admin/users/{id}/mfa");
    let reset = app.send(Method::DELETE, &path, Some(admin), None).await;
    assert_eq!(reset.status(), 204);
    let unknown = app
        .send(
            Method::DELETE,
            "/api/v1/admin/users/nobody/mfa",
            Some(admin),
            None,
        )
        .await;
    expect(unknown, 404).await;

    // The old factor is gone: its codes no longer sign in; the holder enrolls again.
    expect(
        login(&app, &email, json!({"otp": code_at(&secret, now() + 30)})).await,
        403,
    )
    .await;
    let again = expect(enroll(&app, &email).await, 201).await;
    assert_ne!(again["secret"].as_str().unwrap(), secret);

    // Not for other roles.
    let analyst = app.client
        .post(format!("{}/api/v1/auth/login", app.address))
        .json(&json!({"email": email, "password": STAFF_PASSWORD, "otp": code_at(again["secret"].as_str().unwrap(), now())}))
        .send()
        .await
        .unwrap();
    let analyst = expect(analyst, 200).await;
    let forbidden = app
        .send(
            Method::DELETE,
            &path,
            Some(analyst["access_token"].as_str().unwrap()),
            None,
        )
        .await;
    expect(forbidden, 403).await;

    let events = audited(&app, "user.mfa_reset");
    assert!(
        events.iter().any(|e| e.1.as_deref() == Some(&id)),
        "{events:?}"
    );
}
