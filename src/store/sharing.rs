//! Partner sharing's tables: partners and their credentials, collections and grants, shares of
//! reports, and the STIX objects each collection serves over TAXII (one row per version, paged
//! by `(added_us, object_id, version)` on an index, never by offset).

use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::prelude::*;
use serde_json::Value;

use crate::auth::secret;
use crate::db::portable::insert_rows;
use crate::db::schema::{
    collection_grants, partners, report_holds, reports, shares, sharing_collections, taxii_objects,
};
use crate::db::{DbConnection, portable};
use crate::domain::organization::CredentialMode;
use crate::domain::report::{NewReport, check_rules};
use crate::domain::sharing::{
    Collection, IssuedPartner, NewCollection, NewPartner, Partner, Share, ShareCount,
};
use crate::domain::status::ReportStatus;
use crate::domain::stix::{self, Tlp};
use crate::error::ApiError;
use crate::keys::{KeyStore, place};

/// The prefix of every partner's client id: the token endpoint knows a partner by it.
pub const PARTNER_CLIENT_PREFIX: &str = "rp_partner_";

/// Whether a partner's credentials may still obtain and use tokens.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PartnerAccess {
    /// The partner's id.
    pub partner_id: String,
    /// Whether its credentials are revoked.
    pub revoked: bool,
}

/// A new partner as written: its secret only hashed.
#[derive(Insertable)]
#[diesel(table_name = partners)]
struct NewPartnerRow<'a> {
    id: &'a str,
    name: &'a str,
    client_id: &'a str,
    secret_hash: String,
    created_at: NaiveDateTime,
}

/// A partner as listed, without its secret.
#[derive(Queryable, Selectable)]
#[diesel(table_name = partners, check_for_backend(diesel::pg::Pg, diesel::sqlite::Sqlite))]
struct PartnerRow {
    id: String,
    name: String,
    client_id: String,
    created_at: NaiveDateTime,
    revoked_at: Option<NaiveDateTime>,
}

/// One grant of a collection to a partner.
#[derive(Queryable, Selectable)]
#[diesel(table_name = collection_grants, check_for_backend(diesel::pg::Pg, diesel::sqlite::Sqlite))]
struct GrantRow {
    partner_id: String,
    collection_id: String,
}

/// A partner credential's secret hash and access, as the token endpoint reads them.
#[derive(Queryable, Selectable)]
#[diesel(table_name = partners, check_for_backend(diesel::pg::Pg, diesel::sqlite::Sqlite))]
struct PartnerSecretRow {
    secret_hash: String,
    #[diesel(select_expression = partners::id)]
    partner_id: String,
    #[diesel(
        select_expression = partners::revoked_at.is_not_null(),
        select_expression_type = diesel::dsl::IsNotNull<partners::revoked_at>,
    )]
    revoked: bool,
}

/// A collection as written.
#[derive(Insertable)]
#[diesel(table_name = sharing_collections, treat_none_as_default_value = false)]
struct NewCollectionRow<'a> {
    id: &'a str,
    title: &'a str,
    description: Option<&'a str>,
    created_at: NaiveDateTime,
}

/// A collection as read.
#[derive(Queryable, Selectable)]
#[diesel(table_name = sharing_collections, check_for_backend(diesel::pg::Pg, diesel::sqlite::Sqlite))]
struct CollectionRow {
    id: String,
    title: String,
    description: Option<String>,
    created_at: NaiveDateTime,
}

impl From<CollectionRow> for Collection {
    fn from(row: CollectionRow) -> Self {
        Collection {
            id: row.id,
            title: row.title,
            description: row.description,
            created_at: row.created_at.and_utc(),
        }
    }
}

/// What sharing reads of a report.
#[derive(Queryable, Selectable)]
#[diesel(table_name = reports, check_for_backend(diesel::pg::Pg, diesel::sqlite::Sqlite))]
struct ShareableRow {
    status: ReportStatus,
    mode: CredentialMode,
    key_id: String,
    body: Vec<u8>,
}

/// A share as written.
#[derive(Insertable)]
#[diesel(table_name = shares)]
struct NewShareRow<'a> {
    id: &'a str,
    report_id: &'a str,
    collection_id: &'a str,
    tlp: Tlp,
    shared_by: &'a str,
    shared_at: NaiveDateTime,
    objects: &'a str,
}

