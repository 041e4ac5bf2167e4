//! Staff sign-in through OpenID Connect. The `#[ignore]`d tests run against a real OpenID
//! provider on loopback (the certified `oidc-provider` npm package, tests/oidc-provider/, which
//! `.ci/oidc.sh` installs) and drive the whole flow over HTTP: the portal's start, the
//! provider's login and consent pages, the portal's callback, the tokens, a review request.
//! The others need nothing outside: what the portal decides before it contacts a provider.

use std::collections::BTreeMap;
use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::time::Duration;

use diesel::prelude::*;
use report_portal::auth::oidc::OidcProvider;
use report_portal::config::{SecretText, Settings};
use report_portal::db::schema::oidc_logins;
use report_portal::domain::user::Role;
use reqwest::redirect::Policy;
use serde_json::{Value, json};

use crate::helpers::{ServerProcess, TestApp, expect, spawn_app_with};
use crate::mfa::audited;
use crate::smtp::unused_port;

/// The portal's client secret at the provider.
const SECRET: &str = "portal-client-secret-for-tests";
/// The mapping of the tests: alice is an analyst, carol a supervisor, bob has no role.
const ROLES: &str = "portal-analysts=analyst,portal-supervisors=supervisor";

/// The provider process and its address.
struct TestProvider {
    issuer: String,
    port: u16,
    clients: String,
    _process: ServerProcess,
}

impl TestProvider {
    /// Starts the provider on `port` (a fresh one when `None`) with `clients`; a restart on the
    /// same port is a key rotation (each start makes a new key).
    fn start(port: Option<u16>, clients: &str) -> Self {
        Self::start_with_clock(port, clients, 0)
    }

    /// Like [`TestProvider::start`], with the provider's clock `offset` seconds off. Node was
    /// once seen (in CI) to hang before it listened, its main thread waiting on a lock: a start
    /// that does not say `ready` within 30 seconds is killed and tried again, three times at most.
    fn start_with_clock(port: Option<u16>, clients: &str, offset: i64) -> Self {
        let port = port.unwrap_or_else(unused_port);
        (0..3)
            .find_map(|_| Self::try_start(port, clients, offset))
            .expect("the provider said ready within 30 seconds in one of three starts")
    }

    /// One start of the provider on `port`: `None` when it says nothing within 30 seconds (it
    /// is killed then).
    fn try_start(port: u16, clients: &str, offset: i64) -> Option<Self> {
        let script = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/tests/oidc-provider/provider.mjs"
        );
        let mut child = Command::new("node")
            .arg(script)
            .env("PORT", port.to_string())
            .env("CLIENTS", clients)
            .env("CLOCK_OFFSET_SECONDS", offset.to_string())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("node runs (.ci/oidc.sh installs the provider)");
        let stdout = child.stdout.take().unwrap();
        let process = ServerProcess(child);
        let (first_line, read) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            let mut stdout = BufReader::new(stdout);
            let mut line = String::new();
            stdout.read_line(&mut line).unwrap();
            let _ = first_line.send(line);
            // Whatever else it prints is read and dropped (a closed pipe would stop it).
            std::io::copy(&mut stdout, &mut std::io::sink())
        });
        let line = read.recv_timeout(Duration::from_secs(30)).ok()?;
        assert!(
            line.starts_with("ready "),
            "the provider did not start: {line:?}"
        );
        Some(TestProvider {
            issuer: line["ready ".len()..].trim().to_owned(),
            port,
            clients: clients.to_owned(),
            _process: process,
        })
    }

    /// The same provider started again on its port, with a new signing key.
    fn rotate(self) -> Self {
        let (port, clients) = (self.port, self.clients.clone());
        drop(self);
        Self::start(Some(port), &clients)
    }
}

/// The clients registered at the provider: `portal` redirects to the portal's callback on
/// `app_port`; `other` is another application.
fn clients(app_port: u16) -> String {
    let callback = format!("http://127.0.0.1:{app_port}/api/v1/auth/oidc/callback");
    json!([
        {"client_id": "portal", "client_secret": SECRET, "redirect_uris": [callback]},
        {"client_id": "other", "client_secret": SECRET, "redirect_uris": ["http://127.0.0.1:9/cb"]},
    ])
    .to_string()
}

