//! Entry point: parses the command line, sets up logging, and runs the chosen command.

use clap::Parser;
use report_portal::cli::{Cli, Command, run_command};
use report_portal::config::Settings;
use report_portal::startup::Application;

fn main() -> anyhow::Result<()> {
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
