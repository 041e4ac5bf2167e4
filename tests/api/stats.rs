//! Statistics over HTTP: counts agree with a direct count of what was submitted for every
//! dimension and interval, follow transitions, leave out test reports, suppress small counts for
//! auditors, and survive a rebuild.

use std::collections::BTreeMap;
use std::process::Command;

use diesel::RunQueryDsl;
use report_portal::db::DbConnection;
use report_portal::domain::organization::CredentialMode;
use report_portal::domain::user::Role;
use serde_json::{Value, json};

use crate::helpers::{TestApp, TestReporter, expect, spawn_app, valid_report};

const WIDE: &str = "from=2020-01-01&to=2030-01-01";

/// A varied report: the `n`th of a seeded set.
fn varied(n: usize) -> Value {
    let mut report = valid_report();
    report["category"] = json!(["recruitment", "threat", "extortion"][n % 3]);
    report["severity"] = json!(["low", "medium", "high", "critical"][n % 4]);
    report["suspected_groups"] =
        [json!(["cjng"]), json!(["sinaloa", "cjng"]), json!([])][n % 3].clone();
    report["service"] = json!(["Video", "Chat"][n % 2]);
    report["indicators"] = [
        json!(["payment_offer"]),
        json!(["targets_minors", "glorification"]),
    ][n % 2]
        .clone();
    report["locations"] = [
        json!([{"country": "MX"}]),
        json!([{"country": "US"}, {"country": "MX"}]),
    ][n % 2]
        .clone();
    report
}

fn direct_counts(reports: &[(Value, String)], dimension: &str) -> BTreeMap<String, i64> {
    let mut counts = BTreeMap::new();
    for (report, organization) in reports {
        let keys: Vec<String> = match dimension {
            "category" | "severity" | "service" => {
                vec![report[dimension].as_str().unwrap().to_owned()]
            }
            "status" => vec!["received".to_owned()],
            "organization" => vec![organization.clone()],
            "group" => report["suspected_groups"]
                .as_array()
                .unwrap()
                .iter()
                .map(|g| g.as_str().unwrap().to_owned())
                .collect(),
            "indicator" => report["indicators"]
                .as_array()
                .unwrap()
                .iter()
                .map(|g| g.as_str().unwrap().to_owned())
                .collect(),
            "country" => {
                let mut c: Vec<String> = report["locations"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|l| l["country"].as_str().unwrap().to_owned())
                    .collect();
                c.sort();
                c.dedup();
                c
            }
            other => panic!("{other}"),
        };
        for key in keys {
            *counts.entry(key).or_default() += 1;
        }
    }
    counts
}

async fn seed(app: &TestApp, reporters: &[&TestReporter], n: usize) -> Vec<(Value, String)> {
    let mut seeded = Vec::new();
    for i in 0..n {
        let reporter = reporters[i % reporters.len()];
        let report = varied(i);
        expect(app.post_report(&reporter.token, &report).await, 201).await;
        seeded.push((report, reporter.organization_id.clone()));
    }
    seeded
}

fn breakdown_map(body: &Value) -> BTreeMap<String, i64> {
    body["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| {
            (
                i["key"].as_str().unwrap().to_owned(),
                i["count"].as_i64().unwrap(),
            )
        })
        .collect()
}

