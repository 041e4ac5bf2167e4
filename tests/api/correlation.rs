//! Correlation over HTTP: the same recruiter's accounts, numbers, links and media found across
//! organizations however each platform wrote them; PDQ near matches; the indicator search; the
//! isolation of test-mode reports; that reporters never see any of it; common values (past
//! the threshold) counted and not expanded; and the notification's counts stored at submission.

use diesel::RunQueryDsl;
use report_portal::config::SecretUrl;
use report_portal::db::DbConnection;
use report_portal::domain::organization::CredentialMode;
use report_portal::domain::user::Role;
use serde_json::{Value, json};

use crate::helpers::{TestApp, TestReporter, expect, spawn_app, spawn_app_with, valid_report};
use crate::smtp::SmtpServer;

/// A valid report whose only account and only content item carry `account` and `content`
/// (merged over the required fields and an account id of its own).
fn report_with(account: Value, content: Value) -> Value {
    let mut report = valid_report();
    let mut full_account = json!({
        "platform_account_id": format!("acct-{}", uuid::Uuid::new_v4().simple()),
        "role": "recruiter",
        "action_taken": "banned"
    });
    merge(&mut full_account, account);
    let mut full_content = json!({"content_type": "image", "preserved": true, "removed": false});
    merge(&mut full_content, content);
    report["accounts"] = json!([full_account]);
    report["content"] = json!([full_content]);
    report
}

fn merge(into: &mut Value, from: Value) {
    for (key, value) in from.as_object().unwrap() {
        into[key] = value.clone();
    }
}

async fn submit(app: &TestApp, reporter: &TestReporter, report: &Value) -> String {
    submit_with(app, &reporter.token, report).await
}

/// Submits `report` under an `external_id` of its own with `token`; answers the report's id.
async fn submit_with(app: &TestApp, token: &str, report: &Value) -> String {
    let mut report = report.clone();
    report["external_id"] = json!(format!("case-{}", uuid::Uuid::new_v4().simple()));
    let receipt = expect(app.post_report(token, &report).await, 201).await;
    receipt["id"].as_str().unwrap().to_owned()
}

async fn related(app: &TestApp, token: &str, id: &str) -> Value {
    expect(
        app.get(&format!("/api/v1/review/reports/{id}/related"), token)
            .await,
        200,
    )
    .await
}

fn ids(items: &Value) -> Vec<&str> {
    items
        .as_array()
        .unwrap()
        .iter()
        .map(|item| item["id"].as_str().unwrap())
        .collect()
}

/// `GET /api/v1/review/indicators` for `value` as `kind` (URL-encoded here).
async fn search(
    app: &TestApp,
    token: &str,
    kind: &str,
    value: &str,
    more: &str,
) -> reqwest::Response {
    let query = serde_urlencoded::to_string([("type", kind), ("value", value)]).unwrap();
    app.get(&format!("/api/v1/review/indicators?{query}{more}"), token)
        .await
}

/// The 64 hex digits of the PDQ hash `base` with the bits at `positions` flipped (bit 0 is the
/// first bit of the first byte).
fn flipped(base: &str, positions: impl IntoIterator<Item = usize>) -> String {
    let mut bytes = hex::decode(base).unwrap();
    for bit in positions {
        bytes[bit / 8] ^= 0x80 >> (bit % 8);
    }
    hex::encode(bytes)
}

/// Searches each `(type, value as an analyst types it, pointer)`: report `id` is the one found,
/// at that pointer, or nothing when the pointer is empty.
async fn expect_found(app: &TestApp, analyst: &str, id: &str, cases: &[(&str, &str, &str)]) {
    for (kind, value, pointer) in cases {
        let page = expect(search(app, analyst, kind, value, "").await, 200).await;
        if pointer.is_empty() {
            assert_eq!(page["items"], json!([]), "{kind} {value} must not match");
        } else {
            assert_eq!(ids(&page["items"]), [id], "{kind} {value}");
            assert_eq!(page["items"][0]["pointer"], *pointer, "{kind} {value}");
        }
    }
}