/// A share as read.
#[derive(Queryable, Selectable)]
#[diesel(table_name = shares, check_for_backend(diesel::pg::Pg, diesel::sqlite::Sqlite))]
struct ShareRow {
    id: String,
    report_id: String,
    collection_id: String,
    tlp: Tlp,
    shared_by: String,
    shared_at: NaiveDateTime,
    objects: String,
    withdrawn_at: Option<NaiveDateTime>,
}

/// The shares of one collection under one marking: all, and those withdrawn.
#[derive(Queryable)]
struct ShareCountRow {
    collection_id: String,
    tlp: Tlp,
    shares: i64,
    withdrawn: i64,
}

fn conflict(detail: &str) -> ApiError {
    ApiError::Conflict {
        detail: detail.into(),
        existing_id: None,
    }
}

/// Registers a partner agency and issues its client credentials (the secret returned once,
/// only its hash kept); 422 for a bad name, 409 when the name is taken.
pub fn create_partner(
    conn: &mut DbConnection,
    new: &NewPartner,
) -> Result<IssuedPartner, ApiError> {
    check_rules(new, [])?;
    let id = super::new_id();
    let client_id = format!(
        "{PARTNER_CLIENT_PREFIX}{}",
        secret::new_secret().chars().take(24).collect::<String>()
    );
    let client_secret = secret::new_client_secret();
    let inserted = diesel::insert_into(partners::table)
        .values(NewPartnerRow {
            id: &id,
            name: new.name.trim(),
            client_id: &client_id,
            secret_hash: secret::hash_secret(&client_secret),
            created_at: super::now(),
        })
        .execute(conn);
    if portable::is_unique_violation(&inserted) {
        return Err(conflict("a partner of that name exists"));
    }
    inserted?;
    Ok(IssuedPartner {
        id,
        client_id,
        client_secret,
    })
}

/// Every partner, by name, with the collections it is granted.
pub fn list_partners(conn: &mut DbConnection) -> Result<Vec<Partner>, ApiError> {
    let rows = partners::table
        .order(partners::name.asc())
        .limit(1000)
        .select(PartnerRow::as_select())
        .load(conn)?;
    let grants = collection_grants::table
        .select(GrantRow::as_select())
        .order(collection_grants::collection_id.asc())
        .load(conn)?;
    Ok(rows
        .into_iter()
        .map(|row| Partner {
            collection_ids: grants
                .iter()
                .filter(|grant| grant.partner_id == row.id)
                .map(|grant| grant.collection_id.clone())
                .collect(),
            id: row.id,
            name: row.name,
            client_id: row.client_id,
            created_at: row.created_at.and_utc(),
            revoked_at: row.revoked_at.map(|at| at.and_utc()),
        })
        .collect())
}

/// Revokes a partner's credentials (its tokens stop working within `auth_cache_seconds`); 404
/// when there is no such partner or it is already revoked.
pub fn revoke_partner(conn: &mut DbConnection, id: &str) -> Result<(), ApiError> {
    let updated = diesel::update(
        partners::table
            .find(id)
            .filter(partners::revoked_at.is_null()),
    )
    .set(partners::revoked_at.eq(super::now()))
    .execute(conn)?;
    if updated == 0 {
        return Err(ApiError::NotFound);
    }
    Ok(())
}

/// The partner credential `client_id` with its secret hash, if it exists.
pub fn partner_with_secret(
    conn: &mut DbConnection,
    client_id: &str,
) -> Result<Option<(String, PartnerAccess)>, ApiError> {
    Ok(partners::table
        .filter(partners::client_id.eq(client_id))
        .select(PartnerSecretRow::as_select())
        .first(conn)
        .optional()?
        .map(|row| {
            (
                row.secret_hash,
                PartnerAccess {
                    partner_id: row.partner_id,
                    revoked: row.revoked,
                },
            )
        }))
}