#[actix_web::test]
async fn every_dimension_agrees_with_a_direct_count_and_test_reports_are_left_out() {
    let app = spawn_app().await;
    let (first, second) = (
        app.reporter(CredentialMode::Live).await,
        app.reporter(CredentialMode::Live).await,
    );
    let tester = app.reporter(CredentialMode::Test).await;
    let seeded = seed(&app, &[&first, &second], 24).await;
    seed(&app, &[&tester], 3).await;
    let analyst = app.staff_token(Role::Analyst).await;

    for dimension in [
        "category",
        "severity",
        "status",
        "group",
        "organization",
        "service",
        "country",
        "indicator",
    ] {
        let body = expect(
            app.get(
                &format!("/api/v1/stats/breakdown?dimension={dimension}&{WIDE}"),
                &analyst,
            )
            .await,
            200,
        )
        .await;
        assert_eq!(
            breakdown_map(&body),
            direct_counts(&seeded, dimension),
            "{dimension}"
        );
        assert_eq!(body["total"]["count"], 24);
        assert_eq!(body["suppression_applied"], false);
    }
    let summary = expect(
        app.get(&format!("/api/v1/stats/summary?{WIDE}"), &analyst)
            .await,
        200,
    )
    .await;
    assert_eq!(summary["received"]["count"], 24);
    assert_eq!(summary["by_severity"]["critical"]["count"], 6);
    assert_eq!(summary["by_category"]["threat"]["count"], 8);

    let csv = app
        .get(
            &format!("/api/v1/stats/breakdown?dimension=severity&{WIDE}&format=csv"),
            &analyst,
        )
        .await;
    assert!(
        csv.headers()
            .get("content-type")
            .unwrap()
            .to_str()
            .unwrap()
            .starts_with("text/csv")
    );
    let text = csv.text().await.unwrap();
    assert_eq!(text.lines().next(), Some("key,count"));
    assert!(text.lines().any(|l| l == "critical,6"), "{text}");
    expect(
        app.get(
            "/api/v1/stats/summary?from=2026-02-01&to=2026-01-01",
            &analyst,
        )
        .await,
        400,
    )
    .await;
    expect(
        app.get(
            "/api/v1/stats/summary?from=2000-01-01&to=2026-01-01",
            &analyst,
        )
        .await,
        400,
    )
    .await;
    expect(
        app.get("/api/v1/stats/breakdown?dimension=colour", &analyst)
            .await,
        400,
    )
    .await;
}

