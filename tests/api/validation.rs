//! Every rule of the report schema, through the API: one broken rule per case, each answered
//! 422 with the JSON Pointer of the offending value. And what no backend can store (a NUL, a
//! time outside the years 0001 to 9999) is refused alike on both, before the database: 400 in
//! a URL, 422 with a pointer in a body, the rest of a batch stored.

use report_portal::domain::organization::CredentialMode;
use report_portal::domain::user::Role;
use serde_json::{Value, json};

use crate::helpers::{TestApp, expect, spawn_app, valid_report};

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

/// A report that breaks one rule: what was changed, the body, and the pointer and code of the
/// 422 error every submission (and every dry run) must answer.
pub struct BrokenReport {
    /// The fixture's field that was changed.
    pub changed: String,
    /// The whole report.
    pub body: Value,
    /// The pointer of the error expected.
    pub pointer: &'static str,
    /// The code of the error expected.
    pub code: &'static str,
}

/// Every 422 case of the report schema, each one rule broken in [`valid_report`]: the field
/// rules, the cross-field ones, what no backend can store, and `prior_report_ids` naming no
/// report of the organization. Shared by these tests and the dry run's (`dry_run.rs`).
pub fn broken_reports() -> Vec<BrokenReport> {
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
        // A category_other is forbidden unless the category is `other`.
        (
            "/category_other",
            json!("something else"),
            "/category_other",
            "forbidden",
        ),
        ("/detected_at", json!(FAR_PAST), "/detected_at", "range"),
        ("/service", json!("Example\u{0}Social"), "/service", "nul"),
        (
            "/prior_report_ids",
            json!([uuid::Uuid::now_v7()]),
            "/prior_report_ids/0",
            "unknown_report",
        ),
    ];
    cases
        .into_iter()
        .map(|(path, value, pointer, code)| {
            let mut body = valid_report();
            set(&mut body, path, value);
            BrokenReport {
                changed: path.to_owned(),
                body,
                pointer,
                code,
            }
        })
        .collect()
}

#[actix_web::test]
async fn each_rule_is_enforced_and_located() {
    let app = spawn_app().await;
    let reporter = app.reporter(CredentialMode::Live).await;
    let mut failures = Vec::new();
    for case in broken_reports() {
        let response = app.post_report(&reporter.token, &case.body).await;
        let status = response.status().as_u16();
        let problem: Value = response.json().await.unwrap();
        let found = status == 422
            && problem["errors"]
                .as_array()
                .unwrap()
                .iter()
                .any(|e| e["pointer"] == case.pointer && e["code"] == case.code);
        if !found {
            failures.push(format!(
                "{}: expected 422 {} {}, got {status} {problem}",
                case.changed, case.pointer, case.code
            ));
        }
    }
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

/// A time PostgreSQL cannot store (before 4713 BC), which chrono reads.
const FAR_PAST: &str = "-99999-01-01T00:00:00Z";

/// The `(pointer, code)` of each error of a 422 problem.
fn located(problem: &Value) -> Vec<(String, String)> {
    problem["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            let text = |key: &str| e[key].as_str().unwrap().to_owned();
            (text("pointer"), text("code"))
        })
        .collect()
}

/// `GET` every path with its token: each must answer 400 problem+json.
async fn all_bad_requests(app: &TestApp, requests: &[(String, &str)]) {
    for (path, token) in requests {
        let response = app.get(path, token).await;
        assert_eq!(response.status(), 400, "{path}");
        expect(response, 400).await;
    }
}

#[actix_web::test]
async fn a_cursor_that_decodes_to_a_nul_is_a_400_on_every_list() {
    let app = spawn_app().await;
    let reporter = app.reporter(CredentialMode::Live).await;
    let analyst = app.staff_token(Role::Analyst).await;
    let auditor = app.staff_token(Role::Auditor).await;
    let admin = app.staff_token(Role::Admin).await;
    // "AA" is base64 for one NUL byte, which PostgreSQL cannot even compare a text with.
    let lists = [
        ("/api/v1/reports", reporter.token.as_str()),
        ("/api/v1/review/reports", &analyst),
        (
            "/api/v1/review/indicators?type=url&value=https://x.example/a&",
            &analyst,
        ),
        ("/api/v1/audit/events", &auditor),
        ("/api/v1/admin/organizations", &admin),
        ("/api/v1/admin/users", &admin),
        ("/api/v1/admin/notifications", &admin),
    ];
    let requests: Vec<(String, &str)> = lists
        .iter()
        .map(|(path, token)| {
            let glue = if path.ends_with('&') { "" } else { "?" };
            (format!("{path}{glue}cursor=AA"), *token)
        })
        .collect();
    all_bad_requests(&app, &requests).await;
}

