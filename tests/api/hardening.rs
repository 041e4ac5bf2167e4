//! Limits and protections every response carries: rate limits, security headers, CORS, metrics,
//! and logs free of personal data; and data files private to the server's user.

use std::path::Path;

use report_portal::domain::organization::CredentialMode;
use report_portal::domain::user::Role;
use serde_json::{Value, json};

use crate::helpers::{
    TestDatabase, captured_logs, expect, spawn_app, spawn_app_with, valid_report,
};

#[actix_web::test]
async fn a_caller_over_its_rate_gets_429_with_retry_after() {
    let app = spawn_app_with(|s| {
        s.rate_limit_per_second = 1;
        s.rate_limit_burst = 3;
    })
    .await;
    let reporter = app.reporter(CredentialMode::Live).await;
    let mut statuses = Vec::new();
    for _ in 0..5 {
        let response = app.get("/api/v1/reports", &reporter.token).await;
        if response.status() == 429 {
            let retry: u64 = response
                .headers()
                .get("retry-after")
                .unwrap()
                .to_str()
                .unwrap()
                .parse()
                .unwrap();
            assert!(retry >= 1);
        }
        statuses.push(response.status().as_u16());
    }
    assert_eq!(statuses, [200, 200, 200, 429, 429]);
    // Another caller has an allowance of its own.
    let other = app.reporter(CredentialMode::Live).await;
    expect(app.get("/api/v1/reports", &other.token).await, 200).await;
}

#[actix_web::test]
async fn sign_ins_from_one_address_are_rate_limited() {
    let app = spawn_app_with(|s| {
        s.auth_rate_limit_per_second = 1;
        s.auth_rate_limit_burst = 2;
    })
    .await;
    let mut statuses = Vec::new();
    for _ in 0..4 {
        statuses.push(
            app.login("someone@dhs.example", "not-the-password")
                .await
                .status()
                .as_u16(),
        );
    }
    assert_eq!(statuses, [401, 401, 429, 429]);
    expect(app.request_token("rp_live_x", "y").await, 429).await;
}

#[actix_web::test]
async fn every_answer_carries_the_security_headers() {
    let app = spawn_app().await;
    let reporter = app.reporter(CredentialMode::Live).await;
    for (path, token) in [
        ("/api/v1/reports", reporter.token.as_str()),
        ("/api/v1/nowhere", ""),
        ("/healthz", ""),
    ] {
        let response = app.get(path, token).await;
        let headers = response.headers();
        assert_eq!(headers["x-content-type-options"], "nosniff", "{path}");
        assert_eq!(headers["x-frame-options"], "DENY", "{path}");
        assert_eq!(headers["cache-control"], "no-store", "{path}");
        assert_eq!(
            headers["content-security-policy"], "default-src 'none'; frame-ancestors 'none'",
            "{path}"
        );
    }
    let docs = app
        .client
        .get(format!("{}/docs/", app.address))
        .send()
        .await
        .unwrap();
    let csp = docs.headers()["content-security-policy"]
        .to_str()
        .unwrap()
        .to_owned();
    assert!(
        csp.contains("script-src 'self'") && !csp.contains("unsafe-eval"),
        "{csp}"
    );
}

#[actix_web::test]
async fn cors_is_closed_unless_an_origin_is_configured() {
    let closed = spawn_app().await;
    let preflight = |app: &crate::helpers::TestApp, origin: &str| {
        app.client
            .request(
                reqwest::Method::OPTIONS,
                format!("{}/api/v1/reports", app.address),
            )
            .header("origin", origin)
            .header("access-control-request-method", "POST")
            .send()
    };
    let answer = preflight(&closed, "https://evil.example").await.unwrap();
    assert!(
        answer
            .headers()
            .get("access-control-allow-origin")
            .is_none()
    );
    let open = spawn_app_with(|s| s.cors_origins = vec!["https://portal.dhs.example".into()]).await;
    let allowed = preflight(&open, "https://portal.dhs.example")
        .await
        .unwrap();
    assert_eq!(
        allowed.headers()["access-control-allow-origin"],
        "https://portal.dhs.example"
    );
    let refused = preflight(&open, "https://evil.example").await.unwrap();
    assert!(
        refused
            .headers()
            .get("access-control-allow-origin")
            .is_none()
    );
}

