//! Refused requests leave a trace in the audit log (`access.refused`): a reporter probing another
//! organization's report, and a role refused at a route group; at most
//! `refusal_audit_per_minute` of one caller a minute, so that probing cannot flood the log.

use report_portal::domain::organization::CredentialMode;
use report_portal::domain::user::Role;

use crate::helpers::{expect, spawn_app, spawn_app_with, valid_report};

#[actix_web::test]
async fn a_reporter_probing_another_organizations_report_leaves_an_audit_event() {
    let app = spawn_app().await;
    let auditor = app.staff_token(Role::Auditor).await;
    let owner = app.reporter(CredentialMode::Live).await;
    let prober = app.reporter(CredentialMode::Live).await;
    let id = app.submit(&owner.token, &valid_report()).await["id"]
        .as_str()
        .unwrap()
        .to_owned();

    expect(
        app.get(&format!("/api/v1/reports/{id}"), &prober.token)
            .await,
        404,
    )
    .await;
    // An id nobody has is an ordinary 404, not a probe.
    let unknown = uuid::Uuid::now_v7();
    expect(
        app.get(&format!("/api/v1/reports/{unknown}"), &prober.token)
            .await,
        404,
    )
    .await;
    // The owner reading its own report is no refusal.
    expect(
        app.get(&format!("/api/v1/reports/{id}"), &owner.token)
            .await,
        200,
    )
    .await;

    let refused = app.audit_events(&auditor, "action=access.refused").await;
    assert_eq!(refused.len(), 1, "{refused:?}");
    let event = &refused[0];
    assert_eq!(event["actor"], prober.credential.client_id.as_str());
    assert_eq!(event["role"], "reporter");
    assert_eq!(event["target"], id.as_str());
    assert_eq!(event["outcome"], "failure");
}

#[actix_web::test]
async fn an_auditor_calling_a_review_endpoint_leaves_an_audit_event() {
    let app = spawn_app().await;
    let (auditor_id, auditor) = app.staff(Role::Auditor).await;
    expect(app.get("/api/v1/review/reports", &auditor).await, 403).await;

    let refused = app.audit_events(&auditor, "action=access.refused").await;
    assert_eq!(refused.len(), 1, "{refused:?}");
    let event = &refused[0];
    assert_eq!(event["actor"], auditor_id.as_str());
    assert_eq!(event["role"], "auditor");
    assert_eq!(event["target"], "GET /api/v1/review/reports");
    assert_eq!(event["outcome"], "failure");
}

#[actix_web::test]
async fn a_burst_of_probes_leaves_at_most_the_documented_bound() {
    let app = spawn_app_with(|s| s.rate_limit_burst = 1000).await;
    let auditor = app.staff_token(Role::Auditor).await;
    let owner = app.reporter(CredentialMode::Live).await;
    let prober = app.reporter(CredentialMode::Live).await;
    let id = app.submit(&owner.token, &valid_report()).await["id"]
        .as_str()
        .unwrap()
        .to_owned();

    let started = std::time::Instant::now();
    let path = format!("/api/v1/reports/{id}");
    for _ in 0..100 {
        expect(app.get(&path, &prober.token).await, 404).await;
    }
    // `refusal_audit_per_minute` (10) at once, then one more every 6 seconds.
    let bound = 10 + started.elapsed().as_secs() as usize / 6;
    let refused = app
        .audit_events(
            &auditor,
            &format!(
                "action=access.refused&actor={}",
                prober.credential.client_id
            ),
        )
        .await;
    assert!(
        (10..=bound).contains(&refused.len()),
        "{} events for 100 probes, bound {bound}",
        refused.len()
    );
}
