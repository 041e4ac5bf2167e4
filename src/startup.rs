//! Building the application: state, migrations, the actix `App`, the HTTP server, the e-mail
//! worker beside it, and the background sealing of the audit log and compaction of statistics.

use std::net::TcpListener;
use std::sync::Arc;
use std::time::{Duration, Instant};

use actix_web::body::MessageBody;
use actix_web::dev::{Server, ServiceFactory, ServiceRequest, ServiceResponse};
use actix_web::http::header;
use actix_web::middleware::from_fn;
use actix_web::{App, HttpServer, web};
use tokio::sync::{Notify, watch};
use utoipa::OpenApi;
use utoipa_actix_web::AppExt;
use utoipa_swagger_ui::SwaggerUi;

use crate::config::Settings;
use crate::db::background;
use crate::error::ApiError;
use crate::mail::worker::Worker;
use crate::openapi::ApiDoc;
use crate::routes;
use crate::state::AppState;
use crate::store::{audit, stats};

/// How long requests in flight may take to finish once the server is told to stop; the process
/// exits within about this long after SIGTERM, well inside the usual 30 s grace periods.
pub const SHUTDOWN_GRACE: Duration = Duration::from_secs(5);

/// The application bound to its port, ready to run.
pub struct Application {
    port: u16,
    server: Server,
    /// The e-mail worker, unless `mail_worker` is off.
    mail_worker: Option<Worker>,
    mail_wakeup: Arc<Notify>,
}

impl Application {
    /// Opens the database, applies pending migrations, prepares the e-mail worker, and binds
    /// `settings.bind` (port 0 picks a free port, as the tests do).
    pub fn build(settings: Settings) -> anyhow::Result<Self> {
        let state = AppState::new(settings)?;
        let applied = state.migrate()?;
        if applied > 0 {
            tracing::info!(applied, "applied database migrations");
        }
        let mail_worker = if state.settings.mail_worker {
            Some(Worker::new(state.pool.clone(), &state.settings)?)
        } else {
            None
        };
        let mail_wakeup = state.mail_wakeup.clone();
        let listener = TcpListener::bind(&state.settings.bind)?;
        let port = listener.local_addr()?.port();
        let workers = match state.settings.workers {
            0 => std::thread::available_parallelism().map_or(2, |n| n.get()),
            n => n,
        };
        let state = web::Data::new(state);
        actix_web::rt::spawn(background::task(seal_audit_log(state.clone())));
        actix_web::rt::spawn(background::task(compact_statistics(state.clone())));
        if state.settings.purge_interval_seconds > 0 {
            let interval = Duration::from_secs(state.settings.purge_interval_seconds);
            actix_web::rt::spawn(background::task(crate::retention::run_on_schedule(
                state.clone(),
                interval,
            )));
        }
        let request_timeout = Duration::from_secs(state.settings.client_request_timeout_seconds);
        let tls = tls_config(&state.settings)?;
        let server = HttpServer::new(move || build_app(state.clone()))
            .workers(workers)
            .client_request_timeout(request_timeout)
            .client_disconnect_timeout(Duration::from_secs(5))
            .keep_alive(Duration::from_secs(30))
            .shutdown_timeout(SHUTDOWN_GRACE.as_secs())
            .disable_signals();
        let https = tls.is_some();
        let server = match tls {
            Some(tls) => server.listen_rustls_0_23(listener, tls)?,
            None => server.listen(listener)?,
        }
        .run();
        tracing::info!(port, https, "listening");
        Ok(Self {
            port,
            server,
            mail_worker,
            mail_wakeup,
        })
    }

    /// The port the server listens on.
    pub fn port(&self) -> u16 {
        self.port
    }

    /// A handle that stops the server from elsewhere (as SIGTERM does).
    pub fn handle(&self) -> actix_web::dev::ServerHandle {
        self.server.handle()
    }

    /// Serves and delivers e-mail until the process is told to stop (SIGINT/SIGTERM) or the
    /// server is stopped through its [`handle`](Self::handle). On a signal it stops accepting
    /// connections and the e-mail worker stops at once: requests in flight get
    /// [`SHUTDOWN_GRACE`] to finish (idle keep-alive connections are closed), the worker finishes
    /// the message it is sending and gives back the rest of its claims.
    pub async fn run_until_stopped(self) -> std::io::Result<()> {
        let (stop, stopped) = watch::channel(false);
        let mail_worker = self
            .mail_worker
            .map(|worker| actix_web::rt::spawn(worker.run(self.mail_wakeup, stopped)));
        let handle = self.server.handle();
        let stop_on_signal = stop.clone();
        let signals = actix_web::rt::spawn(async move {
            stop_signal().await;
            tracing::info!("stopping");
            let _ = stop_on_signal.send(true);
            handle.stop(true).await;
        });
        let served = self.server.await;
        signals.abort();
        let _ = stop.send(true);
        if let Some(mail_worker) = mail_worker {
            let _ = mail_worker.await;
        }
        served
    }
}