#[actix_web::test]
async fn metrics_count_requests_by_route_and_reports_by_mode() {
    let app = spawn_app().await;
    let reporter = app.reporter(CredentialMode::Test).await;
    expect(app.post_report(&reporter.token, &valid_report()).await, 201).await;
    let text = app
        .client
        .get(format!("{}/metrics", app.metrics_address))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        text.contains(r#"portal_reports_received_total{mode="test"} 1"#),
        "{text}"
    );
    assert!(
        text.contains(
            r#"portal_http_requests_total{method="POST",route="/api/v1/reports",status="201"} 1"#
        ),
        "{text}"
    );
    assert!(text.contains("portal_http_request_duration_seconds_bucket"));
    // The test pool of 4, and one each for the e-mail worker and the webhook dispatcher.
    let max = 4 + report_portal::db::admission::WORKER_CONNECTIONS;
    assert!(
        text.contains(&format!(
            r#"portal_db_pool_connections{{state="max"}} {max}"#
        )),
        "{text}"
    );
}

#[actix_web::test]
async fn personal_data_sent_through_every_path_never_reaches_the_logs() {
    // A notification list, so that the new-report e-mail is written (as an .eml file) too.
    let app = spawn_app_with(|s| s.notify_to = "desk@dhs.example".into()).await;
    let reporter = app.reporter(CredentialMode::Live).await;
    let secrets = [
        "zqxjhandle",
        "Zqxjvbnm Kwpl",
        "zqxj.person@example.com",
        "5559991234",
        "zqxjexcerpt",
        "zqxjamended",
        "zqxjnote",
        "zqxjreason",
        "zqxjbatch",
    ];
    let mut report = valid_report();
    report["external_id"] = json!("case-zqxj-external");
    report["accounts"][0]["handle"] = json!("@zqxjhandle");
    report["accounts"][0]["display_name"] = json!("Zqxjvbnm Kwpl");
    report["accounts"][0]["contact_handles"][0]["value"] = json!("+52 55 5999 1234");
    report["contact"]["email"] = json!("zqxj.person@example.com");
    report["content"][0]["text_excerpt"] = json!("zqxjexcerpt buena paga");
    let id = expect(app.post_report(&reporter.token, &report).await, 201).await["id"]
        .as_str()
        .unwrap()
        .to_owned();
    expect(app.post_report(&reporter.token, &report).await, 200).await;
    let mut invalid = report.clone();
    invalid["contact"]["email"] = json!("zqxj.person@@example.com");
    invalid["external_id"] = json!("case-zqxj-other");
    expect(app.post_report(&reporter.token, &invalid).await, 422).await;
    let mut batched = report.clone();
    batched["external_id"] = json!("case-zqxj-batch");
    batched["accounts"][0]["display_name"] = json!("zqxjbatch person");
    let batch = json!({"reports": [batched, invalid]});
    expect(
        app.post_json("/api/v1/reports/batch", &reporter.token, &batch)
            .await,
        200,
    )
    .await;
    let amendment = json!({
        "note": "zqxjamended: a second account",
        "accounts": [{"platform_account_id": "2222", "handle": "@zqxjamended", "role": "recruiter",
                      "action_taken": "banned"}]
    });
    expect(
        app.post_json(
            &format!("/api/v1/reports/{id}/amendments"),
            &reporter.token,
            &amendment,
        )
        .await,
        201,
    )
    .await;
    expect(
        app.get(
            "/api/v1/reports/by-external-id/case-zqxj-external",
            &reporter.token,
        )
        .await,
        200,
    )
    .await;
    expect(
        app.get(&format!("/api/v1/reports/{id}"), &reporter.token)
            .await,
        200,
    )
    .await;
    let (_, analyst) = app.staff(Role::Analyst).await;
    app.move_report(
        &analyst,
        &id,
        json!({"to": "in_review", "reason": "zqxjreason triage"}),
    )
    .await;
    expect(
        app.post_json(
            &format!("/api/v1/review/reports/{id}/notes"),
            &analyst,
            &json!({"body": "zqxjnote: same handle as zqxjhandle"}),
        )
        .await,
        201,
    )
    .await;
    expect(
        app.get(&format!("/api/v1/review/reports/{id}"), &analyst)
            .await,
        200,
    )
    .await;
    expect(
        app.get("/api/v1/review/reports?q=zqxjexcerpt", &analyst)
            .await,
        200,
    )
    .await;
    expect(
        app.get("/api/v1/review/export?format=csv", &analyst).await,
        200,
    )
    .await;
    app.login("zqxj.person@example.com", "wrong-password-here")
        .await;
    // The new-report e-mail went out (as a file here) while the logs were watched.
    let mail = app.settings.data_dir.join("mail");
    for _ in 0..100 {
        if std::fs::read_dir(&mail).is_ok_and(|mut files| files.next().is_some()) {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    assert!(
        std::fs::read_dir(&mail).unwrap().next().is_some(),
        "e-mail sent"
    );

    let logs = captured_logs();
    assert!(logs.contains("answered"), "the logs were captured");
    for secret in secrets.iter().chain(["case-zqxj"].iter()) {
        assert!(!logs.contains(secret), "{secret} appears in the logs");
    }
}

#[actix_web::test]
async fn with_a_certificate_the_server_speaks_only_https_and_sends_hsts() {
    let certified = rcgen::generate_simple_self_signed(vec!["localhost".to_owned()]).unwrap();
    let folder = tempfile::tempdir().unwrap();
    let (cert, key) = (
        folder.path().join("cert.pem"),
        folder.path().join("key.pem"),
    );
    std::fs::write(&cert, certified.cert.pem()).unwrap();
    std::fs::write(&key, certified.key_pair.serialize_pem()).unwrap();
    let mut app = spawn_app_with(|s| {
        s.tls_cert = cert.to_string_lossy().into_owned();
        s.tls_key = key.to_string_lossy().into_owned();
    })
    .await;
    let plain_address = app.address.clone();
    let port = plain_address.rsplit(':').next().unwrap();

    // Plain HTTP and a client that does not trust the certificate get nowhere.
    let https = format!("https://localhost:{port}");
    let untrusting = reqwest::Client::builder().use_rustls_tls().build().unwrap();
    assert!(
        untrusting
            .get(format!("{https}/healthz"))
            .send()
            .await
            .is_err()
    );
    assert!(
        app.client
            .get(format!("{plain_address}/healthz"))
            .send()
            .await
            .is_err()
    );

    // A client that trusts it is served, every answer with HSTS.
    let root = reqwest::Certificate::from_pem(certified.cert.pem().as_bytes()).unwrap();
    app.client = reqwest::Client::builder()
        .use_rustls_tls()
        .add_root_certificate(root)
        .build()
        .unwrap();
    app.address = https;
    let reporter = app.reporter(CredentialMode::Live).await;
    for path in ["/healthz", "/api/v1/reports", "/api/v1/nothing-here"] {
        let response = app.get(path, &reporter.token).await;
        assert_eq!(
            response.headers().get("strict-transport-security").unwrap(),
            "max-age=31536000; includeSubDomains",
            "{path}"
        );
    }
    app.submit(&reporter.token, &valid_report()).await;

    // Without TLS there is no HSTS.
    let plain = spawn_app().await;
    let response = plain
        .client
        .get(format!("{}/healthz", plain.address))
        .send()
        .await
        .unwrap();
    assert!(
        response
            .headers()
            .get("strict-transport-security")
            .is_none()
    );
}

#[actix_web::test]
async fn behind_the_proxy_only_the_right_most_forwarded_for_entry_is_the_client() {
    let app = spawn_app_with(|s| {
        s.trust_proxy = true;
        s.auth_rate_limit_per_second = 1;
        s.auth_rate_limit_burst = 2;
    })
    .await;
    let sign_in = |forwarded_for: &str, forwarded: &str| {
        app.client
            .post(format!("{}/api/v1/auth/login", app.address))
            .header("x-forwarded-for", forwarded_for)
            .header("forwarded", forwarded)
            .header("x-real-ip", "192.0.2.200")
            .json(&json!({"email": "someone@dhs.example", "password": "not-the-password"}))
            .send()
    };
    // The client varies `Forwarded` and the left of `X-Forwarded-For`; the proxy appended
    // 198.51.100.9, and that is the address the rate limit counts.
    let mut statuses = Vec::new();
    for n in 1..=3 {
        let response = sign_in(
            &format!("203.0.113.{n}, 198.51.100.9"),
            &format!("for=192.0.2.{n}"),
        )
        .await
        .unwrap();
        statuses.push(response.status().as_u16());
    }
    assert_eq!(statuses, [401, 401, 429]);
    let other = sign_in("203.0.113.1, 198.51.100.10", "for=192.0.2.1")
        .await
        .unwrap();
    expect(other, 401).await;

    let addresses: Vec<Option<String>> = app.with_db(|conn| {
        use diesel::prelude::*;
        use report_portal::db::schema::audit_events;
        audit_events::table
            .filter(audit_events::action.eq("auth.login"))
            .order(audit_events::id.asc())
            .select(audit_events::ip)
            .load(conn)
            .unwrap()
    });
    let addresses: Vec<&str> = addresses.iter().flatten().map(String::as_str).collect();
    assert_eq!(addresses, ["198.51.100.9", "198.51.100.9", "198.51.100.10"]);
}

#[actix_web::test]
async fn a_body_sent_too_slowly_is_cut_off() {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let app = spawn_app_with(|s| s.body_timeout_seconds = 1).await;
    let mut stream = tokio::net::TcpStream::connect(app.address.trim_start_matches("http://"))
        .await
        .unwrap();
    // 9 of the 100 bytes declared, then nothing.
    stream
        .write_all(
            b"POST /api/v1/auth/login HTTP/1.1\r\nHost: portal\r\n\
              Content-Type: application/json\r\nContent-Length: 100\r\n\r\n{\"email\":",
        )
        .await
        .unwrap();
    let mut answer = Vec::new();
    let read = tokio::time::timeout(
        std::time::Duration::from_secs(5),
        stream.read_to_end(&mut answer),
    )
    .await;
    assert!(read.is_ok(), "the connection is still open after 5 s");
    let answer = String::from_utf8_lossy(&answer);
    assert!(
        answer.is_empty() || answer.starts_with("HTTP/1.1 408"),
        "{answer}"
    );
}

#[actix_web::test]
async fn idle_rate_limits_and_old_sign_in_failures_are_forgotten() {
    use diesel::prelude::*;
    use report_portal::db::schema::login_throttle;
    let app = spawn_app_with(|s| {
        s.trust_proxy = true;
        s.rate_limit_prune_seconds = 1;
        s.auth_rate_limit_per_second = 1;
    })
    .await;
    let counters = || -> Vec<String> {
        app.with_db(|conn| {
            login_throttle::table
                .select(login_throttle::key)
                .order(login_throttle::key.asc())
                .load(conn)
                .unwrap()
        })
    };
    let an_hour_ago = chrono::Utc::now().naive_utc() - chrono::Duration::hours(1);
    app.with_db(|conn| {
        diesel::insert_into(login_throttle::table)
            .values((
                login_throttle::key.eq("addr:192.0.2.1"),
                login_throttle::failures.eq(20),
                login_throttle::updated_at.eq(an_hour_ago),
            ))
            .execute(conn)
            .unwrap()
    });
    expect(
        app.login("someone@dhs.example", "not-the-password").await,
        401,
    )
    .await;
    for n in 0..10 {
        let response = app
            .client
            .post(format!("{}/api/v1/auth/token", app.address))
            .header("x-forwarded-for", format!("203.0.113.{n}"))
            .header("content-type", "application/x-www-form-urlencoded")
            .body("grant_type=client_credentials&client_id=rp_live_x&client_secret=y")
            .send()
            .await
            .unwrap();
        expect(response, 401).await;
    }
    let tracked = || async {
        let metrics = app
            .client
            .get(format!("{}/metrics", app.metrics_address))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        metrics
            .lines()
            .find_map(|line| line.strip_prefix("portal_rate_limit_keys{limiter=\"addresses\"} "))
            .map(|keys| keys.parse::<u64>().unwrap())
    };
    let (mut keys, mut kept) = (tracked().await, counters());
    for _ in 0..50 {
        if keys == Some(0) && kept.len() == 2 {
            break;
        }
        actix_web::rt::time::sleep(std::time::Duration::from_millis(200)).await;
        (keys, kept) = (tracked().await, counters());
    }
    assert_eq!(keys, Some(0), "idle addresses are still tracked");
    // The failure of a moment ago is kept (its account's and its pair's); the old one is not.
    assert_eq!(kept.len(), 2, "{kept:?}");
    assert!(kept[0].starts_with("account:") && kept[1].starts_with("pair:"));
}

/// The binary with `args` under a permissive shell (umask 000), with the environment `env`.
fn permissive(args: &[&str], env: &[(&str, &str)]) -> std::process::Command {
    let mut command = std::process::Command::new("sh");
    command
        .args(["-c", r#"umask 000 && exec "$0" "$@""#])
        .arg(env!("CARGO_BIN_EXE_report-portal"))
        .args(args)
        .envs(env.iter().copied())
        .stdout(std::process::Stdio::piped());
    command
}

/// Every folder and file under `folder`, with its path relative to it and its mode.
fn modes_under(folder: &Path) -> Vec<(String, bool, u32)> {
    use std::os::unix::fs::PermissionsExt;
    let mut found = Vec::new();
    let mut pending = vec![folder.to_path_buf()];
    while let Some(dir) = pending.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            let metadata = std::fs::symlink_metadata(&path).unwrap();
            let relative = path.strip_prefix(folder).unwrap().display().to_string();
            found.push((
                relative,
                metadata.is_dir(),
                metadata.permissions().mode() & 0o777,
            ));
            if metadata.is_dir() {
                pending.push(path);
            }
        }
    }
    found
}

#[actix_web::test]
async fn every_data_file_is_private_whatever_the_umask() {
    let root = tempfile::tempdir().unwrap();
    let data = root.path().join("data");
    let database = TestDatabase::new(&data.join("portal.db"));
    let address = format!("127.0.0.1:{}", crate::smtp::unused_port());
    let env = [
        ("PORTAL_DATA_DIR", data.to_str().unwrap()),
        ("DATABASE_URL", database.url()),
        ("PORTAL_LOG", "warn"),
        ("PORTAL_BIND", address.as_str()),
        ("PORTAL_METRICS_BIND", "127.0.0.1:0"),
        ("PORTAL_NOTIFY_TO", "desk@dhs.example"),
        ("PORTAL_MAIL_POLL_SECONDS", "0.2"),
    ];
    let run = |args: &[&str]| -> Value {
        let output = permissive(args, &env).output().unwrap();
        assert!(output.status.success(), "{args:?}");
        serde_json::from_slice(&output.stdout).unwrap()
    };
    let organization = run(&["org", "create", "--name", "Umask Social", "--vetted"]);
    let credential = run(&[
        "credential",
        "create",
        "--org",
        organization["id"].as_str().unwrap(),
    ]);
    let _server = crate::helpers::ServerProcess(
        permissive(&["serve"], &env)
            .stdout(std::process::Stdio::null())
            .spawn()
            .unwrap(),
    );
    let base = format!("http://{address}");
    let client = reqwest::Client::new();
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
    while !client
        .get(format!("{base}/readyz"))
        .send()
        .await
        .is_ok_and(|r| r.status() == 200)
    {
        assert!(std::time::Instant::now() < deadline, "the server got ready");
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }

    // Some activity: a token, a report (an e-mail to the desk), an evidence file.
    let token: Value = client
        .post(format!("{base}/api/v1/auth/token"))
        .basic_auth(
            credential["client_id"].as_str().unwrap(),
            credential["client_secret"].as_str(),
        )
        .form(&[("grant_type", "client_credentials")])
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let token = token["access_token"].as_str().unwrap();
    let receipt = client
        .post(format!("{base}/api/v1/reports"))
        .bearer_auth(token)
        .json(&valid_report())
        .send()
        .await
        .unwrap();
    let receipt = expect(receipt, 201).await;
    let form = reqwest::multipart::Form::new().part(
        "file",
        reqwest::multipart::Part::bytes(b"Plain text evidence.".to_vec()).file_name("a.txt"),
    );
    let uploaded = client
        .post(format!(
            "{base}/api/v1/reports/{}/evidence",
            receipt["id"].as_str().unwrap()
        ))
        .bearer_auth(token)
        .multipart(form)
        .send()
        .await
        .unwrap();
    expect(uploaded, 201).await;
    let mail_sent = || {
        std::fs::read_dir(data.join("mail")).is_ok_and(|files| {
            files
                .flatten()
                .any(|f| f.path().extension().is_some_and(|e| e == "eml"))
        })
    };
    while !mail_sent() {
        assert!(
            std::time::Instant::now() < deadline,
            "the e-mail was written"
        );
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }

    let found = modes_under(&data);
    let open: Vec<_> = found
        .iter()
        .filter(|(_, is_dir, mode)| *mode != if *is_dir { 0o700 } else { 0o600 })
        .collect();
    assert!(open.is_empty(), "open to others: {open:?}");
    let names: Vec<&str> = found.iter().map(|(name, _, _)| name.as_str()).collect();
    let mut expected = vec![
        "jwt-ed25519.pem",
        "search.key",
        "keys.db",
        "master-keys",
        "evidence",
        "mail",
    ];
    if !database.url().starts_with("postgres") {
        expected.extend(["portal.db", "portal.db-wal", "portal.db-shm"]);
    }
    for name in expected {
        assert!(names.contains(&name), "{name} in {names:?}");
    }
    for folder in ["master-keys/", "evidence/", "mail/"] {
        assert!(
            found
                .iter()
                .any(|(name, is_dir, _)| name.starts_with(folder) && !is_dir),
            "a file under {folder}: {names:?}"
        );
    }
    use std::os::unix::fs::PermissionsExt;
    let top = std::fs::metadata(&data).unwrap().permissions().mode() & 0o777;
    assert_eq!(top, 0o700, "the data folder");
}