#[actix_web::test]
async fn values_are_found_however_each_platform_wrote_them() {
    let app = spawn_app().await;
    let reporter = app.reporter(CredentialMode::Live).await;
    let (_, analyst) = app.staff(Role::Analyst).await;
    let pdq = "f0".repeat(32);
    let mut report = report_with(
        json!({
            "platform_account_id": "UC-7781",
            "handle": "@Trabajo.Seguro",
            "profile_url": "HTTPS://WWW.Video.Example.com/@Trabajo/?utm_source=share&si=x#top",
            "contact_handles": [
                {"type": "whatsapp", "value": "+52 33 5555 0100"},
                {"type": "phone", "value": "(202) 555-0143"},
                {"type": "telegram", "value": "@Jale_Seguro"},
                {"type": "email", "value": "Jefe.Plaza@Example.COM"}
            ]
        }),
        json!({
            "url": "https://video.example.com/watch?v=Ab1&fbclid=zz&gclid=yy&igshid=xx",
            "sha256": "9F86D081884C7D659A2FEAA0C55AD015A3BF4F1B2B0B822CD15D6C15B0F00A08",
            "md5": "098F6BCD4621D373CADE4E832627B4F6",
            "pdq": pdq
        }),
    );
    report["service"] = json!("Example  Video");
    let id = submit(&app, &reporter, &report).await;

    // (type, value as an analyst types it, where it is in the report)
    let cases = [
        (
            "phone",
            "+52 33 5555 0100",
            "/accounts/0/contact_handles/0/value",
        ),
        (
            "phone",
            "+52-33-5555-0100",
            "/accounts/0/contact_handles/0/value",
        ),
        (
            "phone",
            "33 5555 0100",
            "/accounts/0/contact_handles/0/value",
        ),
        (
            "phone",
            "+52 1 33 5555 0100",
            "/accounts/0/contact_handles/0/value",
        ),
        (
            "phone",
            "+1 202-555-0143",
            "/accounts/0/contact_handles/1/value",
        ),
        (
            "phone",
            "1.202.555.0143",
            "/accounts/0/contact_handles/1/value",
        ),
        ("handle", "trabajo.seguro", "/accounts/0/handle"),
        ("handle", "@TRABAJO.SEGURO", "/accounts/0/handle"),
        (
            "handle",
            "jale_seguro",
            "/accounts/0/contact_handles/2/value",
        ),
        (
            "email",
            "jefe.plaza@example.com",
            "/accounts/0/contact_handles/3/value",
        ),
        (
            "url",
            "https://video.example.com/@Trabajo",
            "/accounts/0/profile_url",
        ),
        ("url", "http://video.example.com/@Trabajo", ""),
        ("url", "https://video.example.com/@trabajo", ""),
        (
            "url",
            "https://video.example.com:443/watch?gclid=1&v=Ab1&utm_medium=x",
            "/content/0/url",
        ),
        ("url", "https://video.example.com/watch?v=ab1", ""),
        (
            "sha256",
            "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08",
            "/content/0/sha256",
        ),
        ("md5", "098f6bcd4621d373cade4e832627b4f6", "/content/0/md5"),
        ("pdq", &pdq.to_uppercase(), "/content/0/pdq"),
        ("phone", "+52 33 5555 0101", ""),
        ("handle", "trabajo.seguro2", ""),
    ];
    expect_found(&app, &analyst, &id, &cases).await;
    let account = "&service=example%20video";
    let found = expect(
        search(&app, &analyst, "account", "UC-7781", account).await,
        200,
    )
    .await;
    assert_eq!(
        found["items"][0]["pointer"],
        "/accounts/0/platform_account_id"
    );
    let other_case = expect(
        search(&app, &analyst, "account", "uc-7781", account).await,
        200,
    )
    .await;
    assert_eq!(
        other_case["items"],
        json!([]),
        "account ids keep their case"
    );
}

#[actix_web::test]
async fn a_number_the_numbering_plans_do_not_know_can_still_be_looked_up() {
    let app = spawn_app().await;
    let reporter = app.reporter(CredentialMode::Live).await;
    let (_, analyst) = app.staff(Role::Analyst).await;
    // 311 is not an area code (N11 codes are service numbers), so no numbering plan reads these.
    let id = submit(
        &app,
        &reporter,
        &report_with(
            json!({
                "contact_handles": [
                    {"type": "whatsapp", "value": "+1 311 555 0100"},
                    {"type": "telegram", "value": "+1 311 555 0199"},
                    {"type": "telegram", "value": "123456789"},
                    {"type": "whatsapp", "value": "000 555 0123"}
                ]
            }),
            json!({}),
        ),
    )
    .await;
    let cases = [
        (
            "phone",
            "+1 311 555 0100",
            "/accounts/0/contact_handles/0/value",
        ),
        (
            "phone",
            "+1-311-555-0100",
            "/accounts/0/contact_handles/0/value",
        ),
        (
            "phone",
            "+13115550100",
            "/accounts/0/contact_handles/0/value",
        ),
        (
            "phone",
            "+1 311 555 0199",
            "/accounts/0/contact_handles/1/value",
        ),
        ("handle", "123456789", "/accounts/0/contact_handles/2/value"),
        // Without a country code: no country to read it in, so kept and found as written.
        (
            "phone",
            "000 555 0123",
            "/accounts/0/contact_handles/3/value",
        ),
        ("phone", "+1 311 555 0101", ""),
    ];
    expect_found(&app, &analyst, &id, &cases).await;
}

