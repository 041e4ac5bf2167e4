//! The command line: `serve` (the default) and the administrative commands, each of which
//! prints one JSON object on stdout.

use std::path::PathBuf;

use clap::{Parser, Subcommand};
use serde::Serialize;

use crate::config::Settings;
use crate::db::{self, DbConnection};
use crate::domain::organization::{CredentialMode, OrganizationStatus};
use crate::domain::user::{NewUser, Role};
use crate::store;

/// report-portal: receives cartel-recruitment reports from vetted companies for DHS.
#[derive(Debug, Parser)]
#[command(name = "report-portal", version, about)]
pub struct Cli {
    /// A TOML settings file (environment variables override it).
    #[arg(long, global = true, env = "PORTAL_CONFIG")]
    pub config: Option<PathBuf>,
    /// What to do; `serve` when absent.
    #[command(subcommand)]
    pub command: Option<Command>,
}

/// The sub-commands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Apply pending migrations, then serve HTTP on `PORTAL_BIND`.
    Serve,
    /// Apply pending migrations and exit; prints `{"applied": N}`.
    Migrate,
    /// Print the OpenAPI document.
    Openapi,
    /// Manage organizations.
    #[command(subcommand)]
    Org(OrgCommand),
    /// Manage API credentials.
    #[command(subcommand)]
    Credential(CredentialCommand),
    /// Manage staff accounts.
    #[command(subcommand)]
    User(UserCommand),
    /// Deliver the e-mail notifications due now, once, and exit; prints
    /// `{"sent": N, "failed": M, "retried": K}`.
    Deliver,
}

/// `user` sub-commands.
#[derive(Debug, Subcommand)]
pub enum UserCommand {
    /// Create a staff account; without `--password-stdin` a password is generated and printed once.
    Create {
        /// The sign-in e-mail address.
        #[arg(long)]
        email: String,
        /// `analyst`, `supervisor`, `auditor` or `admin`.
        #[arg(long, value_enum)]
        role: Role,
        /// The name shown to colleagues (default: the e-mail address).
        #[arg(long)]
        name: Option<String>,
        /// Read the password from the first line of standard input.
        #[arg(long)]
        password_stdin: bool,
        /// E-mail this user about new reports.
        #[arg(long)]
        notify: bool,
    },
}

/// `org` sub-commands.
#[derive(Debug, Subcommand)]
pub enum OrgCommand {
    /// Create an organization (pending unless `--vetted`).
    Create {
        /// The company's name.
        #[arg(long)]
        name: String,
        /// Its contact e-mail address.
        #[arg(long)]
        contact_email: Option<String>,
        /// Create it already vetted.
        #[arg(long)]
        vetted: bool,
    },
    /// Mark an organization vetted: it may obtain tokens and submit.
    Vet {
        /// The organization's id.
        id: String,
    },
    /// Suspend an organization: its tokens stop working within a minute.
    Suspend {
        /// The organization's id.
        id: String,
    },
}

/// `credential` sub-commands.
#[derive(Debug, Subcommand)]
pub enum CredentialCommand {
    /// Issue an API credential; the secret is printed once and stored only as a hash.
    Create {
        /// The organization's id.
        #[arg(long)]
        org: String,
        /// `live` for real reports, `test` for integration testing.
        #[arg(long, value_enum, default_value_t = CredentialMode::Live)]
        mode: CredentialMode,
        /// A note on what the credential is for.
        #[arg(long)]
        label: Option<String>,
    },
}

#[derive(Serialize)]
struct Applied {
    applied: usize,
}

/// Runs a command other than `serve`, printing its result as one JSON object on stdout.
pub fn run_command(command: Command, settings: &Settings) -> anyhow::Result<()> {
    if let Command::Openapi = command {
        println!("{}", crate::openapi::document().to_pretty_json()?);
        return Ok(());
    }
    if let Command::Deliver = command {
        return print(&crate::mail::worker::deliver_once(settings)?);
    }
    let pool = db::connect(
        &settings.database_url(),
        1,
        std::time::Duration::from_secs(settings.db_timeout_seconds),
    )?;
    let mut conn = pool.get()?;
    let applied = db::run_migrations(&mut conn)?;
    let conn: &mut DbConnection = &mut conn;
    match command {
        Command::Serve | Command::Openapi | Command::Deliver => {
            unreachable!("handled by the caller")
        }
        Command::Migrate => print(&Applied { applied }),
        Command::Org(OrgCommand::Create {
            name,
            contact_email,
            vetted,
        }) => {
            let status = if vetted {
                OrganizationStatus::Vetted
            } else {
                OrganizationStatus::Pending
            };
            print(&store::organizations::create_organization(
                conn,
                &name,
                contact_email.as_deref(),
                status,
            )?)
        }
        Command::Org(OrgCommand::Vet { id }) => print(
            &store::organizations::set_organization_status(conn, &id, OrganizationStatus::Vetted)?,
        ),
        Command::Org(OrgCommand::Suspend { id }) => {
            print(&store::organizations::set_organization_status(
                conn,
                &id,
                OrganizationStatus::Suspended,
            )?)
        }
        Command::Credential(CredentialCommand::Create { org, mode, label }) => print(
            &store::organizations::create_credential(conn, &org, mode, label.as_deref())?,
        ),
        Command::User(UserCommand::Create {
            email,
            role,
            name,
            password_stdin,
            notify,
        }) => {
            let password = if password_stdin {
                let mut line = String::new();
                std::io::stdin().read_line(&mut line)?;
                Some(line.trim_end_matches(['\r', '\n']).to_owned())
            } else {
                None
            };
            let display_name = name.unwrap_or_else(|| email.clone());
            let new = NewUser {
                email,
                display_name,
                role,
                password,
                notify,
            };
            print(&store::users::register(conn, &new)?)
        }
    }
}

fn print(value: &impl Serialize) -> anyhow::Result<()> {
    println!("{}", serde_json::to_string(value)?);
    Ok(())
}