/// Defines a collection; 422 for bad fields, 409 when the title is taken.
pub fn create_collection(
    conn: &mut DbConnection,
    new: &NewCollection,
) -> Result<Collection, ApiError> {
    check_rules(new, [])?;
    let collection = Collection {
        id: uuid::Uuid::new_v4().to_string(),
        title: new.title.trim().to_owned(),
        description: new.description.clone(),
        created_at: super::now().and_utc(),
    };
    let inserted = diesel::insert_into(sharing_collections::table)
        .values(NewCollectionRow {
            id: &collection.id,
            title: &collection.title,
            description: collection.description.as_deref(),
            created_at: collection.created_at.naive_utc(),
        })
        .execute(conn);
    if portable::is_unique_violation(&inserted) {
        return Err(conflict("a collection of that title exists"));
    }
    inserted?;
    Ok(collection)
}

/// Every collection, by title.
pub fn list_collections(conn: &mut DbConnection) -> Result<Vec<Collection>, ApiError> {
    Ok(sharing_collections::table
        .order(sharing_collections::title.asc())
        .limit(1000)
        .select(CollectionRow::as_select())
        .load(conn)?
        .into_iter()
        .map(Collection::from)
        .collect())
}

/// Grants partner `partner_id` the collection `collection_id` (again: no change); 404 when
/// either is absent.
pub fn grant(
    conn: &mut DbConnection,
    partner_id: &str,
    collection_id: &str,
) -> Result<(), ApiError> {
    let partner = partners::table
        .find(partner_id)
        .count()
        .get_result::<i64>(conn)?;
    let found = sharing_collections::table
        .find(collection_id)
        .count()
        .get_result::<i64>(conn)?;
    if partner == 0 || found == 0 {
        return Err(ApiError::NotFound);
    }
    // A grant made again is no change; `ON CONFLICT DO NOTHING`, not a caught unique violation,
    // which on PostgreSQL would abort the transaction the audit event is written in.
    let row = (
        collection_grants::partner_id.eq(partner_id),
        collection_grants::collection_id.eq(collection_id),
        collection_grants::granted_at.eq(super::now()),
    );
    insert_rows!(
        conn,
        collection_grants::table,
        &[row],
        on_conflict_do_nothing
    )?;
    Ok(())
}

/// Withdraws a grant; 404 when there was none.
pub fn revoke_grant(
    conn: &mut DbConnection,
    partner_id: &str,
    collection_id: &str,
) -> Result<(), ApiError> {
    let deleted =
        diesel::delete(collection_grants::table.find((partner_id, collection_id))).execute(conn)?;
    if deleted == 0 {
        return Err(ApiError::NotFound);
    }
    Ok(())
}

/// The collections partner `partner_id` may read, by title.
pub fn granted_collections(
    conn: &mut DbConnection,
    partner_id: &str,
) -> Result<Vec<Collection>, ApiError> {
    Ok(collection_grants::table
        .inner_join(sharing_collections::table)
        .filter(collection_grants::partner_id.eq(partner_id))
        .order(sharing_collections::title.asc())
        .select(CollectionRow::as_select())
        .load(conn)?
        .into_iter()
        .map(Collection::from)
        .collect())
}

/// Collection `collection_id` if partner `partner_id` may read it; 404 otherwise (absent and
/// not granted answer the same).
pub fn granted_collection(
    conn: &mut DbConnection,
    partner_id: &str,
    collection_id: &str,
) -> Result<Collection, ApiError> {
    collection_grants::table
        .inner_join(sharing_collections::table)
        .filter(collection_grants::partner_id.eq(partner_id))
        .filter(collection_grants::collection_id.eq(collection_id))
        .select(CollectionRow::as_select())
        .first(conn)
        .optional()?
        .map(Collection::from)
        .ok_or(ApiError::NotFound)
}

/// What sharing needs of a report: its status, mode, whether it is held, and its body.
pub struct ShareableReport {
    /// The report's status.
    pub status: ReportStatus,
    /// Live or test.
    pub mode: CredentialMode,
    /// Whether a legal hold is in place.
    pub held: bool,
    /// The report as submitted.
    pub report: NewReport,
}

