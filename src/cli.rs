//! The command line: `serve` (the default) and the administrative commands, each of which
//! prints one JSON object on stdout.

use std::path::PathBuf;

use clap::{Parser, Subcommand};
use serde::Serialize;

use crate::audit_chain::{self, Checkpointed};
use crate::config::Settings;
use crate::db::{self, DbConnection};
use crate::domain::audit::SignedCheckpoint;
use crate::domain::organization::{
    CredentialMode, NewCredential, NewOrganization, Organization, OrganizationStatus, StatusChange,
};
use crate::domain::user::{NewUser, Role};
use crate::error::ApiError;
use crate::import::ImportOptions;
use crate::keys::KeyStore;
use crate::seed::SeedOptions;
use crate::service;
use crate::store;
use crate::store::audit::{self, NewAuditEvent};

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
    /// Manage partner agencies, their collections and grants (TAXII sharing).
    #[command(subcommand)]
    Partner(crate::sharing_cli::PartnerCommand),
    /// Deliver the e-mail notifications due now, once, and exit; prints
    /// `{"sent": N, "failed": M, "retried": K}`.
    Deliver,
    /// The audit log.
    #[command(subcommand)]
    Audit(AuditCommand),
    /// The statistics rollups.
    #[command(subcommand)]
    Stats(StatsCommand),
    /// Purge the reports past their retention period (never a report on legal hold), once, and
    /// exit; prints `{"purged": N, "by_policy": {..}, "evidence_deleted": M}`.
    Purge {
        /// Change nothing; print the reports that would be purged.
        #[arg(long)]
        dry_run: bool,
    },
    /// The key store's master key.
    #[command(subcommand)]
    Keys(KeysCommand),
    /// Fill the database with synthetic reports (for benchmarks and demonstrations), through
    /// the same store code as the API; refuses a database holding live reports unless forced.
    /// Prints `{"reports": N, "organizations": K, "transitions": T, "seconds": S,
    /// "reports_per_second": R}`.
    Seed {
        /// How many reports.
        #[arg(long)]
        reports: u64,
        /// Spread over this many days before today (UTC).
        #[arg(long, default_value_t = 365)]
        days: u32,
        /// How many organizations (created, vetted) submit them.
        #[arg(long, default_value_t = 20)]
        organizations: u32,
        /// Seed even when the database already holds live reports.
        #[arg(long)]
        force: bool,
        /// Queue an e-mail to the analysts about every seeded report (none by default:
        /// synthetic reports are news to nobody).
        #[arg(long)]
        notify: bool,
        /// The random seed: the same value gives the same reports.
        #[arg(long, default_value_t = 1)]
        seed_value: u64,
        /// Write the reports to this file as NDJSON (one `POST /v1/reports` body a line, for
        /// `import`) instead of storing them; no database is touched. Prints `{"written": N}`.
        #[arg(long)]
        ndjson: Option<PathBuf>,
    },
    /// Import a platform's backlog: NDJSON, one report a line, each exactly the body of `POST
    /// /v1/reports`, submitted as the credential `--client-id` (its organization, in its mode)
    /// through the API's rules, in bulk transactions. A line whose report is already stored
    /// with the same content is skipped, so running it again stores nothing twice; a rejected
    /// line is printed on stderr as `{"line": N, "problem": {..}}` (the API's problem document)
    /// and the import goes on. No analyst e-mail is queued. Prints `{"lines": N, "stored": S,
    /// "duplicates": D, "rejected": R, "stopped": false, "seconds": T, "reports_per_second":
    /// P}`; exits 1 when a line was rejected.
    Import {
        /// The NDJSON file, or `-` for standard input.
        file: PathBuf,
        /// The API credential the reports are submitted as.
        #[arg(long)]
        client_id: String,
        /// Stop at the first rejected line; the lines before it are stored.
        #[arg(long)]
        stop_on_error: bool,
    },
}

/// `keys` sub-commands.
#[derive(Debug, Subcommand)]
pub enum KeysCommand {
    /// Create a new master key version, re-wrap every data key under it (report data is not
    /// touched), then delete the older versions' files; safe while servers run. Prints
    /// `{"master_key_id": V, "rewrapped": N, "retired": [..]}`.
    Rotate,
}

/// `stats` sub-commands.
#[derive(Debug, Subcommand)]
pub enum StatsCommand {
    /// Recount every rollup from the reports, replace them, and print the differences found.
    Rebuild,
}

