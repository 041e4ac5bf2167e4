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

/// Every dimension the statistics break reports down by.
pub const DIMENSIONS: [&str; 8] = [
    "category",
    "severity",
    "status",
    "group",
    "organization",
    "service",
    "country",
    "indicator",
];

/// A varied report: the `n`th of a seeded set.
pub(crate) fn varied(n: usize) -> Value {
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

    for dimension in DIMENSIONS {
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

/// A submitter's free text as a service name.
const FREE_TEXT: &str = "=HYPERLINK(\"http://x\",\"y\")";

/// Writes counts straight into the rollups the statistics are read from: `(day, dimension,
/// key, count)`.
pub(crate) fn put_counts(app: &TestApp, rows: &[(String, &str, &str, i64)]) {
    app.with_db(|conn| {
        for (day, dimension, key, count) in rows {
            diesel::sql_query(format!(
                "INSERT INTO report_counts (day, dimension, key, shard, count) \
                 VALUES ('{day}', '{dimension}', '{key}', -1, {count})"
            ))
            .execute(conn)
            .unwrap();
        }
    });
}

/// The rollup rows of `received` reports on `day`, `small` of them from the free-text service
/// and `closed` of them closed.
pub(crate) fn month_rows(
    day: String,
    received: i64,
    small: i64,
    closed: i64,
) -> Vec<(String, &'static str, &'static str, i64)> {
    vec![
        (day.clone(), "received", "", received),
        (day.clone(), "service", "Chat", received - small),
        (day.clone(), "service", FREE_TEXT, small),
        (day.clone(), "status", "received", received - closed),
        (day, "status", "closed", closed),
    ]
    .into_iter()
    .filter(|row| row.3 > 0)
    .collect()
}

#[actix_web::test]
async fn overlapping_ranges_no_longer_give_an_auditor_a_suppressed_count() {
    let app = spawn_app().await;
    let mut rows = month_rows("2025-01-15".into(), 149, 0, 0);
    rows.extend(month_rows("2025-02-05".into(), 4, 4, 0));
    put_counts(&app, &rows);
    let received = |body: Value| body["received"].clone();

    let analyst = app.staff_token(Role::Analyst).await;
    let exact = |from: &'static str, to: &'static str| {
        let (app, analyst) = (&app, &analyst);
        async move {
            let path = format!("/api/v1/stats/summary?from={from}&to={to}");
            received(expect(app.get(&path, analyst).await, 200).await)
        }
    };
    assert_eq!(exact("2025-01-01", "2025-02-01").await["count"], 149);
    assert_eq!(
        exact("2025-01-01", "2025-02-10").await["count"],
        153,
        "analysts keep exact counts over any days"
    );

    let auditor = app.staff_token(Role::Auditor).await;
    let ask = |query: &'static str| {
        let (app, auditor) = (&app, &auditor);
        async move {
            expect(
                app.get(&format!("/api/v1/stats/{query}"), auditor).await,
                200,
            )
            .await
        }
    };
    // The attack: two overlapping ranges whose difference was the 4 reports of early February.
    let before = ask("summary?from=2025-01-01&to=2025-02-01").await;
    let after = ask("summary?from=2025-01-01&to=2025-02-10").await;
    assert_eq!(after["to"], "2025-03-01", "widened to the whole month");
    assert_eq!(received(before.clone())["count"], 150, "rounded to 5");
    assert_eq!(
        received(after.clone())["count"],
        received(before)["count"],
        "the difference says nothing of February"
    );
    assert_eq!(after["suppression_applied"], true);
    let february = ask("summary?from=2025-02-01&to=2025-03-01").await;
    assert_eq!(
        received(february),
        json!({"count": null, "suppressed": true})
    );

    // The free-text key of a suppressed cell shows nowhere, in JSON or CSV.
    for query in [
        "breakdown?dimension=service&from=2025-01-01&to=2025-03-01",
        "breakdown?dimension=service&from=2025-02-01&to=2025-03-01",
        "timeseries?dimension=service&interval=day&from=2025-01-01&to=2025-03-01",
    ] {
        let body = ask(query).await;
        assert!(!body.to_string().contains("HYPERLINK"), "{query}: {body}");
        let csv = app
            .get(&format!("/api/v1/stats/{query}&format=csv"), &auditor)
            .await;
        assert!(!csv.text().await.unwrap().contains("HYPERLINK"), "{query}");
    }
    let series = ask("timeseries?interval=day&from=2025-01-01&to=2025-03-01").await;
    assert_eq!(series["interval"], "month", "auditors' series are monthly");
    // Nothing of the current month, which is still growing.
    let this_month = chrono::Utc::now()
        .date_naive()
        .format("%Y-%m-01")
        .to_string();
    let path = format!("/api/v1/stats/summary?from={this_month}");
    expect(app.get(&path, &auditor).await, 400).await;
}

/// The figures an auditor is shown for one range of months, and the counts in them.
async fn auditor_answers(app: &TestApp, token: &str, from: &str, to: &str) -> (Vec<Value>, i64) {
    let mut answers = Vec::new();
    for query in [
        "summary?",
        "breakdown?dimension=service&",
        "breakdown?dimension=status&",
        "timeseries?dimension=status&",
        "triage?",
    ] {
        let path = format!("/api/v1/stats/{query}from={from}&to={to}");
        answers.push(expect(app.get(&path, token).await, 200).await);
    }
    let received = answers[0]["received"]["count"].as_i64().unwrap_or(0);
    (answers, received)
}

/// Every count in `value`.
fn counts_in(value: &Value, found: &mut Vec<i64>) {
    match value {
        Value::Object(map) => {
            if let Some(Value::Number(n)) = map.get("count") {
                found.push(n.as_i64().unwrap());
            }
            map.values().for_each(|v| counts_in(v, found));
        }
        Value::Array(items) => items.iter().for_each(|v| counts_in(v, found)),
        _ => {}
    }
}

/// The property: over a year whose months hold small counts, for every range of whole months an
/// auditor may ask for, (1) every count shown is a multiple of 5; (2) the total of a range is
/// the sum of the totals of its months asked one by one, so the difference of any two answers
/// is a sum of single months' answers (a multiple of 5, never 1 to 4), and a month whose count
/// is small adds nothing; (3) a second database that differs only in the small counts (each
/// replaced by another from 1 to 4, a report moved with it where a month's total stays) gives
/// every range exactly the same answers; (4) the free-text key of a suppressed cell never shows.
#[actix_web::test]
async fn no_pair_of_month_ranges_tells_an_auditor_a_small_count() {
    // Per month of 2025: (received, from the free-text service, closed).
    let year = [
        (149, 0, 0),
        (4, 4, 0),
        (0, 0, 0),
        (23, 3, 3),
        (2, 1, 1),
        (57, 2, 0),
        (5, 0, 4),
        (8, 1, 0),
        (1, 1, 1),
        (12, 0, 2),
        (3, 0, 0),
        (40, 4, 1),
    ];
    // The same year with each small count changed to another small one.
    let other = [
        (149, 0, 0),
        (2, 2, 0),
        (0, 0, 0),
        (23, 2, 2),
        (4, 3, 2),
        (57, 3, 0),
        (5, 0, 3),
        (8, 2, 0),
        (3, 1, 2),
        (12, 0, 1),
        (1, 0, 0),
        (40, 3, 2),
    ];
    let mut apps = Vec::new();
    for months in [year, other] {
        // Some 800 questions, faster than the default rate limit allows.
        let app = crate::helpers::spawn_app_with(|settings| {
            settings.rate_limit_per_second = 100_000;
            settings.rate_limit_burst = 100_000;
        })
        .await;
        let rows: Vec<_> = months
            .iter()
            .enumerate()
            .flat_map(|(m, &(received, small, closed))| {
                month_rows(format!("2025-{:02}-11", m + 1), received, small, closed)
            })
            .collect();
        put_counts(&app, &rows);
        let auditor = app.staff_token(Role::Auditor).await;
        apps.push((app, auditor));
    }
    let month = |m: usize| {
        let (y, m) = (2025 + m as i32 / 12, m % 12 + 1);
        format!("{y}-{m:02}-01")
    };
    let (app, auditor) = &apps[0];
    let mut single = Vec::new();
    for m in 0..12 {
        single.push(
            auditor_answers(app, auditor, &month(m), &month(m + 1))
                .await
                .1,
        );
    }
    let mut totals = std::collections::BTreeMap::new();
    for first in 0..12 {
        for last in first + 1..=12 {
            let (from, to) = (month(first), month(last));
            let (answers, received) = auditor_answers(app, auditor, &from, &to).await;
            let (others, _) = auditor_answers(&apps[1].0, &apps[1].1, &from, &to).await;
            assert_eq!(answers, others, "{from}..{to}: small counts change nothing");
            let mut counts = Vec::new();
            answers.iter().for_each(|a| counts_in(a, &mut counts));
            assert!(
                counts.iter().all(|c| c % 5 == 0),
                "{from}..{to}: {counts:?}"
            );
            assert_eq!(
                received,
                single[first..last].iter().sum::<i64>(),
                "{from}..{to}"
            );
            assert!(!format!("{answers:?}").contains("HYPERLINK"));
            totals.insert((first, last), received);
        }
    }
    for a in totals.values() {
        for b in totals.values() {
            assert!(!(1..5).contains(&(a - b).abs()), "{a} - {b}");
        }
    }
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

/// The reports received in each of `ranges` (`from`, `to`), as an analyst's summary says.
pub(crate) async fn received_in(app: &TestApp, token: &str, ranges: &[(&str, &str)]) -> Vec<i64> {
    let mut counts = Vec::new();
    for (from, to) in ranges {
        let path = format!("/api/v1/stats/summary?from={from}&to={to}");
        let body = expect(app.get(&path, token).await, 200).await;
        counts.push(body["received"]["count"].as_i64().unwrap());
    }
    counts
}

/// The months folded into the monthly rollup.
pub(crate) fn folded_months(app: &TestApp) -> Vec<String> {
    app.with_db(|conn| {
        use diesel::prelude::*;
        use report_portal::db::schema::report_counts_monthly as monthly;
        monthly::table
            .filter(monthly::dimension.eq("received"))
            .select(monthly::month)
            .order(monthly::month.asc())
            .load(conn)
            .unwrap()
    })
}

#[actix_web::test]
async fn folded_months_count_alike_with_the_days_around_them_and_the_writes_after_the_fold() {
    let app = spawn_app().await;
    let mut rows = month_rows("2025-01-15".into(), 149, 0, 0);
    rows.extend(month_rows("2025-02-05".into(), 4, 0, 0));
    rows.extend(month_rows("2025-02-20".into(), 10, 0, 0));
    rows.extend(month_rows("2025-03-03".into(), 7, 0, 0));
    put_counts(&app, &rows);
    let analyst = app.staff_token(Role::Analyst).await;
    // Whole months, ranges that cut them, and a range with no whole month.
    let ranges = [
        ("2025-01-01", "2025-02-01"),
        ("2025-01-01", "2025-02-10"),
        ("2025-01-20", "2025-03-01"),
        ("2024-12-01", "2025-04-01"),
        ("2025-02-06", "2025-03-04"),
        ("2025-01-15", "2025-01-16"),
    ];
    let by_days = received_in(&app, &analyst, &ranges).await;
    assert_eq!(by_days, [149, 153, 14, 170, 17, 149]);
    let auditor = app.staff_token(Role::Auditor).await;
    let auditor_sees = || async {
        let path = "/api/v1/stats/breakdown?dimension=service&from=2025-01-01&to=2025-04-01";
        expect(app.get(path, &auditor).await, 200).await
    };
    let auditor_saw = auditor_sees().await;

    let today = chrono::Utc::now().date_naive();
    // (The server's own compaction at start may have folded them first.)
    app.with_db(|conn| report_portal::store::stats::compact(conn, today).unwrap());
    assert_eq!(folded_months(&app), ["2025-01", "2025-02", "2025-03"]);
    assert_eq!(received_in(&app, &analyst, &ranges).await, by_days);
    assert_eq!(
        auditor_sees().await,
        auditor_saw,
        "an auditor's months read alike"
    );

    // A writer's count for a day of a folded month, in a shard of its own, counts at once.
    app.with_db(|conn| {
        diesel::sql_query(
            "INSERT INTO report_counts (day, dimension, key, shard, count) \
             VALUES ('2025-02-05', 'received', '', 3, 2)",
        )
        .execute(conn)
        .unwrap();
    });
    let with_late = [149, 155, 16, 172, 17, 149];
    assert_eq!(received_in(&app, &analyst, &ranges).await, with_late);
    // The next compaction folds it into its day and its month, and the figures stay.
    let compacted = app.with_db(|conn| report_portal::store::stats::compact(conn, today).unwrap());
    assert_eq!((compacted.days, compacted.months), (1, 0));
    assert_eq!(crate::upgrade::shard_rows(&app), (0, 0));
    assert_eq!(received_in(&app, &analyst, &ranges).await, with_late);
}