#[actix_web::test]
async fn reports_from_two_organizations_sharing_a_recruiter_are_related() {
    let app = spawn_app().await;
    let video = app.reporter(CredentialMode::Live).await;
    let chat = app.reporter(CredentialMode::Live).await;
    let (_, analyst) = app.staff(Role::Analyst).await;

    let first = submit(
        &app,
        &video,
        &report_with(
            json!({
                "handle": "@Trabajo.Seguro",
                "contact_handles": [{"type": "whatsapp", "value": "+52 33 5555 0100"}]
            }),
            json!({"url": "https://video.example.com/v/abc123?utm_source=share"}),
        ),
    )
    .await;
    let unrelated = submit(
        &app,
        &chat,
        &report_with(json!({"handle": "someone.else"}), json!({})),
    )
    .await;
    let second = submit(
        &app,
        &chat,
        &report_with(
            json!({
                "platform_account_id": "chat-99",
                "contact_handles": [
                    {"type": "phone", "value": "33-5555-0100"},
                    {"type": "telegram", "value": "trabajo.seguro"}
                ]
            }),
            json!({"url": "https://video.example.com/v/abc123"}),
        ),
    )
    .await;

    let found = related(&app, &analyst, &first).await;
    assert_eq!(found["total"], 1);
    assert_eq!(ids(&found["items"]), [second.as_str()]);
    let item = &found["items"][0];
    assert_eq!(item["organization_id"], chat.organization_id.as_str());
    let mut matches: Vec<(String, String, String, String)> = item["matches"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| {
            assert_eq!(m["match"], "exact");
            assert!(m.get("distance").is_none());
            let text = |key: &str| m[key].as_str().unwrap().to_owned();
            (
                text("kind"),
                text("pointer"),
                text("other_pointer"),
                text("match"),
            )
        })
        .collect();
    matches.sort();
    assert_eq!(
        matches,
        [
            (
                "handle",
                "/accounts/0/handle",
                "/accounts/0/contact_handles/1/value"
            ),
            (
                "phone",
                "/accounts/0/contact_handles/0/value",
                "/accounts/0/contact_handles/0/value"
            ),
            ("url", "/content/0/url", "/content/0/url"),
        ]
        .map(|(k, p, o)| (k.to_owned(), p.to_owned(), o.to_owned(), "exact".to_owned()))
    );
    assert_eq!(
        ids(&related(&app, &analyst, &second).await["items"]),
        [first.as_str()]
    );
    assert_eq!(related(&app, &analyst, &unrelated).await["total"], 0);

    let detail = expect(
        app.get(&format!("/api/v1/review/reports/{first}"), &analyst)
            .await,
        200,
    )
    .await;
    assert_eq!(detail["related_counts"]["reports"], 1);
    assert_eq!(
        detail["related_counts"]["by_kind"],
        json!({"account": 0, "handle": 1, "phone": 1, "email": 0, "url": 1, "sha256": 0, "md5": 0, "pdq": 0})
    );

    // The later report, which matched another organization's, says so on its timeline (counts
    // only); the first, which matched nothing when it came in, does not.
    let kinds = |detail: &Value| -> Vec<String> {
        detail["timeline"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e["kind"].as_str().unwrap().to_owned())
            .collect()
    };
    assert_eq!(kinds(&detail), ["received"]);
    let later = expect(
        app.get(&format!("/api/v1/review/reports/{second}"), &analyst)
            .await,
        200,
    )
    .await;
    assert_eq!(kinds(&later), ["received", "correlation"]);
    assert_eq!(
        later["timeline"][1]["detail"],
        json!({"matching_reports": 1, "other_organizations": 1})
    );
    // Neither the number as sent nor its E.164 form (not "5555" alone: ids and times may hold it).
    let timeline = later["timeline"].to_string();
    assert!(!timeline.contains("5555 0100") && !timeline.contains("+5233"));

    let list = expect(app.get("/api/v1/review/reports", &analyst).await, 200).await;
    let others: Vec<(&str, u64)> = list["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| {
            (
                i["id"].as_str().unwrap(),
                i["other_organizations"].as_u64().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        others,
        [
            (second.as_str(), 1),
            (unrelated.as_str(), 0),
            (first.as_str(), 1)
        ]
    );
    let filtered = expect(
        app.get(
            &format!("/api/v1/review/reports?related_to={first}"),
            &analyst,
        )
        .await,
        200,
    )
    .await;
    assert_eq!(ids(&filtered["items"]), [second.as_str()]);
    let none = expect(
        app.get(
            &format!("/api/v1/review/reports?related_to={unrelated}"),
            &analyst,
        )
        .await,
        200,
    )
    .await;
    assert_eq!(none["items"], json!([]));
    let missing = uuid::Uuid::now_v7();
    expect(
        app.get(
            &format!("/api/v1/review/reports/{missing}/related"),
            &analyst,
        )
        .await,
        404,
    )
    .await;

    let auditor = app.staff_token(Role::Auditor).await;
    let events = expect(
        app.get("/api/v1/audit/events?action=report.related", &auditor)
            .await,
        200,
    )
    .await;
    assert_eq!(
        events["items"].as_array().unwrap().len(),
        3,
        "every related read is audited"
    );
}

#[actix_web::test]
async fn pdq_hashes_match_within_31_bits_and_not_at_32() {
    let app = spawn_app().await;
    let first = app.reporter(CredentialMode::Live).await;
    let second = app.reporter(CredentialMode::Live).await;
    let (_, analyst) = app.staff(Role::Analyst).await;
    let base = "c3".repeat(32);
    let with_pdq = |pdq: &str| report_with(json!({}), json!({"pdq": pdq}));
    // 31 bits spread to leave no 16-bit chunk intact: one flip in chunk 0, two in each other.
    let spread_31 = flipped(
        &base,
        std::iter::once(0).chain((1..16).flat_map(|c| [16 * c, 16 * c + 8])),
    );
    // 32 bits, two in every chunk: no chunk within one bit, so not even a candidate.
    let spread_32 = flipped(&base, (0..16).flat_map(|c| [16 * c, 16 * c + 8]));
    // 32 bits leaving chunk 0 intact: a candidate, refused by its full distance.
    let candidate_32 = flipped(&base, 16..48);

    let original = submit(&app, &first, &with_pdq(&base)).await;
    let same = submit(&app, &second, &with_pdq(&base)).await;
    let near = submit(&app, &second, &with_pdq(&spread_31)).await;
    submit(&app, &second, &with_pdq(&spread_32)).await;
    submit(&app, &second, &with_pdq(&candidate_32)).await;

    let found = related(&app, &analyst, &original).await;
    assert_eq!(
        ids(&found["items"]),
        [same.as_str(), near.as_str()],
        "nearest first"
    );
    let how: Vec<(&str, &str, u64)> = found["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| {
            let m = &i["matches"][0];
            (
                m["kind"].as_str().unwrap(),
                m["match"].as_str().unwrap(),
                m["distance"].as_u64().unwrap(),
            )
        })
        .collect();
    assert_eq!(how, [("pdq", "near", 0), ("pdq", "near", 31)]);

    let page = expect(search(&app, &analyst, "pdq", &base, "").await, 200).await;
    let hits: Vec<(&str, u64)> = page["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| (h["id"].as_str().unwrap(), h["distance"].as_u64().unwrap()))
        .collect();
    assert_eq!(
        hits,
        [
            (near.as_str(), 31),
            (same.as_str(), 0),
            (original.as_str(), 0)
        ]
    );
    let counts = expect(
        app.get(&format!("/api/v1/review/reports/{original}"), &analyst)
            .await,
        200,
    )
    .await["related_counts"]
        .clone();
    assert_eq!(
        (
            counts["reports"].as_u64(),
            counts["by_kind"]["pdq"].as_u64()
        ),
        (Some(2), Some(2))
    );
}

#[actix_web::test]
async fn the_search_pages_newest_first_and_refuses_values_it_cannot_read() {
    let app = spawn_app().await;
    let reporter = app.reporter(CredentialMode::Live).await;
    let (_, analyst) = app.staff(Role::Analyst).await;
    let number = json!({"contact_handles": [{"type": "signal", "value": "+52 55 1234 5678"}]});
    let mut submitted = Vec::new();
    for _ in 0..3 {
        submitted.push(submit(&app, &reporter, &report_with(number.clone(), json!({}))).await);
    }
    submitted.reverse();
    let first = expect(
        search(&app, &analyst, "phone", "55 1234 5678", "&limit=2").await,
        200,
    )
    .await;
    assert_eq!(
        ids(&first["items"]),
        [submitted[0].as_str(), submitted[1].as_str()]
    );
    assert_eq!(first["items"][0]["match"], "exact");
    let cursor = first["next_cursor"].as_str().unwrap();
    let rest = expect(
        search(
            &app,
            &analyst,
            "phone",
            "55 1234 5678",
            &format!("&limit=2&cursor={cursor}"),
        )
        .await,
        200,
    )
    .await;
    assert_eq!(ids(&rest["items"]), [submitted[2].as_str()]);
    assert_eq!(rest["next_cursor"], Value::Null);

    for (query, why) in [
        ("type=phone&value=call%20me", "not a number"),
        ("type=url&value=ftp%3A%2F%2Fx", "not http"),
        ("type=sha256&value=abc", "too short"),
        ("type=pdq&value=zz", "not hex"),
        ("type=account&value=123", "no service"),
        ("type=fax&value=123", "unknown type"),
        ("value=123", "no type"),
        ("type=phone&value=5512345678&limit=0", "bad limit"),
    ] {
        let refused = expect(
            app.get(&format!("/api/v1/review/indicators?{query}"), &analyst)
                .await,
            400,
        )
        .await;
        assert_eq!(refused["status"], 400, "{why}");
    }
}

#[actix_web::test]
async fn test_mode_reports_match_only_test_reports_of_their_organization() {
    let app = spawn_app().await;
    let live = app.reporter(CredentialMode::Live).await;
    let (_, analyst) = app.staff(Role::Analyst).await;
    let tester = app.reporter(CredentialMode::Test).await;
    // A test credential of the live organization, and another organization's test credential.
    let own_test = app.create_credential(&live.organization_id, CredentialMode::Test);
    let own_test = app.token_for(&own_test).await;
    let shared = report_with(
        json!({"contact_handles": [{"type": "whatsapp", "value": "+52 81 5555 0199"}]}),
        json!({"pdq": "5a".repeat(32)}),
    );

    let live_report = submit(&app, &live, &shared).await;
    let own_test_report = submit_with(&app, &own_test, &shared).await;
    let own_test_again = submit_with(&app, &own_test, &shared).await;
    let other_test = submit(&app, &tester, &shared).await;
    let live_again = submit(&app, &live, &shared).await;

    assert_eq!(
        ids(&related(&app, &analyst, &live_report).await["items"]),
        [live_again.as_str()],
        "live reports never match test ones"
    );
    assert_eq!(
        ids(&related(&app, &analyst, &own_test_report).await["items"]),
        [own_test_again.as_str()],
        "a test report matches its organization's test reports only"
    );
    assert_eq!(related(&app, &analyst, &other_test).await["total"], 0);

    let page = expect(
        search(&app, &analyst, "phone", "+52 81 5555 0199", "").await,
        200,
    )
    .await;
    assert_eq!(
        ids(&page["items"]),
        [live_again.as_str(), live_report.as_str()]
    );
    let tests = expect(
        search(&app, &analyst, "phone", "+52 81 5555 0199", "&mode=test").await,
        200,
    )
    .await;
    assert_eq!(tests["items"].as_array().unwrap().len(), 3);
    let list = expect(
        app.get("/api/v1/review/reports?mode=test", &analyst).await,
        200,
    )
    .await;
    assert!(
        list["items"]
            .as_array()
            .unwrap()
            .iter()
            .all(|i| i["other_organizations"] == 0),
        "{list}"
    );
    let detail = expect(
        app.get(&format!("/api/v1/review/reports/{other_test}"), &analyst)
            .await,
        200,
    )
    .await;
    assert_eq!(
        detail["timeline"].as_array().unwrap().len(),
        1,
        "no correlation event"
    );
}

#[actix_web::test]
async fn reporters_never_see_correlation() {
    let app = spawn_app().await;
    let first = app.reporter(CredentialMode::Live).await;
    let second = app.reporter(CredentialMode::Live).await;
    submit(&app, &first, &valid_report()).await;
    let id = submit(&app, &second, &valid_report()).await;
    let (_, analyst) = app.staff(Role::Analyst).await;
    assert_eq!(
        related(&app, &analyst, &id).await["total"],
        1,
        "the reports are related"
    );

    for path in [
        format!("/api/v1/review/reports/{id}/related"),
        "/api/v1/review/indicators?type=handle&value=trabajo.seguro.fake".to_owned(),
        format!("/api/v1/review/reports?related_to={id}"),
    ] {
        expect(app.get(&path, &second.token).await, 403).await;
        for role in [Role::Auditor, Role::Admin] {
            expect(app.get(&path, &app.staff_token(role).await).await, 403).await;
        }
    }
    for path in [
        format!("/api/v1/reports/{id}"),
        "/api/v1/reports".to_owned(),
    ] {
        let seen = expect(app.get(&path, &second.token).await, 200)
            .await
            .to_string();
        for word in ["related", "correlation", "other_organizations", "matches"] {
            assert!(!seen.contains(word), "{path} shows {word}: {seen}");
        }
    }
}

#[actix_web::test]
async fn values_added_by_an_amendment_are_matched_like_the_report_s_own() {
    let app = spawn_app().await;
    let video = app.reporter(CredentialMode::Live).await;
    let chat = app.reporter(CredentialMode::Live).await;
    let (_, analyst) = app.staff(Role::Analyst).await;
    let first = submit(
        &app,
        &video,
        &report_with(
            json!({"handle": "reclutador.norte"}),
            json!({"url": "https://video.example.com/v/zz9"}),
        ),
    )
    .await;
    let later = submit(
        &app,
        &chat,
        &report_with(json!({"handle": "someone.else"}), json!({})),
    )
    .await;
    assert_eq!(related(&app, &analyst, &first).await["total"], 0);

    let amendment = json!({
        "note": "The same recruiter wrote from a second account.",
        "accounts": [{
            "platform_account_id": "chat-second",
            "handle": "@Reclutador.Norte",
            "role": "recruiter",
            "action_taken": "banned"
        }],
        "content": [{
            "content_type": "image",
            "url": "https://video.example.com/v/zz9?utm_campaign=x",
            "preserved": false,
            "removed": false
        }]
    });
    expect(
        app.post_json(
            &format!("/api/v1/reports/{later}/amendments"),
            &chat.token,
            &amendment,
        )
        .await,
        201,
    )
    .await;

    let found = related(&app, &analyst, &first).await;
    assert_eq!(ids(&found["items"]), [later.as_str()]);
    let mut matched: Vec<(String, String)> = found["items"][0]["matches"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| {
            (
                m["kind"].as_str().unwrap().to_owned(),
                m["other_pointer"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    matched.sort();
    assert_eq!(
        matched,
        [
            ("handle", "/amendments/1/accounts/0/handle"),
            ("url", "/amendments/1/content/0/url"),
        ]
        .map(|(k, p)| (k.to_owned(), p.to_owned()))
    );
    let searched = expect(
        search(&app, &analyst, "handle", "reclutador.norte", "").await,
        200,
    )
    .await;
    let mut hits = ids(&searched["items"]);
    hits.sort();
    let mut both = [first.as_str(), later.as_str()];
    both.sort();
    assert_eq!(hits, both);
}

/// The kinds of a report's timeline events, in order.
fn timeline_kinds(detail: &Value) -> Vec<&str> {
    detail["timeline"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["kind"].as_str().unwrap())
        .collect()
}

#[actix_web::test]
async fn a_value_in_more_reports_than_the_threshold_is_common_counted_and_not_expanded() {
    let app = spawn_app_with(|settings| settings.correlation_common_threshold = 3).await;
    let (_, analyst) = app.staff(Role::Analyst).await;
    // Five organizations report one WhatsApp number; the last two also share a handle.
    let number = json!({"type": "whatsapp", "value": "+52 33 7777 0100"});
    let mut submitted = Vec::new();
    for i in 0..5 {
        let reporter = app.reporter(CredentialMode::Live).await;
        let mut account = json!({"contact_handles": [number.clone()]});
        if i >= 3 {
            account["handle"] = json!("@reclutador.comun");
        }
        submitted.push(submit(&app, &reporter, &report_with(account, json!({}))).await);
    }
    let detail = |id: &str| {
        let path = format!("/api/v1/review/reports/{id}");
        let app = &app;
        let analyst = &analyst;
        async move { expect(app.get(&path, analyst).await, 200).await }
    };

    // Up to the threshold the number is matched report by report: the third report's
    // notification counts the two before it.
    let third = detail(&submitted[2]).await;
    assert_eq!(timeline_kinds(&third), ["received", "correlation"]);
    assert_eq!(
        third["timeline"][1]["detail"],
        json!({"matching_reports": 2, "other_organizations": 2})
    );
    // The fourth made it common (four reports, more than three): no longer expanded, so the
    // fourth matched nothing else, and the fifth only the fourth's handle.
    assert_eq!(timeline_kinds(&detail(&submitted[3]).await), ["received"]);
    let fifth = detail(&submitted[4]).await;
    assert_eq!(
        fifth["timeline"][1]["detail"],
        json!({"matching_reports": 1, "other_organizations": 1})
    );
    assert_eq!(fifth["related_counts"]["reports"], 1);
    assert_eq!(fifth["related_counts"]["by_kind"]["phone"], 0);
    assert_eq!(fifth["related_counts"]["by_kind"]["handle"], 1);

    // The related view shows it as "common, 5 reports", with where it is in the report.
    let common = json!([{
        "kind": "phone",
        "pointer": "/accounts/0/contact_handles/0/value",
        "reports": 5
    }]);
    let related_fifth = related(&app, &analyst, &submitted[4]).await;
    assert_eq!(related_fifth["common"], common);
    assert_eq!(related_fifth["total"], 1);
    assert_eq!(ids(&related_fifth["items"]), [submitted[3].as_str()]);
    assert_eq!(
        related_fifth["items"][0]["matches"],
        json!([{"kind": "handle", "match": "exact", "pointer": "/accounts/0/handle",
                "other_pointer": "/accounts/0/handle"}])
    );
    let related_first = related(&app, &analyst, &submitted[0]).await;
    assert_eq!(related_first["common"], common);
    assert_eq!(related_first["total"], 0);
    assert_eq!(related_first["items"], json!([]));

    // Analysts still find every report with it through the search, page by page.
    let mut found = Vec::new();
    let mut more = "&limit=2".to_owned();
    loop {
        let page = expect(
            search(&app, &analyst, "phone", "+52 33 7777 0100", &more).await,
            200,
        )
        .await;
        found.extend(ids(&page["items"]).into_iter().map(str::to_owned));
        match page["next_cursor"].as_str() {
            Some(cursor) => more = format!("&limit=2&cursor={cursor}"),
            None => break,
        }
    }
    let mut newest_first = submitted.clone();
    newest_first.reverse();
    assert_eq!(found, newest_first);

    // A purged report leaves the count.
    app.with_db(|conn| {
        let ids = [submitted[0].as_str()];
        let ids: Vec<&str> = ids.to_vec();
        report_portal::store::correlation::forget(conn, &ids).unwrap();
    });
    let related_fifth = related(&app, &analyst, &submitted[4]).await;
    assert_eq!(related_fifth["common"][0]["reports"], 4);
}

#[actix_web::test]
async fn an_image_hash_in_more_reports_than_the_threshold_is_common_and_not_expanded() {
    let app = spawn_app_with(|settings| settings.correlation_common_threshold = 3).await;
    let (_, analyst) = app.staff(Role::Analyst).await;
    let image = json!({"pdq": "a5".repeat(32)});
    let mut submitted = Vec::new();
    for _ in 0..5 {
        let reporter = app.reporter(CredentialMode::Live).await;
        submitted.push(submit(&app, &reporter, &report_with(json!({}), image.clone())).await);
    }
    // A near copy (one bit off) is still matched with the reports before the hash was common.
    let near = flipped(&"a5".repeat(32), [0]);
    let reporter = app.reporter(CredentialMode::Live).await;
    let copy = submit(
        &app,
        &reporter,
        &report_with(json!({}), json!({"pdq": near})),
    )
    .await;

    let timeline = |id: String| {
        let path = format!("/api/v1/review/reports/{id}");
        let (app, analyst) = (&app, &analyst);
        async move { expect(app.get(&path, analyst).await, 200).await["timeline"].clone() }
    };
    // The third report matched the two before it; the fourth made the hash common (four
    // reports, more than three), so it and the fifth matched nothing by it.
    let third = timeline(submitted[2].clone()).await;
    assert_eq!(
        third[1]["detail"],
        json!({"matching_reports": 2, "other_organizations": 2})
    );
    for id in &submitted[3..] {
        assert_eq!(timeline(id.clone()).await.as_array().unwrap().len(), 1);
    }
    // The related view says so on each of them, and expands none.
    let common = json!([{"kind": "pdq", "pointer": "/content/0/pdq", "reports": 5}]);
    for id in &submitted {
        let found = related(&app, &analyst, id).await;
        assert_eq!(found["common"], common, "{id}");
        assert_eq!(found["total"], 0, "{id}");
    }
    // The near copy is a hash of its own, not common: it finds the reports with the common one.
    let found = related(&app, &analyst, &copy).await;
    assert_eq!(found["common"], json!([]));
    assert_eq!(found["total"], 5);

    // A purged report leaves the count.
    app.with_db(|conn| {
        report_portal::store::correlation::forget(conn, &[submitted[0].as_str()]).unwrap();
    });
    let found = related(&app, &analyst, &submitted[4]).await;
    assert_eq!(found["common"][0]["reports"], 4);
}

#[actix_web::test]
async fn the_notification_tells_the_counts_stored_with_the_report_without_matching_again() {
    let smtp = SmtpServer::start();
    let app = spawn_app_with(|settings| {
        settings.smtp_url = SecretUrl(smtp.url());
        settings.notify_to = "desk@dhs.example".into();
        settings.mail_worker = false;
    })
    .await;
    // Two organizations report the same recruiter (the valid report's handle and number).
    let first = submit(
        &app,
        &app.reporter(CredentialMode::Live).await,
        &valid_report(),
    )
    .await;
    let second = submit(
        &app,
        &app.reporter(CredentialMode::Live).await,
        &valid_report(),
    )
    .await;
    // The first report's index rows go before the messages do: matching again at delivery
    // would find nothing.
    app.with_db(|conn| {
        report_portal::store::correlation::forget(conn, &[first.as_str()]).unwrap();
    });
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_report-portal"))
        .arg("deliver")
        .env("DATABASE_URL", app.settings.database_url())
        .env("PORTAL_DATA_DIR", &app.settings.data_dir)
        .env("PORTAL_SMTP_URL", smtp.url())
        .env("PORTAL_NOTIFY_TO", "desk@dhs.example")
        .env("PORTAL_LOG", "warn")
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let messages = smtp.receive(2).await;
    let text_of = |id: &str| {
        messages
            .iter()
            .map(|m| m.text())
            .find(|text| text.contains(id))
            .unwrap()
    };
    assert!(
        text_of(&second).contains("Correlation:   matches 1 earlier report\n"),
        "{}",
        text_of(&second)
    );
    assert!(text_of(&first).contains("Correlation:   no earlier report"));
}

#[actix_web::test]
async fn a_report_holding_a_key_s_first_half_with_another_second_half_does_not_match_it() {
    let app = spawn_app().await;
    let reporter = app.reporter(CredentialMode::Live).await;
    let (_, analyst) = app.staff(Role::Analyst).await;
    let number = json!({"contact_handles": [{"type": "signal", "value": "+52 55 1234 5678"}]});
    let first = submit(&app, &reporter, &report_with(number, json!({}))).await;
    let other = submit(&app, &reporter, &report_with(json!({}), json!({}))).await;
    // PostgreSQL indexes the first halves of the keys only: the other report is given those of the
    // first's keys, each with another second half.
    let postgres = app.with_db(|conn| {
        let DbConnection::Postgres(_) = conn else {
            return false;
        };
        let updated = diesel::sql_query(format!(
            "UPDATE correlation_key_sets o SET places = o.places || f.places, \
             key_heads = o.key_heads || f.key_heads, \
             key_tails = o.key_tails || ARRAY(SELECT t # 1 FROM unnest(f.key_tails) AS t) \
             FROM correlation_key_sets f \
             WHERE o.report_seq = (SELECT seq FROM reports WHERE id = '{other}') \
             AND f.report_seq = (SELECT seq FROM reports WHERE id = '{first}')"
        ))
        .execute(conn)
        .unwrap();
        assert_eq!(updated, 1);
        true
    });
    if !postgres {
        return;
    }
    for id in [&first, &other] {
        let shown = related(&app, &analyst, id).await;
        assert_eq!(shown["total"], 0, "{shown}");
        let path = format!("/api/v1/review/reports?related_to={id}");
        let list = expect(app.get(&path, &analyst).await, 200).await;
        assert_eq!(list["items"], json!([]), "{list}");
    }
    let found = expect(
        search(&app, &analyst, "phone", "55 1234 5678", "").await,
        200,
    )
    .await;
    assert_eq!(ids(&found["items"]), [first.as_str()]);
}

/// A setting as PostgreSQL shows it.
#[derive(diesel::QueryableByName)]
struct Setting {
    #[diesel(sql_type = diesel::sql_types::Text)]
    jit: String,
}

#[actix_web::test]
async fn postgresql_compiles_none_of_the_lookups_however_large_it_estimates_them() {
    let app = spawn_app().await;
    app.with_db(|conn| {
        if let DbConnection::Postgres(_) = conn {
            // The estimate of an exact-value lookup on 1.2 million reports crossed
            // `jit_above_cost`: each then took 29 ms instead of 2.5.
            let shown: Setting = diesel::sql_query("SHOW jit").get_result(conn).unwrap();
            assert_eq!(shown.jit, "off");
        }
    });
}
