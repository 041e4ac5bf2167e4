//! `report-portal partner ...`: register partner agencies, define collections and grant them,
//! from the command line; each command prints one JSON object and is audited.

use clap::Subcommand;
use serde::Serialize;

use crate::db::DbConnection;
use crate::domain::sharing::{NewCollection, NewPartner};
use crate::service::sharing;
use crate::store::audit::NewAuditEvent;

/// `partner` sub-commands.
#[derive(Debug, Subcommand)]
pub enum PartnerCommand {
    /// Register a partner agency and issue its client credentials; prints
    /// `{"id", "client_id", "client_secret"}` (the secret once).
    Create {
        /// The agency's name.
        #[arg(long)]
        name: String,
    },
    /// Define a collection (sharing group); prints the collection.
    Collection {
        /// Its title.
        #[arg(long)]
        title: String,
        /// What it holds.
        #[arg(long)]
        description: Option<String>,
    },
    /// Grant a partner a collection; prints `{"partner_id", "collection_id"}`.
    Grant {
        /// The partner's id.
        #[arg(long)]
        partner: String,
        /// The collection's id.
        #[arg(long)]
        collection: String,
    },
}

#[derive(Serialize)]
struct Granted {
    partner_id: String,
    collection_id: String,
}

/// Runs a `partner` sub-command, printing its result.
pub fn run(conn: &mut DbConnection, command: PartnerCommand) -> anyhow::Result<()> {
    let json = match command {
        PartnerCommand::Create { name } => {
            let event = NewAuditEvent::command_line("partner.create", "");
            let issued = sharing::create_partner(conn, &NewPartner { name }, &event)?;
            serde_json::to_string(&issued)?
        }
        PartnerCommand::Collection { title, description } => {
            let event = NewAuditEvent::command_line("collection.create", "");
            let new = NewCollection { title, description };
            let collection = sharing::create_collection(conn, &new, &event)?;
            serde_json::to_string(&collection)?
        }
        PartnerCommand::Grant {
            partner,
            collection,
        } => {
            let event =
                NewAuditEvent::command_line("partner.grant", &format!("{partner}/{collection}"));
            sharing::grant(conn, &partner, &collection, &event)?;
            serde_json::to_string(&Granted {
                partner_id: partner,
                collection_id: collection,
            })?
        }
    };
    println!("{json}");
    Ok(())
}
