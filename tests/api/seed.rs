//! `report-portal seed`, run as a real process against the test's database: the statistics
//! endpoints count the seeded reports as a direct count over the reports finds them, a
//! database holding live reports is refused unless forced, and no e-mail is queued unless asked.

use std::collections::{BTreeMap, BTreeSet};
use std::process::{Command, Output};

use chrono::{Datelike, Duration, NaiveDate, NaiveDateTime, Utc};
use diesel::prelude::*;
use report_portal::db::schema::{audit_events, events, outbox, reports};
use report_portal::domain::organization::CredentialMode;
use report_portal::domain::report::NewReport;
use report_portal::domain::user::Role;
use report_portal::keys::place;
use serde_json::Value;

use crate::helpers::{TestApp, TestDatabase, expect, spawn_app, valid_report};

fn seed(app: &TestApp, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_report-portal"))
        .arg("seed")
        .args(args)
        .env("DATABASE_URL", app.settings.database_url())
        .env("PORTAL_DATA_DIR", &app.settings.data_dir)
        .env("PORTAL_LOG", "warn")
        .output()
        .expect("the binary runs")
}

fn succeeded(output: &Output) -> Value {
    assert!(
        output.status.success(),
        "seed failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    serde_json::from_slice(&output.stdout).unwrap()
}

/// A report as counted directly: (organization, category, severity, status, service, day).
type Row = (String, String, String, String, String, NaiveDateTime);

/// Counts per key of each dimension, and per day, straight from the reports and their parts.
struct Direct {
    by_dimension: BTreeMap<&'static str, BTreeMap<String, i64>>,
    by_day: BTreeMap<NaiveDate, i64>,
}

fn count_directly(app: &TestApp) -> Direct {
    app.with_db(|conn| {
        let rows: Vec<(String, Row)> = reports::table
            .filter(reports::mode.eq("live"))
            .select((
                reports::id,
                (
                    reports::organization_id,
                    reports::category,
                    reports::severity,
                    reports::status,
                    reports::service,
                    reports::received_at,
                ),
            ))
            .load(conn)
            .unwrap();
        let mut by_dimension: BTreeMap<&'static str, BTreeMap<String, i64>> = BTreeMap::new();
        let mut by_day = BTreeMap::new();
        let mut add = |dimension: &'static str, key: &str| {
            *by_dimension
                .entry(dimension)
                .or_default()
                .entry(key.to_owned())
                .or_default() += 1;
        };
        for (_, (organization, category, severity, status, service, received_at)) in &rows {
            add("organization", organization);
            add("category", category);
            add("severity", severity);
            add("status", status);
            add("service", service);
            *by_day.entry(received_at.date()).or_default() += 1;
        }
        // Groups, indicators and countries are only in the sealed bodies.
        let bodies: Vec<(String, Vec<u8>, String)> = reports::table
            .filter(reports::mode.eq("live"))
            .select((reports::id, reports::body, reports::key_id))
            .load(conn)
            .unwrap();
        let keys = app.key_store();
        for (id, sealed, key_id) in bodies {
            let key = &keys.fetch(&[&key_id]).unwrap()[&key_id];
            let body = key.open_body(&sealed, &place(&id, "body")).unwrap();
            let report: NewReport = serde_json::from_str(&body).unwrap();
            for group in &report.suspected_groups {
                add("group", group.as_ref());
            }
            for indicator in &report.indicators {
                add("indicator", indicator.as_ref());
            }
            let countries: BTreeSet<&str> = report
                .locations
                .iter()
                .map(|l| l.country.as_str())
                .collect();
            for country in countries {
                add("country", country);
            }
        }
        Direct {
            by_dimension,
            by_day,
        }
    })
}

/// The first day of the interval holding a day.
type StartOf = fn(NaiveDate) -> NaiveDate;

