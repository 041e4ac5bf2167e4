//! Evidence files: streamed upload, checks of hash, type and size, encryption at rest,
//! deduplication, and the analysts' download.

use futures_util::stream;
use report_portal::domain::organization::CredentialMode;
use report_portal::domain::user::Role;
use reqwest::multipart::{Form, Part};
use serde_json::{Value, json};
use sha2::{Digest, Sha256};

use crate::helpers::{TestApp, expect, spawn_app, spawn_app_with, valid_report};

/// A PNG signature followed by `size` bytes of varied, distinctive data.
fn png(size: usize) -> Vec<u8> {
    let mut bytes = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR".to_vec();
    bytes.extend((0..size).map(|i| (i % 251) as u8 ^ (i / 251) as u8));
    bytes
}

/// A form whose file is sent as a stream of 64 KiB pieces, with no declared length.
fn streamed_form(bytes: &[u8]) -> Form {
    let pieces: Vec<Result<Vec<u8>, std::io::Error>> =
        bytes.chunks(64 * 1024).map(|c| Ok(c.to_vec())).collect();
    let body = reqwest::Body::wrap_stream(stream::iter(pieces));
    Form::new().part("file", Part::stream(body).file_name("capture.png"))
}

fn file_form(bytes: &[u8], name: &str, mime: &str) -> Form {
    Form::new().part(
        "file",
        Part::bytes(bytes.to_vec())
            .file_name(name.to_owned())
            .mime_str(mime)
            .unwrap(),
    )
}

async fn upload(app: &TestApp, token: &str, report_id: &str, form: Form) -> reqwest::Response {
    app.client
        .post(format!(
            "{}/api/v1/reports/{report_id}/evidence",
            app.address
        ))
        .bearer_auth(token)
        .multipart(form)
        .send()
        .await
        .unwrap()
}

/// Every file stored for `report_id`, with its bytes.
fn stored_files(app: &TestApp, report_id: &str) -> Vec<Vec<u8>> {
    let folder = app.settings.evidence_path().join(report_id);
    match std::fs::read_dir(folder) {
        Ok(entries) => entries
            .map(|e| std::fs::read(e.unwrap().path()).unwrap())
            .collect(),
        Err(_) => Vec::new(),
    }
}

