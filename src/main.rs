//! Entry point: parses the command line, sets up logging, and runs the chosen command.

#![warn(missing_docs)]

use clap::Parser;
use report_portal::cli::{Cli, Command, run_command};
use report_portal::config::Settings;
use report_portal::startup::Application;

/// jemalloc for the Rust code's allocations. Under 64 clients posting batches of 100, glibc's
/// malloc and free (capped at two arenas, below) took about a quarter of the server's CPU; with
/// jemalloc those batches ran at 1 793 and 1 895 reports/s against 1 349 and 1 100 (alternating
/// runs), for a peak RSS of 194 MB against 122–165 MB.
#[global_allocator]
static ALLOCATOR: tikv_jemallocator::Jemalloc = tikv_jemallocator::Jemalloc;

fn main() -> anyhow::Result<()> {
    report_portal::private_files::restrict_new_files();
    limit_malloc_arenas();
    let cli = Cli::parse();
    let settings = Settings::load(cli.config.as_deref())?;
    init_logging(&settings);
    match cli.command.unwrap_or(Command::Serve) {
        Command::Serve => actix_web::rt::System::new().block_on(async {
            let application = Application::build(settings)?;
            application.run_until_stopped().await?;
            Ok(())
        }),
        command => run_command(command, &settings),
    }
}

/// Caps glibc's malloc, which the C libraries (libpq, SQLite) still use, at two arenas. By
/// default each thread that meets contention gets an arena of its own (up to eight per core) and
/// keeps what is freed there: before jemalloc served the Rust code, the request threads' batches
/// of reports doubled the server's peak RSS that way (277 MB against 138 MB with two arenas).
/// Set before any other thread starts.
fn limit_malloc_arenas() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: mallopt only tunes the allocator, and no other thread runs yet.
    unsafe {
        libc::mallopt(libc::M_ARENA_MAX, 2);
    }
}

/// Logs go to stderr (stdout is reserved for the commands' JSON), as text or JSON lines.
fn init_logging(settings: &Settings) {
    use tracing_subscriber::EnvFilter;
    let filter = EnvFilter::try_from_env("PORTAL_LOG").unwrap_or_else(|_| EnvFilter::new("info"));
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr);
    if settings.log_format == "json" {
        builder.json().init();
    } else {
        builder.init();
    }
}
