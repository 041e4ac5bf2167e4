//! Every rule of the report schema, through the API: one broken rule per case, each answered
//! 422 with the JSON Pointer of the offending value.

use report_portal::domain::organization::CredentialMode;
use serde_json::{Value, json};

use crate::helpers::{expect, spawn_app, valid_report};

/// Sets the value at `pointer`; its parent object must exist.
fn set(report: &mut Value, pointer: &str, value: Value) {
    let (parent, key) = pointer.rsplit_once('/').unwrap();
    let parent = report
        .pointer_mut(parent)
        .unwrap_or_else(|| panic!("no {parent} in the fixture"));
    parent
        .as_object_mut()
        .unwrap()
        .insert(key.to_owned(), value);
}

#[actix_web::test]
async fn each_rule_is_enforced_and_located() {
    let app = spawn_app().await;
    let reporter = app.reporter(CredentialMode::Live).await;
    let future = (chrono::Utc::now() + chrono::Duration::hours(1)).to_rfc3339();
    let account = valid_report()["accounts"][0].clone();
    let mut other_account = account.clone();
    other_account["platform_account_id"] = json!("other");
    // (what to change, the value, the pointer expected, the code expected)
    let cases: Vec<(&str, Value, &str, &str)> = vec![
        ("/external_id", json!(""), "/external_id", "length"),
        ("/external_id", json!("has space"), "/external_id", "regex"),
        (
            "/external_id",
            json!("x".repeat(201)),
            "/external_id",
            "length",
        ),
        ("/service", json!("x".repeat(101)), "/service", "length"),
        ("/category", json!("other"), "/category_other", "required"),
        ("/summary", json!("too short"), "/summary", "length"),
        ("/summary", json!("x".repeat(5001)), "/summary", "length"),
        (
            "/suspected_groups",
            json!(["cjng", "cjng"]),
            "/suspected_groups/1",
            "duplicate",
        ),
        (
            "/suspected_groups",
            json!(vec!["cjng"; 11]),
            "/suspected_groups",
            "length",
        ),
        ("/detected_at", json!(future), "/detected_at", "future"),
        (
            "/activity_start",
            json!("2026-11-21T00:00:00Z"),
            "/activity_end",
            "order",
        ),
        (
            "/languages",
            json!(["en", "not a tag!"]),
            "/languages/1",
            "language_tag",
        ),
        (
            "/locations/0/country",
            json!("XX"),
            "/locations/0/country",
            "country",
        ),
        (
            "/locations/0/subdivision",
            json!("US-CA"),
            "/locations/0/subdivision",
            "country_mismatch",
        ),
        (
            "/locations/0/place",
            json!("x".repeat(201)),
            "/locations/0/place",
            "length",
        ),
        (
            "/indicators",
            json!(["glorification", "glorification"]),
            "/indicators/1",
            "duplicate",
        ),
        ("/accounts", json!([]), "/accounts", "length"),
        (
            "/accounts",
            json!([account.clone(), account.clone()]),
            "/accounts/1/platform_account_id",
            "duplicate",
        ),
        (
            "/accounts/0/platform_account_id",
            json!(""),
            "/accounts/0/platform_account_id",
            "length",
        ),
        (
            "/accounts/0/profile_url",
            json!("ftp://example.com/x"),
            "/accounts/0/profile_url",
            "http_url",
        ),
        (
            "/accounts/0/follower_count",
            json!(-1),
            "/accounts/0/follower_count",
            "range",
        ),
        (
            "/accounts/0/contact_handles/0/value",
            json!(""),
            "/accounts/0/contact_handles/0/value",
            "length",
        ),
        (
            "/content/0/url",
            json!("javascript:alert(1)"),
            "/content/0/url",
            "http_url",
        ),
        (
            "/content/0/text_excerpt",
            json!("x".repeat(5001)),
            "/content/0/text_excerpt",
            "length",
        ),
        (
            "/content/0/sha256",
            json!("abc"),
            "/content/0/sha256",
            "length",
        ),
        (
            "/content/0/md5",
            json!("z".repeat(32)),
            "/content/0/md5",
            "hex",
        ),
        (
            "/content/0/pdq",
            json!("0".repeat(63)),
            "/content/0/pdq",
            "length",
        ),
        (
            "/content/0/account_ref",
            json!("nobody"),
            "/content/0/account_ref",
            "unknown_account",
        ),
        (
            "/content/0/language",
            json!("??"),
            "/content/0/language",
            "language_tag",
        ),
        ("/contact/name", json!(""), "/contact/name", "length"),
        (
            "/contact/email",
            json!("not-an-email"),
            "/contact/email",
            "email",
        ),
        (
            "/contact/phone",
            json!("call me"),
            "/contact/phone",
            "phone",
        ),
        (
            "/preservation_reference",
            json!("x".repeat(201)),
            "/preservation_reference",
            "length",
        ),
    ];
    let mut failures = Vec::new();
    for (path, value, pointer, code) in cases {
        let mut report = valid_report();
        set(&mut report, path, value);
        let response = app.post_report(&reporter.token, &report).await;
        let status = response.status().as_u16();
        let problem: Value = response.json().await.unwrap();
        let found = status == 422
            && problem["errors"]
                .as_array()
                .unwrap()
                .iter()
                .any(|e| e["pointer"] == pointer && e["code"] == code);
        if !found {
            failures.push(format!(
                "{path}: expected 422 {pointer} {code}, got {status} {problem}"
            ));
        }
    }
    // A category_other is forbidden unless the category is `other`.
    let mut report = valid_report();
    report["category_other"] = json!("something else");
    let problem = expect(app.post_report(&reporter.token, &report).await, 422).await;
    assert_eq!(problem["errors"][0]["pointer"], "/category_other");
    assert!(failures.is_empty(), "{}", failures.join("\n"));

    let list = expect(app.get("/api/v1/reports", &reporter.token).await, 200).await;
    assert!(
        list["items"].as_array().unwrap().is_empty(),
        "no invalid report was stored"
    );
}

#[actix_web::test]
async fn a_minimal_report_is_accepted() {
    let app = spawn_app().await;
    let reporter = app.reporter(CredentialMode::Live).await;
    let minimal = json!({
        "external_id": "min-1",
        "service": "Example Chat",
        "category": "other",
        "category_other": "coded recruitment in gaming voice chat",
        "severity": "low",
        "summary": "Anonymous account advertising paid 'jobs' with travel.",
        "detection_method": "user_report",
        "detected_at": "2026-11-01T10:00:00Z",
        "accounts": [{"platform_account_id": "u-1", "role": "recruiter", "action_taken": "none"}],
        "contact": {"name": "Desk", "email": "desk@example.com"}
    });
    let receipt = expect(app.post_report(&reporter.token, &minimal).await, 201).await;
    assert_eq!(receipt["external_id"], "min-1");
}
