//! Partner sharing over HTTP: analysts' shares become STIX 2.1 bundles that carry the chosen
//! indicators and nothing of the submitter's contact, summary or excerpts; retracted, held and
//! test-mode reports are refused; partners read their granted collections over TAXII 2.1 with
//! tokens that open nothing else, page by `next`, and see withdrawals as revoked versions;
//! shares and pulls are audited and counted. (The OASIS tools' checks: `stix_tools` below and
//! `.ci/stix.sh`.)

use report_portal::domain::organization::CredentialMode;
use report_portal::domain::user::Role;
use serde_json::{Value, json};

use crate::helpers::{TestApp, expect, spawn_app, valid_report};

/// A partner's credentials and the collection it is granted, made by an admin over the API.
struct Sharing {
    analyst: String,
    collection_id: String,
    partner_token: String,
}

const TAXII: &str = "application/taxii+json;version=2.1";

async fn partner_token(app: &TestApp, issued: &Value) -> String {
    let token = expect(
        app.request_token(
            issued["client_id"].as_str().unwrap(),
            issued["client_secret"].as_str().unwrap(),
        )
        .await,
        200,
    )
    .await;
    token["access_token"].as_str().unwrap().to_owned()
}

/// An admin registers a partner and a collection and grants it; an analyst signs in.
async fn setup(app: &TestApp) -> Sharing {
    let admin = app.staff_token(Role::Admin).await;
    let name = format!("HSI {}", uuid::Uuid::new_v4().simple());
    let issued = expect(
        app.post_json("/api/v1/admin/partners", &admin, &json!({"name": name}))
            .await,
        201,
    )
    .await;
    let title = format!("Border {}", uuid::Uuid::new_v4().simple());
    let collection = expect(
        app.post_json(
            "/api/v1/admin/collections",
            &admin,
            &json!({"title": title}),
        )
        .await,
        201,
    )
    .await;
    let collection_id = collection["id"].as_str().unwrap().to_owned();
    let grants = format!(
        "/api/v1/admin/partners/{}/grants",
        issued["id"].as_str().unwrap()
    );
    let granted = app
        .post_json(&grants, &admin, &json!({"collection_id": collection_id}))
        .await;
    assert_eq!(granted.status(), 204);
    // Granting again changes nothing, and is no error (on PostgreSQL too).
    let again = app
        .post_json(&grants, &admin, &json!({"collection_id": collection_id}))
        .await;
    assert_eq!(again.status(), 204);
    Sharing {
        analyst: app.staff_token(Role::Analyst).await,
        collection_id,
        partner_token: partner_token(app, &issued).await,
    }
}

async fn submit(app: &TestApp, token: &str, report: &Value) -> String {
    app.submit(token, report).await["id"]
        .as_str()
        .unwrap()
        .to_owned()
}

async fn share(app: &TestApp, s: &Sharing, id: &str, body: Value) -> reqwest::Response {
    let mut body = body;
    body["collection_id"] = s.collection_id.clone().into();
    app.post_json(
        &format!("/api/v1/review/reports/{id}/shares"),
        &s.analyst,
        &body,
    )
    .await
}

async fn bundle(app: &TestApp, analyst: &str, id: &str) -> Value {
    expect(
        app.get(&format!("/api/v1/review/reports/{id}/stix"), analyst)
            .await,
        200,
    )
    .await
}

fn of_type<'a>(bundle: &'a Value, kind: &str) -> Vec<&'a Value> {
    bundle["objects"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|o| o["type"] == kind)
        .collect()
}

/// `GET` a TAXII path with the partner's (or any) token, asking for TAXII 2.1.
async fn taxii(app: &TestApp, path: &str, token: &str) -> reqwest::Response {
    app.client
        .get(format!("{}{path}", app.address))
        .bearer_auth(token)
        .header("accept", TAXII)
        .send()
        .await
        .unwrap()
}

/// The TAXII JSON of `response` after checking its status and media type.
async fn taxii_json(response: reqwest::Response, status: u16) -> Value {
    assert_eq!(response.status(), status);
    assert_eq!(response.headers()["content-type"], TAXII);
    response.json().await.unwrap()
}

