//! The parts of a report kept in tables of their own (accounts with their contact handles,
//! content items, locations), written alike by a submission and an amendment.

use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::prelude::*;

use crate::db::DbConnection;
use crate::db::portable::insert_rows;
use crate::db::schema::{
    report_accounts, report_contact_handles, report_content, report_locations,
};
use crate::domain::received::AccountHashes;
use crate::domain::report::{Account, ContentItem, Location};

/// What a submission or an amendment adds to one report: accounts (with their contact
/// handles), content items and locations, numbered on from `first` (the numbers of accounts,
/// content items and locations the report already has).
pub(super) struct Parts<'a> {
    /// The report.
    pub report_id: &'a str,
    /// The position of the first new account, content item and location.
    pub first: (i32, i32, i32),
    /// New accounts.
    pub accounts: &'a [Account],
    /// New content items.
    pub content: &'a [ContentItem],
    /// New locations.
    pub locations: &'a [Location],
    /// The keyed hashes of the new accounts' and content items' platform account ids.
    pub account_hashes: &'a AccountHashes,
}

/// Inserts the parts of any number of reports: one multi-row insert per table.
pub(super) fn insert_parts(conn: &mut DbConnection, parts: &[Parts<'_>]) -> QueryResult<()> {
    let accounts: Vec<_> = parts
        .iter()
        .flat_map(|p| {
            p.accounts
                .iter()
                .zip(&p.account_hashes.ids)
                .zip(p.first.0..)
                .map(move |((a, hashed_id), position)| {
                    (
                        report_accounts::report_id.eq(p.report_id),
                        report_accounts::position.eq(position),
                        report_accounts::platform_account_id.eq(hashed_id),
                        report_accounts::role.eq(a.role.as_ref()),
                        report_accounts::created_at.eq(a.created_at.as_ref().map(naive)),
                        report_accounts::follower_count.eq(a.follower_count),
                        report_accounts::action_taken.eq(a.action_taken.as_ref()),
                    )
                })
        })
        .collect();
    insert_rows!(conn, report_accounts::table, &accounts)?;

    let handles: Vec<_> = parts
        .iter()
        .flat_map(|p| {
            p.accounts
                .iter()
                .zip(p.first.0..)
                .flat_map(move |(a, account)| {
                    a.contact_handles
                        .iter()
                        .zip(0..)
                        .map(move |(h, position): (_, i32)| {
                            (
                                report_contact_handles::report_id.eq(p.report_id),
                                report_contact_handles::account_position.eq(account),
                                report_contact_handles::position.eq(position),
                                report_contact_handles::kind.eq(h.kind.as_ref()),
                            )
                        })
                })
        })
        .collect();
    insert_rows!(conn, report_contact_handles::table, &handles)?;

    let content: Vec<_> = parts
        .iter()
        .flat_map(|p| {
            p.content
                .iter()
                .zip(&p.account_hashes.refs)
                .zip(p.first.1..)
                .map(move |((c, hashed_ref), position)| {
                    (
                        report_content::report_id.eq(p.report_id),
                        report_content::position.eq(position),
                        report_content::content_type.eq(c.content_type.as_ref()),
                        report_content::posted_at.eq(c.posted_at.as_ref().map(naive)),
                        report_content::language.eq(&c.language),
                        report_content::sha256
                            .eq(c.sha256.as_ref().map(|h| h.to_ascii_lowercase())),
                        report_content::md5.eq(c.md5.as_ref().map(|h| h.to_ascii_lowercase())),
                        report_content::pdq.eq(c.pdq.as_ref().map(|h| h.to_ascii_lowercase())),
                        report_content::account_ref.eq(hashed_ref),
                        report_content::preserved.eq(c.preserved),
                        report_content::removed.eq(c.removed),
                    )
                })
        })
        .collect();
    insert_rows!(conn, report_content::table, &content)?;

    let locations: Vec<_> = parts
        .iter()
        .flat_map(|p| {
            p.locations
                .iter()
                .zip(p.first.2..)
                .map(move |(l, position)| {
                    (
                        report_locations::report_id.eq(p.report_id),
                        report_locations::position.eq(position),
                        report_locations::country.eq(&l.country),
                        report_locations::subdivision.eq(&l.subdivision),
                    )
                })
        })
        .collect();
    insert_rows!(conn, report_locations::table, &locations).map(drop)
}

/// A time as stored (UTC, naive).
pub(super) fn naive(at: &DateTime<Utc>) -> NaiveDateTime {
    at.naive_utc()
}