/// The portal's OpenID Connect settings for `provider` as client `client_id`.
fn configure(settings: &mut Settings, provider: &TestProvider, client_id: &str) {
    settings.oidc_issuer = provider.issuer.clone();
    settings.oidc_client_id = client_id.to_owned();
    settings.oidc_client_secret = SecretText(SECRET.into());
    settings.oidc_roles = ROLES.into();
    settings.oidc_return_to = "https://portal.example.gov/app/".into();
    settings.oidc_break_glass = "root@dhs.example".into();
    settings.auth_rate_limit_per_second = 1000;
    settings.auth_rate_limit_burst = 1000;
}

/// A provider (its clock `clock_offset` seconds off) and a portal configured for it.
async fn provider_and_app_with_clock(clock_offset: i64) -> (TestProvider, TestApp) {
    let app_port = unused_port();
    let provider = TestProvider::start_with_clock(None, &clients(app_port), clock_offset);
    let app = spawn_app_with(|s| {
        s.bind = format!("127.0.0.1:{app_port}");
        // The redirect URI follows from it.
        s.public_url = format!("http://127.0.0.1:{app_port}");
        configure(s, &provider, "portal");
    })
    .await;
    (provider, app)
}

/// A provider and a portal configured for it.
async fn provider_and_app() -> (TestProvider, TestApp) {
    provider_and_app_with_clock(0).await
}

/// A browser: follows no redirect by itself, keeps the provider's cookies.
struct Browser {
    client: reqwest::Client,
    cookies: BTreeMap<String, String>,
}

impl Browser {
    fn new() -> Self {
        Browser {
            client: reqwest::Client::builder()
                .redirect(Policy::none())
                .build()
                .unwrap(),
            cookies: BTreeMap::new(),
        }
    }

    async fn send(&mut self, request: reqwest::RequestBuilder) -> reqwest::Response {
        let cookie = self
            .cookies
            .iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect::<Vec<_>>()
            .join("; ");
        let response = request.header("cookie", cookie).send().await.unwrap();
        for set in response.headers().get_all("set-cookie") {
            let pair = set.to_str().unwrap().split(';').next().unwrap();
            if let Some((name, value)) = pair.split_once('=') {
                self.cookies.insert(name.into(), value.into());
            }
        }
        response
    }

    /// Starts a sign-in at the portal (with `return_to`), signs in at the provider as `user`
    /// and consents; answers the callback URL the provider sent the browser to (not yet
    /// opened).
    async fn sign_in_at_provider(&mut self, app: &TestApp, user: &str, return_to: &str) -> String {
        let start = format!(
            "{}/api/v1/auth/oidc/start?return_to={}",
            app.address,
            urlencode(return_to)
        );
        let response = self.send(self.client.get(&start)).await;
        assert_eq!(response.status(), 302, "the portal's start redirects");
        let mut location = header(&response, "location");
        let callback = format!("{}/api/v1/auth/oidc/callback", app.address);
        for _ in 0..20 {
            if location.starts_with(&callback) {
                return location;
            }
            let url = absolute(&location, &app.settings.oidc_issuer);
            let response = self.send(self.client.get(&url)).await;
            if response.status().is_redirection() {
                location = header(&response, "location");
                continue;
            }
            let page = response.text().await.unwrap();
            let action = between(&page, "action=\"", "\"");
            let form: Vec<(&str, &str)> = if page.contains("name=\"login\"") {
                vec![("prompt", "login"), ("login", user), ("password", "any")]
            } else {
                vec![("prompt", "consent")]
            };
            let post = self
                .client
                .post(absolute(&action, &app.settings.oidc_issuer))
                .form(&form);
            let response = self.send(post).await;
            assert!(response.status().is_redirection(), "{}", response.status());
            location = header(&response, "location");
        }
        panic!("the provider never sent the browser back to the portal");
    }
}

fn header(response: &reqwest::Response, name: &str) -> String {
    response.headers()[name].to_str().unwrap().to_owned()
}

fn absolute(location: &str, issuer: &str) -> String {
    if location.starts_with('/') {
        format!("{issuer}{location}")
    } else {
        location.to_owned()
    }
}

fn between(text: &str, before: &str, after: &str) -> String {
    let start = text
        .find(before)
        .unwrap_or_else(|| panic!("no {before} in the provider's page: {text}"))
        + before.len();
    let end = start + text[start..].find(after).unwrap();
    text[start..end]
        .replace("&#x2F;", "/")
        .replace("&amp;", "&")
}

fn urlencode(text: &str) -> String {
    url::form_urlencoded::byte_serialize(text.as_bytes()).collect()
}

/// Opens `callback` (the URL the provider sent the browser to) at the portal.
async fn open(app: &TestApp, callback: &str) -> reqwest::Response {
    app.client.get(callback).send().await.unwrap()
}