/// `audit` sub-commands.
#[derive(Debug, Subcommand)]
pub enum AuditCommand {
    /// Seal pending events, checkpoint the head (if the chain still extends the latest
    /// checkpoint), walk the hash chain against the key store's witness and latest checkpoint,
    /// and print the verdict; exits 1 when it is broken.
    Verify {
        /// Also check against this checkpoint, exported earlier by `audit checkpoint` (its
        /// signature is verified first; a refused one exits 2). With it nothing is sealed nor
        /// checkpointed: the database is only read.
        #[arg(long)]
        checkpoint: Option<PathBuf>,
    },
    /// Seal pending events, checkpoint the head, and print the signed checkpoint (one JSON
    /// line, to keep elsewhere for `audit verify --checkpoint`); exits 1 when the chain no
    /// longer extends the latest checkpoint.
    Checkpoint,
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
    if let Command::Seed {
        ndjson: Some(path),
        reports,
        days,
        organizations,
        seed_value,
        ..
    } = &command
    {
        let options = SeedOptions {
            reports: *reports,
            days: *days,
            organizations: *organizations,
            force: false,
            notify: false,
            seed_value: *seed_value,
        };
        let file =
            std::fs::File::create(path).map_err(|e| anyhow::anyhow!("{}: {e}", path.display()))?;
        let written = crate::seed::write_ndjson(&options, file)?;
        return print(&serde_json::json!({ "written": written }));
    }
    if let Command::Purge { dry_run: false } = command {
        return print(&purge_once(settings)?);
    }
    let pool = db::connect(
        &settings.database_url(),
        1,
        std::time::Duration::from_secs(settings.db_timeout_seconds),
    )?;
    let mut conn = pool.get()?;
    let keys = KeyStore::open(settings)?;
    let applied = store::migrate(&mut conn, &keys)?;
    let conn: &mut DbConnection = &mut conn;
    match command {
        Command::Serve
        | Command::Openapi
        | Command::Deliver
        | Command::Purge { dry_run: false } => {
            unreachable!("handled above")
        }
        Command::Purge { dry_run: true } => print(&crate::retention::plan(
            conn,
            &settings.retention(),
            chrono::Utc::now(),
        )?),
        Command::Migrate => print(&Applied { applied }),
        Command::Stats(StatsCommand::Rebuild) => print(&store::stats::rebuild(conn, &keys)?),
        Command::Keys(KeysCommand::Rotate) => print(&keys.rotate()?),
        Command::Seed {
            reports,
            days,
            organizations,
            force,
            notify,
            seed_value,
            ndjson: _,
        } => {
            let options = SeedOptions {
                reports,
                days,
                organizations,
                force,
                notify,
                seed_value,
            };
            print(&crate::seed::run(conn, &keys, settings, &options)?)
        }
        Command::Import {
            file,
            client_id,
            stop_on_error,
        } => {
            let options = ImportOptions {
                file,
                client_id,
                stop_on_error,
            };
            let summary = crate::import::run(conn, &keys, settings, &options)?;
            print(&summary)?;
            if summary.rejected > 0 {
                std::process::exit(1);
            }
            Ok(())
        }
        Command::Audit(command) => audit_command(conn, &keys, settings, command),
        Command::Partner(command) => crate::sharing_cli::run(conn, command),
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
            let new = NewOrganization {
                name,
                contact_email,
            };
            let event = NewAuditEvent::command_line("organization.create", "");
            let status = (status, StatusChange::COMMAND_LINE);
            print(&service::admin::create_organization(
                conn, &new, status, &event,
            )?)
        }
        Command::Org(OrgCommand::Vet { id }) => {
            print(&set_status(conn, &id, OrganizationStatus::Vetted)?)
        }
        Command::Org(OrgCommand::Suspend { id }) => {
            print(&set_status(conn, &id, OrganizationStatus::Suspended)?)
        }
        Command::Credential(CredentialCommand::Create { org, mode, label }) => {
            let event = NewAuditEvent::command_line("credential.issue", &org);
            let new = NewCredential { mode, label };
            print(&service::admin::issue_credential(
                conn,
                &org,
                &new,
                settings.credential_lifetime_days,
                &event,
            )?)
        }
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
                notify,
            };
            let event = NewAuditEvent::command_line("user.create", "");
            print(&service::users::register_with_password(
                conn,
                &new,
                password.as_deref(),
                Some(&event),
            )?)
        }
    }
}

/// Runs an `audit` sub-command.
fn audit_command(
    conn: &mut DbConnection,
    keys: &KeyStore,
    settings: &Settings,
    command: AuditCommand,
) -> anyhow::Result<()> {
    let verdict = match command {
        AuditCommand::Verify {
            checkpoint: Some(path),
        } => {
            let signed: SignedCheckpoint = serde_json::from_slice(&std::fs::read(&path)?)
                .map_err(|e| anyhow::anyhow!("{} is not a checkpoint: {e}", path.display()))?;
            let checkpoint = keys
                .checkpoint_key()
                .verify(&signed)
                .unwrap_or_else(|refused| {
                    eprintln!("{}: {refused}", path.display());
                    std::process::exit(2)
                });
            audit_chain::verify(conn, keys, Some(checkpoint))?
        }
        AuditCommand::Verify { checkpoint: None } => {
            audit::seal(conn)?;
            audit_chain::checkpoint(conn, keys, settings.audit_witness_path().as_deref())?;
            audit_chain::verify(conn, keys, None)?
        }
        AuditCommand::Checkpoint => {
            audit::seal(conn)?;
            match audit_chain::checkpoint(conn, keys, settings.audit_witness_path().as_deref())? {
                Checkpointed::Signed(signed) => return print(&signed),
                Checkpointed::Empty => {
                    anyhow::bail!("the audit chain is empty: nothing to checkpoint")
                }
                Checkpointed::Refused(verdict) => verdict,
            }
        }
    };
    print(&verdict)?;
    if !verdict.valid {
        std::process::exit(1);
    }
    Ok(())
}

/// Changes an organization's vetting status from the command line, recorded in the audit log.
fn set_status(
    conn: &mut DbConnection,
    id: &str,
    status: OrganizationStatus,
) -> Result<Organization, ApiError> {
    let event = NewAuditEvent::command_line("organization.vet", id);
    let change = StatusChange::COMMAND_LINE;
    service::admin::set_organization_status(conn, id, status, change, &event)
}

/// Purges once from the command line: the server's purge, on a runtime of its own.
fn purge_once(settings: &Settings) -> anyhow::Result<crate::retention::Purged> {
    let state = crate::state::AppState::new(settings.clone())?;
    state.migrate()?;
    let batch = i64::from(settings.purge_batch_size.max(1));
    actix_web::rt::System::new()
        .block_on(crate::retention::purge(
            &state,
            &settings.retention(),
            chrono::Utc::now(),
            batch,
        ))
        .map_err(|e| anyhow::anyhow!("purge failed: {e}"))
}

fn print(value: &impl Serialize) -> anyhow::Result<()> {
    println!("{}", serde_json::to_string(value)?);
    Ok(())
}