#[actix_web::test]
async fn intervals_count_by_the_utc_calendar_after_a_rebuild() {
    let app = spawn_app().await;
    let reporter = app.reporter(CredentialMode::Live).await;
    seed(&app, &[&reporter], 6).await;
    // Spread the reports over three days in two weeks, then recount the rollups from them.
    app.with_db(|conn| {
        let days = [
            "2026-03-01 10:00:00",
            "2026-03-01 23:59:59",
            "2026-03-02 00:00:00",
            "2026-03-02 08:00:00",
            "2026-03-09 12:00:00",
            "2026-03-09 13:00:00",
        ];
        let ids: Vec<String> = {
            use diesel::prelude::*;
            use report_portal::db::schema::reports;
            reports::table
                .order(reports::id.asc())
                .select(reports::id)
                .load(conn)
                .unwrap()
        };
        for (id, day) in ids.iter().zip(days) {
            diesel::sql_query(format!(
                "UPDATE reports SET received_at = '{day}' WHERE id = '{id}'"
            ))
            .execute(conn)
            .unwrap();
        }
    });
    let output = Command::new(env!("CARGO_BIN_EXE_report-portal"))
        .args(["stats", "rebuild"])
        .env("DATABASE_URL", app.settings.database_url())
        .env("PORTAL_DATA_DIR", &app.settings.data_dir)
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let rebuilt: Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(rebuilt["reports"], 6);
    assert!(
        rebuilt["differences"].as_i64().unwrap() > 0,
        "moving the reports changed their days"
    );

    let analyst = app.staff_token(Role::Analyst).await;
    let series = |q: &str| format!("/api/v1/stats/timeseries?from=2026-03-01&to=2026-03-16&{q}");
    let days = expect(app.get(&series("interval=day"), &analyst).await, 200).await;
    let counts: Vec<i64> = days["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["count"].as_i64().unwrap())
        .collect();
    assert_eq!(
        counts.len(),
        15,
        "every day of the range, empty ones included"
    );
    assert_eq!(&counts[..3], &[2, 2, 0]);
    assert_eq!(counts[8], 2);
    let weeks = expect(app.get(&series("interval=week"), &analyst).await, 200).await;
    let weekly: Vec<(String, i64)> = weeks["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| {
            (
                i["start"].as_str().unwrap().to_owned(),
                i["count"].as_i64().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        weekly,
        [
            ("2026-02-23".to_owned(), 2),
            ("2026-03-02".to_owned(), 2),
            ("2026-03-09".to_owned(), 2)
        ]
    );
    let months = expect(
        app.get(&series("interval=month&dimension=service"), &analyst)
            .await,
        200,
    )
    .await;
    let split: Vec<(String, i64)> = months["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| {
            (
                i["key"].as_str().unwrap().to_owned(),
                i["count"].as_i64().unwrap(),
            )
        })
        .collect();
    assert_eq!(split, [("Chat".to_owned(), 3), ("Video".to_owned(), 3)]);

    // A second rebuild finds nothing to fix.
    let again = Command::new(env!("CARGO_BIN_EXE_report-portal"))
        .args(["stats", "rebuild"])
        .env("DATABASE_URL", app.settings.database_url())
        .env("PORTAL_DATA_DIR", &app.settings.data_dir)
        .output()
        .unwrap();
    let again: Value = serde_json::from_slice(&again.stdout).unwrap();
    assert_eq!(again["differences"], 0);
}

#[actix_web::test]
async fn transitions_move_counts_and_triage_times_are_measured() {
    let app = spawn_app().await;
    let reporter = app.reporter(CredentialMode::Live).await;
    let analyst = app.staff_token(Role::Analyst).await;
    let mut ids = Vec::new();
    for _ in 0..10 {
        ids.push(
            expect(app.post_report(&reporter.token, &valid_report()).await, 201).await["id"]
                .as_str()
                .unwrap()
                .to_owned(),
        );
    }
    // Received k × 1000 s ago, reviewed now: exact first-review times are known.
    app.with_db(|conn| {
        for (k, id) in ids.iter().enumerate() {
            let seconds = (k as i64 + 1) * 1000;
            let earlier = match conn {
                DbConnection::Postgres(_) => format!("received_at - interval '{seconds} seconds'"),
                DbConnection::Sqlite(_) => format!("datetime(received_at, '-{seconds} seconds')"),
            };
            let sql = format!("UPDATE reports SET received_at = {earlier} WHERE id = '{id}'");
            diesel::sql_query(sql).execute(conn).unwrap();
        }
    });
    for id in &ids {
        let body = json!({"to": "in_review", "reason": "triage"});
        expect(
            app.send(
                reqwest::Method::POST,
                &format!("/api/v1/review/reports/{id}/transitions"),
                Some(&analyst),
                Some(&body),
            )
            .await,
            200,
        )
        .await;
    }
    let body = json!({"to": "closed", "reason": "done", "resolution": "no_action"});
    expect(
        app.send(
            reqwest::Method::POST,
            &format!("/api/v1/review/reports/{}/transitions", ids[0]),
            Some(&analyst),
            Some(&body),
        )
        .await,
        200,
    )
    .await;

    let summary = expect(
        app.get(&format!("/api/v1/stats/summary?{WIDE}"), &analyst)
            .await,
        200,
    )
    .await;
    assert_eq!(summary["by_status"]["in_review"]["count"], 9);
    assert_eq!(summary["by_status"]["closed"]["count"], 1);
    assert!(summary["by_status"].get("received").is_none(), "{summary}");

    let triage = expect(
        app.get(&format!("/api/v1/stats/triage?{WIDE}"), &analyst)
            .await,
        200,
    )
    .await;
    assert_eq!(triage["first_review"]["count"], 10);
    let bucket = |s: i64| ((s.max(1) as f64).log2() * 4.0).floor() as i64;
    for (field, exact) in [("median_seconds", 5000), ("p90_seconds", 9000)] {
        let estimate = triage["first_review"][field].as_i64().unwrap();
        assert!(
            (bucket(estimate) - bucket(exact)).abs() <= 1,
            "{field}: {estimate} vs {exact}"
        );
    }
    assert_eq!(triage["closure"]["count"], 1);
}

#[actix_web::test]
async fn auditors_never_see_a_count_from_one_to_four_nor_one_they_could_recover() {
    let app = spawn_app().await;
    let reporter = app.reporter(CredentialMode::Live).await;
    // 9 recruitment, 2 threat, 6 extortion: threat is small; recruitment or extortion would
    // give it away from the total, so the smallest other one goes too.
    let categories = [("recruitment", 9), ("threat", 2), ("extortion", 6)];
    for (category, n) in categories {
        for _ in 0..n {
            let mut report = valid_report();
            report["category"] = json!(category);
            expect(app.post_report(&reporter.token, &report).await, 201).await;
        }
    }
    let path = format!("/api/v1/stats/breakdown?dimension=category&{WIDE}");
    let analyst = expect(
        app.get(&path, &app.staff_token(Role::Analyst).await).await,
        200,
    )
    .await;
    assert_eq!(
        breakdown_map(&analyst)["threat"],
        2,
        "analysts see every count"
    );
    let auditor = expect(
        app.get(&path, &app.staff_token(Role::Auditor).await).await,
        200,
    )
    .await;
    assert_eq!(auditor["suppression_applied"], true);
    let item = |key: &str| {
        auditor["items"]
            .as_array()
            .unwrap()
            .iter()
            .find(|i| i["key"] == key)
            .unwrap()
            .clone()
    };
    assert_eq!(
        item("threat"),
        json!({"key": "threat", "count": null, "suppressed": true})
    );
    assert_eq!(
        item("extortion")["suppressed"],
        true,
        "the complement is suppressed too"
    );
    assert_eq!(item("recruitment")["count"], 9);
    assert_eq!(auditor["total"]["count"], 17);
}

#[actix_web::test]
async fn retraction_and_a_severity_raised_by_amendment_move_the_counts_and_critical_notifies() {
    use diesel::prelude::*;
    use report_portal::db::schema::outbox;
    let app = spawn_app().await;
    let reporter = app.reporter(CredentialMode::Live).await;
    let retracted =
        expect(app.post_report(&reporter.token, &valid_report()).await, 201).await["id"]
            .as_str()
            .unwrap()
            .to_owned();
    let raised = expect(app.post_report(&reporter.token, &valid_report()).await, 201).await["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let post = |path: String, body: Value| {
        let app = &app;
        let token = reporter.token.clone();
        async move {
            app.send(reqwest::Method::POST, &path, Some(&token), Some(&body))
                .await
        }
    };
    expect(
        post(
            format!("/api/v1/reports/{retracted}/retraction"),
            json!({"reason": "sent in error"}),
        )
        .await,
        200,
    )
    .await;
    let amendment = json!({"note": "the account threatened a minor", "severity": "critical"});
    let status = post(format!("/api/v1/reports/{raised}/amendments"), amendment)
        .await
        .status()
        .as_u16();
    assert_eq!(status, 201);

    let analyst = app.staff_token(Role::Analyst).await;
    let summary = expect(
        app.get(&format!("/api/v1/stats/summary?{WIDE}"), &analyst)
            .await,
        200,
    )
    .await;
    assert_eq!(summary["by_status"]["retracted"]["count"], 1, "{summary}");
    assert_eq!(summary["by_status"]["received"]["count"], 1, "{summary}");
    assert_eq!(summary["by_severity"]["critical"]["count"], 1, "{summary}");
    assert_eq!(summary["by_severity"]["high"]["count"], 1, "{summary}");
    let urgent: i64 = app
        .with_db(|conn| {
            outbox::table
                .filter(outbox::report_id.eq(&raised))
                .filter(outbox::urgent.eq(true))
                .count()
                .get_result(conn)
        })
        .unwrap();
    assert_eq!(
        urgent, 1,
        "raising a report to critical queues an urgent notification"
    );
    // A rebuild counts the raised severity, as the rollups do, not the one first submitted.
    let rebuilt = {
        let keys = app.key_store();
        app.with_db(|conn| report_portal::store::stats::rebuild(conn, &keys).unwrap())
    };
    assert_eq!(rebuilt.differences, 0, "{rebuilt:?}");
}