/// The report `id` as sharing needs it; 404 (or 410 when purged) when absent.
pub fn shareable_report(
    conn: &mut DbConnection,
    keys: &KeyStore,
    id: &str,
) -> Result<ShareableReport, ApiError> {
    let found = reports::table
        .find(id)
        .select(ShareableRow::as_select())
        .first(conn)
        .optional()?;
    let Some(ShareableRow {
        status,
        mode,
        key_id,
        body,
    }) = found
    else {
        return Err(super::tombstones::gone_or_not_found(
            conn,
            None,
            &super::owner::ReportKey::Id(id.to_owned()),
        ));
    };
    let held = report_holds::table
        .find(id)
        .count()
        .get_result::<i64>(conn)?
        > 0;
    let key = keys.one(&key_id)?;
    let body = key.open_body(&body, &place(id, "body"))?;
    Ok(ShareableReport {
        status,
        mode,
        held,
        report: serde_json::from_str(&body).map_err(|e| ApiError::Internal(e.into()))?,
    })
}

/// 404 unless collection `id` exists.
pub fn require_collection(conn: &mut DbConnection, id: &str) -> Result<(), ApiError> {
    let found = sharing_collections::table
        .find(id)
        .count()
        .get_result::<i64>(conn)?;
    if found == 0 {
        return Err(ApiError::NotFound);
    }
    Ok(())
}

/// A share about to be recorded.
pub struct NewShare<'a> {
    /// Its id.
    pub id: &'a str,
    /// The report shared.
    pub report_id: &'a str,
    /// Into which collection.
    pub collection_id: &'a str,
    /// The marking.
    pub tlp: Tlp,
    /// Who shares it.
    pub shared_by: &'a str,
    /// When.
    pub at: DateTime<Utc>,
    /// The STIX objects it produced.
    pub objects: &'a [Value],
}

/// Records a share and adds its objects to the collection (each object version once).
pub fn record_share(conn: &mut DbConnection, share: &NewShare<'_>) -> Result<Share, ApiError> {
    let objects = Value::Array(share.objects.to_vec()).to_string();
    diesel::insert_into(shares::table)
        .values(NewShareRow {
            id: share.id,
            report_id: share.report_id,
            collection_id: share.collection_id,
            tlp: share.tlp,
            shared_by: share.shared_by,
            shared_at: share.at.naive_utc(),
            objects: &objects,
        })
        .execute(conn)?;
    add_objects(conn, share.collection_id, share.objects, share.at)?;
    Ok(Share {
        id: share.id.to_owned(),
        report_id: share.report_id.to_owned(),
        collection_id: share.collection_id.to_owned(),
        tlp: share.tlp,
        shared_by: share.shared_by.to_owned(),
        shared_at: share.at,
        withdrawn_at: None,
        object_ids: ids(share.objects),
    })
}

fn ids(objects: &[Value]) -> Vec<String> {
    objects
        .iter()
        .filter_map(|o| o["id"].as_str().map(str::to_owned))
        .collect()
}

/// Microseconds since the epoch: a TAXII `date_added` as stored.
fn micros(at: DateTime<Utc>) -> i64 {
    at.timestamp_micros()
}