/// Waits for SIGTERM or SIGINT (Ctrl-C).
async fn stop_signal() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        match signal(SignalKind::terminate()) {
            Ok(mut terminate) => tokio::select! {
                _ = terminate.recv() => {}
                _ = tokio::signal::ctrl_c() => {}
            },
            Err(error) => {
                tracing::warn!(%error, "cannot listen for SIGTERM; stopping on Ctrl-C only");
                let _ = tokio::signal::ctrl_c().await;
            }
        }
    }
    #[cfg(not(unix))]
    let _ = tokio::signal::ctrl_c().await;
}

/// The TLS configuration of `tls_cert` and `tls_key` (PEM files), when they are set: TLS 1.2 and
/// 1.3 with rustls' safe defaults, ring as the crypto provider.
fn tls_config(settings: &Settings) -> anyhow::Result<Option<rustls::ServerConfig>> {
    use rustls::pki_types::pem::PemObject;
    use rustls::pki_types::{CertificateDer, PrivateKeyDer};
    match (settings.tls_cert.is_empty(), settings.tls_key.is_empty()) {
        (true, true) => return Ok(None),
        (false, false) => {}
        _ => anyhow::bail!("tls_cert and tls_key go together: set both or neither"),
    }
    let chain = CertificateDer::pem_file_iter(&settings.tls_cert)
        .and_then(|certificates| certificates.collect::<Result<Vec<_>, _>>())
        .map_err(|e| anyhow::anyhow!("cannot read tls_cert {}: {e}", settings.tls_cert))?;
    let key = PrivateKeyDer::from_pem_file(&settings.tls_key)
        .map_err(|e| anyhow::anyhow!("cannot read tls_key {}: {e}", settings.tls_key))?;
    let config = rustls::ServerConfig::builder_with_provider(Arc::new(
        rustls::crypto::ring::default_provider(),
    ))
    .with_safe_default_protocol_versions()?
    .with_no_client_auth()
    .with_single_cert(chain, key)
    .map_err(|e| anyhow::anyhow!("tls_cert and tls_key do not make a certificate: {e}"))?;
    Ok(Some(config))
}

/// Seals new audit events into the hash chain every second, and writes the chain's head to the
/// log every hour, so that a rewrite of the whole table can be detected against the logs.
async fn seal_audit_log(state: web::Data<AppState>) {
    const HEAD_LOG_EVERY: Duration = Duration::from_secs(3600);
    let mut ticks = actix_web::rt::time::interval(Duration::from_secs(1));
    let mut head_logged: Option<Instant> = None;
    loop {
        ticks.tick().await;
        let sealed = state
            .db(|conn| Ok((audit::seal(conn)?, audit::head(conn)?)))
            .await;
        match sealed {
            Ok((_, head)) if head_logged.is_none_or(|at| at.elapsed() >= HEAD_LOG_EVERY) => {
                if let Some((seq, hash)) = head {
                    tracing::info!(seq, hash, "audit chain head");
                }
                head_logged = Some(Instant::now());
            }
            Ok(_) => {}
            Err(error) => tracing::warn!(%error, "could not seal the audit log"),
        }
    }
}

/// Folds the statistics rollups' shards of past days into one row per key every hour (from
/// startup on), so that reads over a year stay short; safe with many replicas doing it at once.
async fn compact_statistics(state: web::Data<AppState>) {
    let mut ticks = actix_web::rt::time::interval(Duration::from_secs(3600));
    loop {
        ticks.tick().await;
        let today = chrono::Utc::now().date_naive();
        match state.db(move |conn| stats::compact(conn, today)).await {
            Ok(days) => tracing::debug!(days, "statistics compacted"),
            Err(error) => tracing::warn!(%error, "could not compact the statistics"),
        }
    }
}

/// The actix application: every route, the documentation, the request-id middleware, and
/// problem+json answers for anything the routes do not match (404, or 405 for a known path) or
/// cannot parse.
pub fn build_app(
    state: web::Data<AppState>,
) -> App<
    impl ServiceFactory<
        ServiceRequest,
        Config = (),
        Response = ServiceResponse<impl MessageBody>,
        Error = actix_web::Error,
        InitError = (),
    >,
> {
    let cors = state.settings.cors_origins.iter().fold(
        actix_cors::Cors::default()
            .allowed_methods(["GET", "POST", "PATCH", "DELETE"])
            .allowed_headers([header::AUTHORIZATION, header::CONTENT_TYPE])
            .expose_headers([header::LOCATION, header::RETRY_AFTER])
            .max_age(600),
        |cors, origin| cors.allowed_origin(origin),
    );
    let app =
        App::new()
            .app_data(state)
            .app_data(web::PathConfig::default().error_handler(|_, _| ApiError::NotFound.into()))
            .app_data(web::QueryConfig::default().error_handler(|e, _| {
                ApiError::BadRequest(format!("bad query parameter: {e}")).into()
            }))
            .into_utoipa_app()
            .openapi(ApiDoc::openapi());
    let (app, document) = routes::mount(app).split_for_parts();
    app.app_data(web::Data::new(routes::methods::KnownPaths::of(&document)))
        .service(SwaggerUi::new("/docs/{_:.*}").url("/api-docs/openapi.json", document))
        .default_service(web::to(routes::methods::not_routed))
        .wrap(cors)
        .wrap(from_fn(routes::request_id::middleware))
}