#[actix_web::test]
async fn a_share_carries_the_indicators_as_stix_and_never_the_contact_summary_or_excerpts() {
    let app = spawn_app().await;
    let s = setup(&app).await;
    let reporter = app.reporter(CredentialMode::Live).await;
    let report = valid_report();
    let id = submit(&app, &reporter.token, &report).await;
    let shared = expect(
        share(
            &app,
            &s,
            &id,
            json!({"tlp": "amber+strict", "note": "Ask HSI desk 4"}),
        )
        .await,
        201,
    )
    .await;
    assert_eq!(shared["tlp"], "amber+strict");

    let bundle = bundle(&app, &s.analyst, &id).await;
    let text = bundle.to_string();
    for private in [
        "le-response@example.com",
        "Trust & Safety Desk",
        "4155550100",
        "415 555",
        "security work",
        "buena paga",
        "Guadalajara",
        "LH-2026-0042",
    ] {
        assert!(!text.contains(private), "{private} leaked: {text}");
    }
    assert_eq!(bundle["type"], "bundle");
    let marking = &of_type(&bundle, "marking-definition")[0];
    assert_eq!(
        marking["id"],
        "marking-definition--939a9414-2ddd-4d32-a0cd-375ea402b003"
    );
    assert_eq!(
        marking["extensions"]["extension-definition--60a3c5c5-0d10-413e-aab3-9e08dde9e88d"]["tlp_2_0"],
        "amber+strict"
    );
    assert_eq!(
        of_type(&bundle, "phone-number")[0]["value"],
        "+523355550100"
    );
    let urls: Vec<&Value> = of_type(&bundle, "url")
        .iter()
        .map(|u| &u["value"])
        .collect();
    assert_eq!(urls.len(), 2, "profile and content URL");
    let file = &of_type(&bundle, "file")[0];
    assert_eq!(
        file["hashes"]["SHA-256"],
        "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"
    );
    assert_eq!(file["hashes"]["MD5"], "098f6bcd4621d373cade4e832627b4f6");
    let accounts = of_type(&bundle, "user-account");
    assert!(accounts.iter().any(|a| a["user_id"] == "1234567890"));
    assert!(
        accounts
            .iter()
            .any(|a| a["account_login"] == "trabajo.seguro.fake")
    );
    let cjng = &of_type(&bundle, "intrusion-set");
    assert_eq!(cjng.len(), 1, "cjng, and nothing for `unknown`");
    assert!(
        cjng[0]["aliases"]
            .as_array()
            .unwrap()
            .contains(&json!("CJNG"))
    );
    let indicators = of_type(&bundle, "indicator");
    assert!(
        indicators
            .iter()
            .any(|i| i["pattern"] == "[phone-number:value = '+523355550100']")
    );
    assert!(
        indicators
            .iter()
            .all(|i| i["object_marking_refs"][0] == marking["id"])
    );
    let relationships = of_type(&bundle, "relationship");
    assert_eq!(relationships.len(), indicators.len());
    assert!(
        relationships
            .iter()
            .all(|r| r["target_ref"] == cjng[0]["id"])
    );
    let report_object = &of_type(&bundle, "report")[0];
    assert_eq!(report_object["description"], "Ask HSI desk 4");
    let identity = &of_type(&bundle, "identity")[0];
    assert_eq!(report_object["created_by_ref"], identity["id"]);

    // The same phone number shared from another report is the same observable.
    let other = submit(&app, &reporter.token, &valid_report()).await;
    expect(share(&app, &s, &other, json!({"tlp": "green"})).await, 201).await;
    let again = super::sharing::bundle(&app, &s.analyst, &other).await;
    assert_eq!(
        of_type(&again, "phone-number")[0]["id"],
        of_type(&bundle, "phone-number")[0]["id"]
    );
}

#[actix_web::test]
async fn chosen_indicators_alone_are_shared_and_unknown_pointers_are_refused() {
    let app = spawn_app().await;
    let s = setup(&app).await;
    let reporter = app.reporter(CredentialMode::Live).await;
    let id = submit(&app, &reporter.token, &valid_report()).await;
    let refused = expect(
        share(
            &app,
            &s,
            &id,
            json!({"tlp": "red", "indicators": ["/contact/email"]}),
        )
        .await,
        422,
    )
    .await;
    assert_eq!(refused["errors"][0]["pointer"], "/indicators/0");
    expect(
        share(
            &app,
            &s,
            &id,
            json!({"tlp": "clear", "indicators": ["/content/0/md5"]}),
        )
        .await,
        201,
    )
    .await;
    let bundle = bundle(&app, &s.analyst, &id).await;
    assert!(of_type(&bundle, "phone-number").is_empty());
    assert!(of_type(&bundle, "url").is_empty());
    let file = &of_type(&bundle, "file")[0];
    assert_eq!(
        file["hashes"],
        json!({"MD5": "098f6bcd4621d373cade4e832627b4f6"})
    );
}

