//! Building the application: state, migrations, the actix `App`, and the HTTP server.

use std::net::TcpListener;

use actix_web::body::MessageBody;
use actix_web::dev::{Server, ServiceFactory, ServiceRequest, ServiceResponse};
use actix_web::middleware::from_fn;
use actix_web::{App, HttpServer, web};
use utoipa::OpenApi;
use utoipa_actix_web::AppExt;
use utoipa_swagger_ui::SwaggerUi;

use crate::config::Settings;
use crate::db;
use crate::error::ApiError;
use crate::openapi::ApiDoc;
use crate::routes;
use crate::state::AppState;

/// The application bound to its port, ready to run.
pub struct Application {
    port: u16,
    server: Server,
}

impl Application {
    /// Opens the database, applies pending migrations, and binds `settings.bind`
    /// (port 0 picks a free port, as the tests do).
    pub fn build(settings: Settings) -> anyhow::Result<Self> {
        let state = AppState::new(settings)?;
        let applied = db::run_migrations(&mut *state.pool.get()?)?;
        if applied > 0 {
            tracing::info!(applied, "applied database migrations");
        }
        let listener = TcpListener::bind(&state.settings.bind)?;
        let port = listener.local_addr()?.port();
        let workers = match state.settings.workers {
            0 => std::thread::available_parallelism().map_or(2, |n| n.get()),
            n => n,
        };
        let state = web::Data::new(state);
        let server = HttpServer::new(move || build_app(state.clone()))
            .workers(workers)
            .listen(listener)?
            .run();
        tracing::info!(port, "listening");
        Ok(Self { port, server })
    }

    /// The port the server listens on.
    pub fn port(&self) -> u16 {
        self.port
    }

    /// Serves until the process is told to stop (SIGINT/SIGTERM), finishing requests in flight.
    pub async fn run_until_stopped(self) -> std::io::Result<()> {
        self.server.await
    }
}

/// The actix application: every route, the documentation, the request-id middleware, and
/// problem+json answers for anything the routes do not match or cannot parse.
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
    app.service(SwaggerUi::new("/docs/{_:.*}").url("/api-docs/openapi.json", document))
        .default_service(web::to(|| async {
            Err::<actix_web::HttpResponse, _>(ApiError::NotFound)
        }))
        .wrap(from_fn(routes::request_id::middleware))
}