/// Adds object versions to a collection at `at`: a version already there is left as it is; an
/// object without versions (an observable, a marking) is added once.
pub fn add_objects(
    conn: &mut DbConnection,
    collection_id: &str,
    objects: &[Value],
    at: DateTime<Utc>,
) -> Result<usize, ApiError> {
    let added = micros(at);
    let mut count = 0;
    for object in objects {
        let (Some(id), Some(kind)) = (object["id"].as_str(), object["type"].as_str()) else {
            continue;
        };
        let versions: Vec<String> = taxii_objects::table
            .filter(taxii_objects::collection_id.eq(collection_id))
            .filter(taxii_objects::object_id.eq(id))
            .select(taxii_objects::version)
            .load(conn)?;
        let version = match stix::version(object) {
            Some(v) => v.to_owned(),
            None if !versions.is_empty() => continue,
            None => stix::timestamp(at),
        };
        if versions.contains(&version) {
            continue;
        }
        let latest = versions.iter().all(|v| *v < version);
        if latest {
            diesel::update(
                taxii_objects::table
                    .filter(taxii_objects::collection_id.eq(collection_id))
                    .filter(taxii_objects::object_id.eq(id)),
            )
            .set(taxii_objects::is_latest.eq(false))
            .execute(conn)?;
        }
        let first = versions.iter().all(|v| *v > version);
        if first {
            diesel::update(
                taxii_objects::table
                    .filter(taxii_objects::collection_id.eq(collection_id))
                    .filter(taxii_objects::object_id.eq(id)),
            )
            .set(taxii_objects::is_first.eq(false))
            .execute(conn)?;
        }
        // A concurrent share that added the same version first wins, and this one goes on:
        // `ON CONFLICT DO NOTHING`, not a caught unique violation, which on PostgreSQL would
        // abort the caller's transaction.
        let row = (
            taxii_objects::collection_id.eq(collection_id),
            taxii_objects::object_id.eq(id),
            taxii_objects::version.eq(&version),
            taxii_objects::added_us.eq(added),
            taxii_objects::object_type.eq(kind),
            taxii_objects::is_first.eq(first),
            taxii_objects::is_latest.eq(latest),
            taxii_objects::body.eq(object.to_string()),
        );
        if insert_rows!(conn, taxii_objects::table, &[row], on_conflict_do_nothing)? == 0 {
            continue;
        }
        count += 1;
    }
    Ok(count)
}

/// A share and the objects it produced (their revoked versions once withdrawn).
fn share_of(row: ShareRow) -> Result<(Share, Vec<Value>), ApiError> {
    let objects: Vec<Value> =
        serde_json::from_str(&row.objects).map_err(|e| ApiError::Internal(e.into()))?;
    let withdrawn_at = row.withdrawn_at.map(|at| at.and_utc());
    let objects = match withdrawn_at {
        Some(at) => objects
            .into_iter()
            .map(|o| stix::revoked(&o, at).unwrap_or(o))
            .collect(),
        None => objects,
    };
    Ok((
        Share {
            object_ids: ids(&objects),
            id: row.id,
            report_id: row.report_id,
            collection_id: row.collection_id,
            tlp: row.tlp,
            shared_by: row.shared_by,
            shared_at: row.shared_at.and_utc(),
            withdrawn_at,
        },
        objects,
    ))
}

/// The shares of report `report_id`, oldest first, with their objects as they now stand.
pub fn report_shares(
    conn: &mut DbConnection,
    report_id: &str,
) -> Result<Vec<(Share, Vec<Value>)>, ApiError> {
    shares::table
        .filter(shares::report_id.eq(report_id))
        .order(shares::id.asc())
        .limit(1000)
        .select(ShareRow::as_select())
        .load(conn)?
        .into_iter()
        .map(share_of)
        .collect()
}

/// Withdraws share `share_id` of report `report_id` at `at`: its indicators, relationships and
/// report object get a revoked version in the collection. 404 when there is no such share, 409
/// when it is already withdrawn.
pub fn withdraw(
    conn: &mut DbConnection,
    report_id: &str,
    share_id: &str,
    actor_id: &str,
    at: DateTime<Utc>,
) -> Result<Share, ApiError> {
    let updated = diesel::update(
        shares::table
            .find(share_id)
            .filter(shares::report_id.eq(report_id))
            .filter(shares::withdrawn_at.is_null()),
    )
    .set((
        shares::withdrawn_at.eq(at.naive_utc()),
        shares::withdrawn_by.eq(actor_id),
    ))
    .execute(conn)?;
    let row = shares::table
        .find(share_id)
        .filter(shares::report_id.eq(report_id))
        .select(ShareRow::as_select())
        .first(conn)
        .optional()?
        .ok_or(ApiError::NotFound)?;
    if updated == 0 {
        return Err(conflict("the share is already withdrawn"));
    }
    let (share, objects) = share_of(row)?;
    let revoked: Vec<Value> = objects
        .into_iter()
        .filter(|o| o["revoked"] == true)
        .collect();
    add_objects(conn, &share.collection_id, &revoked, at)?;
    Ok(share)
}

