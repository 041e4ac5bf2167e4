//! The life of a stored report: batch submission, amendments, retraction, and the signed
//! receipts that prove what the portal received.

use jsonwebtoken::{Algorithm, DecodingKey, Validation};
use report_portal::auth::receipt::ReceiptClaims;
use report_portal::domain::organization::CredentialMode;
use report_portal::domain::user::Role;
use serde_json::{Value, json};

use crate::helpers::{TestApp, expect, spawn_app, valid_report};

/// The claims of `receipt` after checking its header and signature with the key published at
/// `/.well-known/jwks.json`, as a platform would.
async fn verify(
    app: &TestApp,
    receipt: &str,
) -> Result<ReceiptClaims, jsonwebtoken::errors::Error> {
    let jwks: Value = app
        .client
        .get(format!("{}/.well-known/jwks.json", app.address))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let header = jsonwebtoken::decode_header(receipt)?;
    assert_eq!(header.typ.as_deref(), Some("report-receipt+jwt"));
    assert_eq!(header.alg, Algorithm::EdDSA);
    let jwk = jwks["keys"]
        .as_array()
        .unwrap()
        .iter()
        .find(|k| k["kid"].as_str() == header.kid.as_deref())
        .expect("the receipt names a published key");
    let key = DecodingKey::from_ed_components(jwk["x"].as_str().unwrap())?;
    let mut validation = Validation::new(Algorithm::EdDSA);
    validation.required_spec_claims.clear();
    validation.validate_exp = false;
    jsonwebtoken::decode::<ReceiptClaims>(receipt, &key, &validation).map(|data| data.claims)
}

fn batch_path() -> &'static str {
    "/api/v1/reports/batch"
}