/// Replaces the `state` of callback URL `url` with `state`.
fn with_state(url: &str, state: &str) -> String {
    let mut parsed = url::Url::parse(url).unwrap();
    let pairs: Vec<(String, String)> = parsed
        .query_pairs()
        .map(|(k, v)| {
            let value = if k == "state" {
                state.to_owned()
            } else {
                v.into_owned()
            };
            (k.into_owned(), value)
        })
        .collect();
    parsed.query_pairs_mut().clear().extend_pairs(pairs);
    parsed.to_string()
}

/// The failures audited under `action`.
async fn failures(app: &TestApp, action: &str) -> usize {
    audited(app, action)
        .iter()
        .filter(|e| e.2 == "failure")
        .count()
}

#[tokio::test]
#[ignore = "needs Node.js and the oidc-provider package (.ci/oidc.sh installs it)"]
async fn two_users_sign_in_with_the_roles_their_groups_map_to() {
    let (_provider, app) = provider_and_app().await;
    let return_to = "https://portal.example.gov/app/reports";
    let mut ids = Vec::new();
    for (user, role) in [
        ("alice", "analyst"),
        ("carol", "supervisor"),
        ("alice", "analyst"),
    ] {
        let callback = Browser::new()
            .sign_in_at_provider(&app, user, return_to)
            .await;
        let signed_in = expect(open(&app, &callback).await, 200).await;
        assert_eq!(signed_in["return_to"], return_to);
        assert_eq!(signed_in["token_type"], "Bearer");
        let access = signed_in["access_token"].as_str().unwrap();
        let me = expect(app.get("/api/v1/me", access).await, 200).await;
        assert_eq!(me["role"], role, "{user}");
        assert_eq!(me["email"], format!("{user}@idp.example"));
        ids.push(me["id"].as_str().unwrap().to_owned());
        // A review request with the portal's token.
        expect(app.get("/api/v1/review/reports", access).await, 200).await;
        // The refresh token works as after a password sign-in.
        let refreshed = app
            .client
            .post(format!("{}/api/v1/auth/token", app.address))
            .form(&[
                ("grant_type", "refresh_token"),
                (
                    "refresh_token",
                    signed_in["refresh_token"].as_str().unwrap(),
                ),
            ])
            .send()
            .await
            .unwrap();
        expect(refreshed, 200).await;
    }
    // Keyed by the provider's `sub`: alice's second sign-in is the same account.
    assert_eq!(ids[0], ids[2]);
    assert_ne!(ids[0], ids[1]);
    assert_eq!(audited(&app, "auth.oidc.start").len(), 3);
    let logins = audited(&app, "auth.oidc.login");
    assert_eq!(logins.len(), 3);
    assert!(logins.iter().all(|e| e.2 == "success"));
}

#[tokio::test]
#[ignore = "needs Node.js and the oidc-provider package (.ci/oidc.sh installs it)"]
async fn a_user_whose_groups_map_to_no_role_is_refused_and_audited() {
    let (_provider, app) = provider_and_app().await;
    let callback = Browser::new()
        .sign_in_at_provider(&app, "bob", "https://portal.example.gov/app/")
        .await;
    expect(open(&app, &callback).await, 403).await;
    assert_eq!(failures(&app, "auth.oidc.failure.role").await, 1);
}

#[tokio::test]
#[ignore = "needs Node.js and the oidc-provider package (.ci/oidc.sh installs it)"]
async fn a_wrong_state_and_a_replayed_code_are_refused() {
    let (_provider, app) = provider_and_app().await;
    let callback = Browser::new()
        .sign_in_at_provider(&app, "alice", "https://portal.example.gov/app/")
        .await;
    expect(
        open(&app, &with_state(&callback, "forged-state")).await,
        400,
    )
    .await;
    expect(open(&app, &callback).await, 200).await;
    // The same callback again: its sign-in is used.
    expect(open(&app, &callback).await, 400).await;
    assert_eq!(failures(&app, "auth.oidc.failure.state").await, 2);

    // The redeemed code with the state of a new sign-in: the provider refuses it.
    let second = Browser::new()
        .sign_in_at_provider(&app, "alice", "https://portal.example.gov/app/")
        .await;
    let fresh_state = url::Url::parse(&second)
        .unwrap()
        .query_pairs()
        .find(|(k, _)| k == "state")
        .unwrap()
        .1
        .into_owned();
    expect(open(&app, &with_state(&callback, &fresh_state)).await, 401).await;
    assert_eq!(failures(&app, "auth.oidc.failure.code").await, 1);
}