fn keyed_counts(body: &Value, key: &str) -> BTreeMap<String, i64> {
    body["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|i| i["count"].as_i64().unwrap() != 0)
        .map(|i| {
            (
                i[key].as_str().unwrap().to_owned(),
                i["count"].as_i64().unwrap(),
            )
        })
        .collect()
}

#[actix_web::test]
async fn statistics_of_seeded_reports_agree_with_a_direct_count() {
    let app = spawn_app().await;
    let seeded = succeeded(&seed(
        &app,
        &[
            "--reports",
            "300",
            "--days",
            "70",
            "--organizations",
            "4",
            "--seed-value",
            "7",
        ],
    ));
    assert_eq!(seeded["reports"], 300);
    assert_eq!(seeded["organizations"], 4);
    assert!(seeded["transitions"].as_i64().unwrap() > 30, "{seeded}");
    // The first seed ended with a compaction, which folded the months before this one; the
    // second adds to them.
    let seeded = succeeded(&seed(
        &app,
        &[
            "--reports",
            "100",
            "--days",
            "70",
            "--organizations",
            "2",
            "--seed-value",
            "8",
            "--force",
        ],
    ));
    assert_eq!(seeded["reports"], 100);

    let direct = count_directly(&app);
    assert_eq!(direct.by_day.values().sum::<i64>(), 400);
    assert!(
        direct.by_dimension["status"].len() >= 4,
        "statuses spread over the workflow: {:?}",
        direct.by_dimension["status"]
    );
    assert!(direct.by_day.len() > 50, "arrivals spread over the days");

    let today = Utc::now().date_naive();
    let (from, to) = (today - Duration::days(80), today + Duration::days(1));
    let range = format!("from={from}&to={to}");
    let analyst = app.staff_token(Role::Analyst).await;
    for (dimension, counts) in &direct.by_dimension {
        let path = format!("/api/v1/stats/breakdown?dimension={dimension}&{range}");
        let body = expect(app.get(&path, &analyst).await, 200).await;
        assert_eq!(&keyed_counts(&body, "key"), counts, "{dimension}");
        assert_eq!(body["total"]["count"], 400, "{dimension}");
    }

    let summary = expect(
        app.get(&format!("/api/v1/stats/summary?{range}"), &analyst)
            .await,
        200,
    )
    .await;
    assert_eq!(summary["received"]["count"], 400);

    let starts: [(&str, StartOf); 3] = [
        ("day", |d| d),
        ("week", |d| {
            d - Duration::days(d.weekday().num_days_from_monday().into())
        }),
        ("month", |d| d.with_day(1).unwrap()),
    ];
    for (interval, start_of) in starts {
        let mut expected: BTreeMap<String, i64> = BTreeMap::new();
        for (day, count) in &direct.by_day {
            *expected.entry(start_of(*day).to_string()).or_default() += count;
        }
        let path = format!("/api/v1/stats/timeseries?interval={interval}&{range}");
        let body = expect(app.get(&path, &analyst).await, 200).await;
        assert_eq!(keyed_counts(&body, "start"), expected, "{interval}");
    }
}

#[actix_web::test]
async fn seeding_refuses_a_database_with_live_reports_unless_forced() {
    let app = spawn_app().await;
    let tester = app.reporter(CredentialMode::Test).await;
    expect(app.post_report(&tester.token, &valid_report()).await, 201).await;
    let first = succeeded(&seed(&app, &["--reports", "20", "--days", "5"]));
    assert_eq!(
        first["reports"], 20,
        "test-mode reports do not stop seeding"
    );

    let refused = seed(&app, &["--reports", "20", "--days", "5"]);
    assert!(!refused.status.success());
    let stderr = String::from_utf8_lossy(&refused.stderr);
    assert!(
        stderr.contains("already holds 20 live reports") && stderr.contains("--force"),
        "{stderr}"
    );
    let count = || -> i64 {
        app.with_db(|conn| reports::table.count().get_result(conn))
            .unwrap()
    };
    assert_eq!(count(), 21, "nothing was added");

    let forced = succeeded(&seed(
        &app,
        &[
            "--reports",
            "20",
            "--days",
            "5",
            "--force",
            "--seed-value",
            "2",
        ],
    ));
    assert_eq!(forced["reports"], 20);
    assert_eq!(count(), 41);
}

#[actix_web::test]
async fn one_organizations_many_reports_are_seeded_in_one_transaction() {
    // 300 reports of one organization share a transaction: their correlation index rows are
    // more than one statement may bind on SQLite, and must be split, not refused.
    let app = spawn_app().await;
    let seeded = succeeded(&seed(
        &app,
        &["--reports", "300", "--organizations", "1", "--days", "30"],
    ));
    assert_eq!(seeded["reports"], 300);
    let stored: i64 = app.with_db(|conn| reports::table.count().get_result(conn).unwrap());
    assert_eq!(stored, 300);
}

#[actix_web::test]
async fn seeding_queues_no_email_unless_asked() {
    let app = spawn_app().await;
    let queued = || -> i64 { app.with_db(|conn| outbox::table.count().get_result(conn).unwrap()) };
    succeeded(&seed(&app, &["--reports", "30", "--organizations", "2"]));
    assert_eq!(queued(), 0, "synthetic reports are news to nobody");
    succeeded(&seed(
        &app,
        &[
            "--reports",
            "30",
            "--organizations",
            "2",
            "--force",
            "--notify",
            "--seed-value",
            "2",
        ],
    ));
    assert_eq!(queued(), 30);
}

/// What the review detail and the feed say about a report's moves, without ids, times and
/// actors: the status and resolution, the referral, the timeline, the report's version and
/// triage milestones, and the feed's events.
fn moves_as_stored(app: &TestApp, detail: &Value) -> Value {
    let id = detail["id"].as_str().unwrap();
    let timeline: Vec<Value> = detail["timeline"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|event| event["kind"] == "transition")
        .map(|event| {
            serde_json::json!([
                event["actor_role"],
                event["from"],
                event["to"],
                event["reason"],
                event["detail"]
            ])
        })
        .collect();
    let (version, first_reviewed, closed, released): (i32, bool, bool, bool) =
        app.with_db(|conn| {
            reports::table
                .find(id)
                .select((
                    reports::version,
                    reports::first_reviewed_at.is_not_null(),
                    reports::closed_at.is_not_null(),
                    reports::released_at.is_not_null(),
                ))
                .first(conn)
                .unwrap()
        });
    let feed: Vec<Value> = app.with_db(|conn| {
        events::table
            .filter(events::report_id.eq(id))
            .order(events::id.asc())
            .select((events::event_type, events::data))
            .load::<(String, String)>(conn)
            .unwrap()
            .into_iter()
            .map(|(event_type, data)| {
                let data = serde_json::from_str::<Value>(&data).unwrap();
                serde_json::json!([event_type, data["status"], data["previous_status"]])
            })
            .collect()
    });
    serde_json::json!({
        "status": detail["status"],
        "resolution": detail["resolution"],
        "referral": detail["referral"],
        "timeline": timeline,
        "version": version,
        "first_reviewed": first_reviewed,
        "closed": closed,
        "released": released,
        "feed": feed,
    })
}

#[actix_web::test]
async fn the_seeders_moves_store_what_the_apis_transitions_do() {
    // The seeder moves a chunk's reports all at once (`store::review::transition_all`): each of
    // them must end as the same moves, one request at a time over HTTP, leave a report.
    let app = spawn_app().await;
    succeeded(&seed(
        &app,
        &["--reports", "300", "--organizations", "3", "--days", "30"],
    ));
    let (_, supervisor) = app.staff(Role::Supervisor).await;
    let reporter = app.reporter(CredentialMode::Live).await;
    let mut compared = BTreeSet::new();
    let seeded: Vec<String> = app.with_db(|conn| {
        reports::table
            .filter(reports::status.ne("received"))
            .select(reports::id)
            .load(conn)
            .unwrap()
    });
    for id in seeded {
        let detail = expect(
            app.get(&format!("/api/v1/review/reports/{id}"), &supervisor)
                .await,
            200,
        )
        .await;
        let path: Vec<String> = detail["timeline"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|event| event["kind"] == "transition")
            .map(|event| event["to"].as_str().unwrap().to_owned())
            .collect();
        if !compared.insert(path.clone()) {
            continue;
        }
        let receipt = app.submit(&reporter.token, &valid_report()).await;
        let moved = receipt["id"].as_str().unwrap();
        for to in &path {
            let mut body = serde_json::json!({"to": to, "reason": "seeded review"});
            if to == "referred" {
                body["referral"] = serde_json::json!({"agency": "HSI", "reference": "SEED-REF"});
            }
            if to == "closed" {
                body["resolution"] = "no_action".into();
            }
            app.move_report(&supervisor, moved, body).await;
        }
        let by_api = expect(
            app.get(&format!("/api/v1/review/reports/{moved}"), &supervisor)
                .await,
            200,
        )
        .await;
        let mut expected = moves_as_stored(&app, &by_api);
        let mut seeded = moves_as_stored(&app, &detail);
        // The API's report was received by the API, the seeded one by the seeder: both say so
        // (the seeder not for a report received before the feed's period, whose event a
        // running server would have pruned).
        for stored in [&mut expected, &mut seeded] {
            let feed = stored["feed"].as_array_mut().unwrap();
            feed.retain(|event| event[0] != "report.received");
        }
        assert_eq!(seeded, expected, "{path:?}");
    }
    assert!(compared.len() >= 4, "the workflow's paths: {compared:?}");
}

#[actix_web::test]
async fn the_feed_of_a_seeded_year_holds_what_a_running_server_would_have_kept() {
    // Over 90 days, the reports of the last 30 (`event_retention_days`) have their
    // `report.received` event, dated when each was received; the older ones have none, as a
    // server that ran those days would have pruned them.
    let app = spawn_app().await;
    succeeded(&seed(
        &app,
        &["--reports", "60", "--organizations", "2", "--days", "90"],
    ));
    let kept_since = Utc::now().naive_utc() - Duration::days(30);
    let received: Vec<(String, NaiveDateTime)> = app.with_db(|conn| {
        reports::table
            .select((reports::id, reports::received_at))
            .load(conn)
            .unwrap()
    });
    let fed: Vec<(Option<String>, NaiveDateTime)> = app.with_db(|conn| {
        events::table
            .filter(events::event_type.eq("report.received"))
            .select((events::report_id, events::created_at))
            .load(conn)
            .unwrap()
    });
    let recent: BTreeMap<String, NaiveDateTime> = received
        .iter()
        .filter(|(_, at)| *at >= kept_since)
        .cloned()
        .collect();
    assert!(
        !recent.is_empty() && recent.len() < received.len(),
        "{received:?}"
    );
    let fed: BTreeMap<String, NaiveDateTime> =
        fed.into_iter().map(|(id, at)| (id.unwrap(), at)).collect();
    assert_eq!(fed, recent);
}

/// What PostgreSQL's index of the search words says of itself: its storage options, and the
/// pages of its pending list (merged by the call, which answers how many it merged).
#[derive(diesel::QueryableByName)]
struct WordsIndex {
    #[diesel(sql_type = diesel::sql_types::Text)]
    options: String,
    #[diesel(sql_type = diesel::sql_types::BigInt)]
    pending_pages: i64,
}

#[actix_web::test]
async fn seeded_reports_are_found_by_their_words_and_leave_the_words_index_as_it_was() {
    let app = spawn_app().await;
    succeeded(&seed(
        &app,
        &["--reports", "150", "--organizations", "2", "--days", "30"],
    ));
    let analyst = app.staff_token(Role::Analyst).await;
    let page = expect(
        app.get("/api/v1/review/reports?q=synthetic&limit=200", &analyst)
            .await,
        200,
    )
    .await;
    assert_eq!(page["items"].as_array().unwrap().len(), 150);
    let index = app.with_db(|conn| match conn {
        report_portal::db::DbConnection::Postgres(c) => Some(
            diesel::sql_query(
                "SELECT array_to_string(c.reloptions, ',') AS options, \
                 gin_clean_pending_list('report_words_keys')::bigint AS pending_pages \
                 FROM pg_class c WHERE c.relname = 'report_words_keys'",
            )
            .get_result::<WordsIndex>(c)
            .unwrap(),
        ),
        report_portal::db::DbConnection::Sqlite(_) => None,
    });
    if let Some(index) = index {
        assert_eq!(
            (index.options.as_str(), index.pending_pages),
            ("fastupdate=on,gin_pending_list_limit=256", 0),
            "the seed's words merged into the index, and its pending list's limit back"
        );
    }
}

#[test]
fn the_command_lines_and_the_seeders_audit_events_are_written_sealed() {
    // No server runs here, so no sealer: what is sealed was written sealed. The seed's reports
    // go through the bulk path, which waits for the sealer's lock at the start of each
    // transaction; its organizations and credentials, and an organization created between two
    // seeds, are written one by one in transactions that try the lock and find it free.
    let root = tempfile::tempdir().unwrap();
    let data = root.path().join("data");
    let database = TestDatabase::new(&data.join("portal.db"));
    let run = |args: &str| -> Value {
        let output = Command::new(env!("CARGO_BIN_EXE_report-portal"))
            .args(args.split_whitespace())
            .env("DATABASE_URL", database.url())
            .env("PORTAL_DATA_DIR", &data)
            .env("PORTAL_LOG", "warn")
            .output()
            .expect("the binary runs");
        succeeded(&output)
    };
    let pool = report_portal::db::connect(database.url(), 1, std::time::Duration::from_secs(30))
        .expect("the seeded database opens");
    let by_action = |sealed: bool| -> BTreeMap<String, i64> {
        let mut conn = pool.get().unwrap();
        audit_events::table
            .filter(audit_events::seq.is_not_null().eq(sealed))
            .group_by(audit_events::action)
            .select((audit_events::action, diesel::dsl::count_star()))
            .load(&mut conn)
            .unwrap()
            .into_iter()
            .collect()
    };

    run("seed --reports 60 --organizations 2 --days 30");
    run("org create --name Between --vetted");
    run("seed --reports 60 --organizations 3 --days 30 --force --seed-value 2");
    assert_eq!(
        by_action(false),
        BTreeMap::new(),
        "no event waits for the sealer"
    );
    assert_eq!(
        by_action(true),
        BTreeMap::from([
            ("credential.issue".to_owned(), 5),
            ("organization.create".to_owned(), 6),
            ("report.submit".to_owned(), 120),
        ])
    );
    let verdict = run("audit verify");
    assert_eq!(verdict["valid"], true, "{verdict}");
    assert!(verdict["checked"].as_i64().unwrap() >= 131, "{verdict}");
}
