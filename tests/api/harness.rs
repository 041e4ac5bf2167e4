//! The test harness itself: each test's database goes when the test ends.

use diesel::sql_types::BigInt;
use diesel::{Connection, QueryableByName, RunQueryDsl};
use report_portal::db;

use crate::helpers::spawn_app;

/// A count answered by SQL.
#[derive(QueryableByName)]
struct Count {
    #[diesel(sql_type = BigInt)]
    count: i64,
}

#[actix_web::test]
async fn a_tests_database_is_dropped_when_its_app_is_even_with_connections_open() {
    let app = spawn_app().await;
    let url = app.settings.database_url();
    // A connection the test leaves open, as a stray server process would.
    let stray = db::connect(&url, 1, std::time::Duration::from_secs(5)).unwrap();
    let _open = stray.get().unwrap();
    drop(app);
    match std::env::var("TEST_DATABASE_URL") {
        Ok(admin_url) if !admin_url.is_empty() => {
            let name = url::Url::parse(&url).unwrap().path()[1..].to_owned();
            let mut admin = diesel::PgConnection::establish(&admin_url).unwrap();
            let left = diesel::sql_query(format!(
                "SELECT count(*) AS count FROM pg_database WHERE datname = '{name}'"
            ))
            .get_result::<Count>(&mut admin)
            .unwrap();
            assert_eq!(left.count, 0, "database {name} is still there");
        }
        _ => assert!(!std::path::Path::new(&url).exists(), "{url} is still there"),
    }
}
