//! A real HTTP webhook receiver for the tests: an actix server on a loopback port that records
//! every request (headers, body) and answers a status the test chooses.

use std::sync::atomic::{AtomicU16, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use actix_web::{App, HttpRequest, HttpResponse, HttpServer, web};
use reqwest::header::{HeaderMap, HeaderName, HeaderValue};

/// One request the receiver got.
#[derive(Debug, Clone)]
pub struct Received {
    /// Its headers.
    pub headers: HeaderMap,
    /// Its body.
    pub body: Vec<u8>,
    /// When it arrived.
    pub at: chrono::DateTime<chrono::Utc>,
}

impl Received {
    /// The body as JSON.
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_slice(&self.body).unwrap()
    }

    /// The value of `name`.
    pub fn header(&self, name: &str) -> String {
        self.headers[name].to_str().unwrap().to_owned()
    }
}

#[derive(Default)]
struct Shared {
    received: Mutex<Vec<Received>>,
    answer: AtomicU16,
}

/// The receiver, stopped when dropped.
pub struct Receiver {
    /// Its port on 127.0.0.1.
    pub port: u16,
    shared: Arc<Shared>,
    server: Option<(actix_web::dev::ServerHandle, std::thread::JoinHandle<()>)>,
}

impl Receiver {
    /// A receiver on a free port, answering 204.
    pub fn start() -> Self {
        Self::start_on(0)
    }

    /// A receiver on `port` (0: a free one), answering 204.
    pub fn start_on(port: u16) -> Self {
        let shared = Arc::new(Shared {
            answer: AtomicU16::new(204),
            ..Shared::default()
        });
        let data = web::Data::from(shared.clone());
        let (started, running) = std::sync::mpsc::channel();
        let thread = std::thread::spawn(move || {
            actix_web::rt::System::new().block_on(async move {
                let server = HttpServer::new(move || {
                    App::new()
                        .app_data(data.clone())
                        .default_service(web::to(record))
                })
                .workers(1)
                .disable_signals()
                .bind(("127.0.0.1", port))
                .unwrap();
                let port = server.addrs()[0].port();
                let server = server.run();
                started.send((port, server.handle())).unwrap();
                let _ = server.await;
            })
        });
        let (port, handle) = running.recv().unwrap();
        Self {
            port,
            shared,
            server: Some((handle, thread)),
        }
    }

    /// The URL to register.
    pub fn url(&self) -> String {
        format!("http://127.0.0.1:{}/hooks", self.port)
    }

    /// Answer `status` from now on.
    pub fn answer(&self, status: u16) {
        self.shared.answer.store(status, Ordering::SeqCst);
    }

    /// What arrived so far, in order of arrival.
    pub fn received(&self) -> Vec<Received> {
        self.shared.received.lock().unwrap().clone()
    }

    /// Waits (up to `seconds`) until `count` requests arrived; answers them all.
    pub async fn wait_for(&self, count: usize, seconds: u64) -> Vec<Received> {
        let deadline = Instant::now() + Duration::from_secs(seconds);
        loop {
            let received = self.received();
            if received.len() >= count {
                return received;
            }
            assert!(
                Instant::now() < deadline,
                "{} of {count} webhook requests arrived: {:?}",
                received.len(),
                received.iter().map(Received::json).collect::<Vec<_>>()
            );
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }
}

impl Drop for Receiver {
    fn drop(&mut self) {
        if let Some((handle, thread)) = self.server.take() {
            let stop = std::thread::spawn(move || {
                actix_web::rt::System::new().block_on(handle.stop(false))
            });
            let _ = stop.join();
            let _ = thread.join();
        }
    }
}

async fn record(req: HttpRequest, body: web::Bytes, shared: web::Data<Shared>) -> HttpResponse {
    let mut headers = HeaderMap::new();
    for (name, value) in req.headers() {
        headers.append(
            HeaderName::from_bytes(name.as_str().as_bytes()).unwrap(),
            HeaderValue::from_bytes(value.as_bytes()).unwrap(),
        );
    }
    shared.received.lock().unwrap().push(Received {
        headers,
        body: body.to_vec(),
        at: chrono::Utc::now(),
    });
    let status = shared.answer.load(Ordering::SeqCst);
    HttpResponse::build(actix_web::http::StatusCode::from_u16(status).unwrap()).finish()
}