#[actix_web::test]
async fn retracted_held_and_test_mode_reports_cannot_be_shared() {
    let app = spawn_app().await;
    let s = setup(&app).await;
    let live = app.reporter(CredentialMode::Live).await;
    let retracted = submit(&app, &live.token, &valid_report()).await;
    expect(
        app.post_json(
            &format!("/api/v1/reports/{retracted}/retraction"),
            &live.token,
            &json!({"reason": "filed in error"}),
        )
        .await,
        200,
    )
    .await;
    let problem = expect(
        share(&app, &s, &retracted, json!({"tlp": "green"})).await,
        409,
    )
    .await;
    assert!(problem["detail"].as_str().unwrap().contains("retracted"));

    let held = submit(&app, &live.token, &valid_report()).await;
    let supervisor = app.staff_token(Role::Supervisor).await;
    expect(
        app.post_json(
            &format!("/api/v1/review/reports/{held}/hold"),
            &supervisor,
            &json!({"reason": "litigation 26-1"}),
        )
        .await,
        200,
    )
    .await;
    expect(share(&app, &s, &held, json!({"tlp": "green"})).await, 409).await;

    let test = app.reporter(CredentialMode::Test).await;
    let test_report = submit(&app, &test.token, &valid_report()).await;
    expect(
        share(&app, &s, &test_report, json!({"tlp": "green"})).await,
        409,
    )
    .await;
    for id in [retracted, held, test_report] {
        expect(
            app.get(&format!("/api/v1/review/reports/{id}/stix"), &s.analyst)
                .await,
            404,
        )
        .await;
    }
}

#[actix_web::test]
async fn partner_tokens_open_only_taxii_and_no_other_token_opens_taxii() {
    let app = spawn_app().await;
    let s = setup(&app).await;
    let discovery = taxii_json(taxii(&app, "/taxii2/", &s.partner_token).await, 200).await;
    assert!(
        discovery["default"]
            .as_str()
            .unwrap()
            .ends_with("/taxii2/api/")
    );
    for path in ["/api/v1/me", "/api/v1/review/reports", "/api/v1/taxonomy"] {
        let refused = app.get(path, &s.partner_token).await;
        assert_eq!(refused.status(), 401, "{path}");
    }
    let reporter = app.reporter(CredentialMode::Live).await;
    let admin = app.staff_token(Role::Admin).await;
    for token in [&reporter.token, &s.analyst, &admin] {
        let refused = taxii_json(taxii(&app, "/taxii2/api/collections/", token).await, 401).await;
        assert_eq!(refused["http_status"], "401");
    }
    // Read-only: anything but GET is 405.
    let post = app
        .client
        .post(format!(
            "{}/taxii2/api/collections/{}/objects/",
            app.address, s.collection_id
        ))
        .bearer_auth(&s.partner_token)
        .json(&json!({"objects": []}))
        .send()
        .await
        .unwrap();
    assert_eq!(post.status(), 405);
}