#[tokio::test]
#[ignore = "needs Node.js and the oidc-provider package (.ci/oidc.sh installs it)"]
async fn an_id_token_with_another_nonce_is_refused() {
    let (_provider, app) = provider_and_app().await;
    let callback = Browser::new()
        .sign_in_at_provider(&app, "alice", "https://portal.example.gov/app/")
        .await;
    // The sign-in expects another nonce than the one the provider put in the token.
    app.with_db(|conn| {
        diesel::update(oidc_logins::table)
            .set(oidc_logins::nonce.eq("another-nonce"))
            .execute(conn)
            .unwrap()
    });
    expect(open(&app, &callback).await, 401).await;
    assert_eq!(failures(&app, "auth.oidc.failure.id_token").await, 1);
}

#[tokio::test]
#[ignore = "needs Node.js and the oidc-provider package (.ci/oidc.sh installs it)"]
async fn an_expired_id_token_is_refused() {
    // The provider's clock runs two hours behind: its ID tokens (10 minutes) have expired.
    let (_provider, app) = provider_and_app_with_clock(-7200).await;
    let callback = Browser::new()
        .sign_in_at_provider(&app, "alice", "https://portal.example.gov/app/")
        .await;
    expect(open(&app, &callback).await, 401).await;
    assert_eq!(failures(&app, "auth.oidc.failure.id_token").await, 1);
    assert!(crate::helpers::captured_logs().contains("Expired"));
}

/// Signs in at the provider as `user` for client `other` (another application) and redeems the
/// code there; answers its ID token and nonce.
async fn other_applications_id_token(provider: &TestProvider, user: &str) -> (String, String) {
    let mut browser = Browser::new();
    let nonce = "nonce-of-the-other-application";
    let verifier = "a-pkce-verifier-of-the-other-application-0123456789";
    let challenge = {
        use base64::Engine;
        use sha2::Digest;
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(sha2::Sha256::digest(verifier))
    };
    let mut location = format!(
        "{}/auth?client_id=other&response_type=code&scope=openid%20profile&redirect_uri={}&nonce={nonce}&state=s&code_challenge={challenge}&code_challenge_method=S256",
        provider.issuer,
        urlencode("http://127.0.0.1:9/cb")
    );
    for _ in 0..20 {
        if location.starts_with("http://127.0.0.1:9/cb") {
            break;
        }
        let url = absolute(&location, &provider.issuer);
        let response = browser.send(browser.client.get(&url)).await;
        if response.status().is_redirection() {
            location = header(&response, "location");
            continue;
        }
        let page = response.text().await.unwrap();
        let action = between(&page, "action=\"", "\"");
        let form: Vec<(&str, &str)> = if page.contains("name=\"login\"") {
            vec![("prompt", "login"), ("login", user)]
        } else {
            vec![("prompt", "consent")]
        };
        let post = browser
            .client
            .post(absolute(&action, &provider.issuer))
            .form(&form);
        location = header(&browser.send(post).await, "location");
    }
    let code = url::Url::parse(&location)
        .unwrap()
        .query_pairs()
        .find(|(k, _)| k == "code")
        .expect("a code")
        .1
        .into_owned();
    let tokens: Value = browser
        .client
        .post(format!("{}/token", provider.issuer))
        .basic_auth("other", Some(SECRET))
        .form(&[
            ("grant_type", "authorization_code"),
            ("code", &code),
            ("redirect_uri", "http://127.0.0.1:9/cb"),
            ("code_verifier", verifier),
        ])
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    (
        tokens["id_token"].as_str().expect("an ID token").to_owned(),
        nonce.to_owned(),
    )
}

#[tokio::test]
#[ignore = "needs Node.js and the oidc-provider package (.ci/oidc.sh installs it)"]
async fn an_id_token_for_another_audience_is_refused() {
    let provider = TestProvider::start(None, &clients(unused_port()));
    let (id_token, nonce) = other_applications_id_token(&provider, "alice").await;
    // A real token, signed by the provider, for `other`: the portal's check refuses it.
    let mut settings = Settings::default();
    configure(&mut settings, &provider, "portal");
    let portal = OidcProvider::new(&settings).unwrap().unwrap();
    let refused = portal.verify_id_token(&id_token, &nonce).await.unwrap_err();
    assert!(refused.to_string().contains("audience"), "{refused}");
    // The same token passes where `other` is the client: only the audience was wrong.
    configure(&mut settings, &provider, "other");
    let other = OidcProvider::new(&settings).unwrap().unwrap();
    other.verify_id_token(&id_token, &nonce).await.unwrap();
}