#[actix_web::test]
async fn times_no_backend_can_store_are_refused_in_reports_amendments_and_queries() {
    let app = spawn_app().await;
    let reporter = app.reporter(CredentialMode::Live).await;
    for pointer in [
        "/detected_at",
        "/activity_start",
        "/accounts/0/created_at",
        "/content/0/posted_at",
    ] {
        let mut report = valid_report();
        set(&mut report, pointer, json!(FAR_PAST));
        let problem = expect(app.post_report(&reporter.token, &report).await, 422).await;
        assert_eq!(
            located(&problem),
            [(pointer.to_owned(), "range".to_owned())]
        );
    }
    let mut report = valid_report();
    report["activity_end"] = json!("+10000-01-01T00:00:00Z");
    let problem = expect(app.post_report(&reporter.token, &report).await, 422).await;
    assert!(
        located(&problem).contains(&("/activity_end".to_owned(), "range".to_owned())),
        "{problem}"
    );

    let receipt = app.submit(&reporter.token, &valid_report()).await;
    let id = receipt["id"].as_str().unwrap();
    let mut account = valid_report()["accounts"][0].clone();
    account["platform_account_id"] = json!("new-account");
    account["created_at"] = json!(FAR_PAST);
    let mut content = valid_report()["content"][0].clone();
    content["posted_at"] = json!(FAR_PAST);
    let amendment = json!({"note": "More accounts.", "accounts": [account], "content": [content]});
    let path = format!("/api/v1/reports/{id}/amendments");
    let problem = expect(app.post_json(&path, &reporter.token, &amendment).await, 422).await;
    assert_eq!(
        located(&problem),
        [
            ("/accounts/0/created_at".to_owned(), "range".to_owned()),
            ("/content/0/posted_at".to_owned(), "range".to_owned()),
        ]
    );

    let analyst = app.staff_token(Role::Analyst).await;
    let auditor = app.staff_token(Role::Auditor).await;
    let requests = [
        (
            format!("/api/v1/review/reports?received_from={FAR_PAST}"),
            analyst.as_str(),
        ),
        (
            format!("/api/v1/review/reports?received_to={FAR_PAST}"),
            &analyst,
        ),
        (
            format!("/api/v1/review/export?received_from={FAR_PAST}"),
            &analyst,
        ),
        (format!("/api/v1/audit/events?from={FAR_PAST}"), &auditor),
        (format!("/api/v1/audit/events?to={FAR_PAST}"), &auditor),
    ];
    all_bad_requests(&app, &requests).await;
}

#[actix_web::test]
async fn a_batch_stores_its_valid_reports_beside_one_no_backend_can_store() {
    let app = spawn_app().await;
    let reporter = app.reporter(CredentialMode::Live).await;
    let mut far_past = valid_report();
    far_past["detected_at"] = json!(FAR_PAST);
    let mut nul = valid_report();
    nul["service"] = json!("Example\u{0}Social");
    let batch = json!({"reports": [valid_report(), far_past, nul, valid_report()]});
    let answer = expect(
        app.post_json("/api/v1/reports/batch", &reporter.token, &batch)
            .await,
        200,
    )
    .await;
    let results = answer["results"].as_array().unwrap();
    let statuses: Vec<u64> = results
        .iter()
        .map(|r| r["status"].as_u64().unwrap())
        .collect();
    assert_eq!(statuses, [201, 422, 422, 201], "{answer}");
    assert_eq!(
        located(&results[1]["error"]),
        [("/detected_at".to_owned(), "range".to_owned())]
    );
    assert_eq!(
        located(&results[2]["error"]),
        [("/service".to_owned(), "nul".to_owned())]
    );
    let list = expect(app.get("/api/v1/reports", &reporter.token).await, 200).await;
    assert_eq!(list["items"].as_array().unwrap().len(), 2, "{list}");
}