#[actix_web::test]
async fn a_partner_sees_neither_a_collection_it_is_not_granted_nor_its_objects() {
    let app = spawn_app().await;
    let s = setup(&app).await;
    let admin = app.staff_token(Role::Admin).await;
    let other = expect(
        app.post_json(
            "/api/v1/admin/collections",
            &admin,
            &json!({"title": "Fusion centers"}),
        )
        .await,
        201,
    )
    .await;
    let other_id = other["id"].as_str().unwrap();
    // Another partner reads it: the grant is the partner's, not the collection's.
    let fusion = expect(
        app.post_json(
            "/api/v1/admin/partners",
            &admin,
            &json!({"name": "Fusion center"}),
        )
        .await,
        201,
    )
    .await;
    let grants = format!(
        "/api/v1/admin/partners/{}/grants",
        fusion["id"].as_str().unwrap()
    );
    let granted = app
        .post_json(&grants, &admin, &json!({"collection_id": other_id}))
        .await;
    assert_eq!(granted.status(), 204);
    let reporter = app.reporter(CredentialMode::Live).await;
    let id = submit(&app, &reporter.token, &valid_report()).await;
    let mut body = json!({"tlp": "green"});
    body["collection_id"] = other_id.into();
    expect(
        app.post_json(
            &format!("/api/v1/review/reports/{id}/shares"),
            &s.analyst,
            &body,
        )
        .await,
        201,
    )
    .await;

    let listed = taxii_json(
        taxii(&app, "/taxii2/api/collections/", &s.partner_token).await,
        200,
    )
    .await;
    let ids: Vec<&str> = listed["collections"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["id"].as_str().unwrap())
        .collect();
    assert_eq!(ids, [s.collection_id.as_str()]);
    for path in [
        format!("/taxii2/api/collections/{other_id}/"),
        format!("/taxii2/api/collections/{other_id}/objects/"),
        format!("/taxii2/api/collections/{other_id}/manifest/"),
    ] {
        let refused = taxii_json(taxii(&app, &path, &s.partner_token).await, 404).await;
        assert_eq!(refused["http_status"], "404", "{path}");
    }
    let auditor = app.staff_token(Role::Auditor).await;
    let refusals = app.audit_events(&auditor, "action=taxii.objects").await;
    assert!(refusals.iter().any(|e| e["outcome"] == "failure"));
}

#[actix_web::test]
async fn taxii_pages_by_next_filters_by_date_added_and_shows_withdrawals_as_versions() {
    let app = spawn_app().await;
    let s = setup(&app).await;
    let reporter = app.reporter(CredentialMode::Live).await;
    let mut shares = Vec::new();
    for _ in 0..3 {
        let mut report = valid_report();
        let account = uuid::Uuid::new_v4().to_string();
        report["accounts"][0]["platform_account_id"] = account.clone().into();
        report["content"][0]["account_ref"] = account.into();
        let id = submit(&app, &reporter.token, &report).await;
        let shared = expect(share(&app, &s, &id, json!({"tlp": "amber"})).await, 201).await;
        shares.push((id, shared));
    }
    let objects = format!("/taxii2/api/collections/{}/objects/", s.collection_id);
    let mut seen: Vec<String> = Vec::new();
    let mut next: Option<String> = None;
    let mut last_added;
    loop {
        let query = match &next {
            Some(token) => format!("?limit=7&next={token}"),
            None => "?limit=7".to_owned(),
        };
        let response = taxii(&app, &format!("{objects}{query}"), &s.partner_token).await;
        last_added = response.headers()["x-taxii-date-added-last"]
            .to_str()
            .unwrap()
            .to_owned();
        let page = taxii_json(response, 200).await;
        let items = page["objects"].as_array().unwrap();
        assert!(items.len() <= 7);
        seen.extend(items.iter().map(|o| o["id"].as_str().unwrap().to_owned()));
        if page["more"] == false {
            break;
        }
        next = Some(page["next"].as_str().unwrap().to_owned());
    }
    let unique: std::collections::HashSet<&String> = seen.iter().collect();
    assert_eq!(unique.len(), seen.len(), "no object twice across pages");
    let expected: std::collections::HashSet<String> = shares
        .iter()
        .flat_map(|(_, shared)| shared["object_ids"].as_array().unwrap().clone())
        .map(|id| id.as_str().unwrap().to_owned())
        .collect();
    assert_eq!(
        unique.len(),
        expected.len(),
        "every object of every share, once"
    );

    // Withdrawing one share adds revoked versions, and only they come after the last page.
    let (id, shared) = &shares[0];
    let withdrawn = expect(
        app.post_json(
            &format!(
                "/api/v1/review/reports/{id}/shares/{}/withdrawal",
                shared["id"].as_str().unwrap()
            ),
            &s.analyst,
            &json!({}),
        )
        .await,
        200,
    )
    .await;
    assert!(withdrawn["withdrawn_at"].is_string());
    let added_after = format!("{objects}?added_after={}", last_added.replace('+', "%2B"));
    let fresh = taxii_json(taxii(&app, &added_after, &s.partner_token).await, 200).await;
    let fresh = fresh["objects"].as_array().unwrap();
    assert!(!fresh.is_empty());
    assert!(fresh.iter().all(|o| o["revoked"] == true), "{fresh:?}");
    let report_id = fresh.iter().find(|o| o["type"] == "report").unwrap()["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let versions = taxii_json(
        taxii(
            &app,
            &format!("{objects}{report_id}/versions/"),
            &s.partner_token,
        )
        .await,
        200,
    )
    .await;
    assert_eq!(versions["versions"].as_array().unwrap().len(), 2);
    let first = taxii_json(
        taxii(
            &app,
            &format!("{objects}{report_id}/?match[version]=first"),
            &s.partner_token,
        )
        .await,
        200,
    )
    .await;
    assert!(first["objects"][0].get("revoked").is_none());
    let manifest = taxii_json(
        taxii(
            &app,
            &format!(
                "/taxii2/api/collections/{}/manifest/?match[type]=report",
                s.collection_id
            ),
            &s.partner_token,
        )
        .await,
        200,
    )
    .await;
    assert_eq!(manifest["objects"].as_array().unwrap().len(), 3);
    // The report's own bundle now has the revoked version.
    let bundle = bundle(&app, &s.analyst, id).await;
    assert_eq!(of_type(&bundle, "report")[0]["revoked"], true);
    expect(
        app.post_json(
            &format!(
                "/api/v1/review/reports/{id}/shares/{}/withdrawal",
                shared["id"].as_str().unwrap()
            ),
            &s.analyst,
            &json!({}),
        )
        .await,
        409,
    )
    .await;
}