#[tokio::test]
#[ignore = "needs Node.js and the oidc-provider package (.ci/oidc.sh installs it)"]
async fn a_key_rotated_at_the_provider_is_fetched_again_at_most_once_a_minute() {
    let (provider, app) = provider_and_app().await;
    let callback = Browser::new()
        .sign_in_at_provider(&app, "alice", "https://portal.example.gov/app/")
        .await;
    expect(open(&app, &callback).await, 200).await;

    // The provider restarts with a new key: the portal fetches the keys again.
    let provider = provider.rotate();
    let callback = Browser::new()
        .sign_in_at_provider(&app, "alice", "https://portal.example.gov/app/")
        .await;
    expect(open(&app, &callback).await, 200).await;

    // Rotated again within the minute: the portal does not fetch again, and refuses.
    let _provider = provider.rotate();
    let callback = Browser::new()
        .sign_in_at_provider(&app, "alice", "https://portal.example.gov/app/")
        .await;
    expect(open(&app, &callback).await, 401).await;
    assert_eq!(failures(&app, "auth.oidc.failure.id_token").await, 1);
}

/// An application configured for a provider that is not there.
async fn app_with_unreachable_provider() -> TestApp {
    spawn_app_with(|s| {
        s.oidc_issuer = format!("http://127.0.0.1:{}", unused_port());
        s.oidc_client_id = "portal".into();
        s.oidc_client_secret = SecretText(SECRET.into());
        s.oidc_roles = ROLES.into();
        s.oidc_return_to = "https://portal.example.gov/app/".into();
        s.oidc_break_glass = "root@dhs.example, Other@dhs.example".into();
    })
    .await
}

#[tokio::test]
async fn with_oidc_only_break_glass_accounts_sign_in_with_a_password() {
    let app = app_with_unreachable_provider().await;
    let (_, analyst) = app.create_staff(Role::Analyst);
    let refused = expect(
        app.login(&analyst, crate::helpers::STAFF_PASSWORD).await,
        403,
    )
    .await;
    assert!(
        refused["detail"].as_str().unwrap().contains("oidc/start"),
        "{refused}"
    );

    let new = report_portal::domain::user::NewUser {
        email: "root@dhs.example".into(),
        display_name: "Break glass".into(),
        role: Role::Admin,
        notify: false,
    };
    app.with_db(|conn| {
        report_portal::service::users::register_with_password(
            conn,
            &new,
            Some(crate::helpers::STAFF_PASSWORD),
            None,
        )
        .unwrap()
    });
    expect(
        app.login("ROOT@dhs.example", crate::helpers::STAFF_PASSWORD)
            .await,
        200,
    )
    .await;
    assert_eq!(failures(&app, "auth.login.password_off").await, 1);
}

#[tokio::test]
async fn the_start_checks_return_to_and_answers_503_without_the_provider() {
    let app = app_with_unreachable_provider().await;
    let start = |return_to: &str| {
        app.client.get(format!(
            "{}/api/v1/auth/oidc/start?return_to={}",
            app.address,
            urlencode(return_to)
        ))
    };
    for refused in [
        "https://evil.example/app/",
        "https://portal.example.gov/elsewhere",
        "https://portal.example.gov.evil.example/app/",
        "https://user@portal.example.gov/app/",
    ] {
        let body = expect(start(refused).send().await.unwrap(), 422).await;
        assert_eq!(body["errors"][0]["pointer"], "/return_to", "{refused}");
    }
    expect(
        start("https://portal.example.gov/app/x")
            .send()
            .await
            .unwrap(),
        503,
    )
    .await;
    // A callback of no sign-in is refused before the provider is asked.
    let callback = format!(
        "{}/api/v1/auth/oidc/callback?code=x&state=never-started",
        app.address
    );
    expect(app.client.get(callback).send().await.unwrap(), 400).await;
}

#[tokio::test]
async fn without_oidc_the_endpoints_are_absent() {
    let app = spawn_app_with(|_| {}).await;
    for path in [
        "/api/v1/auth/oidc/start",
        "/api/v1/auth/oidc/callback?code=a&state=b",
    ] {
        let response = app
            .client
            .get(format!("{}{path}", app.address))
            .send()
            .await
            .unwrap();
        expect(response, 404).await;
    }
}
