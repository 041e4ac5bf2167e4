//! Building the application: state, migrations, the actix `App`, the HTTP server, the metrics
//! server on an address of its own, the e-mail worker beside them, and the background sealing
//! and checkpointing of the audit log, compaction of statistics and pruning of the rate limiters.

use std::cell::Cell;
use std::net::TcpListener;
use std::rc::Rc;
use std::sync::Arc;
use std::time::{Duration, Instant};

use actix_web::body::MessageBody;
use actix_web::dev::{Server, ServiceFactory, ServiceRequest, ServiceResponse};
use actix_web::http::header;
use actix_web::middleware::from_fn;
use actix_web::{App, HttpResponse, HttpServer, web};
use tokio::sync::{Notify, watch};
use utoipa::OpenApi;
use utoipa_actix_web::AppExt;
use utoipa_swagger_ui::SwaggerUi;

use crate::audit_chain;
use crate::config::Settings;
use crate::db::background::{self, FirstRun};
use crate::error::ApiError;
use crate::mail::worker::Worker;
use crate::openapi::ApiDoc;
use crate::routes;
use crate::state::AppState;
use crate::store::{self, audit, stats};
use crate::webhooks::Deliverer;

/// How long requests in flight may take to finish once the server is told to stop; the process
/// exits within about this long after SIGTERM, well inside the usual 30 s grace periods.
pub const SHUTDOWN_GRACE: Duration = Duration::from_secs(5);

/// The application bound to its port, ready to run.
pub struct Application {
    port: u16,
    server: Server,
    /// The `/metrics` server and its port, unless `metrics_bind` is empty.
    metrics: Option<(u16, Server)>,
    /// The e-mail worker, unless `mail_worker` is off.
    mail_worker: Option<Worker>,
    mail_wakeup: Arc<Notify>,
    /// The webhook delivery worker, unless `webhook_worker` is off.
    webhook_deliverer: Option<Deliverer>,
}

impl Application {
    /// Makes the data folder private, opens the database, applies pending migrations, prepares
    /// the e-mail worker, and binds `settings.bind` and `settings.metrics_bind` (port 0 picks a
    /// free port, as the tests do).
    pub fn build(settings: Settings) -> anyhow::Result<Self> {
        crate::private_files::secure_folder(&settings.data_dir)?;
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
        cut_off_stalled_clients(&listener, state.settings.stalled_client_timeout_seconds)?;
        let port = listener.local_addr()?.port();
        let workers = match state.settings.workers {
            0 => std::thread::available_parallelism().map_or(2, |n| n.get()),
            n => n,
        };
        let state = web::Data::new(state);
        actix_web::rt::spawn(seal_audit_log(state.clone()));
        actix_web::rt::spawn(compact_statistics(state.clone()));
        actix_web::rt::spawn(prune_sign_in_limits(state.clone()));
        actix_web::rt::spawn(routes::idempotency::prune_on_schedule(state.clone()));
        actix_web::rt::spawn(crate::webhooks::prune_events(state.clone()));
        actix_web::rt::spawn(crate::credential_expiry::warn_on_schedule(state.clone()));
        let webhook_deliverer = match state.settings.webhook_worker {
            true => Some(Deliverer::new(
                state.pool.clone(),
                state.keys.clone(),
                &state.settings,
            )?),
            false => None,
        };
        if state.settings.purge_interval_seconds > 0 {
            let interval = Duration::from_secs(state.settings.purge_interval_seconds);
            actix_web::rt::spawn(crate::retention::run_on_schedule(state.clone(), interval));
        }
        let metrics = match state.settings.metrics_bind.as_str() {
            "" => None,
            address => Some(metrics_server(state.clone(), address)?),
        };
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
            metrics,
            mail_worker,
            mail_wakeup,
            webhook_deliverer,
        })
    }

    /// The port the server listens on.
    pub fn port(&self) -> u16 {
        self.port
    }

    /// The port the metrics server listens on, unless `metrics_bind` is empty.
    pub fn metrics_port(&self) -> Option<u16> {
        self.metrics.as_ref().map(|(port, _)| *port)
    }

    /// A handle that stops the server from elsewhere (as SIGTERM does).
    pub fn handle(&self) -> actix_web::dev::ServerHandle {
        self.server.handle()
    }

    /// Serves and delivers e-mail until the process is told to stop (SIGINT/SIGTERM) or the
    /// server is stopped through its [`handle`](Self::handle). On a signal it stops accepting
    /// connections and the e-mail worker stops at once: requests in flight get
    /// [`SHUTDOWN_GRACE`] to finish (idle keep-alive connections are closed), the worker finishes
    /// the message it is sending and gives back the rest of its claims. Each part beside the
    /// server then has 30 s to stop (`stopped_within`).
    pub async fn run_until_stopped(self) -> std::io::Result<()> {
        let (stop, stopped) = watch::channel(false);
        let mail_worker = self
            .mail_worker
            .map(|worker| actix_web::rt::spawn(worker.run(self.mail_wakeup, stopped.clone())));
        let webhook_deliverer = self
            .webhook_deliverer
            .map(|deliverer| actix_web::rt::spawn(deliverer.run(stopped)));
        let metrics = self.metrics.map(|(_, server)| {
            let handle = server.handle();
            (handle, actix_web::rt::spawn(server))
        });
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
        if let Some((handle, server)) = metrics {
            stopped_within("the metrics server", async move {
                handle.stop(true).await;
                let _ = server.await;
            })
            .await;
        }
        let _ = stop.send(true);
        if let Some(mail_worker) = mail_worker {
            stopped_within("the e-mail worker", mail_worker).await;
        }
        if let Some(deliverer) = webhook_deliverer {
            stopped_within("the webhook deliverer", deliverer).await;
        }
        served
    }
}