#[actix_web::test]
async fn shares_and_pulls_are_audited_and_counted_with_auditors_seeing_protected_counts() {
    let app = spawn_app().await;
    let s = setup(&app).await;
    let reporter = app.reporter(CredentialMode::Live).await;
    let id = submit(&app, &reporter.token, &valid_report()).await;
    expect(share(&app, &s, &id, json!({"tlp": "green"})).await, 201).await;
    taxii_json(
        taxii(
            &app,
            &format!("/taxii2/api/collections/{}/objects/", s.collection_id),
            &s.partner_token,
        )
        .await,
        200,
    )
    .await;
    let auditor = app.staff_token(Role::Auditor).await;
    let shares = app.audit_events(&auditor, "action=report.share").await;
    assert_eq!(shares.len(), 1);
    assert_eq!(shares[0]["target"], id.as_str());
    let pulls = app.audit_events(&auditor, "action=taxii.objects").await;
    assert_eq!(pulls.len(), 1);
    assert_eq!(pulls[0]["role"], "partner");

    let exact = expect(app.get("/api/v1/stats/shares", &s.analyst).await, 200).await;
    assert_eq!(exact["items"][0]["shares"], 1);
    assert_eq!(exact["items"][0]["tlp"], "green");
    let protected = expect(app.get("/api/v1/stats/shares", &auditor).await, 200).await;
    assert_eq!(protected["items"][0]["shares"], Value::Null);
    assert_eq!(protected["items"][0]["suppressed"], true);
    assert!(!protected.to_string().contains("indicator--"));
}

#[actix_web::test]
async fn a_partner_registered_on_the_command_line_gets_a_taxii_token() {
    let app = spawn_app().await;
    let issued = crate::cli::run(&app, &["partner", "create", "--name", "CBP NTC"]);
    let keys: Vec<&String> = issued.as_object().unwrap().keys().collect();
    assert_eq!(keys, ["client_id", "client_secret", "id"]);
    let token = partner_token(&app, &issued).await;
    let collection = crate::cli::run(&app, &["partner", "collection", "--title", "CBP"]);
    let collection_id = collection["id"].as_str().unwrap();
    crate::cli::run(
        &app,
        &[
            "partner",
            "grant",
            "--partner",
            issued["id"].as_str().unwrap(),
            "--collection",
            collection_id,
        ],
    );
    let listed = taxii_json(taxii(&app, "/taxii2/api/collections/", &token).await, 200).await;
    assert_eq!(listed["collections"][0]["id"], collection_id);
    // A revoked partner's token stops working at once.
    let admin = app.staff_token(Role::Admin).await;
    let revoked = app
        .send(
            reqwest::Method::DELETE,
            &format!("/api/v1/admin/partners/{}", issued["id"].as_str().unwrap()),
            Some(&admin),
            None,
        )
        .await;
    assert_eq!(revoked.status(), 204);
    taxii_json(taxii(&app, "/taxii2/", &token).await, 401).await;
}