/// Shares by collection and marking (all time).
pub fn share_counts(conn: &mut DbConnection) -> Result<Vec<ShareCount>, ApiError> {
    use diesel::dsl::{count, count_star};
    let totals = shares::table
        .group_by((shares::collection_id, shares::tlp))
        .select((
            shares::collection_id,
            shares::tlp,
            count_star(),
            count(shares::withdrawn_at),
        ))
        .order((shares::collection_id.asc(), shares::tlp.asc()))
        .load::<ShareCountRow>(conn)?;
    let titles: std::collections::HashMap<String, String> = sharing_collections::table
        .select((sharing_collections::id, sharing_collections::title))
        .load::<(String, String)>(conn)?
        .into_iter()
        .collect();
    Ok(totals
        .into_iter()
        .map(|row| ShareCount {
            collection_title: titles.get(&row.collection_id).cloned().unwrap_or_default(),
            collection_id: row.collection_id,
            tlp: row.tlp,
            shares: row.shares,
            withdrawn: row.withdrawn,
        })
        .collect())
}

/// Which versions of the matching objects a TAXII request asks for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Versions {
    /// The latest of each (the default).
    Last,
    /// The first of each.
    First,
    /// Every version.
    All,
    /// These versions (timestamps as the objects write them).
    These(Vec<String>),
}

/// A TAXII object query on one collection.
#[derive(Debug, Clone)]
pub struct ObjectQuery {
    /// Only objects added after this (microseconds since the epoch).
    pub added_after: Option<i64>,
    /// Only these ids.
    pub ids: Vec<String>,
    /// Only these types.
    pub types: Vec<String>,
    /// Which versions.
    pub versions: Versions,
    /// At most this many.
    pub limit: i64,
    /// After this place (from the previous page's `next`): `(added_us, object_id, version)`.
    pub after: Option<(i64, String, String)>,
    /// Whether a filter excludes every object (a `match[spec_version]` without `2.1`, the
    /// only version served).
    pub nothing: bool,
}

/// One stored object version.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = taxii_objects, check_for_backend(diesel::pg::Pg, diesel::sqlite::Sqlite))]
pub struct StoredObject {
    /// The object's id.
    #[diesel(select_expression = taxii_objects::object_id)]
    pub id: String,
    /// Its version.
    pub version: String,
    /// When it was added (microseconds since the epoch).
    pub added_us: i64,
    /// The object, as JSON text.
    pub body: String,
}

/// One page of a collection's objects, in `(date_added, id, version)` order, and whether more
/// follow.
pub fn objects(
    conn: &mut DbConnection,
    collection_id: &str,
    query: &ObjectQuery,
) -> Result<(Vec<StoredObject>, bool), ApiError> {
    if query.nothing {
        return Ok((Vec::new(), false));
    }
    let mut q = taxii_objects::table
        .filter(taxii_objects::collection_id.eq(collection_id))
        .into_boxed();
    if let Some(after) = query.added_after {
        q = q.filter(taxii_objects::added_us.gt(after));
    }
    if !query.ids.is_empty() {
        q = q.filter(taxii_objects::object_id.eq_any(&query.ids));
    }
    if !query.types.is_empty() {
        q = q.filter(taxii_objects::object_type.eq_any(&query.types));
    }
    q = match &query.versions {
        Versions::Last => q.filter(taxii_objects::is_latest.eq(true)),
        Versions::First => q.filter(taxii_objects::is_first.eq(true)),
        Versions::All => q,
        Versions::These(versions) => q.filter(taxii_objects::version.eq_any(versions)),
    };
    if let Some((added, id, version)) = &query.after {
        // The first condition alone bounds the index range; the second cuts its first instant.
        q = q.filter(taxii_objects::added_us.ge(*added)).filter(
            taxii_objects::added_us
                .gt(*added)
                .or(taxii_objects::added_us.eq(*added).and(
                    taxii_objects::object_id.gt(id).or(taxii_objects::object_id
                        .eq(id)
                        .and(taxii_objects::version.gt(version))),
                )),
        );
    }
    let mut rows = q
        .order((
            taxii_objects::added_us.asc(),
            taxii_objects::object_id.asc(),
            taxii_objects::version.asc(),
        ))
        .limit(query.limit + 1)
        .select(StoredObject::as_select())
        .load(conn)?;
    let more = rows.len() as i64 > query.limit;
    rows.truncate(query.limit as usize);
    Ok((rows, more))
}