#[actix_web::test]
async fn evidence_streams_in_encrypted_once_and_downloads_as_uploaded() {
    let app = spawn_app().await;
    let reporter = app.reporter(CredentialMode::Live).await;
    let (_, analyst) = app.staff(Role::Analyst).await;
    let id = app.submit(&reporter.token, &valid_report()).await["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let bytes = png(6 * 1024 * 1024);
    let sha256 = hex::encode(Sha256::digest(&bytes));

    let form = streamed_form(&bytes)
        .text("sha256", sha256.to_uppercase())
        .text("content_index", "0")
        .text("description", "Screen recording of the recruiting post");
    let stored = expect(upload(&app, &reporter.token, &id, form).await, 201).await;
    assert_eq!(stored["sha256"], sha256.as_str());
    assert_eq!(stored["size"], bytes.len());
    assert_eq!(stored["media_type"], "image/png");
    assert_eq!(stored["content_index"], 0);
    let evidence_id = stored["id"].as_str().unwrap();

    // At rest: one file, encrypted (no run of the plaintext in it).
    let files = stored_files(&app, &id);
    assert_eq!(files.len(), 1);
    assert!(files[0].len() > bytes.len());
    let sample = &bytes[1_000_000..1_000_064];
    assert!(!files[0].windows(sample.len()).any(|w| w == sample));
    assert!(!files[0].windows(8).any(|w| w == &bytes[..8]));

    // The same bytes again (not streamed this time): stored once, the first upload answered.
    let again = expect(
        upload(
            &app,
            &reporter.token,
            &id,
            file_form(&bytes, "other.png", "image/png"),
        )
        .await,
        200,
    )
    .await;
    assert_eq!(again["id"], evidence_id);
    assert_eq!(stored_files(&app, &id).len(), 1);

    let detail = expect(
        app.get(&format!("/api/v1/review/reports/{id}"), &analyst)
            .await,
        200,
    )
    .await;
    assert_eq!(detail["evidence"], json!([stored]));
    let download = app
        .get(
            &format!("/api/v1/review/reports/{id}/evidence/{evidence_id}"),
            &analyst,
        )
        .await;
    assert_eq!(download.status(), 200);
    assert_eq!(download.headers()["content-type"], "image/png");
    assert!(
        download.headers()["content-disposition"]
            .to_str()
            .unwrap()
            .starts_with("attachment")
    );
    assert_eq!(download.headers()["x-content-type-options"], "nosniff");
    let downloaded = download.bytes().await.unwrap();
    assert!(downloaded == bytes, "the download equals the upload");
    let detail = expect(
        app.get(&format!("/api/v1/review/reports/{id}"), &analyst)
            .await,
        200,
    )
    .await;
    let kinds: Vec<&str> = detail["timeline"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["kind"].as_str().unwrap())
        .collect();
    assert_eq!(kinds, ["received", "evidence", "evidence_download"]);

    // Neither the submitter nor an unknown evidence id downloads anything.
    let path = format!("/api/v1/review/reports/{id}/evidence/{evidence_id}");
    expect(app.get(&path, &reporter.token).await, 403).await;
    let unknown = format!("/api/v1/review/reports/{id}/evidence/{id}");
    expect(app.get(&unknown, &analyst).await, 404).await;
}

#[actix_web::test]
async fn evidence_that_is_not_what_it_claims_is_refused_and_nothing_is_kept() {
    let app = spawn_app().await;
    let reporter = app.reporter(CredentialMode::Live).await;
    let token = &reporter.token;
    let id = app.submit(token, &valid_report()).await["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let bytes = png(200_000);

    let wrong_hash = file_form(&bytes, "a.png", "image/png").text("sha256", "0".repeat(64));
    let refused = expect(upload(&app, token, &id, wrong_hash).await, 422).await;
    assert_eq!(refused["errors"][0]["pointer"], "/sha256");
    assert_eq!(refused["errors"][0]["code"], "mismatch");

    let elf = [&b"\x7fELF\x02\x01\x01\0"[..], &[0u8; 4096]].concat();
    let zip = [&b"PK\x03\x04\x14\0\0\0\x08\0"[..], &[7u8; 4096]].concat();
    for disguised in [elf, zip] {
        let form = file_form(&disguised, "photo.jpg", "image/jpeg");
        let refused = expect(upload(&app, token, &id, form).await, 422).await;
        assert_eq!(refused["errors"][0]["pointer"], "/file");
        assert_eq!(refused["errors"][0]["code"], "media_type");
    }

    let cases: Vec<(Form, &str)> = vec![
        (Form::new().text("description", "no file"), "/file"),
        (
            file_form(&bytes, "a.png", "image/png").text("content_index", "5"),
            "/content_index",
        ),
        (
            file_form(&bytes, "a.png", "image/png").text("content_index", "first"),
            "/content_index",
        ),
        (
            file_form(&bytes, "a.png", "image/png").text("colour", "red"),
            "/colour",
        ),
        (file_form(b"", "empty.txt", "text/plain"), "/file"),
        (
            file_form(&bytes, "a.png", "image/png")
                .part("file", Part::bytes(bytes.clone()).file_name("b.png")),
            "/file",
        ),
    ];
    for (form, pointer) in cases {
        let refused = expect(upload(&app, token, &id, form).await, 422).await;
        assert_eq!(refused["errors"][0]["pointer"], pointer);
    }
    assert!(
        stored_files(&app, &id).is_empty(),
        "nothing refused is kept"
    );

    let not_multipart = app
        .post_json(&format!("/api/v1/reports/{id}/evidence"), token, &json!({}))
        .await;
    expect(not_multipart, 415).await;
    let other = app.reporter(CredentialMode::Live).await;
    expect(
        upload(
            &app,
            &other.token,
            &id,
            file_form(&bytes, "a.png", "image/png"),
        )
        .await,
        404,
    )
    .await;

    // Plain text and HTML captures are accepted; a retracted report takes no more files.
    let text = expect(
        upload(
            &app,
            token,
            &id,
            file_form(
                "Se buscan jóvenes".as_bytes(),
                "t.bin",
                "application/octet-stream",
            ),
        )
        .await,
        201,
    )
    .await;
    assert_eq!(text["media_type"], "text/plain");
    let html = expect(
        upload(
            &app,
            token,
            &id,
            file_form(
                b"<!DOCTYPE html><html><body>captured</body></html>",
                "page.html",
                "text/html",
            ),
        )
        .await,
        201,
    )
    .await;
    assert_eq!(html["media_type"], "text/html");
    let retraction = json!({"reason": "mistake"});
    expect(
        app.post_json(
            &format!("/api/v1/reports/{id}/retraction"),
            token,
            &retraction,
        )
        .await,
        200,
    )
    .await;
    expect(
        upload(&app, token, &id, file_form(&bytes, "a.png", "image/png")).await,
        409,
    )
    .await;
}

#[actix_web::test]
async fn evidence_over_the_size_limit_is_refused_with_413() {
    let app = spawn_app_with(|settings| settings.max_evidence_bytes = 1024 * 1024).await;
    let reporter = app.reporter(CredentialMode::Live).await;
    let id = app.submit(&reporter.token, &valid_report()).await["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let big = png(2 * 1024 * 1024);

    // A declared length over the limit is refused without reading the body, and the
    // connection closed.
    let mut connection =
        std::net::TcpStream::connect(app.address.trim_start_matches("http://")).unwrap();
    connection
        .set_read_timeout(Some(std::time::Duration::from_secs(10)))
        .unwrap();
    let head = format!(
        "POST /api/v1/reports/{id}/evidence HTTP/1.1\r\nHost: portal\r\nAuthorization: Bearer {}\r\n\
         Content-Type: multipart/form-data; boundary=b\r\nContent-Length: {}\r\nExpect: 100-continue\r\n\r\n",
        reporter.token,
        big.len() + 200
    );
    std::io::Write::write_all(&mut connection, head.as_bytes()).unwrap();
    let mut answer = Vec::new();
    std::io::Read::read_to_end(&mut connection, &mut answer).unwrap();
    let answer = String::from_utf8_lossy(&answer);
    assert!(
        answer.contains("HTTP/1.1 413 Payload Too Large"),
        "{answer}"
    );
    assert!(
        answer.to_lowercase().contains("connection: close"),
        "{answer}"
    );

    // A stream of unknown length is refused as soon as it passes the limit.
    let streamed = expect(
        upload(&app, &reporter.token, &id, streamed_form(&big)).await,
        413,
    )
    .await;
    assert_eq!(streamed["status"], 413);
    assert!(stored_files(&app, &id).is_empty());
    let fits = png(1024 * 1024 - 100);
    let stored: Value = expect(
        upload(&app, &reporter.token, &id, streamed_form(&fits)).await,
        201,
    )
    .await;
    assert_eq!(stored["size"], fits.len());
}

/// `POST` a hand-made multipart `body` to a report's evidence, as a stream of 64 KiB pieces of
/// unknown length (chunked), with `content_type`.
async fn upload_raw(
    app: &TestApp,
    token: &str,
    report_id: &str,
    content_type: &str,
    body: Vec<u8>,
) -> reqwest::Response {
    try_upload_raw(app, token, report_id, content_type, body)
        .await
        .unwrap()
}

/// [`upload_raw`], where the server may answer and close before the client has sent the whole
/// body: the client may then see its write cut off (a broken pipe) instead of the answer.
async fn try_upload_raw(
    app: &TestApp,
    token: &str,
    report_id: &str,
    content_type: &str,
    body: Vec<u8>,
) -> reqwest::Result<reqwest::Response> {
    let pieces: Vec<Result<Vec<u8>, std::io::Error>> =
        body.chunks(64 * 1024).map(|c| Ok(c.to_vec())).collect();
    app.client
        .post(format!(
            "{}/api/v1/reports/{report_id}/evidence",
            app.address
        ))
        .bearer_auth(token)
        .header("content-type", content_type)
        .body(reqwest::Body::wrap_stream(stream::iter(pieces)))
        .send()
        .await
}

/// The problem answered to a body refused before it was read whole, or `None` when the server
/// closed the connection before the client could read the answer.
async fn refused_early(
    answer: reqwest::Result<reqwest::Response>,
    status: u16,
) -> Option<serde_json::Value> {
    match answer {
        Ok(response) => Some(expect(response, status).await),
        Err(error) if error.is_request() => None,
        Err(error) => panic!("{error}"),
    }
}

/// A multipart body (boundary `b`) of `fields` (name, value) and then a small PNG file.
fn form_body(preamble: &[u8], fields: &[(&str, &str)]) -> Vec<u8> {
    let mut body = preamble.to_vec();
    for (name, value) in fields {
        body.extend_from_slice(
            format!("--b\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n")
                .as_bytes(),
        );
    }
    body.extend_from_slice(
        b"--b\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.png\"\r\n\r\n",
    );
    body.extend_from_slice(&png(100));
    body.extend_from_slice(b"\r\n--b--\r\n");
    body
}

#[actix_web::test]
async fn every_part_of_an_upload_is_bounded_and_judged_before_it_is_stored() {
    let app = spawn_app_with(|settings| settings.max_evidence_bytes = 1024 * 1024).await;
    let reporter = app.reporter(CredentialMode::Live).await;
    let token = &reporter.token;
    let id = app.submit(token, &valid_report()).await["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let multipart = "multipart/form-data; boundary=b";

    // No boundary: a 400, not a panic; the server answers the next request.
    let problem = expect(
        upload_raw(&app, token, &id, "multipart/form-data", form_body(b"", &[])).await,
        400,
    )
    .await;
    assert!(problem["detail"].as_str().unwrap().contains("boundary"));

    // A NUL in the description: 422 where it is (PostgreSQL cannot store it).
    let nul = form_body(b"", &[("description", "screen\0shot")]);
    let problem = expect(upload_raw(&app, token, &id, multipart, nul).await, 422).await;
    assert_eq!(
        (
            &problem["errors"][0]["pointer"],
            &problem["errors"][0]["code"]
        ),
        (&json!("/description"), &json!("nul"))
    );

    // The same text field sent again and again, chunked (10 000 times 8 000 bytes were
    // accepted): refused at its first repeat.
    let long = "d".repeat(1900);
    let repeated = form_body(b"", &vec![("description", long.as_str()); 1000]);
    let answer = try_upload_raw(&app, token, &id, multipart, repeated).await;
    if let Some(problem) = refused_early(answer, 422).await {
        assert_eq!(
            (
                &problem["errors"][0]["pointer"],
                &problem["errors"][0]["code"]
            ),
            (&json!("/description"), &json!("duplicate"))
        );
    }

    // A chunked body past max_evidence_bytes and 64 KiB, however it is made up: 413.
    let padded = form_body(&vec![b'x'; 2 * 1024 * 1024], &[]);
    let answer = try_upload_raw(&app, token, &id, multipart, padded).await;
    refused_early(answer, 413).await;
    assert!(stored_files(&app, &id).is_empty());

    // And a proper form is stored.
    let fine = form_body(b"", &[("description", "Screenshot")]);
    let stored = expect(upload_raw(&app, token, &id, multipart, fine).await, 201).await;
    assert_eq!(stored["description"], "Screenshot");
}

#[actix_web::test]
async fn a_downloaded_file_keeps_its_sandbox_content_security_policy() {
    let app = spawn_app().await;
    let reporter = app.reporter(CredentialMode::Live).await;
    let analyst = app.staff_token(Role::Analyst).await;
    let id = app.submit(&reporter.token, &valid_report()).await["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let page = b"<!DOCTYPE html><html><script>alert(document.cookie)</script></html>";
    let form = file_form(page, "capture.html", "text/html");
    let stored = expect(upload(&app, &reporter.token, &id, form).await, 201).await;
    let evidence_id = stored["id"].as_str().unwrap();
    let download = app
        .get(
            &format!("/api/v1/review/reports/{id}/evidence/{evidence_id}"),
            &analyst,
        )
        .await;
    assert_eq!(download.status(), 200);
    assert_eq!(download.headers()["content-type"], "text/html");
    let policy = download.headers()["content-security-policy"]
        .to_str()
        .unwrap();
    let directives: Vec<&str> = policy.split(';').map(str::trim).collect();
    for directive in ["sandbox", "default-src 'none'", "frame-ancestors 'none'"] {
        assert!(directives.contains(&directive), "{policy}");
    }
}