/// How long each part that runs beside the server (the metrics server, the e-mail worker, the
/// webhook deliverer) may take to stop once the server has: longer than any of them needs to
/// finish what it is doing (a message's `smtp_timeout_seconds`, a delivery's
/// `webhook_timeout_seconds`, a database call's `db_timeout_seconds`).
const PART_STOP_WAIT: Duration = Duration::from_secs(30);

/// Waits for `part` to stop, at most [`PART_STOP_WAIT`]: one that does not is left behind and
/// named in an error in the log, so that the process still exits (what it had claimed is taken
/// again once its lease runs out).
async fn stopped_within(part: &'static str, stopping: impl std::future::Future) {
    if actix_web::rt::time::timeout(PART_STOP_WAIT, stopping)
        .await
        .is_err()
    {
        tracing::error!(
            part,
            waited_seconds = PART_STOP_WAIT.as_secs(),
            "a part of the application did not stop in time; left behind"
        );
    }
}

/// Makes the kernel cut off any connection accepted on `listener` whose client leaves what was
/// sent to it unacknowledged or unread (a closed receive window) for `seconds`
/// (`TCP_USER_TIMEOUT`, inherited by accepted sockets): a stalled download then frees its socket
/// instead of holding it, and whatever it holds, for ever. 0 keeps the system's default. Linux
/// only; elsewhere nothing is set.
fn cut_off_stalled_clients(listener: &TcpListener, seconds: u64) -> std::io::Result<()> {
    #[cfg(target_os = "linux")]
    if seconds > 0 {
        socket2::SockRef::from(listener)
            .set_tcp_user_timeout(Some(Duration::from_secs(seconds)))?;
    }
    #[cfg(not(target_os = "linux"))]
    let _ = (listener, seconds);
    Ok(())
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

/// The server of `GET /metrics` alone, on `address` (`metrics_bind`), with one worker; anything
/// else there is 404. Answers its port and the server.
fn metrics_server(state: web::Data<AppState>, address: &str) -> anyhow::Result<(u16, Server)> {
    let listener = TcpListener::bind(address)
        .map_err(|e| anyhow::anyhow!("cannot listen for metrics on {address}: {e}"))?;
    let port = listener.local_addr()?.port();
    let server = HttpServer::new(move || {
        App::new()
            .app_data(state.clone())
            .service(routes::ops::metrics)
            .default_service(web::to(|| async {
                Err::<HttpResponse, _>(ApiError::NotFound)
            }))
    })
    .workers(1)
    .shutdown_timeout(SHUTDOWN_GRACE.as_secs())
    .disable_signals()
    .listen(listener)?
    .run();
    tracing::info!(port, "serving metrics");
    Ok((port, server))
}

/// Seals new audit events into the hash chain every second, and checkpoints the chain's head
/// every `audit_checkpoint_seconds` (at most a minute; see [`audit_chain::checkpoint`]).
async fn seal_audit_log(state: web::Data<AppState>) {
    let checkpoint_every =
        Duration::from_secs(state.settings.audit_checkpoint_seconds.clamp(1, 60));
    let checkpointed = Rc::new(Cell::new(Instant::now()));
    let seal = || {
        let due = checkpointed.get().elapsed() >= checkpoint_every;
        let (keys, witness_file) = (state.keys.clone(), state.settings.audit_witness_path());
        let (state, checkpointed) = (state.clone(), checkpointed.clone());
        async move {
            state
                .db(move |conn| {
                    audit::seal(conn)?;
                    if due {
                        audit_chain::checkpoint(conn, &keys, witness_file.as_deref())?;
                    }
                    Ok(())
                })
                .await?;
            if due {
                checkpointed.set(Instant::now());
            }
            Ok::<_, ApiError>(())
        }
    };
    let what = "seal or checkpoint the audit log";
    background::every(Duration::from_secs(1), FirstRun::AtStart, what, seal).await
}

/// Every `rate_limit_prune_seconds`, forgets the rate limiters' callers and addresses that are
/// back to a full allowance, and the sign-in failure counters past their window, so that neither
/// the memory nor the table grows with every address and e-mail address ever seen.
async fn prune_sign_in_limits(state: web::Data<AppState>) {
    let period = Duration::from_secs(state.settings.rate_limit_prune_seconds.max(1));
    let prune = || async {
        state.rate_limits.forget_idle();
        let forgotten = state.db(store::users::forget_old_login_failures).await?;
        tracing::debug!(forgotten, "old sign-in failures forgotten");
        Ok::<_, ApiError>(())
    };
    let what = "forget old sign-in failures";
    background::every(period, FirstRun::AtStart, what, prune).await
}

/// Folds the statistics rollups' shards of past days into one row per key, and past months into
/// one row per key, every hour (from startup on), so that reads over a year stay short; safe
/// with many replicas doing it at once.
async fn compact_statistics(state: web::Data<AppState>) {
    let compact = || async {
        let today = chrono::Utc::now().date_naive();
        let compacted = state.db(move |conn| stats::compact(conn, today)).await?;
        tracing::debug!(compacted.days, compacted.months, "statistics compacted");
        Ok::<_, ApiError>(())
    };
    let (hour, what) = (Duration::from_secs(3600), "compact the statistics");
    background::every(hour, FirstRun::AtStart, what, compact).await
}

/// The actix application: every route, the documentation, the request-id middleware, the audit
/// of refused requests, and problem+json answers for anything the routes do not match (404, or
/// 405 for a known path) or cannot parse.
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
    let app = App::new()
        .app_data(state)
        .app_data(web::PathConfig::default().error_handler(|_, _| ApiError::NotFound.into()))
        .into_utoipa_app()
        .openapi(ApiDoc::openapi());
    let (app, document) = crate::openapi::mount(app);
    app.app_data(web::Data::new(routes::methods::KnownPaths::of(&document)))
        .service(SwaggerUi::new("/docs/{_:.*}").url("/api-docs/openapi.json", document))
        .default_service(web::to(routes::methods::not_routed))
        .wrap(from_fn(routes::admission::middleware))
        .wrap(from_fn(routes::refusal::middleware))
        .wrap(cors)
        .wrap(from_fn(routes::request_id::middleware))
}