#[actix_web::test]
async fn a_batch_judges_every_report_as_if_sent_alone_and_can_be_sent_again() {
    let app = spawn_app().await;
    let reporter = app.reporter(CredentialMode::Live).await;
    let token = &reporter.token;
    let earlier = valid_report();
    let earlier_receipt = app.submit(token, &earlier).await;

    let new_one = valid_report();
    let mut invalid = valid_report();
    invalid["summary"] = json!("too short");
    let mut changed_earlier = earlier.clone();
    changed_earlier["severity"] = json!("low");
    let twice = valid_report();
    let mut changed_twice = twice.clone();
    changed_twice["summary"] = json!("A different summary of the same case, long enough.");
    let mut unknown_field = valid_report();
    unknown_field["surprise"] = json!(true);
    let batch = json!({"reports": [
        new_one, invalid, earlier, changed_earlier, twice, twice, changed_twice, unknown_field
    ]});

    let answer = expect(app.post_json(batch_path(), token, &batch).await, 200).await;
    let results = answer["results"].as_array().unwrap();
    let statuses: Vec<u64> = results
        .iter()
        .map(|r| r["status"].as_u64().unwrap())
        .collect();
    assert_eq!(statuses, [201, 422, 200, 409, 201, 200, 409, 422]);
    for (index, result) in results.iter().enumerate() {
        assert_eq!(result["index"], index);
    }
    assert_eq!(results[1]["error"]["errors"][0]["pointer"], "/summary");
    assert_eq!(results[1]["error"]["status"], 422);
    assert!(results[1]["error"]["request_id"].is_string());
    assert_eq!(results[2]["id"], earlier_receipt["id"]);
    assert_eq!(
        results[2]["receipt"], earlier_receipt["receipt"],
        "a replay answers the original receipt"
    );
    assert_eq!(results[3]["error"]["existing_id"], earlier_receipt["id"]);
    assert_eq!(
        results[5]["id"], results[4]["id"],
        "the repeat is a replay of the item before"
    );
    assert_eq!(results[5]["receipt"], results[4]["receipt"]);
    assert_eq!(results[6]["error"]["existing_id"], results[4]["id"]);
    assert_eq!(results[7]["error"]["errors"][0]["pointer"], "/surprise");
    for failed in [1, 3, 6, 7] {
        assert!(results[failed].get("id").is_none() && results[failed].get("receipt").is_none());
    }

    // Stored: the earlier report and the two new ones, each exactly as sent.
    let list = expect(app.get("/api/v1/reports", token).await, 200).await;
    assert_eq!(list["items"].as_array().unwrap().len(), 3);
    let stored = expect(
        app.get(
            &format!("/api/v1/reports/{}", results[0]["id"].as_str().unwrap()),
            token,
        )
        .await,
        200,
    )
    .await;
    assert_eq!(stored["report"], batch["reports"][0]);
    assert_eq!(stored["receipt"], results[0]["receipt"]);
    let claims = verify(&app, results[4]["receipt"].as_str().unwrap())
        .await
        .unwrap();
    assert_eq!(
        claims.external_id,
        batch["reports"][4]["external_id"].as_str().unwrap()
    );

    // After a timeout the client sends the whole batch again: nothing is stored twice.
    let again = expect(app.post_json(batch_path(), token, &batch).await, 200).await;
    let statuses: Vec<u64> = again["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["status"].as_u64().unwrap())
        .collect();
    assert_eq!(statuses, [200, 422, 200, 409, 200, 200, 409, 422]);
    for i in [0, 4] {
        assert_eq!(again["results"][i]["receipt"], results[i]["receipt"]);
    }
    let list = expect(app.get("/api/v1/reports", token).await, 200).await;
    assert_eq!(list["items"].as_array().unwrap().len(), 3);
}

#[actix_web::test]
async fn a_batch_must_hold_one_to_a_hundred_reports() {
    let app = spawn_app().await;
    let reporter = app.reporter(CredentialMode::Live).await;
    let token = &reporter.token;
    let many: Vec<Value> = (0..101).map(|_| valid_report()).collect();
    for body in [json!({"reports": []}), json!({"reports": many})] {
        let refused = expect(app.post_json(batch_path(), token, &body).await, 422).await;
        assert_eq!(refused["errors"][0]["pointer"], "/reports");
    }
    let refused = expect(app.post_json(batch_path(), token, &json!({})).await, 422).await;
    assert_eq!(refused["errors"][0]["pointer"], "/reports");
    let refused = expect(
        app.post_json(batch_path(), token, &json!({"reports": {}}))
            .await,
        422,
    )
    .await;
    assert_eq!(refused["errors"][0]["pointer"], "/reports");
    let list = expect(app.get("/api/v1/reports", token).await, 200).await;
    assert!(list["items"].as_array().unwrap().is_empty());

    let full: Vec<Value> = (0..100).map(|_| valid_report()).collect();
    let answer = expect(
        app.post_json(batch_path(), token, &json!({"reports": full}))
            .await,
        200,
    )
    .await;
    assert!(
        answer["results"]
            .as_array()
            .unwrap()
            .iter()
            .all(|r| r["status"] == 201)
    );
    let page = expect(app.get("/api/v1/reports?limit=200", token).await, 200).await;
    assert_eq!(page["items"].as_array().unwrap().len(), 100);
}

#[actix_web::test]
async fn a_receipt_verifies_with_the_published_key_and_not_after_one_byte_changes() {
    let app = spawn_app().await;
    let reporter = app.reporter(CredentialMode::Live).await;
    let report = valid_report();
    let answer = app.submit(&reporter.token, &report).await;
    let receipt = answer["receipt"].as_str().unwrap();

    let claims = verify(&app, receipt).await.unwrap();
    assert_eq!(claims.report_id, answer["id"].as_str().unwrap());
    assert_eq!(claims.organization_id, reporter.organization_id);
    assert_eq!(claims.external_id, report["external_id"].as_str().unwrap());
    assert_eq!(claims.body_sha256, answer["body_sha256"].as_str().unwrap());
    assert_eq!(json!(claims.received_at), answer["received_at"]);
    assert_eq!(claims.amendment, None);

    // One byte changed anywhere (the header, the claims, the signature) and it no longer verifies.
    let payload_at = receipt.find('.').unwrap() + 5;
    let signature_at = receipt.rfind('.').unwrap() + 5;
    for at in [3, payload_at, signature_at] {
        let mut bytes = receipt.as_bytes().to_vec();
        bytes[at] = if bytes[at] == b'A' { b'B' } else { b'A' };
        let tampered = String::from_utf8(bytes).unwrap();
        let result = match jsonwebtoken::decode_header(&tampered) {
            Ok(header) if header.typ.as_deref() == Some("report-receipt+jwt") => {
                verify(&app, &tampered).await.map(drop)
            }
            _ => Err(jsonwebtoken::errors::ErrorKind::InvalidToken.into()),
        };
        assert!(
            result.is_err(),
            "a receipt changed at byte {at} still verifies"
        );
    }

    // The replay answers the same receipt; a receipt is no access token.
    let replay = expect(app.post_report(&reporter.token, &report).await, 200).await;
    assert_eq!(replay["receipt"], answer["receipt"]);
    expect(app.get("/api/v1/reports", receipt).await, 401).await;
}

#[actix_web::test]
async fn amendments_are_numbered_checked_and_shown_beside_the_unchanged_original() {
    let app = spawn_app().await;
    let reporter = app.reporter(CredentialMode::Live).await;
    let token = &reporter.token;
    let (_, analyst) = app.staff(Role::Analyst).await;
    let report = valid_report();
    let id = app.submit(token, &report).await["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let path = format!("/api/v1/reports/{id}/amendments");

    let first = json!({
        "note": "A second recruiter account appeared after the first was suspended.",
        "severity": "critical",
        "accounts": [{"platform_account_id": "2222", "handle": "@second.fake", "role": "recruiter",
                      "action_taken": "banned"}],
        "content": [{"content_type": "post", "text_excerpt": "Buscamos halcones urgente",
                     "account_ref": "2222", "preserved": true, "removed": true}],
        "locations": [{"country": "MX", "subdivision": "MX-SIN"}]
    });
    let receipt = expect(app.post_json(&path, token, &first).await, 201).await;
    assert_eq!(receipt["number"], 1);
    let claims = verify(&app, receipt["receipt"].as_str().unwrap())
        .await
        .unwrap();
    assert_eq!(
        (claims.report_id.as_str(), claims.amendment),
        (id.as_str(), Some(1))
    );
    assert_eq!(claims.body_sha256, receipt["body_sha256"].as_str().unwrap());

    let replay = app.post_json(&path, token, &first).await;
    assert_eq!(replay.headers().get("idempotent-replayed").unwrap(), "true");
    assert_eq!(expect(replay, 200).await, receipt);

    // Checked against the report with its first amendment, pointing into the amendment.
    let bad = json!({
        "note": "Correction.",
        "severity": "critical",
        "accounts": [{"platform_account_id": "2222", "role": "promoter", "action_taken": "none"}],
        "content": [{"content_type": "post", "account_ref": "nobody", "preserved": false, "removed": false},
                    {"content_type": "post", "account_ref": "1234567890", "preserved": false, "removed": false}]
    });
    let refused = expect(app.post_json(&path, token, &bad).await, 422).await;
    let pointers: Vec<&str> = refused["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["pointer"].as_str().unwrap())
        .collect();
    assert_eq!(
        pointers,
        [
            "/accounts/0/platform_account_id",
            "/content/0/account_ref",
            "/severity"
        ]
    );
    let refused = expect(
        app.post_json(&path, token, &json!({"severity": "critical"}))
            .await,
        422,
    )
    .await;
    assert_eq!(refused["errors"][0]["pointer"], "/note");

    let second = json!({"note": "The WhatsApp number is no longer in use."});
    assert_eq!(
        expect(app.post_json(&path, token, &second).await, 201).await["number"],
        2
    );

    let mine = expect(app.get(&format!("/api/v1/reports/{id}"), token).await, 200).await;
    assert_eq!(mine["report"], report, "the original never changes");
    let numbers: Vec<&Value> = mine["amendments"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| &a["number"])
        .collect();
    assert_eq!(numbers, [1, 2]);
    assert_eq!(mine["amendments"][0]["amendment"], first);
    assert_eq!(mine["amendments"][1]["amendment"], second);

    let detail = expect(
        app.get(&format!("/api/v1/review/reports/{id}"), &analyst)
            .await,
        200,
    )
    .await;
    assert_eq!(detail["report"], report);
    assert_eq!(
        detail["severity"], "critical",
        "the raised severity is the report's now"
    );
    assert_eq!(detail["amendments"].as_array().unwrap().len(), 2);
    let kinds: Vec<&str> = detail["timeline"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["kind"].as_str().unwrap())
        .collect();
    assert_eq!(kinds, ["received", "amendment", "amendment"]);
    assert_eq!(
        detail["timeline"][1]["detail"]["severity"],
        json!({"from": "high", "to": "critical"})
    );
    let found = expect(
        app.get("/api/v1/review/reports?q=halcones", &analyst).await,
        200,
    )
    .await;
    assert_eq!(
        found["items"][0]["id"],
        id.as_str(),
        "new excerpts are searchable"
    );
    let critical = expect(
        app.get("/api/v1/review/reports?severity=critical", &analyst)
            .await,
        200,
    )
    .await;
    assert_eq!(critical["items"].as_array().unwrap().len(), 1);

    let other = app.reporter(CredentialMode::Live).await;
    expect(app.post_json(&path, &other.token, &second).await, 404).await;
}

#[actix_web::test]
async fn a_report_can_be_retracted_until_it_is_closed_and_analysts_still_see_it() {
    let app = spawn_app().await;
    let reporter = app.reporter(CredentialMode::Live).await;
    let token = &reporter.token;
    let (_, analyst) = app.staff(Role::Analyst).await;
    let mut ids = Vec::new();
    for _ in 0..4 {
        ids.push(
            app.submit(token, &valid_report()).await["id"]
                .as_str()
                .unwrap()
                .to_owned(),
        );
    }
    let retract = |id: &str| format!("/api/v1/reports/{id}/retraction");
    let reason = json!({"reason": "Sent by mistake: a test account of ours."});

    // Received: retracted; again: nothing changes; then nothing more can be added.
    let retracted = expect(app.post_json(&retract(&ids[0]), token, &reason).await, 200).await;
    assert_eq!(retracted["status"], "retracted");
    expect(app.post_json(&retract(&ids[0]), token, &reason).await, 200).await;
    let amendment = json!({"note": "More."});
    let path = format!("/api/v1/reports/{}/amendments", ids[0]);
    expect(app.post_json(&path, token, &amendment).await, 409).await;
    let detail = expect(
        app.get(&format!("/api/v1/review/reports/{}", ids[0]), &analyst)
            .await,
        200,
    )
    .await;
    assert_eq!(detail["status"], "retracted");
    let events: Vec<&Value> = detail["timeline"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["kind"] == "retraction")
        .collect();
    assert_eq!(events.len(), 1);
    assert_eq!(events[0]["reason"], reason["reason"]);
    assert_eq!(events[0]["from"], "received");
    let listed = expect(
        app.get("/api/v1/review/reports?status=retracted", &analyst)
            .await,
        200,
    )
    .await;
    assert_eq!(listed["items"][0]["id"], ids[0].as_str());

    // In review: still allowed.
    app.move_report(
        &analyst,
        &ids[1],
        json!({"to": "in_review", "reason": "triage"}),
    )
    .await;
    expect(app.post_json(&retract(&ids[1]), token, &reason).await, 200).await;

    // Referred or closed: 409, and a referral is never disclosed.
    app.move_report(
        &analyst,
        &ids[2],
        json!({"to": "in_review", "reason": "triage"}),
    )
    .await;
    app.move_report(
        &analyst,
        &ids[2],
        json!({"to": "referred", "reason": "minors",
        "referral": {"agency": "HSI", "reference": "HSI-1"}}),
    )
    .await;
    app.move_report(
        &analyst,
        &ids[3],
        json!({"to": "in_review", "reason": "triage"}),
    )
    .await;
    app.move_report(
        &analyst,
        &ids[3],
        json!({"to": "closed", "reason": "done", "resolution": "no_action"}),
    )
    .await;
    let refusals = [
        expect(app.post_json(&retract(&ids[2]), token, &reason).await, 409).await,
        expect(app.post_json(&retract(&ids[3]), token, &reason).await, 409).await,
    ];
    assert_eq!(
        refusals[0]["detail"], refusals[1]["detail"],
        "referred looks like closed"
    );
    assert!(!refusals[0].to_string().contains("refer"));
    let still = expect(
        app.get(&format!("/api/v1/reports/{}", ids[2]), token).await,
        200,
    )
    .await;
    assert_eq!(still["status"], "closed");

    let refused = expect(
        app.post_json(&retract(&ids[1]), token, &json!({"reason": ""}))
            .await,
        422,
    )
    .await;
    assert_eq!(refused["errors"][0]["pointer"], "/reason");
    let other = app.reporter(CredentialMode::Live).await;
    expect(
        app.post_json(&retract(&ids[2]), &other.token, &reason)
            .await,
        404,
    )
    .await;
}
